#include "plan/exec/local_engine.h"

#include "plan/binder.h"
#include "plan/exec/aggregate.h"
#include "plan/exec/operator.h"
#include "plan/exec/sort.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"

namespace xp::exec {

namespace {

Status NotSupported(const std::string& what) {
  return Status::SqlError(
      1235, "42000",
      "This version of XProtocol doesn't yet support '" + what + "'");
}

std::string Key(std::string_view db, std::string_view table) {
  return std::string(db) + "." + std::string(table);
}

// The value of a constant bound expression.
Result<plan::Value> EvalBound(const plan::BoundExpr& e) {
  Batch one;
  one.SetRows(1);
  ExpressionEvaluator ev(e, 1);
  XP_ASSIGN_OR_RETURN(const Vector* v, ev.Evaluate(one));
  return ValueAt(*v, e.type, 0);
}

bool IsAggregateCall(const sql::Expr& e) {
  return e.kind == sql::ExprKind::kFunction &&
         (e.text == "COUNT" || e.text == "SUM" || e.text == "AVG" ||
          e.text == "MIN" || e.text == "MAX");
}

// The aggregate calls in `e` (not inside other aggregates or subqueries).
void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (IsAggregateCall(e)) {
    out->push_back(&e);
    return;
  }
  for (const auto& a : e.args) CollectAggregates(*a, out);
}

Result<uint64_t> LimitNumber(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kLiteral ||
      e.lit != sql::LiteralKind::kInteger) {
    return NotSupported("LIMIT with a placeholder");
  }
  return std::stoull(e.text);
}

}  // namespace

// A subquery planned by this engine. Bound once to discover its type and
// the outer names it reads; each Run plans it again with those names bound
// to the given values, and remembers the answer per distinct values.
class SubqueryRun : public plan::SubqueryRunner {
 public:
  enum class Mode : uint8_t { kScalar, kExists, kIn, kAny, kAll };

  SubqueryRun(LocalEngine* engine, const sql::SelectStmt* query, Mode mode,
              plan::ExprOp cmp)
      : engine_(engine), query_(query), mode_(mode), cmp_(cmp) {}

  std::vector<plan::OuterContext::Ref> refs;
  plan::DataType lhs_type;  // kIn / kAny / kAll
  plan::DataType column_type;

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
      XP_ASSIGN_OR_RETURN(LocalEngine::SelectPlan plan, Plan(args, first_ref));
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

  Result<LocalEngine::SelectPlan> Plan(const std::vector<plan::Value>& args,
                                       size_t first_ref) {
    values_.assign(args.begin() + static_cast<std::ptrdiff_t>(first_ref),
                   args.end());
    auto ctx = std::make_shared<plan::OuterContext>();
    ctx->refs = refs;
    ctx->values = &values_;
    XP_ASSIGN_OR_RETURN(LocalEngine::SelectPlan plan,
                        engine_->PlanSelect(*query_, ctx));
    if (!plan.types.empty() && plan.types[0].phys() != column_type.phys()) {
      return Status::Internal("subquery changed type between runs");
    }
    return plan;
  }

