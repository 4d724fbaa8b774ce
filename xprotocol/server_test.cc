// Loopback tests of the server state machine through the blocking client.
#include "xprotocol/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <map>
#include <thread>

#include "codec/coding.h"
#include "codec/sql_errors.h"
#include "codec/xrow.h"
#include "xprotocol/async_client.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_expect.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/result_stream.h"
#include "xprotocol/server_test_util.h"
#include "xprotocol/session_pool.h"

namespace xp {
namespace {

// The tests whose behaviour does not depend on the transport run over TCP
// and over the in-memory pipe of the embedded placement.
class BothTransports : public ServerTest,
                       public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    in_memory_ = GetParam();
    ServerTest::SetUp();
  }
};
INSTANTIATE_TEST_SUITE_P(Transport, BothTransports,
                         ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return i.param ? "InMemory" : "Tcp";
                         });

TEST_P(BothTransports, LoginBothMechanismsAndQuery) {
  for (auto mech :
       {ClientOptions::Auth::kMysql41, ClientOptions::Auth::kSha256Memory}) {
    ClientOptions o = Opts();
    o.auth = mech;
    o.schema = "shop";
    auto c = Connect(o);
    ASSERT_NE(c, nullptr);
    EXPECT_GT(c->client_id(), 0u);
    auto r = c->Execute("hello");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(FirstValue(*r), "hello@shop");  // authzid selected the schema
    EXPECT_TRUE(c->Close().ok());
  }
  auto root = Connect(Opts("root", ""));  // empty password
  ASSERT_NE(root, nullptr);
}

TEST_P(BothTransports, CapabilitiesAdvertised) {
  auto c = Connect(Opts());
  auto caps = c->GetCapabilities();
  ASSERT_TRUE(caps.ok());
  std::map<std::string, std::string> m;
  for (const auto& cap : caps->capabilities())
    m[cap.name()] = AnyToString(cap.value());
  EXPECT_EQ(m["authentication.mechanisms"], "['MYSQL41', 'SHA256_MEMORY']");
  EXPECT_EQ(m["compression"], "{algorithm: ['lz4_message']}");
  EXPECT_EQ(m["xprotocol.version"], "1");
  EXPECT_EQ(m["xprotocol.multiplex"], "false");
  EXPECT_EQ(m["xprotocol.max_frame_bytes"], std::to_string(64u << 20));
}

TEST_P(BothTransports, TlsRefusedAndUnknownCapability) {
  auto c = Connect(Opts());
  Status st = c->SetCapabilities({{"tls", AnyBool(true)}});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(c->last_error().code, 5001u);
  EXPECT_EQ(c->last_error().msg, "Capability prepare failed for 'tls'");
  EXPECT_FALSE(c->last_error().fatal);
  st = c->SetCapabilities({{"no.such.thing", AnyBool(true)}});
  EXPECT_EQ(c->last_error().code, 5002u);
  EXPECT_EQ(c->last_error().msg, "Capability 'no.such.thing' doesn't exist");
  st = c->SetCapabilities({{"xprotocol.version", AnyUint(7)}});
  EXPECT_EQ(c->last_error().code, 5001u);
  EXPECT_NE(c->last_error().msg.find("version 1"), std::string::npos);
  st = c->SetCapabilities(
      {{"compression", AnyObject({{"algorithm", AnyString("zstd_stream")}})}});
  EXPECT_EQ(c->last_error().code, 5175u);
  EXPECT_TRUE(c->Execute("still alive").ok());
}

TEST_F(ServerTest, WrongPasswordThenRetryThenLockout) {
  ServerError e;
  auto bad = Client::Connect(Opts("alice", "nope"), &e);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(e.code, 1045u);
  EXPECT_EQ(e.sql_state, "28000");
  EXPECT_EQ(e.msg,
            "Access denied for user 'alice'@'localhost' (using password: YES)");

  // Same connection: fail, fail (ERROR, connection open), then succeed.
  ClientOptions o = Opts("alice", "nope");
  o.auth = ClientOptions::Auth::kMysql41;
  auto raw = Client::Connect(o);
  ASSERT_FALSE(raw.ok());
  // Drive the retry by hand on a fresh socket.
  ClientOptions ok = Opts();
  auto c = Connect(ok);  // proves the server still serves
  ASSERT_NE(c, nullptr);
}

