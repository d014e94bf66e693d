// layer.cpp: reading and writing layers through GDAL/OGR, checking geometries with GEOS (see layer.h).
#include "geo/layer.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>

#include "core/file.h"
#include "core/text.h"
#include "geo/geos_util.h"

namespace shanshui::geo {
namespace {

using detail::from_wkb;
using detail::Geom;
using detail::geos;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void register_drivers() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors are read with CPLGetLastErrorMsg and reported by us
  });
}

struct DatasetCloser {
  void operator()(void* ds) const {
    if (ds) GDALClose(ds);
  }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;
struct SrsDeleter {
  void operator()(OGRSpatialReferenceH s) const {
    if (s) OSRDestroySpatialReference(s);
  }
};
using Srs = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsDeleter>;
struct FeatureDeleter {
  void operator()(OGRFeatureH f) const {
    if (f) OGR_F_Destroy(f);
  }
};
using OgrFeature = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDeleter>;

Srs epsg(int code) {
  Srs s(OSRNewSpatialReference(nullptr));
  OSRImportFromEPSG(s.get(), code);
  OSRSetAxisMappingStrategy(s.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

std::string srs_name(OGRSpatialReferenceH s) {
  const char* auth = OSRGetAuthorityName(s, nullptr);
  const char* code = OSRGetAuthorityCode(s, nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  const char* name = OSRGetName(s);
  return name ? name : "unnamed CRS";
}

// The first of `candidates` present among the fields (case-insensitive), or "".
std::string pick_field(OGRFeatureDefnH defn, const std::string& chosen, std::initializer_list<const char*> candidates) {
  if (!chosen.empty()) return OGR_FD_GetFieldIndex(defn, chosen.c_str()) >= 0 ? chosen : "";
  for (const char* c : candidates) {
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
      std::string name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
      if (lower(name) == lower(c)) return name;
    }
  }
  return "";
}

// A geometry's validity by GEOS: nullopt when valid, else the problem (reason and location).
std::optional<GeometryProblem> invalid(const std::string& id, const GEOSGeometry* g) {
  if (GEOSisEmpty_r(geos(), g)) return GeometryProblem{id, "empty geometry", 0, 0};
  char* reason = nullptr;
  GEOSGeometry* where = nullptr;
  char valid = GEOSisValidDetail_r(geos(), g, 0, &reason, &where);
  if (valid == 1) return std::nullopt;
  GeometryProblem p{id, reason ? reason : "invalid geometry", 0, 0};
  if (where) {
    GEOSGeomGetX_r(geos(), where, &p.lon);
    GEOSGeomGetY_r(geos(), where, &p.lat);
    GEOSGeom_destroy_r(geos(), where);
  }
  if (reason) GEOSFree_r(geos(), reason);
  return p;
}

// Coordinates that cannot be longitude/latitude in China (73–136°E, 3–54°N): the declared CRS is
// wrong — typically a Gauss–Krüger file (x ≈ 3.4e6 northing, y ≈ 37.4e6 easting) without a .prj.
bool plausible_lonlat(const GEOSGeometry* g) {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
  if (!GEOSGeom_getXMin_r(geos(), g, &minx) || !GEOSGeom_getYMin_r(geos(), g, &miny) ||
      !GEOSGeom_getXMax_r(geos(), g, &maxx) || !GEOSGeom_getYMax_r(geos(), g, &maxy))
    return false;
  return minx >= 73 && maxx <= 136 && miny >= 3 && maxy <= 54;
}

}  // namespace

const std::vector<std::string>& layer_kinds() {
  static const std::vector<std::string> kinds = {
      "county",               // 县界
      "township",             // 乡镇（街道）
      "ecological_red_line",  // 生态保护红线
      "permanent_farmland",   // 永久基本农田
      "urban_boundary",       // 城镇开发边界
      "control_unit",         // 生态环境管控单元 (ZH… codes, zone = 1/2/3)
      "nature_reserve",       // 自然保护区 (zone = core/general)
      "heritage_site",        // 世界遗产、风景名胜区
      "water_source",         // 饮用水水源保护区 (zone = 1/2/quasi)
      "river",                // 长江、大宁河 … (shorelines for distance rules)
      "park",                 // 公园绿地、广场
      "residential",          // 居住用地 (the 5-minute park coverage's denominator)
      "road",                 // 道路
      "land_cover",           // 地表覆盖 (zone = class, e.g. forest)
      "other",
  };
  return kinds;
}

Result<Layer> read_layer(const std::string& path, const ReadOptions& options, std::vector<GeometryProblem>* problems) {
  register_drivers();
  const auto& kinds = layer_kinds();
  if (std::find(kinds.begin(), kinds.end(), options.kind) == kinds.end())
    return fail("unknown layer kind '" + options.kind + "' (" + text::join(kinds, ", ") + ")");
  auto bytes = read_file(path);
  if (!bytes) return tl::unexpected(bytes.error());
  std::filesystem::path p(path);
  std::string ext = lower(p.extension().string());
  // Shapefiles from Chinese agencies carry GBK attributes and seldom a .cpg: read them as CP936
  // unless told otherwise or a .cpg says.
  char** open_options = nullptr;
  if (ext == ".shp") {
    auto cpg = p;
    cpg.replace_extension(".cpg");
    if (!options.encoding.empty() || !std::filesystem::exists(cpg))
      open_options =
          CSLSetNameValue(open_options, "ENCODING", options.encoding.empty() ? "CP936" : options.encoding.c_str());
  }
  CPLErrorReset();
  Dataset ds(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr));
  CSLDestroy(open_options);
  if (!ds) return fail(path + ": not a vector file GDAL can read (" + CPLGetLastErrorMsg() + ")");
  if (GDALDatasetGetLayerCount(ds.get()) < 1) return fail(path + ": no layer");
  OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);

