// The point-get fast path (sql_session.h, CachedPointGet): prepared point
// reads by a whole primary or unique key skip parsing, binding and the
// optimizer after their first execution.

#include <charconv>
#include <shared_mutex>

#include "plan/session/session_internal.h"
#include "plan/sql/lexer.h"

namespace xp::session {

namespace {

// WHERE `col = ?` [AND ...] (either side), nothing else.
bool KeyEqualities(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kBinary) return false;
  if (e.bop == sql::BinaryOp::kAnd) {
    for (const auto& a : e.args)
      if (!KeyEqualities(*a)) return false;
    return true;
  }
  if (e.bop != sql::BinaryOp::kEq || e.args.size() != 2) return false;
  const sql::ExprKind l = e.args[0]->kind, r = e.args[1]->kind;
  return (l == sql::ExprKind::kColumn && r == sql::ExprKind::kParam) ||
         (l == sql::ExprKind::kParam && r == sql::ExprKind::kColumn);
}

// The placeholder and the column of one bound equality.
const plan::BoundExpr* ParamOf(const plan::BoundExpr& eq) {
  for (const auto& a : eq.args)
    if (a->op == plan::ExprOp::kConst && a->param >= 0) return a.get();
  return nullptr;
}
const plan::BoundExpr* ColumnOf(const plan::BoundExpr& eq) {
  for (const auto& a : eq.args)
    if (a->op == plan::ExprOp::kColumn) return a.get();
  return nullptr;
}

// Every placeholder constant in `e` takes its value from `params`.
void SetParams(plan::BoundExpr* e, const std::vector<plan::Value>& params) {
  std::vector<plan::BoundExpr*> todo{e};
  while (!todo.empty()) {
    plan::BoundExpr* x = todo.back();
    todo.pop_back();
    if (x->op == plan::ExprOp::kConst && x->param >= 0)
      x->value = params[static_cast<size_t>(x->param)];
    for (auto& a : x->args) todo.push_back(a.get());
  }
}

}  // namespace

bool SqlSession::PointGetCandidate(const sql::Statement& stmt) {
  if (stmt.kind != sql::StmtKind::kSelect || stmt.param_count == 0)
    return false;
  const sql::SelectStmt& q =
      *static_cast<const sql::SelectStatement&>(stmt).query;
  if (q.kind != sql::SelectStmt::Kind::kSelect || !q.with.empty() ||
      q.distinct || q.calc_found_rows || !q.from ||
      q.from->kind != sql::TableRef::Kind::kTable || !q.where ||
      !q.group_by.empty() || q.having || !q.order_by.empty() || q.limit ||
      q.offset_expr || q.lock != sql::LockMode::kNone)
    return false;
  for (const sql::SelectItem& item : q.items) {
    if (item.expr->kind != sql::ExprKind::kColumn &&
        item.expr->kind != sql::ExprKind::kStar)
      return false;
  }
  return KeyEqualities(*q.where);
}

