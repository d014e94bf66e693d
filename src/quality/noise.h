// noise.h: environmental noise by GB 3096—2008 (zone limits) and HJ 640—2012 (regional and
// road-traffic averages and their grades), exact where the standards fix decimals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/result.h"

namespace shanshui::quality {

enum class NoiseKind { regional, traffic };
enum class NoisePeriod { day, night };  // GB 3096—2008: day 06:00–22:00, night 22:00–06:00

/// GB 3096—2008 Table 1 limit (dB(A)) for a zone class "0" "1" "2" "3" "4a" "4b"; nullopt when
/// the class is unknown.
std::optional<int> zone_limit(const std::string& zone, NoisePeriod period);

/// HJ 640—2012 grade 1–5 of a regional or road-traffic average (dB(A) to 0.1):
/// regional day ≤50.0 / 55.0 / 60.0 / 65.0, night ≤40.0 / 45.0 / 50.0 / 55.0;
/// traffic day ≤68.0 / 70.0 / 72.0 / 74.0, night ≤58.0 / 60.0 / 62.0 / 64.0; above → 5.
int noise_grade(NoiseKind kind, NoisePeriod period, const Decimal& value);
/// 好 较好 一般 较差 差.
const char* noise_grade_label(int grade);

/// Energy average L = 10·lg((1/n)·Σ 10^(0.1·L_i)), rounded to 0.1 dB by GB/T 8170.
Decimal energy_average(const std::vector<Decimal>& levels);

/// Arithmetic mean of grid points (HJ 640 regional), to 0.1 dB, exact.
Decimal arithmetic_mean(const std::vector<Decimal>& levels);

/// Length-weighted mean Σ l_i·L_i / Σ l_i (HJ 640 road traffic), to 0.1 dB, exact.
Result<Decimal> length_weighted_mean(const std::vector<Decimal>& levels, const std::vector<Decimal>& lengths);

}  // namespace shanshui::quality
