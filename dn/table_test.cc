#include "dn/table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "plan/exec/lower.h"
#include "plan/optimizer.h"
#include "plan/sql/parser.h"

namespace xp::dn {
namespace {

using plan::Value;

class TableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xp_table_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    StorageOptions o;
    o.path = dir_;
    o.lock_timeout_ms = 100;
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok());
    db_ = std::move(*s);
    auto stmt = sql::Parse(
        "CREATE TABLE t (name VARCHAR(10) PRIMARY KEY, k INT, "
        "amount DECIMAL(8,2), tag VARBINARY(4), UNIQUE KEY uk (tag), "
        "KEY k_1 (k))");
    ASSERT_TRUE(stmt.ok());
    auto schema = plan::BuildTableSchema(
        static_cast<const sql::CreateTableStatement&>(**stmt), "test");
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = *schema;
    table_ = StoredTable{&schema_, 42};
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  static std::vector<Value> Row(const char* name, int64_t k, int64_t cents,
                                const char* tag) {
    return {Value(std::string(name)), Value(k), Value(plan::Decimal{cents, 2}),
            tag ? Value(std::string(tag)) : Value()};
  }
  std::vector<std::vector<std::string>> ScanAll(bool reverse = false) {
    auto txn = db_->Begin();
    TableScanOperator scan(txn.get(), table_, {0, 1, 2, 3}, reverse);
    auto rows = exec::CollectAsText(&scan);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<std::vector<std::string>>{};
  }

  std::string dir_;
  std::unique_ptr<Storage> db_;
  plan::TableSchema schema_;
  StoredTable table_;
};

TEST_F(TableTest, RowsComeBackInPrimaryKeyOrder) {
  auto txn = db_->Begin();
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("carol", 3, 150, "c")).ok());
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("Alice", 1, -5, nullptr)).ok());
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("bob", 2, 0, nullptr)).ok());
  ASSERT_TRUE(txn->Commit().ok());
  // The key collates case-insensitively; rows keep the written case.
  EXPECT_EQ(ScanAll(), (std::vector<std::vector<std::string>>{
                           {"Alice", "1", "-0.05", "NULL"},
                           {"bob", "2", "0.00", "NULL"},
                           {"carol", "3", "1.50", "c"}}));
  EXPECT_EQ(ScanAll(true)[0][0], "carol");
}

TEST_F(TableTest, DuplicatesAre1062AndNullsNeverCollide) {
  auto txn = db_->Begin();
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("a", 1, 1, "x")).ok());
  Status dup_pk = InsertRow(txn.get(), table_, Row("A ", 2, 2, "y"));
  EXPECT_EQ(dup_pk.sql_code(), 1062u);  // 'A ' = 'a' under the collation
  EXPECT_EQ(dup_pk.message(), "Duplicate entry 'A ' for key 't.PRIMARY'");
  Status dup_uk = InsertRow(txn.get(), table_, Row("b", 2, 2, "x"));
  EXPECT_EQ(dup_uk.sql_code(), 1062u);
  EXPECT_EQ(dup_uk.message(), "Duplicate entry 'x' for key 't.uk'");
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("c", 1, 2, nullptr)).ok());
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("d", 1, 2, nullptr)).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(ScanAll().size(), 3u);
}

TEST_F(TableTest, DeleteRemovesTheRowAndItsIndexEntries) {
  auto txn = db_->Begin();
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("a", 1, 1, "x")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto del = db_->Begin();
  ASSERT_TRUE(DeleteRow(del.get(), table_,
                        PrimaryKey(table_, Row("a", 1, 1, "x")),
                        Row("a", 1, 1, "x"))
                  .ok());
  ASSERT_TRUE(del->Commit().ok());
  EXPECT_TRUE(ScanAll().empty());
  // The unique key is free again; nothing else of the table is left.
  auto again = db_->Begin();
  ASSERT_TRUE(InsertRow(again.get(), table_, Row("b", 1, 1, "x")).ok());
  ASSERT_TRUE(again->Commit().ok());
  auto all = db_->Begin();
  size_t entries = 0;
  for (auto it = all->Scan("", "", false); it->Valid(); it->Next()) ++entries;
  EXPECT_EQ(entries, 3u);  // row + unique entry + k_1 entry
}

