// aqi_test.cpp: HJ 633 both eras: breakpoint tables (tests/data/aqi/breakpoints.csv), single
// IAQI vectors (iaqi.csv), whole-AQI vectors (aqi.csv), and properties (monotone, continuous).
#include "quality/aqi.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/csv.h"
#include "core/text.h"

namespace shanshui::quality {
namespace {

const std::string kData = std::string(SHANSHUI_TEST_DATA) + "/aqi/";

// Reads a data file, dropping '#' comment lines, into rows keyed by header.
std::vector<std::map<std::string, std::string>> rows(const std::string& name) {
  std::ifstream in(kData + name);
  std::string text, line;
  while (std::getline(in, line))
    if (line.rfind('#', 0) != 0) text += line + "\n";
  auto csv = parse_csv(text, name);
  EXPECT_TRUE(csv) << name;
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& r : csv->records) {
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < csv->header.size(); ++i) row[csv->header[i]] = i < r.fields.size() ? r.fields[i] : "";
    row["@line"] = std::to_string(r.line);
    out.push_back(row);
  }
  return out;
}

AirRules rules_of(const std::string& s) { return s == "2012" ? AirRules::hj633_2012 : AirRules::hj633_2026; }

Column column_of(const std::string& s) {
  static const std::map<std::string, Column> kColumns = {
      {"so2_24h", Column::so2_24h},  {"so2_1h", Column::so2_1h},     {"no2_24h", Column::no2_24h},
      {"no2_1h", Column::no2_1h},    {"pm10_24h", Column::pm10_24h}, {"co_24h", Column::co_24h},
      {"co_1h", Column::co_1h},      {"o3_1h", Column::o3_1h},       {"o3_8h", Column::o3_8h},
      {"pm25_24h", Column::pm25_24h}};
  return kColumns.at(s);
}

Decimal dec(const std::string& s) { return *Decimal::parse(s); }

