// air_assess.h: from hourly concentrations to daily values, daily AQI and the annual assessment
// of GB 3095 / HJ 663, per station and for the county. Pure: the caller feeds hours, this
// module never reads files.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "core/result.h"
#include "quality/aqi.h"

namespace shanshui::quality {

/// The hourly input columns, in file order.
enum class Hp { so2, no2, pm10, co, o3, pm25 };
constexpr int kHourly = 6;
constexpr int32_t kMissing = INT32_MIN;
/// Hourly values are fixed-point: 1/1000 µg/m³ (CO: 1/1000 mg/m³).
constexpr int64_t kMilli = 1000;

/// Which data flags make an hour valid. One table (documented in docs/quality.md):
/// N (normal) and an absent flag are valid; F stopped, M maintenance, S manual set value,
/// D fault, C calibration, T above range, B communication fault exclude the hour; any other
/// flag excludes it as unknown. Returns nullptr for a valid flag, else the reason.
const char* flag_exclusion(std::string_view flag);

/// One excluded hour or day, with the reason (listed in every assessment).
struct Exclusion {
  std::string station;
  std::string when;  // "2024-01-05T10:00:00+08:00" for an hour, "2024-01-05" for a day
  std::string reason;
};

/// Per station-day accumulation of hourly values (no allocation per hour).
struct DayCells {
  std::array<int64_t, 5> sum{};  // so2 no2 pm10 co pm25, in 1/1000 units
  std::array<uint8_t, 5> n{};    // valid hours of each
  std::array<int32_t, 24> o3;    // hourly O3, kMissing when absent or excluded
  uint32_t seen = 0;             // hours present in the input (duplicates are refused)
  DayCells() { o3.fill(kMissing); }
};

/// Accumulates hours for many stations; one instance per thread, merged at the end.
class AirAccumulator {
 public:
  /// The station's index (registered on first use).
  uint32_t station(std::string_view name);
  /// Adds one hour. `values` are fixed-point or kMissing; an excluded hour passes all kMissing.
  /// Refuses a second row for the same station and hour.
  Status add(uint32_t station, long day, int hour, const std::array<int32_t, kHourly>& values);
  /// Moves another accumulator's stations and days into this one; refuses overlapping hours.
  Status merge(AirAccumulator&& other);

  struct Station {
    std::string name;
    long first_day = 0;  // days since 1970-01-01 of days[0]
    std::vector<DayCells> days;
  };
  const std::vector<Station>& stations() const { return stations_; }

 private:
  std::vector<Station> stations_;
  std::vector<std::pair<std::string, uint32_t>> index_;  // sorted by name
};

/// A daily value in reporting units, or none: an optional<int64_t> in 4 bytes (a national
/// network has millions of station-days).
class DayValue {
 public:
  DayValue() = default;
  DayValue(int64_t v) : v_(static_cast<int32_t>(v)) {}  // NOLINT: converts like optional
  bool has_value() const { return v_ != kNone; }
  explicit operator bool() const { return has_value(); }
  int64_t operator*() const { return v_; }

 private:
  static constexpr int32_t kNone = INT32_MIN;
  int32_t v_ = kNone;
};

/// The daily values of one station (or the county) on one day, as reported: µg/m³ integers,
/// CO in 0.1 mg/m³ units; none when invalid.
struct DailyValues {
  long day = 0;
  std::array<DayValue, kPollutants> v;  // indexed by Pollutant (o3 = max 1-h)
  std::optional<int> aqi;
  bool valid = false;  // the day's AQI is determined under its rule set
  AirRules rules = AirRules::hj633_2012;
};

/// Annual statistics of one station or the county for one calendar year.
struct AnnualAir {
  std::string station;  // "county" for the county
  int year = 0;
  int valid_days = 0;
  int good_days = 0;
  std::optional<int64_t> good_days_ratio_permille;                          // ×10, e.g. 967 = 96.7 %
  std::optional<int64_t> so2_annual, no2_annual, pm10_annual, pm25_annual;  // µg/m³
  std::optional<int64_t> so2_p98, no2_p98, pm10_p95, pm25_p95, o3_8h_p90;   // µg/m³
  std::optional<int64_t> co_p95;                                            // 0.1 mg/m³
  std::optional<int64_t> composite_index_centi;                             // ×100
  std::vector<std::pair<std::string, int64_t>> exceedance_centi;            // item → multiple ×100
  std::vector<std::pair<std::string, std::string>> annual_validity;         // item → "ok" or the shortfall
  std::string limits;  // which GB 3095 limits the index and exceedances use
};

struct AirAssessment {
  std::vector<AnnualAir> stations;  // by station name, then year
  std::vector<AnnualAir> county;    // by year
  std::vector<Exclusion> excluded;  // hours excluded by flags (added by the reader) and invalid days
  std::vector<std::string> method;  // the rules applied, in words
};

/// Daily values of every station (validity per GB 3095 Table 4 and docs/contracts.md:
/// daily means from ≥ 20 valid hours; O3 daily max 8-h over the 17 windows inside the day, each
/// with ≥ 6 valid hours, valid with ≥ 14 valid windows; O3 daily max 1-h from ≥ 20 valid hours).
std::vector<std::vector<DailyValues>> daily_values(const AirAccumulator& acc, std::vector<Exclusion>* excluded);

/// The whole assessment: station days → station years; the county's daily values are the means
/// of its stations' valid daily values (HJ 663 点位平均), then assessed the same way.
/// Stations are assessed on `threads` threads; the result does not depend on the count.
AirAssessment assess_air(const AirAccumulator& acc, int threads = 2);

/// The county's daily values on one day: per item, the mean of the stations' daily values
/// (HJ 663 点位平均), rounded half-even, then the day's AQI under the rules of its date. The same
/// arithmetic as assess_air, for callers that keep station days themselves (live evaluation).
DailyValues county_day(long day, const std::vector<const DailyValues*>& station_days);
DailyValues county_day_from_sums(long day, const std::array<int64_t, kPollutants>& sum,
                                 const std::array<int32_t, kPollutants>& count);

/// The annual statistics (HJ 663) of the given days of one year, as assess_air computes them.
AnnualAir annual_air(const std::string& name, int year, const std::vector<const DailyValues*>& days);

/// HJ 663 percentile (k = 1 + (n − 1)p, linear between order statistics) of values in reporting
/// units, returned ×100 of those units (exact); p in percent. Values must be non-empty.
int64_t percentile_centi(std::vector<int64_t> values, int p);

}  // namespace shanshui::quality
