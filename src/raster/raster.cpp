// raster.cpp: GDAL reads and writes, OGR geometries burnt into zones, oneTBB across tiles (see raster.h).
#include "raster/raster.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>

namespace shanshui::raster {
namespace {

void register_drivers() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors are read with CPLGetLastErrorMsg and reported by us
    // Tiles are read once each, so a large block cache buys nothing and would make memory grow with
    // the raster (GDAL's default is 5 % of RAM); GDAL_CACHEMAX still overrides.
    if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(int64_t{64} << 20);
    // Uncompressed GeoTIFF tiles go straight into the caller's buffer, not through the block cache.
    if (!CPLGetConfigOption("GTIFF_DIRECT_IO", nullptr)) CPLSetConfigOption("GTIFF_DIRECT_IO", "YES");
  });
}

std::string gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return m && *m ? m : "unknown GDAL error";
}

Grid grid_of(GDALDatasetH ds) {
  Grid g;
  g.width = GDALGetRasterXSize(ds);
  g.height = GDALGetRasterYSize(ds);
  GDALGetGeoTransform(ds, g.geotransform.data());
  if (const char* wkt = GDALGetProjectionRef(ds); wkt && *wkt) {
    g.crs_wkt = wkt;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(wkt);
    if (srs && OSRAutoIdentifyEPSG(srs) == OGRERR_NONE) {
      const char* code = OSRGetAuthorityCode(srs, nullptr);
      if (code) g.epsg = std::atoi(code);
    }
    OSRDestroySpatialReference(srs);
  }
  return g;
}

bool same_crs(const Grid& a, const Grid& b) {
  if (a.epsg && b.epsg) return a.epsg == b.epsg;
  OGRSpatialReferenceH x = OSRNewSpatialReference(a.crs_wkt.c_str());
  OGRSpatialReferenceH y = OSRNewSpatialReference(b.crs_wkt.c_str());
  bool same = x && y && OSRIsSame(x, y);
  OSRDestroySpatialReference(x);
  OSRDestroySpatialReference(y);
  return same;
}

Result<GDALDatasetH> open_dataset(const std::string& path) {
  register_drivers();
  std::error_code ec;
  if (path.rfind("/vsi", 0) != 0 && !std::filesystem::exists(path, ec)) {
    // A relative path is read from this process's folder, which on a cluster differs per node.
    std::string where = std::filesystem::path(path).is_relative()
                            ? " (looked in " + std::filesystem::current_path(ec).string() + ")"
                            : "";
    return fail(path + ": no such file" + where);
  }
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!ds) return fail(path + ": not a raster GDAL can read (" + gdal_error() + ")");
  return ds;
}

Info info_of(GDALDatasetH ds, const std::string& path) {
  Info i;
  i.path = path;
  i.grid = grid_of(ds);
  i.bands = GDALGetRasterCount(ds);
  if (i.bands > 0) {
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    i.type = GDALGetDataTypeName(GDALGetRasterDataType(b));
    int has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    if (has) i.nodata = nd;
    if (const char* u = GDALGetRasterUnitType(b); u && *u) i.unit = u;
    if (i.unit.empty()) {
      if (const char* u = GDALGetMetadataItem(b, "UNITS", nullptr); u) i.unit = u;
    }
  }
  return i;
}

}  // namespace

Result<Info> info(const std::string& path) {
  auto ds = open_dataset(path);
  if (!ds) return tl::unexpected(ds.error());
  Info i = info_of(*ds, path);
  GDALClose(*ds);
  if (i.bands < 1) return fail(path + ": no raster band");
  return i;
}

