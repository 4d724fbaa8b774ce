// TLS on the X Protocol (docs/PROTOCOL.md §4.1): the "tls" capability, the
// handshake on both sides, certificate checks, PLAIN only over TLS, and
// require_secure_transport; over real loopback sockets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <map>
#include <thread>

#include "codec/sql_errors.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/server_test_util.h"
#include "xprotocol/tls.h"

namespace xp {
namespace {

// A fresh directory with a generated CA and server certificate.
std::string MakeTlsDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/xp_tls_" +
                          std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(EnsureTlsFiles(dir).ok());
  return dir;
}

class TlsTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = MakeTlsDir("server");
    StartServer(TlsOptions(false));
  }
  void TearDown() override {
    ServerTest::TearDown();
    std::filesystem::remove_all(dir_);
  }

  ServerOptions TlsOptions(bool require) {
    ServerOptions o;
    o.tls_cert_file = dir_ + "/server-cert.pem";
    o.tls_key_file = dir_ + "/server-key.pem";
    o.require_secure_transport = require;
    return o;
  }

  ClientOptions TlsOpts(ClientOptions::SslMode mode) {
    ClientOptions o = Opts();
    o.ssl_mode = mode;
    o.ssl_ca = dir_ + "/ca.pem";
    return o;
  }

  std::string dir_;
};

TEST_F(TlsTest, TlsCarriesLoginAndResultsWithEveryCheckLevel) {
  using Mode = ClientOptions::SslMode;
  for (Mode mode : {Mode::kRequired, Mode::kVerifyCa, Mode::kVerifyIdentity}) {
    auto c = Connect(TlsOpts(mode));
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->tls());
    // Capabilities now say TLS is on.
    auto caps = c->GetCapabilities();
    ASSERT_TRUE(caps.ok());
    std::map<std::string, std::string> m;
    for (const auto& cap : caps->capabilities())
      m[cap.name()] = AnyToString(cap.value());
    EXPECT_EQ(m["tls"], "true");
    auto r = c->Execute("hello");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(FirstValue(*r), "hello@");
  }
  // Without asking, a server that does not require TLS is used in clear,
  // and says it could do TLS.
  auto clear = Connect(Opts());
  ASSERT_NE(clear, nullptr);
  EXPECT_FALSE(clear->tls());
  auto caps = clear->GetCapabilities();
  ASSERT_TRUE(caps.ok());
  bool listed = false;
  for (const auto& cap : caps->capabilities()) {
    if (cap.name() == "tls") listed = AnyToString(cap.value()) == "false";
  }
  EXPECT_TRUE(listed);
}

TEST_F(TlsTest, LargeStreamedResultsAndCompressionOverTls) {
  ClientOptions o = TlsOpts(ClientOptions::SslMode::kRequired);
  o.compression = true;
  o.credit_bytes = 64 << 10;  // flow control: TOKEN_OFFERs go out mid-read
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  auto r = c->Execute("bg credit=65536 rows 50000");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sets.at(0).rows.size(), 50000u);
  EXPECT_GT(c->tokens_offered(), 0u);
  EXPECT_GT(c->compressed_messages_received(),
            0u);  // Inline (not background): the connection flushes every 1 MiB
                  // itself.
  auto inline_rows = c->Execute("rows 60000");
  ASSERT_TRUE(inline_rows.ok()) << inline_rows.status().ToString();
  EXPECT_EQ(inline_rows->sets.at(0).rows.size(), 60000u);
}

TEST_F(TlsTest, KillFromAnotherThreadWhileTheOwnerReads) {
  auto c = Connect(TlsOpts(ClientOptions::SslMode::kRequired));
  ASSERT_NE(c, nullptr);
  std::thread killer([&c] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c->KillRunningQuery();
  });
  auto r = c->Execute("bg wait");
  killer.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(c->last_error().code, 1317u);
  auto again = c->Execute("after the kill");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(TlsTest, CertificateChecksRefuseAnotherCa) {
  const std::string other = MakeTlsDir("other");
  ClientOptions o = TlsOpts(ClientOptions::SslMode::kVerifyCa);
  o.ssl_ca = other + "/ca.pem";
  auto c = Client::Connect(o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("certificate verify failed"),
            std::string::npos)
      << c.status().ToString();
  // kRequired does not check the certificate.
  o.ssl_mode = ClientOptions::SslMode::kRequired;
  EXPECT_TRUE(Client::Connect(o).ok());
  // The identity check: the certificate names localhost and 127.0.0.1,
  // not another host name.
  o = TlsOpts(ClientOptions::SslMode::kVerifyIdentity);
  o.host = "localhost";
  EXPECT_TRUE(Client::Connect(o).ok());
  std::filesystem::remove_all(other);
}

