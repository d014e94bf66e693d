// air_csv.cpp: the fast hourly-air CSV reader (pread in blocks, a thread per chunk, then a merge).
#include "service/air_csv.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <thread>

#include "core/civil_time.h"
#include "core/text.h"

namespace shanshui::service {
namespace {

using quality::Hp;
using quality::kHourly;
using quality::kMissing;

constexpr const char* kValueColumns[kHourly] = {"so2", "no2", "pm10", "co", "o3", "pm25"};

struct Layout {
  int station = -1, time = -1, flag = -1;
  std::array<int, kHourly> value{};
  int fields = 0;
  // What each column is, for the one-pass fast path: -1 ignored, -2 station, -3 time, -4 flag,
  // k ≥ 0 the value column k.
  std::vector<int> role;
};

// Parses plain "123", "12.5", "0.75" (≤ 3 decimals, no sign, no spaces) into 1/1000 units;
// false for anything else, which then takes the careful path.
inline bool fast_milli(const char* b, const char* e, int32_t* out) {
  if (b == e) {
    *out = kMissing;
    return true;
  }
  int64_t v = 0;
  const char* p = b;
  for (; p < e && *p >= '0' && *p <= '9'; ++p) v = v * 10 + (*p - '0');
  if (p == b || p - b > 7) return false;
  int decimals = 0;
  if (p < e) {
    if (*p != '.') return false;
    const char* q = ++p;
    for (; p < e && *p >= '0' && *p <= '9'; ++p) v = v * 10 + (*p - '0');
    decimals = static_cast<int>(p - q);
    if (p != e || decimals == 0 || decimals > 3) return false;
  }
  static constexpr int64_t kScale[4] = {1000, 100, 10, 1};
  *out = static_cast<int32_t>(v * kScale[decimals]);
  return true;
}

// The next ',' in [p, e) (or e), eight bytes at a time: a zero byte of x ^ ",,,,,,,," marks a
// comma, and the lowest flagged byte of the classic has-zero test is always a true one.
inline const char* find_comma(const char* p, const char* e) {
  while (e - p >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    uint64_t y = x ^ 0x2C2C2C2C2C2C2C2CULL;
    uint64_t t = (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
    if (t) return p + (__builtin_ctzll(t) >> 3);
    p += 8;
  }
  while (p < e && *p != ',') ++p;
  return p;
}

struct RowError {
  size_t line;  // relative to the chunk until fixed up
  std::string message;
  std::string station, time;
};

struct Chunk {
  off_t begin = 0, end = 0;  // byte range of whole lines in the file
  quality::AirAccumulator acc;
  std::vector<quality::Exclusion> excluded;
  std::vector<RowError> errors;
  size_t lines = 0;
  size_t rows = 0;
  int64_t first_hour = INT64_MAX, last_hour = INT64_MIN;  // hours since 1970-01-01 00:00 (Beijing)
  std::string io_error;
};

constexpr size_t kBlock = 4 << 20;  // bytes read per pread: memory stays flat whatever the file size

// Splits one line into fields (RFC 4180 quotes allowed; the fast path has none).
void split_fields(const char* b, const char* e, std::vector<std::string_view>& out, std::string& scratch,
                  int expected = 0) {
  out.clear();
  if (expected > 0) out.reserve(static_cast<size_t>(expected));
  // One pass over the bytes (short fields make memchr calls cost more than they save); a quote
  // anywhere sends the line to the RFC 4180 path below.
  const char* from = b;
  bool has_quote = false;
  for (const char* p = b; p < e; ++p) {
    char ch = *p;
    if (ch == ',') {
      out.emplace_back(from, static_cast<size_t>(p - from));
      from = p + 1;
    } else if (ch == '"') {
      has_quote = true;
      break;
    }
  }
  if (!has_quote) {
    out.emplace_back(from, static_cast<size_t>(e - from));
    return;
  }
  out.clear();
  scratch.clear();
  std::vector<std::pair<size_t, size_t>> spans;
  size_t start = 0;
  bool quoted = false;
  for (const char* p = b; p < e; ++p) {
    if (quoted) {
      if (*p == '"') {
        if (p + 1 < e && p[1] == '"') {
          scratch += '"';
          ++p;
        } else {
          quoted = false;
        }
      } else {
        scratch += *p;
      }
    } else if (*p == '"') {
      quoted = true;
    } else if (*p == ',') {
      spans.push_back({start, scratch.size() - start});
      start = scratch.size();
    } else {
      scratch += *p;
    }
  }
  spans.push_back({start, scratch.size() - start});
  for (auto [s, n] : spans) out.emplace_back(scratch.data() + s, n);
}

inline std::string_view trim_view(std::string_view s) {
  if (s.empty() || (s.front() != ' ' && s.front() != '\t' && s.back() != ' ' && s.back() != '\t' && s.back() != '\r'))
    return s;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses a non-negative decimal into 1/1000 units (GB/T 8170 rounding past 3 decimals).
bool parse_milli(std::string_view s, int32_t* out, std::string* why) {
  if (s.empty()) {
    *out = kMissing;
    return true;
  }
  if (s.front() == '-') {
    *why = "negative concentration " + std::string(s);
    return false;
  }
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool point = false, digits = false;
  bool extra = false;  // digits beyond the third decimal: rounded below
  for (char c : s) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (!point) {
        whole = whole * 10 + (c - '0');
        if (whole > 2000000) {
          *why = "value " + std::string(s) + " is out of range";
          return false;
        }
      } else if (frac_digits < 3) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      } else {
        extra = true;
      }
    } else {
      *why = "not a number: '" + std::string(s) + "'";
      return false;
    }
  }
  if (!digits) {
    *why = "not a number: '" + std::string(s) + "'";
    return false;
  }
  while (frac_digits < 3) {
    frac *= 10;
    ++frac_digits;
  }
  int64_t v = whole * 1000 + frac;
  if (extra) v = Decimal::parse(s)->round_half_even(3).mantissa;  // GB/T 8170 past 3 decimals
  *out = static_cast<int32_t>(v);
  return true;
}

// Parses "YYYY-MM-DD[ T]HH:MM:SS[+08:00]" at the start of an hour.
struct DateCache {
  char text[10] = {};
  long day = 0;
  bool valid = false;
};

bool parse_hour(std::string_view s, long* day, int* hour, std::string* why, DateCache* cache) {
  if (s.size() != 19 && !(s.size() == 25 && s.substr(19) == "+08:00")) {
    *why = "time '" + std::string(s) + "' is not YYYY-MM-DD HH:MM:SS (Beijing time)";
    return false;
  }
  std::string_view date = s.substr(0, 10);
  if (!cache->valid || std::memcmp(cache->text, date.data(), 10) != 0) {
    auto d = Date::parse(date);
    if (!d) {
      *why = "time '" + std::string(s) + "': " + d.error().message;
      return false;
    }
    std::memcpy(cache->text, date.data(), 10);
    cache->day = d->days();
    cache->valid = true;
  }
  *day = cache->day;
  char sep = s[10];
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if ((sep != ' ' && sep != 'T') || !digit(11) || !digit(12) || s[13] != ':' || s[16] != ':') {
    *why = "time '" + std::string(s) + "' is not YYYY-MM-DD HH:MM:SS (Beijing time)";
    return false;
  }
  *hour = (s[11] - '0') * 10 + (s[12] - '0');
  if (*hour > 23) {
    *why = "time '" + std::string(s) + "' lies outside any day (hours run 00–23)";
    return false;
  }
  if (s.substr(14, 2) != "00" || s.substr(17, 2) != "00") {
    *why = "time '" + std::string(s) + "' is not the start of an hour (hourly rows are labelled HH:00:00)";
    return false;
  }
  return true;
}

std::string hour_iso(long day, int hour) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:00:00+08:00", Date::from_days(day).iso().c_str(), hour);
  return buf;
}

