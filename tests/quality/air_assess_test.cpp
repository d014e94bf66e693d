// air_assess_test.cpp: the annual air assessment: data-driven cases (tests/data/air), HJ 663
// percentiles, the good-days ratio, malformed input, thread and row-order independence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/csv.h"
#include "core/text.h"
#include "export/quality_json.h"
#include "service/air_csv.h"
#include "service/air_demo.h"

namespace shanshui::service {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json assess_json(const std::string& path, AirCsvOptions opt = {}) {
  auto a = assess_air_csv(path, opt);
  EXPECT_TRUE(a) << (a ? "" : a.error().message);
  return json::parse(exporting::air_assessment_json(*a, "{}"));
}

std::string tmp_file(const std::string& name, const std::string& content) {
  auto p = fs::temp_directory_path() / ("shanshui-air-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

TEST(AirAssess, DataDrivenCases) {
  int cases = 0;
  for (const auto& e : fs::directory_iterator(std::string(SHANSHUI_TEST_DATA) + "/air")) {
    if (e.path().extension() != ".csv") continue;
    ++cases;
    auto doc = assess_json(e.path().string());
    std::ifstream in(fs::path(e.path()).replace_extension(".expect"));
    ASSERT_TRUE(in) << "missing .expect for " << e.path();
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      ++n;
      auto eq = line.find(" = "), like = line.find(" ~ ");
      bool exact = eq != std::string::npos;
      auto at = exact ? eq : like;
      ASSERT_NE(at, std::string::npos) << line;
      json::json_pointer ptr(line.substr(0, at));
      std::string want = line.substr(at + 3);
      std::string where = e.path().filename().string() + ": " + line;
      ASSERT_TRUE(doc.contains(ptr)) << where << "\n" << doc.dump(1);
      if (exact) {
        EXPECT_EQ(doc[ptr], json::parse(want)) << where;
      } else {
        EXPECT_NE(doc[ptr].get<std::string>().find(want), std::string::npos) << where << " — got " << doc[ptr];
      }
    }
    EXPECT_GT(n, 0) << e.path();
  }
  EXPECT_GE(cases, 6);
}

TEST(AirAssess, PercentileVectors) {
  std::ifstream in(std::string(SHANSHUI_TEST_DATA) + "/aqi/percentile.csv");
  std::string text, line;
  while (std::getline(in, line))
    if (line.rfind('#', 0) != 0) text += line + "\n";
  auto csv = parse_csv(text, "percentile.csv");
  ASSERT_TRUE(csv);
  ASSERT_GE(csv->records.size(), 5u);
  for (const auto& r : csv->records) {
    std::vector<int64_t> values;
    for (const auto& v : text::split_any(r.fields[1], {" "})) values.push_back(std::stoll(v));
    int64_t got = quality::percentile_centi(values, std::stoi(r.fields[2]));
    Decimal value{got, 2};
    EXPECT_EQ(value.compare(*Decimal::parse(r.fields[3])), 0) << r.fields[0] << ": got " << value.str();
  }
}

std::string year_csv(int bad_days) {
  std::string s = "station,time,so2,no2,pm10,co,o3,pm25\n";
  for (long d = Date{2023, 1, 1}.days(); d <= Date{2023, 12, 31}.days(); ++d) {
    bool bad = d - Date{2023, 1, 1}.days() < bad_days;
    for (int h = 0; h < 24; ++h) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "X,%s %02d:00:00,10,20,40,0.5,60,%d\n", Date::from_days(d).iso().c_str(), h,
                    bad ? 120 : 30);
      s += buf;
    }
  }
  return s;
}

TEST(AirAssess, GoodDaysRatioOfAYear) {
  auto doc = assess_json(tmp_file("year.csv", year_csv(35)));
  EXPECT_EQ(doc["county"]["valid_days"], 365);
  EXPECT_EQ(doc["county"]["good_days"], 330);
  EXPECT_EQ(doc["county"]["good_days_ratio"], 90.4);  // docs/reference/standards.md §7.3 G1
  EXPECT_EQ(doc["county"]["annual_validity"]["pm25"], "ok");
  // 35 days at 120 and 330 at 30: mean 38.63 → 39; the 95th percentile lands on 120.
  EXPECT_EQ(doc["county"]["pm25_annual"], 39);
  EXPECT_EQ(doc["county"]["pm25_p95"], 120);
  EXPECT_EQ(doc["county"]["exceedance"]["pm25_annual"], 0.11);  // (39 − 35)/35
  EXPECT_EQ(doc["county"]["exceedance"]["pm25_p95"], 0.6);      // (120 − 75)/75
  // Composite index (2012 limits): 10/60 + 20/40 + 40/70 + 39/35 + 0.5/4 + 60/160 = 2.85
  EXPECT_EQ(doc["county"]["composite_index"], 2.85);
}

