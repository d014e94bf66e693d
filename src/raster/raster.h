// raster.h: rasters as the ecosystem accounts read and write them — a grid (size, geotransform,
// CRS), a band's facts (type, nodata, unit), windows and tiles in a fixed order, a reader per
// thread that returns a window (with a halo for neighbourhood operators) as float with NaN for
// nodata and for cells outside the raster, and a GeoTIFF writer. GDAL stays inside src/raster/*.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::raster {

/// The grid of a raster: size in cells, GDAL geotransform (x0, dx, 0, y0, 0, dy), CRS as WKT and,
/// where it has one, its EPSG code.
struct Grid {
  int width = 0, height = 0;
  std::array<double, 6> geotransform{};
  std::string crs_wkt;
  int epsg = 0;
  double cell_area_m2() const { return geotransform[1] * -geotransform[5]; }
  int64_t cells() const { return static_cast<int64_t>(width) * height; }
};

/// One band's facts.
struct Info {
  std::string path;
  Grid grid;
  std::string type;              // GDAL data type name: Byte, UInt16, Float32 …
  std::optional<double> nodata;  // none declared: refused where a value must be missing somewhere
  std::string unit;              // the band's unit (GDAL unit type, or the UNITS metadata item)
  int bands = 0;
};

/// A raster's facts, or an error naming the file.
Result<Info> info(const std::string& path);

/// Whether `b` lies on `a`'s grid (same size, origin and cell within 1e-6 of a cell, same CRS);
/// the error names both files and what differs.
Status same_grid(const Info& a, const Info& b);

/// A window of cells: column and row of its corner, width and height.
struct Window {
  int x0 = 0, y0 = 0, w = 0, h = 0;
  int64_t cells() const { return static_cast<int64_t>(w) * h; }
};

/// The tiles of a grid, `size` × `size` cells (smaller at the right and bottom edges), row by row:
/// the fixed order in which results are combined, whatever the threads or ranks.
std::vector<Window> tiles(const Grid& grid, int size);

/// Reads windows of band 1 of one raster; one per thread (a GDAL dataset handle is not shared).
class Reader {
 public:
  static Result<std::unique_ptr<Reader>> open(const std::string& path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  const Info& info() const;
  /// The window grown by `halo` cells on every side, row by row, as float: nodata and cells off
  /// the raster are NaN. `out` is resized to (w + 2·halo) × (h + 2·halo).
  Status read(const Window& w, int halo, std::vector<float>& out);

 private:
  Reader();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Sets of readers, one per path ("" = no reader), lent to the tile being worked on: a worker takes
/// a set, reads its windows and gives it back, so that each GDAL handle serves one thread at a time
/// and is opened once per worker, not per tile.
class ReaderPool {
 public:
  using Set = std::vector<std::unique_ptr<Reader>>;
  explicit ReaderPool(std::vector<std::string> paths);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;
  /// A free set, or a newly opened one (the error names the file that does not open).
  Result<Set> take();
  void give(Set set);

 private:
  std::vector<std::string> paths_;
  struct Free;
  std::unique_ptr<Free> free_;
};

/// Writes one Float32 band as a tiled, deflate-compressed GeoTIFF. Windows may come from any
/// thread (writes are serialised); close() flushes and reports the first error.
class Writer {
 public:
  static Result<std::unique_ptr<Writer>> create(const std::string& path, const Grid& grid, float nodata,
                                                const std::string& unit, const std::string& description);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Status write(const Window& w, const std::vector<float>& values);
  Status close();

 private:
  Writer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a whole raster at once (the demo generator): Float32 or, with `byte`, Byte values.
Status write_raster(const std::string& path, const Grid& grid, const std::vector<float>& values,
                    std::optional<float> nodata, const std::string& unit, const std::string& description,
                    bool byte = false);

/// Zones burnt window by window: the polygons (WKB, CGCS2000 lon/lat) are put on the grid's CRS
/// once; burn() gives each cell of a window the index + 1 of the polygon covering its centre (0 =
/// none), using memory for that window only — a province's grid is never held whole. Thread-safe:
/// each call builds its own geometries from the stored WKB.
class Zones {
 public:
  static Result<std::shared_ptr<const Zones>> make(const Grid& grid, const std::vector<std::string>& polygons_wkb);
  Status burn(const Window& w, std::vector<int32_t>& out) const;
  const Grid& grid() const { return grid_; }
  size_t size() const { return parts_.size(); }

 private:
  Zones() = default;
  struct Part {
    std::string wkb;  // on the grid's CRS
    double min_x, min_y, max_x, max_y;
    double value;
  };
  Grid grid_;
  std::vector<Part> parts_;
};

/// Zones for zonal statistics over a whole grid (Zones::burn of one window the grid's size).
Result<std::vector<int32_t>> rasterize_zones(const Grid& grid, const std::vector<std::string>& polygons_wkb);

/// Statistics of one zone: cells with a value, their sum, minimum and maximum.
struct ZoneStats {
  int64_t count = 0;
  double sum = 0, min = 0, max = 0;
  double mean() const { return count ? sum / static_cast<double>(count) : 0; }
};

/// Zonal statistics of band 1 of `path` over `zones` (rasterize_zones on the same grid), index
/// 0 … n_zones − 1 for zone values 1 … n_zones; tile by tile on `threads` threads, the tiles'
/// partial sums added in tile order (the same result for any number of threads).
Result<std::vector<ZoneStats>> zonal(const std::string& path, const std::vector<int32_t>& zones, int n_zones,
                                     int threads);

/// The distance in metres from every cell centre to the nearest cell that `geometries` (WKB,
/// CGCS2000 lon/lat: lines or polygons) cross (GDAL proximity).
Result<std::vector<float>> distance_to(const Grid& grid, const std::vector<std::string>& geometries_wkb);

/// Runs fn(tile index) for every tile index in [0, n) on `threads` threads (oneTBB; 0 = all
/// cores). fn must write only its own tile's slot of any shared result.
void for_each_tile(size_t n, int threads, const std::function<void(size_t)>& fn);

}  // namespace shanshui::raster
