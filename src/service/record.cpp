// record.cpp: quality results → indicator measurements with provenance.
#include "service/record.h"

#include "core/decimal.h"

namespace shanshui::service {

std::string DataSet::describe() const {
  return name + " sha256:" + sha256 + " " + first + ".." + last + " (" + std::to_string(rows) + " rows, " +
         std::to_string(stations) + " stations)";
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
        {"air.good_days_ratio",
         y.good_days_ratio_permille ? std::optional<std::string>(fixed_str(*y.good_days_ratio_permille, 1)) : std::nullopt},
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
