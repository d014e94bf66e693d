// plan_test.cpp: loader errors, lint cases (tests/data/lint), lens cases (tests/data/lenses),
// work-item status rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/csv.h"
#include "core/file.h"
#include "core/text.h"
#include "plan/item_status.h"
#include "plan/lenses.h"
#include "plan/lint.h"
#include "plan/loader.h"

namespace shanshui::plan {
namespace {

namespace fs = std::filesystem;
const std::string kData = SHANSHUI_TEST_DATA;

std::string base_plan() { return *read_file(kData + "/lint/_base.yaml"); }

// ---- loader -------------------------------------------------------------------------------

TEST(Loader, ReadsTheBasePlan) {
  auto p = load_plan_text(base_plan(), "base.yaml");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->items().size(), 2u);
  EXPECT_EQ(p->find_item("T01.2")->lead.front().id, "eeb");  // inherited from the task
  EXPECT_EQ(p->resolve_department("县住房城乡建设委"), "housing");
  EXPECT_EQ(p->targets.front().direction, Direction::increase);
}

struct BadPlan {
  const char* name;
  const char* from;
  const char* to;
  const char* message;  // expected error text (prefix match after "bad.yaml:")
};

TEST(Loader, MalformedPlansNameFileAndLine) {
  const BadPlan cases[] = {
      {"unknown bound", "    bound: \">=\"", "    bound: at-least",
       "bad.yaml:32: unknown bound 'at-least' (use >=, <=, =, ~, range, water_class, binary or qualitative)"},
      {"value not a number", "    value: \"65\"", "    value: 六十五",
       "bad.yaml:33: not a number (unexpected character): '六十五'"},
      {"missing item text", "{id: T01.2, text: 第二项工作。}", "{id: T01.2}", "bad.yaml:25: missing 'text'"},
      {"duplicate item id", "{id: T01.2,", "{id: T01.1,", "bad.yaml:25: duplicate item id 'T01.1'"},
      {"bad yaml", "targets:\n", "targets:\n  - [unclosed\n", "bad.yaml:"},
      {"year not a number", "    year: 2027", "    year: 2027年",
       "bad.yaml:34: 'year' must be a whole number, not '2027年'"},
      {"water class", "    bound: \">=\"\n    value: \"65\"", "    bound: water_class\n    value: VI",
       "bad.yaml:33: water class must be I, II, III, IV or V"},
      {"typo in a key", "    clause: 二(四)", "    clasue: 二(四)", "bad.yaml:35: unknown key 'clasue' in a target"},
      {"unquoted comma in a flow value", "measure: {kind: reported, method: reported.survey, by: 县生态环境局}",
       "measure: {kind: reported, method: reported.survey, by: 县生态环境局, 县水利局}",
       "bad.yaml:38: unknown key '县水利局' in a measuring method"},
  };
  for (const auto& c : cases) {
    std::string text = base_plan();
    auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.name;
    text.replace(at, std::string(c.from).size(), c.to);
    auto p = load_plan_text(text, "bad.yaml");
    ASSERT_FALSE(p) << c.name;
    EXPECT_EQ(p.error().message.rfind(c.message, 0), 0u) << c.name << ": " << p.error().message;
  }
}

TEST(Loader, RefusesNonUtf8) {
  auto p = load_plan_text("plan: {id: \xC4\xE3}\n", "gbk.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message, "gbk.yaml: not valid UTF-8 (save the plan as UTF-8)");
}

// ---- lint cases ---------------------------------------------------------------------------

TEST(Lint, EveryCaseFindsExactlyWhatItExpects) {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kData + "/lint")) {
    auto name = entry.path().filename().string();
    if (name.front() == '_' || entry.path().extension() != ".yaml") continue;
    ++cases;
    auto text = read_file(entry.path().string());
    ASSERT_TRUE(text);
    std::multiset<std::string> expected, actual;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("# expect: ", 0) == 0 && line != "# expect: nothing") expected.insert(line.substr(10));
    auto p = load_plan_text(*text, name);
    ASSERT_TRUE(p) << name << ": " << p.error().message;
    for (const auto& f : lint(*p)) actual.insert(f.severity + " " + f.rule + " " + f.where);
    EXPECT_EQ(actual, expected) << "lint case " << name;
  }
  EXPECT_GE(cases, 15);
}

// ---- lens cases ---------------------------------------------------------------------------

Target make_target(const std::map<std::string, std::string>& row) {
  Target t;
  t.id = row.at("case");
  t.bound = *bound_from_string(row.at("bound"));
  const std::string& target = row.at("target");
  if (target.rfind("unspecified", 0) == 0) {
    t.unspecified = true;
    t.written = "未写明";
    // "unspecified@35": rated against a national standard of 35; "unspecified@baseline": against
    // the plan's baseline (filled in below, once the baseline is read).
    if (auto at = target.find('@'); at != std::string::npos)
      t.reference = Reference{target.substr(at + 1), target.substr(at + 1) == "baseline", "GB 3095-2012 二级"};
  } else {
    t.value = row.at("target");
  }
  if (!row.at("limit").empty()) t.limit = std::stod(row.at("limit"));
  t.cumulative = row.at("cumulative") == "true";
  t.year = std::stoi(row.at("year"));
  t.direction = t.bound == Bound::at_most ? Direction::decrease : Direction::increase;
  if (!row.at("baseline").empty()) {
    auto colon = row.at("baseline").find(':');
    t.baseline_year = std::stoi(row.at("baseline").substr(0, colon));
    t.baseline_value = row.at("baseline").substr(colon + 1);
  }
  if (t.reference && t.reference->of_baseline) t.reference->value = t.baseline_value.value_or("");
  return t;
}

