// supervision.cpp: builds the 督办 list from the tracking view.
#include "service/supervision.h"

#include <algorithm>
#include <set>

#include "service/labels.h"

namespace shanshui::service {

std::vector<SupervisionEntry> supervision_list(const plan::Plan& plan, const TrackingView& view,
                                               const std::vector<store::ProgressReport>& reports) {
  std::vector<SupervisionEntry> out;
  for (const auto& tv : view.targets) {
    const auto& t = *tv.target;
    const auto& sched = tv.lenses[0];
    const auto& unsd = tv.lenses[1];
    bool lagging =
        unsd.rating == "acceleration_needed" || unsd.rating == "stagnation_or_regression" || sched.rating == "behind";
    if (lagging && !t.lead.id.empty())
      out.push_back({t.lead.id, "lagging_target", t.id,
                     t.name + "：趋势预测" + plan::lens_rating_label(unsd.rating) + "，序时进度" +
                         plan::lens_rating_label(sched.rating),
                     t.id + ": trend (UNSD) " + label(Lang::en, "rating", unsd.rating) + ", time-proportional " +
                         label(Lang::en, "rating", sched.rating)});
  }
  auto due = last_due_period(plan, view.as_of);
  std::set<std::string> reported;  // item ids with a report for the due period or later
  if (due)
    for (const auto& r : reports) {
      auto p = Period::parse(r.period);
      if (p && p->last() >= due->period.last()) reported.insert(r.item_id);
    }
  for (const auto& iv : view.items) {
    const auto& code = iv.status.code;
    for (const auto& lead : iv.item->lead) {
      if (lead.id.empty()) continue;
      if (code == "overdue" || code == "lagging")
        out.push_back({lead.id, code == "overdue" ? "overdue_item" : "lagging_item", iv.item->id, iv.status.reason,
                       iv.status.reason_en});
      if (due && code != "done" && code != "closed" && !reported.count(iv.item->id))
        out.push_back({lead.id, "missing_report", iv.item->id,
                       due->period.chinese() + "进展未报送（截止 " + due->deadline.iso() + "）",
                       "no report for " + due->period.label() + " (due " + due->deadline.iso() + ")"});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const SupervisionEntry& a, const SupervisionEntry& b) {
    return std::tie(a.department, a.kind, a.ref) < std::tie(b.department, b.kind, b.ref);
  });
  return out;
}

}  // namespace shanshui::service
