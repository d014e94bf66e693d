// air_csv.cpp: the fast hourly-air CSV reader (mmap + a thread per chunk + a merge).
#include "service/air_csv.h"

#include <fcntl.h>
#include <sys/mman.h>
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
};

struct RowError {
  size_t line;  // relative to the chunk until fixed up
  std::string message;
  std::string station, time;
};

struct Chunk {
  const char* begin;
  const char* end;
  quality::AirAccumulator acc;
  std::vector<quality::Exclusion> excluded;
  std::vector<RowError> errors;
  size_t lines = 0;
  size_t rows = 0;
  std::string first_time, last_time;
};

// Splits one line into fields (RFC 4180 quotes allowed; the fast path has none).
void split_fields(const char* b, const char* e, std::vector<std::string_view>& out, std::string& scratch) {
  out.clear();
  if (std::memchr(b, '"', static_cast<size_t>(e - b)) == nullptr) {
    const char* s = b;
    for (const char* p = b; p < e; ++p)
      if (*p == ',') {
        out.emplace_back(s, static_cast<size_t>(p - s));
        s = p + 1;
      }
    out.emplace_back(s, static_cast<size_t>(e - s));
    return;
  }
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

std::string_view trim_view(std::string_view s) {
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
bool parse_hour(std::string_view s, long* day, int* hour, std::string* why, std::string_view* cached_date,
                long* cached_day) {
  if (s.size() != 19 && !(s.size() == 25 && s.substr(19) == "+08:00")) {
    *why = "time '" + std::string(s) + "' is not YYYY-MM-DD HH:MM:SS (Beijing time)";
    return false;
  }
  std::string_view date = s.substr(0, 10);
  if (date != *cached_date) {
    auto d = Date::parse(date);
    if (!d) {
      *why = "time '" + std::string(s) + "': " + d.error().message;
      return false;
    }
    *cached_date = date;
    *cached_day = d->days();
  }
  *day = *cached_day;
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

void parse_chunk(Chunk& c, const Layout& L, const AirCsvOptions& opt) {
  std::vector<std::string_view> f;
  std::string scratch;
  std::string_view cached_date;
  long cached_day = 0;
  std::array<int32_t, kHourly> values{};
  const char* p = c.begin;
  while (p < c.end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(c.end - p)));
    const char* e = nl ? nl : c.end;
    ++c.lines;
    const char* line_end = (e > p && e[-1] == '\r') ? e - 1 : e;
    const char* next = nl ? nl + 1 : c.end;
    if (line_end == p) {  // blank line
      p = next;
      continue;
    }
    split_fields(p, line_end, f, scratch);
    auto error = [&](const std::string& msg, std::string station = "", std::string time = "") {
      c.errors.push_back({c.lines, msg, std::move(station), std::move(time)});
    };
    p = next;
    if (static_cast<int>(f.size()) != L.fields) {
      error("has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(L.fields));
      continue;
    }
    std::string_view station = trim_view(f[static_cast<size_t>(L.station)]);
    std::string_view time = trim_view(f[static_cast<size_t>(L.time)]);
    if (station.empty()) {
      error("station: empty");
      continue;
    }
    long day;
    int hour;
    std::string why;
    if (!parse_hour(time, &day, &hour, &why, &cached_date, &cached_day)) {
      error("time: " + why, std::string(station));
      continue;
    }
    bool bad = false;
    for (int i = 0; i < kHourly && !bad; ++i) {
      if (L.value[static_cast<size_t>(i)] < 0) {
        values[static_cast<size_t>(i)] = kMissing;
        continue;
      }
      if (!parse_milli(trim_view(f[static_cast<size_t>(L.value[static_cast<size_t>(i)])]), &values[static_cast<size_t>(i)], &why)) {
        error(std::string(kValueColumns[i]) + ": " + why, std::string(station), std::string(time));
        bad = true;
      }
    }
    if (bad) continue;
    const char* exclusion = L.flag >= 0 ? quality::flag_exclusion(trim_view(f[static_cast<size_t>(L.flag)])) : nullptr;
    if (exclusion) {
      values.fill(kMissing);
      c.excluded.push_back({std::string(station), hour_iso(day, hour), exclusion});
    }
    uint32_t s = c.acc.station(station);
    if (auto st = c.acc.add(s, day, hour, values); !st) {
      error(st.error().message, std::string(station), std::string(time));
      continue;
    }
    ++c.rows;
    std::string iso = hour_iso(day, hour);
    if (c.first_time.empty() || iso < c.first_time) c.first_time = iso;
    if (iso > c.last_time) c.last_time = iso;
    (void)opt;
  }
}

}  // namespace

Result<AirCsvData> read_air_csv(const std::string& path, const AirCsvOptions& opt) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return fail(path + ": cannot open: " + std::strerror(errno));
  struct stat sb {};
  if (::fstat(fd, &sb) != 0 || sb.st_size == 0) {
    ::close(fd);
    return fail(path + ": empty file (expected a header row)");
  }
  size_t size = static_cast<size_t>(sb.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return fail(path + ": cannot map: " + std::strerror(errno));
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, size};
  ::madvise(map, size, MADV_SEQUENTIAL);
  const char* data = static_cast<const char*>(map);
  const char* end = data + size;
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3;

  // Header.
  const char* nl = static_cast<const char*>(std::memchr(data, '\n', static_cast<size_t>(end - data)));
  const char* hdr_end = nl ? nl : end;
  if (hdr_end > data && hdr_end[-1] == '\r') --hdr_end;
  std::vector<std::string_view> f;
  std::string scratch;
  split_fields(data, hdr_end, f, scratch);
  Layout L;
  L.value.fill(-1);
  L.fields = static_cast<int>(f.size());
  for (int i = 0; i < L.fields; ++i) {
    std::string name(trim_view(f[static_cast<size_t>(i)]));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (name == "station") L.station = i;
    else if (name == "time") L.time = i;
    else if (name == "flag") L.flag = i;
    else
      for (int k = 0; k < kHourly; ++k)
        if (name == kValueColumns[k] || (k == static_cast<int>(Hp::pm25) && name == "pm2.5")) L.value[static_cast<size_t>(k)] = i;
  }
  if (L.station < 0 || L.time < 0)
    return fail(path + ":1: the header needs 'station' and 'time' columns (station,time,so2,no2,pm10,co,o3,pm25[,flag])");
  const char* body = nl ? nl + 1 : end;

  // Chunks at line boundaries, one per thread.
  int threads = std::max(1, opt.threads);
  size_t span = static_cast<size_t>(end - body);
  std::vector<Chunk> chunks;
  const char* start = body;
  for (int t = 0; t < threads && start < end; ++t) {
    const char* stop = t == threads - 1 ? end : body + span * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
    if (stop < start) stop = start;
    if (stop < end) {
      const char* n2 = static_cast<const char*>(std::memchr(stop, '\n', static_cast<size_t>(end - stop)));
      stop = n2 ? n2 + 1 : end;
    }
    chunks.push_back(Chunk{start, stop, {}, {}, {}, 0, 0, {}, {}});
    start = stop;
  }
  std::vector<std::thread> pool;
  for (size_t i = 1; i < chunks.size(); ++i) pool.emplace_back(parse_chunk, std::ref(chunks[i]), std::cref(L), std::cref(opt));
  if (!chunks.empty()) parse_chunk(chunks[0], L, opt);
  for (auto& th : pool) th.join();

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
  for (auto& c : chunks) {
    out.rows += c.rows;
    out.excluded.insert(out.excluded.end(), std::make_move_iterator(c.excluded.begin()), std::make_move_iterator(c.excluded.end()));
    if (!c.first_time.empty() && (out.first_time.empty() || c.first_time < out.first_time)) out.first_time = c.first_time;
    if (c.last_time > out.last_time) out.last_time = c.last_time;
  }
  if (opt.hash) out.sha256 = text::sha256_hex(std::string_view(static_cast<const char*>(map), size));
  return out;
}

Result<quality::AirAssessment> assess_air_csv(const std::string& path, const AirCsvOptions& options,
                                              AirCsvData* data) {
  auto read = read_air_csv(path, options);
  if (!read) return tl::unexpected(read.error());
  auto a = quality::assess_air(read->hours);
  std::vector<quality::Exclusion> excluded = std::move(read->excluded);
  excluded.insert(excluded.end(), std::make_move_iterator(a.excluded.begin()), std::make_move_iterator(a.excluded.end()));
  a.excluded = std::move(excluded);
  if (data) *data = std::move(*read);
  return a;
}

}  // namespace shanshui::service
