// The data node's X Protocol handler in process, through the real client:
// EXEC_SQL with the statement cache (a digest-only request, a miss answered
// by resending), plans with execution feedback, columnar chunks read into
// batches, and a kill of a scan paused on its credit.
#include "dn/x_handler.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "codec/xrow.h"
#include "plan/exec/chunk.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/session_pool.h"

namespace xp::dn {
namespace {

class XHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xp_x_handler_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    StorageOptions o;
    o.path = dir_;
    o.sync_wal = false;
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(*s);
    auto st = SqlStore::Open(storage_.get());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    dispatcher_ = std::make_unique<SqlDispatcher>(store_.get());
    users_.Add("root", "");
    ServerOptions so;
    server_ = std::make_unique<Server>(so, dispatcher_.get(), &users_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = Connect();
    ASSERT_NE(client_, nullptr);
    Run("CREATE DATABASE d");
    Run("CREATE TABLE d.t (id INT PRIMARY KEY, k INT, v VARCHAR(40), "
        "INDEX kk (k))");
  }
  void TearDown() override {
    client_.reset();
    server_->Stop();
    server_.reset();
    dispatcher_.reset();
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }

  // To the test's server, or to `port`.
  std::unique_ptr<Client> Connect(
      uint16_t port = 0,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    ClientOptions o;
    o.port = port != 0 ? port : server_->port();
    o.user = "root";
    o.timeout = timeout;
    auto c = Client::Connect(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  // A second server on the same store with one I/O thread, so that its
  // connections share it.
  std::unique_ptr<Server> StartOneIoThread() {
    ServerOptions so;
    so.threads = 1;
    auto one = std::make_unique<Server>(so, dispatcher_.get(), &users_);
    EXPECT_TRUE(one->Start().ok());
    return one;
  }

  void Run(const std::string& sql) {
    auto r = client_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  }

  // The optimized plan of `select` as the data node receives it.
  Xp::Plan::Node PlanOf(const std::string& select) {
    session::SqlSession engine(store_.get());
    auto bytes = engine.PlanBytes(select);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    Xp::Plan::Node n;
    EXPECT_TRUE(bytes.ok() && n.ParseFromString(*bytes));
    return n;
  }

  void Fill(int rows) {
    std::string sql = "INSERT INTO d.t VALUES ";
    for (int i = 1; i <= rows; ++i) {
      sql += (i > 1 ? ", (" : "(") + std::to_string(i) + ", " +
             std::to_string(i % 10) + ", 'value number " + std::to_string(i) +
             "')";
    }
    Run(sql);
  }

  std::string dir_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<SqlDispatcher> dispatcher_;
  InMemoryUserStore users_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(XHandlerTest, ExecSqlStatementCacheAndResendOnMiss) {
  Fill(3);
  const std::string text = "SELECT v FROM d.t WHERE id = ?";
  Xp::Plan::ExecSql req;
  req.set_stmt(text);
  req.set_digest(plan::Digest(text));
  *req.add_args() = AnyOf(ScalarSint(2));
  auto first = client_->ExecuteSql(req);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(client_->digest_only_sent(), 0u);
  auto second = client_->ExecuteSql(req);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(client_->digest_only_sent(), 1u);  // the text stayed home
  ASSERT_EQ(second->sets.at(0).rows.size(), 1u);
  // Another client fills the node's cache past its size, which empties it:
  // the next digest-only request misses and is resent whole, once.
  auto other = Connect();
  for (int i = 0; i <= 4096; ++i) {
    Xp::Plan::ExecSql r;
    r.set_stmt("SELECT " + std::to_string(i));
    r.set_digest(plan::Digest(r.stmt()));
    ASSERT_TRUE(other->ExecuteSql(r).ok());
  }
  auto third = client_->ExecuteSql(req);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(client_->cache_misses(), 1u);
  EXPECT_EQ(client_->digest_only_sent(), 2u);
  ASSERT_EQ(third->sets.at(0).rows.size(), 1u);
  // The session was not poisoned by the miss.
  EXPECT_TRUE(client_->Execute("SELECT 1").ok());
}

TEST_F(XHandlerTest, PlanFeedbackNamesRowsAndIndexes) {
  Fill(100);
  Xp::Plan::ExecPlan req;
  *req.mutable_plan() = PlanOf("SELECT id FROM d.t WHERE k = 3");
  req.set_feedback(true);
  auto r = client_->ExecutePlan(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sets.at(0).rows.size(), 10u);
  const auto& fb = r->sets.at(0).feedback;
  ASSERT_TRUE(fb.has_value());
  EXPECT_EQ(fb->rows_examined(), 10u);  // the index range, not the table
  ASSERT_EQ(fb->index_used_size(), 1);
  EXPECT_EQ(fb->index_used(0), "d.t.kk (covering)");  // id and k: index-only
  EXPECT_EQ(fb->rows_sent(), 10u);
  EXPECT_GT(fb->exec_time_us(), 0u);
  // A full scan examines every row; without `feedback` nothing is added.
  *req.mutable_plan() = PlanOf("SELECT COUNT(*) FROM d.t WHERE v LIKE '%7'");
  r = client_->ExecutePlan(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sets.at(0).feedback->rows_examined(), 100u);
  EXPECT_EQ(r->sets.at(0).feedback->index_used(0), "d.t.PRIMARY");
  req.set_feedback(false);
  r = client_->ExecutePlan(req);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->sets.at(0).feedback.has_value());
}

// Locking reads on the data node alone: SQL FOR UPDATE / FOR SHARE /
// LOCK IN SHARE MODE, NOWAIT and SKIP LOCKED, and plans carrying
// TxnContext.lock (what a compute node ships), each against rows another
// session holds.
TEST_F(XHandlerTest, LockingReadsLockWhatTheyRead) {
  Fill(6);
  auto holder = Connect();
  ASSERT_TRUE(holder->Execute("BEGIN").ok());
  auto held = holder->Execute("SELECT v FROM d.t WHERE id = 2 FOR UPDATE");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(
      holder->Execute("SELECT v FROM d.t WHERE k = 4 LOCK IN SHARE MODE").ok());
  // The error code the node answered with (0: success).
  auto code = [this](const Result<StmtResult>& r) {
    return r.ok() ? 0u : client_->last_error().code;
  };
  Run("SET innodb_lock_wait_timeout = 1");
  // Exclusive against exclusive: waits, then 1205; NOWAIT: 3572 at once.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(code(client_->Execute("SELECT * FROM d.t WHERE id = 2 FOR UPDATE")),
            1205u);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(900));
  EXPECT_EQ(
      code(client_->Execute("SELECT * FROM d.t WHERE id = 2 FOR SHARE NOWAIT")),
      3572u);
  // Shared with shared is fine; exclusive against shared is refused; a
  // write waits for the shared lock too.
  EXPECT_EQ(
      code(client_->Execute("SELECT * FROM d.t WHERE id = 4 FOR SHARE NOWAIT")),
      0u);
  EXPECT_EQ(code(client_->Execute(
                "SELECT * FROM d.t WHERE id = 4 FOR UPDATE NOWAIT")),
            3572u);
  EXPECT_EQ(code(client_->Execute("UPDATE d.t SET v = 'w' WHERE id = 4")),
            1205u);
  // A scan with SKIP LOCKED leaves out the rows others hold exclusively
  // (and, for an exclusive read, shared ones too).
  auto skipped =
      client_->Execute("SELECT id FROM d.t ORDER BY id FOR UPDATE SKIP LOCKED");
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  ASSERT_EQ(skipped->sets.at(0).rows.size(), 4u);  // 1, 3, 5, 6
  auto shared_skip =
      client_->Execute("SELECT id FROM d.t ORDER BY id FOR SHARE SKIP LOCKED");
  ASSERT_TRUE(shared_skip.ok());
  EXPECT_EQ(shared_skip->sets.at(0).rows.size(), 5u);  // all but 2
  // A plain read neither waits nor sees uncommitted data.
  EXPECT_EQ(code(client_->Execute("SELECT * FROM d.t WHERE id = 2")), 0u);
  // The same through a plan: TxnContext.lock makes the plan's reads lock.
  Xp::Plan::ExecPlan req;
  *req.mutable_plan() = PlanOf("SELECT v FROM d.t WHERE id = 2");
  req.mutable_txn()->set_lock(Xp::Plan::TxnContext::UPDATE);
  req.mutable_txn()->set_lock_wait(Xp::Plan::TxnContext::NOWAIT);
  EXPECT_EQ(code(client_->ExecutePlan(req)), 3572u);
  *req.mutable_plan() = PlanOf("SELECT id FROM d.t");
  req.mutable_txn()->set_lock_wait(Xp::Plan::TxnContext::SKIP_LOCKED);
  auto plan_skip = client_->ExecutePlan(req);
  ASSERT_TRUE(plan_skip.ok()) << plan_skip.status().ToString();
  EXPECT_EQ(plan_skip->sets.at(0).rows.size(), 4u);
  req.clear_txn();
  EXPECT_EQ(code(client_->ExecutePlan(req)), 0u);  // not locking: all rows
  // Once the holder commits, the locks are free.
  ASSERT_TRUE(holder->Execute("COMMIT").ok());
  EXPECT_EQ(code(client_->Execute(
                "SELECT * FROM d.t WHERE id = 2 FOR UPDATE NOWAIT")),
            0u);
  EXPECT_EQ(code(client_->Execute("UPDATE d.t SET v = 'w' WHERE id = 4")), 0u);
}

// A locking read whose keywords a comment splits still waits on a worker,
// not on the connection's I/O thread: with one I/O thread, the holder's
// COMMIT gets through while the read waits (it used to wait for the whole
// lock timeout behind it).
TEST_F(XHandlerTest, LockingReadWithACommentWaitsOffTheIoThread) {
  Fill(3);
  std::unique_ptr<Server> one = StartOneIoThread();
  auto connect = [&] {
    return Connect(one->port(), std::chrono::milliseconds(20000));
  };
  auto holder = connect();
  auto waiter = connect();
  ASSERT_TRUE(holder && waiter);
  ASSERT_TRUE(holder->Execute("BEGIN").ok());
  ASSERT_TRUE(
      holder->Execute("SELECT v FROM d.t WHERE id = 2 FOR UPDATE").ok());
  ASSERT_TRUE(waiter->Execute("SET innodb_lock_wait_timeout = 10").ok());
  ASSERT_TRUE(waiter->Execute("BEGIN").ok());
  std::optional<Result<StmtResult>> got;
  std::thread reader([&] {
    got = waiter->Execute(
        "SELECT v FROM d.t WHERE id = 2 FOR /* 'a' comment */ UPDATE");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(holder->Execute("COMMIT").ok());
  const auto commit_took = std::chrono::steady_clock::now() - start;
  reader.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_LT(commit_took, std::chrono::seconds(5));
  ASSERT_TRUE(waiter->Execute("COMMIT").ok());
  holder.reset();
  waiter.reset();
  one->Stop();
}

// A long read from an X client runs on a worker: with one I/O thread, a
// point read on another connection is answered while it runs (it used to
// wait for the whole join), and a point read still answers correctly.
// What runs on the I/O thread is decided from the parsed statement: a long
// read — a SELECT, or a SET whose value is a subquery (which the leading
// word "SET" used to keep on the I/O thread) — goes to a worker, so a
// point read on another connection of the same thread answers at once.
TEST_F(XHandlerTest, LongReadsRunOffTheIoThread) {
  Fill(400);
  std::unique_ptr<Server> one = StartOneIoThread();
  auto connect = [&] {
    return Connect(one->port(), std::chrono::milliseconds(120000));
  };
  const std::string join =
      "SELECT COUNT(*) FROM d.t a, d.t b, d.t c WHERE a.k + b.k >= c.k - 9";
  for (const std::string& slow_sql :
       {join, "/* a comment */ SET @n = (" + join + ")"}) {
    SCOPED_TRACE(slow_sql);
    auto slow = connect();
    auto quick = connect();
    ASSERT_TRUE(slow && quick);
    std::optional<Result<StmtResult>> got;
    const auto start = std::chrono::steady_clock::now();
    std::thread reader([&] { got = slow->Execute(slow_sql); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto asked = std::chrono::steady_clock::now();
    auto point = quick->Execute("SELECT v FROM d.t WHERE id = 3");
    const auto quick_took = std::chrono::steady_clock::now() - asked;
    reader.join();
    const auto slow_took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(point.ok()) << point.status().ToString();
    std::string_view v;
    ASSERT_TRUE(xrow::GetBytes(point->sets.at(0).rows.at(0).at(0), &v).ok());
    EXPECT_EQ(v, "value number 3");
    ASSERT_TRUE(got.has_value() && got->ok())
        << (got.has_value() ? got->status().ToString() : "no answer");
    if (slow_sql != join) got = slow->Execute("SELECT @n");
    int64_t count = 0;
    ASSERT_TRUE(
        xrow::GetSint((*got)->sets.at(0).rows.at(0).at(0), &count).ok());
    EXPECT_EQ(count, 64000000);
    EXPECT_GT(slow_took, std::chrono::milliseconds(600));  // a real contrast
    EXPECT_LT(quick_took, slow_took / 3);
  }
  one->Stop();
}

// Reads of a few rows by key are answered on the connection's thread;
// anything that may examine more goes to a worker (stats count those).
TEST_F(XHandlerTest, ShortKeyRangesRunOnTheIoThread) {
  Fill(400);
  Run("CREATE TABLE d.s (name VARCHAR(10) PRIMARY KEY, n INT)");
  Run("INSERT INTO d.s VALUES ('a', 1), ('b', 2)");
  const struct {
    std::string select;
    size_t rows;
    bool worker;
  } cases[] = {
      {"SELECT v FROM d.t WHERE id = 7", 1, false},
      {"SELECT v FROM d.t WHERE id BETWEEN 100 AND 199", 100, false},
      {"SELECT SUM(k) FROM d.t WHERE id >= 1 AND id < 257", 1, false},
      {"SELECT v FROM d.t WHERE id > 100 AND id <= 356 ORDER BY v", 256, false},
      {"SELECT v FROM d.t WHERE id BETWEEN 100 AND 356", 257, true},
      {"SELECT v FROM d.t WHERE id >= 390", 11, true},          // open above
      {"SELECT v FROM d.t WHERE k BETWEEN 1 AND 2", 80, true},  // not unique
      {"SELECT n FROM d.s WHERE name BETWEEN 'a' AND 'b'", 2, true},
      {"SELECT COUNT(*) FROM d.t", 1, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.select);
    Xp::Plan::ExecPlan req;
    *req.mutable_plan() = PlanOf(c.select);
    req.set_token(1 << 20);  // streamed as a CN asks: small ones still here
    const uint64_t before = server_->stats().background_requests;
    auto r = client_->ExecutePlan(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->sets.at(0).rows.size(), c.rows);
    EXPECT_EQ(server_->stats().background_requests - before, c.worker ? 1 : 0);
  }
  // The bounds as parameters (as a cached plan ships them) count the same.
  Xp::Plan::ExecPlan req;
  *req.mutable_plan() = PlanOf("SELECT v FROM d.t WHERE id BETWEEN 1 AND 2");
  Xp::Plan::Node* range = req.mutable_plan();
  while (range->kind() != static_cast<uint32_t>(plan::NodeKind::kRangeScan)) {
    ASSERT_EQ(range->children_size(), 1);
    if (range->kind() == static_cast<uint32_t>(plan::NodeKind::kFilter)) {
      Xp::Plan::Node child = range->children(0);  // the bounds say it all
      *range = std::move(child);
      continue;
    }
    range = range->mutable_children(0);
  }
  range->mutable_lower()->mutable_key()->mutable_values(0)->Clear();
  range->mutable_lower()->mutable_key()->mutable_values(0)->set_param(0);
  range->mutable_upper()->mutable_key()->mutable_values(0)->Clear();
  range->mutable_upper()->mutable_key()->mutable_values(0)->set_param(1);
  for (auto [hi, worker] : {std::pair{150, false}, std::pair{400, true}}) {
    req.clear_parameters();
    for (int64_t v : {int64_t{50}, int64_t{hi}}) {
      Mysqlx::Datatypes::Scalar* p = req.add_parameters();
      p->set_type(Mysqlx::Datatypes::Scalar::V_SINT);
      p->set_v_signed_int(v);
    }
    const uint64_t before = server_->stats().background_requests;
    auto r = client_->ExecutePlan(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->sets.at(0).rows.size(), static_cast<size_t>(hi - 49));
    EXPECT_EQ(server_->stats().background_requests - before, worker ? 1 : 0);
  }
}

TEST_F(XHandlerTest, CoveringIndexReadsRowsFromEntriesAlone) {
  Run("CREATE TABLE d.c (a INT, b BIGINT, m DECIMAL(10,2), x VARBINARY(8), "
      "t VARCHAR(8), PRIMARY KEY (a, b), INDEX i (m DESC, x))");
  Run("INSERT INTO d.c VALUES (1, 10, 2.50, 'p', 'T1'), (1, 20, NULL, 'q', "
      "'T2'), (2, 5, -7.25, NULL, 'T3'), (3, -4, 2.50, 'a', 'T4')");
  auto rows = [&](const std::string& plan_text) {
    Xp::Plan::ExecPlan req;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        plan_text, req.mutable_plan()));
    req.set_feedback(true);
    auto r = client_->ExecutePlan(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    const ResultSet& rs = r->sets.at(0);
    for (const auto& row : rs.rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c)
        line += (c ? " " : "") + FieldText(rs.columns[c], row[c], false);
      out.push_back(line);
    }
    out.push_back(rs.feedback ? rs.feedback->index_used(0) : "?");
    return out;
  };
  // The whole index i in its order (m DESC: NULL last), m, x and the
  // primary key (a, b) from the entries: a NULL, a binary string, a
  // negative key part.
  EXPECT_EQ(
      rows(R"(kind: 3 table { database: "d" name: "c" } index: 1
                    columns: [2, 3, 0, 1]
                    types { id: 4 precision: 10 scale: 2 }
                    types { id: 5 length: 8 binary: true }
                    types { id: 1 int_bytes: 4 } types { id: 1 })"),
      (std::vector<std::string>{"2.50 a 3 -4", "2.50 p 1 10", "-7.25 NULL 2 5",
                                "NULL q 1 20", "d.c.i (covering)"}));
  // t is case-folded in keys: the rows are read.
  EXPECT_EQ(rows(R"(kind: 3 table { database: "d" name: "c" } index: 1
                    columns: [4] types { id: 5 length: 8 })"),
            (std::vector<std::string>{"T4", "T1", "T3", "T2", "d.c.i"}));
}

TEST_F(XHandlerTest, ChunksDecodeIntoBatches) {
  Fill(3000);
  // LZ4 bodies where they pay; with chunk_raw (a client in the process)
  // none: more bytes, the same rows.
  size_t bytes[2] = {0, 0};
  for (bool raw : {false, true}) {
    Xp::Plan::ExecPlan req;
    *req.mutable_plan() = PlanOf("SELECT id, v FROM d.t");
    req.set_chunk_result(true);
    req.set_chunk_raw(raw);
    auto r = client_->ExecutePlan(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const ResultSet& rs = r->sets.at(0);
    ASSERT_FALSE(rs.chunks.empty());
    for (const std::string& c : rs.chunks) bytes[raw] += c.size();
    std::vector<exec::Batch> batches;
    ASSERT_TRUE(exec::DecodeChunks(rs.chunks, 2, &batches).ok());
    size_t rows = 0;
    for (const exec::Batch& b : batches) {
      const auto* v = b.column(1).data<std::string_view>();
      for (size_t i = 0; i < b.num_rows(); ++i, ++rows)
        ASSERT_EQ(v[i], "value number " + std::to_string(rows + 1));
    }
    EXPECT_EQ(rows, 3000u);
  }
  EXPECT_LT(bytes[0] * 3 / 2, bytes[1]);
}

TEST_F(XHandlerTest, KillStopsAScanPausedOnItsCredit) {
  Fill(5000);
  Xp::Plan::ExecPlan req;
  *req.mutable_plan() = PlanOf("SELECT id, v FROM d.t");
  req.set_token(4000);
  ASSERT_TRUE(client_->Send(ClientMsg::EXEC_PLAN_READ, req).ok());
  uint64_t rows = 0, bytes = 0;
  for (;;) {
    auto m = client_->Read();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    if (m->type == ServerMsg::TOKEN_DONE) break;
    if (m->type == ServerMsg::RESULTSET_ROW) ++rows;
    bytes += 5 + m->payload.size();
  }
  // Paused at the first check (every 128 rows) past the credit: rows here
  // are under 30 bytes each.
  EXPECT_GE(bytes, 4000u);
  EXPECT_LT(bytes, 4000u + 128 * 30);
  EXPECT_LT(rows, 5000u);
  Xp::Session::KillSession kill;
  kill.set_session_id(0);
  ASSERT_TRUE(client_->Send(ClientMsg::SESS_KILL, kill).ok());
  auto r = client_->ReadResult();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(client_->last_error().code, 1317u);
  // The session goes on, and the automatic credit carries a whole scan.
  auto all = client_->Execute("SELECT COUNT(*) FROM d.t");
  ASSERT_TRUE(all.ok());
  auto again = client_->ExecutePlan(req);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->sets.at(0).rows.size(), 5000u);
  EXPECT_GT(client_->tokens_offered(), 0u);
}

TEST_F(XHandlerTest, SessionPoolRunsCachedPlansConcurrently) {
  Fill(1000);
  boost::asio::io_context io;
  SessionPoolOptions po;
  po.client.port = server_->port();
  po.client.user = "root";
  po.connections = 2;
  po.max_sessions = 4;
  auto pool = SessionPool::Create(io.get_executor(), po);
  Xp::Plan::Node plan = PlanOf("SELECT v FROM d.t WHERE id = 1");
  // The key becomes parameter 0 (Get key and the filter above it).
  std::function<void(Xp::Plan::Node*)> param = [&](Xp::Plan::Node* n) {
    for (auto& k : *n->mutable_keys())
      for (auto& v : *k.mutable_values()) v.Clear(), v.set_param(0);
    if (n->has_predicate()) {
      std::function<void(Xp::Plan::Expr*)> e = [&](Xp::Plan::Expr* x) {
        if (x->op() == 0 && x->value().has_i()) {
          x->clear_value();
          x->set_param(0);
        }
        for (auto& a : *x->mutable_args()) e(&a);
      };
      e(n->mutable_predicate());
    }
    for (auto& c : *n->mutable_children()) param(&c);
  };
  param(&plan);
  const std::string digest = plan::Digest(plan::CanonicalBytes(plan));
  int good = 0, done = 0;
  for (int i = 1; i <= 200; ++i) {
    Xp::Plan::ExecPlan req;
    *req.mutable_plan() = plan;
    req.set_plan_digest(digest);
    *req.add_parameters() = ScalarSint(i);
    pool->ExecutePlan(req, [&, i](Result<StmtResult> r) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::string_view v;
      ASSERT_TRUE(xrow::GetBytes(r->sets.at(0).rows.at(0).at(0), &v).ok());
      if (v == "value number " + std::to_string(i)) ++good;
      if (++done == 200) pool->Close([](Status) {});
    });
  }
  io.run();
  EXPECT_EQ(good, 200);
  EXPECT_LE(pool->sessions_open(), 8u);
}

}  // namespace
}  // namespace xp::dn
