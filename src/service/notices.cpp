// notices.cpp: the 督办 workflow's rules (see notices.h).
#include "service/notices.h"

#include <algorithm>
#include <map>

namespace shanshui::service {

std::string notice_state(const std::vector<store::NoticeEvent>& events) {
  std::string state = "issued";
  for (const auto& e : events) {
    if (e.action == "answer") state = "answered";
    if (e.action == "resolve") state = "resolved";
    if (e.action == "escalate") state = "escalated";
  }
  return state;
}

std::optional<std::string> refuse_step(const std::vector<store::NoticeEvent>& steps, const std::string& action) {
  if (action != "answer" && action != "resolve" && action != "escalate") return "action: answer, resolve or escalate";
  std::string state = notice_state(steps);
  if (steps.size() >= kMaxNoticeSteps)
    return "the notice has " + std::to_string(kMaxNoticeSteps) + " steps already; issue a new one";
  if (state == "resolved") return std::string("the notice is resolved; nothing follows");
  // The office resolves on an answer; it may escalate (通报) a notice left unanswered or answered
  // badly, but not twice in a row without a new answer.
  if (action == "resolve" && state != "answered") return std::string("resolve an answered notice only");
  if (action == "escalate" && state == "escalated") return std::string("already escalated; wait for the answer");
  return std::nullopt;
}

std::optional<std::string> check_notice(const plan::Plan& plan, store::Notice& n) {
  const std::vector<plan::DeptRef>* leads = nullptr;
  std::vector<plan::DeptRef> target_lead;
  if (n.subject_kind == "item") {
    const auto* item = plan.find_item(n.subject);
    if (!item) return "no work item '" + n.subject + "'";
    leads = &item->lead;
  } else if (n.subject_kind == "target") {
    const auto* t = plan.find_target(n.subject);
    if (!t) return "no target '" + n.subject + "'";
    target_lead.push_back(t->lead);
    leads = &target_lead;
  } else {
    return std::string("subject_kind: item or target");
  }
  if (n.department.empty()) {
    auto first = std::find_if(leads->begin(), leads->end(), [](const plan::DeptRef& d) { return !d.id.empty(); });
    if (first == leads->end()) return "no lead department for " + n.subject + "; name the department";
    n.department = first->id;
  }
  if (!plan.find_department(n.department)) return "no department '" + n.department + "'";
  if (!Date::parse(n.due)) return std::string("due: a date like 2026-12-31");
  if (n.request.empty() || n.request.size() > kMaxNoticeText)
    return "request: 1 to " + std::to_string(kMaxNoticeText) + " bytes";
  return std::nullopt;
}

std::vector<NoticeView> notice_views(const std::vector<store::Notice>& notices,
                                     const std::vector<store::NoticeEvent>& events, const Date& today,
                                     const std::string& department) {
  std::map<int64_t, std::vector<store::NoticeEvent>> by_notice;
  for (const auto& e : events) by_notice[e.notice_id].push_back(e);
  std::vector<NoticeView> out;
  for (auto it = notices.rbegin(); it != notices.rend(); ++it) {
    if (!department.empty() && it->department != department) continue;
    NoticeView v{*it, by_notice[it->id], "", false};
    v.state = notice_state(v.events);
    auto due = Date::parse(v.notice.due);
    v.overdue = (v.state == "issued" || v.state == "escalated") && due && *due < today;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace shanshui::service
