// In-memory data nodes for unit tests of the compute node (fake_dn.h).

#include "cn/txn/fake_dn.h"

#include <glog/logging.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "codec/sql_errors.h"
#include "codec/thread_annotations.h"
#include "plan/exec/chunk.h"
#include "plan/exec/operator.h"
#include "plan/exec/x_result.h"
#include "plan/session/sql_session.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/store/memory_store.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx.pb.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/result_stream.h"
#include "xprotocol/values.h"

namespace xp::cn {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

Message Msg(uint8_t type, const google::protobuf::MessageLite& m) {
  return Message{0, type, m.SerializeAsString()};
}

Message ErrorMsg(uint32_t code, const std::string& state,
                 const std::string& msg, bool fatal) {
  Mysqlx::Error e;
  e.set_code(code);
  e.set_sql_state(state);
  e.set_msg(msg);
  if (fatal) e.set_severity(Mysqlx::Error::FATAL);
  return Msg(ServerMsg::ERROR, e);
}

Message ErrorMsg(SqlErrorCode code, const std::string& msg) {
  return ErrorMsg(code, SqlStateOf(code), msg, false);
}

Message StateNotice(Mysqlx::Notice::SessionStateChanged::Parameter p,
                    uint64_t v) {
  Mysqlx::Notice::SessionStateChanged ch;
  ch.set_param(p);
  *ch.add_value() = ScalarUint(v);
  Mysqlx::Notice::Frame f;
  f.set_type(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED);
  f.set_scope(Mysqlx::Notice::Frame::LOCAL);
  f.set_payload(ch.SerializeAsString());
  return Msg(ServerMsg::NOTICE, f);
}

// A result as reply messages: Row messages or chunks (`chunks`), with a
// TOKEN_DONE after each chunk when the request gave a byte credit.
class MessageSink : public session::ResultSink {
 public:
  MessageSink(std::deque<Message>* out, bool chunks, bool credit)
      : out_(out), chunks_(chunks), credit_(credit) {}
  Status Columns(const std::vector<std::string>& names,
                 const std::vector<plan::DataType>& types) override {
    types_ = types;
    for (size_t i = 0; i < names.size(); ++i)
      out_->push_back(Msg(ServerMsg::RESULTSET_COLUMN_META_DATA,
                          exec::ColumnMetaDataFor(names[i], types[i])));
    sent_ = true;
    return Status::OK();
  }
  Status Rows(const exec::Batch& b, size_t visible) override {
    if (chunks_) {
      std::string chunk;
      exec::EncodeChunk(b, visible, /*lz4=*/false, &chunk);
      out_->push_back(Message{0, ServerMsg::RESULTSET_CHUNK, std::move(chunk)});
      if (credit_)
        out_->push_back(Message{0, ServerMsg::TOKEN_DONE, std::string()});
      return Status::OK();
    }
    for (size_t i = 0; i < b.num_rows(); ++i) {
      Mysqlx::Resultset::Row row;
      for (size_t c = 0; c < visible; ++c) {
        std::string* field = row.add_field();
        if (!b.column(c).IsNull(i))
          XP_RETURN_IF_ERROR(
              exec::EncodeXCell(b.column(c), types_[c], i, field));
      }
      out_->push_back(Msg(ServerMsg::RESULTSET_ROW, row));
    }
    return Status::OK();
  }
  bool sent() const { return sent_; }

 private:
  std::deque<Message>* out_;
  const bool chunks_, credit_;
  std::vector<plan::DataType> types_;
  bool sent_ = false;
};

}  // namespace

struct FakeLinkState;

// One data node.
struct FakeNode {
  // A write (or DDL) in the order it ran; owner 0: committed.
  struct Entry {
    uint64_t owner;
    std::string sql;
  };
  std::unique_ptr<exec::MemoryStore> store =
      std::make_unique<exec::MemoryStore>();
  std::vector<Entry> log;
  // Open transactions: id -> xid ("" for a plain one).
  std::map<uint64_t, std::string> open;
  std::map<std::string, uint64_t> prepared;  // xid -> transaction id
  uint64_t next_txn = 1;
  std::set<FakeLinkState*> links;
  std::vector<std::string> requests;
  uint64_t kills = 0, offers = 0;
  bool down = false;