  Layer out;
  out.kind = options.kind;
  out.name = options.name.empty() ? p.stem().string() : options.name;
  out.source = p.filename().string();
  out.source_sha256 = text::sha256_hex(*bytes);
  Srs source;
  if (OGRSpatialReferenceH declared = OGR_L_GetSpatialRef(layer)) {
    source.reset(OSRClone(declared));
  } else if (!options.assume_crs.empty()) {
    source.reset(OSRNewSpatialReference(nullptr));
    if (OSRSetFromUserInput(source.get(), options.assume_crs.c_str()) != OGRERR_NONE)
      return fail("--crs '" + options.assume_crs + "' is not a CRS PROJ knows (e.g. EPSG:4525)");
  } else {
    return fail(path + ": no CRS (add the .prj file, or say which: --crs EPSG:4490 / EPSG:4525 / EPSG:4546)");
  }
  OSRSetAxisMappingStrategy(source.get(), OAMS_TRADITIONAL_GIS_ORDER);
  out.source_crs = srs_name(source.get());
  Srs target = epsg(4490);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(source.get(), target.get());
  if (!ct) return fail(path + ": no transformation from " + out.source_crs + " to CGCS2000 (EPSG:4490)");
  std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, void (*)(OGRCoordinateTransformationH)> ct_owner(
      ct, OCTDestroyCoordinateTransformation);

  const std::string id_f = pick_field(defn, options.id_field, {"id", "fid", "BSM", "OBJECTID"});
  const std::string name_f =
      pick_field(defn, options.name_field, {"name", "名称", "MC", "HJZHGKDYMC", "ZRBHDMC", "XZQMC", "SYDMC"});
  const std::string code_f =
      pick_field(defn, options.code_field, {"code", "编码", "HJZHGKDYBM", "XZQDM", "DLBM", "DM"});
  const std::string zone_f =
      pick_field(defn, options.zone_field, {"zone", "分区", "ZHGKDYFL", "GNFQ", "BHQJB", "class", "DLMC"});

