// cli_exchange.cpp: `shanshui harvest` — a neighbour's SensorThings data (or its export file)
// into the partner tables (service/harvest.h). The one place the CLI speaks HTTP as a client;
// cpp-httplib stays in this file.
#include <httplib.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.h"
#include "app/context.h"
#include "core/file.h"
#include "service/auth.h"
#include "service/harvest.h"

namespace shanshui::app {
namespace {

constexpr size_t kMaxAnswer = 64 * 1024 * 1024;  // one page of a partner's answer

// "http://host:port/a/b?c" → ("http://host:port", "/a/b?c").
std::pair<std::string, std::string> split_url(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (path == std::string::npos) return {url, "/"};
  return {url.substr(0, path), url.substr(path)};
}

service::Fetch http_fetch(const std::string& token) {
  return [token](const std::string& url) -> Result<std::string> {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return fail(url.substr(0, 120) + ": not an http:// or https:// address");
    auto [origin, target] = split_url(url);
    httplib::Client client(origin);
    client.set_connection_timeout(10);
    client.set_read_timeout(60);
    httplib::Headers headers = {{"Accept", "application/json"}};
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    std::string body;
    bool too_big = false;
    auto res = client.Get(target, headers, [&](const char* data, size_t n) {
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

}  // namespace

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
