// ledger.cpp: row leaves, sealing and data verification on SQLite (see ledger.h).
#include "store/sqlite/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

namespace shanshui::store::sqlite {
namespace {

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
      {"assessment_runs",
       "indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at"},
      {"notices", "subject_kind, subject, department, due, request, issued_by, issued_at"},
      {"notice_events", "notice_id, action, text, actor, at"},
      {"evidence_files", "sha256, name, media_type, size, content, uploaded_by, uploaded_at"},
      {"geo_layers", "name, kind, version, source, source_sha256, source_crs, feature_count, imported_at"},
      {"geo_features", "layer_id, feature_id, name, code, zone, attributes, geom"},
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
  Digest leaf = leaf_of_row(q->raw(), t.name, 0, column_count(t));
  auto up = c.prepare(std::string("UPDATE ") + t.name + " SET row_hash = ? WHERE rowid = ?");
  SS_TRY(up);
  up->bind_blob(1, short_leaf(leaf)).bind(2, id);
  SS_TRY(up->run());
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
    SS_TRY(q);
    int n = static_cast<int>(std::count(columns, columns + std::strlen(columns), ',')) + 1;
    for (;;) {
      auto row = q->step();
      SS_TRY(row);
      if (!*row) break;
      m.add(leaf_of_row(q->raw(), table, 0, n));
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
      Digest leaf = leaf_of_row(q->raw(), t.name, 1, column_count(t));
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

// One stretch of a table to check: rows with lo <= id <= hi against the claims inside it.
struct Task {
  const CoveredTable* table = nullptr;
  std::vector<Claim*> claims;  // sorted by first id, disjoint
  int64_t lo = 0, hi = 0;
  int64_t weight = 0;  // rows expected, for scheduling the big stretches first
  std::vector<DataProblem> problems;
  int64_t rows = 0;
  std::string error;
};

void check_stretch(Connection& c, Task& task, size_t max_problems) {
  const CoveredTable& t = *task.table;
  auto problem = [&](int64_t row, int64_t entry, std::string what) {
    if (task.problems.size() < max_problems) task.problems.push_back({t.name, row, entry, std::move(what)});
  };
  auto q = c.prepare(std::string("SELECT rowid, row_hash, ") + t.columns + " FROM " + t.name +
                     " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid");
  if (!q) {
    task.error = q.error().message;
    return;
  }
  q->bind(1, task.lo).bind(2, task.hi);
  const int columns = column_count(t);
  auto& active = task.claims;
  size_t ci = 0;
  MerkleStream merkle;
  int64_t next_expected = 0;   // the next id a dense claim should hold
  bool claim_flagged = false;  // a row-level problem was already named in the current claim
  bool started = false;        // the current claim has had a row
  auto dense = [](const Claim* a) { return a->range.count == a->range.last - a->range.first + 1; };
  auto missing = [&](const Claim* a, int64_t id) {
    problem(id, a->entry,
            std::string(t.name) + " row " + std::to_string(id) + " is missing (deleted outside the software); " +
                entry_name(*a) + " wrote rows " + std::to_string(a->range.first) + "–" + std::to_string(a->range.last));
    claim_flagged = true;
  };
  auto finish = [&](Claim* a) {
    if (!started) next_expected = a->range.first;  // none of its rows remain
    if (dense(a) && next_expected <= a->range.last && !claim_flagged) missing(a, next_expected);
    if (!claim_flagged && (merkle.count() != a->range.count || to_hex(merkle.root()) != a->range.root))
      problem(a->range.first, a->entry,
              std::string(t.name) + " rows " + std::to_string(a->range.first) + "–" + std::to_string(a->range.last) +
                  " no longer match the Merkle root of " + entry_name(*a) + " (" + std::to_string(merkle.count()) +
                  " of " + std::to_string(a->range.count) +
                  " rows present; changed together with their row hashes, or rows removed)");
    merkle = MerkleStream();
    claim_flagged = false;
    started = false;
  };
  for (;;) {
    auto row = q->step();
    if (!row) {
      task.error = row.error().message;
      return;
    }
    if (!*row) break;
    ++task.rows;
    int64_t id = q->integer(0);
    while (ci < active.size() && active[ci]->range.last < id) finish(active[ci++]);
    if (ci == active.size() || active[ci]->range.first > id) {
      problem(id, 0,
              std::string(t.name) + " row " + std::to_string(id) + " " + describe_row(q->raw(), 2) +
                  " is vouched for by no audit entry: inserted outside the software, or the log's tail was cut");
      continue;
    }
    Claim* a = active[ci];
    if (!started) {
      started = true;
      next_expected = a->range.first;
    }
    if (dense(a) && id != next_expected && !claim_flagged) missing(a, next_expected);
    next_expected = id + 1;
    Digest leaf = leaf_of_row(q->raw(), t.name, 2, columns);
    merkle.add(leaf);
    const void* stored = sqlite3_column_blob(q->raw(), 1);
    bool same = stored && sqlite3_column_bytes(q->raw(), 1) == 16 && std::memcmp(stored, leaf.data(), 16) == 0;
    if (!same && !claim_flagged) {
      problem(id, a->entry,
              std::string(t.name) + " row " + std::to_string(id) + " " + describe_row(q->raw(), 2) +
                  " was changed after " + entry_name(*a) + " wrote it (its content no longer has the recorded hash)");
      claim_flagged = true;
    }
  }
  for (; ci < active.size(); ++ci) finish(active[ci]);
}

}  // namespace

Result<DataVerification> verify_data(Connection& c, const std::string& path, const std::vector<AuditEntry>& log,
                                     size_t max_problems) {
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
      auto& claims = (r.removed ? removals : adds)[r.table];
      claims.push_back({e.id, e.action, std::move(r), false});
    }
  }
  // The plan registry must be what the last import wrote.
  if (last_import) {
    auto root = registry_root(c);
    SS_TRY(root);
    auto recorded = parse_ranges(last_import->rows);
    SS_TRY(recorded);
    for (const auto& r : *recorded)
      if (r.table == "plan_registry" && r.root != to_hex(*root))
        problem("plan_registry", 0, last_import->id,
                "the plan registry (departments, items, targets) differs from what audit entry " +
                    std::to_string(last_import->id) + " (plan.import) wrote: changed outside the software");
  }

