// zoning.cpp: layers in the store, screening rules and the access list as data (see zoning.h).
#include "service/zoning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/csv.h"
#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"
#include "geo/coverage.h"
#include "geo/crs.h"
#include "service/computed_run.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

const char* screening_verdict_label(const std::string& v) {
  if (v == "non_compliant") return "不符合";
  if (v == "review") return "需人工研判";
  if (v == "conditional") return "有条件符合";
  return "符合";
}

Result<std::vector<geo::Rule>> parse_rules(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin,
                          {"kind", "zone", "relation", "distance_m", "industries", "verdict", "reason", "basis"});
  if (!t) return tl::unexpected(t.error());
  std::vector<geo::Rule> out;
  for (const auto& r : t->records) {
    auto at = [&](const char* c) { return r.fields.at(static_cast<size_t>(t->column(c))); };
    geo::Rule rule{at("kind"),    at("zone"),   at("relation"), 0, words(at("industries")),
                   at("verdict"), at("reason"), at("basis")};
    std::string where = origin + ":" + std::to_string(r.line) + ": ";
    if (rule.relation != "overlaps" && rule.relation != "within" && rule.relation != "outside")
      return fail(where + "relation '" + rule.relation + "' (overlaps, within or outside)");
    if (geo::verdict_rank(rule.verdict) == 0 && rule.verdict != "compliant")
      return fail(where + "verdict '" + rule.verdict + "' (compliant, conditional, review or non_compliant)");
    if (rule.relation == "within") {
      try {
        rule.distance_m = std::stod(at("distance_m"));
      } catch (...) {
        return fail(where + "a 'within' rule needs distance_m");
      }
    }
    out.push_back(std::move(rule));
  }
  return out;
}

Result<std::vector<geo::Clause>> parse_access_list(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin, {"unit_code", "dimension", "rule", "industries", "text", "source"});
  if (!t) return tl::unexpected(t.error());
  std::vector<geo::Clause> out;
  for (const auto& r : t->records) {
    auto at = [&](const char* c) { return r.fields.at(static_cast<size_t>(t->column(c))); };
    geo::Clause c{at("unit_code"), at("dimension"), at("rule"), words(at("industries")), at("text"), at("source")};
    std::string where = origin + ":" + std::to_string(r.line) + ": ";
    if (c.dimension != "space_layout" && c.dimension != "discharge" && c.dimension != "risk" &&
        c.dimension != "resource")
      return fail(where + "dimension '" + c.dimension + "' (space_layout, discharge, risk or resource)");
    if (c.rule != "prohibit" && c.rule != "restrict" && c.rule != "require" && c.rule != "encourage")
      return fail(where + "rule '" + c.rule + "' (prohibit, restrict, require or encourage)");
    for (const auto& code : c.industries)
      if (code.size() > 1)
        if (auto st = geo::check_industry(code.size() >= 3 ? code : code + "00"); !st)
          return fail(where + st.error().message);
    out.push_back(std::move(c));
  }
  return out;
}

Result<store::SpatialLayer> store_layer(store::Store& s, const geo::Layer& layer) {
  // The same file imported again under the same name is the version already stored, not a new one.
  auto known = s.layers();
  if (!known) return tl::unexpected(known.error());
  const store::SpatialLayer* latest = nullptr;
  for (const auto& l : *known)
    if (l.name == layer.name && (!latest || l.version > latest->version)) latest = &l;
  if (latest && !layer.source_sha256.empty() && latest->source_sha256 == layer.source_sha256 &&
      latest->kind == layer.kind)
    return *latest;
  store::SpatialLayer l{0, layer.name, layer.kind, 0, layer.source, layer.source_sha256, layer.source_crs, 0, ""};
  std::vector<store::SpatialFeature> features;
  features.reserve(layer.features.size());
  for (const auto& f : layer.features) {
    auto env = geo::envelope_of(f.wkb);
    if (!env) return fail(layer.name + " feature " + f.id + ": " + env.error().message);
    json attrs = json::object();
    for (const auto& [k, v] : f.attributes) attrs[k] = v;
    features.push_back(
        {0, 0, f.id, f.name, f.code, f.zone, attrs.dump(), f.wkb, env->min_x, env->min_y, env->max_x, env->max_y});
  }
  SS_TRY(s.add_layer(l, features));
  return l;
}

