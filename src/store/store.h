// store.h: the repository interface every backend implements (SQLite now, PostgreSQL later).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/model.h"

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

/// An input row that was refused, kept for inspection.
struct RejectedRow {
  std::string source;
  int line = 0;
  std::string reason;
  std::string raw;
  std::string at;
};

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

  /// Adds reports atomically; an identical report already stored is skipped. Returns rows added.
  virtual Result<int> add_reports(const std::vector<ProgressReport>& rows) = 0;
  virtual Result<std::vector<ProgressReport>> reports() = 0;

  virtual Status add_closure(const Closure& c) = 0;
  virtual Result<std::vector<Closure>> closures() = 0;

  virtual Status add_rejected(const std::vector<RejectedRow>& rows) = 0;
  virtual Result<std::vector<RejectedRow>> rejected() = 0;
};

/// Opens (creating and migrating as needed) the SQLite store at `path`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

/// The current time in Beijing, ISO 8601 with +08:00.
std::string now_iso8601();

}  // namespace shanshui::store
