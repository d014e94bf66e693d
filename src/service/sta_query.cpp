// sta_query.cpp: SensorThings query options and one page of a collection (see sta_query.h).
#include "service/sta_query.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

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

// A link's query value: percent-encoded except what RFC 3986 leaves as it is.
std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<Query> parse_query(const std::map<std::string, std::string>& params, int max_top) {
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
      q.expand = split_commas(value);
    } else if (name == "$filter") {
      auto f = Filter::parse(value);
      SS_TRY(f);
      q.filter = std::move(*f);
    } else if (name == "$resultFormat") {
      if (value != "dataArray") return fail("$resultFormat: only dataArray, not '" + value.substr(0, 20) + "'");
    } else {
      return fail("unknown query option " + name.substr(0, 40) +
                  " (SensorThings 1.1: $top $skip $count $orderby $select $expand $filter)");
    }
  }
  return q;
}

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

Result<json> page(const std::vector<json>& entities, const Query& q, const std::string& self) {
  std::vector<const json*> kept;
  kept.reserve(entities.size());
  for (const auto& e : entities) {
    if (q.filter) {
      auto ok = q.filter->matches([&e](std::string_view path) { return value_at(e, path); });
      SS_TRY(ok);
      if (!*ok) continue;
    }
    kept.push_back(&e);
  }
  if (!q.orderby.empty())
    std::stable_sort(kept.begin(), kept.end(), [&q](const json* a, const json* b) {
      for (const auto& [path, desc] : q.orderby) {
        // A null is smaller than any value (OData v4 Part 2 §5.1.1.15: first when ascending);
        // values that cannot be compared are taken as equal.
        Value x = value_at(*a, path), y = value_at(*b, path);
        auto c = compare(x, y);
        int o = c ? *c : (y.kind == Value::Kind::null) - (x.kind == Value::Kind::null);
        if (o != 0) return desc ? o > 0 : o < 0;
      }
      return false;
    });
  json out = json::object();
  if (q.count) out["@iot.count"] = kept.size();
  json value = json::array();
  size_t first = std::min(kept.size(), static_cast<size_t>(q.skip));
  size_t last = std::min(kept.size(), first + static_cast<size_t>(q.top));
  for (size_t i = first; i < last; ++i) {
    if (q.select.empty()) {
      value.push_back(*kept[i]);
      continue;
    }
    json narrowed = json::object();
    for (const auto& p : q.select)
      if (auto it = kept[i]->find(p); it != kept[i]->end()) narrowed[p] = *it;
    value.push_back(std::move(narrowed));
  }
  if (last < kept.size()) {
    std::map<std::string, std::string> next = q.options;
    next["$skip"] = std::to_string(last);
    next["$top"] = std::to_string(q.top);
    std::string link = self + "?";
    bool first_option = true;
    for (const auto& [k, v] : next) {
      link += (first_option ? "" : "&") + encode(k) + "=" + encode(v);
      first_option = false;
    }
    out["@iot.nextLink"] = link;
  }
  out["value"] = std::move(value);
  return out;
}

}  // namespace shanshui::service::sta
