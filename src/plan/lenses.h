// lenses.h: three progress lenses on a target, side by side, each able to explain itself.
//   schedule — 序时进度 ("时间过半、任务过半"): share of the distance covered vs share of time elapsed;
//   unsd     — UN Statistics Division Progress Chart (2023 technical note): extrapolate the
//              compound annual growth rate to the target year, P = expected share of the change;
//   current  — where the latest value stands against the target today.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plan/model.h"

namespace shanshui::plan {

/// One annual value of an indicator: a decimal ("63.2"), a water class ("II") or "yes"/"no".
struct Observation {
  int year = 0;
  std::string value;
  bool provisional = false;  // the year so far ("2026-YTD"), standing in until the year is final
};

/// A lens verdict with everything needed to recompute it by hand.
struct LensResult {
  std::string lens;             // schedule | unsd | current
  std::string rating;           // see lens_rating_label() for the codes
  std::optional<double> value;  // P for unsd, achieved/elapsed ratio for schedule, gap for current
  std::vector<std::pair<std::string, std::string>> inputs;  // named inputs, as used
  std::string formula;
  std::string thresholds;
  std::string method;  // method and version, printed on every badge
  std::string reason;  // the special rule applied, or why the target cannot be assessed
  // formula, thresholds and reason above are in Chinese (what the county reads); the same three
  // in English for the dashboard's English mode and for readers abroad.
  struct {
    std::string formula, thresholds, reason;
  } en;
};

/// Chinese label of a rating code ("on_track" → "按期实现").
const char* lens_rating_label(const std::string& rating);

/// Values of the series with the plan's baseline folded in (baseline first when it is known).
/// `series` must be sorted by year; one value per year.
std::vector<Observation> with_baseline(const Target& t, const std::vector<Observation>& series);

LensResult schedule_lens(const Target& t, const std::vector<Observation>& series);
LensResult unsd_lens(const Target& t, const std::vector<Observation>& series);
LensResult current_lens(const Target& t, const std::vector<Observation>& series);

/// All three, in the order schedule, unsd, current.
std::vector<LensResult> assess(const Target& t, const std::vector<Observation>& series);

/// Whether `value` satisfies the target's bound (numeric, class or binary). nullopt when the
/// target has no value to compare with or the value does not parse.
std::optional<bool> meets_target(const Target& t, const std::string& value);

/// Ordinal of a GB 3838 class: I=1 … V=5, 劣V=6; 0 when not a class.
int water_class_rank(const std::string& cls);

}  // namespace shanshui::plan
