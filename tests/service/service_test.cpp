// service_test.cpp: report and measurement intake, the tracking view, supervision, scorecard,
// closure reopening, exports.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/file.h"
#include "export/exports.h"
#include "plan/loader.h"
#include "service/evidence.h"
#include "service/login_guard.h"
#include "service/messages.h"
#include "service/notices.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::service {
namespace {

plan::Plan base_plan(const std::string& extra_from = "", const std::string& extra_to = "") {
  auto text = *read_file(std::string(SHANSHUI_TEST_DATA) + "/lint/_base.yaml");
  if (!extra_from.empty()) text.replace(text.find(extra_from), extra_from.size(), extra_to);
  auto p = plan::load_plan_text(text, "base.yaml");
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

Intake<store::ProgressReport> reports(const plan::Plan& p, const std::string& rows) {
  auto csv = parse_csv("item,period,status,percent,narrative,evidence,reporter,reported_at\n" + rows, "r.csv");
  EXPECT_TRUE(csv);
  return *intake_reports(p, *csv, "r.csv");
}

TEST(Intake, RefusesReportsWithTheReasonAndLine) {
  auto p = base_plan("responsible: 县发展改革委", "responsible: 县发展改革委、各乡镇（街道）");
  // base plan has no townships: add them
  auto text = *read_file(std::string(SHANSHUI_TEST_DATA) + "/lint/_base.yaml");
  text.replace(text.find("responsible: 县发展改革委"), std::string("responsible: 县发展改革委").size(),
               "responsible: 县发展改革委、各乡镇（街道）");
  text.replace(text.find("actions:"), 8,
               "townships:\n  group: {id: townships, name: 各乡镇（街道）}\n  units:\n    - {id: wuxia, name: "
               "巫峡镇}\nactions:");
  p = *plan::load_plan_text(text, "base.yaml");
  auto in = reports(p,
                    "T01.1,2024-Q1,in_progress,20,ok,,县生态环境局,2024-04-05\n"        // 2 lead: ok
                    "T01.9,2024-Q1,in_progress,20,,,县生态环境局,\n"                    // 3 unknown item
                    "T01.1,2024-Q1,in_progress,20,,,县气象局,\n"                        // 4 unknown department
                    "T01.1,2024-Q1,in_progress,20,,,县住房城乡建委,\n"                  // 5 not an owner
                    "T01.1,2024-Q5,in_progress,20,,,县生态环境局,\n"                    // 6 bad period
                    "T01.1,2024-Q1,finished,20,,,县生态环境局,\n"                       // 7 bad status
                    "T01.1,2024-Q1,done,100,,,县生态环境局,\n"                          // 8 done without evidence
                    "T01.1,2024-Q1,in_progress,120,,,县生态环境局,\n"                   // 9 percent out of range
                    "T01.2,2024-Q1,推进中,35,巫峡镇报送,,巫峡镇,2024-04-06 10:00:00\n"  // 10 township shares: ok
                    "T01.2,2024-Q1,in_progress,35,,,县发展改革委,2024/04/06\n");        // 11 bad timestamp
  ASSERT_EQ(in.accepted.size(), 2u);
  EXPECT_EQ(in.accepted[1].reporter, "wuxia");
  EXPECT_EQ(in.accepted[1].status, "in_progress");
  EXPECT_EQ(in.accepted[1].reported_at, "2024-04-06T10:00:00+08:00");
  std::vector<std::string> reasons;
  for (const auto& r : in.rejected) reasons.push_back(r.reason);
  std::vector<std::string> expected = {
      "r.csv:3: unknown work item 'T01.9'",
      "r.csv:4: unknown department '县气象局'",
      "r.csv:5: 县住房城乡建委 neither leads nor shares T01.1 (owners: 县生态环境局、县发展改革委、各乡镇（街道）)",
      "r.csv:6: period: not a period (expected YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM): '2024-Q5'",
      "r.csv:7: status 'finished' is not one of not_started, in_progress, done (未启动、推进中、已完成)",
      "r.csv:8: a 'done' report needs an evidence reference",
      "r.csv:9: percent '120' must be a number from 0 to 100",
      "r.csv:11: reported_at '2024/04/06' is not YYYY-MM-DD[ HH:MM:SS][+08:00]",
  };
  EXPECT_EQ(reasons, expected);
  EXPECT_EQ(in.rejected[0].raw, "T01.9,2024-Q1,in_progress,20,,,县生态环境局,");
}

TEST(Intake, ChecksMeasurementsAgainstTheTarget) {
  auto p = base_plan();
  auto csv = parse_csv(
      "indicator,period,value,kind,method,method_version,source,reporter,note\n"
      "forest,2024,63.2,reported,reported.survey,1,林业统计年报,县生态环境局,\n"
      "forest,2024,-1,reported,reported.survey,1,x,县生态环境局,\n"
      "forest,2024,六十,reported,reported.survey,1,x,县生态环境局,\n"
      "forests,2024,63,reported,reported.survey,1,x,县生态环境局,\n"
      "forest,2024,63,reported,air.good_days_ratio,1,x,县生态环境局,\n"
      "forest,2024,63,reported,reported.survey,1,,县生态环境局,\n"
      "forest,2024,63,reported,reported.survey,1,x,县发展改革委,\n",
      "m.csv");
  auto in = *intake_measurements(p, *csv, "m.csv");
  ASSERT_EQ(in.accepted.size(), 1u);
  ASSERT_EQ(in.rejected.size(), 6u);
  EXPECT_EQ(in.rejected[0].reason, "m.csv:3: value -1 is negative");
  EXPECT_EQ(in.rejected[1].reason, "m.csv:4: value: not a number (unexpected character): '六十'");
  EXPECT_EQ(in.rejected[2].reason, "m.csv:5: no target measures indicator 'forests'");
  EXPECT_EQ(in.rejected[3].reason,
            "m.csv:6: method 'air.good_days_ratio' is not how 'forest' is measured (the plan says reported.survey)");
  EXPECT_EQ(in.rejected[4].reason,
            "m.csv:7: source is empty: every value needs its provenance (document, data set or file hash)");
  EXPECT_EQ(in.rejected[5].reason, "m.csv:8: 县发展改革委 does not measure 'forest' (the plan says 县生态环境局)");
}

TEST(View, OnlyTheLeadsReportsSetTheItemsStatus) {
  // T01.1: led by 县生态环境局, shared with 县发展改革委 (base plan).
  auto p = base_plan();
  std::vector<store::ProgressReport> rs = {
      {1, "T01.1", "2026-Q3", "in_progress", 60, "", "", "eeb", "", "2026-10-08T09:00:00+08:00"},
      {2, "T01.1", "2026-Q4", "done", 100, "our part", "文件1", "ndrc", "", "2026-11-20T09:00:00+08:00"},
  };
  Date as_of{2026, 11, 28};
  auto view = build_view(p, {}, rs, {}, as_of);
  const auto* iv = view.find_item("T01.1");
  ASSERT_TRUE(iv->latest);
  EXPECT_EQ(iv->latest->reporter, "eeb");  // the sharing department's "done" is its own part
  EXPECT_NE(iv->status.code, "done");
  rs.push_back({3, "T01.1", "2026-Q4", "done", 100, "", "验收", "eeb", "", "2026-11-25T09:00:00+08:00"});
  view = build_view(p, {}, rs, {}, as_of);
  EXPECT_EQ(view.find_item("T01.1")->status.code, "done");
}

TEST(Scorecard, OnTimeReportingCountsTheLeadsOwnReport) {
  auto p = base_plan();      // T01.1 and T01.2 led by eeb, shared with ndrc
  Date as_of{2026, 11, 28};  // the last due period: 2026-Q3, due 2026-10-10
  std::vector<store::ProgressReport> rs = {
      {1, "T01.1", "2026-Q3", "in_progress", 50, "", "", "ndrc", "", "2026-10-05T09:00:00+08:00"},  // a part only
      {2, "T01.2", "2026-Q3", "in_progress", 50, "", "", "eeb", "", "2026-10-05T09:00:00+08:00"},
  };
  auto view = build_view(p, {}, rs, {}, as_of);
  auto rows = scorecard(p, view, rs);
  auto eeb = std::find_if(rows.begin(), rows.end(), [](const ScoreRow& r) { return r.department == "eeb"; });
  ASSERT_NE(eeb, rows.end());
  EXPECT_DOUBLE_EQ(eeb->components["on_time_reporting"], 0.5);  // T01.2 filed by eeb; T01.1 only by ndrc
}

TEST(View, ReportsFiledAfterTheDueDayAreLate) {
  auto p = base_plan();  // quarterly reports, due on the 10th day after the quarter
  EXPECT_EQ(report_due(p, *Period::parse("2026-Q3")).iso(), "2026-10-10");
  store::ProgressReport r{1, "T01.1", "2026-Q3", "in_progress", 60, "", "", "eeb", "", "2026-10-10T18:00:00+08:00"};
  EXPECT_FALSE(filed_late(p, r));
  r.reported_at = "2026-10-11T08:00:00+08:00";
  EXPECT_TRUE(filed_late(p, r));
}

TEST(Intake, ComputedIndicatorsStayComputed) {
  auto p = base_plan("measure: {kind: reported, method: reported.survey",
                     "measure: {kind: computed, method: reported.survey");
  auto csv = parse_csv(
      "indicator,period,value,kind,method,method_version,source,reporter,note\n"
      "forest,2024,63,reported,reported.survey,1,x,县生态环境局,\n"
      "forest,2024,63,computed,reported.survey,1,engine,,\n",
      "m.csv");
  auto in = *intake_measurements(p, *csv, "m.csv");
  ASSERT_EQ(in.rejected.size(), 1u);
  EXPECT_EQ(in.rejected[0].reason,
            "m.csv:2: 'forest' is computed from monitoring data (reported.survey); it cannot be entered as reported");
  EXPECT_EQ(in.accepted.size(), 1u);
}

TEST(Intake, RefusesValuesThatCannotBeTrue) {
  auto p = base_plan("    unit: \"%\"", "    unit: \"%\"\n    limit: 100");
  auto csv = parse_csv(
      "indicator,period,value,kind,method,method_version,source,reporter,note\n"
      "forest,2024,100,reported,reported.survey,1,林业统计年报,县生态环境局,\n"
      "forest,2024,150,reported,reported.survey,1,x,县生态环境局,\n"
      "forest,2024,100.01,reported,reported.survey,1,x,县生态环境局,\n"
      "forest,2999,63,reported,reported.survey,1,x,县生态环境局,\n",
      "m.csv");
  auto in = *intake_measurements(p, *csv, "m.csv");
  ASSERT_EQ(in.accepted.size(), 1u);
  ASSERT_EQ(in.rejected.size(), 3u);
  EXPECT_EQ(in.rejected[0].reason, "m.csv:3: value 150 is above the natural limit of 'forest' (100 %)");
  EXPECT_EQ(in.rejected[1].reason, "m.csv:4: value 100.01 is above the natural limit of 'forest' (100 %)");
  EXPECT_EQ(in.rejected[2].reason, "m.csv:5: period 2999 has not begun (it starts on 2999-01-01)");
  auto r = reports(p,
                   "T01.1,2024-Q1,in_progress,20,,,县生态环境局,2999-01-01 08:00:00\n"
                   "T01.1,2999-Q1,in_progress,20,,,县生态环境局,\n");
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].reason, "r.csv:2: reported_at 2999-01-01T08:00:00+08:00 is later than now");
  EXPECT_EQ(r.rejected[1].reason, "r.csv:3: period 2999-Q1 is outside the plan's years 2023–2027");
}

