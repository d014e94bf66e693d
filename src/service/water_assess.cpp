// water_assess.cpp: sample CSV → section years → rivers, drinking water, inbound vs outbound.
#include "service/water_assess.h"

#include <algorithm>
#include <set>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/file.h"
#include "core/text.h"
#include "plan/loader.h"

namespace shanshui::service {
namespace {

std::string field(const CsvTable&, const CsvRecord& r, int col) {
  return col >= 0 && col < static_cast<int>(r.fields.size()) ? text::trim(r.fields[static_cast<size_t>(col)]) : "";
}

}  // namespace

// Exact mean of decimals, rounded to `decimals` by GB/T 8170.
Decimal exact_mean(const std::vector<Decimal>& v, int decimals) {
  int s = 0;
  for (const auto& d : v) s = std::max(s, d.scale);
  int64_t sum = 0;
  for (const auto& d : v) sum += d.rescaled(s).mantissa;
  // sum / n at scale s → at `decimals`
  int64_t num = sum, den = static_cast<int64_t>(v.size());
  if (decimals >= s) {
    for (int i = s; i < decimals; ++i) num *= 10;
  } else {
    for (int i = decimals; i < s; ++i) den *= 10;
  }
  return Decimal{div_round_half_even(num, den), decimals};
}

Result<std::vector<Section>> read_sections(const std::string& path) {
  auto text = read_file(path);
  SS_TRY(text);
  auto csv = parse_csv(*text, path);
  SS_TRY(csv);
  int c_name = csv->column("section"), c_river = csv->column("river"), c_body = csv->column("waterbody"),
      c_role = csv->column("role"), c_target = csv->column("target"), c_main = csv->column("main");
  if (c_name < 0) return fail(path + ":1: the header needs a 'section' column (section,river,waterbody,role,target)");
  std::vector<Section> out;
  for (const auto& r : csv->records) {
    std::string where = path + ":" + std::to_string(r.line) + ": ";
    Section s;
    s.name = field(*csv, r, c_name);
    s.river = field(*csv, r, c_river);
    std::string body = field(*csv, r, c_body);
    if (body == "lake" || body == "reservoir" || body == "湖库")
      s.body = quality::Waterbody::lake;
    else if (!body.empty() && body != "river" && body != "河流")
      return fail(where + "waterbody '" + body + "' is not river or lake");
    std::string role = field(*csv, r, c_role);
    if (!role.empty()) {
      if (role != "inbound" && role != "outbound" && role != "control" && role != "drinking")
        return fail(where + "role '" + role + "' is not inbound, outbound, control or drinking");
      s.role = role;
    }
    std::string target = field(*csv, r, c_target);
    if (!target.empty()) {
      s.target = quality::parse_water_class(target);
      if (s.target < 1 || s.target > 5) return fail(where + "target '" + target + "' is not a class I–V");
    }
    std::string main = field(*csv, r, c_main);
    if (main != "" && main != "yes" && main != "no") return fail(where + "main '" + main + "' is not yes or no");
    s.main = main == "yes";
    if (s.name.empty()) return fail(where + "section name is empty");
    out.push_back(s);
  }
  return out;
}

Result<WaterAssessment> assess_water_csv(const std::string& path, std::vector<Section> registry, bool skip_bad_rows) {
  auto text = read_file(path);
  SS_TRY(text);
  auto csv = parse_csv(*text, path);
  SS_TRY(csv);
  int c_section = csv->column("section"), c_time = csv->column("time");
  if (c_section < 0 || c_time < 0) return fail(path + ":1: the header needs 'section' and 'time' columns");
  std::vector<std::pair<int, const quality::WaterItem*>> item_cols;
  for (size_t i = 0; i < csv->header.size(); ++i) {
    const std::string& h = csv->header[i];
    if (h == "section" || h == "time" || h == "note") continue;
    const auto* item = quality::find_water_item(h);
    if (!item)
      return fail(path + ":1: unknown item column '" + h + "' (see `shanshui water class --help` for the keys)");
    item_cols.push_back({static_cast<int>(i), item});
  }
  WaterAssessment out;
  out.registry = std::move(registry);
  // Samples per (section, year): item → values; and each sample's own class.
  struct Acc {
    std::map<std::string, std::vector<Decimal>> values;
    int samples = 0;
    std::vector<int> sample_classes;
  };
  std::map<std::pair<std::string, int>, Acc> acc;
  std::vector<std::string> errors;
  for (const auto& r : csv->records) {
    std::string where = path + ":" + std::to_string(r.line) + ": ";
    std::string section = field(*csv, r, c_section);
    auto bad = [&](const std::string& why) {
      errors.push_back(where + why);
      out.excluded.push_back({section.empty() ? "?" : section, field(*csv, r, c_time), "row refused: " + where + why});
    };
    if (r.fields.size() != csv->header.size()) {
      bad("has " + std::to_string(r.fields.size()) + " fields, the header has " + std::to_string(csv->header.size()));
      continue;
    }
    if (section.empty()) {
      bad("section: empty");
      continue;
    }
    auto date = Date::parse(field(*csv, r, c_time));
    if (!date) {
      bad("time: " + date.error().message);
      continue;
    }
    std::vector<std::pair<std::string, Decimal>> sample;
    bool ok = true;
    for (auto [col, item] : item_cols) {
      std::string v = field(*csv, r, col);
      if (v.empty()) continue;
      auto d = Decimal::parse(v);
      if (!d) {
        bad(std::string(item->key) + ": " + d.error().message);
        ok = false;
        break;
      }
      if (d->mantissa < 0) {
        bad(std::string(item->key) + ": negative value " + v);
        ok = false;
        break;
      }
      sample.push_back({item->key, *d});
    }
    if (!ok) continue;
    auto reg =
        std::find_if(out.registry.begin(), out.registry.end(), [&](const Section& s) { return s.name == section; });
    if (reg == out.registry.end()) {
      out.registry.push_back(Section{section, "", quality::Waterbody::river, "control", 3});
      reg = out.registry.end() - 1;
    }
    Acc& a = acc[{section, date->year}];
    ++a.samples;
    for (const auto& [k, v] : sample) a.values[k].push_back(v);
    a.sample_classes.push_back(quality::classify_water(sample, reg->body, reg->target).cls);
  }
  if (!errors.empty() && !skip_bad_rows) {
    std::string msg = text::join(
        std::vector<std::string>(errors.begin(), errors.begin() + std::min<size_t>(errors.size(), 20)), "\n");
    return fail(msg + "\n" + path + ": " + std::to_string(errors.size()) +
                " malformed rows; nothing assessed (fix them, or pass --skip-bad-rows to exclude them)");
  }
  for (auto& [key, a] : acc) {
    const std::string& name = key.first;  // a lambda may not capture a structured binding before C++20 in clang 14
    const Section* sec =
        &*std::find_if(out.registry.begin(), out.registry.end(), [&](const Section& s) { return s.name == name; });
    SectionYear sy;
    sy.section = sec;
    sy.year = key.second;
    sy.samples = a.samples;
    for (const auto& [k, values] : a.values)
      sy.means.push_back({k, exact_mean(values, quality::find_water_item(k)->decimals)});
    sy.verdict = quality::classify_water(sy.means, sec->body, sec->target);
    for (int c : a.sample_classes) sy.samples_meeting_target += c >= 1 && c <= sec->target;
    if (sec->role == "drinking") {
      bool ok = sy.verdict.cls >= 1 && sy.verdict.cls <= 3;  // GB 3838 §5.3: Table 1 at class III
      for (const auto& it : sy.verdict.items)
        if (it.within_limit && !*it.within_limit) ok = false;
      sy.drinking_compliant = ok;
    }
    out.sections.push_back(std::move(sy));
  }
  // Rivers and drinking water, per year.
  std::set<int> years;
  for (const auto& s : out.sections) years.insert(s.year);
  for (int y : years) {
    std::map<std::string, std::vector<const SectionYear*>> by_river;
    DrinkingYear dy{y, 0, 0, 0};
    for (const auto& s : out.sections) {
      if (s.year != y) continue;
      if (s.section->role == "drinking") {
        ++dy.sources;
        dy.compliant += s.drinking_compliant.value_or(false);
      } else if (!s.section->river.empty()) {
        by_river[s.section->river].push_back(&s);
      }
    }
    if (dy.sources) {
      dy.rate_permille = div_round_half_even(1000 * dy.compliant, dy.sources);
      out.drinking.push_back(dy);
    }
    for (const auto& [river, list] : by_river) {
      RiverYear ry;
      ry.river = river;
      ry.year = y;
      std::vector<int> classes;
      std::map<std::string, std::vector<Decimal>> pooled;
      for (const auto* s : list) {
        classes.push_back(s->verdict.cls);
        for (const auto& [k, v] : s->means) pooled[k].push_back(v);
        if (s->section->role == "inbound") ry.inbound = s->verdict.cls;
        if (s->section->role == "outbound") ry.outbound = s->verdict.cls;
      }
      std::vector<std::pair<std::string, Decimal>> averaged;
      averaged.reserve(pooled.size());
      for (const auto& [k, values] : pooled)
        averaged.push_back({k, exact_mean(values, quality::find_water_item(k)->decimals)});
      auto avg = quality::classify_water(averaged, list.front()->section->body, 3);
      ry.grade = quality::river_grade(classes, avg.cls ? std::optional<int>(avg.cls) : std::nullopt);
      if (ry.inbound && ry.outbound) ry.outbound_not_worse = *ry.outbound <= *ry.inbound;
      out.rivers.push_back(ry);
    }
  }
  return out;
}

}  // namespace shanshui::service
