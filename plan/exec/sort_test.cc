#include "plan/exec/sort.h"

#include <gtest/gtest.h>

#include "plan/exec/test_tables.h"

namespace xp::exec {
namespace {

using plan::DataType;

const std::vector<DataType> kTypes = {DataType::Int(), DataType::String(10)};

// (k BIGINT, s VARCHAR) with k NULL when k == INT64_MIN.
std::vector<Batch> Table(
    const std::vector<std::pair<int64_t, std::string>>& rows,
    size_t per_batch) {
  return testing::KeyStringTable(rows, per_batch);
}

std::vector<std::string> Column(Operator* op, size_t c) {
  auto rows = CollectAsText(op);
  EXPECT_TRUE(rows.ok());
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(r[c]);
  return out;
}

constexpr int64_t N = INT64_MIN;

TEST(SortTest, NullsFirstAscendingLastDescending) {
  auto t = Table({{3, "c"}, {N, "n"}, {1, "a"}, {2, "b"}, {N, "m"}}, 2);
  SortOperator asc(std::make_unique<BatchSource>(kTypes, &t), {{0, false}});
  EXPECT_EQ(Column(&asc, 1),
            (std::vector<std::string>{"n", "m", "a", "b", "c"}));
  SortOperator desc(std::make_unique<BatchSource>(kTypes, &t), {{0, true}});
  EXPECT_EQ(Column(&desc, 1),
            (std::vector<std::string>{"c", "b", "a", "n", "m"}));
}

TEST(SortTest, StringsByCollationThenSecondKey) {
  auto t = Table({{2, "b"}, {1, "B"}, {3, "a"}, {0, "A "}, {5, "c"}}, 10);
  // ORDER BY s, k: 'A ' = 'a' and 'b' = 'B' under the case-insensitive PAD
  // SPACE collation, so k decides within them.
  SortOperator op(std::make_unique<BatchSource>(kTypes, &t),
                  {{1, false}, {0, false}});
  EXPECT_EQ(Column(&op, 0),
            (std::vector<std::string>{"0", "3", "1", "2", "5"}));
}

TEST(SortTest, TopNWithOffsetAcrossBatches) {
  std::vector<std::pair<int64_t, std::string>> rows;
  for (int i = 0; i < 10000; ++i) rows.push_back({(i * 7919) % 10007, "x"});
  auto t = Table(rows, 2048);
  SortOperator op(std::make_unique<BatchSource>(kTypes, &t), {{0, true}}, 3, 2);
  auto top = Column(&op, 0);
  // The largest values of i*7919 mod 10007 for i < 10000, skipping two.
  std::vector<int64_t> all;
  for (int i = 0; i < 10000; ++i) all.push_back((i * 7919) % 10007);
  std::sort(all.rbegin(), all.rend());
  EXPECT_EQ(top, (std::vector<std::string>{std::to_string(all[2]),
                                           std::to_string(all[3]),
                                           std::to_string(all[4])}));
  // Full sort of 10,000 rows comes out in 5 batches, in order.
  SortOperator full(std::make_unique<BatchSource>(kTypes, &t), {{0, false}});
  auto sorted = Column(&full, 0);
  ASSERT_EQ(sorted.size(), 10000u);
  for (size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_LE(std::stoll(sorted[i - 1]), std::stoll(sorted[i]));
  }
}

TEST(SortTest, NullStringsAreNotDereferenced) {
  // A NULL string's view is undefined (here: deliberately garbage).
  Batch b({PhysType::kInt64, PhysType::kString});
  b.SetRows(2);
  b.column(0).data<int64_t>()[0] = 2;
  b.column(0).data<int64_t>()[1] = 1;
  b.column(1).data<std::string_view>()[0] =
      std::string_view(reinterpret_cast<const char*>(0x10), size_t{1} << 40);
  b.column(1).SetNull(0);
  b.column(1).SetString(1, "ok");
  std::vector<Batch> t;
  t.push_back(std::move(b));
  SortOperator op(std::make_unique<BatchSource>(kTypes, &t), {{0, false}});
  EXPECT_EQ(Column(&op, 1), (std::vector<std::string>{"ok", "NULL"}));
}

TEST(SortTest, StringsOutliveTheChildBatches) {
  // The source's batches are destroyed after materialisation would have
  // copied them: the sort must own its strings.
  auto t = std::make_unique<std::vector<Batch>>(
      Table({{2, "second"}, {1, "first"}}, 1));
  SortOperator op(std::make_unique<BatchSource>(kTypes, t.get()), {{0, false}});
  auto first = op.Next();
  ASSERT_TRUE(first.ok());
  t.reset();  // the input is gone
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->column(1).data<std::string_view>()[0], "first");
  EXPECT_EQ((*first)->column(1).data<std::string_view>()[1], "second");
}

}  // namespace
}  // namespace xp::exec
