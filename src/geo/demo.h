// demo.h: reproducible demo layers for Wushan — the county outline and township centres of
// docs/reference/wushan.md, and approximations of the red line, farmland, development boundary,
// control units, 五里坡 reserve, world-heritage area, water-source zones, rivers, parks, roads, the
// county seat's streets and land cover by GB/T 21010 class, derived from them with GEOS. Every
// feature says it is a demo approximation (attribute 数据说明).
#pragma once

#include <vector>

#include "core/result.h"
#include "geo/layer.h"

namespace shanshui::geo {

Result<std::vector<Layer>> demo_layers();

/// `n` control units tiling the county (Voronoi cells of seeded random points, clipped), with codes
/// ZH500237 + type + serial: the benchmark's "10,000 control units". Reproducible for a seed.
Result<Layer> demo_control_units(int n, unsigned seed);

/// `n` project sites inside the county: squares of 50–500 m side (as WKB, lon/lat), reproducible.
Result<std::vector<std::string>> demo_sites(int n, unsigned seed);

}  // namespace shanshui::geo