TEST_F(ServerTest, ThreeFailuresCloseTheConnection) {
  // Build a client with no auth by failing login, then speak raw frames.
  ClientOptions o = Opts("alice", "nope");
  o.auth = ClientOptions::Auth::kSha256Memory;
  ServerError e;
  auto c = Client::Connect(o, &e);
  ASSERT_FALSE(c.ok());
  EXPECT_FALSE(e.fatal);  // first failure leaves the connection open

  // Use a raw connection to count failures on one socket.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  auto send = [&s](uint8_t type, const google::protobuf::MessageLite& m) {
    Buffer b;
    FrameWriter w(&b);
    WriteMessage(&w, type, m);
    boost::asio::write(s, boost::asio::buffer(b.data(), b.size()));
  };
  auto read = [&s]() -> std::pair<uint8_t, std::string> {
    uint8_t h[5];
    boost::asio::read(s, boost::asio::buffer(h, 5));
    uint32_t len = DecodeFixed32(h);
    std::string p(len - 1, '\0');
    boost::asio::read(s, boost::asio::buffer(p.data(), p.size()));
    return {h[4], p};
  };
  for (int i = 1; i <= 3; ++i) {
    Mysqlx::Session::AuthenticateStart start;
    start.set_mech_name("MYSQL41");
    send(ClientMsg::SESS_AUTHENTICATE_START, start);
    auto [t1, nonce] = read();
    ASSERT_EQ(t1, ServerMsg::SESS_AUTHENTICATE_CONTINUE);
    Mysqlx::Session::AuthenticateContinue cont;
    cont.set_auth_data(std::string("\0alice\0*00", 10));
    send(ClientMsg::SESS_AUTHENTICATE_CONTINUE, cont);
    auto [t2, payload] = read();
    ASSERT_EQ(t2, ServerMsg::ERROR);
    Mysqlx::Error err;
    ASSERT_TRUE(err.ParseFromString(payload));
    EXPECT_EQ(err.code(), 1045u);
    EXPECT_EQ(err.severity() == Mysqlx::Error::FATAL, i == 3) << i;
  }
  uint8_t byte;
  boost::system::error_code ec;
  boost::asio::read(s, boost::asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, boost::asio::error::eof);
}

TEST_P(BothTransports, UnsupportedMessageIsErrorNotFatal) {
  auto c = Connect(Opts());
  Mysqlx::Session::Close dummy;  // any payload; CRUD_FIND is unsupported
  ASSERT_TRUE(c->Send(ClientMsg::CRUD_FIND, dummy).ok());
  Status st = c->ReadOk();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(c->last_error().code, 1047u);
  EXPECT_FALSE(c->last_error().fatal);
  EXPECT_TRUE(c->Execute("after").ok());
}

TEST_P(BothTransports, DecodeFailureIsFatal) {
  auto c = Connect(Opts());
  ASSERT_TRUE(
      c->SendBytes(std::string("\x03\x00\x00\x00\x02\xff\xff", 7)).ok());
  auto m = c->Read();
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->type, ServerMsg::ERROR);
  Mysqlx::Error e;
  ASSERT_TRUE(e.ParseFromString(m->payload));
  EXPECT_EQ(e.code(), 5000u);
  EXPECT_EQ(e.severity(), Mysqlx::Error::FATAL);
  EXPECT_FALSE(c->Read().ok());         // closed
  EXPECT_NE(Connect(Opts()), nullptr);  // others still served
}

TEST_P(BothTransports, OversizedFrameIsFatalAndServerSurvives) {
  ServerOptions o;
  o.max_frame_bytes = 1024;
  StartServer(o);
  auto c = Connect(Opts());
  std::string header("\x01\x10\x00\x00\x0c", 5);  // 4097 bytes announced
  ASSERT_TRUE(c->SendBytes(header).ok());
  auto m = c->Read();
  ASSERT_TRUE(m.ok());
  Mysqlx::Error e;
  ASSERT_TRUE(e.ParseFromString(m->payload));
  EXPECT_EQ(e.code(), 1153u);
  EXPECT_EQ(e.sql_state(), "08S01");
  EXPECT_EQ(e.severity(), Mysqlx::Error::FATAL);
  EXPECT_FALSE(c->Read().ok());
  auto other = Connect(Opts());
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(other->Execute("x").ok());
}

