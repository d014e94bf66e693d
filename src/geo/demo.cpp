// demo.cpp: the demo layers (see demo.h). Shapes are built in Gauss–Krüger metres (buffers and
// distances mean what they say) from the reference outline and centres, and stored as lon/lat.
#include "geo/demo.h"

#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <utility>

#include "geo/crs.h"
#include "geo/geos_util.h"

namespace shanshui::geo {
namespace {

using detail::from_wkb;
using detail::Geom;
using detail::geos;
using detail::to_wkb;

constexpr const char* kDemoNote = "演示近似数据（据项目参考资料 docs/reference/wushan.md 推算，非官方边界）";

// The county outline (docs/reference/wushan.md §1, ≈1 km resolution), lon/lat.
constexpr const char* kCounty =
    "POLYGON((109.57 31.25, 109.59 31.22, 109.63 31.22, 109.62 31.20, 109.64 31.18, 109.67 31.19, 109.71 31.17, "
    "109.74 31.18, 109.78 31.15, 109.76 31.11, 109.73 31.10, 109.72 31.07, 109.60 31.01, 109.61 30.99, 109.60 30.95, "
    "109.61 30.91, 109.57 30.89, 109.58 30.87, 109.61 30.86, 109.66 30.76, 109.79 30.85, 109.90 30.89, 109.94 30.89, "
    "109.95 30.87, 110.01 30.90, 110.02 30.83, 110.06 30.80, 110.08 30.81, 110.15 30.91, 110.17 30.98, 110.16 30.99, "
    "110.14 30.99, 110.15 31.02, 110.12 31.03, 110.14 31.06, 110.13 31.09, 110.20 31.16, 110.18 31.18, 110.18 31.21, "
    "110.16 31.26, 110.17 31.29, 110.14 31.37, 110.15 31.39, 110.12 31.41, 110.06 31.41, 110.04 31.44, 110.00 31.47, "
    "109.94 31.48, 109.94 31.42, 109.92 31.39, 109.83 31.39, 109.79 31.38, 109.79 31.36, 109.76 31.35, 109.73 31.36, "
    "109.71 31.30, 109.67 31.29, 109.64 31.31, 109.57 31.25))";

struct Town {
  const char* name;
  const char* code;
  double lon, lat;
};
// The 26 townships and their centres (docs/reference/wushan.md §2; centres APPROX).
constexpr Town kTowns[] = {
    {"高唐街道", "500237001", 109.878, 31.077}, {"龙门街道", "500237002", 109.900, 31.095},
    {"庙宇镇", "500237101", 109.700, 30.830},   {"大昌镇", "500237102", 109.800, 31.270},
    {"福田镇", "500237103", 109.940, 31.230},   {"龙溪镇", "500237104", 109.680, 31.250},
    {"双龙镇", "500237105", 109.860, 31.190},   {"官阳镇", "500237106", 109.970, 31.430},
    {"骡坪镇", "500237107", 109.960, 31.160},   {"抱龙镇", "500237108", 110.000, 30.980},
    {"官渡镇", "500237109", 109.900, 30.920},   {"铜鼓镇", "500237110", 109.790, 30.860},
    {"巫峡镇", "500237111", 109.950, 31.040},   {"红椿土家族乡", "500237200", 109.630, 30.900},
    {"两坪乡", "500237207", 110.010, 31.120},   {"曲尺乡", "500237208", 109.770, 31.060},
    {"建平乡", "500237210", 109.840, 31.000},   {"大溪乡", "500237211", 109.650, 31.000},
    {"金坪乡", "500237214", 109.800, 31.150},   {"平河乡", "500237216", 109.860, 31.330},
    {"当阳乡", "500237219", 110.020, 31.330},   {"竹贤乡", "500237222", 110.110, 31.230},
    {"三溪乡", "500237225", 109.730, 30.960},   {"培石乡", "500237227", 110.100, 31.050},
    {"笃坪乡", "500237229", 110.060, 31.100},   {"邓家土家族乡", "500237231", 110.080, 30.880},
};

// Course points of the Yangtze (west → east) and the 大宁河 (north → south), §3.1–3.2.
constexpr const char* kYangtze =
    "LINESTRING(109.61 31.01, 109.68 31.03, 109.76 31.045, 109.83 31.06, 109.885 31.075, 109.925 31.06, "
    "109.98 31.07, 110.03 31.05, 110.09 31.04, 110.12 31.04)";
constexpr const char* kDaning =
    "LINESTRING(109.71 31.30, 109.79 31.265, 109.85 31.20, 109.875 31.14, 109.89 31.10, 109.885 31.075)";

// Shapes in GK metres, built from lon/lat WKT.
struct Builder {
  static Geom from_wkt(const std::string& wkt) {
    GEOSWKTReader* r = GEOSWKTReader_create_r(geos());
    Geom g(GEOSWKTReader_read_r(geos(), r, wkt.c_str()));
    GEOSWKTReader_destroy_r(geos(), r);
    return g;
  }
  Result<Geom> gk(const std::string& wkt) {
    Geom g = from_wkt(wkt);
    if (!g) return fail("demo shape: " + detail::geos_error());
    auto m = to_analysis(to_wkb(g.get()));
    if (!m) return tl::unexpected(m.error());
    return from_wkb(*m);
  }
  Result<Geom> point(double lon, double lat) {
    return gk("POINT(" + std::to_string(lon) + " " + std::to_string(lat) + ")");
  }
  static Geom buffer(const GEOSGeometry* g, double m) { return Geom(GEOSBuffer_r(geos(), g, m, 12)); }
  static Geom inter(const GEOSGeometry* a, const GEOSGeometry* b) { return Geom(GEOSIntersection_r(geos(), a, b)); }
  static Geom minus(const GEOSGeometry* a, const GEOSGeometry* b) { return Geom(GEOSDifference_r(geos(), a, b)); }
  static Geom unite(const GEOSGeometry* a, const GEOSGeometry* b) { return Geom(GEOSUnion_r(geos(), a, b)); }
};

// A feature from a GK shape (stored as lon/lat).
Result<Feature> feature(const GEOSGeometry* gk, std::string id, std::string name, std::string code, std::string zone) {
  Geom clean(GEOSMakeValid_r(geos(), gk));
  auto ll = from_analysis(to_wkb(clean.get()));
  if (!ll) return tl::unexpected(ll.error());
  // Snapped to the 1e-7° grid GeoJSON files keep (RFC 7946 writers round to 7 decimals, ≈1 cm), so
  // that a written and re-read demo layer is still valid.
  Geom snapped(GEOSGeom_setPrecision_r(geos(), from_wkb(*ll).get(), 1e-7, 0));
  if (!snapped) return fail("demo feature " + id + ": " + detail::geos_error());
  Feature f{std::move(id),   std::move(name),           std::move(code),
            std::move(zone), {{"数据说明", kDemoNote}}, to_wkb(snapped.get())};
  if (!f.name.empty()) f.attributes["名称"] = f.name;
  return f;
}

Layer layer(const char* name, const char* kind) {
  Layer l;
  l.name = name;
  l.kind = kind;
  l.source = "shanshui demo layers";
  l.source_crs = "EPSG:4490";
  return l;
}

// The bounding box of a GK shape: min x, min y, max x, max y.
std::array<double, 4> bounds(const GEOSGeometry* g) {
  std::array<double, 4> b{};
  GEOSGeom_getXMin_r(geos(), g, &b[0]);
  GEOSGeom_getYMin_r(geos(), g, &b[1]);
  GEOSGeom_getXMax_r(geos(), g, &b[2]);
  GEOSGeom_getYMax_r(geos(), g, &b[3]);
  return b;
}

// `n` cells tiling `area` (GK): the Voronoi cells of n random points inside it, clipped to it, so
// that every cell keeps a part of it.
Result<std::vector<Geom>> voronoi_cells(const GEOSGeometry* area, int n, std::mt19937& rng) {
  auto [minx, miny, maxx, maxy] = bounds(area);
  std::uniform_real_distribution<double> ux(minx, maxx), uy(miny, maxy);
  detail::Prepared inside(GEOSPrepare_r(geos(), area));
  std::string mp = "MULTIPOINT(";
  char buf[64];
  for (int i = 0; i < n;) {
    double x = ux(rng), y = uy(rng);
    Geom p(GEOSGeom_createPointFromXY_r(geos(), x, y));
    if (GEOSPreparedContains_r(geos(), inside.get(), p.get()) != 1) continue;
    std::snprintf(buf, sizeof buf, "%s%.2f %.2f", i ? ", " : "", x, y);
    mp += buf;
    ++i;
  }
  Geom seeds = Builder::from_wkt(mp + ")");
  Geom cells(GEOSVoronoiDiagram_r(geos(), seeds.get(), nullptr, 0, 0));
  if (!cells) return fail("demo cells: " + detail::geos_error());
  std::vector<Geom> out;
  int count = GEOSGetNumGeometries_r(geos(), cells.get());
  for (int i = 0; i < count; ++i) {
    Geom cell = Builder::inter(GEOSGetGeometryN_r(geos(), cells.get(), i), area);
    if (cell && !GEOSisEmpty_r(geos(), cell.get())) out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace

Result<Layer> demo_control_units(int n, unsigned seed) {
  Builder b;
  auto county = b.gk(kCounty);
  if (!county) return tl::unexpected(county.error());
  std::mt19937 rng(seed);
  auto cells = voronoi_cells(county->get(), n, rng);
  if (!cells) return tl::unexpected(cells.error());
  Layer units = layer("生态环境管控单元（基准测试）", "control_unit");
  char buf[64];
  for (size_t i = 0; i < cells->size(); ++i) {
    int type = 1 + static_cast<int>(rng() % 3);
    std::snprintf(buf, sizeof buf, "ZH500237%d%04d", type, static_cast<int>(i % 9999) + 1);
    auto f = feature((*cells)[i].get(), buf, std::string("管控单元 ") + buf, buf, std::to_string(type));
    if (!f) return tl::unexpected(f.error());
    units.features.push_back(std::move(*f));
  }
  return units;
}

Result<std::vector<std::string>> demo_sites(int n, unsigned seed) {
  Builder b;
  auto county = b.gk(kCounty);
  if (!county) return tl::unexpected(county.error());
  auto [minx, miny, maxx, maxy] = bounds(county->get());
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ux(minx, maxx), uy(miny, maxy), side(50, 500);
  std::vector<std::string> out;
  char wkt[256];
  while (static_cast<int>(out.size()) < n) {
    double x = ux(rng), y = uy(rng), s = side(rng);
    std::snprintf(wkt, sizeof wkt, "POLYGON((%.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f))", x, y, x + s, y,
                  x + s, y + s, x, y + s, x, y);
    Geom sq = b.from_wkt(wkt);
    if (GEOSContains_r(geos(), county->get(), sq.get()) != 1) continue;
    auto ll = from_analysis(to_wkb(sq.get()));
    if (!ll) return tl::unexpected(ll.error());
    out.push_back(*ll);
  }
  return out;
}

Result<std::vector<Layer>> demo_layers() {
  Builder b;
  auto county = b.gk(kCounty);
  if (!county) return tl::unexpected(county.error());
  std::vector<Layer> out;
#define SS_ADD(layer_ref, ...)                      \
  do {                                              \
    auto f_ = feature(__VA_ARGS__);                 \
    if (!f_) return tl::unexpected(f_.error());     \
    (layer_ref).features.push_back(std::move(*f_)); \
  } while (0)

  Layer cl = layer("巫山县界", "county");
  SS_ADD(cl, county->get(), "500237", "巫山县", "500237", "");
  out.push_back(std::move(cl));

  // Townships: the Voronoi cells of their centres, clipped to the county.
  Layer towns = layer("乡镇（街道）", "township");
  {
    std::string mp = "MULTIPOINT(";
    for (const auto& t : kTowns)
      mp += (mp.back() == '(' ? "" : ", ") + std::to_string(t.lon) + " " + std::to_string(t.lat);
    auto seeds = b.gk(mp + ")");
    if (!seeds) return tl::unexpected(seeds.error());
    Geom env(GEOSEnvelope_r(geos(), Builder::buffer(county->get(), 5000).get()));
    Geom cells(GEOSVoronoiDiagram_r(geos(), seeds->get(), env.get(), 0, 0));
    int n = GEOSGetNumGeometries_r(geos(), cells.get());
    for (const auto& t : kTowns) {
      auto p = b.point(t.lon, t.lat);
      if (!p) return tl::unexpected(p.error());
      for (int i = 0; i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(geos(), cells.get(), i);
        if (GEOSContains_r(geos(), cell, p->get()) == 1) {
          Geom clipped = Builder::inter(cell, county->get());
          SS_ADD(towns, clipped.get(), t.code, t.name, t.code, "");
          break;
        }
      }
    }
  }
  out.push_back(std::move(towns));

  auto yangtze = b.gk(kYangtze);
  auto daning = b.gk(kDaning);
  if (!yangtze || !daning) return fail("demo rivers");
  Layer rivers = layer("主要河流", "river");
  SS_ADD(rivers, yangtze->get(), "yangtze", "长江", "", "mainstem");
  SS_ADD(rivers, daning->get(), "daning", "大宁河", "", "tributary");
  out.push_back(std::move(rivers));

  // 五里坡 national nature reserve (≈109.93–110.17°E, 31.20–31.47°N), core zone in its north-east.
  auto reserve_box = b.gk("POLYGON((109.95 31.22, 110.17 31.24, 110.17 31.47, 109.95 31.47, 109.95 31.22))");
  auto core_box = b.gk("POLYGON((110.00 31.33, 110.15 31.33, 110.15 31.45, 110.00 31.45, 110.00 31.33))");
  if (!reserve_box || !core_box) return fail("demo reserve");
  Geom reserve = Builder::inter(reserve_box->get(), county->get());
  Geom core = Builder::inter(core_box->get(), reserve.get());
  Geom general = Builder::minus(reserve.get(), core.get());
  Layer reserves = layer("自然保护地", "nature_reserve");
  SS_ADD(reserves, core.get(), "wulipo-core", "重庆五里坡国家级自然保护区（核心保护区）", "", "core");
  SS_ADD(reserves, general.get(), "wulipo-general", "重庆五里坡国家级自然保护区（一般控制区）", "", "general");
  // Natural parks (自然公园: scenic area, wetland park, forest park) — the rest of the county's
  // protected-area share (46.2 % in the plan, 五里坡 alone 11.9 %; docs/reference/wushan.md).
  auto wetland_c = b.point(109.79, 31.26);
  auto forest_c = b.point(109.95, 31.14);
  if (!wetland_c || !forest_c) return fail("demo parks");
  Geom scenic = Builder::unite(Builder::buffer(yangtze->get(), 5800).get(), Builder::buffer(daning->get(), 5800).get());
  scenic = Builder::minus(Builder::inter(scenic.get(), county->get()).get(), reserve.get());
  Geom wetland = Builder::minus(Builder::buffer(wetland_c->get(), 2160).get(), reserve.get());
  Geom forest = Builder::minus(Builder::buffer(forest_c->get(), 2500).get(), reserve.get());
  SS_ADD(reserves, scenic.get(), "sanxia-scenic", "长江三峡国家级风景名胜区（巫山段，含小三峡）", "", "natural_park");
  SS_ADD(reserves, Builder::inter(wetland.get(), county->get()).get(), "dachang-wetland", "重庆大昌湖国家湿地公园", "",
         "natural_park");
  SS_ADD(reserves, Builder::inter(forest.get(), county->get()).get(), "lizi-forest", "梨子坪国家森林公园", "",
         "natural_park");
  out.push_back(std::move(reserves));

  auto heritage_box = b.gk("POLYGON((110.03 31.37, 110.13 31.37, 110.13 31.44, 110.03 31.44, 110.03 31.37))");
  if (!heritage_box) return tl::unexpected(heritage_box.error());
  Geom heritage = Builder::inter(heritage_box->get(), county->get());
  Layer sites = layer("世界自然遗产", "heritage_site");
  SS_ADD(sites, heritage.get(), "shennongjia-wushan", "湖北神农架世界自然遗产（巫山部分）", "", "property");
  out.push_back(std::move(sites));

  // Urban development boundary: the county seat and 早阳 on both sides of the 大宁河 mouth.
  auto seat = b.point(109.885, 31.088);
  auto zaoyang = b.point(109.915, 31.105);
  if (!seat || !zaoyang) return fail("demo seat");
  Geom urban = Builder::inter(
      Builder::unite(Builder::buffer(seat->get(), 2300).get(), Builder::buffer(zaoyang->get(), 1600).get()).get(),
      county->get());
  Layer boundary = layer("城镇开发边界", "urban_boundary");
  SS_ADD(boundary, urban.get(), "ubd-1", "县城城镇开发边界", "", "");
  out.push_back(std::move(boundary));

  // Ecological red line: the reserve, the Wu Gorge's banks (1.5 km either side east of the
  // Gorge entrance) and the Little Three Gorges (1 km either side), outside the urban boundary.
  auto gorge = b.gk("LINESTRING(109.93 31.06, 109.98 31.07, 110.03 31.05, 110.09 31.04, 110.12 31.04)");
  auto little = b.gk("LINESTRING(109.79 31.265, 109.85 31.20, 109.875 31.14, 109.89 31.11)");
  if (!gorge || !little) return fail("demo red line");
  Geom red = Builder::unite(reserve.get(), Builder::buffer(gorge->get(), 1500).get());
  red = Builder::unite(red.get(), Builder::buffer(little->get(), 1000).get());
  red = Builder::minus(Builder::inter(red.get(), county->get()).get(), Builder::buffer(urban.get(), 300).get());
  Layer redline = layer("生态保护红线", "ecological_red_line");
  SS_ADD(redline, red.get(), "ecored-1", "巫山县生态保护红线", "", "");
  out.push_back(std::move(redline));

  // Permanent basic farmland: patches in the valleys, outside the red line and the urban boundary.
  Layer farmland = layer("永久基本农田", "permanent_farmland");
  Geom farm_gk(GEOSGeom_createEmptyPolygon_r(geos()));
  {
    const std::pair<double, double> patches[] = {{109.80, 31.25}, {109.90, 30.93}, {109.70, 30.84}, {109.94, 31.22},
                                                 {109.84, 31.01}, {109.77, 31.07}, {109.96, 31.17}, {110.06, 31.11}};
    int i = 0;
    for (const auto& [lon, lat] : patches) {
      auto c = b.point(lon, lat);
      if (!c) return tl::unexpected(c.error());
      Geom patch = Builder::minus(Builder::buffer(c->get(), 1200).get(), red.get());
      patch = Builder::minus(patch.get(), urban.get());
      patch = Builder::inter(patch.get(), county->get());
      ++i;
      farm_gk = Builder::unite(farm_gk.get(), patch.get());
      SS_ADD(farmland, patch.get(), "jbnt-" + std::to_string(i), "永久基本农田保护片区" + std::to_string(i), "", "");
    }
  }
  out.push_back(std::move(farmland));

  // Drinking-water source protection zones of the county seat's intake on the 大宁河.
  auto intake = b.point(109.888, 31.125);
  if (!intake) return tl::unexpected(intake.error());
  Geom z1 = Builder::buffer(intake->get(), 300);
  Geom z2 = Builder::minus(Builder::buffer(intake->get(), 1500).get(), z1.get());
  Geom zq = Builder::minus(Builder::buffer(intake->get(), 3000).get(), Builder::buffer(intake->get(), 1500).get());
  Layer water = layer("饮用水水源保护区", "water_source");
  SS_ADD(water, z1.get(), "ws-1", "县城大宁河饮用水水源一级保护区", "", "1");
  SS_ADD(water, z2.get(), "ws-2", "县城大宁河饮用水水源二级保护区", "", "2");
  SS_ADD(water, zq.get(), "ws-q", "县城大宁河饮用水水源准保护区", "", "quasi");
  out.push_back(std::move(water));

  // Environmental control units (ZH + 500237 + type + serial): priority = red line and water
  // sources; key = the county seat and the 楚阳 industrial cluster near 骡坪; general = the rest,
  // north and south of the Yangtze.
  auto park_c = b.point(109.975, 31.150);
  if (!park_c) return tl::unexpected(park_c.error());
  Geom industry = Builder::minus(Builder::buffer(park_c->get(), 1800).get(), red.get());
  Geom priority = Builder::unite(red.get(), Builder::buffer(intake->get(), 3000).get());
  priority = Builder::inter(priority.get(), county->get());
  Geom key_seat = Builder::minus(urban.get(), priority.get());
  Geom key_park = Builder::minus(industry.get(), priority.get());
  Geom rest = Builder::minus(Builder::minus(county->get(), priority.get()).get(),
                             Builder::unite(key_seat.get(), key_park.get()).get());
  auto north_box = b.gk("POLYGON((109.5 31.07, 110.3 31.02, 110.3 31.6, 109.5 31.6, 109.5 31.07))");
  if (!north_box) return tl::unexpected(north_box.error());
  Layer units = layer("生态环境管控单元", "control_unit");
  SS_ADD(units, priority.get(), "ZH50023710001", "巫山县优先保护单元（生态保护红线及水源地）", "ZH50023710001", "1");
  SS_ADD(units, key_seat.get(), "ZH50023720001", "巫山县城镇重点管控单元（县城）", "ZH50023720001", "2");
  SS_ADD(units, key_park.get(), "ZH50023720002", "巫山县产业集聚重点管控单元（楚阳组团）", "ZH50023720002", "2");
  SS_ADD(units, Builder::inter(rest.get(), north_box->get()).get(), "ZH50023730001", "巫山县一般管控单元（长江以北）",
         "ZH50023730001", "3");
  SS_ADD(units, Builder::minus(rest.get(), north_box->get()).get(), "ZH50023730002", "巫山县一般管控单元（长江以南）",
         "ZH50023730002", "3");
  out.push_back(std::move(units));

  // Parks and squares in the county seat, and two roads.
  Layer parks = layer("公园绿地与广场", "park");
  const std::pair<double, double> park_points[] = {
      {109.878, 31.080}, {109.870, 31.085}, {109.905, 31.100}, {109.890, 31.092}};
  const char* park_names[] = {"高唐湖公园", "神女广场", "早阳滨江公园", "宁江渡公园"};
  for (int i = 0; i < 4; ++i) {
    auto c = b.point(park_points[i].first, park_points[i].second);
    if (!c) return tl::unexpected(c.error());
    SS_ADD(parks, Builder::buffer(c->get(), i == 1 ? 120 : 250).get(), "park-" + std::to_string(i + 1), park_names[i],
           "", i == 1 ? "square" : "park");
  }
  out.push_back(std::move(parks));
  // Residential land in the county seat (the 5-minute park coverage's denominator): blocks on both
  // banks of the 大宁河 mouth, some near the parks and some not.
  Layer homes = layer("居住用地", "residential");
  const std::pair<double, double> blocks[] = {{109.874, 31.079}, {109.881, 31.086}, {109.866, 31.083},
                                              {109.893, 31.094}, {109.908, 31.103}, {109.921, 31.111},
                                              {109.862, 31.074}, {109.899, 31.083}};
  for (int i = 0; i < 8; ++i) {
    auto c = b.point(blocks[i].first, blocks[i].second);
    if (!c) return tl::unexpected(c.error());
    Geom block = Builder::buffer(c->get(), 280);
    SS_ADD(homes, block.get(), "R" + std::to_string(i + 1), "居住片区" + std::to_string(i + 1), "", "");
  }
  out.push_back(std::move(homes));
  auto g42 = b.gk("LINESTRING(109.61 31.03, 109.76 31.06, 109.88 31.10, 109.97 31.15, 110.10 31.16, 110.19 31.17)");
  auto south = b.gk("LINESTRING(109.885 31.075, 109.88 31.00, 109.90 30.92, 109.80 30.86, 109.70 30.83)");
  if (!g42 || !south) return fail("demo roads");
  Layer roads = layer("主要道路", "road");
  SS_ADD(roads, Builder::inter(g42->get(), county->get()).get(), "road-1", "沪渝高速（示意）", "", "expressway");
  SS_ADD(roads, Builder::inter(south->get(), county->get()).get(), "road-2", "县道（县城—官渡—庙宇，示意）", "",
         "county");
  // Streets and stairways of the county seat: a 150 m grid inside the development boundary with a
  // quarter of its links missing (the steep slopes), cut by the rivers except at two bridges. The
  // walking network of the 5-minute park coverage.
  {
    auto [sx0, sy0, sx1, sy1] = bounds(urban.get());
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> coin(0, 1);
    Geom water = Builder::unite(Builder::buffer(yangtze->get(), 150).get(), Builder::buffer(daning->get(), 80).get());
    Geom land = Builder::minus(urban.get(), water.get());
    std::string mls = "MULTILINESTRING(";
    char seg[128];
    constexpr double kStep = 150;
    for (double x = sx0; x <= sx1; x += kStep)
      for (double y = sy0; y <= sy1; y += kStep)
        for (int dir = 0; dir < 2; ++dir) {
          if (coin(rng) < 0.25) continue;
          std::snprintf(seg, sizeof seg, "%s(%.2f %.2f, %.2f %.2f)", mls.back() == '(' ? "" : ", ", x, y,
                        x + (dir ? 0 : kStep), y + (dir ? kStep : 0));
          mls += seg;
        }
    Geom grid = b.from_wkt(mls + ")");
    auto bridge1 = b.gk("LINESTRING(109.8835 31.0905, 109.8905 31.0905)");
    auto bridge2 = b.gk("LINESTRING(109.8865 31.1020, 109.8935 31.1020)");
    if (!grid || !bridge1 || !bridge2) return fail("demo streets");
    Geom streets = Builder::unite(Builder::inter(grid.get(), land.get()).get(),
                                  Builder::unite(bridge1->get(), bridge2->get()).get());
    SS_ADD(roads, streets.get(), "street-seat", "县城街巷与梯道（示意）", "", "street");
  }
  out.push_back(std::move(roads));

  // Land cover (GB/T 21010-2017 classes, data/zoning/land-cover-classes.csv): Voronoi patches
  // of about 4 km², their class drawn by where the patch lies — mostly forest in the red line,
  // built-up inside the development boundary, cropland in the farmland, a mix elsewhere.
  {
    std::mt19937 rng(11);
    auto cells = voronoi_cells(county->get(), 700, rng);
    if (!cells) return tl::unexpected(cells.error());
    std::uniform_real_distribution<double> coin(0, 1);
    struct Share {
      const char* code;
      const char* name;
      double p;
    };
    const Share red_mix[] = {{"0301", "乔木林地", 0.86}, {"0302", "竹林地", 0.04}, {"0305", "灌木林地", 0.10}};
    const Share urban_mix[] = {{"0701", "城镇住宅用地", 0.55},
                               {"0601", "工业用地", 0.15},
                               {"0810", "公园与绿地", 0.10},
                               {"1004", "城镇村道路用地", 0.20}};
    const Share farm_mix[] = {{"0103", "旱地", 0.70}, {"0101", "水田", 0.15}, {"0702", "农村宅基地", 0.15}};
    const Share rest_mix[] = {{"0301", "乔木林地", 0.50},  {"0302", "竹林地", 0.04},   {"0305", "灌木林地", 0.12},
                              {"0103", "旱地", 0.18},      {"0404", "其他草地", 0.08}, {"0201", "果园", 0.05},
                              {"0702", "农村宅基地", 0.03}};
    Layer cover = layer("土地利用现状（地表覆盖）", "land_cover");
    detail::Prepared in_red(GEOSPrepare_r(geos(), red.get()));
    detail::Prepared in_urban(GEOSPrepare_r(geos(), urban.get()));
    detail::Prepared in_farm(GEOSPrepare_r(geos(), farm_gk.get()));
    int i = 0;
    for (const auto& cell : *cells) {
      Geom centre(GEOSPointOnSurface_r(geos(), cell.get()));
      auto draw = [&](const auto& mix) {
        double r = coin(rng), acc = 0;
        for (const auto& m : mix)
          if ((acc += m.p) >= r) return m;
        return mix[0];
      };
      Share s = GEOSPreparedContains_r(geos(), in_urban.get(), centre.get()) == 1  ? draw(urban_mix)
                : GEOSPreparedContains_r(geos(), in_red.get(), centre.get()) == 1  ? draw(red_mix)
                : GEOSPreparedContains_r(geos(), in_farm.get(), centre.get()) == 1 ? draw(farm_mix)
                                                                                   : draw(rest_mix);
      ++i;
      SS_ADD(cover, cell.get(), "lc-" + std::to_string(i), s.name, s.code, s.name);
    }
    out.push_back(std::move(cover));
  }
#undef SS_ADD
  return out;
}

}  // namespace shanshui::geo
