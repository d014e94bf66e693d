// hj212_json.cpp: decoded frames as JSON lines.
#include "export/hj212_json.h"

#include <nlohmann/json.hpp>

namespace shanshui::exporting {

std::string decoded_frame_json(const Result<hj212::DecodedFrame>& d) {
  using nlohmann::json;
  auto dump = [](const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); };
  if (!d) return dump({{"ok", false}, {"error", d.error().message}});
  const auto& p = d->packet;
  json cp = json::object();
  for (const auto& [k, v] : p.params) cp[k] = v;
  json items = json::object();
  for (const auto& it : p.items) {
    json fields = json::object();
    for (const auto& [k, v] : it.fields) fields[k] = v;
    items[it.code] = fields;
  }
  cp["items"] = items;
  auto opt = [](const std::optional<int>& v) { return v ? json(*v) : json(nullptr); };
  json j = {{"ok", d->crc_ok},
            {"version", p.version()},
            {"qn", p.qn.empty() ? json(nullptr) : json(p.qn)},
            {"st", p.st},
            {"cn", p.cn},
            {"pw", p.pw},
            {"mn", p.mn},
            {"flag", opt(p.flag)},
            {"pnum", opt(p.pnum)},
            {"pno", opt(p.pno)},
            {"crc", d->crc},
            {"crc_expected", d->crc_expected},
            {"crc_ok", d->crc_ok},
            {"length", d->declared_length},
            {"cp", cp},
            {"warnings", p.warnings}};
  if (!p.extra_header.empty()) {
    json extra = json::object();
    for (const auto& [k, v] : p.extra_header) extra[k] = v;
    j["header_extra"] = extra;
  }
  if (!d->crc_ok) j["error"] = "CRC mismatch: the frame carries " + d->crc + ", expected " + d->crc_expected;
  return dump(j);
}

}  // namespace shanshui::exporting
