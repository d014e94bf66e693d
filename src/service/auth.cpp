// auth.cpp: argon2id passwords, random tokens, the role matrix.
#include "service/auth.h"

#include <argon2.h>

#include <cstdio>
#include <cstring>
#include <fstream>

namespace shanshui::service {

Result<std::string> hash_password(const std::string& password) {
  if (password.size() < 8) return fail("a password needs at least 8 characters");
  std::string salt = random_token().substr(0, 32);
  const uint32_t t = 2, m = 19 * 1024, p = 1;  // OWASP password-storage minimum for argon2id (19 MiB, 2 passes)
  size_t len = argon2_encodedlen(t, m, p, static_cast<uint32_t>(salt.size()), 32, Argon2_id);
  std::string out(len, '\0');
  int rc =
      argon2id_hash_encoded(t, m, p, password.data(), password.size(), salt.data(), salt.size(), 32, out.data(), len);
  if (rc != ARGON2_OK) return fail(std::string("argon2: ") + argon2_error_message(rc));
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool verify_password(const std::string& password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string random_token() {
  unsigned char bytes[32];
  std::ifstream in("/dev/urandom", std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return std::string(hex, 64);
}

bool valid_role(const std::string& r) {
  return r == "admin" || r == "office" || r == "department" || r == "township" || r == "auditor" || r == "partner";
}

bool valid_partner_id(const std::string& id) {
  return !id.empty() && id.size() <= 40 &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

const char* write_name(Write w) {
  switch (w) {
    case Write::report:
      return "report";
    case Write::close_item:
      return "close_item";
    case Write::import_plan:
      return "import_plan";
    case Write::add_measurement:
      return "add_measurement";
    case Write::manage_station:
      return "manage_station";
    case Write::manage_user:
      return "manage_user";
    case Write::supervise:
      return "supervise";
    case Write::answer_notice:
      return "answer_notice";
    case Write::upload_evidence:
      return "upload_evidence";
  }
  return "?";
}

std::optional<std::string> refuse_any_write(const std::optional<store::User>& user) {
  if (!user) return std::string("log in first: the public may read published indicators only");
  if (user->role == "partner") return std::string("partners read the data shared with them and change nothing");
  return std::nullopt;
}

std::optional<std::string> refuse_write(const std::optional<store::User>& user, Write w, const plan::Plan& plan,
                                        const plan::WorkItem* item, const plan::Target* target) {
  if (auto why = refuse_any_write(user)) return why;
  const std::string& role = user->role;
  if (role == "auditor") return "auditors read everything and change nothing";
  if (role == "admin") return std::nullopt;
  switch (w) {
    case Write::report:
      if (role == "office") return "the leading-group office approves and closes; departments report";
      if (!item) return std::nullopt;
      if (!plan.may_report(*item, user->department)) return user->department + " neither leads nor shares " + item->id;
      return std::nullopt;
    case Write::close_item:
      if (role == "office") return std::nullopt;
      return "only the leading-group office closes (销号) work items";
    case Write::add_measurement:
      if (role == "office") return std::nullopt;
      // The plan names who measures each indicator (measure.by): that department records it.
      if (target && !target->measure.by_id.empty() && target->measure.by_id == user->department) return std::nullopt;
      return user->department + " does not measure " +
             (target ? "'" + target->indicator + "' (the plan says " + target->measure.by + ")"
                     : std::string("this indicator"));
    case Write::supervise:
      if (role == "office") return std::nullopt;
      return std::string("only the leading-group office issues, resolves and escalates 督办 notices");
    case Write::answer_notice:
      if (role == "department" || role == "township") return std::nullopt;
      return std::string("departments and townships answer the notices addressed to them");
    case Write::upload_evidence:  // whoever reports, answers or closes attaches evidence
      if (role == "department" || role == "township" || role == "office") return std::nullopt;
      return std::string("departments, townships and the office upload evidence");
    case Write::import_plan:
    case Write::manage_station:
    case Write::manage_user:
      return std::string("only an administrator may ") + write_name(w);
  }
  return "not allowed";
}

std::optional<std::string> refuse_answer(const std::optional<store::User>& user, const std::string& department) {
  if (!user) return std::string("log in first: the public may read published indicators only");
  if (user->role == "admin") return std::nullopt;
  if (user->role != "department" && user->role != "township")
    return std::string("departments and townships answer the notices addressed to them");
  if (user->department != department) return "the notice is addressed to " + department + ", not " + user->department;
  return std::nullopt;
}

// A partner (a neighbouring county's account) is a stranger to the county's internal tracking.
bool may_read_internal(const std::optional<store::User>& user) { return user && user->role != "partner"; }

const char* read_key(Read r) {
  switch (r) {
    case Read::indicators:
      return "indicators";
    case Read::internal:
      return "internal";
    case Read::audit:
      return "audit";
  }
  return "?";
}

const char* read_name(Read r) {
  switch (r) {
    case Read::indicators:
      return "read indicators";
    case Read::internal:
      return "read internal tracking";
    case Read::audit:
      return "read the audit log";
  }
  return "read";
}

std::optional<std::string> refuse_read(const std::optional<store::User>& user, Read r) {
  switch (r) {
    case Read::indicators:
      return std::nullopt;
    case Read::internal:
      if (user && user->role == "partner") return std::string("partners read the data shared with them only");
      if (user) return std::nullopt;
      return "log in first: this data is not public";
    case Read::audit:
      if (!user) return "log in first: this data is not public";
      if (user->role == "partner") return std::string("partners read the data shared with them only");
      if (user->role == "admin" || user->role == "office" || user->role == "auditor") return std::nullopt;
      return "the audit log is for the office, auditors and administrators";
  }
  return "not allowed";
}

Permissions permissions(const std::optional<store::User>& user, const plan::Plan& plan) {
  Permissions p;
  for (Read r : {Read::indicators, Read::internal, Read::audit})
    if (!refuse_read(user, r)) p.read.push_back(read_key(r));
  for (Write w : {Write::report, Write::close_item, Write::import_plan, Write::add_measurement, Write::manage_station,
                  Write::manage_user, Write::supervise, Write::answer_notice, Write::upload_evidence}) {
    // add_measurement is allowed per indicator: a department may when the plan says it measures one.
    bool any_target = false;
    if (w == Write::add_measurement)
      for (const auto& t : plan.targets) any_target |= !refuse_write(user, w, plan, nullptr, &t);
    if (!refuse_write(user, w, plan, nullptr) || any_target) p.write.push_back(write_name(w));
  }
  return p;
}

}  // namespace shanshui::service
