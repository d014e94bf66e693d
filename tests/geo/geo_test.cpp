// geo_test: areas against known answers (tests/data/geo/areas.csv), GB/T 4754 codes, and the
// screening engine on small hand-made layers whose overlaps can be worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/csv.h"
#include "core/file.h"
#include "geo/coverage.h"
#include "geo/crs.h"
#include "geo/layer.h"
#include "geo/screen.h"
#include "plan/loader.h"

namespace shanshui::geo {
namespace {

const std::string kData = SHANSHUI_TEST_DATA;

std::string wkb_of(const std::string& geojson) {
  auto w = geometry_from_geojson(geojson);
  EXPECT_TRUE(w) << (w ? "" : w.error().message);
  return w ? *w : "";
}

TEST(Area, KnownAnswersFromTheTable) {
  auto raw = read_file(kData + "/geo/areas.csv");
  ASSERT_TRUE(raw);
  std::string text;
  std::istringstream in(*raw);
  for (std::string line; std::getline(in, line);)
    if (line.rfind('#', 0) != 0) text += line + "\n";
  auto csv = parse_csv(text, "areas.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_GE(csv->records.size(), 4u);
  for (const auto& r : csv->records) {
    const auto& f = r.fields;
    auto wkb = wkb_from_wkt(f.at(1));
    ASSERT_TRUE(wkb) << f.at(0) << ": " << wkb.error().message;
    auto a = area_of(*wkb);
    ASSERT_TRUE(a) << f.at(0) << ": " << a.error().message;
    EXPECT_NEAR(a->ellipsoid_m2, std::stod(f.at(2)), std::stod(f.at(2)) * std::stod(f.at(3))) << f.at(0);
    double ratio = a->gk_m2 / a->ellipsoid_m2 - 1;
    EXPECT_NEAR(ratio, std::stod(f.at(4)), std::stod(f.at(5))) << f.at(0);
    EXPECT_LT(std::fabs(ratio), kGkAreaTolerance) << f.at(0) << ": the documented tolerance";
  }
}

// Two equal residential squares, one 95 m east of a 1 ha park (all of it within 300 m), one about
// 950 m away; a 105 m² pocket of green next to the far one is below the 400 m² threshold.
TEST(Coverage, FiveMinuteParkCoverageByTheBufferMethod) {
  auto sq = [](double x, double y, double d) {
    char wkt[200];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f))", x, y, x + d, y,
                  x + d, y + d, x, y + d, x, y);
    return *wkb_from_wkt(wkt);
  };
  std::vector<std::string> parks = {sq(109.900, 31.100, 0.001), sq(109.9104, 31.1004, 0.0001)};
  std::vector<std::string> homes = {sq(109.902, 31.100, 0.001), sq(109.910, 31.100, 0.001)};
  auto c = service_coverage(parks, 400, 300, homes);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NEAR(c->share(), 0.5, 0.001);
  auto all = service_coverage(parks, 0, 300, homes);  // without the size threshold the pocket counts
  ASSERT_TRUE(all);
  EXPECT_NEAR(all->share(), 1.0, 0.001);
  auto none = service_coverage({}, 400, 300, homes);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->covered_m2, 0);
}

// Shapes drawn in GK metres near the county seat (EPSG:4546, x ≈ 395 km), stored as lon/lat.
std::string gk_shape(const std::string& wkt_metres) {
  auto wkb = wkb_from_wkt(wkt_metres);
  auto ll = from_analysis(*wkb);
  EXPECT_TRUE(ll) << wkt_metres;
  return ll ? *ll : std::string();
}
std::string gk_rect(double x0, double y0, double x1, double y1) {
  char wkt[256];
  std::snprintf(wkt, sizeof wkt, "POLYGON((%f %f, %f %f, %f %f, %f %f, %f %f))", 395000 + x0, 3443000 + y0, 395000 + x1,
                3443000 + y0, 395000 + x1, 3443000 + y1, 395000 + x0, 3443000 + y1, 395000 + x0, 3443000 + y0);
  return gk_shape(wkt);
}
std::string gk_line(double x0, double y0, double x1, double y1) {
  char wkt[256];
  std::snprintf(wkt, sizeof wkt, "LINESTRING(%f %f, %f %f)", 395000 + x0, 3443000 + y0, 395000 + x1, 3443000 + y1);
  return gk_shape(wkt);
}

// A 1 ha park [0,100]² and a street leaving its east side along y = 50 for 1 km; homes in a strip
// 10–30 m north of the street from x = 100 to 1100 (20,000 m²). By hand:
// - buffer method: the strip within 300 m of the park, x ≤ 400: 6,000 m² → 30 %;
// - network method: the street reached to x = 400 (300 m walked), buffered 30 m, covers the strip
//   to x = 400 plus the round end's part, ∫₁₀³⁰ √(900 − y²) dy = 412.5 m² → 6,412.5 m² → 32.06 %;
// - with the street broken at x = 250–260 the walk stops at 250: 3,000 + 412.5 → 17.06 %.
TEST(Coverage, FiveMinuteParkCoverageAlongTheWalkingNetwork) {
  std::vector<std::string> park = {gk_rect(0, 0, 100, 100)};
  std::vector<std::string> homes = {gk_rect(100, 60, 1100, 80)};
  auto buffer = service_coverage(park, 400, 300, homes);
  ASSERT_TRUE(buffer) << buffer.error().message;
  EXPECT_NEAR(buffer->share(), 0.30, 0.0005);
  auto whole = network_service_coverage(park, 400, {gk_line(100, 50, 1100, 50)}, homes, Walk{});
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_NEAR(whole->share(), 0.3206, 0.0008);  // quarter circles drawn with 8 segments lose a little
  auto broken =
      network_service_coverage(park, 400, {gk_line(100, 50, 250, 50), gk_line(260, 50, 1100, 50)}, homes, Walk{});
  ASSERT_TRUE(broken) << broken.error().message;
  EXPECT_NEAR(broken->share(), 0.1706, 0.0008);
  // A street that starts 80 m from the park is no entrance (access within 50 m): only the park's own
  // 30 m walk-in reaches the strip, x ≤ 130: 30 × 20 m = 600 m² → 3 %.
  auto far = network_service_coverage(park, 400, {gk_line(180, 50, 1100, 50)}, homes, Walk{});
  ASSERT_TRUE(far) << far.error().message;
  EXPECT_NEAR(far->share(), 0.03, 0.0005);
  // The step the network is densified to does not move the result (a reached edge is cut exactly).
  Walk coarse;
  coarse.step_m = 170;
  auto c2 = network_service_coverage(park, 400, {gk_line(100, 50, 1100, 50)}, homes, coarse);
  ASSERT_TRUE(c2);
  EXPECT_NEAR(c2->share(), whole->share(), 1e-6);
}

