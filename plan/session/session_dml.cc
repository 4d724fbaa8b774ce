// SqlSession: INSERT, UPDATE and DELETE on the engine's own path (row at
// a time through TableStore).

#include <algorithm>

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

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

// REPLACE's removal of the rows a new row collides with (their foreign
// keys act as on DELETE).
using RemoveRows = std::function<Status(
    std::vector<RowId> ids, std::vector<std::vector<plan::Value>> old)>;

// One row of INSERT / INSERT IGNORE / REPLACE, counted as MySQL does (a
// REPLACE that removes n rows affects n + 1; an ignored duplicate, 0);
// *inserted: the row itself went in.
Status InsertRow(TableStore* table, const sql::InsertStatement& ins,
                 const std::vector<int>& columns,
                 const std::vector<plan::Value>& values, QueryResult* r,
                 const OnDuplicate& on_duplicate, const RemoveRows& remove,
                 bool* inserted) {
  for (;;) {
    uint64_t id = 0;
    std::vector<RowId> conflicts;
    Status st = table->Insert(columns, values, &id, &conflicts);
    if (st.ok()) {
      *inserted = true;
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
    r->rows_affected += conflicts.size();
    XP_RETURN_IF_ERROR(remove(std::move(conflicts), std::move(old)));
  }
}

}  // namespace

Result<QueryResult> SqlSession::Insert(const sql::Statement& s) {
  const auto& ins = static_cast<const sql::InsertStatement&>(s);
  XP_ASSIGN_OR_RETURN(TableStore * table, Table(ins.table));
  return InsertRows(ins, table);
}

Result<QueryResult> SqlSession::InsertRows(const sql::InsertStatement& ins,
                                           TableStore* table) {
  const plan::TableSchema& schema = table->schema();
  XP_ASSIGN_OR_RETURN(std::vector<int> positions, InsertColumns(ins, schema));
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
        return SqlError(
            ER_BAD_FIELD_ERROR,
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
  RemoveRows remove = [&](std::vector<RowId> ids,
                          std::vector<std::vector<plan::Value>> old) {
    return DeleteRows(table, std::move(ids), std::move(old), 0);
  };
  // The rows written, whole, for the foreign keys' check at the end (so a
  // row may reference one the same statement inserts after it).
  const bool check_parents = !schema.foreign_keys.empty() && ForeignKeyChecks();
  std::vector<std::vector<plan::Value>> written;
  auto insert = [&](const std::vector<int>& columns,
                    const std::vector<plan::Value>& values) -> Status {
    bool inserted = false;
    XP_RETURN_IF_ERROR(InsertRow(table, ins, columns, values, &r, on_duplicate,
                                 remove, &inserted));
    // A row that updated (ON DUPLICATE KEY) or was skipped (IGNORE) instead
    // is not checked as inserted (the update checks what it changes).
    if (check_parents && inserted) {
      XP_ASSIGN_OR_RETURN(std::vector<plan::Value> row,
                          InsertedRow(schema, columns, values));
      written.push_back(std::move(row));
    }
    return Status::OK();
  };
  if (ins.select) {
    // Materialise the source first: it may read the target table.
    XP_ASSIGN_OR_RETURN(SelectPlan plan, PlanSelect(*ins.select));
    const size_t want =
        positions.empty() ? schema.columns.size() : positions.size();
    if (plan.visible != want) {
      return SqlError(ER_WRONG_VALUE_COUNT_ON_ROW,
                      "Column count doesn't match value count at row 1");
    }
    XP_ASSIGN_OR_RETURN(OperatorPtr op, Build(plan));
    StrictDivision strict(StrictDivisionByZero());
    std::vector<std::vector<plan::Value>> rows;
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      for (size_t i = 0; i < b->num_rows(); ++i) {
        std::vector<plan::Value> row;
        // As a statement gives values (temporals as text): the store
        // converts them to the target columns.
        for (size_t c = 0; c < plan.visible; ++c) {
          row.push_back(exec::InputValue(
              ValueAt(b->column(c), plan.types[c], i), plan.types[c]));
        }
        rows.push_back(std::move(row));
      }
    }
    // Columns left out that default to CURRENT_TIMESTAMP get the
    // statement's time (as EvaluateRow gives VALUES rows).
    std::vector<int> columns = positions;
    std::vector<plan::Value> now_values;
    for (size_t c = 0; c < schema.columns.size() && !positions.empty(); ++c) {
      if (!schema.columns[c].default_now ||
          std::find(positions.begin(), positions.end(), static_cast<int>(c)) !=
              positions.end())
        continue;
      columns.push_back(static_cast<int>(c));
      now_values.push_back(
          exec::InputValue(plan::CurrentTimestamp(), schema.columns[c].type));
    }
    for (auto& row : rows) {
      row.insert(row.end(), now_values.begin(), now_values.end());
      XP_RETURN_IF_ERROR(insert(columns, row));
    }
    XP_ASSIGN_OR_RETURN(std::optional<uint64_t> affected,
                        table->FinishInserts());
    if (affected) r.rows_affected = *affected;
    XP_RETURN_IF_ERROR(CheckParentRows(schema, written, nullptr));
    return r;
  }
  plan::Scope no_columns;
  PrepareScope(&no_columns, nullptr);
  no_columns.set_default_table(&schema);
  StrictDivision strict(StrictDivisionByZero());
  size_t row_number = 0;
  for (const auto& row : ins.rows) {
    XP_ASSIGN_OR_RETURN(
        plan::InsertRow image,
        EvaluateRow(row, positions, schema, no_columns, ++row_number));
    std::vector<int> cols;
    std::vector<plan::Value> values;
    for (size_t c = 0; c < image.size(); ++c) {
      if (!image[c]) continue;  // the column default
      cols.push_back(static_cast<int>(c));
      values.push_back(std::move(*image[c]));
    }
    XP_RETURN_IF_ERROR(insert(cols, values));
  }
  XP_ASSIGN_OR_RETURN(std::optional<uint64_t> affected, table->FinishInserts());
  if (affected) r.rows_affected = *affected;
  XP_RETURN_IF_ERROR(CheckParentRows(schema, written, nullptr));
  return r;
}

