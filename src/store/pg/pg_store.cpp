// pg_store.cpp: the Store interface on a PostgreSQL server (libpq), for deployments that outgrow
// one SQLite file. The same tables, the same audit chain and the same row hashes as the SQLite
// store (store/ledger_core.h, store/shared_rows.h), so a county database copied from one to the
// other verifies on the copy. Writers take one advisory lock per transaction: the audit chain is
// one sequence, and the ids one write adds to a table are consecutive, as the ledger's row ranges
// expect. Ingest sends each batch's frames, values and conflicts as arrays, a statement per table,
// instead of a round trip per value. A lost connection is re-established on the next call; the
// call that lost it fails, so nothing is acknowledged that was not committed.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "core/text.h"
#include "plan/model.h"
#include "store/ledger_core.h"
#include "store/pg/connection.h"
#include "store/pg/pg_ledger.h"
#include "store/pg/schema.h"
#include "store/row_hash.h"
#include "store/shared_rows.h"
#include "store/store.h"

namespace shanshui::store {
namespace {

using pg::Connection;
using pg::Param;
using pg::Rows;

// Columns of one array-fed statement, filled row by row.
struct Columns {
  explicit Columns(size_t n) : cols(n) {}
  std::vector<std::vector<std::string>> cols;
  std::vector<Param> params() const {
    std::vector<Param> out;
    for (const auto& c : cols) out.push_back(Param::of(pg::array_literal(c)));
    return out;
  }
};

class PgStore final : public Store {
 public:
  PgStore(Connection c, std::string conninfo) : c_(std::move(c)), conninfo_(std::move(conninfo)) {}

  Result<ImportOutcome> import_plan(const plan::Plan& p, const std::string& yaml,
                                    const std::string& source_name) override {
    SS_TRY(ready());
    std::string hash = text::sha256_hex(yaml);
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    {
      auto last = c_.query("SELECT version, sha256 FROM plan_versions ORDER BY version DESC LIMIT 1");
      SS_TRY(last);
      if (last->size() && last->text(0, 1) == hash) return ImportOutcome{false, static_cast<int>(last->integer(0, 0))};
    }
    std::set<std::string> items;
    for (const auto* i : p.items()) items.insert(i->id);
    for (const char* sql : {"SELECT DISTINCT item_id FROM reports", "SELECT DISTINCT item_id FROM closures"}) {
      auto used = c_.query(sql);
      SS_TRY(used);
      for (size_t r = 0; r < used->size(); ++r)
        if (!items.count(used->text(r, 0)))
          return fail("plan refused: work item '" + used->text(r, 0) +
                      "' has progress reports or a closure but is missing from the new plan");
    }
    SS_TRY(c_.exec(
        "DELETE FROM item_departments; DELETE FROM items; DELETE FROM department_names; DELETE FROM departments; "
        "DELETE FROM targets"));
    for (const auto& d : p.departments) {
      SS_TRY(c_.query("INSERT INTO departments (id, name, kind, grp) VALUES ($1, $2, $3, $4)",
                      {Param::of(d.id), Param::of(d.name), Param::of(d.kind), Param::of(d.group)}));
      std::vector<std::string> names = d.aliases;
      names.push_back(d.name);
      for (const auto& n : names)
        SS_TRY(c_.query("INSERT INTO department_names (name, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        {Param::of(n), Param::of(d.id)}));
    }
    for (const auto* i : p.items()) {
      SS_TRY(c_.query("INSERT INTO items (id, task_id, number, text, due) VALUES ($1, $2, $3, $4, $5)",
                      {Param::of(i->id), Param::of(i->task_id), Param::of(static_cast<int64_t>(i->number)),
                       Param::of(i->text), Param::of(i->due)}));
      for (auto [role, refs] : {std::make_pair("lead", &i->lead), std::make_pair("responsible", &i->responsible)})
        for (const auto& r : *refs) {
          if (r.id.empty())
            return fail("plan refused: item " + i->id + " names unknown department '" + r.written + "'");
          SS_TRY(c_.query(
              "INSERT INTO item_departments (item_id, department_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
              {Param::of(i->id), Param::of(r.id), Param::of(role)}));
        }
    }
    for (const auto& t : p.targets)
      SS_TRY(c_.query(
          "INSERT INTO targets (id, indicator, name, unit, bound, value, year, lead) VALUES ($1, $2, $3, $4, $5, $6, "
          "$7, $8)",
          {Param::of(t.id), Param::of(t.indicator), Param::of(t.name), Param::of(t.unit),
           Param::of(std::string(to_string(t.bound))), Param::of(t.unspecified ? std::string("unspecified") : t.value),
           Param::of(static_cast<int64_t>(t.year)), Param::of(t.lead.id)}));
    auto ins = c_.query(
        "INSERT INTO plan_versions (plan_id, sha256, source_name, yaml, imported_at) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING version",
        {Param::of(p.id), Param::of(hash), Param::of(source_name), Param::of(yaml), Param::of(now_iso8601())});
    SS_TRY(ins);
    int64_t version = ins->integer(0, 0);
    auto leaf = pg::seal_row(c_, *covered_table("plan_versions"), version);
    SS_TRY(leaf);
    auto registry = pg::registry_root(c_);
    SS_TRY(registry);
    auto text = describe_plan_import(p.id, version, source_name, hash);
    SS_TRY(append_audit(text, format_ranges({{"plan_versions", version, version, 1, to_hex(*leaf), false},
                                             {"plan_registry", 0, 0, 0, to_hex(*registry), false}})));
    SS_TRY(tx.commit());
    return ImportOutcome{true, static_cast<int>(version)};
  }

  Result<std::optional<std::string>> current_plan_yaml() override {
    auto rows = read("SELECT yaml FROM plan_versions ORDER BY version DESC LIMIT 1");
    SS_TRY(rows);
    if (!rows->size()) return std::optional<std::string>{};
    return std::optional<std::string>{rows->text(0, 0)};
  }

  Result<int> plan_version_count() override {
    auto rows = read("SELECT count(*) FROM plan_versions");
    SS_TRY(rows);
    return static_cast<int>(rows->integer(0, 0));
  }

  Result<int> add_measurements(const std::vector<Measurement>& rows) override {
    return insert_all(
        rows, "measurements",
        "INSERT INTO measurements (indicator, period, value, kind, method, method_version, source, reporter, note, "
        "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id",
        [](const Measurement& m) {
          return std::vector<Param>{Param::of(m.indicator), Param::of(m.period),
                                    Param::of(m.value),     Param::of(m.kind),
                                    Param::of(m.method),    Param::of(m.method_version),
                                    Param::of(m.source),    Param::of(m.reporter),
                                    Param::of(m.note),      Param::of(or_now(m.recorded_at))};
        });
  }

  Result<std::vector<Measurement>> measurements() override {
    return select_all<Measurement>(
        "SELECT id, indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at "
        "FROM measurements ORDER BY indicator, period, id",
        [](const Rows& q, size_t r) {
          return Measurement{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4), q.text(r, 5),
                             q.text(r, 6),    q.text(r, 7), q.text(r, 8), q.text(r, 9), q.text(r, 10)};
        });
  }

  Result<int64_t> record_assessment(const AssessmentRun& run, std::vector<Measurement> rows) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    auto ins = c_.query(
        "INSERT INTO assessment_runs (indicator, period, method, method_version, rules, input_sha256, value, "
        "completeness, detail, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        {Param::of(run.indicator), Param::of(run.period), Param::of(run.method), Param::of(run.method_version),
         Param::of(run.rules), Param::of(run.input_sha256), Param::of(run.value), Param::of(run.completeness),
         Param::of(run.detail), Param::of(or_now(run.computed_at))});
    SS_TRY(ins);
    int64_t id = ins->integer(0, 0);
    auto ranges = sealed("assessment_runs", id);
    SS_TRY(ranges);
    SS_TRY(append_audit(describe(run), *ranges));
    for (auto& m : rows) m.source = "run:" + std::to_string(id) + (m.source.empty() ? "" : "; " + m.source);
    SS_TRY(add_measurements(rows));
    SS_TRY(tx.commit());
    return id;
  }

