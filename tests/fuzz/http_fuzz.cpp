// http_fuzz.cpp: libFuzzer target for what strangers send the dashboard: the HTTP/1.1 request
// parser (fed in random-sized pieces, as TCP delivers them) and the JSON shape check in front of
// nlohmann::json. Invariants, besides no crash under ASan/UBSan: a parsed request never carries a
// body over the limit nor more header fields than allowed, and any text the shape check lets
// through parses and copies without running out of stack.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shanshui::http;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_body = 512;
  limits.max_headers = 8;
  limits.max_header_bytes = 1024;
  limits.max_request_line = 256;
  RequestParser parser(limits);
  size_t at = 0, step = size ? (data[0] % 7) + 1 : 1;
  for (int guard = 0; guard < 10000 && at < size; ++guard) {
    size_t n = std::min(step, size - at);
    auto state = parser.feed(in.substr(at, n));
    at += n;
    while (state == RequestParser::State::done) {
      Request r = parser.take();
      if (r.body.size() > limits.max_body || r.headers.size() > limits.max_headers) __builtin_trap();
      state = parser.resume();
    }
    if (state == RequestParser::State::error) {
      int s = parser.error_status();
      if (s != 400 && s != 413 && s != 414 && s != 431 && s != 501 && s != 505) __builtin_trap();
      break;
    }
  }
  (void)parse_query(in);
  (void)cookie_value(in, "session");
  (void)url_decode(in, true);
  if (!json_shape_problem(in, 16, 4096)) {
    auto j = nlohmann::json::parse(in, nullptr, false);
    nlohmann::json copy = j;  // the copy recurses: the depth check is what keeps this safe
    (void)copy.dump();
  }
  return 0;
}