  // The store again from the log (what rolled back is gone from it).
  void Rebuild();
  void Drop(uint64_t txn, size_t keep = 0);  // its entries after `keep`
  void Commit(uint64_t txn) {
    for (Entry& e : log)
      if (e.owner == txn) e.owner = 0;
    open.erase(txn);
  }
  size_t Entries(uint64_t txn) const {
    return static_cast<size_t>(
        std::count_if(log.begin(), log.end(),
                      [&](const Entry& e) { return e.owner == txn; }));
  }
};

struct FakeCluster::State {
  Mutex mu;
  // (links reach their node through a pointer, also only under `mu`)
  std::vector<FakeNode> nodes XP_GUARDED_BY(mu);
  std::vector<DnFault> faults XP_GUARDED_BY(mu);
  std::vector<int> seen XP_GUARDED_BY(mu);  // per fault: requests matched
};

// A link's side on its DN: the session.
struct FakeLinkState {
  FakeNode* node = nullptr;
  std::unique_ptr<session::SqlSession> engine;  // over node->store; lazily
  uint64_t txn = 0;                             // open transaction
  std::string xa;                               // its xid when XA
  bool xa_idle = false;  // after XA END (PREPARE and ONE PHASE need it)
  std::vector<std::pair<std::string, size_t>> savepoints;
  // Replies of each request not yet read, oldest first.
  std::deque<std::deque<Message>> replies;
  bool broken = false;
  bool silent = false;  // the next read times out

  session::SqlSession* Engine() {
    if (!engine)
      engine = std::make_unique<session::SqlSession>(node->store.get());
    return engine.get();
  }
  // The session ends: an open transaction that is not prepared rolls back.
  void End() {
    if (txn != 0) {
      node->Drop(txn);
      txn = 0;
    }
    node->links.erase(this);
  }
};

void FakeNode::Rebuild() {
  store = std::make_unique<exec::MemoryStore>();
  for (FakeLinkState* l : links) l->engine.reset();
  session::SqlSession replay(store.get());
  for (const Entry& e : log) {
    Result<session::QueryResult> r = replay.Execute(e.sql);
    if (!r.ok())
      LOG(ERROR) << "fake DN: replaying '" << e.sql
                 << "' failed: " << r.status().ToString();
  }
}

void FakeNode::Drop(uint64_t txn, size_t keep) {
  size_t seen = 0;
  const size_t before = log.size();
  log.erase(std::remove_if(log.begin(), log.end(),
                           [&](const Entry& e) {
                             return e.owner == txn && seen++ >= keep;
                           }),
            log.end());
  if (keep == 0) {
    open.erase(txn);
    for (auto it = prepared.begin(); it != prepared.end();)
      it = it->second == txn ? prepared.erase(it) : std::next(it);
  }
  if (log.size() != before) Rebuild();
}

namespace {

class FakeDnLink : public DnLink {
 public:
  FakeDnLink(std::shared_ptr<FakeCluster::State> state, size_t dn)
      : state_(std::move(state)), dn_(dn) {
    MutexLock lock(&state_->mu);
    s_.node = &state_->nodes[dn];
    s_.node->links.insert(&s_);
  }
  ~FakeDnLink() override {
    MutexLock lock(&state_->mu);
    if (!s_.broken) s_.End();
  }

