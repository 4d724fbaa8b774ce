// SqlSession: subqueries (scalar, [NOT] IN, [NOT] EXISTS, ANY / ALL) bound
// into expressions that plan and run them, memoised per outer values.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

// A subquery planned by this engine. Bound once to discover its type and
// the outer names it reads; each Run plans it again with those names bound
// to the given values, and remembers the answer per distinct values.
class SubqueryRun : public plan::SubqueryRunner {
 public:
  using Mode = plan::SubqueryRunner::Kind;

  SubqueryRun(SqlSession* engine, const sql::SelectStmt* query, Mode mode,
              plan::ExprOp cmp)
      : engine_(engine),
        query_(query),
        mode_(mode),
        cmp_(cmp),
        ctes_(engine->ctes_) {}

  std::vector<plan::OuterContext::Ref> refs;
  plan::DataType lhs_type;  // kIn / kAny / kAll
  plan::DataType column_type;

  Kind kind() const override { return mode_; }

  Result<std::unique_ptr<plan::LogicalNode>> UncorrelatedPlan() override {
    if (!refs.empty()) return std::unique_ptr<plan::LogicalNode>();
    XP_ASSIGN_OR_RETURN(SqlSession::SelectPlan plan, Plan({}, 0));
    // Only the select list (ORDER BY extras dropped).
    if (plan.node->types.size() != plan.visible) {
      std::vector<plan::BoundExprPtr> cols;
      for (size_t i = 0; i < plan.visible; ++i)
        cols.push_back(plan::MakeColumn(static_cast<int>(i), plan.types[i]));
      plan.node = plan::MakeProject(std::move(plan.node), std::move(cols));
    }
    return std::move(plan.node);
  }

  std::string Describe() const override {
    static const char* kNames[] = {"scalar", "EXISTS", "IN", "ANY", "ALL"};
    return std::string(kNames[static_cast<int>(mode_)]) + " subquery";
  }

  Result<plan::Value> Run(const std::vector<plan::Value>& args) override {
    const std::string key = KeyOf(args, 0);
    auto hit = memo_.find(key);
    if (hit != memo_.end()) return hit->second;
    const bool compare = mode_ != Mode::kScalar && mode_ != Mode::kExists;
    const size_t first_ref = compare ? 1 : 0;
    plan::Value result;
    if (!compare) {
      XP_ASSIGN_OR_RETURN(SqlSession::SelectPlan plan, Plan(args, first_ref));
      XP_SET_OR_RETURN(result, ScalarOrExists(plan));
    } else {
      XP_ASSIGN_OR_RETURN(const std::vector<Batch>* rows,
                          Rows(args, first_ref));
      XP_SET_OR_RETURN(result, Compare(args[0], *rows));
    }
    memo_.emplace(key, result);
    return result;
  }

 private:
  static std::string KeyOf(const std::vector<plan::Value>& v, size_t from) {
    std::string k;
    for (size_t i = from; i < v.size(); ++i) {
      k += static_cast<char>('0' + v[i].index());
      k += plan::ValueToString(v[i]);
      k += '\0';
    }
    return k;
  }

  Result<SqlSession::SelectPlan> Plan(const std::vector<plan::Value>& args,
                                      size_t first_ref) {
    values_.assign(args.begin() + static_cast<std::ptrdiff_t>(first_ref),
                   args.end());
    auto ctx = std::make_shared<plan::OuterContext>();
    ctx->refs = refs;
    ctx->values = &values_;
    CteScope with(engine_, ctes_);  // the CTEs visible where it was written
    XP_ASSIGN_OR_RETURN(SqlSession::SelectPlan plan,
                        engine_->PlanSelect(*query_, ctx));
    if (!plan.types.empty() && plan.types[0].phys() != column_type.phys()) {
      return Status::Internal("subquery changed type between runs");
    }
    return plan;
  }

