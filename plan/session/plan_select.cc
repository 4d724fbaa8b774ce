// SqlSession: SELECT blocks, set operations and subqueries planned into
// the logical plan IR.

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

Result<SqlSession::SelectPlan> SqlSession::PlanSelect(
    const sql::SelectStmt& q, std::shared_ptr<plan::OuterContext> outer) {
  if (q.recursive) return NotSupported("WITH RECURSIVE");
  CteScope with(this, q.with);
  if (q.kind == sql::SelectStmt::Kind::kSetOp) return PlanSetOp(q, outer);
  // Source and scope.
  plan::Scope scope;
  PrepareScope(&scope, outer);
  SelectPlan plan;
  plan::LogicalNodePtr op;
  if (q.from) {
    if (CountTables(*q.from) > 61) {
      return SqlError(
          ER_TOO_MANY_TABLES,
          "Too many tables; MySQL can only use 61 tables in a join");
    }
    std::vector<const sql::Expr*> where;
    if (q.where) SplitConjuncts(*q.where, &where);
    XP_ASSIGN_OR_RETURN(FromPlan from,
                        PlanFrom(*q.from, std::move(where), outer, &plan));
    for (auto& c : from.columns) scope.Add(std::move(c));
    op = std::move(from.node);
  } else {
    op = plan::MakeValues({}, {std::vector<plan::Value>{}});  // one row
    if (q.where) {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr pred,
                          plan::BindExpr(*q.where, scope, "where clause"));
      op = plan::MakeFilter(std::move(op), std::move(pred));
    }
  }
  // Aggregation: pre-project the GROUP BY keys and aggregate arguments,
  // hash-aggregate, then bind the rest against the aggregate's output with
  // aggregate calls and group expressions substituted by its columns.
  std::vector<const sql::Expr*> aggs;
  for (const auto& item : q.items) CollectAggregates(*item.expr, &aggs);
  if (q.having) CollectAggregates(*q.having, &aggs);
  for (const auto& o : q.order_by) CollectAggregates(*o.expr, &aggs);
  std::vector<std::string> group_sql;
  std::vector<plan::ScopeColumn> base_columns;  // before aggregation
  if (!q.group_by.empty() || !aggs.empty()) {
    std::vector<plan::BoundExprPtr> pre;
    std::vector<int> group_base;  // base column of a plain-column key, or -1
    std::deque<sql::Expr> star_refs;  // select-list positions inside a *
    for (const auto& g : q.group_by) {
      XP_ASSIGN_OR_RETURN(const sql::Expr* key,
                          GroupKey(*g, q, scope, &star_refs));
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                          plan::BindExpr(*key, scope, "group statement"));
      group_base.push_back(b->op == plan::ExprOp::kColumn ? b->column : -1);
      pre.push_back(std::move(b));
      group_sql.push_back(sql::ToSql(*key));
    }
    std::vector<AggSpec> specs;
    for (const sql::Expr* a : aggs) {
      AggSpec spec;
      spec.distinct = a->distinct;
      if (a->text == "COUNT" && a->args.size() == 1 &&
          a->args[0]->kind == sql::ExprKind::kStar) {
        spec.func = AggFunc::kCountStar;
      } else {
        if (a->args.size() != 1) return NotSupported(sql::ToSql(*a));
        spec.func = a->text == "COUNT"          ? AggFunc::kCount
                    : a->text == "SUM"          ? AggFunc::kSum
                    : a->text == "AVG"          ? AggFunc::kAvg
                    : a->text == "MIN"          ? AggFunc::kMin
                    : a->text == "MAX"          ? AggFunc::kMax
                    : a->text == "GROUP_CONCAT" ? AggFunc::kGroupConcat
                                                : AggFunc::kAnyValue;
        if (spec.func == AggFunc::kGroupConcat) {
          // One value; ORDER BY only by that value.
          spec.separator = a->separator;
          if (a->order_by.size() > 1 ||
              (a->order_by.size() == 1 &&
               sql::ToSql(*a->order_by[0].expr) != sql::ToSql(*a->args[0])))
            return NotSupported("GROUP_CONCAT ordered by another expression");
          if (!a->order_by.empty()) spec.order = a->order_by[0].desc ? -1 : 1;
        }
        XP_ASSIGN_OR_RETURN(plan::BoundExprPtr arg,
                            plan::BindExpr(*a->args[0], scope));
        pre.push_back(std::move(arg));
        spec.column = static_cast<int>(pre.size() - 1);
      }
      specs.push_back(spec);
    }
    // Without ONLY_FULL_GROUP_BY a column outside the GROUP BY reads its
    // group's first row: every input column gets an ANY_VALUE slot.
    const bool any_value = !OnlyFullGroupBy();
    const size_t nspecs = specs.size();
    if (any_value) {
      for (size_t c = 0; c < scope.columns().size(); ++c) {
        AggSpec spec;
        spec.func = AggFunc::kAnyValue;
        spec.column = static_cast<int>(pre.size());
        pre.push_back(
            plan::MakeColumn(static_cast<int>(c), scope.columns()[c].type));
        specs.push_back(spec);
      }
    }
    const size_t ngroups = group_sql.size();
    std::vector<int> group_columns;
    for (size_t i = 0; i < ngroups; ++i)
      group_columns.push_back(static_cast<int>(i));
    op = plan::MakeProject(std::move(op), std::move(pre));
    op = plan::MakeAggregate(std::move(op), std::move(group_columns),
                             std::move(specs));
    const std::vector<plan::DataType> out_types = op->types;
    plan::Scope post;
    PrepareScope(&post, outer);
    for (size_t i = 0; i < out_types.size(); ++i)
      post.Add({"", "", out_types[i]});
    post.set_substitution(
        [&aggs, &group_sql, group_base, base = scope, out_types, ngroups,
         any_value, nspecs](const sql::Expr& e) -> Result<plan::BoundExprPtr> {
          const std::string text = sql::ToSql(e);
          for (size_t j = 0; j < aggs.size(); ++j) {
            if (aggs[j] == &e || sql::ToSql(*aggs[j]) == text) {
              return plan::MakeColumn(static_cast<int>(ngroups + j),
                                      out_types[ngroups + j]);
            }
          }
          for (size_t i = 0; i < ngroups; ++i) {
            if (group_sql[i] == text)
              return plan::MakeColumn(static_cast<int>(i), out_types[i]);
          }
          if (e.kind == sql::ExprKind::kColumn) {
            // t.a and a name the same GROUP BY column.
            XP_ASSIGN_OR_RETURN(int idx,
                                base.Resolve(e.table, e.text, "field list"));
            for (size_t i = 0; i < ngroups; ++i) {
              if (group_base[i] == idx) {
                return plan::MakeColumn(static_cast<int>(i), out_types[i]);
              }
            }
            if (any_value) {
              const size_t slot = ngroups + nspecs + static_cast<size_t>(idx);
              return plan::MakeColumn(static_cast<int>(slot), out_types[slot]);
            }
          }
          if (e.kind == sql::ExprKind::kColumn ||
              e.kind == sql::ExprKind::kStar) {
            return SqlError(
                ER_WRONG_FIELD_WITH_GROUP,
                "'" + text + "' isn't in GROUP BY (ONLY_FULL_GROUP_BY)");
          }
          return plan::BoundExprPtr();
        });
    base_columns = scope.columns();
    scope = std::move(post);
    if (q.having) {
      // HAVING also sees the select list's aliases (when the name is not a
      // grouped column).
      plan::Scope having = scope;
      having.set_substitution(
          [&q, &scope](const sql::Expr& e) -> Result<plan::BoundExprPtr> {
            if (e.kind == sql::ExprKind::kColumn && e.table.empty()) {
              for (const auto& item : q.items) {
                if (item.alias.empty() || !plan::NameEquals(item.alias, e.text))
                  continue;
                auto direct = plan::BindExpr(e, scope, "having clause");
                if (direct.ok()) return direct;
                return plan::BindExpr(*item.expr, scope, "having clause");
              }
            }
            return scope.substitution()(e);
          });
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr pred,
                          plan::BindExpr(*q.having, having, "having clause"));
      op = plan::MakeFilter(std::move(op), std::move(pred));
    }
  } else if (q.having) {
    return NotSupported("HAVING without aggregation");
  }
  // Select list, with * expanded.
  QueryResult result;  // collects names and types
  std::vector<plan::BoundExprPtr> exprs;
  std::vector<int> item_column;  // select-list item -> output column (-1: *)
  for (const auto& item : q.items) {
    item_column.push_back(item.expr->kind == sql::ExprKind::kStar
                              ? -1
                              : static_cast<int>(exprs.size()));
    if (item.expr->kind == sql::ExprKind::kStar) {
      // Grouped: each column must be a GROUP BY column (else 1055).
      const bool grouped = !base_columns.empty();
      const auto& columns = grouped ? base_columns : scope.columns();
      bool any = false;
      for (size_t i = 0; i < columns.size(); ++i) {
        const auto& c = columns[i];
        if (!item.expr->table.empty() && c.table != item.expr->table) continue;
        if (item.expr->table.empty() && c.hidden) continue;
        if (grouped) {
          sql::Expr ref;
          ref.kind = sql::ExprKind::kColumn;
          ref.table = c.table;
          ref.text = c.name;
          XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b, plan::BindExpr(ref, scope));
          exprs.push_back(std::move(b));
        } else {
          exprs.push_back(plan::MakeColumn(static_cast<int>(i), c.type));
        }
        result.names.push_back(c.name);
        any = true;
      }
      if (!any) {
        return SqlError(ER_BAD_TABLE_ERROR,
                        "Unknown table '" + item.expr->table + "'");
      }
      continue;
    }
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(*item.expr, scope));
    exprs.push_back(std::move(b));
    result.names.push_back(ColumnName(item));
  }
  const size_t visible = exprs.size();
  // ORDER BY: a position, an alias of the select list, or an expression.
  std::vector<SortKey> keys;
  for (const auto& o : q.order_by) {
    const sql::Expr& e = *o.expr;
    int index = -1;
    if (e.kind == sql::ExprKind::kLiteral &&
        e.lit == sql::LiteralKind::kInteger) {
      const long long p =
          e.text.size() > 18 ? -1 : std::strtoll(e.text.c_str(), nullptr, 10);
      if (p < 1 || static_cast<size_t>(p) > visible) {
        return SqlError(ER_BAD_FIELD_ERROR,
                        "Unknown column '" + e.text + "' in 'order clause'");
      }
      index = static_cast<int>(p - 1);
    } else {
      // An alias of the select list, or an expression written there too.
      const std::string text = sql::ToSql(e);
      for (size_t i = 0; i < q.items.size() && index < 0; ++i) {
        if (item_column[i] < 0) continue;
        const bool alias = e.kind == sql::ExprKind::kColumn &&
                           e.table.empty() && !q.items[i].alias.empty() &&
                           q.items[i].alias == e.text;
        if (alias || sql::ToSql(*q.items[i].expr) == text)
          index = item_column[i];
      }
    }
    if (index < 0) {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                          plan::BindExpr(e, scope, "order clause"));
      index = static_cast<int>(exprs.size());
      exprs.push_back(std::move(b));
    }
    keys.push_back(SortKey{index, o.desc});
  }
  for (const auto& e : exprs) result.types.push_back(e->type);
  op = plan::MakeProject(std::move(op), std::move(exprs));
  if (q.distinct) {
    // DISTINCT: group by every select-list column (first occurrence kept,
    // in input order). ORDER BY may only use the select list then.
    if (result.types.size() != visible) {
      return SqlError(ER_FIELD_IN_ORDER_NOT_SELECT,
                      "Expression of ORDER BY clause is not in SELECT list, "
                      "references column which is not in SELECT list; this is "
                      "incompatible with DISTINCT");
    }
    std::vector<int> all;
    for (size_t i = 0; i < visible; ++i) all.push_back(static_cast<int>(i));
    op = plan::MakeAggregate(std::move(op), std::move(all),
                             std::vector<AggSpec>{});
  }
  XP_SET_OR_RETURN(op, SortAndLimit(std::move(op), std::move(keys), q));
  plan.node = std::move(op);
  plan.names = std::move(result.names);
  plan.types = std::move(result.types);
  plan.types.resize(visible);
  plan.visible = visible;
  return plan;
}

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
    if (e.kind == sql::ExprKind::kLiteral &&
        e.lit == sql::LiteralKind::kInteger) {
      const long long p =
          e.text.size() > 18 ? -1 : std::strtoll(e.text.c_str(), nullptr, 10);
      if (p < 1 || static_cast<size_t>(p) > n) {
        return SqlError(ER_BAD_FIELD_ERROR,
                        "Unknown column '" + e.text + "' in 'order clause'");
      }
      keys.push_back(SortKey{static_cast<int>(p - 1), o.desc});
      continue;
    }
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(e, scope, "order clause"));
    keys.push_back(SortKey{static_cast<int>(exprs.size()), o.desc});
    exprs.push_back(std::move(b));
  }
  op = plan::MakeProject(std::move(op), std::move(exprs));
  XP_SET_OR_RETURN(op, SortAndLimit(std::move(op), std::move(keys), q));
  plan.node = std::move(op);
  return plan;
}

}  // namespace xp::session
