// wire.cpp: the HTTP/1.1 request parser (RFC 9112), strict where leniency lets requests be
// smuggled or memory be filled, and the response serialiser.
#include "http/wire.h"

#include <algorithm>
#include <cstdio>

namespace shanshui::http {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Header values never carry CR or LF out (response splitting).
std::string clean_header_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v)
    if (c != '\r' && c != '\n') out += c;
  return out;
}

}  // namespace

std::string Request::get_header_value(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return "";
}

std::string Request::get_param_value(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

void Response::set_header(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = value;
      return;
    }
  headers.emplace_back(name, value);
}

std::string Response::get_header_value(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return "";
}

void Response::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  set_header("Content-Type", content_type);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

std::string serialize(const Response& res, bool keep_alive) {
  std::string out = serialize_head(res, keep_alive);
  if (!res.head_only) out += res.body;
  return out;
}

std::string serialize_head(const Response& res, bool keep_alive) {
  std::string out;
  out.reserve(512);
  char line[64];
  std::snprintf(line, sizeof line, "HTTP/1.1 %d ", res.status);
  out += line;
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& [k, v] : res.headers) {
    if (iequals(k, "Content-Length") || iequals(k, "Connection")) continue;
    out += k + ": " + clean_header_value(v) + "\r\n";
  }
  out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

RequestParser::State RequestParser::fail(int status, std::string reason) {
  error_status_ = status;
  error_reason_ = std::move(reason);
  return state_ = State::error;
}

RequestParser::State RequestParser::feed(std::string_view bytes) {
  if (state_ == State::error) return state_;
  buf_.append(bytes);
  return resume();
}

RequestParser::State RequestParser::resume() {
  if (state_ != State::need_more) return state_;
  while (stage_ != Stage::body) {
    size_t eol = buf_.find("\r\n", pos_);
    size_t limit = stage_ == Stage::request_line ? limits_.max_request_line : limits_.max_header_bytes - header_bytes_;
    if (eol == std::string::npos) {
      if (buf_.find('\n', pos_) != std::string::npos) return fail(400, "lines must end with CR LF");
      if (buf_.size() - pos_ > limit)
        return stage_ == Stage::request_line
                   ? fail(414, "request line longer than " + std::to_string(limits_.max_request_line) + " bytes")
                   : fail(431, "headers longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
      return state_;
    }
    std::string_view line(buf_.data() + pos_, eol - pos_);
    if (line.size() > limit)
      return stage_ == Stage::request_line
                 ? fail(414, "request line longer than " + std::to_string(limits_.max_request_line) + " bytes")
                 : fail(431, "headers longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
    pos_ = eol + 2;
    State s;
    if (stage_ == Stage::request_line) {
      if (line.empty()) {  // RFC 9112 §2.2: empty lines before the request line are ignored
        buf_.erase(0, pos_);
        pos_ = 0;
        continue;
      }
      s = parse_request_line(line);
    } else if (line.empty()) {
      s = end_of_headers();
    } else {
      header_bytes_ += line.size() + 2;
      s = parse_header_line(line);
    }
    if (s == State::error) return s;
  }
  if (buf_.size() - pos_ < body_length_) return state_;
  req_.body = buf_.substr(pos_, body_length_);
  pos_ += body_length_;
  return state_ = State::done;
}

RequestParser::State RequestParser::parse_request_line(std::string_view line) {
  if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
    return fail(400, "lines must end with CR LF");
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400, "request line is not 'METHOD TARGET HTTP/1.1'");
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                   version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "method is not a token");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.rfind("HTTP/", 0) == 0) return fail(505, "only HTTP/1.1 and HTTP/1.0 are spoken here");
    return fail(400, "request line is not 'METHOD TARGET HTTP/1.1'");
  }
  if (target.empty() || target.front() != '/') return fail(400, "request target must be a path starting with '/'");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(400, "request target has a control character");
  req_.method = std::string(method);
  req_.target = std::string(target);
  req_.version = std::string(version);
  size_t q = target.find('?');
  auto path = url_decode(target.substr(0, q), false);
  if (!path || path->find('\0') != std::string::npos) return fail(400, "request path has a malformed %-escape");
  req_.path = *path;
  if (q != std::string_view::npos) req_.params = parse_query(target.substr(q + 1));
  stage_ = Stage::headers;
  return state_;
}

RequestParser::State RequestParser::parse_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return fail(400, "folded header lines are not accepted");
  if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos)
    return fail(400, "lines must end with CR LF");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "header line without ':'");
  std::string_view name = line.substr(0, colon);
  // RFC 9112 §5.1: no whitespace between the name and the colon (a classic smuggling vector).
  if (!is_token(name)) return fail(400, "header name '" + std::string(name.substr(0, 40)) + "' is not a token");
  if (req_.headers.size() >= limits_.max_headers)
    return fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields");
  std::string key(name);
  for (auto& c : key) c = lower(c);
  req_.headers.emplace_back(std::move(key), std::string(trim_ows(line.substr(colon + 1))));
  return state_;
}

RequestParser::State RequestParser::end_of_headers() {
  std::optional<std::string> length;
  int hosts = 0;
  std::string connection;
  for (const auto& [k, v] : req_.headers) {
    if (k == "transfer-encoding") return fail(501, "Transfer-Encoding is not accepted; send Content-Length");
    if (k == "host") ++hosts;
    if (k == "connection") connection += "," + v;
    if (k != "content-length") continue;
    // RFC 9112 §6.3: several Content-Length values (in one field or many) must all agree.
    std::string_view rest = v;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view one = trim_ows(rest.substr(0, comma));
      if (one.empty() || one.size() > 18 ||
          !std::all_of(one.begin(), one.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail(400, "Content-Length '" + std::string(v.substr(0, 40)) + "' is not a number");
      if (length && *length != one) return fail(400, "conflicting Content-Length values");
      length = std::string(one);
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  if (hosts > 1) return fail(400, "more than one Host header");
  if (hosts == 0 && req_.version == "HTTP/1.1") return fail(400, "HTTP/1.1 request without Host");
  body_length_ = length ? std::stoull(*length) : 0;
  const size_t limit = req_.method == "POST" && !limits_.upload_path.empty() && req_.path == limits_.upload_path
                           ? std::max(limits_.max_body, limits_.max_upload_body)
                           : limits_.max_body;
  if (body_length_ > limit)
    return fail(413, "body of " + std::to_string(body_length_) + " bytes; the limit is " + std::to_string(limit));
  std::string conn;
  for (char c : connection) conn += lower(c);
  req_.keep_alive = req_.version == "HTTP/1.1" ? conn.find("close") == std::string::npos
                                               : conn.find("keep-alive") != std::string::npos;
  stage_ = Stage::body;
  return state_;
}

Request RequestParser::take() {
  Request r = std::move(req_);
  req_ = Request{};
  buf_.erase(0, pos_);
  pos_ = 0;
  stage_ = Stage::request_line;
  state_ = State::need_more;
  header_bytes_ = 0;
  body_length_ = 0;
  return r;
}

std::optional<std::string> url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;  // '%' needs two hex digits after it
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto k = url_decode(pair.substr(0, eq), true);
    auto v = url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (k && v && !k->empty()) out.emplace(std::move(*k), std::move(*v));
  }
  return out;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = trim_ows(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim_ows(pair.substr(0, eq)) != name) continue;
    std::string_view v = trim_ows(pair.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return std::nullopt;
}

std::optional<std::string> json_shape_problem(std::string_view text, size_t max_depth, size_t max_bytes) {
  if (text.size() > max_bytes)
    return "JSON body of " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max_bytes);
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace shanshui::http
