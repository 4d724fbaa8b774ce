// The MySQL protocol front end over an in-memory store, driven by
// libmariadb and by raw sockets sending bad bytes: limits (connections,
// prepared statements, packet size), malformed packets, wrong passwords.
#include "cn/mysql/mysql_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mysql.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "codec/digest.h"
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
    exec::Account sha2;  // MySQL 8's default plugin
    sha2.name = exec::AccountName{"sha2", "%"};
    sha2.plugin = exec::kCachingSha2Plugin;
    sha2.verifier = *exec::MakeVerifier(sha2.plugin, "s2-pw");
    sha2.databases["test"] = exec::kPrivSelect;
    store_.accounts().Put(sha2);
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
  // A raw TCP connection that has read the greeting (into *greeting).
  int Raw(std::string* greeting = nullptr) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server_->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    std::string g = ReadPacket(fd);
    if (greeting != nullptr) *greeting = std::move(g);
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
  // caching_sha2_password (libmariadb's plugin, switched to from the
  // greeting's mysql_native_password), right and wrong.
  EXPECT_EQ(Connect("sha2", "wrong"), nullptr);
  EXPECT_EQ(last_error_, 1045u);
  EXPECT_EQ(Connect("sha2", ""), nullptr);
  EXPECT_EQ(last_error_, 1045u);
  m = Connect("sha2", "s2-pw");
  ASSERT_NE(m, nullptr) << last_error_;
  EXPECT_EQ(mysql_query(m, "SELECT CURRENT_USER()"), 0);
  r = mysql_store_result(m);
  ASSERT_NE(r, nullptr);
  EXPECT_STREQ(mysql_fetch_row(r)[0], "sha2@%");
  mysql_free_result(r);
  // What the handshake response named survives the auth switch's second
  // read (the user in USER() and messages, the database).
  EXPECT_EQ(mysql_query(m, "SELECT USER(), DATABASE()"), 0);
  r = mysql_store_result(m);
  ASSERT_NE(r, nullptr);
  row = mysql_fetch_row(r);
  EXPECT_STREQ(row[0], "sha2@localhost");
  EXPECT_STREQ(row[1], "test");
  mysql_free_result(r);
  EXPECT_NE(mysql_query(m, "INSERT INTO t VALUES (3, 'c')"), 0);
  EXPECT_EQ(mysql_errno(m), 1142u);
  EXPECT_STREQ(mysql_error(m),
               "INSERT command denied to user 'sha2'@'localhost' for table "
               "'t'");
  mysql_close(m);
}

