// Blocking XProtocol client (docs/PROTOCOL.md §4-§7): connect, negotiate
// capabilities (compression, multiplexing), authenticate with MYSQL41 or
// SHA256_MEMORY, run SQL with bound arguments, pipeline requests, and read
// typed results with their notices. Not thread-safe: one thread per Client.
#pragma once

#include <google/protobuf/message_lite.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "codec/buffer.h"
#include "codec/frame.h"
#include "codec/status.h"
#include "xprotocol/client_codec.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"
#include "xprotocol/values.h"

namespace xp {

class MemoryPipe;

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 33060;
  std::string user;
  std::string password;
  std::string schema;
  enum class Auth { kAuto, kMysql41, kSha256Memory, kPlain };
  // kAuto: over TLS PLAIN; else MYSQL41, then SHA256_MEMORY after an
  // access-denied error (as the MySQL connectors do). kPlain needs TLS.
  Auth auth = Auth::kAuto;
  // TLS over TCP (docs/PROTOCOL.md §4.1; in memory there is none):
  //  kDisabled   never;
  //  kWhenAsked  when the server lists "xprotocol.require_secure_transport"
  //              (one CapabilitiesGet more per connection);
  //  kRequired   always, an error if the server has no TLS;
  //  kVerifyCa   and the server's certificate must chain to ssl_ca;
  //  kVerifyIdentity  and also name `host`.
  enum class SslMode {
    kDisabled,
    kWhenAsked,
    kRequired,
    kVerifyCa,
    kVerifyIdentity
  };
  SslMode ssl_mode = SslMode::kWhenAsked;
  std::string ssl_ca;        // PEM file of the CA(s) kVerifyCa trusts
  bool compression = false;  // negotiate lz4_message
  bool multiplex = false;    // negotiate 13-byte multiplexed frames
  uint32_t max_frame_bytes = frame::kDefaultMaxFrameBytes;
  // Requests of at least this many bytes go out compressed.
  size_t compression_threshold = 512;
  // Socket send/receive timeout; a server silent for longer is an IOError.
  std::chrono::milliseconds timeout{30'000};
  // Flow control: ReadResult answers a TOKEN_DONE with a TOKEN_OFFER of
  // this many bytes (docs/PROTOCOL.md §7.1).
  uint64_t credit_bytes = 4u << 20;
};

class Client {
 public:
  // Connects, negotiates and authenticates. On a server error the Status is
  // Aborted and *error (if given) holds the server's answer.
  static Result<std::unique_ptr<Client>> Connect(const ClientOptions& options,
                                                 ServerError* error = nullptr);
  // The same over an in-memory pipe to a server in this process (made by
  // Server::ConnectInMemory, which is how to get one).
  static Result<std::unique_ptr<Client>> ConnectOver(
      std::shared_ptr<MemoryPipe> pipe, const ClientOptions& options,
      ServerError* error = nullptr);
  ~Client();

  // The id from the CLIENT_ID_ASSIGNED notice.
  uint64_t client_id() const { return client_id_; }
  // The last error reply received (valid after a call returned Aborted).
  const ServerError& last_error() const { return last_error_; }
  // Changes the socket send/receive timeout (ClientOptions::timeout) for
  // what follows; a no-op when it is already `timeout`.
  void set_timeout(std::chrono::milliseconds timeout);

  Result<Mysqlx::Connection::Capabilities> GetCapabilities();
  // Sends CapabilitiesSet and waits for Ok.
  Status SetCapabilities(const std::vector<std::pair<std::string, Any>>& caps);

  // Runs one SQL statement; `args` bind to its '?' placeholders in order.
  Result<StmtResult> Execute(std::string_view sql,
                             const std::vector<Any>& args = {},
                             uint64_t session_id = 0);
  // Pipelining: queue requests with SendExecute, then read their results in
  // the same order with ReadResult.
  Status SendExecute(std::string_view sql, const std::vector<Any>& args = {},
                     uint64_t session_id = 0);
  // Reads one request's replies; a TOKEN_DONE on the way is answered with
  // a TOKEN_OFFER of options.credit_bytes (tokens_offered() counts them).
  Result<StmtResult> ReadResult(uint64_t session_id = 0);
  uint64_t tokens_offered() const { return tokens_offered_; }

