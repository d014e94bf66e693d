// auth.h: passwords (argon2id), tokens, and the role rules: who may do what, with the reason
// a refusal gives.
#pragma once

#include <optional>
#include <string>

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
/// auditor (reads everything, changes nothing). Anonymous visitors are "public".
bool valid_role(const std::string& role);

/// The writes the API offers.
enum class Write { report, close_item, import_plan, add_measurement, manage_station, manage_user };
const char* write_name(Write w);

/// nullopt when allowed, else the reason (for the 403 and the audit log). `item` is the work item
/// a report is about (for department and township users: must be theirs).
/// `target`: for add_measurement, the target whose indicator is recorded — a department or
/// township may record the indicators the plan says it measures.
std::optional<std::string> refuse_write(const std::optional<store::User>& user, Write w, const plan::Plan& plan,
                                        const plan::WorkItem* item, const plan::Target* target = nullptr);

/// Whether a role may read internal data (items, reports, supervision, audit); the public
/// sees published indicators only.
bool may_read_internal(const std::optional<store::User>& user);

}  // namespace shanshui::service
