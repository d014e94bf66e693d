// audit_digest.cpp: Ed25519 key on disk, signing and checking digests of the audit head.
#include "service/audit_digest.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/file.h"
#include "plan/loader.h"

namespace shanshui::service {
namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(n * 2);
  return out;
}

bool from_hex(const std::string& hex, unsigned char* out, size_t n) {
  size_t len = 0;
  return hex.size() == n * 2 && sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

Status ready() {
  if (sodium_init() < 0) return fail("libsodium could not be initialised");
  return {};
}

// The secret key from `path`, created (mode 0600) when the file does not exist yet.
Result<std::vector<unsigned char>> secret_key(const std::string& path) {
  if (auto s = ready(); !s) return tl::unexpected(s.error());
  std::vector<unsigned char> sk(crypto_sign_SECRETKEYBYTES);
  if (auto text = read_file(path)) {
    std::string hex = *text;
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    if (!from_hex(hex, sk.data(), sk.size())) return fail(path + ": not an Ed25519 secret key (128 hex digits)");
    return sk;
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_keypair(pk, sk.data());
  std::error_code ec;  // a PostgreSQL database's key goes to var/, which may not exist yet
  if (auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) std::filesystem::create_directories(dir, ec);
  std::FILE* f = std::fopen(path.c_str(), "wx");  // never overwrite an existing key
  if (!f) return fail("cannot create the signing key " + path);
  ::chmod(path.c_str(), 0600);
  std::string hex = to_hex(sk.data(), sk.size()) + "\n";
  bool ok = std::fwrite(hex.data(), 1, hex.size(), f) == hex.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return fail("cannot write the signing key " + path);
  return sk;
}

}  // namespace

std::string AuditDigest::signed_text() const {
  return "shanshui-audit-digest/v1\n" + std::to_string(head_id) + "\n" + head_hash + "\n" + at + "\n";
}

Result<std::string> audit_public_key(const std::string& key_path) {
  auto sk = secret_key(key_path);
  SS_TRY(sk);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk->data());
  return to_hex(pk, sizeof pk);
}

Result<AuditDigest> sign_audit_head(store::Store& store, const std::string& key_path) {
  auto sk = secret_key(key_path);
  SS_TRY(sk);
  auto head = store.audit_head();
  SS_TRY(head);
  if (!*head) return fail("the audit log is empty: nothing to sign");
  AuditDigest d;
  d.head_id = (*head)->id;
  d.head_hash = (*head)->hash;
  d.at = store::now_iso8601();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk->data());
  d.public_key = to_hex(pk, sizeof pk);
  std::string msg = d.signed_text();
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), sk->data());
  d.signature = to_hex(sig, sizeof sig);
  return d;
}

std::string digest_json(const AuditDigest& d) {
  nlohmann::json j = {
      {"format", "shanshui-audit-digest/v1"}, {"head_id", d.head_id},    {"head_hash", d.head_hash}, {"at", d.at},
      {"public_key", d.public_key},           {"signature", d.signature}};
  return j.dump(2);
}

Result<AuditDigest> parse_digest(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("the digest is not JSON");
  AuditDigest d;
  try {
    if (j.at("format").get<std::string>() != "shanshui-audit-digest/v1") return fail("unknown digest format");
    d.head_id = j.at("head_id").get<int64_t>();
    d.head_hash = j.at("head_hash").get<std::string>();
    d.at = j.at("at").get<std::string>();
    d.public_key = j.at("public_key").get<std::string>();
    d.signature = j.at("signature").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("the digest lacks a field: ") + e.what());
  }
  return d;
}

Result<std::string> check_digest(store::Store& store, const AuditDigest& d, const std::string& trusted_key) {
  if (auto s = ready(); !s) return tl::unexpected(s.error());
  const std::string& key_hex = trusted_key.empty() ? d.public_key : trusted_key;
  if (!trusted_key.empty() && trusted_key != d.public_key) return std::string("the digest was signed by another key");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
  if (!from_hex(key_hex, pk, sizeof pk) || !from_hex(d.signature, sig, sizeof sig))
    return std::string("the digest's key or signature is malformed");
  std::string msg = d.signed_text();
  if (crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), pk) != 0)
    return std::string("the digest's signature does not match its content (the digest was altered)");
  auto chain = store.verify_audit(/*rows=*/false);
  SS_TRY(chain);
  if (chain->broken_at)
    return "the chain is broken at entry " + std::to_string(chain->broken_at) + ": " + chain->reason;
  auto entry = store.audit_entry(d.head_id);
  SS_TRY(entry);
  if (!*entry)
    return "the log no longer holds entry " + std::to_string(d.head_id) + ", the head signed at " + d.at +
           ": entries were cut off its end";
  if ((*entry)->hash != d.head_hash)
    return "entry " + std::to_string(d.head_id) + " differs from the one signed at " + d.at + " (hash " +
           (*entry)->hash.substr(0, 16) + "… instead of " + d.head_hash.substr(0, 16) + "…)";
  return std::string();
}

}  // namespace shanshui::service
