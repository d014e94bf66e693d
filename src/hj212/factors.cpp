// factors.cpp: the factor table (HJ 212-2017 Annex B, B.1–B.3; O3 a05024 as in field packets).
#include "hj212/factors.h"

namespace shanshui::hj212 {
namespace {

const Factor kFactors[] = {
    // Ambient air (ST=22)
    {"a34004", "", "PM2.5", "ug/m3", "pm25"},
    {"a34002", "", "PM10", "ug/m3", "pm10"},
    {"a34001", "", "TSP", "ug/m3", ""},
    {"a21026", "02", "SO2", "ug/m3", "so2"},
    {"a21004", "", "NO2", "ug/m3", "no2"},
    {"a21002", "03", "NOx", "ug/m3", ""},
    {"a21005", "04", "CO", "mg/m3", "co"},
    {"a05024", "", "O3", "ug/m3", "o3"},
    {"a01001", "", "温度", "degC", ""},
    {"a01002", "", "湿度", "%", ""},
    {"a01006", "", "气压", "kPa", ""},
    {"a01007", "", "风速", "m/s", ""},
    {"a01008", "", "风向", "deg", ""},
    // Surface water (ST=21)
    {"w01010", "", "水温", "degC", ""},
    {"w01001", "001", "pH", "", ""},
    {"w01009", "", "溶解氧", "mg/L", ""},
    {"w01019", "", "高锰酸盐指数", "mg/L", ""},
    {"w01018", "011", "化学需氧量", "mg/L", ""},
    {"w21003", "060", "氨氮", "mg/L", ""},
    {"w21011", "101", "总磷", "mg/L", ""},
    {"w21001", "065", "总氮", "mg/L", ""},
    {"w01014", "", "电导率", "uS/cm", ""},
    {"w01003", "", "浊度", "NTU", ""},
    {"w23002", "110", "挥发酚", "mg/L", ""},
    {"w01020", "015", "总有机碳", "mg/L", ""},
    {"w00000", "B01", "污水", "L/s", ""},
    {"w01012", "003", "悬浮物", "mg/L", ""},
    // Noise (ST=23), dB
    {"LA", "B03", "A权声级", "dB", ""},
    {"Leq", "", "等效声级", "dB", ""},
    {"Ld", "", "昼间等效声级", "dB", ""},
    {"Ln", "", "夜间等效声级", "dB", ""},
    {"Ldn", "", "昼夜等效声级", "dB", ""},
    {"L5", "", "L5", "dB", ""},
    {"L10", "", "L10", "dB", ""},
    {"L50", "", "L50", "dB", ""},
    {"L90", "", "L90", "dB", ""},
    {"L95", "", "L95", "dB", ""},
    {"LMx", "", "最大声级", "dB", ""},
    {"LMn", "", "最小声级", "dB", ""},
    // Flue gas (ST=31)
    {"a00000", "B02", "废气", "m3/s", ""},
    {"a34013", "01", "烟尘", "mg/m3", ""},
    {"a19001", "S01", "氧气含量", "%", ""},
    {"a01011", "S02", "烟气流速", "m/s", ""},
    {"a01012", "S03", "烟气温度", "degC", ""},
    {"a01013", "S08", "烟气压力", "kPa", ""},
    {"a01014", "S05", "烟气湿度", "%", ""},
};

}  // namespace

const Factor* find_factor(std::string_view code) {
  for (const auto& f : kFactors)
    if (code == f.code || (f.code_2005[0] && code == f.code_2005)) return &f;
  return nullptr;
}

std::string unit_for(std::string_view code, std::string_view overrides) {
  size_t pos = 0;
  while (pos < overrides.size()) {
    size_t end = overrides.find(';', pos);
    std::string_view pair = overrides.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == code) return std::string(pair.substr(eq + 1));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  const Factor* f = find_factor(code);
  return f ? f->unit : "";
}

std::optional<std::string> implausible(std::string_view code, const Decimal& value) {
  auto at_most = [&](int64_t limit) { return value.compare(Decimal{limit, 0}) > 0; };
  bool negative = value.mantissa < 0;
  if (code == "w01001" || code == "001") {  // pH
    if (negative || at_most(14)) return "pH " + value.str() + " is outside 0–14";
    return std::nullopt;
  }
  if (code == "a01001" || code == "w01010") return std::nullopt;  // temperatures may be negative
  if (negative) return std::string(code) + " " + value.str() + " is negative";
  if (code == "w01009" && at_most(20))
    return "dissolved oxygen " + value.str() + " mg/L is far above saturation (14.6 mg/L at 0 °C)";
  const Factor* f = find_factor(code);
  if (f && std::string_view(f->unit) == "dB" && at_most(194))
    return "sound level " + value.str() + " dB is above 194 dB";
  return std::nullopt;
}

}  // namespace shanshui::hj212