// Parses one line (without its newline) into the chunk's accumulator.
struct LineParser {
  Chunk& c;
  const Layout& L;
  std::vector<std::string_view> f;
  std::string scratch;
  DateCache dates;
  std::string_view last_station;
  std::string last_station_text;
  uint32_t last_station_id = 0;
  std::array<int32_t, kHourly> values{};

  // One pass over a well-formed line (no quotes, plain numbers): true when the row was taken.
  // Anything unusual returns false, and the careful path below parses it or names the error.
  bool fast(const char* p, const char* e) {
    std::string_view station, time, flag;
    if (std::memchr(p, '"', static_cast<size_t>(e - p))) return false;
    int col = 0;
    for (const char* s = p;; ++col) {
      const char* q = find_comma(s, e);
      if (col >= L.fields) return false;
      int role = L.role[static_cast<size_t>(col)];
      if (role >= 0) {
        if (!fast_milli(s, q, &values[static_cast<size_t>(role)])) return false;
      } else if (role == -2) {
        station = std::string_view(s, static_cast<size_t>(q - s));
      } else if (role == -3) {
        time = std::string_view(s, static_cast<size_t>(q - s));
      } else if (role == -4) {
        flag = std::string_view(s, static_cast<size_t>(q - s));
      }
      if (q == e) {
        ++col;
        break;
      }
      s = q + 1;
    }
    if (col != L.fields || station.empty() || station.front() == ' ' || station.back() == ' ') return false;
    long day;
    int hour;
    if (time.size() != 19 || !parse_hour(time, &day, &hour, &scratch_why, &dates)) return false;
    if (!accept(station, day, hour, flag)) return false;
    return true;
  }

