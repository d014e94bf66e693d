// sta_path_test.cpp: SensorThings resource paths, case by case from tests/data/sta/path-cases.csv
// (a path and its parse, or the refusal's words), and the sharing table's rules.
#include "service/sta_path.h"

#include <gtest/gtest.h>

#include "core/csv.h"
#include "core/file.h"
#include "service/sta_sharing.h"

namespace shanshui::service::sta {
namespace {

std::string written(const ResourcePath& p) {
  std::string out;
  for (size_t i = 0; i < p.segments.size(); ++i) {
    out += (i ? "/" : "") + p.segments[i].name;
    if (p.segments[i].id) out += "(" + *p.segments[i].id + ")";
  }
  if (!p.property.empty()) out += "#" + p.property;
  if (p.value) out += "$value";
  if (p.ref) out += "$ref";
  return out;
}

TEST(StaPath, EveryCaseParsesAsTheTableSays) {
  auto text = read_file(std::string(SHANSHUI_TEST_DATA) + "/sta/path-cases.csv");
  ASSERT_TRUE(text);
  auto table = parse_data_csv(*text, "path-cases.csv", {"path", "parsed"});
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_GT(table->records.size(), 25u);
  for (const auto& r : table->records) {
    const std::string& path = r.fields[0];
    const std::string want = r.fields.size() > 1 ? r.fields[1] : "";
    SCOPED_TRACE("line " + std::to_string(r.line) + ": " + path);
    auto got = parse_path(path);
    if (want.rfind("error:", 0) == 0) {
      ASSERT_FALSE(got) << written(*got);
      EXPECT_NE(got.error().message.find(want.substr(6)), std::string::npos) << got.error().message;
    } else {
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(written(*got), want);
    }
  }
}

const char* kSharing =
    "partner,stations,factors,cns,licence,licence_url,provider,owner\n"
    "public,kind:air,*,2061,CC BY 4.0,https://creativecommons.org/licenses/by/4.0/,EEB,County\n"
    "fengjie;wuxi,WS1;WS2,w21003,*,Basin agreement,,EEB,County\n"
    "*,kind:water,*,2031,Neighbours' agreement,,EEB,County\n";

store::Station station(const std::string& mn, const std::string& kind) {
  store::Station s;
  s.mn = mn;
  s.kind = kind;
  return s;
}

TEST(StaSharing, WhoReadsWhichSeries) {
  auto sharing = Sharing::parse(kSharing, "sharing.csv");
  ASSERT_TRUE(sharing) << sharing.error().message;
  Audience pub, fengjie{Audience::Kind::partner, "fengjie"}, badong{Audience::Kind::partner, "badong"},
      county{Audience::Kind::county, ""};
  auto air = station("A1", "air"), ws1 = station("WS1", "water"), ws3 = station("WS3", "water");
  store::SeriesKey pm_hourly{"A1", "a34004", "2061", "Avg"}, pm_minute{"A1", "a34004", "2051", "Avg"};
  store::SeriesKey nh3_hourly{"WS1", "w21003", "2061", "Avg"}, nh3_daily{"WS3", "w21003", "2031", "Avg"};
  // Published: everyone reads it, under the licence of the row that publishes it.
  EXPECT_TRUE(sharing->visible(pub, air, pm_hourly));
  EXPECT_EQ(sharing->grant(fengjie, air, pm_hourly)->licence, "CC BY 4.0");
  // Not covered by any row: the county's own.
  EXPECT_FALSE(sharing->visible(pub, air, pm_minute));
  EXPECT_FALSE(sharing->visible(fengjie, air, pm_minute));
  EXPECT_TRUE(sharing->visible(county, air, pm_minute));
  EXPECT_EQ(sharing->grant(county, air, pm_minute), nullptr);
  // Granted to named partners only.
  EXPECT_TRUE(sharing->visible(fengjie, ws1, nh3_hourly));
  EXPECT_FALSE(sharing->visible(badong, ws1, nh3_hourly));
  EXPECT_FALSE(sharing->visible(pub, ws1, nh3_hourly));
  // Granted to every partner ("*"), never to the public.
  EXPECT_TRUE(sharing->visible(badong, ws3, nh3_daily));
  EXPECT_FALSE(sharing->visible(pub, ws3, nh3_daily));
  EXPECT_EQ(sharing->shared_with(ws1, nh3_hourly), (std::vector<std::string>{"fengjie", "wuxi"}));
  EXPECT_EQ(sharing->shared_with(air, pm_hourly), (std::vector<std::string>{"public"}));
}

TEST(StaSharing, ABadRowIsNamedByFileLineAndColumn) {
  auto no_licence = Sharing::parse(
      "partner,stations,factors,cns,licence,licence_url,provider,owner\n"
      "public,kind:air,*,*,,,EEB,County\n",
      "sharing.csv");
  ASSERT_FALSE(no_licence);
  EXPECT_EQ(no_licence.error().message, "sharing.csv:2: licence: every shared series names its licence");
  auto bad_kind = Sharing::parse(
      "partner,stations,factors,cns,licence,licence_url,provider,owner\n"
      "public,kind:soil,*,*,x,,EEB,County\n",
      "sharing.csv");
  ASSERT_FALSE(bad_kind);
  EXPECT_NE(bad_kind.error().message.find("kind 'soil' is not air, water, noise or source"), std::string::npos);
  auto missing = Sharing::parse("partner,stations\npublic,*\n", "sharing.csv");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing column"), std::string::npos);
}

TEST(StaSharing, TheShippedTableParses) {
  auto sharing = Sharing::load(std::string(SHANSHUI_SOURCE_DIR) + "/data/exchange/sharing.csv");
  ASSERT_TRUE(sharing) << sharing.error().message;
  EXPECT_GE(sharing->grants().size(), 3u);
}

}  // namespace
}  // namespace shanshui::service::sta