store::Measurement meas(const std::string& ind, const std::string& period, const std::string& v) {
  return {0, ind, period, v, "reported", "reported.survey", "1", "s", "eeb", "", "2025-01-01T00:00:00+08:00"};
}

TEST(View, SeriesLensesStatusSupervisionAndScorecard) {
  auto p = base_plan("    clause: 二(四)", "    clause: 二(四)\n    baseline: {value: \"62.0\", year: 2022}");
  std::vector<store::Measurement> ms = {meas("forest", "2024", "63.2"), meas("forest", "2024-Q1", "99")};
  std::vector<store::ProgressReport> rs = {
      {1, "T01.1", "2026-Q3", "in_progress", 80, "", "", "eeb", "", "2026-10-08T09:00:00+08:00"},
      {2, "T01.2", "2026-Q2", "in_progress", 30, "", "", "eeb", "", "2026-07-20T09:00:00+08:00"},
  };
  Date as_of{2026, 11, 28};
  auto view = build_view(p, ms, rs, {}, as_of);
  const auto* forest = view.find_target("forest");
  ASSERT_EQ(forest->series.size(), 1u);  // the quarterly value is not an annual one
  EXPECT_EQ(forest->lenses[1].rating, "on_track");
  EXPECT_EQ(view.find_item("T01.1")->status.code, "on_schedule");
  EXPECT_EQ(view.find_item("T01.2")->status.code, "lagging");

  auto due = last_due_period(p, as_of);
  ASSERT_TRUE(due);
  EXPECT_EQ(due->period.label(), "2026-Q3");
  EXPECT_EQ(due->deadline.iso(), "2026-10-10");

  auto list = supervision_list(p, view, rs);
  std::vector<std::string> got;
  for (const auto& e : list) got.push_back(e.department + " " + e.kind + " " + e.ref);
  EXPECT_EQ(got, (std::vector<std::string>{"eeb lagging_item T01.2", "eeb missing_report T01.2"}));
  EXPECT_EQ(list[1].message, "2026年第3季度进展未报送（截止 2026-10-10）");  // in the clerk's words

  auto rows = scorecard(p, view, rs);
  ASSERT_EQ(rows.size(), 2u);  // the lead, and the responsible department that shares both items
  const auto& r = rows[0];
  EXPECT_EQ(r.department, "eeb");
  EXPECT_NEAR(r.components.at("item_progress"), 0.55, 1e-9);
  EXPECT_NEAR(r.components.at("no_overdue"), 1.0, 1e-9);
  // Recompute from the published weights: only item_progress (0.5) and no_overdue (0.5) are weighted.
  EXPECT_NEAR(r.score, 100 * (0.5 * 0.55 + 0.5 * 1.0) / 1.0, 1e-9);
  EXPECT_EQ(r.rank, 1);
  EXPECT_EQ(rows[1].department, "ndrc");
  EXPECT_EQ(rows[1].items_shared, 2);
  EXPECT_NEAR(rows[1].components.at("item_progress"), 0.0, 1e-9);  // no part reported yet

  // The responsible department reports its part of T01.1 (60 %, on time): it counts in its own
  // scorecard and leaves the item's status, set by the lead, as it was.
  rs.push_back({3, "T01.1", "2026-Q3", "in_progress", 60, "本单位部分", "", "ndrc", "", "2026-10-09T09:00:00+08:00"});
  auto after = build_view(p, ms, rs, {}, as_of);
  EXPECT_EQ(after.find_item("T01.1")->status.percent, 80);
  auto rows2 = scorecard(p, after, rs);
  const ScoreRow* ndrc = nullptr;
  for (const auto& x : rows2)
    if (x.department == "ndrc") ndrc = &x;
  ASSERT_NE(ndrc, nullptr);
  EXPECT_NEAR(ndrc->components.at("item_progress"), 0.3, 1e-9);  // (0.6 + 0) / 2 shared items
}