  Status Send(uint8_t type, const google::protobuf::MessageLite& msg) override {
    MutexLock lock(&state_->mu);
    if (s_.broken) return Status::IOError("fake DN: the link is broken");
    return Handle(type, msg.SerializeAsString());
  }
  Result<Message> Read() override {
    MutexLock lock(&state_->mu);
    if (s_.broken) return Status::IOError("fake DN: the link is broken");
    if (s_.replies.empty() || s_.silent) {
      Break();
      return Status::TimedOut("fake DN: no reply in time");
    }
    std::deque<Message>& front = s_.replies.front();
    Message m = std::move(front.front());
    front.pop_front();
    if (front.empty()) s_.replies.pop_front();
    return m;
  }
  Status SendExecute(std::string_view sql) override {
    Mysqlx::Sql::StmtExecute req;
    req.set_stmt(std::string(sql));
    return Send(ClientMsg::SQL_STMT_EXECUTE, req);
  }
  Result<StmtResult> ReadResult() override {
    ResultStream<FakeDnLink> stream(this, 1u << 20);
    return ReadWholeResult(&stream, &last_error_);
  }
  Result<StmtResult> Execute(std::string_view sql) override {
    XP_RETURN_IF_ERROR(SendExecute(sql));
    return ReadResult();
  }
  Result<StmtResult> ExecuteSql(Xp::Plan::ExecSql req) override {
    XP_RETURN_IF_ERROR(Send(ClientMsg::EXEC_SQL, req));
    return ReadResult();
  }
  void KillRunningQuery() override {
    Xp::Session::KillSession kill;
    kill.set_session_id(0);
    (void)Send(ClientMsg::SESS_KILL, kill);
  }
  void set_timeout(std::chrono::milliseconds) override {}
  const ServerError& last_error() const override { return last_error_; }

 private:
  // The link breaks (as a dropped connection): the DN ends the session.
  void Break() XP_REQUIRES(state_->mu) {
    s_.broken = true;
    s_.replies.clear();
    s_.End();
  }
  Status Handle(uint8_t type, const std::string& payload)
      XP_REQUIRES(state_->mu);
  // The fault this request hits, or nullptr.
  const DnFault* FaultFor(const std::string& text) XP_REQUIRES(state_->mu);
  void Run(const std::string& sql, bool chunks, bool credit,
           const Xp::Plan::Node* plan, std::deque<Message>* out)
      XP_REQUIRES(state_->mu);
  // Transaction control: true when `stmt` was one (answered in *out).
  bool Control(const sql::Statement& stmt, std::deque<Message>* out)
      XP_REQUIRES(state_->mu);

