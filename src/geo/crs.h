// crs.h: the county's coordinate systems. Layers are stored in CGCS2000 longitude/latitude
// (EPSG:4490, in GIS axis order); lengths, buffers and planar areas are computed in CGCS2000 /
// 3-degree Gauss–Krüger CM 111°E (EPSG:4546), the zone that covers Wushan (109.5–112.5°E); the
// ellipsoidal area on CGCS2000 (geodesic polygon area, as the land survey computes it) is the
// cross-check. All through PROJ; no projection arithmetic is written here.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::geo {

constexpr int kStorageEpsg = 4490;   // CGCS2000 geographic
constexpr int kAnalysisEpsg = 4546;  // CGCS2000 / 3-degree Gauss-Kruger CM 111E (zone 37 without prefix)

/// GK zone 37 areas differ from the ellipsoid's by about +0.015 … +0.05 % across Wushan (scale
/// factor 1.00007–1.00024): the documented tolerance between the two figures.
constexpr double kGkAreaTolerance = 0.0006;

/// Planar area in GK CM 111°E and geodesic area on the CGCS2000 ellipsoid, in m².
struct Area {
  double gk_m2 = 0;
  double ellipsoid_m2 = 0;
};

/// The area of a (multi)polygon given as WKB in CGCS2000 lon/lat; 0 for points and lines.
Result<Area> area_of(const std::string& wkb_lonlat);

/// A WKB geometry from CGCS2000 lon/lat to GK CM 111°E metres, and back.
Result<std::string> to_analysis(const std::string& wkb_lonlat);
Result<std::string> from_analysis(const std::string& wkb_metres);

}  // namespace shanshui::geo
