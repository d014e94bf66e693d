// cli_gep.cpp: the ecosystem account on the command line — `gep run`, `demo rasters`, `raster info|zonal`.
#include "app/cli_gep.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "raster/raster.h"
#include "service/gep.h"
#include "service/tracking.h"
#include "service/zoning.h"

namespace shanshui::app {

using json = nlohmann::json;

int gep_demo(const Common& c, const std::string& dir, const std::vector<int>& years, double cell) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto n = service::demo_rasters(**st, dir, years, cell);
  if (!n) return refuse(n.error().message);
  std::printf("演示栅格：%s（%ld 个像元/层，%.0f 米，%zu 个年份）\n", dir.c_str(), *n, cell, years.size());
  return 0;
}

int gep_run(const Common& c, const GepArgs& a) { return gep_run(c, a, {}); }

int gep_run(const Common& c, const GepArgs& a, const service::SumTiles& sum) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto p = service::stored_plan(**st);
  if (!p) return refuse(p.error().message);
  if (!*p) return refuse("no plan imported yet (shanshui plan import)");
  service::GepOptions o;
  o.profile = a.profile.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/data/gep/gep.yaml" : a.profile;
  o.rasters = a.rasters;
  o.years = a.years;
  o.record = a.record;
  o.threads = a.threads;
  o.tile = a.tile;
  o.out_dir = a.out;
  o.sum = sum;
  auto r = service::run_accounts(**st, **p, o);
  if (!r) return refuse(r.error().message);
  if (c.json) {
    json all = json::array();
    for (const auto& y : *r) {
      json d = json::parse(y.json);
      d["both_grow"] = y.both_grow;
      d["runs"] = y.run_ids;
      d["seconds"] = y.seconds;
      all.push_back(d);
    }
    std::cout << all.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& y : *r) {
    const auto& acc = y.account;
    std::printf("%d 年：GEP %.2f 亿元（物质产品 %.2f，调节服务 %.2f，文化服务 %.2f），GDP %.2f 亿元\n", acc.year,
                acc.gep / 1e8, acc.categories.count("provisioning") ? acc.categories.at("provisioning") / 1e8 : 0.0,
                acc.categories.count("regulating") ? acc.categories.at("regulating") / 1e8 : 0.0,
                acc.categories.count("cultural") ? acc.categories.at("cultural") / 1e8 : 0.0, acc.gdp / 1e8);
    std::printf("  GEP 的 GDP 转化率 %s%%（%s）；GEP 与 GDP 双增长：%s；水土保持率 %s%%；森林覆盖率（栅格） %.1f%%\n",
                y.ratio.c_str(), service::gdp_ratio_label(acc.gdp_ratio_definition),
                y.both_grow.empty()    ? "—（上一年未计算）"
                : y.both_grow == "yes" ? "是"
                                       : "否",
                y.conservation_rate.c_str(), 100 * acc.forest_coverage());
    std::printf("  %lld 个像元，%.1f 秒%s\n", static_cast<long long>(acc.cells), y.seconds, a.record ? "，已记录" : "");
    for (const auto& n : acc.notes) std::printf("  注：%s\n", n.c_str());
  }
  return 0;
}

int raster_info(const Common& c, const std::vector<std::string>& files) {
  json all = json::array();
  for (const auto& f : files) {
    auto i = raster::info(f);
    if (!i) return refuse(i.error().message);
    if (c.json) {
      all.push_back({{"path", f},
                     {"width", i->grid.width},
                     {"height", i->grid.height},
                     {"cell_m", i->grid.geotransform[1]},
                     {"epsg", i->grid.epsg},
                     {"type", i->type},
                     {"nodata", i->nodata ? json(*i->nodata) : json(nullptr)},
                     {"unit", i->unit}});
    } else {
      const bool degrees = i->grid.epsg == 4326 || i->grid.epsg == 4490;
      std::printf("%s：%d × %d 个像元，像元边长 %g %s，EPSG:%d，%s，无数据值 %s，单位 %s\n", f.c_str(), i->grid.width,
                  i->grid.height, i->grid.geotransform[1], degrees ? "度" : "米", i->grid.epsg, i->type.c_str(),
                  i->nodata ? std::to_string(*i->nodata).c_str() : "未声明", i->unit.empty() ? "—" : i->unit.c_str());
    }
  }
  if (c.json) std::cout << all.dump() << "\n";
  return 0;
}

int raster_zonal(const Common& c, const std::string& file, const std::string& kind) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto layers = service::current_layers(**st);
  if (!layers) return refuse(layers.error().message);
  std::vector<std::string> wkb;
  std::vector<std::string> names;
  for (const auto& l : *layers)
    if (l.kind == kind)
      for (const auto& f : l.features) {
        wkb.push_back(f.wkb);
        names.push_back(f.name.empty() ? f.id : f.name);
      }
  if (wkb.empty()) return refuse("no stored layer of kind '" + kind + "'");
  auto i = raster::info(file);
  if (!i) return refuse(i.error().message);
  auto zones = raster::rasterize_zones(i->grid, wkb);
  if (!zones) return refuse(zones.error().message);
  auto stats = raster::zonal(file, *zones, static_cast<int>(wkb.size()), 0);
  if (!stats) return refuse(stats.error().message);
  json all = json::array();
  for (size_t z = 0; z < stats->size(); ++z) {
    const auto& s = (*stats)[z];
    if (c.json) {
      all.push_back({{"zone", names[z]},
                     {"cells", s.count},
                     {"sum", s.sum},
                     {"mean", s.mean()},
                     {"min", s.min},
                     {"max", s.max},
                     {"unit", i->unit}});
    } else {
      const char* u = i->unit.c_str();
      std::printf("%s：%lld 个像元，均值 %.3f %s，最小 %.3f %s，最大 %.3f %s，合计 %.3f %s\n", names[z].c_str(),
                  static_cast<long long>(s.count), s.mean(), u, s.min, u, s.max, u, s.sum, u);
    }
  }
  if (c.json) std::cout << all.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace shanshui::app
