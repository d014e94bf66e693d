// account.h: one year's ecosystem account — the rasters of the profile checked (one grid, declared
// nodata, expected units), the services summed tile by tile (oneTBB, results added in tile order,
// so any number of threads or ranks gives the same bits), per township and for the county, then
// valued line by line at the profile's prices: GEP by service, GEP/GDP under the chosen
// definition, 水土保持率, forest coverage and the sensitivity of GEP to each price.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "ecoacct/params.h"

namespace shanshui::raster {
class Zones;
}

namespace shanshui::ecoacct {

/// One value line: a service's physical quantity times one price (or a value from the statistics).
struct Line {
  std::string id;        // "soil_retention.sediment"
  std::string category;  // provisioning | regulating | cultural
  std::string service;   // water_conservation, soil_retention, carbon, oxygen, climate, flood, air, water_purification,
                         // provisioning, cultural
  double quantity = 0;
  std::string unit;      // of the quantity
  std::string price_id;  // "" for values taken from the statistics
  double value = 0;      // 元
  std::string method;    // the formula in words
};

/// One township's part of the raster services (zone 0: county cells outside every township).
struct ZoneAccount {
  double area_m2 = 0, forest_m2 = 0, eroding_m2 = 0;
  double value = 0;                        // 元, the raster services only
  std::map<std::string, double> services;  // 元 by raster service (water_conservation, soil_retention, …)
};

struct PriceEffect {
  std::string id, name;
  double price = 0;
  std::string unit;
  double delta = 0;  // 元: GEP at the price + 10 % minus GEP (−10 % gives −delta: every line is linear)
};

struct Account {
  int year = 0;
  std::string profile, gdp_ratio_definition;
  int64_t cells = 0;  // in the county
  double area_m2 = 0, forest_m2 = 0, eroding_m2 = 0;
  std::vector<Line> lines;
  double gep = 0, gdp = 0;                   // 元
  std::map<std::string, double> categories;  // 元 by category
  std::map<std::string, double> ratios;      // every definition, as a fraction
  std::vector<ZoneAccount> zones;            // index = zone value (0 … n)
  std::vector<PriceEffect> sensitivity;
  std::vector<Price> prices;       // the profile's prices and parameters, with their sources
  std::vector<Source> inputs;      // rasters and tables with their SHA-256
  std::vector<std::string> notes;  // units assumed, …
  std::string fingerprint;         // SHA-256 of every number in hexadecimal: equal bits ⇔ equal fingerprints
  double forest_coverage() const { return area_m2 > 0 ? forest_m2 / area_m2 : 0; }
  double soil_conservation_rate() const { return area_m2 > 0 ? 1 - eroding_m2 / area_m2 : 0; }
  double ratio() const;
};

struct RunOptions {
  std::string rasters_dir;
  std::vector<std::string> zones_wkb;  // township polygons (CGCS2000 lon/lat), zone i + 1
  // The same polygons already put on this grid (an earlier year's, from zones()); null = from
  // zones_wkb. Years on one grid transform the townships once.
  std::shared_ptr<const raster::Zones> zones;
  int threads = 0;  // 0 = every core
  int tile = 512;
  std::string out_dir;      // write water_conservation, soil_retention and erosion GeoTIFFs here
  bool hash_inputs = true;  // SHA-256 of every raster file for the provenance
};

/// The per-tile sums of one zone: what the valuation needs from the rasters.
enum Sum : size_t {
  kArea,           // m²
  kForest,         // m² of forest classes
  kEroding,        // m² at or above the allowable loss
  kWater,          // m³ conserved
  kRetained,       // t of soil retained
  kCo2,            // t fixed
  kTranspiration,  // kWh
  kEvaporation,    // m³ from water surfaces
  kSums            // then one m² column per land-cover class
};
struct TileSums {
  size_t tile = 0;
  std::vector<double> values;  // (zones + 1) × (kSums + classes)
};

/// Computes one year's account.
Result<Account> run(const Profile& profile, int year, const RunOptions& options);

/// The parts, for a run spread over ranks: checks the rasters, and sums the tiles with
/// `tile % ranks == rank`; finish() adds every rank's tiles in tile order and values them.
struct Prepared;
Result<std::shared_ptr<Prepared>> prepare(const Profile& profile, int year, const RunOptions& options);
size_t tile_count(const Prepared& p);
/// The zones as put on the run's grid (null when the run has none), to reuse for another year.
std::shared_ptr<const raster::Zones> zones(const Prepared& p);
size_t sums_width(const Prepared& p);
Result<std::vector<TileSums>> sum_tiles(const Prepared& p, int rank, int ranks);
Result<Account> finish(const Prepared& p, std::vector<TileSums> all);

}  // namespace shanshui::ecoacct
