// sta_path.cpp: SensorThings resource paths (see sta_path.h).
#include "service/sta_path.h"

#include <algorithm>

namespace shanshui::service::sta {
namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits at '/' outside quoted ids ('a/b' is one id).
std::vector<std::string> parts(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : s) {
    if (c == '\'') quoted = !quoted;  // '' inside an id toggles twice: still inside
    if (c == '/' && !quoted) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(std::move(cur));
  return out;
}

Result<Segment> segment(const std::string& s) {
  Segment seg;
  size_t open = s.find('(');
  seg.name = s.substr(0, open);
  if (seg.name.empty() || !std::all_of(seg.name.begin(), seg.name.end(), word_char))
    return fail("path: '" + s.substr(0, 60) + "' is not an entity set or property");
  if (open == std::string::npos) return seg;
  if (s.back() != ')') return fail("path: '" + s.substr(0, 60) + "': the id is not closed by ')'");
  std::string inside = s.substr(open + 1, s.size() - open - 2);
  if (inside.size() >= 2 && inside.front() == '\'' && inside.back() == '\'') {
    std::string id;
    for (size_t i = 1; i + 1 < inside.size(); ++i) {
      if (inside[i] == '\'') {
        if (i + 2 < inside.size() && inside[i + 1] == '\'') {
          id += '\'';
          ++i;
          continue;
        }
        return fail("path: in " + s.substr(0, 60) + ", a quote inside an id is written ''");
      }
      id += inside[i];
    }
    if (id.empty() || id.size() > 128)
      return fail("path: an id of 1 to 128 characters, not '" + id.substr(0, 40) + "'");
    seg.id = id;
  } else if (!inside.empty() && inside.size() <= 19 && std::all_of(inside.begin(), inside.end(), ::isdigit)) {
    seg.id = inside;
  } else {
    return fail("path: the id in " + s.substr(0, 60) + " is neither 'quoted text' nor a whole number");
  }
  return seg;
}

}  // namespace

const std::vector<std::string>& entity_sets() {
  static const std::vector<std::string> kSets = {"Things",       "Locations",         "HistoricalLocations",
                                                 "Datastreams",  "Sensors",           "ObservedProperties",
                                                 "Observations", "FeaturesOfInterest"};
  return kSets;
}

Result<ResourcePath> parse_path(std::string_view path) {
  ResourcePath out;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  if (path.size() > 1024) return fail("path: longer than 1,024 characters");
  auto ps = parts(path);
  if (ps.size() > 8) return fail("path: more than 8 segments");
  for (size_t i = 0; i < ps.size(); ++i) {
    const std::string& p = ps[i];
    if (p == "$ref" || p == "$value") {
      if (i + 1 != ps.size()) return fail("path: " + p + " ends a path");
      if (p == "$value" && out.property.empty()) return fail("path: $value follows a property");
      (p == "$ref" ? out.ref : out.value) = true;
      continue;
    }
    if (!out.property.empty()) return fail("path: nothing but $value follows the property " + out.property);
    auto seg = segment(p);
    SS_TRY(seg);
    if (i == 0) {
      const auto& sets = entity_sets();
      if (std::find(sets.begin(), sets.end(), seg->name) == sets.end())
        return fail("path: '" + seg->name.substr(0, 40) + "' is not an entity set of SensorThings 1.1");
      out.segments.push_back(std::move(*seg));
      continue;
    }
    // After an entity: a navigation property (starts with a capital letter) or a property.
    const auto& sets = entity_sets();
    const Segment& prev = out.segments.back();
    if (!prev.id && std::find(sets.begin(), sets.end(), prev.name) != sets.end())
      return fail("path: name one entity of " + out.segments.back().name + " by its id before '" + p.substr(0, 40) +
                  "'");
    if (std::isupper(static_cast<unsigned char>(seg->name[0]))) {
      out.segments.push_back(std::move(*seg));
    } else {
      if (seg->id) return fail("path: the property " + seg->name + " takes no id");
      out.property = seg->name;
    }
  }
  return out;
}

}  // namespace shanshui::service::sta
