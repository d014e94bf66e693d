// warning_run.cpp: the pre-warning pass and the outbox delivery (see warning_run.h).
#include "service/warning_run.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/file.h"
#include "quality/water.h"
#include "service/sta_filter.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

// The values at one section in the window: the county's hourly averages, or a partner's harvested
// values of the Thing the section names.
Result<std::vector<Exceedance>> exceedances_at(store::Store& store, const RiverSection& s, const std::string& since,
                                               const std::string& until) {
  std::vector<Exceedance> out;
  if (s.own()) {
    auto obs = store.observations_between(s.station, since, until);
    SS_TRY(obs);
    for (const auto& o : *obs) {
      if (o.kind != "Avg" || (o.cn != "2061" && o.cn != "file") || !o.invalid.empty()) continue;
      if (auto e = exceedance(s, o.factor, o.value, o.data_time)) out.push_back(*e);
    }
    return out;
  }
  auto series = store.partner_series(s.owner);
  SS_TRY(series);
  for (const auto& x : *series) {
    if (x.thing != s.station) continue;
    auto values = store.partner_observations(s.owner, x.series, since, until, 100000, false);
    SS_TRY(values);
    for (const auto& v : *values)
      if (auto e = exceedance(s, x.property, v.result, v.phenomenon_start)) out.push_back(*e);
  }
  return out;
}

json payload_of(const RiverWarning& w, const std::string& recipient) {
  return {{"kind", "river_warning"},
          {"key", w.key},
          {"recipient", recipient},
          {"section", w.cause.section->id},
          {"section_name", w.cause.section->name},
          {"section_owner", w.cause.section->owner},
          {"factor", w.cause.factor},
          {"value", w.cause.value},
          {"class", quality::water_class_name(w.cause.cls)},
          {"target", quality::water_class_name(w.cause.section->target)},
          {"time", w.cause.time},
          {"downstream", w.downstream->id},
          {"downstream_name", w.downstream->name},
          {"downstream_owner", w.downstream->owner},
          {"distance_km", w.distance_km},
          {"arrival_from", w.arrival_from},
          {"arrival_to", w.arrival_to},
          {"text", w.text_zh},
          {"text_en", w.text_en}};
}

}  // namespace