TEST(View, ClosedItemReopensWhenItsIndicatorRegresses) {
  auto p = base_plan();
  std::vector<store::ProgressReport> rs = {
      {1, "T01.1", "2024-Q4", "done", 100, "", "文件", "eeb", "", "2025-01-05T09:00:00+08:00"}};
  std::vector<store::Closure> cl = {{1, "T01.1", "巫山环〔2025〕1号", "ndrc", "2025-02-01T00:00:00+08:00", ""}};
  auto steady = build_view(p, {meas("forest", "2024", "65.5"), meas("forest", "2025", "65.6")}, rs, cl, {2026, 6, 1});
  EXPECT_EQ(steady.find_item("T01.1")->status.code, "closed");
  auto worse =
      build_view(p, {meas("forest", "2024", "65.5"), meas("forest", "2025", "65.6"), meas("forest", "2026", "64.9")},
                 rs, cl, {2026, 12, 31});
  const auto* item = worse.find_item("T01.1");
  EXPECT_TRUE(item->reopened);
  EXPECT_EQ(item->status.code, "lagging");
  EXPECT_EQ(item->status.reason, "销号后重新打开：" + worse.find_target("forest")->target->name +
                                     "由 65.6（2025 年）变为 64.9（2026 年），较销号时倒退");
}

