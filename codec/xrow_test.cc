#include "codec/xrow.h"

#include <gtest/gtest.h>

#include <limits>

#include "codec/coding.h"

namespace xp::xrow {
namespace {

std::string Enc(auto fn) {
  std::string s;
  fn(&s);
  return ToHex(s);
}

TEST(XRowTest, IntegersKnownBytes) {
  EXPECT_EQ(Enc([](auto* s) { PutSint(s, -1); }), "01");
  EXPECT_EQ(Enc([](auto* s) { PutSint(s, 1); }), "02");
  EXPECT_EQ(Enc([](auto* s) { PutUint(s, 300); }), "ac02");
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-12345},
                    int64_t{0}, std::numeric_limits<int64_t>::max()}) {
    std::string s;
    PutSint(&s, v);
    int64_t got;
    ASSERT_TRUE(GetSint(s, &got).ok());
    EXPECT_EQ(got, v);
  }
  uint64_t u;
  std::string s;
  PutUint(&s, std::numeric_limits<uint64_t>::max());
  ASSERT_TRUE(GetUint(s, &u).ok());
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(GetUint(s + "x", &u).ok());  // trailing bytes
  int64_t sv;
  EXPECT_FALSE(GetSint("", &sv).ok());
}

TEST(XRowTest, FloatingPoint) {
  EXPECT_EQ(Enc([](auto* s) { PutDouble(s, 1.0); }), "000000000000f03f");
  EXPECT_EQ(Enc([](auto* s) { PutFloat(s, 1.0f); }), "0000803f");
  std::string s;
  PutDouble(&s, -2.5e300);
  double d;
  ASSERT_TRUE(GetDouble(s, &d).ok());
  EXPECT_EQ(d, -2.5e300);
  float f;
  EXPECT_FALSE(GetFloat(s, &f).ok());
}

TEST(XRowTest, BytesHaveTrailingZero) {
  EXPECT_EQ(Enc([](auto* s) { PutBytes(s, "ab"); }), "616200");
  EXPECT_EQ(Enc([](auto* s) { PutBytes(s, ""); }), "00");  // '' is not NULL
  std::string_view v;
  ASSERT_TRUE(GetBytes(std::string_view("a\0b\0", 4), &v).ok());
  EXPECT_EQ(v, std::string_view("a\0b", 3));
  EXPECT_FALSE(GetBytes("ab", &v).ok());
  EXPECT_FALSE(GetBytes("", &v).ok());
}

TEST(XRowTest, Time) {
  Time t{true, 838, 59, 58, 999999};
  std::string s;
  PutTime(&s, t);
  EXPECT_EQ(ToHex(s), "01c6063b3abf843d");
  Time got;
  ASSERT_TRUE(GetTime(s, &got).ok());
  EXPECT_EQ(got, t);
  EXPECT_EQ(TimeToString(got), "-838:59:58.999999");
  s.clear();
  PutTime(&s, Time{false, 1, 0, 0, 0});
  EXPECT_EQ(ToHex(s), "0001");
  ASSERT_TRUE(GetTime(s, &got).ok());
  EXPECT_EQ(TimeToString(got), "01:00:00");
  EXPECT_FALSE(GetTime(std::string_view("\x02\x01", 2), &got).ok());
  EXPECT_FALSE(
      GetTime(std::string_view("\x00\x01\x3c", 3), &got).ok());  // 60 min
}

TEST(XRowTest, DateAndDateTime) {
  DateTime d{2026, 11, 22, 0, 0, 0, 0};
  std::string s;
  PutDateTime(&s, d, false);
  EXPECT_EQ(ToHex(s), "ea0f0b16");
  DateTime got;
  bool has_time = true;
  ASSERT_TRUE(GetDateTime(s, &got, &has_time).ok());
  EXPECT_EQ(got, d);
  EXPECT_FALSE(has_time);
  EXPECT_EQ(DateTimeToString(got, false), "2026-11-22");

  DateTime dt{1999, 12, 31, 23, 59, 0, 5};
  s.clear();
  PutDateTime(&s, dt, true);
  ASSERT_TRUE(GetDateTime(s, &got, &has_time).ok());
  EXPECT_EQ(got, dt);
  EXPECT_TRUE(has_time);
  EXPECT_EQ(DateTimeToString(got, true), "1999-12-31 23:59:00.000005");
  EXPECT_FALSE(
      GetDateTime(std::string_view("\x01\x02", 2), &got, nullptr).ok());
  EXPECT_FALSE(
      GetDateTime(std::string_view("\x01\x0d\x01", 3), &got, nullptr).ok());
}

TEST(XRowTest, DecimalKnownBytes) {
  // -12.345: scale 3, digits 12345 (odd) -> 12 34 5d
  EXPECT_EQ(Enc([](auto* s) { (void)PutDecimal(s, "-12.345"); }), "0312345d");
  // 1234.5: scale 1, digits 12345 -> 12 34 5c
  EXPECT_EQ(Enc([](auto* s) { (void)PutDecimal(s, "1234.5"); }), "0112345c");
  // 10: even digit count -> sign in an extra byte
  EXPECT_EQ(Enc([](auto* s) { (void)PutDecimal(s, "10"); }), "0010c0");
  std::string s;
  EXPECT_FALSE(PutDecimal(&s, "1.2.3").ok());
  EXPECT_FALSE(PutDecimal(&s, "").ok());
  EXPECT_FALSE(PutDecimal(&s, "abc").ok());
}

TEST(XRowTest, DecimalRoundTrip) {
  for (const char* text :
       {"0", "-1", "0.05", "-0.50", "123456789012345678901234567890.12345678",
        "99999999999999999999999999999999999999"}) {
    std::string s, out;
    ASSERT_TRUE(PutDecimal(&s, text).ok()) << text;
    ASSERT_TRUE(GetDecimal(s, &out).ok()) << text;
    EXPECT_EQ(out, text);
  }
  std::string out;
  EXPECT_FALSE(
      GetDecimal(std::string_view("\x00\x12", 2), &out).ok());  // no sign
  EXPECT_FALSE(GetDecimal(std::string_view("\x00\xc1\x23", 3), &out).ok());
}

TEST(XRowTest, Set) {
  EXPECT_EQ(Enc([](auto* s) { PutSet(s, {}); }), "01");
  EXPECT_EQ(Enc([](auto* s) { PutSet(s, {""}); }), "00");
  EXPECT_EQ(Enc([](auto* s) { PutSet(s, {"a", "bc"}); }), "0161026263");
  std::vector<std::string> e;
  ASSERT_TRUE(GetSet(std::string_view("\x01", 1), &e).ok());
  EXPECT_TRUE(e.empty());
  ASSERT_TRUE(GetSet(std::string_view("\x00", 1), &e).ok());
  EXPECT_EQ(e, std::vector<std::string>{""});
  ASSERT_TRUE(GetSet(std::string_view("\x01\x61\x02\x62\x63", 5), &e).ok());
  EXPECT_EQ(e, (std::vector<std::string>{"a", "bc"}));
  EXPECT_FALSE(GetSet(std::string_view("\x05\x61", 2), &e).ok());
}

TEST(XRowTest, Bit) {
  std::string s;
  PutBit(&s, 0x1ff);
  uint64_t v;
  ASSERT_TRUE(GetBit(s, &v).ok());
  EXPECT_EQ(v, 0x1ffu);
}

}  // namespace
}  // namespace xp::xrow
