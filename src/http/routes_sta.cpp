// routes_sta.cpp: the OGC SensorThings API v1.1 (read) at /api/sta/v1.1 — its own path grammar
// and query options, answered by service/sta_service; what a reader sees follows the sharing
// table (partners by their account, the public without one).
#include <map>
#include <nlohmann/json.hpp>

#include "hj212/factors.h"
#include "http/api.h"
#include "service/sta_service.h"
#include "service/sta_sharing.h"

namespace shanshui::http {
namespace {

// The service root's absolute URL as the client addressed it (links in answers are absolute, as
// FROST and the standard's examples give them). A Host that is not a plain host[:port] is not
// echoed back.
std::string service_root(const Ctx& c) {
  std::string host = c.req.get_header_value("Host");
  bool plain = !host.empty() && host.size() <= 255 &&
               host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
                   std::string::npos;
  if (!plain) host = "localhost";
  return std::string(c.behind_tls ? "https" : "http") + "://" + host + (c.county.empty() ? "" : "/c/" + c.county) +
         "/api/sta/v1.1";
}

void answer(Ctx& c, const std::string& path) {
  service::sta::StaRequest r;
  r.path = path;
  for (const auto& [k, v] : c.req.params) r.params.emplace(k, v);
  r.root = service_root(c);
  r.who = service::sta::Audience::of(c.user);
  r.sharing = c.sharing.get();
  r.database = c.db_path;
  auto a = service::sta::answer(c.store, r);
  if (!a) return send_internal(c.res, a.error().message);
  if (a->status != 200) return send_error(c.res, a->status, a->error);
  c.res.status = 200;
  c.res.set_content(a->body, a->content_type);
}

}  // namespace

std::vector<Route> sta_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/sta/v1.1",
               "OGC SensorThings API v1.1 service root: the entity sets and the conformance classes served",
               Access::open(), [](Ctx& c) { answer(c, ""); }});
  r.push_back({"GET", "/api/sta/v1.1/{path*}",
               "OGC SensorThings API v1.1, read part: Things, Locations, HistoricalLocations, Datastreams, Sensors, "
               "ObservedProperties, Observations, FeaturesOfInterest, with $filter $orderby $top $skip $count $select "
               "$expand and @iot.nextLink paging; the public reads published series, a partner also what is shared "
               "with it (docs/exchange.md)",
               Access::open(), [](Ctx& c) { answer(c, c.arg); }});
  r.push_back({"GET", "/api/partners",
               "Neighbours' stations harvested over SensorThings (shanshui harvest), each marked with its partner, "
               "licence, provider and owner and the latest value of each series: kept apart from the county's own "
               "data, for the county's users",
               Access::reading(service::Read::internal), [](Ctx& c) {
                 auto partners = c.store.partners();
                 if (!partners) return send_internal(c.res, partners.error().message);
                 json out = json::array();
                 for (const auto& p : *partners) {
                   auto series = c.store.partner_series(p.partner);
                   if (!series) return send_internal(c.res, series.error().message);
                   std::map<std::string, json> stations;  // by the partner's Thing id
                   for (const auto& s : *series) {
                     auto last = c.store.partner_observations(p.partner, s.series, "0000", "9999", 1, true);
                     if (!last) return send_internal(c.res, last.error().message);
                     json& st = stations[s.thing];
                     if (st.is_null())
                       st = {{"id", s.thing},
                             {"name", s.thing_name},
                             {"lon", s.lon ? json(*s.lon) : json(nullptr)},
                             {"lat", s.lat ? json(*s.lat) : json(nullptr)},
                             {"series", json::array()}};
                     json latest = last->empty() ? json(nullptr)
                                                 : json{{"time", last->front().phenomenon_start},
                                                        {"result", last->front().result}};
                     const auto* factor = hj212::find_factor(s.property);
                     st["series"].push_back({{"series", s.series},
                                             {"property", s.property},
                                             {"property_name", factor ? factor->name : s.property},
                                             {"unit", s.unit},
                                             {"licence", s.licence},
                                             {"provider", s.provider},
                                             {"owner", s.owner},
                                             {"latest", latest}});
                   }
                   json list = json::array();
                   for (auto& [id, st] : stations) list.push_back(std::move(st));
                   out.push_back({{"partner", p.partner},
                                  {"name", p.name},
                                  {"source", p.source},
                                  {"licence", p.licence},
                                  {"registered_at", p.registered_at},
                                  {"stations", list}});
                 }
                 send_json(c.res, 200, dump(out));
               }});
  return r;
}

}  // namespace shanshui::http
