// store.h: the repository interface every backend implements (SQLite, PostgreSQL), and how to open one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::plan {
struct Plan;  // plan/model.h: only import_plan takes one
}

namespace shanshui::store {

/// A value of an indicator for a period, with where it came from.
struct Measurement {
  int64_t id = 0;
  std::string indicator;
  std::string period;  // "2024", "2024-Q3", ...
  std::string value;   // decimal text, class or yes/no, as recorded
  std::string kind;    // reported | computed
  std::string method;
  std::string method_version;
  std::string source;    // data set, file hash or document the value comes from
  std::string reporter;  // department id
  std::string note;
  std::string recorded_at;  // ISO 8601, +08:00
};

/// A progress return (打表) on a work item.
struct ProgressReport {
  int64_t id = 0;
  std::string item_id;
  std::string period;
  std::string status;  // not_started | in_progress | done
  double percent = 0;
  std::string narrative;
  std::string evidence;  // reference to the evidence (document number, file, link)
  std::string reporter;  // department id
  std::string reporter_written;
  std::string reported_at;
  bool reported_at_claimed = false;  // the time was claimed by the file, not set on filing (audited)
};

/// A closure (销号) of a work item: evidence plus the office's approval.
struct Closure {
  int64_t id = 0;
  std::string item_id;
  std::string evidence;
  std::string approved_by;  // department id of the approving office
  std::string closed_at;
  std::string note;
};

/// A 督办 notice: the office asks the department that leads an item (or is responsible for a
/// target) to act by a date. Its answers and the office's decisions are NoticeEvents; both are
/// append-only, so the workflow's whole history stays in the tamper-evident log.
struct Notice {
  int64_t id = 0;
  std::string subject_kind;  // "item" | "target"
  std::string subject;       // the item's or the target's id
  std::string department;    // who must answer (department or township id)
  std::string due;           // YYYY-MM-DD
  std::string request;       // what the office asks
  std::string issued_by;     // username
  std::string issued_at;
};

/// One step of a notice's workflow after it is issued: "answer" (the department), "resolve" or
/// "escalate" (通报, the office).
struct NoticeEvent {
  int64_t id = 0;
  int64_t notice_id = 0;
  std::string action;
  std::string text;
  std::string actor;  // username
  std::string at;
};

/// An evidence file (a scanned 文件, a photo, a spreadsheet) uploaded for a report or a closure.
/// Stored once per content, keyed by its SHA-256, and covered by the row hashes like every write;
/// reports and closures name it in their evidence text as "sha256:<hex>".
struct EvidenceFile {
  int64_t id = 0;
  std::string sha256;      // hex of the content
  std::string name;        // the file name as uploaded (UTF-8)
  std::string media_type;  // sniffed from the content, not taken from the client
  int64_t size = 0;
  std::string content;  // empty when listed without content
  std::string uploaded_by;
  std::string uploaded_at;
};

/// A spatial layer of the one map (生态保护红线, 管控单元 …) as imported: one version per import.
struct SpatialLayer {
  int64_t id = 0;
  std::string name;  // "生态保护红线"
  std::string kind;  // geo::layer_kinds()
  int version = 0;   // assigned on import: 1, 2, … per name
  std::string source, source_sha256, source_crs;
  int64_t feature_count = 0;
  std::string imported_at;
};

/// One feature of a layer: attributes as JSON text, geometry as WKB in CGCS2000 lon/lat
/// (EPSG:4490). Stored as a GeoPackage geometry blob with its envelope, so GDAL and QGIS read the
/// table (gpkg_contents registers it).
struct SpatialFeature {
  int64_t id = 0;
  int64_t layer_id = 0;
  std::string fid, name, code, zone;
  std::string attributes;  // JSON object
  std::string wkb;
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

/// An input row that was refused, kept for inspection.
struct RejectedRow {
  std::string source;
  int line = 0;
  std::string reason;
  std::string raw;
  std::string at;
};

/// A monitoring station (or section, noise point, pollution source) that speaks HJ 212 or is fed
/// from files: its MN, kind, where it is, its password and CRC mode, and units per factor.
struct Station {
  std::string mn;
  std::string kind;  // air | water | noise | source
  std::string name;
  std::string township, river, section;
  std::optional<double> lon, lat;
  std::string password;               // empty: not checked
  std::string crc_mode = "standard";  // standard | modbus | modbus-swapped
  std::string units;                  // "a21026=mg/m3;a34004=ug/m3" overrides of the factor defaults
  std::string created_at;
  std::string zone;  // noise points: GB 3096 functional zone (0 1 2 3 4a 4b), else ""
};

/// One value of one factor at one time from one station, with the raw frame it came from.
struct Observation {
  int64_t id = 0;
  std::string mn;
  std::string factor;     // a34004, w01018, LA, …
  std::string cn;         // 2011 real-time, 2051 minute, 2061 hour, 2031 day; "file" for imports
  std::string data_time;  // ISO 8601 +08:00 (the period's start for 2051/2061/2031)
  std::string kind;       // Rtd Avg Min Max Cou ZsRtd … Data DayData NightData
  std::string value;      // as sent
  std::string flag;       // data flag (N, M, D, …), "" when none was sent
  std::string unit;
  int64_t raw_id = 0;  // raw_frames.id (0 for file imports)
  std::string received_at;
  std::string invalid;  // why the value cannot be physically true (hj212::implausible), "" when plausible
};

/// One series of observations: one station's values of one factor, one CN and one kind (the
/// SensorThings Datastream, service/sta_entities.h).
struct SeriesKey {
  std::string mn, factor, cn, kind;
};
struct SeriesSummary {
  SeriesKey key;
  std::string unit;         // the unit of its newest value
  std::string first, last;  // data_time of its first and last value
  int64_t count = 0;
};

/// A neighbour whose monitoring data are harvested (docs/exchange.md): its id, its name, where
/// its data come from (a SensorThings service root, or "file:NAME" for an export file) and the
/// licence its data come under unless a series names its own.
struct Partner {
  int64_t id = 0;
  std::string partner, name, source, licence, registered_at;
};
/// One of a partner's series (its Datastream) as harvested, with the place it is measured at.
struct PartnerSeries {
  int64_t id = 0;
  std::string partner, series, thing, thing_name;
  std::optional<double> lon, lat;
  std::string property, unit, licence, provider, owner, first_seen;
};
/// One harvested value: the partner's phenomenonTime as sent, its start at +08:00 (the key and
/// the order), the result as sent.
struct PartnerObservation {
  int64_t id = 0;
  std::string partner, series, phenomenon_start, phenomenon_time, result, result_time, harvested_at;
};
struct HarvestResult {
  bool partner_added = false;
  int64_t series_added = 0, observations_added = 0, observations_present = 0;
};

/// A message waiting for, or delivered to, an outbound channel (a webhook): its key makes it
/// unique (the same warning to the same target is one message) and goes with every attempt as the
/// Idempotency-Key, so a receiver that got it before a lost reply can drop the repeat.
struct OutboxMessage {
  int64_t id = 0;
  std::string key, channel, target, payload, created_at;
  int attempts = 0;             // read back: attempts made so far
  std::string last_attempt_at;  // read back
  bool delivered = false;       // read back
};
struct OutboxAttempt {
  int64_t id = 0, outbox_id = 0;
  std::string at, outcome, detail;  // outcome: delivered | failed
};

/// A citizen's comment on a target or report of a pollution event, left on the public portal, with
/// the office's latest decision (read back): "" while waiting, "publish" (shown with its reply) or
/// "reject". The contact is for the office only and never shown.
struct Feedback {
  int64_t id = 0;
  std::string kind;     // comment | report
  std::string subject;  // the target's id (comment) or the place (report)
  std::string text, contact;
  std::optional<double> lon, lat;
  std::string submitted_at;
  std::string decision, reply, decided_by, decided_at;  // read back
};
struct FeedbackDecision {
  int64_t id = 0, feedback_id = 0;
  std::string decision, reply, decided_by, decided_at;
};

/// A stored raw frame: the bytes as received, with where and when they came from.
struct RawFrame {
  int64_t id = 0;
  std::string sha256, received_at, peer, mn, cn, bytes;
};

/// One run of a computed assessment (live evaluation or a command): what it computed, by which
/// method and rules, from which input set (its hash), how complete the input was, and `detail`
/// (JSON: stations, days entered and excluded with reasons) — the first step of a value's lineage.
struct AssessmentRun {
  int64_t id = 0;
  std::string indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at;
};

/// An input (frame bytes or file row) refused, kept with its reason.
struct QuarantineRow {
  int64_t id = 0;
  std::string received_at;
  std::string peer;  // "127.0.0.1:51234" or a file name
  std::string mn;    // when it could be read
  std::string reason;
  std::string bytes;
};

/// A frame accepted for storage with the values it carries.
struct IngestFrame {
  std::string bytes;
  std::string peer;
  std::string mn;
  std::string cn;
  std::vector<Observation> observations;
};

struct IngestResult {
  int frames = 0;  // raw frames stored (a resent identical frame is stored once)
  int values_added = 0;
  int values_duplicate = 0;  // the same value again (a resent frame)
  int values_conflict = 0;   // a different value for a (station, factor, CN, time, kind) already stored: kept aside
  int quarantined = 0;
};

/// A second, different value for a slot that already holds one. The first value stays in force
/// (it may already feed an assessment); the second is kept here with its frame for review.
struct ObservationConflict {
  int64_t id = 0;
  std::string mn, factor, cn, data_time, kind;
  std::string stored_value, new_value;
  int64_t stored_raw_id = 0, new_raw_id = 0;
  std::string received_at;
};

/// How much the quarantine holds.
struct QuarantineUsage {
  int64_t rows = 0;
  int64_t bytes = 0;
};

/// A user of the web dashboard and API.
struct User {
  std::string username;
  std::string role;           // admin | office | department | township | auditor
  std::string department;     // department or township id (department and township users)
  std::string password_hash;  // argon2id, encoded
  std::string created_at;
};

/// A login session: a bearer token (also sent as a cookie) and its CSRF token.
struct Session {
  std::string token;
  std::string username;
  std::string csrf;
  std::string expires_at;
};

/// One entry of the append-only audit log. hash = SHA-256 of the previous entry's hash and this
/// entry's fields (see docs/security.md); anyone can recompute the chain. `rows` names the rows
/// the write added or removed, with the Merkle root of their content (store/row_hash.h), so the
/// chain vouches for the data, not only for itself.
struct AuditEntry {
  int64_t id = 0;
  std::string at, actor, action, object, detail, prev_hash, hash;
  std::string rows;
};

/// A stored row that contradicts the log: changed, deleted or inserted outside the software.
struct DataProblem {
  std::string table;
  int64_t row = 0;    // its id (0 when the problem is not one row)
  int64_t entry = 0;  // the audit entry it contradicts (0: none vouches for the row)
  std::string what;
};

/// The first entry where the chain breaks, if any, and what the data tables say against it.
struct AuditCheck {
  int64_t entries = 0;
  int64_t broken_at = 0;  // 0 when the chain is intact
  std::string reason;
  int64_t rows_checked = 0;
  std::vector<DataProblem> data;  // empty when every covered row is what the log says
  bool intact() const { return broken_at == 0 && data.empty(); }
};

/// What an online backup copied.
struct BackupResult {
  std::string destination;
  int64_t pages = 0, bytes = 0;
  int64_t audit_head = 0;  // the newest audit entry in the copy
};

/// A search of the audit log for people: by actor, action, object and time, newest first, a page
/// at a time (entries older than `before_id`), monitoring ingest batches left out unless asked.
struct AuditQuery {
  std::string actor, action, object;  // exact; object also matches its values ("forest@2025")
  std::string from, to;               // ISO dates or times, inclusive ("" = open)
  bool include_ingest = false;
  int64_t before_id = 0;  // 0 = from the newest
  int limit = 100;
};
struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  int64_t total = 0;                // entries matching the query, all pages
  int64_t next_before = 0;          // before_id for the next (older) page; 0 when this is the last
};

/// The hash of an audit entry given its predecessor's hash.
std::string audit_hash(const AuditEntry& e);

struct ImportOutcome {
  bool changed = false;  // false when the same plan text was already in force
  int version = 0;
};

/// Storage of plans, measurements, reports and closures. One instance per thread; writes are
/// atomic (a batch lands whole or not at all). Failures come back as Result errors.
class Store {
 public:
  virtual ~Store() = default;

