// row_hash.cpp: leaf hashes, streaming Merkle roots and row-range text (see row_hash.h).
#include "store/row_hash.h"

#include <charconv>
#include <cstdio>

// The low-level SHA-256 calls (deprecated in OpenSSL 3 in favour of EVP) hash a row without the
// EVP context allocation per call: verification hashes millions of rows.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "core/text.h"

namespace shanshui::store {

static_assert(sizeof(SHA256_CTX) <= 112, "LeafHasher::ctx_ must hold a SHA256_CTX");

LeafHasher::LeafHasher(std::string_view table) {
  auto* c = reinterpret_cast<SHA256_CTX*>(ctx_);
  SHA256_Init(c);
  const unsigned char leaf_prefix = 0x00;
  SHA256_Update(c, &leaf_prefix, 1);
  SHA256_Update(c, table.data(), table.size());
}

LeafHasher& LeafHasher::column(char tag, std::string_view bytes) {
  auto* c = reinterpret_cast<SHA256_CTX*>(ctx_);
  // 0x1f, tag, 4-byte big-endian length: no two different rows share an encoding.
  unsigned char head[6] = {0x1f, static_cast<unsigned char>(tag), 0, 0, 0, 0};
  uint32_t n = static_cast<uint32_t>(bytes.size());
  for (int i = 0; i < 4; ++i) head[2 + i] = static_cast<unsigned char>(n >> (24 - 8 * i));
  SHA256_Update(c, head, sizeof head);
  SHA256_Update(c, bytes.data(), bytes.size());
  return *this;
}

LeafHasher& LeafHasher::integer(int64_t v) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return column('i', std::string_view(buf, static_cast<size_t>(end - buf)));
}

LeafHasher& LeafHasher::real(double v) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  return column('r', std::string_view(buf, static_cast<size_t>(n)));
}

Digest LeafHasher::finish() {
  Digest d;
  SHA256_Final(d.data(), reinterpret_cast<SHA256_CTX*>(ctx_));
  return d;
}

Digest merkle_node(const Digest& left, const Digest& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  // The low-level calls: SHA256() one-shot goes through EVP and its locks on every node.
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, buf, sizeof buf);
  Digest d;
  SHA256_Final(d.data(), &c);
  return d;
}

void MerkleStream::add(const Digest& leaf) {
  ++count_;
  stack_.emplace_back(leaf, 0);
  // Two perfect subtrees of the same height merge into one a level higher.
  while (stack_.size() >= 2 && stack_[stack_.size() - 1].second == stack_[stack_.size() - 2].second) {
    auto right = stack_.back();
    stack_.pop_back();
    stack_.back() = {merkle_node(stack_.back().first, right.first), right.second + 1};
  }
}

Digest MerkleStream::root() const {
  if (stack_.empty()) {
    Digest d;
    SHA256(nullptr, 0, d.data());
    return d;
  }
  Digest acc = stack_.back().first;
  for (size_t i = stack_.size() - 1; i-- > 0;) acc = merkle_node(stack_[i].first, acc);
  return acc;
}

std::string to_hex(const Digest& d) {
  static const char* const kHex = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 15];
  }
  return out;
}

std::string short_leaf(const Digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), 16); }

std::string format_ranges(const std::vector<RowRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ';';
    if (r.removed) out += '-';
    out += r.table + ":" + std::to_string(r.first) + "-" + std::to_string(r.last) + ":" + std::to_string(r.count) +
           ":" + r.root;
  }
  return out;
}

Result<std::vector<RowRange>> parse_ranges(std::string_view text) {
  std::vector<RowRange> out;
  if (text.empty()) return out;
  for (const auto& part : text::split_any(text, {";"})) {
    RowRange r;
    std::string_view p = part;
    if (!p.empty() && p[0] == '-') {
      r.removed = true;
      p.remove_prefix(1);
    }
    auto fields = text::split_any(p, {":"});
    if (fields.size() != 4) return fail("row range '" + part + "' is not table:first-last:count:root");
    r.table = fields[0];
    auto dash = fields[1].find('-');
    if (dash == std::string::npos) return fail("row range '" + part + "': ids are not first-last");
    try {
      r.first = std::stoll(fields[1].substr(0, dash));
      r.last = std::stoll(fields[1].substr(dash + 1));
      r.count = std::stoll(fields[2]);
    } catch (...) {
      return fail("row range '" + part + "': ids or count are not numbers");
    }
    r.root = fields[3];
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace shanshui::store
