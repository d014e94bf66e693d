// sqlite_store.cpp: the Store interface on one SQLite file (the embedded default).
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <set>
#include <tuple>

#include "core/civil_time.h"
#include "core/text.h"
#include "plan/model.h"
#include "store/ledger_core.h"
#include "store/row_hash.h"
#include "store/shared_rows.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/ledger.h"
#include "store/sqlite/migrations.h"
#include "store/store.h"

namespace shanshui::store {

std::string now_iso8601() { return beijing_iso8601(unix_now()); }

std::string audit_hash(const AuditEntry& e) {
  // Entries written before row coverage (schema < 8) have no rows and keep their hash.
  return text::sha256_hex(e.prev_hash + "\n" + std::to_string(e.id) + "\n" + e.at + "\n" + e.actor + "\n" + e.action +
                          "\n" + e.object + "\n" + e.detail + (e.rows.empty() ? "" : "\n" + e.rows));
}

namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

class SqliteStore final : public Store {
 public:
  SqliteStore(Connection c, std::string path) : c_(std::move(c)), path_(std::move(path)) {}

  // Rows written before coverage existed are sealed once, in an audit.seal entry.
  Status seal_legacy() {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    auto ranges = sqlite::seal_legacy_rows(c_);
    SS_TRY(ranges);
    if (ranges->empty()) return {};
    SS_TRY(append_audit("audit.seal", "database", "rows written before row hashing, sealed as found",
                        format_ranges(*ranges)));
    return tx.commit();
  }

  Result<ImportOutcome> import_plan(const plan::Plan& p, const std::string& yaml,
                                    const std::string& source_name) override {
    std::string hash = text::sha256_hex(yaml);
    Transaction tx(c_);
    SS_TRY(tx.begin());
    {
      auto st = c_.prepare("SELECT version, sha256 FROM plan_versions ORDER BY version DESC LIMIT 1");
      SS_TRY(st);
      auto row = st->step();
      SS_TRY(row);
      if (*row && st->text(1) == hash) return ImportOutcome{false, static_cast<int>(st->integer(0))};
    }
    // Reports and closures must keep pointing at items that exist.
    std::set<std::string> items;
    for (const auto* i : p.items()) items.insert(i->id);
    for (const char* sql : {"SELECT DISTINCT item_id FROM reports", "SELECT DISTINCT item_id FROM closures"}) {
      auto st = c_.prepare(sql);
      SS_TRY(st);
      for (;;) {
        auto row = st->step();
        SS_TRY(row);
        if (!*row) break;
        if (!items.count(st->text(0)))
          return fail("plan refused: work item '" + st->text(0) +
                      "' has progress reports or a closure but is missing from the new plan");
      }
    }
    for (const char* sql : {"DELETE FROM item_departments", "DELETE FROM items", "DELETE FROM department_names",
                            "DELETE FROM departments", "DELETE FROM targets"})
      SS_TRY(c_.exec(sql));
    {
      auto st = c_.prepare("INSERT INTO departments (id, name, kind, grp) VALUES (?, ?, ?, ?)");
      auto nm = c_.prepare("INSERT OR IGNORE INTO department_names (name, department_id) VALUES (?, ?)");
      SS_TRY(st);
      SS_TRY(nm);
      for (const auto& d : p.departments) {
        st->bind(1, d.id).bind(2, d.name).bind(3, d.kind).bind(4, d.group);
        SS_TRY(st->run());
        st->reset();
        std::vector<std::string> names = d.aliases;
        names.push_back(d.name);
        for (const auto& n : names) {
          nm->bind(1, n).bind(2, d.id);
          SS_TRY(nm->run());
          nm->reset();
        }
      }
    }
    {
      auto st = c_.prepare("INSERT INTO items (id, task_id, number, text, due) VALUES (?, ?, ?, ?, ?)");
      auto rel = c_.prepare("INSERT OR IGNORE INTO item_departments (item_id, department_id, role) VALUES (?, ?, ?)");
      SS_TRY(st);
      SS_TRY(rel);
      for (const auto* i : p.items()) {
        st->bind(1, i->id)
            .bind(2, i->task_id)
            .bind(3, static_cast<int64_t>(i->number))
            .bind(4, i->text)
            .bind(5, i->due);
        SS_TRY(st->run());
        st->reset();
        for (auto [role, refs] : {std::make_pair("lead", &i->lead), std::make_pair("responsible", &i->responsible)})
          for (const auto& r : *refs) {
            if (r.id.empty())
              return fail("plan refused: item " + i->id + " names unknown department '" + r.written + "'");
            rel->bind(1, i->id).bind(2, r.id).bind(3, std::string(role));
            SS_TRY(rel->run());
            rel->reset();
          }
      }
    }
    {
      auto st = c_.prepare(
          "INSERT INTO targets (id, indicator, name, unit, bound, value, year, lead) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      SS_TRY(st);
      for (const auto& t : p.targets) {
        st->bind(1, t.id)
            .bind(2, t.indicator)
            .bind(3, t.name)
            .bind(4, t.unit)
            .bind(5, std::string(to_string(t.bound)))
            .bind(6, t.unspecified ? std::string("unspecified") : t.value)
            .bind(7, static_cast<int64_t>(t.year))
            .bind(8, t.lead.id);
        SS_TRY(st->run());
        st->reset();
      }
    }
    auto ins = c_.prepare(
        "INSERT INTO plan_versions (plan_id, sha256, source_name, yaml, imported_at) VALUES (?, ?, ?, ?, ?)");
    SS_TRY(ins);
    ins->bind(1, p.id).bind(2, hash).bind(3, source_name).bind(4, yaml).bind(5, now_iso8601());
    SS_TRY(ins->run());
    int64_t version = sqlite3_last_insert_rowid(c_.raw());
    auto leaf = sqlite::seal_row(c_, *covered_table("plan_versions"), version);
    SS_TRY(leaf);
    auto registry = sqlite::registry_root(c_);
    SS_TRY(registry);
    auto text = describe_plan_import(p.id, version, source_name, hash);
    SS_TRY(append_audit(text.action, text.object, text.detail,
                        format_ranges({{"plan_versions", version, version, 1, to_hex(*leaf), false},
                                       {"plan_registry", 0, 0, 0, to_hex(*registry), false}})));
    SS_TRY(tx.commit());
    return ImportOutcome{true, static_cast<int>(version)};
  }

  Result<std::optional<std::string>> current_plan_yaml() override {
    auto st = c_.prepare("SELECT yaml FROM plan_versions ORDER BY version DESC LIMIT 1");
    SS_TRY(st);
    auto row = st->step();
    SS_TRY(row);
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>{st->text(0)};
  }

  Result<int> plan_version_count() override {
    auto st = c_.prepare("SELECT count(*) FROM plan_versions");
    SS_TRY(st);
    SS_TRY(st->step());
    return static_cast<int>(st->integer(0));
  }

  Result<int> add_measurements(const std::vector<Measurement>& rows) override { return add_measurements_in(rows); }

  // Inside or outside a transaction (SAVEPOINTs nest).
  Result<int> add_measurements_in(const std::vector<Measurement>& rows) {
    return insert_all(rows, "measurements",
                      "INSERT INTO measurements (indicator, period, value, kind, method, method_version, source, "
                      "reporter, note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      [](Statement& st, const Measurement& m) {
                        st.bind(1, m.indicator)
                            .bind(2, m.period)
                            .bind(3, m.value)
                            .bind(4, m.kind)
                            .bind(5, m.method)
                            .bind(6, m.method_version)
                            .bind(7, m.source)
                            .bind(8, m.reporter)
                            .bind(9, m.note)
                            .bind(10, or_now(m.recorded_at));
                      });
  }