// A 2 × 1 km county cut into two 1 km² townships, a 0.5 km² reserve wholly in the west one.
TEST(Coverage, SplitByTownship) {
  auto c = coverage({gk_rect(0, 0, 500, 1000)}, gk_rect(0, 0, 2000, 1000));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NEAR(c->share(), 0.25, 1e-5);
  auto parts = coverage_by_zone(*c, {gk_rect(0, 0, 1000, 1000), gk_rect(1000, 0, 2000, 1000)});
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2U);
  // The rectangles' edges are straight in lon/lat, not in GK, so the halves' shared edge and the
  // whole's long edge differ by centimetres: the parts add up to the whole within 0.01 %.
  EXPECT_NEAR((*parts)[0].share(), 0.5, 1e-5);
  EXPECT_NEAR((*parts)[1].share(), 0.0, 1e-9);
  EXPECT_NEAR((*parts)[0].whole_m2 + (*parts)[1].whole_m2, c->whole_m2, 1e-4 * c->whole_m2);
}

TEST(Industry, Gbt4754Codes) {
  for (const char* ok : {"C2614", "C26", "C261", "I6510", "D4420", "A0111", "T9700", ""})
    EXPECT_TRUE(check_industry(ok)) << ok;
  for (const char* bad : {"X9999", "c2614", "C", "C2", "C261455", "A2500", "C12", "C2a14"})
    EXPECT_FALSE(check_industry(bad)) << bad;
}

// Two squares 1 km apart in GK terms: a red line and a farmland patch; the site overlaps half of the
// red line square's width.
TEST(Screen, OverlapsSharesDistancesAndRules) {
  Layer red{"红线", "ecological_red_line", "t", "", "EPSG:4490", "", 1, {}};
  red.features.push_back({"r1",
                          "红线一",
                          "",
                          "",
                          {},
                          wkb_of(R"({"type":"Polygon","coordinates":[[[109.90,31.10],[109.91,31.10],[109.91,31.11],)"
                                 R"([109.90,31.11],[109.90,31.10]]]})")});
  Layer farm{"农田", "permanent_farmland", "t", "", "EPSG:4490", "", 1, {}};
  farm.features.push_back({"f1",
                           "农田一",
                           "",
                           "",
                           {},
                           wkb_of(R"({"type":"Polygon","coordinates":[[[109.93,31.10],[109.94,31.10],[109.94,31.11],)"
                                  R"([109.93,31.11],[109.93,31.10]]]})")});
  std::vector<Rule> rules = {{"ecological_red_line", "", "overlaps", 0, {}, "non_compliant", "占用红线", "依据"},
                             {"permanent_farmland", "", "within", 3000, {}, "conditional", "邻近农田", "依据"}};
  auto s = Screener::build({red, farm}, rules, {});
  ASSERT_TRUE(s) << s.error().message;
  // A site from 109.905 to 109.915: half inside the red line square, 1.5 km from the farmland.
  auto r = (*s)->screen({wkb_of(R"({"type":"Polygon","coordinates":[[[109.905,31.102],[109.915,31.102],)"
                                R"([109.915,31.108],[109.905,31.108],[109.905,31.102]]]})"),
                         0, 0, ""});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->overlaps.size(), 1u);
  EXPECT_EQ(r->overlaps[0].feature, "r1");
  EXPECT_NEAR(r->overlaps[0].share, 0.5, 0.002);  // the meridian at 109.91 halves it (GK: nearly)
  ASSERT_EQ(r->nearby.size(), 1u);
  EXPECT_EQ(r->nearby[0].feature, "f1");
  EXPECT_NEAR(r->nearby[0].distance_m, 0.015 * 111320 * std::cos(31.105 * M_PI / 180), 60);
  EXPECT_EQ(r->verdict, "non_compliant");
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[1].verdict, "conditional");
  // A point with a radius is a disc; without one it is refused.
  auto disc = (*s)->screen({wkb_of(R"({"type":"Point","coordinates":[109.905,31.105]})"), 100, 0, ""});
  ASSERT_TRUE(disc);
  EXPECT_NEAR(disc->project_area_m2, M_PI * 100 * 100, M_PI * 100 * 100 * 0.01);
  EXPECT_FALSE((*s)->screen({wkb_of(R"({"type":"Point","coordinates":[109.905,31.105]})"), 0, 0, ""}));
}

}  // namespace
}  // namespace shanshui::geo
