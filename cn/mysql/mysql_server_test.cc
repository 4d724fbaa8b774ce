// The MySQL protocol front end over an in-memory store, driven by
// libmariadb and by raw sockets sending bad bytes: limits (connections,
// prepared statements, packet size), malformed packets, wrong passwords.
#include "cn/mysql/mysql_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mysql.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "codec/mysql_packet.h"
#include "plan/store/memory_store.h"

namespace xp::cn {
namespace {

class MysqlServerTest : public ::testing::Test {
 protected:
  void Start(MysqlServerOptions o = {}) {
    (void)store_.CreateDatabase("test", true);
    exec::Account root;
    root.name = exec::AccountName{"root", "localhost"};
    root.global = exec::kPrivGlobalLevel | exec::kPrivGrantOption;
    store_.accounts().Put(root);
    exec::Account app;
    app.name = exec::AccountName{"app", "%"};
    app.verifier = *exec::MakeVerifier(exec::kNativePasswordPlugin, "secret");
    app.databases["test"] = exec::kPrivDatabaseLevel;
    store_.accounts().Put(app);
    o.port = 0;
    server_ = std::make_unique<MysqlServer>(o, &store_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  MYSQL* Connect(const char* user = "root", const char* password = "") {
    MYSQL* m = mysql_init(nullptr);
    if (mysql_real_connect(m, "127.0.0.1", user, password, "test",
                           server_->port(), nullptr, 0) == nullptr) {
      last_error_ = mysql_errno(m);
      mysql_close(m);
      return nullptr;
    }
    return m;
  }
  // A raw TCP connection that has read the greeting.
  int Raw() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server_->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ReadPacket(fd);
    return fd;
  }
  static std::string ReadPacket(int fd) {
    unsigned char h[4];
    if (::recv(fd, h, 4, MSG_WAITALL) != 4) return "";
    const size_t len = h[0] | h[1] << 8 | h[2] << 16;
    std::string p(len, '\0');
    if (len > 0 && ::recv(fd, p.data(), len, MSG_WAITALL) != (ssize_t)len)
      return "";
    return p;
  }
  static void SendPacket(int fd, std::string_view payload, uint8_t seq) {
    std::string out;
    mysql::PutU24(&out, static_cast<uint32_t>(payload.size()));
    mysql::PutU8(&out, seq);
    out.append(payload);
    (void)!::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  }

  exec::MemoryStore store_;
  std::unique_ptr<MysqlServer> server_;
  unsigned last_error_ = 0;
};

TEST_F(MysqlServerTest, PasswordsAndQueries) {
  Start();
  EXPECT_EQ(Connect("app", "wrong"), nullptr);
  EXPECT_EQ(last_error_, 1045u);
  EXPECT_EQ(Connect("nobody"), nullptr);
  MYSQL* m = Connect("app", "secret");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(mysql_query(m, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5))"),
            0);
  ASSERT_EQ(mysql_query(m, "INSERT INTO t VALUES (1, 'a'), (2, NULL)"), 0);
  EXPECT_EQ(mysql_affected_rows(m), 2u);
  ASSERT_EQ(mysql_query(m, "SELECT v FROM t ORDER BY id"), 0);
  MYSQL_RES* r = mysql_store_result(m);
  ASSERT_NE(r, nullptr);
  MYSQL_ROW row = mysql_fetch_row(r);
  EXPECT_STREQ(row[0], "a");
  row = mysql_fetch_row(r);
  EXPECT_EQ(row[0], nullptr);
  mysql_free_result(r);
  EXPECT_NE(mysql_query(m, "SELEC 1"), 0);
  EXPECT_EQ(mysql_errno(m), 1064u);
  EXPECT_STREQ(mysql_sqlstate(m), "42000");
  EXPECT_EQ(mysql_query(m, "SELECT 1"), 0);  // the session goes on
  mysql_free_result(mysql_store_result(m));
  mysql_close(m);
}

TEST_F(MysqlServerTest, ConnectionLimit) {
  MysqlServerOptions o;
  o.max_connections = 2;
  Start(o);
  MYSQL* a = Connect();
  MYSQL* b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Connect(), nullptr);
  EXPECT_EQ(last_error_, 1040u);
  mysql_close(a);
  MYSQL* c = nullptr;
  for (int i = 0; i < 50 && c == nullptr; ++i) {  // the slot frees shortly
    c = Connect();
    if (c == nullptr) usleep(20000);
  }
  EXPECT_NE(c, nullptr);
  mysql_close(b);
  if (c) mysql_close(c);
}

TEST_F(MysqlServerTest, PreparedStatementLimit) {
  MysqlServerOptions o;
  o.max_prepared_statements = 3;
  Start(o);
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  std::vector<MYSQL_STMT*> stmts;
  for (int i = 0; i < 4; ++i) {
    MYSQL_STMT* s = mysql_stmt_init(m);
    const int rc = mysql_stmt_prepare(s, "SELECT ?", 8);
    if (i < 3) {
      EXPECT_EQ(rc, 0) << mysql_stmt_error(s);
    } else {
      EXPECT_NE(rc, 0);
      EXPECT_EQ(mysql_stmt_errno(s), 1461u);
    }
    stmts.push_back(s);
  }
  mysql_stmt_close(stmts[0]);  // frees a slot
  MYSQL_STMT* again = mysql_stmt_init(m);
  EXPECT_EQ(mysql_stmt_prepare(again, "SELECT 1", 8), 0);
  mysql_stmt_close(again);
  for (size_t i = 1; i < stmts.size(); ++i) mysql_stmt_close(stmts[i]);
  mysql_close(m);
}

TEST_F(MysqlServerTest, BadBytesFailTheirConnectionAlone) {
  MysqlServerOptions o;
  o.max_packet_bytes = 1 << 16;
  Start(o);
  MYSQL* good = Connect();
  ASSERT_NE(good, nullptr);
  // A truncated handshake response: refused, connection closed.
  int fd = Raw();
  SendPacket(fd, std::string("\x05\x02\x00", 3), 1);
  std::string reply = ReadPacket(fd);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(static_cast<uint8_t>(reply[0]), 0xff);
  EXPECT_EQ(ReadPacket(fd), "");  // closed
  ::close(fd);
  // A packet over the limit: 1153, then closed.
  fd = Raw();
  std::string huge;
  mysql::PutU24(&huge, 0xffffff);
  mysql::PutU8(&huge, 1);
  (void)!::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  reply = ReadPacket(fd);
  ASSERT_GE(reply.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(reply[1]) | static_cast<uint8_t>(reply[2])
                                                 << 8,
            1153);
  ::close(fd);
  // Garbage after a proper login: malformed commands get errors, unknown
  // ones 1047, and the connection goes on.
  fd = Raw();
  std::string login;
  mysql::PutU32(&login, mysql::kClientProtocol41 |
                            mysql::kClientSecureConnection |
                            mysql::kClientPluginAuth);
  mysql::PutU32(&login, 1 << 24);
  mysql::PutU8(&login, 45);
  login.append(23, '\0');
  mysql::PutNulStr(&login, "root");
  mysql::PutU8(&login, 0);  // empty auth response
  mysql::PutNulStr(&login, "mysql_native_password");
  SendPacket(fd, login, 1);
  reply = ReadPacket(fd);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(reply[0], 0x00) << "login";
  for (std::string cmd : {std::string("\x17\x01", 2), std::string("\x17", 1),
                          std::string("\x0c", 1), std::string("\x99junk", 5)}) {
    SendPacket(fd, cmd, 0);
    reply = ReadPacket(fd);
    ASSERT_FALSE(reply.empty());
    EXPECT_EQ(static_cast<uint8_t>(reply[0]), 0xff);
  }
  SendPacket(fd, std::string("\x0e", 1), 0);  // COM_PING still works
  reply = ReadPacket(fd);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(reply[0], 0x00);
  ::close(fd);
  // The other session never noticed.
  EXPECT_EQ(mysql_query(good, "SELECT 1"), 0);
  mysql_free_result(mysql_store_result(good));
  mysql_close(good);
}

}  // namespace
}  // namespace xp::cn
