// item_status.cpp: the work-item status rules (item-status/v1).
#include "plan/item_status.h"

#include <algorithm>
#include <cstdio>

namespace shanshui::plan {

const char* item_status_label(const std::string& c) {
  if (c == "not_started") return "未启动";
  if (c == "on_schedule") return "按序时推进";
  if (c == "lagging") return "滞后";
  if (c == "overdue") return "逾期";
  if (c == "done") return "已完成";
  if (c == "closed") return "已销号";
  return "?";
}

ItemStatus item_status(const WorkItem& item, int plan_start_year, const std::optional<LatestReport>& latest,
                       const ClosureState& closure, Date as_of, double lag_tolerance) {
  ItemStatus s;
  Date start{plan_start_year, 1, 1};
  auto due = Date::parse(item.due);
  Date end = due ? *due : Date{plan_start_year + 4, 12, 31};
  double span = static_cast<double>(end.days() - start.days() + 1);
  double gone = static_cast<double>(as_of.days() - start.days() + 1);
  s.expected = std::clamp(100.0 * gone / span, 0.0, 100.0);
  s.percent = latest ? latest->percent : 0;
  char buf[160];

  if (closure.closed && !closure.reopened) {
    s.code = "closed";
    s.reason = "已销号（有佐证并经审批）";
    s.reason_en = "closed (with evidence, approved)";
    return s;
  }
  bool done = latest && (latest->percent >= 100 || latest->status == "done");
  if (done && !closure.reopened) {
    s.code = "done";
    auto period = Period::parse(latest->period);
    s.reason = "已于" + (period ? period->chinese() : latest->period) + "报送完成";
    s.reason_en = "reported done for " + latest->period;
    return s;
  }
  if (closure.reopened) {
    s.code = "lagging";
    s.reason = "销号后重新打开：" + closure.reopen_reason;
    s.reason_en = "reopened after closing: " + closure.reopen_reason;
    return s;
  }
  if (as_of > end) {
    s.code = "overdue";
    std::snprintf(buf, sizeof buf, "完成时限 %s，已完成 %.0f%%", item.due.c_str(), s.percent);
    s.reason = buf;
    std::snprintf(buf, sizeof buf, "due %s, %.0f%% done", item.due.c_str(), s.percent);
    s.reason_en = buf;
    return s;
  }
  if (!latest || (latest->percent <= 0 && latest->status != "in_progress")) {
    s.code = "not_started";
    s.reason = latest ? latest->period + " 报送为未启动" : "尚未报送进展";
    s.reason_en = latest ? latest->period + " reported not started" : "no progress reported yet";
    return s;
  }
  if (s.percent < s.expected - lag_tolerance) {
    s.code = "lagging";
    std::snprintf(buf, sizeof buf, "已完成 %.0f%%，时间已过 %.0f%%（容差 %.0f 个百分点）", s.percent, s.expected,
                  lag_tolerance);
    s.reason = buf;
    std::snprintf(buf, sizeof buf, "%.0f%% done, %.0f%% of the time gone (tolerance %.0f points)", s.percent,
                  s.expected, lag_tolerance);
    s.reason_en = buf;
    return s;
  }
  s.code = "on_schedule";
  std::snprintf(buf, sizeof buf, "已完成 %.0f%%，时间已过 %.0f%%", s.percent, s.expected);
  s.reason = buf;
  std::snprintf(buf, sizeof buf, "%.0f%% done, %.0f%% of the time gone", s.percent, s.expected);
  s.reason_en = buf;
  return s;
}

}  // namespace shanshui::plan
