// water.h: surface water quality by GB 3838—2002 (Tables 1–3) and the assessment method of
// 环办〔2011〕22号: per-item class, section class by the single-factor method, main pollutants
// and exceedance multiples, river grades, the trophic level index of lakes and reservoirs,
// drinking-water-source compliance, inbound versus outbound sections. Exact decimal comparisons.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/result.h"

namespace shanshui::quality {

enum class Waterbody { river, lake };  // lake = 湖、库 (lakes and reservoirs)

/// Class ranks: I = 1 … V = 5, 劣V = 6.
constexpr int kWorseThanV = 6;
/// "I" … "V", "劣V" (docs/contracts.md spellings).
const char* water_class_name(int rank);
/// Parses I II III IV V 劣V (also Ⅰ–Ⅴ and 劣Ⅴ); 0 if not a class.
int parse_water_class(const std::string& s);

/// One item of GB 3838—2002.
struct WaterItem {
  const char* key;   // CLI key: ph do codmn … (Table 1), so4 cl no3 fe mn (Table 2), Table 3 keys
  const char* name;  // Chinese name as in the standard
  const char* unit;  // mg/L unless stated
  int table;         // 1, 2 or 3
  enum class Rule { upper, lower, range, none } rule;
  const char* limits[5];  // classes I–V (Table 1); Table 2–3: limits[0] is the single limit
  bool assessed;          // one of the 21 items of section assessment (22号: not temp, TN, fecal coliform)
  int decimals;           // reporting decimals of the 2020 statistical rule (UNCONFIRMED source)
};

/// All items of Tables 1–3, Table 1 first.
const std::vector<WaterItem>& water_items();
const WaterItem* find_water_item(const std::string& key);

/// Class of one item's value (Table 1 items only): "≤" items take the best class whose limit is
/// ≥ the value (shared limits give the better class: COD 15 → I); DO takes the best class whose
/// limit is ≤ the value (7.5 → I); pH outside 6–9 is 劣V; TP uses the lake column for lakes;
/// TN has limits for lakes only. nullopt for items with no class (water temperature, rivers' TN).
std::optional<int> item_class(const WaterItem& item, const Decimal& value, Waterbody body);

/// The limit of a Table 1 item at a class (for exceedance multiples), nullopt if none.
std::optional<Decimal> class_limit(const WaterItem& item, int rank, Waterbody body);

struct ItemResult {
  std::string key;
  Decimal value;
  std::optional<int> cls;  // Table 1 class
  bool assessed = false;
  std::optional<bool> within_limit;  // Table 2–3 items: value ≤ limit
};

struct MainPollutant {
  std::string key;
  int cls = 0;
  int64_t exceedance_centi = 0;  // (C − S)/S × 100 against the target class limit
};

/// The single-factor verdict of one sample or one averaged series.
struct WaterVerdict {
  int cls = 0;  // worst class of the assessed items; 0 when none was given
  std::vector<ItemResult> items;
  std::vector<std::string> deciding;  // items at the worst class
  std::vector<MainPollutant> main_pollutants;
  int target = 3;
  std::vector<std::string> unknown;    // keys not in GB 3838
  std::vector<std::string> reference;  // reference items assessed separately (TN, fecal coliform)
  std::string explanation;             // "class IV because TP 0.25 mg/L (limit for III: 0.2)"
  /// Qualitative grade: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染.
  const char* grade() const;
};

/// Classifies a set of item values. Main pollutants: when the class is worse than `target`, up to
/// three items worse than the target class, worst class first, then cyanide and heavy metals,
/// then the larger exceedance multiple; pH and DO never (no multiple is defined for them).
WaterVerdict classify_water(const std::vector<std::pair<std::string, Decimal>>& values, Waterbody body, int target = 3);

/// Grade of a river or basin (22号 §5.5): fewer than 5 sections → from the class of the
/// sections' averaged items (the caller passes that class in `averaged_class`); 5 or more → by
/// the share of sections in I–III and in 劣V.
struct RiverGrade {
  std::string grade;
  int sections = 0;
  int64_t share_i_iii_permille = 0, share_worse_v_permille = 0;
  std::string rule;
};
RiverGrade river_grade(const std::vector<int>& section_classes, std::optional<int> averaged_class);

/// Comprehensive trophic level index TLI(Σ) (CNEMC 总站生字〔2001〕090号), chla mg/m³, SD m,
/// others mg/L; weights r²/Σr² with chlorophyll a as base. Returns the index ×100, rounded.
struct TrophicState {
  double tli = 0;
  const char* state = "";  // 贫营养 中营养 轻度富营养 中度富营养 重度富营养
  double parts[5] = {};    // chla TP TN SD CODMn
};
Result<TrophicState> trophic_state(double chla, double tp, double tn, double sd, double codmn);

}  // namespace shanshui::quality