  Result<plan::Value> ScalarOrExists(SqlSession::SelectPlan& plan) {
    XP_ASSIGN_OR_RETURN(OperatorPtr op, engine_->Build(plan));
    plan::Value v;
    size_t seen = 0;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      if (b->num_rows() == 0) continue;
      if (mode_ == Mode::kExists) return plan::Value(int64_t{1});
      seen += b->num_rows();
      if (seen > 1) {
        return SqlError(ER_SUBQUERY_NO_1_ROW,
                        "Subquery returns more than 1 row");
      }
      v = ValueAt(b->column(0), column_type, 0);
    }
    if (mode_ == Mode::kExists) return plan::Value(int64_t{0});
    return v;
  }

  // The subquery's rows for these outer values (kept for later rows).
  Result<const std::vector<Batch>*> Rows(const std::vector<plan::Value>& args,
                                         size_t first_ref) {
    const std::string key = KeyOf(args, first_ref);
    auto it = rows_.find(key);
    if (it != rows_.end()) return &it->second;
    XP_ASSIGN_OR_RETURN(SqlSession::SelectPlan plan, Plan(args, first_ref));
    XP_ASSIGN_OR_RETURN(OperatorPtr op, engine_->Build(plan));
    std::vector<Batch> rows;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      if (b->num_rows() == 0) continue;
      rows.push_back(CopyOwned(*b));
      XP_RETURN_IF_ERROR(ChargeMemory(rows.back().bytes_reserved()));
    }
    return &rows_.emplace(key, std::move(rows)).first->second;
  }

  // x IN / op ANY / op ALL over the rows, in three-valued logic.
  Result<plan::Value> Compare(const plan::Value& x,
                              const std::vector<Batch>& rows) {
    std::vector<plan::BoundExprPtr> operands;
    operands.push_back(plan::MakeConst(x, lhs_type));
    operands.push_back(plan::MakeColumn(0, column_type));
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr cmp,
                        plan::MakeCall(cmp_, std::move(operands)));
    ExpressionEvaluator eval(*cmp);
    const bool all = mode_ == Mode::kAll;
    bool any_null = false;
    for (const Batch& b : rows) {
      XP_ASSIGN_OR_RETURN(const Vector* v, eval.Evaluate(b));
      for (size_t i = 0; i < b.num_rows(); ++i) {
        if (v->IsNull(i)) {
          any_null = true;
        } else if ((v->data<int64_t>()[i] != 0) != all) {
          return plan::Value(int64_t{all ? 0 : 1});
        }
      }
    }
    if (any_null) return plan::Value();
    return plan::Value(int64_t{all ? 1 : 0});
  }

  SqlSession* engine_;
  const sql::SelectStmt* query_;
  Mode mode_;
  plan::ExprOp cmp_;
  std::vector<plan::Value> values_;
  std::map<std::string, plan::Value> memo_;
  std::map<std::string, std::vector<Batch>> rows_;
  std::vector<const sql::CommonTableExpr*> ctes_;
};

void SqlSession::PrepareScope(
    plan::Scope* scope, const std::shared_ptr<plan::OuterContext>& outer) {
  scope->set_outer(outer);
  scope->set_subquery_binder([this](const sql::Expr& e, const plan::Scope& s) {
    return BindSubquery(e, s);
  });
  scope->set_constant_evaluator(EvalBound);
  scope->set_variable_reader(
      [this](const sql::Expr& e) { return ReadVariable(e); });
}

Result<plan::BoundExprPtr> SqlSession::BindSubquery(const sql::Expr& e,
                                                    const plan::Scope& scope) {
  using Mode = SubqueryRun::Mode;
  const Mode mode = e.kind == sql::ExprKind::kSubquery ? Mode::kScalar
                    : e.kind == sql::ExprKind::kExists ? Mode::kExists
                    : e.kind == sql::ExprKind::kIn     ? Mode::kIn
                    : e.all                            ? Mode::kAll
                                                       : Mode::kAny;
  plan::ExprOp cmp = plan::ExprOp::kEq;
  if (mode == Mode::kAny || mode == Mode::kAll) {
    cmp = e.bop == sql::BinaryOp::kNe   ? plan::ExprOp::kNe
          : e.bop == sql::BinaryOp::kLt ? plan::ExprOp::kLt
          : e.bop == sql::BinaryOp::kLe ? plan::ExprOp::kLe
          : e.bop == sql::BinaryOp::kGt ? plan::ExprOp::kGt
          : e.bop == sql::BinaryOp::kGe ? plan::ExprOp::kGe
                                        : plan::ExprOp::kEq;
  }
  const bool compare = mode != Mode::kScalar && mode != Mode::kExists;
  if (compare && e.subquery->limit) {
    return NotSupportedYet("LIMIT & IN/ALL/ANY/SOME subquery");
  }
  std::vector<plan::BoundExprPtr> args;
  auto runner =
      std::make_shared<SubqueryRun>(this, e.subquery.get(), mode, cmp);
  if (compare) {
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr lhs,
                        plan::BindExpr(*e.args[0], scope));
    runner->lhs_type = lhs->type;
    args.push_back(std::move(lhs));
  }
  auto ctx = std::make_shared<plan::OuterContext>();
  ctx->live = &scope;
  XP_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(*e.subquery, ctx));
  ctx->live = nullptr;
  if (mode != Mode::kExists && plan.visible != 1) {
    return SqlError(ER_OPERAND_COLUMNS, "Operand should contain 1 column(s)");
  }
  runner->column_type = plan.types.empty() ? plan::DataType() : plan.types[0];
  runner->refs = ctx->refs;
  for (auto& a : ctx->args) args.push_back(std::move(a));
  plan::BoundExprPtr r = plan::MakeSubquery(
      runner, std::move(args),
      mode == Mode::kScalar ? runner->column_type : plan::DataType::Int(1));
  if (e.negated) {
    std::vector<plan::BoundExprPtr> n;
    n.push_back(std::move(r));
    return plan::MakeCall(plan::ExprOp::kNot, std::move(n));
  }
  return r;
}

}  // namespace xp::session