TEST(Export, ProgressJsonCarriesExplanationsAndProvenance) {
  auto p = base_plan();
  auto view = build_view(p, {meas("forest", "2022", "62.0"), meas("forest", "2024", "63.2")}, {}, {}, {2025, 3, 1});
  auto j = nlohmann::json::parse(exporting::progress_json(p, view));
  const auto& t = j["targets"][0];
  EXPECT_EQ(t["id"], "forest");
  EXPECT_EQ(t["lenses"]["unsd"]["rating"], "on_track");
  EXPECT_EQ(t["lenses"]["unsd"]["inputs"]["v_b"], "62");
  EXPECT_EQ(t["lenses"]["schedule"]["method"], "schedule/v1");
  EXPECT_EQ(t["series"][1]["provenance"]["source"], "s");
  EXPECT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["status"], "not_started");
}

}  // namespace
}  // namespace shanshui::service

// ---- login throttling (service/login_guard.h) ----

TEST(LoginGuard, DelaysDoubleAndTheRealUserElsewhereIsNotLockedOut) {
  using shanshui::service::LoginGuard;
  LoginGuard g;
  auto t = LoginGuard::Clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(g.admit("admin", "10.0.0.66", t)) << i;  // five free attempts
  auto wait = g.admit("admin", "10.0.0.66", t);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 2);                                                       // 1 s, rounded up
  EXPECT_FALSE(g.admit("admin", "10.0.0.66", t + std::chrono::seconds(1)));  // the 6th failure
  wait = g.admit("admin", "10.0.0.66", t + std::chrono::seconds(2));
  ASSERT_TRUE(wait);  // now 2 s after the 6th
  // the attacker's counts never stop the real user at another address
  EXPECT_FALSE(g.admit("admin", "10.0.0.1", t + std::chrono::seconds(2)));
  g.succeeded("admin", "10.0.0.1");
  EXPECT_FALSE(g.admit("admin", "10.0.0.1", t + std::chrono::seconds(2)));
}

