#include "codec/row.h"

#include <gtest/gtest.h>

#include <random>

namespace xp::row {
namespace {

using key::Kind;

const std::vector<Kind> kKinds = {Kind::kInt64,   Kind::kUInt64, Kind::kDouble,
                                  Kind::kDecimal, Kind::kBytes,  Kind::kText};

TEST(RowTest, RoundTripsEveryKindAndNull) {
  std::mt19937_64 rng(9);
  for (int iter = 0; iter < 500; ++iter) {
    std::vector<Cell> cells(kKinds.size());
    std::vector<std::string> strings(kKinds.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      Cell& v = cells[c];
      v.null = rng() % 4 == 0;
      v.i = static_cast<int64_t>(rng());
      v.u = rng();
      v.d = static_cast<double>(static_cast<int64_t>(rng())) / 7.0;
      v.dec = (static_cast<__int128>(static_cast<int64_t>(rng())) << 50) -
              static_cast<__int128>(rng() >> 3);
      strings[c].assign(rng() % 20, static_cast<char>(rng()));
      v.s = strings[c];
    }
    std::string enc;
    Encode(42 + iter, kKinds, cells, &enc);
    DecodedRow d;
    ASSERT_TRUE(Decode(enc, kKinds, &d).ok());
    EXPECT_EQ(d.schema_version, static_cast<uint64_t>(42 + iter));
    ASSERT_EQ(d.cells.size(), cells.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      ASSERT_EQ(d.cells[c].null, cells[c].null) << c;
      if (cells[c].null) continue;
      switch (kKinds[c]) {
        case Kind::kInt64:
          EXPECT_EQ(d.cells[c].i, cells[c].i);
          break;
        case Kind::kUInt64:
          EXPECT_EQ(d.cells[c].u, cells[c].u);
          break;
        case Kind::kDouble:
          EXPECT_EQ(d.cells[c].d, cells[c].d);
          break;
        case Kind::kDecimal:
          EXPECT_TRUE(d.cells[c].dec == cells[c].dec);
          break;
        default:
          EXPECT_EQ(d.cells[c].s, cells[c].s);
      }
    }
  }
}

TEST(RowTest, OldRowsHaveFewerColumnsAfterAddColumn) {
  std::vector<Cell> cells(2);
  cells[0].null = false;
  cells[0].i = -5;
  cells[1].null = true;
  std::string enc;
  Encode(1, {Kind::kInt64, Kind::kBytes}, cells, &enc);
  // The table gained a third column: the row still decodes, with 2 cells.
  DecodedRow d;
  ASSERT_TRUE(
      Decode(enc, {Kind::kInt64, Kind::kBytes, Kind::kDouble}, &d).ok());
  ASSERT_EQ(d.cells.size(), 2u);
  EXPECT_EQ(d.cells[0].i, -5);
  EXPECT_TRUE(d.cells[1].null);
  uint64_t version = 0;
  ASSERT_TRUE(PeekVersion(enc, &version).ok());
  EXPECT_EQ(version, 1u);
  // Small rows stay small: version, count, bitmap, a 1-byte varint.
  EXPECT_EQ(enc.size(), 4u);
}

TEST(RowTest, EveryTruncationIsAnError) {
  std::vector<Cell> cells(kKinds.size());
  for (auto& c : cells) {
    c.null = false;
    c.s = "hello";
    c.i = 1000;
  }
  std::string enc;
  Encode(3, kKinds, cells, &enc);
  for (size_t n = 0; n < enc.size(); ++n) {
    DecodedRow d;
    EXPECT_FALSE(Decode(std::string_view(enc).substr(0, n), kKinds, &d).ok())
        << n;
  }
  DecodedRow d;
  EXPECT_FALSE(Decode(enc + "x", kKinds, &d).ok());    // trailing bytes
  EXPECT_FALSE(Decode(enc, {Kind::kInt64}, &d).ok());  // more columns
}

}  // namespace
}  // namespace xp::row
