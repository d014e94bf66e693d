// routes_audit.cpp: the audit log and its verification (chain and data).
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

std::vector<Route> audit_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/audit", "The audit log (?object=ID for one object's history)",
               Access::reading(service::Read::audit), [](Ctx& c) {
                 auto log = c.store.audit_log(c.req.get_param_value("object"));
                 if (!log) return send_internal(c.res, log.error().message);
                 send_json(c.res, 200, exporting::audit_log_json(*log));
               }});
  r.push_back(
      {"GET", "/api/audit/search",
       "The audit log for people: ?actor=&action=&object=&from=&to= (dates or times), newest first, "
       "&limit= (≤ 1000) and &before= (the next_before of the previous page); ingest batches only with &ingest=1",
       Access::reading(service::Read::audit), [](Ctx& c) {
         store::AuditQuery q;
         q.actor = c.req.get_param_value("actor");
         q.action = c.req.get_param_value("action");
         q.object = c.req.get_param_value("object");
         q.from = c.req.get_param_value("from");
         q.to = c.req.get_param_value("to");
         q.include_ingest = c.req.get_param_value("ingest") == "1";
         for (const std::string* v : {&q.actor, &q.action, &q.object, &q.from, &q.to})
           if (v->size() > 128) return send_error(c.res, 400, "a filter is longer than 128 bytes");
         auto number = [&](const char* key, int64_t fallback) -> std::optional<int64_t> {
           std::string v = c.req.get_param_value(key);
           if (v.empty()) return fallback;
           if (v.size() > 18 || !std::all_of(v.begin(), v.end(), ::isdigit)) return std::nullopt;
           return std::stoll(v);
         };
         auto limit = number("limit", 100), before = number("before", 0);
         if (!limit || !before) return send_error(c.res, 400, "limit and before: whole numbers");
         q.limit = static_cast<int>(std::min<int64_t>(*limit, 1000));
         q.before_id = *before;
         auto page = c.store.audit_search(q);
         if (!page) return send_internal(c.res, page.error().message);
         send_json(c.res, 200, exporting::audit_page_json(*page));
       }});
  r.push_back(
      {"GET", "/api/audit/verify",
       "Recompute the audit hash chain and every covered row against it (?rows=0: the chain only, in milliseconds)",
       Access::reading(service::Read::audit), [](Ctx& c) {
         auto v = c.store.verify_audit(c.req.get_param_value("rows") != "0");
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
