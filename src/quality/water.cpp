// water.cpp: GB 3838—2002 Tables 1–3 and the single-factor assessment (环办〔2011〕22号).
#include "quality/water.h"

#include <algorithm>
#include <cmath>

namespace shanshui::quality {
namespace {

using Rule = WaterItem::Rule;

// GB 3838—2002 Table 1 (basic items), Table 2 (supplementary items for drinking-water sources)
// and Table 3 (specific items for drinking-water sources). mg/L unless stated. Decimals: the
// 2020 statistical rule (地表水环境质量监测数据统计技术规定（试行）), an UNCONFIRMED secondary source.
const std::vector<WaterItem> kItems = {
    {"temp", "水温", "°C", 1, Rule::none, {}, false, 1},
    {"ph", "pH值", "", 1, Rule::range, {"6", "9"}, true, 0},
    {"do", "溶解氧", "mg/L", 1, Rule::lower, {"7.5", "6", "5", "3", "2"}, true, 1},
    {"codmn", "高锰酸盐指数", "mg/L", 1, Rule::upper, {"2", "4", "6", "10", "15"}, true, 1},
    {"cod", "化学需氧量(COD)", "mg/L", 1, Rule::upper, {"15", "15", "20", "30", "40"}, true, 1},
    {"bod5", "五日生化需氧量(BOD5)", "mg/L", 1, Rule::upper, {"3", "3", "4", "6", "10"}, true, 1},
    {"nh3n", "氨氮(NH3-N)", "mg/L", 1, Rule::upper, {"0.15", "0.5", "1.0", "1.5", "2.0"}, true, 2},
    {"tp", "总磷(以P计)", "mg/L", 1, Rule::upper, {"0.02", "0.1", "0.2", "0.3", "0.4"}, true, 3},
    {"tn", "总氮(湖、库,以N计)", "mg/L", 1, Rule::upper, {"0.2", "0.5", "1.0", "1.5", "2.0"}, false, 2},
    {"cu", "铜", "mg/L", 1, Rule::upper, {"0.01", "1.0", "1.0", "1.0", "1.0"}, true, 3},
    {"zn", "锌", "mg/L", 1, Rule::upper, {"0.05", "1.0", "1.0", "2.0", "2.0"}, true, 3},
    {"f", "氟化物(以F-计)", "mg/L", 1, Rule::upper, {"1.0", "1.0", "1.0", "1.5", "1.5"}, true, 3},
    {"se", "硒", "mg/L", 1, Rule::upper, {"0.01", "0.01", "0.01", "0.02", "0.02"}, true, 4},
    {"as", "砷", "mg/L", 1, Rule::upper, {"0.05", "0.05", "0.05", "0.1", "0.1"}, true, 4},
    {"hg", "汞", "mg/L", 1, Rule::upper, {"0.00005", "0.00005", "0.0001", "0.001", "0.001"}, true, 5},
    {"cd", "镉", "mg/L", 1, Rule::upper, {"0.001", "0.005", "0.005", "0.005", "0.01"}, true, 5},
    {"cr6", "铬(六价)", "mg/L", 1, Rule::upper, {"0.01", "0.05", "0.05", "0.05", "0.1"}, true, 3},
    {"pb", "铅", "mg/L", 1, Rule::upper, {"0.01", "0.01", "0.05", "0.05", "0.1"}, true, 3},
    {"cn", "氰化物", "mg/L", 1, Rule::upper, {"0.005", "0.05", "0.2", "0.2", "0.2"}, true, 3},
    {"phenol", "挥发酚", "mg/L", 1, Rule::upper, {"0.002", "0.002", "0.005", "0.01", "0.1"}, true, 4},
    {"oil", "石油类", "mg/L", 1, Rule::upper, {"0.05", "0.05", "0.05", "0.5", "1.0"}, true, 2},
    {"las", "阴离子表面活性剂", "mg/L", 1, Rule::upper, {"0.2", "0.2", "0.2", "0.3", "0.3"}, true, 2},
    {"s2", "硫化物", "mg/L", 1, Rule::upper, {"0.05", "0.1", "0.2", "0.5", "1.0"}, true, 3},
    {"fecal_coliform", "粪大肠菌群", "个/L", 1, Rule::upper, {"200", "2000", "10000", "20000", "40000"}, false, 0},
    // Table 2
    {"so4", "硫酸盐(以SO4 2-计)", "mg/L", 2, Rule::upper, {"250"}, false, 1},
    {"cl", "氯化物(以Cl-计)", "mg/L", 2, Rule::upper, {"250"}, false, 1},
    {"no3", "硝酸盐(以N计)", "mg/L", 2, Rule::upper, {"10"}, false, 2},
    {"fe", "铁", "mg/L", 2, Rule::upper, {"0.3"}, false, 3},
    {"mn", "锰", "mg/L", 2, Rule::upper, {"0.1"}, false, 3},
    // Table 3
    {"chloroform", "三氯甲烷", "mg/L", 3, Rule::upper, {"0.06"}, false, 4},
    {"ccl4", "四氯化碳", "mg/L", 3, Rule::upper, {"0.002"}, false, 4},
    {"bromoform", "三溴甲烷", "mg/L", 3, Rule::upper, {"0.1"}, false, 4},
    {"dichloromethane", "二氯甲烷", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"dichloroethane_12", "1,2-二氯乙烷", "mg/L", 3, Rule::upper, {"0.03"}, false, 4},
    {"epichlorohydrin", "环氧氯丙烷", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"vinyl_chloride", "氯乙烯", "mg/L", 3, Rule::upper, {"0.005"}, false, 4},
    {"dichloroethylene_11", "1,1-二氯乙烯", "mg/L", 3, Rule::upper, {"0.03"}, false, 4},
    {"dichloroethylene_12", "1,2-二氯乙烯", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"trichloroethylene", "三氯乙烯", "mg/L", 3, Rule::upper, {"0.07"}, false, 4},
    {"tetrachloroethylene", "四氯乙烯", "mg/L", 3, Rule::upper, {"0.04"}, false, 4},
    {"chloroprene", "氯丁二烯", "mg/L", 3, Rule::upper, {"0.002"}, false, 4},
    {"hexachlorobutadiene", "六氯丁二烯", "mg/L", 3, Rule::upper, {"0.0006"}, false, 5},
    {"styrene", "苯乙烯", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"formaldehyde", "甲醛", "mg/L", 3, Rule::upper, {"0.9"}, false, 3},
    {"acetaldehyde", "乙醛", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"acrolein", "丙烯醛", "mg/L", 3, Rule::upper, {"0.1"}, false, 4},
    {"chloral", "三氯乙醛", "mg/L", 3, Rule::upper, {"0.01"}, false, 4},
    {"benzene", "苯", "mg/L", 3, Rule::upper, {"0.01"}, false, 4},
    {"toluene", "甲苯", "mg/L", 3, Rule::upper, {"0.7"}, false, 4},
    {"ethylbenzene", "乙苯", "mg/L", 3, Rule::upper, {"0.3"}, false, 4},
    {"xylene", "二甲苯(邻、间、对)", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"cumene", "异丙苯", "mg/L", 3, Rule::upper, {"0.25"}, false, 4},
    {"chlorobenzene", "氯苯", "mg/L", 3, Rule::upper, {"0.3"}, false, 4},
    {"dichlorobenzene_12", "1,2-二氯苯", "mg/L", 3, Rule::upper, {"1.0"}, false, 4},
    {"dichlorobenzene_14", "1,4-二氯苯", "mg/L", 3, Rule::upper, {"0.3"}, false, 4},
    {"trichlorobenzene", "三氯苯(总量)", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"tetrachlorobenzene", "四氯苯(总量)", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"hexachlorobenzene", "六氯苯", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"nitrobenzene", "硝基苯", "mg/L", 3, Rule::upper, {"0.017"}, false, 4},
    {"dinitrobenzene", "二硝基苯(总量)", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"dinitrotoluene_24", "2,4-二硝基甲苯", "mg/L", 3, Rule::upper, {"0.0003"}, false, 5},
    {"tnt", "2,4,6-三硝基甲苯", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"nitrochlorobenzene", "硝基氯苯(总量)", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"dinitrochlorobenzene_24", "2,4-二硝基氯苯", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"dichlorophenol_24", "2,4-二氯苯酚", "mg/L", 3, Rule::upper, {"0.093"}, false, 4},
    {"trichlorophenol_246", "2,4,6-三氯苯酚", "mg/L", 3, Rule::upper, {"0.2"}, false, 4},
    {"pentachlorophenol", "五氯酚", "mg/L", 3, Rule::upper, {"0.009"}, false, 4},
    {"aniline", "苯胺", "mg/L", 3, Rule::upper, {"0.1"}, false, 4},
    {"benzidine", "联苯胺", "mg/L", 3, Rule::upper, {"0.0002"}, false, 5},
    {"acrylamide", "丙烯酰胺", "mg/L", 3, Rule::upper, {"0.0005"}, false, 5},
    {"acrylonitrile", "丙烯腈", "mg/L", 3, Rule::upper, {"0.1"}, false, 4},
    {"dibutyl_phthalate", "邻苯二甲酸二丁酯", "mg/L", 3, Rule::upper, {"0.003"}, false, 4},
    {"dehp", "邻苯二甲酸二(2-乙基己基)酯", "mg/L", 3, Rule::upper, {"0.008"}, false, 4},
    {"hydrazine", "水合肼", "mg/L", 3, Rule::upper, {"0.01"}, false, 4},
    {"tetraethyl_lead", "四乙基铅", "mg/L", 3, Rule::upper, {"0.0001"}, false, 5},
    {"pyridine", "吡啶", "mg/L", 3, Rule::upper, {"0.2"}, false, 4},
    {"turpentine", "松节油", "mg/L", 3, Rule::upper, {"0.2"}, false, 4},
    {"picric_acid", "苦味酸", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"butyl_xanthate", "丁基黄原酸", "mg/L", 3, Rule::upper, {"0.005"}, false, 4},
    {"active_chlorine", "活性氯", "mg/L", 3, Rule::upper, {"0.01"}, false, 4},
    {"ddt", "滴滴涕", "mg/L", 3, Rule::upper, {"0.001"}, false, 5},
    {"lindane", "林丹", "mg/L", 3, Rule::upper, {"0.002"}, false, 5},
    {"heptachlor_epoxide", "环氧七氯", "mg/L", 3, Rule::upper, {"0.0002"}, false, 5},
    {"parathion", "对硫磷", "mg/L", 3, Rule::upper, {"0.003"}, false, 5},
    {"methyl_parathion", "甲基对硫磷", "mg/L", 3, Rule::upper, {"0.002"}, false, 5},
    {"malathion", "马拉硫磷", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"dimethoate", "乐果", "mg/L", 3, Rule::upper, {"0.08"}, false, 4},
    {"dichlorvos", "敌敌畏", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"trichlorfon", "敌百虫", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"demeton", "内吸磷", "mg/L", 3, Rule::upper, {"0.03"}, false, 4},
    {"chlorothalonil", "百菌清", "mg/L", 3, Rule::upper, {"0.01"}, false, 4},
    {"carbaryl", "甲萘威", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"deltamethrin", "溴氰菊酯", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"atrazine", "阿特拉津", "mg/L", 3, Rule::upper, {"0.003"}, false, 5},
    {"bap", "苯并(a)芘", "mg/L", 3, Rule::upper, {"0.0000028"}, false, 8},
    {"methylmercury", "甲基汞", "mg/L", 3, Rule::upper, {"0.000001"}, false, 8},
    {"pcbs", "多氯联苯", "mg/L", 3, Rule::upper, {"0.00002"}, false, 7},
    {"microcystin_lr", "微囊藻毒素-LR", "mg/L", 3, Rule::upper, {"0.001"}, false, 5},
    {"yellow_phosphorus", "黄磷", "mg/L", 3, Rule::upper, {"0.003"}, false, 5},
    {"mo", "钼", "mg/L", 3, Rule::upper, {"0.07"}, false, 4},
    {"cobalt", "钴", "mg/L", 3, Rule::upper, {"1.0"}, false, 4},
    {"be", "铍", "mg/L", 3, Rule::upper, {"0.002"}, false, 5},
    {"b", "硼", "mg/L", 3, Rule::upper, {"0.5"}, false, 4},
    {"sb", "锑", "mg/L", 3, Rule::upper, {"0.005"}, false, 5},
    {"ni", "镍", "mg/L", 3, Rule::upper, {"0.02"}, false, 4},
    {"ba", "钡", "mg/L", 3, Rule::upper, {"0.7"}, false, 4},
    {"v", "钒", "mg/L", 3, Rule::upper, {"0.05"}, false, 4},
    {"ti", "钛", "mg/L", 3, Rule::upper, {"0.1"}, false, 4},
    {"tl", "铊", "mg/L", 3, Rule::upper, {"0.0001"}, false, 5},
};

// Total phosphorus in lakes and reservoirs (湖、库), GB 3838—2002 Table 1 item 8.
const char* const kTpLake[5] = {"0.01", "0.025", "0.05", "0.1", "0.2"};

// Cyanide and heavy metals take priority among main pollutants when they exceed (22号).
bool priority_item(const std::string& k) {
  return k == "cn" || k == "hg" || k == "cd" || k == "cr6" || k == "pb" || k == "as";
}

Decimal dec(const char* s) { return *Decimal::parse(s); }

}  // namespace

const char* water_class_name(int rank) {
  static const char* const kNames[] = {"?", "I", "II", "III", "IV", "V", "劣V"};
  return rank >= 1 && rank <= 6 ? kNames[rank] : "?";
}

int parse_water_class(const std::string& s) {
  static const char* const kAscii[] = {"I", "II", "III", "IV", "V"};
  static const char* const kRoman[] = {"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"};
  for (int i = 0; i < 5; ++i)
    if (s == kAscii[i] || s == kRoman[i]) return i + 1;
  if (s == "劣V" || s == "劣Ⅴ") return kWorseThanV;
  return 0;
}

const std::vector<WaterItem>& water_items() { return kItems; }

const WaterItem* find_water_item(const std::string& key) {
  for (const auto& i : kItems)
    if (key == i.key) return &i;
  return nullptr;
}

std::optional<Decimal> class_limit(const WaterItem& item, int rank, Waterbody body) {
  if (item.table != 1 || item.rule == Rule::none || item.rule == Rule::range || rank < 1 || rank > 5)
    return std::nullopt;
  if (std::string(item.key) == "tn" && body == Waterbody::river) return std::nullopt;
  if (std::string(item.key) == "tp" && body == Waterbody::lake) return dec(kTpLake[rank - 1]);
  return dec(item.limits[rank - 1]);
}

std::optional<int> item_class(const WaterItem& item, const Decimal& v, Waterbody body) {
  if (item.table != 1 || item.rule == Rule::none) return std::nullopt;
  if (item.rule == Rule::range)  // pH 6–9 meets every class; outside it, 劣V
    return v.compare(dec(item.limits[0])) >= 0 && v.compare(dec(item.limits[1])) <= 0 ? 1 : kWorseThanV;
  if (std::string(item.key) == "tn" && body == Waterbody::river) return std::nullopt;
  for (int rank = 1; rank <= 5; ++rank) {
    Decimal limit = *class_limit(item, rank, body);
    bool ok = item.rule == Rule::lower ? v.compare(limit) >= 0 : v.compare(limit) <= 0;
    if (ok) return rank;
  }
  return kWorseThanV;
}

const char* WaterVerdict::grade() const {
  switch (cls) {
    case 1:
    case 2:
      return "优";
    case 3:
      return "良好";
    case 4:
      return "轻度污染";
    case 5:
      return "中度污染";
    case 6:
      return "重度污染";
    default:
      return "";
  }
}

WaterVerdict classify_water(const std::vector<std::pair<std::string, Decimal>>& values, Waterbody body, int target) {
  WaterVerdict w;
  w.target = target;
  for (const auto& [key, v] : values) {
    const WaterItem* item = find_water_item(key);
    if (!item) {
      w.unknown.push_back(key);
      continue;
    }
    ItemResult r{key, v, item_class(*item, v, body), item->assessed, std::nullopt};
    if (item->table != 1) r.within_limit = v.compare(dec(item->limits[0])) <= 0;
    if (item->table == 1 && !item->assessed && r.cls) w.reference.push_back(key);
    if (r.assessed && r.cls) w.cls = std::max(w.cls, *r.cls);
    w.items.push_back(r);
  }
  if (w.cls == 0) return w;
  std::string why;
  for (const auto& r : w.items) {
    if (!r.assessed || r.cls != w.cls) continue;
    w.deciding.push_back(r.key);
    const WaterItem* item = find_water_item(r.key);
    auto better = class_limit(*item, w.cls - 1, body);
    std::string detail =
        std::string(item->name) + " " + r.value.str() + (item->unit[0] ? std::string(" ") + item->unit : "");
    if (r.key == "ph")
      detail += " (outside 6–9)";
    else if (better && w.cls > 1)
      detail += std::string(" (limit for ") + water_class_name(w.cls - 1) + ": " + better->str() + ")";
    why += (why.empty() ? "" : ", ") + detail;
  }
  w.explanation = std::string("class ") + water_class_name(w.cls) + " because " + why;

  if (w.cls > target) {
    for (const auto& r : w.items) {
      if (!r.assessed || !r.cls || *r.cls <= target || r.key == "ph" || r.key == "do") continue;
      auto limit = class_limit(*find_water_item(r.key), target, body);
      if (!limit) continue;
      int s = std::max(r.value.scale, limit->scale);
      int64_t c = r.value.rescaled(s).mantissa, l = limit->rescaled(s).mantissa;
      w.main_pollutants.push_back({r.key, *r.cls, div_round_half_even(100 * (c - l), l)});
    }
    std::stable_sort(w.main_pollutants.begin(), w.main_pollutants.end(),
                     [](const MainPollutant& a, const MainPollutant& b) {
                       if (a.cls != b.cls) return a.cls > b.cls;
                       if (priority_item(a.key) != priority_item(b.key)) return priority_item(a.key);
                       return a.exceedance_centi > b.exceedance_centi;
                     });
    if (w.main_pollutants.size() > 3) w.main_pollutants.resize(3);
  }
  return w;
}

RiverGrade river_grade(const std::vector<int>& classes, std::optional<int> averaged_class) {
  RiverGrade g;
  g.sections = static_cast<int>(classes.size());
  int good = 0, worst = 0;
  for (int c : classes) {
    good += c >= 1 && c <= 3;
    worst += c == kWorseThanV;
  }
  if (g.sections > 0) {
    g.share_i_iii_permille = div_round_half_even(1000 * good, g.sections);
    g.share_worse_v_permille = div_round_half_even(1000 * worst, g.sections);
  }
  if (g.sections < 5) {
    g.rule = "fewer than 5 sections: the class of the items averaged over the sections";
    if (averaged_class) {
      WaterVerdict v;
      v.cls = *averaged_class;
      g.grade = v.grade();
    }
    return g;
  }
  g.rule = "5 or more sections: share of sections in I–III (≥90% 优, ≥75% 良好) and in 劣V (<20% 轻度, <40% 中度)";
  // Shares compared exactly: good/n ≥ 0.9 ⇔ 10·good ≥ 9n.
  int n = g.sections;
  if (10 * good >= 9 * n)
    g.grade = "优";
  else if (4 * good >= 3 * n)
    g.grade = "良好";
  else if (5 * worst < n)
    g.grade = "轻度污染";
  else if (5 * worst < 2 * n)
    g.grade = "中度污染";
  else
    g.grade = "重度污染";
  return g;
}

Result<TrophicState> trophic_state(double chla, double tp, double tn, double sd, double codmn) {
  for (double v : {chla, tp, tn, sd, codmn})
    if (!(v > 0)) return fail("every trophic parameter must be positive (chla, TP, TN, SD, CODMn)");
  TrophicState t;
  t.parts[0] = 10 * (2.5 + 1.086 * std::log(chla));
  t.parts[1] = 10 * (9.436 + 1.624 * std::log(tp));
  t.parts[2] = 10 * (5.453 + 1.694 * std::log(tn));
  t.parts[3] = 10 * (5.118 - 1.94 * std::log(sd));
  t.parts[4] = 10 * (0.109 + 2.661 * std::log(codmn));
  const double r2[5] = {1, 0.84 * 0.84, 0.82 * 0.82, 0.83 * 0.83, 0.83 * 0.83};
  double sum_r2 = 0;
  for (double x : r2) sum_r2 += x;
  for (int j = 0; j < 5; ++j) t.tli += r2[j] / sum_r2 * t.parts[j];
  t.state = t.tli < 30    ? "贫营养"
            : t.tli <= 50 ? "中营养"
            : t.tli <= 60 ? "轻度富营养"
            : t.tli <= 70 ? "中度富营养"
                          : "重度富营养";
  return t;
}

}  // namespace shanshui::quality