TEST(LoginGuard, ManyAddressesAgainstOneUserAreCappedAtThirtySeconds) {
  using shanshui::service::LoginGuard;
  LoginGuard g;
  auto t = LoginGuard::Clock::now();
  for (int i = 0; i < 200; ++i)
    (void)g.admit("admin", "10.1.0." + std::to_string(i), t);  // one guess from each of 200 addresses
  auto wait = g.admit("admin", "10.0.0.1", t);
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 31);
  EXPECT_FALSE(g.admit("admin", "10.0.0.1", t + std::chrono::seconds(31)));
}

TEST(LoginGuard, MemoryIsBounded) {
  using shanshui::service::LoginGuard;
  shanshui::service::LoginGuardOptions o;
  o.max_tracked = 3000;
  LoginGuard g(o);
  auto t = LoginGuard::Clock::now();
  for (int i = 0; i < 20000; ++i)
    (void)g.admit("u" + std::to_string(i), "a" + std::to_string(i), t + std::chrono::milliseconds(i));
  EXPECT_LE(g.tracked(), 3000u);
}

namespace shanshui::service {
namespace {

// tests/data/notices/steps.csv: every row is an event history, a step and what must follow.
TEST(Notices, StepsFollowTheWorkflowTable) {
  auto text = *read_file(std::string(SHANSHUI_TEST_DATA) + "/notices/steps.csv");
  // The comment lines on top explain the table to whoever adds a row.
  std::string body;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind('#', 0) != 0) body += line + "\n";
  auto csv = parse_csv(body, "steps.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  int rows = 0;
  for (const auto& rec : csv->records) {
    const auto& row = rec.fields;
    std::vector<store::NoticeEvent> events;
    std::istringstream in(row.at(0));
    for (std::string a; in >> a;)
      if (a != "-") events.push_back({0, 1, a, "", "", ""});
    const std::string& action = row.at(1);
    const std::string& expected = row.at(2);
    auto no = refuse_step(events, action);
    std::string got = "refused";
    if (!no) {
      events.push_back({0, 1, action, "", "", ""});
      got = notice_state(events);
    }
    EXPECT_EQ(got, expected) << row.at(0) << " then " << action;
    ++rows;
  }
  EXPECT_GE(rows, 12);
}

// "\x89PNG" → the bytes, as the evidence table writes them.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// tests/data/evidence/types.csv: a name and first bytes → the stored type, or the refusal.
TEST(Evidence, TypeComesFromTheContent) {
  auto text = *read_file(std::string(SHANSHUI_TEST_DATA) + "/evidence/types.csv");
  std::string body;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind('#', 0) != 0) body += line + "\n";
  auto csv = parse_csv(body, "types.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  int rows = 0;
  for (const auto& rec : csv->records) {
    const auto& row = rec.fields;
    auto got = evidence_media_type(unescape(row.at(2)), row.at(1));
    const std::string& expect = row.at(3);
    if (expect.rfind("refused: ", 0) == 0) {
      ASSERT_FALSE(got) << row.at(0) << " was accepted as " << *got;
      EXPECT_NE(got.error().message.find(expect.substr(9)), std::string::npos)
          << row.at(0) << ": " << got.error().message;
    } else {
      ASSERT_TRUE(got) << row.at(0) << ": " << got.error().message;
      EXPECT_EQ(*got, expect) << row.at(0);
    }
    ++rows;
  }
  EXPECT_GE(rows, 15);
}

TEST(Evidence, NamesAreKeptSafe) {
  EXPECT_EQ(*evidence_file_name("C:\\scans\\巫山环发〔2026〕12号.pdf"), "巫山环发〔2026〕12号.pdf");
  EXPECT_EQ(*evidence_file_name("../../etc/passwd"), "passwd");
  EXPECT_FALSE(evidence_file_name(""));
  EXPECT_FALSE(evidence_file_name("dir/"));
  EXPECT_FALSE(evidence_file_name("a\nb.pdf"));
  EXPECT_FALSE(evidence_file_name("\xff\xfe.pdf"));
  EXPECT_FALSE(evidence_file_name(std::string(201, 'a')));
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'a')));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
}