  Result<std::vector<Measurement>> measurements() override {
    return select_all<Measurement>(
        "SELECT id, indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at "
        "FROM measurements ORDER BY indicator, period, id",
        [](const Statement& st) {
          return Measurement{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5),
                             st.text(6),    st.text(7), st.text(8), st.text(9), st.text(10)};
        });
  }

  Result<int64_t> record_assessment(const AssessmentRun& run, std::vector<Measurement> rows) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    auto ins = c_.prepare(
        "INSERT INTO assessment_runs (indicator, period, method, method_version, rules, input_sha256, value, "
        "completeness, "
        "detail, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SS_TRY(ins);
    ins->bind(1, run.indicator)
        .bind(2, run.period)
        .bind(3, run.method)
        .bind(4, run.method_version)
        .bind(5, run.rules)
        .bind(6, run.input_sha256)
        .bind(7, run.value)
        .bind(8, run.completeness)
        .bind(9, run.detail)
        .bind(10, or_now(run.computed_at));
    SS_TRY(ins->run());
    int64_t id = sqlite3_last_insert_rowid(c_.raw());
    auto text = describe(run);
    SS_TRY(append_audit(text.action, text.object, text.detail, sealed("assessment_runs", id)));
    for (auto& m : rows) m.source = "run:" + std::to_string(id) + (m.source.empty() ? "" : "; " + m.source);
    auto added = add_measurements_in(rows);
    SS_TRY(added);
    SS_TRY(tx.commit());
    return id;
  }

