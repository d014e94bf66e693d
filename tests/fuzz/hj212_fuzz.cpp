// hj212_fuzz.cpp: libFuzzer target for the HJ 212 codec. Whatever the bytes, decoding must not
// crash, hang or read out of bounds (built with ASan and UBSan), and the stream scanner must
// always make progress.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hj212/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)shanshui::hj212::decode_frame(in);
  (void)shanshui::hj212::decode_frame(in, shanshui::hj212::CrcMode::modbus_swapped);
  (void)shanshui::hj212::parse_data_segment(in);
  std::string_view rest = in;
  for (int guard = 0; guard < 100000 && !rest.empty(); ++guard) {
    auto s = shanshui::hj212::scan_frame(rest, 1024);
    if (s.kind == shanshui::hj212::Scan::Kind::need_more) break;
    if (s.length == 0 || s.length > rest.size()) __builtin_trap();  // no progress or overrun
    if (s.kind == shanshui::hj212::Scan::Kind::frame) {
      auto d = shanshui::hj212::decode_frame(rest.substr(0, s.length));
      if (d) (void)shanshui::hj212::reply_segment(d->packet, "9014");
    }
    rest.remove_prefix(s.length);
  }
  return 0;
}
