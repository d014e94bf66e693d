// monitoring.h: from stored observations to the quality engine and to alarms, and observation
// files (CSV/JSON) for stations that do not speak HJ 212.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "quality/air_assess.h"
#include "quality/water.h"
#include "store/store.h"

namespace shanshui::service {

/// Hourly air data from observations of air stations: CN 2061 Avg values and Avg rows of
/// observation files (flags decide
/// validity through quality::flag_exclusion), and for an hour without a 2061 value the mean of
/// its real-time values (CN 2011 Rtd) when they span ≥ 45 minutes (GB 3095 Table 4, 1-hour mean).
/// Units are converted to µg/m³ (CO mg/m³) from each observation's unit. Stations are keyed by MN.
struct AirHours {
  quality::AirAccumulator hours;
  std::vector<quality::Exclusion> excluded;
  size_t observations_used = 0;
  std::string first, last;  // ISO times
  std::string digest;       // SHA-256 of the observations used, for provenance
};
Result<AirHours> air_hours_from_observations(const std::vector<store::Observation>& obs,
                                             const std::vector<store::Station>& stations);

/// An alarm: a value over its standard, a station gone silent, or maintenance flags for too long.
struct Alarm {
  std::string mn;
  std::string kind;  // over_standard | silent | maintenance
  std::string time;  // ISO time of the value, of the last data, or of the start of the run
  std::string detail;
};
struct AlarmOptions {
  int silent_hours = 2;        // no observation for this long before `as_of`
  int maintenance_hours = 24;  // consecutive hours flagged M, C, D or F
  std::string window_start;    // when `obs` covers only [window_start, as_of]: how a silent station is described
};
/// Alarms as of an ISO time: hourly SO2 > 500, NO2 > 200, CO > 10 mg, O3 > 200 µg/m³ (GB 3095
/// class-2 1-hour limits); water items worse than class III (GB 3838 Table 1); silent stations;
/// long maintenance. Ordered by station, then kind, then time.
std::vector<Alarm> alarms(const std::vector<store::Observation>& obs, const std::vector<store::Station>& stations,
                          const std::string& as_of, const AlarmOptions& options);

/// The GB 3838 item key ("do", "nh3n", …) of an HJ 212 water factor code, or nullptr.
const char* water_item_of_factor(std::string_view code);

/// One water station's class over a period (a month): the exact mean of each item's valid hourly
/// values (Avg, flag N or none), rounded to the item's reporting decimals, classified by
/// GB 3838—2002 Table 1, single factor, worst item decides.
struct WaterPeriod {
  std::vector<std::pair<std::string, Decimal>> means;
  quality::WaterVerdict verdict;
  size_t values = 0;
};
WaterPeriod water_period(const std::vector<store::Observation>& obs, int target_class);

/// A noise point's functional-zone result over a period (GB 3096—2008 Annex C, 功能区监测): each
/// day's 昼间 Ld (hours 06–22) and 夜间 Ln (22–06, counted on the day the night starts) as energy
/// averages of the hourly Leq values (kind Data or Avg, flag N or none), compared with the zone's
/// Table 1 limits; the period's levels are energy averages of the daily ones.
struct NoiseZonePeriod {
  std::optional<Decimal> day_level, night_level;
  int days = 0, day_ok = 0, nights = 0, night_ok = 0;  // days with a level, and those within the limit
  std::optional<int> day_limit, night_limit;
};
NoiseZonePeriod noise_zone_period(const std::vector<store::Observation>& obs, const std::string& zone);

/// Reads an observation file: CSV with columns mn,factor,time,value[,kind,flag,unit] or a JSON
/// array of objects with those keys (the shape `obs export` prints). Each row must name a
/// registered station, a time (YYYY-MM-DD HH:MM:SS, …T…, optional +08:00), a number; refused
/// rows come back as quarantine rows with file:line and the reason.
struct ObservationFile {
  std::vector<store::IngestFrame> rows;  // one per accepted row (cn "file")
  std::vector<store::QuarantineRow> refused;
};
Result<ObservationFile> read_observation_file(const std::string& path, const std::vector<store::Station>& stations);

}  // namespace shanshui::service