Result<std::vector<int>> SqlSession::InsertColumns(
    const sql::InsertStatement& ins, const plan::TableSchema& schema) {
  std::vector<int> positions;
  std::vector<bool> seen(schema.columns.size(), false);
  for (const auto& name : ins.columns) {
    const int p = schema.FindColumn(name);
    if (p < 0) {
      return SqlError(ER_BAD_FIELD_ERROR,
                      "Unknown column '" + name + "' in 'field list'");
    }
    if (seen[static_cast<size_t>(p)])
      return SqlError(ER_FIELD_SPECIFIED_TWICE,
                      "Column '" + name + "' specified twice");
    seen[static_cast<size_t>(p)] = true;
    positions.push_back(p);
  }
  return positions;
}

Result<plan::InsertRow> SqlSession::EvaluateRow(
    const std::vector<sql::ExprPtr>& row, const std::vector<int>& positions,
    const plan::TableSchema& schema, const plan::Scope& scope,
    size_t row_number) {
  const size_t want =
      positions.empty() ? schema.columns.size() : positions.size();
  // VALUES (): every column its default (with or without "()" as the
  // column list).
  if (row.size() != want && !(row.empty() && positions.empty())) {
    return SqlError(ER_WRONG_VALUE_COUNT_ON_ROW,
                    "Column count doesn't match value count at row " +
                        std::to_string(row_number));
  }
  plan::InsertRow image(schema.columns.size());
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i]->kind == sql::ExprKind::kDefault) continue;
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b, plan::BindExpr(*row[i], scope));
    XP_ASSIGN_OR_RETURN(plan::Value v, EvalToStore(*b));
    image[positions.empty() ? i : static_cast<size_t>(positions[i])] =
        std::move(v);
  }
  // DEFAULT CURRENT_TIMESTAMP is the statement's time, taken here: the
  // stores (and the data nodes a compute node routes rows to) keep only
  // constant defaults.
  for (size_t c = 0; c < image.size(); ++c) {
    if (image[c] || !schema.columns[c].default_now) continue;
    image[c] =
        exec::InputValue(plan::CurrentTimestamp(), schema.columns[c].type);
  }
  return image;
}