Status same_grid(const Info& a, const Info& b) {
  const Grid &x = a.grid, &y = b.grid;
  if (!same_crs(x, y))
    return fail(b.path + ": CRS differs from " + a.path + " (EPSG:" + std::to_string(y.epsg) +
                " against EPSG:" + std::to_string(x.epsg) + "); reproject it onto the same grid first");
  if (x.width != y.width || x.height != y.height)
    return fail(b.path + ": " + std::to_string(y.width) + " × " + std::to_string(y.height) + " cells against " +
                std::to_string(x.width) + " × " + std::to_string(x.height) + " in " + a.path + " (different grids)");
  const double tol = 1e-6 * std::fabs(x.geotransform[1]);
  for (int k : {0, 1, 2, 3, 4, 5})
    if (std::fabs(x.geotransform[static_cast<size_t>(k)] - y.geotransform[static_cast<size_t>(k)]) > tol)
      return fail(b.path + ": origin or cell size differs from " + a.path + " (different grids)");
  return {};
}

std::vector<Window> tiles(const Grid& grid, int size) {
  std::vector<Window> out;
  for (int y = 0; y < grid.height; y += size)
    for (int x = 0; x < grid.width; x += size)
      out.push_back({x, y, std::min(size, grid.width - x), std::min(size, grid.height - y)});
  return out;
}

// ---- Reader ----

struct Reader::Impl {
  GDALDatasetH ds = nullptr;
  GDALRasterBandH band = nullptr;
  Info info;
  std::vector<float> buffer;
};

Reader::Reader() : impl_(std::make_unique<Impl>()) {}
Reader::~Reader() {
  if (impl_ && impl_->ds) GDALClose(impl_->ds);
}
const Info& Reader::info() const { return impl_->info; }

Result<std::unique_ptr<Reader>> Reader::open(const std::string& path) {
  auto ds = open_dataset(path);
  if (!ds) return tl::unexpected(ds.error());
  std::unique_ptr<Reader> r(new Reader());
  r->impl_->ds = *ds;
  r->impl_->info = info_of(*ds, path);
  if (r->impl_->info.bands < 1) return fail(path + ": no raster band");
  r->impl_->band = GDALGetRasterBand(*ds, 1);
  return r;
}

Status Reader::read(const Window& w, int halo, std::vector<float>& out) {
  const Grid& g = impl_->info.grid;
  const int ow = w.w + 2 * halo, oh = w.h + 2 * halo;
  // The part of the grown window that lies on the raster.
  const int x0 = std::max(0, w.x0 - halo), y0 = std::max(0, w.y0 - halo);
  const int x1 = std::min(g.width, w.x0 + w.w + halo), y1 = std::min(g.height, w.y0 + w.h + halo);
  const int rw = std::max(0, x1 - x0), rh = std::max(0, y1 - y0);
  // Off the raster is NaN; a window wholly on it is read straight into `out` (no fill, no copy).
  if (rw == ow && rh == oh)
    out.resize(static_cast<size_t>(ow) * static_cast<size_t>(oh));
  else
    out.assign(static_cast<size_t>(ow) * static_cast<size_t>(oh), std::numeric_limits<float>::quiet_NaN());
  if (rw == 0 || rh == 0) return {};
  float* at = out.data() + static_cast<size_t>(y0 - (w.y0 - halo)) * static_cast<size_t>(ow) +
              static_cast<size_t>(x0 - (w.x0 - halo));
  if (GDALRasterIO(impl_->band, GF_Read, x0, y0, rw, rh, at, rw, rh, GDT_Float32, sizeof(float),
                   static_cast<GSpacing>(ow) * static_cast<GSpacing>(sizeof(float))) != CE_None)
    return fail(impl_->info.path + ": read failed at cell " + std::to_string(x0) + ", " + std::to_string(y0) + " (" +
                gdal_error() + ")");
  if (!impl_->info.nodata || std::isnan(*impl_->info.nodata)) return {};
  const auto nd = static_cast<float>(*impl_->info.nodata);
  for (int r = 0; r < rh; ++r) {
    float* row = at + static_cast<size_t>(r) * static_cast<size_t>(ow);
    for (int c = 0; c < rw; ++c)
      if (row[c] == nd) row[c] = std::numeric_limits<float>::quiet_NaN();
  }
  return {};
}

// ---- ReaderPool ----

struct ReaderPool::Free {
  std::mutex m;
  std::vector<Set> sets;
};

