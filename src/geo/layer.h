// layer.h: spatial layers as data — a layer is a kind (red line, farmland, control units …), where
// it came from, and its features in CGCS2000 lon/lat (EPSG:4490) as WKB with their attributes.
// Read from GeoPackage, Shapefile (GBK attribute text converted to UTF-8) or GeoJSON through
// GDAL/OGR; written as GeoPackage. GDAL stays inside layer.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::geo {

/// The kinds of layer the screening and the coverage statistics know (docs/geo.md).
const std::vector<std::string>& layer_kinds();

/// One feature: an id, a name, a code (a control unit's ZH… code), a zone or class (a water
/// source's grade, a reserve's core/general zone, a unit's type 1/2/3), all attributes as text,
/// and the geometry as WKB in CGCS2000 lon/lat.
struct Feature {
  std::string id;
  std::string name;
  std::string code;
  std::string zone;
  std::map<std::string, std::string> attributes;
  std::string wkb;
};

struct Layer {
  std::string name;           // "生态保护红线"
  std::string kind;           // one of layer_kinds()
  std::string source;         // the file it was read from
  std::string source_sha256;  // of the file's bytes
  std::string source_crs;     // as the file declared it ("EPSG:4525", "OGC:CRS84" …)
  std::string imported_at;
  int version = 0;  // 1 for the first import of a layer name, then counting
  std::vector<Feature> features;
};

/// A geometry that is not valid, where, and why (GEOS), or that could not be read at all.
struct GeometryProblem {
  std::string feature;  // id
  std::string reason;   // "Self-intersection", "empty geometry", "Points of LinearRing do not form a closed linestring"
  double lon = 0, lat = 0;
};

struct ReadOptions {
  std::string kind;
  std::string name;        // default: the file's base name
  std::string encoding;    // attribute encoding of a Shapefile without .cpg ("" = CP936, i.e. GBK)
  std::string assume_crs;  // for a file without a CRS ("EPSG:4525"); never overrides a declared one
  bool repair = false;     // make invalid geometries valid (GEOS MakeValid) instead of refusing them
  std::string id_field, name_field, code_field, zone_field;  // "" = guessed from common names
};

/// Reads the first layer of a vector file. Invalid geometries are listed in `problems` and the
/// read fails, unless `repair`, when they are repaired and still listed. A file without a CRS, or
/// whose coordinates cannot be where it says (a Gauss–Krüger file read as degrees), is refused.
Result<Layer> read_layer(const std::string& path, const ReadOptions& options, std::vector<GeometryProblem>* problems);

/// Writes one layer as GeoJSON (RFC 7946: longitude/latitude), with id, name, code, zone and the attributes.
Status write_geojson(const Layer& layer, const std::string& path);

/// The bounding box of a WKB geometry (lon/lat).
struct Envelope {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};
Result<Envelope> envelope_of(const std::string& wkb);

/// Writes layers as one GeoPackage (one table per layer, EPSG:4490), for QGIS and other tools.
Status write_geopackage(const std::vector<Layer>& layers, const std::string& path);

/// A geometry from WKT (lon/lat) as WKB, for tests and tools.
Result<std::string> wkb_from_wkt(const std::string& wkt);

/// WKT of a WKB geometry (lon/lat, full precision), for tools and benchmarks.
Result<std::string> wkt_of(const std::string& wkb);

/// A WKB geometry as GeoJSON geometry text (lon/lat, 7 decimals ≈ 1 cm).
Result<std::string> geojson_of(const std::string& wkb);

/// A geometry from GeoJSON text (a Feature, a FeatureCollection's first feature, or a bare
/// geometry; RFC 7946: longitude/latitude) as WKB, checked like an imported one.
Result<std::string> geometry_from_geojson(const std::string& text);

}  // namespace shanshui::geo
