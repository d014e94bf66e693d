// sta_query.cpp: SensorThings query options and one page of a collection (see sta_query.h).
#include "service/sta_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace shanshui::service::sta {
namespace {

using json = nlohmann::json;

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  for (size_t at = 0; at <= s.size();) {
    size_t end = s.find(',', at);
    if (end == std::string_view::npos) end = s.size();
    if (auto part = trim(s.substr(at, end - at)); !part.empty()) out.push_back(part);
    at = end + 1;
  }
  return out;
}

Result<int> count_option(const std::string& name, const std::string& v) {
  int n = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0)
    return fail(name + ": '" + v.substr(0, 20) + "' is not a whole number ≥ 0");
  return n;
}

// "id" in a query means the entity's @iot.id (§9.3.3: the id is addressed as "id").
std::string property(const std::string& path) { return path == "id" ? "@iot.id" : path; }

// Splits at `sep` outside parentheses and quoted text ('…', '' inside for a quote).
std::vector<std::string> split_top(std::string_view s, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    char c = i < s.size() ? s[i] : sep;
    if (quoted) {
      if (c == '\'' && i < s.size()) quoted = false;
      continue;
    }
    if (c == '\'') quoted = true;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == sep && depth <= 0) {
      if (auto part = trim(s.substr(start, i - start)); !part.empty()) out.push_back(part);
      start = i + 1;
    }
  }
  return out;
}

Result<Query> parse_level(const std::map<std::string, std::string>& params, int max_top, int depth);

// "Observations($top=5;$orderby=phenomenonTime desc)", "Datastreams/Observations".
Result<Expansion> parse_expansion(const std::string& item, int max_top, int depth) {
  if (depth > kMaxExpandDepth)
    return fail("$expand: nested deeper than " + std::to_string(kMaxExpandDepth) + " levels");
  size_t open = item.find('('), slash = item.find('/');
  std::map<std::string, std::string> inner;
  std::string name;
  if (slash != std::string::npos && (open == std::string::npos || slash < open)) {
    name = item.substr(0, slash);
    inner["$expand"] = item.substr(slash + 1);
  } else if (open != std::string::npos) {
    if (item.back() != ')') return fail("$expand: '" + item.substr(0, 60) + "': options not closed by ')'");
    name = trim(item.substr(0, open));
    for (const auto& option : split_top(std::string_view(item).substr(open + 1, item.size() - open - 2), ';')) {
      size_t eq = option.find('=');
      if (eq == std::string::npos) return fail("$expand: '" + option.substr(0, 60) + "' is not $option=value");
      inner[trim(option.substr(0, eq))] = trim(option.substr(eq + 1));
    }
  } else {
    name = item;
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return std::isalpha((unsigned char)c); }))
    return fail("$expand: '" + name.substr(0, 40) + "' is not a navigation property");
  auto q = parse_level(inner, max_top, depth);
  SS_TRY(q);
  return Expansion{name, std::make_shared<const Query>(std::move(*q))};
}

}  // namespace

Result<Query> parse_query(const std::map<std::string, std::string>& params, int max_top) {
  return parse_level(params, max_top, 1);
}

namespace {

Result<Query> parse_level(const std::map<std::string, std::string>& params, int max_top, int depth) {
  Query q;
  for (const auto& [name, value] : params) {
    if (name.empty() || name[0] != '$') continue;  // not a query option (the server's own parameters)
    q.options[name] = value;
    if (name == "$top") {
      auto n = count_option(name, value);
      SS_TRY(n);
      q.top = std::min(*n, max_top);
    } else if (name == "$skip") {
      auto n = count_option(name, value);
      SS_TRY(n);
      q.skip = *n;
    } else if (name == "$count") {
      if (value != "true" && value != "false") return fail("$count: true or false, not '" + value.substr(0, 20) + "'");
      q.count = value == "true";
    } else if (name == "$orderby") {
      for (const auto& item : split_commas(value)) {
        size_t sp = item.find(' ');
        std::string path = item.substr(0, sp), dir = sp == std::string::npos ? "asc" : trim(item.substr(sp + 1));
        if (dir != "asc" && dir != "desc")
          return fail("$orderby: '" + item.substr(0, 40) + "': asc or desc after the property");
        q.orderby.emplace_back(property(path), dir == "desc");
      }
      if (q.orderby.empty()) return fail("$orderby: no property named");
    } else if (name == "$select") {
      for (const auto& p : split_commas(value)) q.select.push_back(property(p));
      if (q.select.empty()) return fail("$select: no property named");
    } else if (name == "$expand") {
      for (const auto& item : split_top(value, ',')) {
        auto e = parse_expansion(item, max_top, depth + 1);
        SS_TRY(e);
        q.expand.push_back(std::move(*e));
      }
    } else if (name == "$filter") {
      auto f = Filter::parse(value);
      SS_TRY(f);
      q.filter = std::move(*f);
    } else {
      return fail("unknown query option " + name.substr(0, 40) +
                  " (SensorThings 1.1: $top $skip $count $orderby $select $expand $filter)");
    }
  }
  return q;
}

}  // namespace

