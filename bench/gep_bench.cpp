// gep_bench: the ecosystem account's raster pass (every service, per township) timed on a raster
// directory, for bench/gep-bench.sh. Prints one JSON line: grid and county cells, the bytes the
// pass reads (every window with its halo, at each raster's type), the median seconds of the runs,
// the peak resident memory, and the county totals of the per-cell sums — which the numpy version
// (bench/gep_numpy.py) must reproduce.
// Usage: gep_bench RASTER_DIR PROFILE TOWNSHIPS.geojson YEAR THREADS REPEAT [TILE]
#include <gdal.h>
#include <ogr_api.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ecoacct/account.h"
#include "ecoacct/params.h"
#include "raster/raster.h"

using namespace shanshui;

namespace {

std::vector<std::string> township_wkb(const std::string& path) {
  GDALAllRegister();
  std::vector<std::string> out;
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  if (!ds) return out;
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  OGR_L_ResetReading(layer);
  for (OGRFeatureH f = OGR_L_GetNextFeature(layer); f; f = OGR_L_GetNextFeature(layer)) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    std::string wkb(static_cast<size_t>(OGR_G_WkbSize(g)), '\0');
    OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    out.push_back(std::move(wkb));
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  return out;
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: gep_bench RASTER_DIR PROFILE TOWNSHIPS.geojson YEAR THREADS REPEAT [TILE]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int year = std::atoi(argv[4]), threads = std::atoi(argv[5]), repeat = std::atoi(argv[6]);
  const int tile = argc > 7 ? std::atoi(argv[7]) : 512;
  auto profile = ecoacct::load_profile(argv[2]);
  if (!profile) {
    std::fprintf(stderr, "%s\n", profile.error().message.c_str());
    return 1;
  }
  ecoacct::RunOptions o;
  o.rasters_dir = dir;
  o.zones_wkb = township_wkb(argv[3]);
  o.threads = threads;
  o.tile = tile;
  o.hash_inputs = false;                      // the provenance hash is not part of the pass
  std::vector<double> seconds, pass_seconds;  // the whole run; the raster pass alone
  std::vector<double> totals(ecoacct::kSums, 0.0);
  int64_t bytes_read = 0, grid_cells = 0;
  double gep = 0, area = 0, cell_area = 1;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto prepared = ecoacct::prepare(*profile, year, o);
    if (!prepared) {
      std::fprintf(stderr, "%s\n", prepared.error().message.c_str());
      return 1;
    }
    auto t1 = std::chrono::steady_clock::now();
    auto sums = ecoacct::sum_tiles(**prepared, 0, 1);
    pass_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
    if (!sums) {
      std::fprintf(stderr, "%s\n", sums.error().message.c_str());
      return 1;
    }
    std::sort(sums->begin(), sums->end(), [](const auto& a, const auto& b) { return a.tile < b.tile; });
    std::fill(totals.begin(), totals.end(), 0.0);
    const size_t width = ecoacct::sums_width(**prepared) / (o.zones_wkb.size() + 1);
    for (const auto& t : *sums)
      for (size_t z = 0; z <= o.zones_wkb.size(); ++z)
        for (size_t f = 0; f < ecoacct::kSums; ++f) totals[f] += t.values[z * width + f];
    auto account = ecoacct::finish(**prepared, std::move(*sums));
    if (!account) {
      std::fprintf(stderr, "%s\n", account.error().message.c_str());
      return 1;
    }
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    gep = account->gep;
    area = account->area_m2;
    // What the pass reads: each raster's windows (the DEM with a one-cell halo) at its type's size.
    auto lc = raster::info(profile->raster(dir, "land_cover", year));
    grid_cells = lc->grid.cells();
    cell_area = lc->grid.cell_area_m2();
    bytes_read = 0;
    for (const auto& w : raster::tiles(lc->grid, tile)) {
      const int64_t cells = w.cells(), halo = static_cast<int64_t>(w.w + 2) * (w.h + 2);
      bytes_read += cells * 1 /* land cover, Byte */ + halo * 4 /* DEM */ + 5 * cells * 4 /* P, AET, NPP, R, K */;
      if (profile->water_method == "budyko") bytes_read += cells * 4;
    }
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(pass_seconds.begin(), pass_seconds.end());
  std::printf(
      "{\"grid_cells\": %lld, \"county_cells\": %.0f, \"threads\": %d, \"tile\": %d, \"bytes_read\": %lld, "
      "\"seconds\": [",
      static_cast<long long>(grid_cells), area / cell_area, threads, tile, static_cast<long long>(bytes_read));
  for (size_t i = 0; i < seconds.size(); ++i) std::printf("%s%.4f", i ? ", " : "", seconds[i]);
  std::printf("], \"median_s\": %.4f, \"pass_median_s\": %.4f, \"peak_rss_mb\": %ld, \"gep_yuan\": %.1f, \"totals\": {",
              seconds[seconds.size() / 2], pass_seconds[pass_seconds.size() / 2], peak_rss_mb(), gep);
  const char* names[] = {"area_m2",    "forest_m2", "eroding_m2",        "water_m3",
                         "retained_t", "co2_t",     "transpiration_kwh", "evaporation_m3"};
  for (size_t f = 0; f < ecoacct::kSums; ++f) std::printf("%s\"%s\": %.17g", f ? ", " : "", names[f], totals[f]);
  std::printf("}}\n");
  return 0;
}
