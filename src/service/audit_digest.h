// audit_digest.h: signed digests of the audit log's head (Ed25519, libsodium), kept outside the
// database, so that cutting entries off the end of the log is detected — the chain alone cannot
// show that its tail is missing. Modelled on Certificate Transparency's signed tree heads and SQL
// Server ledger's database digests: the digest names the head entry and its hash; a later log
// must still hold that entry unchanged and extend it.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace shanshui::service {

struct AuditDigest {
  int64_t head_id = 0;     // the newest audit entry when the digest was made
  std::string head_hash;   // its hash (which chains every entry before it)
  std::string at;          // when the digest was made (ISO, +08:00)
  std::string public_key;  // Ed25519, hex
  std::string signature;   // Ed25519 over signed_text(), hex
  /// The exact bytes signed: "shanshui-audit-digest/v1\n<head_id>\n<head_hash>\n<at>\n".
  std::string signed_text() const;
};

/// The signing key kept at `key_path` (64-byte Ed25519 secret key, hex, file mode 0600), created
/// on first use. Returns the public key, hex.
Result<std::string> audit_public_key(const std::string& key_path);

/// Signs the current head of the audit log.
Result<AuditDigest> sign_audit_head(store::Store& store, const std::string& key_path);

std::string digest_json(const AuditDigest& d);
Result<AuditDigest> parse_digest(const std::string& json_text);

/// Checks a digest against the database: the signature (by `trusted_key`, hex, when given; else by
/// the key in the digest), the chain intact, the digest's head entry still present with the same
/// hash, and the log extending it. Returns "" when all hold, else the reason.
Result<std::string> check_digest(store::Store& store, const AuditDigest& d, const std::string& trusted_key);

}  // namespace shanshui::service
