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

TEST(MysqlPacketTest, HandshakeResponse) {
  std::string p;
  const uint32_t caps = kClientProtocol41 | kClientSecureConnection |
                        kClientPluginAuth | kClientConnectWithDb |
                        kClientPluginAuthLenencData;
  PutU32(&p, caps);
  PutU32(&p, 1u << 24);
  PutU8(&p, 45);
  p.append(23, '\0');
  PutNulStr(&p, "sbtest");
  PutLenencStr(&p, std::string(20, 'x'));
  PutNulStr(&p, "sbcap");
  PutNulStr(&p, "mysql_native_password");
  HandshakeResponse hr;
  ASSERT_TRUE(ParseHandshakeResponse(p, &hr));
  EXPECT_EQ(hr.user, "sbtest");
  EXPECT_EQ(hr.auth_response.size(), 20u);
  EXPECT_EQ(hr.database, "sbcap");
  EXPECT_EQ(hr.auth_plugin, "mysql_native_password");
  EXPECT_FALSE(hr.ssl_request);
  // Truncated anywhere: refused, never read past the end.
  for (size_t n = 0; n + 1 < p.size(); ++n) {
    HandshakeResponse t;
    const bool ok =
        ParseHandshakeResponse(std::string_view(p).substr(0, n), &t);
    if (ok) EXPECT_TRUE(t.ssl_request || n > 32) << n;
  }
  // The SSLRequest prefix alone.
  HandshakeResponse ssl;
  ASSERT_TRUE(ParseHandshakeResponse(std::string_view(p).substr(0, 32), &ssl));
  EXPECT_TRUE(ssl.ssl_request);
}

TEST(MysqlPacketTest, ExecuteParamsEveryKind) {
  std::string p;
  PutU8(&p, 0b00000100);  // parameter 2 is NULL
  PutU8(&p, 1);           // types follow
  for (uint16_t t : {uint16_t{kTypeLongLong}, uint16_t{kTypeTiny | 0x8000},
                     uint16_t{kTypeVarString}, uint16_t{kTypeDouble},
                     uint16_t{kTypeDateTime}, uint16_t{kTypeTime},
                     uint16_t{kTypeNewDecimal}, uint16_t{kTypeShort}})
    PutU16(&p, t);
  PutU64(&p, static_cast<uint64_t>(-42));
  PutU8(&p, 200);  // unsigned tiny
  double d = 2.5;
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutU64(&p, bits);
  PutU8(&p, 11);  // datetime with microseconds
  PutU16(&p, 2026);
  for (uint8_t b : {11, 29, 1, 2, 3}) PutU8(&p, b);
  PutU32(&p, 500);
  PutU8(&p, 8);  // time, negative, 1 day
  PutU8(&p, 1);
  PutU32(&p, 1);
  for (uint8_t b : {2, 3, 4}) PutU8(&p, b);
  PutLenencStr(&p, "-1.50");
  PutU16(&p, 0xffff);  // signed short -1
  Reader r(p);
  std::vector<uint16_t> types;
  std::vector<std::optional<std::string>> long_data(8);
  std::vector<BinaryValue> v;
  ASSERT_EQ(ReadExecuteParams(r, 8, &types, long_data, &v), std::nullopt);
  EXPECT_EQ(v[0].i, -42);
  EXPECT_EQ(v[1].kind, BinaryValue::Kind::kInt);
  EXPECT_EQ(v[1].i, 200);
  EXPECT_EQ(v[2].kind, BinaryValue::Kind::kNull);
  EXPECT_EQ(v[3].d, 2.5);
  EXPECT_EQ(v[4].s, "2026-11-29 01:02:03.000500");
  EXPECT_EQ(v[5].s, "-26:03:04");
  EXPECT_EQ(v[6].kind, BinaryValue::Kind::kDecimal);
  EXPECT_EQ(v[6].s, "-1.50");
  EXPECT_EQ(v[7].i, -1);
  // Without types (a later execution): the remembered ones apply; a cut
  // packet is malformed.
  std::string again = p.substr(0, 1) + std::string(1, '\0') + p.substr(2 + 16);
  Reader r2(again);
  ASSERT_EQ(ReadExecuteParams(r2, 8, &types, long_data, &v), std::nullopt);
  EXPECT_EQ(v[0].i, -42);
  Reader r3(std::string_view(again).substr(0, again.size() - 1));
  EXPECT_NE(ReadExecuteParams(r3, 8, &types, long_data, &v), std::nullopt);
  // No types ever sent: the client must send them first.
  std::vector<uint16_t> none;
  Reader r4(again);
  EXPECT_NE(ReadExecuteParams(r4, 8, &none, long_data, &v), std::nullopt);
}

}  // namespace
}  // namespace xp::mysql
