// crc.cpp: HJ 212 Annex A CRC and the Modbus variants.
#include "hj212/crc.h"

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

// The standard CRC needs no 16-bit register between bytes: after reg = (reg >> 8) ^ byte only the
// low byte is set, so reg' = T[hi(reg) ^ byte] and only hi(reg) carries on. And T is linear over
// GF(2) (shifts and XORs): T[a ^ b] = T[a] ^ T[b]. So with H1[x] = hi(T[x]) and Hk = H1 applied k
// times, eight bytes move the carried byte h at once:
//   h' = H8[h ^ b0] ^ H7[b1] ^ H6[b2] ^ … ^ H1[b7]
// — eight independent lookups in 2 KiB of tables instead of a chain of eight (slicing by 8). The
// last byte takes the full 16-bit T.
struct Slices {
  uint8_t h[9][256];  // h[k] = Hk; h[0] unused
  constexpr Slices() : h{} {
    for (int x = 0; x < 256; ++x) h[1][x] = static_cast<uint8_t>(kTable.t[x] >> 8);
    for (int k = 2; k <= 8; ++k)
      for (int x = 0; x < 256; ++x) h[k][x] = h[1][h[k - 1][x]];
  }
};
constexpr Slices kSlices;

uint16_t crc_standard(std::string_view data) {
  if (data.empty()) return 0xFFFF;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t last = data.size() - 1;
  const auto& h = kSlices.h;
  uint8_t c = 0xFF;  // hi(0xFFFF)
  size_t i = 0;
  for (; i + 8 <= last; i += 8)
    c = static_cast<uint8_t>(h[8][c ^ p[i]] ^ h[7][p[i + 1]] ^ h[6][p[i + 2]] ^ h[5][p[i + 3]] ^ h[4][p[i + 4]] ^
                             h[3][p[i + 5]] ^ h[2][p[i + 6]] ^ h[1][p[i + 7]]);
  for (; i < last; ++i) c = h[1][c ^ p[i]];
  return kTable.t[c ^ p[last]];
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
