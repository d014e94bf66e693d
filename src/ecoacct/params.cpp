// params.cpp: the profile and its tables (see params.h).
#include "ecoacct/params.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "core/csv.h"
#include "core/file.h"
#include "core/text.h"

namespace shanshui::ecoacct {
namespace {

// The records of a data CSV (core/csv.h: '#' comment lines) as header → value maps, with their
// line numbers. A row with another number of fields than the header is an error.
struct Row {
  int line;
  std::map<std::string, std::string> at;
};
Result<std::vector<Row>> rows_of(const std::string& text, const std::string& path,
                                 const std::vector<std::string>& required) {
  auto t = parse_data_csv(text, path, required);
  if (!t) return tl::unexpected(t.error());
  std::vector<Row> out;
  for (const auto& rec : t->records) {
    if (rec.fields.size() != t->header.size())
      return fail(path + ":" + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                  " fields, the header has " + std::to_string(t->header.size()));
    Row r{rec.line, {}};
    for (size_t i = 0; i < rec.fields.size(); ++i) r.at[t->header[i]] = rec.fields[i];
    out.push_back(std::move(r));
  }
  return out;
}

Result<double> number(const std::string& s, const std::string& where) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (...) {
    return fail(where + ": '" + s + "' is not a number");
  }
}

Result<bool> yes_no(const std::string& s, const std::string& where) {
  if (s == "yes") return true;
  if (s == "no") return false;
  return fail(where + ": '" + s + "' (yes or no)");
}

}  // namespace

const std::vector<std::string>& gdp_ratio_definitions() {
  static const std::vector<std::string> d = {"realised_share", "provisioning_cultural", "gdp_over_gep"};
  return d;
}

Result<double> Profile::price(const std::string& id) const {
  auto it = prices.find(id);
  if (it == prices.end()) return fail("prices.csv: no price or parameter '" + id + "'");
  return it->second.value;
}

Result<double> Profile::statistic(int year, const std::string& item) const {
  auto y = statistics.find(year);
  if (y == statistics.end()) return fail("statistics.csv: no statistics for " + std::to_string(year));
  auto it = y->second.find(item);
  if (it == y->second.end()) return fail("statistics.csv: no '" + item + "' for " + std::to_string(year));
  return it->second;
}

std::string Profile::raster(const std::string& dir, const std::string& role, int year) const {
  auto it = rasters.find(role);
  std::string name = it == rasters.end() ? role + ".tif" : it->second;
  if (auto at = name.find("{year}"); at != std::string::npos) name.replace(at, 6, std::to_string(year));
  return dir + "/" + name;
}

