#include "dn/x_handler.h"

#include <glog/logging.h>

#include <algorithm>
#include <chrono>
#include <shared_mutex>

#include "codec/sql_errors.h"
#include "codec/xrow.h"
#include "dn/admin_commands.h"
#include "plan/exec/chunk.h"
#include "plan/exec/x_result.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "plan/sql/parser.h"
#include "plan/types/temporal.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/values.h"

namespace xp::dn {

namespace {

using Col = Mysqlx::Resultset::ColumnMetaData;

// The per-session engine (destroyed on Session.Reset / close, which rolls
// back an open transaction).
struct EngineData : Session::Data {
  explicit EngineData(SqlStore* store) : engine(store) {}
  session::SqlSession engine;
};

// What an ExecPlan / ExecSql request asks of its reply.
struct RunOptions {
  bool chunks = false;    // RESULTSET_CHUNK instead of Row messages
  bool feedback = false;  // execution feedback in FetchDone
  bool compact = false;   // ColumnMetaData without names
  bool chunk_lz4 = true;  // chunk bodies LZ4-compressed where it pays
  bool require_transaction = false;
  bool begin = false;
  sql::LockMode lock = sql::LockMode::kNone;  // TxnContext.lock
  sql::LockWait lock_wait = sql::LockWait::kWait;
  std::string hint;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

// Streams a result set as X Protocol messages: Row messages, or one
// RESULTSET_CHUNK per batch (`chunks`; plan/exec/chunk.h, LZ4 where it
// pays).
class XSink : public session::ResultSink {
 public:
  explicit XSink(Reply& reply, const RunOptions& opts = {})
      : reply_(reply),
        chunks_(opts.chunks),
        lz4_(opts.chunk_lz4),
        compact_(opts.compact) {}

  Status Columns(const std::vector<std::string>& names,
                 const std::vector<plan::DataType>& types) override {
    types_ = types;
    for (size_t i = 0; i < names.size(); ++i) {
      Col c = exec::ColumnMetaDataFor(names[i], types[i]);
      if (compact_) {
        c.clear_name();
        c.clear_original_name();
        c.clear_catalog();
      }
      reply_.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, c);
    }
    sent_ = true;
    return Status::OK();
  }

  Status Rows(const exec::Batch& b, size_t visible) override {
    rows_ += b.num_rows();
    if (chunks_) {
      field_.clear();
      exec::EncodeChunk(b, visible, lz4_, &field_);
      reply_.writer()->Append(ServerMsg::RESULTSET_CHUNK, field_,
                              reply_.session_id());
      reply_.MaybeFlush();
      return Status::OK();
    }
    RowWriter row(reply_.writer(), reply_.session_id());
    for (size_t i = 0; i < b.num_rows(); ++i) {
      row.Begin();
      for (size_t c = 0; c < visible; ++c) {
        const exec::Vector& v = b.column(c);
        if (v.IsNull(i)) {
          row.Null();
          continue;
        }
        field_.clear();
        XP_RETURN_IF_ERROR(exec::EncodeXCell(v, types_[c], i, &field_));
        row.Field(field_);
      }
      row.End();
      // Flow control and streaming at a finer grain than a batch.
      if ((i & 127) == 127) {
        reply_.MaybeFlush();
        XP_RETURN_IF_ERROR(exec::CheckCancelled());  // a kill while paused
      }
    }
    reply_.MaybeFlush();
    return Status::OK();
  }

  bool sent() const { return sent_; }
  uint64_t rows() const { return rows_; }