ReaderPool::ReaderPool(std::vector<std::string> paths) : paths_(std::move(paths)), free_(std::make_unique<Free>()) {}
ReaderPool::~ReaderPool() = default;

Result<ReaderPool::Set> ReaderPool::take() {
  {
    std::lock_guard lock(free_->m);
    if (!free_->sets.empty()) {
      Set s = std::move(free_->sets.back());
      free_->sets.pop_back();
      return s;
    }
  }
  Set s;
  for (const auto& path : paths_) {
    if (path.empty()) {
      s.emplace_back();
      continue;
    }
    auto r = Reader::open(path);
    if (!r) return tl::unexpected(r.error());
    s.push_back(std::move(*r));
  }
  return s;
}

void ReaderPool::give(Set set) {
  std::lock_guard lock(free_->m);
  free_->sets.push_back(std::move(set));
}

// ---- Writer ----

struct Writer::Impl {
  GDALDatasetH ds = nullptr;
  GDALRasterBandH band = nullptr;
  std::string path;
  std::mutex m;
  std::string error;
};

Writer::Writer() : impl_(std::make_unique<Impl>()) {}
Writer::~Writer() {
  if (impl_ && impl_->ds) GDALClose(impl_->ds);
}

namespace {
GDALDatasetH create_tiff(const std::string& path, const Grid& grid, GDALDataType type) {
  register_drivers();
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  if (!drv) return nullptr;
  const char* opts[] = {"TILED=YES",
                        "BLOCKXSIZE=256",
                        "BLOCKYSIZE=256",
                        "COMPRESS=DEFLATE",
                        type == GDT_Float32 ? "PREDICTOR=3" : "PREDICTOR=2",
                        "BIGTIFF=IF_SAFER",
                        nullptr};
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), grid.width, grid.height, 1, type, const_cast<char**>(opts));
  if (!ds) return nullptr;
  auto gt = grid.geotransform;
  GDALSetGeoTransform(ds, gt.data());
  if (!grid.crs_wkt.empty()) {
    GDALSetProjection(ds, grid.crs_wkt.c_str());
  } else if (grid.epsg) {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, grid.epsg);
    char* wkt = nullptr;
    OSRExportToWkt(srs, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
  }
  return ds;
}
}  // namespace

Result<std::unique_ptr<Writer>> Writer::create(const std::string& path, const Grid& grid, float nodata,
                                               const std::string& unit, const std::string& description) {
  std::unique_ptr<Writer> w(new Writer());
  w->impl_->path = path;
  w->impl_->ds = create_tiff(path, grid, GDT_Float32);
  if (!w->impl_->ds) return fail(path + ": cannot create a GeoTIFF (" + gdal_error() + ")");
  w->impl_->band = GDALGetRasterBand(w->impl_->ds, 1);
  GDALSetRasterNoDataValue(w->impl_->band, nodata);
  GDALSetRasterUnitType(w->impl_->band, unit.c_str());
  GDALSetDescription(w->impl_->band, description.c_str());
  return w;
}

Status Writer::write(const Window& w, const std::vector<float>& values) {
  std::lock_guard lock(impl_->m);
  if (GDALRasterIO(impl_->band, GF_Write, w.x0, w.y0, w.w, w.h, const_cast<float*>(values.data()), w.w, w.h,
                   GDT_Float32, 0, 0) != CE_None) {
    if (impl_->error.empty()) impl_->error = impl_->path + ": write failed (" + gdal_error() + ")";
    return fail(impl_->error);
  }
  return {};
}

Status Writer::close() {
  std::lock_guard lock(impl_->m);
  if (impl_->ds) {
    GDALClose(impl_->ds);
    impl_->ds = nullptr;
  }
  if (!impl_->error.empty()) return fail(impl_->error);
  return {};
}

