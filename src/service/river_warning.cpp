// river_warning.cpp: exceedances and the warnings they send downstream (see river_warning.h).
#include "service/river_warning.h"

#include <charconv>
#include <cmath>
#include <set>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"
#include "hj212/factors.h"
#include "quality/water.h"
#include "service/monitoring.h"
#include "service/sta_filter.h"

namespace shanshui::service {
namespace {

// "a;b; c" → {"a", "b", "c"}: the tables' lists.
std::vector<std::string> list(const std::string& cell) { return text::split_any(cell, {";"}); }

std::optional<double> number(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// ISO 8601 at +08:00 plus `hours`, to the minute (rounded down for the window's start, up for its end).
std::string plus_hours(const std::string& iso, double hours, bool up) {
  auto t = sta::parse_time(iso);
  if (!t) return iso;
  double minutes = hours * 60;
  int64_t m = static_cast<int64_t>(up ? std::ceil(minutes) : std::floor(minutes));
  return beijing_iso8601(t->ms / 1000 + m * 60).substr(0, 16) + "+08:00";
}

std::string hours_text(double h) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", h);
  return b;
}

}  // namespace

Result<RiverNetwork> RiverNetwork::parse(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin,
                          {"section", "name", "river", "owner", "station", "target", "downstream", "distance_km",
                           "speed_min_ms", "speed_max_ms", "departments"});
  SS_TRY(t);
  RiverNetwork net;
  for (const auto& r : t->records) {
    auto col = [&](const char* name) {
      int i = t->column(name);
      return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)] : std::string();
    };
    auto where = origin + ":" + std::to_string(r.line) + ": ";
    RiverSection s;
    s.line = r.line;
    s.id = col("section"), s.name = col("name"), s.river = col("river"), s.owner = col("owner");
    s.station = col("station"), s.downstream = col("downstream");
    s.departments = list(col("departments"));
    if (s.id.empty() || s.owner.empty() || s.station.empty())
      return fail(where + "section, owner and station are required");
    s.target = quality::parse_water_class(col("target"));
    if (s.target < 1 || s.target > 5) return fail(where + "target: a class I to V, not '" + col("target") + "'");
    if (!s.downstream.empty()) {
      auto d = number(col("distance_km")), lo = number(col("speed_min_ms")), hi = number(col("speed_max_ms"));
      if (!d || *d <= 0) return fail(where + "distance_km: the reach's length in km, above 0");
      if (!lo || !hi || *lo <= 0 || *hi < *lo)
        return fail(where + "speed_min_ms and speed_max_ms: the reach's flow speed range in m/s (0 < min ≤ max)");
      s.distance_km = *d, s.speed_min_ms = *lo, s.speed_max_ms = *hi;
    }
    if (net.section(s.id)) return fail(where + "section " + s.id + " is listed twice");
    net.sections_.push_back(std::move(s));
  }
  for (const auto& s : net.sections_) {
    if (!s.downstream.empty() && !net.section(s.downstream))
      return fail(origin + ":" + std::to_string(s.line) + ": downstream '" + s.downstream + "' is not a section");
    std::set<std::string> seen{s.id};
    for (const RiverSection* at = net.section(s.downstream); at; at = net.section(at->downstream))
      if (!seen.insert(at->id).second)
        return fail(origin + ":" + std::to_string(s.line) + ": the river from " + s.id + " flows in a loop");
  }
  return net;
}

Result<RiverNetwork> RiverNetwork::load(const std::string& path) {
  auto text = read_file(path);
  SS_TRY(text);
  return parse(*text, path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
}

const RiverSection* RiverNetwork::section(const std::string& id) const {
  for (const auto& s : sections_)
    if (s.id == id) return &s;
  return nullptr;
}

const RiverSection* RiverNetwork::at_station(const std::string& owner, const std::string& station) const {
  for (const auto& s : sections_)
    if (s.owner == owner && s.station == station) return &s;
  return nullptr;
}

// GB 3838—2002 Table 1: the value's class for its item, against the section's target (a river).
std::optional<Exceedance> exceedance(const RiverSection& section, const std::string& factor, const std::string& value,
                                     const std::string& time) {
  const char* key = water_item_of_factor(factor);
  if (!key) return std::nullopt;
  const auto* item = quality::find_water_item(key);
  auto v = Decimal::parse(value);
  if (!item || !v) return std::nullopt;
  auto cls = quality::item_class(*item, *v, quality::Waterbody::river);
  if (!cls || *cls <= section.target) return std::nullopt;
  return Exceedance{&section, time, factor, value, *cls};
}

std::vector<RiverWarning> downstream_warnings(const RiverNetwork& network, const Exceedance& e) {
  std::vector<RiverWarning> out;
  double km = 0, fastest_h = 0, slowest_h = 0;
  const auto* f = hj212::find_factor(e.factor);
  std::string factor = f ? f->name : e.factor;
  std::string unit = f ? f->unit : "";
  for (const RiverSection* from = e.section; !from->downstream.empty();) {
    const RiverSection* to = network.section(from->downstream);
    km += from->distance_km;
    fastest_h += from->distance_km * 1000 / from->speed_max_ms / 3600;
    slowest_h += from->distance_km * 1000 / from->speed_min_ms / 3600;
    RiverWarning w;
    w.key = e.section->id + "|" + e.factor + "|" + e.time + "|" + to->id;
    w.cause = e;
    w.downstream = to;
    w.distance_km = km;
    w.arrival_from = plus_hours(e.time, fastest_h, false);
    w.arrival_to = plus_hours(e.time, slowest_h, true);
    std::string cls = quality::water_class_name(e.cls), target = quality::water_class_name(e.section->target);
    char dist[32];
    std::snprintf(dist, sizeof dist, "%.0f", km);
    w.text_zh = "上游水质预警：" + e.section->name + " " + e.time.substr(0, 16) + " " + factor + " " + e.value + " " +
                unit + "（" + cls + " 类，目标 " + target + " 类）。距" + to->name + "约 " + dist + " 公里，预计 " +
                w.arrival_from.substr(0, 16) + " 至 " + w.arrival_to.substr(0, 16) + " 到达（" + hours_text(fastest_h) +
                "–" + hours_text(slowest_h) + " 小时），请做好监测和应对。";
    w.text_en = "Upstream water-quality warning: " + e.section->name + " " + e.time.substr(0, 16) + " " + e.factor +
                " " + e.value + " " + unit + " (class " + cls + ", target " + target + "). About " + dist +
                " km from " + to->name + ", expected " + w.arrival_from.substr(0, 16) + " to " +
                w.arrival_to.substr(0, 16) + " (" + hours_text(fastest_h) + "–" + hours_text(slowest_h) + " h).";
    out.push_back(std::move(w));
    from = to;
  }
  return out;
}

}  // namespace shanshui::service
