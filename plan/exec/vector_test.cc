#include "plan/exec/vector.h"

#include <gtest/gtest.h>

#include <string>

namespace xp::exec {
namespace {

TEST(VectorTest, FixedWidthValuesAreAligned) {
  Vector v(PhysType::kInt64);
  EXPECT_EQ(v.capacity(), kBatchSize);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data<int64_t>()) % 64, 0u);
  v.Resize(3);
  int64_t* d = v.data<int64_t>();
  d[0] = -1;
  d[1] = 0;
  d[2] = INT64_MAX;
  EXPECT_EQ(v.data<int64_t>()[2], INT64_MAX);
  EXPECT_FALSE(v.may_have_nulls());
  EXPECT_EQ(v.null_count(), 0u);
}

TEST(VectorTest, NullBitmapIsLsbFirst) {
  Vector v(PhysType::kDouble);
  v.Resize(130);
  v.SetNull(0);
  v.SetNull(65);
  v.SetNull(129);
  EXPECT_TRUE(v.IsNull(0));
  EXPECT_FALSE(v.IsNull(1));
  EXPECT_TRUE(v.IsNull(65));
  EXPECT_EQ(v.null_words()[0], 1u);
  EXPECT_EQ(v.null_words()[1], 2u);  // row 65 = bit 1 of word 1
  EXPECT_EQ(v.null_words()[2], 2u);  // row 129 = bit 1 of word 2
  EXPECT_EQ(v.null_count(), 3u);
  v.ClearNull(65);
  EXPECT_FALSE(v.IsNull(65));
  EXPECT_EQ(v.null_count(), 2u);
  v.Resize(100);  // rows beyond the size do not count
  EXPECT_EQ(v.null_count(), 1u);
  v.Reset();
  EXPECT_FALSE(v.may_have_nulls());
  EXPECT_FALSE(v.IsNull(0));
}

TEST(VectorTest, StringsLiveInTheArena) {
  Vector v(PhysType::kString, 4096);
  v.Resize(4096);
  std::string big(100 * 1024, 'x');  // larger than one arena chunk
  for (size_t i = 0; i < 4096; ++i) {
    std::string s = "value-" + std::to_string(i);
    v.SetString(i, i == 7 ? std::string_view(big) : std::string_view(s));
  }  // the temporaries are gone; the views must still be valid
  EXPECT_EQ(v.data<std::string_view>()[0], "value-0");
  EXPECT_EQ(v.data<std::string_view>()[4095], "value-4095");
  EXPECT_EQ(v.data<std::string_view>()[7].size(), big.size());
  EXPECT_GE(v.arena().bytes_reserved(), big.size());
  v.SetString(1, "");
  EXPECT_TRUE(v.data<std::string_view>()[1].empty());
  // Moving the vector keeps the views valid (chunks do not move).
  Vector moved = std::move(v);
  EXPECT_EQ(moved.data<std::string_view>()[4095], "value-4095");
  moved.Reset();
  EXPECT_LE(moved.arena().bytes_reserved(), 64u * 1024);
}

TEST(VectorTest, DecimalWidth) {
  Vector v(PhysType::kInt128, 10);
  v.Resize(1);
  v.data<__int128>()[0] = static_cast<__int128>(1) << 100;
  EXPECT_EQ(v.data<__int128>()[0] >> 100, 1);
  EXPECT_EQ(PhysTypeWidth(PhysType::kInt128), 16u);
}

TEST(BatchTest, ColumnsShareTheRowCount) {
  Batch b({PhysType::kInt64, PhysType::kString, PhysType::kInt128});
  EXPECT_EQ(b.num_columns(), 3u);
  b.SetRows(10);
  EXPECT_EQ(b.column(1).size(), 10u);
  EXPECT_GT(b.bytes_reserved(), kBatchSize * (8 + 16));
  b.Reset();
  EXPECT_EQ(b.num_rows(), 0u);
  EXPECT_EQ(b.column(0).size(), 0u);
}

}  // namespace
}  // namespace xp::exec
