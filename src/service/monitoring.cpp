// monitoring.cpp: observation roll-up into hourly air data, alarms, observation files.
#include "service/monitoring.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"
#include "hj212/factors.h"
#include "plan/loader.h"
#include "quality/noise.h"
#include "quality/water.h"
#include "service/water_assess.h"

namespace shanshui::service {
namespace {

// Hp index of a quality pollutant key.
int hp_of(const std::string& pollutant) {
  static const char* const kKeys[quality::kHourly] = {"so2", "no2", "pm10", "co", "o3", "pm25"};
  for (int i = 0; i < quality::kHourly; ++i)
    if (pollutant == kKeys[i]) return i;
  return -1;
}

// A value in 1/1000 of the engine's unit (µg/m³; mg/m³ for CO), or nullopt.
std::optional<int64_t> milli_engine_units(const std::string& value, const std::string& unit, bool co) {
  auto d = Decimal::parse(value);
  if (!d || d->mantissa < 0) return std::nullopt;
  // Exponent of ten from the observation's unit to the engine's.
  int shift = 3;  // to 1/1000
  const std::string& u = unit;
  if (co) {
    if (u == "ug/m3")
      shift -= 3;
    else if (u != "mg/m3" && !u.empty())
      return std::nullopt;
  } else {
    if (u == "mg/m3")
      shift += 3;
    else if (u == "ng/m3")
      shift -= 3;
    else if (u != "ug/m3" && !u.empty())
      return std::nullopt;
  }
  int64_t m = d->mantissa;
  int scale = d->scale - shift;  // value = m × 10^-scale in 1/1000 units
  if (scale <= 0) {
    for (int i = 0; i < -scale; ++i) m *= 10;
    return m;
  }
  int64_t div = 1;
  for (int i = 0; i < scale; ++i) div *= 10;
  return div_round_half_even(m, div);
}

// "2025-01-01T10:00:00+08:00" → (days since 1970, hour, minute); false if malformed.
bool split_time(const std::string& iso, long* day, int* hour, int* minute) {
  auto d = Date::parse(iso);
  if (!d || iso.size() < 16) return false;
  *day = d->days();
  *hour = (iso[11] - '0') * 10 + (iso[12] - '0');
  *minute = (iso[14] - '0') * 10 + (iso[15] - '0');
  return *hour >= 0 && *hour < 24 && *minute >= 0 && *minute < 60;
}

std::optional<std::string> parse_time(const std::string& s) {
  auto d = Date::parse(s);
  if (!d) return std::nullopt;
  if (s.size() == 10) return d->iso() + "T00:00:00+08:00";
  if (s.size() >= 19 && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && s[16] == ':') {
    std::string zone = s.substr(19);
    if (!zone.empty() && zone != "+08:00") return std::nullopt;
    return d->iso() + "T" + s.substr(11, 8) + "+08:00";
  }
  return std::nullopt;
}

}  // namespace

Result<AirHours> air_hours_from_observations(const std::vector<store::Observation>& obs,
                                             const std::vector<store::Station>& stations) {
  std::set<std::string> air;
  for (const auto& s : stations)
    if (s.kind == "air") air.insert(s.mn);
  AirHours out;
  // (mn, day, hour) → values of the six pollutants; hourly (2061) first, real-time kept apart.
  struct Hour {
    std::array<int32_t, quality::kHourly> v;
    std::array<bool, quality::kHourly> from_hourly{};
    std::string flag_reason;
    Hour() { v.fill(quality::kMissing); }
  };
  std::map<std::tuple<std::string, long, int>, Hour> hours;
  struct Rt {
    int64_t sum = 0;
    int n = 0;
    std::set<int> minutes;
  };
  std::map<std::tuple<std::string, long, int, int>, Rt> realtime;  // (mn, day, hour, hp)
  text::Sha256 digest;
  for (const auto& o : obs) {
    if (!air.count(o.mn)) continue;
    if (!o.invalid.empty()) {  // physically impossible: never counted (hj212::implausible)
      out.excluded.push_back({o.mn, o.data_time, o.factor + ": " + o.invalid});
      continue;
    }
    const auto* f = hj212::find_factor(o.factor);
    int hp = f ? hp_of(f->pollutant) : -1;
    if (hp < 0) continue;
    // Hourly values: CN 2061 Avg from data loggers, and Avg rows of observation files (a file row
    // is one hour's value of a station that does not speak HJ 212).
    bool hourly = (o.cn == "2061" || o.cn == "file") && o.kind == "Avg";
    bool rt = o.cn == "2011" && o.kind == "Rtd";
    if (!hourly && !rt) continue;
    long day;
    int hour, minute;
    if (!split_time(o.data_time, &day, &hour, &minute)) continue;
    auto milli = milli_engine_units(o.value, o.unit, hp == static_cast<int>(quality::Hp::co));
    if (!milli) {
      out.excluded.push_back({o.mn, o.data_time, o.factor + " value '" + o.value + "' in '" + o.unit + "' not usable"});
      continue;
    }
    ++out.observations_used;
    digest.update(o.mn + "|" + o.factor + "|" + o.cn + "|" + o.data_time + "|" + o.kind + "|" + o.value + "|" + o.flag +
                  "\n");
    if (out.first.empty() || o.data_time < out.first) out.first = o.data_time;
    if (o.data_time > out.last) out.last = o.data_time;
    if (const char* why = quality::flag_exclusion(o.flag)) {
      auto& h = hours[{o.mn, day, hour}];
      h.flag_reason = o.factor + " " + why;
      out.excluded.push_back({o.mn, o.data_time, o.factor + ": " + why});
      continue;
    }
    if (hourly) {
      auto& h = hours[{o.mn, day, hour}];
      h.v[static_cast<size_t>(hp)] = static_cast<int32_t>(*milli);
      h.from_hourly[static_cast<size_t>(hp)] = true;
    } else {
      auto& r = realtime[{o.mn, day, hour, hp}];
      r.sum += *milli;
      r.n++;
      r.minutes.insert(minute);
    }
  }
  // Real-time values fill hours that have no hourly value, when they span ≥ 45 minutes.
  for (const auto& [key, r] : realtime) {
    auto [mn, day, hour, hp] = key;
    auto& h = hours[{mn, day, hour}];
    if (h.from_hourly[static_cast<size_t>(hp)]) continue;
    if (r.minutes.size() >= 45) {
      h.v[static_cast<size_t>(hp)] = static_cast<int32_t>(div_round_half_even(r.sum, r.n));
    } else {
      out.excluded.push_back({mn, Date::from_days(day).iso(),
                              "real-time data of hour " + std::to_string(hour) + " span " +
                                  std::to_string(r.minutes.size()) + " minutes (needs 45)"});
    }
  }
  for (const auto& [key, h] : hours) {
    auto [mn, day, hour] = key;
    uint32_t s = out.hours.station(mn);
    if (auto st = out.hours.add(s, day, hour, h.v); !st) return tl::unexpected(st.error());
  }
  out.digest = digest.hex();
  return out;
}

std::vector<Alarm> alarms(const std::vector<store::Observation>& obs, const std::vector<store::Station>& stations,
                          const std::string& as_of, const AlarmOptions& opt) {
  std::vector<Alarm> out;
  std::map<std::string, const store::Station*> by_mn;
  for (const auto& s : stations) by_mn[s.mn] = &s;
  std::map<std::string, std::string> last_seen;
  // Maintenance runs: per station, consecutive flagged hours (distinct data times).
  std::map<std::string, std::map<std::string, bool>> flagged;  // mn → time → flagged?
  // GB 3095—2012/2026 class-2 1-hour limits (µg/m³; CO mg/m³).
  static const std::map<std::string, std::pair<double, const char*>> kHourLimits = {{"so2", {500, "SO2 1-h 500 µg/m³"}},
                                                                                    {"no2", {200, "NO2 1-h 200 µg/m³"}},
                                                                                    {"co", {10, "CO 1-h 10 mg/m³"}},
                                                                                    {"o3", {200, "O3 1-h 200 µg/m³"}}};
  for (const auto& o : obs) {
    if (o.data_time > as_of || !o.invalid.empty()) continue;
    if (o.data_time > last_seen[o.mn]) last_seen[o.mn] = o.data_time;
    bool maint = o.flag == "M" || o.flag == "C" || o.flag == "D" || o.flag == "F";
    auto& f = flagged[o.mn];
    auto it = f.find(o.data_time);
    f[o.data_time] = (it != f.end() && it->second) || maint;
    if (maint) continue;
    auto st = by_mn.find(o.mn);
    if (st == by_mn.end()) continue;
    auto v = Decimal::parse(o.value);
    if (!v) continue;
    if (st->second->kind == "air" && (o.kind == "Avg" || o.kind == "Rtd")) {
      const auto* fac = hj212::find_factor(o.factor);
      if (!fac) continue;
      auto lim = kHourLimits.find(fac->pollutant);
      if (lim == kHourLimits.end()) continue;
      bool co = std::string(fac->pollutant) == "co";
      auto milli = milli_engine_units(o.value, o.unit, co);
      if (milli && static_cast<double>(*milli) / 1000.0 > lim->second.first)
        out.push_back({o.mn, "over_standard", o.data_time,
                       std::string(fac->name) + " " + o.value + " " + o.unit + " above " + lim->second.second});
    } else if (st->second->kind == "water") {
      const char* item = water_item_of_factor(o.factor);
      if (!item) continue;
      auto cls = quality::item_class(*quality::find_water_item(item), *v, quality::Waterbody::river);
      if (cls && *cls > 3)
        out.push_back({o.mn, "over_standard", o.data_time,
                       std::string(quality::find_water_item(item)->name) + " " + o.value + " is class " +
                           quality::water_class_name(*cls) + " (worse than III)"});
    }
  }
  for (const auto& s : stations) {
    auto it = last_seen.find(s.mn);
    std::string last = it == last_seen.end() ? "" : it->second;
    // Silent: compare by hours between ISO times (same +08:00 zone).
    long d1, d2;
    int h1, h2, m1, m2;
    bool silent = last.empty();
    if (!silent && split_time(last, &d1, &h1, &m1) && split_time(as_of, &d2, &h2, &m2))
      silent = (d2 * 24 + h2) - (d1 * 24 + h1) >= opt.silent_hours;
    if (silent)
      out.push_back({s.mn, "silent", last,
                     last.empty() ? (opt.window_start.empty() ? std::string("no data ever received")
                                                              : "no data since " + opt.window_start)
                                  : "no data since " + last + " (limit " + std::to_string(opt.silent_hours) + " h)"});
    auto f = flagged.find(s.mn);
    if (f == flagged.end()) continue;
    int run = 0;
    std::string run_start;
    for (const auto& [t, is_flagged] : f->second) {
      if (is_flagged) {
        if (run == 0) run_start = t;
        ++run;
      } else {
        run = 0;
      }
    }
    if (run >= opt.maintenance_hours)
      out.push_back({s.mn, "maintenance", run_start,
                     std::to_string(run) + " consecutive flagged values since " + run_start +
                         " (maintenance, calibration or fault)"});
  }
  std::stable_sort(out.begin(), out.end(), [](const Alarm& a, const Alarm& b) {
    return std::tie(a.mn, a.kind, a.time) < std::tie(b.mn, b.kind, b.time);
  });
  return out;
}

Result<ObservationFile> read_observation_file(const std::string& path, const std::vector<store::Station>& stations) {
  auto text = read_file(path);
  SS_TRY(text);
  std::set<std::string> known;
  for (const auto& s : stations) known.insert(s.mn);
  struct Row {
    int line;
    std::string raw, mn, factor, time, value, kind, flag, unit;
  };
  std::vector<Row> rows;
  std::string_view t = *text;
  size_t first = t.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string_view::npos && t[first] == '[') {
    auto j = nlohmann::json::parse(t, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return fail(path + ": not a JSON array of observations");
    int i = 0;
    for (const auto& o : j) {
      ++i;
      auto get = [&](const char* k) {
        if (!o.is_object() || !o.contains(k) || o[k].is_null()) return std::string();
        return o[k].is_string() ? o[k].get<std::string>() : o[k].dump();
      };
      rows.push_back(
          {i, o.dump(), get("mn"), get("factor"), get("time"), get("value"), get("kind"), get("flag"), get("unit")});
    }
  } else {
    auto csv = parse_csv(*text, path);
    SS_TRY(csv);
    for (const char* c : {"mn", "factor", "time", "value"})
      if (csv->column(c) < 0)
        return fail(path + ":1: missing column '" + c + "' (mn,factor,time,value[,kind,flag,unit])");
    for (const auto& r : csv->records) {
      auto get = [&](const char* k) {
        int i = csv->column(k);
        return i >= 0 && i < static_cast<int>(r.fields.size()) ? text::trim(r.fields[static_cast<size_t>(i)])
                                                               : std::string();
      };
      rows.push_back(
          {r.line, r.raw, get("mn"), get("factor"), get("time"), get("value"), get("kind"), get("flag"), get("unit")});
    }
  }
  ObservationFile out;
  for (const auto& r : rows) {
    std::string where = path + ":" + std::to_string(r.line) + ": ";
    auto refuse = [&](const std::string& why) { out.refused.push_back({0, "", path, r.mn, where + why, r.raw}); };
    if (!known.count(r.mn)) {
      refuse("station '" + r.mn + "' is not registered");
      continue;
    }
    if (r.factor.empty()) {
      refuse("factor: empty");
      continue;
    }
    auto iso = parse_time(r.time);
    if (!iso) {
      refuse("time '" + r.time + "' is not YYYY-MM-DD HH:MM:SS (Beijing time)");
      continue;
    }
    auto v = Decimal::parse(r.value);
    if (!v) {
      refuse("value: " + v.error().message);
      continue;
    }
    bool may_be_negative = r.factor == "a01001" || r.factor == "w01010";  // temperatures
    if (v->mantissa < 0 && !may_be_negative) {
      refuse("value " + r.value + " is negative");
      continue;
    }
    if (!r.flag.empty() && r.flag.size() != 1) {
      refuse("flag '" + r.flag + "' is not one data flag (N F M S D C T B)");
      continue;
    }
    std::string unit = r.unit.empty() ? hj212::unit_for(r.factor, "") : r.unit;
    store::Observation o{0,       r.mn,   r.factor, "file", *iso, r.kind.empty() ? "Avg" : r.kind,
                         r.value, r.flag, unit,     0,      ""};
    out.rows.push_back({path + ":" + std::to_string(r.line) + " " + r.raw, path, r.mn, "file", {o}});
  }
  return out;
}

const char* water_item_of_factor(std::string_view code) {
  static const std::map<std::string, const char*, std::less<>> kItems = {
      {"w01009", "do"}, {"w01019", "codmn"}, {"w01018", "cod"}, {"w21003", "nh3n"}, {"w21011", "tp"}, {"w01001", "ph"}};
  auto it = kItems.find(code);
  return it == kItems.end() ? nullptr : it->second;
}

WaterPeriod water_period(const std::vector<store::Observation>& obs, int target_class) {
  std::map<std::string, std::vector<Decimal>> values;
  WaterPeriod out;
  for (const auto& o : obs) {
    if (o.kind != "Avg" || !(o.flag.empty() || o.flag == "N") || !o.invalid.empty()) continue;
    const char* item = water_item_of_factor(o.factor);
    if (!item) continue;
    auto v = Decimal::parse(o.value);
    if (!v) continue;
    values[item].push_back(*v);
    ++out.values;
  }
  for (const auto& [k, v] : values) out.means.push_back({k, exact_mean(v, quality::find_water_item(k)->decimals)});
  out.verdict = quality::classify_water(out.means, quality::Waterbody::river, target_class);
  return out;
}

NoiseZonePeriod noise_zone_period(const std::vector<store::Observation>& obs, const std::string& zone) {
  // date (YYYY-MM-DD the period starts) → hourly levels, for day and night separately
  std::map<std::string, std::vector<Decimal>> days, nights;
  for (const auto& o : obs) {
    if (o.factor != "Leq" || (o.kind != "Data" && o.kind != "Avg") || !(o.flag.empty() || o.flag == "N") ||
        !o.invalid.empty())
      continue;
    if (o.data_time.size() < 13) continue;
    auto v = Decimal::parse(o.value);
    if (!v) continue;
    int hour = std::atoi(o.data_time.substr(11, 2).c_str());
    std::string date = o.data_time.substr(0, 10);
    if (hour >= 6 && hour < 22) {
      days[date].push_back(*v);
    } else {
      if (hour < 6) {  // after midnight: the night that started the evening before
        auto d = Date::parse(date);
        if (!d) continue;
        date = Date::from_days(d->days() - 1).iso();
      }
      nights[date].push_back(*v);
    }
  }
  NoiseZonePeriod out;
  out.day_limit = quality::zone_limit(zone, quality::NoisePeriod::day);
  out.night_limit = quality::zone_limit(zone, quality::NoisePeriod::night);
  auto summarize = [](const std::map<std::string, std::vector<Decimal>>& by_date, std::optional<int> limit, int* n,
                      int* ok) {
    std::vector<Decimal> levels;
    for (const auto& [date, hours] : by_date) {
      Decimal l = quality::energy_average(hours);
      levels.push_back(l);
      ++*n;
      if (limit && l.to_double() <= *limit) ++*ok;
    }
    return levels.empty() ? std::optional<Decimal>() : std::optional<Decimal>(quality::energy_average(levels));
  };
  out.day_level = summarize(days, out.day_limit, &out.days, &out.day_ok);
  out.night_level = summarize(nights, out.night_limit, &out.nights, &out.night_ok);
  return out;
}

}  // namespace shanshui::service
