// notices.h: 督办 as a workflow — the office issues a notice on a work item or a target to the
// department that must act, with a due date; the department answers; the office resolves it or
// escalates it (通报), after which the department answers again. The rules of which step may follow
// which, and the notices as the dashboard and the API show them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// A notice's state, from its events: "issued" (waiting for the answer), "answered" (waiting for
/// the office), "escalated" (通报: waiting for a new answer), "resolved" (done; nothing follows).
std::string notice_state(const std::vector<store::NoticeEvent>& events);
/// Storage budget of the workflow: a request or a step is at most this many bytes, and a notice
/// takes at most kMaxNoticeSteps steps (answers and decisions) before the office must issue a new one.
constexpr size_t kMaxNoticeText = 2000;
constexpr size_t kMaxNoticeSteps = 50;

/// Whether `action` ("answer" | "resolve" | "escalate") may follow the steps taken so far, else
/// the reason. The states' names for people are in the label catalogue (group notice_state).
std::optional<std::string> refuse_step(const std::vector<store::NoticeEvent>& steps, const std::string& action);

/// Checks a new notice against the plan: the subject exists, the department is known, the due
/// date is a date, the request is 1–2000 bytes. Fills in the department (the subject's first lead)
/// when it is empty. Returns the reason it cannot be issued, or nullopt.
std::optional<std::string> check_notice(const plan::Plan& plan, store::Notice& n);

/// One notice with its events and what they add up to.
struct NoticeView {
  store::Notice notice;
  std::vector<store::NoticeEvent> events;
  std::string state;
  bool overdue = false;  // past its due date and still waiting for the department
};

/// The notices (newest first) with their events, optionally only those addressed to `department`.
std::vector<NoticeView> notice_views(const std::vector<store::Notice>& notices,
                                     const std::vector<store::NoticeEvent>& events, const Date& today,
                                     const std::string& department = "");

}  // namespace shanshui::service
