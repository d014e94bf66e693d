// packet.h: HJ 212 frames and data segments (2005, 2017, 2025 framing), decoded tolerantly:
// header fields in any order, unknown fields kept, CP items grouped by factor code. Pure: no
// I/O, no exceptions, never reads past the input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "hj212/crc.h"

namespace shanshui::hj212 {

/// One factor's values in CP: "a34004-Avg=14,a34004-Flag=N" → {code a34004, {Avg 14, Flag N}}.
struct CpItem {
  std::string code;
  std::vector<std::pair<std::string, std::string>> fields;  // suffix → value, as sent
  const std::string* get(std::string_view suffix) const;
};

/// A parsed data segment (QN ST CN PW MN Flag PNUM PNO CP).
struct Packet {
  std::string qn, st, cn, pw, mn;
  std::optional<int> flag, pnum, pno;
  std::vector<std::pair<std::string, std::string>> extra_header;  // fields the standard does not name, kept
  std::vector<std::pair<std::string, std::string>> params;        // CP keys without a factor code (DataTime …)
  std::vector<CpItem> items;                                      // CP items by factor code, in order
  std::string cp_raw;                                             // the data region between CP=&& and &&
  std::vector<std::string> warnings;                              // tolerated deviations, in words

  /// "2005" (no Flag, or version bits 000000), "2017" (000001), "2025" (000010), else "unknown".
  std::string version() const;
  /// Flag bit A: the sender wants a reply.
  bool wants_reply() const { return flag && (*flag & 1); }
  /// Flag bit D: the packet is one of several (PNUM/PNO).
  bool is_split() const { return flag && (*flag & 2); }
  const std::string* param(std::string_view key) const;
};

/// A deviation from the standard that was tolerated (docs/reference/hj212.md §7.4), with the text
/// concerned (a CP entry or name; empty when none).
enum class Deviation : uint8_t {
  text_after_cp,
  no_semicolon_before_cp,
  comma_between_fields,
  no_mn,
  cp_entry_without_eq,
  doubled_dash,
  length_in_chars
};
struct DeviationAt {
  Deviation what;
  std::string_view where;
};
/// The deviation in words, as Packet::warnings carries it.
std::string describe(const DeviationAt& d);

/// One CP value: the factor code ("" for a parameter such as DataTime), the field's suffix (the
/// parameter's name for a parameter) and the value, as sent (trimmed).
struct CpField {
  std::string_view code, suffix, value;
};

/// A frame decoded into views of the caller's bytes: nothing is copied, and when one FrameView is
/// decoded into frame after frame its vectors keep their capacity, so the hot path allocates
/// nothing. Valid while the frame's bytes are.
struct FrameView {
  std::string_view qn, st, cn, pw, mn, cp_raw;
  std::optional<int> flag, pnum, pno;
  std::vector<std::pair<std::string_view, std::string_view>> extra_header;
  std::vector<CpField> cp;  // in the order sent
  std::vector<DeviationAt> deviations;
  std::string_view crc;  // as carried
  uint16_t crc_expected = 0;
  bool crc_ok = false;
  int declared_length = 0;
  size_t data_bytes = 0;

  /// The value of `code`-`suffix` ("" code: the parameter `suffix`), or null.
  const std::string_view* find(std::string_view code, std::string_view suffix) const;
  bool wants_reply() const { return flag && (*flag & 1); }
};

/// parse_data_segment into views (the same rules and refusals).
Status parse_data_segment(std::string_view data, FrameView& out);
/// decode_frame into views (the same rules and refusals); crc_ok says whether the CRC matched.
Status decode_frame(std::string_view frame, CrcMode mode, FrameView& out);
/// The owning packet of a view: items grouped by factor code in order of first appearance,
/// deviations in words.
Packet to_packet(const FrameView& v);

/// Parses a data segment. Refuses only what cannot be read (no CP=&&…&& region, a field without
/// '=', a non-numeric Flag/PNUM/PNO); tolerates the deviations docs/reference/hj212.md §7.4 lists, with warnings.
Result<Packet> parse_data_segment(std::string_view data);

/// A decoded frame: the packet, the CRC as carried and as computed, and what the length said.
struct DecodedFrame {
  Packet packet;
  std::string crc;           // as carried
  std::string crc_expected;  // computed in the station's CRC mode, uppercase
  bool crc_ok = false;       // case-insensitive equality
  int declared_length = 0;
  size_t data_bytes = 0;
};

/// Decodes one whole frame "##LLLL<data segment>CCCC" (a trailing CR LF or LF is allowed).
/// Refused: no "##", a length that is not 4 digits, a CRC that is not 4 hex digits, a declared
/// length that is neither the data segment's bytes nor its UTF-8 characters, an unreadable data
/// segment. A CRC mismatch is not refused here: crc_ok says it, and the caller decides.
Result<DecodedFrame> decode_frame(std::string_view frame, CrcMode mode = CrcMode::standard);
/// The owning decoded frame of a view: what decode_frame above returns.
DecodedFrame to_decoded(const FrameView& v);

/// What a stream scanner found at the front of a buffer.
struct Scan {
  enum class Kind { frame, need_more, skip } kind = Kind::need_more;
  size_t length = 0;   // frame: bytes of the whole frame incl. CR LF; skip: bytes to discard
  std::string reason;  // skip: why
};

/// Finds the next frame in a TCP byte stream (sticky and half packets): discards bytes before
/// "##", waits for the length digits, and takes `##` + 4 + length + 4 bytes + CR LF. If the CR LF
/// is not where the byte length puts it (a device counting UTF-8 characters), the first CR LF
/// within the frame limit ends the frame instead. Declared lengths above max_data are skipped.
Scan scan_frame(std::string_view buffer, size_t max_data);

/// The data segment of a reply to `p`: QN of the packet answered, ST=91, CN and MN copied, PW
/// withheld unless `pw` says echoed,
/// Flag with the sender's version bits and no reply wanted (4 for 2017), and `cp` as the data
/// region (e.g. "QnRtn=1"). 2005 devices without QN get the QN inside CP (docs/reference/hj212.md §4.3).
/// Whether a reply carries the station's password back, as the standard's examples do. The
/// platform withholds it (an empty PW field): an acknowledgement must not confirm a guessed password.
enum class ReplyPassword { withheld, echoed };
std::string reply_segment(const Packet& p, std::string_view cn, std::string_view cp = "",
                          ReplyPassword pw = ReplyPassword::withheld);
std::string reply_segment(const FrameView& p, std::string_view cn, std::string_view cp = "",
                          ReplyPassword pw = ReplyPassword::withheld);

/// Wraps a data segment into a frame: "##" + 4-digit byte length + data + CRC + CR LF.
std::string frame(std::string_view data, CrcMode mode = CrcMode::standard);

}  // namespace shanshui::hj212