  std::shared_ptr<FakeCluster::State> state_;
  const size_t dn_;
  FakeLinkState s_;
  ServerError last_error_;
};

const DnFault* FakeDnLink::FaultFor(const std::string& text) {
  for (size_t i = 0; i < state_->faults.size(); ++i) {
    const DnFault& f = state_->faults[i];
    if (f.dn != dn_ || !StartsWithNoCase(text, f.prefix)) continue;
    const int n = state_->seen[i]++;
    if (n >= f.skip && (f.times < 0 || n < f.skip + f.times)) return &f;
  }
  return nullptr;
}

Status FakeDnLink::Handle(uint8_t type, const std::string& payload) {
  FakeNode& node = *s_.node;
  if (node.down) {
    Break();
    return Status::IOError("fake DN: down");
  }
  std::string text;
  bool chunks = false, credit = false;
  Xp::Plan::ExecPlan plan;
  switch (type) {
    case ClientMsg::SQL_STMT_EXECUTE: {
      Mysqlx::Sql::StmtExecute req;
      if (!req.ParseFromString(payload)) return Status::Corruption("fake");
      text = req.stmt();
      break;
    }
    case ClientMsg::EXEC_SQL: {
      Xp::Plan::ExecSql req;
      if (!req.ParseFromString(payload)) return Status::Corruption("fake");
      text = req.stmt();
      chunks = req.chunk_result();
      credit = req.token() != 0;
      break;
    }
    case ClientMsg::EXEC_PLAN_READ: {
      if (!plan.ParseFromString(payload)) return Status::Corruption("fake");
      const Xp::Plan::Node* leaf = &plan.plan();
      while (leaf->children_size() > 0) leaf = &leaf->children(0);
      text = "PLAN " + leaf->table().name();
      chunks = plan.chunk_result();
      credit = plan.token() != 0;
      break;
    }
    case ClientMsg::SESS_KILL: {
      ++node.kills;
      node.requests.push_back("KILL");
      // The request whose replies are unread ends now (its rows so far
      // stay; the rest becomes 1317).
      if (!s_.replies.empty() && s_.replies.front().size() > 1) {
        std::deque<Message>& q = s_.replies.front();
        while (!q.empty() && (q.back().type == ServerMsg::SQL_STMT_EXECUTE_OK ||
                              q.back().type == ServerMsg::RESULTSET_CHUNK ||
                              q.back().type == ServerMsg::TOKEN_DONE ||
                              q.back().type == ServerMsg::RESULTSET_FETCH_DONE))
          q.pop_back();
        q.push_back(
            ErrorMsg(ER_QUERY_INTERRUPTED, "Query execution was interrupted"));
      }
      return Status::OK();
    }
    case ClientMsg::TOKEN_OFFER:
      ++node.offers;
      return Status::OK();
    default:
      return Status::NotSupported("fake DN: message type " +
                                  std::to_string(type));
  }
  node.requests.push_back(text);
  const DnFault* f = FaultFor(text);
  std::deque<Message> out;
  if (f != nullptr && f->kind == DnFault::Kind::kLostBefore) {
    Break();
    return Status::IOError("fake DN: connection lost");
  }
  if (f != nullptr && f->kind == DnFault::Kind::kError) {
    out.push_back(ErrorMsg(f->error.code, f->error.sql_state, f->error.msg,
                           f->error.fatal));
  } else {
    Run(text, chunks, credit,
        type == ClientMsg::EXEC_PLAN_READ ? &plan.plan() : nullptr, &out);
  }
  if (f != nullptr && f->kind == DnFault::Kind::kLostAfter) {
    Break();
    return Status::OK();  // the request went out; its reply never comes
  }
  if (f != nullptr && f->kind == DnFault::Kind::kSilent) s_.silent = true;
  s_.replies.push_back(std::move(out));
  return Status::OK();
}

bool FakeDnLink::Control(const sql::Statement& stmt, std::deque<Message>* out) {
  FakeNode& node = *s_.node;
  auto ok = [&] {
    out->push_back(
        Msg(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk()));
  };
  auto begin = [&](std::string xid) {
    if (s_.txn != 0) node.Commit(s_.txn);  // an implicit commit
    s_.txn = node.next_txn++;
    node.open[s_.txn] = xid;
    s_.xa = std::move(xid);
    s_.xa_idle = false;
    s_.savepoints.clear();
  };
  // As xdn (dn/sql_store.cc): XAER_RMFAIL for a command the branch's state
  // does not allow.
  auto rmfail = [&](const char* state) {
    out->push_back(ErrorMsg(
        ER_XAER_RMFAIL,
        std::string("XAER_RMFAIL: The command cannot be executed when global "
                    "transaction is in the  ") +
            state + " state"));
  };
  if (stmt.kind == sql::StmtKind::kTransaction) {
    using Op = sql::TransactionStatement::Op;
    const auto& t = static_cast<const sql::TransactionStatement&>(stmt);
    auto sp = std::find_if(
        s_.savepoints.begin(), s_.savepoints.end(),
        [&](const auto& p) { return plan::NameEquals(p.first, t.savepoint); });
    switch (t.op) {
      case Op::kBegin:
        begin("");
        break;
      case Op::kCommit:
      case Op::kRollback:
        if (s_.txn != 0) {
          if (t.op == Op::kCommit)
            node.Commit(s_.txn);
          else
            node.Drop(s_.txn);
        }
        s_.txn = 0;
        s_.xa.clear();
        break;
      case Op::kSavepoint:
        if (s_.txn != 0)
          s_.savepoints.push_back({t.savepoint, node.Entries(s_.txn)});
        break;
      case Op::kRollbackTo:
      case Op::kRelease:
        if (sp == s_.savepoints.end()) {
          out->push_back(
              ErrorMsg(ER_SP_DOES_NOT_EXIST,
                       "SAVEPOINT " + t.savepoint + " does not exist"));
          return true;
        }
        if (t.op == Op::kRollbackTo) {
          node.Drop(s_.txn, sp->second);
          s_.savepoints.erase(sp + 1, s_.savepoints.end());
        } else {
          s_.savepoints.erase(sp, s_.savepoints.end());
        }
        break;
    }
    ok();
    return true;
  }
  if (stmt.kind != sql::StmtKind::kXa) return false;
  using Op = sql::XaStatement::Op;
  const auto& x = static_cast<const sql::XaStatement&>(stmt);
  switch (x.op) {
    case Op::kStart:
      begin(x.gtrid);
      break;
    case Op::kEnd:
      if (s_.txn == 0 || s_.xa != x.gtrid) {
        out->push_back(ErrorMsg(ER_XAER_NOTA, "XAER_NOTA: Unknown XID"));
        return true;
      }
      if (s_.xa_idle) {
        rmfail("IDLE");
        return true;
      }
      s_.xa_idle = true;
      break;
    case Op::kPrepare:
      if (s_.txn == 0 || s_.xa != x.gtrid) {
        out->push_back(ErrorMsg(ER_XAER_NOTA, "XAER_NOTA: Unknown XID"));
        return true;
      }
      if (!s_.xa_idle) {
        rmfail("ACTIVE");
        return true;
      }
      node.prepared[x.gtrid] = s_.txn;  // no longer the session's
      s_.txn = 0;
      s_.xa.clear();
      break;
    case Op::kCommit:
    case Op::kRollback: {
      uint64_t txn = 0;
      if (s_.txn != 0 && s_.xa == x.gtrid) {
        if (x.op == Op::kCommit && (!s_.xa_idle || !x.one_phase)) {
          rmfail(s_.xa_idle ? "IDLE" : "ACTIVE");
          return true;
        }
        txn = s_.txn;
        s_.txn = 0;
        s_.xa.clear();
      } else if (auto it = node.prepared.find(x.gtrid);
                 it != node.prepared.end()) {
        txn = it->second;
        node.prepared.erase(it);
      } else {
        out->push_back(ErrorMsg(ER_XAER_NOTA, "XAER_NOTA: Unknown XID"));
        return true;
      }
      if (x.op == Op::kCommit)
        node.Commit(txn);
      else
        node.Drop(txn);
      break;
    }
    case Op::kRecover: {
      std::string sql =
          "SELECT 1 AS formatID, 0 AS gtrid_length, 0 AS bqual_length, "
          "CAST('' AS CHAR(200)) AS data FROM DUAL WHERE 1 = 0";
      for (const auto& [xid, _] : node.prepared)
        sql += " UNION ALL SELECT 1, " + std::to_string(xid.size()) + ", 0, " +
               sql::QuoteString(xid);
      Run(sql, false, false, nullptr, out);
      return true;
    }
  }
  ok();
  return true;
}

void FakeDnLink::Run(const std::string& sql, bool chunks, bool credit,
                     const Xp::Plan::Node* plan, std::deque<Message>* out) {
  FakeNode& node = *s_.node;
  MessageSink sink(out, chunks, credit);
  Result<session::QueryResult> r = Status::OK();
  bool write = false, ddl = false;
  if (plan != nullptr) {
    r = s_.Engine()->ExecutePlan(*plan, {}, &sink);
  } else {
    Result<sql::StmtPtr> stmt = sql::Parse(sql);
    if (!stmt.ok()) {
      r = stmt.status();
    } else if (Control(**stmt, out)) {
      return;
    } else {
      const sql::StmtKind k = (*stmt)->kind;
      write = k == sql::StmtKind::kInsert || k == sql::StmtKind::kUpdate ||
              k == sql::StmtKind::kDelete;
      ddl = (k >= sql::StmtKind::kCreateDatabase &&
             k <= sql::StmtKind::kDropView) ||
            k == sql::StmtKind::kRenameTable;
      r = s_.Engine()->Execute(std::move(*stmt), {}, &sink);
    }
  }
  if (!r.ok()) {
    out->clear();
    const Status& st = r.status();
    out->push_back(
        st.sql_code() != 0
            ? ErrorMsg(st.sql_code(), st.sql_state(), st.message(), false)
            : ErrorMsg(ER_UNKNOWN_ERROR, st.ToString()));
    return;
  }
  if (write || ddl)
    node.log.push_back({write && s_.txn != 0 ? s_.txn : 0, sql});
  if (sink.sent())
    out->push_back(
        Msg(ServerMsg::RESULTSET_FETCH_DONE, Mysqlx::Resultset::FetchDone()));
  if (r->last_insert_id != 0)
    out->push_back(
        StateNotice(Mysqlx::Notice::SessionStateChanged::GENERATED_INSERT_ID,
                    r->last_insert_id));
  if (!sink.sent())
    out->push_back(StateNotice(
        Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED, r->rows_affected));
  out->push_back(
      Msg(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk()));
}

}  // namespace