TEST(Iaqi, EveryBreakpointOfBothTablesMapsExactly) {
  const int levels[] = {0, 50, 100, 150, 200, 300, 400, 500};
  int checked = 0;
  for (auto& row : rows("breakpoints.csv")) {
    auto rules = rules_of(row["rules"]);
    auto col = column_of(row["column"]);
    bool co = row["column"].rfind("co", 0) == 0;
    for (int level : levels) {
      const std::string bp = row[std::to_string(level)];
      if (bp == "-") {
        continue;
      }
      EXPECT_EQ(iaqi(rules, col, dec(bp)), level) << row["rules"] << " " << row["column"] << " at " << bp;
      // One reporting unit above a breakpoint (1 µg/m³, 0.1 mg/m³ for CO) indexes strictly higher.
      Decimal above = co ? Decimal{dec(bp).rescaled(1).mantissa + 1, 1} : Decimal{dec(bp).mantissa + 1, 0};
      if (level < 500) {
        auto next = iaqi(rules, col, above);
        if (next) {
          EXPECT_GT(*next, level) << row["column"] << " just above " << bp;
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 * (8 * 8 + 5 + 6));  // SO2 1-h has 5 breakpoints, O3 8-h 6
}

TEST(Iaqi, StandardsVectors) {
  for (auto& row : rows("iaqi.csv")) {
    auto got = iaqi(rules_of(row["rules"]), column_of(row["column"]), dec(row["concentration"]));
    std::string where = "iaqi.csv:" + row["@line"] + " (" + row["note"] + ")";
    if (row["expected"] == "none") {
      EXPECT_FALSE(got) << where;
    } else {
      ASSERT_TRUE(got) << where;
      EXPECT_EQ(*got, std::stoi(row["expected"])) << where;
    }
  }
}

TEST(Aqi, WholeAqiVectors) {
  static const std::map<std::string, Pollutant> kKeys = {
      {"so2", Pollutant::so2}, {"no2", Pollutant::no2},     {"pm10", Pollutant::pm10}, {"co", Pollutant::co},
      {"o3", Pollutant::o3},   {"o3_8h", Pollutant::o3_8h}, {"pm25", Pollutant::pm25}};
  for (auto& row : rows("aqi.csv")) {
    std::string where = "aqi.csv:" + row["@line"] + " " + row["case"];
    AqiInput in;
    for (const auto& kv : text::split_any(row["inputs"], {" "})) {
      auto eq = kv.find('=');
      std::string k = kv.substr(0, eq);
      if (k == "so2_24h") {
        in.so2_24h = dec(kv.substr(eq + 1));
      } else {
        in.at(kKeys.at(k)) = dec(kv.substr(eq + 1));
      }
    }
    auto r = compute_aqi(rules_of(row["rules"]), row["mode"] == "daily" ? AqiMode::daily : AqiMode::hourly, in);
    if (row["aqi"] == "NA") {
      EXPECT_FALSE(r.aqi) << where;
    } else {
      ASSERT_TRUE(r.aqi) << where;
      EXPECT_EQ(*r.aqi, std::stoi(row["aqi"])) << where;
      EXPECT_STREQ(aqi_level(*r.aqi).roman, row["level"].c_str()) << where;
      EXPECT_EQ(std::string(aqi_level(*r.aqi).category), row["category"]) << where;
    }
    auto names = [](const std::vector<Pollutant>& ps) {
      std::vector<std::string> out;
      for (auto p : ps) out.push_back(display_name(p));
      return text::join(out, " ");
    };
    EXPECT_EQ(names(r.primary), row["primary"]) << where;
    EXPECT_EQ(names(r.exceeding), row["exceeding"]) << where;
    for (const auto& kv : text::split_any(row["iaqi"], {" "})) {
      auto eq = kv.find('=');
      auto got = r.at(kKeys.at(kv.substr(0, eq)));
      std::string want = kv.substr(eq + 1);
      if (want == "-") {
        EXPECT_FALSE(got) << where << " " << kv;
      } else {
        ASSERT_TRUE(got) << where << " " << kv;
        EXPECT_EQ(*got, std::stoi(want)) << where << " " << kv;
      }
    }
  }
}

TEST(Aqi, LevelsAtTheirBoundaries) {
  const std::pair<int, const char*> cases[] = {{0, "I"},     {50, "I"},    {51, "II"},  {100, "II"},
                                               {101, "III"}, {150, "III"}, {151, "IV"}, {200, "IV"},
                                               {201, "V"},   {300, "V"},   {301, "VI"}, {500, "VI"}};
  for (auto [aqi, roman] : cases) EXPECT_STREQ(aqi_level(aqi).roman, roman) << aqi;
  EXPECT_STREQ(aqi_level(75).colour, "#FFFF00");
}

TEST(Aqi, RulesChangeOn2026March1) {
  EXPECT_EQ(air_rules_for({2026, 2, 28}), AirRules::hj633_2012);
  EXPECT_EQ(air_rules_for({2026, 3, 1}), AirRules::hj633_2026);
}

// Properties over every column of both tables, in the column's reporting unit (1 µg/m³, or
// 0.1 mg/m³ for CO): the IAQI never falls as the concentration rises, never jumps by more than
// the steepest segment allows, and agrees with a floating check away from integer results.
TEST(Iaqi, MonotoneAndContinuous) {
  for (auto rules : {AirRules::hj633_2012, AirRules::hj633_2026})
    for (int c = 0; c <= static_cast<int>(Column::pm25_24h); ++c) {
      auto col = static_cast<Column>(c);
      bool co = col == Column::co_24h || col == Column::co_1h;
      int prev = -1;
      for (int64_t u = 0; u <= (co ? 1600 : 4000); ++u) {
        auto v = iaqi(rules, col, co ? Decimal{u, 1} : Decimal{u, 0});
        if (!v) break;  // the column ends (SO2 1-h, O3 8-h above 800)
        EXPECT_GE(*v, prev) << "column " << c << " at " << u;
        if (prev >= 0 && *v < 500) {
          EXPECT_LE(*v - prev, 51) << "column " << c << " jumps at " << u;
        }
        prev = *v;
      }
    }
}

}  // namespace
}  // namespace shanshui::quality
