#include "plan/schema.h"

#include <gtest/gtest.h>

#include "plan/sql/parser.h"

namespace xp::plan {
namespace {

Result<TableSchema> Build(std::string_view sql) {
  auto stmt = sql::Parse(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  return BuildTableSchema(static_cast<const sql::CreateTableStatement&>(**stmt),
                          "db");
}

uint32_t ErrorCode(std::string_view sql) {
  auto r = Build(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? 0 : r.status().sql_code();
}

TEST(SchemaTest, SysbenchTable) {
  auto t = Build(
      "CREATE TABLE sbtest1( id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER "
      "DEFAULT '0' NOT "
      "NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT "
      "NULL, PRIMARY KEY "
      "(id) ) /*! ENGINE = innodb */");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->database, "db");
  ASSERT_EQ(t->columns.size(), 4u);
  EXPECT_EQ(t->columns[0].type.ToString(), "INT");
  EXPECT_TRUE(t->columns[0].auto_increment);
  EXPECT_FALSE(t->columns[1].nullable);
  ASSERT_TRUE(t->columns[1].default_value.has_value());
  EXPECT_EQ(std::get<int64_t>(*t->columns[1].default_value),
            0);  // '0' converted
  EXPECT_EQ(t->columns[2].type.ToString(), "VARCHAR(120)");
  ASSERT_EQ(t->indexes.size(), 1u);
  EXPECT_TRUE(t->indexes[0].primary);
  EXPECT_EQ(t->indexes[0].columns, std::vector<int>{0});
  EXPECT_FALSE(t->hidden_primary_key);
  EXPECT_EQ(t->FindColumn("PAD"), 3);  // column names are case-insensitive
}

TEST(SchemaTest, TypesIndexesAndHiddenKey) {
  auto t = Build(
      "CREATE TABLE t (a BIGINT UNSIGNED, b DECIMAL(10,2) DEFAULT 1.5, c "
      "VARCHAR(5) COLLATE "
      "utf8mb4_bin UNIQUE, d DATETIME(6), e DATE DEFAULT '2024-02-29', f TEXT, "
      "g BLOB, KEY "
      "(a), KEY (a, b DESC))");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->hidden_primary_key);
  EXPECT_EQ(t->columns[0].type.ToString(), "BIGINT UNSIGNED");
  EXPECT_EQ(DecimalToString(std::get<Decimal>(*t->columns[1].default_value)),
            "1.50");
  EXPECT_TRUE(t->columns[2].type.binary);
  EXPECT_EQ(t->columns[3].type.scale, 6);
  EXPECT_EQ(std::get<int64_t>(*t->columns[4].default_value),
            19782);  // days since 1970
  EXPECT_TRUE(t->columns[6].type.binary);
  ASSERT_EQ(t->indexes.size(), 3u);
  EXPECT_EQ(t->indexes[0].name, "c");
  EXPECT_EQ(t->indexes[1].name, "a");
  EXPECT_EQ(t->indexes[2].name, "a_2");
  EXPECT_EQ(t->indexes[2].desc, (std::vector<bool>{false, true}));
}

TEST(SchemaTest, MysqlErrors) {
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT, A INT)"), 1060u);
  EXPECT_EQ(
      ErrorCode("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))"),
      1068u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT, KEY (zz))"), 1072u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT, b INT, KEY k (a), KEY k (b))"),
            1061u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT AUTO_INCREMENT, b INT)"), 1075u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a DECIMAL(40,2))"), 1426u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a DECIMAL(10,31))"), 1425u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a DECIMAL(5,6))"), 1427u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a VARCHAR(20000))"), 1074u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT DEFAULT 'x')"), 1067u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a TINYINT DEFAULT 300)"), 1067u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT NOT NULL DEFAULT NULL)"), 1067u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a INT NULL, PRIMARY KEY (a))"), 1171u);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (a FOO)"), 1064u);
}