TEST(Notices, AnswersStopAtTheStepBudget) {
  std::vector<store::NoticeEvent> steps(kMaxNoticeSteps - 1, {0, 1, "answer", "x", "eeb", ""});
  EXPECT_FALSE(refuse_step(steps, "answer"));
  steps.push_back({0, 1, "answer", "x", "eeb", ""});
  EXPECT_TRUE(refuse_step(steps, "answer"));
}

TEST(Notices, OverdueOnlyWhileWaitingForTheDepartment) {
  std::vector<store::Notice> ns = {{1, "item", "T1.1", "eeb", "2026-11-30", "x", "office", ""},
                                   {2, "item", "T1.1", "eeb", "2026-11-30", "x", "office", ""},
                                   {3, "item", "T1.1", "agri", "2026-12-31", "x", "office", ""}};
  std::vector<store::NoticeEvent> es = {{1, 2, "answer", "done", "eeb", ""}};
  auto views = notice_views(ns, es, *Date::parse("2026-12-05"));
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].notice.id, 3);  // newest first
  EXPECT_FALSE(views[0].overdue);    // not due yet
  EXPECT_FALSE(views[1].overdue);    // answered: the office's turn
  EXPECT_TRUE(views[2].overdue);
  EXPECT_EQ(notice_views(ns, es, *Date::parse("2026-12-05"), "agri").size(), 1u);
}

}  // namespace
}  // namespace shanshui::service

namespace shanshui::service {
namespace {

bool has_han(const std::string& s) {
  // CJK Unified Ideographs U+4E00–U+9FFF are E4 B8 80 – E9 BF BF in UTF-8.
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0xE4 && b <= 0xE9) return true;
  }
  return false;
}

size_t holes(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] == '{' && (s[i + 1] == '}' ||
                        (i + 2 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) && s[i + 2] == '}')))
      ++n;
  return n;
}

// Every row of data/i18n/messages.tsv: Chinese on the right, the same holes on both sides, no
// two holes side by side (they could not be told apart), no pattern twice.
TEST(Messages, CatalogueIsWellFormed) {
  const auto& rows = message_catalogue();
  ASSERT_GE(rows.size(), 100u);
  std::set<std::string> seen;
  for (const auto& [en, zh] : rows) {
    EXPECT_TRUE(has_han(zh)) << en;
    EXPECT_EQ(holes(en), holes(zh)) << en;
    EXPECT_EQ(en.find("{}{}"), std::string::npos) << en;
    EXPECT_TRUE(seen.insert(en).second) << "twice: " << en;
  }
}

// tests/data/i18n/messages.csv: a message and the Chinese the API must send.
TEST(Messages, TranslateAsTheTableSays) {
  auto text = *read_file(std::string(SHANSHUI_TEST_DATA) + "/i18n/messages.csv");
  std::string body;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind('#', 0) != 0) body += line + "\n";
  auto csv = parse_csv(body, "messages.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_GE(csv->records.size(), 10u);
  for (const auto& rec : csv->records) {
    auto zh = message_zh(rec.fields.at(0));
    ASSERT_TRUE(zh) << rec.fields.at(0);
    EXPECT_EQ(*zh, rec.fields.at(1));
  }
  EXPECT_FALSE(message_zh("a sentence nobody wrote"));
}

}  // namespace
}  // namespace shanshui::service
