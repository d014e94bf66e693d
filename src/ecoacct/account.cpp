// account.cpp: the raster pass and the valuation (see account.h).
#include "ecoacct/account.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/file.h"
#include "core/text.h"
#include "ecoacct/services.h"
#include "raster/raster.h"

namespace shanshui::ecoacct {

double Account::ratio() const {
  auto it = ratios.find(gdp_ratio_definition);
  return it == ratios.end() ? 0 : it->second;
}

namespace {

// The rasters a run reads, in this order, with the unit each must declare (or is assumed to have).
struct Role {
  const char* name;
  const char* unit;
  int halo;
};
constexpr Role kRoles[] = {{"land_cover", "", 0},
                           {"dem", "m", 1},
                           {"precipitation", "mm/a", 0},
                           {"aet", "mm/a", 0},
                           {"npp", "g C/m2/a", 0},
                           {"r_factor", "MJ mm/(ha h a)", 0},
                           {"k_factor", "t ha h/(ha MJ mm)", 0},
                           {"et0", "mm/a", 0}};
constexpr size_t kLand = 0, kDem = 1, kP = 2, kAet = 3, kNpp = 4, kR = 5, kK = 6, kEt0 = 7;

// Every number of the account written exactly (C99 hexadecimal floats): equal fingerprints mean
// equal bits, whatever the threads or ranks that summed the tiles.
std::string fingerprint(const Account& a) {
  std::string s;
  char b[40];
  auto put = [&](double x) {
    std::snprintf(b, sizeof b, "%a;", x);
    s += b;
  };
  for (double x : {a.area_m2, a.forest_m2, a.eroding_m2, a.gep, a.gdp}) put(x);
  for (const auto& l : a.lines) {
    put(l.quantity);
    put(l.value);
  }
  for (const auto& z : a.zones)
    for (double x : {z.area_m2, z.forest_m2, z.eroding_m2, z.value}) put(x);
  for (const auto& e : a.sensitivity) put(e.delta);
  return text::sha256_hex(s);
}

}  // namespace

struct Prepared {
  const Profile* profile = nullptr;
  int year = 0;
  RunOptions options;
  std::vector<std::string> paths;  // by role ("" = not used)
  raster::Grid grid;
  std::vector<raster::Window> tiles;
  std::shared_ptr<const raster::Zones> zones;  // burnt tile by tile (null: no zones)
  int n_zones = 0;
  std::vector<int> class_index;  // code → column among the class areas, −1 = not a class
  int n_classes = 0;
  std::vector<Source> inputs;
  std::vector<std::string> notes;
  std::unique_ptr<raster::ReaderPool> readers;  // one set per worker
  std::unique_ptr<raster::Writer> out_water, out_retained, out_erosion;
  size_t width() const { return kSums + static_cast<size_t>(n_classes); }
};

Result<std::shared_ptr<Prepared>> prepare(const Profile& profile, int year, const RunOptions& options) {
  auto p = std::make_shared<Prepared>();
  p->profile = &profile;
  p->year = year;
  p->options = options;
  const bool budyko = profile.water_method == "budyko";
  std::optional<raster::Info> first;
  for (const auto& role : kRoles) {
    std::string name = role.name;
    if (name == "et0" && !budyko) {
      p->paths.emplace_back();
      continue;
    }
    std::string path = profile.raster(options.rasters_dir, name, year);
    auto i = raster::info(path);
    if (!i) return tl::unexpected(i.error());
    if (!i->nodata)
      return fail(path + ": declares no nodata value, so cells outside the county cannot be told from real values");
    if (*role.unit && i->unit.empty()) {
      p->notes.push_back(path + ": no unit declared; taken as " + role.unit);
    } else if (*role.unit && i->unit != role.unit) {
      return fail(path + ": unit '" + i->unit + "', the " + name + " raster must be in " + role.unit);
    }
    if (name == "land_cover" && i->type != "Byte")
      return fail(path + ": land cover is " + i->type +
                  "; a Byte raster of the class codes in classes.csv is expected");
    if (first) {
      if (auto s = raster::same_grid(*first, *i); !s) return tl::unexpected(s.error());
    } else {
      first = *i;
      if (!first->grid.epsg && first->grid.crs_wkt.empty()) return fail(path + ": no CRS");
      if (first->grid.geotransform[2] != 0 || first->grid.geotransform[4] != 0)
        return fail(path + ": a rotated grid is not supported");
      if (first->grid.epsg == 4326 || first->grid.epsg == 4490)
        return fail(path + ": in degrees; the account needs a projected grid in metres (e.g. EPSG:4546)");
    }
    if (options.hash_inputs) {
      auto bytes = read_file(path);
      if (!bytes) return tl::unexpected(bytes.error());
      p->inputs.push_back({path, text::sha256_hex(*bytes)});
    } else {
      p->inputs.push_back({path, ""});
    }
    p->paths.push_back(path);
  }
  for (const auto& s : profile.sources) p->inputs.push_back(s);
  p->readers = std::make_unique<raster::ReaderPool>(p->paths);
  p->grid = first->grid;
  p->tiles = raster::tiles(p->grid, options.tile);
  p->n_zones = static_cast<int>(options.zones_wkb.size());
  const auto same = [&](const raster::Grid& g) {
    return g.width == p->grid.width && g.height == p->grid.height && g.geotransform == p->grid.geotransform &&
           g.crs_wkt == p->grid.crs_wkt;
  };
  if (options.zones && same(options.zones->grid()) && options.zones->size() == options.zones_wkb.size()) {
    p->zones = options.zones;
  } else if (p->n_zones) {
    auto z = raster::Zones::make(p->grid, options.zones_wkb);
    if (!z) return tl::unexpected(z.error());
    p->zones = std::move(*z);
  }
  p->class_index.assign(256, -1);
  for (const auto& c : profile.classes)
    if (c) p->class_index[static_cast<size_t>(c->code)] = p->n_classes++;
  if (!options.out_dir.empty()) {
    std::filesystem::create_directories(options.out_dir);
    auto mk = [&](const char* file, const char* unit, const char* what) {
      return raster::Writer::create(options.out_dir + "/" + file, p->grid, -9999.0F, unit, what);
    };
    auto w = mk("water_conservation.tif", "mm/a", "水源涵养量");
    auto r = mk("soil_retention.tif", "t/ha/a", "土壤保持量");
    auto e = mk("erosion.tif", "t/km2/a", "实际土壤侵蚀模数");
    if (!w) return tl::unexpected(w.error());
    if (!r) return tl::unexpected(r.error());
    if (!e) return tl::unexpected(e.error());
    p->out_water = std::move(*w);
    p->out_retained = std::move(*r);
    p->out_erosion = std::move(*e);
  }
  return p;
}

size_t tile_count(const Prepared& p) { return p.tiles.size(); }
std::shared_ptr<const raster::Zones> zones(const Prepared& p) { return p.zones; }
size_t sums_width(const Prepared& p) { return (static_cast<size_t>(p.n_zones) + 1) * p.width(); }

Result<std::vector<TileSums>> sum_tiles(const Prepared& p, int rank, int ranks) {
  const Profile& prof = *p.profile;
  std::vector<size_t> mine;
  for (size_t t = 0; t < p.tiles.size(); ++t)
    if (static_cast<int>(t % static_cast<size_t>(ranks)) == rank) mine.push_back(t);
  std::vector<TileSums> out(mine.size());
  std::vector<std::string> errors(mine.size());
  auto hot_days = prof.statistic(p.year, "hot_days");
  auto ac = prof.price("ac_ratio");
  if (!hot_days) return tl::unexpected(hot_days.error());
  if (!ac) return tl::unexpected(ac.error());
  const double cell = p.grid.geotransform[1], area = p.grid.cell_area_m2();
  const bool budyko = prof.water_method == "budyko";
  const size_t width = p.width();
  const services::LsTable ls(prof.slope_length_m);

  raster::for_each_tile(mine.size(), p.options.threads, [&](size_t k) {
    auto taken = p.readers->take();
    if (!taken) {
      errors[k] = taken.error().message;
      return;
    }
    raster::ReaderPool::Set& readers = *taken;
    const raster::Window& w = p.tiles[mine[k]];
    // Each worker thread keeps its buffers from tile to tile: no allocation or zeroing per tile.
    thread_local std::vector<std::vector<float>> v;
    v.resize(std::size(kRoles));
    const bool writing = p.out_water != nullptr;
    // The land cover first: a tile wholly outside the county reads nothing else (unless it is written).
    bool outside = false;
    for (size_t i = 0; i < std::size(kRoles) && !outside; ++i) {
      if (!readers[i]) continue;
      if (auto s = readers[i]->read(w, kRoles[i].halo, v[i]); !s) {
        errors[k] = s.error().message;
        break;
      }
      if (i == kLand && !writing)
        outside = std::all_of(v[i].begin(), v[i].end(), [](float x) { return std::isnan(x); });
    }
    thread_local std::vector<int32_t> zone_of;  // the tile's cells' zones
    zone_of.clear();
    if (p.zones && errors[k].empty() && !outside)
      if (auto st = p.zones->burn(w, zone_of); !st) errors[k] = st.error().message;
    TileSums& ts = out[k];
    ts.tile = mine[k];
    ts.values.assign((static_cast<size_t>(p.n_zones) + 1) * width, 0.0);
    std::vector<float> ow, orr, oe;
    if (writing) {
      ow.assign(static_cast<size_t>(w.cells()), -9999.0F);
      orr = ow;
      oe = ow;
    }
    const long dem_stride = w.w + 2;
    // A row's cells are summed into local accumulators while the zone stays the same (registers,
    // not memory: no chain of stores from cell to cell), then added to the zone's sums.
    double acc[kSums] = {};
    size_t acc_zone = 0;
    auto flush = [&] {
      double* s = ts.values.data() + acc_zone * width;
      for (size_t f = 0; f < kSums; ++f) {
        s[f] += acc[f];
        acc[f] = 0;
      }
    };
    for (int y = 0; errors[k].empty() && !outside && y < w.h; ++y) {
      for (int x = 0; x < w.w; ++x) {
        const size_t i = static_cast<size_t>(y) * static_cast<size_t>(w.w) + static_cast<size_t>(x);
        const float lc = v[kLand][i];
        if (std::isnan(lc)) continue;  // outside the county
        const int code = static_cast<int>(lc);
        const auto& cls = prof.classes[static_cast<size_t>(code)];
        if (!cls) {
          errors[k] = p.paths[kLand] + ": class " + std::to_string(code) + " at cell " + std::to_string(w.x0 + x) +
                      ", " + std::to_string(w.y0 + y) + " is not in classes.csv";
          break;
        }
        const size_t zone = zone_of.empty() || zone_of[i] <= 0 ? 0 : static_cast<size_t>(zone_of[i]);
        if (zone != acc_zone) {
          flush();
          acc_zone = zone;
        }
        double* s = acc;
        s[kArea] += area;
        if (cls->forest) s[kForest] += area;
        ts.values[zone * width + kSums + static_cast<size_t>(p.class_index[static_cast<size_t>(code)])] += area;
        const double pr = v[kP][i], et = v[kAet][i];
        // 水源涵养: water balance on the ecosystem classes (water surfaces conserve nothing here).
        double water_mm = 0;
        if (cls->ecosystem && !cls->water && !std::isnan(pr) && !std::isnan(et)) {
          double aet = budyko ? services::fu_aet_mm(pr, v[kEt0][i], cls->kc, prof.budyko_omega) : et;
          double m3 = services::water_conservation_m3(pr, aet, cls->runoff, area);
          s[kWater] += m3;
          if (writing) water_mm = m3 / area * 1e3;
        }
        // 土壤保持 and 水土保持率: RUSLE with the slope of the DEM's 3 × 3 neighbourhood.
        const float* z =
            v[kDem].data() + static_cast<size_t>(y + 1) * static_cast<size_t>(dem_stride) + static_cast<size_t>(x + 1);
        services::Erosion e;
        if (!std::isnan(*z) && !std::isnan(v[kR][i]) && !std::isnan(v[kK][i]) && !cls->water) {
          const double g2 = services::gradient2(z, dem_stride, cell);
          e = services::rusle(v[kR][i], v[kK][i], services::ls_from_gradient2(g2, ls), cls->c, cls->p);
          s[kRetained] += e.retained() * area * 1e-4;
          if (services::eroding(e.actual, prof.allowable_loss)) s[kEroding] += area;
        }
        // 固碳 (and 释氧 from it).
        if (!std::isnan(v[kNpp][i])) s[kCo2] += services::co2_t(v[kNpp][i], cls->nep, area);
        // 气候调节: transpiration of vegetation, evaporation of water surfaces.
        if (cls->epp > 0) s[kTranspiration] += services::transpiration_kwh(cls->epp, area, *hot_days, *ac);
        if (cls->water && !std::isnan(et)) s[kEvaporation] += et * area * 1e-3;
        if (writing) {
          ow[i] = static_cast<float>(water_mm);
          orr[i] = static_cast<float>(e.retained());
          oe[i] = static_cast<float>(e.actual * 100);
        }
      }
      flush();
    }
    if (writing && errors[k].empty()) {
      for (auto [wr, vals] :
           {std::pair{p.out_water.get(), &ow}, {p.out_retained.get(), &orr}, {p.out_erosion.get(), &oe}})
        if (auto s = wr->write(w, *vals); !s) errors[k] = s.error().message;
    }
    p.readers->give(std::move(readers));
  });
  for (const auto& e : errors)
    if (!e.empty()) return fail(e);
  return out;
}

Result<Account> finish(const Prepared& p, std::vector<TileSums> all) {
  const Profile& prof = *p.profile;
  const size_t width = p.width(), n = static_cast<size_t>(p.n_zones) + 1;
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.tile < b.tile; });
  std::vector<double> sum(n * width, 0.0);
  for (const auto& t : all) {  // in tile order: the same bits for any number of threads or ranks
    if (t.values.size() != sum.size()) return fail("a tile's sums have the wrong size");
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += t.values[i];
  }
  if (p.out_water) {
    for (auto* w : {p.out_water.get(), p.out_retained.get(), p.out_erosion.get()})
      if (auto s = w->close(); !s) return tl::unexpected(s.error());
  }
  auto total = [&](size_t field) {
    double x = 0;
    for (size_t z = 0; z < n; ++z) x += sum[z * width + field];
    return x;
  };
  Account a;
  a.year = p.year;
  a.profile = prof.profile;
  a.gdp_ratio_definition = prof.gdp_ratio;
  a.inputs = p.inputs;
  a.notes = p.notes;
  for (const auto& [id, pr] : prof.prices) a.prices.push_back(pr);
  a.area_m2 = total(kArea);
  a.forest_m2 = total(kForest);
  a.eroding_m2 = total(kEroding);
  a.cells = static_cast<int64_t>(std::llround(a.area_m2 / p.grid.cell_area_m2()));
  if (a.area_m2 <= 0) return fail(p.paths[kLand] + ": no cell of the county has a land-cover class");

  auto stat = [&](const char* item) { return prof.statistic(p.year, item); };
  std::string error;
  auto need = [&](Result<double> r) {
    if (!r && error.empty()) error = r.error().message;
    return r ? *r : 0.0;
  };
  auto add = [&](Line l) {
    if (!l.price_id.empty()) l.value = l.quantity * need(prof.price(l.price_id));
    a.lines.push_back(std::move(l));
  };
  // Regulating services from the rasters (values per zone follow the same prices).
  const double lambda = need(prof.price("sediment_lambda")), rho = need(prof.price("soil_bulk_density"));
  const double soil_n = need(prof.price("soil_n")), soil_p = need(prof.price("soil_p"));
  const double latent = need(prof.price("latent_heat"));
  auto raster_lines = [&](auto&& q) {  // the raster lines from one set of sums (county or zone)
    std::vector<Line> l;
    l.push_back({"water_conservation", "regulating", "water_conservation", q(kWater), "m³", "reservoir_cost", 0,
                 "Q = Σ A·(P − α·P − ET)·10⁻³ × 水库单位库容工程造价"});
    l.push_back({"soil_retention.sediment", "regulating", "soil_retention", lambda * q(kRetained) / rho, "m³",
                 "dredging_cost", 0, "λ·Q_sr/ρ × 水库清淤工程费用（Q_sr = R·K·LS·(1 − C·P)）"});
    l.push_back({"soil_retention.nitrogen", "regulating", "soil_retention", q(kRetained) * soil_n, "t", "n_cost", 0,
                 "Q_sr × 土壤含氮量 × 氮处理成本"});
    l.push_back({"soil_retention.phosphorus", "regulating", "soil_retention", q(kRetained) * soil_p, "t", "p_cost", 0,
                 "Q_sr × 土壤含磷量 × 磷处理成本"});
    l.push_back({"carbon", "regulating", "carbon", q(kCo2), "t CO₂", "carbon_price", 0, "44/12 × α × NPP × A × 碳价"});
    if (prof.oxygen)
      l.push_back({"oxygen", "regulating", "oxygen", services::o2_t(q(kCo2)), "t O₂", "oxygen_price", 0,
                   "32/44 × Q_CO₂ × 工业制氧价格"});
    l.push_back({"climate.vegetation", "regulating", "climate", q(kTranspiration), "kWh", "electricity_price", 0,
                 "EPP·S·D/(3600·r) × 电价"});
    l.push_back({"climate.water", "regulating", "climate", services::evaporation_kwh(q(kEvaporation), latent), "kWh",
                 "electricity_price", 0, "E_w·q·ρ/3600 × 电价"});
    return l;
  };
  for (auto& l : raster_lines([&](size_t f) { return total(f); })) add(std::move(l));
  // Zone values: the same lines from each zone's sums.
  a.zones.resize(n);
  for (size_t z = 0; z < n; ++z) {
    const double* s = sum.data() + z * width;
    a.zones[z].area_m2 = s[kArea];
    a.zones[z].forest_m2 = s[kForest];
    a.zones[z].eroding_m2 = s[kEroding];
    for (const auto& l : raster_lines([&](size_t f) { return s[f]; })) {
      const double v = l.quantity * need(prof.price(l.price_id));
      a.zones[z].value += v;
      a.zones[z].services[l.service] += v;
    }
  }
  // 洪水调蓄: flood-control storage ≈ 35 % of the reservoirs' capacity (docs/reference/gep.md §1.5); the Three Gorges
  // reservoir is not counted (a national engineered asset).
  add({"flood", "regulating", "flood", 0.35 * need(stat("reservoir_capacity")) * 1e4, "m³", "reservoir_cost", 0,
       "0.35 × 水库总库容 × 水库单位库容工程造价"});
  // 空气净化 and 水质净化: what the ecosystems can take up, but never more than was emitted (§1.6–1.7).
  auto capacity = [&](double LandClass::*field) {
    double t = 0;
    for (const auto& c : prof.classes)
      if (c)
        t +=
            total(kSums + static_cast<size_t>(p.class_index[static_cast<size_t>(c->code)])) * 1e-4 * (*c).*field * 1e-3;
    return t;
  };
  for (auto [id, field, emission, cost, name] :
       {std::tuple{"air.so2", &LandClass::so2, "so2_emission", "so2_cost", "二氧化硫"},
        {"air.nox", &LandClass::nox, "nox_emission", "nox_cost", "氮氧化物"},
        {"air.dust", &LandClass::dust, "dust_emission", "dust_cost", "工业粉尘"},
        {"water_purification.cod", &LandClass::cod, "cod_emission", "cod_cost", "COD"},
        {"water_purification.nh3n", &LandClass::nh3n, "nh3n_emission", "nh3n_cost", "氨氮"}}) {
    std::string sid = id;
    add({sid, "regulating", sid.rfind("air", 0) == 0 ? "air" : "water_purification",
         std::min(capacity(field), need(stat(emission))), "t", cost, 0,
         std::string("min(排放量, 生态系统净化能力) × ") + name + "治理成本"});
  }
  // 物质产品: the output value of farming, forestry, animal husbandry and fishery (market value),
  // and the water supplied at its prices.
  double products = 0;
  for (const char* item : {"farm_output", "forest_output", "livestock_output", "fishery_output"})
    products += need(stat(item)) * 1e4;
  a.lines.push_back({"provisioning.products", "provisioning", "provisioning", products, "元", "", products,
                     "农林牧渔业总产值（市场价值法）"});
  for (auto [item, pid] : {std::pair{"water_use_domestic", "water_price_domestic"},
                           {"water_use_industrial", "water_price_industrial"},
                           {"water_use_agricultural", "water_price_agricultural"}})
    add({std::string("provisioning.") + item, "provisioning", "provisioning", need(stat(item)) * 1e4, "m³", pid, 0,
         "用水量 × 水价"});
  // 文化服务: the part of tourism revenue that rests on the landscape (travel-cost method, §1.13).
  double tourism = need(stat("tourism_revenue")) * 1e4 * need(stat("nature_tourism_share"));
  a.lines.push_back({"cultural.tourism", "cultural", "cultural", tourism, "元", "", tourism,
                     "旅游综合收入 × 依托自然景观的占比（旅行费用法）"});
  if (!error.empty()) return fail(error);

  for (const auto& l : a.lines) {
    a.gep += l.value;
    a.categories[l.category] += l.value;
  }
  a.gdp = need(stat("gdp")) * 1e4;
  const double paid = need(stat("paid_regulating")) * 1e4;
  if (!error.empty()) return fail(error);
  if (a.gep > 0) {
    a.ratios["realised_share"] = (a.categories["provisioning"] + a.categories["cultural"] + paid) / a.gep;
    a.ratios["provisioning_cultural"] = (a.categories["provisioning"] + a.categories["cultural"]) / a.gep;
    a.ratios["gdp_over_gep"] = a.gdp / a.gep;
  }
  // Sensitivity: every line is quantity × one price, so +10 % on a price moves GEP by 10 % of its lines.
  for (const auto& [id, pr] : prof.prices) {
    if (pr.kind != "price") continue;
    double d = 0;
    for (const auto& l : a.lines)
      if (l.price_id == id) d += 0.1 * l.value;
    a.sensitivity.push_back({id, pr.name, pr.value, pr.unit, d});
  }
  std::sort(a.sensitivity.begin(), a.sensitivity.end(),
            [](const auto& x, const auto& y) { return std::fabs(x.delta) > std::fabs(y.delta); });
  a.fingerprint = fingerprint(a);
  return a;
}

Result<Account> run(const Profile& profile, int year, const RunOptions& options) {
  auto p = prepare(profile, year, options);
  if (!p) return tl::unexpected(p.error());
  auto sums = sum_tiles(**p, 0, 1);
  if (!sums) return tl::unexpected(sums.error());
  return finish(**p, std::move(*sums));
}

}  // namespace shanshui::ecoacct
