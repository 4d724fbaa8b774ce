// The compute node's MySQL front end, its first stage: a connection's
// login (mysql_server.h) — the greeting, TLS on the SSL request, the
// account's plugin by auth switch, the password check, lock / expiry /
// REQUIRE SSL, max_user_connections and failed-login delays. What follows
// a login is mysql_server.cc (commands) and mysql_result.cc (results).
#include <arpa/inet.h>
#include <glog/logging.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <thread>

#include "cn/mysql/mysql_connection.h"
#include "codec/mysql_packet.h"

namespace xp::cn {

using namespace xp::mysql;  // NOLINT: protocol constants

namespace {

constexpr char kNativePlugin[] = "mysql_native_password";

constexpr uint32_t kServerCapabilities =
    kClientLongPassword | kClientFoundRows | kClientLongFlag |
    kClientConnectWithDb | kClientNoSchema | kClientProtocol41 |
    kClientTransactions | kClientSecureConnection | kClientMultiStatements |
    kClientMultiResults | kClientPsMultiResults | kClientPluginAuth |
    kClientConnectAttrs | kClientPluginAuthLenencData | kClientDeprecateEof;

// The client's address as accounts match it, and as messages show it
// (loopback as 'localhost').
void PeerHost(int fd, std::string* address, std::string* shown) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  char buf[INET6_ADDRSTRLEN] = "";
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (ss.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf,
                  sizeof(buf));
    } else if (ss.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr,
                  buf, sizeof(buf));
    }
  }
  *address = buf[0] != '\0' ? buf : "localhost";
  *shown = exec::HostMatches("localhost", *address) ? "localhost" : *address;
}

}  // namespace

ssize_t MysqlServer::Connection::SslRead(char* buf, size_t want) {
  const int n =
      SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(want, INT32_MAX)));
  if (n > 0) return n;
  const int e = SSL_get_error(ssl_, n);
  if (e == SSL_ERROR_ZERO_RETURN) return 0;
  // The socket's receive timeout (wait_timeout, net_read_timeout) shows as
  // WANT_READ: the caller's EAGAIN.
  errno = e == SSL_ERROR_WANT_READ ? EAGAIN : ECONNRESET;
  ERR_clear_error();
  return -1;
}

