// routes_monitoring.cpp: stations, alarms, air days, water sections, noise zones, observations.
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/csv.h"
#include "export/exports.h"
#include "http/api.h"
#include "plan/item_status.h"
#include "plan/loader.h"
#include "service/audit_digest.h"
#include "service/auth.h"
#include "service/lineage.h"
#include "service/login_guard.h"
#include "service/monitoring.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::http {

std::vector<Route> monitoring_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/stations", "Monitoring stations (no passwords)", Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 json a = json::array();
                 for (const auto& s : *st)
                   a.push_back({{"mn", s.mn},
                                {"kind", s.kind},
                                {"name", s.name},
                                {"township", s.township},
                                {"river", s.river},
                                {"lon", s.lon ? json(*s.lon) : json(nullptr)},
                                {"lat", s.lat ? json(*s.lat) : json(nullptr)},
                                {"zone", s.zone}});
                 send_json(c.res, 200, dump(a));
               },
               /*cached=*/true});
  r.push_back({"POST", "/api/stations",
               "Register a monitoring station {mn, kind, name, township, river, section, lon, lat}: admin only",
               Access::writing(service::Write::manage_station), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 if (refused(c, service::refuse_write(c.user, service::Write::manage_station, *p, nullptr), "station"))
                   return;
                 auto str = [&](const char* k) { return field(b, k); };
                 store::Station st;
                 st.mn = str("mn");
                 st.kind = str("kind");
                 if (st.mn.empty() || st.mn.size() > 24)
                   return send_error(c.res, 400, "mn: 1 to 24 characters (HJ 212 MN)");
                 if (st.kind != "air" && st.kind != "water" && st.kind != "noise" && st.kind != "source")
                   return send_error(c.res, 400, "kind: air, water, noise or source");
                 st.name = str("name"), st.township = str("township"), st.river = str("river"),
                 st.section = str("section");
                 st.password = str("password");
                 if (b.contains("lon") && b["lon"].is_number()) st.lon = b["lon"].get<double>();
                 if (b.contains("lat") && b["lat"].is_number()) st.lat = b["lat"].get<double>();
                 if (auto s = c.store.add_station(st); !s) return send_error(c.res, 409, s.error().message);
                 send_json(c.res, 201, dump({{"registered", st.mn}}));
               }});
  r.push_back({"GET", "/api/alarms",
               "Monitoring alarms in the week before as_of: over-standard values, silent stations, long maintenance "
               "(?as_of=ISO time)",
               Access::reading(service::Read::indicators), [](Ctx& c) {
                 // Alarms look back one week from as_of (a station silent for longer is reported silent
                 // "since" the window's start), so the cost does not grow with the archive.
                 std::string as_of = c.req.get_param_value("as_of");
                 if (as_of.empty()) as_of = store::now_iso8601();
                 auto day = Date::parse(as_of.substr(0, 10));
                 if (!day || as_of.size() < 19)
                   return send_error(c.res, 400, "as_of: an ISO time like 2026-06-01T08:00:00+08:00");
                 std::string from = Date::from_days(day->days() - 7).iso() + as_of.substr(10);
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 std::vector<store::Observation> obs;
                 for (const auto& station : *st) {
                   auto part = c.store.observations_between(station.mn, from, as_of);
                   if (!part) return send_internal(c.res, part.error().message);
                   obs.insert(obs.end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
                 }
                 service::AlarmOptions options;
                 options.window_start = from;
                 json a = json::array();
                 for (const auto& al : service::alarms(obs, *st, as_of, options))
                   a.push_back({{"mn", al.mn}, {"kind", al.kind}, {"time", al.time}, {"detail", al.detail}});
                 send_json(c.res, 200, dump(a));
               }});
  r.push_back(
      {"GET", "/api/air/daily",
       "Daily AQI of one air station for a year, from its stored hourly data (?mn=MN&year=2026): HJ 633 by date, GB "
       "3095 Table 4 validity",
       Access::reading(service::Read::indicators), [](Ctx& c) {
         std::string mn = c.req.get_param_value("mn"), year = c.req.get_param_value("year");
         if (mn.empty() || year.size() != 4 || !std::all_of(year.begin(), year.end(), ::isdigit))
           return send_error(c.res, 400, "send ?mn=MN&year=YYYY");
         auto st = c.store.stations();
         if (!st) return send_internal(c.res, st.error().message);
         auto station = std::find_if(st->begin(), st->end(), [&](const store::Station& s) { return s.mn == mn; });
         if (station == st->end() || station->kind != "air")
           return send_error(c.res, 404, "no air station '" + mn + "'");
         auto obs = c.store.observations_between(mn, year + "-01-01T00:00:00+08:00", year + "-12-31T23:59:59+08:00");
         if (!obs) return send_internal(c.res, obs.error().message);
         auto hours = service::air_hours_from_observations(*obs, *st);
         if (!hours) return send_error(c.res, 400, hours.error().message);
         std::vector<quality::Exclusion> excluded;
         auto days = quality::daily_values(hours->hours, &excluded);
         json a = json::array();
         for (const auto& station_days : days)
           for (const auto& d : station_days)
             a.push_back({{"date", Date::from_days(d.day).iso()},
                          {"aqi", d.aqi ? json(*d.aqi) : json(nullptr)},
                          {"valid", d.valid},
                          {"standard", d.rules == quality::AirRules::hj633_2026 ? "HJ 633—2026" : "HJ 633—2012"}});
         send_json(c.res, 200,
                   dump({{"mn", mn},
                         {"year", year},
                         {"days", a},
                         {"hours_used", hours->observations_used},
                         {"digest", hours->digest}}));
       }});
  r.push_back({"GET", "/api/noise/zones",
               "Noise points by functional zone for a month (?month=YYYY-MM): daily Ld/Ln against GB 3096—2008 Table "
               "1, compliance days",
               Access::reading(service::Read::indicators), [](Ctx& c) {
                 auto range = month_or_send(c);
                 if (!range) return;
                 const auto& [first, next] = *range;
                 std::string month = c.req.get_param_value("month");
                 // The last night of the month runs into the next month's first morning.
                 std::string to = next.iso() + "T05:59:59+08:00";
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 json a = json::array();
                 for (const auto& station : *st) {
                   if (station.kind != "noise") continue;
                   auto obs = c.store.observations_between(station.mn, first.iso() + "T06:00:00+08:00", to);
                   if (!obs) return send_internal(c.res, obs.error().message);
                   auto n = service::noise_zone_period(*obs, station.zone);
                   auto opt = [](const std::optional<Decimal>& d) { return d ? json(d->str()) : json(nullptr); };
                   auto lim = [](const std::optional<int>& l) { return l ? json(*l) : json(nullptr); };
                   a.push_back({{"mn", station.mn},
                                {"name", station.name},
                                {"zone", station.zone},
                                {"township", station.township},
                                {"day_level", opt(n.day_level)},
                                {"night_level", opt(n.night_level)},
                                {"day_limit", lim(n.day_limit)},
                                {"night_limit", lim(n.night_limit)},
                                {"days", n.days},
                                {"days_within_limit", n.day_ok},
                                {"nights", n.nights},
                                {"nights_within_limit", n.night_ok}});
                 }
                 send_json(
                     c.res, 200,
                     dump({{"month", month},
                           {"points", a},
                           {"method",
                            "GB 3096—2008 附录C：昼间等效声级 Ld（06—22 时）与夜间等效声级 Ln（22—06 时）由逐时 Leq "
                            "能量平均；限值见表1"},
                           {"method_en",
                            "GB 3096—2008 Annex C: daily Ld (06–22) and Ln (22–06) as energy averages "
                            "of hourly Leq; Table 1 limits"}}));
               }});
  r.push_back(
      {"GET", "/api/water/sections",
       "Class of each water station for a month by GB 3838—2002 (?month=YYYY-MM&target=2): exact monthly means, single "
       "factor",
       Access::reading(service::Read::indicators), [](Ctx& c) {
         auto range = month_or_send(c);
         if (!range) return;
         const auto& [first, next] = *range;
         std::string month = c.req.get_param_value("month");
         // Default target: class II, the plan's 2027 target for the main stem and main tributaries.
         int target = c.req.has_param("target") ? std::atoi(c.req.get_param_value("target").c_str()) : 2;
         if (target < 1 || target > 5) return send_error(c.res, 400, "target: a class from 1 (I) to 5 (V)");
         std::string to = Date::from_days(next.days() - 1).iso() + "T23:59:59+08:00";
         auto st = c.store.stations();
         if (!st) return send_internal(c.res, st.error().message);
         json a = json::array();
         for (const auto& station : *st) {
           if (station.kind != "water") continue;
           auto obs = c.store.observations_between(station.mn, first.iso() + "T00:00:00+08:00", to);
           if (!obs) return send_internal(c.res, obs.error().message);
           auto w = service::water_period(*obs, target);
           json means = json::object();
           for (const auto& [k, v] : w.means) means[k] = v.str();
           a.push_back({{"mn", station.mn},
                        {"name", station.name},
                        {"river", station.river},
                        {"section", station.section},
                        {"lon", station.lon ? json(*station.lon) : json(nullptr)},
                        {"lat", station.lat ? json(*station.lat) : json(nullptr)},
                        {"values", w.values},
                        {"means", means},
                        {"class", w.verdict.cls ? json(quality::water_class_name(w.verdict.cls)) : json(nullptr)},
                        {"meets_target", w.verdict.cls ? json(w.verdict.cls <= target) : json(nullptr)},
                        {"grade", w.verdict.cls ? w.verdict.grade() : ""},
                        {"explanation", w.verdict.explanation}});
         }
         send_json(
             c.res, 200,
             dump({{"month", month},
                   {"target", quality::water_class_name(target)},
                   {"sections", a},
                   {"method", "GB 3838—2002 表1，以月均值单因子评价（数值修约按 GB/T 8170）"},
                   {"method_en", "GB 3838—2002 Table 1, single factor on exact monthly means (GB/T 8170 rounding)"}}));
       }});
  r.push_back(
      {"GET", "/api/stations/{mn}/observations",
       "A station's observations, newest last: one page of at most 5,000 (?factor=a34004&limit=500&from=ISO&to=ISO); "
       "without from, the newest `limit` up to `to`",
       Access::reading(service::Read::indicators), [](Ctx& c) {
         // Paged and served from the (mn, data_time) index: a public request never reads a
         // station's whole history.
         constexpr int kMaxPage = 5000;
         std::string from = c.req.get_param_value("from"), to = c.req.get_param_value("to");
         if (from.size() > 40 || to.size() > 40)
           return send_error(c.res, 400, "from/to: ISO times like 2026-06-01T08:00:00+08:00");
         std::string factor = c.req.get_param_value("factor");
         int limit = 500;
         if (auto l = c.req.get_param_value("limit"); !l.empty()) limit = std::clamp(std::atoi(l.c_str()), 1, kMaxPage);
         bool newest = from.empty();
         auto page = c.store.observations_page(c.arg, factor, from, to.empty() ? "9999" : to, limit, newest);
         if (!page) return send_internal(c.res, page.error().message);
         std::vector<store::Observation> obs = std::move(*page);
         if (newest) std::reverse(obs.begin(), obs.end());
         send_json(c.res, 200, service::observations_json(obs));
       }});
  return r;
}

}  // namespace shanshui::http
