// pg_ledger.cpp: row leaves, sealing and verification on PostgreSQL (see pg_ledger.h).
#include "store/pg/pg_ledger.h"

#include <memory>

#include "store/pg/schema.h"

namespace shanshui::store::pg {

Digest leaf_of_row(const Rows& rows, size_t r, size_t from, const CoveredTable& t) {
  LeafHasher h(t.name);
  const std::string_view types(t.types);
  for (size_t i = 0; i < types.size(); ++i) {
    size_t col = from + i;
    if (rows.null(r, col)) {
      h.null();
      continue;
    }
    switch (types[i]) {
      case 'i':
        h.integer(rows.integer(r, col));
        break;
      case 'r':
        h.real(rows.real(r, col));  // PostgreSQL prints the shortest text that reads back exactly
        break;
      case 'b':
        h.blob(rows.bytes(r, col));
        break;
      default:
        h.text(*rows.rows[r][col]);
    }
  }
  return h.finish();
}

Result<Digest> seal_row(Connection& c, const CoveredTable& t, int64_t id) {
  const std::string key = key_column(t.name);
  auto q = c.query(std::string("SELECT ") + t.columns + " FROM " + t.name + " WHERE " + key + " = $1", {Param::of(id)});
  SS_TRY(q);
  if (q->size() == 0)
    return fail(std::string(t.name) + " row " + std::to_string(id) + " vanished before it was sealed");
  Digest leaf = leaf_of_row(*q, 0, 0, t);
  SS_TRY(c.query(std::string("UPDATE ") + t.name + " SET row_hash = $1 WHERE " + key + " = $2",
                 {Param::blob(short_leaf(leaf)), Param::of(id)}));
  return leaf;
}

Result<Digest> registry_root(Connection& c) {
  MerkleStream m;
  for (const auto& t : registry_tables()) {
    auto q = c.query(std::string("SELECT ") + t.columns + " FROM " + t.name + " ORDER BY ord");
    SS_TRY(q);
    for (size_t r = 0; r < q->size(); ++r) m.add(leaf_of_row(*q, r, 0, t));
  }
  return m.root();
}

namespace {

// Reads covered rows a window of ids at a time (memory stays flat on a big table).
class PgReader final : public LedgerReader {
 public:
  explicit PgReader(Connection& c) : c_(c) {}
  Result<int64_t> max_id(const CoveredTable& t) override {
    auto q = c_.query(std::string("SELECT coalesce(max(") + key_column(t.name) + "), 0) FROM " + t.name);
    SS_TRY(q);
    return q->integer(0, 0);
  }
  Status scan(const CoveredTable& t, int64_t lo, int64_t hi,
              const std::function<void(const ScannedRow&)>& each) override {
    const std::string key = key_column(t.name);
    const std::string sql = "SELECT " + key + ", row_hash, " + t.columns + " FROM " + t.name + " WHERE " + key +
                            " >= $1 AND " + key + " <= $2 ORDER BY " + key + " LIMIT 20000";
    ScannedRow row;
    for (int64_t from = lo; from <= hi;) {
      auto q = c_.query(sql, {Param::of(from), Param::of(hi)});
      SS_TRY(q);
      if (q->size() == 0) break;
      current_ = &*q;
      for (size_t r = 0; r < q->size(); ++r) {
        row_ = r;
        row.id = q->integer(r, 0);
        std::string stored = q->bytes(r, 1);
        row.row_hash = stored;
        row.leaf = leaf_of_row(*q, r, 2, t);
        each(row);
      }
      from = q->integer(q->size() - 1, 0) + 1;
      current_ = nullptr;
    }
    return {};
  }
  std::string describe() override {
    return current_ ? name_of_row(current_->text(row_, 2), current_->text(row_, 3)) : "";
  }
  Result<Digest> registry_root() override { return pg::registry_root(c_); }

 private:
  Connection& c_;
  const Rows* current_ = nullptr;
  size_t row_ = 0;
};

}  // namespace

Result<DataVerification> verify_data(Connection& c, const std::string& conninfo, const std::vector<AuditEntry>& log,
                                     size_t max_problems) {
  PgReader first(c);
  auto open_second = [&]() -> std::unique_ptr<LedgerReader> {
    if (conninfo.empty()) return nullptr;
    auto snapshot = c.query("SELECT pg_export_snapshot()");
    if (!snapshot) return nullptr;
    std::string id = snapshot->text(0, 0);  // "00000003-0000001B-1": SET takes no parameters
    if (id.empty() || id.find_first_not_of("0123456789ABCDEF-") != std::string::npos) return nullptr;
    auto extra = Connection::open(conninfo);
    if (!extra) return nullptr;
    if (!extra->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '" + id + "'"))
      return nullptr;
    return std::make_unique<OwningReader<Connection, PgReader>>(std::move(*extra));
  };
  return verify_rows(first, open_second, log, max_problems);
}

}  // namespace shanshui::store::pg
