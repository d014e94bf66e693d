// seed_test.cpp: cross-checks the bundled Wushan plan against the seed text it transcribes:
// every key task and work item, verbatim, every target quote, every placeholder.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "core/file.h"
#include "core/text.h"
#include "plan/lint.h"
#include "plan/loader.h"

namespace shanshui::plan {
namespace {

const std::string kSeed = std::string(SHANSHUI_SOURCE_DIR) + "/data/seed/wushan-action-plan-2023-2027-draft.txt";
const std::string kPlan = std::string(SHANSHUI_SOURCE_DIR) + "/data/plans/wushan-2023-2027.yaml";

struct SeedTask {
  std::string action, name, content, lead, responsible;
};

// The seed's task list: after the line naming 重点任务清单, rows of five tab-led cells
// (action — empty when it continues —, task, content, lead, responsible) separated by empty lines.
std::vector<SeedTask> seed_tasks(const std::string& seed) {
  std::vector<SeedTask> out;
  std::istringstream in(seed.substr(seed.find("重点任务清单")));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> cells;
  auto flush = [&] {
    if (cells.size() == 5 && text::trim(cells[0]) != "行动计划")
      out.push_back({text::trim(cells[0]), text::trim(cells[1]), text::trim(cells[2]), text::trim(cells[3]),
                     text::trim(cells[4])});
    cells.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty())
      flush();
    else
      cells.push_back(line);
  }
  flush();
  return out;
}

// Splits a content cell at "1." "2." … in sequence (a number not preceded by a digit or point).
std::vector<std::string> split_items(const std::string& content) {
  if (content.rfind("1.", 0) != 0) return {content};
  std::vector<std::pair<size_t, size_t>> marks;  // start of marker, start of text
  size_t from = 0;
  for (int n = 1;; ++n) {
    std::string m = std::to_string(n) + ".";
    size_t at = from;
    for (;; ++at) {
      at = content.find(m, at);
      if (at == std::string::npos) break;
      bool digit_before =
          at > 0 && (std::isdigit(static_cast<unsigned char>(content[at - 1])) || content[at - 1] == '.');
      bool digit_after =
          at + m.size() < content.size() && std::isdigit(static_cast<unsigned char>(content[at + m.size()]));
      if (!digit_before && !digit_after) break;
    }
    if (at == std::string::npos) break;
    marks.push_back({at, at + m.size()});
    from = at + m.size();
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < marks.size(); ++i) {
    size_t end = i + 1 < marks.size() ? marks[i + 1].first : content.size();
    out.push_back(text::trim(content.substr(marks[i].second, end - marks[i].second)));
  }
  return out;
}

class Seed : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = read_file(kSeed);
    ASSERT_TRUE(s) << s.error().message;
    seed_ = *s;
    auto p = load_plan_file(kPlan);
    ASSERT_TRUE(p) << p.error().message;
    plan_ = *p;
  }
  std::string seed_;
  Plan plan_;
};

TEST_F(Seed, HasEveryKeyTaskAndWorkItemVerbatim) {
  auto tasks = seed_tasks(seed_);
  ASSERT_EQ(tasks.size(), 20u);
  std::vector<const KeyTask*> ours;
  for (const auto& a : plan_.actions)
    for (const auto& t : a.tasks) ours.push_back(&t);
  ASSERT_EQ(ours.size(), 20u);
  size_t items = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_EQ(ours[i]->name, tasks[i].name);
    auto texts = split_items(tasks[i].content);
    ASSERT_EQ(ours[i]->items.size(), texts.size()) << ours[i]->id;
    for (size_t k = 0; k < texts.size(); ++k) EXPECT_EQ(ours[i]->items[k].text, texts[k]) << ours[i]->items[k].id;
    items += texts.size();
    std::vector<std::string> lead;
    for (const auto& d : ours[i]->lead) lead.push_back(d.written);
    EXPECT_EQ(text::join(lead, "、"), text::join(text::split_any(tasks[i].lead, {"、", "，"}), "、")) << ours[i]->id;
  }
  EXPECT_EQ(items, 92u);
  EXPECT_EQ(plan_.items().size(), 92u);
  EXPECT_EQ(plan_.actions.size(), 5u);
  EXPECT_EQ(plan_.sections.size(), 16u);
}

