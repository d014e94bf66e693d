// messages.cpp: pattern lookup over the message catalogue (see messages.h).
#include "service/messages.h"

#include <sstream>
#include <string_view>

namespace shanshui::service {

// The catalogue file, embedded at build time (src/CMakeLists.txt → i18n_catalogue.cpp).
extern const char* const kMessagesTsv;

namespace {

std::vector<std::pair<std::string, std::string>> parse_tsv(const char* text) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;  // the catalogue test refuses such a line
    rows.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return rows;
}

struct Pattern {
  std::vector<std::string> literals;  // around the holes: holes + 1 of them
  std::string zh;
};

std::vector<Pattern> compile() {
  std::vector<Pattern> out;
  for (const auto& [en, zh] : message_catalogue()) {
    Pattern p;
    p.zh = zh;
    size_t from = 0;
    for (size_t hole; (hole = en.find("{}", from)) != std::string::npos; from = hole + 2)
      p.literals.push_back(en.substr(from, hole - from));
    p.literals.push_back(en.substr(from));
    out.push_back(std::move(p));
  }
  return out;
}

// The parts of `s` in the holes of `p`, or false. Middle literals match their first occurrence;
// the last one must end the message.
bool match(const Pattern& p, std::string_view s, std::vector<std::string>* parts) {
  const auto& lit = p.literals;
  if (s.substr(0, lit[0].size()) != lit[0]) return false;
  size_t pos = lit[0].size();
  parts->clear();
  for (size_t i = 1; i < lit.size(); ++i) {
    size_t at;
    if (i + 1 == lit.size()) {
      if (s.size() < pos + lit[i].size() || s.substr(s.size() - lit[i].size()) != lit[i]) return false;
      at = s.size() - lit[i].size();
    } else {
      at = s.find(lit[i], pos);
      if (at == std::string_view::npos) return false;
    }
    parts->emplace_back(s.substr(pos, at - pos));
    pos = at + lit[i].size();
  }
  return lit.size() > 1 || s.size() == lit[0].size();
}

std::optional<std::string> translate(const std::string& en, int depth) {
  static const std::vector<Pattern> patterns = compile();
  std::vector<std::string> parts;
  for (const auto& p : patterns) {
    if (!match(p, en, &parts)) continue;
    if (depth < 3)
      for (auto& part : parts)
        if (auto zh = translate(part, depth + 1)) part = *zh;
    // "{}" takes the parts in order; "{1}" names one (the Chinese may reorder them).
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < p.zh.size(); ++i) {
      if (p.zh[i] == '{' && i + 1 < p.zh.size() && p.zh[i + 1] == '}') {
        if (next < parts.size()) out += parts[next++];
        ++i;
      } else if (p.zh[i] == '{' && i + 2 < p.zh.size() && p.zh[i + 2] == '}' && p.zh[i + 1] >= '0' &&
                 p.zh[i + 1] <= '9') {
        size_t k = static_cast<size_t>(p.zh[i + 1] - '0');
        if (k < parts.size()) out += parts[k];
        i += 2;
      } else {
        out += p.zh[i];
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& message_catalogue() {
  static const auto rows = parse_tsv(kMessagesTsv);
  return rows;
}

std::optional<std::string> message_zh(const std::string& en) { return translate(en, 0); }

}  // namespace shanshui::service
