#include "plan/types/decimal.h"

#include <gtest/gtest.h>

namespace xp::plan {
namespace {

Decimal D(std::string_view s) {
  auto r = ParseDecimal(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : Decimal{};
}

std::string S(const Result<Decimal>& r) {
  return r.ok() ? DecimalToString(*r) : r.status().ToString();
}

std::string S(const Result<std::optional<Decimal>>& r) {
  if (!r.ok()) return r.status().ToString();
  return r->has_value() ? DecimalToString(**r) : "NULL";
}

TEST(DecimalTest, ParseAndPrint) {
  EXPECT_EQ(S(ParseDecimal("0")), "0");
  EXPECT_EQ(S(ParseDecimal("-12.50")), "-12.50");
  EXPECT_EQ(S(ParseDecimal("0.05")), "0.05");
  EXPECT_EQ(S(ParseDecimal(".5")), "0.5");
  EXPECT_EQ(S(ParseDecimal("+007.")), "7");
  EXPECT_EQ(S(ParseDecimal("1e3")), "1000");
  EXPECT_EQ(S(ParseDecimal("1.5E-2")), "0.015");
  EXPECT_EQ(S(ParseDecimal("-0.000")), "0.000");
  EXPECT_EQ(S(ParseDecimal("99999999999999999999999999999999999999")),
            "99999999999999999999999999999999999999");
  // More than 30 fraction digits round at the 30th.
  EXPECT_EQ(S(ParseDecimal("0.0000000000000000000000000000015")),
            "0.000000000000000000000000000002");
  for (const char* bad : {"", "-", ".", "abc", "1.2.3", "1e", "1x", "--1"}) {
    EXPECT_FALSE(ParseDecimal(bad).ok()) << bad;
  }
  auto big =
      ParseDecimal("123456789012345678901234567890123456789");  // 39 digits
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().sql_code(), 1690u);
  EXPECT_EQ(big.status().sql_state(), "22003");
}

TEST(DecimalTest, AddSubUseTheLargerScale) {
  EXPECT_EQ(S(DecimalAdd(D("0.1"), D("0.2"))), "0.3");
  EXPECT_EQ(S(DecimalAdd(D("1.5"), D("2.25"))), "3.75");
  EXPECT_EQ(S(DecimalSub(D("1"), D("1.000"))), "0.000");
  EXPECT_EQ(S(DecimalSub(D("-5"), D("2.5"))), "-7.5");
  auto over = DecimalAdd(D("99999999999999999999999999999999999999"), D("1"));
  EXPECT_EQ(over.status().sql_code(), 1690u);
}

TEST(DecimalTest, MulAddsScales) {
  EXPECT_EQ(S(DecimalMul(D("10.0"), D("3.00"))), "30.000");
  EXPECT_EQ(S(DecimalMul(D("-1.5"), D("1.5"))), "-2.25");
  // Scale capped at 30 with rounding.
  EXPECT_EQ(S(DecimalMul(D("0.000000000000000000000000000001"), D("0.5"))),
            "0.000000000000000000000000000001");
  EXPECT_EQ(DecimalMul(D("10000000000000000000"), D("100000000000000000000"))
                .status()
                .sql_code(),
            1690u);
}

TEST(DecimalTest, DivMatchesMysql) {
  // MySQL: SELECT 7/2 -> 3.5000; 1/3 -> 0.3333; 2/3 -> 0.6667; 1.5/3 ->
  // 0.50000.
  EXPECT_EQ(S(DecimalDiv(D("7"), D("2"))), "3.5000");
  EXPECT_EQ(S(DecimalDiv(D("1"), D("3"))), "0.3333");
  EXPECT_EQ(S(DecimalDiv(D("2"), D("3"))), "0.6667");
  EXPECT_EQ(S(DecimalDiv(D("-2"), D("3"))), "-0.6667");
  EXPECT_EQ(S(DecimalDiv(D("1.5"), D("3"))), "0.50000");
  EXPECT_EQ(S(DecimalDiv(D("1"), D("0.3"))), "3.3333");
  EXPECT_EQ(S(DecimalDiv(D("5"), D("0"))), "NULL");
  EXPECT_EQ(S(DecimalDiv(D("0"), D("-7"))), "0.0000");
}

TEST(DecimalTest, ModAndIntDiv) {
  EXPECT_EQ(S(DecimalMod(D("-7.5"), D("2"))), "-1.5");
  EXPECT_EQ(S(DecimalMod(D("7"), D("-2"))), "1");
  EXPECT_EQ(S(DecimalMod(D("7"), D("0"))), "NULL");
  auto q = DecimalIntDiv(D("7.9"), D("2"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(**q, 3);
  q = DecimalIntDiv(D("-7"), D("2"));
  EXPECT_EQ(**q, -3);
  EXPECT_FALSE(DecimalIntDiv(D("1"), D("0"))->has_value());
}

TEST(DecimalTest, RoundHalfAwayFromZero) {
  EXPECT_EQ(S(DecimalRound(D("2.5"), 0)), "3");
  EXPECT_EQ(S(DecimalRound(D("-2.5"), 0)), "-3");
  EXPECT_EQ(S(DecimalRound(D("1.298"), 1)), "1.3");
  EXPECT_EQ(S(DecimalRound(D("1.5"), 3)), "1.500");
  EXPECT_EQ(S(DecimalRound(D("123.456"), -1)), "120");
  EXPECT_EQ(S(DecimalRound(D("155"), -1)), "160");
  EXPECT_EQ(S(DecimalTruncate(D("1.999"), 1)), "1.9");
  EXPECT_EQ(S(DecimalTruncate(D("-1.999"), 0)), "-1");
  EXPECT_EQ(S(DecimalRescale(D("0.125"), 2)), "0.13");
  EXPECT_EQ(S(DecimalRescale(D("-0.125"), 2)), "-0.13");
}

TEST(DecimalTest, CompareAcrossScales) {
  EXPECT_EQ(DecimalCompare(D("1.50"), D("1.5")), 0);
  EXPECT_EQ(DecimalCompare(D("1.49"), D("1.5")), -1);
  EXPECT_EQ(DecimalCompare(D("-1"), D("-1.0001")), 1);
  // The scaled-up side would overflow: decided by sign and magnitude.
  EXPECT_EQ(DecimalCompare(D("99999999999999999999999999999999999999"),
                           D("0.000000000000000000000000000001")),
            1);
  EXPECT_EQ(
      DecimalCompare(D("-99999999999999999999999999999999999999"), D("0.5")),
      -1);
}

TEST(DecimalTest, Conversions) {
  EXPECT_EQ(DecimalToString(DecimalFromInt(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(DecimalToString(DecimalFromUInt(UINT64_MAX)),
            "18446744073709551615");
  EXPECT_DOUBLE_EQ(DecimalToDouble(D("0.1")), 0.1);
  EXPECT_EQ(*DecimalToInt64(D("2.5")), 3);
  EXPECT_EQ(*DecimalToInt64(D("-2.4")), -2);
  EXPECT_EQ(DecimalToInt64(D("9223372036854775808")).status().sql_code(),
            1690u);
}

}  // namespace
}  // namespace xp::plan
