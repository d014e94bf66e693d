// row_hash.h: the hashes that make stored rows tamper-evident — a leaf hash per row (its table and
// columns, typed), Merkle roots over runs of rows (RFC 6962 §2.1 tree shape, as Certificate
// Transparency), and the text form of the row ranges an audit entry vouches for. Backend-neutral:
// SQLite computes them now, PostgreSQL will compute the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shanshui::store {

using Digest = std::array<unsigned char, 32>;

/// SHA-256(0x00 ‖ table ‖ for each column: 0x1f ‖ type tag ‖ length ‖ bytes) — RFC 6962's leaf
/// prefix keeps a leaf from ever equalling an inner node. Type tags: 'i' integer (decimal text),
/// 'r' real (%.17g), 't' text, 'b' blob, 'n' null. The row id is not part of the leaf; the tree's
/// order (by id) and the range in the audit entry pin it.
class LeafHasher {
 public:
  explicit LeafHasher(std::string_view table);
  LeafHasher(const LeafHasher&) = delete;
  LeafHasher& operator=(const LeafHasher&) = delete;
  LeafHasher& text(std::string_view v) { return column('t', v); }
  LeafHasher& blob(std::string_view v) { return column('b', v); }
  LeafHasher& integer(int64_t v);
  LeafHasher& real(double v);
  LeafHasher& null() { return column('n', {}); }
  Digest finish();

 private:
  LeafHasher& column(char tag, std::string_view bytes);
  // OpenSSL's SHA256_CTX, kept inline (no allocation per row; checked in row_hash.cpp).
  alignas(8) unsigned char ctx_[112];
};

/// An inner node: SHA-256(0x01 ‖ left ‖ right).
Digest merkle_node(const Digest& left, const Digest& right);

/// The Merkle tree hash of leaves fed in order, in O(log n) memory: equal to RFC 6962's MTH over
/// the same leaves (perfect subtrees on a stack, folded right to left at the end). The root of no
/// leaves is SHA-256 of nothing.
class MerkleStream {
 public:
  void add(const Digest& leaf);
  Digest root() const;
  int64_t count() const { return count_; }

 private:
  std::vector<std::pair<Digest, int>> stack_;  // (subtree hash, height)
  int64_t count_ = 0;
};

std::string to_hex(const Digest& d);
/// The first 16 bytes of a leaf, as kept beside its row (names the row when its content changes).
std::string short_leaf(const Digest& d);

/// Rows of one table an audit entry vouches for: ids first..last (count of them were written;
/// count == last − first + 1 when the run was dense), with the Merkle root of their leaves.
/// `removed` marks a deletion the software made (the root is then the leaf of the removed row).
struct RowRange {
  std::string table;
  int64_t first = 0, last = 0, count = 0;
  std::string root;  // hex
  bool removed = false;
};

/// The rows of one table a write adds, in id order, and their Merkle root: the range its audit
/// entry carries.
class RowRangeBuilder {
 public:
  explicit RowRangeBuilder(const char* table) { range_.table = table; }
  void add(int64_t id, const Digest& leaf) {
    if (range_.count == 0) range_.first = id;
    range_.last = id;
    ++range_.count;
    merkle_.add(leaf);
  }
  int64_t count() const { return range_.count; }
  RowRange done() {
    range_.root = to_hex(merkle_.root());
    return range_;
  }

 private:
  RowRange range_;
  MerkleStream merkle_;
};

/// "observations:5001-5400:400:<root>;-stations:7-7:1:<leaf>" and back.
std::string format_ranges(const std::vector<RowRange>& ranges);
Result<std::vector<RowRange>> parse_ranges(std::string_view text);

}  // namespace shanshui::store