Value value_at(const json& entity, std::string_view path) {
  const json* at = &entity;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string key(path.substr(start, end - start));
    if (key == "id") key = "@iot.id";
    if (!at->is_object()) return Value{};
    auto it = at->find(key);
    if (it == at->end()) return Value{};
    at = &*it;
    start = end + 1;
  }
  if (at->is_number()) return Value::of(at->get<double>());
  if (at->is_string()) return Value::of(at->get<std::string>());
  if (at->is_boolean()) return Value::of(at->get<bool>());
  return Value{};
}

bool ordered_before(const json& a, const json& b, const Query& q, const PathResolver& resolve) {
  for (const auto& [path, desc] : q.orderby) {
    // A null is smaller than any value (OData v4 Part 2 §5.1.1.15: first when ascending);
    // values that cannot be compared are taken as equal.
    Value x = resolve ? resolve(a, path) : value_at(a, path), y = resolve ? resolve(b, path) : value_at(b, path);
    auto c = compare(x, y);
    int o = c ? *c : (y.kind == Value::Kind::null) - (x.kind == Value::Kind::null);
    if (o != 0) return desc ? o > 0 : o < 0;
  }
  return false;
}

Result<json> page(const std::vector<json>& entities, const Query& q, const std::string& self, const Expander& expand,
                  const PathResolver& resolve) {
  std::vector<const json*> kept;
  kept.reserve(entities.size());
  for (const auto& e : entities) {
    if (q.filter) {
      auto ok = q.filter->matches(
          [&e, &resolve](std::string_view path) { return resolve ? resolve(e, path) : value_at(e, path); });
      SS_TRY(ok);
      if (!*ok) continue;
    }
    kept.push_back(&e);
  }
  if (!q.orderby.empty())
    std::stable_sort(kept.begin(), kept.end(),
                     [&q, &resolve](const json* a, const json* b) { return ordered_before(*a, *b, q, resolve); });
  json out = json::object();
  if (q.count) out["@iot.count"] = kept.size();
  json value = json::array();
  size_t first = std::min(kept.size(), static_cast<size_t>(q.skip));
  size_t last = std::min(kept.size(), first + static_cast<size_t>(q.top));
  for (size_t i = first; i < last; ++i) {
    if (!expand) {
      value.push_back(narrowed(*kept[i], q));
      continue;
    }
    json e = *kept[i];
    SS_TRY(expand(e));
    value.push_back(narrowed(e, q));
  }
  if (last < kept.size()) out["@iot.nextLink"] = next_link(q, self, static_cast<int64_t>(last));
  out["value"] = std::move(value);
  return out;
}

std::string next_link(const Query& q, const std::string& self, int64_t skip) {
  std::map<std::string, std::string> next = q.options;
  next["$skip"] = std::to_string(skip);
  next["$top"] = std::to_string(q.top);
  std::string link = self + "?";
  bool first_option = true;
  for (const auto& [k, v] : next) {
    link += (first_option ? "" : "&") + text::percent_encode(k) + "=" + text::percent_encode(v);
    first_option = false;
  }
  return link;
}

json narrowed(const json& entity, const Query& q) {
  if (q.select.empty()) return entity;
  json out = json::object();
  for (const auto& p : q.select)
    if (auto it = entity.find(p); it != entity.end()) out[p] = *it;
  for (const auto& e : q.expand) {
    for (const char* suffix : {"", "@iot.nextLink", "@iot.count"})
      if (auto it = entity.find(e.name + suffix); it != entity.end()) out[e.name + suffix] = *it;
  }
  return out;
}

}  // namespace shanshui::service::sta
