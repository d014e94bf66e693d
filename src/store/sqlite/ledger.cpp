// ledger.cpp: row leaves, sealing and data verification on SQLite (see ledger.h).
#include "store/sqlite/ledger.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <sqlite3.h>

namespace shanshui::store::sqlite {
namespace {

// Propagates a failed Result/Status.
#define LEDGER_TRY(expr)                                  \
  do {                                                    \
    const auto& ledger_r = (expr);                        \
    if (!ledger_r) return tl::unexpected(ledger_r.error()); \
  } while (0)

std::string column_text(sqlite3_stmt* st, int col) {
  const void* p = sqlite3_column_blob(st, col);
  int n = sqlite3_column_bytes(st, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

// How a row is named in a problem: its first two columns (station and factor, item and period, …).
std::string describe_row(sqlite3_stmt* st, int from) {
  std::string a = column_text(st, from), b = column_text(st, from + 1);
  if (a.size() > 40) a = a.substr(0, 40) + "…";
  if (b.size() > 40) b = b.substr(0, 40) + "…";
  return "(" + a + (b.empty() ? "" : " " + b) + ")";
}

struct Claim {
  int64_t entry = 0;
  std::string action;
  RowRange range;
  bool retired = false;  // the rows were later removed by the software
};

std::string entry_name(const Claim& c) { return "audit entry " + std::to_string(c.entry) + " (" + c.action + ")"; }

}  // namespace

const std::vector<CoveredTable>& covered_tables() {
  static const std::vector<CoveredTable> kTables = {
      {"plan_versions", "plan_id, sha256, source_name, yaml, imported_at"},
      {"measurements", "indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at"},
      {"reports", "item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at"},
      {"closures", "item_id, evidence, approved_by, closed_at, note"},
      {"rejected_rows", "source, line, reason, raw, at"},
      {"stations", "mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, zone"},
      {"users", "username, role, department, password_hash, created_at"},
      {"raw_frames", "sha256, received_at, peer, mn, cn, bytes"},
      {"observations", "mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid"},
      {"quarantine", "received_at, peer, mn, reason, bytes"},
      {"observation_conflicts",
       "mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at"},
      {"assessment_runs", "indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at"},
  };
  return kTables;
}

const CoveredTable* covered_table(std::string_view name) {
  for (const auto& t : covered_tables())
    if (name == t.name) return &t;
  return nullptr;
}

static int column_count(const CoveredTable& t) {
  return static_cast<int>(std::count(t.columns, t.columns + std::strlen(t.columns), ',')) + 1;
}

Digest leaf_of_row(sqlite3_stmt* st, const char* table, int from, int columns) {
  LeafHasher h(table);
  for (int i = from; i < from + columns; ++i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_INTEGER: h.integer(sqlite3_column_int64(st, i)); break;
      case SQLITE_FLOAT: h.real(sqlite3_column_double(st, i)); break;
      case SQLITE_NULL: h.null(); break;
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
  LEDGER_TRY(q);
  q->bind(1, id);
  auto row = q->step();
  LEDGER_TRY(row);
  if (!*row) return fail(std::string(t.name) + " row " + std::to_string(id) + " vanished before it was sealed");
  Digest leaf = leaf_of_row(q->raw(), t.name, 0, column_count(t));
  auto up = c.prepare(std::string("UPDATE ") + t.name + " SET row_hash = ? WHERE rowid = ?");
  LEDGER_TRY(up);
  up->bind_blob(1, short_leaf(leaf)).bind(2, id);
  LEDGER_TRY(up->run());
  return leaf;
}

Result<Digest> registry_root(Connection& c) {
  MerkleStream m;
  const std::pair<const char*, const char*> tables[] = {
      {"departments", "id, name, kind, grp"},
      {"department_names", "name, department_id"},
      {"items", "id, task_id, number, text, due"},
      {"item_departments", "item_id, department_id, role"},
      {"targets", "id, indicator, name, unit, bound, value, year, lead"}};
  for (const auto& [table, columns] : tables) {
    auto q = c.prepare(std::string("SELECT ") + columns + " FROM " + table + " ORDER BY rowid");
    LEDGER_TRY(q);
    int n = static_cast<int>(std::count(columns, columns + std::strlen(columns), ',')) + 1;
    for (;;) {
      auto row = q->step();
      LEDGER_TRY(row);
      if (!*row) break;
      m.add(leaf_of_row(q->raw(), table, 0, n));
    }
  }
  return m.root();
}

Result<std::vector<RowRange>> seal_legacy_rows(Connection& c) {
  std::vector<RowRange> out;
  for (const auto& t : covered_tables()) {
    auto q = c.prepare(std::string("SELECT rowid, ") + t.columns + " FROM " + t.name + " WHERE row_hash IS NULL ORDER BY rowid");
    LEDGER_TRY(q);
    auto up = c.prepare(std::string("UPDATE ") + t.name + " SET row_hash = ? WHERE rowid = ?");
    LEDGER_TRY(up);
    MerkleStream m;
    RowRange r{t.name, 0, 0, 0, "", false};
    std::vector<std::pair<int64_t, std::string>> leaves;
    for (;;) {
      auto row = q->step();
      LEDGER_TRY(row);
      if (!*row) break;
      int64_t id = q->integer(0);
      Digest leaf = leaf_of_row(q->raw(), t.name, 1, column_count(t));
      m.add(leaf);
      if (r.count == 0) r.first = id;
      r.last = id;
      ++r.count;
      leaves.emplace_back(id, short_leaf(leaf));
    }
    for (const auto& [id, leaf] : leaves) {
      up->bind_blob(1, leaf).bind(2, id);
      LEDGER_TRY(up->run());
      up->reset();
    }
    if (r.count == 0) continue;
    r.root = to_hex(m.root());
    out.push_back(std::move(r));
  }
  return out;
}

Result<DataVerification> verify_data(Connection& c, const std::vector<AuditEntry>& log, size_t max_problems) {
  DataVerification out;
  auto problem = [&](const std::string& table, int64_t row, int64_t entry, std::string what) {
    if (out.problems.size() < max_problems) out.problems.push_back({table, row, entry, std::move(what)});
  };
  std::map<std::string, std::vector<Claim>> adds, removals;
  const AuditEntry* last_import = nullptr;
  for (const auto& e : log) {
    auto ranges = parse_ranges(e.rows);
    if (!ranges) {
      problem("audit", 0, e.id, "entry " + std::to_string(e.id) + ": " + ranges.error().message);
      continue;
    }
    for (auto& r : *ranges) {
      if (r.table == "plan_registry") {
        last_import = &e;
        continue;
      }
      if (!covered_table(r.table)) {
        problem("audit", 0, e.id, "entry " + std::to_string(e.id) + " names unknown table " + r.table);
        continue;
      }
      (r.removed ? removals : adds)[r.table].push_back({e.id, e.action, std::move(r), false});
    }
  }
  // The plan registry must be what the last import wrote.
  if (last_import) {
    auto root = registry_root(c);
    LEDGER_TRY(root);
    auto recorded = parse_ranges(last_import->rows);
    LEDGER_TRY(recorded);
    for (const auto& r : *recorded)
      if (r.table == "plan_registry" && r.root != to_hex(*root))
        problem("plan_registry", 0, last_import->id,
                "the plan registry (departments, items, targets) differs from what audit entry " +
                    std::to_string(last_import->id) + " (plan.import) wrote: changed outside the software");
  }

  for (const auto& t : covered_tables()) {
    auto& claims = adds[t.name];
    // A removal retires the latest earlier claim on its row, whose leaf it must repeat.
    for (const auto& rem : removals[t.name]) {
      Claim* added = nullptr;
      for (auto& a : claims)
        if (a.entry < rem.entry && a.range.first <= rem.range.first && rem.range.first <= a.range.last && !a.retired)
          added = &a;
      if (!added) {
        problem(t.name, rem.range.first, rem.entry, entry_name(rem) + " removed a row no earlier entry wrote");
      } else if (added->range.count != 1 || added->range.root != rem.range.root) {
        problem(t.name, rem.range.first, rem.entry,
                entry_name(rem) + " removed a row that differs from what " + entry_name(*added) + " wrote");
        added->retired = true;
      } else {
        added->retired = true;
      }
    }
    std::vector<Claim*> active;
    for (auto& a : claims)
      if (!a.retired) active.push_back(&a);
    std::sort(active.begin(), active.end(), [](const Claim* a, const Claim* b) { return a->range.first < b->range.first; });

    auto q = c.prepare(std::string("SELECT rowid, row_hash, ") + t.columns + " FROM " + t.name + " ORDER BY rowid");
    LEDGER_TRY(q);
    const int columns = column_count(t);
    size_t ci = 0;
    MerkleStream merkle;
    int64_t next_expected = 0;  // the next id a dense claim should hold
    bool claim_flagged = false;  // a row-level problem was already named in the current claim
    auto dense = [](const Claim* a) { return a->range.count == a->range.last - a->range.first + 1; };
    auto finish = [&](Claim* a) {
      if (dense(a) && next_expected <= a->range.last && !claim_flagged) {
        problem(t.name, next_expected, a->entry,
                std::string(t.name) + " row " + std::to_string(next_expected) + " is missing (deleted outside the software); " +
                    entry_name(*a) + " wrote rows " + std::to_string(a->range.first) + "–" + std::to_string(a->range.last));
        claim_flagged = true;
      }
      if (!claim_flagged && (merkle.count() != a->range.count || to_hex(merkle.root()) != a->range.root))
        problem(t.name, a->range.first, a->entry,
                std::string(t.name) + " rows " + std::to_string(a->range.first) + "–" + std::to_string(a->range.last) +
                    " no longer match the Merkle root of " + entry_name(*a) + " (" + std::to_string(merkle.count()) + " of " +
                    std::to_string(a->range.count) + " rows present; changed together with their row hashes, or rows removed)");
      merkle = MerkleStream();
      claim_flagged = false;
    };
    bool started = false;
    for (;;) {
      auto row = q->step();
      LEDGER_TRY(row);
      if (!*row) break;
      ++out.rows;
      int64_t id = q->integer(0);
      while (ci < active.size() && active[ci]->range.last < id) {
        if (started) finish(active[ci]);
        else {  // a claim none of whose rows remain
          next_expected = active[ci]->range.first;
          finish(active[ci]);
        }
        ++ci;
        started = false;
      }
      if (ci == active.size() || active[ci]->range.first > id) {
        problem(t.name, id, 0,
                std::string(t.name) + " row " + std::to_string(id) + " " + describe_row(q->raw(), 2) +
                    " is vouched for by no audit entry: inserted outside the software, or the log's tail was cut");
        continue;
      }
      Claim* a = active[ci];
      if (!started) {
        started = true;
        next_expected = a->range.first;
      }
      if (dense(a) && id != next_expected && !claim_flagged) {
        problem(t.name, next_expected, a->entry,
                std::string(t.name) + " row " + std::to_string(next_expected) + " is missing (deleted outside the software); " +
                    entry_name(*a) + " wrote rows " + std::to_string(a->range.first) + "–" + std::to_string(a->range.last));
        claim_flagged = true;
      }
      next_expected = id + 1;
      Digest leaf = leaf_of_row(q->raw(), t.name, 2, columns);
      merkle.add(leaf);
      const void* stored = sqlite3_column_blob(q->raw(), 1);
      bool same = stored && sqlite3_column_bytes(q->raw(), 1) == 16 && std::memcmp(stored, leaf.data(), 16) == 0;
      if (!same && !claim_flagged) {
        problem(t.name, id, a->entry,
                std::string(t.name) + " row " + std::to_string(id) + " " + describe_row(q->raw(), 2) +
                    " was changed after " + entry_name(*a) + " wrote it (its content no longer has the recorded hash)");
        claim_flagged = true;
      }
    }
    for (; ci < active.size(); ++ci) {
      if (!started) next_expected = active[ci]->range.first;
      finish(active[ci]);
      started = false;
    }
  }
  std::stable_sort(out.problems.begin(), out.problems.end(), [](const DataProblem& a, const DataProblem& b) {
    return (a.entry ? a.entry : INT64_MAX) < (b.entry ? b.entry : INT64_MAX);
  });
  return out;
}

}  // namespace shanshui::store::sqlite
