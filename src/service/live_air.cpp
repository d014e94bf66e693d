// live_air.cpp: cached station days and the county's year so far (see live_air.h).
#include "service/live_air.h"

#include <algorithm>
#include <set>

#include "core/civil_time.h"
#include "core/text.h"
#include "service/monitoring.h"

namespace shanshui::service {

std::string observation_line(const store::Observation& o) {
  return o.mn + '\t' + o.factor + '\t' + o.cn + '\t' + o.data_time + '\t' + o.kind + '\t' + o.value + '\t' + o.flag +
         '\t' + o.unit + '\n';
}

std::string observations_digest(std::vector<store::Observation> obs) {
  std::sort(obs.begin(), obs.end(), [](const store::Observation& a, const store::Observation& b) {
    return std::tie(a.data_time, a.factor, a.kind, a.cn) < std::tie(b.data_time, b.factor, b.kind, b.cn);
  });
  text::Sha256 h;
  for (const auto& o : obs) h.update(observation_line(o));
  return h.hex();
}

Status AirLive::replace_days(const std::string& mn, const std::vector<long>& days,
                             const std::vector<store::Observation>& obs, const std::vector<store::Station>& stations) {
  auto& mine = days_[mn];
  for (long d : days) mine.erase(d);
  std::map<long, std::vector<store::Observation>> by_day;
  for (const auto& o : obs) {
    auto d = Date::parse(o.data_time.substr(0, 10));
    if (d && o.mn == mn && std::binary_search(days.begin(), days.end(), d->days())) by_day[d->days()].push_back(o);
  }
  if (by_day.empty()) return {};
  std::vector<store::Observation> used;
  for (const auto& [day, list] : by_day) used.insert(used.end(), list.begin(), list.end());
  auto hours = air_hours_from_observations(used, stations);
  SS_TRY(hours);
  std::vector<quality::Exclusion> excluded = std::move(hours->excluded);
  auto daily = quality::daily_values(hours->hours, &excluded);
  for (const auto& [day, list] : by_day) {
    StationDay sd;
    sd.digest = observations_digest(list);
    sd.observations = static_cast<int>(list.size());
    mine[day] = std::move(sd);
  }
  for (const auto& station : daily)
    for (const auto& d : station)
      if (auto it = mine.find(d.day); it != mine.end()) it->second.values = d;
  for (auto& e : excluded) {
    auto d = Date::parse(e.when.substr(0, 10));
    if (!d) continue;
    if (auto it = mine.find(d->days()); it != mine.end()) it->second.excluded.push_back(std::move(e));
  }
  return {};
}

AirYearSoFar AirLive::year(int year, long through_day) const {
  AirYearSoFar out;
  long first = Date{year, 1, 1}.days();
  long last = std::min(through_day, Date{year, 12, 31}.days());
  out.through = Date::from_days(last).iso();
  out.elapsed_days = static_cast<int>(std::max(0L, last - first + 1));
  text::Sha256 input;
  std::map<long, std::vector<const quality::DailyValues*>> by_day;
  for (const auto& [mn, days] : days_) {
    AirYearSoFar::StationSummary s{mn, 0, 0};
    for (auto it = days.lower_bound(first); it != days.end() && it->first <= last; ++it) {
      const StationDay& sd = it->second;
      input.update(mn + '\t' + Date::from_days(it->first).iso() + '\t' + sd.digest + '\n');
      out.observations += sd.observations;
      ++s.days;
      if (sd.values) {
        by_day[it->first].push_back(&*sd.values);
        if (sd.values->valid) ++s.valid_days;
      }
      out.excluded.insert(out.excluded.end(), sd.excluded.begin(), sd.excluded.end());
    }
    if (s.days) out.stations.push_back(s);
  }
  out.input_sha256 = input.hex();
  std::vector<quality::DailyValues> county;
  county.reserve(by_day.size());
  for (const auto& [day, list] : by_day) {
    county.push_back(quality::county_day(day, list));
    if (!county.back().valid)
      out.excluded.push_back(
          {"county", Date::from_days(day).iso(), "day not assessed: no valid station value for every item"});
  }
  std::vector<const quality::DailyValues*> ptrs;
  ptrs.reserve(county.size());
  for (const auto& d : county) ptrs.push_back(&d);
  out.annual = quality::annual_air("county", year, ptrs);
  return out;
}

const StationDay* AirLive::station_day(const std::string& mn, long day) const {
  auto s = days_.find(mn);
  if (s == days_.end()) return nullptr;
  auto d = s->second.find(day);
  return d == s->second.end() ? nullptr : &d->second;
}

std::vector<int> AirLive::years() const {
  std::set<int> ys;
  for (const auto& [mn, days] : days_)
    for (const auto& [day, sd] : days) ys.insert(Date::from_days(day).year);
  return {ys.begin(), ys.end()};
}

size_t AirLive::station_days() const {
  size_t n = 0;
  for (const auto& [mn, days] : days_) n += days.size();
  return n;
}

}  // namespace shanshui::service
