// The physical DDL text (physical_ddl.h) parses back to the statement it
// stands for: a partition made from CreateTableSql has exactly the user
// table's columns, types, collations, defaults and indexes.

#include "cn/catalog/physical_ddl.h"

#include <gtest/gtest.h>

#include "plan/sql/ast.h"
#include "plan/sql/parser.h"

namespace xp::cn {
namespace {

plan::TableSchema Schema(const std::string& sql) {
  auto stmt = sql::Parse(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  auto t = plan::BuildTableSchema(
      static_cast<const sql::CreateTableStatement&>(**stmt), "d");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return *t;
}

TEST(PhysicalDdlTest, APartitionHasTheTablesDefinition) {
  const plan::TableSchema t = Schema(
      "CREATE TABLE `odd name` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,"
      " name VARCHAR(20) COLLATE utf8mb4_bin NOT NULL DEFAULT 'a''b',"
      " note VARCHAR(10) DEFAULT NULL, price DECIMAL(10,2) DEFAULT 1.50,"
      " at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
      "kind ENUM('x','y') DEFAULT 'y',"
      " blob_ VARBINARY(8), PRIMARY KEY (id), UNIQUE KEY u (name, id),"
      " KEY k (price DESC)) PARTITION BY HASH(id) PARTITIONS 4");
  Result<std::string> sql = CreateTableSql(t, "__xp_7_p1");
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(sql->find("PARTITION"), std::string::npos) << *sql;
  const plan::TableSchema back = Schema(*sql);
  EXPECT_EQ(back.database, "d");
  EXPECT_EQ(back.name, "__xp_7_p1");
  ASSERT_EQ(back.columns.size(), t.columns.size()) << *sql;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const auto& a = t.columns[i];
    const auto& b = back.columns[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_TRUE(b.type == a.type) << a.name << " in " << *sql;
    EXPECT_EQ(b.nullable, a.nullable) << a.name;
    EXPECT_EQ(b.auto_increment, a.auto_increment) << a.name;
    // The default a row gets: a nullable column without one gets NULL,
    // which the definition spells DEFAULT NULL.
    auto effective = [](const plan::ColumnSchema& c) -> std::string {
      if (c.default_value) return plan::ValueToString(*c.default_value);
      return c.nullable ? "NULL" : "(none)";
    };
    EXPECT_EQ(effective(b), effective(a)) << a.name;
    EXPECT_EQ(b.default_now, a.default_now) << a.name;
    EXPECT_EQ(b.on_update_now, a.on_update_now) << a.name;
    // ENUM members are the compute node's check (the stored type is the
    // same string type, compared above); a partition does not repeat them.
  }
  ASSERT_EQ(back.indexes.size(), t.indexes.size()) << *sql;
  for (size_t i = 0; i < t.indexes.size(); ++i) {
    EXPECT_EQ(back.indexes[i].name, t.indexes[i].name);
    EXPECT_EQ(back.indexes[i].unique, t.indexes[i].unique);
    EXPECT_EQ(back.indexes[i].columns, t.indexes[i].columns);
    EXPECT_EQ(back.indexes[i].desc, t.indexes[i].desc);
  }
}

TEST(PhysicalDdlTest, NamesAreQuotedByThePrinter) {
  EXPECT_EQ(DropTableSql("my`db", "__xp_1_p0"),
            "DROP TABLE IF EXISTS `my``db`.`__xp_1_p0`");
  EXPECT_EQ(CreateDatabaseSql("a b"), "CREATE DATABASE IF NOT EXISTS `a b`");
  EXPECT_EQ(DropDatabaseSql("x"), "DROP DATABASE IF EXISTS `x`");
  EXPECT_EQ(TruncateTableSql("d", "p"), "TRUNCATE TABLE `d`.`p`");
  const plan::TableSchema t = Schema(
      "CREATE TABLE t (id INT PRIMARY KEY, a INT, `b c` INT, UNIQUE KEY u "
      "(a, `b c` DESC))");
  EXPECT_EQ(CreateIndexSql(t, t.indexes[1], "__xp_2_p3"),
            "CREATE UNIQUE INDEX `u` ON `d`.`__xp_2_p3` (`a`, `b c` DESC)");
  EXPECT_EQ(DropIndexSql("d", "u", "__xp_2_p3"),
            "DROP INDEX `u` ON `d`.`__xp_2_p3`");
}

TEST(PhysicalDdlTest, ReadsOfAPhysicalTable) {
  EXPECT_EQ(AnyRowSql("d", "p"), "SELECT 1 FROM `d`.`p` LIMIT 1");
  EXPECT_EQ(MaxSql("d", "p", "i`d"), "SELECT MAX(`i``d`) FROM `d`.`p`");
  EXPECT_EQ(RowsWithKeySql("d", "p", {"a", "b", "id"}, {"a", "b"}),
            "SELECT `a`, `b`, `id` FROM `d`.`p` WHERE ((`a` IS NOT NULL) AND "
            "(`b` IS NOT NULL))");
  EXPECT_EQ(RowsWithKeySql("d", "p", {"a"}, {"a"}),
            "SELECT `a` FROM `d`.`p` WHERE (`a` IS NOT NULL)");
  // Each parses back.
  for (const std::string& q :
       {AnyRowSql("d", "p"), MaxSql("d", "p", "x"),
        RowsWithKeySql("d", "p", {"a", "b"}, {"a", "b"})}) {
    EXPECT_TRUE(sql::Parse(q).ok()) << q;
  }
}

}  // namespace
}  // namespace xp::cn