Status write_raster(const std::string& path, const Grid& grid, const std::vector<float>& values,
                    std::optional<float> nodata, const std::string& unit, const std::string& description, bool byte) {
  GDALDatasetH ds = create_tiff(path, grid, byte ? GDT_Byte : GDT_Float32);
  if (!ds) return fail(path + ": cannot create a GeoTIFF (" + gdal_error() + ")");
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  if (nodata) GDALSetRasterNoDataValue(b, *nodata);
  GDALSetRasterUnitType(b, unit.c_str());
  GDALSetDescription(b, description.c_str());
  GDALSetMetadataItem(ds, "SHANSHUI_DEMO", "演示数据（合成，非实测）", nullptr);
  CPLErr e = GDALRasterIO(b, GF_Write, 0, 0, grid.width, grid.height, const_cast<float*>(values.data()), grid.width,
                          grid.height, GDT_Float32, 0, 0);
  GDALClose(ds);
  if (e != CE_None) return fail(path + ": write failed (" + gdal_error() + ")");
  return {};
}

namespace {
// `wkbs` (CGCS2000 lon/lat) burnt into a MEM dataset on `grid`, values 1 … n (lines burn the cells
// they cross, polygons the cells whose centre they cover).
// The geometries (WKB, CGCS2000 lon/lat) put on the grid's CRS by OGR; the caller destroys them.
Result<std::vector<OGRGeometryH>> on_grid(const Grid& grid, const std::vector<std::string>& wkbs) {
  register_drivers();
  OGRSpatialReferenceH ll = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(ll, 4490);
  OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReferenceH target = OSRNewSpatialReference(grid.crs_wkt.c_str());
  OSRSetAxisMappingStrategy(target, OAMS_TRADITIONAL_GIS_ORDER);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(ll, target);
  std::vector<OGRGeometryH> geoms;
  std::string error;
  for (size_t i = 0; i < wkbs.size(); ++i) {
    OGRGeometryH g = nullptr;
    if (OGR_G_CreateFromWkb(reinterpret_cast<const unsigned char*>(wkbs[i].data()), nullptr, &g,
                            static_cast<int>(wkbs[i].size())) != OGRERR_NONE ||
        !g || !ct || OGR_G_Transform(g, ct) != OGRERR_NONE) {
      error = "geometry " + std::to_string(i + 1) + ": cannot be put on the grid";
      if (g) OGR_G_DestroyGeometry(g);
      break;
    }
    geoms.push_back(g);
  }
  if (ct) OCTDestroyCoordinateTransformation(ct);
  OSRDestroySpatialReference(ll);
  OSRDestroySpatialReference(target);
  if (!error.empty()) {
    for (auto* g : geoms) OGR_G_DestroyGeometry(g);
    return fail(error);
  }
  return geoms;
}

// `ds` placed on window `w` of `grid`, and `geoms` burnt into it with `values` (cell centres inside).
Status rasterize_into(GDALDatasetH ds, const Grid& grid, const Window& w, std::vector<OGRGeometryH>& geoms,
                      std::vector<double>& values) {
  auto gt = grid.geotransform;
  gt[0] += w.x0 * gt[1];
  gt[3] += w.y0 * gt[5];
  GDALSetGeoTransform(ds, gt.data());
  GDALSetProjection(ds, grid.crs_wkt.c_str());
  int band = 1;
  if (!geoms.empty() && GDALRasterizeGeometries(ds, 1, &band, static_cast<int>(geoms.size()), geoms.data(), nullptr,
                                                nullptr, values.data(), nullptr, nullptr, nullptr) != CE_None)
    return fail("rasterize: " + gdal_error());
  return {};
}

// A MEM dataset covering window `w` of `grid`, with `geoms` burnt in.
Result<GDALDatasetH> burn_window(const Grid& grid, const Window& w, std::vector<OGRGeometryH>& geoms,
                                 std::vector<double>& values, GDALDataType type) {
  GDALDriverH mem = GDALGetDriverByName("MEM");
  GDALDatasetH ds = GDALCreate(mem, "", w.w, w.h, 1, type, nullptr);
  if (!ds) return fail("rasterize: " + gdal_error());
  if (auto s = rasterize_into(ds, grid, w, geoms, values); !s) {
    GDALClose(ds);
    return tl::unexpected(s.error());
  }
  return ds;
}

Result<GDALDatasetH> burn(const Grid& grid, const std::vector<std::string>& wkbs, GDALDataType type) {
  auto geoms = on_grid(grid, wkbs);
  if (!geoms) return tl::unexpected(geoms.error());
  std::vector<double> values(geoms->size());
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i + 1);
  auto ds = burn_window(grid, {0, 0, grid.width, grid.height}, *geoms, values, type);
  for (auto* g : *geoms) OGR_G_DestroyGeometry(g);
  return ds;
}
}  // namespace

