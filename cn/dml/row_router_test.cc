// The row router (row_router.h) on a table of a compute node over fake
// data nodes: AUTO_INCREMENT numbering as InnoDB does it, each row in the
// partition its key hashes to, statements that print every column.

#include "cn/dml/row_router.h"

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/types/data_type.h"

namespace xp::cn {
namespace {

using plan::Value;

class RowRouterTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    Ok("CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v INT DEFAULT 7,"
       " s VARCHAR(5)) PARTITION BY HASH(id) PARTITIONS 2");
    Result<const plan::TableSchema*> t = store_->catalog().FindTable("d", "a");
    ASSERT_TRUE(t.ok());
    t_ = *t;
    p_ = store_->PlacementOf(*t_);
    ASSERT_NE(p_, nullptr);
  }
  static int64_t Id(const plan::InsertRow& row) {
    return std::get<int64_t>(*row[0]);
  }
  const plan::TableSchema* t_ = nullptr;
  const Placement* p_ = nullptr;
};

TEST_F(RowRouterTest, GeneratedValuesAreOneRangeExplicitOnesMoveTheCounter) {
  RowRouter router(store_.get(), *t_, *p_);
  std::vector<plan::InsertRow> rows = {
      {Value(), Value(int64_t{1}), std::nullopt},
      {std::nullopt, std::nullopt, Value(std::string("x"))},
      {Value(int64_t{10}), Value(int64_t{2}), std::nullopt},
      {Value(std::string("0")), std::nullopt, std::nullopt}};
  uint64_t first = 0;
  ASSERT_TRUE(router.Number(&rows, &first).ok());
  // InnoDB (interleaved lock mode): NULL, DEFAULT and 0 take the range
  // reserved for the statement, in row order; 10 is kept.
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(Id(rows[0]), 1);
  EXPECT_EQ(Id(rows[1]), 2);
  EXPECT_EQ(std::get<int64_t>(*rows[2][0]), 10);
  EXPECT_EQ(Id(rows[3]), 3);
  // The next statement continues after the explicit 10.
  std::vector<plan::InsertRow> next = {
      {std::nullopt, std::nullopt, std::nullopt}};
  uint64_t again = 0;
  ASSERT_TRUE(router.Number(&next, &again).ok());
  EXPECT_EQ(again, 11u);
  // A column's stored value: given, or its default, converted.
  Result<Value> v = router.Stored(rows[1], 1, "test");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<int64_t>(*v), 7);
}

TEST_F(RowRouterTest, RowsGoWhereTheirKeyHashesAndPrintWhole) {
  RowRouter router(store_.get(), *t_, *p_);
  std::vector<plan::InsertRow> rows;
  for (int64_t id = 1; id <= 8; ++id)
    rows.push_back({Value(std::to_string(id)), std::nullopt,
                    Value(std::string("r'") + std::to_string(id))});
  uint64_t first = 0;
  ASSERT_TRUE(router.Number(&rows, &first).ok());
  EXPECT_EQ(first, 0u);  // nothing generated
  for (auto& row : rows) ASSERT_TRUE(router.Add(std::move(row)).ok());
  size_t total = 0;
  for (const auto& [part, list] : router.rows()) {
    for (const plan::InsertRow& row : list) {
      const int64_t id = std::stoll(std::get<std::string>(*row[0]));
      EXPECT_EQ(PartitionOf({Value(id)}, {plan::DataType::Int(4)}, 2), part);
      ++total;
    }
    const std::string sql = sql::ToSql(router.Statement(part, false, true));
    auto back = sql::Parse(sql);
    ASSERT_TRUE(back.ok()) << sql;
    const auto& ins = static_cast<const sql::InsertStatement&>(**back);
    EXPECT_TRUE(ins.ignore);
    EXPECT_EQ(ins.table.name, p_->name[part]);
    EXPECT_EQ(ins.columns, (std::vector<std::string>{"id", "v", "s"}));
    ASSERT_EQ(ins.rows.size(), list.size());
    EXPECT_EQ(ins.rows[0][1]->kind, sql::ExprKind::kDefault);  // v omitted
  }
  EXPECT_EQ(total, 8u);
  router.Clear();
  EXPECT_TRUE(router.empty());
}

}  // namespace
}  // namespace xp::cn
