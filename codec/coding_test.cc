#include "codec/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace xp {
namespace {

TEST(CodingTest, FixedRoundTrip) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  EXPECT_EQ(ToHex(s), "010203040102030405060708");
  auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(DecodeFixed32(p), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(p + 4), 0x0807060504030201ull);
}

TEST(CodingTest, VarintKnownBytes) {
  std::string s;
  PutVarint64(&s, 0);
  PutVarint64(&s, 1);
  PutVarint64(&s, 127);
  PutVarint64(&s, 128);
  PutVarint64(&s, 300);
  EXPECT_EQ(ToHex(s), "00017f8001ac02");
}

TEST(CodingTest, VarintRoundTripRandom) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    std::string s;
    PutVarint64(&s, v);
    EXPECT_EQ(static_cast<int>(s.size()), VarintLength(v));
    std::string_view in = s;
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
    EXPECT_TRUE(in.empty());
  }
  std::string max;
  PutVarint64(&max, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(max.size(), 10u);
}

TEST(CodingTest, VarintRejectsTruncatedAndOverlong) {
  std::string_view truncated("\x80\x80", 2);
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&truncated, &v));
  std::string overlong(10, '\xff');
  overlong.push_back('\x01');
  std::string_view in = overlong;
  EXPECT_FALSE(GetVarint64(&in, &v));
  // 10th byte may only carry one bit.
  std::string overflow(9, '\xff');
  overflow.push_back('\x02');
  in = overflow;
  EXPECT_FALSE(GetVarint64(&in, &v));
}

TEST(CodingTest, ZigZag) {
  EXPECT_EQ(ZigZagEncode64(0), 0u);
  EXPECT_EQ(ZigZagEncode64(-1), 1u);
  EXPECT_EQ(ZigZagEncode64(1), 2u);
  EXPECT_EQ(ZigZagEncode64(-2), 3u);
  for (int64_t v : {std::numeric_limits<int64_t>::min(), int64_t{-5},
                    int64_t{0}, std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode64(ZigZagEncode64(v)), v);
  }
}

TEST(CodingTest, Hex) {
  std::string out;
  ASSERT_TRUE(FromHex("0A ff\n10", &out));
  EXPECT_EQ(out, std::string("\x0a\xff\x10", 3));
  EXPECT_FALSE(FromHex("abc", &out));
  EXPECT_FALSE(FromHex("zz", &out));
}

}  // namespace
}  // namespace xp
