// One accepted X Protocol connection (internal to the server framework).
// Three parts, each in its own file:
//  - server_io.cc: frame I/O on the socket — reads, the frame parser,
//    pipelined input, the output buffer and its flusher (async writes,
//    compression of whole replies), timeouts;
//  - server_connection.cc: the connection state machine (capabilities,
//    authentication, the ready state, Expect blocks, sessions, kill) over
//    AuthExchange, ExpectStack and SessionTable;
//  - server_background.cc: Reply, and requests continued on the
//    WorkerPool (BackgroundTask: output handed back in pieces, flow
//    control, cancellation).
// Everything but the BackgroundTask's worker side runs on the connection's
// strand.
#pragma once

// clang-format off
// <utility> before asio: boost/asio/awaitable.hpp uses std::exchange
// without including it.
#include <utility>
// clang-format on

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "codec/buffer.h"
#include "codec/frame.h"
#include "codec/thread_annotations.h"
#include "xprotocol/auth.h"
#include "xprotocol/capabilities.h"
#include "xprotocol/memory_pipe.h"
#include "xprotocol/messages.h"
#include "xprotocol/server.h"
#include "xprotocol/server_sessions.h"
#include "xprotocol/worker_pool.h"

namespace xp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Stop decoding pipelined requests once this much reply data is pending, and
// write it first: bounds memory per connection.
inline constexpr size_t kMaxPendingOutput = 1 << 20;

// A request continued on a worker thread (Reply::Background).
struct BackgroundTask : PoolJob, std::enable_shared_from_this<BackgroundTask> {
  BackgroundTask(std::shared_ptr<Connection> c, std::shared_ptr<SessionState> s,
                 frame::Framing framing, uint64_t credit,
                 std::function<void(Reply&)> w)
      : conn(std::move(c)),
        state(std::move(s)),
        sid(state->session.session_id()),
        work(std::move(w)),
        writer(&out, framing),
        limited(credit > 0),
        credit(credit) {}

  void Run() override;
  void Cancel() override;
  void Refuse() override;

  const std::shared_ptr<Connection> conn;
  const std::shared_ptr<SessionState> state;  // keeps the Session alive
  const uint64_t sid;
  std::function<void(Reply&)> work;
  // Worker side: output not yet handed to the connection, bytes handed.
  Buffer out;
  FrameWriter writer;
  uint64_t sent = 0;
  bool fatal = false;
  bool failed = false;

  std::atomic<bool> cancelled{false};
  Mutex mu;
  std::condition_variable cv;
  const bool limited;
  uint64_t credit XP_GUARDED_BY(mu);
};

struct Server::Impl {
  Impl(ServerOptions o, Dispatcher* d, const UserStore* u)
      : opts(std::move(o)), dispatcher(d), users(u), pool(opts.max_workers) {}

  void DoAccept();
  void Remove(Connection* c) {
    MutexLock l(&mu);
    conns.erase(c);
    current.store(conns.size());
  }

  const ServerOptions opts;
  Dispatcher* const dispatcher;
  const UserStore* const users;
  // Set by Start() when opts has a certificate.
  std::optional<asio::ssl::context> tls;

  // One io_context per thread, each run by its own thread; a connection
  // lives on one of them (round robin) for its whole life, so a request's
  // read, dispatch and reply never hop between threads (no futex wake-ups
  // per request). The acceptor runs on the first.
  std::vector<std::unique_ptr<asio::io_context>> ios;
  size_t next_io = 0;  // on the acceptor's thread only
  std::optional<tcp::acceptor> acceptor;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool running = false;

  Mutex mu;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> conns
      XP_GUARDED_BY(mu);

  std::atomic<uint64_t> next_client_id{1};
  std::atomic<uint64_t> accepted{0}, rejected{0}, current{0}, frames{0},
      fatals{0}, background{0};