TEST_P(BothTransports, ExpectBlocks) {
  auto c = Connect(Opts());
  Mysqlx::Expect::Open open;
  auto* cond = open.add_cond();
  cond->set_condition_key(Mysqlx::Expect::Open::Condition::EXPECT_FIELD_EXIST);
  cond->set_condition_value("6.1");
  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_OPEN, open).ok());
  EXPECT_TRUE(c->ReadOk().ok());
  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_CLOSE, Mysqlx::Expect::Close()).ok());
  EXPECT_TRUE(c->ReadOk().ok());

  cond->set_condition_value("6.9");
  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_OPEN, open).ok());
  EXPECT_FALSE(c->ReadOk().ok());
  EXPECT_EQ(c->last_error().code, 5168u);

  // no_error: after a failure, the rest of the block fails with 5159.
  Mysqlx::Expect::Open no_error;
  no_error.add_cond()->set_condition_key(
      Mysqlx::Expect::Open::Condition::EXPECT_NO_ERROR);
  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_OPEN, no_error).ok());
  EXPECT_TRUE(c->ReadOk().ok());
  EXPECT_FALSE(c->Execute("fail").ok());
  EXPECT_EQ(c->last_error().code, 1064u);
  EXPECT_FALSE(c->Execute("skipped").ok());
  EXPECT_EQ(c->last_error().code, 5159u);
  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_CLOSE, Mysqlx::Expect::Close()).ok());
  EXPECT_FALSE(c->ReadOk().ok());
  EXPECT_EQ(c->last_error().code, 5159u);
  EXPECT_TRUE(c->Execute("runs again").ok());

  ASSERT_TRUE(c->Send(ClientMsg::EXPECT_CLOSE, Mysqlx::Expect::Close()).ok());
  EXPECT_FALSE(c->ReadOk().ok());
  EXPECT_EQ(c->last_error().code, 5158u);
}

TEST_P(BothTransports, ResetAndReauthenticate) {
  auto c = Connect(Opts());
  EXPECT_TRUE(c->Reset(true).ok());
  EXPECT_TRUE(c->Execute("kept").ok());
  EXPECT_TRUE(c->Reset(false).ok());
  auto r = c->Execute("needs auth");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(c->last_error().code, 1047u);
}

TEST_F(ServerTest, ResetToAuthenticationRenewsTheLoginDeadline) {
  ServerOptions so;
  // The first login must fit in the deadline on a loaded machine too.
  so.connect_timeout = std::chrono::milliseconds(1000);
  StartServer(so);
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(1300));  // past the first deadline
  ASSERT_TRUE(c->Reset(false).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto caps = c->GetCapabilities();  // not a FATAL 1159
  EXPECT_TRUE(caps.ok()) << caps.status().ToString();
}

TEST_P(BothTransports, PipelinedRequestsAnswerInOrder) {
  auto c = Connect(Opts());
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(c->SendExecute("q" + std::to_string(i)).ok());
  ASSERT_TRUE(c->SendExecute("fail").ok());
  ASSERT_TRUE(c->SendExecute("last").ok());
  for (int i = 0; i < 50; ++i) {
    auto r = c->ReadResult();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(FirstValue(*r), "q" + std::to_string(i) + "@");
  }
  EXPECT_FALSE(c->ReadResult().ok());
  auto last = c->ReadResult();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(FirstValue(*last), "last@");
}

TEST_P(BothTransports, CompressionBothDirections) {
  ClientOptions o = Opts();
  o.compression = true;
  o.compression_threshold = 64;
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  auto r = c->Execute("rows 30000");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sets.at(0).rows.size(), 30000u);
  EXPECT_GT(c->compressed_messages_received(), 0u);
  // A big request goes out compressed (threshold 64) and still works.
  auto big = c->Execute(std::string(5000, 'z'));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(FirstValue(*big), std::string(5000, 'z') + "@");
}