TEST_F(Seed, EveryTargetQuotesTheSeedAndPlaceholdersAreKept) {
  EXPECT_GE(plan_.targets.size(), 60u);
  for (const auto& t : plan_.targets) {
    ASSERT_FALSE(t.quote.empty()) << t.id;
    EXPECT_NE(seed_.find(t.quote), std::string::npos) << t.id << " quote not in seed: " << t.quote;
  }
  // Every "XX" the draft leaves open is an unspecified target.
  size_t xx = 0;
  for (size_t at = seed_.find("XX"); at != std::string::npos; at = seed_.find("XX", at + 2)) ++xx;
  size_t unspecified_xx = 0;
  for (const auto& t : plan_.targets) unspecified_xx += t.unspecified && t.written.find("XX") != std::string::npos;
  EXPECT_EQ(unspecified_xx, xx);
  // The amendment of item 8 is in force with its later values.
  EXPECT_EQ(plan_.find_target("fertilizer_pesticide_use_rate")->value, "43");
  EXPECT_EQ(plan_.find_target("farmland_safe_use_stable")->value, "95");
  EXPECT_EQ(plan_.find_target("farmland_safe_use_stable")->amendments.front().from, "93");
}

TEST_F(Seed, EveryNumberedPartThreeTaskIsLinked) {
  // Part 三's tasks are the lines "N.NAME。" before the task list (one carries a Word bookmark
  // "[bookmark: …]" in front of its number).
  std::string body = seed_.substr(0, seed_.find("重点任务清单"));
  int found = 0;
  for (int number = 1;; ++number) {
    std::string mark = std::to_string(number) + ".";
    size_t at = 0;
    while ((at = body.find(mark, at)) != std::string::npos &&
           !(at > 0 && (body[at - 1] == '\n' || body[at - 1] == ']')))
      ++at;
    if (at == std::string::npos) break;
    ++found;
    auto start = at + mark.size();
    std::string name = body.substr(start, body.find("。", start) - start);
    auto s = std::find_if(plan_.sections.begin(), plan_.sections.end(),
                          [&](const Section& x) { return x.number == number; });
    ASSERT_NE(s, plan_.sections.end()) << number;
    EXPECT_EQ(s->name, name) << number;
    EXPECT_FALSE(s->key_tasks.empty());
  }
  EXPECT_EQ(found, 16);
}

TEST_F(Seed, LintFindsTheDraftsRealDefects) {
  auto findings = lint(plan_);
  EXPECT_FALSE(has_errors(findings));
  auto has = [&](const std::string& rule, const std::string& where, const std::string& fragment) {
    return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.rule == rule && f.where == where && f.message.find(fragment) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("placeholder-unspecified", "agri_trade_volume", "XX亿元"));
  EXPECT_TRUE(has("placeholder-unspecified", "natural_gas_consumption", "XX亿立方米"));
  EXPECT_TRUE(has("placeholder-unspecified", "lng_stations", "XX座"));
  EXPECT_TRUE(has("department-duplicate", "T04", "县商务委、县商务委"));
  EXPECT_TRUE(has("department-alias-mixed", "housing", "县住房城乡建设委"));
  EXPECT_TRUE(has("target-conflict", "good_days_ratio_strive", "保持在98%以上"));
  EXPECT_TRUE(has("target-conflict", "farmland_safe_use_about", "93 (T05.8"));
  EXPECT_TRUE(has("note-contradicts-lead", "T02.8", "县林业局"));
  EXPECT_TRUE(has("action-name-mismatch", "A4", "生态制度建设"));
}

}  // namespace
}  // namespace shanshui::plan
