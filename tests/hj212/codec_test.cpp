// codec_test.cpp: the HJ 212 codec: frames of docs/reference/hj212.md §2 and §4.3 as data
// (tests/data/hj212/frames.jsonl: a frame and the JSON subset its decoding must contain), CRC
// vectors and modes, replies, and the stream scanner on sticky and half packets.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "export/hj212_json.h"
#include "hj212/crc.h"
#include "hj212/factors.h"
#include "hj212/packet.h"

namespace shanshui::hj212 {
namespace {

using nlohmann::json;

// Every key of `want` must be in `got` with an equal value (objects compared recursively);
// a key ending in '~' means "the string contains".
void expect_subset(const json& want, const json& got, const std::string& where) {
  for (auto it = want.begin(); it != want.end(); ++it) {
    std::string key = it.key();
    if (!key.empty() && key.back() == '~') {
      key.pop_back();
      ASSERT_TRUE(got.contains(key)) << where << ": missing " << key << " in " << got.dump();
      EXPECT_NE(got[key].get<std::string>().find(it.value().get<std::string>()), std::string::npos)
          << where << ": " << key << " = " << got[key];
      continue;
    }
    ASSERT_TRUE(got.contains(key)) << where << ": missing " << key << " in " << got.dump();
    if (it.value().is_object() && !it.value().empty()) {
      expect_subset(it.value(), got[key], where + "." + key);
    } else {
      EXPECT_EQ(got[key], it.value()) << where << ": " << key;
    }
  }
}

TEST(Hj212, FramesOfTheReferenceDecodeAsStated) {
  std::ifstream in(std::string(SHANSHUI_TEST_DATA) + "/hj212/frames.jsonl");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++n;
    auto c = json::parse(line);
    auto got = json::parse(exporting::decoded_frame_json(decode_frame(c["frame"].get<std::string>())));
    expect_subset(c["expect"], got, c["case"].get<std::string>());
  }
  EXPECT_GE(n, 20);
}

// The listener's path decodes into views, reusing one FrameView: every reference frame reads the
// same through it (the reply too), and once the view has grown, decoding frame after frame into it
// allocates nothing (its vectors keep their buffers).
TEST(Hj212, ViewsDecodeLikeThePacketAndStopAllocating) {
  std::ifstream in(std::string(SHANSHUI_TEST_DATA) + "/hj212/frames.jsonl");
  std::vector<std::string> frames;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) frames.push_back(json::parse(line)["frame"].get<std::string>());
  ASSERT_GE(frames.size(), 20U);
  FrameView v;
  for (const auto& f : frames) {
    auto owning = decode_frame(f);
    auto viewed = decode_frame(f, CrcMode::standard, v);
    ASSERT_EQ(bool(owning), bool(viewed)) << f;
    if (!owning) {
      EXPECT_EQ(owning.error().message, viewed.error().message);
      continue;
    }
    // a view reused from the frames before reads like a fresh decode: nothing carries over
    EXPECT_EQ(exporting::decoded_frame_json(to_decoded(v)), exporting::decoded_frame_json(*owning)) << f;
    EXPECT_EQ(reply_segment(v, "9014"), reply_segment(owning->packet, "9014")) << f;
  }
  // A second pass over the same frames: the view's vectors have grown to the largest frame
  // already, so none needs a new buffer (nothing is allocated).
  const auto* cp = v.cp.data();
  const auto* dev = v.deviations.data();
  const auto* extra = v.extra_header.data();
  for (const auto& f : frames) {
    (void)decode_frame(f, CrcMode::standard, v);
    EXPECT_EQ(v.cp.data(), cp) << f;
    EXPECT_EQ(v.deviations.data(), dev) << f;
    EXPECT_EQ(v.extra_header.data(), extra) << f;
  }
}

TEST(Hj212, CrcVectorsAndModes) {
  EXPECT_EQ(crc_hex(crc_standard("")), "FFFF");
  EXPECT_EQ(crc_hex(crc_standard("123456789")), "2F80");
  EXPECT_EQ(crc_hex(crc_modbus("123456789")), "4B37");  // CRC-16/MODBUS check value
  EXPECT_EQ(crc_hex(crc_standard("A")), "7080");
  EXPECT_EQ(crc_hex(crc_for(CrcMode::modbus_swapped, "123456789")), "374B");
  EXPECT_EQ(crc_hex(0x0880), "0880");  // zero padding (docs/reference/hj212.md §2.1)
  EXPECT_EQ(parse_crc_hex("1dc0"), 0x1DC0);
  EXPECT_FALSE(parse_crc_hex("1dc"));
  // A Modbus-swapped device verifies in its own mode and not in the standard one.
  std::string f =
      frame("QN=20240101000000000;ST=31;CN=2011;PW=1;MN=4201003;Flag=5;CP=&&a21026-Rtd=12&&", CrcMode::modbus_swapped);
  auto as_std = decode_frame(f);
  ASSERT_TRUE(as_std);
  EXPECT_FALSE(as_std->crc_ok);
  auto as_dev = decode_frame(f, CrcMode::modbus_swapped);
  ASSERT_TRUE(as_dev);
  EXPECT_TRUE(as_dev->crc_ok);
}

