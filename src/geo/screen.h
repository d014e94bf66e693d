// screen.h: 三线一单 pre-screening of a project — which layers its site touches (overlap area and
// share), how far it is from the protected features nearby, which access-list clauses apply to it
// (by control unit and GB/T 4754 industry), and a verdict with reasons. The rules and the access
// list are data (data/zoning/*.csv, read by service/zoning); the geometry runs on GEOS over an STRtree of prepared
// geometries in Gauss–Krüger metres (crs.h). A Screener is not shared between threads: build one
// per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "geo/layer.h"

namespace shanshui::geo {

/// One screening rule (data/zoning/rules.csv): when a project `relation`s a feature of `kind` (and
/// `zone`, if set) — overlaps it, lies within `distance_m` of it, or lies outside every feature of
/// the layer — and its industry matches `industries` (GB/T 4754 prefixes; empty = any), the verdict is
/// at least `verdict`, for `reason`, on `basis` (the clause of law or policy).
struct Rule {
  std::string kind, zone, relation;
  double distance_m = 0;
  std::vector<std::string> industries;
  std::string verdict, reason, basis;
};

/// One clause of an access list (生态环境准入清单, data/zoning/access-list.csv).
struct Clause {
  std::string unit_code;                // a control unit's code, or a prefix such as ZH500237 for the whole county
  std::string dimension;                // space_layout | discharge | risk | resource
  std::string rule;                     // prohibit | restrict | require | encourage
  std::vector<std::string> industries;  // GB/T 4754 prefixes; empty = every project
  std::string text, source;
};

/// A GB/T 4754-2017 code as written in EIA documents: section letter + 2 to 4 digits ("C2929"),
/// the digits' division (大类) belonging to the letter's section. Empty = not given.
Status check_industry(const std::string& code);

struct Project {
  std::string wkb;       // CGCS2000 lon/lat: a polygon, or a point / line with a radius / buffer
  double radius_m = 0;   // a point's site radius
  double buffer_m = 0;   // a line's corridor half-width
  std::string industry;  // GB/T 4754, optional
};

struct Overlap {
  std::string kind, layer, feature, name, code, zone;
  double area_m2 = 0;  // GK metres; 0 for a project that is a point or a line
  double share = 0;    // of the project's area
};
struct Nearby {
  std::string kind, layer, feature, name, zone;
  double distance_m = 0;
};
struct AppliedClause {
  Clause clause;
  std::string applies;  // why: "unit ZH50023720001, industry C2614" …
};
struct Finding {
  std::string verdict, reason, basis;
};

struct Screening {
  double project_area_m2 = 0;
  std::vector<Overlap> overlaps;
  std::vector<Nearby> nearby;  // the nearest feature of each protected kind within the search radius
  std::vector<AppliedClause> clauses;
  std::vector<Finding> findings;
  std::string verdict;  // compliant | conditional | review | non_compliant (the most severe finding)
};

class Screener {
 public:
  /// Projects and indexes the layers (latest version of each kind) with the rules and clauses.
  static Result<std::unique_ptr<Screener>> build(const std::vector<Layer>& layers, std::vector<Rule> rules,
                                                 std::vector<Clause> clauses);
  ~Screener();
  Screener(const Screener&) = delete;
  Screener& operator=(const Screener&) = delete;

  Result<Screening> screen(const Project& project) const;

  static constexpr double kSearchRadiusM = 5000;  // nearby protected features are looked for this far
  static constexpr int kMaxSiteVertices = 10000;  // a site is a parcel, not a survey: more is refused

 private:
  Screener();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Severity order of verdicts: compliant < conditional < review < non_compliant.
int verdict_rank(const std::string& verdict);

}  // namespace shanshui::geo