Result<store::SpatialLayer> import_layer(store::Store& s, const std::string& path, const geo::ReadOptions& options,
                                         std::vector<geo::GeometryProblem>* problems) {
  auto layer = geo::read_layer(path, options, problems);
  if (!layer) return tl::unexpected(layer.error());
  return store_layer(s, *layer);
}

Result<std::vector<geo::Layer>> current_layers(store::Store& s) {
  auto all = s.layers();
  if (!all) return tl::unexpected(all.error());
  std::map<std::string, store::SpatialLayer> latest;
  for (const auto& l : *all)
    if (!latest.count(l.name) || latest[l.name].version < l.version) latest[l.name] = l;
  std::vector<geo::Layer> out;
  for (const auto& [name, l] : latest) {
    auto features = s.layer_features(l.id);
    if (!features) return tl::unexpected(features.error());
    geo::Layer g;
    g.name = l.name;
    g.kind = l.kind;
    g.source = l.source;
    g.source_sha256 = l.source_sha256;
    g.source_crs = l.source_crs;
    g.imported_at = l.imported_at;
    g.version = l.version;
    for (auto& f : *features) {
      geo::Feature gf{f.fid, f.name, f.code, f.zone, {}, std::move(f.wkb)};
      auto attrs = json::parse(f.attributes, nullptr, false);
      if (attrs.is_object())
        for (const auto& [k, v] : attrs.items()) gf.attributes[k] = v.is_string() ? v.get<std::string>() : v.dump();
      g.features.push_back(std::move(gf));
    }
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::unique_ptr<geo::Screener>> build_screener(store::Store& s, const std::string& zoning_dir) {
  auto rules_text = read_file(zoning_dir + "/rules.csv");
  if (!rules_text) return tl::unexpected(rules_text.error());
  auto list_text = read_file(zoning_dir + "/access-list.csv");
  if (!list_text) return tl::unexpected(list_text.error());
  auto rules = parse_rules(*rules_text, "rules.csv");
  if (!rules) return tl::unexpected(rules.error());
  auto clauses = parse_access_list(*list_text, "access-list.csv");
  if (!clauses) return tl::unexpected(clauses.error());
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  return geo::Screener::build(*layers, std::move(*rules), std::move(*clauses));
}

Result<std::map<std::string, bool>> parse_land_classes(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin, {"code", "name", "forest"});
  if (!t) return tl::unexpected(t.error());
  std::map<std::string, bool> out;
  for (const auto& r : t->records) {
    const std::string& code = r.fields.at(static_cast<size_t>(t->column("code")));
    const std::string& forest = r.fields.at(static_cast<size_t>(t->column("forest")));
    if (forest != "yes" && forest != "no")
      return fail(origin + ":" + std::to_string(r.line) + ": forest '" + forest + "' (yes or no)");
    if (!out.emplace(code, forest == "yes").second)
      return fail(origin + ":" + std::to_string(r.line) + ": class " + code + " listed twice");
  }
  return out;
}

namespace {

// One coverage indicator as computed: the areas, the rule in words, the note, the layers used and
// the breakdown by township.
struct Computed {
  geo::Coverage c;
  std::string rules, note;
  std::vector<std::string> inputs;  // "name v<version> sha256" of every layer used: the provenance
  json townships = json::array();
};

// The features of the current layers of `kind` that `keep` accepts, and the layers' identities.
using Keep = std::function<Result<bool>(const geo::Layer&, const geo::Feature&)>;
Result<std::vector<std::string>> features_of(const std::vector<geo::Layer>& layers, const std::string& kind,
                                             std::vector<std::string>* inputs, const Keep& keep = {}) {
  std::vector<std::string> out;
  for (const auto& l : layers) {
    if (l.kind != kind) continue;
    inputs->push_back(layer_identity(l));
    for (const auto& f : l.features) {
      if (keep) {
        auto k = keep(l, f);
        if (!k) return tl::unexpected(k.error());
        if (!*k) continue;
      }
      out.push_back(f.wkb);
    }
  }
  return out;
}

bool has_kind(const std::vector<geo::Layer>& layers, const std::string& kind) {
  return std::any_of(layers.begin(), layers.end(), [&](const geo::Layer& l) { return l.kind == kind; });
}

// The layer kinds a method needs; a cross-check whose layers are absent is skipped, a rated method fails.
std::vector<std::string> kinds_needed(const std::string& method) {
  if (method == "geo.protected_area_share") return {"county", "nature_reserve"};
  if (method == "geo.forest_share") return {"county", "land_cover"};
  if (method == "geo.park_5min_coverage") return {"park", "residential"};
  if (method == "geo.park_5min_network") return {"park", "residential", "road"};
  return {};
}

// Square kilometres to four decimals (100 m²), for the record.
double km2(double m2) { return std::round(m2 / 1e6 * 1e4) / 1e4; }

Result<Computed> compute(const std::string& method, const std::vector<geo::Layer>& layers,
                         const std::string& zoning_dir) {
  Computed r;
  const char* gbt8170 = "percent rounded to 1 decimal by GB/T 8170";
  if (method == "geo.protected_area_share" || method == "geo.forest_share") {
    auto county = features_of(layers, "county", &r.inputs);
    if (!county) return tl::unexpected(county.error());
    if (county->size() != 1) return fail(method + ": needs one county outline (a layer of kind county)");
    Result<std::vector<std::string>> parts = std::vector<std::string>{};
    if (method == "geo.protected_area_share") {
      parts = features_of(layers, "nature_reserve", &r.inputs);
      r.rules = std::string(
                    "union of the nature_reserve layers ∩ the county outline; areas on the CGCS2000 ellipsoid (PROJ "
                    "geodesic); ") +
                gbt8170;
    } else {
      // 森林覆盖率 as land classes: the forest classes of land-cover-classes.csv (GB/T 21010-2017).
      auto text = read_file(zoning_dir + "/land-cover-classes.csv");
      if (!text) return tl::unexpected(text.error());
      auto classes = parse_land_classes(*text, "land-cover-classes.csv");
      if (!classes) return tl::unexpected(classes.error());
      parts =
          features_of(layers, "land_cover", &r.inputs, [&](const geo::Layer& l, const geo::Feature& f) -> Result<bool> {
            auto it = classes->find(f.code);
            if (it == classes->end())
              return fail("layer " + l.name + " feature " + f.id + ": land class '" + f.code +
                          "' is not in land-cover-classes.csv (GB/T 21010-2017 codes)");
            return it->second;
          });
      std::string forest;
      for (const auto& [code, yes] : *classes)
        if (yes) forest += (forest.empty() ? "" : " ") + code;
      r.rules = "union of the land_cover features of forest classes (GB/T 21010-2017: " + forest +
                ") ∩ the county outline; areas on the CGCS2000 ellipsoid; " + gbt8170;
    }
    if (!parts) return tl::unexpected(parts.error());
    auto c = geo::coverage(*parts, county->front());
    if (!c) return tl::unexpected(c.error());
    r.c = std::move(*c);
    char note[256];
    std::snprintf(note, sizeof note, "%s %.2f km² / 县域 %.2f km²（2000国家大地坐标系椭球面积）",
                  method == "geo.forest_share" ? "林地" : "自然保护地", r.c.covered_m2 / 1e6, r.c.whole_m2 / 1e6);
    r.note = note;
  } else {
    // 公园绿地、广场步行5分钟覆盖率 (docs/reference/zoning-compensation.md §7): residential land within
    // 300 m (≈ 5 minutes' walk) of a park or square of at least 400 m² — by buffer, or along the
    // walking network (every road but expressways).
    auto parks = features_of(layers, "park", &r.inputs);
    auto homes = features_of(layers, "residential", &r.inputs);
    if (!parks) return tl::unexpected(parks.error());
    if (!homes) return tl::unexpected(homes.error());
    if (homes->empty()) return fail("5-minute park coverage: no layer of kind residential");
    bool network = method == "geo.park_5min_network";
    Result<geo::Coverage> c = geo::Coverage{};
    if (network) {
      auto ways = features_of(layers, "road", &r.inputs, [](const geo::Layer&, const geo::Feature& f) -> Result<bool> {
        return f.zone != "expressway";
      });
      if (!ways) return tl::unexpected(ways.error());
      c = geo::network_service_coverage(*parks, 400, *ways, *homes, geo::Walk{});
      r.rules = std::string(
                    "residential land within 300 m along the walking network (roads except expressways, "
                    "noded, densified to 20 m; entrances within 50 m of the site; reached lines buffered "
                    "30 m) of parks and squares of at least 400 m²; in GK CM 111E, areas on the CGCS2000 "
                    "ellipsoid; ") +
                gbt8170;
    } else {
      c = geo::service_coverage(*parks, 400, 300, *homes);
      r.rules = std::string(
                    "residential land within 300 m (5 minutes' walk, buffer method) of parks and squares of "
                    "at least 400 m²; buffers in GK CM 111E, areas on the CGCS2000 ellipsoid; ") +
                gbt8170;
    }
    if (!c) return tl::unexpected(c.error());
    r.c = std::move(*c);
    char note[256];
    std::snprintf(note, sizeof note, "覆盖居住用地 %.2f 公顷 / 居住用地 %.2f 公顷（%s）", r.c.covered_m2 / 1e4,
                  r.c.whole_m2 / 1e4, network ? "步行网络 300 米" : "服务半径 300 米，缓冲区法");
    r.note = note;
  }
  // By township, where a township layer is present (the dashboard's choropleth).
  Townships towns = townships_of(layers);
  r.inputs.insert(r.inputs.end(), towns.identities.begin(), towns.identities.end());
  auto parts = geo::coverage_by_zone(r.c, towns.wkb);
  if (!parts) return tl::unexpected(parts.error());
  for (size_t i = 0; i < towns.wkb.size(); ++i) {
    const auto& p = (*parts)[i];
    if (p.whole_m2 < 1) continue;  // nothing to assess there (no residential land, say)
    r.townships.push_back({{"code", towns.names[i].first},
                           {"name", towns.names[i].second},
                           {"value", percent_one_decimal(p.share())},
                           {"covered_km2", km2(p.covered_m2)},
                           {"whole_km2", km2(p.whole_m2)}});
  }
  return r;
}

}  // namespace

Result<std::vector<CoverageValue>> coverage_indicators(store::Store& s, const plan::Plan& plan, int year, bool record,
                                                       const std::string& zoning_dir) {
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  std::vector<CoverageValue> out;
  for (const auto& t : plan.targets) {
    for (const char* role : {"measure", "check"}) {
      bool check = std::string(role) == "check";
      const std::string& method = check ? t.measure.check_method : t.measure.method;
      const std::string& version = check ? t.measure.check_version : t.measure.version;
      auto needed = kinds_needed(method);
      if (needed.empty()) continue;  // not a layer method
      if (check && !std::all_of(needed.begin(), needed.end(), [&](const auto& k) { return has_kind(*layers, k); }))
        continue;  // a cross-check runs only where its layers are (the network needs roads)
      auto r = compute(method, *layers, zoning_dir);
      if (!r) return tl::unexpected(r.error());
      CoverageValue v{t.indicator,
                      std::to_string(year),
                      percent_one_decimal(r->c.share()),
                      method,
                      role,
                      r->c.covered_m2 / 1e6,
                      r->c.whole_m2 / 1e6,
                      r->townships.size(),
                      0};
      std::sort(r->inputs.begin(), r->inputs.end());
      std::string input_sha = text::sha256_hex(text::join(r->inputs, "\n"));
      if (record) {
        // A cross-check is recorded as a run of its own and never becomes the target's measurement.
        ComputedRun run{v.period,
                        method,
                        version,
                        r->rules,
                        input_sha,
                        v.value,
                        "layers: " + text::join(r->inputs, "; "),
                        json{{"kind", "coverage"},
                             {"role", role},
                             {"covered_km2", km2(r->c.covered_m2)},
                             {"whole_km2", km2(r->c.whole_m2)},
                             {"layers", r->inputs},
                             {"note", r->note},
                             {"by_township", r->townships}}
                            .dump(),
                        r->note,
                        !check};
        auto id = record_computed_run(s, t, run);
        if (!id) return tl::unexpected(id.error());
        v.run_id = *id;
      }
      out.push_back(v);
    }
  }
  return out;
}

std::string layer_identity(const geo::Layer& l) {
  return l.name + " v" + std::to_string(l.version) + " " + l.source_sha256;
}

Townships townships_of(const std::vector<geo::Layer>& layers) {
  Townships t;
  for (const auto& l : layers) {
    if (l.kind != "township") continue;
    t.identities.push_back(layer_identity(l));
    for (const auto& f : l.features) {
      t.wkb.push_back(f.wkb);
      t.names.emplace_back(f.code.empty() ? f.id : f.code, f.name);
    }
  }
  return t;
}

Result<std::string> township_geojson(store::Store& s) {
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  Townships towns = townships_of(*layers);
  json features = json::array();
  for (size_t i = 0; i < towns.wkb.size(); ++i) {
    auto g = geo::geojson_of(towns.wkb[i]);
    if (!g) return tl::unexpected(g.error());
    features.push_back({{"type", "Feature"},
                        {"properties", {{"code", towns.names[i].first}, {"name", towns.names[i].second}}},
                        {"geometry", json::parse(*g)}});
  }
  return json({{"type", "FeatureCollection"}, {"features", features}})
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> township_breakdown_json(store::Store& s, const plan::Plan& plan, const std::string& target_id) {
  const plan::Target* target = nullptr;
  for (const auto& t : plan.targets)
    if (t.id == target_id) target = &t;
  if (!target) return fail("no target '" + target_id + "'");
  auto runs = s.assessment_runs(target->indicator, "", 200);  // newest first
  if (!runs) return tl::unexpected(runs.error());
  json views = json::array();
  for (const char* role : {"measure", "check"}) {
    const std::string& method = std::string(role) == "check" ? target->measure.check_method : target->measure.method;
    if (method.empty()) continue;
    auto last = std::find_if(runs->begin(), runs->end(), [&](const auto& x) { return x.method == method; });
    if (last == runs->end()) continue;
    json detail = json::parse(last->detail, nullptr, false);
    if (!detail.is_object() || !detail.contains("by_township")) continue;  // a run without a breakdown
    views.push_back({{"role", role},
                     {"method", last->method},
                     {"method_version", last->method_version},
                     {"period", last->period},
                     {"value", last->value},
                     {"run_id", last->id},
                     {"computed_at", last->computed_at},
                     {"note", detail.value("note", "")},
                     {"townships", detail["by_township"]}});
  }
  auto polygons = township_geojson(s);
  if (!polygons) return tl::unexpected(polygons.error());
  json doc = {{"target", target->id},
              {"indicator", target->indicator},
              {"unit", target->unit},
              {"views", views},
              {"townships", json::parse(*polygons)}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string layers_json(const std::vector<store::SpatialLayer>& layers) {
  json a = json::array();
  for (const auto& l : layers)
    a.push_back({{"id", l.id},
                 {"name", l.name},
                 {"kind", l.kind},
                 {"version", l.version},
                 {"features", l.feature_count},
                 {"source", l.source},
                 {"source_sha256", l.source_sha256},
                 {"source_crs", l.source_crs},
                 {"imported_at", l.imported_at}});
  return a.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string screening_json(const geo::Screening& r, const std::string& industry) {
  json overlaps = json::array(), nearby = json::array(), clauses = json::array(), findings = json::array();
  for (const auto& o : r.overlaps)
    overlaps.push_back({{"kind", o.kind},
                        {"layer", o.layer},
                        {"feature", o.feature},
                        {"name", o.name},
                        {"code", o.code},
                        {"zone", o.zone},
                        {"area_m2", std::round(o.area_m2 * 100) / 100},
                        {"share", std::round(o.share * 1e6) / 1e6}});
  for (const auto& n : r.nearby)
    nearby.push_back({{"kind", n.kind},
                      {"layer", n.layer},
                      {"feature", n.feature},
                      {"name", n.name},
                      {"zone", n.zone},
                      {"distance_m", std::round(n.distance_m * 10) / 10}});
  for (const auto& c : r.clauses)
    clauses.push_back({{"unit_code", c.clause.unit_code},
                       {"dimension", c.clause.dimension},
                       {"rule", c.clause.rule},
                       {"text", c.clause.text},
                       {"source", c.clause.source},
                       {"applies", c.applies}});
  for (const auto& f : r.findings)
    findings.push_back({{"verdict", f.verdict}, {"reason", f.reason}, {"basis", f.basis}});
  json doc = {{"project_area_m2", std::round(r.project_area_m2 * 100) / 100},
              {"industry", industry},
              {"verdict", r.verdict},
              {"verdict_label", screening_verdict_label(r.verdict)},
              {"findings", findings},
              {"overlaps", overlaps},
              {"nearby", nearby},
              {"clauses", clauses},
              {"method", "GEOS 3.11 over CGCS2000 / 3-degree Gauss-Kruger CM 111E (EPSG:4546); rules data/zoning"}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace shanshui::service
