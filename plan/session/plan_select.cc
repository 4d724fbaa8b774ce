// SqlSession: a SELECT block (WITH, FROM, WHERE, GROUP BY / HAVING,
// the select list, DISTINCT, ORDER BY, LIMIT) planned into the logical
// plan IR.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

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
        if (c.denied) return SqlError(ER_COLUMNACCESS_DENIED_ERROR, *c.denied);
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
    XP_ASSIGN_OR_RETURN(int index, OrderPosition(e, visible));
    if (index < 0) {
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
  XP_SET_OR_RETURN(op, SortAndLimit(std::move(op), std::move(keys), q,
                                    describing_ ? nullptr : params_));
  plan.node = std::move(op);
  plan.names = std::move(result.names);
  plan.types = std::move(result.types);
  plan.types.resize(visible);
  plan.visible = visible;
  return plan;
}

}  // namespace xp::session
