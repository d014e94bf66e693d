// water_assess.h: annual assessment of water sections from sample files (CSV), per section,
// river and county, with drinking-water-source compliance and inbound/outbound comparison.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "quality/air_assess.h"
#include "quality/water.h"

namespace shanshui::service {

/// A monitored section (断面) or drinking-water source.
struct Section {
  std::string name;
  std::string river;
  quality::Waterbody body = quality::Waterbody::river;
  std::string role = "control";  // inbound | outbound | control | drinking
  int target = 3;                // target class
  bool main = false;             // one of 长江干流及主要支流 (the main stem and main tributaries)
};

struct SectionYear {
  const Section* section = nullptr;
  int year = 0;
  int samples = 0;
  std::vector<std::pair<std::string, Decimal>> means;  // item → annual mean, rounded to its decimals
  quality::WaterVerdict verdict;                       // of the annual means
  int samples_meeting_target = 0;                      // samples whose own class meets the target
  std::optional<bool> drinking_compliant;  // drinking sources: 21 items ≤ III and Tables 2–3 within limits
};

struct RiverYear {
  std::string river;
  int year = 0;
  quality::RiverGrade grade;
  std::optional<int> inbound, outbound;  // class ranks
  std::optional<bool> outbound_not_worse;
};

struct DrinkingYear {
  int year = 0;
  int sources = 0, compliant = 0;
  int64_t rate_permille = 0;
};

struct WaterAssessment {
  std::vector<SectionYear> sections;
  std::vector<RiverYear> rivers;
  std::vector<DrinkingYear> drinking;
  std::vector<quality::Exclusion> excluded;
  std::vector<Section> registry;  // owns the sections the results point to
};

/// Reads the section registry (CSV: section,river,waterbody,role,target[,main]); waterbody
/// river|lake, role inbound|outbound|control|drinking, target I–V, main yes|no (a section of the
/// main stem or a main tributary, whose worst class is the plan's 长江干流及主要支流 class).
/// Exact mean of decimals, rounded to `decimals` by GB/T 8170 (round half to even).
Decimal exact_mean(const std::vector<Decimal>& v, int decimals);

Result<std::vector<Section>> read_sections(const std::string& path);

/// Reads samples (CSV: section,time, then one column per item key of GB 3838 — see
/// `shanshui water class --help`) and assesses each section-year: the annual mean of each item
/// (rounded to the item's reporting decimals by GB/T 8170), its class by the single-factor method,
/// main pollutants against the target class. Sections missing from the registry are rivers with
/// target III. Malformed rows (unknown section column, bad time, negative or non-numeric value)
/// refuse the file with file:line unless skip_bad_rows.
Result<WaterAssessment> assess_water_csv(const std::string& samples, std::vector<Section> registry, bool skip_bad_rows);

}  // namespace shanshui::service
