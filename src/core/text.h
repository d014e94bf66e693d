// text.h: small UTF-8 string helpers (split on Chinese and ASCII separators, trim, display width).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shanshui::text {

/// Removes ASCII white space and the ideographic space (U+3000) at both ends.
std::string trim(std::string_view s);

/// Splits on any of the given separators (each a UTF-8 string such as "、" or ","), trimming
/// each piece and dropping empty ones.
std::vector<std::string> split_any(std::string_view s, const std::vector<std::string>& separators);

/// Percent-encodes for a URL (RFC 3986 §2.1): the unreserved characters (A–Z a–z 0–9 - _ . ~) and
/// those in `keep` stay; every other byte becomes %XX.
std::string percent_encode(std::string_view s, std::string_view keep = "");

/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// Columns a terminal uses to show s: 2 for East Asian wide characters, 1 otherwise.
int display_width(std::string_view s);

/// Pads s with spaces on the right up to `width` display columns (never truncates).
std::string pad_right(std::string_view s, int width);

/// Cuts s to at most `width` display columns, ending with "…" when cut.
std::string ellipsize(std::string_view s, int width);

/// True when s is valid UTF-8.
bool is_valid_utf8(std::string_view s);

/// Incremental SHA-256 (FIPS 180-4), for large files read in blocks.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  /// Lower-case hex digest; the hasher is spent afterwards.
  std::string hex();

 private:
  void block(const unsigned char* p);
  uint32_t h_[8];
  unsigned char buf_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

/// The bytes as lower-case hex, two digits each.
std::string hex(std::string_view bytes);

/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace shanshui::text