  // Stores a parsed row; false (nothing stored) when the hour is a duplicate.
  bool accept(std::string_view station, long day, int hour, std::string_view flag) {
    const char* exclusion = L.flag >= 0 ? quality::flag_exclusion(flag) : nullptr;
    if (station != last_station_text) {
      last_station_id = c.acc.station(station);
      last_station_text.assign(station);
    }
    std::array<int32_t, kHourly> v = values;
    if (exclusion) v.fill(kMissing);
    if (!c.acc.add(last_station_id, day, hour, v)) return false;
    if (exclusion) c.excluded.push_back({std::string(station), hour_iso(day, hour), exclusion});
    ++c.rows;
    int64_t h = static_cast<int64_t>(day) * 24 + hour;
    c.first_hour = std::min(c.first_hour, h);
    c.last_hour = std::max(c.last_hour, h);
    return true;
  }

  std::string scratch_why;

  void line(const char* p, const char* e) {
    ++c.lines;
    if (e > p && e[-1] == '\r') --e;
    if (e == p) return;  // blank line
    if (fast(p, e)) return;
    split_fields(p, e, f, scratch, L.fields);
    auto error = [&](const std::string& msg, std::string station = "", std::string time = "") {
      c.errors.push_back({c.lines, msg, std::move(station), std::move(time)});
    };
    if (static_cast<int>(f.size()) != L.fields) {
      error("has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(L.fields));
      return;
    }
    std::string_view station = trim_view(f[static_cast<size_t>(L.station)]);
    std::string_view time = trim_view(f[static_cast<size_t>(L.time)]);
    if (station.empty()) {
      error("station: empty");
      return;
    }
    long day;
    int hour;
    std::string why;
    if (!parse_hour(time, &day, &hour, &why, &dates)) {
      error("time: " + why, std::string(station));
      return;
    }
    for (int i = 0; i < kHourly; ++i) {
      int col = L.value[static_cast<size_t>(i)];
      if (col < 0) {
        values[static_cast<size_t>(i)] = kMissing;
      } else if (!parse_milli(trim_view(f[static_cast<size_t>(col)]), &values[static_cast<size_t>(i)], &why)) {
        error(std::string(kValueColumns[i]) + ": " + why, std::string(station), std::string(time));
        return;
      }
    }
    std::string_view flag = L.flag >= 0 ? trim_view(f[static_cast<size_t>(L.flag)]) : std::string_view();
    if (!accept(station, day, hour, flag)) {
      uint32_t id = c.acc.station(station);
      error(c.acc.add(id, day, hour, values).error().message, std::string(station), std::string(time));
    }
  }
};

void parse_chunk(Chunk& c, const Layout& L, int fd) {
  LineParser parser{c, L, {}, {}, {}, {}, {}, 0, {}, {}};
  parser.values.fill(kMissing);  // columns the file does not have stay missing
  std::vector<char> buf(kBlock + 1);
  size_t carry = 0;  // bytes of an unfinished line kept at the front of buf
  off_t pos = c.begin;
  while (pos < c.end) {
    if (carry == buf.size() - 1) buf.resize(buf.size() * 2 + 1);  // a line longer than the block
    size_t want = std::min(static_cast<size_t>(c.end - pos), buf.size() - 1 - carry);
    ssize_t got = ::pread(fd, buf.data() + carry, want, pos);
    if (got <= 0) {
      c.io_error = got < 0 ? std::strerror(errno) : "unexpected end of file";
      return;
    }
    pos += got;
    const char* p = buf.data();
    const char* end = buf.data() + carry + static_cast<size_t>(got);
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!nl) break;
      parser.line(p, nl);
      p = nl + 1;
    }
    carry = static_cast<size_t>(end - p);
    std::memmove(buf.data(), p, carry);
  }
  if (carry) parser.line(buf.data(), buf.data() + carry);  // last line without a newline
}

