// crc.h: the CRC of HJ 212 (Annex A, "ANSI CRC16") and the variants real data loggers send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shanshui::hj212 {

/// HJ 212-2017 Annex A: register 0xFFFF; per byte, reg = (reg >> 8) ^ byte, then 8 rounds of
/// shift right with 0xA001 on a carried-out 1. Not CRC-16/MODBUS. Over the data segment's bytes.
uint16_t crc_standard(std::string_view data);
/// CRC-16/MODBUS (init 0xFFFF, reflected poly 0xA001), which some field devices send instead.
uint16_t crc_modbus(std::string_view data);

/// How a station computes its CRC: the standard's, Modbus, or Modbus printed low byte first
/// (all three seen in the field: docs/reference/hj212.md §2.4).
enum class CrcMode { standard, modbus, modbus_swapped };
const char* crc_mode_name(CrcMode m);
std::optional<CrcMode> crc_mode_from_string(std::string_view s);

/// The CRC a station in `mode` would carry for `data`.
uint16_t crc_for(CrcMode mode, std::string_view data);

/// Four uppercase hex digits, zero-padded (send uppercase; compare case-insensitively).
std::string crc_hex(uint16_t crc);
/// Parses four hex digits (either case); nullopt otherwise.
std::optional<uint16_t> parse_crc_hex(std::string_view s);

}  // namespace shanshui::hj212