TEST_P(BothTransports, MultiplexedSessionsAreIndependent) {
  ClientOptions o = Opts();
  o.multiplex = true;
  o.schema = "base";
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->multiplexed());
  ASSERT_TRUE(c->OpenSession(7, "seven").ok());
  ASSERT_TRUE(c->OpenSession(9).ok());
  EXPECT_FALSE(c->OpenSession(9).ok());
  EXPECT_EQ(c->last_error().code, 7001u);
  // Interleave requests of three sessions, with an error in one.
  ASSERT_TRUE(c->SendExecute("a", {}, 7).ok());
  ASSERT_TRUE(c->SendExecute("fail", {}, 9).ok());
  ASSERT_TRUE(c->SendExecute("b", {}, 0).ok());
  ASSERT_TRUE(c->SendExecute("c", {}, 9).ok());
  auto r9 = c->ReadResult(9);
  EXPECT_FALSE(r9.ok());
  EXPECT_EQ(c->last_error().code, 1064u);
  auto r0 = c->ReadResult(0);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(FirstValue(*r0), "b@base");
  auto r7 = c->ReadResult(7);
  ASSERT_TRUE(r7.ok());
  EXPECT_EQ(FirstValue(*r7), "a@seven");
  auto r9b = c->ReadResult(9);
  ASSERT_TRUE(r9b.ok());
  EXPECT_EQ(FirstValue(*r9b), "c@base");
  // Unknown session; closed session.
  EXPECT_FALSE(c->Execute("x", {}, 42).ok());
  EXPECT_EQ(c->last_error().code, 7002u);
  EXPECT_TRUE(c->CloseSession(7).ok());
  EXPECT_FALSE(c->Execute("x", {}, 7).ok());
  EXPECT_EQ(c->last_error().code, 7002u);
  // Kill a session from another.
  Xp::Session::KillSession kill;
  kill.set_session_id(9);
  kill.set_kind(Xp::Session::KillSession::SESSION);
  ASSERT_TRUE(c->Send(ClientMsg::SESS_KILL, kill, 0).ok());
  EXPECT_TRUE(c->ReadOk(0).ok());
  EXPECT_FALSE(c->Execute("x", {}, 9).ok());
  EXPECT_TRUE(c->Execute("still", {}, 0).ok());
}

TEST_P(BothTransports, MultiplexWithCompression) {
  ClientOptions o = Opts();
  o.multiplex = true;
  o.compression = true;
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->OpenSession(3).ok());
  ASSERT_TRUE(c->SendExecute("rows 2000", {}, 3).ok());
  ASSERT_TRUE(c->SendExecute("rows 10", {}, 0).ok());
  auto a = c->ReadResult(0);
  auto b = c->ReadResult(3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->sets[0].rows.size(), 10u);
  EXPECT_EQ(b->sets[0].rows.size(), 2000u);
  EXPECT_GT(c->compressed_messages_received(), 0u);
}

