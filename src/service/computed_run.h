// computed_run.h: a value computed from data (layers, rasters), recorded once — an assessment run
// with its provenance and, when it is the target's own method, the target's measurement; the same
// value from the same inputs is not recorded again. And the plan's one-decimal percent.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

struct ComputedRun {
  std::string period, method, version;
  std::string rules;         // the method in words, for the run
  std::string input_sha256;  // of the sorted list of inputs
  std::string value;
  std::string inputs;          // the inputs in words (kept in the run's completeness)
  std::string detail;          // JSON: the breakdown (townships, lines …)
  std::string note;            // the measurement's note, in Chinese
  bool as_measurement = true;  // false for a cross-check: a run of its own only
};

/// Records `r` for target `t` unless the latest run of the same method and period has the same
/// value and inputs. Returns the run id, or 0 when nothing new was recorded.
Result<int64_t> record_computed_run(store::Store& s, const plan::Target& t, const ComputedRun& r);

/// A fraction as a percent to one decimal, half-even (GB/T 8170), via the exact decimal of its
/// six-place rendering: 0.45685 → "45.7".
std::string percent_one_decimal(double share);

}  // namespace shanshui::service
