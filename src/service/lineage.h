// lineage.h: from a target's value down to the bytes that produced it — the measurement in force,
// the assessment run (method, version, rules, input hash), the station-days that entered and
// those excluded with reasons, each day's hours, and each hour's raw frame (bytes, CRC mode and
// check, peer, received time). JSON for the API and the CLI; an export a third party can recompute.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// The values of an indicator's target for a period ("2026-YTD", "2025"; "" = every period) with
/// their measurement and run. nullopt when the plan has no such indicator.
Result<std::optional<std::string>> lineage_indicator_json(store::Store& s, const plan::Plan& plan,
                                                          const std::string& indicator, const std::string& period);
/// One run with its detail (stations, exclusions, input rule). nullopt when unknown.
Result<std::optional<std::string>> lineage_run_json(store::Store& s, int64_t run);
/// A run's station-days of one station (every day of its input set): daily values, AQI,
/// validity, exclusions, observation count and day digest. nullopt when the run or station is unknown.
Result<std::optional<std::string>> lineage_days_json(store::Store& s, int64_t run, const std::string& mn);
/// The observations of one station-day in a run's input set, with their frames' ids.
Result<std::optional<std::string>> lineage_hours_json(store::Store& s, int64_t run, const std::string& mn,
                                                      const std::string& day);
/// Observations as a JSON array of {id, factor, cn, time, kind, value, flag, unit, raw_id,
/// received_at, invalid}: the one shape the station series and the lineage hours both use.
std::string observations_json(const std::vector<store::Observation>& obs);

/// One raw frame: metadata, the CRC in the station's mode and whether it checks, the SHA-256 of
/// the bytes recomputed; the bytes themselves when `with_bytes` (the station password is in
/// them: internal users only), else with the password masked.
Result<std::optional<std::string>> lineage_frame_json(store::Store& s, int64_t frame, bool with_bytes);

/// Writes a run's input set for recomputation: run.json, observations.csv (id, mn, factor, cn,
/// data_time, kind, value, flag, unit, raw_id) and frames.csv (id, sha256, received_at, peer, mn,
/// cn, bytes). Returns the number of observations written.
Result<size_t> export_run(store::Store& s, int64_t run, const std::string& dir);

}  // namespace shanshui::service