bool MysqlServer::Connection::StartTls() {
  ssl_ = SSL_new(server_->ssl_ctx_.get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return false;
  // The TLS handshake within what is left of connect_timeout.
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      handshake_deadline_ - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(left.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((left.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (SSL_accept(ssl_) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

bool MysqlServer::Connection::Handshake() {
  const std::string scramble = [] {
    // 20 printable-safe bytes (no NUL: some clients stop at one).
    std::string n = MakeNonce();
    for (char& c : n)
      c = static_cast<char>((static_cast<uint8_t>(c) % 94) + 33);
    return n;
  }();
  seq_ = 0;
  BeginPacket();
  PutU8(&out_, 10);
  PutNulStr(&out_, server_->options_.server_version);
  PutU32(&out_, id_);
  out_.append(scramble, 0, 8);
  PutU8(&out_, 0);
  const uint32_t offered =
      kServerCapabilities | (server_->ssl_ctx_ ? kClientSsl : 0u);
  PutU16(&out_, static_cast<uint16_t>(offered));
  PutU8(&out_, kCharsetUtf8mb4);
  PutU16(&out_, kStatusAutocommit);
  PutU16(&out_, static_cast<uint16_t>(offered >> 16));
  PutU8(&out_, 21);
  out_.append(10, '\0');
  out_.append(scramble, 8, 12);
  PutU8(&out_, 0);
  PutNulStr(&out_, kNativePlugin);
  EndPacket();
  if (!Flush()) return false;

  std::string p;
  if (!ReadPacket(&p)) return false;
  HandshakeResponse hr;
  if (!ParseHandshakeResponse(p, &hr)) {
    WriteError(ER_HANDSHAKE_ERROR, "Bad handshake");
    Flush();
    return false;
  }
  if (hr.ssl_request) {
    if (!server_->ssl_ctx_) {
      WriteError(ER_HANDSHAKE_ERROR, "SSL is not supported by this server");
      Flush();
      return false;
    }
    // TLS, then the real handshake response inside it.
    if (!StartTls() || !ReadPacket(&p)) return false;
    hr = HandshakeResponse();
    if (!ParseHandshakeResponse(p, &hr) || hr.ssl_request) {
      WriteError(ER_HANDSHAKE_ERROR, "Bad handshake");
      Flush();
      return false;
    }
  }
  if (ssl_ == nullptr && server_->options_.require_secure_transport) {
    WriteError(ER_SECURE_TRANSPORT_REQUIRED,
               "Connections using insecure transport are prohibited while "
               "--require_secure_transport=ON.");
    Flush();
    return false;
  }
  const uint32_t caps = hr.capabilities;
  // Copies: `hr` views `p`, which the auth switch reads into again.
  const std::string user(hr.user), db(hr.database), plugin(hr.auth_plugin);
  caps_ = caps & (kServerCapabilities | kClientSsl);
  std::string response(hr.auth_response);
  {
    MutexLock lock(&mu_);
    user_ = user;
  }
  std::string address, shown;
  PeerHost(fd_, &address, &shown);
  const std::string who = "'" + user + "'@'" + shown + "'";
  exec::Accounts::Ptr account =
      server_->store_->accounts().Match(user, address);
  // The account's plugin decides (no account: the default, so that the
  // exchange looks the same); a client that answered for another is
  // switched to it with the same scramble.
  const std::string want =
      account ? account->plugin : std::string(exec::kCachingSha2Plugin);
  const std::string answered = plugin.empty() ? kNativePlugin : plugin;
  if (answered != want) {
    BeginPacket();
    PutU8(&out_, 0xfe);
    PutNulStr(&out_, want);
    out_.append(scramble);
    PutU8(&out_, 0);
    EndPacket();
    if (!Flush() || !ReadPacket(&p)) return false;
    response = p;
  }
  // Repeated failures of this user from this address slow every further
  // attempt down (the right password too: the delay tells nothing).
  const std::string login_key = user + "@" + address;
  const std::chrono::milliseconds delay = server_->LoginDelay(login_key);
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  // caching_sha2_password: its fast path when this server remembers the
  // account's password, else the full path (also for a user without an
  // account, so that both look the same).
  bool fast = false, password_ok = false;
  const std::string account_key =
      account ? exec::Accounts::Key(account->name) : std::string();
  if (want == exec::kCachingSha2Plugin && !response.empty()) {
    fast = account && server_->sha2_.FastPath(account_key, account->verifier,
                                              scramble, response);
    password_ok = fast;
    if (!fast) {
      std::optional<std::string> password;
      if (!Sha2FullAuthentication(scramble, &password)) return false;
      password_ok =
          account && password && exec::CheckPassword(*account, *password);
      if (password_ok)
        server_->sha2_.Remember(account_key, account->verifier, *password);
    }
  } else {
    password_ok = account && exec::CheckScramble(*account, scramble, response);
  }
  // REQUIRE SSL: without TLS the account does not log in (as a wrong
  // password would not).
  password_ok = password_ok && (!account->require_ssl || ssl_ != nullptr);
  server_->RecordLogin(login_key, password_ok);
  if (!password_ok) {
    WriteError(ER_ACCESS_DENIED_ERROR,
               "Access denied for user " + who + " (using password: " +
                   (response.empty() ? "NO" : "YES") + ")");
    Flush();
    return false;
  }
  if (account->locked) {
    WriteError(ER_ACCOUNT_HAS_BEEN_LOCKED,
               "Access denied for user " + who + ". Account is locked.");
    Flush();
    return false;
  }
  if (account->expired && (caps & kClientCanHandleExpiredPasswords) == 0) {
    WriteError(ER_MUST_CHANGE_PASSWORD_LOGIN,
               "Your password has expired. To log in you must change it "
               "using a client that supports expired passwords.");
    Flush();
    return false;
  }
  if (fast) {
    // caching_sha2_password's fast_auth_success, then the OK.
    BeginPacket();
    PutU8(&out_, 0x01);
    PutU8(&out_, 0x03);
    EndPacket();
  }
  bool over_limit = false;
  {
    // Decided under the server's lock, answered outside it (a slow client
    // must not hold up the accept loop).
    const std::string& key = account_key;
    MutexLock lock(&server_->mu_);
    const size_t limit = server_->options_.max_user_connections;
    auto it = server_->per_account_.find(key);
    over_limit =
        limit != 0 && it != server_->per_account_.end() && it->second >= limit;
    if (!over_limit) {
      ++server_->per_account_[key];
      account_key_ = key;
    }
  }
  if (over_limit) {
    WriteError(ER_TOO_MANY_USER_CONNECTIONS,
               "User " + account->name.user +
                   " already has more than 'max_user_connections' active "
                   "connections");
    Flush();
    return false;
  }
  authenticated_ = true;
  auto engine = std::make_unique<session::SqlSession>(server_->store_);
  if (server_->options_.memory_budget != 0)
    engine->set_memory_budget(server_->options_.memory_budget);
  engine->set_connection(id_, user);
  engine->set_account(account->name, shown);
  if (server_->session_init_) server_->session_init_(engine.get());
  if (!db.empty()) {
    Status st = engine->SetDatabase(db);
    if (!st.ok()) {
      WriteError(st);
      Flush();
      return false;
    }
  }
  {
    MutexLock lock(&mu_);
    engine_ = std::move(engine);
    command_ = "Sleep";
  }
  WriteOk();
  return Flush();
}

bool MysqlServer::Connection::Sha2FullAuthentication(
    const std::string& scramble, std::optional<std::string>* password) {
  // perform_full_authentication: the client sends the password itself.
  BeginPacket();
  PutU8(&out_, 0x01);
  PutU8(&out_, 0x04);
  EndPacket();
  std::string p;
  if (!Flush() || !ReadPacket(&p)) return false;
  if (ssl_ != nullptr) {
    // In clear inside TLS, NUL-terminated.
    if (!p.empty() && p.back() == '\0') p.pop_back();
    *password = std::move(p);
    return true;
  }
  // Without TLS: never in clear. A client without the server's public key
  // asks for it (one byte, 2), then sends the password encrypted with it.
  if (p == std::string_view("\x02", 1)) {
    const std::string pem = server_->sha2_.PublicKeyPem();
    if (pem.empty()) return true;  // no key: access denied
    BeginPacket();
    PutU8(&out_, 0x01);
    out_.append(pem);
    EndPacket();
    if (!Flush() || !ReadPacket(&p)) return false;
  }
  auto plain = server_->sha2_.DecryptPassword(p, scramble);
  if (plain.ok()) *password = std::move(plain).value();
  return true;
}

std::chrono::milliseconds MysqlServer::LoginDelay(const std::string& key) {
  MutexLock lock(&login_mu_);
  auto it = failed_logins_.find(key);
  if (it == failed_logins_.end()) return std::chrono::milliseconds(0);
  const int excess = it->second - options_.failed_login_threshold + 1;
  if (excess <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(std::min<int64_t>(
      static_cast<int64_t>(excess) * options_.failed_login_delay_ms,
      options_.max_failed_login_delay_ms));
}

void MysqlServer::RecordLogin(const std::string& key, bool ok) {
  MutexLock lock(&login_mu_);
  if (ok) {
    failed_logins_.erase(key);
    return;
  }
  // Bounded: when full, entries below the threshold go first (they delay
  // nothing yet), then all.
  if (failed_logins_.size() >= 100000 && !failed_logins_.count(key)) {
    for (auto it = failed_logins_.begin(); it != failed_logins_.end();)
      it = it->second < options_.failed_login_threshold
               ? failed_logins_.erase(it)
               : std::next(it);
    if (failed_logins_.size() >= 100000) failed_logins_.clear();
  }
  ++failed_logins_[key];
}

}  // namespace xp::cn
