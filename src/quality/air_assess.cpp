// air_assess.cpp: daily values and annual assessment (GB 3095 Table 4 validity, HJ 663 annual
// items and percentiles, comprehensive index), exact in integers throughout.
#include "quality/air_assess.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <thread>

namespace shanshui::quality {
namespace {

constexpr int kMinHours = 20;       // GB 3095 Table 4: daily mean from ≥ 20 hourly values
constexpr int kMinWindowHours = 6;  // GB 3095 Table 4: an 8-hour mean from ≥ 6 hourly values
constexpr int kMinWindows = 14;     // docs/contracts.md: daily max 8-h valid with ≥ 14 of 17 windows
constexpr int kMinYearDays = 324;   // GB 3095 Table 4: annual mean from ≥ 324 daily values
constexpr int kMinMonthDays = 27;   // … and ≥ 27 per month (February ≥ 25)
constexpr int kMinFebDays = 25;

// The five daily means in DayCells::sum order, and the Pollutant each becomes.
constexpr Pollutant kMeanPollutant[5] = {Pollutant::so2, Pollutant::no2, Pollutant::pm10, Pollutant::co,
                                         Pollutant::pm25};
constexpr int kMeanOfHp[kHourly] = {0, 1, 2, 3, -1, 4};  // Hp → DayCells::sum index (O3 kept hourly)

std::string date_of(long day) { return Date::from_days(day).iso(); }

// GB 3095 limits for the annual assessment, by the version in force at the period's end.
struct Limits {
  const char* name;
  int so2_year, no2_year, pm10_year, pm25_year;  // µg/m³, class 2
  int so2_day, no2_day, pm10_day, pm25_day, co_day_tenths, o3_8h;
};

Limits limits_for(Date end) {
  if (end < Date{2026, 3, 1}) return {"GB 3095—2012 class 2", 60, 40, 70, 35, 150, 80, 150, 75, 40, 160};
  if (end <= Date{2030, 12, 31})
    return {"GB 3095—2026 class 2 (transitional, to 2030-12-31)", 60, 40, 60, 30, 150, 80, 120, 60, 40, 160};
  return {"GB 3095—2026 class 2 (from 2031-01-01)", 20, 30, 50, 25, 50, 50, 100, 50, 40, 160};
}

std::optional<int64_t> mean_rounded(const std::vector<int64_t>& v) {
  if (v.empty()) return std::nullopt;
  return div_round_half_even(std::accumulate(v.begin(), v.end(), int64_t{0}), static_cast<int64_t>(v.size()));
}

DailyValues finish_day(long day, const std::array<DayValue, kPollutants>& v) {
  DailyValues d;
  d.day = day;
  d.v = v;
  d.rules = air_rules_for(Date::from_days(day));
  AqiInput in;
  for (Pollutant p : kAllPollutants)
    if (v[static_cast<size_t>(p)]) in.at(p) = Decimal{*v[static_cast<size_t>(p)], p == Pollutant::co ? 1 : 0};
  auto r = compute_aqi(d.rules, AqiMode::daily, in);
  d.aqi = r.aqi;
  if (d.rules == AirRules::hj633_2012) {
    // HJ 633—2012 has no partial-AQI rule: a day is assessed when all six daily items are valid.
    bool all = true;
    for (Pollutant p :
         {Pollutant::so2, Pollutant::no2, Pollutant::pm10, Pollutant::co, Pollutant::pm25, Pollutant::o3_8h})
      all = all && v[static_cast<size_t>(p)].has_value();
    d.valid = all && r.aqi.has_value();
  } else {
    d.valid = r.aqi.has_value();  // HJ 633—2026 §5.3.1: published (complete, or > 100 without an item)
  }
  return d;
}

void annual_stats(AnnualAir& a, const std::vector<const DailyValues*>& days) {
  Date end{a.year, 12, 31};
  Limits lim = limits_for(end);
  a.limits = lim.name;
  std::array<std::vector<int64_t>, kPollutants> vals;
  std::map<int, std::array<int, kPollutants>> per_month;
  for (const auto* d : days) {
    if (d->valid) {
      ++a.valid_days;
      if (*d->aqi <= 100) ++a.good_days;
    }
    int month = Date::from_days(d->day).month;
    for (Pollutant p : kAllPollutants)
      if (d->v[static_cast<size_t>(p)]) {
        vals[static_cast<size_t>(p)].push_back(*d->v[static_cast<size_t>(p)]);
        per_month[month][static_cast<size_t>(p)]++;
      }
  }
  if (a.valid_days > 0) a.good_days_ratio_permille = div_round_half_even(int64_t{1000} * a.good_days, a.valid_days);
  auto values_of = [&](Pollutant p) -> const std::vector<int64_t>& { return vals[static_cast<size_t>(p)]; };
  a.so2_annual = mean_rounded(values_of(Pollutant::so2));
  a.no2_annual = mean_rounded(values_of(Pollutant::no2));
  a.pm10_annual = mean_rounded(values_of(Pollutant::pm10));
  a.pm25_annual = mean_rounded(values_of(Pollutant::pm25));
  auto pct = [&](Pollutant p, int q) -> std::optional<int64_t> {
    if (values_of(p).empty()) return std::nullopt;
    return div_round_half_even(percentile_centi(values_of(p), q), 100);
  };
  a.so2_p98 = pct(Pollutant::so2, 98);
  a.no2_p98 = pct(Pollutant::no2, 98);
  a.pm10_p95 = pct(Pollutant::pm10, 95);
  a.pm25_p95 = pct(Pollutant::pm25, 95);
  a.co_p95 = pct(Pollutant::co, 95);
  a.o3_8h_p90 = pct(Pollutant::o3_8h, 90);

  // Annual validity of the annual means (GB 3095 Table 4).
  for (auto [name, p] : {std::pair{"so2", Pollutant::so2}, std::pair{"no2", Pollutant::no2},
                         std::pair{"pm10", Pollutant::pm10}, std::pair{"pm25", Pollutant::pm25}}) {
    int n = static_cast<int>(values_of(p).size());
    std::vector<std::string> short_months;
    for (int m = 1; m <= 12; ++m) {
      int got = per_month.count(m) ? per_month[m][static_cast<size_t>(p)] : 0;
      if (got < (m == 2 ? kMinFebDays : kMinMonthDays))
        short_months.push_back(std::to_string(a.year) + "-" + (m < 10 ? "0" : "") + std::to_string(m) + " (" +
                               std::to_string(got) + ")");
    }
    if (n >= kMinYearDays && short_months.empty()) {
      a.annual_validity.push_back({name, "ok"});
    } else {
      std::string why = std::to_string(n) + " daily values (needs 324 a year, 27 a month, February 25)";
      if (!short_months.empty()) {
        why += "; short months:";
        for (const auto& m : short_months) why += " " + m;
      }
      a.annual_validity.push_back({name, why});
    }
  }

  // Comprehensive index (城市环境空气质量排名技术规定): Σ C_i / S_i over the six items.
  if (a.so2_annual && a.no2_annual && a.pm10_annual && a.pm25_annual && a.co_p95 && a.o3_8h_p90) {
    const std::pair<int64_t, int64_t> terms[] = {{*a.so2_annual, lim.so2_year},   {*a.no2_annual, lim.no2_year},
                                                 {*a.pm10_annual, lim.pm10_year}, {*a.pm25_annual, lim.pm25_year},
                                                 {*a.co_p95, lim.co_day_tenths},  {*a.o3_8h_p90, lim.o3_8h}};
    int64_t l = 1;
    for (auto [c, s] : terms) l = std::lcm(l, s);
    int64_t num = 0;
    for (auto [c, s] : terms) num += c * (l / s);
    a.composite_index_centi = div_round_half_even(100 * num, l);
  }
  // Exceedance multiples (C − S) / S where C > S.
  const std::tuple<const char*, std::optional<int64_t>, int64_t> items[] = {
      {"so2_annual", a.so2_annual, lim.so2_year},    {"no2_annual", a.no2_annual, lim.no2_year},
      {"pm10_annual", a.pm10_annual, lim.pm10_year}, {"pm25_annual", a.pm25_annual, lim.pm25_year},
      {"so2_p98", a.so2_p98, lim.so2_day},           {"no2_p98", a.no2_p98, lim.no2_day},
      {"pm10_p95", a.pm10_p95, lim.pm10_day},        {"pm25_p95", a.pm25_p95, lim.pm25_day},
      {"co_p95", a.co_p95, lim.co_day_tenths},       {"o3_8h_p90", a.o3_8h_p90, lim.o3_8h}};
  for (const auto& [name, c, s] : items)
    if (c && *c > s) a.exceedance_centi.push_back({name, div_round_half_even(100 * (*c - s), s)});
}

// Groups a station's (or the county's) days by calendar year and assesses each year.
void assess_years(const std::string& name, const std::vector<DailyValues>& days, std::vector<AnnualAir>& out) {
  std::map<int, std::vector<const DailyValues*>> by_year;
  for (const auto& d : days) by_year[Date::from_days(d.day).year].push_back(&d);
  for (auto& [year, list] : by_year) {
    AnnualAir a;
    a.station = name;
    a.year = year;
    annual_stats(a, list);
    out.push_back(std::move(a));
  }
}

}  // namespace

const char* flag_exclusion(std::string_view f) {
  if (f.empty() || f == "N") return nullptr;
  if (f == "F") return "flag F: instrument stopped (停运)";
  if (f == "M") return "flag M: maintenance (维护)";
  if (f == "S") return "flag S: manually entered set value (手工输入的设定值)";
  if (f == "D") return "flag D: instrument fault (故障)";
  if (f == "C") return "flag C: calibration (校准)";
  if (f == "T") return "flag T: above the measuring range (超测上限)";
  if (f == "B") return "flag B: communication fault (通讯异常)";
  return "unknown flag: excluded";
}

uint32_t AirAccumulator::station(std::string_view name) {
  auto it = std::lower_bound(index_.begin(), index_.end(), name,
                             [](const auto& e, std::string_view n) { return std::string_view(e.first) < n; });
  if (it != index_.end() && it->first == name) return it->second;
  auto id = static_cast<uint32_t>(stations_.size());
  stations_.push_back({std::string(name), 0, {}});
  index_.insert(it, {std::string(name), id});
  return id;
}

Status AirAccumulator::add(uint32_t s, long day, int hour, const std::array<int32_t, kHourly>& values) {
  auto& st = stations_[s];
  if (st.days.empty()) {
    st.first_day = day;
    st.days.reserve(372);  // a year of days without regrowth
  }
  if (day < st.first_day) {  // grow at the front (input not in time order)
    st.days.insert(st.days.begin(), static_cast<size_t>(st.first_day - day), DayCells{});
    st.first_day = day;
  }
  size_t idx = static_cast<size_t>(day - st.first_day);
  if (idx >= st.days.size()) st.days.resize(idx + 1);
  DayCells& d = st.days[idx];
  uint32_t bit = 1u << hour;
  if (d.seen & bit)
    return fail("duplicate hour " + date_of(day) + " " + std::to_string(hour) + ":00 for station " + st.name);
  d.seen |= bit;
  for (int i = 0; i < kHourly; ++i) {
    if (values[static_cast<size_t>(i)] == kMissing) continue;
    if (i == static_cast<int>(Hp::o3)) {
      d.o3[static_cast<size_t>(hour)] = values[static_cast<size_t>(i)];
    } else {
      auto k = static_cast<size_t>(kMeanOfHp[i]);
      d.sum[k] += values[static_cast<size_t>(i)];
      d.n[k]++;
    }
  }
  return {};
}

Status AirAccumulator::merge(AirAccumulator&& other) {
  for (auto& os : other.stations_) {
    uint32_t s = station(os.name);
    auto& st = stations_[s];
    if (os.days.empty()) continue;
    if (st.days.empty()) {
      st.first_day = os.first_day;
      st.days = std::move(os.days);
      continue;
    }
    long lo = std::min(st.first_day, os.first_day);
    long hi =
        std::max(st.first_day + static_cast<long>(st.days.size()), os.first_day + static_cast<long>(os.days.size()));
    if (lo < st.first_day) {
      st.days.insert(st.days.begin(), static_cast<size_t>(st.first_day - lo), DayCells{});
      st.first_day = lo;
    }
    st.days.resize(static_cast<size_t>(hi - lo));
    for (size_t i = 0; i < os.days.size(); ++i) {
      const DayCells& src = os.days[i];
      if (!src.seen) continue;
      long day = os.first_day + static_cast<long>(i);
      DayCells& dst = st.days[static_cast<size_t>(day - st.first_day)];
      if (dst.seen & src.seen) return fail("duplicate hours on " + date_of(day) + " for station " + st.name);
      dst.seen |= src.seen;
      for (size_t k = 0; k < 5; ++k) {
        dst.sum[k] += src.sum[k];
        dst.n[k] = static_cast<uint8_t>(dst.n[k] + src.n[k]);
      }
      for (size_t h = 0; h < 24; ++h)
        if (src.o3[h] != kMissing) dst.o3[h] = src.o3[h];
    }
  }
  return {};
}

int64_t percentile_centi(std::vector<int64_t> v, int p) {
  std::sort(v.begin(), v.end());
  const auto n = static_cast<int64_t>(v.size());
  int64_t k100 = 100 + (n - 1) * p;  // k = 1 + (n − 1)·p/100, ×100
  int64_t s = k100 / 100;            // 1-based order statistic
  int64_t frac = k100 % 100;
  int64_t xs = v[static_cast<size_t>(s - 1)];
  if (s >= n || frac == 0) return xs * 100;
  return xs * 100 + (v[static_cast<size_t>(s)] - xs) * frac;
}

namespace {

// The daily values of one station; invalid days are appended to `excluded`.
std::vector<DailyValues> station_daily(const AirAccumulator::Station& st, std::vector<Exclusion>* excluded) {
  {
    std::vector<DailyValues> days;
    days.reserve(st.days.size());
    for (size_t i = 0; i < st.days.size(); ++i) {
      const DayCells& c = st.days[i];
      if (!c.seen) continue;
      long day = st.first_day + static_cast<long>(i);
      std::array<DayValue, kPollutants> v;
      std::string shortfall;
      for (size_t k = 0; k < 5; ++k) {
        Pollutant p = kMeanPollutant[k];
        if (c.n[k] >= kMinHours) {
          // Reported units: µg/m³ integers; CO 0.1 mg/m³ (GB/T 8170 rounding).
          v[static_cast<size_t>(p)] = div_round_half_even(c.sum[k], c.n[k] * (p == Pollutant::co ? 100 : kMilli));
        } else {
          shortfall += std::string(shortfall.empty() ? "" : "; ") + display_name(p) + " " + std::to_string(c.n[k]) +
                       " valid hours (needs 20)";
        }
      }
      int o3_hours = 0;
      int32_t o3_max = kMissing;
      for (int32_t x : c.o3)
        if (x != kMissing) {
          ++o3_hours;
          o3_max = std::max(o3_max, x);
        }
      if (o3_hours >= kMinHours) v[static_cast<size_t>(Pollutant::o3)] = div_round_half_even(o3_max, kMilli);
      // O3 daily maximum 8-hour mean: windows 0–7 … 16–23 inside the day.
      int valid_windows = 0;
      int64_t best_sum = 0, best_n = 1;
      for (int w = 0; w <= 16; ++w) {
        int64_t sum = 0, n = 0;
        for (int h = w; h < w + 8; ++h)
          if (c.o3[static_cast<size_t>(h)] != kMissing) {
            sum += c.o3[static_cast<size_t>(h)];
            ++n;
          }
        if (n < kMinWindowHours) continue;
        ++valid_windows;
        if (valid_windows == 1 || sum * best_n > best_sum * n) {
          best_sum = sum;
          best_n = n;
        }
      }
      if (valid_windows >= kMinWindows) {
        v[static_cast<size_t>(Pollutant::o3_8h)] = div_round_half_even(best_sum, best_n * kMilli);
      } else {
        shortfall += std::string(shortfall.empty() ? "" : "; ") + "O3_8h " + std::to_string(valid_windows) +
                     " valid 8-hour windows (needs 14 of 17)";
      }
      DailyValues d = finish_day(day, v);
      if (excluded && !d.valid) {
        std::string why = shortfall.empty() ? "daily AQI not published (HJ 633—2026 §5.3.1)" : shortfall;
        excluded->push_back({st.name, date_of(day), "day not assessed: " + why});
      }
      days.push_back(d);
    }
    return days;
  }
}

// Runs fn(i) for i in [0, n) on `threads` threads (contiguous slices; no shared writes).
template <class Fn>
void parallel_for(size_t n, int threads, Fn fn) {
  size_t t = static_cast<size_t>(std::max(1, threads));
  std::vector<std::thread> pool;
  for (size_t k = 1; k < t; ++k)
    pool.emplace_back([&, k] {
      for (size_t i = n * k / t; i < n * (k + 1) / t; ++i) fn(i);
    });
  for (size_t i = 0; i < n / t; ++i) fn(i);
  for (auto& th : pool) th.join();
}

}  // namespace

std::vector<std::vector<DailyValues>> daily_values(const AirAccumulator& acc, std::vector<Exclusion>* excluded) {
  std::vector<std::vector<DailyValues>> out;
  for (const auto& st : acc.stations()) out.push_back(station_daily(st, excluded));
  return out;
}

DailyValues county_day_from_sums(long day, const std::array<int64_t, kPollutants>& sum,
                                 const std::array<int32_t, kPollutants>& count) {
  std::array<DayValue, kPollutants> v;
  for (size_t p = 0; p < kPollutants; ++p)
    if (count[p]) v[p] = div_round_half_even(sum[p], count[p]);
  return finish_day(day, v);
}

DailyValues county_day(long day, const std::vector<const DailyValues*>& station_days) {
  std::array<int64_t, kPollutants> sum{};
  std::array<int32_t, kPollutants> cnt{};
  for (const auto* d : station_days)
    for (size_t p = 0; p < kPollutants; ++p)
      if (d->v[p]) {
        sum[p] += *d->v[p];
        cnt[p]++;
      }
  return county_day_from_sums(day, sum, cnt);
}

AnnualAir annual_air(const std::string& name, int year, const std::vector<const DailyValues*>& days) {
  AnnualAir a;
  a.station = name;
  a.year = year;
  annual_stats(a, days);
  return a;
}

AirAssessment assess_air(const AirAccumulator& acc, int threads) {
  AirAssessment a;
  const auto& stations = acc.stations();
  const size_t n = stations.size();
  std::vector<std::vector<DailyValues>> daily(n);
  std::vector<std::vector<Exclusion>> excluded(n);
  std::vector<std::vector<AnnualAir>> years(n);
  parallel_for(n, threads, [&](size_t i) {
    daily[i] = station_daily(stations[i], &excluded[i]);
    assess_years(stations[i].name, daily[i], years[i]);
  });
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return stations[x].name < stations[y].name; });
  for (size_t s : order) {
    a.stations.insert(a.stations.end(), std::make_move_iterator(years[s].begin()),
                      std::make_move_iterator(years[s].end()));
    a.excluded.insert(a.excluded.end(), std::make_move_iterator(excluded[s].begin()),
                      std::make_move_iterator(excluded[s].end()));
  }

  // County: per day, the mean of the stations' valid daily values of each item (HJ 663 点位平均).
  long lo = LONG_MAX, hi = LONG_MIN;
  for (const auto& days : daily)
    if (!days.empty()) {
      lo = std::min(lo, days.front().day);
      hi = std::max(hi, days.back().day);
    }
  if (lo <= hi) {
    size_t span = static_cast<size_t>(hi - lo + 1);
    std::vector<std::array<int64_t, kPollutants>> sum(span, std::array<int64_t, kPollutants>{});
    std::vector<std::array<int32_t, kPollutants>> cnt(span, std::array<int32_t, kPollutants>{});
    std::vector<bool> any(span, false);
    for (const auto& days : daily)
      for (const auto& d : days) {
        size_t i = static_cast<size_t>(d.day - lo);
        any[i] = true;
        for (size_t p = 0; p < kPollutants; ++p)
          if (d.v[p]) {
            sum[i][p] += *d.v[p];
            cnt[i][p]++;
          }
      }
    std::vector<DailyValues> county;
    for (size_t i = 0; i < span; ++i) {
      if (!any[i]) continue;
      DailyValues d = county_day_from_sums(lo + static_cast<long>(i), sum[i], cnt[i]);
      if (!d.valid)
        a.excluded.push_back({"county", date_of(d.day), "day not assessed: no valid station value for every item"});
      county.push_back(d);
    }
    assess_years("county", county, a.county);
  }
  a.method = {
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one sentence split over two literals
      "daily means from ≥ 20 valid hours; O3 daily max 8-h over the 17 windows inside the day, each with ≥ 6 valid "
      "hours, valid with ≥ 14 windows (GB 3095 Table 4; docs/contracts.md)",
      "daily values rounded by GB/T 8170: µg/m³ to integers, CO to 0.1 mg/m³",
      "daily AQI under the rule set of each day's date: HJ 633—2012 before 2026-03-01, HJ 633—2026 from then",
      "valid day: AQI determined (2012: all six daily items valid; 2026: published per §5.3.1); good day: AQI ≤ 100",
      "annual items (HJ 663): SO2/NO2/PM10/PM2.5 annual means, SO2/NO2 98th and PM 95th percentiles of daily means, "
      "CO 95th percentile, O3 daily max 8-h 90th percentile; percentile k = 1 + (n − 1)p",
      "county daily values: arithmetic mean of the stations' valid daily values (HJ 663 点位平均)",
      "comprehensive index Σ C_i/S_i with the class-2 limits in force at the year's end",
  };
  return a;
}

}  // namespace shanshui::quality
