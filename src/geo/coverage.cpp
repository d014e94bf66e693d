// coverage.cpp: coverage statistics by GEOS, areas by crs.h (see coverage.h).
#include "geo/coverage.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <utility>

#include "geo/crs.h"
#include "geo/geos_util.h"

namespace shanshui::geo {
namespace {

using detail::from_wkb;
using detail::Geom;
using detail::geos;
using detail::to_wkb;

// The union of WKB geometries (GEOS unary union: overlaps dissolved, lines noded), or an error.
Result<Geom> union_of(const std::vector<std::string>& wkbs) {
  std::vector<GEOSGeometry*> raw;
  for (const auto& w : wkbs) {
    Geom g = from_wkb(w);
    if (!g) {
      for (auto* r : raw) GEOSGeom_destroy_r(geos(), r);
      return fail("a geometry: " + detail::geos_error());
    }
    raw.push_back(g.release());
  }
  Geom collection(
      GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned int>(raw.size())));
  Geom merged(GEOSUnaryUnion_r(geos(), collection.get()));
  if (!merged) return fail("union: " + detail::geos_error());
  return merged;
}

// The eligible sites (own ellipsoidal area ≥ min_site_m2) in GK metres.
Result<std::vector<std::string>> eligible_sites_gk(const std::vector<std::string>& sites_wkb, double min_site_m2) {
  std::vector<std::string> out;
  for (const auto& w : sites_wkb) {
    auto a = area_of(w);
    if (!a) return tl::unexpected(a.error());
    if (a->ellipsoid_m2 < min_site_m2) continue;
    auto gk = to_analysis(w);
    if (!gk) return tl::unexpected(gk.error());
    out.push_back(std::move(*gk));
  }
  return out;
}

// The share of `served` inside a service area given in GK metres (null: nothing is served).
Result<Coverage> served_within(const GEOSGeometry* service_gk, const std::vector<std::string>& served_wkb) {
  auto served = union_of(served_wkb);
  if (!served) return tl::unexpected(served.error());
  Coverage out;
  out.whole_wkb = to_wkb(served->get());
  auto whole = area_of(out.whole_wkb);
  if (!whole) return tl::unexpected(whole.error());
  out.whole_m2 = whole->ellipsoid_m2;
  if (!service_gk) return out;
  auto service_ll = from_analysis(to_wkb(service_gk));
  if (!service_ll) return tl::unexpected(service_ll.error());
  Geom s = from_wkb(*service_ll);
  Geom covered(GEOSIntersection_r(geos(), s.get(), served->get()));
  if (!covered) return fail("intersection: " + detail::geos_error());
  out.covered_wkb = to_wkb(covered.get());
  auto c = area_of(out.covered_wkb);
  if (!c) return tl::unexpected(c.error());
  out.covered_m2 = c->ellipsoid_m2;
  return out;
}

// The walking network as a graph: vertices (by their coordinates to the centimetre) and straight
// edges between consecutive vertices of the densified, noded lines.
struct Graph {
  std::vector<std::pair<double, double>> xy;
  std::vector<std::vector<std::pair<int, double>>> next;  // neighbour, edge length
  struct Edge {
    int a, b;
    double length;
  };
  std::vector<Edge> edges;
  std::map<std::pair<long long, long long>, int> index;

  int vertex(double x, double y) {
    auto key = std::make_pair(std::llround(x * 100), std::llround(y * 100));
    auto [it, added] = index.emplace(key, static_cast<int>(xy.size()));
    if (added) {
      xy.emplace_back(x, y);
      next.emplace_back();
    }
    return it->second;
  }
  void add_line(const GEOSGeometry* line) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos(), line);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(geos(), seq, &n);
    int prev = -1;
    double px = 0, py = 0;
    for (unsigned int i = 0; i < n; ++i) {
      double x = 0, y = 0;
      GEOSCoordSeq_getXY_r(geos(), seq, i, &x, &y);
      int v = vertex(x, y);
      if (prev >= 0 && prev != v) {
        double len = std::hypot(x - px, y - py);  // a straight edge in GK metres
        next[static_cast<size_t>(prev)].emplace_back(v, len);
        next[static_cast<size_t>(v)].emplace_back(prev, len);
        edges.push_back({prev, v, len});
      }
      prev = v;
      px = x;
      py = y;
    }
  }
};