TEST_P(BothTransports, MaxConnections) {
  ServerOptions so;
  so.max_connections = 2;
  StartServer(so);
  auto a = Connect(Opts());
  auto b = Connect(Opts());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ServerError e;
  auto c = Dial(Opts(), &e);
  EXPECT_FALSE(c.ok());
  if (!in_memory_) {  // in memory, refused before any frame
    EXPECT_EQ(e.code, 1040u);
    EXPECT_TRUE(e.fatal);
  }
  EXPECT_EQ(server_->stats().connections_rejected, 1u);
  a->Close();
  for (int i = 0; i < 100 && server_->stats().connections_current > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(Connect(Opts()), nullptr);
}

TEST_F(ServerTest, HalfFrameTimesOut) {
  ServerOptions so;
  so.read_timeout = std::chrono::milliseconds(200);
  StartServer(so);
  auto c = Connect(Opts());
  ASSERT_TRUE(c->SendBytes(std::string("\x10\x00\x00\x00\x0c\x0a", 6)).ok());
  auto m = c->Read();
  ASSERT_TRUE(m.ok());
  Mysqlx::Error e;
  ASSERT_TRUE(e.ParseFromString(m->payload));
  EXPECT_EQ(e.code(), 1159u);
  EXPECT_EQ(e.severity(), Mysqlx::Error::FATAL);
}

TEST_F(ServerTest, IdleTimeout) {
  // Generous against a loaded machine: the handshake's own pauses must not
  // reach the idle limit; the notice is timed from the last message sent.
  ServerOptions so;
  so.idle_timeout = std::chrono::milliseconds(1500);
  StartServer(so);
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  const auto idle_from = std::chrono::steady_clock::now();
  auto m = c->Read();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const auto waited = std::chrono::steady_clock::now() - idle_from;
  Mysqlx::Error e;
  ASSERT_TRUE(e.ParseFromString(m->payload));
  EXPECT_EQ(e.code(), 4031u);
  EXPECT_GE(waited, std::chrono::milliseconds(1000));  // not before it
}

TEST_F(ServerTest, WriteTimeoutClosesAClientThatStopsReading) {
  // A client asks for a huge result and reads none of it: once the socket
  // buffers are full, the write stalls; after write_timeout the connection
  // closes and its request stops producing rows.
  ServerOptions so;
  so.write_timeout = std::chrono::milliseconds(1000);
  StartServer(so);
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->SendExecute("bg rows 100000000", {}, 0).ok());
  const auto start = std::chrono::steady_clock::now();
  while (server_->stats().connections_current > 0 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(server_->stats().connections_current, 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const uint64_t produced = dispatcher_.rows_produced.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(dispatcher_.rows_produced.load(), produced);  // cancelled
  EXPECT_LT(produced, 100000000u);
  // A client that read its result and then waits longer than the write
  // timeout is idle, not stalled: it keeps its connection.
  auto idle = Connect(Opts());
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(idle->Execute("rows 10").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto again = idle->Execute("rows 10");
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(ServerTest, AsyncClientPipelinesAndMultiplexes) {
  boost::asio::io_context io;
  ClientOptions o = Opts();
  o.multiplex = true;
  o.compression = true;
  o.schema = "db";
  auto c = AsyncClient::Create(io.get_executor(), o);
  std::vector<std::string> got;
  Status connected, closed;
  uint32_t error_code = 0;
  c->Connect([&](Status st) {
    connected = st;
    if (!st.ok()) return;
    c->OpenSession(5, [&](Status st) {
      ASSERT_TRUE(st.ok()) << st.ToString();
      // Three requests in flight at once, over two sessions.
      c->Execute("first", {}, [&](Result<StmtResult> r) {
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        got.push_back(FirstValue(*r));
      });
      c->Execute(
          "rows 5000", {},
          [&](Result<StmtResult> r) {
            ASSERT_TRUE(r.ok());
            got.push_back(std::to_string(r->sets.at(0).rows.size()));
          },
          5);
      c->Execute("fail", {}, [&](Result<StmtResult> r) {
        EXPECT_FALSE(r.ok());
        error_code = c->last_error().code;
        c->Execute("second", {}, [&](Result<StmtResult> r) {
          ASSERT_TRUE(r.ok());
          got.push_back(FirstValue(*r));
          c->Close([&](Status st) { closed = st; });
        });
      });
    });
  });
  io.run();
  EXPECT_TRUE(connected.ok()) << connected.ToString();
  EXPECT_GT(c->client_id(), 0u);
  EXPECT_EQ(error_code, 1064u);
  EXPECT_TRUE(closed.ok()) << closed.ToString();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "first@db");
  EXPECT_EQ(got[2], "second@db");
  EXPECT_TRUE(std::find(got.begin(), got.end(), "5000") != got.end());
  EXPECT_GT(c->compressed_messages_received(), 0u);
}

TEST_F(ServerTest, AsyncClientWrongPassword) {
  boost::asio::io_context io;
  auto c = AsyncClient::Create(io.get_executor(), Opts("alice", "bad"));
  Status st;
  Status closed;
  c->Connect([&](Status s) {
    st = s;
    c->Close([&](Status s2) { closed = s2; });  // the connection survived
  });
  io.run_for(std::chrono::seconds(5));
  EXPECT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(c->last_error().code, 1045u);
}

TEST_P(BothTransports, RequestsRunWithoutTheClientWaitingForThem) {
  // A request sent ahead (a COMMIT a client does not wait for) runs at
  // once, also when it waits behind a background request of its session.
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  const uint64_t before = dispatcher_.rows_produced.load();
  ASSERT_TRUE(c->SendExecute("bg rows 7").ok());
  ASSERT_TRUE(c->SendExecute("rows 3").ok());
  for (int i = 0; i < 500 && dispatcher_.rows_produced.load() < before + 10;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(dispatcher_.rows_produced.load(), before + 10);
  auto a = c->ReadResult();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sets.at(0).rows.size(), 7u);
  auto b = c->ReadResult();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sets.at(0).rows.size(), 3u);
}

TEST_P(BothTransports, ConnectionCloseSaysOk) {
  auto c = Connect(Opts());
  EXPECT_TRUE(c->Close().ok());
}

}  // namespace
}  // namespace xp

