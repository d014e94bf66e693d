// ingest.cpp: frame → registry checks → observations and reply, or quarantine.
#include "hj212/ingest.h"

#include <cstdio>

#include "core/civil_time.h"
#include "core/decimal.h"
#include "hj212/factors.h"

namespace shanshui::hj212 {
namespace {

bool is_upload(std::string_view cn) {
  for (const char* c : {"2011", "2021", "2031", "2041", "2051", "2061", "2081", "3019", "3020"})
    if (cn == c) return true;
  return false;
}

bool carries_values(std::string_view cn) { return cn == "2011" || cn == "2031" || cn == "2051" || cn == "2061"; }

// The value suffixes stored as observations (flags and times are attributes, not values).
bool is_value_suffix(std::string_view s) {
  for (const char* v :
       {"Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax", "Data", "DayData", "NightData"})
    if (s == v) return true;
  return false;
}

// Pre-reads the MN so the station's CRC mode can be used to verify the frame.
std::string peek_mn(std::string_view frame) {
  size_t at = frame.find("MN=");
  while (at != std::string_view::npos && at > 0 && frame[at - 1] != ';' && frame[at - 1] != ',' && frame[at - 1] != ' ')
    at = frame.find("MN=", at + 3);
  if (at == std::string_view::npos) return "";
  size_t end = frame.find_first_of(";,&", at + 3);
  return std::string(frame.substr(at + 3, end == std::string_view::npos ? std::string_view::npos : end - at - 3));
}

}  // namespace

std::optional<std::string> data_time_iso(std::string_view t) {
  if (t.size() != 14 && t.size() != 17) return std::nullopt;
  for (char c : t)
    if (c < '0' || c > '9') return std::nullopt;
  std::string date =
      std::string(t.substr(0, 4)) + "-" + std::string(t.substr(4, 2)) + "-" + std::string(t.substr(6, 2));
  auto d = Date::parse(date);
  if (!d) return std::nullopt;
  int h = (t[8] - '0') * 10 + (t[9] - '0'), m = (t[10] - '0') * 10 + (t[11] - '0'),
      s = (t[12] - '0') * 10 + (t[13] - '0');
  if (h > 23 || m > 59 || s > 59) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+08:00", d->iso().c_str(), h, m, s);
  return std::string(buf);
}

Handled handle_frame(std::string_view frame, const std::string& peer, const Registry& registry,
                     const std::string& bound_mn, const TimeWindow& window) {
  Handled h;
  bool authenticated = false;
  auto refuse = [&](const std::string& mn, const std::string& reason) {
    h.quarantine = store::QuarantineRow{0, "", peer, mn, reason, std::string(frame)};
    h.mn = mn;
    h.suspicious = !authenticated;
    return h;
  };
  std::string mn = peek_mn(frame);
  auto it = registry.find(mn);
  CrcMode mode = CrcMode::standard;
  if (it != registry.end()) mode = crc_mode_from_string(it->second.crc_mode).value_or(CrcMode::standard);
  // One view per thread, reused frame after frame: decoding allocates nothing once it has grown.
  thread_local FrameView p;
  if (auto d = decode_frame(frame, mode, p); !d) return refuse(mn, d.error().message);
  const std::string pmn(p.mn);
  if (!p.crc_ok)
    return refuse(pmn, "CRC mismatch: the frame carries " + std::string(p.crc) + ", expected " +
                           crc_hex(p.crc_expected) + " (" + crc_mode_name(mode) + ")");
  if (it == registry.end() || pmn != mn) return refuse(pmn, "unknown MN '" + pmn + "' (not in the station registry)");
  const store::Station& st = it->second;
  if (!st.password.empty() && p.pw != st.password) {
    h.wrong_password = true;
    return refuse(pmn, "wrong password for MN " + pmn);
  }
  if (!bound_mn.empty() && bound_mn != pmn)
    return refuse(pmn, "MN " + pmn + " on a connection that spoke for " + bound_mn);
  authenticated = true;
  h.mn = pmn;

  if (p.cn == "1013" || p.cn == "9015") {  // time-calibration request, 2025 heartbeat
    h.reply = hj212::frame(reply_segment(p, "9013"), mode);
    return h;
  }
  const std::string cn(p.cn);
  store::IngestFrame f{std::string(frame), peer, pmn, cn, {}};
  if (carries_values(p.cn)) {
    const std::string_view* dt = p.find({}, "DataTime");
    if (!dt) return refuse(pmn, "CN " + cn + " without DataTime");
    auto iso = data_time_iso(*dt);
    if (!iso) return refuse(pmn, "DataTime '" + std::string(*dt) + "' is not YYYYMMDDhhmmss");
    if ((!window.earliest.empty() && *iso < window.earliest) || (!window.latest.empty() && *iso > window.latest))
      return refuse(pmn,
                    "DataTime " + *iso + " is outside the accepted window " + window.earliest + " … " + window.latest);
    for (const auto& field : p.cp) {
      if (field.code.empty() || !is_value_suffix(field.suffix)) continue;
      auto num = Decimal::parse(field.value);
      if (!num)
        return refuse(pmn, "malformed CP: " + std::string(field.code) + "-" + std::string(field.suffix) + "='" +
                               std::string(field.value) + "' is not a number");
      // Impossible values are kept (and acknowledged, so the logger does not resend them) with
      // the reason; every assessment leaves them out.
      const std::string code(field.code);
      auto why = implausible(code, *num);
      const std::string_view* flag = p.find(field.code, "Flag");
      f.observations.push_back({0, pmn, code, cn, *iso, std::string(field.suffix), std::string(field.value),
                                flag ? std::string(*flag) : "", unit_for(code, st.units), 0, "", why.value_or("")});
    }
  }
  if (p.wants_reply() && is_upload(p.cn)) h.reply = hj212::frame(reply_segment(p, "9014"), mode);
  h.store = std::move(f);
  return h;
}

}  // namespace shanshui::hj212
