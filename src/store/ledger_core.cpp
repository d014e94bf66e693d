// ledger_core.cpp: the covered tables and the backend-neutral data verification (see ledger_core.h).
#include "store/ledger_core.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <map>
#include <thread>

namespace shanshui::store {

const std::vector<CoveredTable>& covered_tables() {
  static const std::vector<CoveredTable> kTables = {
      {"plan_versions", "plan_id, sha256, source_name, yaml, imported_at", "ttttt"},
      {"measurements", "indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at",
       "tttttttttt"},
      {"reports", "item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at",
       "tttrttttt"},
      {"closures", "item_id, evidence, approved_by, closed_at, note", "ttttt"},
      {"rejected_rows", "source, line, reason, raw, at", "tittt"},
      {"stations", "mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, zone",
       "ttttttrrttttt"},
      {"users", "username, role, department, password_hash, created_at", "ttttt"},
      {"raw_frames", "sha256, received_at, peer, mn, cn, bytes", "tttttb"},
      {"observations", "mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid",
       "ttttttttitt"},
      {"quarantine", "received_at, peer, mn, reason, bytes", "ttttb"},
      {"observation_conflicts",
       "mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at",
       "tttttttiit"},
      {"assessment_runs",
       "indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at",
       "tttttttttt"},
      {"notices", "subject_kind, subject, department, due, request, issued_by, issued_at", "ttttttt"},
      {"notice_events", "notice_id, action, text, actor, at", "itttt"},
      {"evidence_files", "sha256, name, media_type, size, content, uploaded_by, uploaded_at", "tttibtt"},
      {"geo_layers", "name, kind, version, source, source_sha256, source_crs, feature_count, imported_at", "ttitttit"},
      {"geo_features", "layer_id, feature_id, name, code, zone, attributes, geom", "itttttb"},
      {"partners", "partner, name, source, licence, registered_at", "ttttt"},
      {"partner_series",
       "partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, owner, first_seen",
       "ttttrrtttttt"},
      {"partner_observations", "partner, series, phenomenon_start, phenomenon_time, result, result_time, harvested_at",
       "ttttttt"},
      {"outbox", "key, channel, target, payload, created_at", "ttttt"},
      {"outbox_attempts", "outbox_id, at, outcome, detail", "ittt"},
      {"feedback", "kind, subject, text, contact, lon, lat, submitted_at", "ttttrrt"},
      {"feedback_decisions", "feedback_id, decision, reply, decided_by, decided_at", "itttt"},
  };
  return kTables;
}

const CoveredTable* covered_table(std::string_view name) {
  for (const auto& t : covered_tables())
    if (name == t.name) return &t;
  return nullptr;
}

const std::vector<CoveredTable>& registry_tables() {
  static const std::vector<CoveredTable> kTables = {
      {"departments", "id, name, kind, grp", "tttt"},
      {"department_names", "name, department_id", "tt"},
      {"items", "id, task_id, number, text, due", "ttitt"},
      {"item_departments", "item_id, department_id, role", "ttt"},
      {"targets", "id, indicator, name, unit, bound, value, year, lead", "ttttttit"}};
  return kTables;
}

std::string name_of_row(std::string a, std::string b) {
  if (a.size() > 40) a = a.substr(0, 40) + "…";
  if (b.size() > 40) b = b.substr(0, 40) + "…";
  return "(" + a + (b.empty() ? "" : " " + b) + ")";
}

AuditCheck check_chain(const std::vector<AuditEntry>& log) {
  AuditCheck check;
  std::string prev(64, '0');
  int64_t expected_id = 1;
  for (const auto& e : log) {
    ++check.entries;
    if (e.id != expected_id) {
      check.broken_at = e.id;
      check.reason = "entry " + std::to_string(expected_id) + " is missing (next is " + std::to_string(e.id) + ")";
      return check;
    }
    if (e.prev_hash != prev) {
      check.broken_at = e.id;
      check.reason = "entry " + std::to_string(e.id) + " does not follow the previous entry's hash";
      return check;
    }
    if (audit_hash(e) != e.hash) {
      check.broken_at = e.id;
      check.reason = "entry " + std::to_string(e.id) + " was changed after it was written (hash mismatch)";
      return check;
    }
    prev = e.hash;
    ++expected_id;
  }
  return check;
}

namespace {

struct Claim {
  int64_t entry = 0;
  std::string action;
  RowRange range;
  bool retired = false;  // the rows were later removed by the software
};

std::string entry_name(const Claim& c) { return "audit entry " + std::to_string(c.entry) + " (" + c.action + ")"; }

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

void check_stretch(LedgerReader& reader, Task& task, size_t max_problems) {
  const CoveredTable& t = *task.table;
  auto problem = [&](int64_t row, int64_t entry, std::string what) {
    if (task.problems.size() < max_problems) task.problems.push_back({t.name, row, entry, std::move(what)});
  };
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
  auto scanned = reader.scan(t, task.lo, task.hi, [&](const ScannedRow& row) {
    ++task.rows;
    const int64_t id = row.id;
    while (ci < active.size() && active[ci]->range.last < id) finish(active[ci++]);
    if (ci == active.size() || active[ci]->range.first > id) {
      problem(id, 0,
              std::string(t.name) + " row " + std::to_string(id) + " " + reader.describe() +
                  " is vouched for by no audit entry: inserted outside the software, or the log's tail was cut");
      return;
    }
    Claim* a = active[ci];
    if (!started) {
      started = true;
      next_expected = a->range.first;
    }
    if (dense(a) && id != next_expected && !claim_flagged) missing(a, next_expected);
    next_expected = id + 1;
    merkle.add(row.leaf);
    bool same = row.row_hash.size() == 16 && std::memcmp(row.row_hash.data(), row.leaf.data(), 16) == 0;
    if (!same && !claim_flagged) {
      problem(id, a->entry,
              std::string(t.name) + " row " + std::to_string(id) + " " + reader.describe() + " was changed after " +
                  entry_name(*a) + " wrote it (its content no longer has the recorded hash)");
      claim_flagged = true;
    }
  });
  if (!scanned) {
    task.error = scanned.error().message;
    return;
  }
  for (; ci < active.size(); ++ci) finish(active[ci]);
}

}  // namespace

Result<DataVerification> verify_rows(LedgerReader& first,
                                     const std::function<std::unique_ptr<LedgerReader>()>& open_second,
                                     const std::vector<AuditEntry>& log, size_t max_problems) {
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
    auto root = first.registry_root();
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
    auto max_id = first.max_id(t);
    SS_TRY(max_id);
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
    Task whole{&t, {active.begin(), active.begin() + static_cast<long>(split)}, 0, *max_id, 0, {}, 0, {}};
    if (split < active.size()) {
      Task second{
          &t, {active.begin() + static_cast<long>(split), active.end()}, active[split]->range.first, *max_id, 0, {}, 0,
          {}};
      whole.hi = active[split]->range.first - 1;
      for (const auto* a : second.claims) second.weight += a->range.count;
      tasks.push_back(std::move(second));
    }
    for (const auto* a : whole.claims) whole.weight += a->range.count;
    tasks.push_back(std::move(whole));
  }
  std::sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.weight > b.weight; });
  // Two workers when it pays: the caller's reader and one more in the same snapshot.
  std::atomic<size_t> next{0};
  auto work = [&](LedgerReader& reader) {
    for (size_t i = next++; i < tasks.size(); i = next++) check_stretch(reader, tasks[i], max_problems);
  };
  std::unique_ptr<LedgerReader> second;
  if (open_second && tasks.size() > 1 && tasks.front().weight > 100000) second = open_second();
  std::thread helper;
  if (second) helper = std::thread([&] { work(*second); });
  work(first);
  if (helper.joinable()) helper.join();
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

}  // namespace shanshui::store