  static AssessmentRun run_row(const Rows& q, size_t r) {
    return AssessmentRun{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4), q.text(r, 5),
                         q.text(r, 6),    q.text(r, 7), q.text(r, 8), q.text(r, 9), q.text(r, 10)};
  }

  Result<std::vector<AssessmentRun>> assessment_runs(const std::string& indicator, const std::string& period,
                                                     int limit) override {
    return select_all<AssessmentRun>(
        "SELECT id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, "
        "computed_at FROM assessment_runs WHERE ($1::text = '' OR indicator = $1::text) AND ($2::text = '' OR "
        "period = $2::text) ORDER BY id DESC LIMIT " +
            std::to_string(std::max(1, limit)),
        run_row, {Param::of(indicator), Param::of(period)});
  }

  Result<std::optional<AssessmentRun>> assessment_run(int64_t id) override {
    return select_one<AssessmentRun>(
        "SELECT id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, "
        "computed_at FROM assessment_runs WHERE id = $1",
        run_row, {Param::of(id)});
  }

  Result<std::optional<RawFrame>> raw_frame(int64_t id) override {
    return select_one<RawFrame>("SELECT id, sha256, received_at, peer, mn, cn, bytes FROM raw_frames WHERE id = $1",
                                [](const Rows& q, size_t r) {
                                  return RawFrame{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                                                  q.text(r, 4),    q.text(r, 5), q.bytes(r, 6)};
                                },
                                {Param::of(id)});
  }