TEST_F(TableTest, ColumnsAddedLaterReadTheirDefault) {
  auto txn = db_->Begin();
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("a", 1, 1, "x")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  plan::ColumnSchema extra;
  extra.name = "flag";
  extra.type = plan::DataType::Int();
  extra.default_value = Value(int64_t{7});
  schema_.columns.push_back(extra);
  schema_.version = 2;
  auto read = db_->Begin();
  TableScanOperator scan(read.get(), table_, {0, 4});
  auto rows = exec::CollectAsText(&scan);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (std::vector<std::vector<std::string>>{{"a", "7"}}));
}

plan::BoundExprPtr Call(plan::ExprOp op, std::vector<plan::BoundExprPtr> args) {
  auto r = plan::MakeCall(op, std::move(args));
  EXPECT_TRUE(r.ok());
  return std::move(*r);
}

std::vector<std::vector<std::string>> Collect(exec::Operator* op) {
  auto rows = exec::CollectAsText(op);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<std::vector<std::string>>{};
}

TEST_F(TableTest, GetAndRangeScanOnThePrimaryKey) {
  auto txn = db_->Begin();
  for (const char* n : {"a", "b", "c", "d", "e"})
    ASSERT_TRUE(
        InsertRow(txn.get(), table_, Row(n, n[0] - 'a', 0, nullptr)).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto r = db_->Begin();
  auto key = [](const char* v) {
    return std::vector<Value>{Value(std::string(v))};
  };
  // Batch get: present and missing keys, case-insensitively.
  IndexScanOperator get(
      r.get(), table_, 0,
      {{key("D"), key("D")}, {key("zz"), key("zz")}, {key("a"), key("a")}},
      {0, 1});
  EXPECT_EQ(Collect(&get),
            (std::vector<std::vector<std::string>>{{"d", "3"}, {"a", "0"}}));
  // (b .. d], then [c .. +inf) reversed.
  KeyRange half{key("b"), key("d"), false, true};
  IndexScanOperator range(r.get(), table_, 0, {half}, {0});
  EXPECT_EQ(Collect(&range),
            (std::vector<std::vector<std::string>>{{"c"}, {"d"}}));
  KeyRange open{key("c"), {}, true, true};
  IndexScanOperator rev(r.get(), table_, 0, {open}, {0}, /*reverse=*/true);
  EXPECT_EQ(Collect(&rev),
            (std::vector<std::vector<std::string>>{{"e"}, {"d"}, {"c"}}));
  KeyRange below{{}, key("b"), true, false};  // (-inf .. b)
  IndexScanOperator low(r.get(), table_, 0, {below}, {0});
  EXPECT_EQ(Collect(&low), (std::vector<std::vector<std::string>>{{"a"}}));
}

TEST_F(TableTest, SecondaryIndexesLeadToTheirRows) {
  auto txn = db_->Begin();
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("a", 7, 100, "t1")).ok());
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("b", 7, 200, nullptr)).ok());
  ASSERT_TRUE(InsertRow(txn.get(), table_, Row("c", 8, 300, "t3")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  auto r = db_->Begin();
  const std::vector<Value> seven{Value(int64_t{7})};
  // Non-unique k_1 (index 2): both rows with k = 7.
  IndexScanOperator by_k(r.get(), table_, 2, {{seven, seven}}, {0, 2});
  EXPECT_EQ(Collect(&by_k), (std::vector<std::vector<std::string>>{
                                {"a", "1.00"}, {"b", "2.00"}}));
  // Unique uk (index 1) on tag.
  const std::vector<Value> t3{Value(std::string("t3"))};
  IndexScanOperator by_tag(r.get(), table_, 1, {{t3, t3}}, {0});
  EXPECT_EQ(Collect(&by_tag), (std::vector<std::vector<std::string>>{{"c"}}));
  // A range over k: k > 7.
  IndexScanOperator above(r.get(), table_, 2, {{seven, {}, false, true}}, {0});
  EXPECT_EQ(Collect(&above), (std::vector<std::vector<std::string>>{{"c"}}));
}

// A plan built with the plan IR and optimized (Get chosen from the key
// predicate) runs over RocksDB rows through exec::Lower with ScanFor as the
// scan factory: the data node's plan path in miniature.
TEST_F(TableTest, PlansRunOverStoredRows) {
  auto txn = db_->Begin();
  for (int i = 0; i < 5000; ++i) {
    const std::string name = "n" + std::to_string(i);
    ASSERT_TRUE(
        InsertRow(txn.get(), table_, Row(name.c_str(), i % 10, i, nullptr))
            .ok());
  }
  ASSERT_TRUE(txn->Commit().ok());
  auto read = db_->Begin();
  auto lower = [&](const plan::LogicalNode& n) {
    return exec::Lower(n, [&](const plan::LogicalNode& scan) {
      return ScanFor(scan, read.get(), table_);
    });
  };
  // SELECT k, COUNT(*), SUM(amount) FROM t WHERE k < 3 GROUP BY k
  {
    auto scan = plan::MakeTableScan(&schema_);
    std::vector<plan::BoundExprPtr> lt;
    lt.push_back(plan::MakeColumn(1, plan::DataType::Int()));
    lt.push_back(plan::MakeConst(Value(int64_t{3}), plan::DataType::Int()));
    auto node = plan::MakeFilter(std::move(scan),
                                 Call(plan::ExprOp::kLt, std::move(lt)));
    plan::AggSpec count, sum;
    count.func = plan::AggFunc::kCountStar;
    sum.func = plan::AggFunc::kSum;
    sum.column = 2;
    node = plan::MakeAggregate(std::move(node), {1}, {count, sum});
    node = plan::MakeSort(std::move(node), {{0, false}}, std::nullopt, 0);
    auto op = lower(*node);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    // Rows with k = i % 10: 500 each; amounts i / 100.
    EXPECT_EQ(Collect(op->get()), (std::vector<std::vector<std::string>>{
                                      {"0", "500", "12475.00"},
                                      {"1", "500", "12480.00"},
                                      {"2", "500", "12485.00"}}));
  }
  // SELECT amount FROM t WHERE name IN ('n42', 'n4242'): the access-path
  // pass turns the scan into a Get of two keys.
  {
    std::vector<plan::BoundExprPtr> a, b, either;
    a.push_back(plan::MakeColumn(0, schema_.columns[0].type));
    a.push_back(
        plan::MakeConst(Value(std::string("n42")), plan::DataType::String(3)));
    b.push_back(plan::MakeColumn(0, schema_.columns[0].type));
    b.push_back(plan::MakeConst(Value(std::string("n4242")),
                                plan::DataType::String(5)));
    either.push_back(Call(plan::ExprOp::kEq, std::move(a)));
    either.push_back(Call(plan::ExprOp::kEq, std::move(b)));
    auto node = plan::MakeFilter(plan::MakeTableScan(&schema_),
                                 Call(plan::ExprOp::kOr, std::move(either)));
    std::vector<plan::BoundExprPtr> cols;
    cols.push_back(plan::MakeColumn(2, schema_.columns[2].type));
    node = plan::MakeProject(std::move(node), std::move(cols));
    plan::OptimizerOptions options;
    ASSERT_TRUE(plan::Optimize(&node, options).ok());
    const std::string explain = plan::Explain(*node);
    EXPECT_NE(explain.find("Get test.t"), std::string::npos) << explain;
    auto op = lower(*node);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    auto rows = Collect(op->get());
    std::sort(rows.begin(), rows.end());
    EXPECT_EQ(rows,
              (std::vector<std::vector<std::string>>{{"0.42"}, {"42.42"}}));
  }
}

}  // namespace
}  // namespace xp::dn
