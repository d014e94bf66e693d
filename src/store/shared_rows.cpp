// shared_rows.cpp: the audit words and the geometry blob both backends write (see shared_rows.h).
// Changing a description changes the audit entries written from then on, never old ones.
#include "store/shared_rows.h"

#include <cstdint>
#include <cstdio>

namespace shanshui::store {

AuditText describe(const Measurement& m) {
  return {"measurement.add", m.indicator + "@" + m.period,
          m.value + " (" + m.kind + " " + m.method + " " + m.method_version + "; " + m.source + ")" +
              (m.note.empty() ? "" : "; " + m.note)};
}

AuditText describe(const ProgressReport& r) {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%g", r.percent);
  return {"report.add", r.item_id,
          r.period + " " + r.status + " " + pct + "% by " + r.reporter +
              (r.evidence.empty() ? "" : "; evidence " + r.evidence) + (r.narrative.empty() ? "" : "; " + r.narrative) +
              (r.reported_at_claimed ? "; reported_at " + r.reported_at + " claimed by the submitter" : "")};
}

AuditText describe(const Closure& c) {
  return {"item.close", c.item_id,
          "approved by " + c.approved_by + "; evidence " + c.evidence + (c.note.empty() ? "" : "; " + c.note)};
}

AuditText describe(const Notice& n) {
  return {"notice.issue", n.subject, "to " + n.department + " by " + n.issued_by + ", due " + n.due + "; " + n.request};
}

AuditText describe(const NoticeEvent& e) {
  return {"notice." + e.action, "notice:" + std::to_string(e.notice_id), "by " + e.actor + "; " + e.text};
}

AuditText describe(const RejectedRow& r) { return {"input.rejected", r.source, r.reason}; }

AuditText describe(const EvidenceFile& f) {
  return {"evidence.add", "sha256:" + f.sha256,
          f.name + " (" + f.media_type + ", " + std::to_string(f.content.size()) + " bytes) by " + f.uploaded_by};
}

AuditText describe(const AssessmentRun& run) {
  return {"assessment.run", run.indicator + "@" + run.period,
          run.value + " (" + run.method + " " + run.method_version + "; input sha256:" + run.input_sha256 + "; " +
              run.completeness + ")"};
}

AuditText describe(const Station& s) { return {"station.add", s.mn, s.kind + " " + s.name + " crc " + s.crc_mode}; }

AuditText describe(const User& u) {
  return {"user.add", u.username, u.role + (u.department.empty() ? "" : " of " + u.department)};
}

AuditText describe(const Feedback& f) {
  return {"feedback.add", "feedback:" + f.kind, f.subject + ": " + f.text.substr(0, 200)};
}

AuditText describe(const FeedbackDecision& d) {
  return {"feedback.decide", "feedback:" + std::to_string(d.feedback_id), d.decision + ": " + d.reply.substr(0, 200)};
}

AuditText describe(const OutboxMessage& m) { return {"outbox.add", "outbox:" + m.key, m.channel + " → " + m.target}; }

AuditText describe(const OutboxAttempt& a) {
  return {"outbox.attempt", "outbox:" + std::to_string(a.outbox_id), a.outcome + ": " + a.detail};
}

AuditText describe(const Partner& p, const HarvestResult& r) {
  return {"partner.harvest", "partner:" + p.partner,
          p.name + " (" + p.source + "): " + std::to_string(r.series_added) + " new series, " +
              std::to_string(r.observations_added) + " values stored, " + std::to_string(r.observations_present) +
              " already present"};
}

AuditText describe_layer(const SpatialLayer& layer, size_t features) {
  return {"layer.import", "layer:" + layer.name,
          "version " + std::to_string(layer.version) + ", " + layer.kind + ", " + std::to_string(features) +
              " features from " + layer.source + " (" + layer.source_crs + ", sha256 " +
              layer.source_sha256.substr(0, 16) + "…)"};
}

AuditText describe_ingest(const IngestResult& r, size_t quarantined) {
  return {"ingest.batch", "observations",
          std::to_string(r.frames) + " frames, " + std::to_string(r.values_added) + " values added, " +
              std::to_string(r.values_duplicate) + " already stored, " + std::to_string(r.values_conflict) +
              " conflicting, " + std::to_string(quarantined) + " quarantined"};
}

AuditText describe_plan_import(const std::string& plan_id, int64_t version, const std::string& source_name,
                               const std::string& sha256) {
  return {"plan.import", plan_id, "version " + std::to_string(version) + " from " + source_name + " sha256:" + sha256};
}

AuditPage audit_page(std::vector<AuditEntry> entries, int limit, int64_t total) {
  AuditPage page;
  page.total = total;
  if (static_cast<int>(entries.size()) > limit) {
    entries.pop_back();
    page.next_before = entries.back().id;
  }
  page.entries = std::move(entries);
  return page;
}

std::string gpkg_blob(const SpatialFeature& f) {
  std::string out = {'G', 'P', 0, 0x03};
  auto put = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  int32_t srs = 4490;
  put(&srs, 4);
  for (double v : {f.min_x, f.max_x, f.min_y, f.max_y}) put(&v, 8);
  out += f.wkb;
  return out;
}

std::string wkb_of_gpkg(const std::string& blob) {
  if (blob.size() < 8 || blob[0] != 'G' || blob[1] != 'P') return "";
  static constexpr size_t kEnvelopeBytes[] = {0, 32, 48, 48, 64, 0, 0, 0};
  size_t header = 8 + kEnvelopeBytes[(static_cast<unsigned char>(blob[3]) >> 1) & 7];
  return blob.size() > header ? blob.substr(header) : "";
}

}  // namespace shanshui::store
