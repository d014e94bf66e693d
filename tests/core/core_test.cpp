// core_test.cpp: decimals, dates and periods, text helpers, SHA-256, CSV parsing.
#include <gtest/gtest.h>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/decimal.h"
#include "core/text.h"

namespace shanshui {
namespace {

TEST(Decimal, ParsesAndPrintsExactly) {
  auto d = Decimal::parse("64.50");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->str(), "64.50");
  EXPECT_EQ(d->compare(*Decimal::parse("64.5")), 0);
  EXPECT_LT(Decimal::parse("0.1")->compare(*Decimal::parse("0.10000001")), 0);
  EXPECT_EQ(Decimal::parse("-0.05")->str(), "-0.05");
  EXPECT_FALSE(Decimal::parse("12a"));
  EXPECT_FALSE(Decimal::parse(""));
  EXPECT_FALSE(Decimal::parse("."));
  EXPECT_FALSE(Decimal::parse("1.2.3"));
}

TEST(Date, RoundTripsThroughDays) {
  for (long d = -1000; d < 40000; d += 37) EXPECT_EQ(Date::from_days(d).days(), d);
  EXPECT_EQ((Date{2024, 2, 29}.days() - Date{2024, 1, 1}.days()), 59);
  EXPECT_EQ(Date::parse("2026-03-01T10:00:00+08:00")->iso(), "2026-03-01");
  EXPECT_FALSE(Date::parse("2023-02-29"));
  EXPECT_FALSE(Date::parse("2023/01/01"));
}

TEST(Period, ParsesLabelsAndBounds) {
  auto q = Period::parse("2024-Q3");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->first().iso(), "2024-07-01");
  EXPECT_EQ(q->last().iso(), "2024-09-30");
  EXPECT_EQ(Period::parse("2024-h2")->label(), "2024-H2");
  EXPECT_EQ(Period::parse("2024-02")->last().iso(), "2024-02-29");
  EXPECT_EQ(Period::parse("2025")->last().iso(), "2025-12-31");
  EXPECT_FALSE(Period::parse("2024-Q5"));
  EXPECT_FALSE(Period::parse("2024-13"));
  EXPECT_EQ(Period::quarter_of({2026, 11, 28}).label(), "2026-Q4");
}

TEST(Text, SplitsOnChineseSeparatorsAndMeasuresWidth) {
  auto parts = text::split_any("县林业局、 县水利局，各乡镇（街道）、", {"、", "，", ","});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2], "各乡镇（街道）");
  EXPECT_EQ(text::display_width("森林ab"), 6);
  EXPECT_EQ(text::trim("\xE3\x80\x80 abc \t"), "abc");
  EXPECT_EQ(text::ellipsize("空气质量优良天数比率", 9), "空气质量…");
  EXPECT_FALSE(text::is_valid_utf8("\xC4\xE3"));  // GBK bytes
}

TEST(Text, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(text::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(text::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(text::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Csv, HandlesQuotesNewlinesBomAndLineNumbers) {
  std::string text =
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"x, \"\"y\"\"\"\n\n2,\"multi\nline\"\n3,z";
  auto t = parse_csv(text, "f.csv");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t->records.size(), 3u);
  EXPECT_EQ(t->records[0].fields[1], "x, \"y\"");
  EXPECT_EQ(t->records[0].line, 2);
  EXPECT_EQ(t->records[1].fields[1], "multi\nline");
  EXPECT_EQ(t->records[1].line, 4);
  EXPECT_EQ(t->records[2].line, 6);
  auto bad = parse_csv("a\n\"open", "g.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "g.csv:2: unterminated quoted field");
  EXPECT_FALSE(parse_csv("a,b\n\xC4\xE3,1\n", "gbk.csv"));
}

}  // namespace
}  // namespace shanshui

namespace shanshui {
namespace {

TEST(Decimal, RoundsByGbT8170) {
  auto r = [](const char* s, int d) { return Decimal::parse(s)->round_half_even(d).str(); };
  EXPECT_EQ(r("74.5", 0), "74");
  EXPECT_EQ(r("75.5", 0), "76");
  EXPECT_EQ(r("2.25", 1), "2.2");
  EXPECT_EQ(r("2.35", 1), "2.4");
  EXPECT_EQ(r("74.51", 0), "75");  // more than half: up
  EXPECT_EQ(r("74.49", 0), "74");
  EXPECT_EQ(r("-2.25", 1), "-2.2");
  EXPECT_EQ(r("-2.35", 1), "-2.4");
  EXPECT_EQ(r("3", 1), "3.0");
  EXPECT_EQ(div_round_half_even(5, 2), 2);
  EXPECT_EQ(div_round_half_even(7, 2), 4);
  EXPECT_EQ(div_round_half_even(-7, 2), -4);
  EXPECT_EQ(ceil_div(7, 2), 4);
  EXPECT_EQ(ceil_div(-7, 2), -3);
  EXPECT_EQ(floor_div(-7, 2), -4);
  EXPECT_EQ(fixed_str(-5, 1), "-0.5");
  EXPECT_EQ(Decimal::parse("2.25")->units(1), 22);
}

}  // namespace
}  // namespace shanshui
