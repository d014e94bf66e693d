// routes_plan.cpp: the plan, progress and targets, 督办, scorecard, work items, reports, closures, measurements,
// exports.
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/file.h"
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

std::vector<Route> plan_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/plan", "The plan: action lines, key tasks, work items, targets, departments",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 send_json(c.res, 200, exporting::plan_json(*p));
               },
               /*cached=*/true});
  r.push_back(
      {"GET", "/api/progress",
       "Every target with its series, provenance and three lenses; work items with status (logged-in users only)",
       Access::reading(service::Read::indicators),
       [](Ctx& c) {
         auto t = tracking_or_send(c);
         if (!t) return;
         // The public sees indicators only.
         send_json(c.res, 200, exporting::progress_json(t->plan, t->view, service::may_read_internal(c.user)));
       },
       /*cached=*/true});
  r.push_back({"GET", "/api/targets/{id}", "One target with its lenses and explanations",
               Access::reading(service::Read::indicators),
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 auto doc = exporting::target_view_json(t->view, c.arg);
                 if (!doc) return send_error(c.res, 404, "no target '" + c.arg + "'");
                 send_json(c.res, 200, *doc);
               },
               /*cached=*/true});
  r.push_back({"GET", "/api/supervision", "The supervision (督办) list per department",
               Access::reading(service::Read::internal),
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 send_json(
                     c.res, 200,
                     exporting::supervision_json(t->plan, service::supervision_list(t->plan, t->view, t->reports)));
               },
               /*cached=*/true});
  r.push_back({"GET", "/api/scorecard", "Department scorecard (赛马比拼) with the published weights",
               Access::reading(service::Read::internal),
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 send_json(c.res, 200,
                           exporting::scorecard_json(t->plan, service::scorecard(t->plan, t->view, t->reports)));
               },
               /*cached=*/true});
  r.push_back({"GET", "/api/items/{id}", "One work item: status, closure and every report on it",
               Access::reading(service::Read::internal),
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 auto doc = exporting::item_view_json(t->plan, t->view, t->reports, c.arg);
                 if (!doc) return send_error(c.res, 404, "no work item '" + c.arg + "'");
                 send_json(c.res, 200, *doc);
               },
               /*cached=*/true});
  r.push_back(
      {"POST", "/api/reports",
       "Submit a progress report {item, period, status, percent, narrative, evidence} for the user's department",
       Access::writing(service::Write::report), [](Ctx& c) {
         auto p = plan_or_send(c);
         if (!p) return;
         auto parsed = body_json(c);
         if (!parsed) return;
         json& b = *parsed;
         if (!b.is_object() || !b.contains("item"))
           return send_error(c.res, 400, "send a JSON object with item, period, status, percent");
         auto str = [&](const char* k) { return field(b, k); };
         const plan::WorkItem* item = p->find_item(str("item"));
         if (refused(c, service::refuse_write(c.user, service::Write::report, *p, item), "report " + str("item")))
           return;
         if (unknown_evidence_sent(c, str("evidence"))) return;
         std::string reporter =
             c.user->role == "admin" && !str("reporter").empty() ? str("reporter") : c.user->department;
         auto row = one_row(
             {"item", "period", "status", "percent", "narrative", "evidence", "reporter"},
             {str("item"), str("period"), str("status"), str("percent"), str("narrative"), str("evidence"), reporter});
         auto in = service::intake_reports(*p, row, "request");
         if (!in) return send_error(c.res, 400, in.error().message);
         if (!in->rejected.empty()) return refuse_invalid(c, "report " + str("item"), in->rejected.front().reason);
         auto added = c.store.add_reports(in->accepted);
         if (!added) return send_internal(c.res, added.error().message);
         send_json(c.res, 201,
                   dump({{"stored", *added},
                         {"item", in->accepted.front().item_id},
                         {"reporter", in->accepted.front().reporter}}));
       }});
  r.push_back({"POST", "/api/items/{id}/close",
               "Close (销号) a completed work item with evidence: leading-group office only",
               Access::writing(service::Write::close_item), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 const plan::WorkItem* item = p->find_item(c.arg);
                 if (refused(c, service::refuse_write(c.user, service::Write::close_item, *p, item), "close " + c.arg))
                   return;
                 if (!item) return send_error(c.res, 404, "no work item '" + c.arg + "'");
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 std::string evidence = field(b, "evidence");
                 if (evidence.empty())
                   return send_error(c.res, 400, "closing needs evidence (销号 only with evidence)");
                 if (unknown_evidence_sent(c, evidence)) return;
                 auto t = service::load_tracking(c.store, *p, Date::today_beijing());
                 if (!t) return send_internal(c.res, t.error().message);
                 const auto* iv = t->view.find_item(item->id);
                 if (iv->status.code != "done")
                   return send_error(c.res, 409,
                                     item->id + " is " + plan::item_status_label(iv->status.code) +
                                         ", not done: close only completed items");
                 if (auto s = c.store.add_closure({0, item->id, evidence, p->office_host.id, "", field(b, "note")}); !s)
                   return send_internal(c.res, s.error().message);
                 send_json(c.res, 201, dump({{"closed", item->id}}));
               }});
  r.push_back(
      {"POST", "/api/measurements",
       "Record an indicator value {indicator, period, value, source, note}; a second value for a period corrects "
       "the first and needs its reason in note: office, admin, and the department the plan says measures it",
       Access::writing(service::Write::add_measurement), [](Ctx& c) {
         auto p = plan_or_send(c);
         if (!p) return;
         auto parsed = body_json(c);
         if (!parsed) return;
         json& b = *parsed;
         auto str = [&](const char* k) { return field(b, k); };
         // The value is recorded with the method the plan names for its indicator; values that the
         // engine computes from monitoring data are not typed in by hand.
         const plan::Target* target = nullptr;
         for (const auto& t : p->targets)
           if (t.indicator == str("indicator")) target = &t;
         if (refused(c, service::refuse_write(c.user, service::Write::add_measurement, *p, nullptr, target),
                     "measurement " + str("indicator")))
           return;
         if (!target)
           return send_error(c.res, 400,
                             "indicator '" + str("indicator") + "' is not measured by any target of the plan");
         if (target->measure.kind != "reported")
           return send_error(c.res, 400,
                             str("indicator") + " is computed from monitoring data (" + target->measure.method +
                                 "); it cannot be entered by hand");
         auto row =
             one_row({"indicator", "period", "value", "kind", "method", "method_version", "source", "reporter", "note"},
                     {str("indicator"), str("period"), str("value"), "reported", target->measure.method,
                      target->measure.version, str("source"), target->measure.by_id, str("note")});
         auto in = service::intake_measurements(*p, row, "request");
         if (!in) return send_error(c.res, 400, in.error().message);
         if (!in->rejected.empty()) return refuse_invalid(c, str("indicator"), in->rejected.front().reason);
         // A second value for the same period corrects the first (the newest is in force, both
         // stay): it must say why, and the reason is kept with it and in the audit log.
         auto existing = c.store.measurements();
         if (!existing) return send_internal(c.res, existing.error().message);
         bool correction = std::any_of(existing->begin(), existing->end(), [&](const store::Measurement& m) {
           return m.indicator == in->accepted.front().indicator && m.period == in->accepted.front().period;
         });
         if (correction && str("note").empty())
           return refuse_invalid(c, str("indicator"),
                                 "a value for " + in->accepted.front().period +
                                     " is already recorded: a correction needs its reason (note)");
         auto added = c.store.add_measurements(in->accepted);
         if (!added) return send_internal(c.res, added.error().message);
         if (*added == 0)
           return send_error(c.res, 409, "that value is already recorded (values are never overwritten)");
         send_json(c.res, 201, dump({{"stored", *added}}));
       }});
  r.push_back({"GET", "/api/export/{format}", "The 打表 progress table as xlsx, CSV or JSON",
               Access::reading(service::Read::internal), [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 std::string format = c.arg;
                 if (format != "xlsx" && format != "csv" && format != "json")
                   return send_error(c.res, 404, "no export format '" + format + "': xlsx, csv or json");
                 if (format == "csv") {
                   set_attachment(c.res, "打表推进表_" + t->view.as_of.iso() + ".csv", "progress.csv");
                   return c.res.set_content(exporting::progress_csv(t->plan, t->view), "text/csv; charset=utf-8");
                 }
                 if (format == "json") return send_json(c.res, 200, exporting::progress_json(t->plan, t->view));
                 std::string path = "/tmp/shanshui-export-" + service::random_token().substr(0, 16) + ".xlsx";
                 // A signed digest of the audit head goes into the workbook (sheet 审计摘要).
                 auto digest = service::sign_audit_head(c.store, store::file_beside(c.db_path, ".audit-key"));
                 if (!digest)
                   std::cerr << "shanshui: no audit digest in the workbook: " << digest.error().message << std::endl;
                 auto s = exporting::write_progress_xlsx(t->plan, t->view,
                                                         service::supervision_list(t->plan, t->view, t->reports), path,
                                                         digest ? &*digest : nullptr);
                 if (!s) return send_internal(c.res, s.error().message);
                 auto bytes = read_file(path);
                 std::remove(path.c_str());
                 if (!bytes) return send_internal(c.res, bytes.error().message);
                 set_attachment(c.res, "打表推进表_" + t->view.as_of.iso() + ".xlsx", "progress.xlsx");
                 c.res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
               }});
  return r;
}

}  // namespace shanshui::http
