// noise_assess.cpp: point measurements → HJ 640 averages and grades, GB 3096 compliance.
#include "service/noise_assess.h"

#include <map>
#include <tuple>

#include "core/csv.h"
#include "core/file.h"
#include "core/text.h"
#include "plan/loader.h"

namespace shanshui::service {

Result<NoiseAssessment> assess_noise_csv(const std::string& path, bool skip_bad_rows) {
  auto text = read_file(path);
  SS_TRY(text);
  auto csv = parse_csv(*text, path);
  SS_TRY(csv);
  for (const char* c : {"point", "year", "kind", "period", "leq"})
    if (csv->column(c) < 0)
      return fail(path + ":1: missing column '" + c + "' (point,year,kind,period,leq[,length_km][,zone])");
  auto get = [&](const CsvRecord& r, const char* c) {
    int i = csv->column(c);
    return i >= 0 && i < static_cast<int>(r.fields.size()) ? text::trim(r.fields[static_cast<size_t>(i)])
                                                           : std::string();
  };
  NoiseAssessment out;
  std::vector<std::string> errors;
  // (year, kind, period) → levels and lengths; (year, zone, period) → counts
  std::map<std::tuple<int, int, int>, std::pair<std::vector<Decimal>, std::vector<Decimal>>> groups;
  std::map<std::tuple<int, std::string, int>, ZoneCompliance> zones;
  for (const auto& r : csv->records) {
    std::string where = path + ":" + std::to_string(r.line) + ": ";
    auto bad = [&](const std::string& why) {
      errors.push_back(where + why);
      out.excluded.push_back({get(r, "point"), get(r, "year"), "row refused: " + where + why});
    };
    if (r.fields.size() != csv->header.size()) {
      bad("has " + std::to_string(r.fields.size()) + " fields, the header has " + std::to_string(csv->header.size()));
      continue;
    }
    auto year = Period::parse(get(r, "year"));
    if (!year || year->kind != Period::Kind::year) {
      bad("year: '" + get(r, "year") + "' is not a year");
      continue;
    }
    std::string kind = get(r, "kind"), period = get(r, "period");
    if (kind != "regional" && kind != "traffic" && kind != "zone") {
      bad("kind: '" + kind + "' is not regional, traffic or zone");
      continue;
    }
    if (period != "day" && period != "night") {
      bad("period: '" + period + "' is not day or night");
      continue;
    }
    auto leq = Decimal::parse(get(r, "leq"));
    if (!leq || leq->mantissa < 0 || leq->compare(Decimal{200, 0}) > 0) {
      bad("leq: '" + get(r, "leq") + "' is not a sound level in dB(A)");
      continue;
    }
    auto p = period == "day" ? quality::NoisePeriod::day : quality::NoisePeriod::night;
    if (kind == "zone") {
      std::string zone = get(r, "zone");
      auto limit = quality::zone_limit(zone, p);
      if (!limit) {
        bad("zone: '" + zone + "' is not a GB 3096 class (0 1 2 3 4a 4b)");
        continue;
      }
      auto& z = zones[{year->year, zone, static_cast<int>(p)}];
      z.year = year->year;
      z.zone = zone;
      z.period = p;
      z.limit = *limit;
      ++z.measurements;
      z.compliant += leq->compare(Decimal{*limit, 0}) <= 0;
      continue;
    }
    auto& g = groups[{year->year, kind == "traffic", static_cast<int>(p)}];
    if (kind == "traffic") {
      auto len = Decimal::parse(get(r, "length_km"));
      if (!len || len->mantissa <= 0) {
        bad("length_km: a traffic point needs the positive road length it represents");
        continue;
      }
      g.second.push_back(*len);
    }
    g.first.push_back(*leq);
  }
  if (!errors.empty() && !skip_bad_rows)
    return fail(text::join(errors, "\n") + "\n" + path + ": " + std::to_string(errors.size()) +
                " malformed rows; nothing assessed (fix them, or pass --skip-bad-rows to exclude them)");
  for (auto& [key, g] : groups) {
    auto [year, traffic, period] = key;
    NoiseAverage a;
    a.year = year;
    a.kind = traffic ? quality::NoiseKind::traffic : quality::NoiseKind::regional;
    a.period = static_cast<quality::NoisePeriod>(period);
    a.points = static_cast<int>(g.first.size());
    if (traffic) {
      a.average = *quality::length_weighted_mean(g.first, g.second);
      int64_t total = 0;
      int s = 0;
      for (const auto& l : g.second) s = std::max(s, l.scale);
      for (const auto& l : g.second) total += l.rescaled(s).mantissa;
      a.length_km = Decimal{total, s};
    } else {
      a.average = quality::arithmetic_mean(g.first);
    }
    a.grade = quality::noise_grade(a.kind, a.period, a.average);
    out.averages.push_back(a);
  }
  for (auto& [key, z] : zones) {
    z.rate_permille = div_round_half_even(1000 * z.compliant, z.measurements);
    out.zones.push_back(z);
  }
  return out;
}

}  // namespace shanshui::service