  /// Stores a new plan version (idempotent on the text's SHA-256). Refused when reports or
  /// closures refer to items the new version no longer has.
  virtual Result<ImportOutcome> import_plan(const plan::Plan& plan, const std::string& yaml,
                                            const std::string& source_name) = 0;
  /// The YAML text of the plan version in force, if any.
  virtual Result<std::optional<std::string>> current_plan_yaml() = 0;
  virtual Result<int> plan_version_count() = 0;

  /// Adds measurements atomically; an identical row already stored is skipped. Returns rows added.
  virtual Result<int> add_measurements(const std::vector<Measurement>& rows) = 0;
  virtual Result<std::vector<Measurement>> measurements() = 0;
  /// Stores an assessment run and the measurements it produced in one transaction; each
  /// measurement's source starts with "run:<id>". Returns the run's id.
  virtual Result<int64_t> record_assessment(const AssessmentRun& run, std::vector<Measurement> rows) = 0;
  /// Runs of an indicator ("" = all) for a period ("" = all), newest first; one run by id.
  virtual Result<std::vector<AssessmentRun>> assessment_runs(const std::string& indicator, const std::string& period,
                                                             int limit) = 0;
  virtual Result<std::optional<AssessmentRun>> assessment_run(int64_t id) = 0;
  virtual Result<std::optional<RawFrame>> raw_frame(int64_t id) = 0;

