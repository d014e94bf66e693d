// routes_audit.cpp: the audit log and its verification (chain and data).
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "export/exports.h"
#include "http/api.h"
#include "plan/item_status.h"
#include "plan/loader.h"
#include "service/audit_digest.h"
#include "service/auth.h"
#include "service/csv.h"
#include "service/lineage.h"
#include "service/login_guard.h"
#include "service/monitoring.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::http {

std::vector<Route> audit_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/audit", "The audit log (?object=ID for one object's history)",
               Access::reading(service::Read::audit), [](Ctx& c) {
                 auto log = c.store.audit_log(c.req.get_param_value("object"));
                 if (!log) return send_internal(c.res, log.error().message);
                 send_json(c.res, 200, exporting::audit_log_json(*log));
               }});
  r.push_back(
      {"GET", "/api/audit/verify", "Recompute the audit hash chain", Access::reading(service::Read::audit), [](Ctx& c) {
         auto v = c.store.verify_audit();
         if (!v) return send_internal(c.res, v.error().message);
         json data = json::array();
         for (const auto& p : v->data)
           data.push_back({{"table", p.table},
                           {"row", p.row},
                           {"entry", p.entry ? json(p.entry) : json(nullptr)},
                           {"problem", p.what}});
         send_json(c.res, 200,
                   dump({{"entries", v->entries},
                         {"intact", v->intact()},
                         {"chain_intact", v->broken_at == 0},
                         {"broken_at", v->broken_at ? json(v->broken_at) : json(nullptr)},
                         {"reason", v->reason},
                         {"rows_checked", v->rows_checked},
                         {"data", data}}));
       }});
  return r;
}

}  // namespace shanshui::http
