#include "plan/session/sql_session.h"

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

SqlSession::SqlSession() : SqlSession(nullptr) {}

void SqlSession::set_memory_budget(size_t bytes) {
  system_variables_["xp_statement_memory_limit"] =
      plan::Value(static_cast<int64_t>(bytes));
}

int64_t SqlSession::IntegerVariable(const std::string& name,
                                    int64_t fallback) const {
  auto it = system_variables_.find(name);
  if (it == system_variables_.end()) return fallback;
  const int64_t* i = std::get_if<int64_t>(&it->second);
  return i != nullptr ? *i : fallback;
}

size_t SqlSession::StatementMemoryLimit() const {
  const plan::Value& v = system_variables_.at("xp_statement_memory_limit");
  const int64_t* i = std::get_if<int64_t>(&v);
  return i != nullptr && *i > 0 ? static_cast<size_t>(*i) : 0;
}

// The session's destructor rolls back an open transaction; then the
// tables it used are free for DDL.
std::unique_lock<std::shared_mutex> SqlSession::ExclusiveDdl() {
  // Counted while waiting: a statement that holds the lock shared while it
  // waits for a table lock gives way (TableLocks::WaitUsable).
  ++store_->ddl_waiting();
  std::unique_lock<std::shared_mutex> lock(store_->ddl_mutex());
  --store_->ddl_waiting();
  return lock;
}

SqlSession::~SqlSession() {
  session_.reset();
  ReleaseMetadataLocks();
  UnlockTables();
}

void SqlSession::ReleaseMetadataLocks() {
  if (held_tables_.empty()) return;
  store_->metadata_locks().Release(this);
  held_tables_.clear();
}

const plan::TableSchema* SqlSession::FindTable(
    const sql::QualifiedName& name) const {
  Result<const plan::TableSchema*> t = store_->catalog().FindTable(
      name.schema.empty() ? database_ : name.schema, name.name);
  return t.ok() ? *t : nullptr;
}

void SqlSession::NoteTable(const plan::TableSchema& t) {
  // Only a transaction holds tables past its statement: autocommit
  // statements (the point-read hot path) record nothing.
  if (session_->in_transaction()) used_tables_.emplace_back(t.database, t.name);
}

void SqlSession::NoteTable(const sql::QualifiedName& name) {
  if (const plan::TableSchema* t = FindTable(name)) NoteTable(*t);
}

