// geos_util.h: the GEOS C API (reentrant "_r" functions only) as the geo module uses it — one
// context per thread, geometries owned by unique_ptr, WKB in and out. Private to src/geo/*.cpp:
// GEOS stays out of every other header.
#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <memory>
#include <string>

namespace shanshui::geo::detail {

/// This thread's GEOS context (created on first use, with its error text captured).
GEOSContextHandle_t geos();
/// The last error GEOS reported on this thread ("" when none).
std::string geos_error();

struct GeomDeleter {
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(geos(), g);
  }
};
using Geom = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* g) const {
    if (g) GEOSPreparedGeom_destroy_r(geos(), g);
  }
};
using Prepared = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// A geometry from WKB, or null (geos_error() says why).
Geom from_wkb(const std::string& wkb);
/// WKB (little-endian, 2D) of a geometry.
std::string to_wkb(const GEOSGeometry* g);

}  // namespace shanshui::geo::detail
