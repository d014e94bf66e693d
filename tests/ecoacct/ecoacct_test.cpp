// ecoacct_test.cpp: the service formulas against worked answers (tests/data/ecoacct/services.csv),
// an account on a small raster set whose totals follow by hand, the same bits on one thread or two,
// and bad rasters refused by name.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ecoacct/account.h"
#include "ecoacct/params.h"
#include "ecoacct/services.h"
#include "raster/raster.h"

namespace shanshui::ecoacct {
namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> out;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> f;
    std::istringstream cells(line);
    for (std::string c; std::getline(cells, c, ',');) f.push_back(c);
    out.push_back(f);
  }
  return out;
}

TEST(Services, FormulasMatchTheWorkedCases) {
  auto rows = csv_rows(std::string(SHANSHUI_TEST_DATA) + "/ecoacct/services.csv");
  ASSERT_GE(rows.size(), 10U);
  for (const auto& f : rows) {
    auto a = [&](size_t i) { return f.at(i).empty() ? 0.0 : std::stod(f.at(i)); };
    const std::string& fn = f.at(0);
    double got = NAN;
    if (fn == "water_conservation_m3") got = services::water_conservation_m3(a(1), a(2), a(3), a(4));
    if (fn == "fu_aet_mm") got = services::fu_aet_mm(a(1), a(2), a(3), a(4));
    if (fn == "ls_factor") got = services::ls_factor(a(1), a(2));
    if (fn == "rusle_retained") got = services::rusle(a(1), a(2), a(3), a(4), a(5)).retained();
    if (fn == "rusle_actual") got = services::rusle(a(1), a(2), a(3), a(4), a(5)).actual;
    if (fn == "eroding") got = services::eroding(a(1), a(2)) ? 1 : 0;
    if (fn == "co2_t") got = services::co2_t(a(1), a(2), a(3));
    if (fn == "o2_t") got = services::o2_t(a(1));
    if (fn == "transpiration_kwh") got = services::transpiration_kwh(a(1), a(2), a(3), a(4));
    if (fn == "evaporation_kwh") got = services::evaporation_kwh(a(1), a(2));
    ASSERT_FALSE(std::isnan(got)) << "unknown function " << fn;
    EXPECT_NEAR(got, a(6), a(7)) << fn << " (" << f.at(8) << ")";
  }
}

TEST(Services, SlopeOfAPlane) {
  // z rises 0.5 m per metre eastward: slope atan(0.5) = 26.565°, whatever the cell size.
  const double cell = 30;
  float z[9];
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) z[r * 3 + c] = static_cast<float>(100 + 0.5 * cell * c);
  EXPECT_NEAR(services::slope_deg(z + 4, 3, cell), std::atan(0.5) * 180 / M_PI, 1e-9);
  // A missing neighbour (an edge of the county) counts as the centre's height.
  z[5] = NAN;
  EXPECT_GT(services::slope_deg(z + 4, 3, cell), 0);
}

// A 4 × 4 set of 30 m cells of 常绿阔叶林 on flat ground, written to a temporary folder.
struct Rasters {
  std::string dir = (fs::temp_directory_path() / ("shanshui-ecoacct-" + std::to_string(::getpid()))).string();
  raster::Grid grid;
  Rasters() {
    fs::create_directories(dir + "/2026");
    grid.width = 4;
    grid.height = 4;
    grid.geotransform = {400000, 30, 0, 3450000, 0, -30};
    grid.epsg = 4546;
    write("dem.tif", 500, "m");
    write("r_factor.tif", 5000, "MJ mm/(ha h a)");
    write("k_factor.tif", 0.03F, "t ha h/(ha MJ mm)");
    write("2026/land_cover.tif", 1, "", true);
    write("2026/precipitation.tif", 1200, "mm/a");
    write("2026/aet.tif", 600, "mm/a");
    write("2026/npp.tif", 700, "g C/m2/a");
  }
  ~Rasters() { fs::remove_all(dir); }
  void write_cells(const std::string& name, const std::vector<float>& values, const char* unit, bool byte = false) {
    auto s = raster::write_raster(dir + "/" + name, grid, values, byte ? std::optional<float>(0.0F) : -9999.0F, unit,
                                  "", byte);
    ASSERT_TRUE(s) << s.error().message;
  }
  void write(const std::string& name, float v, const char* unit, bool byte = false,
             std::optional<float> nodata = -9999.0F, const raster::Grid* g = nullptr) {
    const raster::Grid& gg = g ? *g : grid;
    std::vector<float> values(static_cast<size_t>(gg.cells()), v);
    auto s =
        raster::write_raster(dir + "/" + name, gg, values, byte ? std::optional<float>(0.0F) : nodata, unit, "", byte);
    ASSERT_TRUE(s) << s.error().message;
  }
};

