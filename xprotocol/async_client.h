// Asynchronous XProtocol client on Boost.Asio: the same protocol as Client
// (client.h) with completion callbacks instead of blocking calls. Requests
// are pipelined: Execute() may be called again before earlier results have
// arrived; each session's results complete in request order.
//
// No TLS: Connect() refuses ssl_mode kRequired and above.
//
// Threading: call every method on the client's executor and expect every
// callback there (give it a strand if the io_context runs on several
// threads). Keep the shared_ptr alive until Close() completes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "xprotocol/client.h"
#include "xprotocol/client_codec.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp {

class AsyncClient : public std::enable_shared_from_this<AsyncClient> {
 public:
  using Done = std::function<void(Status)>;
  using ResultDone = std::function<void(Result<StmtResult>)>;

  static std::shared_ptr<AsyncClient> Create(boost::asio::any_io_executor ex,
                                             ClientOptions options);
  ~AsyncClient();

  // Connects, negotiates capabilities and authenticates.
  void Connect(Done done);
  // Runs one statement; `args` bind to its '?' placeholders.
  void Execute(std::string sql, std::vector<Any> args, ResultDone done,
               uint64_t session_id = 0);
  // EXEC_PLAN_READ / EXEC_SQL (docs/PROTOCOL.md §9.4, §9.7). A TOKEN_DONE
  // is answered with a TOKEN_OFFER of options.credit_bytes. A plan sent with
  // its digest goes out digest-only once the node accepted it on this
  // connection, and whole again (once) on a cache miss.
  void ExecutePlan(Xp::Plan::ExecPlan req, ResultDone done,
                   uint64_t session_id = 0);
  void ExecuteSql(Xp::Plan::ExecSql req, ResultDone done,
                  uint64_t session_id = 0);
  // Multiplexed connections only: SESS_NEW for `session_id`.
  void OpenSession(uint64_t session_id, Done done);
  // Connection.Close, then the socket is closed.
  void Close(Done done);

  uint64_t client_id() const { return client_id_; }
  const ServerError& last_error() const { return last_error_; }
  uint64_t compressed_messages_received() const {
    return decoder_.compressed_messages();
  }

  struct Io;

 private:
  // Consumes replies for one request, in order. on_message returns true when
  // the message was the request's last; on_fail runs if the connection dies.
  struct Pending {
    std::function<bool(Message&)> on_message;
    std::function<void(Status)> on_fail;
  };

  AsyncClient(boost::asio::any_io_executor ex, ClientOptions options);
  void Authenticate(std::string mech, Done done);
  void Request(uint8_t type, const google::protobuf::MessageLite& msg,
               uint64_t session_id, Pending pending);
  // Sends `msg` and completes `done` on Ok / Error.
  void RequestOk(uint8_t type, const google::protobuf::MessageLite& msg,
                 uint64_t session_id, Done done);
  // Sends `msg` and assembles its result (answering TOKEN_DONE).
  void RunResult(uint8_t type, const google::protobuf::MessageLite& msg,
                 uint64_t session_id, ResultDone done);
  // Sends a message that gets no reply (TOKEN_OFFER).
  void Send(uint8_t type, const google::protobuf::MessageLite& msg,
            uint64_t session_id);
  void StartRead();
  void StartWrite();
  void FailAll(const Status& st);
  Status ServerFailure(std::string_view payload);

  const ClientOptions options_;
  std::unique_ptr<Io> io_;
  frame::Framing framing_ = frame::Framing::kPlain;
  bool compression_ = false;
  bool failed_ = false;
  bool writing_ = false;
  uint64_t client_id_ = 0;
  ServerError last_error_;
  InboundDecoder decoder_;
  Buffer in_;
  Buffer scratch_;
  std::deque<std::string> outbox_;
  std::map<uint64_t, std::deque<Pending>> pending_;
  std::set<std::string> known_digests_;
};

}  // namespace xp
