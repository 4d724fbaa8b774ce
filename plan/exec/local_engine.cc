#include "plan/exec/local_engine.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <new>

#include "plan/binder.h"
#include "plan/exec/aggregate.h"
#include "plan/exec/evaluator.h"
#include "plan/exec/hash_join.h"
#include "plan/exec/lower.h"
#include "plan/exec/memory_store.h"
#include "plan/exec/nested_loop_join.h"
#include "plan/exec/operator.h"
#include "plan/exec/sort.h"
#include "plan/optimizer.h"
#include "plan/serde.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"

namespace xp::exec {

using plan::NotSupported;

namespace {

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
          e.text == "MIN" || e.text == "MAX" || e.text == "ANY_VALUE" ||
          e.text == "GROUP_CONCAT");
}

// The aggregate calls in `e` (not inside other aggregates or subqueries).
void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (IsAggregateCall(e)) {
    // The same call written twice is computed once.
    const std::string text = sql::ToSql(e);
    for (const sql::Expr* seen : *out) {
      if (sql::ToSql(*seen) == text) return;
    }
    out->push_back(&e);
    return;
  }
  for (const auto& a : e.args) CollectAggregates(*a, out);
}

// A select item's column name as MySQL gives it: the alias; a plain
// column's name; a string literal's value; else the expression as the
// client wrote it (the canonical text when there is none).
std::string ColumnName(const sql::SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  const sql::Expr& e = *item.expr;
  if (e.kind == sql::ExprKind::kColumn) return e.text;
  if (e.kind == sql::ExprKind::kLiteral && e.lit == sql::LiteralKind::kString)
    return e.text;
  return item.text.empty() ? sql::ToSql(e) : item.text;
}

// What a GROUP BY key names: `GROUP BY n` is the n-th select item (a
// position inside a * is that column); an unqualified name that is no
// column of FROM is a select-list alias (MySQL searches FROM first);
// anything else is itself. Grouping on an aggregate is 1056.
Result<const sql::Expr*> GroupKey(const sql::Expr& g, const sql::SelectStmt& q,
                                  const plan::Scope& scope,
                                  std::deque<sql::Expr>* star_refs) {
  const sql::Expr* item = nullptr;
  if (g.kind == sql::ExprKind::kLiteral &&
      g.lit == sql::LiteralKind::kInteger) {
    const long long p =
        g.text.size() > 18 ? -1 : std::strtoll(g.text.c_str(), nullptr, 10);
    long long at = 0;
    for (const auto& it : q.items) {
      if (it.expr->kind != sql::ExprKind::kStar) {
        if (++at == p) item = it.expr.get();
      } else {
        for (const auto& c : scope.columns()) {
          if (!it.expr->table.empty() ? c.table != it.expr->table : c.hidden)
            continue;
          if (++at != p) continue;
          sql::Expr& ref = star_refs->emplace_back();
          ref.kind = sql::ExprKind::kColumn;
          ref.table = c.table;
          ref.text = c.name;
          item = &ref;
        }
      }
      if (item != nullptr) break;
    }
    if (item == nullptr) {
      return Status::SqlError(
          1054, "42S22",
          "Unknown column '" + g.text + "' in 'group statement'");
    }
  } else if (g.kind == sql::ExprKind::kColumn && g.table.empty() &&
             !scope.Resolve("", g.text, "group statement").ok()) {
    for (const auto& it : q.items) {
      if (!it.alias.empty() && plan::NameEquals(it.alias, g.text)) {
        item = it.expr.get();
        break;
      }
    }
  }
  if (item == nullptr) return &g;
  std::vector<const sql::Expr*> aggs;
  CollectAggregates(*item, &aggs);
  if (!aggs.empty()) {
    return Status::SqlError(1056, "42000",
                            "Can't group on '" + sql::ToSql(*item) + "'");
  }
  return item;
}

Result<uint64_t> LimitNumber(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kLiteral ||
      e.lit != sql::LiteralKind::kInteger) {
    return NotSupported("LIMIT with a placeholder");
  }
  // Digits only (the lexer's integer token); saturates past 2^64 - 1.
  uint64_t n = 0;
  for (char c : e.text) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return UINT64_MAX;
    n = n * 10 + d;
  }
  return n;
}

size_t CountTables(const sql::TableRef& r) {
  if (r.kind == sql::TableRef::Kind::kJoin)
    return CountTables(*r.left) + CountTables(*r.right);
  return 1;
}

void SplitConjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (e.kind == sql::ExprKind::kBinary && e.bop == sql::BinaryOp::kAnd) {
    for (const auto& a : e.args) SplitConjuncts(*a, out);
  } else {
    out->push_back(&e);
  }
}

// The units of an inner-join tree (tables, derived tables, outer joins) and
// its ON conditions.
void FlattenInner(const sql::TableRef& r,
                  std::vector<const sql::TableRef*>* units,
                  std::vector<const sql::Expr*>* on) {
  if (r.kind == sql::TableRef::Kind::kJoin && !r.natural &&
      r.using_columns.empty() &&
      (r.join == sql::JoinType::kInner || r.join == sql::JoinType::kCross)) {
    FlattenInner(*r.left, units, on);
    FlattenInner(*r.right, units, on);
    if (r.on) SplitConjuncts(*r.on, on);
    return;
  }
  units->push_back(&r);
}

}  // namespace

// Makes a WITH clause's CTEs visible while it lives (planning of the query
// it belongs to).
class CteScope {
 public:
  CteScope(LocalEngine* e, const std::vector<sql::CommonTableExpr>& with)
      : engine_(e), size_(e->ctes_.size()) {
    for (const auto& c : with) engine_->ctes_.push_back(&c);
  }
  // Restores a saved set (a subquery planned again later).
  CteScope(LocalEngine* e, const std::vector<const sql::CommonTableExpr*>& all)
      : engine_(e), size_(e->ctes_.size()), saved_(e->ctes_) {
    engine_->ctes_ = all;
    restore_ = true;
  }
  ~CteScope() {
    if (restore_) {
      engine_->ctes_ = std::move(saved_);
    } else {
      engine_->ctes_.resize(size_);
    }
  }

 private:
  LocalEngine* engine_;
  size_t size_;
  std::vector<const sql::CommonTableExpr*> saved_;
  bool restore_ = false;
};

// A subquery planned by this engine. Bound once to discover its type and
// the outer names it reads; each Run plans it again with those names bound
// to the given values, and remembers the answer per distinct values.
class SubqueryRun : public plan::SubqueryRunner {
 public:
  using Mode = plan::SubqueryRunner::Kind;

  SubqueryRun(LocalEngine* engine, const sql::SelectStmt* query, Mode mode,
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
    XP_ASSIGN_OR_RETURN(LocalEngine::SelectPlan plan, Plan({}, 0));
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
    CteScope with(engine_, ctes_);  // the CTEs visible where it was written
    XP_ASSIGN_OR_RETURN(LocalEngine::SelectPlan plan,
                        engine_->PlanSelect(*query_, ctx));
    if (!plan.types.empty() && plan.types[0].phys() != column_type.phys()) {
      return Status::Internal("subquery changed type between runs");
    }
    return plan;
  }

