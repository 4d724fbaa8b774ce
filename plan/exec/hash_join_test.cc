#include "plan/exec/hash_join.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "plan/exec/test_tables.h"

namespace xp::exec {
namespace {

using plan::DataType;

const std::vector<DataType> kTypes = {DataType::Int(), DataType::String(10)};
constexpr int64_t N = INT64_MIN;

std::vector<Batch> Table(
    const std::vector<std::pair<int64_t, std::string>>& rows,
    size_t per_batch = 2) {
  return testing::KeyStringTable(rows, per_batch);
}

std::vector<std::vector<std::string>> Join(const std::vector<Batch>& l,
                                           const std::vector<Batch>& r,
                                           JoinKind kind) {
  HashJoinOperator op(std::make_unique<BatchSource>(kTypes, &l),
                      std::make_unique<BatchSource>(kTypes, &r), {0}, {0},
                      kind);
  auto rows = CollectAsText(&op);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  auto out = *rows;
  std::sort(out.begin(), out.end());
  return out;
}

const auto kLeft = Table({{1, "a"}, {2, "b"}, {N, "n"}, {3, "c"}, {2, "b2"}});
const auto kRight = Table({{2, "x"}, {3, "y"}, {3, "z"}, {N, "q"}, {4, "w"}});

TEST(HashJoinTest, Inner) {
  std::vector<std::vector<std::string>> want = {{"2", "b", "2", "x"},
                                                {"2", "b2", "2", "x"},
                                                {"3", "c", "3", "y"},
                                                {"3", "c", "3", "z"}};
  EXPECT_EQ(Join(kLeft, kRight, JoinKind::kInner), want);
}

TEST(HashJoinTest, LeftKeepsUnmatchedAndNullKeys) {
  std::vector<std::vector<std::string>> want = {
      {"1", "a", "NULL", "NULL"}, {"2", "b", "2", "x"},
      {"2", "b2", "2", "x"},      {"3", "c", "3", "y"},
      {"3", "c", "3", "z"},       {"NULL", "n", "NULL", "NULL"}};
  EXPECT_EQ(Join(kLeft, kRight, JoinKind::kLeft), want);
}

TEST(HashJoinTest, SemiAndAnti) {
  std::vector<std::vector<std::string>> semi = {
      {"2", "b"}, {"2", "b2"}, {"3", "c"}};
  EXPECT_EQ(Join(kLeft, kRight, JoinKind::kSemi), semi);
  std::vector<std::vector<std::string>> anti = {{"1", "a"}, {"NULL", "n"}};
  EXPECT_EQ(Join(kLeft, kRight, JoinKind::kAnti), anti);
}

TEST(HashJoinTest, FanOutSpansOutputBatches) {
  // 3 probe rows x 1,500 build rows with the same key: 4,500 output rows.
  std::vector<std::pair<int64_t, std::string>> build(1500, {7, "b"});
  auto r = Table(build, 1024);
  auto l = Table({{7, "p1"}, {8, "none"}, {7, "p2"}, {7, "p3"}}, 4);
  HashJoinOperator op(std::make_unique<BatchSource>(kTypes, &l),
                      std::make_unique<BatchSource>(kTypes, &r), {0}, {0},
                      JoinKind::kInner);
  size_t total = 0, batches = 0;
  for (;;) {
    auto b = op.Next();
    ASSERT_TRUE(b.ok());
    if (*b == nullptr) break;
    ++batches;
    total += (*b)->num_rows();
    EXPECT_LE((*b)->num_rows(), kBatchSize);
  }
  EXPECT_EQ(total, 4500u);
  EXPECT_EQ(batches, 3u);
}

}  // namespace
}  // namespace xp::exec
