// routes_public.cpp: the public portal's API — the open-data catalogue and its downloads (CSV,
// xlsx, JSON, each with its licence), and citizens' feedback: comments on targets and pollution
// reports, rate-limited, moderated by the office, shown only once published. Feedback lives in
// tables of its own: no submission can reach internal data (docs/portal.md).
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/file.h"
#include "export/exports.h"
#include "http/api.h"
#include "plan/model.h"
#include "service/open_data.h"
#include "service/sta_sharing.h"
#include "service/tracking.h"

namespace shanshui::http {
namespace {

constexpr size_t kMaxFeedbackText = 1000, kMaxContact = 100, kMaxSubject = 100;
constexpr int kPerAddressPerHour = 5;  // one address's submissions in an hour
constexpr int64_t kPerDay = 500;       // everyone's in a day: beyond, the portal asks to come back tomorrow

// Submissions per client address in the last hour (in memory: a restart forgives).
class FeedbackGate {
 public:
  /// Seconds to wait, or 0 when `client` may submit now (and is counted).
  int64_t admit(const std::string& client, int64_t now) {
    std::lock_guard<std::mutex> lock(m_);
    if (seen_.size() > 10000) seen_.clear();  // a flood of addresses: forget rather than grow
    auto& times = seen_[client];
    while (!times.empty() && times.front() <= now - 3600) times.pop_front();
    if (static_cast<int>(times.size()) >= kPerAddressPerHour) return times.front() + 3600 - now;
    times.push_back(now);
    return 0;
  }

