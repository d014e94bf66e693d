// river_warning.h: upstream → downstream pre-warning along a river network given as data
// (data/exchange/river-network.csv, docs/exchange.md). A value at a section worse than its GB
// 3838—2002 class target (Table 1, the item's own class) is an exceedance; every section
// downstream of it gets a warning with the window in which the water is expected there (the
// reaches' distances over their flow speed range, added up). Pure: the runner in
// service/warning_run stores warnings and sends them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::service {

struct RiverSection {
  int line = 0;
  std::string id, name, river, owner, station;
  int target = 0;  // class rank, II = 2
  std::string downstream;
  double distance_km = 0, speed_min_ms = 0, speed_max_ms = 0;
  std::vector<std::string> departments;
  bool own() const { return owner == "wushan"; }
};

class RiverNetwork {
 public:
  /// Reads the table; errors name file:line: an unknown downstream section, a loop, a reach
  /// without a distance or a speed range, a class that is not I–V.
  static Result<RiverNetwork> parse(const std::string& text, const std::string& origin);
  static Result<RiverNetwork> load(const std::string& path);
  const RiverSection* section(const std::string& id) const;
  /// The section measured by this station (the county's MN, or a partner's Thing id), or nullptr.
  const RiverSection* at_station(const std::string& owner, const std::string& station) const;
  const std::vector<RiverSection>& sections() const { return sections_; }

 private:
  std::vector<RiverSection> sections_;
};

/// One value worse than its section's target.
struct Exceedance {
  const RiverSection* section = nullptr;
  std::string time;    // ISO 8601 at +08:00: the period's start
  std::string factor;  // HJ 212 code (w21003)
  std::string value;   // as measured
  int cls = 0;         // the value's class (6 = 劣V)
};

/// Whether `value` of `factor` at `section` is worse than the section's target: its exceedance,
/// or nullopt (factors GB 3838 Table 1 does not class are never exceedances).
std::optional<Exceedance> exceedance(const RiverSection& section, const std::string& factor, const std::string& value,
                                     const std::string& time);

/// A warning to one downstream section.
struct RiverWarning {
  std::string key;  // exceedance section, factor, time and downstream section: one warning each
  Exceedance cause;
  const RiverSection* downstream = nullptr;
  double distance_km = 0;
  std::string arrival_from, arrival_to;  // ISO 8601 at +08:00, to the minute
  std::string text_zh, text_en;
};

/// The warnings an exceedance gives: one per section downstream of it, nearest first.
std::vector<RiverWarning> downstream_warnings(const RiverNetwork& network, const Exceedance& e);

}  // namespace shanshui::service
