// sta_filter_test.cpp: the SensorThings $filter against one observation, case by case from
// tests/data/sta/filter-cases.csv (an expression and what it must give); the nesting bound; the
// paths a filter reads.
#include "service/sta_filter.h"

#include <gtest/gtest.h>

#include <map>

#include "core/csv.h"
#include "core/file.h"

namespace shanshui::service::sta {
namespace {

Value observation(std::string_view path) {
  static const std::map<std::string, Value, std::less<>> props = {
      {"result", Value::of(35.5)},
      {"phenomenonTime", *parse_time("2026-03-01T08:00:00+08:00")},
      {"resultQuality", Value::of(std::string("N"))},
      {"Datastream/id", Value::of(7.0)},
      {"Datastream/name", Value::of(std::string("巫山县城站 PM2.5 小时值"))},
      {"Thing/properties/township", Value::of(std::string("gaotang"))},
  };
  auto it = props.find(path);
  return it == props.end() ? Value{} : it->second;
}

TEST(StaFilter, EveryCaseGivesWhatTheTableSays) {
  auto text = read_file(std::string(SHANSHUI_TEST_DATA) + "/sta/filter-cases.csv");
  ASSERT_TRUE(text) << text.error().message;
  std::string body;
  for (size_t at = 0; at < text->size();) {
    size_t end = text->find('\n', at);
    std::string line = text->substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!line.empty() && line[0] != '#') body += line + "\n";
    at = end == std::string::npos ? text->size() : end + 1;
  }
  auto csv = parse_csv(body, "filter-cases.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_GE(csv->records.size(), 60u);
  for (const auto& rec : csv->records) {
    const std::string& filter = rec.fields[0];
    const std::string& expected = rec.fields[1];
    SCOPED_TRACE(filter);
    auto f = Filter::parse(filter);
    Result<bool> got = f ? f->matches(observation) : Result<bool>(tl::unexpected(f.error()));
    if (expected.rfind("error:", 0) == 0) {
      ASSERT_FALSE(got) << "expected an error, got " << (got && *got ? "true" : "false");
      EXPECT_NE(got.error().message.find(expected.substr(6)), std::string::npos) << got.error().message;
    } else {
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, expected == "true");
    }
  }
}

TEST(StaFilter, NestingIsBoundedAndPathsAreListed) {
  std::string deep = std::string(100, '(') + "result gt 1" + std::string(100, ')');
  auto f = Filter::parse(deep);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("nested deeper than 64"), std::string::npos) << f.error().message;
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_FALSE(Filter::parse(nots + "true"));  // too long, and too deep: refused, never a crash
  auto ok = Filter::parse(std::string(30, '(') + "result gt 1" + std::string(30, ')'));
  EXPECT_TRUE(ok) << ok.error().message;
  auto g = Filter::parse("result gt 1 and substringof('x', Datastream/name) and result lt 9");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->paths(), (std::vector<std::string>{"result", "Datastream/name"}));
}

}  // namespace
}  // namespace shanshui::service::sta
