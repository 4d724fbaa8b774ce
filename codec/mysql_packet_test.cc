#include "codec/mysql_packet.h"

#include <gtest/gtest.h>

namespace xp::mysql {
namespace {

TEST(MysqlPacketTest, LenencRoundTripsAtEveryWidth) {
  for (uint64_t v : {0ull, 250ull, 251ull, 65535ull, 65536ull, 16777215ull,
                     16777216ull, ~0ull}) {
    std::string out;
    PutLenenc(&out, v);
    Reader r(out);
    uint64_t back = 1;
    ASSERT_TRUE(r.Lenenc(&back)) << v;
    EXPECT_EQ(back, v);
    EXPECT_TRUE(r.done());
  }
  std::string out;
  PutLenenc(&out, 300);
  EXPECT_EQ(out, std::string("\xfc\x2c\x01", 3));
}

TEST(MysqlPacketTest, ReaderNeverReadsPastTheEnd) {
  std::string s("\xfd\x01", 2);  // a 3-byte length with one byte present
  Reader r(s);
  uint64_t v;
  EXPECT_FALSE(r.Lenenc(&v));
  EXPECT_FALSE(r.ok());
  std::string_view sv;
  EXPECT_FALSE(r.Bytes(1, &sv));  // stays failed

  std::string str(
      "\x05"
      "abc",
      4);  // claims 5 bytes, has 3
  Reader r2(str);
  EXPECT_FALSE(r2.LenencStr(&sv));

  Reader r3("abc");  // no NUL
  EXPECT_FALSE(r3.NulStr(&sv));

  std::string null_marker("\xfb", 1);
  Reader r4(null_marker);
  EXPECT_FALSE(r4.Lenenc(&v));  // NULL only where the caller allows it
  Reader r5(null_marker);
  bool is_null = false;
  EXPECT_TRUE(r5.Lenenc(&v, &is_null));
  EXPECT_TRUE(is_null);
}

TEST(MysqlPacketTest, FixedWidthLittleEndian) {
  std::string out;
  PutU16(&out, 0x1234);
  PutU24(&out, 0x56789a);
  PutU32(&out, 0xdeadbeef);
  PutNulStr(&out, "root");
  Reader r(out);
  uint16_t a;
  uint32_t c;
  std::string_view name;
  ASSERT_TRUE(r.U16(&a));
  EXPECT_EQ(a, 0x1234);
  std::string_view b;
  ASSERT_TRUE(r.Bytes(3, &b));
  EXPECT_EQ(b, std::string("\x9a\x78\x56", 3));
  ASSERT_TRUE(r.U32(&c));
  EXPECT_EQ(c, 0xdeadbeefu);
  ASSERT_TRUE(r.NulStr(&name));
  EXPECT_EQ(name, "root");
  EXPECT_TRUE(r.done());
}

}  // namespace
}  // namespace xp::mysql
