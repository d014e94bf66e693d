// packet.cpp: HJ 212 framing (§6.3.1), data segment (§6.3.2) and CP (§6.3.3) parsing, replies.
#include "hj212/packet.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace shanshui::hj212 {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a == b) return true;  // the usual case: exact spelling
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
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

// Splits the CP region into "name=value" entries: ';' separates items and ',' separates values
// of one item; text between "//" markers (log text) is opaque.
std::vector<std::string_view> cp_entries(std::string_view cp) {
  std::vector<std::string_view> out;
  out.reserve(16);
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
      out.push_back(cp.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(cp.substr(start));
  return out;
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

Result<Packet> parse_data_segment(std::string_view data) {
  Packet p;
  size_t cp = data.find("CP=&&");
  if (cp == std::string_view::npos) {
    // Tolerate "CP=&& …" with spaces or lower case keys: look for "CP" then "=" then "&&".
    return fail("no CP=&&…&& data region");
  }
  size_t body = cp + 5;
  size_t end = data.rfind("&&");
  if (end == std::string_view::npos || end < body) return fail("the CP data region is not closed with &&");
  if (trim(data.substr(end + 2)).size()) p.warnings.push_back("text after the closing && ignored");
  p.cp_raw = std::string(data.substr(body, end - body));

  // Header: fields separated by ';' (a ',' also occurs in the standard's own examples).
  std::string_view header = data.substr(0, cp);
  if (!header.empty() && header.back() != ';') p.warnings.push_back("no ';' before CP");
  size_t start = 0;
  for (size_t i = 0; i <= header.size(); ++i) {
    if (i < header.size() && header[i] != ';' && header[i] != ',') continue;
    std::string_view field = trim(header.substr(start, i - start));
    if (i < header.size() && header[i] == ',') p.warnings.push_back("',' between header fields");
    start = i + 1;
    if (field.empty()) continue;
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return fail("header field '" + std::string(field) + "' has no '='");
    std::string_view key = trim(field.substr(0, eq)), value = trim(field.substr(eq + 1));
    std::string v(value);
    if (iequals(key, "QN"))
      p.qn = v;
    else if (iequals(key, "ST"))
      p.st = v;
    else if (iequals(key, "CN"))
      p.cn = v;
    else if (iequals(key, "PW"))
      p.pw = v;
    else if (iequals(key, "MN"))
      p.mn = v;
    else if (iequals(key, "Flag") || iequals(key, "PNUM") || iequals(key, "PNO")) {
      auto n = small_int(value);
      if (!n) return fail(std::string(key) + " '" + v + "' is not a number");
      (iequals(key, "Flag") ? p.flag : iequals(key, "PNUM") ? p.pnum : p.pno) = n;
    } else {
      p.extra_header.push_back({std::string(key), v});
    }
  }
  if (p.cn.empty()) return fail("no CN (command code)");
  if (p.mn.empty()) p.warnings.push_back("no MN");

  // CP items.
  p.items.reserve(8);
  for (std::string_view entry : cp_entries(p.cp_raw)) {
    entry = trim(entry);
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      p.warnings.push_back("CP entry '" + std::string(entry) + "' has no '='");
      continue;
    }
    std::string_view name = trim(entry.substr(0, eq));
    std::string value(trim(entry.substr(eq + 1)));
    size_t dash = name.find('-');
    if (dash == std::string_view::npos || dash == 0) {
      p.params.push_back({std::string(name), value});
      continue;
    }
    std::string code(name.substr(0, dash));
    std::string_view suffix = name.substr(dash + 1);
    if (!suffix.empty() && suffix.front() == '-') {
      p.warnings.push_back("'" + std::string(name) + "': doubled '-'");
      suffix.remove_prefix(1);
    }
    auto it = std::find_if(p.items.begin(), p.items.end(), [&](const CpItem& c) { return c.code == code; });
    if (it == p.items.end()) {
      p.items.push_back({code, {}});
      it = p.items.end() - 1;
      it->fields.reserve(2);
    }
    it->fields.push_back({std::string(suffix), value});
  }
  return p;
}

Result<DecodedFrame> decode_frame(std::string_view f, CrcMode mode) {
  while (!f.empty() && (f.back() == '\n' || f.back() == '\r')) f.remove_suffix(1);
  if (f.size() < 2 || f[0] != '#' || f[1] != '#') return fail("does not start with ##");
  if (f.size() < 10) return fail("too short for ##, a 4-digit length and a 4-digit CRC");
  auto declared = small_int(f.substr(2, 4));
  if (!declared || f.substr(2, 4).size() != 4)
    return fail("length field '" + std::string(f.substr(2, 4)) + "' is not 4 digits");
  DecodedFrame d;
  d.declared_length = *declared;
  std::string_view data = f.substr(6, f.size() - 10);
  d.data_bytes = data.size();
  d.crc = std::string(f.substr(f.size() - 4));
  auto carried = parse_crc_hex(d.crc);
  if (!carried) return fail("CRC field '" + d.crc + "' is not 4 hex digits");
  uint16_t expected = crc_for(mode, data);
  d.crc_expected = crc_hex(expected);
  d.crc_ok = *carried == expected;
  bool counts_chars = false;
  if (static_cast<size_t>(*declared) != d.data_bytes) {
    if (static_cast<size_t>(*declared) == utf8_chars(data)) {
      counts_chars = true;
    } else {
      return fail("declared length " + std::to_string(*declared) + " but the data segment has " +
                  std::to_string(d.data_bytes) + " bytes (CRC " + d.crc + ", expected " + d.crc_expected + ")");
    }
  }
  auto p = parse_data_segment(data);
  if (!p) return fail(p.error().message);
  d.packet = std::move(*p);
  if (counts_chars) d.packet.warnings.push_back("length counts UTF-8 characters, not bytes");
  return d;
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

std::string reply_segment(const Packet& p, std::string_view cn, std::string_view cp, ReplyPassword pw) {
  int version_bits = p.flag ? (*p.flag & ~3) : 0;
  std::string out;
  if (!p.qn.empty()) out += "QN=" + p.qn + ";";
  out += "ST=91;CN=" + std::string(cn) + ";PW=" + (pw == ReplyPassword::echoed ? p.pw : std::string()) + ";MN=" + p.mn +
         ";";
  if (p.flag) out += "Flag=" + std::to_string(version_bits) + ";";
  out += "CP=&&";
  if (p.qn.empty() && p.param("QN")) out += "QN=" + *p.param("QN") + (cp.empty() ? "" : ";");
  out += std::string(cp) + "&&";
  return out;
}

std::string frame(std::string_view data, CrcMode mode) {
  char len[8];
  std::snprintf(len, sizeof len, "%04zu", data.size());
  return "##" + std::string(len) + std::string(data) + crc_hex(crc_for(mode, data)) + "\r\n";
}

}  // namespace shanshui::hj212