FakeCluster::FakeCluster(size_t dns) : state_(std::make_shared<State>()) {
  MutexLock lock(&state_->mu);
  state_->nodes.resize(dns);
}

FakeCluster::~FakeCluster() = default;

size_t FakeCluster::size() const {
  MutexLock lock(&state_->mu);
  return state_->nodes.size();
}

DnConnector FakeCluster::Connector() {
  std::shared_ptr<State> state = state_;
  return [state](size_t dn, std::chrono::milliseconds,
                 ServerError*) -> Result<std::unique_ptr<DnLink>> {
    {
      MutexLock lock(&state->mu);
      if (state->nodes[dn].down)
        return Status::IOError("fake DN " + std::to_string(dn) + " is down");
    }
    return std::unique_ptr<DnLink>(std::make_unique<FakeDnLink>(state, dn));
  };
}

void FakeCluster::Inject(const DnFault& fault) {
  MutexLock lock(&state_->mu);
  state_->faults.push_back(fault);
  state_->seen.push_back(0);
}

void FakeCluster::ClearFaults() {
  MutexLock lock(&state_->mu);
  state_->faults.clear();
  state_->seen.clear();
}

void FakeCluster::SetDown(size_t dn, bool down) {
  MutexLock lock(&state_->mu);
  state_->nodes[dn].down = down;
}

