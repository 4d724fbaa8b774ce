#include "plan/exec/operator.h"

#include <gtest/gtest.h>

namespace xp::exec {
namespace {

using plan::DataType;
using plan::ExprOp;
using plan::MakeColumn;
using plan::MakeConst;
using plan::Value;

plan::BoundExprPtr Call(ExprOp op, plan::BoundExprPtr a, plan::BoundExprPtr b) {
  std::vector<plan::BoundExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return std::move(plan::MakeCall(op, std::move(args))).value();
}

plan::BoundExprPtr Int(int64_t v) {
  return MakeConst(Value(v), DataType::Int());
}

// A table (id BIGINT, name VARCHAR) of `rows` rows in batches of `per_batch`;
// name is NULL for every 5th id.
std::vector<Batch> MakeTable(size_t rows, size_t per_batch) {
  std::vector<Batch> out;
  for (size_t start = 0; start < rows; start += per_batch) {
    Batch b({PhysType::kInt64, PhysType::kString});
    const size_t n = std::min(per_batch, rows - start);
    b.SetRows(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t id = static_cast<int64_t>(start + i);
      b.column(0).data<int64_t>()[i] = id;
      if (id % 5 == 0) {
        b.column(1).SetNull(i);
      } else {
        b.column(1).SetString(i, "n" + std::to_string(id));
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

const std::vector<DataType> kTypes = {DataType::Int(), DataType::String(10)};

TEST(OperatorTest, FilterProjectLimitPipeline) {
  auto table = MakeTable(10000, 2048);
  // SELECT id * 10, name FROM t WHERE id % 3 = 1 LIMIT 4 OFFSET 2
  OperatorPtr op = std::make_unique<BatchSource>(kTypes, &table);
  op = std::make_unique<FilterOperator>(
      std::move(op),
      Call(ExprOp::kEq,
           Call(ExprOp::kMod, MakeColumn(0, DataType::Int()), Int(3)), Int(1)));
  std::vector<plan::BoundExprPtr> proj;
  proj.push_back(Call(ExprOp::kMul, MakeColumn(0, DataType::Int()), Int(10)));
  proj.push_back(MakeColumn(1, DataType::String(10)));
  op = std::make_unique<ProjectOperator>(std::move(op), std::move(proj));
  op = std::make_unique<LimitOperator>(std::move(op), 4, 2);
  auto rows = CollectAsText(op.get());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::vector<std::string>> want = {
      {"70", "n7"}, {"100", "NULL"}, {"130", "n13"}, {"160", "n16"}};
  EXPECT_EQ(*rows, want);
}

TEST(OperatorTest, FilterCountsAcrossBatchesAndNullPredicates) {
  auto table = MakeTable(5000, 1000);
  // WHERE name IS NOT NULL AND id >= 4990: NULL names are every 5th id.
  OperatorPtr op = std::make_unique<BatchSource>(kTypes, &table);
  std::vector<plan::BoundExprPtr> a;
  a.push_back(MakeColumn(1, DataType::String(10)));
  auto not_null =
      std::move(plan::MakeCall(ExprOp::kIsNotNull, std::move(a))).value();
  op = std::make_unique<FilterOperator>(
      std::move(op),
      Call(ExprOp::kAnd, std::move(not_null),
           Call(ExprOp::kGe, MakeColumn(0, DataType::Int()), Int(4990))));
  auto rows = CollectAsText(op.get());
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 8u);  // 4990..4999 without 4990 and 4995
  EXPECT_EQ(rows->front()[0], "4991");

  // A predicate that is NULL for every row keeps nothing.
  OperatorPtr none = std::make_unique<FilterOperator>(
      std::make_unique<BatchSource>(kTypes, &table),
      Call(ExprOp::kEq, MakeColumn(0, DataType::Int()),
           MakeConst(Value(), DataType::Null())));
  EXPECT_TRUE(CollectAsText(none.get())->empty());
}

TEST(OperatorTest, LimitSpanningBatches) {
  auto table = MakeTable(3000, 700);
  OperatorPtr op = std::make_unique<LimitOperator>(
      std::make_unique<BatchSource>(kTypes, &table), 1000, 1500);
  auto rows = CollectAsText(op.get());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1000u);
  EXPECT_EQ(rows->front()[0], "1500");
  EXPECT_EQ(rows->back()[0], "2499");
  OperatorPtr zero = std::make_unique<LimitOperator>(
      std::make_unique<BatchSource>(kTypes, &table), 0, 0);
  EXPECT_TRUE(CollectAsText(zero.get())->empty());
}

TEST(OperatorTest, ErrorsStopThePipeline) {
  auto table = MakeTable(10, 10);
  std::vector<plan::BoundExprPtr> proj;
  proj.push_back(
      Call(ExprOp::kAdd, MakeColumn(0, DataType::Int()), Int(INT64_MAX)));
  OperatorPtr op = std::make_unique<ProjectOperator>(
      std::make_unique<BatchSource>(kTypes, &table), std::move(proj));
  auto rows = CollectAsText(op.get());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().sql_code(), 1690u);
}

}  // namespace
}  // namespace xp::exec