  std::vector<GeometryProblem> found;
  OGR_L_ResetReading(layer);
  for (OgrFeature f(OGR_L_GetNextFeature(layer)); f; f.reset(OGR_L_GetNextFeature(layer))) {
    Feature feat;
    for (int i = 0; i < OGR_F_GetFieldCount(f.get()); ++i) {
      if (!OGR_F_IsFieldSetAndNotNull(f.get(), i)) continue;
      std::string name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
      std::string value = OGR_F_GetFieldAsString(f.get(), i);
      if (!text::is_valid_utf8(value))
        return fail(path + ": field '" + name + "' of feature " + std::to_string(OGR_F_GetFID(f.get())) +
                    " is not UTF-8 after decoding as " + (options.encoding.empty() ? "CP936" : options.encoding) +
                    " (say the encoding: --encoding)");
      feat.attributes[name] = value;
    }
    auto attr = [&](const std::string& field) { return field.empty() ? "" : feat.attributes[field]; };
    feat.id = id_f.empty() ? std::to_string(OGR_F_GetFID(f.get())) : attr(id_f);
    feat.name = attr(name_f);
    feat.code = attr(code_f);
    feat.zone = attr(zone_f);
    OGRGeometryH geom = OGR_F_GetGeometryRef(f.get());
    if (!geom) {
      found.push_back({feat.id, "no geometry", 0, 0});
      continue;
    }
    OGRGeometryH g = OGR_G_Clone(geom);
    std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, void (*)(OGRGeometryH)> g_owner(g, OGR_G_DestroyGeometry);
    OGR_G_FlattenTo2D(g);
    if (OGR_G_Transform(g, ct) != OGRERR_NONE) {
      found.push_back({feat.id, "coordinates cannot be transformed from " + out.source_crs, 0, 0});
      continue;
    }
    std::string wkb(static_cast<size_t>(OGR_G_WkbSize(g)), '\0');
    OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    Geom parsed = from_wkb(wkb);
    if (!parsed) {
      found.push_back({feat.id, detail::geos_error(), 0, 0});  // e.g. an unclosed ring
      continue;
    }
    if (!GEOSisEmpty_r(geos(), parsed.get()) && !plausible_lonlat(parsed.get()))
      return fail(path + ": feature " + feat.id + " lies outside China in " + out.source_crs +
                  " — the file's CRS is wrong (a Gauss–Krüger file needs its .prj, or --crs EPSG:4525)");
    if (auto problem = invalid(feat.id, parsed.get())) {
      found.push_back(*problem);
      if (!options.repair || problem->reason == "empty geometry") continue;
      Geom fixed(GEOSMakeValid_r(geos(), parsed.get()));
      if (!fixed) continue;
      wkb = detail::to_wkb(fixed.get());
    }
    feat.wkb = std::move(wkb);
    out.features.push_back(std::move(feat));
  }
  if (problems) *problems = found;
  if (!found.empty() && !options.repair)
    return fail(path + ": " + std::to_string(found.size()) + " invalid geometr" + (found.size() == 1 ? "y" : "ies") +
                ", first: feature " + found.front().feature + ": " + found.front().reason +
                " (repair them with --repair, or fix the file)");
  if (out.features.empty()) return fail(path + ": no feature with a geometry");
  return out;
}

Result<Envelope> envelope_of(const std::string& wkb) {
  Geom g = from_wkb(wkb);
  if (!g) return fail("not a geometry: " + detail::geos_error());
  Envelope e;
  if (!GEOSGeom_getXMin_r(geos(), g.get(), &e.min_x) || !GEOSGeom_getYMin_r(geos(), g.get(), &e.min_y) ||
      !GEOSGeom_getXMax_r(geos(), g.get(), &e.max_x) || !GEOSGeom_getYMax_r(geos(), g.get(), &e.max_y))
    return fail("an empty geometry has no envelope");
  return e;
}