TEST(Lenses, EveryCaseRatesAsExpected) {
  auto raw = read_file(kData + "/lenses/cases.csv");
  ASSERT_TRUE(raw);
  std::string text;
  std::istringstream in(*raw);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("#", 0) != 0) text += line + "\n";
  auto csv = parse_csv(text, "cases.csv");
  ASSERT_TRUE(csv);
  ASSERT_GE(csv->records.size(), 30u);
  for (const auto& rec : csv->records) {
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < csv->header.size(); ++i) row[csv->header[i]] = i < rec.fields.size() ? rec.fields[i] : "";
    Target t = make_target(row);
    std::vector<Observation> series;
    for (const auto& pair : text::split_any(row["series"], {" "})) {
      auto colon = pair.find(':');
      series.push_back({std::stoi(pair.substr(0, colon)), pair.substr(colon + 1)});
    }
    LensResult r = row["lens"] == "unsd"       ? unsd_lens(t, series)
                   : row["lens"] == "schedule" ? schedule_lens(t, series)
                                               : current_lens(t, series);
    std::string where = row["case"] + " (" + row["lens"] + ", line " + std::to_string(rec.line) + ")";
    EXPECT_EQ(r.rating, row["rating"]) << where << ": " << r.reason;
    if (!row["value"].empty()) {
      ASSERT_TRUE(r.value) << where;
      EXPECT_NEAR(*r.value, std::stod(row["value"]), 0.005) << where;
    }
    if (!row["expected"].empty()) {
      auto it = std::find_if(r.inputs.begin(), r.inputs.end(), [](const auto& kv) { return kv.first == "v_T^e"; });
      ASSERT_NE(it, r.inputs.end()) << where;
      EXPECT_NEAR(std::stod(it->second), std::stod(row["expected"]), 0.005) << where;
    }
    EXPECT_FALSE(r.method.empty()) << where;
    if (t.unspecified) {
      // An unspecified target is never red: rated against its reference (and says so) or pending.
      EXPECT_TRUE(t.reference || r.rating == "target_pending" || r.rating == "unable") << where;
      if (t.reference) {
        EXPECT_NE(r.reason.find("目标待定"), std::string::npos) << where << ": " << r.reason;
      }
    }
    if (r.rating == "unable" || r.rating == "target_pending") {
      EXPECT_FALSE(r.reason.empty()) << where << ": unable or pending must say why";
    } else if (t.bound != Bound::qualitative) {
      EXPECT_FALSE(r.formula.empty()) << where << ": a rating must show its formula";
    }
  }
}

TEST(Lenses, ExplainInputsOfTheWorkedExample) {
  Target t;
  t.id = "forest";
  t.bound = Bound::at_least;
  t.value = "65";
  t.year = 2027;
  t.baseline_value = "62.0";
  t.baseline_year = 2022;
  auto r = unsd_lens(t, {{2024, "63.2"}});
  std::map<std::string, std::string> in(r.inputs.begin(), r.inputs.end());
  EXPECT_EQ(in["b"], "2022");
  EXPECT_EQ(in["v_b"], "62");
  EXPECT_EQ(in["t"], "2024");
  EXPECT_EQ(in["v_t"], "63.2");
  EXPECT_EQ(in["CAGR_a"], "0.009631");
  EXPECT_EQ(r.method, "unsd-progress-chart-2023/v1");
  EXPECT_NE(r.thresholds.find("预期完成度 ≥ 0.95 → 按期实现"), std::string::npos);  // Chinese first
  EXPECT_NE(r.en.thresholds.find("P ≥ 0.95"), std::string::npos);
  EXPECT_NE(r.en.formula.find("CAGR_a"), std::string::npos);
}

// ---- item status --------------------------------------------------------------------------

TEST(ItemStatus, FollowsTheRules) {
  WorkItem item;
  item.id = "T01.1";
  item.due = "2027-12-31";
  Date mid{2025, 7, 2};  // 50 % of 2023-01-01 … 2027-12-31
  auto st = [&](std::optional<LatestReport> r, ClosureState c = {}, Date d = {2025, 7, 2}) {
    return item_status(item, 2023, r, c, d, 10).code;
  };
  EXPECT_NEAR(item_status(item, 2023, std::nullopt, {}, mid, 10).expected, 50.0, 0.1);
  EXPECT_EQ(st(std::nullopt), "not_started");
  EXPECT_EQ(st(LatestReport{"2025-Q2", 0, "not_started"}), "not_started");
  EXPECT_EQ(st(LatestReport{"2025-Q2", 45, "in_progress"}), "on_schedule");
  EXPECT_EQ(st(LatestReport{"2025-Q2", 39, "in_progress"}), "lagging");
  EXPECT_EQ(st(LatestReport{"2025-Q2", 100, "done"}), "done");
  EXPECT_EQ(st(LatestReport{"2027-Q4", 80, "in_progress"}, {}, {2028, 1, 15}), "overdue");
  EXPECT_EQ(st(LatestReport{"2025-Q2", 100, "done"}, {true, false, ""}), "closed");
  auto reopened = item_status(item, 2023, LatestReport{"2025-Q2", 100, "done"}, {true, true, "forest fell"}, mid, 10);
  EXPECT_EQ(reopened.code, "lagging");
  EXPECT_EQ(reopened.reason, "销号后重新打开：forest fell");
}

}  // namespace
}  // namespace shanshui::plan
