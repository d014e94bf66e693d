// scorecard.cpp: scorecard/v2. Components (weights come from the plan's `scorecard`):
//   item_progress      mean % done / 100 over the department's work: each led item's status (done
//                      or closed = 1, no report = 0) and, on items it shares (a responsible
//                      department, or a township where the townships share), its own part as its
//                      latest report states it (done = 1, no report = 0)
//   on_time_reporting  share of its unfinished items, led or shared, with its own report for the
//                      last due period, filed by its deadline
//   targets_on_track   share of led targets rated achieved or on_track by the UNSD lens
//                      (unable to assess counts as 0, so missing data cannot raise a rank)
//   no_overdue         1 - overdue led items / led items
#include "service/scorecard.h"

#include <algorithm>
#include <cmath>

namespace shanshui::service {

std::vector<ScoreRow> scorecard(const plan::Plan& plan, const TrackingView& view,
                                const std::vector<store::ProgressReport>& reports) {
  auto due = last_due_period(plan, view.as_of);
  std::vector<ScoreRow> rows;
  for (const auto& d : plan.departments) {
    ScoreRow row;
    row.department = d.id;
    row.name = d.name;
    double progress = 0, overdue = 0, expected_reports = 0, on_time = 0;
    for (const auto& iv : view.items) {
      bool leads = plan.leads(*iv.item, d.id);
      const auto& code = iv.status.code;
      if (!leads) {
        if (!plan.may_report(*iv.item, d.id)) continue;
        // A share: the department's own part, as its latest report (up to the view's date) says.
        ++row.items_shared;
        const store::ProgressReport* own = nullptr;
        for (const auto& r : reports)
          if (r.item_id == iv.item->id && r.reporter == d.id && r.reported_at.substr(0, 10) <= view.as_of.iso() &&
              (!own || std::tie(r.period, r.reported_at, r.id) > std::tie(own->period, own->reported_at, own->id)))
            own = &r;
        progress += own ? (own->status == "done" ? 1.0 : own->percent / 100.0) : 0.0;
      } else {
        ++row.items_led;
        progress += (code == "done" || code == "closed") ? 1.0 : iv.status.percent / 100.0;
        overdue += code == "overdue" ? 1 : 0;
      }
      if (due && code != "done" && code != "closed") {
        ++expected_reports;
        bool filed = std::any_of(reports.begin(), reports.end(), [&](const store::ProgressReport& r) {
          // the department's own report: a sharing department's part does not file for the lead
          return r.item_id == iv.item->id && r.reporter == d.id && r.period == due->period.label() &&
                 (r.reported_at.empty() || r.reported_at.substr(0, 10) <= due->deadline.iso());
        });
        on_time += filed ? 1 : 0;
      }
    }
    double on_track = 0;
    for (const auto& tv : view.targets) {
      if (tv.target->lead.id != d.id) continue;
      ++row.targets_led;
      const auto& r = tv.lenses[1].rating;
      on_track += (r == "achieved" || r == "on_track") ? 1 : 0;
    }
    if (row.items_led == 0 && row.targets_led == 0 && row.items_shared == 0) continue;
    const int items = row.items_led + row.items_shared;
    auto set = [&](const char* id, bool ok, double v) {
      row.applicable[id] = ok;
      row.components[id] = ok ? v : 0;
    };
    set("item_progress", items > 0, items ? progress / items : 0);
    set("on_time_reporting", expected_reports > 0, expected_reports ? on_time / expected_reports : 0);
    set("targets_on_track", row.targets_led > 0, row.targets_led ? on_track / row.targets_led : 0);
    set("no_overdue", row.items_led > 0, row.items_led ? 1 - overdue / row.items_led : 0);
    double sum = 0, weights = 0;
    for (const auto& c : plan.scorecard) {
      if (!row.applicable[c.id]) continue;
      sum += c.weight * row.components[c.id];
      weights += c.weight;
    }
    row.score = weights > 0 ? 100 * sum / weights : 0;
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const ScoreRow& a, const ScoreRow& b) {
    return a.score != b.score ? a.score > b.score : a.department < b.department;
  });
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i].rank =
        (i > 0 && std::abs(rows[i].score - rows[i - 1].score) < 1e-9) ? rows[i - 1].rank : static_cast<int>(i + 1);
  return rows;
}

}  // namespace shanshui::service
