// quality_json.cpp: JSON for the quality engine's results.
#include "export/quality_json.h"

#include <nlohmann/json.hpp>

namespace shanshui::exporting {
namespace {

using nlohmann::json;
using quality::Pollutant;

json opt(const std::optional<int64_t>& v, int decimals = 0) {
  if (!v) return nullptr;
  if (decimals == 0) return *v;
  double d = static_cast<double>(*v);
  for (int i = 0; i < decimals; ++i) d /= 10;
  return d;
}

json names(const std::vector<Pollutant>& ps) {
  json a = json::array();
  for (auto p : ps) a.push_back(quality::display_name(p));
  return a;
}

json annual_json(const quality::AnnualAir& a) {
  json j = {{"year", a.year},
            {"valid_days", a.valid_days},
            {"good_days", a.good_days},
            {"good_days_ratio", opt(a.good_days_ratio_permille, 1)},
            {"pm25_annual", opt(a.pm25_annual)},
            {"pm10_annual", opt(a.pm10_annual)},
            {"so2_annual", opt(a.so2_annual)},
            {"no2_annual", opt(a.no2_annual)},
            {"co_p95", opt(a.co_p95, 1)},
            {"o3_8h_p90", opt(a.o3_8h_p90)},
            {"so2_p98", opt(a.so2_p98)},
            {"no2_p98", opt(a.no2_p98)},
            {"pm10_p95", opt(a.pm10_p95)},
            {"pm25_p95", opt(a.pm25_p95)},
            {"composite_index", opt(a.composite_index_centi, 2)},
            {"limits", a.limits}};
  if (a.station != "county") j["station"] = a.station;
  json ex = json::object();
  for (const auto& [k, v] : a.exceedance_centi) ex[k] = static_cast<double>(v) / 100;
  j["exceedance"] = ex;
  json val = json::object();
  for (const auto& [k, v] : a.annual_validity) val[k] = v;
  j["annual_validity"] = val;
  return j;
}

}  // namespace

std::string aqi_json(const quality::AqiResult& r) {
  json iaqi = json::object(), used = json::object();
  for (Pollutant p : quality::kAllPollutants) {
    auto v = r.at(p);
    iaqi[quality::key(p)] = v ? json(*v) : json(nullptr);
    const auto& u = r.used[static_cast<size_t>(p)];
    used[quality::key(p)] = u ? json(u->str()) : json(nullptr);
  }
  json j = {{"standard", quality::rules_name(r.rules)},
            {"mode", r.mode == quality::AqiMode::daily ? "daily" : "hourly"},
            {"primary", names(r.primary)},
            {"exceeding", names(r.exceeding)},
            {"missing", names(r.missing)},
            {"iaqi", iaqi},
            {"used", used},
            {"notes", r.notes}};
  if (r.aqi) {
    auto level = quality::aqi_level(*r.aqi);
    j["aqi"] = *r.aqi;
    j["level"] = level.roman;
    j["category"] = level.category;
    j["colour"] = level.colour;
  } else {
    j["aqi"] = j["level"] = j["category"] = j["colour"] = nullptr;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string air_assessment_json(const quality::AirAssessment& a, const std::string& input_json) {
  json stations = json::array();
  for (const auto& s : a.stations) stations.push_back(annual_json(s));
  json by_year = json::array();
  for (const auto& c : a.county) by_year.push_back(annual_json(c));
  json excluded = json::array();
  for (const auto& e : a.excluded) {
    json x = {{"station", e.station}, {"reason", e.reason}};
    x[e.when.size() == 10 ? "date" : "time"] = e.when;
    excluded.push_back(x);
  }
  json doc = {{"stations", stations},
              {"county", a.county.empty() ? json(nullptr) : annual_json(a.county.back())},
              {"county_by_year", by_year},
              {"excluded", excluded},
              {"method", a.method},
              {"input", json::parse(input_json)}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shanshui::exporting
