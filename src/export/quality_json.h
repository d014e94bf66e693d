// quality_json.h: JSON documents of the quality engine (AQI, air assessment), shapes as in
// docs/contracts.md.
#pragma once

#include <string>

#include "quality/air_assess.h"
#include "quality/aqi.h"
#include "quality/noise.h"
#include "quality/water.h"
#include "service/noise_assess.h"
#include "service/water_assess.h"

namespace shanshui::exporting {

/// {"aqi", "level", "category", "colour", "primary", "exceeding", "iaqi": {so2 … pm25}, "standard",
///  "mode", "missing", "used", "notes"}; null where the standard publishes nothing.
std::string aqi_json(const quality::AqiResult& r);

/// {"stations": [...], "county": {...}, "county_by_year": [...], "excluded": [...], "method": [...],
///  "input": {...}}. Ratios in percent to 0.1, concentrations as the standard reports them.
std::string air_assessment_json(const quality::AirAssessment& a, const std::string& input_json);

/// {"class": "III", "grade", "items": {"do": "I", …}, "main_pollutants": [{"item", "class",
///  "exceedance"}], "deciding", "explanation", "target", "reference", "limits": {…Table 2–3: true/false}}.
std::string water_class_json(const quality::WaterVerdict& v);

/// {"sections": [...], "rivers": [...], "drinking_water": [...], "excluded": [...]}.
std::string water_assessment_json(const service::WaterAssessment& a);

/// {"grade": 1, "label": "好", "kind": "regional", "period": "day", "value": 50.0}.
std::string noise_grade_json(quality::NoiseKind kind, quality::NoisePeriod period, const Decimal& value);

/// {"averages": [...], "zones": [...], "excluded": [...]}.
std::string noise_assessment_json(const service::NoiseAssessment& a);

}  // namespace shanshui::exporting
