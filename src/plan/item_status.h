// item_status.h: the status of a work item on a date, from its latest report and its closure.
#pragma once

#include <optional>
#include <string>

#include "core/civil_time.h"
#include "plan/model.h"

namespace shanshui::plan {

/// What the latest progress report says.
struct LatestReport {
  std::string period;
  double percent = 0;
  std::string status;  // not_started | in_progress | done
};

/// Closure (销号) state as the service sees it.
struct ClosureState {
  bool closed = false;
  bool reopened = false;  // a linked indicator regressed after closure
  std::string reopen_reason;
};

/// Status of a work item. code is one of not_started, on_schedule, lagging, overdue, done, closed.
struct ItemStatus {
  std::string code;
  double percent = 0;     // latest reported % done
  double expected = 0;    // % of the item's time elapsed (plan start → due)
  std::string reason;     // in Chinese (what the county reads)
  std::string reason_en;  // the same in English, for the dashboard's English mode
};

/// Chinese label of an item status code.
const char* item_status_label(const std::string& code);

/// Rules (method item-status/v1): closed when closed with evidence and approval and not reopened;
/// done at 100 % or a "done" report; overdue past its due date; not started without a report or
/// at 0 %; lagging when % done < expected − lag_tolerance; otherwise on schedule.
ItemStatus item_status(const WorkItem& item, int plan_start_year, const std::optional<LatestReport>& latest,
                       const ClosureState& closure, Date as_of, double lag_tolerance);

}  // namespace shanshui::plan
