// The compute node's MySQL protocol front end (cn/README.md): handshake v10
// with mysql_native_password and caching_sha2_password (fast and full
// paths, sha2_auth.h) against the store's accounts (locked and
// expired accounts as MySQL refuses them), text and binary (prepared statement)
// protocols, OK / ERR packets with MySQL codes and SQLSTATEs,
// CLIENT_DEPRECATE_EOF, SHOW PROCESSLIST and KILL. Every client connection gets
// a thread and an session::SqlSession over the Store given (the cluster store
// in xcn, an in-memory one in tests), so SQL semantics are the engine's.
//
// Bad input: packets are bounded (max_packet_bytes, error 1153 then close),
// every field is read through a bounds-checked reader, and a malformed
// command fails that connection alone (ER_MALFORMED_PACKET 1835).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cn/mysql/sha2_auth.h"
#include "codec/status.h"
#include "codec/thread_annotations.h"
#include "plan/session/sql_session.h"
#include "plan/store/store.h"
#include "xprotocol/auth.h"
#include "xprotocol/tls.h"

namespace xp::cn {

struct MysqlServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;  // 0: any free port (see MysqlServer::port())
  std::string server_version = "8.0.35-xprotocol";
  size_t max_packet_bytes = 64u << 20;
  // Connections beyond this get error 1040 (MySQL's max_connections);
  // those still in their handshake count.
  size_t max_connections = 1000;
  // Authenticated connections of one account beyond this get 1203 (0: no
  // limit; MySQL's max_user_connections).
  size_t max_user_connections = 0;
  // The handshake (greeting to OK) must finish within this, or the
  // connection closes (MySQL's connect_timeout).
  int connect_timeout_s = 10;
  // Until a connection is authenticated its packets are at most this long
  // and it reads in small pieces: a few KiB per connection.
  size_t preauth_packet_bytes = 16u << 10;
  // After this many failed logins in a row of one user from one address,
  // each further attempt (failed or not) waits failed_login_delay_ms times
  // the excess, up to max_failed_login_delay_ms (MySQL's
  // connection_control), so passwords cannot be tried at line rate.
  int failed_login_threshold = 3;
  int failed_login_delay_ms = 1000;
  int max_failed_login_delay_ms = 10000;
  // Prepared statements per connection (max_prepared_stmt_count): 1461.
  size_t max_prepared_statements = 16382;
  // Per-statement memory budget of each session's engine (0: the
  // process default, exec::DefaultStatementMemory()).
  size_t memory_budget = 0;
  // TLS (the SSL request of the handshake): the server's certificate chain
  // and key, PEM files; none: clients asking for TLS are refused.
  std::string ssl_cert, ssl_key;
  // Connections without TLS are refused (3159).
  bool require_secure_transport = false;
  // caching_sha2_password's RSA private key (PEM) for full authentications
  // without TLS; empty: a key generated in memory when first needed.
  std::string rsa_private_key;
};

class MysqlServer {
 public:
  // `store` must outlive the server; clients log in as its accounts
  // (store->accounts(), plan/store/accounts.h).
  MysqlServer(MysqlServerOptions options, exec::Store* store);
  ~MysqlServer();
  // Binds and listens, then accepts on a thread of its own.
  Status Start();
  // Stops accepting, closes every connection and joins their threads.
  void Stop();
  uint16_t port() const { return port_; }
  size_t connections() const;

  // Called with each new engine before it serves (session defaults).
  void set_session_init(std::function<void(session::SqlSession*)> init) {
    session_init_ = std::move(init);
  }

  // One connection's state as SHOW PROCESSLIST shows it.
  struct ProcessInfo {
    uint32_t id;
    std::string user, db, command, info;
    int64_t time_s;
  };
  std::vector<ProcessInfo> ProcessList() const;
  // KILL [QUERY] id: false when there is no such connection.
  bool Kill(uint32_t id, bool query_only);

  class Connection;

 private:
  void AcceptLoop();
  // Every 200 ms from the accept loop: statements whose client closed its
  // connection are cancelled and their connections closed.
  void CancelAbandoned();
  std::chrono::steady_clock::time_point last_watch_;

  const MysqlServerOptions options_;
  exec::Store* store_;
  SslCtxPtr ssl_ctx_;  // set by Start() when options_.ssl_cert is
  Sha2Auth sha2_;      // caching_sha2_password's cache and RSA key
  std::function<void(session::SqlSession*)> session_init_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  mutable Mutex mu_;
  std::map<uint32_t, std::shared_ptr<Connection>> conns_ XP_GUARDED_BY(mu_);
  // Authenticated connections per account (max_user_connections).
  std::map<std::string, size_t> per_account_ XP_GUARDED_BY(mu_);
  // Failed logins in a row per user@address (failed_login_threshold).
  Mutex login_mu_;
  std::map<std::string, int> failed_logins_ XP_GUARDED_BY(login_mu_);
  // How long a login of `key` waits first; Record a login's outcome.
  std::chrono::milliseconds LoginDelay(const std::string& key);
  void RecordLogin(const std::string& key, bool ok);
  std::condition_variable_any conns_cv_;  // conns_ became empty
  uint32_t next_id_ XP_GUARDED_BY(mu_) = 1;
};

}  // namespace xp::cn