Result<std::shared_ptr<const Zones>> Zones::make(const Grid& grid, const std::vector<std::string>& polygons_wkb) {
  auto geoms = on_grid(grid, polygons_wkb);
  if (!geoms) return tl::unexpected(geoms.error());
  auto z = std::shared_ptr<Zones>(new Zones());
  z->grid_ = grid;
  for (size_t i = 0; i < geoms->size(); ++i) {
    OGRGeometryH g = (*geoms)[i];
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    Part part{std::string(static_cast<size_t>(OGR_G_WkbSize(g)), '\0'),
              e.MinX,
              e.MinY,
              e.MaxX,
              e.MaxY,
              static_cast<double>(i + 1)};
    OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(part.wkb.data()));
    z->parts_.push_back(std::move(part));
    OGR_G_DestroyGeometry(g);
  }
  return std::shared_ptr<const Zones>(std::move(z));
}

Status Zones::burn(const Window& w, std::vector<int32_t>& out) const {
  const auto& gt = grid_.geotransform;  // north-up: gt[5] < 0
  const double x0 = gt[0] + w.x0 * gt[1], x1 = x0 + w.w * gt[1];
  const double y1 = gt[3] + w.y0 * gt[5], y0 = y1 + w.h * gt[5];
  std::vector<OGRGeometryH> geoms;
  std::vector<double> values;
  for (const auto& p : parts_) {  // only the polygons whose envelope meets the window
    if (p.max_x < x0 || p.min_x > x1 || p.max_y < y0 || p.min_y > y1) continue;
    OGRGeometryH g = nullptr;
    if (OGR_G_CreateFromWkb(reinterpret_cast<const unsigned char*>(p.wkb.data()), nullptr, &g,
                            static_cast<int>(p.wkb.size())) != OGRERR_NONE) {
      for (auto* x : geoms) OGR_G_DestroyGeometry(x);
      return fail("zone " + std::to_string(static_cast<int>(p.value)) + ": its geometry cannot be read back");
    }
    geoms.push_back(g);
    values.push_back(p.value);
  }
  out.assign(static_cast<size_t>(w.cells()), 0);
  if (geoms.empty()) return {};
  // A MEM dataset over `out` itself: the polygons are burnt straight into the caller's cells.
  char spec[160];
  std::snprintf(spec, sizeof spec, "MEM:::DATAPOINTER=%p,PIXELS=%d,LINES=%d,DATATYPE=Int32",
                static_cast<void*>(out.data()), w.w, w.h);
  GDALDatasetH ds = GDALOpen(spec, GA_Update);
  Status done = ds ? rasterize_into(ds, grid_, w, geoms, values) : fail("rasterize: " + gdal_error());
  if (ds) GDALClose(ds);
  for (auto* g : geoms) OGR_G_DestroyGeometry(g);
  return done;
}

Result<std::vector<int32_t>> rasterize_zones(const Grid& grid, const std::vector<std::string>& polygons_wkb) {
  auto zones = Zones::make(grid, polygons_wkb);
  if (!zones) return tl::unexpected(zones.error());
  std::vector<int32_t> cells;
  if (auto s = (*zones)->burn({0, 0, grid.width, grid.height}, cells); !s) return tl::unexpected(s.error());
  return cells;
}