  /// Adds reports atomically; an identical report already stored is skipped. Returns rows added.
  virtual Result<int> add_reports(const std::vector<ProgressReport>& rows) = 0;
  virtual Result<std::vector<ProgressReport>> reports() = 0;

  virtual Status add_closure(const Closure& c) = 0;
  virtual Result<std::vector<Closure>> closures() = 0;

  /// Issues a notice; returns its id.
  virtual Result<int64_t> add_notice(const Notice& n) = 0;
  virtual Result<std::vector<Notice>> notices() = 0;
  virtual Status add_notice_event(const NoticeEvent& e) = 0;
  /// Every event, by notice and then in order.
  virtual Result<std::vector<NoticeEvent>> notice_events() = 0;

  /// Stores an evidence file; false when the same content is already stored (nothing changes).
  virtual Result<bool> add_evidence(const EvidenceFile& f) = 0;
  /// One evidence file by its SHA-256 (hex), with its content when `with_content`.
  virtual Result<std::optional<EvidenceFile>> evidence(const std::string& sha256, bool with_content) = 0;
  /// Bytes of evidence stored so far (the storage budget counts against this).
  virtual Result<int64_t> evidence_bytes() = 0;

  /// Stores a layer and its features in one transaction, as the next version of its name (set in
  /// `layer.version` and `layer.id`); one audit entry covers all rows.
  virtual Status add_layer(SpatialLayer& layer, const std::vector<SpatialFeature>& features) = 0;
  /// Every stored layer version, oldest first.
  virtual Result<std::vector<SpatialLayer>> layers() = 0;
  /// The features of one layer version, in import order.
  virtual Result<std::vector<SpatialFeature>> layer_features(int64_t layer_id) = 0;

