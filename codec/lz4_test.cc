#include "codec/lz4.h"

#include <gtest/gtest.h>

namespace xp {
namespace {

TEST(Lz4Test, FrameRoundTrip) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "row " + std::to_string(i % 37) + ";";
  std::string c;
  ASSERT_TRUE(lz4::CompressFrame(in, &c).ok());
  EXPECT_LT(c.size(), in.size() / 3);
  // LZ4 frame magic number 0x184D2204, little-endian.
  EXPECT_EQ(c.substr(0, 4), std::string("\x04\x22\x4d\x18", 4));
  std::string out;
  ASSERT_TRUE(lz4::DecompressFrame(c, in.size(), &out).ok());
  EXPECT_EQ(out, in);
}

TEST(Lz4Test, EmptyInput) {
  std::string c, out = "junk";
  ASSERT_TRUE(lz4::CompressFrame("", &c).ok());
  ASSERT_TRUE(lz4::DecompressFrame(c, 0, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(Lz4Test, BoundedDecompression) {
  std::string in(1 << 20, 'a');
  std::string c, out;
  ASSERT_TRUE(lz4::CompressFrame(in, &c).ok());
  Status s = lz4::DecompressFrame(c, 1000, &out);
  EXPECT_TRUE(s.IsResourceExhausted()) << s.ToString();
}

TEST(Lz4Test, CorruptAndTruncated) {
  std::string c, out;
  ASSERT_TRUE(lz4::CompressFrame(std::string(5000, 'x') + "tail", &c).ok());
  EXPECT_TRUE(lz4::DecompressFrame(c.substr(0, c.size() - 3), 1 << 20, &out)
                  .IsCorruption());
  EXPECT_TRUE(lz4::DecompressFrame("garbage!", 1 << 20, &out).IsCorruption());
  EXPECT_TRUE(lz4::DecompressFrame(c + "x", 1 << 20, &out).IsCorruption());
}

TEST(Lz4Test, BlockRoundTrip) {
  std::string in(3000, 'q');
  std::string c, out;
  lz4::CompressBlock(in, &c);
  ASSERT_TRUE(lz4::DecompressBlock(c, in.size(), &out).ok());
  EXPECT_EQ(out, in);
  EXPECT_FALSE(lz4::DecompressBlock(c, in.size() + 1, &out).ok());
}

}  // namespace
}  // namespace xp