 private:
  std::mutex m_;
  std::map<std::string, std::deque<int64_t>> seen_;
};

// Characters, not bytes: a Chinese character is three bytes of UTF-8.
size_t characters(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

FeedbackGate& gate() {
  static FeedbackGate g;
  return g;
}

Result<service::OpenDataset> dataset(Ctx& c, const std::string& id, bool rows) {
  if (id == "indicators") {
    auto p = service::stored_plan(c.store);
    SS_TRY(p);
    if (!*p) return fail("no plan has been imported");
    auto t = service::load_tracking(c.store, std::move(**p), Date::today_beijing());
    SS_TRY(t);
    return service::indicators_dataset(*t);
  }
  if (id == "monitoring") return service::monitoring_dataset(c.store, *c.sharing, unix_now(), 30, rows);
  return fail("no dataset '" + id.substr(0, 40) + "'");
}

json feedback_json(const store::Feedback& f, bool internal) {
  json j = {{"id", f.id},
            {"kind", f.kind},
            {"subject", f.subject},
            {"text", f.text},
            {"submitted_at", internal ? f.submitted_at : f.submitted_at.substr(0, 10)},
            {"state", f.decision.empty()        ? "pending"
                      : f.decision == "publish" ? "published"
                                                : "rejected"},
            {"reply", f.reply},
            {"decided_at", f.decided_at.substr(0, 10)}};
  if (internal) {
    j["contact"] = f.contact;
    j["decided_by"] = f.decided_by;
    j["lon"] = f.lon ? json(*f.lon) : json(nullptr);
    j["lat"] = f.lat ? json(*f.lat) : json(nullptr);
  }
  return j;
}

}  // namespace

std::vector<Route> public_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/open/datasets",
               "The open-data catalogue: each dataset's title, description, licence, publisher, source, date and "
               "formats (csv, xlsx, json)",
               Access::open(), [](Ctx& c) {
                 json out = json::array();
                 for (const auto& id : service::open_dataset_ids()) {
                   auto d = dataset(c, id, false);
                   if (!d) return send_internal(c.res, d.error().message);
                   json meta = json::parse(service::dataset_json(*d, false));
                   if (id == "monitoring") meta["rows"] = nullptr;  // counted when downloaded
                   out.push_back(std::move(meta));
                 }
                 send_json(c.res, 200, dump(out));
               }});
  r.push_back({"GET", "/api/open/datasets/{id}",
               "One open dataset (?format=csv|xlsx|json, default json): the rows with the licence and metadata "
               "(JSON: metadata; xlsx: sheet 说明; CSV: Link rel=license)",
               Access::open(), [](Ctx& c) {
                 const auto& ids = service::open_dataset_ids();
                 if (std::find(ids.begin(), ids.end(), c.arg) == ids.end())
                   return send_error(c.res, 404, "no dataset '" + c.arg.substr(0, 40) + "'");
                 std::string format = c.req.get_param_value("format");
                 if (format.empty()) format = "json";
                 if (format != "csv" && format != "json" && format != "xlsx")
                   return send_error(c.res, 400, "format: csv, xlsx or json");
                 auto d = dataset(c, c.arg, true);
                 if (!d) return send_internal(c.res, d.error().message);
                 std::string name = d->title + "_" + Date::today_beijing().iso();
                 c.res.set_header("Link", "<" + d->licence_url + ">; rel=\"license\"");
                 if (format == "json") {
                   c.res.status = 200;
                   c.res.set_content(service::dataset_json(*d), "application/json; charset=utf-8");
                   set_attachment(c.res, name + ".json", c.arg + ".json");
                 } else if (format == "csv") {
                   c.res.status = 200;
                   c.res.set_content(service::dataset_csv(*d), "text/csv; charset=utf-8");
                   set_attachment(c.res, name + ".csv", c.arg + ".csv");
                 } else {
                   auto path = std::filesystem::temp_directory_path() /
                               ("shanshui-open-" + std::to_string(unix_now()) + "-" +
                                std::to_string(reinterpret_cast<uintptr_t>(&c)) + ".xlsx");
                   if (auto s = exporting::write_dataset_xlsx(*d, path.string()); !s)
                     return send_internal(c.res, s.error().message);
                   auto bytes = read_file(path.string());
                   std::filesystem::remove(path);
                   if (!bytes) return send_internal(c.res, bytes.error().message);
                   c.res.status = 200;
                   c.res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
                   set_attachment(c.res, name + ".xlsx", c.arg + ".xlsx");
                 }
               }});
  r.push_back({"POST", "/api/feedback",
               "A citizen's comment on a target {kind: comment, subject: target id, text, contact?} or pollution "
               "report {kind: report, subject: place, text, contact?, lon?, lat?}: anyone, 5 an hour per address; "
               "shown only after the office publishes it",
               Access::open(), [](Ctx& c) {
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 const json& b = *parsed;
                 store::Feedback f;
                 f.kind = field(b, "kind"), f.subject = field(b, "subject"), f.text = field(b, "text");
                 f.contact = field(b, "contact");
                 if (f.kind != "comment" && f.kind != "report")
                   return send_error(c.res, 400, "kind: comment or report");
                 if (f.text.empty() || characters(f.text) > kMaxFeedbackText)
                   return send_error(c.res, 400, "text: 1 to 1000 characters");
                 if (characters(f.contact) > kMaxContact)
                   return send_error(c.res, 400, "contact: at most 100 characters");
                 if (f.subject.empty() || characters(f.subject) > kMaxSubject)
                   return send_error(c.res, 400, "subject: the target's id, or the place of the event");
                 if (f.kind == "comment") {
                   auto p = plan_or_send(c);
                   if (!p) return;
                   if (!p->find_target(f.subject)) return send_error(c.res, 400, "no target '" + f.subject + "'");
                 }
                 if (b.contains("lon") && b["lon"].is_number() && b.contains("lat") && b["lat"].is_number()) {
                   double lon = b["lon"].get<double>(), lat = b["lat"].get<double>();
                   if (lon < 73 || lon > 136 || lat < 3 || lat > 54)
                     return send_error(c.res, 400, "lon, lat: a place in China in degrees");
                   f.lon = lon, f.lat = lat;
                 }
                 int64_t now = unix_now();
                 if (auto wait = gate().admit(c.client, now); wait > 0) {
                   c.res.set_header("Retry-After", std::to_string(wait));
                   return send_error(
                       c.res, 429, "too many messages from this address; try again in " + std::to_string(wait) + " s");
                 }
                 auto today = c.store.feedback_count_since(beijing_iso8601(now - 86400));
                 if (!today) return send_internal(c.res, today.error().message);
                 if (*today >= kPerDay) {
                   c.res.set_header("Retry-After", "3600");
                   return send_error(c.res, 429, "the portal has received its messages for today; try again later");
                 }
                 auto id = c.store.add_feedback(f);
                 if (!id) return send_internal(c.res, id.error().message);
                 send_json(c.res, 201, dump({{"id", *id}, {"state", "pending"}}));
               }});
  r.push_back({"GET", "/api/feedback/published",
               "The citizens' comments and reports the office has published, with its replies (no contact details)",
               Access::open(), [](Ctx& c) {
                 auto published = c.store.feedback(1000, 0, true);
                 if (!published) return send_internal(c.res, published.error().message);
                 json out = json::array();
                 for (const auto& f : *published) out.push_back(feedback_json(f, false));
                 send_json(c.res, 200, dump(out));
               }});
  r.push_back({"GET", "/api/feedback", "Every comment and report with its state and contact, for moderation",
               Access::reading(service::Read::audit), [](Ctx& c) {
                 auto all = c.store.feedback(1000);
                 if (!all) return send_internal(c.res, all.error().message);
                 json out = json::array();
                 for (const auto& f : *all) out.push_back(feedback_json(f, true));
                 send_json(c.res, 200, dump(out));
               }});
  r.push_back({"POST", "/api/feedback/{id}/decision",
               "Moderate a comment or report {decision: publish|reject, reply}: the office",
               Access::writing(service::Write::supervise), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 if (refused(c, service::refuse_write(c.user, service::Write::supervise, *p, nullptr), "feedback"))
                   return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 store::FeedbackDecision d;
                 d.decision = field(*parsed, "decision"), d.reply = field(*parsed, "reply");
                 if (d.decision != "publish" && d.decision != "reject")
                   return send_error(c.res, 400, "decision: publish or reject");
                 if (characters(d.reply) > kMaxFeedbackText)
                   return send_error(c.res, 400, "reply: at most 1000 characters");
                 if (c.arg.empty() || c.arg.size() > 18 || !std::all_of(c.arg.begin(), c.arg.end(), ::isdigit))
                   return send_error(c.res, 400, "the feedback's id is a number");
                 d.feedback_id = std::stoll(c.arg);
                 auto one = c.store.feedback(1, d.feedback_id);
                 if (!one) return send_internal(c.res, one.error().message);
                 if (one->empty()) return send_error(c.res, 404, "no feedback " + c.arg);
                 d.decided_by = c.user->username;
                 if (auto s = c.store.add_feedback_decision(d); !s) return send_internal(c.res, s.error().message);
                 send_json(
                     c.res, 201,
                     dump({{"id", d.feedback_id}, {"state", d.decision == "publish" ? "published" : "rejected"}}));
               }});
  return r;
}

}  // namespace shanshui::http
