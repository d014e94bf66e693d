// http_client.h: the CLI's HTTP client (cpp-httplib, kept in cli_exchange.cpp): GET for harvesting
// a partner's SensorThings API, POST for the outbox's webhooks.
#pragma once

#include <string>

#include "service/harvest.h"
#include "service/warning_run.h"

namespace shanshui::app {

/// GETs with the bearer token (if any); answers over 64 MiB or not 200 are errors.
service::Fetch http_fetch(const std::string& token);
/// POSTs JSON with an Idempotency-Key header; the HTTP status.
service::Post http_post();

}  // namespace shanshui::app