  Result<plan::Value> ScalarOrExists(LocalEngine::SelectPlan& plan) {
    plan::Value v;
    size_t seen = 0;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, plan.op->Next());
      if (b == nullptr) break;
      if (b->num_rows() == 0) continue;
      if (mode_ == Mode::kExists) return plan::Value(int64_t{1});
      seen += b->num_rows();
      if (seen > 1) {
        return Status::SqlError(1242, "21000",
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
    XP_ASSIGN_OR_RETURN(LocalEngine::SelectPlan plan, Plan(args, first_ref));
    std::vector<Batch> rows;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, plan.op->Next());
      if (b == nullptr) break;
      if (b->num_rows() > 0) rows.push_back(CopyOwned(*b));
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

  LocalEngine* engine_;
  const sql::SelectStmt* query_;
  Mode mode_;
  plan::ExprOp cmp_;
  std::vector<plan::Value> values_;
  std::map<std::string, plan::Value> memo_;
  std::map<std::string, std::vector<Batch>> rows_;
};

void LocalEngine::PrepareScope(
    plan::Scope* scope, const std::shared_ptr<plan::OuterContext>& outer) {
  scope->set_outer(outer);
  scope->set_subquery_binder([this](const sql::Expr& e, const plan::Scope& s) {
    return BindSubquery(e, s);
  });
  scope->set_constant_evaluator(EvalBound);
}

Result<plan::BoundExprPtr> LocalEngine::BindSubquery(const sql::Expr& e,
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
    return Status::SqlError(1235, "42000",
                            "This version of XProtocol doesn't yet support "
                            "'LIMIT & IN/ALL/ANY/SOME subquery'");
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
    return Status::SqlError(1241, "21000",
                            "Operand should contain 1 column(s)");
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

LocalEngine::LocalEngine() { (void)catalog_.CreateDatabase(database_, true); }

Result<MemoryTable*> LocalEngine::Table(const sql::QualifiedName& name) {
  const std::string db = name.schema.empty() ? database_ : name.schema;
  XP_RETURN_IF_ERROR(catalog_.FindTable(db, name.name).status());
  return tables_.at(Key(db, name.name)).get();
}

Result<QueryResult> LocalEngine::Execute(std::string_view sql_text) {
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(sql_text));
  switch (stmt->kind) {
    case sql::StmtKind::kSelect:
      return Select(*static_cast<const sql::SelectStatement&>(*stmt).query);
    case sql::StmtKind::kCreateTable:
      return CreateTable(*stmt);
    case sql::StmtKind::kDropTable:
      return DropTable(*stmt);
    case sql::StmtKind::kInsert:
      return Insert(*stmt);
    case sql::StmtKind::kCreateIndex:
      return CreateIndex(*stmt);
    case sql::StmtKind::kCreateDatabase: {
      const auto& d = static_cast<const sql::DatabaseStatement&>(*stmt);
      XP_RETURN_IF_ERROR(catalog_.CreateDatabase(d.name, d.if_exists));
      QueryResult r;
      r.rows_affected = 1;
      return r;
    }
    case sql::StmtKind::kDropDatabase: {
      const auto& d = static_cast<const sql::DatabaseStatement&>(*stmt);
      for (auto it = tables_.begin(); it != tables_.end();) {
        it = it->first.rfind(d.name + ".", 0) == 0 ? tables_.erase(it)
                                                   : std::next(it);
      }
      XP_RETURN_IF_ERROR(catalog_.DropDatabase(d.name, d.if_exists));
      return QueryResult();
    }
    case sql::StmtKind::kUse: {
      const auto& u = static_cast<const sql::UseStatement&>(*stmt);
      if (!catalog_.HasDatabase(u.database)) {
        return Status::SqlError(1049, "42000",
                                "Unknown database '" + u.database + "'");
      }
      database_ = u.database;
      return QueryResult();
    }
    default:
      return NotSupported(sql::ToSql(*stmt));
  }
}

Result<QueryResult> LocalEngine::CreateTable(const sql::Statement& s) {
  const auto& c = static_cast<const sql::CreateTableStatement&>(s);
  if (c.as_select || !c.like.name.empty())
    return NotSupported("CREATE TABLE ... AS/LIKE");
  XP_ASSIGN_OR_RETURN(plan::TableSchema schema,
                      plan::BuildTableSchema(c, database_));
  const std::string db = schema.database;
  const std::string name = schema.name;
  const bool existed = catalog_.FindTable(db, name).ok();
  XP_RETURN_IF_ERROR(catalog_.CreateTable(std::move(schema), c.if_not_exists));
  if (!existed) {
    XP_ASSIGN_OR_RETURN(const plan::TableSchema* stored,
                        catalog_.FindTable(db, name));
    tables_[Key(db, name)] = std::make_unique<MemoryTable>(stored);
  }
  return QueryResult();
}

Result<QueryResult> LocalEngine::CreateIndex(const sql::Statement& s) {
  const auto& c = static_cast<const sql::CreateIndexStatement&>(s);
  if (c.index.kind == sql::IndexDef::Kind::kUnique)
    return NotSupported("CREATE UNIQUE INDEX");
  XP_ASSIGN_OR_RETURN(MemoryTable * table, Table(c.table));
  const plan::TableSchema& schema = table->schema();
  for (const auto& idx : schema.indexes) {
    if (idx.name == c.index.name) {
      return Status::SqlError(1061, "42000",
                              "Duplicate key name '" + c.index.name + "'");
    }
  }
  for (const auto& col : c.index.columns) {
    if (schema.FindColumn(col.expr->text) < 0) {
      return Status::SqlError(
          1072, "42000",
          "Key column '" + col.expr->text + "' doesn't exist in table");
    }
  }
  // A non-unique index changes no result; access paths come with the planner.
  return QueryResult();
}

Result<QueryResult> LocalEngine::DropTable(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropTableStatement&>(s);
  // MySQL checks every name first and drops none when one is missing.
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    if (!d.if_exists && !catalog_.FindTable(db, t.name).ok()) {
      return Status::SqlError(1051, "42S02",
                              "Unknown table '" + Key(db, t.name) + "'");
    }
  }
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    tables_.erase(Key(db, t.name));  // before the schema it points at
    XP_RETURN_IF_ERROR(catalog_.DropTable(db, t.name, true));
  }
  return QueryResult();
}