  static AssessmentRun run_row(const Statement& st) {
    return AssessmentRun{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5),
                         st.text(6),    st.text(7), st.text(8), st.text(9), st.text(10)};
  }

  Result<std::vector<AssessmentRun>> assessment_runs(const std::string& indicator, const std::string& period,
                                                     int limit) override {
    std::string sql =
        "SELECT id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, "
        "computed_at "
        "FROM assessment_runs WHERE (?1 = '' OR indicator = ?1) AND (?2 = '' OR period = ?2) ORDER BY id DESC LIMIT " +
        std::to_string(std::max(1, limit));
    return select_all<AssessmentRun>(sql.c_str(), run_row, {indicator, period});
  }

  Result<std::optional<AssessmentRun>> assessment_run(int64_t id) override {
    return select_one<AssessmentRun>(
        "SELECT id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, "
        "computed_at "
        "FROM assessment_runs WHERE id = ?1",
        run_row, {std::to_string(id)});
  }

  Result<std::optional<RawFrame>> raw_frame(int64_t id) override {
    return select_one<RawFrame>("SELECT id, sha256, received_at, peer, mn, cn, bytes FROM raw_frames WHERE id = ?1",
                                [](const Statement& st) {
                                  return RawFrame{st.integer(0), st.text(1), st.text(2), st.text(3),
                                                  st.text(4),    st.text(5), st.text(6)};
                                },
                                {std::to_string(id)});
  }

  Status add_layer(SpatialLayer& layer, const std::vector<SpatialFeature>& features) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    auto v = c_.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM geo_layers WHERE name = ?");
    SS_TRY(v);
    v->bind(1, layer.name);
    SS_TRY(v->step());
    layer.version = static_cast<int>(v->integer(0));
    layer.feature_count = static_cast<int64_t>(features.size());
    if (layer.imported_at.empty()) layer.imported_at = now_iso8601();
    auto ins = c_.prepare(
        "INSERT INTO geo_layers (name, kind, version, source, source_sha256, source_crs, feature_count, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    SS_TRY(ins);
    ins->bind(1, layer.name)
        .bind(2, layer.kind)
        .bind(3, static_cast<int64_t>(layer.version))
        .bind(4, layer.source)
        .bind(5, layer.source_sha256)
        .bind(6, layer.source_crs)
        .bind(7, layer.feature_count)
        .bind(8, layer.imported_at);
    SS_TRY(ins->run());
    layer.id = sqlite3_last_insert_rowid(c_.raw());
    auto layer_leaf = sqlite::seal_row(c_, *covered_table("geo_layers"), layer.id);
    SS_TRY(layer_leaf);
    RowRangeBuilder rows("geo_features");
    auto f_ins = c_.prepare(
        "INSERT INTO geo_features (layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, "
        "max_y) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SS_TRY(f_ins);
    const auto* covered = covered_table("geo_features");
    for (const auto& f : features) {
      f_ins->bind(1, layer.id)
          .bind(2, f.fid)
          .bind(3, f.name)
          .bind(4, f.code)
          .bind(5, f.zone)
          .bind(6, f.attributes)
          .bind_blob(7, gpkg_blob(f))
          .bind(8, f.min_x)
          .bind(9, f.min_y)
          .bind(10, f.max_x)
          .bind(11, f.max_y);
      SS_TRY(f_ins->run());
      f_ins->reset();
      int64_t id = sqlite3_last_insert_rowid(c_.raw());
      auto leaf = sqlite::seal_row(c_, *covered, id);
      SS_TRY(leaf);
      rows.add(id, *leaf);
    }
    std::vector<RowRange> ranges = {{"geo_layers", layer.id, layer.id, 1, to_hex(*layer_leaf), false}};
    if (rows.count()) ranges.push_back(rows.done());
    auto text = describe_layer(layer, features.size());
    SS_TRY(append_audit(text.action, text.object, text.detail, format_ranges(ranges)));
    SS_TRY(
        c_.exec("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
                "min_x = (SELECT MIN(min_x) FROM geo_features), min_y = (SELECT MIN(min_y) FROM geo_features), "
                "max_x = (SELECT MAX(max_x) FROM geo_features), max_y = (SELECT MAX(max_y) FROM geo_features) "
                "WHERE table_name = 'geo_features'"));
    return tx.commit();
  }

  Result<std::vector<SpatialLayer>> layers() override {
    return select_all<SpatialLayer>(
        "SELECT id, name, kind, version, source, source_sha256, source_crs, feature_count, imported_at FROM geo_layers "
        "ORDER BY id",
        [](const Statement& st) {
          return SpatialLayer{st.integer(0), st.text(1), st.text(2), static_cast<int>(st.integer(3)),
                              st.text(4),    st.text(5), st.text(6), st.integer(7),
                              st.text(8)};
        });
  }

  Result<std::vector<SpatialFeature>> layer_features(int64_t layer_id) override {
    return select_all<SpatialFeature>(
        "SELECT fid, layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, max_y "
        "FROM geo_features WHERE layer_id = ?1 ORDER BY fid",
        [](const Statement& st) {
          return SpatialFeature{st.integer(0), st.integer(1), st.text(2),  st.text(3),
                                st.text(4),    st.text(5),    st.text(6),  wkb_of_gpkg(st.text(7)),
                                st.real(8),    st.real(9),    st.real(10), st.real(11)};
        },
        {std::to_string(layer_id)});
  }

  Result<bool> add_evidence(const EvidenceFile& f) override {
    auto added =
        insert_all(std::vector<EvidenceFile>{f}, "evidence_files",
                   "INSERT INTO evidence_files (sha256, name, media_type, size, content, uploaded_by, uploaded_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                   [](Statement& st, const EvidenceFile& x) {
                     st.bind(1, x.sha256)
                         .bind(2, x.name)
                         .bind(3, x.media_type)
                         .bind(4, static_cast<int64_t>(x.content.size()))
                         .bind_blob(5, x.content)
                         .bind(6, x.uploaded_by)
                         .bind(7, or_now(x.uploaded_at));
                   });
    SS_TRY(added);
    return *added > 0;
  }

  Result<std::optional<EvidenceFile>> evidence(const std::string& sha256, bool with_content) override {
    return select_one<EvidenceFile>(
        with_content ? "SELECT id, sha256, name, media_type, size, content, uploaded_by, uploaded_at "
                       "FROM evidence_files WHERE sha256 = ?1"
                     : "SELECT id, sha256, name, media_type, size, '', uploaded_by, uploaded_at "
                       "FROM evidence_files WHERE sha256 = ?1",
        [](const Statement& st) {
          return EvidenceFile{st.integer(0), st.text(1), st.text(2), st.text(3),
                              st.integer(4), st.text(5), st.text(6), st.text(7)};
        },
        {sha256});
  }

  Result<int64_t> evidence_bytes() override {
    auto st = c_.prepare("SELECT COALESCE(SUM(size), 0) FROM evidence_files");
    SS_TRY(st);
    auto row = st->step();
    SS_TRY(row);
    return st->integer(0);
  }

  Result<int> add_reports(const std::vector<ProgressReport>& rows) override {
    return insert_all(rows, "reports",
                      "INSERT INTO reports (item_id, period, status, percent, narrative, evidence, reporter, "
                      "reporter_written, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      [](Statement& st, const ProgressReport& r) {
                        st.bind(1, r.item_id)
                            .bind(2, r.period)
                            .bind(3, r.status)
                            .bind(4, r.percent)
                            .bind(5, r.narrative)
                            .bind(6, r.evidence)
                            .bind(7, r.reporter)
                            .bind(8, r.reporter_written)
                            .bind(9, or_now(r.reported_at));
                      });
  }

  Result<std::vector<ProgressReport>> reports() override {
    return select_all<ProgressReport>(
        "SELECT id, item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at "
        "FROM reports ORDER BY item_id, period, reported_at, id",
        [](const Statement& st) {
          return ProgressReport{st.integer(0), st.text(1), st.text(2), st.text(3), st.real(4),
                                st.text(5),    st.text(6), st.text(7), st.text(8), st.text(9)};
        });
  }

  Status add_closure(const Closure& c) override {
    auto n = insert_all(
        std::vector<Closure>{c}, "closures",
        "INSERT INTO closures (item_id, evidence, approved_by, closed_at, note) VALUES (?, ?, ?, ?, ?)",
        [](Statement& st, const Closure& x) {
          st.bind(1, x.item_id).bind(2, x.evidence).bind(3, x.approved_by).bind(4, or_now(x.closed_at)).bind(5, x.note);
        });
    SS_TRY(n);
    return {};
  }

  Result<std::vector<Closure>> closures() override {
    return select_all<Closure>("SELECT id, item_id, evidence, approved_by, closed_at, note FROM closures ORDER BY id",
                               [](const Statement& st) {
                                 return Closure{st.integer(0), st.text(1), st.text(2),
                                                st.text(3),    st.text(4), st.text(5)};
                               });
  }

  Result<int64_t> add_notice(const Notice& n) override {
    int64_t id = 0;
    auto added = insert_all(
        std::vector<Notice>{n}, "notices",
        "INSERT INTO notices (subject_kind, subject, department, due, request, issued_by, issued_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [](Statement& st, const Notice& x) {
          st.bind(1, x.subject_kind)
              .bind(2, x.subject)
              .bind(3, x.department)
              .bind(4, x.due)
              .bind(5, x.request)
              .bind(6, x.issued_by)
              .bind(7, or_now(x.issued_at));
        },
        &id);
    SS_TRY(added);
    return id;
  }

  Result<std::vector<Notice>> notices() override {
    return select_all<Notice>(
        "SELECT id, subject_kind, subject, department, due, request, issued_by, issued_at FROM notices ORDER BY id",
        [](const Statement& st) {
          return Notice{st.integer(0), st.text(1), st.text(2), st.text(3),
                        st.text(4),    st.text(5), st.text(6), st.text(7)};
        });
  }

  Status add_notice_event(const NoticeEvent& e) override {
    auto added =
        insert_all(std::vector<NoticeEvent>{e}, "notice_events",
                   "INSERT INTO notice_events (notice_id, action, text, actor, at) VALUES (?, ?, ?, ?, ?)",
                   [](Statement& st, const NoticeEvent& x) {
                     st.bind(1, x.notice_id).bind(2, x.action).bind(3, x.text).bind(4, x.actor).bind(5, or_now(x.at));
                   });
    SS_TRY(added);
    return {};
  }

  Result<std::vector<NoticeEvent>> notice_events() override {
    return select_all<NoticeEvent>(
        "SELECT id, notice_id, action, text, actor, at FROM notice_events ORDER BY notice_id, id",
        [](const Statement& st) {
          return NoticeEvent{st.integer(0), st.integer(1), st.text(2), st.text(3), st.text(4), st.text(5)};
        });
  }

  Status add_rejected(const std::vector<RejectedRow>& rows) override {
    auto n = insert_all(rows, "rejected_rows",
                        "INSERT INTO rejected_rows (source, line, reason, raw, at) VALUES (?, ?, ?, ?, ?)",
                        [](Statement& st, const RejectedRow& r) {
                          st.bind(1, r.source)
                              .bind(2, static_cast<int64_t>(r.line))
                              .bind(3, r.reason)
                              .bind(4, r.raw)
                              .bind(5, or_now(r.at));
                        });
    SS_TRY(n);
    return {};
  }

  Result<std::vector<RejectedRow>> rejected() override {
    return select_all<RejectedRow>(
        "SELECT source, line, reason, raw, at FROM rejected_rows ORDER BY id", [](const Statement& st) {
          return RejectedRow{st.text(0), static_cast<int>(st.integer(1)), st.text(2), st.text(3), st.text(4)};
        });
  }

  Status add_station(const Station& st) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    {
      auto q = c_.prepare("SELECT 1 FROM stations WHERE mn = ?");
      SS_TRY(q);
      q->bind(1, st.mn);
      auto row = q->step();
      SS_TRY(row);
      if (*row) return fail("station " + st.mn + " is already registered");
    }
    auto ins = c_.prepare(
        "INSERT INTO stations (mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, "
        "created_at, zone) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SS_TRY(ins);
    ins->bind(1, st.mn).bind(2, st.kind).bind(3, st.name).bind(4, st.township).bind(5, st.river).bind(6, st.section);
    if (st.lon)
      ins->bind(7, *st.lon);
    else
      ins->bind_null(7);
    if (st.lat)
      ins->bind(8, *st.lat);
    else
      ins->bind_null(8);
    ins->bind(9, st.password).bind(10, st.crc_mode).bind(11, st.units).bind(12, now_iso8601()).bind(13, st.zone);
    SS_TRY(ins->run());
    auto text = describe(st);
    SS_TRY(
        append_audit(text.action, text.object, text.detail, sealed("stations", sqlite3_last_insert_rowid(c_.raw()))));
    return tx.commit();
  }

  Result<std::vector<Station>> stations() override {
    auto st = c_.prepare(
        "SELECT mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, "
        "lon IS NULL, lat IS NULL, zone FROM stations ORDER BY mn");
    SS_TRY(st);
    std::vector<Station> out;
    for (;;) {
      auto row = st->step();
      SS_TRY(row);
      if (!*row) break;
      Station x{st->text(0),  st->text(1), st->text(2), st->text(3),  st->text(4),  st->text(5), std::nullopt,
                std::nullopt, st->text(8), st->text(9), st->text(10), st->text(11), st->text(14)};
      if (!st->integer(12)) x.lon = st->real(6);
      if (!st->integer(13)) x.lat = st->real(7);
      out.push_back(std::move(x));
    }
    return out;
  }

  Result<bool> remove_station(const std::string& mn) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    // The removal names the row and repeats its leaf, so verification can tell it from a deletion
    // made behind the software's back.
    std::string ranges;
    {
      const auto& t = *covered_table("stations");
      auto q = c_.prepare(std::string("SELECT rowid, ") + t.columns + " FROM stations WHERE mn = ?");
      SS_TRY(q);
      q->bind(1, mn);
      auto row = q->step();
      SS_TRY(row);
      if (*row) {
        int64_t id = q->integer(0);
        Digest leaf = sqlite::leaf_of_row(q->raw(), "stations", 1, 13);
        ranges = format_ranges({{"stations", id, id, 1, to_hex(leaf), true}});
      }
    }
    auto st = c_.prepare("DELETE FROM stations WHERE mn = ?");
    SS_TRY(st);
    st->bind(1, mn);
    SS_TRY(st->run());
    bool removed = c_.changes() > 0;
    if (removed) SS_TRY(append_audit("station.remove", mn, "", ranges));
    SS_TRY(tx.commit());
    return removed;
  }

  Result<IngestResult> ingest(const std::vector<IngestFrame>& frames,
                              const std::vector<QuarantineRow>& quarantined) override {
    IngestResult r;
    Transaction tx(c_);
    SS_TRY(tx.begin());
    if (!ingest_conflict_) {  // prepared once per connection (all again if one failed): called for every batch
      const std::pair<std::unique_ptr<Statement>*, const char*> statements[] = {
          {&ingest_raw_,
           "INSERT INTO raw_frames (sha256, received_at, peer, mn, cn, bytes, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id"},
          {&ingest_obs_,
           "INSERT INTO observations (mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, "
           "invalid, "
           "row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"},
          {&ingest_quarantine_,
           "INSERT INTO quarantine (received_at, peer, mn, reason, bytes, row_hash) VALUES (?, ?, ?, ?, ?, ?)"},
          {&ingest_raw_max_, "SELECT coalesce(max(id), 0) FROM raw_frames"},
          {&ingest_existing_,
           "SELECT value, raw_id FROM observations WHERE mn = ? AND factor = ? AND cn = ? AND data_time = ? AND kind = "
           "?"},
          {&ingest_conflict_,
           "INSERT INTO observation_conflicts (mn, factor, cn, data_time, kind, stored_value, new_value, "
           "stored_raw_id, "
           "new_raw_id, received_at, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}};
      for (const auto& [slot, sql] : statements) {
        auto st = c_.prepare(sql);
        SS_TRY(st);
        *slot = std::make_unique<Statement>(std::move(*st));
      }
    }
    std::string now = now_iso8601();
    // Every row this batch adds is hashed as it is written (leaf beside the row, Merkle root per
    // table in the batch's audit entry): the ids of one table in one transaction are consecutive.
    RowRangeBuilder raw_rows("raw_frames"), obs_rows("observations"), quarantine_rows("quarantine"),
        conflict_rows("observation_conflicts");
    int64_t raw_max = 0;
    {
      auto& mx = *ingest_raw_max_;
      auto row = mx.step();
      SS_TRY(row);
      raw_max = mx.integer(0);
      mx.reset();
    }
    for (const auto& f : frames) {
      auto& raw = *ingest_raw_;
      std::string sha = text::sha256_hex(f.bytes);
      Digest raw_leaf =
          LeafHasher("raw_frames").text(sha).text(now).text(f.peer).text(f.mn).text(f.cn).blob(f.bytes).finish();
      raw.bind(1, sha)
          .bind(2, now)
          .bind(3, f.peer)
          .bind(4, f.mn)
          .bind(5, f.cn)
          .bind_blob(6, f.bytes)
          .bind_blob(7, short_leaf(raw_leaf));
      auto row = raw.step();
      SS_TRY(row);
      int64_t raw_id = raw.integer(0);
      SS_TRY(raw.run());
      raw.reset();
      if (raw_id > raw_max) {  // a new frame (a resent one keeps its first row)
        raw_rows.add(raw_id, raw_leaf);
        raw_max = raw_id;
      }
      ++r.frames;
      for (const auto& o : f.observations) {
        auto& obs = *ingest_obs_;
        Digest leaf = LeafHasher("observations")
                          .text(o.mn)
                          .text(o.factor)
                          .text(o.cn)
                          .text(o.data_time)
                          .text(o.kind)
                          .text(o.value)
                          .text(o.flag)
                          .text(o.unit)
                          .integer(raw_id)
                          .text(now)
                          .text(o.invalid)
                          .finish();
        obs.bind(1, o.mn)
            .bind(2, o.factor)
            .bind(3, o.cn)
            .bind(4, o.data_time)
            .bind(5, o.kind)
            .bind(6, o.value)
            .bind(7, o.flag)
            .bind(8, o.unit)
            .bind(9, raw_id)
            .bind(10, now)
            .bind(11, o.invalid)
            .bind_blob(12, short_leaf(leaf));
        SS_TRY(obs.run());
        bool added = c_.changes() > 0;
        obs.reset();
        if (added) {
          obs_rows.add(sqlite3_last_insert_rowid(c_.raw()), leaf);
          ++r.values_added;
          continue;
        }
        // The slot is taken: the same value is a resend; a different one is a conflict, kept aside
        // (never silently dropped, never overwriting what may already feed an assessment).
        auto& ex = *ingest_existing_;
        ex.bind(1, o.mn).bind(2, o.factor).bind(3, o.cn).bind(4, o.data_time).bind(5, o.kind);
        auto found = ex.step();
        SS_TRY(found);
        std::string stored = *found ? ex.text(0) : o.value;
        int64_t stored_raw = *found ? ex.integer(1) : 0;
        ex.reset();
        if (stored == o.value) {
          ++r.values_duplicate;
          continue;
        }
        auto& k = *ingest_conflict_;
        Digest kleaf = LeafHasher("observation_conflicts")
                           .text(o.mn)
                           .text(o.factor)
                           .text(o.cn)
                           .text(o.data_time)
                           .text(o.kind)
                           .text(stored)
                           .text(o.value)
                           .integer(stored_raw)
                           .integer(raw_id)
                           .text(now)
                           .finish();
        k.bind(1, o.mn)
            .bind(2, o.factor)
            .bind(3, o.cn)
            .bind(4, o.data_time)
            .bind(5, o.kind)
            .bind(6, stored)
            .bind(7, o.value)
            .bind(8, stored_raw)
            .bind(9, raw_id)
            .bind(10, now)
            .bind_blob(11, short_leaf(kleaf));
        SS_TRY(k.run());
        if (c_.changes() > 0) conflict_rows.add(sqlite3_last_insert_rowid(c_.raw()), kleaf);
        k.reset();
        ++r.values_conflict;
      }
    }
    for (const auto& q : quarantined) {
      auto& st = *ingest_quarantine_;
      const std::string& at = q.received_at.empty() ? now : q.received_at;
      Digest leaf = LeafHasher("quarantine").text(at).text(q.peer).text(q.mn).text(q.reason).blob(q.bytes).finish();
      st.bind(1, at)
          .bind(2, q.peer)
          .bind(3, q.mn)
          .bind(4, q.reason)
          .bind_blob(5, q.bytes)
          .bind_blob(6, short_leaf(leaf));
      SS_TRY(st.run());
      quarantine_rows.add(sqlite3_last_insert_rowid(c_.raw()), leaf);
      st.reset();
      ++r.quarantined;
    }
    if (!frames.empty() || !quarantined.empty()) {
      std::vector<RowRange> ranges;
      for (auto* b : {&raw_rows, &obs_rows, &quarantine_rows, &conflict_rows})
        if (b->count()) ranges.push_back(b->done());
      auto text = describe_ingest(r, quarantined.size());
      SS_TRY(append_audit(text.action, text.object, text.detail, format_ranges(ranges)));
    }
    SS_TRY(tx.commit());
    return r;
  }

  static Observation observation_row(const Statement& st) {
    return Observation{st.integer(0), st.text(1), st.text(2), st.text(3),    st.text(4),  st.text(5),
                       st.text(6),    st.text(7), st.text(8), st.integer(9), st.text(10), st.text(11)};
  }

  Result<std::vector<Observation>> observations_between(const std::string& mn, const std::string& from,
                                                        const std::string& to) override {
    return select_all<Observation>(
        "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations "
        "WHERE mn = ?1 AND data_time >= ?2 AND data_time <= ?3 ORDER BY data_time, factor, kind",
        observation_row, {mn, from, to});
  }

  Result<std::vector<Observation>> observations(const std::string& mn) override {
    return select_all<Observation>(mn.empty() ? "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, "
                                                "raw_id, received_at, invalid FROM observations "
                                                "ORDER BY data_time, factor, kind, mn"
                                              : "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, "
                                                "raw_id, received_at, invalid FROM observations "
                                                "WHERE mn = ?1 ORDER BY data_time, factor, kind",
                                   observation_row,
                                   mn.empty() ? std::vector<std::string>{} : std::vector<std::string>{mn});
  }

  Result<int64_t> max_observation_id() override {
    auto st = c_.prepare("SELECT coalesce(max(id), 0) FROM observations");
    SS_TRY(st);
    SS_TRY(st->step());
    return st->integer(0);
  }

  Result<std::vector<std::pair<std::string, std::string>>> observation_days(int64_t after, int64_t upto) override {
    return select_all<std::pair<std::string, std::string>>(
        "SELECT DISTINCT mn, substr(data_time, 1, 10) FROM observations WHERE id > ?1 AND id <= ?2 ORDER BY 1, 2",
        [](const Statement& st) { return std::make_pair(st.text(0), st.text(1)); },
        {std::to_string(after), std::to_string(upto)});
  }

  Result<std::vector<QuarantineRow>> quarantine() override {
    return select_all<QuarantineRow>(
        "SELECT id, received_at, peer, mn, reason, bytes FROM quarantine ORDER BY id", [](const Statement& st) {
          return QuarantineRow{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
        });
  }

  Result<QuarantineUsage> quarantine_usage() override {
    auto st =
        c_.prepare("SELECT count(*), coalesce(sum(length(bytes) + length(reason) + length(peer)), 0) FROM quarantine");
    SS_TRY(st);
    auto row = st->step();
    SS_TRY(row);
    return QuarantineUsage{st->integer(0), st->integer(1)};
  }

  Result<std::vector<Observation>> implausible_observations(int limit) override {
    std::string sql =
        "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations "
        "INDEXED BY observations_invalid WHERE invalid <> '' ORDER BY id DESC LIMIT " +
        std::to_string(std::max(1, limit));
    return select_all<Observation>(sql.c_str(), observation_row);
  }

  Result<std::vector<ObservationConflict>> observation_conflicts() override {
    return select_all<ObservationConflict>(
        "SELECT id, mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at "
        "FROM observation_conflicts ORDER BY id",
        [](const Statement& st) {
          return ObservationConflict{st.integer(0), st.text(1), st.text(2),    st.text(3),    st.text(4), st.text(5),
                                     st.text(6),    st.text(7), st.integer(8), st.integer(9), st.text(10)};
        });
  }

  Result<std::vector<Observation>> observations_page(const std::string& mn, const std::string& factor,
                                                     const std::string& from, const std::string& to, int limit,
                                                     bool newest) override {
    std::string sql =
        "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations "
        "INDEXED BY observations_slot WHERE mn = ?1 AND data_time >= ?2 AND data_time <= ?3 "
        "AND (?4 = '' OR factor = ?4) ORDER BY data_time " +
        std::string(newest ? "DESC" : "ASC") + ", factor, kind LIMIT " + std::to_string(std::max(1, limit));
    return select_all<Observation>(sql.c_str(), observation_row, {mn, from, to, factor});
  }

  Result<std::vector<SeriesSummary>> observation_series(int64_t after, int64_t upto) override {
    return select_all<SeriesSummary>(
        "SELECT mn, factor, cn, kind, max(unit), min(data_time), max(data_time), count(*) FROM observations "
        "WHERE id > ?1 AND id <= ?2 GROUP BY mn, factor, cn, kind ORDER BY mn, factor, cn, kind",
        [](const Statement& st) {
          return SeriesSummary{
              {st.text(0), st.text(1), st.text(2), st.text(3)}, st.text(4), st.text(5), st.text(6), st.integer(7)};
        },
        {std::to_string(after), std::to_string(upto)});
  }

  Result<std::vector<Observation>> series_observations(const SeriesKey& k, const std::string& from,
                                                       const std::string& to, bool newest, int64_t offset,
                                                       int limit) override {
    std::string sql =
        "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations "
        "INDEXED BY observations_slot WHERE mn = ?1 AND data_time >= ?2 AND data_time <= ?3 AND factor = ?4 "
        "AND cn = ?5 AND kind = ?6 ORDER BY data_time " +
        std::string(newest ? "DESC" : "ASC") + " LIMIT " + std::to_string(std::max(1, limit)) + " OFFSET " +
        std::to_string(std::max<int64_t>(0, offset));
    return select_all<Observation>(sql.c_str(), observation_row, {k.mn, from, to, k.factor, k.cn, k.kind});
  }

  Result<HarvestResult> add_harvest(const Partner& p, const std::vector<PartnerSeries>& series,
                                    const std::vector<PartnerObservation>& values) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    HarvestResult r;
    std::vector<RowRange> ranges;
    {
      auto ins = c_.prepare(
          "INSERT INTO partners (partner, name, source, licence, registered_at) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (partner) DO NOTHING");
      SS_TRY(ins);
      ins->bind(1, p.partner).bind(2, p.name).bind(3, p.source).bind(4, p.licence).bind(5, now_iso8601());
      SS_TRY(ins->run());
      if (c_.changes()) {
        int64_t id = sqlite3_last_insert_rowid(c_.raw());
        auto leaf = sqlite::seal_row(c_, *covered_table("partners"), id);
        SS_TRY(leaf);
        ranges.push_back({"partners", id, id, 1, to_hex(*leaf), false});
        r.partner_added = true;
      }
    }
    RowRangeBuilder series_rows("partner_series"), value_rows("partner_observations");
    auto s_ins = c_.prepare(
        "INSERT INTO partner_series (partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, "
        "owner, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (partner, series) DO NOTHING");
    SS_TRY(s_ins);
    for (const auto& s : series) {
      s_ins->bind(1, p.partner).bind(2, s.series).bind(3, s.thing).bind(4, s.thing_name);
      if (s.lon)
        s_ins->bind(5, *s.lon);
      else
        s_ins->bind_null(5);
      if (s.lat)
        s_ins->bind(6, *s.lat);
      else
        s_ins->bind_null(6);
      s_ins->bind(7, s.property)
          .bind(8, s.unit)
          .bind(9, s.licence)
          .bind(10, s.provider)
          .bind(11, s.owner)
          .bind(12, now_iso8601());
      SS_TRY(s_ins->run());
      s_ins->reset();
      if (!c_.changes()) continue;
      int64_t id = sqlite3_last_insert_rowid(c_.raw());
      auto leaf = sqlite::seal_row(c_, *covered_table("partner_series"), id);
      SS_TRY(leaf);
      series_rows.add(id, *leaf);
      ++r.series_added;
    }
    auto v_ins = c_.prepare(
        "INSERT INTO partner_observations (partner, series, phenomenon_start, phenomenon_time, result, result_time, "
        "harvested_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (partner, series, phenomenon_start) DO NOTHING");
    SS_TRY(v_ins);
    std::string now = now_iso8601();
    for (const auto& v : values) {
      v_ins->bind(1, p.partner)
          .bind(2, v.series)
          .bind(3, v.phenomenon_start)
          .bind(4, v.phenomenon_time)
          .bind(5, v.result)
          .bind(6, v.result_time)
          .bind(7, now);
      SS_TRY(v_ins->run());
      v_ins->reset();
      if (!c_.changes()) {
        ++r.observations_present;
        continue;
      }
      int64_t id = sqlite3_last_insert_rowid(c_.raw());
      auto leaf = sqlite::seal_row(c_, *covered_table("partner_observations"), id);
      SS_TRY(leaf);
      value_rows.add(id, *leaf);
      ++r.observations_added;
    }
    if (series_rows.count()) ranges.push_back(series_rows.done());
    if (value_rows.count()) ranges.push_back(value_rows.done());
    if (ranges.empty()) return r;  // nothing new: no write, no audit entry (the transaction ends unused)
    auto text = describe(p, r);
    SS_TRY(append_audit(text.action, text.object, text.detail, format_ranges(ranges)));
    SS_TRY(tx.commit());
    return r;
  }

  Result<std::vector<Partner>> partners() override {
    return select_all<Partner>(
        "SELECT id, partner, name, source, licence, registered_at FROM partners ORDER BY partner",
        [](const Statement& st) {
          return Partner{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
        });
  }

  Result<std::vector<PartnerSeries>> partner_series(const std::string& partner) override {
    return select_all<PartnerSeries>(
        "SELECT id, partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, owner, "
        "first_seen, lon IS NULL, lat IS NULL FROM partner_series WHERE ?1 = '' OR partner = ?1 ORDER BY partner, "
        "series",
        [](const Statement& st) {
          PartnerSeries s{st.integer(0), st.text(1), st.text(2), st.text(3),  st.text(4),  std::nullopt, std::nullopt,
                          st.text(7),    st.text(8), st.text(9), st.text(10), st.text(11), st.text(12)};
          if (!st.integer(13)) s.lon = st.real(5);
          if (!st.integer(14)) s.lat = st.real(6);
          return s;
        },
        {partner});
  }

  Result<std::vector<PartnerObservation>> partner_observations(const std::string& partner, const std::string& series,
                                                               const std::string& from, const std::string& to,
                                                               int limit, bool newest) override {
    std::string sql =
        "SELECT id, partner, series, phenomenon_start, phenomenon_time, result, result_time, harvested_at FROM "
        "partner_observations WHERE partner = ?1 AND series = ?2 AND phenomenon_start >= ?3 AND phenomenon_start <= "
        "?4 ORDER BY phenomenon_start " +
        std::string(newest ? "DESC" : "ASC") + " LIMIT " + std::to_string(std::max(1, limit));
    return select_all<PartnerObservation>(sql.c_str(),
                                          [](const Statement& st) {
                                            return PartnerObservation{st.integer(0), st.text(1), st.text(2),
                                                                      st.text(3),    st.text(4), st.text(5),
                                                                      st.text(6),    st.text(7)};
                                          },
                                          {partner, series, from, to});
  }

  Result<bool> add_outbox(const OutboxMessage& m) override {
    auto added = insert_all(
        std::vector<OutboxMessage>{m}, "outbox",
        "INSERT INTO outbox (key, channel, target, payload, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        [](Statement& st, const OutboxMessage& x) {
          st.bind(1, x.key).bind(2, x.channel).bind(3, x.target).bind(4, x.payload).bind(5, or_now(x.created_at));
        });
    SS_TRY(added);
    return *added > 0;
  }

  Result<std::vector<OutboxMessage>> outbox(bool pending, int limit) override {
    std::string sql =
        "SELECT o.id, o.key, o.channel, o.target, o.payload, o.created_at, "
        "(SELECT count(*) FROM outbox_attempts a WHERE a.outbox_id = o.id), "
        "coalesce((SELECT max(at) FROM outbox_attempts a WHERE a.outbox_id = o.id), ''), "
        "EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND a.outcome = 'delivered') AS done "
        "FROM outbox o " +
        std::string(pending ? "WHERE NOT EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND "
                              "a.outcome = 'delivered') "
                            : "") +
        "ORDER BY o.id LIMIT " + std::to_string(std::max(1, limit));
    return select_all<OutboxMessage>(sql.c_str(), [](const Statement& st) {
      return OutboxMessage{st.integer(0),
                           st.text(1),
                           st.text(2),
                           st.text(3),
                           st.text(4),
                           st.text(5),
                           static_cast<int>(st.integer(6)),
                           st.text(7),
                           st.integer(8) != 0};
    });
  }

  Status add_outbox_attempt(const OutboxAttempt& a) override {
    auto added = insert_all(std::vector<OutboxAttempt>{a}, "outbox_attempts",
                            "INSERT INTO outbox_attempts (outbox_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
                            [](Statement& st, const OutboxAttempt& x) {
                              st.bind(1, x.outbox_id).bind(2, or_now(x.at)).bind(3, x.outcome).bind(4, x.detail);
                            });
    SS_TRY(added);
    return {};
  }

  Result<int64_t> add_feedback(const Feedback& f) override {
    int64_t id = 0;
    auto added = insert_all(
        std::vector<Feedback>{f}, "feedback",
        "INSERT INTO feedback (kind, subject, text, contact, lon, lat, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [](Statement& st, const Feedback& x) {
          st.bind(1, x.kind).bind(2, x.subject).bind(3, x.text).bind(4, x.contact);
          if (x.lon)
            st.bind(5, *x.lon);
          else
            st.bind_null(5);
          if (x.lat)
            st.bind(6, *x.lat);
          else
            st.bind_null(6);
          st.bind(7, or_now(x.submitted_at));
        },
        &id);
    SS_TRY(added);
    return id;
  }

  Result<std::vector<Feedback>> feedback(int limit, int64_t id, bool published_only) override {
    std::string sql =
        "SELECT f.id, f.kind, f.subject, f.text, f.contact, f.lon, f.lat, f.submitted_at, coalesce(d.decision, ''), "
        "coalesce(d.reply, ''), coalesce(d.decided_by, ''), coalesce(d.decided_at, ''), f.lon IS NULL, f.lat IS NULL "
        "FROM feedback f LEFT JOIN feedback_decisions d ON d.id = (SELECT max(id) FROM feedback_decisions x WHERE "
        "x.feedback_id = f.id) WHERE (CAST(?1 AS INTEGER) = 0 OR f.id = CAST(?1 AS INTEGER)) AND (?2 = '0' OR "
        "d.decision = 'publish') ORDER BY f.id DESC "
        "LIMIT " +
        std::to_string(std::max(1, limit));
    return select_all<Feedback>(sql.c_str(),
                                [](const Statement& st) {
                                  Feedback f{st.integer(0), st.text(1),   st.text(2),   st.text(3),
                                             st.text(4),    std::nullopt, std::nullopt, st.text(7),
                                             st.text(8),    st.text(9),   st.text(10),  st.text(11)};
                                  if (!st.integer(12)) f.lon = st.real(5);
                                  if (!st.integer(13)) f.lat = st.real(6);
                                  return f;
                                },
                                {std::to_string(id), published_only ? "1" : "0"});
  }

  Status add_feedback_decision(const FeedbackDecision& d) override {
    auto added = insert_all(std::vector<FeedbackDecision>{d}, "feedback_decisions",
                            "INSERT INTO feedback_decisions (feedback_id, decision, reply, decided_by, decided_at) "
                            "VALUES (?, ?, ?, ?, ?)",
                            [](Statement& st, const FeedbackDecision& x) {
                              st.bind(1, x.feedback_id)
                                  .bind(2, x.decision)
                                  .bind(3, x.reply)
                                  .bind(4, x.decided_by)
                                  .bind(5, or_now(x.decided_at));
                            });
    SS_TRY(added);
    return {};
  }

  Result<int64_t> feedback_count_since(const std::string& since) override {
    auto st = c_.prepare("SELECT count(*) FROM feedback WHERE submitted_at >= ?1");
    SS_TRY(st);
    st->bind(1, since);
    SS_TRY(st->step());
    return st->integer(0);
  }

  Result<std::optional<Observation>> observation(int64_t id) override {
    return select_one<Observation>(
        "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations "
        "WHERE id = ?1",
        observation_row, {std::to_string(id)});
  }

  Result<int64_t> count_series_observations(const SeriesKey& k, const std::string& from,
                                            const std::string& to) override {
    auto st = c_.prepare(
        "SELECT count(*) FROM observations INDEXED BY observations_slot WHERE mn = ?1 AND data_time >= ?2 AND "
        "data_time <= ?3 AND factor = ?4 AND cn = ?5 AND kind = ?6");
    SS_TRY(st);
    st->bind(1, k.mn).bind(2, from).bind(3, to).bind(4, k.factor).bind(5, k.cn).bind(6, k.kind);
    SS_TRY(st->step());
    return st->integer(0);
  }

  Status probe_write() override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    auto st =
        c_.prepare("INSERT INTO health_probe (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at");
    SS_TRY(st);
    st->bind(1, now_iso8601());
    SS_TRY(st->run());
    return tx.commit();
  }

  // SQLite's online backup API, all pages in one step: the step holds one read transaction, so
  // the copy is the database as of one commit, and in WAL mode the server's writers go on.
  Result<BackupResult> backup_to(const std::string& destination) override {
    if (FILE* f = std::fopen(destination.c_str(), "rb")) {
      std::fclose(f);
      return fail(destination + ": already exists; a backup never overwrites a file");
    }
    sqlite3* dest = nullptr;
    if (sqlite3_open_v2(destination.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      std::string why = dest ? sqlite3_errmsg(dest) : "out of memory";
      sqlite3_close(dest);
      return fail(destination + ": cannot be created (" + why + ")");
    }
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", c_.raw(), "main");
    if (!b) {
      std::string why = sqlite3_errmsg(dest);
      sqlite3_close(dest);
      std::remove(destination.c_str());
      return fail("backup to " + destination + ": " + why);
    }
    int rc = SQLITE_OK;
    for (int tries = 0; tries < 200; ++tries) {  // busy or locked: wait and retry, up to about 10 s
      rc = sqlite3_backup_step(b, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      sqlite3_sleep(50);
    }
    BackupResult r;
    r.destination = destination;
    r.pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
      std::string why = sqlite3_errstr(rc);
      sqlite3_close(dest);
      std::remove(destination.c_str());
      return fail("backup to " + destination + ": " + why);
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(dest, "SELECT coalesce(max(id), 0) FROM audit", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      r.audit_head = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(dest, "PRAGMA page_size", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      r.bytes = r.pages * sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_close(dest) != SQLITE_OK) return fail("backup to " + destination + ": the copy could not be closed");
    return r;
  }

  // The listener's writer: every commit on disk before the reply, and a 64 MiB page cache so the
  // observation indexes of many stations stay in memory as the archive grows (the default 2 MiB
  // makes each insert a random read once the indexes outgrow it). A checkpoint every 32 MiB of
  // log instead of 4: the index pages every batch rewrites are copied
  // into the database file once per checkpoint, so fewer checkpoints copy fewer pages (5–10 %
  // more values/s in bench/ingest-bench.sh, measured side by side).
  Status set_durable() override {
    return c_.exec("PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192");
  }

  void set_actor(const std::string& actor) override { actor_ = actor; }

  Status audit(const std::string& action, const std::string& object, const std::string& detail) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    SS_TRY(append_audit(action, object, detail));
    return tx.commit();
  }

  Result<std::vector<AuditEntry>> audit_log(const std::string& object) override {
    return select_all<AuditEntry>(
        object.empty() ? "SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit ORDER BY id"
                       : "SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit "
                         "WHERE object = ?1 OR (substr(object, 1, length(?1) + 1) = ?1 || '@') ORDER BY id",
        [](const Statement& st) {
          return AuditEntry{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4),
                            st.text(5),    st.text(6), st.text(7), st.text(8)};
        },
        object.empty() ? std::vector<std::string>{} : std::vector<std::string>{object});
  }

  Result<AuditPage> audit_search(const AuditQuery& q) override {
    // One WHERE for the page and the count; parameters bound, never spliced.
    const std::string where =
        " WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)"
        " AND (?3 = '' OR object = ?3 OR substr(object, 1, length(?3) + 1) = ?3 || '@')"
        " AND (?4 = '' OR at >= ?4) AND (?5 = '' OR substr(at, 1, length(?5)) <= ?5)"
        " AND (?6 = '1' OR action <> 'ingest.batch')";
    std::vector<std::string> params = {q.actor, q.action, q.object, q.from, q.to, q.include_ingest ? "1" : "0"};
    int64_t total = 0;
    {
      auto n = select_all<int64_t>(("SELECT count(*) FROM audit" + where).c_str(),
                                   [](const Statement& st) { return st.integer(0); }, params);
      SS_TRY(n);
      total = n->empty() ? 0 : n->front();
    }
    int limit = std::clamp(q.limit, 1, 1000);
    params.push_back(std::to_string(q.before_id));
    std::string sql = "SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit" + where +
                      " AND (?7 = '0' OR id < CAST(?7 AS INTEGER)) ORDER BY id DESC LIMIT " + std::to_string(limit + 1);
    auto rows = select_all<AuditEntry>(
        sql.c_str(),
        [](const Statement& st) {
          return AuditEntry{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4),
                            st.text(5),    st.text(6), st.text(7), st.text(8)};
        },
        params);
    SS_TRY(rows);
    return audit_page(std::move(*rows), limit, total);
  }

  Result<std::optional<AuditEntry>> audit_entry(int64_t id) override {
    return audit_one("SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit WHERE id = ?1",
                     std::to_string(id));
  }

  Result<std::optional<AuditEntry>> audit_head() override {
    return audit_one(
        "SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit ORDER BY id DESC LIMIT 1", "");
  }

  Result<std::optional<AuditEntry>> audit_one(const char* sql, const std::string& param) {
    auto rows = select_all<AuditEntry>(
        sql,
        [](const Statement& st) {
          return AuditEntry{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4),
                            st.text(5),    st.text(6), st.text(7), st.text(8)};
        },
        param.empty() ? std::vector<std::string>{} : std::vector<std::string>{param});
    SS_TRY(rows);
    if (rows->empty()) return std::optional<AuditEntry>();
    return std::optional<AuditEntry>(rows->front());
  }

  Result<int64_t> change_counter() override {
    if (!head_) {  // asked on every cached read: prepared once
      auto st = c_.prepare(
          "SELECT coalesce(max(id), 0) FROM audit INDEXED BY audit_views_head WHERE action <> 'ingest.batch'");
      SS_TRY(st);
      head_ = std::make_unique<Statement>(std::move(*st));
    }
    auto row = head_->step();
    if (!row) {
      head_->reset();
      return tl::unexpected(row.error());
    }
    int64_t v = head_->integer(0);
    head_->reset();
    return v;
  }

  Result<AuditCheck> verify_audit(bool rows) override {
    // One snapshot for the log and the tables: a batch committed meanwhile is neither half-seen
    // nor mistaken for rows without an entry.
    SS_TRY(c_.exec("BEGIN"));
    auto check = verify_in_snapshot(rows);
    (void)c_.exec("COMMIT");
    return check;
  }

  Result<AuditCheck> verify_in_snapshot(bool rows) {
    auto log = audit_log("");
    SS_TRY(log);
    AuditCheck check = check_chain(*log);
    if (check.broken_at) return check;
    // The chain holds: now the data must be what it says.
    if (!rows) return check;
    auto data = sqlite::verify_data(c_, path_, *log);
    SS_TRY(data);
    check.rows_checked = data->rows;
    check.data = std::move(data->problems);
    return check;
  }

  Status add_user(const User& u) override {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    {
      auto q = c_.prepare("SELECT 1 FROM users WHERE username = ?");
      SS_TRY(q);
      q->bind(1, u.username);
      auto row = q->step();
      SS_TRY(row);
      if (*row) return fail("user " + u.username + " already exists");
    }
    auto st =
        c_.prepare("INSERT INTO users (username, role, department, password_hash, created_at) VALUES (?, ?, ?, ?, ?)");
    SS_TRY(st);
    st->bind(1, u.username).bind(2, u.role).bind(3, u.department).bind(4, u.password_hash).bind(5, now_iso8601());
    SS_TRY(st->run());
    auto text = describe(u);
    SS_TRY(append_audit(text.action, text.object, text.detail, sealed("users", sqlite3_last_insert_rowid(c_.raw()))));
    return tx.commit();
  }

  Result<std::optional<User>> user(const std::string& username) override {
    return select_one<User>(
        "SELECT username, role, department, password_hash, created_at FROM users WHERE username = ?1",
        [](const Statement& st) {
          return User{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)};
        },
        {username});
  }

  Status add_session(const Session& s) override {
    auto st = c_.prepare("INSERT INTO sessions (token, username, csrf, expires_at) VALUES (?, ?, ?, ?)");
    SS_TRY(st);
    st->bind(1, s.token).bind(2, s.username).bind(3, s.csrf).bind(4, s.expires_at);
    return st->run();
  }

  Result<std::optional<Session>> session(const std::string& token) override {
    return select_one<Session>("SELECT token, username, csrf, expires_at FROM sessions WHERE token = ?1",
                               [](const Statement& st) {
                                 return Session{st.text(0), st.text(1), st.text(2), st.text(3)};
                               },
                               {token});
  }

  Status remove_session(const std::string& token) override {
    auto st = c_.prepare("DELETE FROM sessions WHERE token = ?");
    SS_TRY(st);
    st->bind(1, token);
    return st->run();
  }

  Result<int> login_failure(const std::string& username, const std::string& since) override {
    auto st = c_.prepare("INSERT INTO login_failures (username, at) VALUES (?, ?)");
    SS_TRY(st);
    st->bind(1, username).bind(2, now_iso8601());
    SS_TRY(st->run());
    return login_failures_since(username, since);
  }

  Result<int> login_failures_since(const std::string& username, const std::string& since) override {
    auto st = c_.prepare("SELECT count(*) FROM login_failures WHERE username = ? AND at >= ?");
    SS_TRY(st);
    st->bind(1, username).bind(2, since);
    SS_TRY(st->step());
    return static_cast<int>(st->integer(0));
  }

 private:
  std::unique_ptr<Statement> ingest_raw_, ingest_obs_, ingest_quarantine_, ingest_existing_, ingest_conflict_,
      ingest_raw_max_, head_;

  // Inserts every row in one transaction; returns how many rows were added (conflicts skip).
  // `describe(row)` gives the audit action, object and detail of each row that was added.
  template <class Row, class Bind>
  Result<int> insert_all(const std::vector<Row>& rows, const char* table, const char* sql, Bind bind,
                         int64_t* last_id = nullptr) {
    Transaction tx(c_);
    SS_TRY(tx.begin());
    auto st = c_.prepare(sql);
    SS_TRY(st);
    int added = 0;
    for (const auto& row : rows) {
      bind(*st, row);
      SS_TRY(st->run());
      int changed = static_cast<int>(c_.changes());
      added += changed;
      st->reset();
      if (changed) {
        int64_t id = sqlite3_last_insert_rowid(c_.raw());
        if (last_id) *last_id = id;
        auto text = describe(row);
        SS_TRY(append_audit(text.action, text.object, text.detail, sealed(table, id)));
      }
    }
    SS_TRY(tx.commit());
    return added;
  }

  // Seals one row just written and returns the range its audit entry carries ("" if it failed:
  // the caller's write then fails on the next statement's error, never silently uncovered).
  std::string sealed(const char* table, int64_t id) {
    auto leaf = sqlite::seal_row(c_, *covered_table(table), id);
    if (!leaf) {
      seal_error_ = leaf.error().message;
      return "";
    }
    return format_ranges({{table, id, id, 1, to_hex(*leaf), false}});
  }
  std::string seal_error_;

  // Appends to the hash chain inside the caller's transaction.
  Status append_audit(const std::string& action, const std::string& object, const std::string& detail,
                      const std::string& rows = "") {
    if (!seal_error_.empty()) {
      std::string why = std::move(seal_error_);
      seal_error_.clear();
      return fail("cannot seal the row written: " + why);
    }
    AuditEntry e;
    {
      auto q = c_.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
      SS_TRY(q);
      auto row = q->step();
      SS_TRY(row);
      e.id = *row ? q->integer(0) + 1 : 1;
      e.prev_hash = *row ? q->text(1) : std::string(64, '0');
    }
    e.at = now_iso8601();
    e.actor = actor_;
    e.action = action;
    e.object = object;
    e.detail = detail;
    e.rows = rows;
    e.hash = audit_hash(e);
    auto ins = c_.prepare(
        "INSERT INTO audit (id, at, actor, action, object, detail, prev_hash, hash, rows) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?, ?)");
    SS_TRY(ins);
    ins->bind(1, e.id)
        .bind(2, e.at)
        .bind(3, e.actor)
        .bind(4, e.action)
        .bind(5, e.object)
        .bind(6, e.detail)
        .bind(7, e.prev_hash)
        .bind(8, e.hash)
        .bind(9, e.rows);
    return ins->run();
  }

  std::string actor_ = "cli";

  template <class Row, class Map>
  Result<std::vector<Row>> select_all(const char* sql, Map map, const std::vector<std::string>& params = {}) {
    auto st = c_.prepare(sql);
    SS_TRY(st);
    for (size_t i = 0; i < params.size(); ++i) st->bind(static_cast<int>(i + 1), params[i]);
    std::vector<Row> out;
    for (;;) {
      auto row = st->step();
      SS_TRY(row);
      if (!*row) break;
      out.push_back(map(*st));
    }
    return out;
  }

  // The first row, or nullopt.
  template <class Row, class Map>
  Result<std::optional<Row>> select_one(const char* sql, Map map, const std::vector<std::string>& params) {
    auto rows = select_all<Row>(sql, map, params);
    SS_TRY(rows);
    if (rows->empty()) return std::optional<Row>{};
    return std::optional<Row>{std::move(rows->front())};
  }

  Connection c_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  auto c = sqlite::Connection::open(path);
  SS_TRY(c);
  int before = 0;
  {
    auto v = c->prepare("PRAGMA user_version");
    SS_TRY(v);
    if (auto row = v->step(); !row) return tl::unexpected(row.error());
    before = static_cast<int>(v->integer(0));
  }
  if (auto s = sqlite::migrate(*c); !s) return fail(path + ": " + s.error().message);
  auto store = std::make_unique<SqliteStore>(std::move(*c), path);
  if (before > 0 && before < 8)
    if (auto s = store->seal_legacy(); !s)
      return fail(path + ": sealing rows written before row hashing: " + s.error().message);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace shanshui::store
