// crc.cpp: HJ 212 Annex A CRC and the Modbus variants.
#include "hj212/crc.h"

#include <vector>

namespace shanshui::hj212 {

namespace {

// T[i] = eight rounds of "shift right, XOR 0xA001 on a carried-out 1" applied to i: the whole
// per-byte step of both CRCs below, looked up instead of computed bit by bit.
struct Table {
  uint16_t t[256];
  constexpr Table() : t{} {
    for (int i = 0; i < 256; ++i) {
      uint16_t r = static_cast<uint16_t>(i);
      for (int k = 0; k < 8; ++k) r = static_cast<uint16_t>((r & 1) ? (r >> 1) ^ 0xA001 : r >> 1);
      t[i] = r;
    }
  }
};
constexpr Table kTable;

}  // namespace

// Two bytes per lookup: only the register's high byte carries from one byte to the next, so
// T2[(x << 8) | b1] = T[hi(T[x]) ^ b1] folds two steps into one (128 KiB, built once).
const uint16_t* pair_table() {
  static const std::vector<uint16_t> t2 = [] {
    std::vector<uint16_t> t(65536);
    for (int x = 0; x < 256; ++x)
      for (int b = 0; b < 256; ++b) t[static_cast<size_t>(x << 8 | b)] = kTable.t[((kTable.t[x] >> 8) ^ b) & 0xFF];
    return t;
  }();
  return t2.data();
}

uint16_t crc_standard(std::string_view data) {
  // Annex A: reg = (reg >> 8) ^ byte — which leaves only a low byte — then the eight rounds.
  static const uint16_t* t2 = pair_table();
  uint16_t reg = 0xFFFF;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size(), i = 0;
  for (; i + 1 < n; i += 2) reg = t2[static_cast<size_t>((((reg >> 8) ^ p[i]) & 0xFF) << 8 | p[i + 1])];
  if (i < n) reg = kTable.t[((reg >> 8) ^ p[i]) & 0xFF];
  return reg;
}

uint16_t crc_modbus(std::string_view data) {
  uint16_t reg = 0xFFFF;
  for (unsigned char b : data) reg = static_cast<uint16_t>((reg >> 8) ^ kTable.t[(reg ^ b) & 0xFF]);
  return reg;
}

const char* crc_mode_name(CrcMode m) {
  switch (m) {
    case CrcMode::standard:
      return "standard";
    case CrcMode::modbus:
      return "modbus";
    case CrcMode::modbus_swapped:
      return "modbus-swapped";
  }
  return "?";
}

std::optional<CrcMode> crc_mode_from_string(std::string_view s) {
  for (auto m : {CrcMode::standard, CrcMode::modbus, CrcMode::modbus_swapped})
    if (s == crc_mode_name(m)) return m;
  return std::nullopt;
}

uint16_t crc_for(CrcMode mode, std::string_view data) {
  switch (mode) {
    case CrcMode::standard:
      return crc_standard(data);
    case CrcMode::modbus:
      return crc_modbus(data);
    case CrcMode::modbus_swapped: {
      uint16_t c = crc_modbus(data);
      return static_cast<uint16_t>((c << 8) | (c >> 8));
    }
  }
  return 0;
}

std::string crc_hex(uint16_t crc) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i) {
    s[static_cast<size_t>(i)] = kHex[crc & 0xF];
    crc = static_cast<uint16_t>(crc >> 4);
  }
  return s;
}

std::optional<uint16_t> parse_crc_hex(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  uint16_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = static_cast<uint16_t>((v << 4) | d);
  }
  return v;
}

}  // namespace shanshui::hj212
