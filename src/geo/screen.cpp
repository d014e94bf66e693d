// screen.cpp: the screening engine (see screen.h).
#include "geo/screen.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "geo/crs.h"
#include "geo/geos_util.h"

namespace shanshui::geo {
namespace {

using detail::from_wkb;
using detail::Geom;
using detail::geos;
using detail::Prepared;

struct TreeDeleter {
  void operator()(GEOSSTRtree* t) const {
    if (t) GEOSSTRtree_destroy_r(geos(), t);
  }
};

bool industry_matches(const std::vector<std::string>& prefixes, const std::string& industry) {
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return !industry.empty() && industry.rfind(p, 0) == 0; });
}

// The kinds whose nearest feature is reported (and worth a distance computation).
const std::set<std::string>& protected_kinds() {
  static const std::set<std::string> kinds = {"ecological_red_line", "nature_reserve", "heritage_site", "water_source",
                                              "permanent_farmland",  "river",          "urban_boundary"};
  return kinds;
}

std::string metres(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace

int verdict_rank(const std::string& v) {
  if (v == "non_compliant") return 3;
  if (v == "review") return 2;
  if (v == "conditional") return 1;
  return 0;
}

// GB/T 4754-2017: sections (门类) A–T and the divisions (大类, first two digits) each contains.
Status check_industry(const std::string& code) {
  if (code.empty()) return {};
  static const std::array<std::pair<char, std::pair<int, int>>, 20> kSections{{
      {'A', {1, 5}},   {'B', {6, 12}},  {'C', {13, 43}}, {'D', {44, 46}}, {'E', {47, 50}},
      {'F', {51, 52}}, {'G', {53, 60}}, {'H', {61, 62}}, {'I', {63, 65}}, {'J', {66, 69}},
      {'K', {70, 70}}, {'L', {71, 72}}, {'M', {73, 75}}, {'N', {76, 79}}, {'O', {80, 82}},
      {'P', {83, 83}}, {'Q', {84, 85}}, {'R', {86, 90}}, {'S', {91, 96}}, {'T', {97, 97}},
  }};
  auto bad = [&] {
    return fail("industry code '" + code.substr(0, 16) +
                "' is not GB/T 4754-2017 (a section letter and 2 to 4 digits, e.g. C2614)");
  };
  if (code.size() < 3 || code.size() > 5 || !std::isupper(static_cast<unsigned char>(code[0]))) return bad();
  if (!std::all_of(code.begin() + 1, code.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return bad();
  int division = std::stoi(code.substr(1, 2));
  for (const auto& [letter, range] : kSections)
    if (letter == code[0]) {
      if (division < range.first || division > range.second)
        return fail("industry code '" + code + "': division " + code.substr(1, 2) + " is not in section " + code[0]);
      return {};
    }
  return bad();
}

struct Indexed {
  const Layer* layer = nullptr;
  const Feature* feature = nullptr;
  Geom geom;  // GK metres
  Prepared prepared;
};

struct Screener::Impl {
  std::vector<Layer> layers;
  std::vector<Rule> rules;
  std::vector<Clause> clauses;
  std::map<std::string, std::vector<std::unique_ptr<Indexed>>> by_kind;
  std::map<std::string, std::unique_ptr<GEOSSTRtree, TreeDeleter>> trees;
};

Screener::Screener() : impl_(std::make_unique<Impl>()) {}
Screener::~Screener() = default;

Result<std::unique_ptr<Screener>> Screener::build(const std::vector<Layer>& layers, std::vector<Rule> rules,
                                                  std::vector<Clause> clauses) {
  std::unique_ptr<Screener> s(new Screener());
  // The latest version of each kind; kinds may hold several layers (two reserves, say).
  std::map<std::pair<std::string, std::string>, const Layer*> latest;
  for (const auto& l : layers) {
    auto& slot = latest[{l.kind, l.name}];
    if (!slot || l.version > slot->version) slot = &l;
  }
  for (const auto& [key, l] : latest) s->impl_->layers.push_back(*l);
  s->impl_->rules = std::move(rules);
  s->impl_->clauses = std::move(clauses);
  for (const auto& l : s->impl_->layers) {
    auto& list = s->impl_->by_kind[l.kind];
    for (const auto& f : l.features) {
      auto gk = to_analysis(f.wkb);
      if (!gk) return fail(l.name + " feature " + f.id + ": " + gk.error().message);
      auto item = std::make_unique<Indexed>();
      item->layer = &l;
      item->feature = &f;
      item->geom = from_wkb(*gk);
      if (!item->geom) return fail(l.name + " feature " + f.id + ": " + detail::geos_error());
      item->prepared.reset(GEOSPrepare_r(geos(), item->geom.get()));
      list.push_back(std::move(item));
    }
  }
  for (auto& [kind, list] : s->impl_->by_kind) {  // one STRtree per kind, over all its layers
    auto& tree = s->impl_->trees[kind];
    tree.reset(GEOSSTRtree_create_r(geos(), 10));
    for (auto& item : list) GEOSSTRtree_insert_r(geos(), tree.get(), item->geom.get(), item.get());
  }
  return s;
}

Result<Screening> Screener::screen(const Project& project) const {
  if (auto st = check_industry(project.industry); !st) return tl::unexpected(st.error());
  auto gk = to_analysis(project.wkb);
  if (!gk) return tl::unexpected(gk.error());
  Geom site = from_wkb(*gk);
  if (!site) return fail("the project's geometry: " + detail::geos_error());
  // The cost of an overlay grows with the site's vertices: a budget, like every input's.
  if (GEOSGetNumCoordinates_r(geos(), site.get()) > kMaxSiteVertices)
    return fail("the project has more than " + std::to_string(kMaxSiteVertices) + " vertices: simplify the site");
  int type = GEOSGeomTypeId_r(geos(), site.get());
  bool areal = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
  bool point = type == GEOS_POINT || type == GEOS_MULTIPOINT;
  bool line = type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING;
  if (point) {
    if (project.radius_m <= 0) return fail("a point project needs its site radius in metres (radius_m > 0)");
    site.reset(GEOSBuffer_r(geos(), site.get(), project.radius_m, 16));
  } else if (line) {
    if (project.buffer_m <= 0) return fail("a line project needs its corridor half-width in metres (buffer_m > 0)");
    site.reset(GEOSBufferWithStyle_r(geos(), site.get(), project.buffer_m, 8, GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_ROUND, 5));
  } else if (!areal) {
    return fail("the project must be a polygon, a point with a radius or a line with a buffer");
  }
  if (project.radius_m > 50000 || project.buffer_m > 50000) return fail("a radius or buffer above 50 km is not a site");
  Screening out;
  GEOSArea_r(geos(), site.get(), &out.project_area_m2);
  if (out.project_area_m2 > 5e8) return fail("the project covers more than 500 km²: screen a site, not a region");
  Prepared prepared_site(GEOSPrepare_r(geos(), site.get()));

  // Overlaps and nearest protected features, per kind, through each kind's STRtree.
  Geom search(GEOSBuffer_r(geos(), site.get(), kSearchRadiusM, 4));
  Geom search_env(GEOSEnvelope_r(geos(), search.get()));
  Geom site_env(GEOSEnvelope_r(geos(), site.get()));
  std::map<std::string, double> covered;  // per kind: the site's area inside the layer
  for (const auto& [kind, tree] : impl_->trees) {
    // Protected kinds are searched 5 km around the site for the nearest feature; the others (control
    // units, townships …) only where the site is.
    const bool nearby_wanted = protected_kinds().count(kind) > 0;
    std::vector<Indexed*> candidates;
    GEOSSTRtree_query_r(
        geos(), tree.get(), nearby_wanted ? search_env.get() : site_env.get(),
        [](void* item, void* list) {
          static_cast<std::vector<Indexed*>*>(list)->push_back(static_cast<Indexed*>(item));
        },
        &candidates);
    std::sort(candidates.begin(), candidates.end(), [](const Indexed* a, const Indexed* b) {
      return std::tie(a->layer->name, a->feature->id) < std::tie(b->layer->name, b->feature->id);
    });
    const Indexed* nearest = nullptr;
    double nearest_d = kSearchRadiusM;
    for (Indexed* c : candidates) {
      if (GEOSPreparedIntersects_r(geos(), c->prepared.get(), site.get()) == 1) {
        Geom part(GEOSIntersection_r(geos(), site.get(), c->geom.get()));
        double a = 0;
        if (part) GEOSArea_r(geos(), part.get(), &a);
        covered[kind] += a;
        out.overlaps.push_back({kind, c->layer->name, c->feature->id, c->feature->name, c->feature->code,
                                c->feature->zone, a, out.project_area_m2 > 0 ? a / out.project_area_m2 : 0});
        continue;
      }
      double d = 0;
      if (nearby_wanted && GEOSPreparedDistance_r(geos(), prepared_site.get(), c->geom.get(), &d) == 1 &&
          d <= nearest_d) {
        nearest_d = d;
        nearest = c;
      }
    }
    static const std::set<std::string> kProtected = {"ecological_red_line", "nature_reserve",     "heritage_site",
                                                     "water_source",        "permanent_farmland", "river",
                                                     "urban_boundary"};
    if (nearest)
      out.nearby.push_back({kind, nearest->layer->name, nearest->feature->id, nearest->feature->name,
                            nearest->feature->zone, nearest_d});
  }

  // The rules, in the order written.
  auto add = [&](const Rule& r, const std::string& detail) {
    out.findings.push_back({r.verdict, r.reason + detail, r.basis});
  };
  for (const auto& r : impl_->rules) {
    if (!industry_matches(r.industries, project.industry)) continue;
    if (!r.industries.empty() && project.industry.empty()) continue;
    if (r.relation == "overlaps") {
      for (const auto& o : out.overlaps)
        if (o.kind == r.kind && (r.zone.empty() || o.zone == r.zone)) {
          add(r, "（" + (o.name.empty() ? o.feature : o.name) + "，" + metres(o.area_m2) + " m²）");
          break;
        }
    } else if (r.relation == "within") {
      bool overlapping = std::any_of(out.overlaps.begin(), out.overlaps.end(), [&](const Overlap& o) {
        return o.kind == r.kind && (r.zone.empty() || o.zone == r.zone);
      });
      for (const auto& n : out.nearby)
        if (!overlapping && n.kind == r.kind && (r.zone.empty() || n.zone == r.zone) && n.distance_m <= r.distance_m) {
          add(r, "（" + (n.name.empty() ? n.feature : n.name) + "，相距 " + metres(n.distance_m) + " m）");
          break;
        }
    } else if (r.relation == "outside") {
      if (impl_->by_kind.count(r.kind) && covered[r.kind] < out.project_area_m2 * (1 - 1e-9))
        add(r, "（界外 " + metres(out.project_area_m2 - covered[r.kind]) + " m²）");
    }
  }

  // The access-list clauses of the control units the site lies in, and the county's own.
  std::vector<std::string> units;
  for (const auto& o : out.overlaps)
    if (o.kind == "control_unit" && !o.code.empty()) units.push_back(o.code);
  for (const auto& c : impl_->clauses) {
    std::string unit;
    for (const auto& u : units)
      if (u.rfind(c.unit_code, 0) == 0) unit = u;
    if (unit.empty()) continue;
    if (!c.industries.empty() && !industry_matches(c.industries, project.industry)) continue;
    std::string why = "单元 " + unit + (c.industries.empty() ? "" : "，行业 " + project.industry);
    out.clauses.push_back({c, why});
    if (c.rule == "prohibit")
      out.findings.push_back({"non_compliant", "准入清单禁止：" + c.text, c.source});
    else if (c.rule == "restrict")
      out.findings.push_back({"conditional", "准入清单限制：" + c.text, c.source});
  }
  if (project.industry.empty() && std::any_of(impl_->clauses.begin(), impl_->clauses.end(), [&](const Clause& c) {
        return !c.industries.empty() && std::any_of(units.begin(), units.end(),
                                                    [&](const std::string& u) { return u.rfind(c.unit_code, 0) == 0; });
      }))
    out.findings.push_back({"review", "未提供行业代码（GB/T 4754）：按行业适用的准入条款未判定", ""});

  out.verdict = "compliant";
  for (const auto& f : out.findings)
    if (verdict_rank(f.verdict) > verdict_rank(out.verdict)) out.verdict = f.verdict;
  return out;
}

}  // namespace shanshui::geo
