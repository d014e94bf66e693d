// record.h: turns quality-engine results into measurements of the plan's indicators, with
// provenance (method, version, data set and range), so computed targets get their values here.
#pragma once

#include <string>
#include <vector>

#include "plan/model.h"
#include "quality/air_assess.h"
#include "service/noise_assess.h"
#include "service/water_assess.h"
#include "store/store.h"

namespace shanshui::service {

/// The data set behind a computation: its hash, time range and size, for provenance.
struct DataSet {
  std::string name;  // file name
  std::string sha256;
  std::string first, last;  // ISO 8601 times
  size_t rows = 0;
  size_t stations = 0;
  std::string describe() const;
};

/// Measurements of the county's air indicators for every year whose annual statistics are valid
/// (≥ 324 valid days): good_days_ratio (air.good_days_ratio), pm25_annual (air.pm25_annual),
/// pm10_annual (air.pm10_annual) — only those the plan's targets measure with that method.
/// `skipped` receives a line for each year left out and why.
std::vector<store::Measurement> air_measurements(const plan::Plan& plan, const quality::AirAssessment& a,
                                                 const DataSet& data, std::vector<std::string>* skipped);

/// Measurements of the water indicators per year: yangtze_class (water.section_class: the worst
/// class among the non-drinking sections), drinking_water_compliance
/// (water.drinking_source_compliance, percent), yangtze_outbound_not_worse
/// (water.outbound_vs_inbound: yes/no for the river 长江).
std::vector<store::Measurement> water_measurements(const plan::Plan& plan, const WaterAssessment& a,
                                                   const DataSet& data);

/// Measurements of the noise indicators per year: regional_noise (noise.regional_average, day)
/// and traffic_noise (noise.traffic_average, day).
std::vector<store::Measurement> noise_measurements(const plan::Plan& plan, const NoiseAssessment& a,
                                                   const DataSet& data);

}  // namespace shanshui::service
