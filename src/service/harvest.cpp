// harvest.cpp: a neighbour's SensorThings data into the partner tables (see harvest.h).
#include "service/harvest.h"

#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/text.h"
#include "service/sta_filter.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

std::string text_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

// An id as a path segment: a number as it is, a text quoted ('' for a quote) and percent-encoded.
std::string id_segment(const json& id) {
  if (id.is_number_integer()) return id.dump();
  std::string quoted = "'";
  for (char c : text_of(id)) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return text::percent_encode(quoted + "'", "'");
}

std::string encode_query(const std::string& s) { return text::percent_encode(s, "$"); }

// The factor code from an ObservedProperty: an HJ 212 definition ("urn:hj212:2017:factor:a34004")
// gives the code; otherwise its definition or name as sent.
std::string property_of(const json& op) {
  std::string def = op.is_object() ? text_of(op.value("definition", json())) : "";
  const std::string urn = "urn:hj212:2017:factor:";
  if (def.rfind(urn, 0) == 0) return def.substr(urn.size());
  if (!def.empty()) return def;
  return op.is_object() ? text_of(op.value("name", json())) : "";
}

// A Datastream (Thing, Locations and ObservedProperty expanded) as a partner series.
Result<store::PartnerSeries> series_of(const json& ds, const store::Partner& partner) {
  if (!ds.is_object() || !ds.contains("@iot.id")) return fail("a Datastream without @iot.id");
  store::PartnerSeries s;
  s.partner = partner.partner;
  s.series = text_of(ds["@iot.id"]);
  if (s.series.empty() || s.series.size() > 200) return fail("a Datastream id of 1 to 200 characters");
  const json thing = ds.value("Thing", json::object());
  s.thing = text_of(thing.value("@iot.id", json(s.series)));
  s.thing_name = text_of(thing.value("name", json(s.thing)));
  auto point = [](const json& geo) -> std::optional<std::pair<double, double>> {
    if (!geo.is_object() || geo.value("type", "") != "Point") return std::nullopt;
    const json& c = geo.value("coordinates", json::array());
    if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return std::nullopt;
    return std::make_pair(c[0].get<double>(), c[1].get<double>());
  };
  std::optional<std::pair<double, double>> where;
  if (thing.contains("Locations") && thing["Locations"].is_array() && !thing["Locations"].empty())
    where = point(thing["Locations"][0].value("location", json()));
  if (!where) where = point(ds.value("observedArea", json()));
  if (where) {
    s.lon = where->first;
    s.lat = where->second;
  }
  s.property = property_of(ds.value("ObservedProperty", json()));
  const json uom = ds.value("unitOfMeasurement", json::object());
  s.unit = text_of(uom.value("name", json(uom.value("symbol", json("")))));
  const json props = ds.value("properties", json::object());
  const json licence = props.value("license", json::object());
  s.licence = licence.is_object() ? text_of(licence.value("name", json(""))) : text_of(licence);
  if (s.licence.empty()) s.licence = partner.licence;
  s.provider = text_of(props.value("provider", json(partner.name)));
  s.owner = text_of(props.value("owner", json(partner.name)));
  return s;
}

// An Observation as a harvested value: its phenomenonTime's start (an interval's first instant)
// at +08:00 to the second is its key.
Result<store::PartnerObservation> value_of(const json& o, const std::string& series) {
  if (!o.is_object() || !o.contains("phenomenonTime") || !o.contains("result"))
    return fail("an Observation without phenomenonTime or result");
  store::PartnerObservation v;
  v.series = series;
  v.phenomenon_time = text_of(o["phenomenonTime"]);
  auto t = sta::parse_time(v.phenomenon_time.substr(0, v.phenomenon_time.find('/')));
  if (!t) return fail("phenomenonTime '" + v.phenomenon_time.substr(0, 60) + "': " + t.error().message);
  int64_t seconds = t->ms >= 0 ? t->ms / 1000 : -((-t->ms + 999) / 1000);
  v.phenomenon_start = beijing_iso8601(seconds);
  v.result = text_of(o["result"]);
  v.result_time = text_of(o.value("resultTime", json("")));
  return v;
}

