// ledger.cpp: row leaves, sealing and data verification on SQLite (see ledger.h).
#include "store/sqlite/ledger.h"

#include <sqlite3.h>

#include <memory>

namespace shanshui::store::sqlite {
namespace {

std::string column_text(sqlite3_stmt* st, int col) {
  const void* p = sqlite3_column_blob(st, col);
  int n = sqlite3_column_bytes(st, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string describe_row(sqlite3_stmt* st, int from) {
  return name_of_row(column_text(st, from), column_text(st, from + 1));
}

}  // namespace

Digest leaf_of_row(sqlite3_stmt* st, const char* table, int from, int columns) {
  LeafHasher h(table);
  for (int i = from; i < from + columns; ++i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_INTEGER:
        h.integer(sqlite3_column_int64(st, i));
        break;
      case SQLITE_FLOAT:
        h.real(sqlite3_column_double(st, i));
        break;
      case SQLITE_NULL:
        h.null();
        break;
      case SQLITE_BLOB: {
        const void* p = sqlite3_column_blob(st, i);
        h.blob(std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st, i))));
        break;
      }
      default: {
        const unsigned char* p = sqlite3_column_text(st, i);
        h.text(std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st, i))));
      }
    }
  }
  return h.finish();
}

Result<Digest> seal_row(Connection& c, const CoveredTable& t, int64_t id) {
  auto q = c.prepare(std::string("SELECT ") + t.columns + " FROM " + t.name + " WHERE rowid = ?");
  SS_TRY(q);
  q->bind(1, id);
  auto row = q->step();
  SS_TRY(row);
  if (!*row) return fail(std::string(t.name) + " row " + std::to_string(id) + " vanished before it was sealed");
  Digest leaf = leaf_of_row(q->raw(), t.name, 0, t.column_count());
  auto up = c.prepare(std::string("UPDATE ") + t.name + " SET row_hash = ? WHERE rowid = ?");
  SS_TRY(up);
  up->bind_blob(1, short_leaf(leaf)).bind(2, id);
  SS_TRY(up->run());
  return leaf;
}

Result<Digest> registry_root(Connection& c) {
  MerkleStream m;
  for (const auto& t : registry_tables()) {
    auto q = c.prepare(std::string("SELECT ") + t.columns + " FROM " + t.name + " ORDER BY rowid");
    SS_TRY(q);
    for (;;) {
      auto row = q->step();
      SS_TRY(row);
      if (!*row) break;
      m.add(leaf_of_row(q->raw(), t.name, 0, t.column_count()));
    }
  }
  return m.root();
}

Result<std::vector<RowRange>> seal_legacy_rows(Connection& c) {
  std::vector<RowRange> out;
  for (const auto& t : covered_tables()) {
    auto q = c.prepare(std::string("SELECT rowid, ") + t.columns + " FROM " + t.name +
                       " WHERE row_hash IS NULL ORDER BY rowid");
    SS_TRY(q);
    auto up = c.prepare(std::string("UPDATE ") + t.name + " SET row_hash = ? WHERE rowid = ?");
    SS_TRY(up);
    MerkleStream m;
    RowRange r{t.name, 0, 0, 0, "", false};
    std::vector<std::pair<int64_t, std::string>> leaves;
    for (;;) {
      auto row = q->step();
      SS_TRY(row);
      if (!*row) break;
      int64_t id = q->integer(0);
      Digest leaf = leaf_of_row(q->raw(), t.name, 1, t.column_count());
      m.add(leaf);
      if (r.count == 0) r.first = id;
      r.last = id;
      ++r.count;
      leaves.emplace_back(id, short_leaf(leaf));
    }
    for (const auto& [id, leaf] : leaves) {
      up->bind_blob(1, leaf).bind(2, id);
      SS_TRY(up->run());
      up->reset();
    }
    if (r.count == 0) continue;
    r.root = to_hex(m.root());
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// Reads covered rows from one connection in its current read transaction.
class SqliteReader final : public LedgerReader {
 public:
  explicit SqliteReader(Connection& c) : c_(c) {}
  Result<int64_t> max_id(const CoveredTable& t) override {
    auto mx = c_.prepare(std::string("SELECT coalesce(max(rowid), 0) FROM ") + t.name);
    SS_TRY(mx);
    SS_TRY(mx->step());
    return mx->integer(0);
  }
  Status scan(const CoveredTable& t, int64_t lo, int64_t hi,
              const std::function<void(const ScannedRow&)>& each) override {
    auto q = c_.prepare(std::string("SELECT rowid, row_hash, ") + t.columns + " FROM " + t.name +
                        " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid");
    SS_TRY(q);
    q->bind(1, lo).bind(2, hi);
    const int columns = t.column_count();
    current_ = q->raw();
    ScannedRow row;
    for (;;) {
      auto more = q->step();
      if (!more) {
        current_ = nullptr;
        return tl::unexpected(more.error());
      }
      if (!*more) break;
      row.id = q->integer(0);
      const void* stored = sqlite3_column_blob(q->raw(), 1);
      row.row_hash = stored ? std::string_view(static_cast<const char*>(stored),
                                               static_cast<size_t>(sqlite3_column_bytes(q->raw(), 1)))
                            : std::string_view();
      row.leaf = leaf_of_row(q->raw(), t.name, 2, columns);
      each(row);
    }
    current_ = nullptr;
    return {};
  }
  std::string describe() override { return current_ ? describe_row(current_, 2) : ""; }
  Result<Digest> registry_root() override { return sqlite::registry_root(c_); }

 private:
  Connection& c_;
  sqlite3_stmt* current_ = nullptr;
};

}  // namespace

Result<DataVerification> verify_data(Connection& c, const std::string& path, const std::vector<AuditEntry>& log,
                                     size_t max_problems) {
  SqliteReader first(c);
  auto open_second = [&path]() -> std::unique_ptr<LedgerReader> {
    if (path.empty()) return nullptr;
    auto extra = Connection::open(path);
    if (!extra || !extra->exec("BEGIN")) return nullptr;
    return std::make_unique<OwningReader<Connection, SqliteReader>>(std::move(*extra));
  };
  return verify_rows(first, open_second, log, max_problems);
}

}  // namespace shanshui::store::sqlite
