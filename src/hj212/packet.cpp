// packet.cpp: HJ 212 framing (§6.3.1), data segment (§6.3.2) and CP (§6.3.3) parsing, replies.
#include "hj212/packet.h"

#include <algorithm>
#include <cstdio>

namespace shanshui::hj212 {
namespace {

constexpr bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// The first `c` in a short field (a loop: cheaper than a call to memchr for a dozen bytes).
inline size_t index_of(std::string_view s, char c) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == c) return i;
  return std::string_view::npos;
}

// `b` is one of the standard's keys (ASCII letters): a letter's case is its 0x20 bit.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

std::optional<int> small_int(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Calls `fn` with each "name=value" entry of the CP region: ';' separates items and ','
// separates values of one item; text between "//" markers (log text) is opaque.
template <class Fn>
void for_each_cp_entry(std::string_view cp, Fn&& fn) {
  size_t start = 0;
  for (size_t i = 0; i < cp.size(); ++i) {
    if (cp[i] == '/' && i + 1 < cp.size() && cp[i + 1] == '/' && i > 0 && cp[i - 1] == '=') {
      size_t close = cp.find("//", i + 2);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    if (cp[i] == ';' || cp[i] == ',') {
      fn(cp.substr(start, i - start));
      start = i + 1;
    }
  }
  fn(cp.substr(start));
}

}  // namespace

const std::string* CpItem::get(std::string_view suffix) const {
  for (const auto& [k, v] : fields)
    if (k == suffix) return &v;
  return nullptr;
}

const std::string* Packet::param(std::string_view key) const {
  for (const auto& [k, v] : params)
    if (k == key) return &v;
  return nullptr;
}

std::string Packet::version() const {
  if (!flag) return "2005";
  switch ((*flag >> 2) & 0x3F) {
    case 0:
      return "2005";
    case 1:
      return "2017";
    case 2:
      return "2025";
    default:
      return "unknown";
  }
}

std::string describe(const DeviationAt& d) {
  switch (d.what) {
    case Deviation::text_after_cp:
      return "text after the closing && ignored";
    case Deviation::no_semicolon_before_cp:
      return "no ';' before CP";
    case Deviation::comma_between_fields:
      return "',' between header fields";
    case Deviation::no_mn:
      return "no MN";
    case Deviation::cp_entry_without_eq:
      return "CP entry '" + std::string(d.where) + "' has no '='";
    case Deviation::doubled_dash:
      return "'" + std::string(d.where) + "': doubled '-'";
    case Deviation::length_in_chars:
      return "length counts UTF-8 characters, not bytes";
  }
  return "?";
}

const std::string_view* FrameView::find(std::string_view code, std::string_view suffix) const {
  for (const auto& f : cp)
    if (f.code == code && f.suffix == suffix) return &f.value;
  return nullptr;
}

Status parse_data_segment(std::string_view data, FrameView& v) {
  v.qn = v.st = v.cn = v.pw = v.mn = v.cp_raw = {};
  v.flag = v.pnum = v.pno = std::nullopt;
  v.extra_header.clear();
  v.cp.clear();
  v.deviations.clear();
  size_t cp = data.find("CP=&&");
  if (cp == std::string_view::npos) return fail("no CP=&&…&& data region");
  size_t body = cp + 5;
  size_t end = data.rfind("&&");
  if (end == std::string_view::npos || end < body) return fail("the CP data region is not closed with &&");
  if (trim(data.substr(end + 2)).size()) v.deviations.push_back({Deviation::text_after_cp, {}});
  v.cp_raw = data.substr(body, end - body);

  // Header: fields separated by ';' (a ',' also occurs in the standard's own examples).
  std::string_view header = data.substr(0, cp);
  if (!header.empty() && header.back() != ';') v.deviations.push_back({Deviation::no_semicolon_before_cp, {}});
  size_t start = 0;
  for (size_t i = 0; i <= header.size(); ++i) {
    if (i < header.size() && header[i] != ';' && header[i] != ',') continue;
    std::string_view field = trim(header.substr(start, i - start));
    if (i < header.size() && header[i] == ',') v.deviations.push_back({Deviation::comma_between_fields, {}});
    start = i + 1;
    if (field.empty()) continue;
    size_t eq = index_of(field, '=');
    if (eq == std::string_view::npos) return fail("header field '" + std::string(field) + "' has no '='");
    std::string_view key = trim(field.substr(0, eq)), value = trim(field.substr(eq + 1));
    if (iequals(key, "QN"))
      v.qn = value;
    else if (iequals(key, "ST"))
      v.st = value;
    else if (iequals(key, "CN"))
      v.cn = value;
    else if (iequals(key, "PW"))
      v.pw = value;
    else if (iequals(key, "MN"))
      v.mn = value;
    else if (iequals(key, "Flag") || iequals(key, "PNUM") || iequals(key, "PNO")) {
      auto n = small_int(value);
      if (!n) return fail(std::string(key) + " '" + std::string(value) + "' is not a number");
      (iequals(key, "Flag") ? v.flag : iequals(key, "PNUM") ? v.pnum : v.pno) = n;
    } else {
      v.extra_header.emplace_back(key, value);
    }
  }
  if (v.cn.empty()) return fail("no CN (command code)");
  if (v.mn.empty()) v.deviations.push_back({Deviation::no_mn, {}});

  // CP entries: "code-suffix=value", or "name=value" for a parameter.
  for_each_cp_entry(v.cp_raw, [&](std::string_view entry) {
    entry = trim(entry);
    if (entry.empty()) return;
    size_t eq = index_of(entry, '=');
    if (eq == std::string_view::npos) {
      v.deviations.push_back({Deviation::cp_entry_without_eq, entry});
      return;
    }
    std::string_view name = trim(entry.substr(0, eq)), value = trim(entry.substr(eq + 1));
    size_t dash = index_of(name, '-');
    if (dash == std::string_view::npos || dash == 0) {
      v.cp.push_back({{}, name, value});
      return;
    }
    std::string_view suffix = name.substr(dash + 1);
    if (!suffix.empty() && suffix.front() == '-') {
      v.deviations.push_back({Deviation::doubled_dash, name});
      suffix.remove_prefix(1);
    }
    v.cp.push_back({name.substr(0, dash), suffix, value});
  });
  return {};
}

Status decode_frame(std::string_view f, CrcMode mode, FrameView& v) {
  while (!f.empty() && (f.back() == '\n' || f.back() == '\r')) f.remove_suffix(1);
  if (f.size() < 2 || f[0] != '#' || f[1] != '#') return fail("does not start with ##");
  if (f.size() < 10) return fail("too short for ##, a 4-digit length and a 4-digit CRC");
  auto declared = small_int(f.substr(2, 4));
  if (!declared || f.substr(2, 4).size() != 4)
    return fail("length field '" + std::string(f.substr(2, 4)) + "' is not 4 digits");
  std::string_view data = f.substr(6, f.size() - 10);
  v.crc = f.substr(f.size() - 4);
  auto carried = parse_crc_hex(v.crc);
  if (!carried) return fail("CRC field '" + std::string(v.crc) + "' is not 4 hex digits");
  v.crc_expected = crc_for(mode, data);
  v.crc_ok = *carried == v.crc_expected;
  bool counts_chars = false;
  if (static_cast<size_t>(*declared) != data.size()) {
    if (static_cast<size_t>(*declared) == utf8_chars(data)) {
      counts_chars = true;
    } else {
      return fail("declared length " + std::to_string(*declared) + " but the data segment has " +
                  std::to_string(data.size()) + " bytes (CRC " + std::string(v.crc) + ", expected " +
                  crc_hex(v.crc_expected) + ")");
    }
  }
  SS_TRY(parse_data_segment(data, v));
  v.declared_length = *declared;
  v.data_bytes = data.size();
  if (counts_chars) v.deviations.push_back({Deviation::length_in_chars, {}});
  return {};
}

Packet to_packet(const FrameView& v) {
  Packet p;
  p.qn = v.qn;
  p.st = v.st;
  p.cn = v.cn;
  p.pw = v.pw;
  p.mn = v.mn;
  p.flag = v.flag;
  p.pnum = v.pnum;
  p.pno = v.pno;
  p.cp_raw = v.cp_raw;
  for (const auto& [k, x] : v.extra_header) p.extra_header.emplace_back(k, x);
  for (const auto& f : v.cp) {
    if (f.code.empty()) {
      p.params.emplace_back(f.suffix, f.value);
      continue;
    }
    auto it = std::find_if(p.items.begin(), p.items.end(), [&](const CpItem& c) { return c.code == f.code; });
    if (it == p.items.end()) {
      p.items.push_back({std::string(f.code), {}});
      it = p.items.end() - 1;
    }
    it->fields.emplace_back(f.suffix, f.value);
  }
  for (const auto& d : v.deviations) p.warnings.push_back(describe(d));
  return p;
}

Result<Packet> parse_data_segment(std::string_view data) {
  FrameView v;
  SS_TRY(parse_data_segment(data, v));
  return to_packet(v);
}

DecodedFrame to_decoded(const FrameView& v) {
  DecodedFrame d;
  d.packet = to_packet(v);
  d.crc = std::string(v.crc);
  d.crc_expected = crc_hex(v.crc_expected);
  d.crc_ok = v.crc_ok;
  d.declared_length = v.declared_length;
  d.data_bytes = v.data_bytes;
  return d;
}

Result<DecodedFrame> decode_frame(std::string_view f, CrcMode mode) {
  FrameView v;
  SS_TRY(decode_frame(f, mode, v));
  return to_decoded(v);
}

Scan scan_frame(std::string_view b, size_t max_data) {
  Scan s;
  size_t start = b.find("##");
  if (start == std::string_view::npos) {
    // Keep a trailing '#' that may begin the next header.
    size_t keep = !b.empty() && b.back() == '#' ? 1 : 0;
    if (b.size() > keep) return {Scan::Kind::skip, b.size() - keep, "no ## header"};
    return s;
  }
  if (start > 0) return {Scan::Kind::skip, start, "bytes before ##"};
  if (b.size() < 6) return s;
  auto len = small_int(b.substr(2, 4));
  // One byte only: "###0036…" hides a real header one byte further on.
  if (!len) return {Scan::Kind::skip, 1, "length field '" + std::string(b.substr(2, 4)) + "' is not 4 digits"};
  if (static_cast<size_t>(*len) > max_data)
    return {Scan::Kind::skip, 2,
            "declared length " + std::to_string(*len) + " exceeds the limit " + std::to_string(max_data)};
  size_t total = 6 + static_cast<size_t>(*len) + 4;
  if (b.size() >= total + 2 && b[total] == '\r' && b[total + 1] == '\n') return {Scan::Kind::frame, total + 2, ""};
  // The CR LF is not where the byte count puts it: a device that counts characters, or a wrong
  // length. End the frame at the first CR LF within the limit instead.
  size_t limit = std::min(b.size(), 6 + max_data + 4 + 2);
  size_t crlf = b.substr(0, limit).find("\r\n", 6);
  if (crlf != std::string_view::npos) {
    size_t next = b.find("##", 2);
    if (next != std::string_view::npos && next < crlf)
      return {Scan::Kind::skip, next, "frame cut short before the next ##"};
    return {Scan::Kind::frame, crlf + 2, ""};
  }
  if (b.size() >= 6 + max_data + 4 + 2) return {Scan::Kind::skip, 2, "no CR LF within the frame limit"};
  return s;  // need more bytes
}

namespace {
std::string reply(std::string_view qn, std::string_view pw_sent, std::string_view mn, std::optional<int> flag,
                  const std::string_view* qn_param, std::string_view cn, std::string_view cp, ReplyPassword pw) {
  int version_bits = flag ? (*flag & ~3) : 0;
  std::string out;
  if (!qn.empty()) out.append("QN=").append(qn).append(";");
  out.append("ST=91;CN=").append(cn).append(";PW=");
  if (pw == ReplyPassword::echoed) out.append(pw_sent);
  out.append(";MN=").append(mn).append(";");
  if (flag) out += "Flag=" + std::to_string(version_bits) + ";";
  out += "CP=&&";
  if (qn.empty() && qn_param) out.append("QN=").append(*qn_param).append(cp.empty() ? "" : ";");
  out.append(cp).append("&&");
  return out;
}
}  // namespace

std::string reply_segment(const Packet& p, std::string_view cn, std::string_view cp, ReplyPassword pw) {
  const std::string* q = p.param("QN");
  std::string_view qv = q ? std::string_view(*q) : std::string_view();
  return reply(p.qn, p.pw, p.mn, p.flag, q ? &qv : nullptr, cn, cp, pw);
}

std::string reply_segment(const FrameView& p, std::string_view cn, std::string_view cp, ReplyPassword pw) {
  return reply(p.qn, p.pw, p.mn, p.flag, p.find({}, "QN"), cn, cp, pw);
}

std::string frame(std::string_view data, CrcMode mode) {
  char len[8];
  std::snprintf(len, sizeof len, "%04zu", data.size());
  return "##" + std::string(len) + std::string(data) + crc_hex(crc_for(mode, data)) + "\r\n";
}

}  // namespace shanshui::hj212
