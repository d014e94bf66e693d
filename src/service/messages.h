// messages.h: the server's refusals in Chinese — the catalogue data/i18n/messages.tsv (English
// pattern → Chinese pattern, compiled into the binary) and the one function that looks a message
// up. The API sends both: "error" in Chinese, "error_en" as written.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shanshui::service {

/// The Chinese of a server message, or nullopt when no pattern of the catalogue matches it.
/// A varying part ("{}") is kept as sent, or translated in turn when it is itself a message
/// ("as_of: not a date …").
std::optional<std::string> message_zh(const std::string& en);

/// The catalogue's rows as written (English pattern, Chinese pattern), for checks.
const std::vector<std::pair<std::string, std::string>>& message_catalogue();

}  // namespace shanshui::service
