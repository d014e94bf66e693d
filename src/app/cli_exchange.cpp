// cli_exchange.cpp: `shanshui harvest` — a neighbour's SensorThings data (or its export file)
// into the partner tables (service/harvest.h) — and `shanshui warn` — one upstream pre-warning
// pass and the outbox's delivery (service/warning_run.h). The one place the CLI speaks HTTP as a
// client (app/http_client.h); cpp-httplib stays in this file.
#include <httplib.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.h"
#include "app/context.h"
#include "app/http_client.h"
#include "core/file.h"
#include "service/auth.h"
#include "service/harvest.h"
#include "service/warning_run.h"

namespace shanshui::app {
namespace {

constexpr size_t kMaxAnswer = 64 * 1024 * 1024;  // one page of a partner's answer

// "http://host:port/a/b?c" → ("http://host:port", "/a/b?c"); only http:// and https://.
Result<std::pair<std::string, std::string>> split_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return fail(url.substr(0, 120) + ": not an http:// or https:// address");
  size_t path = url.find('/', url.find("://") + 3);
  if (path == std::string::npos) return std::make_pair(url, std::string("/"));
  return std::make_pair(url.substr(0, path), url.substr(path));
}

}  // namespace

service::Fetch http_fetch(const std::string& token) {
  return [token](const std::string& url) -> Result<std::string> {
    auto parts = split_url(url);
    SS_TRY(parts);
    httplib::Client client(parts->first);
    client.set_connection_timeout(10);
    client.set_read_timeout(60);
    httplib::Headers headers = {{"Accept", "application/json"}};
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    std::string body;
    bool too_big = false;
    auto res = client.Get(parts->second, headers, [&](const char* data, size_t n) {
      if (body.size() + n > kMaxAnswer) {
        too_big = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (too_big) return fail(url.substr(0, 120) + ": an answer larger than 64 MiB");
    if (!res) return fail(url.substr(0, 120) + ": " + httplib::to_string(res.error()));
    if (res->status != 200)
      return fail(url.substr(0, 120) + ": HTTP " + std::to_string(res->status) + " " + body.substr(0, 200));
    return body;
  };
}

service::Post http_post() {
  return [](const std::string& url, const std::string& body, const std::string& key) -> Result<int> {
    auto parts = split_url(url);
    SS_TRY(parts);
    httplib::Client client(parts->first);
    client.set_connection_timeout(5);
    client.set_read_timeout(15);
    httplib::Headers headers = {{"Idempotency-Key", key}};
    auto res = client.Post(parts->second, headers, body, "application/json");
    if (!res) return fail(url.substr(0, 120) + ": " + httplib::to_string(res.error()));
    return res->status;
  };
}

int warn(const Common& c, const WarnArgs& a) {
  auto network = service::RiverNetwork::load(
      a.network.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/data/exchange/river-network.csv" : a.network);
  if (!network) return refuse(network.error().message);
  auto channels = service::load_channels(
      a.channels.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/data/exchange/channels.csv" : a.channels);
  if (!channels) return refuse(channels.error().message);
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  int64_t now = unix_now();
  std::string since = a.since.empty() ? beijing_iso8601(now - 2 * 86400) : a.since;
  std::string until = a.until.empty() ? beijing_iso8601(now) : a.until;
  auto pass = service::run_warnings(**st, *network, *channels, since, until);
  if (!pass) return refuse(pass.error().message);
  auto notices = service::queue_notices(**st, *channels);
  if (!notices) return refuse(notices.error().message);
  service::DeliveryPass sent;
  if (!a.no_deliver) {
    auto d = service::deliver_outbox(**st, http_post(), now);
    if (!d) return refuse(d.error().message);
    sent = *d;
  }
  if (c.json) {
    std::cout << nlohmann::json{{"exceedances", pass->exceedances},
                                {"warnings", pass->warnings},
                                {"notices_issued", pass->notices_issued},
                                {"messages_queued", pass->messages_queued},
                                {"notices_queued", *notices},
                                {"delivered", sent.delivered},
                                {"failed", sent.failed},
                                {"waiting", sent.waiting},
                                {"given_up", sent.given_up}}
                     .dump()
              << "\n";
  } else {
    std::cout << "超标 " << pass->exceedances << " 次，下游预警 " << pass->warnings << " 条，新下发督办 "
              << pass->notices_issued << " 件，新消息 " << pass->messages_queued << " 条；发送成功 " << sent.delivered
              << "，失败 " << sent.failed << "，等待重试 " << sent.waiting << "，已放弃 " << sent.given_up << "\n";
  }
  return 0;
}

int harvest(const Common& c, const HarvestArgs& a) {
  if (!service::valid_partner_id(a.partner))
    return refuse("--partner: the partner's id (lowercase letters, digits, '-' or '_')");
  if (a.from.empty() == a.file.empty()) return refuse("give --from URL (its SensorThings service root) or --file FILE");
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  store::Partner p;
  p.partner = a.partner;
  p.name = a.name.empty() ? a.partner : a.name;
  p.licence = a.licence;
  std::string root = a.from;
  while (!root.empty() && root.back() == '/') root.pop_back();
  p.source = a.file.empty()
                 ? root
                 : "file:" + a.file.substr(a.file.rfind('/') == std::string::npos ? 0 : a.file.rfind('/') + 1);
  Result<service::HarvestReport> r = fail("");
  if (!a.file.empty()) {
    auto text = read_file(a.file);
    if (!text) return refuse(text.error().message);
    r = service::harvest_file(**st, p, *text);
  } else {
    std::string token;
    if (!a.token_file.empty()) {
      auto t = read_file(a.token_file);
      if (!t) return refuse(t.error().message);
      token = *t;
      while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
    }
    r = service::harvest(**st, p, root, http_fetch(token));
  }
  if (!r) return refuse(a.partner + ": " + r.error().message);
  if (c.json) {
    std::cout << nlohmann::json{{"partner", p.partner},
                                {"datastreams", r->datastreams},
                                {"series_added", r->stored.series_added},
                                {"observations_added", r->stored.observations_added},
                                {"observations_present", r->stored.observations_present},
                                {"cut_short", r->cut_short}}
                     .dump()
              << "\n";
  } else {
    std::cout << p.name << "（" << p.partner << "）：" << r->datastreams << " 个数据流，新增 " << r->stored.series_added
              << " 个，新增观测值 " << r->stored.observations_added << " 条，已有 " << r->stored.observations_present
              << " 条" << (r->cut_short ? "（已达单次上限，下次继续）" : "") << "\n";
  }
  return 0;
}

}  // namespace shanshui::app
