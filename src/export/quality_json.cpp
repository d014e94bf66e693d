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
  j["station"] = a.station;  // "county" for the county
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

// Written directly, not through a DOM: a national network has hundreds of thousands of
// excluded hours, and the document must not cost more than the assessment.
std::string air_assessment_json(const quality::AirAssessment& a, const std::string& input_json) {
  std::string out;
  out.reserve(1024 + a.stations.size() * 700 + a.excluded.size() * 110);
  auto str = [&](const std::string& s) { out += json(s).dump(-1, ' ', false, json::error_handler_t::replace); };
  auto year_obj = [&](const quality::AnnualAir& y) {
    out += annual_json(y).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  out += "{\"stations\":[";
  for (size_t i = 0; i < a.stations.size(); ++i) {
    if (i) out += ',';
    year_obj(a.stations[i]);
  }
  out += "],\"county\":";
  if (a.county.empty())
    out += "null";
  else
    year_obj(a.county.back());
  out += ",\"county_by_year\":[";
  for (size_t i = 0; i < a.county.size(); ++i) {
    if (i) out += ',';
    year_obj(a.county[i]);
  }
  out += "],\"excluded\":[";
  for (size_t i = 0; i < a.excluded.size(); ++i) {
    const auto& e = a.excluded[i];
    if (i) out += ',';
    out += "{\"station\":";
    str(e.station);
    out += e.when.size() == 10 ? ",\"date\":" : ",\"time\":";
    str(e.when);
    out += ",\"reason\":";
    str(e.reason);
    out += '}';
  }
  out += "],\"method\":";
  out += json(a.method).dump(-1, ' ', false, json::error_handler_t::replace);
  out += ",\"input\":";
  out += input_json;
  out += '}';
  return out;
}

namespace {

json verdict_json(const quality::WaterVerdict& v) {
  json items = json::object(), limits = json::object(), means = json::object();
  for (const auto& it : v.items) {
    if (it.cls) items[it.key] = quality::water_class_name(*it.cls);
    if (it.within_limit) limits[it.key] = *it.within_limit;
    means[it.key] = it.value.str();
  }
  json mp = json::array();
  for (const auto& m : v.main_pollutants)
    mp.push_back({{"item", m.key},
                  {"class", quality::water_class_name(m.cls)},
                  {"exceedance", static_cast<double>(m.exceedance_centi) / 100}});
  json j = {{"class", v.cls ? json(quality::water_class_name(v.cls)) : json(nullptr)},
            {"grade", v.cls ? json(v.grade()) : json(nullptr)},
            {"items", items},
            {"values", means},
            {"main_pollutants", mp},
            {"deciding", v.deciding},
            {"explanation", v.explanation},
            {"target", quality::water_class_name(v.target)},
            {"reference", v.reference},
            {"limits", limits},
            {"unknown", v.unknown}};
  return j;
}

const char* kind_name(quality::NoiseKind k) { return k == quality::NoiseKind::regional ? "regional" : "traffic"; }
const char* period_name(quality::NoisePeriod p) { return p == quality::NoisePeriod::day ? "day" : "night"; }

json excluded_json(const std::vector<quality::Exclusion>& ex) {
  json a = json::array();
  for (const auto& e : ex) a.push_back({{"station", e.station}, {"when", e.when}, {"reason", e.reason}});
  return a;
}

}  // namespace

std::string water_class_json(const quality::WaterVerdict& v) {
  return verdict_json(v).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string water_assessment_json(const service::WaterAssessment& a) {
  json sections = json::array();
  for (const auto& s : a.sections) {
    json j = verdict_json(s.verdict);
    j["section"] = s.section->name;
    j["river"] = s.section->river;
    j["role"] = s.section->role;
    j["waterbody"] = s.section->body == quality::Waterbody::lake ? "lake" : "river";
    j["year"] = s.year;
    j["samples"] = s.samples;
    j["samples_meeting_target"] = s.samples_meeting_target;
    j["drinking_compliant"] = s.drinking_compliant ? json(*s.drinking_compliant) : json(nullptr);
    sections.push_back(j);
  }
  json rivers = json::array();
  for (const auto& r : a.rivers)
    rivers.push_back({{"river", r.river},
                      {"year", r.year},
                      {"sections", r.grade.sections},
                      {"grade", r.grade.grade},
                      {"rule", r.grade.rule},
                      {"share_i_iii", static_cast<double>(r.grade.share_i_iii_permille) / 10},
                      {"share_worse_than_v", static_cast<double>(r.grade.share_worse_v_permille) / 10},
                      {"inbound", r.inbound ? json(quality::water_class_name(*r.inbound)) : json(nullptr)},
                      {"outbound", r.outbound ? json(quality::water_class_name(*r.outbound)) : json(nullptr)},
                      {"outbound_not_worse", r.outbound_not_worse ? json(*r.outbound_not_worse) : json(nullptr)}});
  json drinking = json::array();
  for (const auto& d : a.drinking)
    drinking.push_back({{"year", d.year},
                        {"sources", d.sources},
                        {"compliant", d.compliant},
                        {"compliance_rate", static_cast<double>(d.rate_permille) / 10}});
  return json{
      {"sections", sections}, {"rivers", rivers}, {"drinking_water", drinking}, {"excluded", excluded_json(a.excluded)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string noise_grade_json(quality::NoiseKind kind, quality::NoisePeriod period, const Decimal& value) {
  int g = quality::noise_grade(kind, period, value);
  return json{{"grade", g},
              {"label", quality::noise_grade_label(g)},
              {"kind", kind_name(kind)},
              {"period", period_name(period)},
              {"value", value.to_double()}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string noise_assessment_json(const service::NoiseAssessment& a) {
  json averages = json::array();
  for (const auto& x : a.averages) {
    json j = {{"year", x.year},
              {"kind", kind_name(x.kind)},
              {"period", period_name(x.period)},
              {"points", x.points},
              {"average", x.average.to_double()},
              {"grade", x.grade},
              {"label", quality::noise_grade_label(x.grade)}};
    if (x.kind == quality::NoiseKind::traffic) j["length_km"] = x.length_km.to_double();
    averages.push_back(j);
  }
  json zones = json::array();
  for (const auto& z : a.zones)
    zones.push_back({{"year", z.year},
                     {"zone", z.zone},
                     {"period", period_name(z.period)},
                     {"limit", z.limit},
                     {"measurements", z.measurements},
                     {"compliant", z.compliant},
                     {"compliance_rate", static_cast<double>(z.rate_permille) / 10}});
  return json{{"averages", averages}, {"zones", zones}, {"excluded", excluded_json(a.excluded)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shanshui::exporting
