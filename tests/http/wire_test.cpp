// wire_test.cpp: the HTTP request parser against tests/data/http/parser-cases.csv (each case fed
// whole and one byte at a time), plus query strings, cookies, the JSON shape check and limits.
#include "http/wire.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/csv.h"

using namespace shanshui::http;

namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
  return out;
}

ParseLimits test_limits() {
  ParseLimits l;
  l.max_request_line = 256;
  l.max_header_bytes = 1024;
  l.max_headers = 8;
  l.max_body = 64;
  return l;
}

std::string outcome(RequestParser& p, RequestParser::State s) {
  if (s == RequestParser::State::error) return "error " + std::to_string(p.error_status());
  if (s == RequestParser::State::need_more) return "need more";
  Request r = p.take();
  return "done " + r.method + " " + r.path + " " + std::to_string(r.body.size()) + " " +
         (r.keep_alive ? "keep-alive" : "close");
}

}  // namespace

TEST(HttpParser, DataDrivenCases) {
  std::ifstream in(std::string(SHANSHUI_TEST_DATA) + "/http/parser-cases.csv");
  std::stringstream text;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') text << line << "\n";
  auto table = shanshui::parse_csv(text.str(), "parser-cases.csv");
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_GE(table->records.size(), 20u);
  for (const auto& rec : table->records) {
    const std::string& name = rec.fields[0];
    std::string request = unescape(rec.fields[1]);
    const std::string& expect = rec.fields[2];
    RequestParser whole(test_limits());
    EXPECT_EQ(outcome(whole, whole.feed(request)), expect) << name;
    RequestParser bytewise(test_limits());
    RequestParser::State s = RequestParser::State::need_more;
    for (char c : request) {
      s = bytewise.feed(std::string_view(&c, 1));
      if (s != RequestParser::State::need_more) break;
    }
    EXPECT_EQ(outcome(bytewise, s), expect) << name << " (one byte at a time)";
  }
}

TEST(HttpParser, PipelinedRequestsComeOneAtATime) {
  RequestParser p;
  auto s = p.feed("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /c");
  ASSERT_EQ(s, RequestParser::State::done);
  EXPECT_EQ(p.take().path, "/a");
  ASSERT_EQ(p.resume(), RequestParser::State::done);
  Request b = p.take();
  EXPECT_EQ(b.path, "/b");
  EXPECT_EQ(b.body, "hi");
  EXPECT_EQ(p.resume(), RequestParser::State::need_more);
  EXPECT_TRUE(p.started());
}

TEST(HttpParser, HeadersAreCaseInsensitiveAndTrimmed) {
  RequestParser p;
  ASSERT_EQ(p.feed("GET /x?as_of=2026-01-01&q=%E4%B8%AD+a&flag HTTP/1.1\r\nhOsT: x\r\nX-CSRF-Token:  abc \t\r\n\r\n"),
            RequestParser::State::done);
  Request r = p.take();
  EXPECT_EQ(r.get_header_value("x-csrf-token"), "abc");
  EXPECT_EQ(r.get_param_value("as_of"), "2026-01-01");
  EXPECT_EQ(r.get_param_value("q"), "中 a");
  EXPECT_TRUE(r.has_param("flag"));
}

TEST(HttpWire, CookiesAreMatchedByExactName) {
  EXPECT_EQ(cookie_value("session=abc", "session"), "abc");
  EXPECT_EQ(cookie_value("a=1; session=abc; b=2", "session"), "abc");
  EXPECT_EQ(cookie_value("session=\"abc\"", "session"), "abc");
  EXPECT_FALSE(cookie_value("xsession=abc", "session"));
  EXPECT_FALSE(cookie_value("my_session=abc; session_old=def", "session"));
  EXPECT_FALSE(cookie_value("", "session"));
}

TEST(HttpWire, JsonShapeCheckCountsDepthOutsideStrings) {
  EXPECT_FALSE(json_shape_problem(R"({"a":[1,{"b":2}]})", 3, 1000));
  EXPECT_TRUE(json_shape_problem(R"({"a":[1,{"b":[2]}]})", 3, 1000));
  EXPECT_FALSE(json_shape_problem(R"({"a":"[[[[[[[[\"[[["})", 1, 1000));  // brackets inside strings do not count
  EXPECT_TRUE(json_shape_problem(std::string(100000, '['), 16, 1 << 20));
  EXPECT_TRUE(json_shape_problem(std::string(2000, ' '), 16, 1000));  // size
}

TEST(HttpWire, ResponsesCannotBeSplit) {
  Response r;
  r.status = 200;
  r.set_header("X-Name", "a\r\nSet-Cookie: evil=1");
  r.set_content("hi", "text/plain");
  std::string out = serialize(r, true);
  EXPECT_EQ(out.find("\r\nSet-Cookie"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 2\r\n"), std::string::npos);
  r.head_only = true;
  EXPECT_EQ(serialize(r, false).substr(serialize(r, false).size() - 4), "\r\n\r\n");
}
