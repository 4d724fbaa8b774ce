// Test support for the server tests (server_test.cc, server_tls_test.cc):
// a dispatcher that echoes, streams and waits, and a fixture that runs a
// Server over TCP or in memory.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "codec/sql_errors.h"
#include "codec/xrow.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/result_stream.h"
#include "xprotocol/server.h"

namespace xp {

// "rows N": N one-column rows; "fail": error 1064; else one row echoing the
// statement and the session's schema. "bg [credit=C] STMT" runs STMT in the
// background (with C bytes of credit); "wait" (background only) waits up to
// 10 s for a kill.
class EchoDispatcher : public Dispatcher {
 public:
  void Dispatch(Session& session, uint8_t type, std::string_view payload,
                Reply& reply) override {
    if (type != ClientMsg::SQL_STMT_EXECUTE) return reply.Unsupported(type);
    Mysqlx::Sql::StmtExecute stmt;
    if (!stmt.ParseFromArray(payload.data(),
                             static_cast<int>(payload.size()))) {
      return reply.Error(ER_X_BAD_MESSAGE, "HY000", "bad StmtExecute", true);
    }
    std::string text = stmt.stmt();
    if (text.rfind("bg ", 0) == 0) {
      text = text.substr(3);
      uint64_t credit = 0;
      if (text.rfind("credit=", 0) == 0) {
        const size_t sp = text.find(' ');
        credit = std::stoull(text.substr(7, sp - 7));
        text = text.substr(sp + 1);
      }
      const std::string schema = session.schema();
      reply.Background(
          credit, [this, text, schema](Reply& r) { Run(text, schema, r); });
      return;
    }
    Run(text, session.schema(), reply);
  }

  // Rows produced so far by all requests.
  std::atomic<uint64_t> rows_produced{0};

 private:
  void Run(const std::string& text, const std::string& schema, Reply& reply) {
    if (text == "fail") return reply.Error(ER_PARSE_ERROR, "syntax");
    if (text == "wait") {
      for (int i = 0; i < 1000 && !reply.cancelled(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (reply.cancelled())
        return reply.Error(ER_QUERY_INTERRUPTED,
                           "Query execution was interrupted");
      return reply.Ok("not killed");
    }
    int rows = 1;
    if (text.rfind("rows ", 0) == 0) rows = std::stoi(text.substr(5));
    Mysqlx::Resultset::ColumnMetaData col;
    col.set_type(Mysqlx::Resultset::ColumnMetaData::BYTES);
    col.set_name("v");
    reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, col);
    RowWriter row(reply.writer(), reply.session_id());
    std::string v;
    for (int i = 0; i < rows; ++i) {
      if (reply.cancelled())
        return reply.Error(ER_QUERY_INTERRUPTED,
                           "Query execution was interrupted");
      v.clear();
      xrow::PutBytes(&v, rows == 1 ? text + "@" + schema
                                   : "row number " + std::to_string(i) +
                                         " with some repetitive padding");
      row.Begin();
      row.Field(v);
      row.End();
      ++rows_produced;
      reply.MaybeFlush();
    }
    reply.Send(ServerMsg::RESULTSET_FETCH_DONE, Mysqlx::Resultset::FetchDone());
    reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerOptions()); }
  void TearDown() override { server_->Stop(); }

  void StartServer(ServerOptions opts) {
    if (server_) server_->Stop();
    users_.Add("root", "");
    users_.Add("alice", "secret");
    opts.port = 0;
    opts.listen = !in_memory_;
    server_ = std::make_unique<Server>(opts, &dispatcher_, &users_);
    ASSERT_TRUE(server_->Start().ok());
  }

  ClientOptions Opts(std::string user = "alice", std::string pw = "secret") {
    ClientOptions o;
    o.port = server_->port();
    o.user = std::move(user);
    o.password = std::move(pw);
    o.timeout = std::chrono::milliseconds(5000);
    return o;
  }

  // Over TCP, or in memory (Server::ConnectInMemory).
  Result<std::unique_ptr<Client>> Dial(const ClientOptions& o,
                                       ServerError* e = nullptr) {
    return in_memory_ ? server_->ConnectInMemory(o, e) : Client::Connect(o, e);
  }

  std::unique_ptr<Client> Connect(ClientOptions o) {
    auto c = Dial(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  // A connected socket that has not authenticated: connect with a bogus
  // user would fail, so use raw frames via a client that skips nothing.
  std::string FirstValue(const StmtResult& r) {
    std::string_view v;
    EXPECT_TRUE(xrow::GetBytes(r.sets.at(0).rows.at(0).at(0), &v).ok());
    return std::string(v);
  }

  bool in_memory_ = false;
  EchoDispatcher dispatcher_;
  InMemoryUserStore users_;
  std::unique_ptr<Server> server_;
};

}  // namespace xp
