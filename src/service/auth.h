// auth.h: passwords (argon2id), tokens, and the role rules: who may do what, with the reason
// a refusal gives.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::service {

/// argon2id (libargon2), t=2, m=19 MiB, p=1 (OWASP's minimum), encoded with its salt and params.
Result<std::string> hash_password(const std::string& password);
bool verify_password(const std::string& password, const std::string& encoded);
/// 32 random bytes from the kernel, hex.
std::string random_token();

/// The roles: admin; office (leading-group office: dispatch, approve, close); department
/// (reports on items it leads or shares); township (likewise, through the townships group);
/// auditor (reads everything, changes nothing); partner (a neighbouring county's account: reads
/// the monitoring series shared with it over SensorThings, its department being its partner id,
/// and nothing internal). Anonymous visitors are "public".
bool valid_role(const std::string& role);
/// A partner's id (its account's department): 1–40 lowercase letters, digits, '-' or '_'.
bool valid_partner_id(const std::string& id);

/// The writes the API offers.
/// supervise: issue, resolve and escalate 督办 notices; answer_notice: answer the notices
/// addressed to one's own department or township.
enum class Write {
  report,
  close_item,
  import_plan,
  add_measurement,
  manage_station,
  manage_user,
  supervise,
  answer_notice,
  upload_evidence
};
const char* write_name(Write w);

/// Whether `user` may write anything at all: the public and partners may not (the reason), nullopt
/// otherwise. What a route's access checks before its handler; refuse_write starts with it.
std::optional<std::string> refuse_any_write(const std::optional<store::User>& user);

/// nullopt when allowed, else the reason (for the 403 and the audit log). `item` is the work item
/// a report is about (for department and township users: must be theirs).
/// `target`: for add_measurement, the target whose indicator is recorded — a department or
/// township may record the indicators the plan says it measures.
std::optional<std::string> refuse_write(const std::optional<store::User>& user, Write w, const plan::Plan& plan,
                                        const plan::WorkItem* item, const plan::Target* target = nullptr);

/// nullopt when `user` may answer a notice addressed to `department`, else the reason.
std::optional<std::string> refuse_answer(const std::optional<store::User>& user, const std::string& department);

/// Whether a role may read internal data (items, reports, supervision, audit); the public
/// sees published indicators only.
bool may_read_internal(const std::optional<store::User>& user);

/// The reads the API offers: published indicators and monitoring (anyone), internal tracking
/// (items, reports, 督办, scorecard, exports: any logged-in user), the audit log (the office,
/// auditors and administrators).
enum class Read { indicators, internal, audit };
const char* read_name(Read r);
/// "indicators" | "internal" | "audit" (the keys /api/me lists).
const char* read_key(Read r);
/// nullopt when allowed, else the reason (401 when not logged in, else 403 and an audit entry).
std::optional<std::string> refuse_read(const std::optional<store::User>& user, Read r);

/// What a user may do, as /api/me tells the dashboard: the reads allowed and the writes allowed
/// before any item is named (a department still reports only on its own items).
struct Permissions {
  std::vector<std::string> read, write;
};
Permissions permissions(const std::optional<store::User>& user, const plan::Plan& plan);

}  // namespace shanshui::service