 private:
  Reply& reply_;
  const bool chunks_;
  const bool lz4_;
  const bool compact_;
  std::vector<plan::DataType> types_;
  std::string field_;
  bool sent_ = false;
  uint64_t rows_ = 0;
};

Result<plan::Value> ArgValue(const Scalar& s, int /*position*/) {
  switch (s.type()) {
    case Scalar::V_SINT:
      return plan::Value(static_cast<int64_t>(s.v_signed_int()));
    case Scalar::V_UINT:
      return plan::Value(static_cast<uint64_t>(s.v_unsigned_int()));
    case Scalar::V_BOOL:
      return plan::Value(int64_t{s.v_bool() ? 1 : 0});
    case Scalar::V_DOUBLE:
      return plan::Value(s.v_double());
    case Scalar::V_FLOAT:
      return plan::Value(static_cast<double>(s.v_float()));
    case Scalar::V_STRING:
      return plan::Value(s.v_string().value());
    case Scalar::V_OCTETS:
      return plan::Value(s.v_octets().value());
    case Scalar::V_NULL:
      return plan::Value();
  }
  return SqlError(ER_X_BAD_ARGUMENT, "Unknown argument type");
}

Result<plan::Value> ArgValue(const Any& a, int position) {
  if (a.type() != Any::SCALAR) {
    return SqlError(ER_X_BAD_ARGUMENT, "Argument " + std::to_string(position) +
                                           " must be a scalar");
  }
  return ArgValue(a.scalar(), position);
}

void StateNotice(Reply& reply,
                 Mysqlx::Notice::SessionStateChanged::Parameter param,
                 uint64_t value) {
  Mysqlx::Notice::SessionStateChanged ch;
  ch.set_param(param);
  *ch.add_value() = ScalarUint(value);
  reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, ch);
}

}  // namespace

Any PlanCapability() {
  std::vector<Any> ops, exprs, funcs, aggs;
  for (const char* n : {"Values", "TableScan", "Get", "RangeScan", "Filter",
                        "Project", "Aggregate", "Sort", "TopN", "Limit",
                        "HashJoin", "NestedLoopJoin", "UnionAll"})
    ops.push_back(AnyString(n));
  for (const char* n :
       {"+",        "-",    "*",   "/",    "DIV",     "%",           "NEG",
        "=",        "<>",   "<",   "<=",   ">",       ">=",          "<=>",
        "AND",      "OR",   "XOR", "NOT",  "IS NULL", "IS NOT NULL", "CASE",
        "COALESCE", "CAST", "ABS", "LIKE", "IN",      "BETWEEN"})
    exprs.push_back(AnyString(n));
  for (const char* n : {"CONCAT",  "SUBSTRING", "LENGTH",    "CHAR_LENGTH",
                        "UPPER",   "LOWER",     "TRIM",      "LTRIM",
                        "RTRIM",   "REPLACE",   "LEFT",      "RIGHT",
                        "LOCATE",  "ROUND",     "TRUNCATE",  "FLOOR",
                        "CEIL",    "POWER",     "SQRT",      "SIGN",
                        "EXTRACT", "DATE_ADD",  "DATEDIFF",  "REVERSE",
                        "REPEAT",  "LPAD",      "RPAD",      "SUBSTRING_INDEX",
                        "HEX",     "UNHEX",     "TO_BASE64", "FROM_BASE64",
                        "MD5",     "SHA1",      "SHA2",      "CRC32"})
    funcs.push_back(AnyString(n));
  for (const char* n : {"COUNT", "COUNT DISTINCT", "SUM", "AVG", "MIN", "MAX",
                        "ANY_VALUE", "GROUP_CONCAT"})
    aggs.push_back(AnyString(n));
  return AnyObject({{"format_version", AnyUint(plan::kPlanFormatVersion)},
                    {"operators", AnyArray(ops)},
                    {"expressions", AnyArray(exprs)},
                    {"functions", AnyArray(funcs)},
                    {"aggregates", AnyArray(aggs)},
                    {"chunk_result", AnyBool(true)},
                    {"chunk_format", AnyUint(2)},
                    {"exec_sql", AnyBool(true)},
                    {"flow_control", AnyBool(true)},
                    {"plan_cache", AnyBool(true)}});
}

session::SqlSession* SqlDispatcher::EngineFor(Session& session, Reply& reply) {
  auto& data = session.data();
  if (!data) {
    auto fresh = std::make_unique<EngineData>(store_);
    if (!session.schema().empty()) {
      Status st = fresh->engine.SetDatabase(session.schema());
      if (!st.ok()) {
        reply.Error(st.sql_code(), st.sql_state(), st.message());
        return nullptr;
      }
    }
    data = std::move(fresh);
  }
  return &static_cast<EngineData&>(*data).engine;
}

