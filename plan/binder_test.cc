#include "plan/binder.h"

#include <gtest/gtest.h>

#include "plan/sql/parser.h"

namespace xp::plan {
namespace {

// Parses "SELECT <expr>" and binds the first item over columns
// t.a BIGINT, t.b DECIMAL(5,2), u.a VARCHAR(10).
Result<BoundExprPtr> Bind(std::string_view expr) {
  auto stmt = sql::Parse("SELECT " + std::string(expr));
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  const auto& q = *static_cast<const sql::SelectStatement&>(**stmt).query;
  Scope scope;
  scope.Add({"t", "a", DataType::Int()});
  scope.Add({"t", "b", DataType::Decimal(5, 2)});
  scope.Add({"u", "a", DataType::String(10)});
  scope.Add({"u", "c", DataType::Double()});
  return BindExpr(*q.items[0].expr, scope);
}

TEST(BinderTest, ResolvesColumnsAndTypes) {
  auto e = Bind("t.a + b * 2");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(ToString(**e), "(#0 + (#1 * 2))");
  EXPECT_EQ((*e)->type.id,
            TypeId::kDecimal);  // precision is not MySQL-exact yet
  EXPECT_EQ((*e)->type.scale, 2);
  EXPECT_EQ((*Bind("c / 2"))->type.ToString(), "DOUBLE");
  EXPECT_EQ((*Bind("t.a / 2"))->type.ToString(), "DECIMAL(24,4)");
}

TEST(BinderTest, NameErrorsAreMysql) {
  auto amb = Bind("a");
  EXPECT_EQ(amb.status().sql_code(), 1052u);
  EXPECT_EQ(amb.status().message(), "Column 'a' in field list is ambiguous");
  auto unknown = Bind("t.zz");
  EXPECT_EQ(unknown.status().sql_code(), 1054u);
  EXPECT_EQ(unknown.status().sql_state(), "42S22");
  EXPECT_EQ(unknown.status().message(),
            "Unknown column 't.zz' in 'field list'");
  EXPECT_EQ(Bind("SOUNDEX(b)").status().sql_code(),
            1235u);  // not bound yet, never misbound
  EXPECT_EQ(Bind("ABS(b, 1)").status().sql_code(), 1582u);
  EXPECT_EQ(Bind("CAST(b AS DECIMAL(70, 2))").status().sql_code(), 1426u);
  EXPECT_EQ(Bind("CAST(b AS DECIMAL(5, 6))").status().sql_code(), 1427u);
  // Without an engine's subquery binder a subquery is refused, not misbound.
  EXPECT_EQ(Bind("b IN (SELECT 1)").status().sql_code(), 1235u);
  EXPECT_EQ(Bind("IFNULL(b)").status().sql_code(), 1582u);
}

TEST(BinderTest, SugarIsRewritten) {
  EXPECT_EQ(ToString(**Bind("t.a BETWEEN 1 AND 3")),
            "((#0 >= 1) AND (#0 <= 3))");
  EXPECT_EQ(ToString(**Bind("t.a NOT IN (1, 2)")),
            "NOT(((#0 = 1) OR (#0 = 2)))");
  EXPECT_EQ(ToString(**Bind("CASE t.a WHEN 1 THEN 'x' ELSE 'y' END")),
            "CASE((#0 = 1), 'x', 'y')");
  EXPECT_EQ(ToString(**Bind("IFNULL(b, 0)")), "COALESCE(#1, 0)");
  EXPECT_EQ(ToString(**Bind("c IS NOT NULL")), "IS NOT NULL(#3)");
}

TEST(BinderTest, LiteralTypes) {
  EXPECT_EQ((*Bind("9223372036854775807"))->type.ToString(), "BIGINT");
  EXPECT_EQ((*Bind("18446744073709551615"))->type.ToString(),
            "BIGINT UNSIGNED");
  EXPECT_EQ((*Bind("123456789012345678901"))->type.ToString(), "DECIMAL(21,0)");
  EXPECT_EQ((*Bind("1.50"))->type.ToString(), "DECIMAL(3,2)");
  EXPECT_EQ((*Bind("1e2"))->type.ToString(), "DOUBLE");
  EXPECT_EQ((*Bind("'abc'"))->type.ToString(), "VARCHAR(3)");
  EXPECT_EQ((*Bind("NULL"))->type.ToString(), "NULL");
}

}  // namespace
}  // namespace xp::plan