  virtual Status add_rejected(const std::vector<RejectedRow>& rows) = 0;
  virtual Result<std::vector<RejectedRow>> rejected() = 0;

  /// Registers a station; refused when the MN is already registered.
  virtual Status add_station(const Station& s) = 0;
  virtual Result<std::vector<Station>> stations() = 0;
  /// Removes a station from the registry (its observations stay); false when unknown.
  virtual Result<bool> remove_station(const std::string& mn) = 0;

  /// Stores frames, their values and quarantined inputs in one transaction: when it returns,
  /// everything is durable. Values are idempotent on (MN, factor, CN, DataTime, kind): a resent
  /// frame never duplicates one.
  virtual Result<IngestResult> ingest(const std::vector<IngestFrame>& frames,
                                      const std::vector<QuarantineRow>& quarantined) = 0;
  /// Observations of one station ("" = all), ordered by time, then factor, then kind.
  virtual Result<std::vector<Observation>> observations(const std::string& mn) = 0;
  /// One station's observations with from <= data_time <= to (ISO, +08:00), by time.
  virtual Result<std::vector<Observation>> observations_between(const std::string& mn, const std::string& from,
                                                                const std::string& to) = 0;
  /// The largest observation id (0 when none): observations only ever grow, so "id ≤ M" names
  /// an input set exactly.
  virtual Result<int64_t> max_observation_id() = 0;
  /// The (station, day "YYYY-MM-DD") pairs of observations with after < id ≤ upto: what changed.
  virtual Result<std::vector<std::pair<std::string, std::string>>> observation_days(int64_t after, int64_t upto) = 0;
  virtual Result<std::vector<QuarantineRow>> quarantine() = 0;
  virtual Result<QuarantineUsage> quarantine_usage() = 0;
  /// Observations stored with an `invalid` reason (physically impossible values), newest first.
  virtual Result<std::vector<Observation>> implausible_observations(int limit) = 0;
  virtual Result<std::vector<ObservationConflict>> observation_conflicts() = 0;
  /// One page of a station's observations (optionally one factor) with from <= data_time <= to:
  /// the oldest `limit` of the range, or the newest when `newest` (then newest first). Served
  /// from the (mn, data_time) index, whatever the archive's size.
  virtual Result<std::vector<Observation>> observations_page(const std::string& mn, const std::string& factor,
                                                             const std::string& from, const std::string& to, int limit,
                                                             bool newest) = 0;
  /// The series with observations of after < id <= upto, each summarized over those rows only (a
  /// catalogue of series is kept up to date by merging these summaries as ids grow).
  virtual Result<std::vector<SeriesSummary>> observation_series(int64_t after, int64_t upto) = 0;
  /// One series' observations with from <= data_time <= to, by time (newest first when `newest`),
  /// skipping `offset` and at most `limit`: a SensorThings page, from the slot index.
  virtual Result<std::vector<Observation>> series_observations(const SeriesKey& series, const std::string& from,
                                                               const std::string& to, bool newest, int64_t offset,
                                                               int limit) = 0;
  virtual Result<std::optional<Observation>> observation(int64_t id) = 0;
  virtual Result<int64_t> count_series_observations(const SeriesKey& series, const std::string& from,
                                                    const std::string& to) = 0;
  /// Stores what was harvested from a partner in one transaction with one audit entry: the partner
  /// (when new), its series not yet known and its values not yet stored (a value already stored
  /// for the same series and start is kept as it is and counted as present).
  virtual Result<HarvestResult> add_harvest(const Partner& partner, const std::vector<PartnerSeries>& series,
                                            const std::vector<PartnerObservation>& values) = 0;
  virtual Result<std::vector<Partner>> partners() = 0;
  /// A partner's series ("" = every partner's), by partner and series.
  virtual Result<std::vector<PartnerSeries>> partner_series(const std::string& partner) = 0;
  /// One partner series' values with from <= start <= to, newest first when `newest`, at most `limit`.
  virtual Result<std::vector<PartnerObservation>> partner_observations(const std::string& partner,
                                                                       const std::string& series,
                                                                       const std::string& from, const std::string& to,
                                                                       int limit, bool newest) = 0;
  /// Queues a message for an outbound channel; false when a message with its key is queued already.
  virtual Result<bool> add_outbox(const OutboxMessage& m) = 0;
  /// The messages (oldest first) with their attempts: only those not delivered when `pending`.
  virtual Result<std::vector<OutboxMessage>> outbox(bool pending, int limit) = 0;
  virtual Status add_outbox_attempt(const OutboxAttempt& a) = 0;
  virtual Result<int64_t> add_feedback(const Feedback& f) = 0;
  /// Feedback newest first, each with its latest decision: at most `limit`, only `id` when it is not 0,
  /// only the published when `published_only`.
  virtual Result<std::vector<Feedback>> feedback(int limit, int64_t id = 0, bool published_only = false) = 0;
  virtual Status add_feedback_decision(const FeedbackDecision& d) = 0;
  /// How many were submitted at or after `since` (the portal's daily budget).
  virtual Result<int64_t> feedback_count_since(const std::string& since) = 0;
  /// Commits a one-row write: false (with the reason) when the database cannot be written.
  virtual Status probe_write() = 0;
  /// Who the following writes are recorded as, in the audit log ("cli", "user:wang", …).
  virtual void set_actor(const std::string& actor) = 0;
  /// Appends an audit entry on its own (refusals, logins); writes above audit themselves.
  virtual Status audit(const std::string& action, const std::string& object, const std::string& detail) = 0;
  /// The log, or one object's history: entries on `object` itself and, for an indicator, on each
  /// of its values (objects named "indicator@period").
  virtual Result<std::vector<AuditEntry>> audit_log(const std::string& object) = 0;
  virtual Result<AuditPage> audit_search(const AuditQuery& q) = 0;
  /// Grows with every write except monitoring ingest batches (every write appends to the audit
  /// log; this is its head without them): caches of plan and progress views key on it. Views of
  /// observations are not cached.
  virtual Result<int64_t> change_counter() = 0;
  /// Recomputes the chain and names the first broken entry; then recomputes every covered row
  /// (plans, measurements, reports, closures, stations, users, frames, observations, quarantine, …)
  /// against the entries that wrote it, naming rows changed, deleted or inserted outside the
  /// software.
  virtual Result<AuditCheck> verify_audit(bool rows = true) = 0;
  /// One audit entry by id, and the newest entry (nullopt when the log is empty).
  virtual Result<std::optional<AuditEntry>> audit_entry(int64_t id) = 0;
  virtual Result<std::optional<AuditEntry>> audit_head() = 0;