  // Stretches of each table, up to the largest id this snapshot holds (rows committed by others
  // since are not part of it).
  std::vector<Task> tasks;
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
        continue;
      }
      if (added->range.count != 1 || added->range.root != rem.range.root)
        problem(t.name, rem.range.first, rem.entry,
                entry_name(rem) + " removed a row that differs from what " + entry_name(*added) + " wrote");
      added->retired = true;
    }
    std::vector<Claim*> active;
    for (auto& a : claims)
      if (!a.retired) active.push_back(&a);
    std::sort(active.begin(), active.end(),
              [](const Claim* a, const Claim* b) { return a->range.first < b->range.first; });
    auto mx = c.prepare(std::string("SELECT coalesce(max(rowid), 0) FROM ") + t.name);
    SS_TRY(mx);
    SS_TRY(mx->step());
    int64_t max_id = mx->integer(0);
    // Big tables in two stretches split at a claim boundary, one per core.
    int64_t rows = 0;
    for (const auto* a : active) rows += a->range.count;
    size_t split = active.size();
    if (rows > 200000) {
      int64_t half = 0;
      for (size_t i = 0; i < active.size(); ++i) {
        if (half >= rows / 2) {
          split = i;
          break;
        }
        half += active[i]->range.count;
      }
    }
    Task first{&t, {active.begin(), active.begin() + static_cast<long>(split)}, 0, max_id, 0, {}, 0, {}};
    if (split < active.size()) {
      Task second{
          &t, {active.begin() + static_cast<long>(split), active.end()}, active[split]->range.first, max_id, 0, {}, 0,
          {}};
      first.hi = active[split]->range.first - 1;
      for (const auto* a : second.claims) second.weight += a->range.count;
      tasks.push_back(std::move(second));
    }
    for (const auto* a : first.claims) first.weight += a->range.count;
    tasks.push_back(std::move(first));
  }
  std::sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.weight > b.weight; });
  // Two workers: this connection (already in the caller's read transaction) and one more.
  std::atomic<size_t> next{0};
  auto work = [&](Connection& conn) {
    for (size_t i = next++; i < tasks.size(); i = next++) check_stretch(conn, tasks[i], max_problems);
  };
  std::optional<Connection> second;
  if (!path.empty() && tasks.size() > 1 && tasks.front().weight > 100000) {
    auto extra = Connection::open(path);
    if (extra && extra->exec("BEGIN")) second.emplace(std::move(*extra));
  }
  std::thread helper;
  if (second) helper = std::thread([&] { work(*second); });
  work(c);
  if (helper.joinable()) helper.join();
  if (second) (void)second->exec("COMMIT");
  for (auto& task : tasks) {
    if (!task.error.empty()) return fail(std::string(task.table->name) + ": " + task.error);
    out.rows += task.rows;
    for (auto& p : task.problems) problem(p.table, p.row, p.entry, std::move(p.what));
  }
  std::stable_sort(out.problems.begin(), out.problems.end(), [](const DataProblem& a, const DataProblem& b) {
    return (a.entry ? a.entry : INT64_MAX) < (b.entry ? b.entry : INT64_MAX);
  });
  return out;
}

}  // namespace shanshui::store::sqlite
