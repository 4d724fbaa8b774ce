#include "codec/number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace xp {
namespace {

// The forms MySQL 8 prints (SELECT 1e14, 1e15, 2.3e15, 1e-15, 1e-16,
// 3.4e-15, 3.4e-16, 0.1 + 0.2 as DOUBLE, ...).
TEST(NumberTextTest, AsMysqlPrintsThem) {
  EXPECT_EQ(DoubleText(0.3), "0.3");
  EXPECT_EQ(DoubleText(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(DoubleText(1e14), "100000000000000");
  EXPECT_EQ(DoubleText(2.3e14), "230000000000000");
  EXPECT_EQ(DoubleText(1e15), "1e15");
  EXPECT_EQ(DoubleText(2.3e15), "2.3e15");
  EXPECT_EQ(DoubleText(1e-15), "0.000000000000001");
  EXPECT_EQ(DoubleText(3.4e-15), "0.0000000000000034");
  EXPECT_EQ(DoubleText(1e-16), "1e-16");
  EXPECT_EQ(DoubleText(3.4e-16), "3.4e-16");
  EXPECT_EQ(DoubleText(-12.5), "-12.5");
  EXPECT_EQ(DoubleText(100), "100");
  EXPECT_EQ(DoubleText(0), "0");
  EXPECT_EQ(DoubleText(-0.0), "-0");
  EXPECT_EQ(DoubleText(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(DoubleText(-2.2250738585072014e-308), "-2.2250738585072014e-308");
  EXPECT_EQ(FloatText(3.5f), "3.5");
  EXPECT_EQ(FloatText(0.1f), "0.1");
  EXPECT_EQ(FloatText(1e20f), "1e20");
}

// Every form reads back as the same value.
TEST(NumberTextTest, RoundTrips) {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 100000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double d;
    static_assert(sizeof d == sizeof x);
    std::memcpy(&d, &x, sizeof d);
    if (!std::isfinite(d)) continue;
    EXPECT_EQ(std::strtod(DoubleText(d).c_str(), nullptr), d) << DoubleText(d);
  }
}

}  // namespace
}  // namespace xp
