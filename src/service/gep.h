// gep.h: the ecosystem account as the platform keeps it — demo rasters made from the stored
// layers, a year's account run over the current township layer, recorded as computed values of the
// plan's GEP targets (and the 水土保持率 cross-check) with their provenance, and its JSON.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ecoacct/account.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// Writes the demo rasters under `dir` for `years` at `cell` metres, shaped by the stored county
/// outline and rivers (the demo layers must be loaded). Returns the cells per layer.
Result<long> demo_rasters(store::Store& s, const std::string& dir, const std::vector<int>& years, double cell);

/// How one year's tiles are summed once the rasters are checked: in this process by default, or
/// spread over MPI ranks (app/gep_mpi.cpp). Whatever spreads them must return every tile's sums;
/// finish() adds them in tile order, so the account is the same to the bit.
struct SumJob {
  const ecoacct::Prepared* prepared = nullptr;
  std::string profile_path;
  int year = 0;
  const ecoacct::RunOptions* options = nullptr;
};
using SumTiles = std::function<Result<std::vector<ecoacct::TileSums>>(const SumJob&)>;

struct GepOptions {
  std::string profile = "data/gep/gep.yaml";
  std::string rasters;  // directory
  std::vector<int> years;
  bool record = false;
  int threads = 0;
  int tile = 512;       // cells per side of a tile: the unit of work of threads and ranks
  std::string out_dir;  // per-year GeoTIFFs of the raster services ("" = none)
  SumTiles sum;         // empty = every tile in this process
};

/// One year's result as recorded.
struct GepYear {
  ecoacct::Account account;
  std::string json;               // account_json with the township names: what is recorded and served
  std::string ratio;              // percent, one decimal (GB/T 8170)
  std::string both_grow;          // "yes" / "no" / "" when the year before was not computed
  std::string conservation_rate;  // 水土保持率, percent
  std::vector<int64_t> run_ids;   // runs recorded (0 = unchanged)
  double seconds = 0;
};

/// Runs the account for each year over the current township layer and, when `record`, stores
/// gep_gdp_ratio (gep.gdp_ratio), gep_gdp_both_grow (gep.both_grow, from consecutive years) and the
/// 水土保持率 cross-check (eco.soil_conservation_rate) as assessment runs with their provenance.
Result<std::vector<GepYear>> run_accounts(store::Store& s, const plan::Plan& plan, const GepOptions& o);

/// The account as JSON: totals, lines by service, categories, ratios, townships, sensitivity,
/// inputs with their hashes. `towns` are the township (code, name) pairs in zone order.
std::string account_json(const ecoacct::Account& a, const std::vector<std::pair<std::string, std::string>>& towns);

/// The GEP/GDP definition in Chinese words (data/gep/gep.yaml's gdp_ratio).
const char* gdp_ratio_label(const std::string& definition);

/// GET /api/gep: the recorded account of `year` (0 = the latest), and the years recorded.
Result<std::string> gep_json(store::Store& s, int year);

}  // namespace shanshui::service
