// What the compute node sends data nodes (fragment_sql.h) parses back to
// what it was built from: values as literals of the same value, statements
// whose names and keys survive the printer.

#include "cn/planner/fragment_sql.h"

#include <gtest/gtest.h>

#include <limits>

#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/types/decimal.h"

namespace xp::cn {
namespace {

// The select list item of `SELECT <e>` as parsed back.
sql::ExprPtr RoundTrip(const sql::Expr& e) {
  auto stmt = sql::Parse("SELECT " + sql::ToSql(e));
  EXPECT_TRUE(stmt.ok()) << sql::ToSql(e);
  if (!stmt.ok()) return nullptr;
  auto& q = *static_cast<sql::SelectStatement&>(**stmt).query;
  return std::move(q.items.at(0).expr);
}

TEST(FragmentSqlTest, ValuesPrintAsLiteralsThatReadBackTheSame) {
  const std::string bytes("it's \\ \"x\"\n\r\0\x1a\xff end", 20);
  for (const plan::Value& v :
       {plan::Value(), plan::Value(std::numeric_limits<int64_t>::min()),
        plan::Value(int64_t{-5}), plan::Value(int64_t{0}),
        plan::Value(std::numeric_limits<uint64_t>::max()), plan::Value(0.1),
        plan::Value(-1e300), plan::Value(*plan::ParseDecimal("-12.500")),
        plan::Value(bytes)}) {
    sql::ExprPtr e = ValueExpr(v);
    sql::ExprPtr back = RoundTrip(*e);
    ASSERT_NE(back, nullptr);
    // What the DN reads prints the same again, and numbers are the value.
    sql::ExprPtr again = RoundTrip(*back);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(sql::ToSql(*again), sql::ToSql(*back));
    if (v.index() == 1 || v.index() == 2 || v.index() == 4)
      EXPECT_EQ(sql::ToSql(*back), plan::ValueToString(v));
    if (v.index() == 5) {
      ASSERT_EQ(back->kind, sql::ExprKind::kLiteral);
      EXPECT_EQ(back->text, bytes);  // every byte, escapes undone
    }
    if (v.index() == 3) {
      const sql::Expr* lit = back->kind == sql::ExprKind::kUnary
                                 ? back->args.at(0).get()
                                 : back.get();
      const double d = std::stod(lit->text);
      EXPECT_EQ(back->kind == sql::ExprKind::kUnary ? -d : d,
                std::get<double>(v));
    }
  }
  // Integer literals hold digits only: a negative one is a minus on it.
  sql::ExprPtr neg = ValueExpr(plan::Value(int64_t{-5}));
  EXPECT_EQ(neg->kind, sql::ExprKind::kUnary);
  EXPECT_EQ(neg->args.at(0)->text, "5");
}

TEST(FragmentSqlTest, InlineAndCopy) {
  auto stmt = sql::Parse("SELECT ? + (? * CONCAT(?, 'b'))");
  ASSERT_TRUE(stmt.ok());
  sql::Expr& e =
      *static_cast<sql::SelectStatement&>(**stmt).query->items.at(0).expr;
  Result<sql::ExprPtr> copy = CopyExpr(e);
  ASSERT_TRUE(copy.ok());
  Inline(&e, {plan::Value(int64_t{-1}), plan::Value(2.5),
              plan::Value(std::string("a'"))});
  EXPECT_EQ(sql::ToSql(e), "((-1) + (2.5 * CONCAT('a\\'', 'b')))");
  // The copy kept its placeholders.
  EXPECT_EQ(sql::ToSql(**copy), "(? + (? * CONCAT(?, 'b')))");
  auto sub = sql::Parse("SELECT 1 + (SELECT 2)");
  ASSERT_TRUE(sub.ok());
  EXPECT_FALSE(
      CopyExpr(*static_cast<sql::SelectStatement&>(**sub).query->items[0].expr)
          .ok());
}

TEST(FragmentSqlTest, StatementsKeepOddNames) {
  std::vector<sql::ExprPtr> values;
  values.push_back(ValueExpr(plan::Value(int64_t{7})));
  values.push_back(ValueExpr(plan::Value(std::string("x"))));
  const std::string del = DeleteSql(
      "d`b", "__xp_1_p0",
      KeyMatch({"i`d", "name"}, std::move(values), sql::BinaryOp::kNullSafeEq));
  auto back = sql::Parse(del);
  ASSERT_TRUE(back.ok()) << del;
  const auto& d = static_cast<const sql::DeleteStatement&>(**back);
  EXPECT_EQ(d.table.schema, "d`b");
  EXPECT_EQ(d.table.name, "__xp_1_p0");
  ASSERT_NE(d.where, nullptr);
  EXPECT_EQ(sql::ToSql(*d.where), "((`i``d` <=> 7) AND (`name` <=> 'x'))");
  EXPECT_EQ(XaSql(sql::XaStatement::Op::kCommit, "xcn-1'2", true),
            "XA COMMIT 'xcn-1\\'2' ONE PHASE");
  EXPECT_TRUE(sql::Parse(SetSessionSql("innodb_lock_wait_timeout",
                                       plan::Value(int64_t{3})))
                  .ok());
}

TEST(FragmentSqlTest, ScanSqlOfKeysAndRanges) {
  plan::TableSchema t;
  t.database = "d";
  t.name = "t";
  t.columns.resize(2);
  t.columns[0].name = "id";
  t.columns[0].type = plan::DataType::Int(4);
  t.columns[1].name = "v";
  t.columns[1].type = plan::DataType::Int(4);
  plan::IndexSchema pk;
  pk.name = "PRIMARY";
  pk.primary = true;
  pk.unique = true;
  pk.columns = {0};
  t.indexes.push_back(pk);
  plan::LogicalNode get;
  get.kind = plan::NodeKind::kGet;
  get.table = &t;
  get.columns = {1, 0};
  get.index = 0;
  get.keys = {{plan::Value(int64_t{1})},
              {plan::Value(int64_t{2})},
              {plan::Value(int64_t{3})}};
  const std::vector<int> subset{0, 2};
  EXPECT_EQ(ScanSql(get, "__xp_1_p1", &subset),
            "SELECT `v`, `id` FROM `d`.`__xp_1_p1` WHERE ((`id` <=> 1) OR "
            "(`id` <=> 3))");
  get.keys.clear();
  EXPECT_EQ(ScanSql(get, "p", nullptr),
            "SELECT `v`, `id` FROM `d`.`p` WHERE FALSE");
  plan::LogicalNode range;
  range.kind = plan::NodeKind::kRangeScan;
  range.table = &t;
  range.columns = {1, 0};
  range.index = 0;
  range.lower = plan::ScanBound{{plan::Value(int64_t{5})}, false};
  range.upper = plan::ScanBound{{plan::Value(int64_t{9})}, true};
  const std::string sql = ScanSql(range, "p", nullptr);
  EXPECT_EQ(sql,
            "SELECT `v`, `id` FROM `d`.`p` WHERE (((`id`) > (5)) AND ((`id`) "
            "<= (9)))");
  EXPECT_TRUE(sql::Parse(sql).ok());
}

}  // namespace
}  // namespace xp::cn
