// river_warning_test.cpp: the river network as data (the shipped demo network, and tables that
// must be refused with file:line), exceedances by GB 3838—2002 Table 1 against a section's
// target, and the arrival windows added up reach by reach.
#include "service/river_warning.h"

#include <gtest/gtest.h>

namespace shanshui::service {
namespace {

const char* kHeader =
    "section,name,river,owner,station,target,downstream,distance_km,speed_min_ms,speed_max_ms,departments\n";

TEST(RiverNetwork, TheShippedNetworkParses) {
  auto net = RiverNetwork::load(std::string(SHANSHUI_SOURCE_DIR) + "/data/exchange/river-network.csv");
  ASSERT_TRUE(net) << net.error().message;
  ASSERT_NE(net->at_station("wushan", "WS500237W0003"), nullptr);
  EXPECT_EQ(net->at_station("wushan", "WS500237W0003")->downstream, "daning-longmen");
  EXPECT_EQ(net->section("badong-guandukou")->owner, "badong");
}

TEST(RiverNetwork, BadTablesAreRefusedWithTheirLine) {
  auto loop = RiverNetwork::parse(
      std::string(kHeader) + "a,A,r,wushan,M1,II,b,10,0.5,1,eeb\nb,B,r,wushan,M2,II,a,10,0.5,1,eeb\n", "net.csv");
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().message, "net.csv:2: the river from a flows in a loop");
  auto unknown = RiverNetwork::parse(std::string(kHeader) + "a,A,r,wushan,M1,II,z,10,0.5,1,eeb\n", "net.csv");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "net.csv:2: downstream 'z' is not a section");
  auto speeds =
      RiverNetwork::parse(std::string(kHeader) + "a,A,r,wushan,M1,II,b,10,1,0.5,eeb\nb,B,r,x,M2,II,,,,,\n", "net.csv");
  ASSERT_FALSE(speeds);
  EXPECT_NE(speeds.error().message.find("net.csv:2: speed_min_ms and speed_max_ms"), std::string::npos);
  auto cls = RiverNetwork::parse(std::string(kHeader) + "a,A,r,wushan,M1,VI,,,,,\n", "net.csv");
  ASSERT_FALSE(cls);
  EXPECT_NE(cls.error().message.find("target: a class I to V"), std::string::npos);
}

TEST(RiverWarning, ExceedancesFollowTheSectionsTarget) {
  auto net =
      RiverNetwork::parse(std::string(kHeader) + "up,上游,r,wushan,M1,II,down,36,0.5,1.0,eeb\n" +
                              "down,下游,r,wushan,M2,III,end,18,0.25,0.5,eeb;water\nend,出境,r,badong,B1,II,,,,,\n",
                          "net.csv");
  ASSERT_TRUE(net) << net.error().message;
  const RiverSection& up = *net->section("up");
  // NH3-N (w21003): II ≤ 0.5, III ≤ 1.0 mg/L; DO (w01009) is better when higher; water temperature has no class.
  EXPECT_FALSE(exceedance(up, "w21003", "0.5", "2026-06-01T08:00:00+08:00"));
  auto e = exceedance(up, "w21003", "0.51", "2026-06-01T08:00:00+08:00");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cls, 3);
  EXPECT_TRUE(exceedance(up, "w01009", "5.9", "2026-06-01T08:00:00+08:00"));  // DO below II's 6
  EXPECT_FALSE(exceedance(up, "w01009", "6.0", "2026-06-01T08:00:00+08:00"));
  EXPECT_FALSE(exceedance(up, "w01010", "35", "2026-06-01T08:00:00+08:00"));
  EXPECT_FALSE(exceedance(*net->section("down"), "w21003", "0.9", "2026-06-01T08:00:00+08:00"));  // III there

  // 36 km at 0.5–1.0 m/s: 10 h to 20 h; then 18 km more at 0.25–0.5 m/s: 10 h to 20 h more.
  auto warnings = downstream_warnings(*net, *e);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].downstream->id, "down");
  EXPECT_EQ(warnings[0].arrival_from, "2026-06-01T18:00+08:00");
  EXPECT_EQ(warnings[0].arrival_to, "2026-06-02T04:00+08:00");
  EXPECT_EQ(warnings[1].downstream->id, "end");
  EXPECT_DOUBLE_EQ(warnings[1].distance_km, 54);
  EXPECT_EQ(warnings[1].arrival_from, "2026-06-02T04:00+08:00");
  EXPECT_EQ(warnings[1].arrival_to, "2026-06-03T00:00+08:00");
  EXPECT_EQ(warnings[1].key, "up|w21003|2026-06-01T08:00:00+08:00|end");
  EXPECT_NE(warnings[0].text_zh.find("预计 2026-06-01T18:00 至 2026-06-02T04:00 到达（10.0–20.0 小时）"),
            std::string::npos)
      << warnings[0].text_zh;
}

}  // namespace
}  // namespace shanshui::service