Profile profile() {
  auto p = load_profile(std::string(SHANSHUI_SOURCE_DIR) + "/data/gep/gep.yaml");
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return *p;
}

const Line& line(const Account& a, const std::string& id) {
  for (const auto& l : a.lines)
    if (l.id == id) return l;
  static Line none;
  ADD_FAILURE() << "no line " << id;
  return none;
}

TEST(Account, SmallForestByHand) {
  Rasters r;
  Profile p = profile();
  RunOptions o;
  o.rasters_dir = r.dir;
  o.tile = 2;  // four tiles
  o.threads = 1;
  auto a = run(p, 2026, o);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->cells, 16);
  EXPECT_DOUBLE_EQ(a->area_m2, 16 * 900.0);
  EXPECT_DOUBLE_EQ(a->forest_coverage(), 1.0);
  EXPECT_DOUBLE_EQ(a->soil_conservation_rate(), 1.0);  // flat forest: far below 500 t/(km²·a)
  // 水源涵养: 16 cells × (1200 − 0.0267 × 1200 − 600) mm × 900 m² × 10⁻³, at 7.06 元/m³.
  const auto& w = line(*a, "water_conservation");
  EXPECT_NEAR(w.quantity, 16 * (1200 - 0.0267 * 1200 - 600) * 900e-3, 1e-6);
  EXPECT_NEAR(w.value, w.quantity * 7.06, 1e-6);
  // 固碳: 44/12 × 0.30 × 700 g C/m² × 14,400 m² = 11.088 t CO₂; 释氧 32/44 of it.
  EXPECT_NEAR(line(*a, "carbon").quantity, 11.088, 1e-9);
  EXPECT_NEAR(line(*a, "oxygen").quantity, 11.088 * 32 / 44, 1e-9);
  // 土壤保持 on flat ground: LS = (60/22.13)^0.2 × 0.03; retained = R·K·LS·(1 − C·P) t/ha × 1.44 ha.
  const double ls = std::pow(60 / 22.13, 0.2) * 0.03;
  const double retained_t = 5000 * 0.03 * ls * (1 - 0.003) * 1.44;
  EXPECT_NEAR(line(*a, "soil_retention.nitrogen").quantity, retained_t * 0.0012, 1e-9);
  // 气候调节: 2837.27 kJ/(m²·d) × 14,400 m² × 106 hot days (statistics.csv, 2026) / (3600 × 3).
  EXPECT_NEAR(line(*a, "climate.vegetation").quantity, 2837.27 * 14400 * 106 / 10800, 1e-6);
  // GEP is the sum of its lines; GEP/GDP as configured.
  double sum = 0;
  for (const auto& l : a->lines) sum += l.value;
  EXPECT_DOUBLE_EQ(a->gep, sum);
  EXPECT_EQ(a->gdp_ratio_definition, "realised_share");
  // +10 % on the carbon price moves GEP by 10 % of the carbon line.
  for (const auto& s : a->sensitivity)
    if (s.id == "carbon_price") {
      EXPECT_NEAR(s.delta, 0.1 * line(*a, "carbon").value, 1e-9);
    }
}

