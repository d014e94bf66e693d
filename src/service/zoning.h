// zoning.h: the one map as the platform keeps it — layers imported into the store (checked,
// in CGCS2000, one audited version per import), the screening rules and access list read from
// data/zoning/*.csv, a Screener per thread over the current layers, and the JSON of a screening.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/layer.h"
#include "geo/screen.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// data/zoning/rules.csv and access-list.csv (comment lines start with '#'); errors name file:line.
Result<std::vector<geo::Rule>> parse_rules(const std::string& csv_text, const std::string& origin);
Result<std::vector<geo::Clause>> parse_access_list(const std::string& csv_text, const std::string& origin);

/// Reads a layer file (geo::read_layer) and stores it as the next version of its name (the same
/// file again under the same name returns the version already stored).
Result<store::SpatialLayer> import_layer(store::Store& s, const std::string& path, const geo::ReadOptions& options,
                                         std::vector<geo::GeometryProblem>* problems);
/// Stores an already built layer (the demo layers) the same way.
Result<store::SpatialLayer> store_layer(store::Store& s, const geo::Layer& layer);

/// The latest version of every stored layer name.
Result<std::vector<geo::Layer>> current_layers(store::Store& s);

/// A layer as the provenance names it: "name v<version> <file sha256>".
std::string layer_identity(const geo::Layer& l);

/// The townships of the current layers (kind township), in zone order: zone i + 1 is feature i.
struct Townships {
  std::vector<std::string> wkb;                            // CGCS2000 lon/lat
  std::vector<std::pair<std::string, std::string>> names;  // code (or id), name
  std::vector<std::string> identities;                     // layer_identity of each township layer
};
Townships townships_of(const std::vector<geo::Layer>& layers);
/// The current township layer as a GeoJSON FeatureCollection (lon/lat; properties code and name).
Result<std::string> township_geojson(store::Store& s);

/// A Screener over the current layers with the rules and access list of `zoning_dir`.
Result<std::unique_ptr<geo::Screener>> build_screener(store::Store& s, const std::string& zoning_dir);

/// data/zoning/land-cover-classes.csv: GB/T 21010 class code → counts as forest.
Result<std::map<std::string, bool>> parse_land_classes(const std::string& csv_text, const std::string& origin);

/// One coverage statistic computed from the layers, as recorded.
struct CoverageValue {
  std::string indicator, period, value;  // value: percent, one decimal (GB/T 8170)
  std::string method, role;              // role: "measure" (the target's value) or "check" (shown beside it)
  double covered_km2 = 0, whole_km2 = 0;
  size_t townships = 0;  // townships in the breakdown
  int64_t run_id = 0;    // 0 when the same value and inputs were recorded before
};

/// Computes the plan's coverage indicators from the current layers — every target whose measure
/// or cross-check is a layer method (geo.protected_area_share, geo.forest_share,
/// geo.park_5min_coverage, geo.park_5min_network; docs/geo.md) — with the breakdown by township.
/// When `record`, stores each as an assessment run (a measure also as the target's computed
/// measurement) with its provenance: the layers' names, versions and file hashes. A cross-check
/// whose layers are absent is skipped; a measure whose layers are absent is an error.
Result<std::vector<CoverageValue>> coverage_indicators(store::Store& s, const plan::Plan& plan, int year, bool record,
                                                       const std::string& zoning_dir);

/// A target's latest runs (measure and cross-check) that carry a township breakdown (the layer
/// coverages, the ecosystem account), and the township polygons as GeoJSON:
/// GET /api/targets/{id}/townships.
Result<std::string> township_breakdown_json(store::Store& s, const plan::Plan& plan, const std::string& target_id);

/// The layer catalogue as JSON (every stored version: id, name, kind, version, features, source,
/// file hash, CRS, import time): what `layer list --json` prints and GET /api/layers sends.
std::string layers_json(const std::vector<store::SpatialLayer>& layers);

/// A screening as JSON: project area, overlaps, nearby features, clauses, findings, verdict (with
/// its Chinese label), in the API's shape.
std::string screening_json(const geo::Screening& r, const std::string& industry);

/// The Chinese label of a screening verdict (符合, 有条件符合, 需人工研判, 不符合).
const char* screening_verdict_label(const std::string& verdict);

}  // namespace shanshui::service
