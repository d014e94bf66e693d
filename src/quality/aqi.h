// aqi.h: the air quality index of HJ 633—2012 and HJ 633—2026, computed in exact integer
// arithmetic (no floating point anywhere: CO 2.2 mg/m³ → IAQI 55, not 56).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/decimal.h"

namespace shanshui::quality {

/// The rule set: HJ 633—2012 (with GB 3095—2012) or HJ 633—2026 (with GB 3095—2026).
enum class AirRules { hj633_2012, hj633_2026 };

/// HJ 633—2026 is in force from 2026-03-01 (HJ 633—2026 封面: 2026-03-01 实施).
AirRules air_rules_for(Date d);
/// "HJ 633—2012" / "HJ 633—2026".
const char* rules_name(AirRules r);

/// The indicators the AQI uses. o3 is the 1-hour value (the daily maximum 1-hour value in daily
/// mode), o3_8h the 8-hour moving mean (the daily maximum 8-hour mean in daily mode).
enum class Pollutant { so2, no2, pm10, co, o3, o3_8h, pm25 };
constexpr int kPollutants = 7;
constexpr std::array<Pollutant, kPollutants> kAllPollutants = {
    Pollutant::so2, Pollutant::no2, Pollutant::pm10, Pollutant::co, Pollutant::o3, Pollutant::o3_8h, Pollutant::pm25};
/// "so2" … "pm25" (JSON keys; docs/contracts.md).
const char* key(Pollutant p);
/// "SO2" … "PM2.5" (display names in primary/exceeding lists).
const char* display_name(Pollutant p);

/// The breakpoint columns of HJ 633 Table 1 (2012) / Table 3 (2026).
enum class Column { so2_24h, so2_1h, no2_24h, no2_1h, pm10_24h, co_24h, co_1h, o3_1h, o3_8h, pm25_24h };

/// IAQI of a concentration in one column by 式1, rounded up to an integer (HJ 633—2012 §6.2,
/// HJ 633—2026 §4.2.6: 全部进位取整数). Above the top breakpoint the IAQI is capped at 500
/// (the 2026 range is 1–500; an assumption for 2012). nullopt where the column has no
/// breakpoint for the value (SO2 1-h above 800, O3 8-h above 800).
std::optional<int> iaqi(AirRules rules, Column column, const Decimal& concentration);

enum class AqiMode { hourly, daily };

/// Concentrations (µg/m³; CO mg/m³), nullopt when missing. For hourly mode under HJ 633—2012,
/// pm10/pm25 are the 24-hour moving means used in real-time reports and so2_24h feeds the rule
/// for SO2 1-h above 800.
struct AqiInput {
  std::array<std::optional<Decimal>, kPollutants> c;
  std::optional<Decimal> so2_24h;
  std::optional<Decimal>& at(Pollutant p) { return c[static_cast<size_t>(p)]; }
  const std::optional<Decimal>& at(Pollutant p) const { return c[static_cast<size_t>(p)]; }
};

/// AQI level (HJ 633 Table 2 / Table 4 and Annex A).
struct AqiLevel {
  const char* roman;     // "I" … "VI"
  const char* category;  // 优 良 轻度污染 中度污染 重度污染 严重污染
  const char* colour;    // "#00E400" …
};
/// Level of an AQI value (0–50 I, 51–100 II, 101–150 III, 151–200 IV, 201–300 V, >300 VI).
AqiLevel aqi_level(int aqi);

struct AqiResult {
  AirRules rules = AirRules::hj633_2026;
  AqiMode mode = AqiMode::daily;
  std::array<std::optional<int>, kPollutants> iaqi;      // null where the standard publishes none
  std::array<std::optional<Decimal>, kPollutants> used;  // the concentrations used (after rounding)
  std::optional<int> aqi;                                // null = NA (not published)
  std::vector<Pollutant> primary;                        // AQI > 50: the pollutants at the maximum
  std::vector<Pollutant> exceeding;                      // 2012 only: IAQI > 100
  std::vector<Pollutant> missing;                        // indicators of the mode with no value
  std::vector<std::string> notes;                        // every special rule applied, in words
  std::optional<int> at(Pollutant p) const { return iaqi[static_cast<size_t>(p)]; }
};

/// Computes IAQIs, AQI, primary and exceeding pollutants for one hour or one day.
///   HJ 633—2012 daily: SO2 NO2 PM10 CO PM2.5 24-h means, O3 max 1-h, O3 max 8-h (§5.1.2);
///               hourly: SO2 NO2 CO O3 1-h, O3 8-h moving, PM10 PM2.5 24-h moving (§5.1.3);
///               SO2 1-h > 800 → the SO2 IAQI of the 24-h mean; O3 8-h > 800 → O3 1-h IAQI only.
///               Concentrations are used as given (the 2012 text states no input rounding).
///   HJ 633—2026 daily: SO2 NO2 CO PM10 PM2.5 daily means, O3 max 8-h (§4.2.2);
///               hourly: SO2 NO2 CO O3 PM10 PM2.5 1-h, PM with the daily breakpoints (§4.2.3);
///               inputs rounded by GB/T 8170 (µg/m³ to integers, CO to 0.1 mg/m³);
///               SO2 1-h > 800 → IAQI 200; O3 8-h > 800 → IAQI 300;
///               an indicator missing → AQI published only when > 100 (§5.3.1), else NA.
/// Concentrations must be ≥ 0 (the caller validates).
AqiResult compute_aqi(AirRules rules, AqiMode mode, const AqiInput& in);

}  // namespace shanshui::quality