Result<std::vector<Channel>> parse_channels(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin, {"recipient", "channel", "target"});
  SS_TRY(t);
  std::vector<Channel> out;
  for (const auto& r : t->records) {
    Channel c{r.fields[static_cast<size_t>(t->column("recipient"))],
              r.fields[static_cast<size_t>(t->column("channel"))], r.fields[static_cast<size_t>(t->column("target"))]};
    auto where = origin + ":" + std::to_string(r.line) + ": ";
    if (c.recipient.empty()) return fail(where + "recipient: a department id, a partner id or *");
    if (c.channel != "webhook") return fail(where + "channel: webhook, not '" + c.channel + "'");
    if (c.target.rfind("http://", 0) != 0 && c.target.rfind("https://", 0) != 0)
      return fail(where + "target: the webhook's http:// or https:// URL");
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Channel>> load_channels(const std::string& path) {
  auto text = read_file(path);
  SS_TRY(text);
  return parse_channels(*text, path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
}

// The keys already in the outbox: a pass queues only what is new, instead of attempting (and
// committing) an insert for every warning and notice every minute.
static Result<std::set<std::string>> queued_keys(store::Store& store) {
  std::set<std::string> keys;
  auto all = store.outbox(false, 1'000'000);
  SS_TRY(all);
  for (const auto& m : *all) keys.insert(m.key);
  return keys;
}

static Result<bool> queue_once(store::Store& store, std::set<std::string>& known, const store::OutboxMessage& m) {
  if (known.count(m.key)) return false;
  auto added = store.add_outbox(m);
  SS_TRY(added);
  known.insert(m.key);
  return *added;
}

Result<WarningPass> run_warnings(store::Store& store, const RiverNetwork& network, const std::vector<Channel>& channels,
                                 const std::string& since, const std::string& until) {
  WarningPass pass;
  auto known = queued_keys(store);
  SS_TRY(known);
  auto notices = store.notices();
  SS_TRY(notices);
  std::set<std::pair<std::string, std::string>> issued;  // (warning key, department)
  for (const auto& n : *notices)
    if (n.subject_kind == "warning") issued.insert({n.subject, n.department});
  auto queue = [&](const RiverWarning& w, const std::string& recipient) -> Status {
    for (const auto& c : channels) {
      if (c.recipient != recipient && c.recipient != "*") continue;
      store::OutboxMessage m;
      m.key = "warning|" + w.key + "|" + recipient + "|" + c.target;
      m.channel = c.channel;
      m.target = c.target;
      m.payload = payload_of(w, recipient).dump();
      auto added = queue_once(store, *known, m);
      SS_TRY(added);
      pass.messages_queued += *added ? 1 : 0;
    }
    return {};
  };
  for (const auto& section : network.sections()) {
    auto found = exceedances_at(store, section, since, until);
    SS_TRY(found);
    for (const auto& e : *found) {
      ++pass.exceedances;
      for (const auto& w : downstream_warnings(network, e)) {
        ++pass.warnings;
        if (w.downstream->own()) {
          for (const auto& dept : w.downstream->departments) {
            if (issued.count({w.key, dept})) continue;
            store::Notice n;
            n.subject_kind = "warning";
            n.subject = w.key;
            n.department = dept;
            n.due = w.arrival_to.substr(0, 10);
            n.request = w.text_zh;
            n.issued_by = "river-warning";
            n.issued_at = store::now_iso8601();
            auto id = store.add_notice(n);
            SS_TRY(id);
            issued.insert({w.key, dept});
            ++pass.notices_issued;
            SS_TRY(queue(w, dept));
          }
        } else {
          SS_TRY(queue(w, w.downstream->owner));  // a joint alarm for the partner downstream
        }
        if (!e.section->own()) SS_TRY(queue(w, e.section->owner));  // shared back to the partner upstream
      }
    }
  }
  return pass;
}

Result<int> queue_notices(store::Store& store, const std::vector<Channel>& channels) {
  if (channels.empty()) return 0;
  auto notices = store.notices();
  SS_TRY(notices);
  auto known = queued_keys(store);
  SS_TRY(known);
  int queued = 0;
  for (const auto& n : *notices) {
    if (n.subject_kind == "warning") continue;
    for (const auto& c : channels) {
      if (c.recipient != n.department && c.recipient != "*") continue;
      store::OutboxMessage m;
      m.key = "notice|" + std::to_string(n.id) + "|" + c.target;
      m.channel = c.channel;
      m.target = c.target;
      m.payload =
          json{{"kind", "notice"},        {"id", n.id},   {"recipient", n.department}, {"subject_kind", n.subject_kind},
               {"subject", n.subject},    {"due", n.due}, {"text", n.request},         {"issued_by", n.issued_by},
               {"issued_at", n.issued_at}}
              .dump();
      auto added = queue_once(store, *known, m);
      SS_TRY(added);
      queued += *added ? 1 : 0;
    }
  }
  return queued;
}

Result<DeliveryPass> deliver_outbox(store::Store& store, const Post& post, int64_t now_unix, int max_attempts,
                                    int backoff_s) {
  DeliveryPass pass;
  auto pending = store.outbox(true, 1000);
  SS_TRY(pending);
  for (const auto& m : *pending) {
    if (m.attempts >= max_attempts) {
      ++pass.given_up;
      continue;
    }
    if (m.attempts > 0) {
      auto last = sta::parse_time(m.last_attempt_at);
      int64_t wait = static_cast<int64_t>(backoff_s) << std::min(m.attempts - 1, 20);
      if (last && last->ms / 1000 + wait > now_unix) {
        ++pass.waiting;
        continue;
      }
    }
    auto status = post(m.target, m.payload, m.key);
    store::OutboxAttempt a;
    a.outbox_id = m.id;
    if (status && *status >= 200 && *status < 300) {
      a.outcome = "delivered";
      a.detail = "HTTP " + std::to_string(*status);
      ++pass.delivered;
    } else {
      a.outcome = "failed";
      a.detail = status ? "HTTP " + std::to_string(*status) : status.error().message.substr(0, 300);
      ++pass.failed;
    }
    SS_TRY(store.add_outbox_attempt(a));
  }
  return pass;
}

}  // namespace shanshui::service