Result<QueryResult> LocalEngine::Insert(const sql::Statement& s) {
  const auto& ins = static_cast<const sql::InsertStatement&>(s);
  if (!ins.on_duplicate.empty()) return NotSupported("ON DUPLICATE KEY UPDATE");
  if (ins.replace || ins.ignore) return NotSupported("REPLACE / INSERT IGNORE");
  XP_ASSIGN_OR_RETURN(MemoryTable * table, Table(ins.table));
  const plan::TableSchema& schema = table->schema();
  std::vector<int> positions;
  for (const auto& name : ins.columns) {
    const int p = schema.FindColumn(name);
    if (p < 0) {
      return Status::SqlError(1054, "42S22",
                              "Unknown column '" + name + "' in 'field list'");
    }
    positions.push_back(p);
  }
  QueryResult r;
  if (ins.select) {
    // Materialise the source first: it may read the target table.
    XP_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(*ins.select));
    const size_t want =
        positions.empty() ? schema.columns.size() : positions.size();
    if (plan.visible != want) {
      return Status::SqlError(
          1136, "21S01", "Column count doesn't match value count at row 1");
    }
    std::vector<std::vector<plan::Value>> rows;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, plan.op->Next());
      if (b == nullptr) break;
      for (size_t i = 0; i < b->num_rows(); ++i) {
        std::vector<plan::Value> row;
        for (size_t c = 0; c < plan.visible; ++c) {
          row.push_back(ValueAt(b->column(c), plan.types[c], i));
        }
        rows.push_back(std::move(row));
      }
    }
    for (const auto& row : rows) {
      uint64_t id = 0;
      XP_RETURN_IF_ERROR(table->Insert(positions, row, &id));
      if (id != 0 && r.last_insert_id == 0) r.last_insert_id = id;
      ++r.rows_affected;
    }
    return r;
  }
  plan::Scope no_columns;
  PrepareScope(&no_columns, nullptr);
  for (const auto& row : ins.rows) {
    const size_t want =
        positions.empty() ? schema.columns.size() : positions.size();
    if (row.size() != want) {
      return Status::SqlError(1136, "21S01",
                              "Column count doesn't match value count at row " +
                                  std::to_string(r.rows_affected + 1));
    }
    std::vector<int> cols;
    std::vector<plan::Value> values;
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i]->kind == sql::ExprKind::kDefault)
        continue;  // the column default
      cols.push_back(positions.empty() ? static_cast<int>(i) : positions[i]);
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                          plan::BindExpr(*row[i], no_columns));
      XP_ASSIGN_OR_RETURN(plan::Value v, EvalBound(*b));
      values.push_back(std::move(v));
    }
    uint64_t id = 0;
    XP_RETURN_IF_ERROR(table->Insert(cols, values, &id));
    if (id != 0 && r.last_insert_id == 0) r.last_insert_id = id;
    ++r.rows_affected;
  }
  return r;
}

