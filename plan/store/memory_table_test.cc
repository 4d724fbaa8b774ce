#include "plan/store/memory_table.h"

#include <gtest/gtest.h>

#include "plan/exec/operator.h"
#include "plan/sql/parser.h"

namespace xp::exec {
namespace {

using plan::Value;

plan::TableSchema Schema(std::string_view sql) {
  auto stmt = sql::Parse(sql);
  EXPECT_TRUE(stmt.ok());
  auto t = plan::BuildTableSchema(
      static_cast<const sql::CreateTableStatement&>(**stmt), "db");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return *t;
}

std::vector<std::vector<std::string>> Scan(const MemoryTable& t) {
  BatchSource src(t.types(), &t.batches());
  return *CollectAsText(&src);
}

TEST(MemoryTableTest, DefaultsAutoIncrementAndConversion) {
  auto schema = Schema(
      "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER "
      "DEFAULT '0' NOT NULL, "
      "c CHAR(10) DEFAULT '' NOT NULL, PRIMARY KEY (id))");
  MemoryTable t(&schema);
  uint64_t id = 0;
  ASSERT_TRUE(
      t.Insert({1, 2}, {Value(int64_t{5}), Value(std::string("x"))}, &id).ok());
  EXPECT_EQ(id, 1u);
  ASSERT_TRUE(
      t.Insert({2}, {Value(std::string("y"))}, &id).ok());  // k defaults to 0
  EXPECT_EQ(id, 2u);
  ASSERT_TRUE(t.Insert({},
                       {Value(int64_t{10}), Value(std::string("7")),
                        Value(std::string("z"))},
                       &id)
                  .ok());
  EXPECT_EQ(id, 0u);  // explicit id
  ASSERT_TRUE(t.Insert({0, 1}, {Value(), Value(int64_t{1})}, &id).ok());
  EXPECT_EQ(id, 11u);  // follows the explicit 10
  std::vector<std::vector<std::string>> want = {
      {"1", "5", "x"}, {"2", "0", "y"}, {"10", "7", "z"}, {"11", "1", ""}};
  EXPECT_EQ(Scan(t), want);
}

TEST(MemoryTableTest, ConstraintErrorsLeaveTheTableUnchanged) {
  auto schema = Schema(
      "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(3), n INT NOT NULL, "
      "UNIQUE KEY uu (u))");
  MemoryTable t(&schema);
  ASSERT_TRUE(t.Insert({}, {Value(int64_t{1}), Value(std::string("a")),
                            Value(int64_t{0})})
                  .ok());
  Status dup = t.Insert(
      {}, {Value(int64_t{1}), Value(std::string("b")), Value(int64_t{0})});
  EXPECT_EQ(dup.sql_code(), 1062u);
  EXPECT_EQ(dup.message(), "Duplicate entry '1' for key 't.PRIMARY'");
  dup = t.Insert(
      {}, {Value(int64_t{2}), Value(std::string("A")), Value(int64_t{0})});
  EXPECT_EQ(dup.message(),
            "Duplicate entry 'A' for key 't.uu'");  // case-insensitive
  // NULLs never collide in a UNIQUE key.
  ASSERT_TRUE(
      t.Insert({}, {Value(int64_t{3}), Value(), Value(int64_t{0})}).ok());
  ASSERT_TRUE(
      t.Insert({}, {Value(int64_t{4}), Value(), Value(int64_t{0})}).ok());
  EXPECT_EQ(t.Insert({}, {Value(int64_t{5}), Value(), Value()}).sql_code(),
            1048u);
  EXPECT_EQ(t.Insert({0}, {Value(int64_t{6})}).sql_code(), 1364u);
  EXPECT_EQ(t.Insert({}, {Value(int64_t{7})}).sql_code(), 1136u);
  EXPECT_EQ(t.Insert({}, {Value(int64_t{8}), Value(std::string("long")),
                          Value(int64_t{0})})
                .sql_code(),
            1406u);
  EXPECT_EQ(t.num_rows(), 3u);
  EXPECT_EQ(Scan(t).size(), 3u);
  t.Truncate();
  EXPECT_EQ(t.num_rows(), 0u);
  EXPECT_TRUE(t.Insert({}, {Value(int64_t{1}), Value(std::string("a")),
                            Value(int64_t{0})})
                  .ok());
}

TEST(MemoryTableTest, ManyRowsSpanBatches) {
  auto schema = Schema("CREATE TABLE t (a INT)");
  MemoryTable t(&schema);
  for (int64_t i = 0; i < 5000; ++i) ASSERT_TRUE(t.Insert({}, {Value(i)}).ok());
  EXPECT_EQ(t.batches().size(), 3u);
  auto rows = Scan(t);
  ASSERT_EQ(rows.size(), 5000u);
  EXPECT_EQ(rows[4999][0], "4999");
}

}  // namespace
}  // namespace xp::exec