Status write_geojson(const Layer& layer, const std::string& path) {
  register_drivers();
  GDALDriverH driver = GDALGetDriverByName("GeoJSON");
  if (!driver) return fail("GDAL has no GeoJSON driver");
  std::filesystem::remove(path);
  Dataset ds(GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) return fail(path + ": cannot create (" + std::string(CPLGetLastErrorMsg()) + ")");
  Srs srs = epsg(4490);
  char** options = CSLSetNameValue(nullptr, "RFC7946", "YES");
  OGRLayerH out = GDALDatasetCreateLayer(ds.get(), layer.name.c_str(), srs.get(), wkbUnknown, options);
  CSLDestroy(options);
  if (!out) return fail(path + ": cannot create its layer");
  std::vector<std::string> fields = {"id", "name", "code", "zone"};
  for (const auto& f : layer.features)
    for (const auto& [k, v] : f.attributes)
      if (std::find(fields.begin(), fields.end(), k) == fields.end()) fields.push_back(k);
  for (const auto& name : fields) {
    OGRFieldDefnH fd = OGR_Fld_Create(name.c_str(), OFTString);
    OGR_L_CreateField(out, fd, 1);
    OGR_Fld_Destroy(fd);
  }
  for (const auto& f : layer.features) {
    OgrFeature of(OGR_F_Create(OGR_L_GetLayerDefn(out)));
    OGR_F_SetFieldString(of.get(), 0, f.id.c_str());
    OGR_F_SetFieldString(of.get(), 1, f.name.c_str());
    OGR_F_SetFieldString(of.get(), 2, f.code.c_str());
    OGR_F_SetFieldString(of.get(), 3, f.zone.c_str());
    for (const auto& [k, v] : f.attributes) {
      int i = OGR_F_GetFieldIndex(of.get(), k.c_str());
      if (i >= 4) OGR_F_SetFieldString(of.get(), i, v.c_str());
    }
    OGRGeometryH g = nullptr;
    if (OGR_G_CreateFromWkb(reinterpret_cast<const unsigned char*>(f.wkb.data()), srs.get(), &g,
                            static_cast<int>(f.wkb.size())) != OGRERR_NONE)
      return fail(path + ": feature " + f.id + " has no valid WKB");
    OGR_F_SetGeometryDirectly(of.get(), g);
    if (OGR_L_CreateFeature(out, of.get()) != OGRERR_NONE) return fail(path + ": cannot write feature " + f.id);
  }
  return {};
}

Status write_geopackage(const std::vector<Layer>& layers, const std::string& path) {
  register_drivers();
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  if (!driver) return fail("GDAL has no GeoPackage driver");
  std::filesystem::remove(path);
  Dataset ds(GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) return fail(path + ": cannot create (" + std::string(CPLGetLastErrorMsg()) + ")");
  Srs srs = epsg(4490);
  for (const auto& l : layers) {
    std::string table = l.kind + "_" + std::to_string(l.version);
    OGRLayerH out = GDALDatasetCreateLayer(ds.get(), table.c_str(), srs.get(), wkbUnknown, nullptr);
    if (!out) return fail(path + ": cannot create layer " + table);
    for (const char* field : {"fid_source", "name", "code", "zone", "attributes"}) {
      OGRFieldDefnH fd = OGR_Fld_Create(field, OFTString);
      OGR_L_CreateField(out, fd, 1);
      OGR_Fld_Destroy(fd);
    }
    if (OGR_L_StartTransaction(out) != OGRERR_NONE) return fail(path + ": cannot write " + table);
    for (const auto& f : l.features) {
      OgrFeature of(OGR_F_Create(OGR_L_GetLayerDefn(out)));
      OGR_F_SetFieldString(of.get(), 0, f.id.c_str());
      OGR_F_SetFieldString(of.get(), 1, f.name.c_str());
      OGR_F_SetFieldString(of.get(), 2, f.code.c_str());
      OGR_F_SetFieldString(of.get(), 3, f.zone.c_str());
      std::string attrs;
      for (const auto& [k, v] : f.attributes) attrs += (attrs.empty() ? "" : "; ") + k + "=" + v;
      OGR_F_SetFieldString(of.get(), 4, attrs.c_str());
      OGRGeometryH g = nullptr;
      if (OGR_G_CreateFromWkb(reinterpret_cast<const unsigned char*>(f.wkb.data()), srs.get(), &g,
                              static_cast<int>(f.wkb.size())) != OGRERR_NONE)
        return fail(path + ": feature " + f.id + " of " + l.name + " has no valid WKB");
      OGR_F_SetGeometryDirectly(of.get(), g);
      if (OGR_L_CreateFeature(out, of.get()) != OGRERR_NONE) return fail(path + ": cannot write a feature of " + table);
    }
    if (OGR_L_CommitTransaction(out) != OGRERR_NONE) return fail(path + ": cannot commit " + table);
  }
  return {};
}

Result<std::string> wkb_from_wkt(const std::string& wkt) {
  GEOSWKTReader* r = GEOSWKTReader_create_r(geos());
  Geom g(GEOSWKTReader_read_r(geos(), r, wkt.c_str()));
  GEOSWKTReader_destroy_r(geos(), r);
  if (!g) return fail("not WKT: " + detail::geos_error());
  return detail::to_wkb(g.get());
}

