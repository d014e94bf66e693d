// zoning.cpp: layers in the store, screening rules and the access list as data (see zoning.h).
#include "service/zoning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/decimal.h"
#include "core/text.h"
#include "geo/crs.h"
#include "plan/loader.h"
#include "service/csv.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

Result<CsvTable> table(const std::string& text, const std::string& origin, const std::vector<std::string>& columns) {
  std::string body;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) body += (line.rfind('#', 0) == 0 ? "" : line) + "\n";
  auto t = parse_csv(body, origin);
  if (!t) return tl::unexpected(t.error());
  for (const auto& c : columns)
    if (t->column(c) < 0) return fail(origin + ":1: missing column '" + c + "'");
  return t;
}

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
  auto t = table(text, origin, {"kind", "zone", "relation", "distance_m", "industries", "verdict", "reason", "basis"});
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
  auto t = table(text, origin, {"unit_code", "dimension", "rule", "industries", "text", "source"});
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
  auto rules_text = plan::read_file(zoning_dir + "/rules.csv");
  if (!rules_text) return tl::unexpected(rules_text.error());
  auto list_text = plan::read_file(zoning_dir + "/access-list.csv");
  if (!list_text) return tl::unexpected(list_text.error());
  auto rules = parse_rules(*rules_text, "rules.csv");
  if (!rules) return tl::unexpected(rules.error());
  auto clauses = parse_access_list(*list_text, "access-list.csv");
  if (!clauses) return tl::unexpected(clauses.error());
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  return geo::Screener::build(*layers, std::move(*rules), std::move(*clauses));
}

namespace {

// One coverage indicator as computed: the areas, the rule in words, the note, the layers used.
struct Computed {
  geo::Coverage c;
  std::string rules, note;
  std::vector<std::string> inputs;  // "name v<version> sha256" of every layer used: the provenance
};

// The features of the current layers of `kinds`, and the layers' identities.
std::vector<std::string> features_of(const std::vector<geo::Layer>& layers, const std::string& kind,
                                     std::vector<std::string>* inputs) {
  std::vector<std::string> out;
  for (const auto& l : layers) {
    if (l.kind != kind) continue;
    inputs->push_back(l.name + " v" + std::to_string(l.version) + " " + l.source_sha256);
    for (const auto& f : l.features) out.push_back(f.wkb);
  }
  return out;
}

Result<Computed> compute(const std::string& method, const std::vector<geo::Layer>& layers) {
  Computed r;
  if (method == "geo.protected_area_share") {
    auto county = features_of(layers, "county", &r.inputs);
    auto parts = features_of(layers, "nature_reserve", &r.inputs);
    if (county.size() != 1) return fail("protected-area share: needs one county outline (a layer of kind county)");
    if (parts.empty()) return fail("protected-area share: no layer of kind nature_reserve");
    auto c = geo::coverage(parts, county.front());
    if (!c) return tl::unexpected(c.error());
    r.c = *c;
    r.rules =
        "union of the nature_reserve layers ∩ the county outline; areas on the CGCS2000 ellipsoid (PROJ "
        "geodesic); percent rounded to 1 decimal by GB/T 8170";
    char note[256];
    std::snprintf(note, sizeof note, "自然保护地 %.2f km² / 县域 %.2f km²（CGCS2000 椭球面积）", c->covered_m2 / 1e6,
                  c->whole_m2 / 1e6);
    r.note = note;
    return r;
  }
  // 公园绿地、广场步行5分钟覆盖率 by the buffer method: residential land within 300 m (≈ 5 minutes'
  // walk) of a park or square of at least 400 m² (docs/reference/zoning-compensation.md §7).
  auto parks = features_of(layers, "park", &r.inputs);
  auto homes = features_of(layers, "residential", &r.inputs);
  if (homes.empty()) return fail("5-minute park coverage: no layer of kind residential");
  auto c = geo::service_coverage(parks, 400, 300, homes);
  if (!c) return tl::unexpected(c.error());
  r.c = *c;
  r.rules =
      "residential land within 300 m (5 minutes' walk, buffer method) of parks and squares of at least "
      "400 m²; buffers in GK CM 111E, areas on the CGCS2000 ellipsoid; percent rounded to 1 decimal by GB/T "
      "8170";
  char note[256];
  std::snprintf(note, sizeof note, "覆盖居住用地 %.2f 公顷 / 居住用地 %.2f 公顷（服务半径 300 米，缓冲区法）",
                c->covered_m2 / 1e4, c->whole_m2 / 1e4);
  r.note = note;
  return r;
}

}  // namespace

Result<std::vector<CoverageValue>> coverage_indicators(store::Store& s, const plan::Plan& plan, int year, bool record) {
  auto layers = current_layers(s);
  if (!layers) return tl::unexpected(layers.error());
  std::vector<CoverageValue> out;
  for (const auto& t : plan.targets) {
    if (t.measure.method != "geo.protected_area_share" && t.measure.method != "geo.park_5min_coverage") continue;
    auto r = compute(t.measure.method, *layers);
    if (!r) return tl::unexpected(r.error());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", 100 * r->c.share());
    auto exact = Decimal::parse(buf);
    if (!exact) return tl::unexpected(exact.error());
    CoverageValue v{t.indicator,           std::to_string(year), exact->round_half_even(1).str(),
                    r->c.covered_m2 / 1e6, r->c.whole_m2 / 1e6,  0};
    std::sort(r->inputs.begin(), r->inputs.end());
    std::string input_sha = text::sha256_hex(text::join(r->inputs, "\n"));
    if (record) {
      auto runs = s.assessment_runs(t.indicator, v.period, 1);
      if (!runs) return tl::unexpected(runs.error());
      bool same = !runs->empty() && runs->front().value == v.value && runs->front().input_sha256 == input_sha;
      if (!same) {
        store::AssessmentRun run{0,
                                 t.indicator,
                                 v.period,
                                 t.measure.method,
                                 t.measure.version,
                                 r->rules,
                                 input_sha,
                                 v.value,
                                 "layers: " + text::join(r->inputs, "; "),
                                 json{{"kind", "coverage"},
                                      {"covered_km2", std::round(v.covered_km2 * 1e4) / 1e4},
                                      {"whole_km2", std::round(v.whole_km2 * 1e4) / 1e4},
                                      {"layers", r->inputs},
                                      {"note", r->note}}
                                     .dump(),
                                 ""};
        std::vector<store::Measurement> rows = {{0, t.indicator, v.period, v.value, "computed", t.measure.method,
                                                 t.measure.version, "layers sha256:" + input_sha, t.measure.by_id,
                                                 r->note, ""}};
        auto id = s.record_assessment(run, rows);
        if (!id) return tl::unexpected(id.error());
        v.run_id = *id;
      }
    }
    out.push_back(v);
  }
  return out;
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
