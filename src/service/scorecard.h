// scorecard.h: the department scorecard (赛马比拼) with the plan's published weights.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "service/tracking.h"

namespace shanshui::service {

/// One department's components (each 0..1), score (0..100) and rank. A component that does not
/// apply (no led targets, no report yet due) is left out and the weights of the others are
/// renormalised; `applicable` says which counted.
struct ScoreRow {
  std::string department;
  std::string name;
  std::map<std::string, double> components;
  std::map<std::string, bool> applicable;
  int items_led = 0;
  int items_shared = 0;  // items it shares: its own part counts in its progress and its reporting
  int targets_led = 0;
  double score = 0;
  int rank = 0;  // competition ranking: ties share a rank (1, 2, 2, 4)
};

/// Scores every department (and township) that leads or shares at least one work item, or leads
/// a target, best first.
std::vector<ScoreRow> scorecard(const plan::Plan& plan, const TrackingView& view,
                                const std::vector<store::ProgressReport>& reports);

}  // namespace shanshui::service