// caching_sha2_password as MySQL 8 runs it, driven byte by byte: the first
// login of an account takes the full path (without TLS: the client asks for
// the RSA public key and sends the password encrypted with it), later ones
// the fast path, until the account's password changes. A password sent in
// clear outside TLS is never accepted.
TEST_F(MysqlServerTest, CachingSha2FullPathThenFastPath) {
  Start();
  struct Login {
    int fd;
    std::string scramble;
  };
  const auto begin = [&](const std::string& password) {
    std::string g;
    const int fd = Raw(&g);
    // version NUL, id (4), scramble[0..8), filler, caps, charset, status,
    // caps, length, 10 reserved, scramble[8..20) NUL, plugin.
    const size_t at = g.find('\0', 1) + 1 + 4;
    std::string scramble =
        g.substr(at, 8) + g.substr(at + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10, 12);
    const std::string s1 = Sha256(password);
    const std::string answer = XorBytes(s1, Sha256(Sha256(s1), scramble));
    std::string hr;
    mysql::PutU32(&hr, mysql::kClientProtocol41 |
                           mysql::kClientSecureConnection |
                           mysql::kClientPluginAuth);
    mysql::PutU32(&hr, 1u << 24);
    mysql::PutU8(&hr, 45);
    hr.append(23, '\0');
    hr.append("sha2");
    hr.push_back('\0');
    mysql::PutU8(&hr, static_cast<uint8_t>(answer.size()));
    hr.append(answer);
    hr.append("caching_sha2_password");
    hr.push_back('\0');
    SendPacket(fd, hr, 1);
    return Login{fd, scramble};
  };
  const auto rsa_encrypt = [](const std::string& pem, std::string plain) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    std::string out;
    if (key == nullptr) return out;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    size_t n = static_cast<size_t>(EVP_PKEY_get_size(key));
    out.resize(n);
    if (EVP_PKEY_encrypt_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                         reinterpret_cast<const unsigned char*>(plain.data()),
                         plain.size()) != 1)
      out.clear();
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return out;
  };
  const auto obfuscate = [](std::string pw, const std::string& scramble) {
    pw.push_back('\0');
    for (size_t i = 0; i < pw.size(); ++i) pw[i] ^= scramble[i % 20];
    return pw;
  };
  const std::string kFull("\x01\x04", 2), kFast("\x01\x03", 2);
  // 1. Full path: public key on request, password RSA-encrypted.
  Login l = begin("s2-pw");
  EXPECT_EQ(ReadPacket(l.fd), kFull);
  SendPacket(l.fd, std::string(1, '\x02'), 3);
  const std::string key = ReadPacket(l.fd);
  ASSERT_EQ(key.substr(0, 27), "\x01-----BEGIN PUBLIC KEY-----");
  SendPacket(l.fd, rsa_encrypt(key.substr(1), obfuscate("s2-pw", l.scramble)),
             5);
  EXPECT_EQ(ReadPacket(l.fd)[0], '\0');  // OK
  ::close(l.fd);
  // 2. Now remembered: the fast path, no more round trips.
  l = begin("s2-pw");
  EXPECT_EQ(ReadPacket(l.fd), kFast);
  EXPECT_EQ(ReadPacket(l.fd)[0], '\0');
  ::close(l.fd);
  // 3. A wrong scramble falls back to the full path; a password in clear
  // without TLS is refused even when right, and so is a wrong one
  // encrypted.
  l = begin("wrong");
  EXPECT_EQ(ReadPacket(l.fd), kFull);
  SendPacket(l.fd, std::string("s2-pw\0", 6), 3);
  std::string err = ReadPacket(l.fd);
  ASSERT_GE(err.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(err[0]), 0xff);
  EXPECT_EQ(static_cast<uint8_t>(err[1]) | static_cast<uint8_t>(err[2]) << 8,
            1045);
  ::close(l.fd);
  l = begin("wrong");
  EXPECT_EQ(ReadPacket(l.fd), kFull);
  SendPacket(l.fd, rsa_encrypt(key.substr(1), obfuscate("wrong", l.scramble)),
             3);
  err = ReadPacket(l.fd);
  ASSERT_GE(err.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(err[0]), 0xff);
  ::close(l.fd);
  // 4. A new password (a new verifier) forgets the old one: the old
  // password's scramble takes the full path, and fails there.
  exec::Account changed = *store_.accounts().Find({"sha2", "%"});
  changed.verifier = *exec::MakeVerifier(changed.plugin, "new-pw");
  store_.accounts().Put(changed);
  l = begin("s2-pw");
  EXPECT_EQ(ReadPacket(l.fd), kFull);
  ::close(l.fd);
  // libmariadb's plugin does the same exchange by itself.
  EXPECT_EQ(Connect("sha2", "s2-pw"), nullptr);
  MYSQL* m = Connect("sha2", "new-pw");
  ASSERT_NE(m, nullptr) << last_error_;
  mysql_close(m);
  m = Connect("sha2", "new-pw");
  ASSERT_NE(m, nullptr) << last_error_;
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
  // Before login a packet over a few KiB is a bad handshake (1043), then
  // closed: an unauthenticated connection cannot make the server hold more.
  fd = Raw();
  std::string huge;
  mysql::PutU24(&huge, 0xffffff);
  mysql::PutU8(&huge, 1);
  (void)!::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  reply = ReadPacket(fd);
  ASSERT_GE(reply.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(reply[1]) | static_cast<uint8_t>(reply[2])
                                                 << 8,
            1043);
  EXPECT_EQ(ReadPacket(fd), "");  // closed
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
  // After login, a packet over max_allowed_packet: 1153, then closed.
  (void)!::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  reply = ReadPacket(fd);
  ASSERT_GE(reply.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(reply[1]) | static_cast<uint8_t>(reply[2])
                                                 << 8,
            1153);
  ::close(fd);
  // The other session never noticed.
  EXPECT_EQ(mysql_query(good, "SELECT 1"), 0);
  mysql_free_result(mysql_store_result(good));
  mysql_close(good);
}

