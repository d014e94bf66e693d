// cli_geo.cpp: the one map on the command line — `layer import|list|export|demo` and `screen`.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.h"
#include "app/context.h"
#include "core/civil_time.h"
#include "core/text.h"
#include "geo/demo.h"
#include "geo/layer.h"
#include "geo/screen.h"
#include "service/tracking.h"
#include "service/zoning.h"

namespace shanshui::app {

using json = nlohmann::json;

std::string default_zoning_dir() { return std::string(SHANSHUI_SOURCE_DIR) + "/data/zoning"; }

int layer_import(const Common& c, const LayerImportArgs& a) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  geo::ReadOptions o;
  o.kind = a.kind;
  o.name = a.name;
  o.encoding = a.encoding;
  o.assume_crs = a.crs;
  o.repair = a.repair;
  std::vector<geo::GeometryProblem> problems;
  auto l = service::import_layer(**st, a.file, o, &problems);
  for (const auto& p : problems)
    std::cerr << a.file << ": feature " << p.feature << ": " << p.reason << " at " << p.lon << ", " << p.lat
              << (a.repair ? " (repaired)" : "") << "\n";
  if (!l) return refuse(l.error().message);
  std::cout << "layer " << l->name << " (" << l->kind << ") version " << l->version << ": " << l->feature_count
            << " features from " << l->source << ", " << l->source_crs << "\n";
  return 0;
}

int layer_list(const Common& c) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto layers = (*st)->layers();
  if (!layers) return refuse(layers.error().message);
  if (c.json) {
    std::cout << service::layers_json(*layers) << "\n";
    return 0;
  }
  for (const auto& l : *layers)
    std::cout << text::pad_right(l.name, 24) << text::pad_right(l.kind, 22) << "v" << l.version << "  "
              << l.feature_count << " 个要素  " << l.source_crs << "  " << l.source << "\n";
  return 0;
}

int layer_export(const Common& c, const std::string& out) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto layers = service::current_layers(**st);
  if (!layers) return refuse(layers.error().message);
  if (auto s = geo::write_geopackage(*layers, out); !s) return refuse(s.error().message);
  std::cout << out << ": " << layers->size() << " layers (GeoPackage, EPSG:4490)\n";
  return 0;
}

int layer_demo(const Common& c, const std::string& dir) {
  auto layers = geo::demo_layers();
  if (!layers) return refuse(layers.error().message);
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  std::string out = dir.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/var/demo-layers" : dir;
  std::filesystem::create_directories(out);
  // Each demo layer is written as a file and imported like any other: the demo exercises the import path.
  for (const auto& l : *layers) {
    std::string path = out + "/" + l.kind + ".geojson";
    if (auto s = geo::write_geojson(l, path); !s) return refuse(s.error().message);
    geo::ReadOptions o;
    o.kind = l.kind;
    o.name = l.name;
    o.id_field = "id";
    o.name_field = "name";
    o.code_field = "code";
    o.zone_field = "zone";
    auto stored = service::import_layer(**st, path, o, nullptr);
    if (!stored) return refuse(stored.error().message);
    std::cout << "demo layer " << stored->name << " (" << stored->kind << "): " << stored->feature_count
              << " features\n";
  }
  return 0;
}

int coverage(const Common& c, int year, bool record) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto p = service::stored_plan(**st);
  if (!p) return refuse(p.error().message);
  if (!*p) return refuse("no plan imported yet (shanshui plan import)");
  int y = year ? year : Date::today_beijing().year;
  auto values = service::coverage_indicators(**st, **p, y, record, default_zoning_dir());
  if (!values) return refuse(values.error().message);
  if (c.json) {
    json a = json::array();
    for (const auto& v : *values)
      a.push_back({{"indicator", v.indicator},
                   {"period", v.period},
                   {"value", v.value},
                   {"method", v.method},
                   {"role", v.role},
                   {"townships", v.townships},
                   {"covered_km2", v.covered_km2},
                   {"whole_km2", v.whole_km2},
                   {"run", v.run_id}});
    std::cout << a.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& v : *values)
    std::printf("%s %s：%s%%（%.2f / %.2f km²；%s %s；%zu 个乡镇（街道）分项）%s\n", v.indicator.c_str(),
                v.period.c_str(), v.value.c_str(), v.covered_km2, v.whole_km2, v.method.c_str(),
                v.role == "check" ? "核验" : "计量", v.townships,
                v.run_id ? (" 已记录，评估运行 #" + std::to_string(v.run_id)).c_str() : (record ? " 与上次相同" : ""));
  return 0;
}

int screen(const Common& c, const ScreenArgs& a) {
  std::ifstream in(a.project, std::ios::binary);
  if (!in) return refuse(a.project + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  auto wkb = geo::geometry_from_geojson(text.str());
  if (!wkb) return refuse(a.project + ": " + wkb.error().message);
  if (auto s = geo::check_industry(a.industry); !s) return refuse(s.error().message);
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto screener = service::build_screener(**st, a.zoning.empty() ? default_zoning_dir() : a.zoning);
  if (!screener) return refuse(screener.error().message);
  auto r = (*screener)->screen({*wkb, a.radius_m, a.buffer_m, a.industry});
  if (!r) return refuse(a.project + ": " + r.error().message);
  if (c.json) {
    std::cout << service::screening_json(*r, a.industry) << "\n";
    return 0;
  }
  std::printf("项目用地 %.0f m²（%.2f 公顷）%s\n", r->project_area_m2, r->project_area_m2 / 1e4,
              a.industry.empty() ? "" : ("，行业 " + a.industry).c_str());
  std::printf("研判结论：%s\n", service::screening_verdict_label(r->verdict));
  for (const auto& f : r->findings)
    std::printf("  [%s] %s%s%s\n", service::screening_verdict_label(f.verdict), f.reason.c_str(),
                f.basis.empty() ? "" : " —— ", f.basis.c_str());
  std::printf("涉及图层：\n");
  for (const auto& o : r->overlaps)
    std::printf("  %s｜%s %s：%.0f m²，占项目 %.1f%%\n", o.layer.c_str(),
                o.name.empty() ? o.feature.c_str() : o.name.c_str(), o.code.c_str(), o.area_m2, 100 * o.share);
  std::printf("周边 %.0f 米内最近的要素：\n", geo::Screener::kSearchRadiusM);
  for (const auto& n : r->nearby)
    std::printf("  %s｜%s：%.0f m\n", n.layer.c_str(), n.name.empty() ? n.feature.c_str() : n.name.c_str(),
                n.distance_m);
  std::printf("适用的准入清单条款：\n");
  for (const auto& cl : r->clauses)
    std::printf("  %s %s/%s：%s（%s；%s）\n", cl.clause.unit_code.c_str(), cl.clause.dimension.c_str(),
                cl.clause.rule.c_str(), cl.clause.text.c_str(), cl.clause.source.c_str(), cl.applies.c_str());
  return 0;
}

}  // namespace shanshui::app