  WorkerPool pool;  // background requests
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl* server, tcp::socket socket, uint64_t client_id);
  // Over an in-memory pipe (Server::ConnectInMemory): handlers run on the
  // pipe's context, i.e. on the client's thread (memory_pipe.h).
  Connection(Server::Impl* server, std::shared_ptr<MemoryPipe> pipe,
             uint64_t client_id);
  void Start();
  // Runs on the strand.
  void CloseNow();
  // The socket's strand, or the pipe's context.
  const asio::any_io_executor& executor() const { return executor_; }
  // Null over TCP.
  const std::shared_ptr<MemoryPipe>& pipe() const { return pipe_; }

  // Called by the worker running `t`.
  void Handoff(BackgroundTask& t, bool wait);
  void Finish(const std::shared_ptr<BackgroundTask>& t);
  // Any thread.
  static void Cancel(BackgroundTask& t);

 private:
  friend class Reply;
  friend struct Server::Impl;

  Connection(Server::Impl* server, std::shared_ptr<MemoryPipe> pipe,
             tcp::socket socket, uint64_t client_id);

  enum class State { kConnecting, kAuthenticating, kReady, kClosing, kClosed };

  // --- frame I/O (server_io.cc)
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Pump();
  void StartWrite();
  void OnWritten(const boost::system::error_code& ec);
  void MaybeRead();
  // The login / read / idle deadline from now, then SetTimer().
  void ArmTimer();
  // The timer at that deadline, or earlier at a pending write's.
  void SetTimer();
  void OnTimeout();
  void ProcessInput();
  // After the Ok of CapabilitiesSet{tls: true} went out: the server side of
  // the TLS handshake; every later byte goes through tls_.
  void StartTls();
  // TLS is on, or the connection is in-process: PLAIN may be used.
  bool secure() const { return pipe_ != nullptr || tls_ != nullptr; }
  void HandleCompression(std::string_view payload, bool inner);
  // Wraps not yet compressed output in a Compression message if it pays.
  void SealOutput();
  // Writes pending output synchronously (only while no async write runs).
  void FlushSync();
  // Output a background request handed over; background output written.
  void AppendOutput(std::string_view data);
  void TaskBytesWritten(size_t n);
  void Fatal(uint32_t code, std::string_view sql_state, std::string_view msg);
  template <class M>
  bool Decode(std::string_view payload, M* m);

  // --- the state machine (server_connection.cc)
  void HandleFrame(uint64_t sid, uint8_t type, std::string_view payload,
                   bool inner);
  void HandlePreAuth(uint64_t sid, uint8_t type, std::string_view payload);
  void HandleReady(uint64_t sid, uint8_t type, std::string_view payload);
  void HandleRequest(SessionState& s, uint8_t type, std::string_view payload);
  void HandleCapabilitiesSet(std::string_view payload, Reply& reply);
  void HandleAuthStart(std::string_view payload);
  void HandleAuthContinue(std::string_view payload);
  // The reply to a finished login attempt (either mechanism family).
  void FinishAuth(Result<AuthData> account, bool fatal);
  void HandleExpectOpen(SessionState& s, std::string_view payload,
                        Reply& reply);
  void HandleReset(SessionState& s, std::string_view payload, Reply& reply);
  void HandleSessNew(uint64_t sid, std::string_view payload);
  // False when the kill is not answered (the sender's own running query).
  bool HandleSessKill(uint64_t sid, std::string_view payload, Reply* reply);
  // What CapabilitiesGet lists and CapabilitiesSet is checked against.
  CapabilityInfo Capabilities() const;
  void SendCapabilities(Reply& reply);
  void BackToAuthentication();

  // --- background requests (server_background.cc)
  void StartBackground(uint64_t sid, uint64_t credit,
                       std::function<void(Reply&)> work);
  void TaskDone(const std::shared_ptr<BackgroundTask>& t);
  void DrainQueued(uint64_t sid);
  void HandleTokenOffer(uint64_t sid, std::string_view payload);

  Server::Impl* const server_;
  // The transport: the socket, or (in memory) a pipe and a socket that is
  // never opened. Over a pipe there is no timer either: the pipe's context
  // then has no reactor (no epoll or timerfd calls per request), and its
  // client, in the same process, does not need the server's timeouts.
  const std::shared_ptr<MemoryPipe> pipe_;
  tcp::socket socket_;
  // Over socket_ once the client started TLS (declared after it: destroyed
  // first).
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  const asio::any_io_executor executor_;
  std::optional<asio::steady_timer> timer_;
  const uint64_t client_id_;
  // When authentication must be complete; renewed when a session reset
  // sends the connection back to authentication.
  std::chrono::steady_clock::time_point connect_deadline_;

  State state_ = State::kConnecting;
  Buffer in_;
  Buffer out_;      // being filled
  Buffer sending_;  // being written
  FrameParser parser_;
  FrameWriter writer_;
  bool compression_ = false;
  size_t out_compress_from_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  // The client asked for TLS: no input is read until the Ok is written and
  // the handshake (handshaking_) is done.
  bool tls_pending_ = false;
  bool handshaking_ = false;
  std::chrono::steady_clock::time_point write_started_;
  std::chrono::steady_clock::time_point timer_deadline_;
  std::chrono::steady_clock::time_point idle_deadline_;  // see ArmTimer
  // ProcessInput() stopped with whole frames left (output or queue limit).
  bool input_blocked_ = false;
  size_t running_tasks_ = 0;

  // Backpressure on background requests: bytes they handed over that are
  // not written yet. Workers wait on bp_cv_ while it is over the limit.
  size_t task_bytes_in_out_ = 0;      // strand only
  size_t task_bytes_in_sending_ = 0;  // strand only
  // Guards no member (dead_ and unsent_task_bytes_ are atomics): it orders
  // their changes with bp_cv_'s waits.
  std::mutex bp_mu_;
  std::condition_variable bp_cv_;
  std::atomic<size_t> unsent_task_bytes_{0};
  std::atomic<bool> dead_{false};

  AuthExchange auth_;
  std::string user_;
  std::string auth_schema_;
  SessionTable sessions_;
};

template <class M>
bool Connection::Decode(std::string_view payload, M* m) {
  if (ParseMessage(payload, m)) return true;
  Fatal(ER_X_BAD_MESSAGE, "HY000",
        "Invalid message: cannot parse " + m->GetTypeName() +
            " (missing required field or malformed protobuf)");
  return false;
}

}  // namespace xp
