// factors.h: HJ 212 factor codes (Annex B of 2017, with the 2005 codes) and their default units.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace shanshui::hj212 {

struct Factor {
  const char* code;       // 2017 code
  const char* code_2005;  // "" when none
  const char* name;
  const char* unit;       // default unit used by shanshui (see the note on PM below)
  const char* pollutant;  // quality engine key (so2 no2 pm10 co o3 pm25), or ""
};

/// The factor with this 2017 or 2005 code, or nullptr. PM is taken in µg/m³ (Annex B prints ng/m³
/// but stations send µg/m³-sized numbers, docs/reference/hj212.md §6.1), SO2/NO2/O3 in µg/m³ as air stations
/// report them, CO in mg/m³; a station's own units override these.
const Factor* find_factor(std::string_view code);

/// The unit of `code` for a station whose unit overrides are "code=unit;code=unit".
std::string unit_for(std::string_view code, std::string_view overrides);

/// Why a value of factor `code` cannot be physically true, or nullopt: a negative value of
/// anything but a temperature (concentrations, flows, levels), pH outside 0–14, dissolved oxygen
/// above 20 mg/L (saturation is 14.6 mg/L at 0 °C: "above saturation by far"), a sound level above
/// 194 dB (the loudest undistorted sound in air). Such values are stored with this reason, not
/// counted in any assessment, and still acknowledged so that the logger does not resend them.
std::optional<std::string> implausible(std::string_view code, const Decimal& value);

}  // namespace shanshui::hj212
