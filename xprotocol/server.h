// XProtocol server framework (docs/PROTOCOL.md §4-§7): accepts connections,
// negotiates capabilities, authenticates, runs the session state machine and
// hands every other request in the ready state to a Dispatcher.
//
// Threading: one io_context run by ServerOptions::threads threads. Each
// connection's handlers run serialised on its own strand; a Dispatcher is
// called concurrently for different connections and must be thread-safe.
#pragma once

#include <google/protobuf/message_lite.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/frame.h"
#include "codec/status.h"
#include "xprotocol/auth.h"
#include "xprotocol/proto/mysqlx_datatypes.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"

namespace xp {

struct ServerOptions {
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
  // Authentication must complete within this time of connecting.
  std::chrono::milliseconds connect_timeout{30'000};
  // Replies of at least this many bytes are sent compressed once a client
  // negotiated compression.
  size_t compression_threshold = 512;
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

class Connection;

// Where a request's replies go. Any number of non-final messages (metadata,
// rows, notices) through Send(), then exactly one final reply (Ok, Error or
// Final()). Not thread-safe; valid only during Dispatch().
class Reply {
 public:
  Reply(Connection* conn, uint64_t session_id)
      : conn_(conn), session_id_(session_id) {}

  void Send(uint8_t type, const google::protobuf::MessageLite& msg);
  // A LOCAL-scope notice (Mysqlx.Notice.Frame) of `type` with `payload`.
  void Notice(uint32_t type, const google::protobuf::MessageLite& payload);
  void Final(uint8_t type, const google::protobuf::MessageLite& msg);
  void Ok(std::string_view msg = {});
  // fatal: the connection is closed once the reply is flushed.
  void Error(uint32_t code, std::string_view sql_state, std::string_view msg,
             bool fatal = false);
  // The standard answer to a message type nobody handles: 1047 ERROR.
  void Unsupported(uint8_t type);

  // For encoding rows in place (see RowWriter). Call MaybeFlush() between
  // rows of large results so memory stays bounded.
  FrameWriter* writer();
  void MaybeFlush();

  uint64_t session_id() const { return session_id_; }
  bool finished() const { return finished_; }
  bool failed() const { return failed_; }

 private:
  Connection* const conn_;
  const uint64_t session_id_;
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

// For dispatchers of SQL: true with *stmt when `type` is a
// Sql.StmtExecute in namespace "sql"; otherwise answers `reply` (1047 for
// another message, FATAL 5000-range bad message when it does not parse,
// 5162 for another namespace) and returns false.
bool ReadSqlStatement(uint8_t type, std::string_view payload, Reply& reply,
                      Mysqlx::Sql::StmtExecute* stmt);

struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;
  uint64_t connections_current = 0;
  uint64_t frames_received = 0;
  uint64_t fatal_errors = 0;
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
  // The bound port (after Start()).
  uint16_t port() const;
  // Closes the listener and every connection; joins the threads. Idempotent.
  void Stop();
  ServerStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace xp
