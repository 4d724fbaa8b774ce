#include "codec/frame.h"

#include <gtest/gtest.h>

#include <random>

#include "codec/coding.h"

namespace xp {
namespace {

using Outcome = FrameParser::Outcome;
using frame::Framing;

TEST(FrameTest, PlainHeaderBytes) {
  Buffer buf;
  FrameWriter w(&buf);
  w.Append(1, "");  // CapabilitiesGet: empty payload
  w.Append(12, "\x0a\x01x");
  EXPECT_EQ(ToHex(buf.view()),
            "0100000001"
            "040000000c0a0178");
}

TEST(FrameTest, MultiplexedHeaderBytes) {
  Buffer buf;
  FrameWriter w(&buf, Framing::kMultiplexed);
  w.Append(0, "", 0x0102030405060708ull);
  EXPECT_EQ(ToHex(buf.view()),
            "0807060504030201"
            "0100000000");
}

TEST(FrameTest, BeginEndBackfillsLength) {
  Buffer buf;
  FrameWriter w(&buf);
  size_t mark = w.Begin(13);
  std::memcpy(w.Reserve(3), "abc", 3);
  w.End(mark);
  EXPECT_EQ(ToHex(buf.view()), "040000000d616263");
}

TEST(FrameTest, ParseSplitsStreamAtEveryByte) {
  Buffer buf;
  FrameWriter w(&buf, Framing::kMultiplexed);
  w.Append(11, "notice", 7);
  w.Append(13, std::string(1000, 'r'), 9);
  w.Append(14, "", 7);
  FrameParser p(Framing::kMultiplexed);
  // Feeding any prefix never yields a frame beyond what is complete.
  for (size_t cut = 0; cut <= buf.size(); ++cut) {
    Frame f;
    Outcome o = p.Parse(buf.data(), cut, &f);
    if (cut < frame::kMuxHeaderSize + 6) {
      EXPECT_EQ(o, Outcome::kNeedMore) << cut;
      EXPECT_GT(p.needed(), cut);
    } else {
      EXPECT_EQ(o, Outcome::kFrame);
    }
  }
  std::vector<std::tuple<uint64_t, uint8_t, size_t>> seen;
  size_t off = 0;
  Frame f;
  while (p.Parse(buf.data() + off, buf.size() - off, &f) == Outcome::kFrame) {
    seen.emplace_back(f.session_id, f.type, f.payload.size());
    off += f.wire_size;
  }
  EXPECT_EQ(off, buf.size());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_tuple(7ull, uint8_t{11}, size_t{6}));
  EXPECT_EQ(seen[1], std::make_tuple(9ull, uint8_t{13}, size_t{1000}));
  EXPECT_EQ(seen[2], std::make_tuple(7ull, uint8_t{14}, size_t{0}));
}

TEST(FrameTest, ZeroLengthIsCorrupt) {
  FrameParser p;
  Frame f;
  EXPECT_EQ(p.Parse(std::string_view("\0\0\0\0\x01", 5), &f),
            Outcome::kCorrupt);
  EXPECT_NE(p.error().find("length 0"), std::string::npos);
}

TEST(FrameTest, OversizedDetectedFromHeaderAlone) {
  FrameParser p(Framing::kPlain, 1024);
  Frame f;
  // 1025 = type + 1024 payload: one over the limit; only the header is given.
  EXPECT_EQ(p.Parse(std::string_view("\x01\x04\x00\x00\x0c", 5), &f),
            Outcome::kCorrupt);
  EXPECT_NE(p.error().find("exceeds the maximum of 1024"), std::string::npos);
  // Exactly at the limit is fine (needs more bytes).
  EXPECT_EQ(p.Parse(std::string_view("\x00\x04\x00\x00\x0c", 5), &f),
            Outcome::kNeedMore);
  EXPECT_EQ(p.needed(), 4u + 1024u);
}

TEST(FrameTest, RandomBytesNeverOverrun) {
  std::mt19937 rng(7);
  FrameParser p(Framing::kPlain, 4096);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(rng() % 64, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    Frame f;
    Outcome o = p.Parse(junk, &f);
    if (o == Outcome::kFrame) {
      EXPECT_LE(f.wire_size, junk.size());
      EXPECT_EQ(f.payload.size() + 5, f.wire_size);
    }
  }
}

}  // namespace
}  // namespace xp
