// Columnar chunks: round trips of every physical type with NULLs, the
// bitmap's bit order, LZ4, and refusal of every truncation.
#include "plan/exec/chunk.h"

#include <gtest/gtest.h>

#include "plan/exec/operator.h"

namespace xp::exec {
namespace {

using plan::DataType;
using plan::Value;

Batch Sample(size_t rows) {
  Batch b({PhysType::kInt64, PhysType::kUInt64, PhysType::kDouble,
           PhysType::kInt128, PhysType::kString},
          rows);
  for (size_t i = 0; i < rows; ++i) {
    b.column(0).data<int64_t>()[i] = static_cast<int64_t>(i) - 3;
    b.column(1).data<uint64_t>()[i] = i * 1000;
    b.column(2).data<double>()[i] = 0.5 * static_cast<double>(i);
    b.column(3).data<__int128>()[i] = static_cast<__int128>(i) * -12345;
    b.column(4).SetString(i, std::string(i % 7, 'x') + "row");
  }
  b.SetRows(rows);
  b.column(0).SetNull(0);  // row 0: bit 0 of the first bitmap byte
  b.column(4).SetNull(rows - 1);
  b.column(2).SetNull(9);
  return b;
}

const std::vector<DataType> kTypes = {
    DataType::Int(), DataType::UInt(), DataType::Double(),
    DataType::Decimal(20, 2), DataType::String()};

void ExpectSame(const Batch& a, const Batch& b) {
  ASSERT_EQ(a.num_rows(), b.num_rows());
  ASSERT_EQ(a.num_columns(), b.num_columns());
  for (size_t c = 0; c < a.num_columns(); ++c) {
    for (size_t i = 0; i < a.num_rows(); ++i) {
      EXPECT_EQ(a.column(c).IsNull(i), b.column(c).IsNull(i)) << c << "," << i;
      if (a.column(c).IsNull(i)) continue;
      EXPECT_TRUE(plan::SameValue(ValueAt(a.column(c), kTypes[c], i),
                                  ValueAt(b.column(c), kTypes[c], i)))
          << c << "," << i;
    }
  }
}

TEST(ChunkTest, RoundTripsEveryTypeWithAndWithoutLz4) {
  for (bool lz4 : {false, true}) {
    Batch in = Sample(1000);
    std::string bytes;
    EncodeChunk(in, in.num_columns(), lz4, &bytes);
    Batch out;
    ASSERT_TRUE(DecodeChunk(bytes, &out).ok());
    ExpectSame(in, out);
  }
}

TEST(ChunkTest, BorrowedStringsPointIntoTheChunk) {
  Batch in = Sample(100);
  std::string bytes;
  EncodeChunk(in, in.num_columns(), /*lz4=*/false, &bytes);
  Batch out;
  ASSERT_TRUE(DecodeChunk(bytes, &out, /*borrow_strings=*/true).ok());
  ExpectSame(in, out);
  const auto* v = out.column(4).data<std::string_view>();
  for (size_t i = 0; i + 1 < out.num_rows(); ++i) {
    EXPECT_GE(v[i].data(), bytes.data()) << i;
    EXPECT_LE(v[i].data() + v[i].size(), bytes.data() + bytes.size()) << i;
  }
  // Without borrowing (or for an LZ4 body) the batch owns copies.
  Batch owned;
  ASSERT_TRUE(DecodeChunk(bytes, &owned).ok());
  const auto* w = owned.column(4).data<std::string_view>();
  EXPECT_FALSE(w[1].data() >= bytes.data() &&
               w[1].data() < bytes.data() + bytes.size());
}

TEST(ChunkTest, GoldenPackedChunk) {
  // docs/PROTOCOL.md §9.6 by hand (tests/fuzz/plan_seeds/chunk_v2_packed):
  // version 2, 3 rows, 2 columns; INT64 packed: width 2, base 5, deltas
  // 0 1 2 -> 0b10'01'00; STRING with row 1 NULL, packed: width 2, base
  // length 0, lengths 1 0 3 -> 0b11'00'01, bytes "axyz".
  std::string bytes = {2, 3, 2, 0, 4, 18, 2};
  std::string base(16, '\0');
  base[0] = 5;
  bytes += base;
  bytes += '\x24';
  bytes += std::string{4, 5, 2, 10, 2, 0, 0, 0, 0, 0x31};
  bytes += "axyz";
  Batch out;
  ASSERT_TRUE(DecodeChunk(bytes, &out).ok());
  ASSERT_EQ(out.num_rows(), 3u);
  EXPECT_EQ(out.column(0).data<int64_t>()[0], 5);
  EXPECT_EQ(out.column(0).data<int64_t>()[1], 6);
  EXPECT_EQ(out.column(0).data<int64_t>()[2], 7);
  EXPECT_EQ(out.column(1).data<std::string_view>()[0], "a");
  EXPECT_TRUE(out.column(1).IsNull(1));
  EXPECT_EQ(out.column(1).data<std::string_view>()[2], "xyz");
  // The encoder writes the same bytes for the same batch.
  std::string again;
  EncodeChunk(out, 2, false, &again);
  EXPECT_EQ(again, bytes);
}

TEST(ChunkTest, Lz4PaysOnRepetitiveColumns) {
  Batch in = Sample(1000);
  std::string plain, packed;
  EncodeChunk(in, in.num_columns(), false, &plain);
  EncodeChunk(in, in.num_columns(), true, &packed);
  EXPECT_LT(packed.size(), plain.size() * 3 / 4);
}

TEST(ChunkTest, IntegersAndStringLengthsArePacked) {
  // 1,000 ids from 1,000,001 (10 bits of range each) and strings of 5..8
  // bytes (2-bit lengths): frame of reference instead of 8-byte values and
  // 4-byte offsets.
  Batch in({PhysType::kInt64, PhysType::kUInt64, PhysType::kInt128,
            PhysType::kString},
           1000);
  for (size_t i = 0; i < 1000; ++i) {
    in.column(0).data<int64_t>()[i] = 1'000'001 + static_cast<int64_t>(i);
    in.column(1).data<uint64_t>()[i] = UINT64_MAX - i;
    in.column(2).data<__int128>()[i] = -static_cast<__int128>(i) * 7;
    in.column(3).SetString(i, std::string(5 + i % 4, 'a' + i % 26));
  }
  in.SetRows(1000);
  in.column(2).SetNull(500);
  std::string bytes;
  EncodeChunk(in, 4, /*lz4=*/false, &bytes);
  const size_t strings = 6500;  // 5 + 6 + 7 + 8 per four rows
  // 10 + 10 + 13 bits per row, 2-bit lengths, the bytes, headers and the
  // NULL bitmap; unpacked it would be 8000 + 8000 + 16000 + 4004 + 6500.
  EXPECT_LT(bytes.size(), 1267 + 1267 + 1642 + 5 + 250 + strings + 200);
  Batch out;
  ASSERT_TRUE(DecodeChunk(bytes, &out).ok());
  ASSERT_EQ(out.num_rows(), 1000u);
  for (size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(out.column(0).data<int64_t>()[i], 1'000'001 + int64_t(i));
    EXPECT_EQ(out.column(1).data<uint64_t>()[i], UINT64_MAX - i);
    if (i != 500) {
      EXPECT_TRUE(out.column(2).data<__int128>()[i] ==
                  -static_cast<__int128>(i) * 7);
    }
    EXPECT_EQ(out.column(3).data<std::string_view>()[i],
              std::string(5 + i % 4, 'a' + i % 26));
  }
  EXPECT_TRUE(out.column(2).IsNull(500));
  // A version-1 chunk (no packed bodies) still decodes; a packed flag in
  // one is refused.
  Batch d({PhysType::kDouble}, 3);
  for (size_t i = 0; i < 3; ++i) d.column(0).data<double>()[i] = 0.5 * i;
  d.SetRows(3);
  std::string v1;
  EncodeChunk(d, 1, false, &v1);
  v1[0] = 1;
  EXPECT_TRUE(DecodeChunk(v1, &out).ok());
  bytes[0] = 1;
  EXPECT_FALSE(DecodeChunk(bytes, &out).ok());
}

TEST(ChunkTest, NullBitmapIsLsbFirst) {
  Batch in({PhysType::kInt64}, 10);
  in.SetRows(10);
  in.column(0).SetNull(0);
  in.column(0).SetNull(9);
  std::string bytes;
  EncodeChunk(in, 1, false, &bytes);
  // version, rows, columns, phys, flags, then the bitmap.
  ASSERT_GT(bytes.size(), 7u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[5]), 0x01);  // row 0
  EXPECT_EQ(static_cast<uint8_t>(bytes[6]), 0x02);  // row 9 = byte 1, bit 1
}

TEST(ChunkTest, RefusesEveryTruncationAndGarbage) {
  Batch in = Sample(50);
  std::string bytes;
  EncodeChunk(in, in.num_columns(), true, &bytes);
  Batch out;
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(DecodeChunk(std::string_view(bytes).substr(0, n), &out).ok())
        << n;
  EXPECT_FALSE(DecodeChunk(bytes + "x", &out).ok());
  std::string wrong = bytes;
  wrong[0] = 9;
  Status st = DecodeChunk(wrong, &out);
  EXPECT_NE(st.message().find("offset 0"), std::string::npos) << st.message();
}

TEST(ChunkTest, EmptyChunk) {
  Batch in({PhysType::kString}, 1);
  std::string bytes;
  EncodeChunk(in, 1, true, &bytes);
  Batch out;
  ASSERT_TRUE(DecodeChunk(bytes, &out).ok());
  EXPECT_EQ(out.num_rows(), 0u);
}

}  // namespace
}  // namespace xp::exec

namespace xp::exec {
namespace {

TEST(ChunkTest, ReadersForOperatorsRefuseChunksOverABatch) {
  // Valid on the wire (up to kMaxChunkRows), but more rows than operators
  // take in a batch: a reader that feeds them asks for at most kBatchSize
  // and gets an error instead of an overrun.
  std::string bytes;
  EncodeChunk(Sample(kBatchSize + 1), 5, false, &bytes);
  Batch out;
  ASSERT_TRUE(DecodeChunk(bytes, &out).ok());
  EXPECT_EQ(out.num_rows(), kBatchSize + 1);
  Status st = DecodeChunk(bytes, &out, false, kBatchSize);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  std::vector<Batch> batches;
  EXPECT_FALSE(DecodeChunks({bytes}, 5, &batches, kBatchSize).ok());
  bytes.clear();
  EncodeChunk(Sample(kBatchSize), 5, false, &bytes);
  EXPECT_TRUE(DecodeChunk(bytes, &out, false, kBatchSize).ok());
}

}  // namespace
}  // namespace xp::exec
