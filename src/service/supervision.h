// supervision.h: the supervision list (督办): what each department owes, and why.
#pragma once

#include <string>
#include <vector>

#include "service/tracking.h"

namespace shanshui::service {

/// One thing a department must answer for.
struct SupervisionEntry {
  std::string department;  // department id
  std::string kind;        // lagging_target | overdue_item | lagging_item | missing_report
  std::string ref;         // target or item id
  std::string message;     // in Chinese
  std::string message_en;  // the same in English
};

/// Lagging targets (UNSD lens below on track, or schedule lens behind) for their lead; overdue
/// and lagging items for each lead department; items with no report for the last reporting period
/// whose deadline has passed, for each lead department. Ordered by department, then kind, then ref.
std::vector<SupervisionEntry> supervision_list(const plan::Plan& plan, const TrackingView& view,
                                               const std::vector<store::ProgressReport>& reports);

}  // namespace shanshui::service
