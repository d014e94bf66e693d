// crs.cpp: PROJ transformations and PROJ's geodesic polygon area (see crs.h).
#include "geo/crs.h"

#include <geodesic.h>
#include <proj.h>

#include <cmath>

#include "geo/geos_util.h"

namespace shanshui::geo {
namespace {

using detail::from_wkb;
using detail::Geom;
using detail::geos;
using detail::to_wkb;

// One PROJ context and transformation per thread (PJ objects are not thread-safe).
struct Transform {
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* pj = nullptr;
  Transform() {
    const std::string from = "EPSG:" + std::to_string(kStorageEpsg), to = "EPSG:" + std::to_string(kAnalysisEpsg);
    PJ* raw = proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr);
    // GIS order on both sides: longitude, latitude in; easting, northing out.
    if (raw) pj = proj_normalize_for_visualization(ctx, raw);
    proj_destroy(raw);
  }
  ~Transform() {
    proj_destroy(pj);
    proj_context_destroy(ctx);
  }
  Transform(const Transform&) = delete;
  Transform& operator=(const Transform&) = delete;
};

Transform& transform() {
  thread_local Transform t;
  return t;
}

Result<std::string> project(const std::string& wkb, PJ_DIRECTION direction) {
  Transform& t = transform();
  if (!t.pj) return fail("PROJ cannot build EPSG:4490 → EPSG:4546 (is proj-data installed?)");
  Geom g = from_wkb(wkb);
  if (!g) return fail("not a geometry: " + detail::geos_error());
  struct Job {
    PJ* pj;
    PJ_DIRECTION direction;
    bool ok = true;
  } job{t.pj, direction};
  Geom out(GEOSGeom_transformXY_r(
      geos(), g.get(),
      [](double* x, double* y, void* data) {
        auto* j = static_cast<Job*>(data);
        PJ_COORD c = proj_trans(j->pj, j->direction, proj_coord(*x, *y, 0, 0));
        if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return j->ok = false, 0;
        *x = c.xy.x;
        *y = c.xy.y;
        return 1;
      },
      &job));
  if (!out || !job.ok) return fail("a coordinate cannot be projected (outside the CRS's area?)");
  return to_wkb(out.get());
}

// The geodesic area of one polygon (exterior minus holes) on the CGCS2000 ellipsoid (GRS80:
// a = 6378137 m, 1/f = 298.257222101), by PROJ's geodesic routines (Karney 2013).
double geodesic_area(const GEOSGeometry* polygon) {
  static geod_geodesic g = [] {
    geod_geodesic x{};
    geod_init(&x, 6378137.0, 1 / 298.257222101);
    return x;
  }();
  auto ring_area = [](const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos(), ring);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(geos(), seq, &n);
    geod_polygon p{};
    geod_polygon_init(&p, 0);
    for (unsigned int i = 0; i + 1 < n; ++i) {  // the closing point repeats the first
      double lon = 0, lat = 0;
      GEOSCoordSeq_getXY_r(geos(), seq, i, &lon, &lat);
      geod_polygon_addpoint(&g, &p, lat, lon);
    }
    double area = 0;
    geod_polygon_compute(&g, &p, 0, 1, &area, nullptr);
    return std::fabs(area);
  };
  double a = ring_area(GEOSGetExteriorRing_r(geos(), polygon));
  int holes = GEOSGetNumInteriorRings_r(geos(), polygon);
  for (int i = 0; i < holes; ++i) a -= ring_area(GEOSGetInteriorRingN_r(geos(), polygon, i));
  return a;
}

}  // namespace

Result<std::string> to_analysis(const std::string& wkb_lonlat) { return project(wkb_lonlat, PJ_FWD); }
Result<std::string> from_analysis(const std::string& wkb_metres) { return project(wkb_metres, PJ_INV); }

