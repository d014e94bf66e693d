// demo.h: reproducible demo layers for Wushan — the county outline and township centres of
// docs/reference/wushan.md, and approximations of the red line, farmland, development boundary,
// control units, 五里坡 reserve, world-heritage area, water-source zones, rivers, parks and roads
// derived from them with GEOS. Every feature says it is a demo approximation (attribute 数据说明).
#pragma once

#include <vector>

#include "core/result.h"
#include "geo/layer.h"

namespace shanshui::geo {

Result<std::vector<Layer>> demo_layers();

}  // namespace shanshui::geo