namespace xp {
namespace {

TEST_P(BothTransports, BackgroundRequestsStreamAndKeepTheSessionOrder) {
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->SendExecute("bg rows 20000").ok());
  ASSERT_TRUE(c->SendExecute("after").ok());  // waits for the first
  ASSERT_TRUE(c->SendExecute("bg fail").ok());
  ASSERT_TRUE(c->SendExecute("last").ok());
  auto a = c->ReadResult();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->sets.at(0).rows.size(), 20000u);
  auto b = c->ReadResult();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(FirstValue(*b), "after@");
  EXPECT_FALSE(c->ReadResult().ok());
  EXPECT_EQ(c->last_error().code, 1064u);
  auto d = c->ReadResult();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(FirstValue(*d), "last@");
  EXPECT_EQ(server_->stats().background_requests, 2u);
}

TEST_P(BothTransports, FlowControlPausesUntilTokenOffer) {
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  constexpr uint64_t kCredit = 20000;
  ASSERT_TRUE(c->SendExecute("bg credit=20000 rows 5000").ok());
  uint64_t bytes = 0, rows = 0, dones = 0;
  for (;;) {
    auto m = c->Read();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    if (m->type == ServerMsg::TOKEN_DONE) {
      Xp::Session::TokenDone done;
      ASSERT_TRUE(ParseMessage(m->payload, &done));
      ++dones;
      // Everything sent so far is within the credit plus one row.
      EXPECT_EQ(done.bytes_sent(), bytes);
      EXPECT_GE(bytes, kCredit * dones);
      EXPECT_LT(bytes, kCredit * dones + 100);
      if (dones == 1) {
        // The producer really stopped: no row is made while paused.
        const uint64_t before = dispatcher_.rows_produced.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_EQ(dispatcher_.rows_produced.load(), before);
      }
      Xp::Session::TokenOffer offer;
      offer.set_bytes(kCredit);
      ASSERT_TRUE(c->Send(ClientMsg::TOKEN_OFFER, offer).ok());
      bytes += 5 + m->payload.size();
      continue;
    }
    bytes += 5 + m->payload.size();
    if (m->type == ServerMsg::RESULTSET_ROW) ++rows;
    if (m->type == ServerMsg::SQL_STMT_EXECUTE_OK) break;
  }
  EXPECT_EQ(rows, 5000u);
  EXPECT_GE(dones, 5u);  // ~5000 * 48 bytes / 20000
  // The client library offers credit by itself.
  ClientOptions o = Opts();
  o.credit_bytes = 30000;
  auto auto_client = Connect(o);
  ASSERT_NE(auto_client, nullptr);
  auto r = auto_client->Execute("bg credit=30000 rows 5000");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sets.at(0).rows.size(), 5000u);
  EXPECT_GE(auto_client->tokens_offered(), 5u);
}

