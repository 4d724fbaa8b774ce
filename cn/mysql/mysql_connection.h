// Internal to the MySQL front end (mysql_server.h), shared by its files:
// mysql_server.cc (accepting, the connection: packets, handshake, the
// COM_* switch, prepared statements) and mysql_result.cc (result sets in
// the text and binary protocols). Not a public interface.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cn/mysql/mysql_server.h"
#include "codec/mysql_packet.h"
#include "codec/sql_errors.h"
#include "plan/sql/parser.h"

namespace xp::cn {

using namespace xp::mysql;  // NOLINT: protocol constants
using plan::DataType;
using plan::TypeId;

inline constexpr uint8_t kCharsetUtf8mb4 = 45;  // utf8mb4_general_ci
inline constexpr uint8_t kCharsetBinary = 63;

struct ColumnDef {
  uint8_t type = kTypeVarString;
  uint16_t flags = 0;
  uint8_t charset = kCharsetUtf8mb4;
  uint32_t length = 0;
  uint8_t decimals = 0;
};

ColumnDef DefOf(const DataType& t);

void AppendColumnDef(std::string* out, std::string_view name,
                     const ColumnDef& d);

void AppendBinaryDate(std::string* out, int64_t days);

void AppendBinaryDateTime(std::string* out, int64_t micros);

void AppendBinaryTime(std::string* out, int64_t micros);

// One value of a binary result row (the column is not NULL there).
void AppendBinaryValue(std::string* out, const exec::Vector& v,
                       const DataType& t, size_t i);

// A COM_STMT_PREPARE'd statement.
struct Prepared {
  std::string sql;
  uint16_t params = 0;
  std::vector<uint16_t> param_types;  // from the last EXECUTE that sent them
  std::vector<std::optional<std::string>> long_data;
  size_t long_bytes = 0;       // in long_data
  bool long_overflow = false;  // more was sent than max_allowed_packet
  std::vector<std::string> names;
  std::vector<DataType> types;
};

class MysqlServer::Connection : public session::ResultSink {
 public:
  Connection(MysqlServer* server, int fd, uint32_t id)
      : server_(server), fd_(fd), id_(id) {
    start_ = std::chrono::steady_clock::now();
  }
  ~Connection() override {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }

