// tracking.h: the tracking table (打表推进): intake of reports and measurements, and the view of
// every target (series + three lenses) and every work item (status) on a date.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/csv.h"
#include "plan/item_status.h"
#include "plan/lenses.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// The rows of an input file that passed validation and the ones that did not.
template <class Row>
struct Intake {
  std::vector<Row> accepted;
  std::vector<store::RejectedRow> rejected;  // each with origin:line and the reason
};

/// Validates progress reports (CSV columns: item, period, status, percent, narrative, evidence,
/// reporter[, reported_at]). A report is refused when its item is unknown, its reporter is not a
/// known department or does not lead or share the item, or a field is malformed.
/// What a file may claim. reported_at is set by shanshui when a report is filed; a file may
/// claim an earlier time (a paper report typed in later) only when `claim_reported_at` is set —
/// the claim is then written to the audit log — and never earlier than the last report stored for
/// the same item and reporter (`last_reported_at`, keyed "item|reporter") nor later than now.
struct ReportIntakeOptions {
  bool claim_reported_at = false;
  std::map<std::string, std::string> last_reported_at;
  std::set<std::string> stored;  // report_key of the reports already stored: a resubmission is no claim
};
/// The identity of a report for resubmission: every field as filed.
std::string report_key(const store::ProgressReport& r);
Result<Intake<store::ProgressReport>> intake_reports(const plan::Plan& plan, const CsvTable& csv,
                                                     const std::string& origin, const ReportIntakeOptions& options);
/// The same with claims allowed (the time a report says it was filed is kept as written).
Result<Intake<store::ProgressReport>> intake_reports(const plan::Plan& plan, const CsvTable& csv,
                                                     const std::string& origin);

/// Validates measurements (CSV columns: indicator, period, value, kind, method, method_version,
/// source, reporter, note). The indicator must be one the plan's targets measure, the value must
/// fit its bound, and the method must be the one the plan names for it.
Result<Intake<store::Measurement>> intake_measurements(const plan::Plan& plan, const CsvTable& csv,
                                                       const std::string& origin);

/// A target with its annual series, the provenance of each value, and its three lenses.
/// The series rule (docs/plan.md, "Which values the lenses use"): per year, the most recently
/// recorded final value (period "YYYY"); for a year without one, the latest year-so-far value
/// ("YYYY-YTD", computed live from monitoring), marked provisional. A target whose newest value
/// is older than the previous year, or which has no value since its baseline, is stale: its
/// current lens says so instead of rating an old number.
struct TargetView {
  const plan::Target* target = nullptr;
  std::vector<plan::Observation> series;       // annual values in force, by year
  std::vector<store::Measurement> provenance;  // the measurement behind each series value
  std::vector<plan::LensResult> lenses;        // schedule, unsd, current
  std::string stale;                           // why the values are out of date ("" when current)
};

/// A work item with its latest report, status and closure.
struct ItemView {
  const plan::WorkItem* item = nullptr;
  std::optional<store::ProgressReport> latest;
  plan::ItemStatus status;
  std::optional<store::Closure> closure;
  bool reopened = false;
  std::vector<std::string> targets;  // ids of targets linked to the item
};

/// Everything the progress table shows, as of a date.
struct TrackingView {
  Date as_of;
  std::vector<TargetView> targets;
  std::vector<ItemView> items;
  const TargetView* find_target(const std::string& id) const;
  const ItemView* find_item(const std::string& id) const;
};

/// Builds the view. Pure: the same inputs give the same view.
TrackingView build_view(const plan::Plan& plan, const std::vector<store::Measurement>& measurements,
                        const std::vector<store::ProgressReport>& reports, const std::vector<store::Closure>& closures,
                        Date as_of);

/// The plan, its reports and its view as of a date, read from a store: what the progress table,
/// the supervision list, the scorecard and the exports are made from (CLI and server alike). The
/// view points into the plan's vectors, whose elements a move does not relocate.
struct Tracking {
  plan::Plan plan;
  std::vector<store::ProgressReport> reports;
  TrackingView view;
};
Result<Tracking> load_tracking(store::Store& s, plan::Plan plan, Date as_of);

/// The plan last imported into the store (its stored YAML, re-read), or nullopt if none was.
Result<std::optional<plan::Plan>> stored_plan(store::Store& s);

/// Whether `later` is worse than `earlier` for the target (moves away from it).
bool regressed(const plan::Target& t, const std::string& earlier, const std::string& later);

/// Resolves the reporting period that was last due on `as_of` and its deadline.
struct DuePeriod {
  Period period;
  Date deadline;
};
std::optional<DuePeriod> last_due_period(const plan::Plan& plan, Date as_of);

/// The day a report for `period` is due: the plan's due_day-th day after the period ends.
Date report_due(const plan::Plan& plan, const Period& period);
/// Whether a report was filed after its period's due day (shown as late, never as on time).
bool filed_late(const plan::Plan& plan, const store::ProgressReport& report);

}  // namespace shanshui::service
