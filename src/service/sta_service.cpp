// sta_service.cpp: the SensorThings read API over the store (see sta_service.h). A request is
// resolved along its path into a selection (an entity set narrowed by ids and navigation), then
// answered as one entity, a property, or a page of a collection. Observations are paged from the
// store's slot index; everything else is small and paged in memory (sta_query.h).
#include "service/sta_service.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/civil_time.h"
#include "hj212/factors.h"
#include "service/sta_filter.h"
#include "service/sta_path.h"
#include "service/sta_query.h"

namespace shanshui::service::sta {
namespace {

using json = nlohmann::json;

enum class Set {
  things,
  locations,
  historical_locations,
  datastreams,
  sensors,
  observed_properties,
  observations,
  features
};

const char* set_name(Set s) {
  switch (s) {
    case Set::things:
      return "Things";
    case Set::locations:
      return "Locations";
    case Set::historical_locations:
      return "HistoricalLocations";
    case Set::datastreams:
      return "Datastreams";
    case Set::sensors:
      return "Sensors";
    case Set::observed_properties:
      return "ObservedProperties";
    case Set::observations:
      return "Observations";
    case Set::features:
      return "FeaturesOfInterest";
  }
  return "";
}

std::optional<Set> set_of(const std::string& name) {
  for (Set s : {Set::things, Set::locations, Set::historical_locations, Set::datastreams, Set::sensors,
                Set::observed_properties, Set::observations, Set::features})
    if (name == set_name(s)) return s;
  return std::nullopt;
}

// The navigation properties of each entity type (§8.2): name → (target set, to-one).
struct Nav {
  const char* name;
  Set target;
  bool one;
};
const std::vector<Nav>& navs(Set s) {
  static const std::map<Set, std::vector<Nav>> kNavs = {
      {Set::things,
       {{"Locations", Set::locations, false},
        {"HistoricalLocations", Set::historical_locations, false},
        {"Datastreams", Set::datastreams, false}}},
      {Set::locations, {{"Things", Set::things, false}, {"HistoricalLocations", Set::historical_locations, false}}},
      {Set::historical_locations, {{"Thing", Set::things, true}, {"Locations", Set::locations, false}}},
      {Set::datastreams,
       {{"Thing", Set::things, true},
        {"Sensor", Set::sensors, true},
        {"ObservedProperty", Set::observed_properties, true},
        {"Observations", Set::observations, false}}},
      {Set::sensors, {{"Datastreams", Set::datastreams, false}}},
      {Set::observed_properties, {{"Datastreams", Set::datastreams, false}}},
      {Set::observations, {{"Datastream", Set::datastreams, true}, {"FeatureOfInterest", Set::features, true}}},
      {Set::features, {{"Observations", Set::observations, false}}},
  };
  return kNavs.at(s);
}
const Nav* nav_of(Set s, std::string_view name) {
  for (const auto& n : navs(s))
    if (name == n.name) return &n;
  return nullptr;
}

// ---- The catalogue of series, one per database, brought up to date by observation id ----

struct Catalogue {
  std::mutex m;
  int64_t upto = 0;
  std::map<std::string, store::SeriesSummary> series;  // by Datastream id
};

Catalogue& catalogue_for(const std::string& database) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<Catalogue>> all;
  std::lock_guard<std::mutex> lock(m);
  auto& c = all[database];
  if (!c) c = std::make_unique<Catalogue>();
  return *c;
}

// Observations are only ever added, so the series seen up to id M plus the summaries of the rows
// after M are the series now: a request reads only what arrived since the last one.
Result<std::vector<store::SeriesSummary>> current_series(store::Store& s, const std::string& database) {
  Catalogue& c = catalogue_for(database);
  std::lock_guard<std::mutex> lock(c.m);
  auto max = s.max_observation_id();
  SS_TRY(max);
  if (*max < c.upto) {  // another database under the same name (a restored backup): start again
    c.series.clear();
    c.upto = 0;
  }
  if (*max > c.upto) {
    auto added = s.observation_series(c.upto, *max);
    SS_TRY(added);
    for (auto& x : *added) {
      auto [it, fresh] = c.series.try_emplace(datastream_id(x.key), x);
      if (fresh) continue;
      auto& y = it->second;
      y.first = std::min(y.first, x.first);
      y.last = std::max(y.last, x.last);
      y.count += x.count;
      y.unit = x.unit;
    }
    c.upto = *max;
  }
  std::vector<store::SeriesSummary> out;
  out.reserve(c.series.size());
  for (const auto& [id, x] : c.series) out.push_back(x);
  return out;
}

// ---- Words and times ----

std::string cn_name(const std::string& cn) {
  static const std::map<std::string, std::string> k = {
      {"2011", "实时数据"}, {"2051", "分钟数据"}, {"2061", "小时数据"}, {"2031", "日数据"}, {"file", "文件导入数据"}};
  auto it = k.find(cn);
  return it == k.end() ? "CN " + cn : it->second;
}

std::string kind_name(const std::string& kind) {
  static const std::map<std::string, std::string> k = {
      {"Avg", "均值"},       {"Min", "最小值"},      {"Max", "最大值"},       {"Rtd", "实时值"},
      {"Cou", "累计值"},     {"ZsAvg", "折算均值"},  {"ZsRtd", "折算实时值"}, {"Data", "测量值"},
      {"DayData", "昼间值"}, {"NightData", "夜间值"}};
  auto it = k.find(kind);
  return it == k.end() ? kind : it->second;
}

// UCUM codes of the units shanshui stores (unitOfMeasurement.definition).
std::string ucum(const std::string& unit) {
  static const std::map<std::string, std::string> k = {
      {"degC", "Cel"},  {"deg", "deg"}, {"ug/m3", "ug/m3"}, {"mg/m3", "mg/m3"}, {"mg/L", "mg/L"},
      {"%", "%"},       {"kPa", "kPa"}, {"m/s", "m/s"},     {"dB", "dB"},       {"uS/cm", "uS/cm"},
      {"NTU", "[NTU]"}, {"L/s", "L/s"}, {"m3/s", "m3/s"}};
  auto it = k.find(unit);
  return it == k.end() ? unit : it->second;
}

std::string symbol(const std::string& unit) {
  static const std::map<std::string, std::string> k = {{"ug/m3", "μg/m³"}, {"mg/m3", "mg/m³"}, {"degC", "℃"},
                                                       {"deg", "°"},       {"uS/cm", "μS/cm"}, {"m3/s", "m³/s"}};
  auto it = k.find(unit);
  return it == k.end() ? unit : it->second;
}

// The end of the period a value stands for (HJ 212—2017 §6.6: DataTime is the period's start):
// an hour for 2061, a day for 2031; other CNs are instants.
std::optional<std::string> period_end(const std::string& cn, const std::string& start) {
  int64_t seconds = cn == "2061" ? 3600 : cn == "2031" ? 86400 : 0;
  if (!seconds) return std::nullopt;
  auto t = parse_time(start);
  if (!t) return std::nullopt;
  return beijing_iso8601(t->ms / 1000 + seconds);
}

std::string phenomenon_time(const std::string& cn, const std::string& start) {
  auto end = period_end(cn, start);
  return end ? start + "/" + *end : start;
}

// A time literal as the store's text (ISO 8601 at +08:00, whole seconds): the bound that keeps
// exactly the stored times the comparison keeps.
int64_t floor_seconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }
int64_t ceil_seconds(int64_t ms) { return -floor_seconds(-ms); }

