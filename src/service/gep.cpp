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
#include "raster/raster.h"
#include "service/computed_run.h"
#include "service/zoning.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

double rounded(double v, double unit) { return std::round(v / unit) * unit; }

const plan::Target* by_method(const plan::Plan& plan, const std::string& method, bool check) {
  for (const auto& t : plan.targets)
    if ((check ? t.measure.check_method : t.measure.method) == method) return &t;
  return nullptr;
}

}  // namespace

const char* gdp_ratio_label(const std::string& definition) {
  if (definition == "realised_share") return "已实现价值占比：（物质产品 + 文化服务 + 已获偿付的调节服务）÷ GEP";
  if (definition == "provisioning_cultural") return "（物质产品 + 文化服务）÷ GEP";
  if (definition == "gdp_over_gep") return "GDP ÷ GEP";
  return "未知定义";
}

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
    json by_service = json::object();
    for (const auto& [k, v] : zone.services) by_service[k] = rounded(v, 1);
    towns_j.push_back({{"code", towns[z - 1].first},
                       {"name", towns[z - 1].second},
                       {"area_km2", rounded(zone.area_m2 / 1e6, 1e-4)},
                       {"forest_coverage", percent_one_decimal(zone.forest_m2 / zone.area_m2)},
                       {"soil_conservation_rate", percent_one_decimal(1 - zone.eroding_m2 / zone.area_m2)},
                       {"raster_value_yuan", rounded(zone.value, 1)},
                       {"value_per_km2_yuan", rounded(zone.value / (zone.area_m2 / 1e6), 1)},
                       {"services_yuan", by_service}});
  }
  for (const auto& p : a.sensitivity)
    sens.push_back({{"price", p.id},
                    {"name", p.name},
                    {"value", p.price},
                    {"unit", p.unit},
                    {"delta_yuan", rounded(p.delta, 1)},
                    {"delta_share", a.gep > 0 ? rounded(p.delta / a.gep, 1e-6) : 0}});
  for (const auto& i : a.inputs) inputs.push_back({{"path", i.path}, {"sha256", i.sha256}});
  json prices = json::array();
  for (const auto& p : a.prices)
    prices.push_back({{"id", p.id},
                      {"kind", p.kind},
                      {"name", p.name},
                      {"value", p.value},
                      {"unit", p.unit},
                      {"year", p.year},
                      {"source", p.source}});
  json ratios = json::object();
  for (const auto& [k, v] : a.ratios) ratios[k] = percent_one_decimal(v);
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
              {"gdp_ratio",
               {{"definition", a.gdp_ratio_definition}, {"value", percent_one_decimal(a.ratio())}, {"all", ratios}}},
              {"forest_coverage", percent_one_decimal(a.forest_coverage())},
              {"soil_conservation_rate", percent_one_decimal(a.soil_conservation_rate())},
              {"lines", lines},
              {"townships", towns_j},
              {"sensitivity", sens},
              {"prices", prices},
              {"inputs", inputs},
              {"notes", a.notes},
              {"fingerprint", a.fingerprint}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<GepYear>> run_accounts(store::Store& s, const plan::Plan& plan, const GepOptions& o) {
  auto profile = ecoacct::load_profile(o.profile);
  if (!profile) return tl::unexpected(profile.error());
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  const Townships towns = townships_of(*layers);
  std::vector<GepYear> out;
  std::map<int, const GepYear*> by_year;
  out.reserve(o.years.size());
  std::shared_ptr<const raster::Zones> zones;  // put on the grid once, reused by the years on the same grid
  for (int year : o.years) {
    ecoacct::RunOptions ro;
    ro.rasters_dir = o.rasters;
    ro.zones_wkb = towns.wkb;
    ro.zones = zones;
    ro.threads = o.threads;
    ro.tile = o.tile;
    if (!o.out_dir.empty()) ro.out_dir = o.out_dir + "/" + std::to_string(year);
    auto t0 = std::chrono::steady_clock::now();
    auto prepared = ecoacct::prepare(*profile, year, ro);
    if (!prepared) return tl::unexpected(prepared.error());
    zones = ecoacct::zones(**prepared);
    auto sums = o.sum ? o.sum({prepared->get(), o.profile, year, &ro}) : ecoacct::sum_tiles(**prepared, 0, 1);
    if (!sums) return tl::unexpected(sums.error());
    auto a = ecoacct::finish(**prepared, std::move(*sums));
    if (!a) return tl::unexpected(a.error());
    GepYear y;
    y.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    y.account = std::move(*a);
    y.ratio = percent_one_decimal(y.account.ratio());
    y.json = account_json(y.account, towns.names);
    y.conservation_rate = percent_one_decimal(y.account.soil_conservation_rate());
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
    ids.insert(ids.end(), towns.identities.begin(), towns.identities.end());
    std::string input_sha = text::sha256_hex(text::join(ids, "\n"));
    std::string inputs = "rasters and tables: " + text::join(ids, "; ");
    auto record = [&](const plan::Target& t, ComputedRun r) -> Status {
      r.period = std::to_string(a.year);
      r.input_sha256 = input_sha;
      r.inputs = inputs;
      auto id = record_computed_run(s, t, r);
      if (!id) return tl::unexpected(id.error());
      y.run_ids.push_back(*id);
      return {};
    };
    char note[256];
    if (const auto* t = by_method(plan, "gep.gdp_ratio", false)) {
      std::snprintf(note, sizeof note, "GEP %.2f 亿元，GDP %.2f 亿元（%s）", a.gep / 1e8, a.gdp / 1e8,
                    gdp_ratio_label(a.gdp_ratio_definition));
      if (auto st = record(*t, {"", "gep.gdp_ratio", t->measure.version,
                                "GEP/GDP conversion under '" + a.gdp_ratio_definition +
                                    "' (docs/gep.md); GEP = Σ physical quantity × price, rasters summed tile by tile; "
                                    "percent rounded to 1 decimal by GB/T 8170",
                                "", y.ratio, "", y.json, note, true});
          !st)
        return tl::unexpected(st.error());
    }
    if (const auto* t = by_method(plan, "gep.both_grow", false); t && !y.both_grow.empty()) {
      const auto& before = by_year.at(a.year - 1)->account;
      json d = {{"gep_yuan", rounded(a.gep, 1)},
                {"gep_before_yuan", rounded(before.gep, 1)},
                {"gdp_yuan", rounded(a.gdp, 1)},
                {"gdp_before_yuan", rounded(before.gdp, 1)},
                {"note", "GEP at constant prices (prices.csv) in both years"}};
      std::snprintf(note, sizeof note, "GEP %.2f → %.2f 亿元，GDP %.2f → %.2f 亿元", before.gep / 1e8, a.gep / 1e8,
                    before.gdp / 1e8, a.gdp / 1e8);
      if (auto st = record(*t, {"", "gep.both_grow", t->measure.version,
                                "yes when GEP (at constant prices) and GDP both exceed the year before's", "",
                                y.both_grow, "", d.dump(-1, ' ', false, json::error_handler_t::replace), note, true});
          !st)
        return tl::unexpected(st.error());
    }
    if (const auto* t = by_method(plan, "eco.soil_conservation_rate", true)) {
      json by = json::array();
      for (size_t z = 1; z < a.zones.size() && z - 1 < towns.names.size(); ++z) {
        const auto& zone = a.zones[z];
        if (zone.area_m2 <= 0) continue;
        by.push_back({{"code", towns.names[z - 1].first},
                      {"name", towns.names[z - 1].second},
                      {"value", percent_one_decimal(1 - zone.eroding_m2 / zone.area_m2)},
                      {"covered_km2", rounded((zone.area_m2 - zone.eroding_m2) / 1e6, 1e-4)},
                      {"whole_km2", rounded(zone.area_m2 / 1e6, 1e-4)}});
      }
      std::snprintf(note, sizeof note,
                    "非水土流失面积 %.2f km² / 县域 %.2f km²（修正通用土壤流失方程，容许土壤流失量 %.0f t/(km²·a)）",
                    (a.area_m2 - a.eroding_m2) / 1e6, a.area_m2 / 1e6, profile->allowable_loss);
      json d = {{"kind", "coverage"}, {"role", "check"}, {"note", note}, {"by_township", by}};
      if (auto st = record(
              *t, {"", "eco.soil_conservation_rate", t->measure.check_version,
                   "share of the county whose RUSLE erosion (R·K·LS·C·P) is below the allowable loss of "
                   "SL 190-2007; percent rounded to 1 decimal by GB/T 8170",
                   "", y.conservation_rate, "", d.dump(-1, ' ', false, json::error_handler_t::replace), note, false});
          !st)
        return tl::unexpected(st.error());
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
  auto polygons = township_geojson(s);  // for the maps; today's township layer
  if (!polygons) return tl::unexpected(polygons.error());
  doc["township_polygons"] = json::parse(*polygons);
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shanshui::service