  Result<plan::Value> ScalarOrExists(LocalEngine::SelectPlan& plan) {
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

  LocalEngine* engine_;
  const sql::SelectStmt* query_;
  Mode mode_;
  plan::ExprOp cmp_;
  std::vector<plan::Value> values_;
  std::map<std::string, plan::Value> memo_;
  std::map<std::string, std::vector<Batch>> rows_;
  std::vector<const sql::CommonTableExpr*> ctes_;
};

void LocalEngine::PrepareScope(
    plan::Scope* scope, const std::shared_ptr<plan::OuterContext>& outer) {
  scope->set_outer(outer);
  scope->set_subquery_binder([this](const sql::Expr& e, const plan::Scope& s) {
    return BindSubquery(e, s);
  });
  scope->set_constant_evaluator(EvalBound);
  scope->set_variable_reader(
      [this](const sql::Expr& e) { return ReadVariable(e); });
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

namespace {

// MySQL 8's defaults for the variables a session reads most.
std::map<std::string, plan::Value> DefaultVariables() {
  return {
      {"sql_mode", plan::Value(std::string(
                       "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
                       "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                       "NO_ENGINE_SUBSTITUTION"))},
      {"autocommit", plan::Value(int64_t{1})},
      {"version", plan::Value(std::string("8.0.35-xprotocol"))},
      {"version_comment", plan::Value(std::string("XProtocol"))},
      {"transaction_isolation", plan::Value(std::string("REPEATABLE-READ"))},
      {"time_zone", plan::Value(std::string("SYSTEM"))},
      {"character_set_client", plan::Value(std::string("utf8mb4"))},
      {"character_set_results", plan::Value(std::string("utf8mb4"))},
      {"collation_connection", plan::Value(std::string("utf8mb4_0900_ai_ci"))},
      {"max_allowed_packet", plan::Value(int64_t{67108864})},
      {"max_execution_time", plan::Value(int64_t{0})},
      // Seconds a statement waits for a row lock before 1205 (1 to
      // 1073741824, as InnoDB's).
      {"innodb_lock_wait_timeout", plan::Value(int64_t{50})},
      // Seconds DDL waits for transactions that use its tables (metadata
      // locks) before 1205; MySQL's default and range (1 to 31536000).
      {"lock_wait_timeout", plan::Value(int64_t{31536000})},
      // Seconds (as MySQL): a packet exchange with the client may stall
      // this long reading / writing, a session may sit idle this long.
      {"net_read_timeout", plan::Value(int64_t{30})},
      {"net_write_timeout", plan::Value(int64_t{60})},
      {"wait_timeout", plan::Value(int64_t{28800})},
      {"interactive_timeout", plan::Value(int64_t{28800})},
      {"lower_case_table_names", plan::Value(int64_t{0})},
      // Optimizer passes to skip (plan/optimizer.h), comma-separated.
      {"xp_disabled_passes", plan::Value(std::string())},
      // 1: every plan is serialized, validated and decoded before it runs
      // (plan/serde.h), as a data node receiving it would.
      {"xp_plan_roundtrip", plan::Value(int64_t{0})},
      // Bytes a statement may hold in sorts, hash tables, join build sides
      // and materialized results before it fails with 7006 (0: only the
      // node-wide cap); the daemon's --statement_memory_limit_mb.
      {"xp_statement_memory_limit",
       plan::Value(static_cast<int64_t>(DefaultStatementMemory()))},
      // Compute node: ship fragments as plans or SQL text (auto | plan |
      // sql); other stores ignore it.
      {"xplan_mode", plan::Value(std::string("auto"))},
  };
}

}  // namespace

LocalEngine::LocalEngine() : LocalEngine(nullptr) {}

void LocalEngine::set_memory_budget(size_t bytes) {
  system_variables_["xp_statement_memory_limit"] =
      plan::Value(static_cast<int64_t>(bytes));
}

int64_t LocalEngine::IntegerVariable(const std::string& name,
                                     int64_t fallback) const {
  auto it = system_variables_.find(name);
  if (it == system_variables_.end()) return fallback;
  const int64_t* i = std::get_if<int64_t>(&it->second);
  return i != nullptr ? *i : fallback;
}

size_t LocalEngine::StatementMemoryLimit() const {
  const plan::Value& v = system_variables_.at("xp_statement_memory_limit");
  const int64_t* i = std::get_if<int64_t>(&v);
  return i != nullptr && *i > 0 ? static_cast<size_t>(*i) : 0;
}

// The session's destructor rolls back an open transaction; then the
// tables it used are free for DDL.
LocalEngine::~LocalEngine() {
  session_.reset();
  ReleaseMetadataLocks();
}

void LocalEngine::ReleaseMetadataLocks() {
  if (held_tables_.empty()) return;
  store_->metadata_locks().Release(this);
  held_tables_.clear();
}

void LocalEngine::NoteTable(const sql::QualifiedName& name) {
  Result<const plan::TableSchema*> t = store_->catalog().FindTable(
      name.schema.empty() ? database_ : name.schema, name.name);
  if (t.ok()) used_tables_.emplace_back((*t)->database, (*t)->name);
}

Status LocalEngine::WaitForMetadataLocks(
    const sql::Statement& s, std::unique_lock<std::shared_mutex>* ddl) {
  std::vector<MetadataLocks::Table> tables;
  std::vector<std::string> databases;
  auto table = [&](const sql::QualifiedName& n) {
    Result<const plan::TableSchema*> t = store_->catalog().FindTable(
        n.schema.empty() ? database_ : n.schema, n.name);
    if (t.ok()) tables.emplace_back((*t)->database, (*t)->name);
  };
  switch (s.kind) {
    case sql::StmtKind::kDropTable:
      for (const auto& n :
           static_cast<const sql::DropTableStatement&>(s).tables)
        table(n);
      break;
    case sql::StmtKind::kTruncate:
      table(static_cast<const sql::TruncateStatement&>(s).table);
      break;
    case sql::StmtKind::kAlterTable:
      table(static_cast<const sql::AlterTableStatement&>(s).table);
      break;
    case sql::StmtKind::kCreateIndex:
      table(static_cast<const sql::CreateIndexStatement&>(s).table);
      break;
    case sql::StmtKind::kDropIndex:
      table(static_cast<const sql::DropIndexStatement&>(s).table);
      break;
    case sql::StmtKind::kDropDatabase:
      databases.push_back(static_cast<const sql::DatabaseStatement&>(s).name);
      break;
    default:
      return Status::OK();
  }
  if (tables.empty() && databases.empty()) return Status::OK();
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::seconds(IntegerVariable("lock_wait_timeout", 31536000));
  MetadataLocks& locks = store_->metadata_locks();
  for (;;) {
    uint64_t generation = 0;
    if (!locks.Busy(this, tables, databases, &generation)) return Status::OK();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return Status::SqlError(
          1205, "HY000",
          "Lock wait timeout exceeded; try restarting transaction");
    }
    // KILL QUERY / a client gone / shutdown end the wait too.
    XP_RETURN_IF_ERROR(CheckCancelled());
    ddl->unlock();
    locks.WaitForRelease(
        generation, std::min(deadline, now + std::chrono::milliseconds(100)));
    ddl->lock();
  }
}

Status LocalEngine::SetDatabase(const std::string& name) {
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  if (!store_->catalog().HasDatabase(name))
    return Status::SqlError(1049, "42000", "Unknown database '" + name + "'");
  database_ = name;
  return Status::OK();
}

LocalEngine::LocalEngine(Store* store) : store_(store) {
  if (store_ == nullptr) {
    owned_store_ = std::make_unique<MemoryStore>();
    store_ = owned_store_.get();
    (void)store_->CreateDatabase(database_, true);
  }
  session_ = store_->NewSession();
  system_variables_ = DefaultVariables();
}

bool LocalEngine::StrictDivisionByZero() const {
  const auto& m = system_variables_.at("sql_mode");
  if (m.index() != 5) return false;
  const std::string& mode = std::get<std::string>(m);
  return mode.find("ERROR_FOR_DIVISION_BY_ZERO") != std::string::npos &&
         (mode.find("STRICT_TRANS_TABLES") != std::string::npos ||
          mode.find("STRICT_ALL_TABLES") != std::string::npos);
}

bool LocalEngine::Autocommit() const {
  const plan::Value& v = system_variables_.at("autocommit");
  if (v.index() == 1) return std::get<int64_t>(v) != 0;
  if (v.index() != 5) return true;
  std::string word = std::get<std::string>(v);
  for (auto& c : word)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word != "OFF" && word != "0" && word != "FALSE";
}

bool LocalEngine::OnlyFullGroupBy() const {
  const auto& mode = system_variables_.at("sql_mode");
  return mode.index() == 5 && std::get<std::string>(mode).find(
                                  "ONLY_FULL_GROUP_BY") != std::string::npos;
}

Result<plan::Value> LocalEngine::ReadVariable(const sql::Expr& e) const {
  if (e.kind == sql::ExprKind::kParam) {
    if (params_ == nullptr || e.param_index < 0 ||
        static_cast<size_t>(e.param_index) >= params_->size()) {
      return Status::SqlError(1210, "HY000", "Incorrect arguments to EXECUTE");
    }
    return (*params_)[static_cast<size_t>(e.param_index)];
  }
  if (e.kind == sql::ExprKind::kUserVar) {
    auto it = user_variables_.find(e.text);
    return it == user_variables_.end() ? plan::Value() : it->second;
  }
  if (e.kind == sql::ExprKind::kSysVar &&
      e.text.rfind("xp_function_", 0) == 0) {
    const std::string fn = e.text.substr(12);
    if (fn == "DATABASE" || fn == "SCHEMA")
      return database_.empty() ? plan::Value() : plan::Value(database_);
    if (fn == "VERSION") return system_variables_.at("version");
    if (fn == "CONNECTION_ID")
      return plan::Value(static_cast<int64_t>(connection_id_));
    if (fn == "ROW_COUNT") return plan::Value(row_count_);
    if (fn == "FOUND_ROWS") return plan::Value(found_rows_);
    return plan::Value(user_ + "@localhost");  // the USER()s
  }
  std::string name = e.text;
  for (const char* prefix : {"session.", "global.", "local."}) {
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::strlen(prefix));
  }
  auto it = system_variables_.find(name);
  if (it == system_variables_.end()) {
    return Status::SqlError(1193, "HY000",
                            "Unknown system variable '" + name + "'");
  }
  return it->second;
}

Result<QueryResult> LocalEngine::Trigger(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TriggerStatement&>(s);
  const std::string key = Key(
      t.trigger.schema.empty() ? database_ : t.trigger.schema, t.trigger.name);
  if (s.kind == sql::StmtKind::kDropTrigger) {
    if (store_->triggers().erase(key) == 0 && !t.if_exists)
      return Status::SqlError(1360, "HY000", "Trigger does not exist");
    return QueryResult();
  }
  if (!t.empty_body) return NotSupported("triggers with a body");
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* table, Schema(t.table));
  if (store_->triggers().count(key)) {
    if (t.if_exists) return QueryResult();  // IF NOT EXISTS
    return Status::SqlError(1359, "HY000", "Trigger already exists");
  }
  store_->triggers()[key] = Key(table->database, table->name);
  return QueryResult();
}

namespace {
// An integer system variable's new value clamped to [lo, hi], as MySQL
// does; another type is ER_WRONG_TYPE_FOR_VAR.
Result<plan::Value> ClampInteger(const std::string& name, const plan::Value& v,
                                 int64_t lo, int64_t hi) {
  const int64_t* i = std::get_if<int64_t>(&v);
  const uint64_t* u = std::get_if<uint64_t>(&v);
  if (i == nullptr && u == nullptr) {
    return Status::SqlError(
        1232, "42000", "Incorrect argument type to variable '" + name + "'");
  }
  return plan::Value(i != nullptr ? std::clamp<int64_t>(*i, lo, hi)
                                  : static_cast<int64_t>(std::min<uint64_t>(
                                        *u, static_cast<uint64_t>(hi))));
}
}  // namespace

Result<QueryResult> LocalEngine::Set(const sql::Statement& s) {
  const auto& set = static_cast<const sql::SetStatement&>(s);
  plan::Scope scope;
  PrepareScope(&scope, nullptr);
  for (const auto& item : set.items) {
    plan::Value v;
    const sql::Expr& e = *item.value;
    if (e.kind == sql::ExprKind::kColumn && e.table.empty()) {
      v = plan::Value(e.text);  // SET autocommit = ON: a bare word
    } else {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b, plan::BindExpr(e, scope));
      XP_SET_OR_RETURN(v, EvalBound(*b));
    }
    if (item.scope == sql::SetStatement::Item::Scope::kUser) {
      user_variables_[item.name] = std::move(v);
      continue;
    }
    auto it = system_variables_.find(item.name);
    if (it == system_variables_.end()) {
      return Status::SqlError(1193, "HY000",
                              "Unknown system variable '" + item.name + "'");
    }
    if (item.name == "sql_mode" && v.index() == 5) {
      // Upper case, no spaces, no empty entries: 'a,,b ' -> 'A,B'.
      std::string mode, part;
      for (char c : std::get<std::string>(v) + ",") {
        if (c == ',') {
          if (!part.empty()) mode += (mode.empty() ? "" : ",") + part;
          part.clear();
        } else if (c != ' ') {
          part +=
              static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
      }
      v = plan::Value(mode);
    }
    if (item.name == "innodb_lock_wait_timeout") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 1, 1073741824));
    } else if (item.name == "net_read_timeout" ||
               item.name == "net_write_timeout" ||
               item.name == "wait_timeout" ||
               item.name == "interactive_timeout" ||
               item.name == "lock_wait_timeout") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 1, 31536000));
    } else if (item.name == "xp_statement_memory_limit") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 0, int64_t{1} << 50));
    }
    XP_RETURN_IF_ERROR(session_->OnVariable(item.name, v));
    it->second = std::move(v);
    // SET autocommit = 1 commits the open transaction.
    if (item.name == "autocommit" && Autocommit() && session_->in_transaction())
      XP_RETURN_IF_ERROR(session_->Commit());
  }
  return QueryResult();
}

Result<const plan::TableSchema*> LocalEngine::Schema(
    const sql::QualifiedName& name) {
  const std::string db = name.schema.empty() ? database_ : name.schema;
  if (store_->views().count(Key(db, name.name)))
    return NotSupported("writing through a view");
  Result<const plan::TableSchema*> t =
      store_->catalog().FindTable(db, name.name);
  if (t.ok()) used_tables_.emplace_back((*t)->database, (*t)->name);
  return t;
}

Result<TableStore*> LocalEngine::Table(const sql::QualifiedName& name) {
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* schema, Schema(name));
  return session_->Table(*schema);
}

bool LocalEngine::in_transaction() const { return session_->in_transaction(); }

void LocalEngine::CancelRunning() {
  std::lock_guard<std::mutex> lock(running_mu_);
  if (running_ == nullptr) return;
  running_->Cancel();
  session_->Interrupt();
}

namespace {

bool IsDdl(sql::StmtKind k) {
  switch (k) {
    case sql::StmtKind::kCreateDatabase:
    case sql::StmtKind::kDropDatabase:
    case sql::StmtKind::kCreateTable:
    case sql::StmtKind::kDropTable:
    case sql::StmtKind::kTruncate:
    case sql::StmtKind::kAlterTable:
    case sql::StmtKind::kCreateIndex:
    case sql::StmtKind::kDropIndex:
    case sql::StmtKind::kCreateView:
    case sql::StmtKind::kDropView:
    case sql::StmtKind::kCreateTrigger:
    case sql::StmtKind::kDropTrigger:
      return true;
    default:
      return false;
  }
}

// Sends a QueryResult's text rows to a sink (SHOW, EXPLAIN, XA RECOVER).
Status SendText(const QueryResult& r, ResultSink* sink) {
  std::vector<plan::DataType> types(r.names.size(), plan::DataType::String());
  XP_RETURN_IF_ERROR(sink->Columns(r.names, types));
  std::vector<std::vector<plan::Value>> rows;
  for (const auto& row : r.rows) {
    std::vector<plan::Value> out;
    for (const auto& cell : row)
      out.push_back(cell ? plan::Value(*cell) : plan::Value());
    rows.push_back(std::move(out));
  }
  for (const Batch& b : BatchesOf(types, rows))
    XP_RETURN_IF_ERROR(sink->Rows(b, types.size()));
  return Status::OK();
}

}  // namespace

Result<QueryResult> LocalEngine::Execute(std::string_view sql_text) {
  static const std::vector<plan::Value> kNone;
  return Execute(sql_text, kNone, nullptr);
}

Result<QueryResult> LocalEngine::Execute(std::string_view sql_text,
                                         const std::vector<plan::Value>& params,
                                         ResultSink* sink) {
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(sql_text));
  return Execute(std::move(stmt), params, sink);
}