TEST(SchemaTest, ConvertValueRangesAndStrictness) {
  auto tiny = DataType::Int(1);
  EXPECT_EQ(
      std::get<int64_t>(*ConvertValue(Value(std::string(" 12 ")), tiny, "c")),
      12);
  EXPECT_EQ(std::get<int64_t>(*ConvertValue(Value(2.5), tiny, "c")),
            3);  // half away
  EXPECT_EQ(ConvertValue(Value(int64_t{128}), tiny, "c").status().sql_code(),
            1264u);
  EXPECT_EQ(ConvertValue(Value(int64_t{-1}), DataType::UInt(4), "c")
                .status()
                .sql_code(),
            1264u);
  EXPECT_EQ(
      ConvertValue(Value(std::string("1x")), tiny, "c").status().sql_code(),
      1366u);
  auto dec = DataType::Decimal(5, 2);
  EXPECT_EQ(DecimalToString(std::get<Decimal>(
                *ConvertValue(Value(std::string("1.005")), dec, "c"))),
            "1.01");
  EXPECT_EQ(ConvertValue(Value(int64_t{1000}), dec, "c").status().sql_code(),
            1264u);
  EXPECT_EQ(ConvertValue(Value(std::string("abcdef")), DataType::String(5), "c")
                .status()
                .sql_code(),
            1406u);
  EXPECT_EQ(std::get<std::string>(
                *ConvertValue(Value(int64_t{42}), DataType::String(5), "c")),
            "42");
  DataType date;
  date.id = TypeId::kDate;
  EXPECT_EQ(std::get<int64_t>(
                *ConvertValue(Value(std::string("1970-01-02")), date, "d")),
            1);
  EXPECT_EQ(ConvertValue(Value(std::string("2023-02-29")), date, "d")
                .status()
                .sql_code(),
            1292u);
  DataType dt;
  dt.id = TypeId::kDateTime;
  // DATETIME (no fraction) rounds as MySQL stores it; DATETIME(1) keeps it.
  EXPECT_EQ(std::get<int64_t>(*ConvertValue(
                Value(std::string("1970-01-01 00:00:01.5")), dt, "d")),
            2000000);
  dt.scale = 1;
  EXPECT_EQ(std::get<int64_t>(*ConvertValue(
                Value(std::string("1970-01-01 00:00:01.5")), dt, "d")),
            1500000);
  DataType tm;
  tm.id = TypeId::kTime;
  EXPECT_EQ(std::get<int64_t>(
                *ConvertValue(Value(std::string("-01:00:00")), tm, "d")),
            -3600000000LL);
  EXPECT_EQ(ConvertValue(Value(), tiny, "c")->index(), 0u);  // NULL stays NULL
}

TEST(SchemaTest, InMemoryCatalog) {
  InMemoryCatalog cat;
  ASSERT_TRUE(cat.CreateDatabase("db", false).ok());
  EXPECT_EQ(cat.CreateDatabase("db", false).sql_code(), 1007u);
  EXPECT_TRUE(cat.CreateDatabase("db", true).ok());
  auto t = Build("CREATE TABLE t1 (a INT)");
  ASSERT_TRUE(cat.CreateTable(*t, false).ok());
  EXPECT_EQ(cat.CreateTable(*t, false).sql_code(), 1050u);
  auto found = cat.FindTable("db", "t1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->columns.size(), 1u);
  auto missing = cat.FindTable("db", "nope");
  EXPECT_EQ(missing.status().sql_code(), 1146u);
  EXPECT_EQ(missing.status().message(), "Table 'db.nope' doesn't exist");
  EXPECT_EQ(cat.DropTable("db", "nope", false).sql_code(), 1051u);
  EXPECT_TRUE(cat.DropTable("db", "nope", true).ok());
  EXPECT_TRUE(cat.DropTable("db", "t1", false).ok());
  TableSchema other = *t;
  other.database = "nodb";
  EXPECT_EQ(cat.CreateTable(other, false).sql_code(), 1049u);
  EXPECT_TRUE(cat.DropDatabase("db", false).ok());
  EXPECT_EQ(cat.DropDatabase("db", false).sql_code(), 1008u);
}

}  // namespace
}  // namespace xp::plan