  // EXEC_PLAN_READ / EXEC_SQL. A request with both the plan (statement)
  // and its digest goes out with the digest alone once this connection has
  // seen the node accept it; on a cache miss (7012) the whole request is
  // sent again, once.
  Result<StmtResult> ExecutePlan(Xp::Plan::ExecPlan req,
                                 uint64_t session_id = 0);
  Result<StmtResult> ExecuteSql(Xp::Plan::ExecSql req, uint64_t session_id = 0);
  // Requests sent digest-only, and cache misses answered by resending.
  uint64_t digest_only_sent() const { return digest_only_sent_; }
  uint64_t cache_misses() const { return cache_misses_; }

  // Multiplexed connections only: opens logical session `session_id`.
  Status OpenSession(uint64_t session_id, std::string_view schema = {});
  Status CloseSession(uint64_t session_id);
  // Session.Reset; keep_open=false requires authenticating again.
  Status Reset(bool keep_open = true, uint64_t session_id = 0);

  // Thread-safe (the one call allowed while another thread uses the
  // client): SESS_KILL QUERY of the connection's own session, so the
  // request the server runs for it fails with 1317. Never answered; a kill
  // that finds nothing running is ignored by the server (docs/PROTOCOL.md
  // §7). Errors are ignored: the owner sees the connection's state itself.
  void KillRunningQuery();

  // Raw access for tools and conformance tests.
  Status Send(uint8_t type, const google::protobuf::MessageLite& msg,
              uint64_t session_id = 0);
  Status SendBytes(std::string_view bytes);
  // The next message of `session_id` (others are queued); Compression
  // messages are unwrapped transparently.
  Result<Message> Read(uint64_t session_id = 0);
  // Waits for Ok (or fails with the Error received).
  Status ReadOk(uint64_t session_id = 0);

  // Connection.Close, waiting for the Ok; the socket is closed after.
  Status Close();

  bool multiplexed() const { return framing_ == frame::Framing::kMultiplexed; }
  // The connection runs over TLS.
  bool tls() const;
  bool compressed() const { return compression_; }
  uint64_t compressed_messages_received() const {
    return decoder_.compressed_messages();
  }

  struct Io;  // socket; defined in client.cc

 private:
  void ApplyTimeout();  // options_.timeout -> SO_RCVTIMEO / SO_SNDTIMEO
  explicit Client(const ClientOptions& options);
  static Result<std::unique_ptr<Client>> Finish(std::unique_ptr<Client> c,
                                                ServerError* error);
  Status Open();
  Status Handshake();  // capabilities and authentication
  // CapabilitiesSet{tls: true}, then the client side of the TLS handshake,
  // when options_.ssl_mode asks for it.
  Status MaybeStartTls();
  // Bytes to the server / up to `cap` bytes from it (the socket or the
  // pipe): > 0, 0 at end of stream, < 0 with errno set.
  long RawSend(const void* data, size_t n);
  long RawRecv(uint8_t* buf, size_t cap);
  // RawSend until all is sent; false (errno set) when it fails.
  bool SendAll(std::string_view bytes);
  Status Authenticate(const char* mech);
  // AuthenticateOk (after the notices before it) or the error.
  Status ReadAuthOutcome();
  Status ReadSocketMessage();
  Status ServerFailure(std::string_view payload);

  ClientOptions options_;
  std::unique_ptr<Io> io_;
  // One writer on the socket at a time (it guards the socket, no member).
  std::mutex send_mu_;
  frame::Framing framing_ = frame::Framing::kPlain;
  bool compression_ = false;
  bool broken_ = false;
  uint64_t client_id_ = 0;
  ServerError last_error_;
  InboundDecoder decoder_;
  Buffer in_;
  Buffer out_;
  std::map<uint64_t, std::deque<Message>> queues_;
  uint64_t tokens_offered_ = 0;
  std::set<std::string> known_plan_digests_, known_stmt_digests_;
  uint64_t digest_only_sent_ = 0;
  uint64_t cache_misses_ = 0;
};

}  // namespace xp