Result<QueryResult> LocalEngine::Execute(sql::StmtPtr stmt,
                                         const std::vector<plan::Value>& params,
                                         ResultSink* sink) {
  if (stmt->param_count != params.size()) {
    return Status::SqlError(
        1210, "HY000",
        "Incorrect arguments to EXECUTE: the statement has " +
            std::to_string(stmt->param_count) + " placeholders, " +
            std::to_string(params.size()) + " given");
  }
  QueryContext ctx(StatementMemoryLimit());
  ctx.set_interrupt(interrupt_);
  ctx.set_collect_access_paths(collect_paths_);
  QueryContext::Bind bind(&ctx);
  // max_execution_time (ms) applies to SELECT, as in MySQL.
  const plan::Value& limit = system_variables_.at("max_execution_time");
  if (stmt->kind == sql::StmtKind::kSelect && limit.index() == 1 &&
      std::get<int64_t>(limit) > 0)
    ctx.set_time_limit_ms(static_cast<uint64_t>(std::get<int64_t>(limit)));
  {
    std::lock_guard<std::mutex> lock(running_mu_);
    running_ = &ctx;
  }
  params_ = &params;
  sink_ = sink;
  streamed_rows_ = 0;
  const bool streams = stmt->kind == sql::StmtKind::kSelect;
  // SELECT SQL_CALC_FOUND_ROWS ... LIMIT: FOUND_ROWS() is the count without
  // the LIMIT, counted by a second statement after this one.
  std::string count_sql;
  if (streams) {
    sql::SelectStmt& q = *static_cast<sql::SelectStatement&>(*stmt).query;
    if (q.calc_found_rows && q.limit) {
      sql::ExprPtr limit = std::move(q.limit);
      sql::ExprPtr offset = std::move(q.offset_expr);
      count_sql = "SELECT COUNT(*) FROM (" + sql::ToSql(q) + ") AS `found`";
      q.limit = std::move(limit);
      q.offset_expr = std::move(offset);
    }
  }
  Result<QueryResult> r = [&]() -> Result<QueryResult> {
    const sql::StmtKind kind = stmt->kind;
    if (kind == sql::StmtKind::kTransaction) return Transaction(*stmt);
    if (kind == sql::StmtKind::kXa) return Xa(*stmt);
    if (kind == sql::StmtKind::kCreateTable &&
        static_cast<const sql::CreateTableStatement&>(*stmt).as_select)
      return CreateTableAsSelect(std::move(stmt), params);
    if (IsDdl(kind)) {
      // DDL commits the open transaction first (implicit commit) and runs
      // alone.
      if (session_->in_transaction()) XP_RETURN_IF_ERROR(session_->Commit());
      ReleaseMetadataLocks();
      std::unique_lock<std::shared_mutex> lock(store_->ddl_mutex());
      XP_RETURN_IF_ERROR(WaitForMetadataLocks(*stmt, &lock));
      return ExecuteStatement(std::move(stmt));
    }
    // START TRANSACTION READ ONLY: no writes until it ends (MySQL's
    // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION).
    if (read_only_txn_ && session_->in_transaction() &&
        (kind == sql::StmtKind::kInsert || kind == sql::StmtKind::kUpdate ||
         kind == sql::StmtKind::kDelete))
      return Status::SqlError(
          1792, "25006",
          "Cannot execute statement in a READ ONLY transaction.");
    return InStatement([&]() -> Result<QueryResult> {
      return RunStatement(std::move(stmt), params);
    });
  }();
  params_ = nullptr;
  sink_ = nullptr;
  {
    std::lock_guard<std::mutex> lock(running_mu_);
    running_ = nullptr;
  }
  if (!session_->in_transaction()) ReleaseMetadataLocks();
  last_stats_ = std::move(ctx.stats());
  // ROW_COUNT(): rows a DML statement changed, 0 after DDL, -1 after a
  // SELECT or an error; FOUND_ROWS(): rows the last SELECT returned.
  if (!r.ok()) {
    row_count_ = -1;
  } else if (streams) {
    row_count_ = -1;
    found_rows_ = streamed_rows_ + static_cast<int64_t>(r->rows.size());
  } else {
    row_count_ = static_cast<int64_t>(r->rows_affected);
  }
  if (r.ok() && sink != nullptr && !streams && !r->names.empty()) {
    XP_RETURN_IF_ERROR(SendText(*r, sink));
    r->rows.clear();
  }
  if (r.ok() && !count_sql.empty()) {
    // Placeholders of the LIMIT come last: the count takes the others.
    Result<sql::StmtPtr> counted = sql::Parse(count_sql);
    const size_t k =
        counted.ok() ? std::min<size_t>((*counted)->param_count, params.size())
                     : 0;
    const std::vector<plan::Value> prefix(
        params.begin(), params.begin() + static_cast<long>(k));
    Result<QueryResult> n = Execute(count_sql, prefix, nullptr);
    if (n.ok() && !n->rows.empty() && n->rows[0][0])
      found_rows_ = std::stoll(*n->rows[0][0]);
    row_count_ = -1;
  }
  return r;
}

Result<StatementShape> LocalEngine::Describe(std::string_view sql_text) {
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(sql_text));
  StatementShape shape;
  shape.params = stmt->param_count;
  if (stmt->kind != sql::StmtKind::kSelect) return shape;
  const std::vector<plan::Value> nulls(stmt->param_count);
  QueryContext ctx(StatementMemoryLimit());
  QueryContext::Bind bind(&ctx);
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  params_ = &nulls;
  Result<SelectPlan> plan =
      PlanSelect(*static_cast<const sql::SelectStatement&>(*stmt).query);
  params_ = nullptr;
  XP_RETURN_IF_ERROR(plan.status());
  shape.names = plan->names;
  shape.types = plan->types;
  return shape;
}

Result<QueryResult> LocalEngine::RunStatement(
    sql::StmtPtr stmt, const std::vector<plan::Value>& params) {
  const sql::StmtKind kind = stmt->kind;
  if (kind == sql::StmtKind::kInsert || kind == sql::StmtKind::kUpdate ||
      kind == sql::StmtKind::kDelete) {
    // The tables it writes, for the metadata locks (a store that takes the
    // statement whole does not bind them here).
    if (kind == sql::StmtKind::kInsert) {
      NoteTable(static_cast<const sql::InsertStatement&>(*stmt).table);
    } else if (kind == sql::StmtKind::kDelete) {
      NoteTable(static_cast<const sql::DeleteStatement&>(*stmt).table);
    } else {
      std::vector<const sql::TableRef*> refs{
          static_cast<const sql::UpdateStatement&>(*stmt).table.get()};
      while (!refs.empty()) {
        const sql::TableRef* r = refs.back();
        refs.pop_back();
        if (r == nullptr) continue;
        if (r->kind == sql::TableRef::Kind::kTable)
          NoteTable(sql::QualifiedName{r->schema, r->name});
        refs.push_back(r->left.get());
        refs.push_back(r->right.get());
      }
    }
    bool handled = false;
    QueryResult pushed;
    XP_RETURN_IF_ERROR(session_->Push(*stmt, database_, params, &handled,
                                      &pushed.rows_affected,
                                      &pushed.last_insert_id));
    if (handled) return pushed;
  }
  return ExecuteStatement(std::move(stmt));
}

Result<QueryResult> LocalEngine::CreateTableAsSelect(
    sql::StmtPtr stmt, const std::vector<plan::Value>& params) {
  auto& c = static_cast<sql::CreateTableStatement&>(*stmt);
  if (!c.columns.empty() || !c.indexes.empty())
    return NotSupported("CREATE TABLE ... (definitions) AS SELECT");
  if (session_->in_transaction()) XP_RETURN_IF_ERROR(session_->Commit());
  const std::string db = c.table.schema.empty() ? database_ : c.table.schema;
  {
    // The table's columns are the query's, as MySQL types them.
    std::unique_lock<std::shared_mutex> lock(store_->ddl_mutex());
    if (store_->catalog().FindTable(db, c.table.name).ok()) {
      if (c.if_not_exists) return QueryResult();
      return Status::SqlError(1050, "42S01",
                              "Table '" + c.table.name + "' already exists");
    }
    XP_ASSIGN_OR_RETURN(SelectPlan shape, PlanSelect(*c.as_select));
    plan::TableSchema t;
    t.database = db;
    t.name = c.table.name;
    t.partition = c.partition;
    for (size_t i = 0; i < shape.visible; ++i) {
      plan::ColumnSchema col;
      col.name = shape.names[i];
      col.type = shape.types[i].id == plan::TypeId::kNull
                     ? plan::DataType::String(0, true)
                     : shape.types[i];
      if (t.FindColumn(col.name) >= 0)
        return Status::SqlError(1060, "42S21",
                                "Duplicate column name '" + col.name + "'");
      t.columns.push_back(std::move(col));
    }
    t.hidden_primary_key = true;
    XP_RETURN_IF_ERROR(store_->CreateTable(std::move(t), false));
  }
  auto ins = std::make_unique<sql::InsertStatement>();
  ins->table = c.table;
  ins->select = std::move(c.as_select);
  Result<QueryResult> r = InStatement([&]() -> Result<QueryResult> {
    return RunStatement(std::move(ins), params);
  });
  if (!r.ok()) {
    // CREATE TABLE ... AS SELECT is atomic: no table when the rows fail.
    std::unique_lock<std::shared_mutex> lock(store_->ddl_mutex());
    (void)store_->DropTable(db, c.table.name);
  }
  return r;
}

Result<QueryResult> LocalEngine::InStatement(
    const std::function<Result<QueryResult>()>& run) {
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  used_tables_.clear();
  // autocommit = 0: every statement runs in a transaction, which COMMIT
  // or ROLLBACK ends.
  if (!Autocommit() && !session_->in_transaction()) {
    read_only_txn_ = false;
    XP_RETURN_IF_ERROR(session_->Begin());
  }
  XP_RETURN_IF_ERROR(session_->StatementBegin());
  if (read_lock_ != sql::LockMode::kNone)
    session_->SetReadLock(read_lock_, read_wait_);
  Result<QueryResult> out = [&]() -> Result<QueryResult> {
    try {
      return run();
    } catch (const std::bad_alloc&) {
      // Memory the budgets did not see ran out (the process's limit): this
      // statement fails and is undone; the node goes on (MySQL's
      // ER_OUTOFMEMORY).
      return Status::SqlError(1037, "HY001",
                              "Out of memory: the statement was stopped (its "
                              "work was rolled back)");
    }
  }();
  Status end = session_->StatementEnd(out.ok());
  // The tables stay as they are until the transaction ends (still under
  // the shared DDL lock, so no DDL slips in between).
  if (session_->in_transaction()) {
    for (MetadataLocks::Table& t : used_tables_) {
      if (held_tables_.insert(t).second) store_->metadata_locks().Hold(this, t);
    }
  }
  used_tables_.clear();
  if (out.ok() && !end.ok()) return end;
  // A deadlock victim loses its whole transaction (as in InnoDB), so the
  // other side can go on.
  if (!out.ok() && out.status().sql_code() == 1213 &&
      session_->in_transaction())
    (void)session_->Rollback();
  return out;
}

Result<QueryResult> LocalEngine::ExecutePlan(
    const Xp::Plan::Node& plan, const std::vector<plan::Value>& params,
    ResultSink* sink) {
  QueryContext ctx(StatementMemoryLimit());
  ctx.set_interrupt(interrupt_);
  ctx.set_collect_access_paths(collect_paths_);
  QueryContext::Bind bind(&ctx);
  {
    std::lock_guard<std::mutex> lock(running_mu_);
    running_ = &ctx;
  }
  Result<QueryResult> r = InStatement([&]() -> Result<QueryResult> {
    // Validated against the catalog under the statement's DDL lock, so the
    // tables it names stay as checked while it runs.
    XP_ASSIGN_OR_RETURN(plan::LogicalNodePtr node,
                        plan::FromProto(plan, store_->catalog(), params));
    XP_ASSIGN_OR_RETURN(OperatorPtr op,
                        Lower(*node, [this](const plan::LogicalNode& scan) {
                          return Scan(scan);
                        }));
    QueryResult result;
    for (size_t c = 0; c < node->types.size(); ++c)
      result.names.push_back("#" + std::to_string(c));
    result.types = node->types;
    XP_RETURN_IF_ERROR(sink->Columns(result.names, result.types));
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      if (b->num_rows() > 0)
        XP_RETURN_IF_ERROR(sink->Rows(*b, result.types.size()));
    }
    return result;
  });
  {
    std::lock_guard<std::mutex> lock(running_mu_);
    running_ = nullptr;
  }
  if (!session_->in_transaction()) ReleaseMetadataLocks();
  last_stats_ = std::move(ctx.stats());
  return r;
}

Result<std::string> LocalEngine::PlanBytes(std::string_view select) {
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(select));
  if (stmt->kind != sql::StmtKind::kSelect)
    return Status::InvalidArgument("not a SELECT");
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  XP_ASSIGN_OR_RETURN(
      SelectPlan plan,
      PlanSelect(*static_cast<const sql::SelectStatement&>(*stmt).query));
  if (plan.visible < plan.node->types.size()) {
    // Only the select list leaves (ORDER BY keys computed below stay).
    std::vector<plan::BoundExprPtr> cols;
    for (size_t c = 0; c < plan.visible; ++c)
      cols.push_back(plan::MakeColumn(static_cast<int>(c), plan.types[c]));
    plan.node = plan::MakeProject(std::move(plan.node), std::move(cols));
  }
  XP_RETURN_IF_ERROR(plan::Optimize(&plan.node, Options()));
  return plan::Serialize(*plan.node);
}

