#include "plan/exec/aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "plan/exec/sort.h"

namespace xp::exec {
namespace {

using plan::DataType;

// (g VARCHAR, x BIGINT, d DECIMAL(5,2)) rows; x NULL where given as INT64_MIN.
struct Row {
  const char* g;
  int64_t x;
  int64_t d_cents;
};

std::vector<Batch> Table(const std::vector<Row>& rows, size_t per_batch = 3) {
  std::vector<Batch> out;
  for (size_t s = 0; s < rows.size(); s += per_batch) {
    Batch b({PhysType::kString, PhysType::kInt64, PhysType::kInt128});
    const size_t n = std::min(per_batch, rows.size() - s);
    b.SetRows(n);
    for (size_t i = 0; i < n; ++i) {
      const Row& r = rows[s + i];
      b.column(0).SetString(i, r.g);
      if (r.x == INT64_MIN) {
        b.column(1).SetNull(i);
      } else {
        b.column(1).data<int64_t>()[i] = r.x;
      }
      b.column(2).data<__int128>()[i] = r.d_cents;
    }
    out.push_back(std::move(b));
  }
  return out;
}

const std::vector<DataType> kTypes = {DataType::String(5), DataType::Int(),
                                      DataType::Decimal(5, 2)};
constexpr int64_t N = INT64_MIN;

std::vector<std::vector<std::string>> Aggregate(const std::vector<Batch>& t,
                                                std::vector<int> groups,
                                                std::vector<AggSpec> aggs,
                                                bool sort = true) {
  HashAggregateOperator op(std::make_unique<BatchSource>(kTypes, &t),
                           std::move(groups), std::move(aggs));
  auto rows = CollectAsText(&op);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  auto out = rows.ok() ? *rows : std::vector<std::vector<std::string>>{};
  if (sort) std::sort(out.begin(), out.end());
  return out;
}

TEST(AggregateTest, GroupByWithEveryFunction) {
  auto t = Table({{"a", 1, 150},
                  {"b", 5, 200},
                  {"A", 2, 100},
                  {"a ", N, 1},
                  {"b", 5, 300},
                  {"c", N, 0}});
  // GROUP BY g: 'a', 'A' and 'a ' are one group (case-insensitive, PAD SPACE).
  auto rows = Aggregate(t, {0},
                        {{AggFunc::kCountStar, -1},
                         {AggFunc::kCount, 1},
                         {AggFunc::kSum, 1},
                         {AggFunc::kAvg, 1},
                         {AggFunc::kMin, 2},
                         {AggFunc::kMax, 1},
                         {AggFunc::kCount, 1, /*distinct=*/true},
                         {AggFunc::kSum, 2}});
  std::vector<std::vector<std::string>> want = {
      {"a", "3", "2", "3", "1.5000", "0.01", "2", "2", "2.51"},
      {"b", "2", "2", "10", "5.0000", "2.00", "5", "1", "5.00"},
      {"c", "1", "0", "NULL", "NULL", "0.00", "NULL", "0", "0.00"},
  };
  EXPECT_EQ(rows, want);
}

TEST(AggregateTest, ResultTypesFollowMysql) {
  EXPECT_EQ(AggResultType({AggFunc::kSum, 0}, DataType::Int()).ToString(),
            "DECIMAL(38,0)");
  EXPECT_EQ(AggResultType({AggFunc::kAvg, 0}, DataType::Int()).ToString(),
            "DECIMAL(38,4)");
  EXPECT_EQ(
      AggResultType({AggFunc::kAvg, 0}, DataType::Decimal(5, 2)).ToString(),
      "DECIMAL(38,6)");
  EXPECT_EQ(AggResultType({AggFunc::kSum, 0}, DataType::Double()).ToString(),
            "DOUBLE");
  EXPECT_EQ(AggResultType({AggFunc::kCount, 0}, DataType::String()).ToString(),
            "BIGINT");
  EXPECT_EQ(AggResultType({AggFunc::kMax, 0}, DataType::String(7)).ToString(),
            "VARCHAR(7)");
}

TEST(AggregateTest, ScalarAggregateOverNoRowsHasOneRow) {
  std::vector<Batch> empty;
  auto rows = Aggregate(
      empty, {},
      {{AggFunc::kCountStar, -1}, {AggFunc::kSum, 1}, {AggFunc::kMax, 0}});
  std::vector<std::vector<std::string>> want = {{"0", "NULL", "NULL"}};
  EXPECT_EQ(rows, want);
  // With GROUP BY, no input means no groups.
  EXPECT_TRUE(Aggregate(empty, {0}, {{AggFunc::kCountStar, -1}}).empty());
}

TEST(AggregateTest, ManyGroupsSpanOutputBatches) {
  std::vector<Row> rows;
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i)
    names.push_back("g" + std::to_string(i % 2500));
  for (int i = 0; i < 5000; ++i) rows.push_back({names[i].c_str(), i, 1});
  auto t = Table(rows, 2048);
  HashAggregateOperator op(std::make_unique<BatchSource>(kTypes, &t), {0},
                           {{AggFunc::kCountStar, -1}, {AggFunc::kSum, 1}});
  size_t groups = 0, batches = 0;
  for (;;) {
    auto b = op.Next();
    ASSERT_TRUE(b.ok());
    if (*b == nullptr) break;
    ++batches;
    groups += (*b)->num_rows();
    for (size_t i = 0; i < (*b)->num_rows(); ++i) {
      EXPECT_EQ((*b)->column(1).data<int64_t>()[i], 2);
    }
  }
  EXPECT_EQ(groups, 2500u);
  EXPECT_EQ(batches, 2u);
}

// Partial aggregation over each slice of the input, then a final merge of
// the partial states, equals complete aggregation (the two-phase plan a
// compute node runs over data nodes).
TEST(AggregateTest, PartialThenFinalEqualsComplete) {
  const std::vector<Row> rows = {{"a", 1, 150}, {"b", 5, 200}, {"A", 2, 100},
                                 {"c", N, 999}, {"b", 7, -50}, {"a", N, 1},
                                 {"c", N, 5},   {"d", 4, 250}, {"b", 1, 3}};
  auto agg = [](AggFunc f, int col) {
    AggSpec s;
    s.func = f;
    s.column = col;
    return s;
  };
  const std::vector<AggSpec> specs = {
      agg(AggFunc::kCountStar, -1), agg(AggFunc::kCount, 1),
      agg(AggFunc::kSum, 1),        agg(AggFunc::kAvg, 2),
      agg(AggFunc::kMin, 2),        agg(AggFunc::kMax, 1),
      agg(AggFunc::kSum, 2),        agg(AggFunc::kAvg, 1)};
  const auto complete = Aggregate(Table(rows), {0}, specs);
  for (size_t slices : {1u, 2u, 4u}) {
    // Partial states of each slice, gathered (what the DNs send back).
    std::vector<Batch> states;
    std::vector<DataType> state_types;
    for (size_t s = 0; s < slices; ++s) {
      std::vector<Row> part;
      for (size_t i = s; i < rows.size(); i += slices) part.push_back(rows[i]);
      auto t = Table(part);
      HashAggregateOperator p(std::make_unique<BatchSource>(kTypes, &t), {0},
                              specs, AggMode::kPartial);
      state_types = p.types();
      for (;;) {
        auto b = p.Next();
        ASSERT_TRUE(b.ok()) << b.status().ToString();
        if (*b == nullptr) break;
        states.push_back(CopyOwned(**b));
      }
    }
    // Final: each aggregate reads its first state column.
    std::vector<AggSpec> merge = specs;
    int col = 1;
    for (auto& m : merge) {
      m.column = col;
      col += m.func == AggFunc::kAvg ? 2 : 1;
    }
    ASSERT_EQ(static_cast<size_t>(col), state_types.size());
    HashAggregateOperator f(std::make_unique<BatchSource>(state_types, &states),
                            {0}, merge, AggMode::kFinal);
    auto out = CollectAsText(&f);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    std::sort(out->begin(), out->end());
    EXPECT_EQ(*out, complete) << slices << " slices";
    for (size_t i = 0; i < f.types().size(); ++i)
      EXPECT_EQ(f.types()[i].ToString(),
                HashAggregateOperator(
                    std::make_unique<BatchSource>(kTypes, &states), {0}, specs)
                    .types()[i]
                    .ToString());
  }
}

TEST(AggregateTest, GroupConcat) {
  auto t =
      Table({{"a", 3, 0}, {"b", 1, 0}, {"a", 1, 0}, {"a", N, 0}, {"a", 2, 0}});
  AggSpec gc;
  gc.func = AggFunc::kGroupConcat;
  gc.column = 1;
  AggSpec sorted = gc;
  sorted.order = -1;
  sorted.separator = "; ";
  EXPECT_EQ(Aggregate(t, {0}, {gc, sorted}),
            (std::vector<std::vector<std::string>>{{"a", "3,1,2", "3; 2; 1"},
                                                   {"b", "1", "1"}}));
}

}  // namespace
}  // namespace xp::exec