Result<LocalEngine::SelectPlan> LocalEngine::PlanSelect(
    const sql::SelectStmt& q, std::shared_ptr<plan::OuterContext> outer) {
  if (q.kind != sql::SelectStmt::Kind::kSelect)
    return NotSupported("UNION/INTERSECT/EXCEPT");
  if (!q.with.empty()) return NotSupported("WITH");
  // Source and scope.
  plan::Scope scope;
  PrepareScope(&scope, outer);
  SelectPlan plan;
  OperatorPtr op;
  if (q.from) {
    if (q.from->kind != sql::TableRef::Kind::kTable)
      return NotSupported("joins and derived tables");
    sql::QualifiedName name{q.from->schema, q.from->name};
    XP_ASSIGN_OR_RETURN(MemoryTable * table, Table(name));
    const std::string qualifier =
        q.from->alias.empty() ? q.from->name : q.from->alias;
    for (const auto& c : table->schema().columns)
      scope.Add({qualifier, c.name, c.type});
    op = std::make_unique<BatchSource>(table->types(), &table->batches());
  } else {
    plan.constant_input = std::make_unique<std::vector<Batch>>();
    plan.constant_input->emplace_back();
    plan.constant_input->back().SetRows(1);
    op = std::make_unique<BatchSource>(std::vector<plan::DataType>{},
                                       plan.constant_input.get());
  }
  if (q.where) {
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr pred,
                        plan::BindExpr(*q.where, scope, "where clause"));
    op = std::make_unique<FilterOperator>(std::move(op), std::move(pred));
  }
  // Aggregation: pre-project the GROUP BY keys and aggregate arguments,
  // hash-aggregate, then bind the rest against the aggregate's output with
  // aggregate calls and group expressions substituted by its columns.
  std::vector<const sql::Expr*> aggs;
  for (const auto& item : q.items) CollectAggregates(*item.expr, &aggs);
  if (q.having) CollectAggregates(*q.having, &aggs);
  for (const auto& o : q.order_by) CollectAggregates(*o.expr, &aggs);
  std::vector<std::string> group_sql;
  if (!q.group_by.empty() || !aggs.empty()) {
    std::vector<plan::BoundExprPtr> pre;
    std::vector<int> group_base;  // base column of a plain-column key, or -1
    for (const auto& g : q.group_by) {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                          plan::BindExpr(*g, scope, "group statement"));
      group_base.push_back(b->op == plan::ExprOp::kColumn ? b->column : -1);
      pre.push_back(std::move(b));
      group_sql.push_back(sql::ToSql(*g));
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
        spec.func = a->text == "COUNT" ? AggFunc::kCount
                    : a->text == "SUM" ? AggFunc::kSum
                    : a->text == "AVG" ? AggFunc::kAvg
                    : a->text == "MIN" ? AggFunc::kMin
                                       : AggFunc::kMax;
        XP_ASSIGN_OR_RETURN(plan::BoundExprPtr arg,
                            plan::BindExpr(*a->args[0], scope));
        pre.push_back(std::move(arg));
        spec.column = static_cast<int>(pre.size() - 1);
      }
      specs.push_back(spec);
    }
    const size_t ngroups = group_sql.size();
    std::vector<int> group_columns;
    for (size_t i = 0; i < ngroups; ++i)
      group_columns.push_back(static_cast<int>(i));
    op = std::make_unique<ProjectOperator>(std::move(op), std::move(pre));
    op = std::make_unique<HashAggregateOperator>(
        std::move(op), std::move(group_columns), std::move(specs));
    const std::vector<plan::DataType> out_types = op->types();
    plan::Scope post;
    PrepareScope(&post, outer);
    for (size_t i = 0; i < out_types.size(); ++i)
      post.Add({"", "", out_types[i]});
    post.set_substitution(
        [&aggs, &group_sql, group_base, base = scope, out_types,
         ngroups](const sql::Expr& e) -> Result<plan::BoundExprPtr> {
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
          }
          if (e.kind == sql::ExprKind::kColumn ||
              e.kind == sql::ExprKind::kStar) {
            return Status::SqlError(
                1055, "42000",
                "'" + text + "' isn't in GROUP BY (ONLY_FULL_GROUP_BY)");
          }
          return plan::BoundExprPtr();
        });
    scope = std::move(post);
    if (q.having) {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr pred,
                          plan::BindExpr(*q.having, scope, "having clause"));
      op = std::make_unique<FilterOperator>(std::move(op), std::move(pred));
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
      if (!group_sql.empty() || !aggs.empty()) {
        return NotSupported("* with GROUP BY or aggregates");
      }
      bool any = false;
      for (size_t i = 0; i < scope.columns().size(); ++i) {
        const auto& c = scope.columns()[i];
        if (!item.expr->table.empty() && c.table != item.expr->table) continue;
        exprs.push_back(plan::MakeColumn(static_cast<int>(i), c.type));
        result.names.push_back(c.name);
        any = true;
      }
      if (!any) {
        return Status::SqlError(1051, "42S02",
                                "Unknown table '" + item.expr->table + "'");
      }
      continue;
    }
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(*item.expr, scope));
    exprs.push_back(std::move(b));
    result.names.push_back(item.alias.empty() ? sql::ToSql(*item.expr)
                                              : item.alias);
  }
  const size_t visible = exprs.size();
  // ORDER BY: a position, an alias of the select list, or an expression.
  std::vector<SortKey> keys;
  for (const auto& o : q.order_by) {
    const sql::Expr& e = *o.expr;
    int index = -1;
    if (e.kind == sql::ExprKind::kLiteral &&
        e.lit == sql::LiteralKind::kInteger) {
      const long long p = std::stoll(e.text);
      if (p < 1 || static_cast<size_t>(p) > visible) {
        return Status::SqlError(
            1054, "42S22", "Unknown column '" + e.text + "' in 'order clause'");
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
  op = std::make_unique<ProjectOperator>(std::move(op), std::move(exprs));
  if (q.distinct) {
    // DISTINCT: group by every select-list column (first occurrence kept,
    // in input order). ORDER BY may only use the select list then.
    if (result.types.size() != visible) {
      return Status::SqlError(
          3065, "HY000",
          "Expression of ORDER BY clause is not in SELECT list, "
          "references column which is not in SELECT list; this is "
          "incompatible with DISTINCT");
    }
    std::vector<int> all;
    for (size_t i = 0; i < visible; ++i) all.push_back(static_cast<int>(i));
    op = std::make_unique<HashAggregateOperator>(std::move(op), std::move(all),
                                                 std::vector<AggSpec>{});
  }
  uint64_t limit = UINT64_MAX, offset = 0;
  if (q.limit) XP_SET_OR_RETURN(limit, LimitNumber(*q.limit));
  if (q.offset_expr) XP_SET_OR_RETURN(offset, LimitNumber(*q.offset_expr));
  if (!keys.empty()) {
    op = std::make_unique<SortOperator>(
        std::move(op), std::move(keys),
        q.limit ? std::optional<uint64_t>(limit) : std::nullopt, offset);
  } else if (q.limit || q.offset_expr) {
    op = std::make_unique<LimitOperator>(std::move(op), limit, offset);
  }
  plan.op = std::move(op);
  plan.names = std::move(result.names);
  plan.types = std::move(result.types);
  plan.types.resize(visible);
  plan.visible = visible;
  return plan;
}

Result<QueryResult> LocalEngine::Select(const sql::SelectStmt& q) {
  XP_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(q));
  QueryResult result;
  result.names = plan.names;
  result.types = plan.types;
  const size_t visible = plan.visible;
  Operator* op = plan.op.get();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
    if (b == nullptr) break;
    for (size_t r = 0; r < b->num_rows(); ++r) {
      std::vector<std::optional<std::string>> row;
      for (size_t c = 0; c < visible; ++c) {
        const Vector& v = b->column(c);
        if (v.IsNull(r)) {
          row.emplace_back();
        } else {
          row.emplace_back(CellText(v, result.types[c], r));
        }
      }
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace xp::exec
