// wire.h: HTTP/1.1 messages as the server sees them — a request parser that takes bytes as they
// arrive and refuses anything over its limits (RFC 9110/9112), the response's serialisation,
// query strings, cookies and a JSON shape check. Pure: no sockets; the transport and the fuzz
// tests share it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shanshui::http {

/// The limits a request must keep; the defaults are documented in docs/security.md.
struct ParseLimits {
  size_t max_request_line = 8 * 1024;   // method, target and version (414 beyond)
  size_t max_header_bytes = 16 * 1024;  // all header lines together (431 beyond)
  size_t max_headers = 64;              // header fields (431 beyond)
  size_t max_body = 1024 * 1024;        // Content-Length (413 beyond)
  // Evidence files (scans, photos, spreadsheets) are larger than any other body: a POST to
  // `upload_path` may carry up to max_upload_body. The transport also caps how many such bodies
  // are in flight at once (TransportOptions::max_uploads_in_flight), so strangers cannot multiply it.
  size_t max_upload_body = 8 * 1024 * 1024;
  std::string upload_path = "/api/evidence";
};

/// One request, complete.
struct Request {
  std::string method, target, path, version;                 // path: target before '?', percent-decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::multimap<std::string, std::string> params;            // the query string, decoded
  std::string body;
  std::string remote_addr;  // the peer's IP address (no port)
  bool keep_alive = true;

  std::string get_header_value(std::string_view name) const;  // case-insensitive; "" if absent
  bool has_param(const std::string& name) const { return params.count(name) > 0; }
  std::string get_param_value(const std::string& name) const;  // the first value, or ""
};

/// One response; serialised by `serialize`.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool head_only = false;  // a HEAD request: headers with the body's length, no body

  void set_header(const std::string& name, const std::string& value);  // replaces a same-named header
  std::string get_header_value(std::string_view name) const;
  void set_content(std::string content, const std::string& content_type);
};

/// The reason phrase of a status code ("Not Found").
const char* reason_phrase(int status);

/// Status line, headers (with Content-Length and Connection) and the blank line.
std::string serialize_head(const Response& res, bool keep_alive);
/// The head and the body (none for HEAD).
std::string serialize(const Response& res, bool keep_alive);

/// Parses one request at a time from bytes as they come. After `done`, `take()` hands the request
/// over and the parser starts on the next one with whatever bytes are left (pipelining).
class RequestParser {
 public:
  enum class State { need_more, done, error };

  explicit RequestParser(ParseLimits limits = {}) : limits_(std::move(limits)) {}
  /// Adds bytes and parses as far as they allow.
  State feed(std::string_view bytes);
  /// Parses what is buffered (after take(), for a pipelined next request).
  State resume();
  State state() const { return state_; }
  /// While need_more: whether any byte of the current request has arrived (a request has begun).
  bool started() const { return !buf_.empty() || stage_ != Stage::request_line; }
  /// While need_more: the headers are complete and only the body is missing.
  bool past_headers() const { return stage_ == Stage::body; }
  /// The announced body length once past the headers (0 before).
  size_t body_length() const { return body_length_; }
  /// After error: the status to answer (400, 413, 414, 431, 501, 505) and why.
  int error_status() const { return error_status_; }
  const std::string& error_reason() const { return error_reason_; }
  Request take();

 private:
  enum class Stage { request_line, headers, body };
  State fail(int status, std::string reason);
  State parse_request_line(std::string_view line);
  State parse_header_line(std::string_view line);
  State end_of_headers();

  ParseLimits limits_;
  std::string buf_;
  size_t pos_ = 0;  // parsed up to here in buf_
  Stage stage_ = Stage::request_line;
  State state_ = State::need_more;
  size_t header_bytes_ = 0;
  size_t body_length_ = 0;
  int error_status_ = 0;
  std::string error_reason_;
  Request req_;
};

/// "%E4%B8%AD+x" → "中 x" (plus as space when `plus_is_space`); nullopt for a malformed escape.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

/// "a=1&b=%20" → {a: 1, b: " "}; malformed pairs are skipped.
std::multimap<std::string, std::string> parse_query(std::string_view query);

/// The value of one cookie from a Cookie header, matched by exact name (RFC 6265 §5.4), or nullopt.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

/// Whether `text` may be handed to a JSON parser: at most `max_bytes` and no array or object
/// nested deeper than `max_depth` (counted outside strings). Returns the reason when not.
std::optional<std::string> json_shape_problem(std::string_view text, size_t max_depth, size_t max_bytes);

}  // namespace shanshui::http
