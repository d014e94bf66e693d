// routes_lineage.cpp: from a target's value to the frames behind it, one step per route.
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

std::vector<Route> lineage_routes() {
  std::vector<Route> r;
  auto lineage_reply = [](Ctx& c, const Result<std::optional<std::string>>& doc, const std::string& what) {
    if (!doc) return send_internal(c.res, doc.error().message);
    if (!*doc) return send_error(c.res, 404, "no " + what);
    send_json(c.res, 200, **doc);
  };
  auto run_id = [](Ctx& c) -> std::optional<int64_t> {
    if (c.arg.empty() || c.arg.size() > 18 || !std::all_of(c.arg.begin(), c.arg.end(), ::isdigit)) {
      send_error(c.res, 400, "the id must be a number");
      return std::nullopt;
    }
    return std::stoll(c.arg);
  };
  r.push_back({"GET", "/api/lineage/indicators/{id}",
               "Lineage, step 1: an indicator's (or target's) values with their measurement and assessment run "
               "(?period=2026-YTD)",
               Access::reading(service::Read::indicators), [lineage_reply](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 std::string period = c.req.get_param_value("period");
                 if (period.size() > 16) return send_error(c.res, 400, "period: like 2026-YTD or 2025");
                 lineage_reply(c, service::lineage_indicator_json(c.store, *p, c.arg, period),
                               "indicator '" + c.arg + "'");
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}",
               "Lineage, step 2: an assessment run — method and version, rules, input hash, stations, exclusions",
               Access::reading(service::Read::indicators), [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 lineage_reply(c, service::lineage_run_json(c.store, *id), "assessment run " + c.arg);
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}/days",
               "Lineage, step 3: a run's station-days of one station (?station=MN): daily values, AQI, validity, "
               "exclusions, digest",
               Access::reading(service::Read::indicators), [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 std::string mn = c.req.get_param_value("station");
                 if (mn.empty() || mn.size() > 64) return send_error(c.res, 400, "send ?station=MN");
                 lineage_reply(c, service::lineage_days_json(c.store, *id, mn), "station " + mn + " in run " + c.arg);
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}/hours",
               "Lineage, step 4: the observations of one station-day in a run (?station=MN&day=YYYY-MM-DD), with their "
               "frame ids",
               Access::reading(service::Read::indicators), [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 std::string mn = c.req.get_param_value("station"), day = c.req.get_param_value("day");
                 if (mn.empty() || mn.size() > 64 || day.size() != 10)
                   return send_error(c.res, 400, "send ?station=MN&day=YYYY-MM-DD");
                 lineage_reply(c, service::lineage_hours_json(c.store, *id, mn, day),
                               "day " + day + " of " + mn + " in run " + c.arg);
               }});
  r.push_back(
      {"GET", "/api/lineage/frames/{id}",
       "Lineage, step 5: a raw frame — bytes (password masked for the public), CRC mode and check, SHA-256, peer, time",
       Access::reading(service::Read::indicators), [lineage_reply, run_id](Ctx& c) {
         auto id = run_id(c);
         if (!id) return;
         lineage_reply(c, service::lineage_frame_json(c.store, *id, service::may_read_internal(c.user)),
                       "frame " + c.arg);
       }});
  return r;
}

}  // namespace shanshui::http
