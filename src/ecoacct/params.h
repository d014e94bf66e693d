// params.h: what an ecosystem account is computed from besides its rasters — the method profile
// (data/gep/gep.yaml), the land-cover classes with their per-class parameters (classes.csv), the
// unit prices and fixed parameters (prices.csv) and the county's yearly statistics
// (statistics.csv). Every file is read with its SHA-256 for the provenance; every error names the
// file and line.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::ecoacct {

/// One land-cover class and the parameters the services read for it (classes.csv header).
struct LandClass {
  int code = 0;
  std::string name;
  bool forest = false, ecosystem = false, water = false;
  double runoff = 0, c = 0, p = 1, epp = 0, nep = 0, kc = 1;
  double so2 = 0, nox = 0, dust = 0, cod = 0, nh3n = 0;  // purification capacity, kg·ha⁻¹·a⁻¹
};

/// A price (varied in the sensitivity) or a fixed parameter.
struct Price {
  std::string id, kind, name;
  double value = 0;
  std::string unit, year, source;
};

/// A file as read: its path, text and SHA-256 (the provenance of a run names every input by hash).
struct Source {
  std::string path, sha256;
};

struct Profile {
  std::string name, profile;
  std::map<std::string, std::string> rasters;  // role → name relative to the raster directory
  double slope_length_m = 60, allowable_loss = 500, budyko_omega = 2.6;
  bool oxygen = true;
  std::string water_method = "balance", gdp_ratio = "realised_share";

  std::array<std::optional<LandClass>, 256> classes;
  std::map<std::string, Price> prices;
  std::map<int, std::map<std::string, double>> statistics;  // year → item → value
  std::vector<Source> sources;                              // the profile and its three tables

  /// A price or parameter by id, or an error naming prices.csv.
  Result<double> price(const std::string& id) const;
  /// A statistic of a year, or an error naming statistics.csv.
  Result<double> statistic(int year, const std::string& item) const;
  /// The raster path of a role for a year under `dir` ("{year}" replaced).
  std::string raster(const std::string& dir, const std::string& role, int year) const;
};

/// Reads a profile and the tables it names (relative to the profile's folder).
Result<Profile> load_profile(const std::string& yaml_path);

/// The GEP/GDP definitions the profile may choose (docs/gep.md).
const std::vector<std::string>& gdp_ratio_definitions();

}  // namespace shanshui::ecoacct
