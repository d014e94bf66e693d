// screen_bench: 三线一单 screening speed on the demo layers with N control units (default 10,000):
// p50/p99/mean per screened site on one thread, and throughput on T threads (one Screener each).
// Writes the layers as a GeoPackage and the sites as WKT for bench/screen-vs-postgis.sh, and the
// overlap area per site and layer kind for the area comparison.
// Usage: screen_bench OUT_DIR [UNITS] [SITES] [THREADS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "geo/demo.h"
#include "geo/layer.h"
#include "geo/screen.h"

using namespace shanshui;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: screen_bench OUT_DIR [UNITS] [SITES] [THREADS]\n");
    return 2;
  }
  std::string out = argv[1];
  int units = argc > 2 ? std::stoi(argv[2]) : 10000, sites_n = argc > 3 ? std::stoi(argv[3]) : 2000;
  int threads = argc > 4 ? std::stoi(argv[4]) : 2;
  auto layers = geo::demo_layers();
  auto cu = geo::demo_control_units(units, 2027);
  auto sites = geo::demo_sites(sites_n, 4754);
  if (!layers || !cu || !sites) {
    std::fprintf(stderr, "screen_bench: cannot build the demo data\n");
    return 1;
  }
  std::erase_if(*layers, [](const geo::Layer& l) { return l.kind == "control_unit"; });
  layers->push_back(std::move(*cu));
  for (auto& l : *layers) l.version = 1;
  if (auto s = geo::write_geopackage(*layers, out + "/layers.gpkg"); !s) {
    std::fprintf(stderr, "screen_bench: %s\n", s.error().message.c_str());
    return 1;
  }
  {
    std::ofstream w(out + "/sites.wkt");
    for (const auto& s : *sites) w << *geo::wkt_of(s) << "\n";
  }
  auto t0 = Clock::now();
  auto screener = geo::Screener::build(*layers, {}, {});
  double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!screener) {
    std::fprintf(stderr, "screen_bench: %s\n", screener.error().message.c_str());
    return 1;
  }
  // One thread: every site screened (overlaps, shares, nearest protected features), timed alone.
  std::vector<double> ms;
  std::ofstream areas(out + "/shanshui-areas.csv");
  areas << "site,kind,area_m2\n";
  for (size_t i = 0; i < sites->size(); ++i) {
    auto a = Clock::now();
    auto r = (*screener)->screen({(*sites)[i], 0, 0, ""});
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    if (!r) {
      std::fprintf(stderr, "site %zu: %s\n", i, r.error().message.c_str());
      return 1;
    }
    std::map<std::string, double> by_kind;
    for (const auto& o : r->overlaps) by_kind[o.kind] += o.area_m2;
    for (const auto& [k, v] : by_kind) areas << i << "," << k << "," << v << "\n";
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))]; };
  double sum = 0;
  for (double v : ms) sum += v;
  // T threads, each with its own Screener (GEOS prepared geometries are not shared between threads).
  std::vector<std::thread> pool;
  auto tp0 = Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      auto mine = geo::Screener::build(*layers, {}, {});
      if (!mine) return;
      for (size_t i = static_cast<size_t>(t); i < sites->size(); i += static_cast<size_t>(threads))
        (void)(*mine)->screen({(*sites)[i], 0, 0, ""});
    });
  for (auto& th : pool) th.join();
  double wall = std::chrono::duration<double>(Clock::now() - tp0).count();
  size_t features = 0;
  for (const auto& l : *layers) features += l.features.size();
  std::printf(
      "{\"units\": %zu, \"features\": %zu, \"sites\": %zu, \"build_ms\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
      "\"mean_ms\": %.3f, \"threads\": %d, \"throughput_sites_per_s\": %.0f}\n",
      layers->back().features.size(), features, sites->size(), build_ms, pct(0.5), pct(0.99), sum / ms.size(), threads,
      sites->size() / wall);
  return 0;
}