Result<QueryResult> LocalEngine::Transaction(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TransactionStatement&>(s);
  switch (t.op) {
    case sql::TransactionStatement::Op::kBegin:
      read_only_txn_ = false;
      XP_RETURN_IF_ERROR(session_->Begin());
      read_only_txn_ = t.read_only;
      if (t.consistent_snapshot) XP_RETURN_IF_ERROR(session_->Snapshot());
      break;
    case sql::TransactionStatement::Op::kCommit:
      read_only_txn_ = false;
      XP_RETURN_IF_ERROR(session_->Commit());
      break;
    case sql::TransactionStatement::Op::kRollback:
      read_only_txn_ = false;
      XP_RETURN_IF_ERROR(session_->Rollback());
      break;
    case sql::TransactionStatement::Op::kSavepoint:
      XP_RETURN_IF_ERROR(session_->Savepoint(t.savepoint));
      break;
    case sql::TransactionStatement::Op::kRollbackTo:
      XP_RETURN_IF_ERROR(session_->RollbackToSavepoint(t.savepoint));
      break;
    case sql::TransactionStatement::Op::kRelease:
      XP_RETURN_IF_ERROR(session_->ReleaseSavepoint(t.savepoint));
      break;
  }
  return QueryResult();
}

Result<QueryResult> LocalEngine::Xa(const sql::Statement& s) {
  const auto& x = static_cast<const sql::XaStatement&>(s);
  std::vector<std::string> xids;
  XP_RETURN_IF_ERROR(session_->Xa(x, &xids));
  QueryResult r;
  if (x.op != sql::XaStatement::Op::kRecover) return r;
  r.names = {"formatID", "gtrid_length", "bqual_length", "data"};
  r.types = {plan::DataType::Int(), plan::DataType::Int(),
             plan::DataType::Int(), plan::DataType::String()};
  for (const std::string& xid : xids) {
    // Stored as "gtrid" or "gtrid,bqual" (see StoreSession::Xa).
    const size_t comma = xid.find(',');
    const std::string gtrid = xid.substr(0, comma);
    const std::string bqual =
        comma == std::string::npos ? "" : xid.substr(comma + 1);
    r.rows.push_back({"1", std::to_string(gtrid.size()),
                      std::to_string(bqual.size()), gtrid + bqual});
  }
  return r;
}

namespace {

std::string Quoted(const plan::Value& v, const plan::DataType& t) {
  if (v.index() == 0) return "NULL";
  std::string text =
      v.index() == 5 ? std::get<std::string>(v) : plan::ValueToString(v);
  if (t.is_temporal()) {
    Vector one(t.phys(), 1);
    PutValue(v, 0, &one);
    one.Resize(1);
    text = CellText(one, t, 0);
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string CreateTableText(const plan::TableSchema& t, std::string_view name,
                            bool with_partition) {
  std::string out =
      "CREATE TABLE " + sql::QuoteIdent(name.empty() ? t.name : name) + " (\n";
  for (const auto& c : t.columns) {
    std::string type = c.type.ToString();
    // Lengths only TEXT / BLOB types have (CREATE TABLE refuses them for
    // VARCHAR).
    if (c.type.id == plan::TypeId::kString && !c.type.binary &&
        c.type.length > 16383)
      type = c.type.length > 65535 ? "LONGTEXT" : "TEXT";
    if (c.type.id == plan::TypeId::kString && c.type.binary &&
        c.type.length > 65535)
      type = "LONGBLOB";
    if (c.type.is_temporal() && c.type.scale > 0)
      type += "(" + std::to_string(c.type.scale) + ")";
    for (auto& ch : type)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += "  " + sql::QuoteIdent(c.name) + " " + type;
    if (!c.nullable) out += " NOT NULL";
    if (c.auto_increment) out += " AUTO_INCREMENT";
    if (c.default_now) {
      out += " DEFAULT CURRENT_TIMESTAMP";
    } else if (c.default_value) {
      out += " DEFAULT " + Quoted(*c.default_value, c.type);
    } else if (c.nullable) {
      out += " DEFAULT NULL";
    }
    out += ",\n";
  }
  for (const auto& idx : t.indexes) {
    out += idx.primary  ? "  PRIMARY KEY ("
           : idx.unique ? std::string(idx.global ? "  GLOBAL" : " ") +
                              " UNIQUE KEY " + sql::QuoteIdent(idx.name) + " ("
                        : std::string(idx.global ? "  GLOBAL" : " ") + " KEY " +
                              sql::QuoteIdent(idx.name) + " (";
    for (size_t k = 0; k < idx.columns.size(); ++k) {
      if (k) out += ",";
      out +=
          sql::QuoteIdent(t.columns[static_cast<size_t>(idx.columns[k])].name);
      if (k < idx.desc.size() && idx.desc[k]) out += " DESC";
    }
    out += "),\n";
  }
  out.resize(out.size() - 2);  // the last ",\n"
  out +=
      "\n) ENGINE=RocksDB DEFAULT CHARSET=utf8mb4 "
      "COLLATE=utf8mb4_0900_ai_ci";
  if (!with_partition) return out;
  using Kind = sql::PartitionSpec::Kind;
  const auto& p = t.partition;
  if (p.kind == Kind::kBroadcast) return out + " BROADCAST";
  if (p.kind == Kind::kSingle) return out + " SINGLE";
  if (p.kind == Kind::kHash || p.kind == Kind::kKey) {
    out +=
        p.kind == Kind::kHash ? "\nPARTITION BY HASH(" : "\nPARTITION BY KEY(";
    for (size_t i = 0; i < p.columns.size(); ++i)
      out += (i ? "," : "") + sql::QuoteIdent(p.columns[i]);
    out += ")";
    if (p.partitions > 0) out += " PARTITIONS " + std::to_string(p.partitions);
  }
  return out;
}

Result<QueryResult> LocalEngine::Show(const sql::Statement& s) {
  const auto& show = static_cast<const sql::ShowStatement&>(s);
  using What = sql::ShowStatement::What;
  const plan::Catalog& catalog = store_->catalog();
  QueryResult r;
  auto text_row = [&](std::vector<std::optional<std::string>> row) {
    r.rows.push_back(std::move(row));
  };
  auto like = [&](const std::string& name) {
    return show.like.empty() || LikeMatch(name, show.like);
  };
  switch (show.what) {
    case What::kDatabases: {
      r.names = {"Database"};
      for (const std::string& db : catalog.Databases()) {
        if (like(db)) text_row({db});
      }
      break;
    }
    case What::kTables: {
      const std::string db = show.database.empty() ? database_ : show.database;
      if (!catalog.HasDatabase(db))
        return Status::SqlError(1049, "42000", "Unknown database '" + db + "'");
      r.names = {"Tables_in_" + db};
      if (show.full) r.names.push_back("Table_type");
      std::vector<std::pair<std::string, std::string>> all;
      for (const std::string& t : catalog.Tables(db))
        all.emplace_back(t, "BASE TABLE");
      for (const auto& [key, view] : store_->views()) {
        if (key.rfind(db + ".", 0) == 0)
          all.emplace_back(key.substr(db.size() + 1), "VIEW");
      }
      std::sort(all.begin(), all.end());
      for (const auto& [name, type] : all) {
        if (!like(name)) continue;
        if (show.full) {
          text_row({name, type});
        } else {
          text_row({name});
        }
      }
      break;
    }
    case What::kColumns:
    case What::kCreateTable:
    case What::kIndex: {
      sql::QualifiedName name = show.table;
      if (name.schema.empty() && !show.database.empty())
        name.schema = show.database;
      XP_ASSIGN_OR_RETURN(
          const plan::TableSchema* schema,
          catalog.FindTable(name.schema.empty() ? database_ : name.schema,
                            name.name));
      const plan::TableSchema& t = *schema;
      if (show.what == What::kCreateTable) {
        r.names = {"Table", "Create Table"};
        text_row({t.name, CreateTableText(t)});
        break;
      }
      if (show.what == What::kIndex) {
        r.names = {"Table", "Non_unique", "Key_name", "Seq_in_index",
                   "Column_name"};
        for (const auto& idx : t.indexes) {
          for (size_t k = 0; k < idx.columns.size(); ++k) {
            text_row({t.name, idx.unique ? "0" : "1", idx.name,
                      std::to_string(k + 1),
                      t.columns[static_cast<size_t>(idx.columns[k])].name});
          }
        }
        break;
      }
      r.names = {"Field", "Type", "Null", "Key", "Default", "Extra"};
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const auto& col = t.columns[c];
        if (!like(col.name)) continue;
        std::string key;
        for (const auto& idx : t.indexes) {
          if (idx.columns.empty() || idx.columns[0] != static_cast<int>(c) ||
              !key.empty())
            continue;
          key = idx.primary ? "PRI" : idx.unique ? "UNI" : "MUL";
        }
        std::string type = col.type.ToString();
        for (auto& ch : type)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::optional<std::string> def;
        if (col.default_now) {
          def = "CURRENT_TIMESTAMP";
        } else if (col.default_value && col.default_value->index() != 0) {
          def = Quoted(*col.default_value, col.type);
          def = def->substr(1, def->size() - 2);
        }
        text_row({col.name, type, col.nullable ? "YES" : "NO", key, def,
                  col.auto_increment ? "auto_increment" : ""});
      }
      break;
    }
    case What::kVariables: {
      r.names = {"Variable_name", "Value"};
      for (const auto& [name, v] : system_variables_) {
        if (like(name))
          text_row({name, v.index() == 0   ? std::string()
                          : v.index() == 5 ? std::get<std::string>(v)
                                           : plan::ValueToString(v)});
      }
      break;
    }
    case What::kWarnings:
      r.names = {"Level", "Code", "Message"};
      break;
    case What::kStatus:
      r.names = {"Variable_name", "Value"};
      break;
    default:
      return NotSupported(sql::ToSql(s));
  }
  r.types.assign(r.names.size(), plan::DataType::String());
  return r;
}

Result<QueryResult> LocalEngine::ExecuteStatement(sql::StmtPtr stmt) {
  switch (stmt->kind) {
    case sql::StmtKind::kSelect: {
      const sql::SelectStmt& q =
          *static_cast<const sql::SelectStatement&>(*stmt).query;
      // A locking read locks what it reads until the transaction ends (the
      // statement's end in autocommit).
      if (q.lock != sql::LockMode::kNone)
        session_->SetReadLock(q.lock, q.lock_wait);
      return Select(q);
    }
    case sql::StmtKind::kCreateTable:
      return CreateTable(*stmt);
    case sql::StmtKind::kDropTable:
      return DropTable(*stmt);
    case sql::StmtKind::kTruncate:
      return Truncate(*stmt);
    case sql::StmtKind::kAlterTable:
      return AlterTable(*stmt);
    case sql::StmtKind::kShow:
      return Show(*stmt);
    case sql::StmtKind::kInsert:
      return Insert(*stmt);
    case sql::StmtKind::kCreateIndex:
      return CreateIndex(*stmt);
    case sql::StmtKind::kDelete:
      return Delete(*stmt);
    case sql::StmtKind::kDropIndex:
      return DropIndex(*stmt);
    case sql::StmtKind::kUpdate:
      return Update(*stmt);
    case sql::StmtKind::kCreateView:
      return CreateView(std::move(stmt));
    case sql::StmtKind::kDropView:
      return DropView(*stmt);
    case sql::StmtKind::kSet:
      return Set(*stmt);
    case sql::StmtKind::kExplain:
      return Explain(*stmt);
    case sql::StmtKind::kCreateTrigger:
    case sql::StmtKind::kDropTrigger:
      return Trigger(*stmt);
    case sql::StmtKind::kCreateDatabase: {
      const auto& d = static_cast<const sql::DatabaseStatement&>(*stmt);
      XP_RETURN_IF_ERROR(store_->CreateDatabase(d.name, d.if_exists));
      QueryResult r;
      r.rows_affected = 1;
      return r;
    }
    case sql::StmtKind::kDropDatabase: {
      const auto& d = static_cast<const sql::DatabaseStatement&>(*stmt);
      auto& views = store_->views();
      for (auto it = views.begin(); it != views.end();) {
        it = it->first.rfind(d.name + ".", 0) == 0 ? views.erase(it)
                                                   : std::next(it);
      }
      XP_RETURN_IF_ERROR(store_->DropDatabase(d.name, d.if_exists));
      return QueryResult();
    }
    case sql::StmtKind::kUse: {
      const auto& u = static_cast<const sql::UseStatement&>(*stmt);
      if (!store_->catalog().HasDatabase(u.database)) {
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
  if (store_->views().count(Key(schema.database, schema.name))) {
    return Status::SqlError(1050, "42S01",
                            "Table '" + schema.name + "' already exists");
  }
  XP_RETURN_IF_ERROR(store_->CreateTable(std::move(schema), c.if_not_exists));
  return QueryResult();
}

namespace {

// The identity map of a table's columns (an ALTER that keeps them).
std::vector<int> SameColumns(const plan::TableSchema& t) {
  std::vector<int> m(t.columns.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<int>(i);
  return m;
}

Status CheckIndexColumns(const plan::TableSchema& schema,
                         const sql::IndexDef& def) {
  for (const auto& idx : schema.indexes) {
    if (!def.name.empty() && plan::NameEquals(idx.name, def.name)) {
      return Status::SqlError(1061, "42000",
                              "Duplicate key name '" + def.name + "'");
    }
  }
  for (const auto& col : def.columns) {
    if (schema.FindColumn(col.expr->text) < 0) {
      return Status::SqlError(
          1072, "42000",
          "Key column '" + col.expr->text + "' doesn't exist in table");
    }
  }
  return Status::OK();
}

// Adds `def` to `schema` with a fresh storage id.
void AddIndex(const sql::IndexDef& def, plan::TableSchema* schema) {
  plan::IndexSchema idx;
  idx.name = def.name.empty() ? def.columns[0].expr->text : def.name;
  idx.unique = def.kind != sql::IndexDef::Kind::kIndex;
  idx.global = def.global;
  for (const auto& col : def.columns) {
    idx.columns.push_back(schema->FindColumn(col.expr->text));
    idx.desc.push_back(col.desc);
  }
  uint32_t id = 0;
  for (const auto& other : schema->indexes) id = std::max(id, other.id);
  idx.id = id + 1;
  schema->indexes.push_back(std::move(idx));
}

Status DropIndexNamed(const std::string& name, plan::TableSchema* schema) {
  for (size_t i = 0; i < schema->indexes.size(); ++i) {
    if (!plan::NameEquals(schema->indexes[i].name, name)) continue;
    schema->indexes.erase(schema->indexes.begin() +
                          static_cast<std::ptrdiff_t>(i));
    return Status::OK();
  }
  return Status::SqlError(
      1091, "42000", "Can't DROP '" + name + "'; check that column/key exists");
}

}  // namespace

Result<QueryResult> LocalEngine::CreateIndex(const sql::Statement& s) {
  const auto& c = static_cast<const sql::CreateIndexStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(c.table));
  plan::TableSchema schema = *current;
  XP_RETURN_IF_ERROR(CheckIndexColumns(schema, c.index));
  AddIndex(c.index, &schema);
  std::vector<int> same = SameColumns(schema);
  XP_RETURN_IF_ERROR(store_->AlterTable(std::move(schema), std::move(same)));
  return QueryResult();
}

Result<QueryResult> LocalEngine::DropIndex(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropIndexStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(d.table));
  plan::TableSchema schema = *current;
  XP_RETURN_IF_ERROR(DropIndexNamed(d.name, &schema));
  std::vector<int> same = SameColumns(schema);
  XP_RETURN_IF_ERROR(store_->AlterTable(std::move(schema), std::move(same)));
  return QueryResult();
}

Result<QueryResult> LocalEngine::AlterTable(sql::Statement& s) {
  auto& a = static_cast<sql::AlterTableStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(a.table));
  plan::TableSchema schema = *current;
  std::vector<int> source = SameColumns(schema);
  for (auto& action : a.actions) {
    switch (action.kind) {
      case sql::AlterAction::Kind::kAddColumn: {
        if (schema.FindColumn(action.column.name) >= 0) {
          return Status::SqlError(
              1060, "42S21",
              "Duplicate column name '" + action.column.name + "'");
        }
        // The column alone through CREATE TABLE's rules.
        sql::CreateTableStatement one;
        one.table.name = schema.name;
        one.columns.push_back(std::move(action.column));
        XP_ASSIGN_OR_RETURN(plan::TableSchema t,
                            plan::BuildTableSchema(one, schema.database));
        if (!t.indexes.empty() && t.indexes[0].primary)
          return NotSupported("ALTER TABLE ... ADD COLUMN ... PRIMARY KEY");
        plan::ColumnSchema col = std::move(t.columns[0]);
        if (col.auto_increment)
          return NotSupported("ALTER TABLE ... ADD COLUMN ... AUTO_INCREMENT");
        if (!col.nullable && !col.default_value && !col.default_now) {
          // MySQL fills existing rows with the type's implicit default.
          XP_ASSIGN_OR_RETURN(
              plan::Value zero,
              plan::ConvertValue(col.type.id == plan::TypeId::kString
                                     ? plan::Value(std::string())
                                     : plan::Value(int64_t{0}),
                                 col.type, col.name));
          col.default_value = std::move(zero);
        }
        const bool unique = !t.indexes.empty();
        schema.columns.push_back(std::move(col));
        source.push_back(-1);
        if (unique) {
          sql::IndexDef def;
          def.kind = sql::IndexDef::Kind::kUnique;
          auto e = std::make_unique<sql::Expr>();
          e->kind = sql::ExprKind::kColumn;
          e->text = schema.columns.back().name;
          def.columns.push_back(sql::OrderItem{std::move(e), false});
          AddIndex(def, &schema);
        }
        break;
      }
      case sql::AlterAction::Kind::kDropColumn: {
        const int c = schema.FindColumn(action.name);
        if (c < 0) {
          return Status::SqlError(
              1091, "42000",
              "Can't DROP '" + action.name + "'; check that column/key exists");
        }
        if (schema.columns.size() == 1) {
          return Status::SqlError(1090, "42000",
                                  "You can't delete all columns with ALTER "
                                  "TABLE; use DROP TABLE instead");
        }
        schema.columns.erase(schema.columns.begin() + c);
        source.erase(source.begin() + c);
        // Indexes lose the column (and go when it was their only one).
        for (auto it = schema.indexes.begin(); it != schema.indexes.end();) {
          for (size_t k = 0; k < it->columns.size();) {
            if (it->columns[k] == c) {
              it->columns.erase(it->columns.begin() +
                                static_cast<std::ptrdiff_t>(k));
              it->desc.erase(it->desc.begin() + static_cast<std::ptrdiff_t>(k));
              continue;
            }
            if (it->columns[k] > c) --it->columns[k];
            ++k;
          }
          it = it->columns.empty() ? schema.indexes.erase(it) : std::next(it);
        }
        if (schema.indexes.empty() || !schema.indexes[0].primary)
          schema.hidden_primary_key = true;
        break;
      }
      case sql::AlterAction::Kind::kAddIndex:
        if (action.index.kind == sql::IndexDef::Kind::kPrimary)
          return NotSupported("ALTER TABLE ... ADD PRIMARY KEY");
        XP_RETURN_IF_ERROR(CheckIndexColumns(schema, action.index));
        AddIndex(action.index, &schema);
        break;
      case sql::AlterAction::Kind::kDropIndex:
        XP_RETURN_IF_ERROR(DropIndexNamed(action.name, &schema));
        break;
    }
  }
  XP_RETURN_IF_ERROR(store_->AlterTable(std::move(schema), std::move(source)));
  return QueryResult();
}

Result<QueryResult> LocalEngine::Truncate(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TruncateStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* table, Schema(t.table));
  XP_RETURN_IF_ERROR(store_->TruncateTable(table->database, table->name));
  return QueryResult();
}

Result<QueryResult> LocalEngine::DropTable(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropTableStatement&>(s);
  // MySQL checks every name first and drops none when one is missing.
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    if (!d.if_exists && !store_->catalog().FindTable(db, t.name).ok()) {
      return Status::SqlError(1051, "42S02",
                              "Unknown table '" + Key(db, t.name) + "'");
    }
  }
  auto& triggers = store_->triggers();
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    if (!store_->catalog().FindTable(db, t.name).ok()) continue;
    for (auto it = triggers.begin(); it != triggers.end();) {
      it = it->second == Key(db, t.name) ? triggers.erase(it) : std::next(it);
    }
    XP_RETURN_IF_ERROR(store_->DropTable(db, t.name));
  }
  return QueryResult();
}