Result<Profile> load_profile(const std::string& yaml_path) {
  auto text = read_file(yaml_path);
  if (!text) return tl::unexpected(text.error());
  Profile p;
  p.sources.push_back({yaml_path, text::sha256_hex(*text)});
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return fail(yaml_path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  try {
    p.name = root["name"].as<std::string>("");
    p.profile = root["profile"].as<std::string>("");
    for (const auto& kv : root["rasters"]) p.rasters[kv.first.as<std::string>()] = kv.second.as<std::string>();
    p.slope_length_m = root["slope_length_m"].as<double>(p.slope_length_m);
    p.allowable_loss = root["allowable_loss"].as<double>(p.allowable_loss);
    p.budyko_omega = root["budyko_omega"].as<double>(p.budyko_omega);
    p.oxygen = root["oxygen"].as<bool>(p.oxygen);
    p.water_method = root["water_method"].as<std::string>(p.water_method);
    p.gdp_ratio = root["gdp_ratio"].as<std::string>(p.gdp_ratio);
  } catch (const YAML::Exception& e) {
    return fail(yaml_path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (p.water_method != "balance" && p.water_method != "budyko")
    return fail(yaml_path + ": water_method '" + p.water_method + "' (balance or budyko)");
  const auto& defs = gdp_ratio_definitions();
  if (std::find(defs.begin(), defs.end(), p.gdp_ratio) == defs.end())
    return fail(yaml_path + ": gdp_ratio '" + p.gdp_ratio + "' (" + text::join(defs, ", ") + ")");
  if (!(p.slope_length_m > 0)) return fail(yaml_path + ": slope_length_m must be positive");

  const std::string dir = std::filesystem::path(yaml_path).parent_path().string();
  auto table = [&](const char* key,
                   const std::vector<std::string>& cols) -> Result<std::pair<std::string, std::vector<Row>>> {
    std::string name = root[key] ? root[key].as<std::string>() : std::string(key) + ".csv";
    std::string path = dir.empty() ? name : dir + "/" + name;
    auto t = read_file(path);
    if (!t) return tl::unexpected(t.error());
    p.sources.push_back({path, text::sha256_hex(*t)});
    auto rows = rows_of(*t, path, cols);
    if (!rows) return tl::unexpected(rows.error());
    return std::make_pair(path, std::move(*rows));
  };

  auto classes = table("classes", {"code", "name", "forest", "ecosystem", "runoff", "c", "p", "epp", "nep", "water",
                                   "so2", "nox", "dust", "cod", "nh3n", "kc"});
  if (!classes) return tl::unexpected(classes.error());
  for (const auto& r : classes->second) {
    std::string where = classes->first + ":" + std::to_string(r.line);
    LandClass c;
    auto code = number(r.at.at("code"), where);
    if (!code) return tl::unexpected(code.error());
    if (*code < 1 || *code > 254 || *code != static_cast<int>(*code))
      return fail(where + ": class code " + r.at.at("code") + " (1–254: a Byte raster, 0 and 255 kept for nodata)");
    c.code = static_cast<int>(*code);
    c.name = r.at.at("name");
    for (auto [field, target] : {std::pair{"forest", &c.forest}, {"ecosystem", &c.ecosystem}, {"water", &c.water}}) {
      auto b = yes_no(r.at.at(field), where + " " + field);
      if (!b) return tl::unexpected(b.error());
      *target = *b;
    }
    for (auto [field, target] : {std::pair{"runoff", &c.runoff},
                                 {"c", &c.c},
                                 {"p", &c.p},
                                 {"epp", &c.epp},
                                 {"nep", &c.nep},
                                 {"kc", &c.kc},
                                 {"so2", &c.so2},
                                 {"nox", &c.nox},
                                 {"dust", &c.dust},
                                 {"cod", &c.cod},
                                 {"nh3n", &c.nh3n}}) {
      auto v = number(r.at.at(field), where + " " + field);
      if (!v) return tl::unexpected(v.error());
      if (*v < 0) return fail(where + " " + field + ": negative");
      *target = *v;
    }
    if (c.runoff > 1 || c.c > 1 || c.p > 1) return fail(where + ": runoff, c and p are fractions (0–1)");
    if (p.classes[static_cast<size_t>(c.code)]) return fail(where + ": class " + std::to_string(c.code) + " twice");
    p.classes[static_cast<size_t>(c.code)] = c;
  }

  auto prices = table("prices", {"id", "kind", "name", "value", "unit", "year", "source"});
  if (!prices) return tl::unexpected(prices.error());
  for (const auto& r : prices->second) {
    std::string where = prices->first + ":" + std::to_string(r.line);
    auto v = number(r.at.at("value"), where);
    if (!v) return tl::unexpected(v.error());
    Price pr{r.at.at("id"), r.at.at("kind"), r.at.at("name"), *v, r.at.at("unit"), r.at.at("year"), r.at.at("source")};
    if (pr.kind != "price" && pr.kind != "parameter")
      return fail(where + ": kind '" + pr.kind + "' (price or parameter)");
    if (!p.prices.emplace(pr.id, pr).second) return fail(where + ": '" + pr.id + "' twice");
  }

  auto stats = table("statistics", {"year", "item", "value", "unit", "source"});
  if (!stats) return tl::unexpected(stats.error());
  for (const auto& r : stats->second) {
    std::string where = stats->first + ":" + std::to_string(r.line);
    auto y = number(r.at.at("year"), where);
    auto v = number(r.at.at("value"), where);
    if (!y) return tl::unexpected(y.error());
    if (!v) return tl::unexpected(v.error());
    if (!p.statistics[static_cast<int>(*y)].emplace(r.at.at("item"), *v).second)
      return fail(where + ": '" + r.at.at("item") + "' twice for " + r.at.at("year"));
  }
  return p;
}

}  // namespace shanshui::ecoacct
