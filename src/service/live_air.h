// live_air.h: the county's air quality kept up to date hour by hour — station-day values cached
// and replaced only for the days new observations touch, the year so far re-aggregated from the
// cached days (never from the hours), with the exact input set behind it. Pure: the caller reads
// the store and says which days changed (service/evaluator.h does).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "quality/air_assess.h"
#include "store/store.h"

namespace shanshui::service {

/// What one station contributed on one day.
struct StationDay {
  std::optional<quality::DailyValues> values;  // none when the day had no usable hour
  std::string digest;                          // observations_digest of the day's observations
  int observations = 0;
  std::vector<quality::Exclusion> excluded;  // hours excluded, and the day when it is not valid
};

/// The line of an observation in an input-set hash: mn, factor, cn, data_time, kind, value, flag,
/// unit, separated by tabs, ending in a newline.
std::string observation_line(const store::Observation& o);
/// SHA-256 of the observations' lines in (data_time, factor, kind, cn) order: anyone holding the
/// same observations recomputes it (docs/quality.md, "Live evaluation").
std::string observations_digest(std::vector<store::Observation> obs);

/// The county's year so far from the cached station days.
struct AirYearSoFar {
  quality::AnnualAir annual;  // HJ 663 statistics of the county days through `through`
  std::string through;        // last day counted (YYYY-MM-DD)
  int elapsed_days = 0;       // calendar days from 1 January through `through`
  std::string input_sha256;   // SHA-256 of "mn\tday\tdigest\n" per station-day, by mn then day
  int64_t observations = 0;   // observations in the input set
  struct StationSummary {
    std::string mn;
    int days = 0, valid_days = 0;
  };
  std::vector<StationSummary> stations;
  std::vector<quality::Exclusion> excluded;  // station-day exclusions and county days not assessed
};

class AirLive {
 public:
  /// Replaces the station's days `days` (days since 1970) with what `obs` (every observation of
  /// that station on those days in the input set) gives; a day without observations is dropped.
  /// `stations` gives units and kinds (see air_hours_from_observations).
  Status replace_days(const std::string& mn, const std::vector<long>& days, const std::vector<store::Observation>& obs,
                      const std::vector<store::Station>& stations);
  /// The year's statistics over days ≤ through_day. Empty stations when no day of the year is known.
  AirYearSoFar year(int year, long through_day) const;
  const StationDay* station_day(const std::string& mn, long day) const;
  /// The years with at least one station-day.
  std::vector<int> years() const;
  size_t station_days() const;

 private:
  std::map<std::string, std::map<long, StationDay>> days_;
};

}  // namespace shanshui::service
