// labels.h: the words a user sees for the platform's codes (lens ratings, lenses, item statuses,
// roles, station kinds, supervision kinds, reads and writes), in Chinese and English — one catalogue
// for the server's explanations and the dashboard (served as /api/labels).
#pragma once

#include <map>
#include <string>

namespace shanshui::service {

enum class Lang { zh, en };

/// Every group of labels: group → code → label ("rating" → "on_track" → "按期实现").
const std::map<std::string, std::map<std::string, std::string>>& labels(Lang lang);

/// One label, or the code itself when the catalogue has none (never empty).
std::string label(Lang lang, const std::string& group, const std::string& code);

}  // namespace shanshui::service