TEST(AirAssess, MalformedRowsAreRefusedWithRowAndField) {
  std::string csv =
      "station,time,so2,no2,pm10,co,o3,pm25\n"
      "A,2024-01-01 00:00:00,10,20,40,0.5,60,30\n"
      "A,2024-01-01 01:00:00,10,20,40,0.5,60,-3\n"   // 3 negative
      "A,2024-01-01 02:00:00,10,20,abc,0.5,60,30\n"  // 4 non-numeric
      "A,2024-01-01 24:00:00,10,20,40,0.5,60,30\n"   // 5 outside any day
      "A,2024-02-30 03:00:00,10,20,40,0.5,60,30\n"   // 6 no such date
      "A,2024-01-01 03:30:00,10,20,40,0.5,60,30\n"   // 7 not an hour start
      "A,2024-01-01 04:00:00,10,20,40,0.5,60\n"      // 8 field count
      "A,2024-01-01 00:00:00,10,20,40,0.5,60,30\n";  // 9 duplicate hour
  auto path = tmp_file("bad.csv", csv);
  auto r = read_air_csv(path, {});
  ASSERT_FALSE(r);
  const std::string& m = r.error().message;
  for (const char* want :
       {":3: pm25: negative concentration -3", ":4: pm10: not a number: 'abc'",
        ":5: time: time '2024-01-01 24:00:00' lies outside any day",
        ":6: time: time '2024-02-30 03:00:00': no such date",
        ":7: time: time '2024-01-01 03:30:00' is not the start of an hour", ":8: has 7 fields, the header has 8",
        ":9: duplicate hour 2024-01-01 0:00 for station A", "7 malformed rows; nothing assessed"})
    EXPECT_NE(m.find(want), std::string::npos) << "missing '" << want << "' in:\n" << m;
  AirCsvOptions skip;
  skip.skip_bad_rows = true;
  auto a = assess_air_csv(path, skip);
  ASSERT_TRUE(a) << a.error().message;
  int refused = 0;
  for (const auto& e : a->excluded) refused += e.reason.rfind("row refused: ", 0) == 0;
  EXPECT_EQ(refused, 7);
}

TEST(AirAssess, SameResultWhateverTheThreadsOrRowOrder) {
  AirDemoOptions o;
  o.stations = {"P", "Q", "R"};
  o.from = {2024, 1, 1};
  o.to = {2024, 3, 31};
  auto path = (fs::temp_directory_path() / ("shanshui-air-demo-" + std::to_string(::getpid()) + ".csv")).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_TRUE(write_air_demo(o, f));
  std::fclose(f);
  AirCsvOptions one, two;
  one.threads = 1;
  two.threads = 2;
  auto a = assess_json(path, one), b = assess_json(path, two);
  EXPECT_EQ(a, b);
  // Time-major order (every station for an hour, then the next hour) gives the same assessment.
  std::ifstream in(path);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  std::stable_sort(rows.begin(), rows.end(), [](const std::string& x, const std::string& y) {
    return x.substr(x.find(',')) < y.substr(y.find(','));
  });
  auto shuffled = tmp_file("timemajor.csv", header + "\n" + text::join(rows, "\n") + "\n");
  auto c = assess_json(shuffled, two);
  EXPECT_EQ(a["stations"], c["stations"]);
  EXPECT_EQ(a["county_by_year"], c["county_by_year"]);
  EXPECT_GT(a["county"]["valid_days"].get<int>(), 80);
}

TEST(AirDemo, IsReproducible) {
  AirDemoOptions o;
  o.stations = wushan_air_stations();
  o.from = {2024, 6, 1};
  o.to = {2024, 6, 3};
  char* b1 = nullptr;
  char* b2 = nullptr;
  size_t n1 = 0, n2 = 0;
  std::FILE* f1 = open_memstream(&b1, &n1);
  std::FILE* f2 = open_memstream(&b2, &n2);
  ASSERT_TRUE(write_air_demo(o, f1));
  ASSERT_TRUE(write_air_demo(o, f2));
  std::fclose(f1);
  std::fclose(f2);
  EXPECT_EQ(std::string(b1, n1), std::string(b2, n2));
  EXPECT_GT(n1, 1000u);
  std::free(b1);
  std::free(b2);
}

}  // namespace
}  // namespace shanshui::service