TEST_P(BothTransports, KillStopsTheRunningRequestOnly) {
  // Plain framing: a kill of the own session's query is not answered; the
  // query's error is the answer, and the session goes on.
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->SendExecute("bg wait").ok());
  Xp::Session::KillSession kill;
  kill.set_session_id(0);
  ASSERT_TRUE(c->Send(ClientMsg::SESS_KILL, kill).ok());
  EXPECT_FALSE(c->ReadResult().ok());
  EXPECT_EQ(c->last_error().code, 1317u);
  auto r = c->Execute("again");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FirstValue(*r), "again@");
  // A paused (out of credit) request is killed too.
  ASSERT_TRUE(c->SendExecute("bg credit=1000 rows 100000").ok());
  for (;;) {
    auto m = c->Read();
    ASSERT_TRUE(m.ok());
    if (m->type == ServerMsg::TOKEN_DONE) break;
  }
  ASSERT_TRUE(c->Send(ClientMsg::SESS_KILL, kill).ok());
  for (;;) {
    auto m = c->Read();
    ASSERT_TRUE(m.ok());
    if (m->type == ServerMsg::ERROR) {
      ServerError e;
      (void)ParseServerError(m->payload, &e);
      EXPECT_EQ(e.code, 1317u);
      break;
    }
    ASSERT_NE(m->type, ServerMsg::SQL_STMT_EXECUTE_OK);
  }
  EXPECT_TRUE(c->Execute("alive").ok());
}

TEST_P(BothTransports, MultiplexedSessionsInterleaveAndKillEachOther) {
  ClientOptions o = Opts();
  o.multiplex = true;
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->OpenSession(1).ok());
  ASSERT_TRUE(c->OpenSession(2).ok());
  ASSERT_TRUE(c->SendExecute("bg wait", {}, 1).ok());
  ASSERT_TRUE(c->SendExecute("queued", {}, 1).ok());
  // Session 2 is answered while session 1's request runs.
  auto r2 = c->Execute("meanwhile", {}, 2);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(FirstValue(*r2), "meanwhile@");
  auto big = c->Execute("bg rows 3000", {}, 2);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->sets.at(0).rows.size(), 3000u);
  Xp::Session::KillSession kill;
  kill.set_session_id(1);
  ASSERT_TRUE(c->Send(ClientMsg::SESS_KILL, kill, 2).ok());
  EXPECT_TRUE(c->ReadOk(2).ok());
  EXPECT_FALSE(c->ReadResult(1).ok());
  EXPECT_EQ(c->last_error().code, 1317u);
  auto q = c->ReadResult(1);  // the waiting request ran after it
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(FirstValue(*q), "queued@");
}

TEST_P(BothTransports, ThousandAndTwentyFourSessionsOnOneConnection) {
  ClientOptions o = Opts();
  o.multiplex = true;
  o.timeout = std::chrono::milliseconds(30000);
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  // Session 0 and 1023 more.
  for (uint64_t s = 1; s < 1024; ++s) {
    Xp::Session::NewSession req;
    ASSERT_TRUE(c->Send(ClientMsg::SESS_NEW, req, s).ok());
  }
  for (uint64_t s = 1; s < 1024; ++s) ASSERT_TRUE(c->ReadOk(s).ok()) << s;
  EXPECT_FALSE(c->OpenSession(5000).ok());
  EXPECT_EQ(c->last_error().code, 7003u);
  // Every session runs a background request at the same time, and one
  // session's error touches no other.
  for (uint64_t s = 0; s < 1024; ++s) {
    ASSERT_TRUE(
        c->SendExecute(s == 77 ? "bg fail" : "bg rows " + std::to_string(s % 7),
                       {}, s)
            .ok());
  }
  for (uint64_t s = 1024; s-- > 0;) {
    auto r = c->ReadResult(s);
    if (s == 77) {
      EXPECT_FALSE(r.ok());
      continue;
    }
    ASSERT_TRUE(r.ok()) << s << ": " << r.status().ToString();
    EXPECT_EQ(r->sets.at(0).rows.size(), s % 7);
  }
}

