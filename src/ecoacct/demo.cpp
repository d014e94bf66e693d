// demo.cpp: the synthetic rasters (see demo.h). Fields are built from the distance to the rivers
// (GDAL proximity) and seeded value noise, so the same call writes the same files.
#include "ecoacct/demo.h"

#include <cmath>
#include <cstdint>
#include <filesystem>

#include "raster/raster.h"

namespace shanshui::ecoacct {
namespace {

// Value noise in [0, 1]: a hashed lattice every `scale` metres, smoothly interpolated; `octaves`
// halve the scale each time.
double lattice(long ix, long iy, unsigned seed) {
  uint64_t h = static_cast<uint64_t>(ix) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(iy) * 0xC2B2AE3D27D4EB4FULL ^
               (static_cast<uint64_t>(seed) << 32);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
}
double noise(double x, double y, double scale, unsigned seed, int octaves = 3) {
  double sum = 0, norm = 0, amp = 1;
  for (int o = 0; o < octaves; ++o, scale /= 2, amp /= 2) {
    double fx = x / scale, fy = y / scale;
    long ix = static_cast<long>(std::floor(fx)), iy = static_cast<long>(std::floor(fy));
    double tx = fx - static_cast<double>(ix), ty = fy - static_cast<double>(iy);
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    unsigned s = seed + static_cast<unsigned>(o) * 101U;
    double a = lattice(ix, iy, s), b = lattice(ix + 1, iy, s), c = lattice(ix, iy + 1, s),
           d = lattice(ix + 1, iy + 1, s);
    sum += amp * (a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty);
    norm += amp;
  }
  return sum / norm;
}

float round1(double v) { return static_cast<float>(std::round(v * 10) / 10); }  // compresses far better

}  // namespace

Result<long> write_demo_rasters(const std::string& dir, const DemoArea& area, const std::vector<int>& years,
                                double cell) {
  // The grid: the county's envelope grown by 1 km, snapped to the cell size.
  raster::Grid g;
  const double x0 = std::floor((area.bounds_gk[0] - 1000) / cell) * cell;
  const double y1 = std::ceil((area.bounds_gk[3] + 1000) / cell) * cell;
  g.width = static_cast<int>(std::ceil((area.bounds_gk[2] + 1000 - x0) / cell));
  g.height = static_cast<int>(std::ceil((y1 - (area.bounds_gk[1] - 1000)) / cell));
  g.geotransform = {x0, cell, 0, y1, 0, -cell};
  g.epsg = 4546;
  std::filesystem::create_directories(dir);
  const size_t n = static_cast<size_t>(g.cells());
  constexpr float kNd = -9999.0F;
  // The grid's CRS as WKT (rasterizing and proximity need it): GDAL writes the EPSG code into a
  // first, empty file and reads it back.
  std::vector<float> blank(n, kNd);
  if (auto s = raster::write_raster(dir + "/.grid.tif", g, blank, kNd, "", ""); !s) return tl::unexpected(s.error());
  auto gi = raster::info(dir + "/.grid.tif");
  std::filesystem::remove(dir + "/.grid.tif");
  if (!gi) return tl::unexpected(gi.error());
  g.crs_wkt = gi->grid.crs_wkt;

  auto inside = raster::rasterize_zones(g, {area.county_wkb});
  if (!inside) return tl::unexpected(inside.error());
  auto river = raster::distance_to(g, area.rivers_wkb);
  if (!river) return tl::unexpected(river.error());

  std::vector<float> dem(n, kNd), r(n, kNd), k(n, kNd), et0(n, kNd);
  std::vector<double> base_p(n, 0), crop_noise(n, 0), convert(n, 0), kind_noise(n, 0);
  for (int row = 0; row < g.height; ++row)
    for (int col = 0; col < g.width; ++col) {
      const size_t i = static_cast<size_t>(row) * static_cast<size_t>(g.width) + static_cast<size_t>(col);
      if (!(*inside)[i]) continue;
      const double x = x0 + (col + 0.5) * cell, y = y1 - (row + 0.5) * cell;
      const double d = (*river)[i];
      // The gorges: valleys at 75–200 m along the rivers rising to 1,200–2,600 m ridges.
      double z = 75 + 950 * (1 - std::exp(-d / 4000)) + 1100 * noise(x, y, 16000, 1, 4) * (1 - std::exp(-d / 2500)) +
                 120 * noise(x, y, 900, 2, 2);
      dem[i] = round1(std::min(2680.0, z));
      base_p[i] = 1050 + 0.22 * z + 60 * noise(x, y, 20000, 3, 2);
      r[i] = round1(4.6 * base_p[i] * (0.9 + 0.2 * noise(x, y, 30000, 4, 2)));  // ≈ 5,000–7,500
      k[i] = static_cast<float>(std::round((0.018 + 0.03 * noise(x, y, 6000, 5, 3)) * 10000) / 10000);
      et0[i] = round1(1050 - 0.12 * z);
      crop_noise[i] = noise(x, y, 1500, 6, 3);
      convert[i] = noise(x, y, 700, 7, 2);
      kind_noise[i] = noise(x, y, 3000, 8, 3);
    }
  auto w = [&](const std::string& path, const std::vector<float>& v, const char* unit, const char* what, bool byte) {
    return raster::write_raster(path, g, v, byte ? 0.0F : kNd, unit, what, byte);
  };
  if (auto s = w(dir + "/dem.tif", dem, "m", "高程（演示）", false); !s) return tl::unexpected(s.error());
  if (auto s = w(dir + "/r_factor.tif", r, "MJ mm/(ha h a)", "降雨侵蚀力 R（演示）", false); !s)
    return tl::unexpected(s.error());
  if (auto s = w(dir + "/k_factor.tif", k, "t ha h/(ha MJ mm)", "土壤可蚀性 K（演示）", false); !s)
    return tl::unexpected(s.error());
  if (auto s = w(dir + "/et0.tif", et0, "mm/a", "参考蒸散 ET0（演示）", false); !s) return tl::unexpected(s.error());

  // Year factors: 2022 was Chongqing's drought summer; wetter years grow more.
  auto rain_factor = [](int year) {
    switch (year) {
      case 2022:
        return 0.86;
      case 2023:
        return 1.00;
      case 2024:
        return 1.06;
      case 2025:
        return 0.97;
      default:
        return 1.02;
    }
  };
  const double sx = area.seat_x, sy = area.seat_y;
  for (int year : years) {
    const std::string ydir = dir + "/" + std::to_string(year);
    std::filesystem::create_directories(ydir);
    const double returned = 0.07 * (year - 2022);  // share of slope farmland returned to forest so far
    std::vector<float> lc(n, 0), p(n, kNd), aet(n, kNd), npp(n, kNd);
    for (int row = 0; row < g.height; ++row)
      for (int col = 0; col < g.width; ++col) {
        const size_t i = static_cast<size_t>(row) * static_cast<size_t>(g.width) + static_cast<size_t>(col);
        if (!(*inside)[i]) continue;
        const double x = x0 + (col + 0.5) * cell, y = y1 - (row + 0.5) * cell;
        const double z = dem[i], d = (*river)[i], kn = kind_noise[i];
        const double seat = std::hypot(x - sx, y - sy);
        int c;
        if (d < 260) {
          c = 11;  // the Yangtze (reservoir) and the 大宁河
        } else if (seat < 2600 && z < 700) {
          c = 12;
        } else if (z > 2050) {
          c = kn > 0.6 ? 13 : 7;
        } else if (z < 1350 && crop_noise[i] > 0.49 && convert[i] >= returned) {
          c = d < 1500 && z < 450 ? 9 : 8;
        } else if (z < 1000 && crop_noise[i] > 0.44 && crop_noise[i] <= 0.49) {
          c = 10;
        } else if (kn < 0.38) {
          c = kn < 0.25 ? 6 : 5;  // shrub; on karst the specially designated kind
        } else if (z > 1700 && kn > 0.6) {
          c = 7;
        } else {
          c = z > 1400 ? 2 : kn > 0.62 ? 3 : kn > 0.58 ? 4 : 1;
        }
        lc[i] = static_cast<float>(c);
        const double pr = base_p[i] * rain_factor(year);
        p[i] = round1(pr);
        static constexpr double kAet[] = {0, 680, 640, 660, 620, 560, 540, 500, 520, 560, 590, 820, 260, 200};
        static constexpr double kNpp[] = {0, 780, 700, 740, 720, 520, 500, 400, 470, 520, 600, 0, 60, 20};
        const double wet = std::min(1.0, std::pow(pr / 1150, 0.3));
        aet[i] = round1(c == 11 ? 820 : kAet[c] * (1 - z / 9000) * wet);
        npp[i] = round1(kNpp[c] * (0.85 + 0.3 * noise(x, y, 2500, 9, 2)) * wet);
      }
    if (auto s = w(ydir + "/land_cover.tif", lc, "", "土地覆盖（演示，classes.csv 编码）", true); !s)
      return tl::unexpected(s.error());
    if (auto s = w(ydir + "/precipitation.tif", p, "mm/a", "年降水量（演示）", false); !s)
      return tl::unexpected(s.error());
    if (auto s = w(ydir + "/aet.tif", aet, "mm/a", "实际蒸散（演示）", false); !s) return tl::unexpected(s.error());
    if (auto s = w(ydir + "/npp.tif", npp, "g C/m2/a", "净初级生产力 NPP（演示）", false); !s)
      return tl::unexpected(s.error());
  }
  return static_cast<long>(n);
}

}  // namespace shanshui::ecoacct
