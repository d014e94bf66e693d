// aqi.cpp: HJ 633 breakpoint tables (2012 Table 1, 2026 Table 3) and the AQI rules.
#include "quality/aqi.h"

#include <algorithm>

namespace shanshui::quality {
namespace {

constexpr int kIaqi[8] = {0, 50, 100, 150, 200, 300, 400, 500};
constexpr int kNone = -1;  // no breakpoint at this IAQI (SO2 1-h and O3 8-h above IAQI 200/300)

// Concentrations at each IAQI breakpoint, µg/m³ (CO mg/m³). HJ 633—2012 Table 1.
constexpr int kTable2012[10][8] = {
    {0, 50, 150, 475, 800, 1600, 2100, 2620},      // SO2 24-h
    {0, 150, 500, 650, 800, kNone, kNone, kNone},  // SO2 1-h
    {0, 40, 80, 180, 280, 565, 750, 940},          // NO2 24-h
    {0, 100, 200, 700, 1200, 2340, 3090, 3840},    // NO2 1-h
    {0, 50, 150, 250, 350, 420, 500, 600},         // PM10 24-h
    {0, 2, 4, 14, 24, 36, 48, 60},                 // CO 24-h
    {0, 5, 10, 35, 60, 90, 120, 150},              // CO 1-h
    {0, 160, 200, 300, 400, 800, 1000, 1200},      // O3 1-h
    {0, 100, 160, 215, 265, 800, kNone, kNone},    // O3 8-h
    {0, 35, 75, 115, 150, 250, 350, 500},          // PM2.5 24-h
};

int breakpoint(AirRules rules, Column col, int level) {
  // HJ 633—2026 Table 3 differs from 2012 only at IAQI 100 for PM10 (150 → 120) and PM2.5 (75 → 60).
  if (rules == AirRules::hj633_2026 && level == 2) {
    if (col == Column::pm10_24h) return 120;
    if (col == Column::pm25_24h) return 60;
  }
  return kTable2012[static_cast<int>(col)][level];
}

}  // namespace

AirRules air_rules_for(Date d) { return d >= Date{2026, 3, 1} ? AirRules::hj633_2026 : AirRules::hj633_2012; }

const char* rules_name(AirRules r) { return r == AirRules::hj633_2012 ? "HJ 633—2012" : "HJ 633—2026"; }

const char* key(Pollutant p) {
  static const char* const kKeys[] = {"so2", "no2", "pm10", "co", "o3", "o3_8h", "pm25"};
  return kKeys[static_cast<int>(p)];
}

const char* display_name(Pollutant p) {
  static const char* const kNames[] = {"SO2", "NO2", "PM10", "CO", "O3", "O3_8h", "PM2.5"};
  return kNames[static_cast<int>(p)];
}

std::optional<int> iaqi(AirRules rules, Column col, const Decimal& c) {
  // Work in units of 10^-scale so the whole formula stays in integers:
  //   IAQI = IAQI_Lo + ⌈(IAQI_Hi − IAQI_Lo)(C − BP_Lo) / (BP_Hi − BP_Lo)⌉   (式1, rounded up)
  int64_t unit = 1;
  for (int i = 0; i < c.scale; ++i) unit *= 10;
  const int64_t cu = c.mantissa;
  for (int level = 1; level < 8; ++level) {
    int hi = breakpoint(rules, col, level);
    if (hi == kNone) return std::nullopt;  // beyond the column's last breakpoint
    if (cu <= static_cast<int64_t>(hi) * unit) {
      int lo = breakpoint(rules, col, level - 1);
      int64_t num = static_cast<int64_t>(kIaqi[level] - kIaqi[level - 1]) * (cu - static_cast<int64_t>(lo) * unit);
      int64_t den = static_cast<int64_t>(hi - lo) * unit;
      return kIaqi[level - 1] + static_cast<int>(ceil_div(num, den));
    }
  }
  return 500;  // above the top breakpoint: capped (HJ 633—2026 §4.1.1 AQI range 1–500)
}

AqiLevel aqi_level(int aqi) {
  if (aqi <= 50) return {"I", "优", "#00E400"};
  if (aqi <= 100) return {"II", "良", "#FFFF00"};
  if (aqi <= 150) return {"III", "轻度污染", "#FF7E00"};
  if (aqi <= 200) return {"IV", "中度污染", "#FF0000"};
  if (aqi <= 300) return {"V", "重度污染", "#99004C"};
  return {"VI", "严重污染", "#7E0023"};
}

AqiResult compute_aqi(AirRules rules, AqiMode mode, const AqiInput& in) {
  AqiResult r;
  r.rules = rules;
  r.mode = mode;
  const bool y2026 = rules == AirRules::hj633_2026;
  const bool daily = mode == AqiMode::daily;

  // Which column indexes each indicator, and which indicators the mode uses.
  auto column = [&](Pollutant p) -> std::optional<Column> {
    switch (p) {
      case Pollutant::so2:
        return daily ? Column::so2_24h : Column::so2_1h;
      case Pollutant::no2:
        return daily ? Column::no2_24h : Column::no2_1h;
      case Pollutant::co:
        return daily ? Column::co_24h : Column::co_1h;
      case Pollutant::pm10:
        return Column::pm10_24h;  // 2026 hourly: PM 1-h values use the daily breakpoints
      case Pollutant::pm25:
        return Column::pm25_24h;
      case Pollutant::o3:  // 2026: the O3 1-h value is used only in the real-time (hourly) report
        if (y2026 && daily) return std::nullopt;
        return Column::o3_1h;
      case Pollutant::o3_8h:  // 2026: the real-time report has no O3 8-h indicator
        if (y2026 && !daily) return std::nullopt;
        return Column::o3_8h;
    }
    return std::nullopt;
  };

  for (Pollutant p : kAllPollutants) {
    auto col = column(p);
    const auto& given = in.at(p);
    if (!col) {
      if (given)
        r.notes.push_back(std::string(display_name(p)) + " is not an indicator of the " + (daily ? "daily" : "hourly") +
                          " AQI under " + rules_name(rules) + "; ignored");
      continue;
    }
    if (!given) {
      r.missing.push_back(p);
      continue;
    }
    Decimal c = *given;
    if (y2026) {  // HJ 633—2026 §4.2.2–4.2.3: round by GB/T 8170 before indexing
      c = c.round_half_even(p == Pollutant::co ? 1 : 0);
      if (c.compare(*given) != 0)
        r.notes.push_back(std::string(display_name(p)) + " " + given->str() + " rounded to " + c.str() +
                          " (GB/T 8170)");
    }
    r.used[static_cast<size_t>(p)] = c;
    auto value = iaqi(rules, *col, c);
    if (!value) {
      if (p == Pollutant::so2) {  // SO2 1-h above 800 µg/m³
        if (y2026) {
          value = 200;
          r.notes.push_back("SO2 1-h " + c.str() + " > 800: IAQI counted as 200 (HJ 633—2026 Table 3 note)");
        } else if (in.so2_24h) {
          value = iaqi(rules, Column::so2_24h, *in.so2_24h);
          r.notes.push_back("SO2 1-h " + c.str() + " > 800: the SO2 IAQI of the 24-h mean " + in.so2_24h->str() +
                            " is reported (HJ 633—2012 Table 1 note 2)");
        } else {
          r.notes.push_back("SO2 1-h " + c.str() +
                            " > 800: HJ 633—2012 reports the 24-h IAQI instead; no 24-h mean given");
        }
      } else {  // O3 8-h above 800 µg/m³
        if (y2026) {
          value = 300;
          r.notes.push_back("O3 8-h " + c.str() + " > 800: IAQI counted as 300 (HJ 633—2026 Table 3 note)");
        } else {
          r.notes.push_back("O3 8-h " + c.str() +
                            " > 800: not indexed; the O3 1-h IAQI is reported (HJ 633—2012 Table 1 note 3)");
        }
      }
    }
    r.iaqi[static_cast<size_t>(p)] = value;
  }

  int best = -1;
  for (const auto& v : r.iaqi)
    if (v) best = std::max(best, *v);
  if (best < 0) {
    r.notes.push_back("no indicator available: AQI is NA");
    return r;
  }
  if (y2026 && !r.missing.empty() && best <= 100) {
    r.notes.push_back("an indicator is missing and the AQI of the others is " + std::to_string(best) +
                      " ≤ 100: AQI not published (HJ 633—2026 §5.3.1)");
    return r;
  }
  r.aqi = best;
  if (best > 50)
    for (Pollutant p : kAllPollutants)
      if (r.at(p) == best) r.primary.push_back(p);
  if (!y2026)  // HJ 633—2012 §3.7; the 2026 revision deleted the definition
    for (Pollutant p : kAllPollutants)
      if (r.at(p) && *r.at(p) > 100) r.exceeding.push_back(p);
  return r;
}

}  // namespace shanshui::quality