// Nodata and edge tiles: a 5 × 3 grid with cells outside the county (land cover 0), a hole in the
// NPP and one in the DEM, cut into tiles of 1, 2, 3 and 512 cells — narrow tiles at the right and
// bottom edges, a DEM halo running off the raster. Every tiling counts the same cells; the sums
// agree to rounding.
TEST(Account, NodataAndEdgeTiles) {
  Rasters r;
  r.grid.width = 5;
  r.grid.height = 3;
  const float nd = -9999.0F;
  r.write("dem.tif", 500, "m");
  r.write_cells("dem.tif", {500, 510, 520, 530, 540, 500, nd, 520, 530, 540, 500, 510, 520, 530, 540}, "m");
  r.write("r_factor.tif", 5000, "MJ mm/(ha h a)");
  r.write("k_factor.tif", 0.03F, "t ha h/(ha MJ mm)");
  r.write_cells("2026/land_cover.tif", {0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0}, "", true);  // 11 in the county
  r.write("2026/precipitation.tif", 1200, "mm/a");
  r.write("2026/aet.tif", 600, "mm/a");
  r.write_cells("2026/npp.tif", {700, 700, nd, 700, 700, 700, 700, 700, 700, 700, 700, 700, 700, 700, 700}, "g C/m2/a");
  Profile p = profile();
  std::vector<double> areas, carbon;
  for (int tile : {1, 2, 3, 512}) {
    RunOptions o;
    o.rasters_dir = r.dir;
    o.tile = tile;
    o.threads = 2;
    auto a = run(p, 2026, o);
    ASSERT_TRUE(a) << tile << ": " << a.error().message;
    EXPECT_EQ(a->cells, 11) << tile;
    areas.push_back(a->area_m2);
    carbon.push_back(line(*a, "carbon").quantity);
    // 10 cells with NPP: 44/12 × 0.30 × 700 × 900 m² × 10⁻⁶ each.
    EXPECT_NEAR(line(*a, "carbon").quantity, 10 * 44.0 / 12 * 0.30 * 700 * 900e-6, 1e-9) << tile;
    EXPECT_TRUE(std::isfinite(line(*a, "soil_retention.sediment").quantity)) << tile;  // the DEM hole is filled
  }
  for (size_t i = 1; i < areas.size(); ++i) {
    EXPECT_EQ(areas[i], areas[0]);
    EXPECT_NEAR(carbon[i], carbon[0], 1e-12 * carbon[0]);
  }
}