Result<std::vector<float>> distance_to(const Grid& grid, const std::vector<std::string>& geometries_wkb) {
  auto ds = burn(grid, geometries_wkb, GDT_Byte);
  if (!ds) return tl::unexpected(ds.error());
  GDALDriverH mem = GDALGetDriverByName("MEM");
  GDALDatasetH dist = GDALCreate(mem, "", grid.width, grid.height, 1, GDT_Float32, nullptr);
  auto gt = grid.geotransform;
  GDALSetGeoTransform(dist, gt.data());
  GDALSetProjection(dist, grid.crs_wkt.c_str());
  const char* opts[] = {"DISTUNITS=GEO", nullptr};
  CPLErr e = GDALComputeProximity(GDALGetRasterBand(*ds, 1), GDALGetRasterBand(dist, 1), const_cast<char**>(opts),
                                  nullptr, nullptr);
  std::vector<float> out(static_cast<size_t>(grid.cells()), 0.0F);
  if (e == CE_None)
    e = GDALRasterIO(GDALGetRasterBand(dist, 1), GF_Read, 0, 0, grid.width, grid.height, out.data(), grid.width,
                     grid.height, GDT_Float32, 0, 0);
  GDALClose(dist);
  GDALClose(*ds);
  if (e != CE_None) return fail("proximity: " + gdal_error());
  return out;
}

void for_each_tile(size_t n, int threads, const std::function<void(size_t)>& fn) {
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(threads));
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1), [&](const tbb::blocked_range<size_t>& r) {
    for (size_t i = r.begin(); i != r.end(); ++i) fn(i);
  });
}

Result<std::vector<ZoneStats>> zonal(const std::string& path, const std::vector<int32_t>& zones, int n_zones,
                                     int threads) {
  auto first = info(path);
  if (!first) return tl::unexpected(first.error());
  const Grid& g = first->grid;
  if (static_cast<int64_t>(zones.size()) != g.cells()) return fail(path + ": the zones are on another grid");
  auto all = tiles(g, 512);
  std::vector<std::vector<ZoneStats>> part(all.size(), std::vector<ZoneStats>(static_cast<size_t>(n_zones)));
  std::vector<std::string> errors(all.size());
  ReaderPool pool({path});
  for_each_tile(all.size(), threads, [&](size_t t) {
    auto readers = pool.take();
    if (!readers) {
      errors[t] = readers.error().message;
      return;
    }
    Reader& r = *readers->front();
    std::vector<float> v;
    const Window& w = all[t];
    if (auto s = r.read(w, 0, v); !s) {
      errors[t] = s.error().message;
    } else {
      auto& z = part[t];
      for (int y = 0; y < w.h; ++y)
        for (int x = 0; x < w.w; ++x) {
          float val = v[static_cast<size_t>(y) * static_cast<size_t>(w.w) + static_cast<size_t>(x)];
          int32_t id =
              zones[static_cast<size_t>(w.y0 + y) * static_cast<size_t>(g.width) + static_cast<size_t>(w.x0 + x)];
          if (id < 1 || id > n_zones || std::isnan(val)) continue;
          ZoneStats& s = z[static_cast<size_t>(id - 1)];
          s.min = s.count ? std::min(s.min, static_cast<double>(val)) : val;
          s.max = s.count ? std::max(s.max, static_cast<double>(val)) : val;
          s.sum += val;
          ++s.count;
        }
    }
    pool.give(std::move(*readers));
  });
  for (const auto& e : errors)
    if (!e.empty()) return fail(e);
  std::vector<ZoneStats> out(static_cast<size_t>(n_zones));
  for (const auto& p : part)  // in tile order: the same sums for any number of threads
    for (size_t z = 0; z < out.size(); ++z) {
      if (!p[z].count) continue;
      out[z].min = out[z].count ? std::min(out[z].min, p[z].min) : p[z].min;
      out[z].max = out[z].count ? std::max(out[z].max, p[z].max) : p[z].max;
      out[z].sum += p[z].sum;
      out[z].count += p[z].count;
    }
  return out;
}

}  // namespace shanshui::raster
