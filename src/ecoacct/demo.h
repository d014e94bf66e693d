// demo.h: reproducible demo rasters for Wushan's ecosystem account — DEM with the gorges' relief,
// land cover by year (slope farmland returned to forest year by year), precipitation, AET, NPP,
// rainfall erosivity, soil erodibility and ET0 — on CGCS2000 / GK CM 111°E, marked as synthetic.
// Value ranges follow docs/reference/gep.md §5.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::ecoacct {

struct DemoArea {
  std::string county_wkb;               // CGCS2000 lon/lat
  std::vector<std::string> rivers_wkb;  // lon/lat lines: the valleys are carved along them
  std::array<double, 4> bounds_gk{};    // the county's envelope in EPSG:4546 metres
  double seat_x = 0, seat_y = 0;        // the county seat in EPSG:4546 metres
};

/// Writes `dir`/dem.tif, r_factor.tif, k_factor.tif, et0.tif and `dir`/<year>/{land_cover,
/// precipitation, aet, npp}.tif for each year, at `cell` metres. Returns the number of cells per layer.
Result<long> write_demo_rasters(const std::string& dir, const DemoArea& area, const std::vector<int>& years,
                                double cell);

}  // namespace shanshui::ecoacct