namespace {

// The reply to a statement or plan that ran (or failed); `stats` and
// `opts` add execution feedback to FetchDone when asked for.
void Finish(const Result<session::QueryResult>& r, const XSink& sink,
            Reply& reply, const exec::ExecStats* stats = nullptr,
            const RunOptions* opts = nullptr) {
  if (!r.ok()) {
    const Status& st = r.status();
    if (opts != nullptr && !opts->hint.empty()) {
      LOG(WARNING) << "request [" << opts->hint
                   << "] failed: " << st.ToString();
    }
    if (st.code() == Status::Code::kSqlError) {
      reply.Error(st.sql_code(), st.sql_state(), st.message());
    } else {
      reply.Error(ER_UNKNOWN_ERROR, st.ToString());
    }
    return;
  }
  if (sink.sent()) {
    Mysqlx::Resultset::FetchDone done;
    if (opts != nullptr && opts->feedback && stats != nullptr) {
      done.set_rows_examined(stats->rows_examined);
      for (const auto& p : stats->access_paths) done.add_index_used(p);
      done.set_exec_time_us(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - opts->start)
              .count()));
      done.set_rows_sent(sink.rows());
    }
    reply.Send(ServerMsg::RESULTSET_FETCH_DONE, done);
  }
  if (r->last_insert_id != 0) {
    StateNotice(reply, Mysqlx::Notice::SessionStateChanged::GENERATED_INSERT_ID,
                r->last_insert_id);
  }
  if (!sink.sent()) {
    StateNotice(reply, Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED,
                r->rows_affected);
  }
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

// Scalars as plan values; false (after answering) when one is not.
template <class Args>
bool ArgValues(const Args& args, Reply& reply, std::vector<plan::Value>* out) {
  int i = 0;
  for (const auto& a : args) {
    Result<plan::Value> v = ArgValue(a, ++i);
    if (!v.ok()) {
      reply.Error(v.status().sql_code(), v.status().sql_state(),
                  v.status().message());
      return false;
    }
    out->push_back(std::move(*v));
  }
  return true;
}

}  // namespace

namespace {

// Whether any expression of `q` (select list, WHERE, GROUP BY, HAVING,
// ORDER BY, LIMIT) holds a subquery.
bool HasSubquery(const sql::SelectStmt& q) {
  for (const auto& item : q.items)
    if (sql::HasSubquery(item.expr.get())) return true;
  for (const auto& g : q.group_by)
    if (sql::HasSubquery(g.get())) return true;
  for (const auto& o : q.order_by)
    if (sql::HasSubquery(o.expr.get())) return true;
  return sql::HasSubquery(q.where.get()) || sql::HasSubquery(q.having.get()) ||
         sql::HasSubquery(q.limit.get()) ||
         sql::HasSubquery(q.offset_expr.get());
}

// The columns WHERE's top-level AND fixes to a constant or placeholder
// (col = value or value = col), as written.
void FixedColumns(const sql::Expr* where, std::vector<std::string_view>* out) {
  std::vector<const sql::Expr*> todo{where};
  while (!todo.empty()) {
    const sql::Expr* e = todo.back();
    todo.pop_back();
    if (e == nullptr || e->kind != sql::ExprKind::kBinary) continue;
    if (e->bop == sql::BinaryOp::kAnd) {
      for (const auto& a : e->args) todo.push_back(a.get());
      continue;
    }
    if (e->bop != sql::BinaryOp::kEq || e->args.size() != 2) continue;
    const sql::Expr* col = e->args[0].get();
    const sql::Expr* val = e->args[1].get();
    if (col->kind != sql::ExprKind::kColumn) std::swap(col, val);
    if (col->kind == sql::ExprKind::kColumn &&
        (val->kind == sql::ExprKind::kLiteral ||
         val->kind == sql::ExprKind::kParam))
      out->push_back(col->text);
  }
}

}  // namespace

