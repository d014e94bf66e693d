// cli_hj212.cpp: `shanshui hj212 decode` and `shanshui hj212 crc`.
#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/context.h"
#include "export/hj212_json.h"
#include "hj212/crc.h"
#include "hj212/packet.h"

namespace shanshui::app {

int hj212_decode(const std::string& crc_mode) {
  auto mode = hj212::crc_mode_from_string(crc_mode);
  if (!mode) return refuse("--crc '" + crc_mode + "' is not standard, modbus or modbus-swapped");
  std::string line;
  int bad = 0;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto d = hj212::decode_frame(line, *mode);
    bad += !d || !d->crc_ok;
    std::cout << exporting::decoded_frame_json(d) << "\n";
  }
  return bad ? 2 : 0;
}

int hj212_crc(const std::string& text, const std::string& crc_mode) {
  auto mode = hj212::crc_mode_from_string(crc_mode);
  if (!mode) return refuse("--crc '" + crc_mode + "' is not standard, modbus or modbus-swapped");
  std::cout << hj212::crc_hex(hj212::crc_for(*mode, text)) << "\n";
  return 0;
}

}  // namespace shanshui::app