Result<Coverage> coverage(const std::vector<std::string>& parts_wkb, const std::string& whole_wkb) {
  Geom whole = from_wkb(whole_wkb);
  if (!whole) return fail("the whole: " + detail::geos_error());
  std::vector<GEOSGeometry*> raw;
  for (const auto& w : parts_wkb) {
    Geom g = from_wkb(w);
    if (!g) {
      for (auto* r : raw) GEOSGeom_destroy_r(geos(), r);
      return fail("a part: " + detail::geos_error());
    }
    raw.push_back(g.release());
  }
  Geom collection(
      GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned int>(raw.size())));
  Geom merged(GEOSUnaryUnion_r(geos(), collection.get()));
  if (!merged) return fail("union: " + detail::geos_error());
  Geom inside(GEOSIntersection_r(geos(), merged.get(), whole.get()));
  if (!inside) return fail("intersection: " + detail::geos_error());
  auto covered = area_of(detail::to_wkb(inside.get()));
  auto all = area_of(whole_wkb);
  if (!covered) return tl::unexpected(covered.error());
  if (!all) return tl::unexpected(all.error());
  return Coverage{covered->ellipsoid_m2, all->ellipsoid_m2};
}

namespace {
// The union of WKB geometries (GEOS unary union), or an error.
Result<Geom> union_of(const std::vector<std::string>& wkbs) {
  std::vector<GEOSGeometry*> raw;
  for (const auto& w : wkbs) {
    Geom g = from_wkb(w);
    if (!g) {
      for (auto* r : raw) GEOSGeom_destroy_r(geos(), r);
      return fail("a geometry: " + detail::geos_error());
    }
    raw.push_back(g.release());
  }
  Geom collection(
      GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned int>(raw.size())));
  Geom merged(GEOSUnaryUnion_r(geos(), collection.get()));
  if (!merged) return fail("union: " + detail::geos_error());
  return merged;
}
}  // namespace

Result<Coverage> service_coverage(const std::vector<std::string>& sites_wkb, double min_site_m2, double radius_m,
                                  const std::vector<std::string>& served_wkb) {
  std::vector<std::string> areas_gk;  // the eligible sites' service areas, in GK metres
  for (const auto& w : sites_wkb) {
    auto a = area_of(w);
    if (!a) return tl::unexpected(a.error());
    if (a->ellipsoid_m2 < min_site_m2) continue;
    auto gk = to_analysis(w);
    if (!gk) return tl::unexpected(gk.error());
    Geom g = from_wkb(*gk);
    Geom buffered(GEOSBuffer_r(geos(), g.get(), radius_m, 16));
    if (!buffered) return fail("buffer: " + detail::geos_error());
    areas_gk.push_back(detail::to_wkb(buffered.get()));
  }
  auto served = union_of(served_wkb);
  if (!served) return tl::unexpected(served.error());
  auto served_wkb_all = detail::to_wkb(served->get());
  auto whole = area_of(served_wkb_all);
  if (!whole) return tl::unexpected(whole.error());
  if (areas_gk.empty()) return Coverage{0, whole->ellipsoid_m2};
  auto service = union_of(areas_gk);
  if (!service) return tl::unexpected(service.error());
  auto service_ll = from_analysis(detail::to_wkb(service->get()));
  if (!service_ll) return tl::unexpected(service_ll.error());
  Geom s = from_wkb(*service_ll);
  Geom covered(GEOSIntersection_r(geos(), s.get(), served->get()));
  if (!covered) return fail("intersection: " + detail::geos_error());
  auto c = area_of(detail::to_wkb(covered.get()));
  if (!c) return tl::unexpected(c.error());
  return Coverage{c->ellipsoid_m2, whole->ellipsoid_m2};
}

Result<Area> area_of(const std::string& wkb_lonlat) {
  Geom g = from_wkb(wkb_lonlat);
  if (!g) return fail("not a geometry: " + detail::geos_error());
  Area a;
  // Polygons wherever they are: alone, in a multipolygon, or in a collection (an intersection's result).
  auto add = [&a](const GEOSGeometry* x, auto& self) -> void {
    int type = GEOSGeomTypeId_r(geos(), x);
    if (type == GEOS_POLYGON) {
      a.ellipsoid_m2 += geodesic_area(x);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
      for (int i = 0; i < GEOSGetNumGeometries_r(geos(), x); ++i) self(GEOSGetGeometryN_r(geos(), x, i), self);
    }
  };
  add(g.get(), add);
  auto projected = to_analysis(wkb_lonlat);
  if (!projected) return tl::unexpected(projected.error());
  Geom p = from_wkb(*projected);
  if (!p || !GEOSArea_r(geos(), p.get(), &a.gk_m2)) return fail("area: " + detail::geos_error());
  return a;
}

}  // namespace shanshui::geo