void SqlSession::CapturePointGet(const plan::LogicalNode& root) {
  CachedPointGet& entry = *point_get_capture_;
  point_get_capture_ = nullptr;  // one plan per statement
  // Project (columns only) <- Filter <- Get by one whole key.
  if (root.kind != plan::NodeKind::kProject || root.children.size() != 1)
    return;
  for (const auto& e : root.exprs)
    if (e->op != plan::ExprOp::kColumn) return;
  const plan::LogicalNode& filter = *root.children[0];
  if (filter.kind != plan::NodeKind::kFilter || filter.children.size() != 1)
    return;
  const plan::LogicalNode& get = *filter.children[0];
  if (get.kind != plan::NodeKind::kGet || get.keys.size() != 1 ||
      get.table == nullptr || get.index < 0)
    return;
  const plan::IndexSchema& index =
      get.table->indexes[static_cast<size_t>(get.index)];
  if (!(index.primary || index.unique) ||
      get.keys[0].size() != index.columns.size())
    return;
  // The filter is the equalities, each a key column and a placeholder.
  std::vector<const plan::BoundExpr*> eqs;
  if (filter.predicate->op == plan::ExprOp::kAnd) {
    for (const auto& a : filter.predicate->args) eqs.push_back(a.get());
  } else {
    eqs.push_back(filter.predicate.get());
  }
  if (params_ == nullptr || eqs.size() != params_->size()) return;
  std::vector<int> key_params(index.columns.size(), -1);
  std::vector<bool> seen(params_->size(), false);
  for (const plan::BoundExpr* eq : eqs) {
    if (eq->op != plan::ExprOp::kEq || eq->args.size() != 2) return;
    const plan::BoundExpr* param = ParamOf(*eq);
    const plan::BoundExpr* column = ColumnOf(*eq);
    if (param == nullptr || column == nullptr) return;
    const size_t p = static_cast<size_t>(param->param);
    if (p >= seen.size() || seen[p]) return;
    seen[p] = true;
    const int table_column = get.columns[static_cast<size_t>(column->column)];
    for (size_t k = 0; k < index.columns.size(); ++k) {
      if (index.columns[k] != table_column) continue;
      const plan::DataType& t =
          get.table->columns[static_cast<size_t>(table_column)].type;
      // The key the optimizer took must be this placeholder's (the rule
      // a later execution applies to its own value).
      std::optional<plan::Value> key = plan::KeyConstant(*param, t);
      if (!key || !plan::SameValue(*key, get.keys[0][k])) return;
      key_params[k] = param->param;
    }
  }
  for (int p : key_params)
    if (p < 0) return;
  entry.key_params = std::move(key_params);
  entry.ddl_epoch = store_->ddl_epoch();
  auto project = plan::CopyNodeAlone(root);
  auto f = plan::CopyNodeAlone(filter);
  f->children.push_back(plan::CopyNodeAlone(get));
  project->children.push_back(std::move(f));
  entry.node = std::move(project);
}

plan::LogicalNodePtr SqlSession::PointGetPlan(
    const CachedPointGet& entry, const std::vector<plan::Value>& params) {
  const plan::LogicalNode& filter = *entry.node->children[0];
  const plan::LogicalNode& get = *filter.children[0];
  const plan::IndexSchema& index =
      get.table->indexes[static_cast<size_t>(get.index)];
  std::vector<plan::Value> key(entry.key_params.size());
  for (size_t k = 0; k < key.size(); ++k) {
    // As the optimizer would take the value (a placeholder of the same
    // kind, so bound to the same type): nothing when it would not.
    plan::BoundExpr c;
    c.op = plan::ExprOp::kConst;
    c.value = params[static_cast<size_t>(entry.key_params[k])];
    c.type = plan::TypeOfValue(c.value);
    const plan::DataType& t =
        get.table->columns[static_cast<size_t>(index.columns[k])].type;
    std::optional<plan::Value> v = plan::KeyConstant(c, t);
    if (!v) return nullptr;
    key[k] = std::move(*v);
  }
  auto project = plan::CopyNodeAlone(*entry.node);
  auto f = plan::CopyNodeAlone(filter);
  SetParams(f->predicate.get(), params);
  auto g = plan::CopyNodeAlone(get);
  g->keys[0] = std::move(key);
  f->children.push_back(std::move(g));
  project->children.push_back(std::move(f));
  return project;
}

std::optional<Result<QueryResult>> SqlSession::ExecuteCachedPointGet(
    std::string_view text, const std::vector<plan::Value>& params,
    ResultSink* sink) {
  auto it = point_gets_.find(text);
  if (it == point_gets_.end()) return std::nullopt;
  // Column privileges are checked where the binder resolves each column,
  // which the cached plan skips: such accounts plan every statement.
  if (const exec::Account* a = Privileges(); a && !a->columns.empty())
    return std::nullopt;
  const CachedPointGet& e = it->second;
  if (e.database != database_ || e.kinds.size() != params.size())
    return std::nullopt;
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].index() != e.kinds[i] || params[i].index() == 0)
      return std::nullopt;
  SelectPlan plan;
  {
    // The entry's table stays as it was planned while no DDL ran.
    std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
    if (store_->ddl_epoch() != e.ddl_epoch) {
      point_gets_.erase(it);
      return std::nullopt;
    }
    plan.node = PointGetPlan(e, params);
  }
  if (!plan.node) return std::nullopt;
  plan.names = e.names;
  plan.types = e.types;
  plan.visible = e.visible;
  point_get_plan_ = std::move(plan);
  point_get_epoch_ = e.ddl_epoch;
  // A SELECT statement without its text: Select() takes the plan.
  auto stmt = std::make_unique<sql::SelectStatement>();
  stmt->param_count = static_cast<uint32_t>(params.size());
  stmt->query = std::make_unique<sql::SelectStmt>();
  ++point_get_hits_;
  Result<QueryResult> r = Execute(std::move(stmt), params, sink);
  point_get_plan_.reset();
  return r;
}

