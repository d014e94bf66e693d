// shared_rows.h: what every backend writes the same way, so that the audit chain and the row
// hashes mean the same on SQLite and PostgreSQL — the audit entry's words for each kind of write,
// and the GeoPackage geometry blob the one map's features are stored as.
#pragma once

#include <string>

#include "store/store.h"

namespace shanshui::store {

/// An audit entry's action, object and detail for one write.
struct AuditText {
  std::string action, object, detail;
};
AuditText describe(const Measurement& m);
AuditText describe(const ProgressReport& r);
AuditText describe(const Closure& c);
AuditText describe(const Notice& n);
AuditText describe(const NoticeEvent& e);
AuditText describe(const RejectedRow& r);
AuditText describe(const EvidenceFile& f);
AuditText describe(const AssessmentRun& run);
AuditText describe(const Station& s);
AuditText describe(const Partner& p, const HarvestResult& r);
AuditText describe(const OutboxMessage& m);
AuditText describe(const OutboxAttempt& a);
AuditText describe(const Feedback& f);
AuditText describe(const FeedbackDecision& d);
AuditText describe(const User& u);
AuditText describe_layer(const SpatialLayer& layer, size_t features);
AuditText describe_ingest(const IngestResult& r, size_t quarantined);
AuditText describe_plan_import(const std::string& plan_id, int64_t version, const std::string& source_name,
                               const std::string& sha256);

/// A page of an audit search from the query's answer: up to limit + 1 entries, newest first (the
/// one past the limit only says that an older page exists).
AuditPage audit_page(std::vector<AuditEntry> entries, int limit, int64_t total);

/// A GeoPackage geometry blob (GeoPackage 1.3 §2.1.3): "GP", version 0, flags (little-endian, xy
/// envelope), the SRS id (4490), the envelope, then the WKB; and the WKB back out of one.
std::string gpkg_blob(const SpatialFeature& f);
std::string wkb_of_gpkg(const std::string& blob);

/// A value's time with a default of now (rows keep the time they were filed).
inline std::string or_now(const std::string& t) { return t.empty() ? now_iso8601() : t; }

}  // namespace shanshui::store