  virtual Status add_user(const User& u) = 0;
  virtual Result<std::optional<User>> user(const std::string& username) = 0;
  virtual Status add_session(const Session& s) = 0;
  virtual Result<std::optional<Session>> session(const std::string& token) = 0;
  virtual Status remove_session(const std::string& token) = 0;
  /// Records a failed login and returns how many failures the user had since `since` (ISO).
  virtual Result<int> login_failure(const std::string& username, const std::string& since) = 0;
  virtual Result<int> login_failures_since(const std::string& username, const std::string& since) = 0;

  /// Copies the whole database to `destination`, a new file, while it stays in use (the server
  /// may go on writing): a consistent snapshot as of one moment. Refused when the destination
  /// exists. The copy is a database of the same kind, openable as it is.
  virtual Result<BackupResult> backup_to(const std::string& destination) = 0;

  /// Makes every commit reach the disk before it returns (PRAGMA synchronous=FULL): for the
  /// listener, which acknowledges only what survives a crash or power loss.
  virtual Status set_durable() = 0;
};

/// Opens (creating and migrating as needed) the SQLite store at `path`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

/// Opens (migrating as needed) the PostgreSQL store at a libpq URI or connection string.
Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo);

/// Whether `location` names a PostgreSQL database ("postgresql://…" or "postgres://…").
bool is_postgresql(const std::string& location);

/// The SQLite file a location names ("sqlite:FILE" or the path itself).
std::string sqlite_file(const std::string& location);

/// A file that belongs with the database (the audit signing key): beside a SQLite file; for a
/// PostgreSQL database, in $SHANSHUI_STATE_DIR (default ./var), named by the database and a
/// digest of its location ("var/pg-county-3f2a9c1e.audit-key").
std::string file_beside(const std::string& location, const std::string& suffix);

/// Opens the store `location` names: a PostgreSQL URI, or else a SQLite file ("sqlite:FILE" or
/// the path itself).
Result<std::unique_ptr<Store>> open_store(const std::string& location);

/// The current time in Beijing, ISO 8601 with +08:00.
std::string now_iso8601();

}  // namespace shanshui::store
