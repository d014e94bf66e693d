// quality_json.h: JSON documents of the quality engine (AQI, air assessment), shapes as in
// ../shared/CONTRACTS.md.
#pragma once

#include <string>

#include "quality/air_assess.h"
#include "quality/aqi.h"

namespace shanshui::exporting {

/// {"aqi", "level", "category", "colour", "primary", "exceeding", "iaqi": {so2 … pm25}, "standard",
///  "mode", "missing", "used", "notes"}; null where the standard publishes nothing.
std::string aqi_json(const quality::AqiResult& r);

/// {"stations": [...], "county": {...}, "county_by_year": [...], "excluded": [...], "method": [...],
///  "input": {...}}. Ratios in percent to 0.1, concentrations as the standard reports them.
std::string air_assessment_json(const quality::AirAssessment& a, const std::string& input_json);

}  // namespace shanshui::exporting