std::string quoted(const std::string& id) {
  std::string out = "'";
  for (char c : id) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

json number_or_text(const std::string& v) {
  auto j = json::parse(v, nullptr, false);
  return j.is_number() ? j : json(v);
}

// ---- One request ----

// A selection: an entity set narrowed by the path. Stations' sets are keyed by MN, properties by
// factor, Datastreams and Observations by Datastream id (Observations: the series they come from).
struct Selection {
  Set set = Set::things;
  bool single = false;
  std::vector<std::string> keys;
  std::optional<store::Observation> observation;  // Observations(id)
};

class Request {
 public:
  Request(store::Store& store, const StaRequest& r) : store_(store), r_(r) {}

  Status load() {
    auto st = store_.stations();
    SS_TRY(st);
    std::map<std::string, store::Station> registered;
    for (auto& s : *st) registered.emplace(s.mn, std::move(s));
    auto series = current_series(store_, r_.database);
    SS_TRY(series);
    for (auto& x : *series) {
      auto it = registered.find(x.key.mn);
      if (it == registered.end() || !r_.sharing->visible(r_.who, it->second, x.key)) continue;
      series_.emplace(datastream_id(x.key), std::move(x));
    }
    for (auto& [mn, s] : registered) {
      bool has = r_.who.kind == Audience::Kind::county;
      for (auto it = series_.lower_bound(mn + "."); !has && it != series_.end() && it->first.rfind(mn + ".", 0) == 0;
           ++it)
        has = true;
      if (has) stations_.emplace(mn, std::move(s));
    }
    return {};
  }

  Result<StaAnswer> run() {
    auto path = parse_path(r_.path);
    if (!path) return bad(400, path.error().message);
    if (path->segments.empty()) return root_document();
    auto q = parse_query(r_.params);
    if (!q) return bad(400, q.error().message);
    auto sel = resolve(*path);
    if (!sel) return bad(status_, sel.error().message);
    std::string self = r_.root;
    for (const auto& s : path->segments)
      self += "/" + s.name + (s.id ? "(" + (id_is_number(s) ? *s.id : quoted(*s.id)) + ")" : "");
    if (path->ref) return ref_answer(*sel, *q, self);
    if (!sel->single) {
      auto page = collection(*sel, *q, self);
      if (!page) return bad(status_, page.error().message);
      return ok(*page);
    }
    auto e = entity(*sel);
    if (!e) return bad(status_, e.error().message);
    if (!path->property.empty()) {
      auto it = e->find(path->property == "id" ? "@iot.id" : path->property);
      if (it == e->end())
        return bad(404, std::string(set_name(sel->set)) + " has no property '" + path->property.substr(0, 40) + "'");
      if (path->value) {
        StaAnswer a;
        a.body = it->is_string() ? it->get<std::string>() : it->dump();
        a.content_type = "text/plain; charset=utf-8";
        return a;
      }
      return ok(json{{path->property, *it}});
    }
    auto expanded = expand(*e, *sel, *q);
    if (!expanded) return bad(status_, expanded.error().message);
    return ok(narrowed(*e, *q));
  }

 private:
  static bool id_is_number(const Segment& s) { return s.name == "Observations"; }

  StaAnswer ok(const json& j) {
    StaAnswer a;
    a.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return a;
  }
  Result<StaAnswer> bad(int status, const std::string& why) {
    StaAnswer a;
    a.status = status;
    a.error = why;
    return a;
  }
  tl::unexpected<Error> refuse(int status, const std::string& why) {
    status_ = status;
    return fail(why);
  }

  Result<StaAnswer> root_document() {
    json value = json::array();
    for (const auto& s : entity_sets()) value.push_back({{"name", s}, {"url", r_.root + "/" + s}});
    json conformance =
        json::array({"http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
                     "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
                     "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data"});
    return ok({{"value", value}, {"serverSettings", {{"conformance", conformance}}}});
  }

  // ---- Selections ----

  Selection all(Set s) {
    Selection out{s, false, {}, std::nullopt};
    switch (s) {
      case Set::things:
      case Set::historical_locations:
      case Set::sensors:
      case Set::features:
        for (const auto& [mn, st] : stations_) out.keys.push_back(mn);
        break;
      case Set::locations:
        for (const auto& [mn, st] : stations_)
          if (st.lon && st.lat) out.keys.push_back(mn);
        break;
      case Set::observed_properties: {
        std::set<std::string> factors;
        for (const auto& [id, x] : series_) factors.insert(x.key.factor);
        out.keys.assign(factors.begin(), factors.end());
        break;
      }
      case Set::datastreams:
      case Set::observations:
        for (const auto& [id, x] : series_) out.keys.push_back(id);
        break;
    }
    return out;
  }

  Result<Selection> narrow(Selection sel, const std::string& id) {
    std::string what = std::string(set_name(sel.set)) + "(" + quoted(id).substr(0, 80) + ")";
    if (sel.set == Set::observations) {
      int64_t n = 0;
      for (char c : id) n = n * 10 + (c - '0');
      auto o = store_.observation(n);
      SS_TRY(o);
      if (!*o) return refuse(404, "no " + what + " here");
      std::string ds = datastream_id({(*o)->mn, (*o)->factor, (*o)->cn, (*o)->kind});
      if (std::find(sel.keys.begin(), sel.keys.end(), ds) == sel.keys.end()) return refuse(404, "no " + what + " here");
      sel.keys = {ds};
      sel.observation = std::move(**o);
      sel.single = true;
      return sel;
    }
    if (std::find(sel.keys.begin(), sel.keys.end(), id) == sel.keys.end()) return refuse(404, "no " + what + " here");
    sel.keys = {id};
    sel.single = true;
    return sel;
  }

  std::vector<std::string> series_where(const std::function<bool(const store::SeriesSummary&)>& keep) {
    std::vector<std::string> out;
    for (const auto& [id, x] : series_)
      if (keep(x)) out.push_back(id);
    return out;
  }

  // From one entity along a navigation property.
  Result<Selection> navigate(const Selection& from, const std::string& name) {
    const Nav* n = nav_of(from.set, name);
    if (!n)
      return refuse(400, std::string(set_name(from.set)) + " has no navigation property '" + name.substr(0, 40) + "'");
    Selection out{n->target, n->one, {}, std::nullopt};
    const std::string& k = from.keys.front();
    auto station = [&](const std::string& mn) {
      auto it = stations_.find(mn);
      return it == stations_.end() ? nullptr : &it->second;
    };
    switch (from.set) {
      case Set::things:
      case Set::locations:
      case Set::historical_locations:
        if (n->target == Set::datastreams) {
          out.keys = series_where([&](const store::SeriesSummary& x) { return x.key.mn == k; });
        } else if (n->target == Set::locations) {
          if (const auto* st = station(k); st && st->lon && st->lat) out.keys = {k};
        } else {
          out.keys = {k};
        }
        break;
      case Set::datastreams: {
        const auto& x = series_.at(k);
        if (n->target == Set::observations)
          out.keys = {k};
        else if (n->target == Set::observed_properties)
          out.keys = {x.key.factor};
        else
          out.keys = {x.key.mn};
        break;
      }
      case Set::sensors:
        out.keys = series_where([&](const store::SeriesSummary& x) { return x.key.mn == k; });
        break;
      case Set::observed_properties:
        out.keys = series_where([&](const store::SeriesSummary& x) { return x.key.factor == k; });
        break;
      case Set::observations:
        out.keys = {n->target == Set::datastreams ? k : series_.at(k).key.mn};
        break;
      case Set::features:
        out.keys = series_where([&](const store::SeriesSummary& x) { return x.key.mn == k; });
        break;
    }
    if (out.single && out.keys.empty()) return refuse(404, "no " + name + " linked");
    return out;
  }

  Result<Selection> resolve(const ResourcePath& p) {
    Selection sel = all(*set_of(p.segments.front().name));
    if (p.segments.front().id) {
      if (sel.set == Set::observations &&
          !std::all_of(p.segments.front().id->begin(), p.segments.front().id->end(), ::isdigit))
        return refuse(400, "path: an Observation's id is a whole number");
      auto n = narrow(std::move(sel), *p.segments.front().id);
      SS_TRY(n);
      sel = std::move(*n);
    }
    for (size_t i = 1; i < p.segments.size(); ++i) {
      if (!sel.single)
        return refuse(400,
                      "path: name one entity of " + std::string(set_name(sel.set)) + " before " + p.segments[i].name);
      auto next = navigate(sel, p.segments[i].name);
      SS_TRY(next);
      sel = std::move(*next);
      if (p.segments[i].id) {
        auto n = narrow(std::move(sel), *p.segments[i].id);
        SS_TRY(n);
        sel = std::move(*n);
      }
    }
    return sel;
  }

  // ---- Entities ----

  std::string link(Set s, const std::string& id) const { return r_.root + "/" + set_name(s) + "(" + quoted(id) + ")"; }

  void nav_links(json& e, Set s, const std::string& self) const {
    e["@iot.selfLink"] = self;
    for (const auto& n : navs(s)) e[std::string(n.name) + "@iot.navigationLink"] = self + "/" + n.name;
  }

  json point(const store::Station& st) const { return {{"type", "Point"}, {"coordinates", {*st.lon, *st.lat}}}; }

  json station_entity(Set s, const store::Station& st) const {
    json e = {{"@iot.id", st.mn}};
    nav_links(e, s, link(s, st.mn));
    static const std::map<std::string, std::string> kinds = {
        {"air", "环境空气"}, {"water", "地表水"}, {"noise", "声环境"}, {"source", "污染源"}};
    std::string kind = kinds.count(st.kind) ? kinds.at(st.kind) : st.kind;
    std::string place = st.township + (st.river.empty() ? "" : "，" + st.river) +
                        (st.section.empty() ? "" : "，" + st.section + "断面");
    switch (s) {
      case Set::things:
        e["name"] = st.name;
        e["description"] = kind + "自动监测站" + (place.empty() ? "" : "（" + place + "）");
        e["properties"] = {
            {"mn", st.mn},           {"kind", st.kind}, {"township", st.township},    {"river", st.river},
            {"section", st.section}, {"zone", st.zone}, {"registered", st.created_at}};
        break;
      case Set::locations:
        e["name"] = st.name;
        e["description"] = place.empty() ? st.name : place;
        e["encodingType"] = "application/geo+json";
        e["location"] = point(st);
        break;
      case Set::historical_locations:
        e["time"] = st.created_at;
        break;
      case Set::sensors:
        e["name"] = "数据采集传输仪 " + st.mn;
        e["description"] = "按 HJ 212—2017 传输数据的现场数据采集传输仪（" + st.name + "）";
        e["encodingType"] = "text/plain";
        e["metadata"] = "HJ 212—2017; MN " + st.mn + "; CRC " + st.crc_mode;
        break;
      case Set::features:
        e["name"] = st.section.empty() ? st.name : st.section + "断面";
        e["description"] = kind + "监测点位：" + st.name;
        e["encodingType"] = "application/geo+json";
        e["feature"] = st.lon && st.lat ? point(st) : json(nullptr);
        break;
      default:
        break;
    }
    return e;
  }

  json property_entity(const std::string& factor) const {
    const auto* f = hj212::find_factor(factor);
    json e = {{"@iot.id", factor},
              {"name", f ? f->name : factor},
              {"definition", "urn:hj212:2017:factor:" + factor},
              {"description", std::string(f ? f->name : factor) + "（HJ 212—2017 附录 B 因子编码 " + factor + "）"}};
    nav_links(e, Set::observed_properties, link(Set::observed_properties, factor));
    return e;
  }

  const json& datastream_entity(const std::string& id) {
    if (auto it = datastreams_.find(id); it != datastreams_.end()) return it->second;
    const auto& x = series_.at(id);
    const auto& st = stations_.at(x.key.mn);
    const auto* f = hj212::find_factor(x.key.factor);
    std::string factor = f ? f->name : x.key.factor;
    json e = {
        {"@iot.id", id},
        {"name", st.name + " " + factor + cn_name(x.key.cn) + kind_name(x.key.kind)},
        {"description", st.name + "的" + factor + cn_name(x.key.cn) + "（" + kind_name(x.key.kind) + "）"},
        {"unitOfMeasurement", {{"name", x.unit}, {"symbol", symbol(x.unit)}, {"definition", "UCUM:" + ucum(x.unit)}}},
        {"observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"},
        {"phenomenonTime", x.first + "/" + period_end(x.key.cn, x.last).value_or(x.last)}};
    if (st.lon && st.lat) e["observedArea"] = point(st);
    json props = {
        {"mn", x.key.mn}, {"factor", x.key.factor}, {"cn", x.key.cn}, {"kind", x.key.kind}, {"observations", x.count}};
    const Grant* g = r_.sharing->grant(r_.who, st, x.key);
    if (g) {
      props["license"] = {{"name", g->licence}, {"url", g->licence_url}};
      props["provider"] = g->provider;
      props["owner"] = g->owner;
    }
    auto with = r_.sharing->shared_with(st, x.key);
    props["published"] = !with.empty() && with.front() == "public";
    if (r_.who.kind == Audience::Kind::county) props["sharedWith"] = with;
    e["properties"] = std::move(props);
    nav_links(e, Set::datastreams, link(Set::datastreams, id));
    return datastreams_.emplace(id, std::move(e)).first->second;
  }

  json observation_entity(const store::Observation& o) {
    std::string ds = datastream_id({o.mn, o.factor, o.cn, o.kind});
    json e = {{"@iot.id", o.id},
              {"phenomenonTime", phenomenon_time(o.cn, o.data_time)},
              {"resultTime", o.received_at},
              {"result", number_or_text(o.value)},
              {"resultQuality", o.flag.empty() ? json(nullptr) : json(o.flag)}};
    json params = {{"flag", o.flag}, {"frame", o.raw_id}};
    if (!o.invalid.empty()) params["invalid"] = o.invalid;
    e["parameters"] = std::move(params);
    nav_links(e, Set::observations, r_.root + "/Observations(" + std::to_string(o.id) + ")");
    observation_series_[o.id] = ds;
    ++built_;
    return e;
  }

  Result<json> entity(const Selection& sel) {
    switch (sel.set) {
      case Set::observed_properties:
        return property_entity(sel.keys.front());
      case Set::datastreams:
        return datastream_entity(sel.keys.front());
      case Set::observations:
        if (!sel.observation) return refuse(400, "path: name an Observation by its id");
        return observation_entity(*sel.observation);
      default:
        return station_entity(sel.set, stations_.at(sel.keys.front()));
    }
  }

  // The selection of one entity, from its JSON (for navigation in $expand and filters).
  Selection selection_of(Set s, const json& e) {
    Selection sel{s, true, {}, std::nullopt};
    const json& id = e.at("@iot.id");
    if (s == Set::observations) {
      sel.keys = {observation_series_.at(id.get<int64_t>())};
      store::Observation o;
      o.id = id.get<int64_t>();
      sel.observation = o;
    } else {
      sel.keys = {id.get<std::string>()};
    }
    return sel;
  }

  // A property path of an entity: "Datastream/name" follows a to-one navigation; an interval's
  // time ("start/end") compares by its start.
  Value resolve_path(Set s, const json& e, std::string_view path) {
    if (size_t slash = path.find('/'); slash != std::string_view::npos) {
      if (const Nav* n = nav_of(s, path.substr(0, slash)); n && n->one) {
        auto to = navigate(selection_of(s, e), n->name);
        if (!to || to->keys.empty()) return Value{};
        auto related = entity(*to);
        if (!related) return Value{};
        return resolve_path(n->target, *related, path.substr(slash + 1));
      }
    }
    Value v = value_at(e, path);
    if (v.kind == Value::Kind::text && path.size() >= 4 && path.substr(path.size() - 4) == "Time") {
      std::string t = v.text.substr(0, v.text.find('/'));
      if (auto parsed = parse_time(t)) return *parsed;
    }
    return v;
  }

  PathResolver resolver(Set s) {
    return [this, s](const json& e, std::string_view path) { return resolve_path(s, e, path); };
  }

  Status expand(json& e, const Selection& sel, const Query& q) {
    for (const auto& x : q.expand) {
      const Nav* n = nav_of(sel.set, x.name);
      if (!n)
        return refuse(400, "$expand: " + std::string(set_name(sel.set)) + " has no navigation property '" +
                               x.name.substr(0, 40) + "'");
      auto to = navigate(sel, x.name);
      SS_TRY(to);
      if (n->one) {
        if (to->keys.empty()) {
          e[x.name] = nullptr;
          continue;
        }
        auto related = entity(*to);
        SS_TRY(related);
        SS_TRY(expand(*related, *to, *x.query));
        e[x.name] = narrowed(*related, *x.query);
        continue;
      }
      auto page = collection(*to, *x.query, e.at("@iot.selfLink").get<std::string>() + "/" + x.name);
      SS_TRY(page);
      e[x.name] = std::move((*page)["value"]);
      if (page->contains("@iot.nextLink")) e[x.name + "@iot.nextLink"] = (*page)["@iot.nextLink"];
      if (page->contains("@iot.count")) e[x.name + "@iot.count"] = (*page)["@iot.count"];
    }
    return {};
  }

  Expander expander(Set s, const Query& q) {
    if (q.expand.empty()) return {};
    return [this, s, &q](json& e) { return expand(e, selection_of(s, e), q); };
  }

  Result<json> collection(const Selection& sel, const Query& q, const std::string& self) {
    if (sel.set == Set::observations) return observations(sel, q, self);
    std::vector<json> entities;
    entities.reserve(sel.keys.size());
    for (const auto& k : sel.keys) {
      Selection one{sel.set, true, {k}, std::nullopt};
      auto e = entity(one);
      SS_TRY(e);
      entities.push_back(std::move(*e));
    }
    auto p = page(entities, q, self, expander(sel.set, q), resolver(sel.set));
    if (!p) return refuse(400, p.error().message);
    return p;
  }

  // ---- Observations, paged from the store ----

  struct Window {
    std::string from = "0000", to = "9999";
    std::optional<std::string> datastream;  // Datastream/id eq '…'
    bool exact = true;                      // the filter says nothing more than this window
    bool whole = true;                      // no time bound (the catalogue's counts hold)
  };

  static Window window_of(const Query& q) {
    Window w;
    if (!q.filter) return w;
    auto c = q.filter->conjuncts();
    w.exact = c.complete;
    for (const auto& cmp : c.comparisons) {
      if ((cmp.path == "Datastream/id" || cmp.path == "Datastream/@iot.id") && cmp.op == "eq" &&
          cmp.value.kind == Value::Kind::text) {
        w.datastream = cmp.value.text;
        continue;
      }
      Value t = cmp.value;
      if (t.kind == Value::Kind::text)
        if (auto parsed = parse_time(t.text)) t = *parsed;
      if (cmp.path != "phenomenonTime" || t.kind != Value::Kind::time || cmp.op == "ne") {
        w.exact = false;
        continue;
      }
      w.whole = false;
      std::string lower, upper;
      if (cmp.op == "ge" || cmp.op == "eq") lower = beijing_iso8601(ceil_seconds(t.ms));
      if (cmp.op == "gt") lower = beijing_iso8601(floor_seconds(t.ms) + 1);
      if (cmp.op == "le" || cmp.op == "eq") upper = beijing_iso8601(floor_seconds(t.ms));
      if (cmp.op == "lt") upper = beijing_iso8601(ceil_seconds(t.ms) - 1);
      if (!lower.empty()) w.from = std::max(w.from, lower);
      if (!upper.empty()) w.to = std::min(w.to, upper);
    }
    return w;
  }

  Result<json> observations(const Selection& sel, const Query& q, const std::string& self) {
    // One request builds at most the budget's values, however its $expand multiplies them
    // (Datastreams?$top=1000&$expand=Observations($top=1000) would be a million).
    if (built_ + q.top > kMaxScannedObservations) return too_many();
    Window w = window_of(q);
    std::vector<std::string> series = sel.keys;
    if (w.datastream)
      series.erase(
          std::remove_if(series.begin(), series.end(), [&](const std::string& s) { return s != *w.datastream; }),
          series.end());
    const bool by_time = q.orderby.empty() ||
                         (series.size() <= 1 && q.orderby.size() == 1 && q.orderby.front().first == "phenomenonTime");
    const bool newest = by_time && !q.orderby.empty() && q.orderby.front().second;
    Expander ex = expander(Set::observations, q);
    json out = json::object();
    json value = json::array();
    auto emit = [&](json e) -> Status {
      if (ex) SS_TRY(ex(e));
      value.push_back(narrowed(e, q));
      return {};
    };
    if (!by_time) return gathered(series, w, q, self);
    if (w.exact) {
      // The index answers: counts per series, then the page read at its offset.
      int64_t total = 0, skip = q.skip, want = q.top;
      std::vector<int64_t> counts;
      for (const auto& id : series) {
        int64_t n = series_.at(id).count;
        if (!w.whole) {
          auto c = store_.count_series_observations(series_.at(id).key, w.from, w.to);
          SS_TRY(c);
          n = *c;
        }
        counts.push_back(n);
        total += n;
      }
      for (size_t i = 0; i < series.size() && want > 0; ++i) {
        if (skip >= counts[i]) {
          skip -= counts[i];
          continue;
        }
        auto rows =
            store_.series_observations(series_.at(series[i]).key, w.from, w.to, newest, skip, static_cast<int>(want));
        SS_TRY(rows);
        skip = 0;
        for (const auto& o : *rows) SS_TRY(emit(observation_entity(o)));
        want -= static_cast<int64_t>(rows->size());
      }
      if (q.count) out["@iot.count"] = total;
      if (q.skip + q.top < total) out["@iot.nextLink"] = next_link(q, self, q.skip + q.top);
      out["value"] = std::move(value);
      return out;
    }
    // A filter beyond the index: read the window in order and test each value, within a budget.
    int64_t matched = 0, scanned = 0;
    bool more = false;
    constexpr int kChunk = 2000;
    for (const auto& id : series) {
      for (int64_t offset = 0;; offset += kChunk) {
        auto rows = store_.series_observations(series_.at(id).key, w.from, w.to, newest, offset, kChunk);
        SS_TRY(rows);
        for (const auto& o : *rows) {
          if (++scanned > kMaxScannedObservations) return too_many();
          json e = observation_entity(o);
          auto pass = q.filter->matches([&](std::string_view p) { return resolve_path(Set::observations, e, p); });
          if (!pass) return refuse(400, pass.error().message);
          if (!*pass) continue;
          if (matched >= q.skip && matched < q.skip + q.top) SS_TRY(emit(std::move(e)));
          if (matched >= q.skip + q.top) more = true;
          ++matched;
        }
        if (rows->size() < static_cast<size_t>(kChunk) || (more && !q.count)) break;
      }
      if (more && !q.count) break;
    }
    if (q.count) out["@iot.count"] = matched;
    if (more) out["@iot.nextLink"] = next_link(q, self, q.skip + q.top);
    out["value"] = std::move(value);
    return out;
  }

  // An ordering the index cannot give: the window read whole (within the budget), then paged.
  Result<json> gathered(const std::vector<std::string>& series, const Window& w, const Query& q,
                        const std::string& self) {
    std::vector<json> entities;
    for (const auto& id : series) {
      auto n = store_.count_series_observations(series_.at(id).key, w.from, w.to);
      SS_TRY(n);
      if (static_cast<int64_t>(entities.size()) + *n > kMaxScannedObservations) return too_many();
      auto rows = store_.series_observations(series_.at(id).key, w.from, w.to, false, 0, static_cast<int>(*n) + 1);
      SS_TRY(rows);
      for (const auto& o : *rows) entities.push_back(observation_entity(o));
    }
    auto p = page(entities, q, self, expander(Set::observations, q), resolver(Set::observations));
    if (!p) return refuse(400, p.error().message);
    return p;
  }

  tl::unexpected<Error> too_many() {
    return refuse(400, "the request reads more than " + std::to_string(kMaxScannedObservations) +
                           " observations: narrow it with a phenomenonTime range or one Datastream");
  }

  Result<StaAnswer> ref_answer(const Selection& sel, const Query& q, const std::string& self) {
    if (sel.single) {
      auto e = entity(sel);
      if (!e) return bad(status_, e.error().message);
      return ok(json{{"@iot.selfLink", (*e)["@iot.selfLink"]}});
    }
    auto page = collection(sel, q, self + "/$ref");
    if (!page) return bad(status_, page.error().message);
    for (auto& e : (*page)["value"]) e = json{{"@iot.selfLink", e["@iot.selfLink"]}};
    return ok(*page);
  }

  store::Store& store_;
  const StaRequest& r_;
  int status_ = 400;
  std::map<std::string, store::Station> stations_;      // visible stations by MN
  std::map<std::string, store::SeriesSummary> series_;  // visible series by Datastream id
  std::map<std::string, json> datastreams_;             // built once per request
  std::map<int64_t, std::string> observation_series_;   // Observation id → Datastream id
  int64_t built_ = 0;                                   // Observations built for this answer
};

}  // namespace

std::string datastream_id(const store::SeriesKey& k) { return k.mn + "." + k.factor + "." + k.cn + "." + k.kind; }

Result<StaAnswer> answer(store::Store& store, const StaRequest& request) {
  Request r(store, request);
  SS_TRY(r.load());
  return r.run();
}

}  // namespace shanshui::service::sta
