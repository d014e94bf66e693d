// water_noise_test.cpp: GB 3838 classes (tests/data/water/class.csv), tables, river grades, TLI,
// the water and noise assessments; HJ 640 grades (tests/data/noise/grade.csv), averages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/csv.h"
#include "core/text.h"
#include "quality/noise.h"
#include "quality/water.h"
#include "service/noise_assess.h"
#include "service/water_assess.h"

namespace shanshui::quality {
namespace {

namespace fs = std::filesystem;

std::vector<std::map<std::string, std::string>> rows(const std::string& file) {
  std::ifstream in(std::string(SHANSHUI_TEST_DATA) + "/" + file);
  std::string text, line;
  while (std::getline(in, line))
    if (line.rfind('#', 0) != 0) text += line + "\n";
  auto csv = parse_csv(text, file);
  EXPECT_TRUE(csv);
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& r : csv->records) {
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < csv->header.size(); ++i) row[csv->header[i]] = i < r.fields.size() ? r.fields[i] : "";
    out.push_back(row);
  }
  return out;
}

Decimal dec(const std::string& s) { return *Decimal::parse(s); }

TEST(Water, ClassVectors) {
  int n = 0;
  for (auto& row : rows("water/class.csv")) {
    ++n;
    std::vector<std::pair<std::string, Decimal>> in;
    for (const auto& kv : text::split_any(row["inputs"], {" "})) {
      auto eq = kv.find('=');
      in.push_back({kv.substr(0, eq), dec(kv.substr(eq + 1))});
    }
    auto v = classify_water(in, row["waterbody"] == "lake" ? Waterbody::lake : Waterbody::river,
                            parse_water_class(row["target"]));
    std::string where = row["case"];
    EXPECT_EQ(water_class_name(v.cls), row["class"]) << where << ": " << v.explanation;
    std::map<std::string, std::string> got;
    for (const auto& it : v.items)
      if (it.cls) got[it.key] = water_class_name(*it.cls);
    for (const auto& kv : text::split_any(row["items"], {" "})) {
      auto eq = kv.find('=');
      EXPECT_EQ(got[kv.substr(0, eq)], kv.substr(eq + 1)) << where << " item " << kv;
    }
    std::vector<std::string> main;
    for (const auto& m : v.main_pollutants) main.push_back(m.key + ":" + Decimal{m.exceedance_centi, 2}.str());
    std::vector<std::string> want;
    for (const auto& m : text::split_any(row["main"], {" "})) {
      auto colon = m.find(':');
      want.push_back(m.substr(0, colon) + ":" + dec(m.substr(colon + 1)).rescaled(2).str());
    }
    EXPECT_EQ(main, want) << where;
  }
  EXPECT_GE(n, 25);
}

TEST(Water, TablesHoldEveryItemOfTheStandard) {
  int t1 = 0, t2 = 0, t3 = 0, assessed = 0;
  for (const auto& i : water_items()) {
    (i.table == 1 ? t1 : i.table == 2 ? t2 : t3)++;
    assessed += i.assessed;
  }
  EXPECT_EQ(t1, 24);        // Table 1: 24 basic items
  EXPECT_EQ(t2, 5);         // Table 2: 5 supplementary items
  EXPECT_EQ(t3, 80);        // Table 3: 80 specific items
  EXPECT_EQ(assessed, 21);  // 22号: all but water temperature, TN and fecal coliform
  EXPECT_EQ(find_water_item("bap")->limits[0], std::string("0.0000028"));
}

TEST(Water, RiverGradeVectors) {
  int n = 0;
  for (auto& row : rows("water/river_grade.csv")) {
    ++n;
    std::vector<int> classes;
    for (const auto& c : text::split_any(row["classes"], {" "})) classes.push_back(parse_water_class(c));
    std::optional<int> averaged;
    if (!row["averaged"].empty()) averaged = parse_water_class(row["averaged"]);
    EXPECT_EQ(river_grade(classes, averaged).grade, row["grade"]) << row["case"];
  }
  EXPECT_GE(n, 6);
}

TEST(Water, TrophicLevelIndexVectors) {
  for (auto& row : rows("water/tli.csv")) {
    auto t = trophic_state(std::stod(row["chla"]), std::stod(row["tp"]), std::stod(row["tn"]), std::stod(row["sd"]),
                           std::stod(row["codmn"]));
    ASSERT_TRUE(t) << row["case"];
    EXPECT_NEAR(t->tli, std::stod(row["tli"]), 0.005) << row["case"];
    EXPECT_EQ(std::string(t->state), row["state"]) << row["case"];
  }
  auto t1 = trophic_state(10, 0.05, 1.0, 1.0, 4.0);
  EXPECT_NEAR(t1->parts[0], 50.006, 0.001);  // single-parameter indices of T1
  EXPECT_NEAR(t1->parts[1], 45.709, 0.001);
  EXPECT_FALSE(trophic_state(0, 0.05, 1, 1, 4));
}

TEST(Noise, GradeVectors) {
  for (auto& row : rows("noise/grade.csv")) {
    int g = noise_grade(row["kind"] == "traffic" ? NoiseKind::traffic : NoiseKind::regional,
                        row["period"] == "night" ? NoisePeriod::night : NoisePeriod::day, dec(row["value"]));
    EXPECT_EQ(g, std::stoi(row["grade"])) << row["kind"] << " " << row["period"] << " " << row["value"];
    EXPECT_EQ(noise_grade_label(g), row["label"]);
  }
}

