// End to end below the planner: SQL text -> AST -> bound expression ->
// vectorized evaluation over a batch, checked against MySQL's answers.
#include <gtest/gtest.h>

#include "plan/binder.h"
#include "plan/exec/evaluator.h"
#include "plan/exec/operator.h"
#include "plan/sql/parser.h"

namespace xp::exec {
namespace {

using plan::DataType;

// Evaluates `expr` over rows a = 1..4 (a = 3 is NULL) of (a BIGINT).
std::vector<std::string> Eval(std::string_view expr) {
  auto stmt = sql::Parse("SELECT " + std::string(expr) + " FROM t");
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  plan::Scope scope;
  scope.Add({"t", "a", DataType::Int()});
  const auto& q = *static_cast<const sql::SelectStatement&>(**stmt).query;
  auto bound = plan::BindExpr(*q.items[0].expr, scope);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  if (!bound.ok()) return {};
  Batch in({PhysType::kInt64});
  in.SetRows(4);
  for (int i = 0; i < 4; ++i) in.column(0).data<int64_t>()[i] = i + 1;
  in.column(0).SetNull(2);
  ExpressionEvaluator ev(**bound);
  auto v = ev.Evaluate(in);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  std::vector<std::string> out;
  for (size_t i = 0; i < 4; ++i)
    out.push_back(CellText(**v, (*bound)->type, i));
  return out;
}

using V = std::vector<std::string>;

TEST(BindEvalTest, MatchesMysqlAnswers) {
  EXPECT_EQ(Eval("a / 2"), (V{"0.5000", "1.0000", "NULL", "2.0000"}));
  EXPECT_EQ(Eval("a DIV 2 + a % 2"), (V{"1", "1", "NULL", "2"}));
  EXPECT_EQ(Eval("a BETWEEN 2 AND 3"), (V{"0", "1", "NULL", "0"}));
  EXPECT_EQ(Eval("a IN (1, NULL)"), (V{"1", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Eval("a NOT IN (2, 4)"), (V{"1", "0", "NULL", "0"}));
  EXPECT_EQ(Eval("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"),
            (V{"one", "two", "NULL", "NULL"}));
  EXPECT_EQ(Eval("IFNULL(a, -1) * 1.5"), (V{"1.5", "3.0", "-1.5", "6.0"}));
  EXPECT_EQ(Eval("NOT (a > 2) OR a IS NULL"), (V{"1", "1", "1", "0"}));
  EXPECT_EQ(Eval("-a <=> -4"), (V{"0", "0", "0", "1"}));
}

}  // namespace
}  // namespace xp::exec