namespace {

// While alive, x / 0 in values being stored is error 1365 (when `on`).
class StrictDivision {
 public:
  explicit StrictDivision(bool on) : ctx_(QueryContext::Current()) {
    if (ctx_ != nullptr) ctx_->set_division_by_zero_error(on);
  }
  ~StrictDivision() {
    if (ctx_ != nullptr) ctx_->set_division_by_zero_error(false);
  }

 private:
  QueryContext* ctx_;
};

// ON DUPLICATE KEY UPDATE of the row `id`, given the row being inserted.
using OnDuplicate = std::function<Status(
    const RowId& id, const std::vector<int>& columns,
    const std::vector<plan::Value>& values, QueryResult* r)>;

std::vector<plan::DataType> ColumnTypes(const plan::TableSchema& t) {
  std::vector<plan::DataType> types;
  for (const auto& c : t.columns) types.push_back(c.type);
  return types;
}

// One row of INSERT / INSERT IGNORE / REPLACE, counted as MySQL does (a
// REPLACE that removes n rows affects n + 1; an ignored duplicate, 0).
Status InsertRow(TableStore* table, const sql::InsertStatement& ins,
                 const std::vector<int>& columns,
                 const std::vector<plan::Value>& values, QueryResult* r,
                 const OnDuplicate& on_duplicate) {
  for (;;) {
    uint64_t id = 0;
    std::vector<RowId> conflicts;
    Status st = table->Insert(columns, values, &id, &conflicts);
    if (st.ok()) {
      if (id != 0 && r->last_insert_id == 0) r->last_insert_id = id;
      ++r->rows_affected;
      return st;
    }
    if (st.sql_code() != 1062 || conflicts.empty()) return st;
    if (!ins.on_duplicate.empty())  // the first colliding row is updated
      return on_duplicate(conflicts[0], columns, values, r);
    if (ins.ignore) return Status::OK();
    if (!ins.replace) return st;
    std::vector<std::vector<plan::Value>> old;
    for (const RowId& c : conflicts) {
      XP_ASSIGN_OR_RETURN(std::vector<plan::Value> row, table->Read(c));
      old.push_back(std::move(row));
    }
    XP_RETURN_IF_ERROR(table->Delete(conflicts, old));
    r->rows_affected += conflicts.size();
  }
}

}  // namespace

Result<QueryResult> LocalEngine::Insert(const sql::Statement& s) {
  const auto& ins = static_cast<const sql::InsertStatement&>(s);
  XP_ASSIGN_OR_RETURN(TableStore * table, Table(ins.table));
  return InsertRows(ins, table);
}