TEST(Noise, AverageVectors) {
  for (auto& row : rows("noise/average.csv")) {
    std::vector<Decimal> levels, lengths;
    for (const auto& v : text::split_any(row["levels"], {" "})) levels.push_back(dec(v));
    for (const auto& v : text::split_any(row["lengths"], {" "})) lengths.push_back(dec(v));
    Decimal got = row["method"] == "energy" ? energy_average(levels)
                  : row["method"] == "mean" ? arithmetic_mean(levels)
                                            : *length_weighted_mean(levels, lengths);
    EXPECT_EQ(got.str(), row["expected"]) << row["case"];
  }
  EXPECT_FALSE(length_weighted_mean({dec("66")}, {dec("0")}));
  EXPECT_EQ(zone_limit("4b", NoisePeriod::night), 60);
  EXPECT_EQ(zone_limit("1", NoisePeriod::day), 55);
  EXPECT_FALSE(zone_limit("5", NoisePeriod::day));
}

std::string tmp(const std::string& name, const std::string& content) {
  auto p = fs::temp_directory_path() / ("shanshui-wn-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << content;
  return p.string();
}

TEST(WaterAssess, SectionsRiversDrinkingAndInboundOutbound) {
  auto reg = tmp("sections.csv",
                 "section,river,waterbody,role,target\n"
                 "入境,长江,river,inbound,II\n出境,长江,river,outbound,II\n水源地,大宁河,river,drinking,III\n");
  auto samples = tmp("samples.csv",
                     "section,time,do,codmn,nh3n,tp,fe\n"
                     "入境,2024-01-15,8.1,2.1,0.20,0.060,\n"
                     "入境,2024-07-15,7.9,2.5,0.30,0.080,\n"
                     "出境,2024-01-15,8.0,2.0,0.20,0.050,\n"
                     "出境,2024-07-15,7.6,2.2,0.25,0.125,\n"
                     "水源地,2024-03-10,7.8,1.8,0.10,0.030,0.35\n");
  auto sections = service::read_sections(reg);
  ASSERT_TRUE(sections) << sections.error().message;
  auto a = service::assess_water_csv(samples, *sections, false);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->sections.size(), 3u);
  // 出境 TP mean (0.050 + 0.125)/2 = 0.0875 → 0.088 (3 decimals, GB/T 8170) → class II.
  const auto& out =
      *std::find_if(a->sections.begin(), a->sections.end(), [](const auto& s) { return s.section->name == "出境"; });
  EXPECT_EQ(out.verdict.cls, 2);
  EXPECT_EQ(out.samples_meeting_target, 1);  // the July sample (TP 0.125) is class III
  ASSERT_EQ(a->rivers.size(), 1u);           // the drinking source is not part of a river grade
  EXPECT_EQ(a->rivers[0].river, "长江");
  EXPECT_EQ(a->rivers[0].outbound_not_worse, true);
  ASSERT_EQ(a->drinking.size(), 1u);
  EXPECT_EQ(a->drinking[0].compliant, 0);  // iron 0.35 > 0.3 (Table 2)
  EXPECT_EQ(a->drinking[0].rate_permille, 0);

  auto bad = tmp("bad.csv", "section,time,do,tp\n入境,2024-01-15,8.1,-0.1\n入境,2024-13-01,8,0.1\n");
  auto r = service::assess_water_csv(bad, *sections, false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(":2: tp: negative value -0.1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(":3: time: no such date: '2024-13-01'"), std::string::npos) << r.error().message;
  auto unknown = tmp("unknown.csv", "section,time,do,xyz\n入境,2024-01-15,8.1,1\n");
  auto u = service::assess_water_csv(unknown, *sections, false);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().message.find(":1: unknown item column 'xyz'"), std::string::npos);
}

TEST(NoiseAssess, AveragesGradesAndZones) {
  auto f = tmp("noise.csv",
               "point,year,kind,period,leq,length_km,zone\n"
               "R1,2024,regional,day,52.1,,\nR2,2024,regional,day,53.4,,\nR3,2024,regional,day,51,,\n"
               "T1,2024,traffic,day,65.4,2.5,\nT2,2024,traffic,day,68.1,1.5,\n"
               "Z1,2024,zone,night,46,,1\nZ2,2024,zone,night,44.9,,1\n");
  auto a = service::assess_noise_csv(f, false);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->averages.size(), 2u);
  EXPECT_EQ(a->averages[0].average.str(), "52.2");
  EXPECT_EQ(a->averages[0].grade, 2);
  EXPECT_EQ(a->averages[1].average.str(), "66.4");
  EXPECT_EQ(a->averages[1].grade, 1);
  ASSERT_EQ(a->zones.size(), 1u);
  EXPECT_EQ(a->zones[0].compliant, 1);
  EXPECT_EQ(a->zones[0].rate_permille, 500);
  auto bad = tmp("noise-bad.csv",
                 "point,year,kind,period,leq,length_km,zone\nT1,2024,traffic,day,65,,\nZ,2024,zone,day,50,,9\n");
  auto r = service::assess_noise_csv(bad, false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(":2: length_km: a traffic point needs the positive road length"), std::string::npos);
  EXPECT_NE(r.error().message.find(":3: zone: '9' is not a GB 3096 class"), std::string::npos);
}

}  // namespace
}  // namespace shanshui::quality