// A read this thread answers itself: a SELECT without FROM, or of one table
// whose WHERE fixes every column of its primary key or of a unique key (at
// most one row), with no subquery and no locking. Anything else may scan
// for long or wait for locks, so a worker runs it (killable, and the I/O
// thread goes on serving its other connections).
bool SqlDispatcher::IsPointSelect(const sql::Statement& stmt,
                                  const std::string& database) {
  if (stmt.kind != sql::StmtKind::kSelect) return false;
  const sql::SelectStmt& q =
      *static_cast<const sql::SelectStatement&>(stmt).query;
  if (q.kind != sql::SelectStmt::Kind::kSelect || !q.with.empty() ||
      q.lock != sql::LockMode::kNone || HasSubquery(q))
    return false;
  if (q.from == nullptr) return true;
  if (q.from->kind != sql::TableRef::Kind::kTable) return false;
  // A DDL running now holds the catalog: then a worker decides.
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex(),
                                           std::try_to_lock);
  if (!lock.owns_lock()) return false;
  Result<const plan::TableSchema*> t = store_->catalog().FindTable(
      q.from->schema.empty() ? database : q.from->schema, q.from->name);
  if (!t.ok()) return false;  // a view, or an error the worker reports
  std::vector<std::string_view> fixed;
  FixedColumns(q.where.get(), &fixed);
  for (const plan::IndexSchema& idx : (*t)->indexes) {
    if (!idx.primary && !idx.unique) continue;
    bool all = !idx.columns.empty();
    for (int c : idx.columns) {
      const std::string& name = (*t)->columns[static_cast<size_t>(c)].name;
      all = all &&
            std::any_of(fixed.begin(), fixed.end(), [&](std::string_view f) {
              return plan::NameEquals(f, name);
            });
    }
    if (all) return true;
  }
  return false;
}

// Statements the I/O thread answers itself: point reads, and session
// statements that neither read tables nor wait for locks (transaction and
// XA control, SET without a subquery). Everything else — writes, DDL
// (which may wait for metadata locks), EXPLAIN, SHOW and USE (which wait
// while a DDL holds the catalog), any scan — may take long, so a worker
// runs it. A statement that does not parse is answered here with its
// error.
bool SqlDispatcher::RunsInline(const sql::Statement& stmt,
                               const std::string& database) {
  switch (stmt.kind) {
    case sql::StmtKind::kSelect:
      return IsPointSelect(stmt, database);
    case sql::StmtKind::kTransaction:
    case sql::StmtKind::kXa:
      return true;
    case sql::StmtKind::kSet:
      for (const auto& item : static_cast<const sql::SetStatement&>(stmt).items)
        if (sql::HasSubquery(item.value.get())) return false;
      return true;
    default:
      return false;
  }
}

void SqlDispatcher::Dispatch(Session& session, uint8_t type,
                             std::string_view payload, Reply& reply) {
  if (type == ClientMsg::EXEC_PLAN_READ)
    return ExecPlan(session, payload, reply);
  if (type == ClientMsg::EXEC_SQL) return ExecSql(session, payload, reply);
  Mysqlx::Sql::StmtExecute stmt;
  if (!ReadSqlStatement(type, payload, reply, &stmt, /*admin=*/true)) return;
  if (stmt.namespace_() == kAdminNamespace)
    return RunAdminCommand(store_->storage(), stmt, reply);
  std::vector<plan::Value> params;
  if (!ArgValues(stmt.args(), reply, &params)) return;
  // Parsed here, once: what the statement is decides where it runs.
  std::shared_ptr<sql::StmtPtr> parsed;
  bool background = false;
  Result<sql::StmtPtr> p = sql::Parse(stmt.stmt());
  if (p.ok()) {
    session::SqlSession* engine = EngineFor(session, reply);
    if (engine == nullptr) return;
    background = !RunsInline(**p, engine->current_database());
    parsed = std::make_shared<sql::StmtPtr>(std::move(*p));
  }
  auto run = [this, &session, parsed, text = std::move(*stmt.mutable_stmt()),
              params = std::move(params)](Reply& r) {
    session::SqlSession* engine = EngineFor(session, r);
    if (engine == nullptr) return;
    engine->set_interrupt(r.cancel_flag());
    XSink sink(r);
    Result<session::QueryResult> out =
        parsed ? engine->Execute(std::move(*parsed), params, &sink)
               : engine->Execute(text, params, &sink);
    engine->set_interrupt(nullptr);
    Finish(out, sink, r);
  };
  // Statements that may wait for row locks (up to the lock wait timeout)
  // or scan for long run on a worker thread: the connection's I/O thread
  // serves other connections meanwhile, among them the one holding the
  // lock, and a kill reaches them. Point reads and session statements stay
  // here (no thread hand-off).
  if (background) {
    reply.Background(0, std::move(run));
  } else {
    run(reply);
  }
}