// A flood of connections that never log in holds every slot only until
// connect_timeout: then they are closed and a real client gets in. A
// handshake sent a byte at a time does not stretch the deadline.
TEST_F(MysqlServerTest, HandshakesMustFinishWithinConnectTimeout) {
  MysqlServerOptions o;
  o.max_connections = 8;
  o.connect_timeout_s = 1;
  Start(o);
  std::vector<int> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(Raw());
  EXPECT_EQ(Connect(), nullptr);
  EXPECT_EQ(last_error_, 1040u);
  const auto t0 = std::chrono::steady_clock::now();
  MYSQL* m = nullptr;
  while (m == nullptr &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    m = Connect();
    if (m == nullptr)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(m, nullptr) << "the flood still holds every slot";
  EXPECT_EQ(mysql_query(m, "SELECT 1"), 0);
  for (int fd : idle) {
    EXPECT_EQ(ReadPacket(fd), "");  // closed by the server
    ::close(fd);
  }
  // A byte every 300 ms: closed at the deadline, not kept alive by them.
  const int slow = Raw();
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    closed = ::send(slow, "\x40", 1, MSG_NOSIGNAL) < 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    char c;
    closed = closed || ::recv(slow, &c, 1, MSG_DONTWAIT) == 0;
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  ::close(slow);
  mysql_close(m);
}

TEST_F(MysqlServerTest, LongDataIsCappedByMaxAllowedPacket) {
  MysqlServerOptions o;
  o.max_packet_bytes = 64 << 10;
  Start(o);
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  MYSQL_STMT* st = mysql_stmt_init(m);
  ASSERT_EQ(mysql_stmt_prepare(st, "SELECT LENGTH(?)", 16), 0);
  MYSQL_BIND b{};
  b.buffer_type = MYSQL_TYPE_STRING;
  ASSERT_EQ(mysql_stmt_bind_param(st, &b), 0);
  const std::string piece(30 << 10, 'x');
  for (int i = 0; i < 3; ++i)  // 90 KiB in all: over the 64 KiB
    ASSERT_EQ(mysql_stmt_send_long_data(st, 0, piece.data(), piece.size()), 0);
  EXPECT_NE(mysql_stmt_execute(st), 0);
  EXPECT_EQ(mysql_stmt_errno(st), 1153u);
  // The statement and the connection go on; what fits is taken.
  ASSERT_EQ(mysql_stmt_send_long_data(st, 0, piece.data(), piece.size()), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  long long n = 0;
  MYSQL_BIND out{};
  out.buffer_type = MYSQL_TYPE_LONGLONG;
  out.buffer = &n;
  ASSERT_EQ(mysql_stmt_bind_result(st, &out), 0);
  ASSERT_EQ(mysql_stmt_fetch(st), 0);
  EXPECT_EQ(n, 30 << 10);
  mysql_stmt_close(st);
  mysql_close(m);
}

TEST_F(MysqlServerTest, MaxUserConnectionsCountsAuthenticatedOnes) {
  MysqlServerOptions o;
  o.max_user_connections = 2;
  Start(o);
  MYSQL* a = Connect("app", "secret");
  MYSQL* b = Connect("app", "secret");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Connect("app", "secret"), nullptr);
  EXPECT_EQ(last_error_, 1203u);
  MYSQL* root = Connect();  // another account: its own count
  ASSERT_NE(root, nullptr);
  mysql_close(a);
  MYSQL* c = nullptr;
  for (int i = 0; i < 50 && c == nullptr; ++i) {  // a's end is seen async
    c = Connect("app", "secret");
    if (c == nullptr)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(c, nullptr);
  if (c) mysql_close(c);
  mysql_close(b);
  mysql_close(root);
}

// After failed_login_threshold failures in a row, every further attempt of
// that user from that address waits (the right password too); a success
// clears the count.
TEST_F(MysqlServerTest, RepeatedFailedLoginsAreSlowedDown) {
  MysqlServerOptions o;
  o.failed_login_threshold = 3;
  o.failed_login_delay_ms = 300;
  Start(o);
  const auto timed = [&](const char* password) {
    const auto t0 = std::chrono::steady_clock::now();
    MYSQL* m = Connect("app", password);
    if (m) mysql_close(m);
    return std::chrono::steady_clock::now() - t0;
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_LT(timed("wrong"), std::chrono::milliseconds(250));
  EXPECT_GE(timed("wrong"), std::chrono::milliseconds(300));
  EXPECT_EQ(last_error_, 1045u);
  EXPECT_GE(timed("wrong"), std::chrono::milliseconds(600));
  EXPECT_GE(timed("secret"), std::chrono::milliseconds(900));  // succeeds
  EXPECT_LT(timed("secret"), std::chrono::milliseconds(250));  // cleared
  // Another user is not slowed by app's failures.
  for (int i = 0; i < 5; ++i) (void)timed("wrong");
  const auto t0 = std::chrono::steady_clock::now();
  MYSQL* r = Connect();
  EXPECT_NE(r, nullptr);
  if (r) mysql_close(r);
  EXPECT_LT(std::chrono::steady_clock::now() - t0,
            std::chrono::milliseconds(250));
}

// TLS through libmariadb: the server's generated CA verifies its
// certificate for 127.0.0.1, queries and a large result cross it; without
// TLS, require_secure_transport refuses (3159) and REQUIRE SSL accounts do
// not log in.
TEST_F(MysqlServerTest, TlsWithAGeneratedCertificate) {
  const std::string dir =
      ::testing::TempDir() + "/xp_tls_" + std::to_string(::getpid());
  Result<TlsFiles> files = EnsureTlsFiles(dir);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  // Made once: a second call keeps them.
  Result<TlsFiles> again = EnsureTlsFiles(dir);
  ASSERT_TRUE(again.ok());
  struct stat st {};
  ASSERT_EQ(::stat(files->key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  MysqlServerOptions o;
  o.ssl_cert = files->cert;
  o.ssl_key = files->key;
  o.require_secure_transport = true;
  exec::Account tls_only;
  tls_only.name = exec::AccountName{"tlsonly", "%"};
  tls_only.require_ssl = true;
  tls_only.global = exec::kPrivSelect;
  store_.accounts().Put(tls_only);
  Start(o);
  const auto tls_connect = [&](const char* user, const std::string& ca,
                               const char* password = "") {
    MYSQL* m = mysql_init(nullptr);
    mysql_optionsv(m, MYSQL_OPT_SSL_CA, ca.c_str());
    bool verify = true;
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    if (mysql_real_connect(m, "127.0.0.1", user, password, "test",
                           server_->port(), nullptr, 0) == nullptr) {
      last_error_ = mysql_errno(m);
      mysql_close(m);
      return static_cast<MYSQL*>(nullptr);
    }
    return m;
  };
  MYSQL* m = tls_connect("root", files->ca);
  ASSERT_NE(m, nullptr) << last_error_;
  ASSERT_NE(mysql_get_ssl_cipher(m), nullptr);
  ASSERT_EQ(mysql_query(m,
                        "CREATE TABLE big (id INT PRIMARY KEY, s "
                        "VARCHAR(200))"),
            0);
  std::string insert = "INSERT INTO big VALUES ";
  for (int i = 0; i < 3000; ++i)
    insert += (i ? ",(" : "(") + std::to_string(i) + ", '" +
              std::string(150, static_cast<char>('a' + i % 26)) + "')";
  ASSERT_EQ(mysql_query(m, insert.c_str()), 0) << mysql_error(m);
  ASSERT_EQ(mysql_query(m, "SELECT * FROM big"), 0);
  MYSQL_RES* r = mysql_store_result(m);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(mysql_num_rows(r), 3000u);
  mysql_free_result(r);
  mysql_close(m);
  MYSQL* t = tls_connect("tlsonly", files->ca);
  EXPECT_NE(t, nullptr) << last_error_;
  if (t) mysql_close(t);
  // caching_sha2_password's full path inside TLS (the password in clear
  // there), then its fast path; a wrong password either way is 1045.
  for (int i = 0; i < 2; ++i) {
    t = tls_connect("sha2", files->ca, "s2-pw");
    EXPECT_NE(t, nullptr) << last_error_;
    if (t) mysql_close(t);
  }
  EXPECT_EQ(tls_connect("sha2", files->ca, "s2-px"), nullptr);
  EXPECT_EQ(last_error_, 1045u);
  // Another CA does not verify this server.
  Result<TlsFiles> other = EnsureTlsFiles(dir + "_other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(tls_connect("root", other->ca), nullptr);
  // Without TLS: refused.
  EXPECT_EQ(Connect(), nullptr);
  EXPECT_EQ(last_error_, 3159u);
  server_->Stop();
  o.require_secure_transport = false;
  server_ = std::make_unique<MysqlServer>(o, &store_);
  ASSERT_TRUE(server_->Start().ok());
  MYSQL* plain = Connect();
  EXPECT_NE(plain, nullptr);
  if (plain) mysql_close(plain);
  EXPECT_EQ(Connect("tlsonly", ""), nullptr);
  EXPECT_EQ(last_error_, 1045u);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "_other");
}

}  // namespace
}  // namespace xp::cn