Result<plan::WriteNode> SqlSession::BindWrite(const sql::Statement& s) {
  plan::WriteNode w;
  if (s.kind == sql::StmtKind::kInsert) {
    const auto& ins = static_cast<const sql::InsertStatement&>(s);
    XP_ASSIGN_OR_RETURN(w.table, Schema(ins.table));
    w.kind = plan::WriteKind::kInsert;
    w.ignore = ins.ignore;
    w.replace = ins.replace;
    w.on_duplicate = !ins.on_duplicate.empty();
    w.from_query = ins.select != nullptr;
    XP_ASSIGN_OR_RETURN(std::vector<int> positions,
                        InsertColumns(ins, *w.table));
    plan::Scope no_columns;
    PrepareScope(&no_columns, nullptr);
    no_columns.set_default_table(w.table);
    StrictDivision strict(StrictDivisionByZero());
    size_t row_number = 0;
    for (const auto& row : ins.rows) {
      XP_ASSIGN_OR_RETURN(
          plan::InsertRow image,
          EvaluateRow(row, positions, *w.table, no_columns, ++row_number));
      w.rows.push_back(std::move(image));
    }
    return w;
  }
  const sql::Expr* where = nullptr;
  const sql::Expr* limit = nullptr;
  std::string qualifier;
  if (s.kind == sql::StmtKind::kUpdate) {
    const auto& u = static_cast<const sql::UpdateStatement&>(s);
    if (u.table->kind != sql::TableRef::Kind::kTable)
      return NotSupported("multi-table UPDATE");
    XP_ASSIGN_OR_RETURN(
        w.table, Schema(sql::QualifiedName{u.table->schema, u.table->name}));
    w.kind = plan::WriteKind::kUpdate;
    qualifier = u.table->alias.empty() ? u.table->name : u.table->alias;
    for (const auto& a : u.set) {
      const int c = w.table->FindColumn(a.column);
      if (c < 0 || (!a.table.empty() && a.table != qualifier)) {
        const std::string shown =
            a.table.empty() ? a.column : a.table + "." + a.column;
        return SqlError(ER_BAD_FIELD_ERROR,
                        "Unknown column '" + shown + "' in 'field list'");
      }
      w.targets.push_back(c);
    }
    where = u.where.get();
    limit = u.limit.get();
    w.ordered = !u.order_by.empty();
  } else {
    const auto& d = static_cast<const sql::DeleteStatement&>(s);
    XP_ASSIGN_OR_RETURN(w.table, Schema(d.table));
    w.kind = plan::WriteKind::kDelete;
    qualifier = d.alias.empty() ? d.table.name : d.alias;
    where = d.where.get();
    limit = d.limit.get();
    w.ordered = !d.order_by.empty();
  }
  // A subquery stays unbound: the store decides whether it can run one.
  if (!sql::HasSubquery(where)) {
    XP_ASSIGN_OR_RETURN(w.source, MatchPlan(*w.table, qualifier, where, limit));
  }
  return w;
}

