// SqlSession: set operations (UNION [ALL], INTERSECT, EXCEPT) over
// planned SELECT blocks.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

Result<SqlSession::SelectPlan> SqlSession::PlanSetOp(
    const sql::SelectStmt& q,
    const std::shared_ptr<plan::OuterContext>& outer) {
  if (q.all && q.op != sql::SetOpKind::kUnion)
    return NotSupported("INTERSECT ALL / EXCEPT ALL");
  if (q.op != sql::SetOpKind::kUnion && q.operands.size() != 2)
    return Status::Internal("INTERSECT / EXCEPT of more than two queries");
  std::vector<SelectPlan> sides;
  sides.reserve(q.operands.size());
  for (const auto& operand : q.operands) {
    XP_ASSIGN_OR_RETURN(SelectPlan side, PlanSelect(*operand, outer));
    if (!sides.empty() && side.visible != sides[0].visible) {
      return SqlError(
          ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT,
          "The used SELECT statements have a different number of columns");
    }
    sides.push_back(std::move(side));
  }
  const size_t n = sides[0].visible;
  // Each column's type is the aggregate of every side's (as for CASE); a
  // side of another type is cast to it. The names are the first side's.
  SelectPlan plan;
  plan.names = sides[0].names;
  plan.visible = n;
  for (size_t i = 0; i < n; ++i) {
    std::vector<plan::DataType> types;
    for (const SelectPlan& side : sides) types.push_back(side.types[i]);
    plan.types.push_back(plan::DeriveType(plan::ExprOp::kCoalesce, types));
  }
  const bool tagged = q.op != sql::SetOpKind::kUnion;
  auto conform = [&](SelectPlan& side, int64_t tag) {
    std::vector<plan::BoundExprPtr> cols;
    for (size_t i = 0; i < n; ++i) {
      plan::BoundExprPtr c =
          plan::MakeColumn(static_cast<int>(i), side.types[i]);
      if (!(side.types[i] == plan.types[i]))
        c = plan::MakeCast(std::move(c), plan.types[i]);
      cols.push_back(std::move(c));
    }
    if (tagged)
      cols.push_back(plan::MakeConst(plan::Value(tag), plan::DataType::Int()));
    return plan::MakeProject(std::move(side.node), std::move(cols));
  };
  std::vector<plan::LogicalNodePtr> inputs;
  for (size_t k = 0; k < sides.size(); ++k)
    inputs.push_back(conform(sides[k], static_cast<int64_t>(k)));
  plan::LogicalNodePtr op = plan::MakeUnionAll(std::move(inputs));
  std::vector<int> all;
  for (size_t i = 0; i < n; ++i) all.push_back(static_cast<int>(i));
  if (!tagged) {
    if (!q.all) {
      op = plan::MakeAggregate(std::move(op), all, std::vector<AggSpec>{});
    }
  } else {
    // INTERSECT / EXCEPT: group the tagged rows (NULLs compare equal, as
    // set operations want); MIN and MAX of the tag say which sides a row
    // came from.
    std::vector<AggSpec> specs(2);
    specs[0].func = AggFunc::kMin;
    specs[1].func = AggFunc::kMax;
    specs[0].column = specs[1].column = static_cast<int>(n);
    op = plan::MakeAggregate(std::move(op), all, std::move(specs));
    const plan::DataType t = op->types[n];
    auto tag_is = [&](size_t col, int64_t v) {
      std::vector<plan::BoundExprPtr> a;
      a.push_back(plan::MakeColumn(static_cast<int>(col), t));
      a.push_back(plan::MakeConst(plan::Value(v), plan::DataType::Int()));
      return plan::MakeCall(plan::ExprOp::kEq, std::move(a));
    };
    plan::BoundExprPtr keep;
    if (q.op == sql::SetOpKind::kExcept) {
      XP_SET_OR_RETURN(keep, tag_is(n + 1, 0));  // never on the right
    } else {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr l, tag_is(n, 0));
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr r, tag_is(n + 1, 1));
      std::vector<plan::BoundExprPtr> a;
      a.push_back(std::move(l));
      a.push_back(std::move(r));
      XP_SET_OR_RETURN(keep, plan::MakeCall(plan::ExprOp::kAnd, std::move(a)));
    }
    op = plan::MakeFilter(std::move(op), std::move(keep));
  }
  // ORDER BY over the result: positions, result column names, or
  // expressions of them; then LIMIT.
  plan::Scope scope;
  PrepareScope(&scope, outer);
  for (size_t i = 0; i < n; ++i) scope.Add({"", plan.names[i], plan.types[i]});
  std::vector<plan::BoundExprPtr> exprs;
  for (size_t i = 0; i < n; ++i)
    exprs.push_back(plan::MakeColumn(static_cast<int>(i), plan.types[i]));
  std::vector<SortKey> keys;
  for (const auto& o : q.order_by) {
    const sql::Expr& e = *o.expr;
    XP_ASSIGN_OR_RETURN(const int position, OrderPosition(e, n));
    if (position >= 0) {
      keys.push_back(SortKey{position, o.desc});
      continue;
    }
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(e, scope, "order clause"));
    keys.push_back(SortKey{static_cast<int>(exprs.size()), o.desc});
    exprs.push_back(std::move(b));
  }
  op = plan::MakeProject(std::move(op), std::move(exprs));
  XP_SET_OR_RETURN(op, SortAndLimit(std::move(op), std::move(keys), q,
                                    describing_ ? nullptr : params_));
  plan.node = std::move(op);
  return plan;
}

}  // namespace xp::session
