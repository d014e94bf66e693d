// routes_geo.cpp: the one map over HTTP — the layer catalogue, a layer's features as GeoJSON for
// the map, and POST /api/screen (三线一单 pre-screening). A Screener is built per worker thread
// and rebuilt when a layer is imported.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "export/exports.h"
#include "geo/layer.h"
#include "geo/screen.h"
#include "http/api.h"
#include "plan/loader.h"
#include "service/auth.h"
#include "service/gep.h"
#include "service/zoning.h"

namespace shanshui::http {
namespace {

// This thread's screener over the current layers; rebuilt when the newest layer id changes.
Result<const geo::Screener*> screener(Ctx& c) {
  thread_local std::unique_ptr<geo::Screener> cached;
  thread_local std::string key;
  auto layers = c.store.layers();
  if (!layers) return tl::unexpected(layers.error());
  std::string now = c.db_path + "#" + (layers->empty() ? "0" : std::to_string(layers->back().id));
  if (!cached || key != now) {
    auto built = service::build_screener(c.store, std::string(SHANSHUI_SOURCE_DIR) + "/data/zoning");
    if (!built) return tl::unexpected(built.error());
    cached = std::move(*built);
    key = now;
  }
  return cached.get();
}

// Screening is open to anyone and costs CPU: at most this many run at once, the rest get 503 and a
// Retry-After, so strangers cannot take every worker from the county's own users.
constexpr int kMaxConcurrentScreenings = 2;
std::atomic<int> screenings{0};

// A number from the body: a JSON number or numeric text; `fallback` when absent.
std::optional<double> number(const json& b, const char* key, double fallback) {
  if (!b.contains(key) || b[key].is_null()) return fallback;
  if (b[key].is_number()) return b[key].get<double>();
  return std::nullopt;
}

}  // namespace

std::vector<Route> geo_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/layers", "The one map's layers: every stored version with its kind, source and CRS",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 auto layers = c.store.layers();
                 if (!layers) return send_internal(c.res, layers.error().message);
                 send_json(c.res, 200, service::layers_json(*layers));
               },
               /*cached=*/true});
  r.push_back({"GET", "/api/layers/{id}", "One layer version's features as GeoJSON (RFC 7946, lon/lat)",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 int64_t id = 0;
                 try {
                   id = std::stoll(c.arg);
                 } catch (...) {
                   return send_error(c.res, 400, "the id must be a number");
                 }
                 auto features = c.store.layer_features(id);
                 if (!features) return send_internal(c.res, features.error().message);
                 if (features->empty()) return send_error(c.res, 404, "no layer " + c.arg);
                 json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
                 for (const auto& f : *features) {
                   auto g = geo::geojson_of(f.wkb);
                   if (!g) return send_internal(c.res, g.error().message);
                   fc["features"].push_back({{"type", "Feature"},
                                             {"id", f.fid},
                                             {"properties",
                                              {{"name", f.name},
                                               {"code", f.code},
                                               {"zone", f.zone},
                                               {"attributes", json::parse(f.attributes, nullptr, false)}}},
                                             {"geometry", json::parse(*g)}});
                 }
                 send_json(c.res, 200, dump(fc));
               },
               /*cached=*/true});
  r.push_back({"GET", "/api/gep",
               "The recorded ecosystem account (GEP) of ?year= (default the latest): value by service and category, "
               "GEP/GDP under its definition, 水土保持率, forest coverage, townships, price sensitivity, inputs with "
               "their hashes",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 int year = 0;
                 if (auto y = c.req.get_param_value("year"); !y.empty()) {
                   if (y.size() != 4 ||
                       !std::all_of(y.begin(), y.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                     return send_error(c.res, 400, "year must be a number like 2025");
                   year = std::stoi(y);
                 }
                 auto doc = service::gep_json(c.store, year);
                 if (!doc) return send_error(c.res, 404, doc.error().message);
                 send_json(c.res, 200, *doc);
               },
               /*cached=*/true, /*cache_query=*/{"year"}});
  r.push_back({"GET", "/api/targets/{id}/townships",
               "A target computed from the layers, by township: its latest measure and cross-check runs with "
               "each township's value, and the township polygons (GeoJSON) for the choropleth",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto doc = service::township_breakdown_json(c.store, *p, c.arg);
                 if (!doc) {
                   if (doc.error().message.rfind("no target", 0) == 0)
                     return send_error(c.res, 404, doc.error().message);
                   return send_internal(c.res, doc.error().message);
                 }
                 send_json(c.res, 200, *doc);
               },
               /*cached=*/true});
  r.push_back(
      {"POST", "/api/screen",
       "三线一单 pre-screening {project: GeoJSON geometry or Feature (lon/lat), industry?: GB/T 4754 code, radius_m?: "
       "for a point, buffer_m?: for a line}: overlaps, nearby protected features, access-list clauses, verdict with "
       "reasons; ?format=xlsx: the same as a workbook to file; open to anyone (investors screen before they apply); "
       "nothing is stored",
       Access::open(), [](Ctx& c) {
         auto parsed = body_json(c);
         if (!parsed) return;
         const json& b = *parsed;
         if (!b.is_object() || !b.contains("project") || !b["project"].is_object())
           return send_error(c.res, 400, "send {\"project\": GeoJSON, \"industry\": …}");
         auto wkb = geo::geometry_from_geojson(b["project"].dump());
         if (!wkb) return send_error(c.res, 400, wkb.error().message);
         std::string industry = field(b, "industry");
         auto radius = number(b, "radius_m", 0), buffer = number(b, "buffer_m", 0);
         if (!radius || !buffer) return send_error(c.res, 400, "radius_m and buffer_m: numbers of metres");
         struct Slot {
           bool held = ++screenings <= kMaxConcurrentScreenings;
           ~Slot() { --screenings; }
         } slot;
         if (!slot.held) {
           c.res.set_header("Retry-After", "1");
           return send_error(c.res, 503, "too many screenings at once; try again in a second");
         }
         auto s = screener(c);
         if (!s) return send_internal(c.res, s.error().message);
         auto result = (*s)->screen({*wkb, *radius, *buffer, industry});
         if (!result) return send_error(c.res, 400, result.error().message);
         std::string format = c.req.get_param_value("format");
         if (format == "xlsx") {  // the report to file: the same screening as a workbook
           std::string today = Date::today_beijing().iso();
           std::string path = "/tmp/shanshui-screen-" + service::random_token().substr(0, 16) + ".xlsx";
           auto st = exporting::write_screening_xlsx(*result, industry, today, path);
           auto bytes = st ? read_file(path) : Result<std::string>(tl::unexpected(st.error()));
           std::remove(path.c_str());
           if (!bytes) return send_internal(c.res, bytes.error().message);
           set_attachment(c.res, "项目预筛查_" + today + ".xlsx", "screening.xlsx");
           return c.res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
         }
         if (!format.empty() && format != "json") return send_error(c.res, 400, "format: json or xlsx");
         send_json(c.res, 200, service::screening_json(*result, industry));
       }});
  return r;
}

}  // namespace shanshui::http