TEST_P(BothTransports, StopEndsRunningBackgroundRequests) {
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->SendExecute("bg wait").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto t0 = std::chrono::steady_clock::now();
  server_->Stop();  // cancels the request instead of waiting 10 s for it
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace xp

namespace xp {
namespace {

TEST_F(ServerTest, SessionPoolSpreadsRequestsOverMultiplexedSessions) {
  boost::asio::io_context io;
  SessionPoolOptions po;
  po.client = Opts();
  po.connections = 2;
  po.max_sessions = 8;
  auto pool = SessionPool::Create(io.get_executor(), po);
  constexpr int kRequests = 300;
  int ok = 0, failed = 0, done = 0;
  size_t most_waiting = 0;
  size_t rows = 0;
  for (int i = 0; i < kRequests; ++i) {
    // Background requests that take a while, so sessions are busy at once.
    const std::string sql = i % 50 == 7 ? "bg fail" : "bg rows 200";
    pool->Execute(sql, [&, i](Result<StmtResult> r) {
      if (r.ok()) {
        ++ok;
        rows += r->sets.at(0).rows.size();
      } else {
        ++failed;
      }
      if (++done == kRequests) pool->Close([](Status) {});
      (void)i;
    });
    most_waiting = std::max(most_waiting, pool->requests_waiting());
  }
  io.run();
  EXPECT_EQ(done, kRequests);
  EXPECT_EQ(failed, 6);  // i = 7, 57, ..., 257: errors stay with their request
  EXPECT_EQ(ok, kRequests - 6);
  EXPECT_EQ(rows, static_cast<size_t>(kRequests - 6) * 200);
  EXPECT_GT(most_waiting, 16u);  // more requests than sessions: they queued
  // Two connections, at most 8 sessions each, were used: the server saw
  // 2 connections for 300 requests.
  EXPECT_EQ(server_->stats().connections_accepted, 2u);
}

}  // namespace
}  // namespace xp

namespace xp {
namespace {

TEST_F(ServerTest, ResultStreamOffersCreditAndKillsWhatItStopsReading) {
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->SendExecute("bg credit=20000 rows 5000").ok());
  ResultStream<Client> all(c.get(), 20000);
  size_t rows = 0;
  while (!all.done()) {
    auto m = all.Next();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    if (m->type == ServerMsg::RESULTSET_ROW) ++rows;
    EXPECT_NE(m->type, ServerMsg::TOKEN_DONE);
  }
  EXPECT_EQ(rows, 5000u);
  EXPECT_GE(all.offers(), 5u);
  // A reader that stops after a few rows: the request is killed, the rest
  // drained, and the connection answers the next request.
  const uint64_t before = dispatcher_.rows_produced.load();
  ASSERT_TRUE(c->SendExecute("bg credit=1000 rows 100000").ok());
  ResultStream<Client> early(c.get(), 1000);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(early.Next().ok());
  ASSERT_TRUE(early.SendKill().ok());
  ASSERT_TRUE(early.Drain().ok());
  EXPECT_LT(dispatcher_.rows_produced.load() - before, 100000u);
  auto r = c->Execute("after");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FirstValue(*r), "after@");
}

}  // namespace
}  // namespace xp

namespace xp {
namespace {

TEST_F(ServerTest, InMemoryConnectionsEndWithTheirClientOrTheServer) {
  in_memory_ = true;
  StartServer(ServerOptions());
  EXPECT_EQ(server_->port(), 0);  // no listener
  {
    auto c = Connect(Opts());
    ASSERT_NE(c, nullptr);
    // A background request still running when the client goes away is
    // cancelled, and the connection is gone once the destructor returns.
    ASSERT_TRUE(c->SendExecute("bg wait").ok());
    EXPECT_EQ(server_->stats().connections_current, 1u);
  }
  EXPECT_EQ(server_->stats().connections_current, 0u);
  // So is the connection of a login that failed.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(Dial(Opts("alice", "wrong")).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(server_->stats().connections_current, 0u);
  // Stopping the server closes an idle in-memory client's connection: its
  // next request fails instead of hanging.
  auto idle = Connect(Opts());
  ASSERT_NE(idle, nullptr);
  server_->Stop();
  EXPECT_FALSE(idle->Execute("anyone there").ok());
  EXPECT_FALSE(server_->ConnectInMemory(Opts()).ok());
}

}  // namespace
}  // namespace xp