// Zones burnt tile by tile (what the account does, memory bounded by the tile) give every cell the
// zone a whole-grid burn gives it, for tiles that cut the polygons anywhere — and cells under no
// polygon stay 0.
TEST(Raster, ZonesBurntTileByTileEqualTheWholeGrid) {
  Rasters r;
  raster::Grid ll;
  ll.width = 37;
  ll.height = 23;
  ll.geotransform = {109.5, 0.01, 0, 31.4, 0, -0.01};
  ll.epsg = 4490;
  auto path = r.dir + "/ll.tif";
  ASSERT_TRUE(raster::write_raster(path, ll, std::vector<float>(static_cast<size_t>(ll.cells()), 1), -9999.0F, "", ""));
  auto info = raster::info(path);
  ASSERT_TRUE(info) << info.error().message;
  const raster::Grid& g = info->grid;
  // A triangle, a square with a hole, and a polygon reaching off the grid (lon/lat WKB, little-endian).
  auto polygon = [](const std::vector<std::vector<std::pair<double, double>>>& rings) {
    std::string w;
    auto put = [&](const void* p, size_t n) { w.append(static_cast<const char*>(p), n); };
    const uint8_t order = 1;
    const uint32_t type = 3, n_rings = static_cast<uint32_t>(rings.size());
    put(&order, 1);
    put(&type, 4);
    put(&n_rings, 4);
    for (const auto& ring : rings) {
      const auto n = static_cast<uint32_t>(ring.size());
      put(&n, 4);
      for (auto [x, y] : ring) {
        put(&x, 8);
        put(&y, 8);
      }
    }
    return w;
  };
  std::vector<std::string> zones = {
      polygon({{{109.52, 31.38}, {109.70, 31.38}, {109.55, 31.20}, {109.52, 31.38}}}),
      polygon({{{109.72, 31.36}, {109.84, 31.36}, {109.84, 31.22}, {109.72, 31.22}, {109.72, 31.36}},
               {{109.76, 31.32}, {109.80, 31.32}, {109.80, 31.28}, {109.76, 31.28}, {109.76, 31.32}}}),
      polygon({{{109.60, 31.25}, {110.20, 31.25}, {110.20, 31.00}, {109.60, 31.00}, {109.60, 31.25}}}),
  };
  auto whole = raster::rasterize_zones(g, zones);
  ASSERT_TRUE(whole) << whole.error().message;
  std::set<int32_t> seen(whole->begin(), whole->end());
  EXPECT_EQ(seen, (std::set<int32_t>{0, 1, 2, 3}));
  auto burner = raster::Zones::make(g, zones);
  ASSERT_TRUE(burner) << burner.error().message;
  for (int tile : {1, 4, 7, 16, 512}) {
    std::vector<int32_t> tiled(static_cast<size_t>(g.cells()), -1), cells;
    for (const auto& w : raster::tiles(g, tile)) {
      ASSERT_TRUE((*burner)->burn(w, cells));
      for (int y = 0; y < w.h; ++y)
        for (int x = 0; x < w.w; ++x)
          tiled[static_cast<size_t>(w.y0 + y) * static_cast<size_t>(g.width) + static_cast<size_t>(w.x0 + x)] =
              cells[static_cast<size_t>(y) * static_cast<size_t>(w.w) + static_cast<size_t>(x)];
    }
    EXPECT_EQ(tiled, *whole) << "tiles of " << tile;
  }
}

// The Budyko variant: AET from ET0 by Fu's curve instead of the AET raster; without an ET0 raster
// the run is refused by name.
TEST(Account, BudykoVariantReadsEt0) {
  Rasters r;
  Profile p = profile();
  p.water_method = "budyko";
  RunOptions o;
  o.rasters_dir = r.dir;
  auto missing = run(p, 2026, o);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("et0.tif"), std::string::npos) << missing.error().message;
  r.write("et0.tif", 1000, "mm/a");
  auto a = run(p, 2026, o);
  ASSERT_TRUE(a) << a.error().message;
  const double aet = services::fu_aet_mm(1200, 1000, 1.0, p.budyko_omega);
  EXPECT_NEAR(line(*a, "water_conservation").quantity, 16 * (1200 - 0.0267 * 1200 - aet) * 900e-3, 1e-6);
}

// The per-cell LS (no trigonometry) is the guideline's formula: it agrees with ls_factor at every
// slope from flat to cliff, on both sides of each class limit (1°, 3°, 5°, 10°).
TEST(Services, LsFromTheSquaredGradientIsTheFormulaInDegrees) {
  for (double lambda : {20.0, 60.0, 150.0}) {
    const services::LsTable table(lambda);
    for (int k = 0; k < 8000; ++k) {  // every hundredth of a degree, the class limits exactly
      const double deg = k / 100.0;
      const double g = std::tan(deg * services::kPi / 180), g2 = g * g;
      const double want = services::ls_factor(deg, lambda);
      EXPECT_NEAR(services::ls_from_gradient2(g2, table), want, 1e-12 * std::max(1.0, want))
          << deg << "° at λ = " << lambda;
    }
  }
}