  void Run();
  void Shutdown() {
    closing_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    MutexLock lock(&mu_);
    if (engine_) engine_->CancelRunning();
  }
  void CancelQuery() {
    MutexLock lock(&mu_);
    if (engine_) engine_->CancelRunning();
  }
  // A statement runs and the client has closed its end (or the socket
  // failed): nobody will read the answer.
  bool AbandonedWhileBusy() const {
    if (!busy_.load(std::memory_order_relaxed) || closing_) return false;
    pollfd p{fd_, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 &&
           (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }
  // The account counted against max_user_connections ("" before login).
  const std::string& account_key() const { return account_key_; }
  ProcessInfo Info() const {
    MutexLock lock(&mu_);
    ProcessInfo p;
    p.id = id_;
    p.user = user_;
    p.db = db_;
    p.command = command_;
    p.info = info_;
    p.time_s = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::steady_clock::now() - start_)
                   .count();
    return p;
  }

  // session::ResultSink: a SELECT's rows stream straight into packets.
  Status Columns(const std::vector<std::string>& names,
                 const std::vector<DataType>& types) override;
  Status Rows(const exec::Batch& batch, size_t visible) override;

 private:
  bool ReadPacket(std::string* payload);
  bool Fill(size_t need);
  // One recv into in_ with room for at least `want` more bytes: what recv
  // returned (0: the client closed; -1 with errno, EAGAIN when the
  // socket's receive timeout passed).
  ssize_t ReadSome(size_t want);
  void BeginPacket() {
    packet_start_ = out_.size();
    out_.append(4, '\0');
  }
  void EndPacket();
  bool Flush();
  void WriteOk(uint64_t affected = 0, uint64_t insert_id = 0);
  void WriteEof();
  void WriteError(uint32_t code, std::string_view state, std::string_view msg);
  // An error of codec/sql_errors.h's table, with its SQLSTATE.
  void WriteError(SqlErrorCode code, std::string_view msg) {
    WriteError(code, SqlStateOf(code), msg);
  }
  void WriteError(const Status& st);
  // KILL [QUERY] of connection `id`, its answer written: another
  // account's session needs SUPER or CONNECTION_ADMIN (1095).
  void KillOther(uint32_t id, bool query_only);
  bool Handshake();
  void Dispatch(std::string_view packet);
  void Query(std::string_view sql);
  void Prepare(std::string_view sql);
  void Execute(mysql::Reader& r);
  void FieldList(std::string_view table);
  // Runs one statement and writes its whole answer.
  void RunStatement(std::string_view sql,
                    const std::vector<plan::Value>& params, bool binary);
  // The OK / ERR / end of result set that follows a statement's rows.
  void Answer(const Result<session::QueryResult>& r);
  void RunStatement(sql::StmtPtr stmt, const std::vector<plan::Value>& params,
                    bool binary);
  // One statement of COM_QUERY: parsed once, then answered here (SHOW
  // PROCESSLIST, KILL: this server knows the connections) or run.
  void RunText(std::string_view sql);
  // A result of text columns made here (SHOW PROCESSLIST).
  void WriteTextResult(const session::QueryResult& r);
  bool Intercept(const sql::Statement& stmt);
  uint16_t Status16() const {
    uint16_t s = 0;
    if (engine_ && engine_->in_transaction()) s |= kStatusInTrans;
    if (autocommit_) s |= kStatusAutocommit;
    if (more_results_) s |= kStatusMoreResults;
    return s;
  }
  void SetCommand(const char* command, std::string_view info) {
    busy_.store(std::strcmp(command, "Sleep") != 0, std::memory_order_relaxed);
    std::string db = engine_ ? engine_->current_database() : "";
    MutexLock lock(&mu_);
    db_ = std::move(db);
    command_ = command;
    info_ = std::string(info.substr(0, 1024));
    start_ = std::chrono::steady_clock::now();
  }

  MysqlServer* server_;
  int fd_;
  const uint32_t id_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> busy_{false};  // a command other than Sleep runs
  // Within a multi-statement COM_QUERY: more statements follow this one
  // (SERVER_MORE_RESULTS_EXISTS in its OK / EOF).
  bool more_results_ = false;
  // net_read_timeout for the rest of a command (poll in Fill; -1: none
  // yet), net_write_timeout and wait_timeout as set on the socket
  // (SO_SNDTIMEO; SO_RCVTIMEO, for the wait for the next command; -1: not
  // yet).
  int64_t read_timeout_s_ = -1, write_timeout_s_ = -1, wait_timeout_s_ = -1;
  // Until authenticated: when the handshake must be done by, and the
  // account counted against max_user_connections once it is.
  bool authenticated_ = false;
  std::chrono::steady_clock::time_point handshake_deadline_;
  std::string account_key_;
  // TLS, once the client's SSL request started it (null: none).
  SSL* ssl_ = nullptr;
  bool StartTls();
  ssize_t SslRead(char* buf, size_t want);
  // caching_sha2_password's full path after its fast path did not prove
  // the password: the password itself, in clear inside TLS or RSA-encrypted
  // (sending the public key when asked). False when the connection failed;
  // `password` unset when the client sent nothing usable.
  bool Sha2FullAuthentication(const std::string& scramble,
                              std::optional<std::string>* password);
  // COM_STMT_SEND_LONG_DATA bytes held by all statements: at most
  // max_allowed_packet (more is dropped and the EXECUTE fails with 1153).
  size_t long_data_bytes_ = 0;
  void DropLongData(Prepared* p);
  void ApplyNetTimeouts();
  // Waits up to wait_timeout for the client's next command; false (after
  // ERR 4031) when it stayed idle that long.
  bool WaitForCommand();
  uint32_t errors_ = 0;  // ERR packets written (ends a multi-statement text)
  uint32_t caps_ = 0;
  uint8_t seq_ = 0;
  std::string out_;
  size_t packet_start_ = 0;
  std::string in_;  // bytes read from the socket, from in_pos_ on unused
  size_t in_pos_ = 0;
  std::unique_ptr<session::SqlSession> engine_;
  bool autocommit_ = true;
  // engine_ (written under it; read by other threads only under it) and
  // the processlist fields.
  mutable Mutex mu_;
  // What SHOW PROCESSLIST shows of this connection (copied here by its own
  // thread: the engine is not read from other threads).
  std::string user_ XP_GUARDED_BY(mu_);
  std::string command_ XP_GUARDED_BY(mu_) = "Connect";
  std::string info_ XP_GUARDED_BY(mu_);
  std::string db_ XP_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point start_ XP_GUARDED_BY(mu_);
  std::map<uint32_t, Prepared> stmts_;
  uint32_t next_stmt_ = 1;
  // The result set being streamed by the sink.
  bool binary_ = false;
  bool columns_sent_ = false;
  std::vector<DataType> sink_types_;
};

}  // namespace xp::cn