Result<QueryResult> LocalEngine::InsertRows(const sql::InsertStatement& ins,
                                            TableStore* table) {
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
  // ON DUPLICATE KEY UPDATE: the colliding row gets the assignments, with
  // VALUES(col) naming the value the insert would have stored. MySQL
  // counts 2 affected rows for an update, 0 when nothing changed.
  std::vector<SetItem> set;
  for (const auto& [column, expr] : ins.on_duplicate)
    set.push_back({"", column, expr.get()});
  OnDuplicate on_duplicate = [&](const RowId& id,
                                 const std::vector<int>& columns,
                                 const std::vector<plan::Value>& values,
                                 QueryResult* result) -> Status {
    auto values_of = [&](const sql::Expr& e) -> Result<plan::BoundExprPtr> {
      if (e.kind != sql::ExprKind::kFunction || e.text != "VALUES" ||
          e.args.size() != 1 || e.args[0]->kind != sql::ExprKind::kColumn)
        return plan::BoundExprPtr();
      const int c = schema.FindColumn(e.args[0]->text);
      if (c < 0) {
        return Status::SqlError(
            1054, "42S22",
            "Unknown column '" + e.args[0]->text + "' in 'field list'");
      }
      const auto& col = schema.columns[static_cast<size_t>(c)];
      plan::Value v = col.default_value ? *col.default_value : plan::Value();
      for (size_t i = 0; i < values.size(); ++i) {
        const int at = columns.empty() ? static_cast<int>(i) : columns[i];
        if (at == c) v = values[i];
      }
      XP_ASSIGN_OR_RETURN(plan::Value conv,
                          plan::ConvertValue(v, col.type, col.name));
      return plan::MakeConst(std::move(conv), col.type);
    };
    XP_ASSIGN_OR_RETURN(std::vector<plan::Value> row, table->Read(id));
    Matched m;
    m.batches = BatchesOf(ColumnTypes(schema), {row});
    m.ids.push_back(id);
    XP_ASSIGN_OR_RETURN(QueryResult u,
                        UpdateRows(table, ins.table.name, set, m, values_of));
    result->rows_affected += u.rows_affected * 2;
    return Status::OK();
  };
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
    XP_ASSIGN_OR_RETURN(OperatorPtr op, Build(plan));
    StrictDivision strict(StrictDivisionByZero());
    std::vector<std::vector<plan::Value>> rows;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
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
      XP_RETURN_IF_ERROR(
          InsertRow(table, ins, positions, row, &r, on_duplicate));
    }
    return r;
  }
  plan::Scope no_columns;
  PrepareScope(&no_columns, nullptr);
  no_columns.set_default_table(&schema);
  StrictDivision strict(StrictDivisionByZero());
  size_t row_number = 0;
  for (const auto& row : ins.rows) {
    ++row_number;
    const size_t want =
        positions.empty() ? schema.columns.size() : positions.size();
    // VALUES (): every column its default (with or without "()" as the
    // column list).
    if (row.size() != want && !(row.empty() && positions.empty())) {
      return Status::SqlError(1136, "21S01",
                              "Column count doesn't match value count at row " +
                                  std::to_string(row_number));
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
    XP_RETURN_IF_ERROR(InsertRow(table, ins, cols, values, &r, on_duplicate));
  }
  return r;
}

plan::OptimizerOptions LocalEngine::Options() const {
  plan::OptimizerOptions options;
  options.evaluate = EvalBound;
  const plan::Value& off = system_variables_.at("xp_disabled_passes");
  if (off.index() == 5) {
    std::string name;
    for (char c : std::get<std::string>(off) + ",") {
      if (c == ',') {
        if (!name.empty()) options.disabled.push_back(name);
        name.clear();
      } else if (c != ' ') {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
  }
  return options;
}

Result<LocalEngine::Matched> LocalEngine::MatchRows(
    TableStore* table, const std::string& qualifier, const sql::Expr* where,
    const sql::Expr* limit) {
  // UPDATE / DELETE change the rows as they are now, not as the
  // transaction's snapshot saw them (InnoDB's locking read).
  // Each row read is locked exclusively before it is read, so no other
  // transaction changes it between this read and the write.
  session_->SetCurrentRead(true);
  session_->SetReadLock(sql::LockMode::kUpdate, sql::LockWait::kWait);
  struct Restore {
    StoreSession* s;
    ~Restore() {
      s->SetReadLock(sql::LockMode::kNone, sql::LockWait::kWait);
      s->SetCurrentRead(false);
    }
  } restore{session_.get()};
  const plan::TableSchema& schema = table->schema();
  plan::LogicalNodePtr node = plan::MakeTableScan(&schema);
  if (where != nullptr) {
    plan::Scope scope;
    PrepareScope(&scope, nullptr);
    for (const auto& c : schema.columns)
      scope.Add({qualifier, c.name, c.type, false, &c});
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr pred,
                        plan::BindExpr(*where, scope, "where clause"));
    node = plan::MakeFilter(std::move(node), std::move(pred));
  }
  if (limit != nullptr) {
    XP_ASSIGN_OR_RETURN(uint64_t n, LimitNumber(*limit));
    node = plan::MakeLimit(std::move(node), n, 0);
  }
  // Every column stays: the rows are rewritten whole, identified by the
  // row ids the scan appends.
  plan::OptimizerOptions options = Options();
  options.disabled.push_back("projection_pruning");
  XP_RETURN_IF_ERROR(plan::Optimize(&node, options));
  XP_ASSIGN_OR_RETURN(OperatorPtr op,
                      Lower(*node, [table](const plan::LogicalNode& scan) {
                        return table->Scan(scan, /*row_ids=*/true);
                      }));
  Matched m;
  const size_t width = schema.columns.size();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
    if (b == nullptr) break;
    if (b->num_rows() == 0) continue;
    if (b->num_columns() != width + 1)
      return Status::Internal("scan without row ids");
    const Vector& ids = b->column(width);
    for (size_t i = 0; i < b->num_rows(); ++i)
      m.ids.emplace_back(ids.data<std::string_view>()[i]);
    m.batches.push_back(CopyOwned(*b));
  }
  return m;
}

Result<QueryResult> LocalEngine::Delete(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DeleteStatement&>(s);
  if (!d.order_by.empty()) return NotSupported("DELETE ... ORDER BY");
  XP_ASSIGN_OR_RETURN(TableStore * table, Table(d.table));
  XP_ASSIGN_OR_RETURN(Matched m,
                      MatchRows(table, d.alias.empty() ? d.table.name : d.alias,
                                d.where.get(), d.limit.get()));
  QueryResult r;
  if (m.ids.empty()) return r;
  const std::vector<plan::DataType> types = ColumnTypes(table->schema());
  std::vector<std::vector<plan::Value>> old;
  for (const Batch& b : m.batches) {
    for (size_t i = 0; i < b.num_rows(); ++i) {
      std::vector<plan::Value> row;
      for (size_t c = 0; c < types.size(); ++c)
        row.push_back(ValueAt(b.column(c), types[c], i));
      old.push_back(std::move(row));
    }
  }
  XP_RETURN_IF_ERROR(table->Delete(m.ids, old));
  r.rows_affected = m.ids.size();
  return r;
}

Result<QueryResult> LocalEngine::Update(const sql::Statement& s) {
  const auto& u = static_cast<const sql::UpdateStatement&>(s);
  if (u.table->kind != sql::TableRef::Kind::kTable)
    return NotSupported("multi-table UPDATE");
  if (!u.order_by.empty()) return NotSupported("UPDATE ... ORDER BY");
  const sql::TableRef& ref = *u.table;
  XP_ASSIGN_OR_RETURN(TableStore * table,
                      Table(sql::QualifiedName{ref.schema, ref.name}));
  const std::string qualifier = ref.alias.empty() ? ref.name : ref.alias;
  std::vector<SetItem> set;
  for (const auto& a : u.set) set.push_back({a.table, a.column, a.value.get()});
  // Assignments are bound before any row is read (unknown columns fail
  // even when nothing matches).
  XP_RETURN_IF_ERROR(
      UpdateRows(table, qualifier, set, Matched(), nullptr).status());
  XP_ASSIGN_OR_RETURN(
      Matched m, MatchRows(table, qualifier, u.where.get(), u.limit.get()));
  return UpdateRows(table, qualifier, set, m, nullptr);
}

Result<QueryResult> LocalEngine::UpdateRows(
    TableStore* table, const std::string& qualifier,
    const std::vector<SetItem>& set, const Matched& matched,
    const plan::Scope::Substitution& values_of) {
  const plan::TableSchema& schema = table->schema();
  // Assignments run left to right and later ones see earlier results (as
  // in MySQL), so each is evaluated over the partly updated rows.
  plan::Scope scope;
  PrepareScope(&scope, nullptr);
  for (const auto& c : schema.columns)
    scope.Add({qualifier, c.name, c.type, false, &c});
  if (values_of) {
    const plan::Scope::Substitution params = scope.substitution();
    scope.set_substitution(
        [values_of, params](const sql::Expr& e) -> Result<plan::BoundExprPtr> {
          XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b, values_of(e));
          if (b || !params) return b;
          return params(e);
        });
  }
  std::vector<int> targets;
  std::vector<plan::BoundExprPtr> values;
  for (const auto& a : set) {
    const int c = schema.FindColumn(a.column);
    if (c < 0 || (!a.table.empty() && a.table != qualifier)) {
      const std::string shown =
          a.table.empty() ? a.column : a.table + "." + a.column;
      return Status::SqlError(1054, "42S22",
                              "Unknown column '" + shown + "' in 'field list'");
    }
    targets.push_back(c);
    if (a.value->kind == sql::ExprKind::kDefault) {
      // MySQL sets a NOT NULL column without a default to its type's
      // implicit default here; NULL then fails the NOT NULL check.
      const auto& col = schema.columns[static_cast<size_t>(c)];
      if (col.default_now || col.default_value) {
        XP_ASSIGN_OR_RETURN(plan::BoundExprPtr d, plan::BindDefault(col));
        values.push_back(std::move(d));
      } else {
        values.push_back(plan::MakeConst(plan::Value(), col.type));
      }
      continue;
    }
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(*a.value, scope, "field list"));
    values.push_back(std::move(b));
  }
  const std::vector<plan::DataType> types = ColumnTypes(schema);
  std::vector<RowId> ids;
  std::vector<std::vector<plan::Value>> old_rows, new_rows;
  QueryResult r;
  size_t row = 0;
  StrictDivision strict(StrictDivisionByZero());
  for (const Batch& stored : matched.batches) {
    Batch work = CopyOwned(stored);
    const size_t n = work.num_rows();
    for (size_t k = 0; k < targets.size(); ++k) {
      ExpressionEvaluator eval(*values[k], n);
      XP_ASSIGN_OR_RETURN(const Vector* v, eval.Evaluate(work));
      const auto& col = schema.columns[static_cast<size_t>(targets[k])];
      std::vector<plan::Value> converted(n);
      for (size_t i = 0; i < n; ++i) {
        XP_SET_OR_RETURN(converted[i],
                         plan::ConvertValue(ValueAt(*v, values[k]->type, i),
                                            col.type, col.name));
        // Every store gets only rows its schema allows (strict mode).
        if (converted[i].index() == 0 && !col.nullable)
          return Status::SqlError(1048, "23000",
                                  "Column '" + col.name + "' cannot be null");
      }
      Vector& dst = work.column(static_cast<size_t>(targets[k]));
      for (size_t i = 0; i < n; ++i) PutValue(converted[i], i, &dst);
    }
    for (size_t i = 0; i < n; ++i, ++row) {
      std::vector<plan::Value> before, after;
      bool changed = false;
      for (size_t c = 0; c < types.size(); ++c) {
        after.push_back(ValueAt(work.column(c), types[c], i));
        before.push_back(ValueAt(stored.column(c), types[c], i));
        if (!plan::SameValue(after.back(), before.back())) changed = true;
      }
      if (!changed) continue;
      ids.push_back(matched.ids[row]);
      old_rows.push_back(std::move(before));
      new_rows.push_back(std::move(after));
    }
  }
  if (!ids.empty()) XP_RETURN_IF_ERROR(table->Update(ids, old_rows, new_rows));
  r.rows_affected = ids.size();
  return r;
}

namespace {

// ORDER BY (as sort keys over op's columns) and LIMIT / OFFSET of `q`.
Result<plan::LogicalNodePtr> SortAndLimit(plan::LogicalNodePtr node,
                                          std::vector<SortKey> keys,
                                          const sql::SelectStmt& q) {
  uint64_t limit = UINT64_MAX, offset = 0;
  if (q.limit) XP_SET_OR_RETURN(limit, LimitNumber(*q.limit));
  if (q.offset_expr) XP_SET_OR_RETURN(offset, LimitNumber(*q.offset_expr));
  if (!keys.empty()) {
    return plan::MakeSort(
        std::move(node), std::move(keys),
        q.limit ? std::optional<uint64_t>(limit) : std::nullopt, offset);
  }
  if (q.limit || q.offset_expr)
    return plan::MakeLimit(std::move(node), limit, offset);
  return node;
}

}  // namespace