TEST(Account, TheSameBitsOnOneThreadOrTwoAndAcrossRanks) {
  Rasters r;
  Profile p = profile();
  RunOptions o;
  o.rasters_dir = r.dir;
  o.tile = 1;  // sixteen tiles
  o.threads = 1;
  auto one = run(p, 2026, o);
  o.threads = 2;
  auto two = run(p, 2026, o);
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->gep, two->gep);  // bit for bit: the tiles are added in tile order
  EXPECT_EQ(one->fingerprint, two->fingerprint);
  EXPECT_EQ(one->fingerprint.size(), 64U);
  // Two "ranks" summing alternate tiles, joined in finish(): the same bits again.
  auto prep = prepare(p, 2026, o);
  ASSERT_TRUE(prep);
  auto r0 = sum_tiles(**prep, 0, 2);
  auto r1 = sum_tiles(**prep, 1, 2);
  ASSERT_TRUE(r0 && r1);
  std::vector<TileSums> all = *r1;
  all.insert(all.end(), r0->begin(), r0->end());
  auto joined = finish(**prep, all);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->gep, one->gep);
  EXPECT_EQ(joined->fingerprint, one->fingerprint);
  // and the fingerprint does see a change: one tile's forest a square metre larger
  all[0].values[kForest] += 1;
  auto changed = finish(**prep, all);
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->fingerprint, one->fingerprint);
}

TEST(Account, BadRastersAreRefusedByName) {
  Profile p = profile();
  auto fails_with = [&](const std::function<void(Rasters&)>& spoil, const std::string& expected) {
    Rasters r;
    spoil(r);
    RunOptions o;
    o.rasters_dir = r.dir;
    auto a = run(p, 2026, o);
    ASSERT_FALSE(a) << expected;
    EXPECT_NE(a.error().message.find(expected), std::string::npos) << a.error().message;
  };
  fails_with([](Rasters& r) { r.write("2026/precipitation.tif", 1.2F, "m"); },
             "precipitation.tif: unit 'm', the precipitation raster must be in mm/a");
  fails_with([](Rasters& r) { r.write("2026/aet.tif", 600, "mm/a", false, std::nullopt); },
             "aet.tif: declares no nodata value");
  raster::Grid utm;
  utm.width = 4;
  utm.height = 4;
  utm.geotransform = {400000, 30, 0, 3450000, 0, -30};
  utm.epsg = 32649;
  fails_with([&](Rasters& r) { r.write("2026/npp.tif", 700, "g C/m2/a", false, -9999.0F, &utm); },
             "npp.tif: CRS differs from");
  raster::Grid wide = utm;
  wide.epsg = 4546;
  wide.width = 5;
  fails_with([&](Rasters& r) { r.write("r_factor.tif", 5000, "MJ mm/(ha h a)", false, -9999.0F, &wide); },
             "(different grids)");
  fails_with([](Rasters& r) { r.write("2026/land_cover.tif", 99, "", true); }, "class 99 at cell");
  fails_with([](Rasters& r) { std::filesystem::remove(r.dir + "/k_factor.tif"); }, "k_factor.tif");
}

TEST(Profile, BadTablesNameTheFileAndLine) {
  const std::string dir = (fs::temp_directory_path() / "shanshui-profile-test").string();
  fs::create_directories(dir);
  for (const char* f : {"gep.yaml", "classes.csv", "prices.csv", "statistics.csv"})
    fs::copy_file(std::string(SHANSHUI_SOURCE_DIR) + "/data/gep/" + f, dir + "/" + f,
                  fs::copy_options::overwrite_existing);
  {
    std::ofstream out(dir + "/prices.csv", std::ios::app);
    out << "carbon_price,price,碳价,not-a-number,元/t,2023,x\n";
  }
  auto p = load_profile(dir + "/gep.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("prices.csv:"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("'not-a-number' is not a number"), std::string::npos) << p.error().message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace shanshui::ecoacct
