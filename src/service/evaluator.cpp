// evaluator.cpp: live evaluation of the county's air quality (see evaluator.h).
#include "service/evaluator.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/decimal.h"
#include "quality/water.h"
#include "service/monitoring.h"
#include "service/tracking.h"

namespace shanshui::service {
namespace {

// HJ 663 §5: an annual value needs ≥ 324 valid days (GB 3095 Table 4); a complete year with
// fewer gets no final value.
constexpr int kValidDaysForAYear = 324;

// The rule sets the year's days fell under (HJ 633—2012 before 2026-03-01, HJ 633—2026 after).
std::string rules_of(int year) { return year < 2026 ? "HJ633-2012" : year == 2026 ? "HJ633-2012/2026" : "HJ633-2026"; }

}  // namespace

Status LiveAir::recompute(store::Store& store, const std::vector<store::Station>& stations, int64_t upto,
                          const std::vector<std::pair<std::string, std::string>>& changed_days,
                          std::vector<int>* years) {
  std::set<std::string> air;
  for (const auto& s : stations)
    if (s.kind == "air") air.insert(s.mn);
  std::set<int> touched_years;
  auto keep = [&](std::vector<store::Observation>& obs) {
    obs.erase(std::remove_if(obs.begin(), obs.end(), [&](const store::Observation& o) { return o.id > upto; }),
              obs.end());
  };
  if (!caught_up_) {
    // First pass: every stored day of every air station.
    for (const auto& mn : air) {
      auto obs = store.observations(mn);
      SS_TRY(obs);
      keep(*obs);
      std::set<long> days;
      for (const auto& o : *obs)
        if (auto d = Date::parse(o.data_time.substr(0, 10))) days.insert(d->days());
      if (auto s = air_.replace_days(mn, {days.begin(), days.end()}, *obs, stations); !s) return s;
      recomputed_ += static_cast<int64_t>(days.size());
      for (long d : days) touched_years.insert(Date::from_days(d).year);
    }
  } else {
    // Then only the days the new observations fall on, read back in contiguous runs of days.
    std::map<std::string, std::vector<long>> by_station;
    for (const auto& [mn, day] : changed_days)
      if (auto d = Date::parse(day); d && air.count(mn)) by_station[mn].push_back(d->days());
    for (auto& [mn, days] : by_station) {
      std::sort(days.begin(), days.end());
      for (size_t i = 0; i < days.size();) {
        size_t j = i;
        while (j + 1 < days.size() && days[j + 1] == days[j] + 1) ++j;
        auto obs = store.observations_between(mn, Date::from_days(days[i]).iso() + "T00:00:00+08:00",
                                              Date::from_days(days[j]).iso() + "T23:59:59+08:00");
        SS_TRY(obs);
        keep(*obs);
        std::vector<long> run(days.begin() + static_cast<long>(i), days.begin() + static_cast<long>(j) + 1);
        if (auto s = air_.replace_days(mn, run, *obs, stations); !s) return s;
        recomputed_ += static_cast<int64_t>(run.size());
        for (long d : run) touched_years.insert(Date::from_days(d).year);
        i = j + 1;
      }
    }
  }
  years->assign(touched_years.begin(), touched_years.end());
  return {};
}

Status LiveAir::record_year(store::Store& store, int year, Date today, LiveStatus& status) {
  bool so_far = year == today.year;
  long through = so_far ? today.days() - 1 : Date{year, 12, 31}.days();  // whole days only
  AirYearSoFar y = air_.year(year, through);
  if (y.stations.empty()) return {};
  const quality::AnnualAir& a = y.annual;
  std::string period = so_far ? std::to_string(year) + "-YTD" : std::to_string(year);
  if (!so_far && a.valid_days < kValidDaysForAYear) {
    status.notes.push_back(std::to_string(year) + ": " + std::to_string(a.valid_days) +
                           " valid days; an annual value needs " + std::to_string(kValidDaysForAYear) +
                           " (HJ 663), none recorded");
    return {};
  }
  if (a.valid_days == 0) return {};
  std::string completeness = std::to_string(a.valid_days) + "/" + std::to_string(y.elapsed_days);
  std::string value =
      "good_days_ratio=" + (a.good_days_ratio_permille ? fixed_str(*a.good_days_ratio_permille, 1) : "") +
      ";pm25=" + (a.pm25_annual ? std::to_string(*a.pm25_annual) : "") +
      ";pm10=" + (a.pm10_annual ? std::to_string(*a.pm10_annual) : "");
  // Idempotent: the same result (value and completeness) is not recorded twice, across restarts too.
  std::string key = "air.county@" + period;
  auto last = last_recorded_.find(key);
  if (last == last_recorded_.end()) {
    auto runs = store.assessment_runs("air.county", period, 1);
    SS_TRY(runs);
    std::string prior = runs->empty() ? "" : runs->front().value + "|" + runs->front().completeness;
    last = last_recorded_.emplace(key, prior).first;
  }
  if (last->second == value + "|" + completeness) return {};

  auto plan = stored_plan(store);
  SS_TRY(plan);
  std::string version = rules_of(year) + "+HJ663-2013/v1";
  nlohmann::json stations = nlohmann::json::array();
  for (const auto& s : y.stations) stations.push_back({{"mn", s.mn}, {"days", s.days}, {"valid_days", s.valid_days}});
  nlohmann::json excluded = nlohmann::json::array();
  for (size_t i = 0; i < y.excluded.size() && i < 500; ++i)
    excluded.push_back(
        {{"station", y.excluded[i].station}, {"when", y.excluded[i].when}, {"reason", y.excluded[i].reason}});
  nlohmann::json detail = {
      {"observations_through_id", through_},
      {"first_day", std::to_string(year) + "-01-01"},
      {"through", y.through},
      {"elapsed_days", y.elapsed_days},
      {"valid_days", a.valid_days},
      {"good_days", a.good_days},
      {"observations", y.observations},
      {"stations", stations},
      {"excluded", excluded},
      {"excluded_total", y.excluded.size()},
      {"limits", a.limits},
      {"input_rule",
       "SHA-256 over 'mn<TAB>YYYY-MM-DD<TAB>day digest<LF>' per station-day (by station, then day); a day "
       "digest is SHA-256 over the day's observations with id <= observations_through_id, one line "
       "'mn factor cn data_time kind value flag unit' (tab-separated) each, by data_time, factor, kind, cn"}};
  store::AssessmentRun run{0,
                           "air.county",
                           period,
                           "air.county_year",
                           version,
                           rules_of(year),
                           y.input_sha256,
                           value,
                           completeness,
                           detail.dump(),
                           ""};
  // The note a clerk reads beside the value (target page, exports).
  std::string note = so_far ? "截至 " + y.through + "：有效天数 " + std::to_string(a.valid_days) + " 天 / 已过 " +
                                  std::to_string(y.elapsed_days) + " 天（年内累计，暂定）"
                            : "全县有效天数 " + std::to_string(a.valid_days) + " 天（" + a.limits + "）";
  std::vector<store::Measurement> rows;
  const std::pair<const char*, std::optional<std::string>> values[] = {
      {"air.good_days_ratio",
       a.good_days_ratio_permille ? std::optional(fixed_str(*a.good_days_ratio_permille, 1)) : std::nullopt},
      {"air.pm25_annual", a.pm25_annual ? std::optional(std::to_string(*a.pm25_annual)) : std::nullopt},
      {"air.pm10_annual", a.pm10_annual ? std::optional(std::to_string(*a.pm10_annual)) : std::nullopt}};
  for (const auto& [method, v] : values) {
    if (!v || !*plan) continue;  // no plan imported yet: the run is kept, no target to measure
    for (const auto& t : (*plan)->targets) {
      if (t.measure.method != method) continue;
      bool dup = false;
      for (const auto& m : rows) dup |= m.indicator == t.indicator;
      if (!dup)
        rows.push_back({0, t.indicator, period, *v, "computed", method, version,
                        "observations id<=" + std::to_string(through_) + " sha256:" + y.input_sha256, t.measure.by_id,
                        note, ""});
    }
  }
  auto id = store.record_assessment(run, rows);
  SS_TRY(id);
  last->second = value + "|" + completeness;
  ++runs_;
  return {};
}

Status LiveAir::record_run(store::Store& store, const store::AssessmentRun& run) {
  std::string key = run.indicator + "@" + run.period;
  auto last = last_recorded_.find(key);
  if (last == last_recorded_.end()) {
    auto runs = store.assessment_runs(run.indicator, run.period, 1);
    SS_TRY(runs);
    last =
        last_recorded_.emplace(key, runs->empty() ? "" : runs->front().value + "|" + runs->front().completeness).first;
  }
  if (last->second == run.value + "|" + run.completeness) return {};
  auto id = store.record_assessment(run, {});
  SS_TRY(id);
  last->second = run.value + "|" + run.completeness;
  ++runs_;
  return {};
}

Status LiveAir::recompute_months(store::Store& store, const std::vector<store::Station>& stations, int64_t upto,
                                 const std::vector<std::pair<std::string, std::string>>& changed_days) {
  std::map<std::string, const store::Station*> by_mn;
  for (const auto& s : stations)
    if (s.kind == "water" || s.kind == "noise") by_mn[s.mn] = &s;
  std::set<std::pair<std::string, std::string>> months;  // (mn, YYYY-MM)
  for (const auto& [mn, day] : changed_days) {
    auto it = by_mn.find(mn);
    auto d = Date::parse(day);
    if (it == by_mn.end() || !d) continue;
    months.insert({mn, day.substr(0, 7)});
    // A noise night runs to 06:00 of the next day: the 1st's early hours close last month's last night.
    if (it->second->kind == "noise" && d->day == 1)
      months.insert({mn, Date::from_days(d->days() - 1).iso().substr(0, 7)});
  }
  for (const auto& [mn, month] : months) {
    const store::Station& st = *by_mn[mn];
    auto first = Date::parse(month + "-01");
    if (!first) continue;
    Date next = first->month == 12 ? Date{first->year + 1, 1, 1} : Date{first->year, first->month + 1, 1};
    bool water = st.kind == "water";
    auto obs = water ? store.observations_between(mn, first->iso() + "T00:00:00+08:00",
                                                  Date::from_days(next.days() - 1).iso() + "T23:59:59+08:00")
                     : store.observations_between(mn, first->iso() + "T06:00:00+08:00", next.iso() + "T05:59:59+08:00");
    SS_TRY(obs);
    obs->erase(std::remove_if(obs->begin(), obs->end(), [&](const store::Observation& o) { return o.id > upto; }),
               obs->end());
    ++months_recomputed_;
    nlohmann::json detail = {{"observations_through_id", upto},
                             {"observations", obs->size()},
                             {"station", mn},
                             {"digest", observations_digest(*obs)}};
    store::AssessmentRun run;
    run.period = month;
    run.input_sha256 = detail["digest"];
    if (water) {
      // GB 3838—2002 Table 1, single factor on the month's exact means; target class II (the plan's
      // 2027 target for the main stem and main tributaries).
      auto w = water_period(*obs, 2);
      if (!w.verdict.cls) continue;
      nlohmann::json means = nlohmann::json::object();
      for (const auto& [k, v] : w.means) means[k] = v.str();
      detail["means"] = means;
      detail["explanation"] = w.verdict.explanation;
      run.indicator = "water.station_month:" + mn;
      run.method = "water.station_month";
      run.method_version = "GB3838-2002/v1";
      run.rules = "GB 3838—2002 Table 1, single factor";
      run.value = quality::water_class_name(w.verdict.cls);
      run.completeness = std::to_string(w.values) + " values";
    } else {
      // GB 3096—2008 Annex C: daily Ld/Ln as energy averages of the hourly Leq, the zone's limits.
      auto n = noise_zone_period(*obs, st.zone);
      if (!n.days && !n.nights) continue;
      detail["zone"] = st.zone;
      detail["day_limit"] = n.day_limit ? nlohmann::json(*n.day_limit) : nlohmann::json(nullptr);
      detail["night_limit"] = n.night_limit ? nlohmann::json(*n.night_limit) : nlohmann::json(nullptr);
      detail["days_within_limit"] = n.day_ok;
      detail["nights_within_limit"] = n.night_ok;
      run.indicator = "noise.zone_month:" + mn;
      run.method = "noise.zone_month";
      run.method_version = "GB3096-2008/v1";
      run.rules = "GB 3096—2008 Annex C, Table 1";
      run.value = "Ld=" + (n.day_level ? n.day_level->str() : std::string("-")) +
                  ";Ln=" + (n.night_level ? n.night_level->str() : std::string("-"));
      run.completeness = std::to_string(n.days) + " days, " + std::to_string(n.nights) + " nights";
    }
    run.detail = detail.dump();
    if (auto s = record_run(store, run); !s) return s;
  }
  return {};
}

Result<LiveStatus> LiveAir::cycle(store::Store& store, Date today) {
  LiveStatus status;
  auto upto = store.max_observation_id();
  SS_TRY(upto);
  auto stations = store.stations();
  SS_TRY(stations);
  std::vector<int> years;
  recomputed_ = 0;
  months_recomputed_ = 0;
  if (!caught_up_ || *upto != through_) {
    // What changed, for water and noise (air reads its own way: all days on the first pass).
    auto changed = store.observation_days(caught_up_ ? through_ : 0, *upto);
    SS_TRY(changed);
    if (auto s = recompute(store, *stations, *upto, *changed, &years); !s) return tl::unexpected(s.error());
    if (auto s = recompute_months(store, *stations, *upto, *changed); !s) return tl::unexpected(s.error());
  }
  status.station_days_recomputed = recomputed_;
  status.station_months_recomputed = months_recomputed_;
  through_ = *upto;
  caught_up_ = true;
  // The year so far moves with the date; last year becomes final once it is over.
  std::set<int> due(years.begin(), years.end());
  due.insert(today.year);
  due.insert(today.year - 1);
  for (int y : due)
    if (y <= today.year)
      if (auto s = record_year(store, y, today, status); !s) return tl::unexpected(s.error());
  ++cycles_;
  status.caught_up = true;
  status.cycles = cycles_;
  status.observations_through = through_;
  status.station_days = static_cast<int64_t>(air_.station_days());
  status.runs_recorded = runs_;
  status.last_cycle_at = store::now_iso8601();
  return status;
}

LiveEvaluator::LiveEvaluator(std::string db_path, LiveOptions options)
    : db_path_(std::move(db_path)), options_(options) {}

LiveEvaluator::~LiveEvaluator() { stop(); }

Status LiveEvaluator::start() {
  auto s = store::open_store(db_path_);
  SS_TRY(s);
  store_ = std::move(*s);
  store_->set_actor("live-evaluation");
  thread_ = std::thread([this] { loop(); });
  return {};
}

void LiveEvaluator::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void LiveEvaluator::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

LiveStatus LiveEvaluator::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void LiveEvaluator::loop() {
  using Clock = std::chrono::steady_clock;
  for (bool first = true;; first = false) {
    if (!first) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, options_.tick, [&] { return stopping_ || woken_; });
      if (stopping_) return;
      // Debounce: wait for a quiet spell, but not longer than max_wait.
      auto deadline = Clock::now() + options_.max_wait;
      while (woken_ && !stopping_ && Clock::now() < deadline) {
        woken_ = false;
        cv_.wait_until(lock, std::min(deadline, Clock::now() + options_.quiet), [&] { return stopping_ || woken_; });
      }
      woken_ = false;
      if (stopping_) return;
    }
    auto r = live_.cycle(*store_, Date::today_beijing());
    std::lock_guard<std::mutex> lock(mu_);
    if (r) {
      status_ = *r;
    } else {
      status_.notes = {"evaluation failed: " + r.error().message};
      std::cerr << "shanshui: live evaluation: " << r.error().message << "\n";
    }
  }
}

}  // namespace shanshui::service
