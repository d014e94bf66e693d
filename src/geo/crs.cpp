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
