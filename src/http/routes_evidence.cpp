// routes_evidence.cpp: evidence files for reports, closures and 督办 answers — upload (the raw
// file as the body, its name in ?name=) and download. The type comes from the content, the
// size is capped per file and in all, and a download can never run as a page in the dashboard's
// origin (attachment, sandbox CSP, nosniff).
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/text.h"
#include "http/api.h"
#include "plan/model.h"
#include "service/evidence.h"

namespace shanshui::http {
namespace {

json evidence_json(const store::EvidenceFile& f) {
  return {{"sha256", f.sha256},
          {"ref", "sha256:" + f.sha256},
          {"name", f.name},
          {"media_type", f.media_type},
          {"size", f.size},
          {"uploaded_by", f.uploaded_by},
          {"uploaded_at", f.uploaded_at},
          {"url", "/api/evidence/" + f.sha256}};
}

}  // namespace

std::vector<Route> evidence_routes() {
  std::vector<Route> r;
  r.push_back(
      {"POST", "/api/evidence",
       "Upload an evidence file (the raw bytes as the body, ?name=文件名.pdf): PDF, OFD, JPEG, PNG, Word, Excel or "
       "PowerPoint, at most 8 MiB; stored once per content and named by its SHA-256 (ref \"sha256:<hex>\" in a "
       "report's or closure's evidence): departments, townships and the office",
       Access::writing(service::Write::upload_evidence), [](Ctx& c) {
         // The role decides (no item or indicator is involved): refused before the bytes are looked at.
         if (refused(c, service::refuse_write(c.user, service::Write::upload_evidence, plan::Plan{}, nullptr),
                     "evidence upload"))
           return;
         auto name = service::evidence_file_name(c.req.get_param_value("name"));
         if (!name) return send_error(c.res, 400, "name: " + name.error().message);
         const std::string& body = c.req.body;
         if (static_cast<int64_t>(body.size()) > service::kMaxEvidenceBytes)
           return send_error(c.res, 413, "an evidence file is at most 8 MiB");
         auto type = service::evidence_media_type(body, *name);
         if (!type) return send_error(c.res, 415, type.error().message);
         store::EvidenceFile f{0,    text::sha256_hex(body), *name, *type, static_cast<int64_t>(body.size()),
                               body, c.user->username,       ""};
         if (auto known = c.store.evidence(f.sha256, false); !known) {
           return send_internal(c.res, known.error().message);
         } else if (*known) {
           return send_json(c.res, 200, dump(evidence_json(**known)));  // the same content again: one copy
         }
         auto used = c.store.evidence_bytes();
         if (!used) return send_internal(c.res, used.error().message);
         if (*used + f.size > c.evidence_budget)
           return send_error(c.res, 507, "the evidence storage budget is used up; ask the administrator");
         auto added = c.store.add_evidence(f);
         if (!added) return send_internal(c.res, added.error().message);
         auto stored = c.store.evidence(f.sha256, false);
         if (!stored || !*stored) return send_internal(c.res, "evidence not found after storing it");
         send_json(c.res, *added ? 201 : 200, dump(evidence_json(**stored)));
       }});
  r.push_back({"GET", "/api/evidence/{id}",
               "Download an evidence file by its SHA-256 (as an attachment): internal readers",
               Access::reading(service::Read::internal), [](Ctx& c) {
                 if (!service::is_sha256_hex(c.arg))
                   return send_error(c.res, 400, "the id is a SHA-256: 64 lower-case hex digits");
                 auto f = c.store.evidence(c.arg, true);
                 if (!f) return send_internal(c.res, f.error().message);
                 if (!*f) return send_error(c.res, 404, "no evidence file " + c.arg);
                 c.res.status = 200;
                 c.res.set_content(std::move((*f)->content), (*f)->media_type);
                 set_attachment(c.res, (*f)->name, "evidence");
                 c.res.set_header("Content-Security-Policy", "sandbox; default-src 'none'");
                 c.res.set_header("X-Content-Type-Options", "nosniff");
                 c.res.set_header("Cache-Control", "private, max-age=86400, immutable");
               }});
  return r;
}

}  // namespace shanshui::http