namespace {

// The options ExecPlan and ExecSql share (same field names).
template <class Req>
RunOptions OptionsOf(const Req& req) {
  RunOptions o;
  o.chunks = req.chunk_result();
  o.chunk_lz4 = !req.chunk_raw();
  o.feedback = req.feedback();
  o.compact = req.compact_metadata();
  o.require_transaction = req.txn().require_transaction();
  o.begin = req.txn().begin();
  using Txn = Xp::Plan::TxnContext;
  o.lock = req.txn().lock() == Txn::UPDATE  ? sql::LockMode::kUpdate
           : req.txn().lock() == Txn::SHARE ? sql::LockMode::kShare
                                            : sql::LockMode::kNone;
  o.lock_wait = req.txn().lock_wait() == Txn::NOWAIT ? sql::LockWait::kNowait
                : req.txn().lock_wait() == Txn::SKIP_LOCKED
                    ? sql::LockWait::kSkipLocked
                    : sql::LockWait::kWait;
  return o;
}

// Runs `run` (a plan or a statement) on the session's engine with the
// request's options; the reply may be a background one (kills interrupt
// the engine).
template <class Run>
void RunRequest(session::SqlSession* engine, const RunOptions& opts,
                Reply& reply, Run run) {
  if (opts.begin && !engine->in_transaction()) {
    const Result<session::QueryResult> begun = engine->Execute("BEGIN");
    if (!begun.ok()) {
      XSink none(reply, opts);
      Finish(begun, none, reply);
      return;
    }
  }
  if (opts.require_transaction && !engine->in_transaction()) {
    reply.Error(ER_XP_TXN_CONTEXT,
                "The request requires an open transaction and the session "
                "has none");
    return;
  }
  engine->set_interrupt(reply.cancel_flag());
  engine->set_collect_access_paths(opts.feedback);
  engine->set_read_lock(opts.lock, opts.lock_wait);
  XSink sink(reply, opts);
  Result<session::QueryResult> r = run(&sink);
  engine->set_read_lock(sql::LockMode::kNone, sql::LockWait::kWait);
  engine->set_interrupt(nullptr);
  Finish(r, sink, reply, &engine->last_stats(), &opts);
}

}  // namespace

namespace {

// Rows a plan answered inline may examine: a point read or a short range
// (sysbench's ranges are 100 rows) costs about what a round trip to a
// worker thread does, and its output is bounded by these rows.
constexpr uint64_t kInlineRows = 256;

// An integer key value of a bound (a constant or a parameter), as int128.
std::optional<__int128> IntegerOf(const Xp::Plan::Value& v,
                                  const std::vector<plan::Value>& params) {
  if (v.has_param()) {
    if (v.param() >= params.size()) return std::nullopt;
    const plan::Value& p = params[v.param()];
    if (const auto* i = std::get_if<int64_t>(&p)) return *i;
    if (const auto* u = std::get_if<uint64_t>(&p)) return *u;
    return std::nullopt;
  }
  if (v.has_i()) return v.i();
  if (v.has_u()) return v.u();
  return std::nullopt;
}

}  // namespace

bool SqlDispatcher::IsSmallPlan(const Xp::Plan::Node& plan,
                                const std::vector<plan::Value>& params) {
  // A DDL running now holds the catalog: then a worker runs it.
  std::shared_lock<std::shared_mutex> lock(store_->ddl_mutex(),
                                           std::try_to_lock);
  if (!lock.owns_lock()) return false;
  uint64_t rows = 0;
  std::vector<const Xp::Plan::Node*> todo{&plan};
  while (!todo.empty()) {
    const Xp::Plan::Node& n = *todo.back();
    todo.pop_back();
    switch (n.kind()) {
      case static_cast<uint32_t>(plan::NodeKind::kTableScan):
        return false;
      case static_cast<uint32_t>(plan::NodeKind::kGet):
        rows += static_cast<uint64_t>(n.keys_size());
        break;
      case static_cast<uint32_t>(plan::NodeKind::kRangeScan): {
        if (!n.has_lower() || !n.has_upper() || !n.has_table() ||
            n.lower().key().values_size() != 1 ||
            n.upper().key().values_size() != 1)
          return false;
        Result<const plan::TableSchema*> t =
            store_->catalog().FindTable(n.table().database(), n.table().name());
        if (!t.ok() || n.index() < 0 ||
            static_cast<size_t>(n.index()) >= (*t)->indexes.size())
          return false;  // the worker reports it
        const plan::IndexSchema& idx =
            (*t)->indexes[static_cast<size_t>(n.index())];
        if (!(idx.primary || idx.unique) || idx.columns.size() != 1 ||
            !(*t)->columns[static_cast<size_t>(idx.columns[0])]
                 .type.is_integer())
          return false;
        const std::optional<__int128> lo =
            IntegerOf(n.lower().key().values(0), params);
        const std::optional<__int128> hi =
            IntegerOf(n.upper().key().values(0), params);
        if (!lo || !hi) return false;
        const __int128 width =
            *hi - *lo + 1 - !n.lower().inclusive() - !n.upper().inclusive();
        if (width > static_cast<__int128>(kInlineRows)) return false;
        if (width > 0) rows += static_cast<uint64_t>(width);
        break;
      }
      default:
        break;
    }
    if (rows > kInlineRows) return false;
    for (const auto& c : n.children()) todo.push_back(&c);
  }
  return true;
}

