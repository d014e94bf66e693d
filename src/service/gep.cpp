// gep.cpp: accounts run over the stored layers and recorded (see gep.h).
#include "service/gep.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "core/decimal.h"
#include "core/text.h"
#include "ecoacct/demo.h"
#include "geo/crs.h"
#include "geo/layer.h"
#include "service/zoning.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

// A fraction as a percent to one decimal, GB/T 8170 half-even, via the exact decimal of six places.
std::string percent(double share) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", 100 * share);
  auto exact = Decimal::parse(buf);
  return exact ? exact->round_half_even(1).str() : "";
}

double rounded(double v, double unit) { return std::round(v / unit) * unit; }

// The township features of the current layers, in zone order (zone = index + 1).
struct Towns {
  std::vector<std::string> wkb;
  std::vector<std::pair<std::string, std::string>> names;  // code, name
  std::string layer;                                       // "name v<version> sha256", for the provenance
};
Result<Towns> townships(store::Store& s) {
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  Towns t;
  for (const auto& l : *layers) {
    if (l.kind != "township") continue;
    t.layer = l.name + " v" + std::to_string(l.version) + " " + l.source_sha256;
    for (const auto& f : l.features) {
      t.wkb.push_back(f.wkb);
      t.names.emplace_back(f.code.empty() ? f.id : f.code, f.name);
    }
  }
  return t;
}

// Records a run unless the latest run of the same method and period has the same value and inputs.
Result<int64_t> record_run(store::Store& s, const plan::Target& t, const std::string& period, const std::string& method,
                           const std::string& version, const std::string& rules, const std::string& input_sha,
                           const std::string& value, const std::string& completeness, const std::string& detail,
                           bool as_measurement, const std::string& note) {
  auto runs = s.assessment_runs(t.indicator, period, 50);
  if (!runs) return tl::unexpected(runs.error());
  for (const auto& r : *runs)
    if (r.method == method) {
      if (r.value == value && r.input_sha256 == input_sha) return 0;
      break;
    }
  store::AssessmentRun run{0, t.indicator, period, method, version, rules, input_sha, value, completeness, detail, ""};
  std::vector<store::Measurement> rows;
  if (as_measurement)
    rows.push_back({0, t.indicator, period, value, "computed", method, version, "inputs sha256:" + input_sha,
                    t.measure.by_id, note, ""});
  return s.record_assessment(run, rows);
}

const plan::Target* by_method(const plan::Plan& plan, const std::string& method, bool check) {
  for (const auto& t : plan.targets)
    if ((check ? t.measure.check_method : t.measure.method) == method) return &t;
  return nullptr;
}

}  // namespace

Result<long> demo_rasters(store::Store& s, const std::string& dir, const std::vector<int>& years, double cell) {
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  ecoacct::DemoArea area;
  for (const auto& l : *layers) {
    if (l.kind == "county" && !l.features.empty()) area.county_wkb = l.features.front().wkb;
    if (l.kind == "river")
      for (const auto& f : l.features) area.rivers_wkb.push_back(f.wkb);
  }
  if (area.county_wkb.empty() || area.rivers_wkb.empty())
    return fail("the demo rasters follow the stored county outline and rivers: load the layers first (demo layers)");
  auto gk = geo::to_analysis(area.county_wkb);
  if (!gk) return tl::unexpected(gk.error());
  auto env = geo::envelope_of(*gk);
  if (!env) return tl::unexpected(env.error());
  area.bounds_gk = {env->min_x, env->min_y, env->max_x, env->max_y};
  auto seat = geo::wkb_from_wkt("POINT(109.885 31.088)");  // the county seat (docs/reference/wushan.md)
  if (!seat) return tl::unexpected(seat.error());
  auto seat_gk = geo::to_analysis(*seat);
  if (!seat_gk) return tl::unexpected(seat_gk.error());
  auto se = geo::envelope_of(*seat_gk);
  if (!se) return tl::unexpected(se.error());
  area.seat_x = se->min_x;
  area.seat_y = se->min_y;
  return ecoacct::write_demo_rasters(dir, area, years, cell);
}