// The straight line from `from` to `to`.
GEOSGeometry* segment(std::pair<double, double> from, std::pair<double, double> to) {
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos(), 2, 2);
  GEOSCoordSeq_setXY_r(geos(), seq, 0, from.first, from.second);
  GEOSCoordSeq_setXY_r(geos(), seq, 1, to.first, to.second);
  return GEOSGeom_createLineString_r(geos(), seq);
}

// The part of the straight edge from `from` to `to` within `reach` metres of `from` (GEOS
// interpolates the point where the walk ends).
GEOSGeometry* edge_piece(std::pair<double, double> from, std::pair<double, double> to, double reach) {
  Geom whole(segment(from, to));
  Geom end(GEOSInterpolate_r(geos(), whole.get(), reach));
  double ex = 0, ey = 0;
  GEOSGeomGetX_r(geos(), end.get(), &ex);
  GEOSGeomGetY_r(geos(), end.get(), &ey);
  return segment(from, {ex, ey});
}

}  // namespace

Result<Coverage> coverage(const std::vector<std::string>& parts_wkb, const std::string& whole_wkb) {
  Geom whole = from_wkb(whole_wkb);
  if (!whole) return fail("the whole: " + detail::geos_error());
  auto merged = union_of(parts_wkb);
  if (!merged) return tl::unexpected(merged.error());
  Geom inside(GEOSIntersection_r(geos(), merged->get(), whole.get()));
  if (!inside) return fail("intersection: " + detail::geos_error());
  Coverage out;
  out.covered_wkb = to_wkb(inside.get());
  out.whole_wkb = whole_wkb;
  auto covered = area_of(out.covered_wkb);
  auto all = area_of(whole_wkb);
  if (!covered) return tl::unexpected(covered.error());
  if (!all) return tl::unexpected(all.error());
  out.covered_m2 = covered->ellipsoid_m2;
  out.whole_m2 = all->ellipsoid_m2;
  return out;
}

Result<Coverage> service_coverage(const std::vector<std::string>& sites_wkb, double min_site_m2, double radius_m,
                                  const std::vector<std::string>& served_wkb) {
  auto sites = eligible_sites_gk(sites_wkb, min_site_m2);
  if (!sites) return tl::unexpected(sites.error());
  if (sites->empty()) return served_within(nullptr, served_wkb);
  auto merged = union_of(*sites);
  if (!merged) return tl::unexpected(merged.error());
  Geom service(GEOSBuffer_r(geos(), merged->get(), radius_m, 16));
  if (!service) return fail("buffer: " + detail::geos_error());
  return served_within(service.get(), served_wkb);
}

