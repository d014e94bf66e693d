// coverage.h: coverage statistics from layers — the share of a whole (the county, the residential
// land) covered by parts (reserves, forest classes) or served by sites (parks within a 5-minute
// walk, by buffer or along the walking network), with the breakdown by zone (township). Unions,
// buffers and intersections by GEOS in GK CM 111°E; every area on the CGCS2000 ellipsoid (crs.h).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::geo {

/// Covered and whole areas in m² (ellipsoidal), and the two geometries (WKB lon/lat) so that a
/// breakdown by zone can follow. Overlapping parts count once; parts outside the whole not at all.
struct Coverage {
  double covered_m2 = 0, whole_m2 = 0;
  std::string covered_wkb, whole_wkb;
  double share() const { return whole_m2 > 0 ? covered_m2 / whole_m2 : 0; }
};

/// The share of `whole` (one county outline) covered by the union of `parts`.
Result<Coverage> coverage(const std::vector<std::string>& parts_wkb, const std::string& whole_wkb);

/// The share of `served` (residential land) within `radius_m` of the `sites` (parks and squares)
/// whose own area is at least `min_site_m2`: the buffer method of the 5-minute park coverage
/// (docs/reference/zoning-compensation.md §7.2 step 3; 300 m ≈ 5 minutes' walk, sites ≥ 400 m²).
Result<Coverage> service_coverage(const std::vector<std::string>& sites_wkb, double min_site_m2, double radius_m,
                                  const std::vector<std::string>& served_wkb);

/// The network method's distances (§7.2 step 3, "better in hilly terrain").
struct Walk {
  double walk_m = 300;    // along the network from the park (5 minutes at 60 m/min)
  double access_m = 50;   // a network vertex this close to a park is an entrance (the walk starts there
                          // with the straight distance already spent)
  double walk_in_m = 30;  // the service area is the reachable network buffered by this much
  double step_m = 20;     // the network is densified to this step; a reached edge is cut at the
                          // exact remaining distance, so the step only bounds the bends of a line
};

/// The share of `served` reachable on foot from the eligible `sites` along `network` (walkable
/// lines, WKB lon/lat): lines are noded where they cross (every crossing is a junction — an
/// overpass is not told apart), the walk runs as a multi-source shortest path from every entrance,
/// and the service area is the reached lines and the sites themselves buffered by `walk.walk_in_m`.
Result<Coverage> network_service_coverage(const std::vector<std::string>& sites_wkb, double min_site_m2,
                                          const std::vector<std::string>& network_wkb,
                                          const std::vector<std::string>& served_wkb, const Walk& walk);

/// A coverage split by zones (townships): for each zone, the covered and whole areas inside it.
/// The geometries of the parts are not kept.
Result<std::vector<Coverage>> coverage_by_zone(const Coverage& c, const std::vector<std::string>& zones_wkb);

}  // namespace shanshui::geo