std::string account_json(const ecoacct::Account& a, const std::vector<std::pair<std::string, std::string>>& towns) {
  json lines = json::array(), towns_j = json::array(), sens = json::array(), inputs = json::array();
  json services = json::object();
  for (const auto& l : a.lines) {
    lines.push_back({{"id", l.id},
                     {"category", l.category},
                     {"service", l.service},
                     {"quantity", rounded(l.quantity, 1e-3)},
                     {"unit", l.unit},
                     {"price", l.price_id},
                     {"value_yuan", rounded(l.value, 1)},
                     {"method", l.method}});
    services[l.service] = services.value(l.service, 0.0) + l.value;
  }
  for (auto& [k, v] : services.items()) v = rounded(v.get<double>(), 1);
  for (size_t z = 1; z < a.zones.size() && z - 1 < towns.size(); ++z) {
    const auto& zone = a.zones[z];
    if (zone.area_m2 <= 0) continue;
    towns_j.push_back({{"code", towns[z - 1].first},
                       {"name", towns[z - 1].second},
                       {"area_km2", rounded(zone.area_m2 / 1e6, 1e-4)},
                       {"forest_coverage", percent(zone.forest_m2 / zone.area_m2)},
                       {"soil_conservation_rate", percent(1 - zone.eroding_m2 / zone.area_m2)},
                       {"raster_value_yuan", rounded(zone.value, 1)},
                       {"value_per_km2_yuan", rounded(zone.value / (zone.area_m2 / 1e6), 1)}});
  }
  for (const auto& p : a.sensitivity)
    sens.push_back({{"price", p.id},
                    {"name", p.name},
                    {"value", p.price},
                    {"unit", p.unit},
                    {"delta_yuan", rounded(p.delta, 1)},
                    {"delta_share", a.gep > 0 ? rounded(p.delta / a.gep, 1e-6) : 0}});
  for (const auto& i : a.inputs) inputs.push_back({{"path", i.path}, {"sha256", i.sha256}});
  json ratios = json::object();
  for (const auto& [k, v] : a.ratios) ratios[k] = percent(v);
  json cats = json::object();
  for (const auto& [k, v] : a.categories) cats[k] = rounded(v, 1);
  json doc = {{"year", a.year},
              {"profile", a.profile},
              {"cells", a.cells},
              {"area_km2", rounded(a.area_m2 / 1e6, 1e-4)},
              {"gep_yuan", rounded(a.gep, 1)},
              {"gdp_yuan", rounded(a.gdp, 1)},
              {"gep_over_gdp", a.gdp > 0 ? rounded(a.gep / a.gdp, 1e-4) : 0},
              {"categories", cats},
              {"services", services},
              {"gdp_ratio", {{"definition", a.gdp_ratio_definition}, {"value", percent(a.ratio())}, {"all", ratios}}},
              {"forest_coverage", percent(a.forest_coverage())},
              {"soil_conservation_rate", percent(a.soil_conservation_rate())},
              {"lines", lines},
              {"townships", towns_j},
              {"sensitivity", sens},
              {"inputs", inputs},
              {"notes", a.notes}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<GepYear>> run_accounts(store::Store& s, const plan::Plan& plan, const GepOptions& o) {
  auto profile = ecoacct::load_profile(o.profile);
  if (!profile) return tl::unexpected(profile.error());
  auto towns = townships(s);
  if (!towns) return tl::unexpected(towns.error());
  std::vector<GepYear> out;
  std::map<int, const GepYear*> by_year;
  out.reserve(o.years.size());
  for (int year : o.years) {
    ecoacct::RunOptions ro;
    ro.rasters_dir = o.rasters;
    ro.zones_wkb = towns->wkb;
    ro.threads = o.threads;
    if (!o.out_dir.empty()) ro.out_dir = o.out_dir + "/" + std::to_string(year);
    auto t0 = std::chrono::steady_clock::now();
    auto a = ecoacct::run(*profile, year, ro);
    if (!a) return tl::unexpected(a.error());
    GepYear y;
    y.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    y.account = std::move(*a);
    y.ratio = percent(y.account.ratio());
    y.conservation_rate = percent(y.account.soil_conservation_rate());
    out.push_back(std::move(y));
    by_year[year] = &out.back();
  }
  // GEP and GDP both growing: this year against the year before, both computed here at the same
  // (constant) prices.
  for (auto& y : out) {
    auto prev = by_year.find(y.account.year - 1);
    if (prev == by_year.end()) continue;
    const auto& p = prev->second->account;
    y.both_grow = y.account.gep > p.gep && y.account.gdp > p.gdp ? "yes" : "no";
  }
  if (!o.record) return out;

  for (auto& y : out) {
    const auto& a = y.account;
    std::vector<std::string> ids;
    for (const auto& i : a.inputs) ids.push_back(i.path.substr(i.path.find_last_of('/') + 1) + " " + i.sha256);
    if (!towns->layer.empty()) ids.push_back(towns->layer);
    std::string input_sha = text::sha256_hex(text::join(ids, "\n"));
    std::string period = std::to_string(a.year);
    std::string detail = account_json(a, towns->names);
    std::string inputs = "rasters and tables: " + text::join(ids, "; ");
    char note[256];
    std::snprintf(note, sizeof note, "GEP %.2f 亿元，GDP %.2f 亿元（%s）", a.gep / 1e8, a.gdp / 1e8, a.profile.c_str());
    if (const auto* t = by_method(plan, "gep.gdp_ratio", false)) {
      auto id =
          record_run(s, *t, period, "gep.gdp_ratio", t->measure.version,
                     "GEP/GDP conversion under '" + a.gdp_ratio_definition +
                         "' (docs/gep.md); GEP = Σ physical quantity × price, rasters summed tile by tile; percent "
                         "rounded to 1 decimal by GB/T 8170",
                     input_sha, y.ratio, inputs, detail, true, note);
      if (!id) return tl::unexpected(id.error());
      y.run_ids.push_back(*id);
    }
    if (const auto* t = by_method(plan, "gep.both_grow", false); t && !y.both_grow.empty()) {
      auto prev = by_year.at(a.year - 1);
      json d = {{"gep_yuan", rounded(a.gep, 1)},
                {"gep_before_yuan", rounded(prev->account.gep, 1)},
                {"gdp_yuan", rounded(a.gdp, 1)},
                {"gdp_before_yuan", rounded(prev->account.gdp, 1)},
                {"note", "GEP at constant prices (prices.csv) in both years"}};
      std::snprintf(note, sizeof note, "GEP %.2f → %.2f 亿元，GDP %.2f → %.2f 亿元", prev->account.gep / 1e8,
                    a.gep / 1e8, prev->account.gdp / 1e8, a.gdp / 1e8);
      auto id = record_run(s, *t, period, "gep.both_grow", t->measure.version,
                           "yes when GEP (at constant prices) and GDP both exceed the year before's", input_sha,
                           y.both_grow, inputs, d.dump(-1, ' ', false, json::error_handler_t::replace), true, note);
      if (!id) return tl::unexpected(id.error());
      y.run_ids.push_back(*id);
    }
    if (const auto* t = by_method(plan, "eco.soil_conservation_rate", true)) {
      json by = json::array();
      for (size_t z = 1; z < a.zones.size() && z - 1 < towns->names.size(); ++z) {
        const auto& zone = a.zones[z];
        if (zone.area_m2 <= 0) continue;
        by.push_back({{"code", towns->names[z - 1].first},
                      {"name", towns->names[z - 1].second},
                      {"value", percent(1 - zone.eroding_m2 / zone.area_m2)},
                      {"covered_km2", rounded((zone.area_m2 - zone.eroding_m2) / 1e6, 1e-4)},
                      {"whole_km2", rounded(zone.area_m2 / 1e6, 1e-4)}});
      }
      std::snprintf(note, sizeof note, "非水土流失面积 %.2f km² / 县域 %.2f km²（RUSLE，容许土壤流失量 500 t/(km²·a)）",
                    (a.area_m2 - a.eroding_m2) / 1e6, a.area_m2 / 1e6);
      json d = {{"kind", "coverage"}, {"role", "check"}, {"note", note}, {"by_township", by}};
      auto id = record_run(s, *t, period, "eco.soil_conservation_rate", t->measure.check_version,
                           "share of the county whose RUSLE erosion (R·K·LS·C·P) is below the allowable loss of SL "
                           "190-2007 (西南土石山区 500 t/(km²·a)); percent rounded to 1 decimal by GB/T 8170",
                           input_sha, y.conservation_rate, inputs,
                           d.dump(-1, ' ', false, json::error_handler_t::replace), false, note);
      if (!id) return tl::unexpected(id.error());
      y.run_ids.push_back(*id);
    }
  }
  return out;
}

Result<std::string> gep_json(store::Store& s, int year) {
  auto runs = s.assessment_runs("", "", 5000);
  if (!runs) return tl::unexpected(runs.error());
  json years = json::array();
  const store::AssessmentRun* found = nullptr;
  std::map<std::string, bool> seen;
  for (const auto& r : *runs) {  // newest first
    if (r.method != "gep.gdp_ratio") continue;
    if (!found && (!year || r.period == std::to_string(year))) found = &r;
    if (!seen[r.period]) years.push_back(r.period);
    seen[r.period] = true;
  }
  if (!found)
    return fail(year ? "no ecosystem account recorded for " + std::to_string(year)
                     : "no ecosystem account recorded yet (shanshui gep run --record)");
  json doc = json::parse(found->detail, nullptr, false);
  if (!doc.is_object()) return fail("the recorded account cannot be read");
  doc["run_id"] = found->id;
  doc["computed_at"] = found->computed_at;
  doc["years_recorded"] = years;
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shanshui::service
