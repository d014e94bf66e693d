// warning_run.h: one pass of the upstream pre-warning — the values since a time at every section
// of the river network (the county's stations, and partners' sections from their harvested
// series), their exceedances, and for each a warning to every section downstream: a 督办 notice
// of kind 'warning' to each responsible department (their inbox; answered and resolved like any
// notice, so acknowledgements and responses are recorded), and a message to each outbound channel
// of those departments and of the partners concerned (shared back). Each warning is issued and
// queued once, however often the pass runs. Then the outbox is delivered: every attempt recorded,
// retried with backoff, the message key sent as Idempotency-Key.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "service/river_warning.h"
#include "store/store.h"

namespace shanshui::service {

/// Where messages go (data/exchange/channels.csv): recipient (a department id, a partner id, or
/// "*" for every warning), channel ("webhook") and target (the URL).
struct Channel {
  std::string recipient, channel, target;
};
Result<std::vector<Channel>> parse_channels(const std::string& text, const std::string& origin);
Result<std::vector<Channel>> load_channels(const std::string& path);

struct WarningPass {
  int exceedances = 0, warnings = 0, notices_issued = 0, messages_queued = 0;
};

/// Looks at values with since <= time <= until (ISO at +08:00).
Result<WarningPass> run_warnings(store::Store& store, const RiverNetwork& network, const std::vector<Channel>& channels,
                                 const std::string& since, const std::string& until);

/// Queues every 督办 notice (not the warnings, queued with their pass) for the channels of the
/// department it is addressed to, once each: the notices reach people beyond the dashboard. Returns
/// the messages newly queued.
Result<int> queue_notices(store::Store& store, const std::vector<Channel>& channels);

/// POSTs a JSON body to a URL with an Idempotency-Key header; returns the HTTP status.
using Post = std::function<Result<int>(const std::string& url, const std::string& body, const std::string& key)>;

struct DeliveryPass {
  int delivered = 0, failed = 0, waiting = 0, given_up = 0;
};

/// Attempts every undelivered message whose backoff has passed: after the n-th failure it waits
/// 2^(n-1) × `backoff_s` seconds; after `max_attempts` failures it is given up (kept, listed).
Result<DeliveryPass> deliver_outbox(store::Store& store, const Post& post, int64_t now_unix, int max_attempts = 8,
                                    int backoff_s = 1);

}  // namespace shanshui::service
