// crc.cpp: HJ 212 Annex A CRC and the Modbus variants.
#include "hj212/crc.h"

namespace shanshui::hj212 {

uint16_t crc_standard(std::string_view data) {
  uint16_t reg = 0xFFFF;
  for (unsigned char b : data) {
    reg = static_cast<uint16_t>((reg >> 8) ^ b);  // Annex A step 3: XOR with the register's high byte
    for (int i = 0; i < 8; ++i) {
      bool lsb = reg & 1;
      reg = static_cast<uint16_t>(reg >> 1);
      if (lsb) reg ^= 0xA001;
    }
  }
  return reg;
}

uint16_t crc_modbus(std::string_view data) {
  uint16_t reg = 0xFFFF;
  for (unsigned char b : data) {
    reg ^= b;
    for (int i = 0; i < 8; ++i) {
      bool lsb = reg & 1;
      reg = static_cast<uint16_t>(reg >> 1);
      if (lsb) reg ^= 0xA001;
    }
  }
  return reg;
}

const char* crc_mode_name(CrcMode m) {
  switch (m) {
    case CrcMode::standard: return "standard";
    case CrcMode::modbus: return "modbus";
    case CrcMode::modbus_swapped: return "modbus-swapped";
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
    case CrcMode::standard: return crc_standard(data);
    case CrcMode::modbus: return crc_modbus(data);
    case CrcMode::modbus_swapped: {
      uint16_t c = crc_modbus(data);
      return static_cast<uint16_t>((c << 8) | (c >> 8));
    }
  }
  return 0;
}

std::string crc_hex(uint16_t crc) {
  static const char* kHex = "0123456789ABCDEF";
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
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = static_cast<uint16_t>((v << 4) | d);
  }
  return v;
}

}  // namespace shanshui::hj212