  Status add_layer(SpatialLayer& layer, const std::vector<SpatialFeature>& features) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    auto v = c_.query("SELECT coalesce(max(version), 0) + 1 FROM geo_layers WHERE name = $1", {Param::of(layer.name)});
    SS_TRY(v);
    layer.version = static_cast<int>(v->integer(0, 0));
    layer.feature_count = static_cast<int64_t>(features.size());
    if (layer.imported_at.empty()) layer.imported_at = now_iso8601();
    auto ins = c_.query(
        "INSERT INTO geo_layers (name, kind, version, source, source_sha256, source_crs, feature_count, imported_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        {Param::of(layer.name), Param::of(layer.kind), Param::of(static_cast<int64_t>(layer.version)),
         Param::of(layer.source), Param::of(layer.source_sha256), Param::of(layer.source_crs),
         Param::of(layer.feature_count), Param::of(layer.imported_at)});
    SS_TRY(ins);
    layer.id = ins->integer(0, 0);
    auto layer_leaf = pg::seal_row(c_, *covered_table("geo_layers"), layer.id);
    SS_TRY(layer_leaf);
    RowRangeBuilder rows("geo_features");
    for (const auto& f : features) {
      // The leaf from the values written (their types are the columns'), saving a read-back per feature.
      std::string blob = gpkg_blob(f);
      Digest leaf = LeafHasher("geo_features")
                        .integer(layer.id)
                        .text(f.fid)
                        .text(f.name)
                        .text(f.code)
                        .text(f.zone)
                        .text(f.attributes)
                        .blob(blob)
                        .finish();
      auto id = c_.query(
          "INSERT INTO geo_features (layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, "
          "max_y, row_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING fid",
          {Param::of(layer.id), Param::of(f.fid), Param::of(f.name), Param::of(f.code), Param::of(f.zone),
           Param::of(f.attributes), Param::blob(blob), Param::of(f.min_x), Param::of(f.min_y), Param::of(f.max_x),
           Param::of(f.max_y), Param::blob(short_leaf(leaf))});
      SS_TRY(id);
      rows.add(id->integer(0, 0), leaf);
    }
    std::vector<RowRange> ranges = {{"geo_layers", layer.id, layer.id, 1, to_hex(*layer_leaf), false}};
    if (rows.count()) ranges.push_back(rows.done());
    SS_TRY(append_audit(describe_layer(layer, features.size()), format_ranges(ranges)));
    return tx.commit();
  }

  Result<std::vector<SpatialLayer>> layers() override {
    return select_all<SpatialLayer>(
        "SELECT id, name, kind, version, source, source_sha256, source_crs, feature_count, imported_at FROM geo_layers "
        "ORDER BY id",
        [](const Rows& q, size_t r) {
          return SpatialLayer{q.integer(r, 0), q.text(r, 1), q.text(r, 2), static_cast<int>(q.integer(r, 3)),
                              q.text(r, 4),    q.text(r, 5), q.text(r, 6), q.integer(r, 7),
                              q.text(r, 8)};
        });
  }

  Result<std::vector<SpatialFeature>> layer_features(int64_t layer_id) override {
    return select_all<SpatialFeature>(
        "SELECT fid, layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, max_y "
        "FROM geo_features WHERE layer_id = $1 ORDER BY fid",
        [](const Rows& q, size_t r) {
          return SpatialFeature{q.integer(r, 0), q.integer(r, 1), q.text(r, 2),  q.text(r, 3),
                                q.text(r, 4),    q.text(r, 5),    q.text(r, 6),  wkb_of_gpkg(q.bytes(r, 7)),
                                q.real(r, 8),    q.real(r, 9),    q.real(r, 10), q.real(r, 11)};
        },
        {Param::of(layer_id)});
  }

  Result<bool> add_evidence(const EvidenceFile& f) override {
    auto added =
        insert_all(std::vector<EvidenceFile>{f}, "evidence_files",
                   "INSERT INTO evidence_files (sha256, name, media_type, size, content, uploaded_by, uploaded_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING RETURNING id",
                   [](const EvidenceFile& x) {
                     return std::vector<Param>{Param::of(x.sha256),
                                               Param::of(x.name),
                                               Param::of(x.media_type),
                                               Param::of(static_cast<int64_t>(x.content.size())),
                                               Param::blob(x.content),
                                               Param::of(x.uploaded_by),
                                               Param::of(or_now(x.uploaded_at))};
                   });
    SS_TRY(added);
    return *added > 0;
  }

  Result<std::optional<EvidenceFile>> evidence(const std::string& sha256, bool with_content) override {
    return select_one<EvidenceFile>(std::string("SELECT id, sha256, name, media_type, size, ") +
                                        (with_content ? "content" : "''::bytea") +
                                        ", uploaded_by, uploaded_at FROM evidence_files WHERE sha256 = $1",
                                    [](const Rows& q, size_t r) {
                                      return EvidenceFile{q.integer(r, 0), q.text(r, 1),  q.text(r, 2), q.text(r, 3),
                                                          q.integer(r, 4), q.bytes(r, 5), q.text(r, 6), q.text(r, 7)};
                                    },
                                    {Param::of(sha256)});
  }

  Result<int64_t> evidence_bytes() override {
    auto rows = read("SELECT coalesce(sum(size), 0) FROM evidence_files");
    SS_TRY(rows);
    return rows->integer(0, 0);
  }

  Result<int> add_reports(const std::vector<ProgressReport>& rows) override {
    return insert_all(
        rows, "reports",
        "INSERT INTO reports (item_id, period, status, percent, narrative, evidence, reporter, reporter_written, "
        "reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
        [](const ProgressReport& r) {
          return std::vector<Param>{
              Param::of(r.item_id),  Param::of(r.period),           Param::of(r.status),
              Param::of(r.percent),  Param::of(r.narrative),        Param::of(r.evidence),
              Param::of(r.reporter), Param::of(r.reporter_written), Param::of(or_now(r.reported_at))};
        });
  }

  Result<std::vector<ProgressReport>> reports() override {
    return select_all<ProgressReport>(
        "SELECT id, item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at "
        "FROM reports ORDER BY item_id, period, reported_at, id",
        [](const Rows& q, size_t r) {
          return ProgressReport{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.real(r, 4),
                                q.text(r, 5),    q.text(r, 6), q.text(r, 7), q.text(r, 8), q.text(r, 9)};
        });
  }

  Status add_closure(const Closure& c) override {
    auto n =
        insert_all(std::vector<Closure>{c}, "closures",
                   "INSERT INTO closures (item_id, evidence, approved_by, closed_at, note) VALUES ($1, $2, $3, $4, "
                   "$5) RETURNING id",
                   [](const Closure& x) {
                     return std::vector<Param>{Param::of(x.item_id), Param::of(x.evidence), Param::of(x.approved_by),
                                               Param::of(or_now(x.closed_at)), Param::of(x.note)};
                   });
    SS_TRY(n);
    return {};
  }

  Result<std::vector<Closure>> closures() override {
    return select_all<Closure>("SELECT id, item_id, evidence, approved_by, closed_at, note FROM closures ORDER BY id",
                               [](const Rows& q, size_t r) {
                                 return Closure{q.integer(r, 0), q.text(r, 1), q.text(r, 2),
                                                q.text(r, 3),    q.text(r, 4), q.text(r, 5)};
                               });
  }

  Result<int64_t> add_notice(const Notice& n) override {
    int64_t id = 0;
    auto added = insert_all(
        std::vector<Notice>{n}, "notices",
        "INSERT INTO notices (subject_kind, subject, department, due, request, issued_by, issued_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        [](const Notice& x) {
          return std::vector<Param>{
              Param::of(x.subject_kind), Param::of(x.subject),   Param::of(x.department),       Param::of(x.due),
              Param::of(x.request),      Param::of(x.issued_by), Param::of(or_now(x.issued_at))};
        },
        &id);
    SS_TRY(added);
    return id;
  }

  Result<std::vector<Notice>> notices() override {
    return select_all<Notice>(
        "SELECT id, subject_kind, subject, department, due, request, issued_by, issued_at FROM notices ORDER BY id",
        [](const Rows& q, size_t r) {
          return Notice{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                        q.text(r, 4),    q.text(r, 5), q.text(r, 6), q.text(r, 7)};
        });
  }

  Status add_notice_event(const NoticeEvent& e) override {
    auto added = insert_all(std::vector<NoticeEvent>{e}, "notice_events",
                            "INSERT INTO notice_events (notice_id, action, text, actor, at) VALUES ($1, $2, $3, $4, "
                            "$5) RETURNING id",
                            [](const NoticeEvent& x) {
                              return std::vector<Param>{Param::of(x.notice_id), Param::of(x.action), Param::of(x.text),
                                                        Param::of(x.actor), Param::of(or_now(x.at))};
                            });
    SS_TRY(added);
    return {};
  }

  Result<std::vector<NoticeEvent>> notice_events() override {
    return select_all<NoticeEvent>(
        "SELECT id, notice_id, action, text, actor, at FROM notice_events ORDER BY notice_id, id",
        [](const Rows& q, size_t r) {
          return NoticeEvent{q.integer(r, 0), q.integer(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4), q.text(r, 5)};
        });
  }

  Status add_rejected(const std::vector<RejectedRow>& rows) override {
    auto n =
        insert_all(rows, "rejected_rows",
                   "INSERT INTO rejected_rows (source, line, reason, raw, at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   [](const RejectedRow& r) {
                     return std::vector<Param>{Param::of(r.source), Param::of(static_cast<int64_t>(r.line)),
                                               Param::of(r.reason), Param::of(r.raw), Param::of(or_now(r.at))};
                   });
    SS_TRY(n);
    return {};
  }

  Result<std::vector<RejectedRow>> rejected() override {
    return select_all<RejectedRow>(
        "SELECT source, line, reason, raw, at FROM rejected_rows ORDER BY id", [](const Rows& q, size_t r) {
          return RejectedRow{q.text(r, 0), static_cast<int>(q.integer(r, 1)), q.text(r, 2), q.text(r, 3), q.text(r, 4)};
        });
  }

  Status add_station(const Station& st) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    auto exists = c_.query("SELECT 1 FROM stations WHERE mn = $1", {Param::of(st.mn)});
    SS_TRY(exists);
    if (exists->size()) return fail("station " + st.mn + " is already registered");
    auto ins = c_.query(
        "INSERT INTO stations (mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, "
        "created_at, zone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        {Param::of(st.mn), Param::of(st.kind), Param::of(st.name), Param::of(st.township), Param::of(st.river),
         Param::of(st.section), st.lon ? Param::of(*st.lon) : Param::none(),
         st.lat ? Param::of(*st.lat) : Param::none(), Param::of(st.password), Param::of(st.crc_mode),
         Param::of(st.units), Param::of(now_iso8601()), Param::of(st.zone)});
    SS_TRY(ins);
    auto ranges = sealed("stations", ins->integer(0, 0));
    SS_TRY(ranges);
    SS_TRY(append_audit(describe(st), *ranges));
    return tx.commit();
  }

  Result<std::vector<Station>> stations() override {
    return select_all<Station>(
        "SELECT mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, zone "
        "FROM stations ORDER BY mn",
        [](const Rows& q, size_t r) {
          Station x{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),  q.text(r, 4),  q.text(r, 5), std::nullopt,
                    std::nullopt, q.text(r, 8), q.text(r, 9), q.text(r, 10), q.text(r, 11), q.text(r, 12)};
          if (!q.null(r, 6)) x.lon = q.real(r, 6);
          if (!q.null(r, 7)) x.lat = q.real(r, 7);
          return x;
        });
  }

  Result<bool> remove_station(const std::string& mn) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    // The removal names the row and repeats its leaf (see the SQLite store).
    const auto& t = *covered_table("stations");
    auto q = c_.query(std::string("SELECT id, ") + t.columns + " FROM stations WHERE mn = $1", {Param::of(mn)});
    SS_TRY(q);
    if (!q->size()) return false;
    int64_t id = q->integer(0, 0);
    Digest leaf = pg::leaf_of_row(*q, 0, 1, t);
    SS_TRY(c_.query("DELETE FROM stations WHERE mn = $1", {Param::of(mn)}));
    SS_TRY(append_audit({"station.remove", mn, ""}, format_ranges({{"stations", id, id, 1, to_hex(leaf), true}})));
    SS_TRY(tx.commit());
    return true;
  }

  // Frames, values, conflicts and quarantined inputs of one batch in one transaction, a statement
  // per table with the batch's rows as arrays.
  Result<IngestResult> ingest(const std::vector<IngestFrame>& frames,
                              const std::vector<QuarantineRow>& quarantined) override {
    SS_TRY(ready());
    SS_TRY(ensure_partitions(frames));
    IngestResult r;
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    const std::string now = now_iso8601();
    RowRangeBuilder raw_rows("raw_frames"), obs_rows("observations"), quarantine_rows("quarantine"),
        conflict_rows("observation_conflicts");

    // Frames: a resent frame (same bytes) keeps its first row.
    std::vector<std::string> shas(frames.size());
    std::unordered_map<std::string, int64_t> raw_id;  // sha256 → id
    {
      Columns in(6);
      std::vector<Digest> leaves;
      std::unordered_map<std::string, size_t> first;
      for (size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        shas[i] = text::sha256_hex(f.bytes);
        if (!first.emplace(shas[i], leaves.size()).second) continue;
        Digest leaf =
            LeafHasher("raw_frames").text(shas[i]).text(now).text(f.peer).text(f.mn).text(f.cn).blob(f.bytes).finish();
        leaves.push_back(leaf);
        for (auto [col, v] : {std::pair<size_t, std::string>{0, shas[i]},
                              {1, f.peer},
                              {2, f.mn},
                              {3, f.cn},
                              {4, text::hex(f.bytes)},
                              {5, text::hex(short_leaf(leaf))}})
          in.cols[col].push_back(std::move(v));
      }
      if (!leaves.empty()) {
        auto params = in.params();
        params.push_back(Param::of(now));
        auto added = c_.query(
            "INSERT INTO raw_frames (sha256, received_at, peer, mn, cn, bytes, row_hash) "
            "SELECT s, $7, p, m, c, decode(b, 'hex'), decode(h, 'hex') FROM unnest($1::text[], $2::text[], "
            "$3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(s, p, m, c, b, h, ord) ORDER BY ord "
            "ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256",
            params);
        SS_TRY(added);
        std::vector<std::pair<int64_t, size_t>> fresh;
        for (size_t k = 0; k < added->size(); ++k) {
          raw_id[added->text(k, 1)] = added->integer(k, 0);
          fresh.emplace_back(added->integer(k, 0), first[added->text(k, 1)]);
        }
        std::sort(fresh.begin(), fresh.end());
        for (auto [id, i] : fresh) raw_rows.add(id, leaves[i]);
        if (added->size() < leaves.size()) {
          auto known = c_.query("SELECT id, sha256 FROM raw_frames WHERE sha256 = ANY($1::text[])",
                                {Param::of(pg::array_literal(in.cols[0]))});
          SS_TRY(known);
          for (size_t k = 0; k < known->size(); ++k) raw_id.emplace(known->text(k, 1), known->integer(k, 0));
        }
      }
    }

    // Values: idempotent on the slot (station, factor, CN, time, kind).
    struct Value {
      const Observation* o;
      int64_t raw;
      Digest leaf;
    };
    std::vector<Value> values;
    for (size_t i = 0; i < frames.size(); ++i) {
      ++r.frames;
      int64_t raw = raw_id[shas[i]];
      for (const auto& o : frames[i].observations)
        values.push_back({&o, raw,
                          LeafHasher("observations")
                              .text(o.mn)
                              .text(o.factor)
                              .text(o.cn)
                              .text(o.data_time)
                              .text(o.kind)
                              .text(o.value)
                              .text(o.flag)
                              .text(o.unit)
                              .integer(raw)
                              .text(now)
                              .text(o.invalid)
                              .finish()});
    }
    if (!values.empty()) {
      Columns in(11);
      for (const auto& v : values) {
        const auto& o = *v.o;
        size_t c = 0;
        for (const std::string* s : {&o.mn, &o.factor, &o.cn, &o.data_time, &o.kind, &o.value, &o.flag, &o.unit})
          in.cols[c++].push_back(*s);
        in.cols[c++].push_back(std::to_string(v.raw));
        in.cols[c++].push_back(o.invalid);
        in.cols[c++].push_back(text::hex(short_leaf(v.leaf)));
      }
      auto params = in.params();
      params.push_back(Param::of(now));
      auto added = c_.query(
          "INSERT INTO observations (mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid, "
          "row_hash) SELECT mn, factor, cn, data_time, kind, value, flag, unit, raw_id, $12, invalid, decode(h, 'hex') "
          "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
          "$9::bigint[], $10::text[], $11::text[]) WITH ORDINALITY AS u(mn, factor, cn, data_time, kind, value, flag, "
          "unit, raw_id, invalid, h, ord) ORDER BY ord ON CONFLICT DO NOTHING "
          "RETURNING id, mn, factor, cn, data_time, kind",
          params);
      SS_TRY(added);
      auto slot = [](std::string_view a, std::string_view b, std::string_view c, std::string_view d,
                     std::string_view e) {
        std::string k;
        for (auto part : {a, b, c, d, e}) (k += part) += '\x1f';
        return k;
      };
      std::unordered_map<std::string, int64_t> inserted;  // slot → id
      for (size_t k = 0; k < added->size(); ++k)
        inserted.emplace(
            slot(added->text(k, 1), added->text(k, 2), added->text(k, 3), added->text(k, 4), added->text(k, 5)),
            added->integer(k, 0));
      std::vector<std::pair<int64_t, size_t>> fresh;
      std::vector<size_t> taken;  // values whose slot held a value already
      for (size_t i = 0; i < values.size(); ++i) {
        const auto& o = *values[i].o;
        auto it = inserted.find(slot(o.mn, o.factor, o.cn, o.data_time, o.kind));
        if (it != inserted.end() && it->second != 0) {
          fresh.emplace_back(it->second, i);
          it->second = 0;  // a later value for the same slot in this batch was not inserted
        } else {
          taken.push_back(i);
        }
      }
      std::sort(fresh.begin(), fresh.end());
      for (auto [id, i] : fresh) obs_rows.add(id, values[i].leaf);
      r.values_added = static_cast<int>(fresh.size());
      if (!taken.empty()) SS_TRY(record_taken(values, taken, slot, now, r, conflict_rows));
    }

    for (const auto& q : quarantined) {
      const std::string& at = q.received_at.empty() ? now : q.received_at;
      Digest leaf = LeafHasher("quarantine").text(at).text(q.peer).text(q.mn).text(q.reason).blob(q.bytes).finish();
      auto id = c_.query(
          "INSERT INTO quarantine (received_at, peer, mn, reason, bytes, row_hash) VALUES ($1, $2, $3, $4, $5, $6) "
          "RETURNING id",
          {Param::of(at), Param::of(q.peer), Param::of(q.mn), Param::of(q.reason), Param::blob(q.bytes),
           Param::blob(short_leaf(leaf))});
      SS_TRY(id);
      quarantine_rows.add(id->integer(0, 0), leaf);
      ++r.quarantined;
    }
    if (!frames.empty() || !quarantined.empty()) {
      std::vector<RowRange> ranges;
      for (auto* b : {&raw_rows, &obs_rows, &quarantine_rows, &conflict_rows})
        if (b->count()) ranges.push_back(b->done());
      SS_TRY(append_audit(describe_ingest(r, quarantined.size()), format_ranges(ranges)));
    }
    SS_TRY(tx.commit());
    return r;
  }

  static Observation observation_row(const Rows& q, size_t r) {
    return Observation{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),    q.text(r, 4),  q.text(r, 5),
                       q.text(r, 6),    q.text(r, 7), q.text(r, 8), q.integer(r, 9), q.text(r, 10), q.text(r, 11)};
  }
  static constexpr const char* kObservationColumns =
      "SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid FROM observations ";

  Result<std::vector<Observation>> observations_between(const std::string& mn, const std::string& from,
                                                        const std::string& to) override {
    return select_all<Observation>(std::string(kObservationColumns) +
                                       "WHERE mn = $1 AND data_time >= $2 AND data_time <= $3 ORDER BY data_time, "
                                       "factor, kind",
                                   observation_row, {Param::of(mn), Param::of(from), Param::of(to)});
  }

  Result<std::vector<Observation>> observations(const std::string& mn) override {
    if (mn.empty())
      return select_all<Observation>(std::string(kObservationColumns) + "ORDER BY data_time, factor, kind, mn",
                                     observation_row);
    return select_all<Observation>(std::string(kObservationColumns) + "WHERE mn = $1 ORDER BY data_time, factor, kind",
                                   observation_row, {Param::of(mn)});
  }

  Result<int64_t> max_observation_id() override {
    auto rows = read("SELECT coalesce(max(id), 0) FROM observations");
    SS_TRY(rows);
    return rows->integer(0, 0);
  }

  Result<std::vector<std::pair<std::string, std::string>>> observation_days(int64_t after, int64_t upto) override {
    return select_all<std::pair<std::string, std::string>>(
        "SELECT DISTINCT mn, substr(data_time, 1, 10) FROM observations WHERE id > $1 AND id <= $2 ORDER BY 1, 2",
        [](const Rows& q, size_t r) { return std::make_pair(q.text(r, 0), q.text(r, 1)); },
        {Param::of(after), Param::of(upto)});
  }

  Result<std::vector<QuarantineRow>> quarantine() override {
    return select_all<QuarantineRow>(
        "SELECT id, received_at, peer, mn, reason, bytes FROM quarantine ORDER BY id", [](const Rows& q, size_t r) {
          return QuarantineRow{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4), q.bytes(r, 5)};
        });
  }

  Result<QuarantineUsage> quarantine_usage() override {
    auto rows =
        read("SELECT count(*), coalesce(sum(octet_length(bytes) + length(reason) + length(peer)), 0) FROM quarantine");
    SS_TRY(rows);
    return QuarantineUsage{rows->integer(0, 0), rows->integer(0, 1)};
  }

  Result<std::vector<Observation>> implausible_observations(int limit) override {
    return select_all<Observation>(std::string(kObservationColumns) + "WHERE invalid <> '' ORDER BY id DESC LIMIT " +
                                       std::to_string(std::max(1, limit)),
                                   observation_row);
  }

  Result<std::vector<ObservationConflict>> observation_conflicts() override {
    return select_all<ObservationConflict>(
        "SELECT id, mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at "
        "FROM observation_conflicts ORDER BY id",
        [](const Rows& q, size_t r) {
          return ObservationConflict{q.integer(r, 0), q.text(r, 1),    q.text(r, 2), q.text(r, 3),
                                     q.text(r, 4),    q.text(r, 5),    q.text(r, 6), q.text(r, 7),
                                     q.integer(r, 8), q.integer(r, 9), q.text(r, 10)};
        });
  }

  Result<std::vector<Observation>> observations_page(const std::string& mn, const std::string& factor,
                                                     const std::string& from, const std::string& to, int limit,
                                                     bool newest) override {
    return select_all<Observation>(std::string(kObservationColumns) +
                                       "WHERE mn = $1 AND data_time >= $2 AND data_time <= $3 AND ($4::text = '' OR "
                                       "factor = $4::text) ORDER BY data_time " +
                                       (newest ? "DESC" : "ASC") + ", factor, kind LIMIT " +
                                       std::to_string(std::max(1, limit)),
                                   observation_row, {Param::of(mn), Param::of(from), Param::of(to), Param::of(factor)});
  }

  Result<std::vector<SeriesSummary>> observation_series(int64_t after, int64_t upto) override {
    return select_all<SeriesSummary>(
        "SELECT mn, factor, cn, kind, max(unit), min(data_time), max(data_time), count(*) FROM observations "
        "WHERE id > $1 AND id <= $2 GROUP BY mn, factor, cn, kind ORDER BY mn, factor, cn, kind",
        [](const Rows& q, size_t r) {
          return SeriesSummary{{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3)},
                               q.text(r, 4),
                               q.text(r, 5),
                               q.text(r, 6),
                               q.integer(r, 7)};
        },
        {Param::of(after), Param::of(upto)});
  }

  Result<std::vector<Observation>> series_observations(const SeriesKey& k, const std::string& from,
                                                       const std::string& to, bool newest, int64_t offset,
                                                       int limit) override {
    return select_all<Observation>(
        std::string(kObservationColumns) +
            "WHERE mn = $1 AND data_time >= $2 AND data_time <= $3 AND factor = $4 AND cn = $5 AND kind = $6 "
            "ORDER BY data_time " +
            (newest ? "DESC" : "ASC") + " LIMIT " + std::to_string(std::max(1, limit)) + " OFFSET " +
            std::to_string(std::max<int64_t>(0, offset)),
        observation_row,
        {Param::of(k.mn), Param::of(from), Param::of(to), Param::of(k.factor), Param::of(k.cn), Param::of(k.kind)});
  }

  Result<HarvestResult> add_harvest(const Partner& p, const std::vector<PartnerSeries>& series,
                                    const std::vector<PartnerObservation>& values) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    HarvestResult r;
    std::vector<RowRange> ranges;
    auto seal = [&](const char* table, int64_t id) { return pg::seal_row(c_, *covered_table(table), id); };
    {
      auto ins = c_.query(
          "INSERT INTO partners (partner, name, source, licence, registered_at) VALUES ($1, $2, $3, $4, $5) "
          "ON CONFLICT (partner) DO NOTHING RETURNING id",
          {Param::of(p.partner), Param::of(p.name), Param::of(p.source), Param::of(p.licence),
           Param::of(now_iso8601())});
      SS_TRY(ins);
      if (ins->size() > 0) {
        int64_t id = ins->integer(0, 0);
        auto leaf = seal("partners", id);
        SS_TRY(leaf);
        ranges.push_back({"partners", id, id, 1, to_hex(*leaf), false});
        r.partner_added = true;
      }
    }
    RowRangeBuilder series_rows("partner_series"), value_rows("partner_observations");
    for (const auto& s : series) {
      auto ins = c_.query(
          "INSERT INTO partner_series (partner, series, thing, thing_name, lon, lat, property, unit, licence, "
          "provider, owner, first_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
          "ON CONFLICT (partner, series) DO NOTHING RETURNING id",
          {Param::of(p.partner), Param::of(s.series), Param::of(s.thing), Param::of(s.thing_name),
           s.lon ? Param::of(*s.lon) : Param::none(), s.lat ? Param::of(*s.lat) : Param::none(), Param::of(s.property),
           Param::of(s.unit), Param::of(s.licence), Param::of(s.provider), Param::of(s.owner),
           Param::of(now_iso8601())});
      SS_TRY(ins);
      if (ins->size() == 0) continue;
      int64_t id = ins->integer(0, 0);
      auto leaf = seal("partner_series", id);
      SS_TRY(leaf);
      series_rows.add(id, *leaf);
      ++r.series_added;
    }
    std::string now = now_iso8601();
    for (const auto& v : values) {
      auto ins = c_.query(
          "INSERT INTO partner_observations (partner, series, phenomenon_start, phenomenon_time, result, "
          "result_time, harvested_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
          "ON CONFLICT (partner, series, phenomenon_start) DO NOTHING RETURNING id",
          {Param::of(p.partner), Param::of(v.series), Param::of(v.phenomenon_start), Param::of(v.phenomenon_time),
           Param::of(v.result), Param::of(v.result_time), Param::of(now)});
      SS_TRY(ins);
      if (ins->size() == 0) {
        ++r.observations_present;
        continue;
      }
      int64_t id = ins->integer(0, 0);
      auto leaf = seal("partner_observations", id);
      SS_TRY(leaf);
      value_rows.add(id, *leaf);
      ++r.observations_added;
    }
    if (series_rows.count()) ranges.push_back(series_rows.done());
    if (value_rows.count()) ranges.push_back(value_rows.done());
    if (ranges.empty()) return r;
    SS_TRY(append_audit(describe(p, r), format_ranges(ranges)));
    SS_TRY(tx.commit());
    return r;
  }

  Result<std::vector<Partner>> partners() override {
    return select_all<Partner>(
        "SELECT id, partner, name, source, licence, registered_at FROM partners ORDER BY partner",
        [](const Rows& q, size_t r) {
          return Partner{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4), q.text(r, 5)};
        });
  }

  Result<std::vector<PartnerSeries>> partner_series(const std::string& partner) override {
    return select_all<PartnerSeries>(
        "SELECT id, partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, owner, "
        "first_seen FROM partner_series WHERE $1 = '' OR partner = $1 ORDER BY partner COLLATE \"C\", series "
        "COLLATE \"C\"",
        [](const Rows& q, size_t r) {
          PartnerSeries s{q.integer(r, 0), q.text(r, 1),  q.text(r, 2), q.text(r, 3), q.text(r, 4),
                          std::nullopt,    std::nullopt,  q.text(r, 7), q.text(r, 8), q.text(r, 9),
                          q.text(r, 10),   q.text(r, 11), q.text(r, 12)};
          if (!q.null(r, 5)) s.lon = q.real(r, 5);
          if (!q.null(r, 6)) s.lat = q.real(r, 6);
          return s;
        },
        {Param::of(partner)});
  }

  Result<std::vector<PartnerObservation>> partner_observations(const std::string& partner, const std::string& series,
                                                               const std::string& from, const std::string& to,
                                                               int limit, bool newest) override {
    return select_all<PartnerObservation>(
        std::string("SELECT id, partner, series, phenomenon_start, phenomenon_time, result, result_time, "
                    "harvested_at FROM partner_observations WHERE partner = $1 AND series = $2 AND "
                    "phenomenon_start >= $3 AND phenomenon_start <= $4 ORDER BY phenomenon_start ") +
            (newest ? "DESC" : "ASC") + " LIMIT " + std::to_string(std::max(1, limit)),
        [](const Rows& q, size_t r) {
          return PartnerObservation{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3),
                                    q.text(r, 4),    q.text(r, 5), q.text(r, 6), q.text(r, 7)};
        },
        {Param::of(partner), Param::of(series), Param::of(from), Param::of(to)});
  }

  Result<bool> add_outbox(const OutboxMessage& m) override {
    auto added =
        insert_all(std::vector<OutboxMessage>{m}, "outbox",
                   "INSERT INTO outbox (key, channel, target, payload, created_at) VALUES ($1, $2, $3, $4, $5) "
                   "ON CONFLICT (key) DO NOTHING RETURNING id",
                   [](const OutboxMessage& x) {
                     return std::vector<Param>{Param::of(x.key), Param::of(x.channel), Param::of(x.target),
                                               Param::of(x.payload), Param::of(or_now(x.created_at))};
                   });
    SS_TRY(added);
    return *added > 0;
  }

  Result<std::vector<OutboxMessage>> outbox(bool pending, int limit) override {
    return select_all<OutboxMessage>(
        std::string("SELECT o.id, o.key, o.channel, o.target, o.payload, o.created_at, "
                    "(SELECT count(*) FROM outbox_attempts a WHERE a.outbox_id = o.id), "
                    "coalesce((SELECT max(at) FROM outbox_attempts a WHERE a.outbox_id = o.id), ''), "
                    "CASE WHEN EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND a.outcome = "
                    "'delivered') THEN 1 ELSE 0 END FROM outbox o ") +
            (pending ? "WHERE NOT EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND a.outcome = "
                       "'delivered') "
                     : "") +
            "ORDER BY o.id LIMIT " + std::to_string(std::max(1, limit)),
        [](const Rows& q, size_t r) {
          return OutboxMessage{q.integer(r, 0),
                               q.text(r, 1),
                               q.text(r, 2),
                               q.text(r, 3),
                               q.text(r, 4),
                               q.text(r, 5),
                               static_cast<int>(q.integer(r, 6)),
                               q.text(r, 7),
                               q.integer(r, 8) != 0};
        });
  }

  Status add_outbox_attempt(const OutboxAttempt& a) override {
    auto added = insert_all(std::vector<OutboxAttempt>{a}, "outbox_attempts",
                            "INSERT INTO outbox_attempts (outbox_id, at, outcome, detail) VALUES ($1, $2, $3, $4) "
                            "RETURNING id",
                            [](const OutboxAttempt& x) {
                              return std::vector<Param>{Param::of(x.outbox_id), Param::of(or_now(x.at)),
                                                        Param::of(x.outcome), Param::of(x.detail)};
                            });
    SS_TRY(added);
    return {};
  }

  Result<int64_t> add_feedback(const Feedback& f) override {
    int64_t id = 0;
    auto added = insert_all(
        std::vector<Feedback>{f}, "feedback",
        "INSERT INTO feedback (kind, subject, text, contact, lon, lat, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7) RETURNING id",
        [](const Feedback& x) {
          return std::vector<Param>{Param::of(x.kind),
                                    Param::of(x.subject),
                                    Param::of(x.text),
                                    Param::of(x.contact),
                                    x.lon ? Param::of(*x.lon) : Param::none(),
                                    x.lat ? Param::of(*x.lat) : Param::none(),
                                    Param::of(or_now(x.submitted_at))};
        },
        &id);
    SS_TRY(added);
    return id;
  }

  Result<std::vector<Feedback>> feedback(int limit, int64_t id, bool published_only) override {
    return select_all<Feedback>(
        "SELECT f.id, f.kind, f.subject, f.text, f.contact, f.lon, f.lat, f.submitted_at, coalesce(d.decision, ''), "
        "coalesce(d.reply, ''), coalesce(d.decided_by, ''), coalesce(d.decided_at, '') FROM feedback f LEFT JOIN "
        "feedback_decisions d ON d.id = (SELECT max(id) FROM feedback_decisions x WHERE x.feedback_id = f.id) "
        "WHERE ($1 = 0 OR f.id = $1) AND ($2 = 0 OR d.decision = 'publish') ORDER BY f.id DESC LIMIT " +
            std::to_string(std::max(1, limit)),
        [](const Rows& q, size_t r) {
          Feedback f{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4),  std::nullopt,
                     std::nullopt,    q.text(r, 7), q.text(r, 8), q.text(r, 9), q.text(r, 10), q.text(r, 11)};
          if (!q.null(r, 5)) f.lon = q.real(r, 5);
          if (!q.null(r, 6)) f.lat = q.real(r, 6);
          return f;
        },
        {Param::of(id), Param::of(int64_t{published_only ? 1 : 0})});
  }

  Status add_feedback_decision(const FeedbackDecision& d) override {
    auto added =
        insert_all(std::vector<FeedbackDecision>{d}, "feedback_decisions",
                   "INSERT INTO feedback_decisions (feedback_id, decision, reply, decided_by, decided_at) "
                   "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   [](const FeedbackDecision& x) {
                     return std::vector<Param>{Param::of(x.feedback_id), Param::of(x.decision), Param::of(x.reply),
                                               Param::of(x.decided_by), Param::of(or_now(x.decided_at))};
                   });
    SS_TRY(added);
    return {};
  }

  Result<int64_t> feedback_count_since(const std::string& since) override {
    auto rows = read("SELECT count(*) FROM feedback WHERE submitted_at >= $1", {Param::of(since)});
    SS_TRY(rows);
    return rows->integer(0, 0);
  }

  Result<std::optional<Observation>> observation(int64_t id) override {
    return select_one<Observation>(std::string(kObservationColumns) + "WHERE id = $1", observation_row,
                                   {Param::of(id)});
  }

  Result<int64_t> count_series_observations(const SeriesKey& k, const std::string& from,
                                            const std::string& to) override {
    auto rows = read(
        "SELECT count(*) FROM observations WHERE mn = $1 AND data_time >= $2 AND data_time <= $3 AND factor = $4 "
        "AND cn = $5 AND kind = $6",
        {Param::of(k.mn), Param::of(from), Param::of(to), Param::of(k.factor), Param::of(k.cn), Param::of(k.kind)});
    SS_TRY(rows);
    return rows->integer(0, 0);
  }

  Status probe_write() override {
    SS_TRY(ready());
    auto q =
        c_.query("INSERT INTO health_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                 {Param::of(now_iso8601())});
    SS_TRY(q);
    return {};
  }

  // pg_dump's custom format (restore with pg_restore; docs/server.md), as of one snapshot.
  Result<BackupResult> backup_to(const std::string& destination) override {
    struct stat info {};
    if (::stat(destination.c_str(), &info) == 0)
      return fail(destination + ": already exists; a backup never overwrites a file");
    auto head = audit_head();
    SS_TRY(head);
    pid_t pid = ::fork();
    if (pid < 0) return fail("backup: cannot start pg_dump");
    if (pid == 0) {
      ::execlp("pg_dump", "pg_dump", "--format=custom", "--no-owner", "--file", destination.c_str(), "--dbname",
               conninfo_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::remove(destination.c_str());
      return fail("backup to " + destination + ": pg_dump failed" +
                  (WIFEXITED(status) && WEXITSTATUS(status) == 127
                       ? " (pg_dump not found: apt install postgresql-client)"
                       : ""));
    }
    BackupResult r;
    r.destination = destination;
    if (::stat(destination.c_str(), &info) == 0) r.bytes = info.st_size;
    r.audit_head = *head ? (*head)->id : 0;
    return r;
  }

  // Every commit is on disk before it returns (synchronous_commit, the server's default).
  Status set_durable() override { return c_.exec("SET synchronous_commit = on"); }

  void set_actor(const std::string& actor) override { actor_ = actor; }

  Status audit(const std::string& action, const std::string& object, const std::string& detail) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    SS_TRY(append_audit({action, object, detail}, ""));
    return tx.commit();
  }

  static AuditEntry audit_row(const Rows& q, size_t r) {
    return AuditEntry{q.integer(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4),
                      q.text(r, 5),    q.text(r, 6), q.text(r, 7), q.text(r, 8)};
  }
  static constexpr const char* kAuditColumns =
      "SELECT id, at, actor, action, object, detail, prev_hash, hash, rows FROM audit";

  Result<std::vector<AuditEntry>> audit_log(const std::string& object) override {
    if (object.empty()) return select_all<AuditEntry>(std::string(kAuditColumns) + " ORDER BY id", audit_row);
    return select_all<AuditEntry>(std::string(kAuditColumns) +
                                      " WHERE object = $1::text OR left(object, length($1::text) + 1) = $1::text || "
                                      "'@' ORDER BY id",
                                  audit_row, {Param::of(object)});
  }

  Result<AuditPage> audit_search(const AuditQuery& q) override {
    const std::string where =
        " WHERE ($1::text = '' OR actor = $1::text) AND ($2::text = '' OR action = $2::text)"
        " AND ($3::text = '' OR object = $3::text OR left(object, length($3::text) + 1) = $3::text || '@')"
        " AND ($4::text = '' OR at >= $4::text) AND ($5::text = '' OR left(at, length($5::text)) <= $5::text)"
        " AND ($6::text = '1' OR action <> 'ingest.batch')";
    std::vector<Param> params = {Param::of(q.actor), Param::of(q.action), Param::of(q.object),
                                 Param::of(q.from),  Param::of(q.to),     Param::of(q.include_ingest ? "1" : "0")};
    int64_t total = 0;
    auto n = read("SELECT count(*) FROM audit" + where, params);
    SS_TRY(n);
    total = n->integer(0, 0);
    int limit = std::clamp(q.limit, 1, 1000);
    params.push_back(Param::of(q.before_id));
    auto rows = select_all<AuditEntry>(std::string(kAuditColumns) + where +
                                           " AND ($7::bigint = 0 OR id < $7::bigint) ORDER BY id DESC LIMIT " +
                                           std::to_string(limit + 1),
                                       audit_row, params);
    SS_TRY(rows);
    return audit_page(std::move(*rows), limit, total);
  }

  Result<std::optional<AuditEntry>> audit_entry(int64_t id) override {
    return select_one<AuditEntry>(std::string(kAuditColumns) + " WHERE id = $1", audit_row, {Param::of(id)});
  }

  Result<std::optional<AuditEntry>> audit_head() override {
    return select_one<AuditEntry>(std::string(kAuditColumns) + " ORDER BY id DESC LIMIT 1", audit_row, {});
  }

  Result<int64_t> change_counter() override {
    auto rows = read("SELECT coalesce(max(id), 0) FROM audit WHERE action <> 'ingest.batch'");
    SS_TRY(rows);
    return rows->integer(0, 0);
  }

  Result<AuditCheck> verify_audit(bool rows) override {
    SS_TRY(ready());
    // One snapshot for the log and the tables (see the SQLite store).
    SS_TRY(c_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    auto check = verify_in_snapshot(rows);
    (void)c_.exec("COMMIT");
    return check;
  }

  Result<AuditCheck> verify_in_snapshot(bool rows) {
    auto log = audit_log("");
    SS_TRY(log);
    AuditCheck check = check_chain(*log);
    if (!rows || check.broken_at) return check;
    auto data = pg::verify_data(c_, conninfo_, *log);
    SS_TRY(data);
    check.rows_checked = data->rows;
    check.data = std::move(data->problems);
    return check;
  }

  Status add_user(const User& u) override {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    auto exists = c_.query("SELECT 1 FROM users WHERE username = $1", {Param::of(u.username)});
    SS_TRY(exists);
    if (exists->size()) return fail("user " + u.username + " already exists");
    auto ins = c_.query(
        "INSERT INTO users (username, role, department, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id",
        {Param::of(u.username), Param::of(u.role), Param::of(u.department), Param::of(u.password_hash),
         Param::of(now_iso8601())});
    SS_TRY(ins);
    auto ranges = sealed("users", ins->integer(0, 0));
    SS_TRY(ranges);
    SS_TRY(append_audit(describe(u), *ranges));
    return tx.commit();
  }

  Result<std::optional<User>> user(const std::string& username) override {
    return select_one<User>(
        "SELECT username, role, department, password_hash, created_at FROM users WHERE username = $1",
        [](const Rows& q, size_t r) {
          return User{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3), q.text(r, 4)};
        },
        {Param::of(username)});
  }

  Status add_session(const Session& s) override {
    SS_TRY(ready());
    auto q = c_.query("INSERT INTO sessions (token, username, csrf, expires_at) VALUES ($1, $2, $3, $4)",
                      {Param::of(s.token), Param::of(s.username), Param::of(s.csrf), Param::of(s.expires_at)});
    SS_TRY(q);
    return {};
  }

  Result<std::optional<Session>> session(const std::string& token) override {
    return select_one<Session>("SELECT token, username, csrf, expires_at FROM sessions WHERE token = $1",
                               [](const Rows& q, size_t r) {
                                 return Session{q.text(r, 0), q.text(r, 1), q.text(r, 2), q.text(r, 3)};
                               },
                               {Param::of(token)});
  }

  Status remove_session(const std::string& token) override {
    SS_TRY(ready());
    auto q = c_.query("DELETE FROM sessions WHERE token = $1", {Param::of(token)});
    SS_TRY(q);
    return {};
  }

  Result<int> login_failure(const std::string& username, const std::string& since) override {
    SS_TRY(ready());
    auto q = c_.query("INSERT INTO login_failures (username, at) VALUES ($1, $2)",
                      {Param::of(username), Param::of(now_iso8601())});
    SS_TRY(q);
    return login_failures_since(username, since);
  }

  Result<int> login_failures_since(const std::string& username, const std::string& since) override {
    auto rows = read("SELECT count(*) FROM login_failures WHERE username = $1 AND at >= $2",
                     {Param::of(username), Param::of(since)});
    SS_TRY(rows);
    return static_cast<int>(rows->integer(0, 0));
  }

 private:
  // A write transaction: BEGIN and the writers' advisory lock at the outermost level, a SAVEPOINT
  // inside another write.
  class WriteTx {
   public:
    explicit WriteTx(Connection& c) : c_(c), tx_(c) {}
    Status begin() {
      SS_TRY(tx_.begin());
      if (tx_.outer()) SS_TRY(c_.exec("SELECT pg_advisory_xact_lock(7283710)"));
      return {};
    }
    Status commit() { return tx_.commit(); }

   private:
    Connection& c_;
    pg::Transaction tx_;
  };

  // Before a call: a connection lost earlier is re-established (the call that lost it failed).
  Status ready() {
    if (c_.ok()) return {};
    if (c_.depth() > 0)
      return fail("database unavailable: the connection was lost during the write; none of it was stored");
    if (auto s = c_.reset(); !s) return tl::unexpected(s.error());
    return {};
  }

  Result<Rows> read(const std::string& sql, const std::vector<Param>& params = {}) {
    SS_TRY(ready());
    return c_.query(sql, params);
  }

  // Observations make partitions by month, each made once (outside the batch's transaction, so
  // two writers racing to make one do not fail a batch).
  Status ensure_partitions(const std::vector<IngestFrame>& frames) {
    std::string_view last_month;  // a batch's values are mostly of one month: look it up once
    for (const auto& f : frames)
      for (const auto& o : f.observations) {
        std::string_view month = std::string_view(o.data_time).substr(0, 7);
        if (month == last_month) continue;
        std::string name = pg::observation_partition(o.data_time);
        if (name.empty())
          return fail("observation time '" + o.data_time + "' of " + o.mn + " " + o.factor +
                      " does not begin with a month (YYYY-MM)");
        last_month = month;
        if (partitions_.count(name)) continue;
        auto made = c_.exec(pg::create_partition_sql(o.data_time));
        if (!made && c_.sqlstate() != "42P07" && c_.sqlstate() != "23505") return made;
        partitions_.insert(name);
      }
    return {};
  }

  // Values whose slot was taken: the same value again is a resend; a different one is a conflict
  // kept aside with both frames (never silently dropped, never overwriting the stored value).
  template <class Slot, class Value>
  Status record_taken(const std::vector<Value>& values, const std::vector<size_t>& taken, Slot slot,
                      const std::string& now, IngestResult& r, RowRangeBuilder& conflict_rows) {
    Columns keys(5);
    for (size_t i : taken) {
      const auto& o = *values[i].o;
      size_t c = 0;
      for (const std::string* s : {&o.mn, &o.factor, &o.cn, &o.data_time, &o.kind}) keys.cols[c++].push_back(*s);
    }
    auto stored = c_.query(
        "SELECT o.mn, o.factor, o.cn, o.data_time, o.kind, o.value, o.raw_id FROM observations o JOIN (SELECT DISTINCT "
        "* FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])) AS k(mn, factor, cn, data_time, "
        "kind) USING (mn, factor, cn, data_time, kind)",
        keys.params());
    SS_TRY(stored);
    std::unordered_map<std::string, std::pair<std::string, int64_t>> held;
    for (size_t k = 0; k < stored->size(); ++k)
      held[slot(stored->text(k, 0), stored->text(k, 1), stored->text(k, 2), stored->text(k, 3), stored->text(k, 4))] = {
          stored->text(k, 5), stored->integer(k, 6)};
    Columns in(10);
    std::vector<Digest> leaves;
    for (size_t i : taken) {
      const auto& o = *values[i].o;
      auto it = held.find(slot(o.mn, o.factor, o.cn, o.data_time, o.kind));
      std::string stored_value = it != held.end() ? it->second.first : o.value;
      int64_t stored_raw = it != held.end() ? it->second.second : 0;
      if (stored_value == o.value) {
        ++r.values_duplicate;
        continue;
      }
      ++r.values_conflict;
      Digest leaf = LeafHasher("observation_conflicts")
                        .text(o.mn)
                        .text(o.factor)
                        .text(o.cn)
                        .text(o.data_time)
                        .text(o.kind)
                        .text(stored_value)
                        .text(o.value)
                        .integer(stored_raw)
                        .integer(values[i].raw)
                        .text(now)
                        .finish();
      leaves.push_back(leaf);
      size_t c = 0;
      for (const std::string* s : {&o.mn, &o.factor, &o.cn, &o.data_time, &o.kind}) in.cols[c++].push_back(*s);
      in.cols[c++].push_back(stored_value);
      in.cols[c++].push_back(o.value);
      in.cols[c++].push_back(std::to_string(stored_raw));
      in.cols[c++].push_back(std::to_string(values[i].raw));
      in.cols[c++].push_back(text::hex(short_leaf(leaf)));
    }
    if (leaves.empty()) return {};
    auto params = in.params();
    params.push_back(Param::of(now));
    auto added = c_.query(
        "INSERT INTO observation_conflicts (mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, "
        "new_raw_id, received_at, row_hash) SELECT mn, factor, cn, data_time, kind, sv, nv, sr, nr, $11, "
        "decode(h, 'hex') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
        "$7::text[], $8::bigint[], $9::bigint[], $10::text[]) WITH ORDINALITY AS u(mn, factor, cn, data_time, kind, "
        "sv, nv, sr, nr, h, ord) ORDER BY ord ON CONFLICT DO NOTHING RETURNING id, mn, factor, cn, data_time, kind, "
        "new_value",
        params);
    SS_TRY(added);
    std::map<std::string, size_t> index;  // slot + new value → the first leaf for it
    for (size_t k = 0, j = 0; k < taken.size(); ++k) {
      const auto& o = *values[taken[k]].o;
      auto it = held.find(slot(o.mn, o.factor, o.cn, o.data_time, o.kind));
      if ((it != held.end() ? it->second.first : o.value) == o.value) continue;
      index.emplace(slot(o.mn, o.factor, o.cn, o.data_time, o.kind) + o.value, j++);
    }
    std::vector<std::pair<int64_t, size_t>> fresh;
    for (size_t k = 0; k < added->size(); ++k)
      fresh.emplace_back(
          added->integer(k, 0),
          index[slot(added->text(k, 1), added->text(k, 2), added->text(k, 3), added->text(k, 4), added->text(k, 5)) +
                added->text(k, 6)]);
    std::sort(fresh.begin(), fresh.end());
    for (auto [id, j] : fresh) conflict_rows.add(id, leaves[j]);
    return {};
  }

  // Inserts every row in one transaction; returns how many were added (conflicts skip). The
  // statement returns the new row's id when it added one.
  template <class Row, class Bind>
  Result<int> insert_all(const std::vector<Row>& rows, const char* table, const char* sql, Bind bind,
                         int64_t* last_id = nullptr) {
    SS_TRY(ready());
    WriteTx tx(c_);
    SS_TRY(tx.begin());
    int added = 0;
    for (const auto& row : rows) {
      auto q = c_.query(sql, bind(row));
      SS_TRY(q);
      if (!q->size()) continue;
      ++added;
      int64_t id = q->integer(0, 0);
      if (last_id) *last_id = id;
      auto ranges = sealed(table, id);
      SS_TRY(ranges);
      SS_TRY(append_audit(describe(row), *ranges));
    }
    SS_TRY(tx.commit());
    return added;
  }

  // Seals one row just written; the range its audit entry carries.
  Result<std::string> sealed(const char* table, int64_t id) {
    auto leaf = pg::seal_row(c_, *covered_table(table), id);
    SS_TRY(leaf);
    return format_ranges({{table, id, id, 1, to_hex(*leaf), false}});
  }

  // Appends to the hash chain inside the caller's write transaction (which holds the lock).
  Status append_audit(const AuditText& text, const std::string& rows) {
    AuditEntry e;
    auto last = c_.query("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    SS_TRY(last);
    e.id = last->size() ? last->integer(0, 0) + 1 : 1;
    e.prev_hash = last->size() ? last->text(0, 1) : std::string(64, '0');
    e.at = now_iso8601();
    e.actor = actor_;
    e.action = text.action;
    e.object = text.object;
    e.detail = text.detail;
    e.rows = rows;
    e.hash = audit_hash(e);
    auto ins = c_.query(
        "INSERT INTO audit (id, at, actor, action, object, detail, prev_hash, hash, rows) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9)",
        {Param::of(e.id), Param::of(e.at), Param::of(e.actor), Param::of(e.action), Param::of(e.object),
         Param::of(e.detail), Param::of(e.prev_hash), Param::of(e.hash), Param::of(e.rows)});
    SS_TRY(ins);
    return {};
  }

  template <class Row, class Map>
  Result<std::vector<Row>> select_all(const std::string& sql, Map map, const std::vector<Param>& params = {}) {
    auto rows = read(sql, params);
    SS_TRY(rows);
    std::vector<Row> out;
    out.reserve(rows->size());
    for (size_t r = 0; r < rows->size(); ++r) out.push_back(map(*rows, r));
    return out;
  }

  template <class Row, class Map>
  Result<std::optional<Row>> select_one(const std::string& sql, Map map, const std::vector<Param>& params) {
    auto rows = select_all<Row>(sql, map, params);
    SS_TRY(rows);
    if (rows->empty()) return std::optional<Row>{};
    return std::optional<Row>{std::move(rows->front())};
  }

  Connection c_;
  std::string conninfo_;
  std::string actor_ = "cli";
  std::set<std::string> partitions_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo) {
  auto c = Connection::open(conninfo);
  SS_TRY(c);
  if (auto s = pg::migrate(*c); !s) return fail("postgresql: " + s.error().message);
  return std::unique_ptr<Store>(std::make_unique<PgStore>(std::move(*c), conninfo));
}

}  // namespace shanshui::store
