// record.cpp: quality results → indicator measurements with provenance.
#include "service/record.h"

#include <map>

#include "core/decimal.h"

namespace shanshui::service {

std::string DataSet::describe() const {
  return name + " sha256:" + sha256 + " " + first + ".." + last + " (" + std::to_string(rows) + " rows" +
         (stations ? ", " + std::to_string(stations) + " stations" : std::string()) + ")";
}

namespace {

// Adds a value for every target measured by `method` (one row per indicator and year).
void add_for_method(const plan::Plan& plan, std::vector<store::Measurement>& out, const std::string& method,
                    const std::string& version, int year, const std::string& value, const DataSet& data,
                    const std::string& note) {
  for (const auto& t : plan.targets) {
    if (t.measure.method != method) continue;
    bool dup = false;
    for (const auto& m : out) dup |= m.indicator == t.indicator && m.period == std::to_string(year);
    if (dup) continue;
    out.push_back({0, t.indicator, std::to_string(year), value, "computed", method, version, data.describe(),
                   t.measure.by_id, note, ""});
  }
}

}  // namespace

std::vector<store::Measurement> water_measurements(const plan::Plan& plan, const WaterAssessment& a,
                                                   const DataSet& data) {
  std::vector<store::Measurement> out;
  const std::string version = "GB3838-2002+HJ-2011-22/v1";
  // 长江干流及主要支流: the sections marked main in the registry (all river sections if none is).
  bool any_main = false;
  for (const auto& s : a.registry) any_main |= s.main;
  std::map<int, int> worst;
  for (const auto& s : a.sections)
    if (s.section->role != "drinking" && s.verdict.cls && (!any_main || s.section->main))
      worst[s.year] = std::max(worst[s.year], s.verdict.cls);
  for (const auto& [year, cls] : worst)
    add_for_method(plan, out, "water.section_class", version, year, quality::water_class_name(cls), data,
                   any_main ? "worst annual class among the main-stem and main-tributary sections"
                            : "worst annual class among the monitored river sections");
  for (const auto& d : a.drinking)
    add_for_method(plan, out, "water.drinking_source_compliance", version, d.year, fixed_str(d.rate_permille, 1), data,
                   std::to_string(d.compliant) + " of " + std::to_string(d.sources) + " sources compliant");
  for (const auto& r : a.rivers)
    if (r.river == "长江" && r.outbound_not_worse)
      add_for_method(plan, out, "water.outbound_vs_inbound", version, r.year, *r.outbound_not_worse ? "yes" : "no",
                     data,
                     std::string("inbound ") + quality::water_class_name(*r.inbound) + ", outbound " +
                         quality::water_class_name(*r.outbound));
  return out;
}

std::vector<store::Measurement> noise_measurements(const plan::Plan& plan, const NoiseAssessment& a,
                                                   const DataSet& data) {
  std::vector<store::Measurement> out;
  const std::string version = "GB3096-2008+HJ640-2012/v1";
  for (const auto& x : a.averages) {
    if (x.period != quality::NoisePeriod::day) continue;
    bool regional = x.kind == quality::NoiseKind::regional;
    add_for_method(plan, out, regional ? "noise.regional_average" : "noise.traffic_average", version, x.year,
                   x.average.str(), data,
                   std::to_string(x.points) + " points, grade " + std::to_string(x.grade) + " " +
                       quality::noise_grade_label(x.grade));
  }
  return out;
}

std::vector<store::Measurement> air_measurements(const plan::Plan& plan, const quality::AirAssessment& a,
                                                 const DataSet& data, std::vector<std::string>* skipped) {
  std::vector<store::Measurement> out;
  for (const auto& y : a.county) {
    if (y.valid_days < 324) {
      if (skipped)
        skipped->push_back(std::to_string(y.year) + ": " + std::to_string(y.valid_days) +
                           " valid days (an annual value needs 324): not recorded");
      continue;
    }
    // The rule sets the year's days fell under.
    std::string rules = y.year < 2026 ? "HJ633-2012" : y.year == 2026 ? "HJ633-2012/2026" : "HJ633-2026";
    std::string version = rules + "+HJ663-2013/v1";
    const std::pair<const char*, std::optional<std::string>> values[] = {
        {"air.good_days_ratio", y.good_days_ratio_permille
                                    ? std::optional<std::string>(fixed_str(*y.good_days_ratio_permille, 1))
                                    : std::nullopt},
        {"air.pm25_annual", y.pm25_annual ? std::optional<std::string>(std::to_string(*y.pm25_annual)) : std::nullopt},
        {"air.pm10_annual", y.pm10_annual ? std::optional<std::string>(std::to_string(*y.pm10_annual)) : std::nullopt},
    };
    for (const auto& [method, value] : values) {
      if (!value) continue;
      for (const auto& t : plan.targets) {
        if (t.measure.method != method) continue;
        bool dup = false;
        for (const auto& m : out) dup |= m.indicator == t.indicator && m.period == std::to_string(y.year);
        if (dup) continue;
        out.push_back({0, t.indicator, std::to_string(y.year), *value, "computed", method, version, data.describe(),
                       t.measure.by_id, "county: " + std::to_string(y.valid_days) + " valid days, " + y.limits, ""});
      }
    }
  }
  return out;
}

}  // namespace shanshui::service
