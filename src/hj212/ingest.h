// ingest.h: what the platform does with one received frame: check it against the station
// registry, turn its CP into observations, decide the reply — or say why it is quarantined.
// Pure (no sockets, no store): the listener and the tests share it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hj212/packet.h"
#include "store/store.h"

namespace shanshui::hj212 {

/// The registry the listener checks frames against (a snapshot; MN → station).
using Registry = std::map<std::string, store::Station>;

/// The outcome for one frame.
struct Handled {
  std::optional<store::IngestFrame> store;         // to store (then reply)
  std::optional<store::QuarantineRow> quarantine;  // refused, with the reason
  std::string reply;                               // a whole frame to send after storing, or ""
  std::string mn;
  bool wrong_password = false;  // refused for its password (the listener backs off)
  bool suspicious = false;      // refused before the sender was authenticated (counts
                                // towards dropping the connection)
};

/// The DataTime values accepted (ISO 8601, +08:00; "" = unbounded). A logger's clock that runs
/// years ahead, or a value planted for 2099, would otherwise take the slot of the genuine value.
struct TimeWindow {
  std::string earliest, latest;
};

/// Decides what to do with a frame (whole, with CR LF) from `peer`. `bound_mn` is the MN this
/// connection already spoke for ("" before its first accepted frame): another MN on the same
/// connection is refused. Rules (docs/reference/hj212.md §4.3): a CRC that fails in the station's mode, an
/// unknown MN, a wrong password or an unreadable frame are quarantined and get no reply; uploads
/// (2011 2031 2041 2051 2061 2081 3019 3020) are stored and answered with 9014 when Flag asks;
/// 1013 and the 2025 heartbeat 9015 are answered with 9013; 9011–9014 are stored, not answered.
/// Values whose DataTime lies outside `window` are quarantined with the window in the reason.
Handled handle_frame(std::string_view frame, const std::string& peer, const Registry& registry,
                     const std::string& bound_mn, const TimeWindow& window = {});

/// "20190924220000" (or with milliseconds) → "2019-09-24T22:00:00+08:00"; nullopt if not a time.
std::optional<std::string> data_time_iso(std::string_view data_time);

}  // namespace shanshui::hj212