// Reads up to n bytes at pos; returns what was read.
std::string read_at(int fd, off_t pos, size_t n) {
  std::string s(n, '\0');
  ssize_t got = ::pread(fd, s.data(), n, pos);
  s.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return s;
}

}  // namespace

Result<AirCsvData> read_air_csv(const std::string& path, const AirCsvOptions& opt) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return fail(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat sb {};
  if (::fstat(fd, &sb) != 0 || sb.st_size == 0) return fail(path + ": empty file (expected a header row)");
  const off_t size = sb.st_size;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  // Header (at most 64 KiB).
  std::string head = read_at(fd, 0, 65536);
  size_t skip = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  size_t nl = head.find('\n', skip);
  if (nl == std::string::npos && static_cast<off_t>(head.size()) < size) return fail(path + ":1: header line too long");
  size_t hdr_end = nl == std::string::npos ? head.size() : nl;
  if (hdr_end > skip && head[hdr_end - 1] == '\r') --hdr_end;
  std::vector<std::string_view> f;
  std::string scratch;
  split_fields(head.data() + skip, head.data() + hdr_end, f, scratch);
  Layout layout;
  layout.value.fill(-1);
  layout.fields = static_cast<int>(f.size());
  for (int i = 0; i < layout.fields; ++i) {
    std::string name(trim_view(f[static_cast<size_t>(i)]));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (name == "station")
      layout.station = i;
    else if (name == "time")
      layout.time = i;
    else if (name == "flag")
      layout.flag = i;
    else
      for (int k = 0; k < kHourly; ++k)
        if (name == kValueColumns[k] || (k == static_cast<int>(Hp::pm25) && name == "pm2.5"))
          layout.value[static_cast<size_t>(k)] = i;
  }
  if (layout.station < 0 || layout.time < 0)
    return fail(path +
                ":1: the header needs 'station' and 'time' columns (station,time,so2,no2,pm10,co,o3,pm25[,flag])");
  layout.role.assign(static_cast<size_t>(layout.fields), -1);
  layout.role[static_cast<size_t>(layout.station)] = -2;
  layout.role[static_cast<size_t>(layout.time)] = -3;
  if (layout.flag >= 0) layout.role[static_cast<size_t>(layout.flag)] = -4;
  for (int k = 0; k < kHourly; ++k)
    if (layout.value[static_cast<size_t>(k)] >= 0)
      layout.role[static_cast<size_t>(layout.value[static_cast<size_t>(k)])] = k;
  const off_t body = nl == std::string::npos ? size : static_cast<off_t>(nl + 1);

  // Chunks at line boundaries, one per thread.
  int threads = std::max(1, opt.threads);
  std::vector<Chunk> chunks;
  off_t start = body;
  for (int t = 0; t < threads && start < size; ++t) {
    off_t stop = t == threads - 1 ? size : body + (size - body) * (t + 1) / threads;
    if (stop < start) stop = start;
    while (stop < size) {  // move to just after the next newline
      std::string window = read_at(fd, stop, 4096);
      size_t at = window.find('\n');
      if (at != std::string::npos) {
        stop += static_cast<off_t>(at + 1);
        break;
      }
      if (window.empty()) {
        stop = size;
        break;
      }
      stop += static_cast<off_t>(window.size());
    }
    Chunk c;
    c.begin = start;
    c.end = std::min(stop, size);
    chunks.push_back(std::move(c));
    start = chunks.back().end;
  }
  std::vector<std::thread> pool;
  for (size_t i = 1; i < chunks.size(); ++i) pool.emplace_back(parse_chunk, std::ref(chunks[i]), std::cref(layout), fd);
  if (!chunks.empty()) parse_chunk(chunks[0], layout, fd);
  for (auto& th : pool) th.join();
  for (const auto& c : chunks)
    if (!c.io_error.empty()) return fail(path + ": read failed: " + c.io_error);

  AirCsvData out;
  // Merge first: the same hour in two chunks is only seen here, and a serial pass names its rows.
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i == 0) {
      out.hours = std::move(chunks[0].acc);
    } else if (auto st = out.hours.merge(std::move(chunks[i].acc)); !st) {
      AirCsvOptions serial = opt;
      serial.threads = 1;
      return read_air_csv(path, serial);
    }
  }
  size_t line_base = 1;  // the header is line 1
  std::vector<std::string> errors;
  size_t error_count = 0;
  for (auto& c : chunks) {
    for (auto& e : c.errors) {
      std::string where = path + ":" + std::to_string(line_base + e.line) + ": ";
      if (errors.size() < opt.max_errors) errors.push_back(where + e.message);
      out.excluded.push_back({e.station.empty() ? "?" : e.station,
                              e.time.empty() ? "line " + std::to_string(line_base + e.line) : e.time,
                              "row refused: " + where + e.message});
    }
    error_count += c.errors.size();
    line_base += c.lines;
  }
  if (error_count && !opt.skip_bad_rows) {
    std::string msg = text::join(errors, "\n");
    if (error_count > errors.size()) msg += "\n… and " + std::to_string(error_count - errors.size()) + " more";
    return fail(msg + "\n" + path + ": " + std::to_string(error_count) +
                " malformed rows; nothing assessed (fix them, or pass --skip-bad-rows to exclude them)");
  }
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (auto& c : chunks) {
    out.rows += c.rows;
    out.excluded.insert(out.excluded.end(), std::make_move_iterator(c.excluded.begin()),
                        std::make_move_iterator(c.excluded.end()));
    first = std::min(first, c.first_hour);
    last = std::max(last, c.last_hour);
  }
  if (out.rows) {
    out.first_time = hour_iso(static_cast<long>(first / 24), static_cast<int>(first % 24));
    out.last_time = hour_iso(static_cast<long>(last / 24), static_cast<int>(last % 24));
  }
  if (opt.hash) {
    text::Sha256 hasher;
    std::vector<char> block(kBlock);
    for (off_t pos = 0; pos < size;) {
      ssize_t got = ::pread(fd, block.data(), block.size(), pos);
      if (got <= 0) return fail(path + ": read failed while hashing");
      hasher.update(std::string_view(block.data(), static_cast<size_t>(got)));
      pos += got;
    }
    out.sha256 = hasher.hex();
  }
  return out;
}

Result<quality::AirAssessment> assess_air_csv(const std::string& path, const AirCsvOptions& options, AirCsvData* data) {
  auto read = read_air_csv(path, options);
  SS_TRY(read);
  auto a = quality::assess_air(read->hours);
  std::vector<quality::Exclusion> excluded = std::move(read->excluded);
  excluded.insert(excluded.end(), std::make_move_iterator(a.excluded.begin()),
                  std::make_move_iterator(a.excluded.end()));
  a.excluded = std::move(excluded);
  if (data) *data = std::move(*read);
  return a;
}

}  // namespace shanshui::service
