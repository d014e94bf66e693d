// csv.cpp: RFC 4180 parsing with line tracking.
#include "core/csv.h"

#include <sstream>

#include "core/decimal.h"
#include "core/text.h"

namespace shanshui {

int CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

Result<CsvTable> parse_data_csv(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& required) {
  std::string body;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) body += (line.rfind('#', 0) == 0 ? "" : line) + "\n";
  auto t = parse_csv(body, origin);
  if (!t) return tl::unexpected(t.error());
  for (const auto& c : required)
    if (t->column(c) < 0) return fail(origin + ":1: missing column '" + c + "'");
  return t;
}

Result<CsvTable> parse_csv(const std::string& input, const std::string& origin) {
  std::string_view s = input;
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  if (!text::is_valid_utf8(s)) return fail(origin + ": not valid UTF-8 (save the file as UTF-8 CSV)");
  std::vector<CsvRecord> all;
  CsvRecord rec;
  std::string field;
  int line = 1;
  rec.line = 1;
  size_t rec_start = 0;
  bool quoted = false, any = false;
  auto end_field = [&] {
    rec.fields.push_back(field);
    field.clear();
  };
  auto end_record = [&](size_t end) {
    end_field();
    rec.raw = std::string(s.substr(rec_start, end - rec_start));
    bool blank = rec.fields.size() == 1 && text::trim(rec.fields[0]).empty();
    if (!blank) all.push_back(std::move(rec));
    rec = CsvRecord{};
    rec.line = line;
    any = false;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      size_t end = i > 0 && s[i - 1] == '\r' ? i - 1 : i;
      ++line;
      end_record(end);
      rec_start = i + 1;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) return fail(origin + ":" + std::to_string(rec.line) + ": unterminated quoted field");
  if (any || !field.empty()) end_record(s.size());
  if (all.empty()) return fail(origin + ": empty file (expected a header row)");
  CsvTable t;
  for (auto& h : all.front().fields) t.header.push_back(text::trim(h));
  for (size_t i = 1; i < all.size(); ++i) t.records.push_back(std::move(all[i]));
  return t;
}

std::string neutralize_formula(const std::string& cell) {
  if (cell.empty()) return cell;
  char c = cell[0];
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return cell;
  // A plain number such as -3.5 or +2 stays a number.
  if ((c == '-' || c == '+') && cell.size() > 1 && Decimal::parse(cell.substr(c == '+' ? 1 : 0))) return cell;
  return "'" + cell;
}

std::string csv_escape(const std::string& raw) {
  std::string f = neutralize_formula(raw);
  if (f.find_first_of(",\"\r\n") == std::string::npos) return f;
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace shanshui
