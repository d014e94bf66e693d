// noise_assess.h: annual noise assessment from point measurements (CSV): HJ 640 regional and
// road-traffic averages with grades, and GB 3096 functional-zone compliance.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "quality/air_assess.h"
#include "quality/noise.h"

namespace shanshui::service {

struct NoiseAverage {
  int year = 0;
  quality::NoiseKind kind = quality::NoiseKind::regional;
  quality::NoisePeriod period = quality::NoisePeriod::day;
  int points = 0;
  Decimal average;  // dB(A) to 0.1
  int grade = 0;
  Decimal length_km;  // traffic: total road length
};

struct ZoneCompliance {
  int year = 0;
  std::string zone;
  quality::NoisePeriod period = quality::NoisePeriod::day;
  int measurements = 0, compliant = 0;
  int64_t rate_permille = 0;
  int limit = 0;
};

struct NoiseAssessment {
  std::vector<NoiseAverage> averages;
  std::vector<ZoneCompliance> zones;
  std::vector<quality::Exclusion> excluded;
};

/// Reads point measurements (CSV: point,year,kind,period,leq[,length_km][,zone]); kind regional,
/// traffic or zone; period day or night; leq in dB(A). Regional: arithmetic mean of points;
/// traffic: length-weighted mean; zone: each measurement against its GB 3096 class limit.
Result<NoiseAssessment> assess_noise_csv(const std::string& path, bool skip_bad_rows);

}  // namespace shanshui::service