Result<QueryResult> LocalEngine::CreateView(sql::StmtPtr s) {
  auto& v = static_cast<sql::CreateViewStatement&>(*s);
  const std::string db = v.view.schema.empty() ? database_ : v.view.schema;
  if (!store_->catalog().HasDatabase(db)) {
    return Status::SqlError(1049, "42000", "Unknown database '" + db + "'");
  }
  const std::string key = Key(db, v.view.name);
  if (store_->catalog().FindTable(db, v.view.name).ok() ||
      (store_->views().count(key) && !v.or_replace)) {
    return Status::SqlError(1050, "42S01",
                            "Table '" + v.view.name + "' already exists");
  }
  // Validate now, as MySQL does: names resolve and columns are distinct.
  SelectPlan owner;
  XP_RETURN_IF_ERROR(
      PlanDerived(*v.query, v.columns, v.view.name, &owner).status());
  XP_RETURN_IF_ERROR(store_->SaveView(key, &v));
  s.release();
  store_->views()[key] = std::shared_ptr<const sql::CreateViewStatement>(&v);
  return QueryResult();
}

Result<QueryResult> LocalEngine::DropView(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropViewStatement&>(s);
  for (const auto& v : d.views) {
    const std::string db = v.schema.empty() ? database_ : v.schema;
    if (store_->views().count(Key(db, v.name))) continue;
    if (store_->catalog().FindTable(db, v.name).ok()) {
      return Status::SqlError(1347, "HY000",
                              "'" + Key(db, v.name) + "' is not VIEW");
    }
    if (!d.if_exists) {
      return Status::SqlError(1051, "42S02",
                              "Unknown table '" + Key(db, v.name) + "'");
    }
  }
  for (const auto& v : d.views) {
    const std::string key =
        Key(v.schema.empty() ? database_ : v.schema, v.name);
    if (!store_->views().count(key)) continue;
    XP_RETURN_IF_ERROR(store_->SaveView(key, nullptr));
    store_->views().erase(key);
  }
  return QueryResult();
}

Result<LocalEngine::SelectPlan> LocalEngine::PlanSelect(
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
      return Status::SqlError(
          1116, "HY000",
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
            return Status::SqlError(
                1055, "42000",
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
        return Status::SqlError(1051, "42S02",
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
  op = plan::MakeProject(std::move(op), std::move(exprs));
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

Result<LocalEngine::SelectPlan> LocalEngine::PlanSetOp(
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
      return Status::SqlError(
          1222, "21000",
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
        return Status::SqlError(
            1054, "42S22", "Unknown column '" + e.text + "' in 'order clause'");
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

Result<LocalEngine::FromPlan> LocalEngine::PlanDerived(
    const sql::SelectStmt& query, const std::vector<std::string>& column_names,
    const std::string& alias, SelectPlan* owner) {
  XP_ASSIGN_OR_RETURN(SelectPlan sub, PlanSelect(query));
  if (!column_names.empty() && column_names.size() != sub.visible) {
    return Status::SqlError(1353, "HY000",
                            "In definition of view, derived table or "
                            "common table expression, SELECT list and "
                            "column names list have different column "
                            "counts");
  }
  FromPlan u;
  std::vector<plan::BoundExprPtr> cols;
  for (size_t i = 0; i < sub.visible; ++i) {
    const std::string& name =
        column_names.empty() ? sub.names[i] : column_names[i];
    for (const auto& c : u.columns) {
      if (c.name == name) {
        return Status::SqlError(1060, "42S21",
                                "Duplicate column name '" + name + "'");
      }
    }
    u.columns.push_back({alias, name, sub.types[i]});
    cols.push_back(plan::MakeColumn(static_cast<int>(i), sub.types[i]));
  }
  u.node = plan::MakeProject(std::move(sub.node), std::move(cols));
  return u;
}

Result<LocalEngine::FromPlan> LocalEngine::PlanJoinUnit(
    const sql::TableRef& ref, const std::shared_ptr<plan::OuterContext>& outer,
    SelectPlan* owner) {
  FromPlan u;
  switch (ref.kind) {
    case sql::TableRef::Kind::kTable: {
      if (ref.schema.empty()) {
        for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
          const sql::CommonTableExpr& cte = **it;
          if (!plan::NameEquals(cte.name, ref.name)) continue;
          // The CTE's own body sees only the CTEs before it.
          const std::vector<const sql::CommonTableExpr*> outer(
              ctes_.begin(), std::next(it).base());
          CteScope visible(this, outer);
          return PlanDerived(*cte.query, cte.columns,
                             ref.alias.empty() ? ref.name : ref.alias, owner);
        }
      }
      const std::string qualified =
          Key(ref.schema.empty() ? database_ : ref.schema, ref.name);
      auto view = store_->views().find(qualified);
      if (view != store_->views().end()) {
        auto v = PlanDerived(*view->second->query, view->second->columns,
                             ref.alias.empty() ? ref.name : ref.alias, owner);
        if (!v.ok() &&
            (v.status().sql_code() == 1146 || v.status().sql_code() == 1054)) {
          return Status::SqlError(
              1356, "HY000",
              "View '" + qualified +
                  "' references invalid table(s) or column(s) or function(s) "
                  "or definer/invoker of view lack rights to use them");
        }
        return v;
      }
      XP_ASSIGN_OR_RETURN(const plan::TableSchema* table,
                          Schema(sql::QualifiedName{ref.schema, ref.name}));
      const std::string qualifier = ref.alias.empty() ? ref.name : ref.alias;
      for (const auto& c : table->columns)
        u.columns.push_back({qualifier, c.name, c.type, false, &c});
      u.node = plan::MakeTableScan(table);
      return u;
    }
    case sql::TableRef::Kind::kSubquery:
      // A derived table: planned on its own (no outer names, like MySQL
      // without LATERAL).
      return PlanDerived(*ref.subquery, ref.column_aliases, ref.alias, owner);
    case sql::TableRef::Kind::kJoin:
      break;
  }
  if (ref.natural || !ref.using_columns.empty())
    return PlanUsingJoin(ref, outer, owner);
  if (ref.join != sql::JoinType::kLeft && ref.join != sql::JoinType::kRight)
    return PlanFrom(ref, {}, outer, owner);
  // An outer join: the preserved side probes, the other is built.
  const bool right = ref.join == sql::JoinType::kRight;
  XP_ASSIGN_OR_RETURN(FromPlan l, PlanJoinUnit(*ref.left, outer, owner));
  XP_ASSIGN_OR_RETURN(FromPlan r, PlanJoinUnit(*ref.right, outer, owner));
  FromPlan& keep = right ? r : l;
  FromPlan& other = right ? l : r;
  plan::Scope scope;
  PrepareScope(&scope, outer);
  for (const auto& c : keep.columns) scope.Add(c);
  for (const auto& c : other.columns) scope.Add(c);
  plan::BoundExprPtr on;
  if (ref.on) XP_SET_OR_RETURN(on, plan::BindExpr(*ref.on, scope, "on clause"));
  const size_t nk = keep.columns.size(), no = other.columns.size();
  plan::LogicalNodePtr join =
      plan::MakeJoin(std::move(keep.node), std::move(other.node),
                     JoinKind::kLeft, {}, {}, std::move(on));
  FromPlan out;
  out.columns = l.columns;
  for (const auto& c : r.columns) out.columns.push_back(c);
  if (right) {  // back to left-then-right column order
    std::vector<plan::BoundExprPtr> cols;
    for (size_t i = 0; i < no; ++i)
      cols.push_back(
          plan::MakeColumn(static_cast<int>(nk + i), out.columns[i].type));
    for (size_t i = 0; i < nk; ++i)
      cols.push_back(
          plan::MakeColumn(static_cast<int>(i), out.columns[no + i].type));
    join = plan::MakeProject(std::move(join), std::move(cols));
  }
  out.node = std::move(join);
  return out;
}

namespace {

// The one visible column of `columns` named `name`: 1054 when there is
// none, 1052 when there are several.
Result<int> UsingColumn(const std::vector<plan::ScopeColumn>& columns,
                        const std::string& name) {
  int found = -1;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].hidden || !plan::NameEquals(columns[i].name, name)) continue;
    if (found >= 0)
      return Status::SqlError(
          1052, "23000", "Column '" + name + "' in from clause is ambiguous");
    found = static_cast<int>(i);
  }
  if (found < 0)
    return Status::SqlError(1054, "42S22",
                            "Unknown column '" + name + "' in 'from clause'");
  return found;
}

}  // namespace

Result<LocalEngine::FromPlan> LocalEngine::PlanUsingJoin(
    const sql::TableRef& ref, const std::shared_ptr<plan::OuterContext>& outer,
    SelectPlan* owner) {
  XP_ASSIGN_OR_RETURN(FromPlan l, PlanJoinUnit(*ref.left, outer, owner));
  XP_ASSIGN_OR_RETURN(FromPlan r, PlanJoinUnit(*ref.right, outer, owner));
  // The common columns: NATURAL takes every visible name both sides have,
  // in the left side's order.
  std::vector<std::string> names = ref.using_columns;
  if (ref.natural) {
    for (const auto& c : l.columns) {
      if (c.hidden) continue;
      bool both = false;
      for (const auto& d : r.columns)
        both |= !d.hidden && plan::NameEquals(c.name, d.name);
      bool seen = false;
      for (const auto& n : names) seen |= plan::NameEquals(n, c.name);
      if (both && !seen) names.push_back(c.name);
    }
  }
  std::vector<int> li, ri;  // per common column: its position on each side
  for (const std::string& n : names) {
    XP_ASSIGN_OR_RETURN(int a, UsingColumn(l.columns, n));
    XP_ASSIGN_OR_RETURN(int b, UsingColumn(r.columns, n));
    for (int seen : li)
      if (seen == a)
        return Status::SqlError(1060, "42S21",
                                "Duplicate column name '" + n + "'");
    li.push_back(a);
    ri.push_back(b);
  }
  const bool right = ref.join == sql::JoinType::kRight;
  const bool outer_join = right || ref.join == sql::JoinType::kLeft;
  // Join output: the preserved side (the left one of an inner join), then
  // the other.
  FromPlan& keep = right ? r : l;
  FromPlan& other = right ? l : r;
  const std::vector<int>& ki = right ? ri : li;
  const std::vector<int>& oi = right ? li : ri;
  const size_t nk = keep.columns.size();
  std::vector<plan::BoundExprPtr> eqs;
  bool hashable = !ki.empty();
  for (size_t i = 0; i < ki.size(); ++i) {
    const auto& kt = keep.columns[static_cast<size_t>(ki[i])].type;
    const auto& ot = other.columns[static_cast<size_t>(oi[i])].type;
    hashable &= plan::HashJoinable(kt, ot);
    std::vector<plan::BoundExprPtr> pair;
    pair.push_back(plan::MakeColumn(ki[i], kt));
    pair.push_back(plan::MakeColumn(static_cast<int>(nk) + oi[i], ot));
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr eq,
                        plan::MakeCall(plan::ExprOp::kEq, std::move(pair)));
    eqs.push_back(std::move(eq));
  }
  plan::BoundExprPtr on;
  if (eqs.size() == 1) {
    on = std::move(eqs[0]);
  } else if (eqs.size() > 1) {
    XP_SET_OR_RETURN(on, plan::MakeCall(plan::ExprOp::kAnd, std::move(eqs)));
  }
  plan::LogicalNodePtr join;
  if (!outer_join && hashable) {
    join = plan::MakeJoin(std::move(keep.node), std::move(other.node),
                          JoinKind::kInner, ki, oi, nullptr);
  } else {
    join = plan::MakeJoin(std::move(keep.node), std::move(other.node),
                          outer_join ? JoinKind::kLeft : JoinKind::kInner, {},
                          {}, std::move(on));
  }
  // Output, as MySQL orders it: the common columns (from the preserved
  // side), then each side's columns in order with its common ones hidden
  // (t1.c and t1.* still reach them; * and c do not).
  auto at = [&](bool left_side, int i) {
    return static_cast<int>((left_side != right) ? i : nk + i);
  };
  auto common = [](const std::vector<int>& v, size_t i) {
    return std::find(v.begin(), v.end(), static_cast<int>(i)) != v.end();
  };
  FromPlan out;
  std::vector<plan::BoundExprPtr> cols;
  for (size_t i = 0; i < ki.size(); ++i) {
    const auto& c = keep.columns[static_cast<size_t>(ki[i])];
    cols.push_back(plan::MakeColumn(ki[i], c.type));
    out.columns.push_back({"", c.name, c.type});
  }
  for (int side = 0; side < 2; ++side) {
    const FromPlan& f = side == 0 ? l : r;
    const std::vector<int>& mine = side == 0 ? li : ri;
    for (size_t i = 0; i < f.columns.size(); ++i) {
      plan::ScopeColumn c = f.columns[i];
      c.hidden = c.hidden || common(mine, i);
      cols.push_back(
          plan::MakeColumn(at(side == 0, static_cast<int>(i)), c.type));
      out.columns.push_back(std::move(c));
    }
  }
  out.node = plan::MakeProject(std::move(join), std::move(cols));
  return out;
}

Result<LocalEngine::FromPlan> LocalEngine::PlanFrom(
    const sql::TableRef& ref, std::vector<const sql::Expr*> where,
    const std::shared_ptr<plan::OuterContext>& outer, SelectPlan* owner) {
  std::vector<const sql::TableRef*> unit_refs;
  std::vector<const sql::Expr*> on;
  FlattenInner(ref, &unit_refs, &on);
  // Plan each unit; the scope lists their columns in FROM order.
  std::vector<FromPlan> units;
  std::vector<size_t> first;  // unit -> its first column in the scope
  std::vector<int> unit_of;   // scope column -> unit
  plan::Scope scope;
  PrepareScope(&scope, outer);
  std::vector<std::string> qualifiers;
  for (const sql::TableRef* r : unit_refs) {
    XP_ASSIGN_OR_RETURN(FromPlan u, PlanJoinUnit(*r, outer, owner));
    if (r->kind != sql::TableRef::Kind::kJoin) {
      const std::string q = r->alias.empty() ? r->name : r->alias;
      for (const auto& seen : qualifiers) {
        if (seen == q) {
          return Status::SqlError(1066, "42000",
                                  "Not unique table/alias: '" + q + "'");
        }
      }
      qualifiers.push_back(q);
    }
    first.push_back(scope.columns().size());
    for (const auto& c : u.columns) {
      scope.Add(c);
      unit_of.push_back(static_cast<int>(units.size()));
    }
    units.push_back(std::move(u));
  }
  const size_t ncols = scope.columns().size();
  // Bind the conditions over the whole scope; note the units each reads.
  struct Conjunct {
    plan::BoundExprPtr expr;
    uint64_t units = 0;
    bool applied = false;
  };
  std::vector<Conjunct> conjuncts;
  auto add = [&](const sql::Expr* e, const char* clause) -> Status {
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(*e, scope, clause));
    std::vector<int> cols;
    plan::CollectColumns(*b, &cols);
    uint64_t mask = 0;
    for (int c : cols) mask |= uint64_t{1} << unit_of[static_cast<size_t>(c)];
    conjuncts.push_back(Conjunct{std::move(b), mask});
    return Status::OK();
  };
  for (const sql::Expr* e : on) XP_RETURN_IF_ERROR(add(e, "on clause"));
  for (const sql::Expr* e : where) XP_RETURN_IF_ERROR(add(e, "where clause"));
  // Conditions on one unit filter it before any join.
  for (size_t u = 0; u < units.size(); ++u) {
    std::vector<int> local(ncols, -1);
    for (size_t c = 0; c < units[u].columns.size(); ++c)
      local[first[u] + c] = static_cast<int>(c);
    for (auto& cj : conjuncts) {
      if (cj.applied || cj.units != (uint64_t{1} << u)) continue;
      plan::BoundExprPtr p = plan::Clone(*cj.expr);
      plan::RemapColumns(p.get(), local);
      units[u].node = plan::MakeFilter(std::move(units[u].node), std::move(p));
      cj.applied = true;
    }
  }
  // Greedy join order: start with the first unit; next take a unit joined
  // to what we have by equalities of columns (a hash join on them), else the
  // next unit in FROM order (a cross join).
  std::vector<int> pos(ncols, -1);  // scope column -> current output column
  uint64_t joined = 1;
  size_t width = units[0].columns.size();
  for (size_t c = 0; c < width; ++c) pos[c] = static_cast<int>(c);
  plan::LogicalNodePtr op = std::move(units[0].node);
  auto apply_ready = [&]() {
    for (auto& cj : conjuncts) {
      if (cj.applied || (cj.units & ~joined) != 0) continue;
      plan::BoundExprPtr p = plan::Clone(*cj.expr);
      plan::RemapColumns(p.get(), pos);
      op = plan::MakeFilter(std::move(op), std::move(p));
      cj.applied = true;
    }
  };
  apply_ready();
  // The join keys between the current set and unit u: (conjunct, side of
  // the current set, side of u).
  auto keys_to = [&](size_t u) {
    std::vector<std::pair<size_t, std::pair<int, int>>> keys;
    for (size_t k = 0; k < conjuncts.size(); ++k) {
      const auto& cj = conjuncts[k];
      if (cj.applied || cj.expr->op != plan::ExprOp::kEq) continue;
      const auto& a = *cj.expr->args[0];
      const auto& b = *cj.expr->args[1];
      if (a.op != plan::ExprOp::kColumn || b.op != plan::ExprOp::kColumn ||
          !plan::HashJoinable(a.type, b.type))
        continue;
      const uint64_t ua = uint64_t{1} << unit_of[static_cast<size_t>(a.column)];
      const uint64_t ub = uint64_t{1} << unit_of[static_cast<size_t>(b.column)];
      const uint64_t bit = uint64_t{1} << u;
      if ((ua & joined) && ub == bit) {
        keys.push_back({k, {a.column, b.column}});
      } else if ((ub & joined) && ua == bit) {
        keys.push_back({k, {b.column, a.column}});
      }
    }
    return keys;
  };
  for (size_t step = 1; step < units.size(); ++step) {
    size_t next = units.size();
    std::vector<std::pair<size_t, std::pair<int, int>>> keys;
    for (size_t u = 0; u < units.size() && next == units.size(); ++u) {
      if (joined & (uint64_t{1} << u)) continue;
      keys = keys_to(u);
      if (!keys.empty()) next = u;
    }
    if (next == units.size()) {  // nothing connected: cross join
      for (size_t u = 0; u < units.size(); ++u) {
        if (!(joined & (uint64_t{1} << u))) {
          next = u;
          break;
        }
      }
    }
    std::vector<int> probe_keys, build_keys;
    for (const auto& [k, cols] : keys) {
      probe_keys.push_back(pos[static_cast<size_t>(cols.first)]);
      build_keys.push_back(static_cast<int>(cols.second - first[next]));
      conjuncts[k].applied = true;
    }
    op = plan::MakeJoin(std::move(op), std::move(units[next].node),
                        JoinKind::kInner, std::move(probe_keys),
                        std::move(build_keys), nullptr);
    for (size_t c = 0; c < units[next].columns.size(); ++c)
      pos[first[next] + c] = static_cast<int>(width + c);
    width += units[next].columns.size();
    joined |= uint64_t{1} << next;
    apply_ready();
  }
  FromPlan out;
  bool identity = true;
  for (size_t c = 0; c < ncols; ++c) identity &= pos[c] == static_cast<int>(c);
  if (!identity) {
    std::vector<plan::BoundExprPtr> cols;
    for (size_t c = 0; c < ncols; ++c)
      cols.push_back(plan::MakeColumn(pos[c], scope.columns()[c].type));
    op = plan::MakeProject(std::move(op), std::move(cols));
  }
  out.node = std::move(op);
  out.columns = scope.columns();
  return out;
}