std::vector<std::string> FakeCluster::Requests(size_t dn) const {
  MutexLock lock(&state_->mu);
  return state_->nodes[dn].requests;
}

void FakeCluster::ClearRequests() {
  MutexLock lock(&state_->mu);
  for (FakeNode& n : state_->nodes) n.requests.clear();
}

Result<std::vector<std::vector<std::string>>> FakeCluster::Query(
    size_t dn, const std::string& sql) {
  MutexLock lock(&state_->mu);
  exec::MemoryStore committed;
  session::SqlSession engine(&committed);
  for (const FakeNode::Entry& e : state_->nodes[dn].log)
    if (e.owner == 0) XP_RETURN_IF_ERROR(engine.Execute(e.sql).status());
  XP_ASSIGN_OR_RETURN(session::QueryResult r, engine.Execute(sql));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : r.rows) {
    rows.emplace_back();
    for (const auto& v : row) rows.back().push_back(v ? *v : "NULL");
  }
  return rows;
}

std::vector<std::string> FakeCluster::Prepared(size_t dn) const {
  MutexLock lock(&state_->mu);
  std::vector<std::string> out;
  for (const auto& [xid, _] : state_->nodes[dn].prepared) out.push_back(xid);
  return out;
}

size_t FakeCluster::OpenTransactions(size_t dn) const {
  MutexLock lock(&state_->mu);
  return state_->nodes[dn].open.size();
}

uint64_t FakeCluster::kills(size_t dn) const {
  MutexLock lock(&state_->mu);
  return state_->nodes[dn].kills;
}

uint64_t FakeCluster::token_offers(size_t dn) const {
  MutexLock lock(&state_->mu);
  return state_->nodes[dn].offers;
}

}  // namespace xp::cn