Result<std::string> wkt_of(const std::string& wkb) {
  Geom g = from_wkb(wkb);
  if (!g) return fail("not a geometry: " + detail::geos_error());
  GEOSWKTWriter* w = GEOSWKTWriter_create_r(geos());
  GEOSWKTWriter_setTrim_r(geos(), w, 1);
  GEOSWKTWriter_setRoundingPrecision_r(geos(), w, 12);
  char* text = GEOSWKTWriter_write_r(geos(), w, g.get());
  std::string out = text ? text : "";
  GEOSFree_r(geos(), text);
  GEOSWKTWriter_destroy_r(geos(), w);
  return out;
}

Result<std::string> geojson_of(const std::string& wkb) {
  register_drivers();
  OGRGeometryH g = nullptr;
  if (OGR_G_CreateFromWkb(reinterpret_cast<const unsigned char*>(wkb.data()), nullptr, &g,
                          static_cast<int>(wkb.size())) != OGRERR_NONE)
    return fail("not a WKB geometry");
  char** options = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "7");
  char* json = OGR_G_ExportToJsonEx(g, options);
  CSLDestroy(options);
  OGR_G_DestroyGeometry(g);
  if (!json) return fail("cannot write the geometry as GeoJSON");
  std::string out = json;
  CPLFree(json);
  return out;
}

Result<std::string> geometry_from_geojson(const std::string& text) {
  register_drivers();
  // A bare geometry is parsed directly; a Feature or FeatureCollection through the GeoJSON driver.
  OGRGeometryH g = OGR_G_CreateGeometryFromJson(text.c_str());
  std::string wkb;
  if (g) {
    wkb.resize(static_cast<size_t>(OGR_G_WkbSize(g)));
    OGR_G_FlattenTo2D(g);
    wkb.resize(static_cast<size_t>(OGR_G_WkbSize(g)));
    OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    OGR_G_DestroyGeometry(g);
  } else {
    std::string name = "/vsimem/shanshui-project-" + std::to_string(reinterpret_cast<uintptr_t>(&text)) + ".geojson";
    VSIFCloseL(VSIFileFromMemBuffer(name.c_str(),
                                    reinterpret_cast<GByte*>(const_cast<char*>(text.data())),  // read only
                                    static_cast<vsi_l_offset>(text.size()), FALSE));
    Dataset ds(GDALOpenEx(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (ds && GDALDatasetGetLayerCount(ds.get()) > 0) {
      OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
      OGR_L_ResetReading(layer);
      OgrFeature f(OGR_L_GetNextFeature(layer));
      if (f && OGR_F_GetGeometryRef(f.get())) {
        OGRGeometryH fg = OGR_F_GetGeometryRef(f.get());
        OGR_G_FlattenTo2D(fg);
        wkb.resize(static_cast<size_t>(OGR_G_WkbSize(fg)));
        OGR_G_ExportToWkb(fg, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
      }
    }
    ds.reset();
    VSIUnlink(name.c_str());
  }
  static const std::regex kEmpty(R"re("coordinates"\s*:\s*\[\s*\])re");
  if (wkb.empty() && std::regex_search(text, kEmpty)) return fail("the project's geometry is empty");
  if (wkb.empty()) return fail("the project is not GeoJSON (a geometry, a Feature or a FeatureCollection)");
  Geom parsed = from_wkb(wkb);
  if (!parsed) return fail("the project's geometry: " + detail::geos_error());
  if (GEOSisEmpty_r(geos(), parsed.get())) return fail("the project's geometry is empty");
  if (!plausible_lonlat(parsed.get()))
    return fail(
        "the project's coordinates are not longitude/latitude in China: GeoJSON is lon/lat (RFC 7946); "
        "convert a Gauss–Krüger file first or upload it with its .prj");
  if (auto problem = invalid("project", parsed.get())) {
    char where[96];
    std::snprintf(where, sizeof where, " at %.6f, %.6f", problem->lon, problem->lat);
    return fail("the project's geometry is invalid: " + problem->reason + where);
  }
  return wkb;
}

}  // namespace shanshui::geo
