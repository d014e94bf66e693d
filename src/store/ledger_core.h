// ledger_core.h: tamper evidence over the stored rows, whatever the backend — which tables and
// columns are covered (with the type each column is hashed as), and the verification that reads
// every covered row back and checks it against the audit entries that vouch for it
// (docs/security.md, "Tamper evidence"). A backend supplies a LedgerReader; SQLite
// (store/sqlite/ledger.cpp) and PostgreSQL (store/pg/pg_ledger.cpp) compute the same leaves for
// the same rows, so a database copied from one to the other still verifies.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/row_hash.h"
#include "store/store.h"

namespace shanshui::store {

/// A table whose rows are covered: its name, its columns in leaf order (without the row id and
/// the row_hash column) and one type letter per column as LeafHasher hashes it ('t' text,
/// 'i' integer, 'r' real, 'b' blob; a NULL is hashed as null whatever the column).
struct CoveredTable {
  const char* name;
  const char* columns;
  const char* types;
  int column_count() const { return static_cast<int>(std::string_view(types).size()); }
};
const std::vector<CoveredTable>& covered_tables();
const CoveredTable* covered_table(std::string_view name);

/// The plan registry a plan import rewrites (departments, their names, items, item departments,
/// targets), hashed in insertion order into one root recorded as `plan_registry`.
const std::vector<CoveredTable>& registry_tables();

/// One row as a backend reads it back for verification.
struct ScannedRow {
  int64_t id = 0;
  std::string_view row_hash;  // the 16 bytes stored beside the row ("" when none)
  Digest leaf{};              // recomputed from the row's columns
};

/// How verification reads one backend. `scan` calls `each` for every row of `t` with
/// lo <= id <= hi in id order; inside the call, `describe()` names the current row by its first
/// two columns. All readers of one verification see the same snapshot.
class LedgerReader {
 public:
  virtual ~LedgerReader() = default;
  virtual Result<int64_t> max_id(const CoveredTable& t) = 0;
  virtual Status scan(const CoveredTable& t, int64_t lo, int64_t hi,
                      const std::function<void(const ScannedRow&)>& each) = 0;
  virtual std::string describe() = 0;
  virtual Result<Digest> registry_root() = 0;
};

/// How a row is named in a problem: its first two columns (station and factor, item and period, …).
std::string name_of_row(std::string a, std::string b);

/// Checks the hash chain of the whole log (ids 1, 2, … each following its predecessor's hash);
/// the first broken entry, if any, is in broken_at and reason.
AuditCheck check_chain(const std::vector<AuditEntry>& log);

/// A second reader for verify_rows that owns its connection (already in the first reader's
/// snapshot) and ends that read transaction when it goes. `Reader` reads through a Connection&.
template <class Connection, class Reader>
class OwningReader final : public LedgerReader {
 public:
  explicit OwningReader(Connection c) : c_(std::move(c)), reader_(c_) {}
  ~OwningReader() override { (void)c_.exec("COMMIT"); }
  OwningReader(const OwningReader&) = delete;
  OwningReader& operator=(const OwningReader&) = delete;
  Result<int64_t> max_id(const CoveredTable& t) override { return reader_.max_id(t); }
  Status scan(const CoveredTable& t, int64_t lo, int64_t hi,
              const std::function<void(const ScannedRow&)>& each) override {
    return reader_.scan(t, lo, hi, each);
  }
  std::string describe() override { return reader_.describe(); }
  Result<Digest> registry_root() override { return reader_.registry_root(); }

 private:
  Connection c_;
  Reader reader_;
};

struct DataVerification {
  int64_t rows = 0;
  std::vector<DataProblem> problems;
};

/// Recomputes every covered row and checks it against the ranges in `log` (the whole chain, in
/// order). Problems are named by table, row id and the entry contradicted, first ones first; at
/// most `max_problems`. When a table is large, `open_second` is asked for a second reader in the
/// same snapshot (nullptr: none): large tables are then split in two stretches and the two
/// readers share the stretches, one thread each.
Result<DataVerification> verify_rows(LedgerReader& first,
                                     const std::function<std::unique_ptr<LedgerReader>()>& open_second,
                                     const std::vector<AuditEntry>& log, size_t max_problems = 50);

}  // namespace shanshui::store