// The table-driven CRC (slicing by 8) against Annex A's algorithm bit by bit, on every length up
// to 700 bytes of pseudo-random data (all byte values, every tail length).
TEST(Hj212, CrcEqualsAnnexABitByBit) {
  auto annex_a = [](std::string_view d) {
    uint16_t reg = 0xFFFF;
    for (unsigned char b : d) {
      reg = static_cast<uint16_t>((reg >> 8) ^ b);
      for (int k = 0; k < 8; ++k) reg = static_cast<uint16_t>((reg & 1) ? (reg >> 1) ^ 0xA001 : reg >> 1);
    }
    return reg;
  };
  std::string data;
  uint32_t x = 12345;
  for (int n = 0; n <= 700; ++n) {
    EXPECT_EQ(crc_standard(data), annex_a(data)) << n << " bytes";
    x = x * 1103515245 + 12345;
    data.push_back(static_cast<char>(x >> 16));
  }
}

TEST(Hj212, RepliesMatchTheStandardsPackets) {
  auto up = parse_data_segment(
      "QN=20160801085857223;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801084000&&");
  ASSERT_TRUE(up);
  EXPECT_TRUE(up->wants_reply());
  EXPECT_EQ(frame(reply_segment(*up, "9014", "", ReplyPassword::echoed)),
            "##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240\r\n");
  EXPECT_EQ(frame(reply_segment(*up, "9013", "", ReplyPassword::echoed)),
            "##0087QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&2A80\r\n");
  EXPECT_EQ(
      frame(reply_segment(*up, "9011", "QnRtn=1", ReplyPassword::echoed)),
      "##0094QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&1B00\r\n");
  EXPECT_EQ(
      frame(reply_segment(*up, "9012", "ExeRtn=1", ReplyPassword::echoed)),
      "##0095QN=20160801085857223;ST=91;CN=9012;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&ExeRtn=1&&6240\r\n");
  // 2005 devices: no QN in the header; the reply carries none either and Flag stays absent.
  auto old = parse_data_segment("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817&&");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->wants_reply());
  EXPECT_EQ(reply_segment(*old, "9014", "", ReplyPassword::echoed),
            "ST=91;CN=9014;PW=123456;MN=LD130133000015;CP=&&&&");
  // What the platform sends: the same packet with the password withheld.
  EXPECT_EQ(reply_segment(*up, "9014"),
            "QN=20160801085857223;ST=91;CN=9014;PW=;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&");
  EXPECT_EQ(reply_segment(*old, "9014"), "ST=91;CN=9014;PW=;MN=LD130133000015;CP=&&&&");
}

TEST(Hj212, ScannerHandlesStickyHalfAndGarbage) {
  std::string a = frame("QN=1;ST=22;CN=2011;PW=1;MN=A;Flag=4;CP=&&a34004-Rtd=1&&");
  std::string b = frame("QN=2;ST=22;CN=2011;PW=1;MN=B;Flag=4;CP=&&a34004-Rtd=2&&");
  std::string stream = "xx#" + a + b.substr(0, 10);
  auto s1 = scan_frame(stream, 1024);
  EXPECT_EQ(s1.kind, Scan::Kind::skip);  // "xx" before the first "##"
  EXPECT_EQ(s1.length, 2u);
  stream.erase(0, s1.length);
  auto s1b = scan_frame(stream, 1024);  // "###0…": "#0…" is no length, resync by one byte
  EXPECT_EQ(s1b.kind, Scan::Kind::skip);
  EXPECT_EQ(s1b.length, 1u);
  stream.erase(0, s1b.length);
  auto s2 = scan_frame(stream, 1024);
  ASSERT_EQ(s2.kind, Scan::Kind::frame);
  EXPECT_EQ(stream.substr(0, s2.length), a);
  stream.erase(0, s2.length);
  EXPECT_EQ(scan_frame(stream, 1024).kind, Scan::Kind::need_more);  // half packet
  stream += b.substr(10);
  auto s3 = scan_frame(stream, 1024);
  ASSERT_EQ(s3.kind, Scan::Kind::frame);
  EXPECT_EQ(stream.substr(0, s3.length), b);
  // Oversize declared length is skipped, then the next frame is found.
  std::string big = "##9999QN=1" + a;
  auto s4 = scan_frame(big, 1024);
  EXPECT_EQ(s4.kind, Scan::Kind::skip);
  EXPECT_NE(s4.reason.find("exceeds the limit"), std::string::npos);
  big.erase(0, s4.length);
  auto s5 = scan_frame(big, 1024);
  EXPECT_EQ(s5.kind, Scan::Kind::skip);
  big.erase(0, s5.length);
  EXPECT_EQ(scan_frame(big, 1024).kind, Scan::Kind::frame);
  // A '#' at the very end is kept: it may start the next header.
  EXPECT_EQ(scan_frame("abc#", 1024).length, 3u);
}

}  // namespace
}  // namespace shanshui::hj212

TEST(Hj212, ImpossibleValuesAreNamed) {
  using shanshui::hj212::implausible;
  auto d = [](const char* s) { return *shanshui::Decimal::parse(s); };
  EXPECT_FALSE(implausible("a34004", d("0")));
  EXPECT_EQ(implausible("a34004", d("-3")), "a34004 -3 is negative");
  EXPECT_FALSE(implausible("a01001", d("-12.5")));  // air temperature
  EXPECT_FALSE(implausible("w01001", d("14")));
  EXPECT_EQ(implausible("w01001", d("14.2")), "pH 14.2 is outside 0–14");
  EXPECT_EQ(implausible("w01001", d("-0.1")), "pH -0.1 is outside 0–14");
  EXPECT_FALSE(implausible("w01009", d("14.6")));
  EXPECT_TRUE(implausible("w01009", d("25")));
  EXPECT_FALSE(implausible("Leq", d("120")));
  EXPECT_TRUE(implausible("Leq", d("250")));
}