Status SqlSession::WaitForMetadataLocks(
    const sql::Statement& s, std::unique_lock<std::shared_mutex>* ddl) {
  std::vector<MetadataLocks::Table> tables;
  std::vector<std::string> databases;
  auto table = [&](const sql::QualifiedName& n) {
    if (const plan::TableSchema* t = FindTable(n))
      tables.emplace_back(t->database, t->name);
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
    case sql::StmtKind::kRenameTable:
      for (const auto& [from, to] :
           static_cast<const sql::RenameTableStatement&>(s).renames)
        table(from);
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
      return SqlError(ER_LOCK_WAIT_TIMEOUT,
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

Status SqlSession::SetDatabase(const std::string& name) {
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  sql::UseStatement use;
  use.database = name;
  XP_RETURN_IF_ERROR(CheckStatement(use));
  if (!store_->catalog().HasDatabase(name))
    return SqlError(ER_BAD_DB_ERROR, "Unknown database '" + name + "'");
  database_ = name;
  return Status::OK();
}

SqlSession::SqlSession(Store* store) : store_(store) {
  if (store_ == nullptr) {
    owned_store_ = std::make_unique<MemoryStore>();
    store_ = owned_store_.get();
    (void)store_->CreateDatabase(database_, true);
  }
  session_ = store_->NewSession();
  system_variables_ = DefaultVariables();
}

Result<QueryResult> SqlSession::Trigger(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TriggerStatement&>(s);
  const std::string key = plan::QualifiedKey(
      t.trigger.schema.empty() ? database_ : t.trigger.schema, t.trigger.name);
  if (s.kind == sql::StmtKind::kDropTrigger) {
    if (store_->triggers().erase(key) == 0 && !t.if_exists)
      return SqlError(ER_TRG_DOES_NOT_EXIST, "Trigger does not exist");
    return QueryResult();
  }
  if (!t.empty_body) return NotSupported("triggers with a body");
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* table, Schema(t.table));
  if (store_->triggers().count(key)) {
    if (t.if_exists) return QueryResult();  // IF NOT EXISTS
    return SqlError(ER_TRG_ALREADY_EXISTS, "Trigger already exists");
  }
  store_->triggers()[key] = plan::QualifiedKey(table->database, table->name);
  return QueryResult();
}

Result<const plan::TableSchema*> SqlSession::Schema(
    const sql::QualifiedName& name) {
  const std::string db = name.schema.empty() ? database_ : name.schema;
  if (store_->views().count(plan::QualifiedKey(db, name.name)))
    return NotSupported("writing through a view");
  Result<const plan::TableSchema*> t =
      store_->catalog().FindTable(db, name.name);
  if (!t.ok()) return t;
  NoteTable(**t);
  if (!locked_tables_.empty() || store_->table_locks().any())
    XP_RETURN_IF_ERROR(TableLockFor(**t, /*write=*/false));
  return t;
}

Result<TableStore*> SqlSession::Table(const sql::QualifiedName& name) {
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* schema, Schema(name));
  return session_->Table(*schema);
}

bool SqlSession::in_transaction() const { return session_->in_transaction(); }

void SqlSession::CancelRunning() {
  MutexLock lock(&running_mu_);
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
    case sql::StmtKind::kRenameTable:
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

bool IsAccountStatement(sql::StmtKind k) {
  switch (k) {
    case sql::StmtKind::kCreateUser:
    case sql::StmtKind::kDropUser:
    case sql::StmtKind::kAlterUser:
    case sql::StmtKind::kRenameUser:
    case sql::StmtKind::kSetPassword:
    case sql::StmtKind::kGrant:
    case sql::StmtKind::kRevoke:
    case sql::StmtKind::kCreateRole:
    case sql::StmtKind::kDropRole:
    case sql::StmtKind::kSetDefaultRole:
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

Result<QueryResult> SqlSession::Execute(std::string_view sql_text) {
  static const std::vector<plan::Value> kNone;
  return Execute(sql_text, kNone, nullptr);
}

Result<QueryResult> SqlSession::Execute(std::string_view sql_text,
                                        const std::vector<plan::Value>& params,
                                        ResultSink* sink) {
  if (!params.empty()) {
    // A point read planned before: no parse, bind or optimizer.
    std::optional<Result<QueryResult>> cached =
        ExecuteCachedPointGet(sql_text, params, sink);
    if (cached) return std::move(*cached);
  }
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(sql_text));
  if (sql_text.size() <= kPointGetTextBytes && PointGetCandidate(*stmt))
    return ExecuteAndCapturePointGet(sql_text, std::move(stmt), params, sink);
  return Execute(std::move(stmt), params, sink);
}

Result<QueryResult> SqlSession::Execute(sql::StmtPtr stmt,
                                        const std::vector<plan::Value>& params,
                                        ResultSink* sink) {
  if (stmt->param_count != params.size()) {
    return SqlError(ER_WRONG_ARGUMENTS,
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
    MutexLock lock(&running_mu_);
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
    XP_RETURN_IF_ERROR(CheckStatement(*stmt));
    if (kind == sql::StmtKind::kTransaction) return Transaction(*stmt);
    if (kind == sql::StmtKind::kXa) return Xa(*stmt);
    if (kind == sql::StmtKind::kCreateTable &&
        static_cast<const sql::CreateTableStatement&>(*stmt).as_select)
      return CreateTableAsSelect(std::move(stmt), params);
    if (kind == sql::StmtKind::kLockTables ||
        kind == sql::StmtKind::kUnlockTables)
      return LockTables(*stmt);
    if (kind == sql::StmtKind::kSetRole)
      return SetRole(static_cast<const sql::AccountStatement&>(*stmt));
    if (IsAccountStatement(kind)) {
      // Account statements commit the open transaction first and run alone
      // (their catalog entries are written in order with DDL's).
      if (session_->in_transaction()) XP_RETURN_IF_ERROR(session_->Commit());
      ReleaseMetadataLocks();
      std::unique_lock<std::shared_mutex> lock = ExclusiveDdl();
      return AccountStatement(*stmt);
    }
    if (IsDdl(kind)) {
      // DDL commits the open transaction first (implicit commit) and runs
      // alone.
      if (session_->in_transaction()) XP_RETURN_IF_ERROR(session_->Commit());
      ReleaseMetadataLocks();
      std::unique_lock<std::shared_mutex> lock = ExclusiveDdl();
      XP_RETURN_IF_ERROR(WaitForMetadataLocks(*stmt, &lock));
      store_->BumpDdlEpoch();  // cached plans are planned again
      Result<QueryResult> done = ExecuteStatement(std::move(stmt));
      // And what a session cached while the DDL ran (its own checks read
      // the catalog half way) is not kept either.
      store_->BumpDdlEpoch();
      return done;
    }
    // START TRANSACTION READ ONLY: no writes until it ends (MySQL's
    // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION).
    if (((read_only_txn_ && session_->in_transaction()) ||
         read_only_session_) &&
        (kind == sql::StmtKind::kInsert || kind == sql::StmtKind::kUpdate ||
         kind == sql::StmtKind::kDelete))
      return SqlError(ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION,
                      "Cannot execute statement in a READ ONLY transaction.");
    return InStatement([&]() -> Result<QueryResult> {
      return RunStatement(std::move(stmt), params);
    });
  }();
  params_ = nullptr;
  sink_ = nullptr;
  {
    MutexLock lock(&running_mu_);
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
    // LAST_INSERT_ID(): the first AUTO_INCREMENT value the last INSERT
    // that made one made (unchanged by statements that made none).
    if (r->last_insert_id != 0) last_insert_id_ = r->last_insert_id;
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

Result<StatementShape> SqlSession::Describe(std::string_view sql_text) {
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt, sql::Parse(sql_text));
  StatementShape shape;
  shape.params = stmt->param_count;
  if (stmt->kind != sql::StmtKind::kSelect) return shape;
  const std::vector<plan::Value> nulls(stmt->param_count);
  QueryContext ctx(StatementMemoryLimit());
  QueryContext::Bind bind(&ctx);
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex());
  params_ = &nulls;
  describing_ = true;
  Result<SelectPlan> plan =
      PlanSelect(*static_cast<const sql::SelectStatement&>(*stmt).query);
  describing_ = false;
  params_ = nullptr;
  XP_RETURN_IF_ERROR(plan.status());
  shape.names = plan->names;
  shape.types = plan->types;
  return shape;
}

Result<QueryResult> SqlSession::RunStatement(
    sql::StmtPtr stmt, const std::vector<plan::Value>& params) {
  const sql::StmtKind kind = stmt->kind;
  if (kind == sql::StmtKind::kInsert || kind == sql::StmtKind::kUpdate ||
      kind == sql::StmtKind::kDelete) {
    // The tables it writes, for the metadata locks (a store that takes the
    // statement whole does not bind them here).
    XP_RETURN_IF_ERROR(CheckWriteTargets(*stmt));
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
    // Foreign keys: the statement's reads and writes hold together, and
    // UPDATE / DELETE take the engine's path, which sees each row (an
    // INSERT may still be routed whole: its rows are checked after).
    const sql::QualifiedName* target = nullptr;
    if (kind == sql::StmtKind::kInsert) {
      target = &static_cast<const sql::InsertStatement&>(*stmt).table;
    } else if (kind == sql::StmtKind::kDelete) {
      target = &static_cast<const sql::DeleteStatement&>(*stmt).table;
    }
    sql::QualifiedName updated;
    if (kind == sql::StmtKind::kUpdate) {
      const sql::TableRef& ref =
          *static_cast<const sql::UpdateStatement&>(*stmt).table;
      if (ref.kind == sql::TableRef::Kind::kTable) {
        updated = sql::QualifiedName{ref.schema, ref.name};
        target = &updated;
      }
    }
    const plan::TableSchema* written =
        target != nullptr ? FindTable(*target) : nullptr;
    if (written != nullptr &&
        (!locked_tables_.empty() || store_->table_locks().any()))
      XP_RETURN_IF_ERROR(TableLockFor(*written, /*write=*/true));
    const bool foreign_keys = written != nullptr && HasForeignKeyWork(*written);
    if (foreign_keys && session_->remote() != nullptr &&
        kind == sql::StmtKind::kInsert)
      XP_RETURN_IF_ERROR(RoutedInsertKeepsKeys(
          static_cast<const sql::InsertStatement&>(*stmt), *written));
    if (foreign_keys) XP_RETURN_IF_ERROR(session_->AtomicStatement());
    bool handled = false;
    QueryResult pushed;
    exec::RemoteExecution* remote = session_->remote();
    if (remote != nullptr &&
        (!foreign_keys || kind == sql::StmtKind::kInsert)) {
      XP_ASSIGN_OR_RETURN(plan::WriteNode write, BindWrite(*stmt));
      // The rows an INSERT gives, for their references (the router takes
      // them).
      std::vector<plan::InsertRow> images;
      if (foreign_keys && !written->foreign_keys.empty()) images = write.rows;
      XP_RETURN_IF_ERROR(remote->RouteWrite(write, *stmt, params, &handled,
                                            &pushed.rows_affected,
                                            &pushed.last_insert_id));
      if (handled && !images.empty()) {
        std::vector<std::vector<plan::Value>> rows;
        for (const plan::InsertRow& image : images) {
          std::vector<int> cols;
          std::vector<plan::Value> values;
          for (size_t c = 0; c < image.size(); ++c) {
            if (!image[c]) continue;
            cols.push_back(static_cast<int>(c));
            values.push_back(*image[c]);
          }
          XP_ASSIGN_OR_RETURN(std::vector<plan::Value> row,
                              InsertedRow(*written, cols, values));
          rows.push_back(std::move(row));
        }
        XP_RETURN_IF_ERROR(CheckParentRows(*written, rows, nullptr));
      }
    }
    if (handled) return pushed;
  }
  return ExecuteStatement(std::move(stmt));
}

Result<QueryResult> SqlSession::CreateTableAsSelect(
    sql::StmtPtr stmt, const std::vector<plan::Value>& params) {
  auto& c = static_cast<sql::CreateTableStatement&>(*stmt);
  if (!c.columns.empty() || !c.indexes.empty())
    return NotSupported("CREATE TABLE ... (definitions) AS SELECT");
  if (session_->in_transaction()) XP_RETURN_IF_ERROR(session_->Commit());
  const std::string db = c.table.schema.empty() ? database_ : c.table.schema;
  {
    // The table's columns are the query's, as MySQL types them.
    std::unique_lock<std::shared_mutex> lock = ExclusiveDdl();
    if (store_->catalog().FindTable(db, c.table.name).ok()) {
      if (c.if_not_exists) return QueryResult();
      return SqlError(ER_TABLE_EXISTS_ERROR,
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
        return SqlError(ER_DUP_FIELDNAME,
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
    std::unique_lock<std::shared_mutex> lock = ExclusiveDdl();
    (void)store_->DropTable(db, c.table.name);
  }
  return r;
}

Result<QueryResult> SqlSession::InStatement(
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
      return SqlError(ER_OUT_OF_RESOURCES,
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

Result<QueryResult> SqlSession::ExecutePlan(
    const Xp::Plan::Node& plan, const std::vector<plan::Value>& params,
    ResultSink* sink) {
  QueryContext ctx(StatementMemoryLimit());
  ctx.set_interrupt(interrupt_);
  ctx.set_collect_access_paths(collect_paths_);
  QueryContext::Bind bind(&ctx);
  {
    MutexLock lock(&running_mu_);
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
    MutexLock lock(&running_mu_);
    running_ = nullptr;
  }
  if (!session_->in_transaction()) ReleaseMetadataLocks();
  last_stats_ = std::move(ctx.stats());
  return r;
}

Result<std::string> SqlSession::PlanBytes(std::string_view select) {
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

Result<QueryResult> SqlSession::Transaction(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TransactionStatement&>(s);
  switch (t.op) {
    case sql::TransactionStatement::Op::kBegin:
      UnlockTables();  // as MySQL: a transaction ends LOCK TABLES
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
      // autocommit = 0: a SAVEPOINT opens the transaction like any other
      // statement (it may be the first: SQLAlchemy's begin_nested()).
      if (!Autocommit() && !session_->in_transaction()) {
        read_only_txn_ = false;
        XP_RETURN_IF_ERROR(session_->Begin());
      }
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

Result<QueryResult> SqlSession::Xa(const sql::Statement& s) {
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

Result<QueryResult> SqlSession::ExecuteStatement(sql::StmtPtr stmt) {
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
    case sql::StmtKind::kRenameTable:
      return RenameTable(*stmt);
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
    case sql::StmtKind::kFlush:
      return QueryResult();  // nothing is cached that needs flushing
    case sql::StmtKind::kUse: {
      const auto& u = static_cast<const sql::UseStatement&>(*stmt);
      if (!store_->catalog().HasDatabase(u.database)) {
        return SqlError(ER_BAD_DB_ERROR,
                        "Unknown database '" + u.database + "'");
      }
      database_ = u.database;
      return QueryResult();
    }
    default:
      return NotSupported(sql::ToSql(*stmt));
  }
}

}  // namespace xp::session
