// XProtocol server framework (docs/PROTOCOL.md §4-§7): accepts connections,
// negotiates capabilities, authenticates, runs the session state machine and
// hands every other request in the ready state to a Dispatcher.
//
// Threading: ServerOptions::threads I/O threads; a connection lives on one of
// them, and its handlers (framing, the session state machine, Dispatch())
// run there one at a time. A Dispatcher is called concurrently for
// different connections and must be thread-safe. A request may continue on
// a worker thread (Reply::Background): it then streams its replies under
// flow control and can be killed, and other sessions of the connection go
// on meanwhile (docs/PROTOCOL.md §7.1).
#pragma once

#include <google/protobuf/message_lite.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/frame.h"
#include "codec/sql_errors.h"
#include "codec/status.h"
#include "xprotocol/auth.h"
#include "xprotocol/proto/mysqlx_datatypes.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"

namespace xp {

struct ServerOptions {
  // false: no TCP listener and no I/O threads; the server takes only
  // in-memory connections (Server::ConnectInMemory).
  bool listen = true;
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port; see Server::port()
  int threads = 2;
  uint32_t max_frame_bytes = frame::kDefaultMaxFrameBytes;
  size_t max_connections = 1024;
  uint32_t max_sessions_per_connection = 1024;
  int max_auth_failures = 3;
  // A frame begun but not completed within this time closes the connection.
  std::chrono::milliseconds read_timeout{30'000};
  // No request for this long closes the connection (MySQL wait_timeout).
  std::chrono::milliseconds idle_timeout{28'800'000};
  // A write the client does not take within this time (it stopped reading
  // its results) closes the connection and cancels its requests (MySQL's
  // net_write_timeout).
  std::chrono::milliseconds write_timeout{60'000};
  // Authentication must complete within this time of connecting.
  std::chrono::milliseconds connect_timeout{30'000};
  // Replies of at least this many bytes are sent compressed once a client
  // negotiated compression.
  size_t compression_threshold = 512;
  // Worker threads for background requests (Reply::Background): made as
  // needed, at most this many; more requests wait for one.
  size_t max_workers = 256;
  // Requests waiting behind a busy session, in bytes per connection; past it
  // the connection stops reading until they drain.
  size_t max_queued_input = 16u << 20;
  // TLS (docs/PROTOCOL.md §4.1): with a certificate chain and its key (PEM
  // files), the "tls" capability is offered and a client may start TLS
  // before it authenticates; PLAIN authentication is accepted over TLS.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Logins over TCP without TLS are refused (3159); in-memory connections
  // are in-process and count as secure.
  bool require_secure_transport = false;
  // Read-only capabilities the dispatcher adds to CapabilitiesGet (e.g. a
  // data node's "xprotocol.plan": the plan operators it runs).
  std::vector<std::pair<std::string, Mysqlx::Datatypes::Any>>
      extra_capabilities;
};

// A logical session: the whole connection with plain framing, one session id
// with multiplexed framing.
class Session {
 public:
  // Dispatcher-owned per-session state; destroyed on reset and close.
  class Data {
   public:
    virtual ~Data() = default;
  };

  Session(uint64_t client_id, uint64_t session_id)
      : client_id_(client_id), session_id_(session_id) {}

  uint64_t client_id() const { return client_id_; }
  uint64_t session_id() const { return session_id_; }
  const std::string& user() const { return user_; }
  const std::string& schema() const { return schema_; }
  void set_user(std::string u) { user_ = std::move(u); }
  void set_schema(std::string s) { schema_ = std::move(s); }
  std::unique_ptr<Data>& data() { return data_; }

 private:
  const uint64_t client_id_;
  const uint64_t session_id_;
  std::string user_;
  std::string schema_;
  std::unique_ptr<Data> data_;
};

class Client;
class Connection;
struct BackgroundTask;
struct ClientOptions;
struct ServerError;

// Where a request's replies go. Any number of non-final messages (metadata,
// rows, notices) through Send(), then exactly one final reply (Ok, Error or
// Final()). Not thread-safe; valid only during Dispatch(), or in a
// background request's work function.
class Reply {
 public:
  Reply(Connection* conn, uint64_t session_id)
      : conn_(conn), session_id_(session_id) {}
  explicit Reply(std::shared_ptr<BackgroundTask> task);
  ~Reply();
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  // Continues this request on a worker thread: `work` runs there with a
  // streaming Reply that it must finish. The Session given to Dispatch()
  // stays valid until then. Until it finishes, the session's later requests
  // wait in order, while SESS_KILL (QUERY: cancelled() turns true) and
  // TOKEN_OFFER for it are handled at once. `credit_bytes` > 0 turns on flow
  // control: once that many bytes went out, MaybeFlush() sends TOKEN_DONE
  // and waits for TOKEN_OFFER credit (or a kill). Call at most once, from
  // Dispatch(), and send nothing on this Reply after it.
  void Background(uint64_t credit_bytes, std::function<void(Reply&)> work);

  void Send(uint8_t type, const google::protobuf::MessageLite& msg);
  // A LOCAL-scope notice (Mysqlx.Notice.Frame) of `type` with `payload`.
  void Notice(uint32_t type, const google::protobuf::MessageLite& payload);
  void Final(uint8_t type, const google::protobuf::MessageLite& msg);
  void Ok(std::string_view msg = {});
  // fatal: the connection is closed once the reply is flushed.
  void Error(uint32_t code, std::string_view sql_state, std::string_view msg,
             bool fatal = false);
  // An error of codec/sql_errors.h's table, with its SQLSTATE.
  void Error(SqlErrorCode code, std::string_view msg) {
    Error(code, SqlStateOf(code), msg);
  }
  void FatalError(SqlErrorCode code, std::string_view msg) {
    Error(code, SqlStateOf(code), msg, true);
  }
  // A Status::SqlError's code, state and message (not fatal).
  void Error(const Status& st);
  // Ok() when `st` is OK, else Error(st).
  void OkOrError(const Status& st);
  // The standard answer to a message type nobody handles: 1047 ERROR.
  void Unsupported(uint8_t type);

  // For encoding rows in place (see RowWriter). Call MaybeFlush() between
  // batches of large results so memory stays bounded (and, in the
  // background, so output streams and flow control applies).
  FrameWriter* writer();
  void MaybeFlush();

  uint64_t session_id() const { return session_id_; }
  bool finished() const { return finished_; }
  bool failed() const { return failed_; }
  // Background requests: set (from another thread) by SESS_KILL QUERY of
  // the session or when the connection goes away; null inline.
  const std::atomic<bool>* cancel_flag() const;
  bool cancelled() const;

 private:
  Connection* conn_;
  const uint64_t session_id_;
  std::shared_ptr<BackgroundTask> task_;  // set in a background request
  bool finished_ = false;
  bool failed_ = false;
};

// Handles requests in the ready state: anything but capabilities,
// authentication, Session.Reset/Close, Connection.Close, Expect and
// compression, which the framework answers itself.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  // `payload` is the undecoded protobuf. Must finish `reply` exactly once;
  // the framework answers 5000 if it does not.
  virtual void Dispatch(Session& session, uint8_t type,
                        std::string_view payload, Reply& reply) = 0;
};

// The X Plugin's namespace of admin commands.
inline constexpr std::string_view kAdminNamespace = "mysqlx";

// For dispatchers of SQL: true with *stmt when `type` is a
// Sql.StmtExecute in namespace "sql" (with `admin`, also "mysqlx": an admin
// command, told apart by stmt->namespace_()); otherwise answers `reply`
// (1047 for another message, FATAL 5000-range bad message when it does not
// parse, 5162 for another namespace) and returns false.
bool ReadSqlStatement(uint8_t type, std::string_view payload, Reply& reply,
                      Mysqlx::Sql::StmtExecute* stmt, bool admin = false);

struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;
  uint64_t connections_current = 0;
  uint64_t frames_received = 0;
  uint64_t fatal_errors = 0;
  uint64_t background_requests = 0;  // Reply::Background calls
};

class Server {
 public:
  // `dispatcher` and `users` must outlive the server.
  Server(ServerOptions options, Dispatcher* dispatcher, const UserStore* users);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. IOError when the port is taken.
  Status Start();
  // The bound port (after Start()); 0 without a listener.
  uint16_t port() const;
  // The embedded placement (BRIEF §2): a Client connected to this server
  // through an in-memory pipe (memory_pipe.h) instead of a socket — the
  // same frames, capabilities and authentication (options.host/port are
  // not used). Requests answered inline run on the client's thread while
  // it reads; background requests on this server's workers. Close or
  // destroy the Client before the server. Requires Start().
  Result<std::unique_ptr<Client>> ConnectInMemory(const ClientOptions& options,
                                                  ServerError* error = nullptr);
  // Closes the listener and every connection; joins the threads. Idempotent.
  void Stop();
  ServerStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace xp