plan::OptimizerOptions SqlSession::Options() const {
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

Result<SqlSession::Matched> SqlSession::MatchRows(TableStore* table,
                                                  const std::string& qualifier,
                                                  const sql::Expr* where,
                                                  const sql::Expr* limit) {
  // UPDATE / DELETE change the rows as they are now, not as the
  // transaction's snapshot saw them (InnoDB's locking read): each row read
  // is locked exclusively before it is read, so no other transaction
  // changes it between this read and the write.
  XP_ASSIGN_OR_RETURN(plan::LogicalNodePtr node,
                      MatchPlan(table->schema(), qualifier, where, limit));
  Matched m;
  XP_RETURN_IF_ERROR(ReadLocked(table, *node, sql::LockMode::kUpdate, &m));
  return m;
}

Status SqlSession::ReadLocked(TableStore* table, const plan::LogicalNode& node,
                              sql::LockMode lock, Matched* out) {
  session_->SetCurrentRead(true);
  session_->SetReadLock(lock, sql::LockWait::kWait);
  struct Restore {
    StoreSession* s;
    ~Restore() {
      s->SetReadLock(sql::LockMode::kNone, sql::LockWait::kWait);
      s->SetCurrentRead(false);
    }
  } restore{session_.get()};
  XP_ASSIGN_OR_RETURN(OperatorPtr op,
                      Lower(node, [table](const plan::LogicalNode& scan) {
                        return table->Scan(scan, /*row_ids=*/true);
                      }));
  const size_t width = table->schema().columns.size();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
    if (b == nullptr) break;
    if (b->num_rows() == 0) continue;
    if (b->num_columns() != width + 1)
      return Status::Internal("scan without row ids");
    const Vector& ids = b->column(width);
    for (size_t i = 0; i < b->num_rows(); ++i)
      out->ids.emplace_back(ids.data<std::string_view>()[i]);
    out->batches.push_back(CopyOwned(*b));
  }
  return Status::OK();
}

Result<plan::LogicalNodePtr> SqlSession::MatchPlan(
    const plan::TableSchema& schema, const std::string& qualifier,
    const sql::Expr* where, const sql::Expr* limit) {
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
    XP_ASSIGN_OR_RETURN(uint64_t n, LimitNumber(*limit, params_));
    node = plan::MakeLimit(std::move(node), n, 0);
  }
  // Every column stays: the rows are rewritten whole, identified by the
  // row ids the scan appends.
  plan::OptimizerOptions options = Options();
  options.disabled.push_back("projection_pruning");
  XP_RETURN_IF_ERROR(plan::Optimize(&node, options));
  return node;
}

Result<QueryResult> SqlSession::Delete(const sql::Statement& s) {
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
  r.rows_affected = m.ids.size();
  XP_RETURN_IF_ERROR(DeleteRows(table, std::move(m.ids), std::move(old), 0));
  return r;
}

Result<QueryResult> SqlSession::Update(const sql::Statement& s) {
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

Result<QueryResult> SqlSession::UpdateRows(
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
      return SqlError(ER_BAD_FIELD_ERROR,
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
  // ON UPDATE CURRENT_TIMESTAMP columns the statement does not assign:
  // the statement's time in every row it changes.
  std::vector<std::pair<size_t, plan::Value>> stamped;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const plan::ColumnSchema& col = schema.columns[c];
    if (!col.on_update_now || std::find(targets.begin(), targets.end(),
                                        static_cast<int>(c)) != targets.end())
      continue;
    stamped.emplace_back(c, plan::CurrentTimestamp());
  }
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
        XP_SET_OR_RETURN(
            converted[i],
            plan::ConvertValue(exec::InputValue(ValueAt(*v, values[k]->type, i),
                                                values[k]->type),
                               col.type, col.name));
        // Every store gets only rows its schema allows (strict mode).
        if (converted[i].index() == 0 && !col.nullable)
          return SqlError(ER_BAD_NULL_ERROR,
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
      for (const auto& [c, v] : stamped) after[c] = v;
      ids.push_back(matched.ids[row]);
      old_rows.push_back(std::move(before));
      new_rows.push_back(std::move(after));
    }
  }
  r.rows_affected = ids.size();
  XP_RETURN_IF_ERROR(WriteUpdate(table, std::move(ids), std::move(old_rows),
                                 std::move(new_rows), 0));
  return r;
}

}  // namespace xp::session