Result<Coverage> network_service_coverage(const std::vector<std::string>& sites_wkb, double min_site_m2,
                                          const std::vector<std::string>& network_wkb,
                                          const std::vector<std::string>& served_wkb, const Walk& walk) {
  auto sites = eligible_sites_gk(sites_wkb, min_site_m2);
  if (!sites) return tl::unexpected(sites.error());
  if (sites->empty()) return served_within(nullptr, served_wkb);
  auto parks = union_of(*sites);
  if (!parks) return tl::unexpected(parks.error());

  // The network, noded at every crossing (the unary union of lines) and densified.
  std::vector<std::string> lines_gk;
  for (const auto& w : network_wkb) {
    auto gk = to_analysis(w);
    if (!gk) return tl::unexpected(gk.error());
    lines_gk.push_back(std::move(*gk));
  }
  Graph graph;
  if (!lines_gk.empty()) {
    auto noded = union_of(lines_gk);
    if (!noded) return tl::unexpected(noded.error());
    Geom dense(GEOSDensify_r(geos(), noded->get(), walk.step_m));
    if (!dense) return fail("densify: " + detail::geos_error());
    std::function<void(const GEOSGeometry*)> add = [&](const GEOSGeometry* g) {
      int type = GEOSGeomTypeId_r(geos(), g);
      if (type == GEOS_LINESTRING) {
        graph.add_line(g);
      } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(geos(), g); ++i) add(GEOSGetGeometryN_r(geos(), g, i));
      }
    };
    add(dense.get());
  }

  // Multi-source shortest paths from the entrances (vertices within access_m of a park), bounded by walk_m.
  const double unreached = std::numeric_limits<double>::infinity();
  std::vector<double> dist(graph.xy.size(), unreached);
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  detail::Prepared near(GEOSPrepare_r(geos(), parks->get()));
  for (size_t v = 0; v < graph.xy.size(); ++v) {
    Geom p(GEOSGeom_createPointFromXY_r(geos(), graph.xy[v].first, graph.xy[v].second));
    if (GEOSPreparedDistanceWithin_r(geos(), near.get(), p.get(), walk.access_m) != 1) continue;
    double d = 0;
    if (!GEOSPreparedDistance_r(geos(), near.get(), p.get(), &d)) return fail("distance: " + detail::geos_error());
    dist[v] = d;
    queue.emplace(d, static_cast<int>(v));
  }
  while (!queue.empty()) {
    auto [d, v] = queue.top();
    queue.pop();
    if (d > dist[static_cast<size_t>(v)]) continue;
    for (auto [w, len] : graph.next[static_cast<size_t>(v)]) {
      double nd = d + len;
      if (nd > walk.walk_m || nd >= dist[static_cast<size_t>(w)]) continue;
      dist[static_cast<size_t>(w)] = nd;
      queue.emplace(nd, w);
    }
  }

  // The reached network: whole edges, and the reached ends of edges the walk does not finish.
  std::vector<GEOSGeometry*> pieces;
  for (const auto& e : graph.edges) {
    double ra = walk.walk_m - dist[static_cast<size_t>(e.a)], rb = walk.walk_m - dist[static_cast<size_t>(e.b)];
    if (!(ra > 0) && !(rb > 0)) continue;
    const auto& a = graph.xy[static_cast<size_t>(e.a)];
    const auto& b = graph.xy[static_cast<size_t>(e.b)];
    if (std::max(ra, 0.0) + std::max(rb, 0.0) >= e.length) {
      pieces.push_back(segment(a, b));
      continue;
    }
    if (ra > 0) pieces.push_back(edge_piece(a, b, ra));
    if (rb > 0) pieces.push_back(edge_piece(b, a, rb));
  }
  pieces.push_back(GEOSGeom_clone_r(geos(), parks->get()));
  Geom reached(GEOSGeom_createCollection_r(geos(), GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                           static_cast<unsigned int>(pieces.size())));
  Geom service(GEOSBuffer_r(geos(), reached.get(), walk.walk_in_m, 8));
  if (!service) return fail("buffer: " + detail::geos_error());
  return served_within(service.get(), served_wkb);
}

Result<std::vector<Coverage>> coverage_by_zone(const Coverage& c, const std::vector<std::string>& zones_wkb) {
  Geom covered = c.covered_wkb.empty() ? Geom() : from_wkb(c.covered_wkb);
  Geom whole = from_wkb(c.whole_wkb);
  if (!whole) return fail("the whole: " + detail::geos_error());
  std::vector<Coverage> out;
  for (const auto& z : zones_wkb) {
    Geom zone = from_wkb(z);
    if (!zone) return fail("a zone: " + detail::geos_error());
    Coverage part;
    Geom w(GEOSIntersection_r(geos(), whole.get(), zone.get()));
    if (!w) return fail("intersection: " + detail::geos_error());
    auto wa = area_of(to_wkb(w.get()));
    if (!wa) return tl::unexpected(wa.error());
    part.whole_m2 = wa->ellipsoid_m2;
    if (covered && part.whole_m2 > 0) {
      Geom k(GEOSIntersection_r(geos(), covered.get(), zone.get()));
      if (!k) return fail("intersection: " + detail::geos_error());
      auto ka = area_of(to_wkb(k.get()));
      if (!ka) return tl::unexpected(ka.error());
      part.covered_m2 = ka->ellipsoid_m2;
    }
    out.push_back(part);
  }
  return out;
}

}  // namespace shanshui::geo