Result<OperatorPtr> LocalEngine::Scan(const plan::LogicalNode& scan) {
  if (scan.kind == plan::NodeKind::kRemote) return session_->Remote(scan);
  XP_ASSIGN_OR_RETURN(
      TableStore * table,
      Table(sql::QualifiedName{scan.table->database, scan.table->name}));
  return table->Scan(scan, /*row_ids=*/false);
}

Result<OperatorPtr> LocalEngine::Build(SelectPlan& plan) {
  XP_RETURN_IF_ERROR(plan::Optimize(&plan.node, Options()));
  const plan::Value& roundtrip = system_variables_.at("xp_plan_roundtrip");
  if (roundtrip.index() == 1 && std::get<int64_t>(roundtrip) != 0) {
    // Ship the plan to ourselves: IR -> bytes -> validated IR, which must
    // be the same plan (same EXPLAIN, same bytes again), and run that.
    // Plans holding a subquery expression are not shippable and run as
    // they are.
    Result<std::string> bytes = plan::Serialize(*plan.node);
    if (bytes.ok()) {
      XP_ASSIGN_OR_RETURN(plan::LogicalNodePtr decoded,
                          plan::Deserialize(*bytes, store_->catalog()));
      XP_ASSIGN_OR_RETURN(std::string again, plan::Serialize(*decoded));
      if (again != *bytes ||
          plan::Explain(*decoded) != plan::Explain(*plan.node)) {
        return Status::Internal("plan round trip changed the plan:\n" +
                                plan::Explain(*plan.node) + "\nbecame\n" +
                                plan::Explain(*decoded));
      }
      plan.node = std::move(decoded);
    } else if (bytes.status().sql_code() != 1235) {
      return bytes.status();
    }
  }
  XP_RETURN_IF_ERROR(session_->Distribute(&plan.node));
  return Lower(
      *plan.node, [this](const plan::LogicalNode& scan) { return Scan(scan); },
      profile_);
}

namespace {

// An EXPLAIN result: one row per line of `text`.
QueryResult ExplainResult(const std::string& text) {
  QueryResult r;
  r.names.push_back("EXPLAIN");
  r.types.push_back(plan::DataType::String());
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    r.rows.push_back({text.substr(start, end - start)});
    start = end + 1;
  }
  return r;
}

}  // namespace

Result<QueryResult> LocalEngine::Explain(const sql::Statement& s) {
  const auto& e = static_cast<const sql::ExplainStatement&>(s);
  if (e.analyze) return ExplainAnalyze(e);
  if (!e.format.empty() && e.format != "TREE")
    return NotSupported("EXPLAIN FORMAT=" + e.format);
  if (e.statement->kind != sql::StmtKind::kSelect)
    return NotSupported("EXPLAIN of " + sql::ToSql(*e.statement));
  XP_ASSIGN_OR_RETURN(
      SelectPlan plan,
      PlanSelect(
          *static_cast<const sql::SelectStatement&>(*e.statement).query));
  XP_RETURN_IF_ERROR(Build(plan).status());  // optimizes plan.node
  return ExplainResult(plan::Explain(*plan.node));
}

Result<QueryResult> LocalEngine::ExplainAnalyze(
    const sql::ExplainStatement& e) {
  if (e.statement->kind != sql::StmtKind::kSelect)
    return NotSupported("EXPLAIN ANALYZE of " + sql::ToSql(*e.statement));
  XP_ASSIGN_OR_RETURN(
      SelectPlan plan,
      PlanSelect(
          *static_cast<const sql::SelectStatement&>(*e.statement).query));
  OperatorProfile profile;
  session_->SetAnalyze(true);
  struct Off {
    StoreSession* s;
    ~Off() { s->SetAnalyze(false); }
  } off{session_.get()};
  profile_ = &profile;
  Result<OperatorPtr> built = Build(plan);
  profile_ = nullptr;
  XP_RETURN_IF_ERROR(built.status());
  // Runs the query to its end; the rows are dropped.
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, (*built)->Next());
    if (b == nullptr) break;
  }
  const std::string text =
      plan::Explain(*plan.node, [&](const plan::LogicalNode& n) -> std::string {
        auto it = profile.nodes.find(&n);
        if (it == profile.nodes.end()) return "";  // inside a fragment
        char buf[96];
        std::snprintf(buf, sizeof(buf), "  (actual rows=%llu time=%.3f ms)",
                      static_cast<unsigned long long>(it->second.rows),
                      static_cast<double>(it->second.nanos) / 1e6);
        std::string out = buf;
        if (n.kind == plan::NodeKind::kRemote) {
          const std::string more = session_->Analysis(n);
          if (!more.empty()) out += "\n" + more;
        }
        return out;
      });
  return ExplainResult(text);
}

Result<QueryResult> LocalEngine::Select(const sql::SelectStmt& q) {
  XP_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(q));
  QueryResult result;
  result.names = plan.names;
  result.types = plan.types;
  const size_t visible = plan.visible;
  XP_ASSIGN_OR_RETURN(OperatorPtr built, Build(plan));
  Operator* op = built.get();
  if (sink_ != nullptr) {
    XP_RETURN_IF_ERROR(sink_->Columns(result.names, result.types));
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      if (b->num_rows() == 0) continue;
      streamed_rows_ += static_cast<int64_t>(b->num_rows());
      XP_RETURN_IF_ERROR(sink_->Rows(*b, visible));
    }
    return result;
  }
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