Result<QueryResult> SqlSession::ExecuteAndCapturePointGet(
    std::string_view text, sql::StmtPtr stmt,
    const std::vector<plan::Value>& params, ResultSink* sink) {
  CachedPointGet entry;
  entry.database = database_;
  point_get_capture_ = &entry;
  Result<QueryResult> r = Execute(std::move(stmt), params, sink);
  point_get_capture_ = nullptr;
  ++point_get_misses_;
  if (!r.ok() || !entry.node || entry.database != database_) return r;
  entry.names = r->names;
  entry.types = r->types;
  entry.visible = r->names.size();
  for (const plan::Value& v : params) entry.kinds.push_back(v.index());
  if (point_gets_.size() >= kPointGetEntries) point_gets_.clear();
  point_gets_.insert_or_assign(std::string(text), std::move(entry));
  return r;
}

namespace {

// `sql` with its integer and plain string literals as placeholders, their
// values in *params; false when it has none, has a placeholder already,
// or is no SELECT (nothing else is a point read).
bool NormalForm(std::string_view sql, std::string* form,
                std::vector<plan::Value>* params) {
  size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos || sql.size() - start < 6 ||
      !plan::NameEquals(sql.substr(start, 6), "SELECT"))
    return false;
  Result<std::vector<sql::Token>> tokens = sql::Tokenize(sql);
  if (!tokens.ok()) return false;
  size_t copied = 0;
  const sql::Token* prev = nullptr;
  for (const sql::Token& t : *tokens) {
    if (t.Is(sql::TokenKind::kParam)) return false;
    // A literal with an introducer (_utf8mb4'x', N'x') stays as written.
    const bool introduced =
        prev != nullptr && !t.space_before && prev->Is(sql::TokenKind::kIdent);
    std::optional<plan::Value> v;
    if (t.Is(sql::TokenKind::kInteger) && !introduced) {
      int64_t n = 0;
      const auto r =
          std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
      if (r.ec == std::errc() && r.ptr == t.text.data() + t.text.size())
        v = plan::Value(n);
    } else if (t.Is(sql::TokenKind::kString) && !introduced) {
      v = plan::Value(t.value);
    }
    prev = &t;
    if (!v) continue;
    form->append(sql.substr(copied, t.offset - copied));
    form->push_back('?');
    copied = t.offset + t.text.size();
    params->push_back(std::move(*v));
  }
  form->append(sql.substr(copied));
  return !params->empty();
}

}  // namespace

std::optional<Result<QueryResult>> SqlSession::ExecuteCachedText(
    std::string_view sql, ResultSink* sink) {
  if (sql.size() > kPointGetTextBytes) return std::nullopt;
  std::string form;
  std::vector<plan::Value> params;
  if (!NormalForm(sql, &form, &params)) return std::nullopt;
  std::optional<Result<QueryResult>> cached =
      ExecuteCachedPointGet(form, params, sink);
  if (cached) return cached;
  if (not_point_gets_.count(form) > 0) return std::nullopt;
  Result<sql::StmtPtr> stmt = sql::Parse(form);
  if (!stmt.ok() || !PointGetCandidate(**stmt)) {
    if (not_point_gets_.size() >= kPointGetEntries) not_point_gets_.clear();
    not_point_gets_.insert(std::move(form));
    return std::nullopt;
  }
  return ExecuteAndCapturePointGet(form, std::move(*stmt), params, sink);
}

}  // namespace xp::session