// A next link must stay under the partner's service root: an answer cannot send the harvester
// to another host (a request forged on the county's behalf).
Result<std::string> next_of(const json& page, const std::string& root) {
  if (!page.contains("@iot.nextLink")) return std::string();
  std::string next = text_of(page["@iot.nextLink"]);
  if (next.rfind(root + "/", 0) != 0) return fail("@iot.nextLink '" + next.substr(0, 120) + "' leaves " + root);
  return next;
}

Result<json> get_json(const Fetch& fetch, const std::string& url) {
  auto body = fetch(url);
  SS_TRY(body);
  auto j = json::parse(*body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(url.substr(0, 200) + ": the answer is not a JSON object");
  return j;
}

}  // namespace

Result<HarvestReport> harvest(store::Store& store, const store::Partner& partner, const std::string& root,
                              const Fetch& fetch, const HarvestOptions& options) {
  HarvestReport report;
  std::vector<store::PartnerSeries> series;
  std::string url = root + "/Datastreams?$top=" + std::to_string(options.page) +
                    "&$expand=" + encode_query("Thing($expand=Locations),ObservedProperty");
  while (!url.empty()) {
    if (++report.pages > options.max_pages)
      return fail(partner.partner + ": more pages than " + std::to_string(options.max_pages));
    auto page = get_json(fetch, url);
    SS_TRY(page);
    for (const auto& ds : page->value("value", json::array())) {
      auto s = series_of(ds, partner);
      if (!s) return fail(partner.partner + ": " + s.error().message);
      series.push_back(std::move(*s));
    }
    auto next = next_of(*page, root);
    SS_TRY(next);
    url = *next;
  }
  report.datastreams = static_cast<int64_t>(series.size());
  // The series first (so that every value's series is known), then each series' new values.
  auto added = store.add_harvest(partner, series, {});
  SS_TRY(added);
  report.stored = *added;
  int64_t budget = options.max_values;
  for (const auto& s : series) {
    auto last = store.partner_observations(partner.partner, s.series, "0000", "9999", 1, true);
    SS_TRY(last);
    std::string query = "$orderby=" + encode_query("phenomenonTime asc") + "&$top=" + std::to_string(options.page) +
                        "&$select=" + encode_query("phenomenonTime,result,resultTime");
    if (!last->empty()) query += "&$filter=" + encode_query("phenomenonTime gt " + last->front().phenomenon_start);
    url = root + "/Datastreams(" + id_segment(json(s.series)) + ")/Observations?" + query;
    while (!url.empty() && budget > 0) {
      if (++report.pages > options.max_pages)
        return fail(partner.partner + ": more pages than " + std::to_string(options.max_pages));
      auto page = get_json(fetch, url);
      SS_TRY(page);
      std::vector<store::PartnerObservation> values;
      for (const auto& o : page->value("value", json::array())) {
        auto v = value_of(o, s.series);
        if (!v) return fail(partner.partner + " " + s.series + ": " + v.error().message);
        values.push_back(std::move(*v));
      }
      budget -= static_cast<int64_t>(values.size());
      auto stored = store.add_harvest(partner, {}, values);
      SS_TRY(stored);
      report.stored.observations_added += stored->observations_added;
      report.stored.observations_present += stored->observations_present;
      auto next = next_of(*page, root);
      SS_TRY(next);
      url = *next;
    }
    if (budget <= 0 && !url.empty()) report.cut_short = true;
  }
  return report;
}

Result<HarvestReport> harvest_file(store::Store& store, const store::Partner& partner, const std::string& json_text) {
  auto doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("value") || !doc["value"].is_array())
    return fail("the export is not a SensorThings collection {\"value\": [Datastream, …]}");
  HarvestReport report;
  std::vector<store::PartnerSeries> series;
  std::vector<store::PartnerObservation> values;
  size_t n = 0;
  for (const auto& ds : doc["value"]) {
    ++n;
    auto s = series_of(ds, partner);
    if (!s) return fail("Datastream " + std::to_string(n) + ": " + s.error().message);
    for (const auto& o : ds.value("Observations", json::array())) {
      auto v = value_of(o, s->series);
      if (!v) return fail("Datastream " + s->series + ": " + v.error().message);
      values.push_back(std::move(*v));
    }
    series.push_back(std::move(*s));
  }
  report.datastreams = static_cast<int64_t>(series.size());
  auto stored = store.add_harvest(partner, series, values);
  SS_TRY(stored);
  report.stored = *stored;
  return report;
}

}  // namespace shanshui::service
