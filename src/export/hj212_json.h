// hj212_json.h: the JSON line `shanshui hj212 decode` prints for each frame (docs/contracts.md).
#pragma once

#include <string>

#include "core/result.h"
#include "hj212/packet.h"

namespace shanshui::exporting {

/// {"ok": true, "version", "qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "crc", "crc_expected",
///  "crc_ok", "length", "cp": {"DataTime": …, "items": {"a34004": {"Avg": "14", "Flag": "N"}}},
///  "warnings": […]} for a frame whose CRC verifies; {"ok": false, "error": …, plus the CRCs when
/// they were read} otherwise.
std::string decoded_frame_json(const Result<hj212::DecodedFrame>& d);

}  // namespace shanshui::exporting
