// routes_notices.cpp: 督办 as a workflow — list notices, issue one (the office), and the steps
// after it: the department's answer, the office's resolution or escalation (rules in
// service/notices).
#include <nlohmann/json.hpp>

#include "export/exports.h"
#include "http/api.h"
#include "plan/model.h"
#include "service/auth.h"
#include "service/notices.h"

namespace shanshui::http {
namespace {

// What a notice is about, as a clerk reads it: the item's text or the target's name.
std::string subject_text(const plan::Plan& p, const store::Notice& n) {
  if (n.subject_kind == "item")
    if (const auto* item = p.find_item(n.subject)) return item->text;
  if (n.subject_kind == "target")
    if (const auto* t = p.find_target(n.subject)) return t->name;
  if (n.subject_kind == "warning") return "上游水质预警";  // the request holds the warning itself
  return n.subject;
}

json notice_json(const plan::Plan& p, const service::NoticeView& v) {
  const auto* d = p.find_department(v.notice.department);
  json events = json::array();
  for (const auto& e : v.events)
    events.push_back({{"id", e.id}, {"action", e.action}, {"text", e.text}, {"actor", e.actor}, {"at", e.at}});
  return {{"id", v.notice.id},
          {"subject_kind", v.notice.subject_kind},
          {"subject", v.notice.subject},
          {"subject_text", subject_text(p, v.notice)},
          {"department", v.notice.department},
          {"department_name", d ? d->name : v.notice.department},
          {"due", v.notice.due},
          {"request", v.notice.request},
          {"issued_by", v.notice.issued_by},
          {"issued_at", v.notice.issued_at},
          {"state", v.state},
          {"overdue", v.overdue},
          {"events", events}};
}

}  // namespace

std::vector<Route> notice_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/notices",
               "督办 notices, newest first, with their answers and decisions; ?department= and ?state= filter; "
               "?format=csv: the same for Excel (UTF-8 with BOM, Chinese headers), as an attachment",
               Access::reading(service::Read::internal), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 std::string dept = c.req.get_param_value("department");
                 std::string state = c.req.get_param_value("state");
                 if (dept.size() > 64 || state.size() > 16)
                   return send_error(c.res, 400, "department and state: at most 64 and 16 bytes");
                 auto notices = c.store.notices();
                 if (!notices) return send_internal(c.res, notices.error().message);
                 auto events = c.store.notice_events();
                 if (!events) return send_internal(c.res, events.error().message);
                 std::vector<service::NoticeView> shown;
                 for (auto& v : service::notice_views(*notices, *events, Date::today_beijing(), dept))
                   if (state.empty() || v.state == state) shown.push_back(std::move(v));
                 std::string format = c.req.get_param_value("format");
                 if (format == "csv") {
                   set_attachment(c.res, "督办通知_" + Date::today_beijing().iso() + ".csv", "notices.csv");
                   return c.res.set_content(exporting::notices_csv(*p, shown), "text/csv; charset=utf-8");
                 }
                 if (!format.empty() && format != "json") return send_error(c.res, 400, "format: json or csv");
                 json out = json::array();
                 for (const auto& v : shown) out.push_back(notice_json(*p, v));
                 send_json(c.res, 200, dump(out));
               }});
  r.push_back({"POST", "/api/notices",
               "Issue a 督办 notice {subject_kind: item|target, subject, department?, due, request}: the office",
               Access::writing(service::Write::supervise), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 if (refused(c, service::refuse_write(c.user, service::Write::supervise, *p, nullptr), "notices"))
                   return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 const json& b = *parsed;
                 store::Notice n{0,
                                 field(b, "subject_kind"),
                                 field(b, "subject"),
                                 field(b, "department"),
                                 field(b, "due"),
                                 field(b, "request"),
                                 c.user->username,
                                 ""};
                 if (n.subject.size() > 64 || n.department.size() > 64)
                   return send_error(c.res, 400, "subject and department: at most 64 bytes");
                 if (auto why = service::check_notice(*p, n)) return send_error(c.res, 400, *why);
                 auto id = c.store.add_notice(n);
                 if (!id) return send_internal(c.res, id.error().message);
                 send_json(c.res, 201, dump({{"id", *id}, {"department", n.department}, {"state", "issued"}}));
               }});
  r.push_back({"POST", "/api/notices/{id}/steps",
               "The next step of a notice {action: answer|resolve|escalate, text}: the addressed department answers, "
               "the office resolves or escalates (通报)",
               Access::writing(service::Write::answer_notice), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 int64_t id = 0;
                 try {
                   id = std::stoll(c.arg);
                 } catch (...) {
                   return send_error(c.res, 400, "the id must be a number");
                 }
                 auto notices = c.store.notices();
                 if (!notices) return send_internal(c.res, notices.error().message);
                 const store::Notice* n = nullptr;
                 for (const auto& x : *notices)
                   if (x.id == id) n = &x;
                 if (!n) return send_error(c.res, 404, "no notice " + c.arg);
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 std::string action = field(*parsed, "action");
                 std::string text = field(*parsed, "text");
                 // Who may take the step depends on it: the addressee answers, the office decides.
                 auto why = action == "answer" ? service::refuse_answer(c.user, n->department)
                                               : service::refuse_write(c.user, service::Write::supervise, *p, nullptr);
                 if (refused(c, why, "notice:" + c.arg)) return;
                 if (text.empty() || text.size() > service::kMaxNoticeText)
                   return send_error(c.res, 400, "text: 1 to " + std::to_string(service::kMaxNoticeText) + " bytes");
                 auto events = c.store.notice_events();
                 if (!events) return send_internal(c.res, events.error().message);
                 std::vector<store::NoticeEvent> mine;
                 for (const auto& e : *events)
                   if (e.notice_id == id) mine.push_back(e);
                 if (auto no = service::refuse_step(mine, action)) return send_error(c.res, 409, *no);
                 if (auto s = c.store.add_notice_event({0, id, action, text, c.user->username, ""}); !s)
                   return send_internal(c.res, s.error().message);
                 mine.push_back({0, id, action, text, c.user->username, ""});
                 send_json(c.res, 201, dump({{"id", id}, {"state", service::notice_state(mine)}}));
               }});
  return r;
}

}  // namespace shanshui::http