void SqlDispatcher::ExecPlan(Session& session, std::string_view payload,
                             Reply& reply) {
  Xp::Plan::ExecPlan req;
  if (!ParseMessage(payload, &req)) {
    reply.FatalError(ER_X_BAD_MESSAGE,
                     "Invalid message: cannot parse Xp.Plan.ExecPlan");
    return;
  }
  if (req.has_format_version() &&
      req.format_version() > plan::kPlanFormatVersion) {
    reply.Error(ER_XP_BAD_PLAN, "Invalid plan: format " +
                                    std::to_string(req.format_version()) +
                                    " is newer than this data node's " +
                                    std::to_string(plan::kPlanFormatVersion));
    return;
  }
  std::shared_ptr<const Xp::Plan::Node> node = plan_cache_.Resolve(
      req.has_plan() ? req.mutable_plan() : nullptr, req.plan_digest(),
      [](const Xp::Plan::Node& n) {
        return plan::Digest(plan::CanonicalBytes(n));
      },
      "plan", reply);
  if (node == nullptr) return;
  std::vector<plan::Value> params;
  if (!ArgValues(req.parameters(), reply, &params)) return;
  // A read of a few rows by key runs here (its output is small, so a token
  // is never run out of); a locking one may wait, so it goes to a worker.
  const bool here = req.txn().lock() == Xp::Plan::TxnContext::NONE &&
                    IsSmallPlan(*node, params);
  RunOptions opts = OptionsOf(req);
  auto run = [this, &session, node, params = std::move(params),
              opts = std::move(opts)](Reply& r) {
    session::SqlSession* engine = EngineFor(session, r);
    if (engine == nullptr) return;
    RunRequest(engine, opts, r, [&](XSink* sink) {
      return engine->ExecutePlan(*node, params, sink);
    });
  };
  if (here) {
    run(reply);
  } else {
    reply.Background(req.token(), std::move(run));
  }
}

void SqlDispatcher::ExecSql(Session& session, std::string_view payload,
                            Reply& reply) {
  Xp::Plan::ExecSql req;
  if (!ParseMessage(payload, &req)) {
    reply.FatalError(ER_X_BAD_MESSAGE,
                     "Invalid message: cannot parse Xp.Plan.ExecSql");
    return;
  }
  if (!req.has_stmt() && !req.has_digest()) {
    reply.Error(ER_X_BAD_MESSAGE,
                "Invalid message: ExecSql needs stmt or digest");
    return;
  }
  std::shared_ptr<const std::string> text = stmt_cache_.Resolve(
      req.has_stmt() ? req.mutable_stmt() : nullptr, req.digest(),
      [](const std::string& t) { return plan::Digest(t); }, "statement", reply);
  if (text == nullptr) return;
  std::vector<plan::Value> params;
  if (!ArgValues(req.args(), reply, &params)) return;
  RunOptions opts = OptionsOf(req);
  opts.hint = req.hint();
  reply.Background(req.token(),
                   [this, &session, text, params = std::move(params),
                    opts = std::move(opts)](Reply& r) {
                     session::SqlSession* engine = EngineFor(session, r);
                     if (engine == nullptr) return;
                     RunRequest(engine, opts, r, [&](XSink* sink) {
                       return engine->Execute(*text, params, sink);
                     });
                   });
}

}  // namespace xp::dn