TEST_F(TlsTest, PlainOnlyOverTls) {
  ClientOptions o = Opts();
  o.auth = ClientOptions::Auth::kPlain;
  o.ssl_mode = ClientOptions::SslMode::kDisabled;
  ServerError e;
  ASSERT_FALSE(Client::Connect(o, &e).ok());
  EXPECT_EQ(e.code, 1251u);
  EXPECT_NE(e.msg.find("PLAIN needs TLS"), std::string::npos);
  o.ssl_mode = ClientOptions::SslMode::kRequired;
  auto c = Connect(o);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->Execute("in").ok());
  o.password = "wrong";
  ASSERT_FALSE(Client::Connect(o, &e).ok());
  EXPECT_EQ(e.code, 1045u);
}

TEST_F(TlsTest, RequireSecureTransportRefusesClearLogins) {
  StartServer(TlsOptions(true));
  ClientOptions o = Opts();
  o.ssl_mode = ClientOptions::SslMode::kDisabled;
  ServerError e;
  ASSERT_FALSE(Client::Connect(o, &e).ok());
  EXPECT_EQ(e.code, 3159u);
  // The default mode starts TLS because the server asks for it.
  auto c = Connect(Opts());
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->tls());
  EXPECT_TRUE(c->Execute("secure").ok());
  // In-process connections are not refused.
  in_memory_ = true;
  auto mem = Connect(Opts());
  ASSERT_NE(mem, nullptr);
  EXPECT_FALSE(mem->tls());
  // No certificate, no requirement.
  ServerOptions bad;
  bad.require_secure_transport = true;
  Server s(bad, &dispatcher_, &users_);
  EXPECT_FALSE(s.Start().ok());
}

TEST_F(TlsTest, ServerWithoutCertificateRefusesTls) {
  StartServer(ServerOptions());
  ServerError e;
  auto c = Client::Connect(TlsOpts(ClientOptions::SslMode::kRequired), &e);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(e.code, 5001u);
  EXPECT_NE(c.status().message().find("TLS is required but"), std::string::npos)
      << c.status().ToString();
}

// Raw bytes: a peer that sends data on the heels of its tls request, or
// that does not speak TLS after the Ok, is closed; the server goes on.
TEST_F(TlsTest, ProtocolViolationsAroundTheHandshakeCloseOnlyThatConnection) {
  namespace asio = boost::asio;
  Mysqlx::Connection::CapabilitiesSet set;
  auto* cap = set.mutable_capabilities()->add_capabilities();
  cap->set_name("tls");
  *cap->mutable_value() = AnyBool(true);
  Buffer req;
  FrameWriter w(&req);
  WriteMessage(&w, ClientMsg::CON_CAPABILITIES_SET, set);
  const std::string tls_request(req.view());
  for (bool pipelined : {true, false}) {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    std::string bytes = tls_request;
    // A whole frame (CapabilitiesGet) where the TLS hello should be.
    bytes += std::string("\x01\x00\x00\x00\x01", 5);
    if (pipelined) {
      asio::write(s, asio::buffer(bytes));
    } else {
      asio::write(s, asio::buffer(tls_request));
    }
    // The Ok (and, pipelined, the fatal error) arrive, then end of stream.
    std::string got;
    char buf[4096];
    boost::system::error_code ec;
    bool sent_rest = pipelined;
    for (;;) {
      const size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
      if (!sent_rest && got.size() >= 5) {
        asio::write(s, asio::buffer(bytes.substr(tls_request.size())), ec);
        sent_rest = true;
      }
    }
    ASSERT_GE(got.size(), 5u);
    EXPECT_EQ(static_cast<uint8_t>(got[4]), ServerMsg::OK);
    if (pipelined) {
      EXPECT_NE(got.find("before its Ok"), std::string::npos);
    }
  }
  auto c = Connect(TlsOpts(ClientOptions::SslMode::kRequired));
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->Execute("still serving").ok());
}

}  // namespace
}  // namespace xp
