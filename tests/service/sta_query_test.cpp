// sta_query_test.cpp: SensorThings query options over a small collection of observations
// (tests/data/sta/observations.json), case by case from tests/data/sta/query-cases.jsonl: the ids of
// the page, its @iot.count, its @iot.nextLink, the keys $select keeps, or the refusal's words.
#include "service/sta_query.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/file.h"

namespace shanshui::service::sta {
namespace {

using json = nlohmann::json;

TEST(StaQuery, EveryCaseGivesThePageTheTableSays) {
  auto text = read_file(std::string(SHANSHUI_TEST_DATA) + "/sta/observations.json");
  ASSERT_TRUE(text);
  std::vector<json> entities;
  for (auto& e : json::parse(*text)) entities.push_back(e);
  auto cases = read_file(std::string(SHANSHUI_TEST_DATA) + "/sta/query-cases.jsonl");
  ASSERT_TRUE(cases);
  std::istringstream lines(*cases);
  int checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json c = json::parse(line);
    SCOPED_TRACE(c["case"].get<std::string>());
    std::map<std::string, std::string> params;
    for (auto& [k, v] : c["query"].items()) params[k] = v.get<std::string>();
    auto q = parse_query(params, c.value("max_top", 1000));
    Result<json> got = q ? page(entities, *q, "/sta/v1.1/Observations") : Result<json>(tl::unexpected(q.error()));
    ++checked;
    if (c.contains("error")) {
      ASSERT_FALSE(got) << got->dump();
      EXPECT_NE(got.error().message.find(c["error"].get<std::string>()), std::string::npos) << got.error().message;
      continue;
    }
    ASSERT_TRUE(got) << got.error().message;
    std::vector<int> ids;
    for (const auto& e : (*got)["value"]) ids.push_back(e["@iot.id"].get<int>());
    if (c.contains("page")) {
      EXPECT_EQ(ids.size(), c["page"].get<size_t>());
      EXPECT_TRUE(got->contains("@iot.nextLink"));
    } else {
      EXPECT_EQ(ids, c["ids"].get<std::vector<int>>());
    }
    if (c.contains("count")) {
      EXPECT_EQ((*got)["@iot.count"], c["count"]);
    } else {
      EXPECT_FALSE(got->contains("@iot.count"));
    }
    if (c.contains("next")) {
      EXPECT_EQ((*got)["@iot.nextLink"], "/sta/v1.1/Observations" + c["next"].get<std::string>());
    }
    if (c.contains("keys")) {
      for (const auto& e : (*got)["value"]) {
        std::vector<std::string> keys;
        for (auto& [k, v] : e.items()) keys.push_back(k);
        EXPECT_EQ(keys, c["keys"].get<std::vector<std::string>>());
      }
    }
  }
  EXPECT_GE(checked, 19);
}

// Following the next links walks the whole filtered collection once, in order.
TEST(StaQuery, NextLinksWalkTheCollectionOnce) {
  std::vector<json> entities;
  for (int i = 1; i <= 23; ++i) entities.push_back({{"@iot.id", i}, {"result", i % 7}});
  std::map<std::string, std::string> params = {{"$top", "5"}, {"$filter", "result ne 0"}, {"$orderby", "id"}};
  std::vector<int> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto q = parse_query(params);
    ASSERT_TRUE(q);
    auto p = page(entities, *q, "/x");
    ASSERT_TRUE(p);
    for (const auto& e : (*p)["value"]) seen.push_back(e["@iot.id"].get<int>());
    if (!p->contains("@iot.nextLink")) break;
    std::string link = (*p)["@iot.nextLink"];
    auto skip = link.find("%24skip=");
    ASSERT_NE(skip, std::string::npos) << link;
    params["$skip"] = link.substr(skip + 8, link.find('&', skip) - skip - 8);
  }
  std::vector<int> want;
  for (int i = 1; i <= 23; ++i)
    if (i % 7) want.push_back(i);
  EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace shanshui::service::sta
