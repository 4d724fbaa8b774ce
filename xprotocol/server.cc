#include "xprotocol/server.h"

#include <boost/asio.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "codec/lz4.h"
#include "codec/sql_errors.h"
#include "codec/thread_annotations.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_expect.pb.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/values.h"

namespace xp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// Stop decoding pipelined requests once this much reply data is pending, and
// write it first: bounds memory per connection.
constexpr size_t kMaxPendingOutput = 1 << 20;
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxExpectDepth = 64;
constexpr uint64_t kProtocolVersion = 1;
// A background request hands its output to the connection in pieces of
// about this size.
constexpr size_t kHandoffBytes = 64 * 1024;

// A logical session and what the framework keeps for it.
struct SessionState {
  struct ExpectBlock {
    bool no_error = false;
    bool failed = false;
  };
  SessionState(uint64_t client_id, uint64_t sid) : session(client_id, sid) {}
  Session session;
  std::vector<ExpectBlock> expects;
  // The request running in the background, if any (weak: the task holds
  // the connection and this state, never the other way round, so nothing
  // leaks when a stopping server drops what it has not run); while it runs
  // (busy) and while requests wait, later requests wait here in order.
  std::weak_ptr<BackgroundTask> running;
  bool busy = false;
  std::deque<std::pair<uint8_t, std::string>> queued;
};
}  // namespace

// A request continued on a worker thread (Reply::Background).
struct BackgroundTask {
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

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl* server, tcp::socket socket, uint64_t client_id);
  void Start();
  // Runs on the strand.
  void CloseNow();
  auto executor() { return socket_.get_executor(); }

  // Called by the worker running `t`.
  void Handoff(BackgroundTask& t, bool wait);
  void Finish(const std::shared_ptr<BackgroundTask>& t);
  static void Cancel(BackgroundTask& t);

 private:
  friend class Reply;
  friend struct Server::Impl;

  enum class State { kConnecting, kAuthenticating, kReady, kClosing, kClosed };
  using ExpectBlock = SessionState::ExpectBlock;

  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Pump();
  void StartWrite();
  void OnWritten(const boost::system::error_code& ec);
  void MaybeRead();
  void StartBackground(uint64_t sid, uint64_t credit,
                       std::function<void(Reply&)> work);
  void AppendOutput(std::string_view data);
  void TaskDone(const std::shared_ptr<BackgroundTask>& t);
  void DrainQueued(uint64_t sid);
  void HandleTokenOffer(uint64_t sid, std::string_view payload);
  static size_t QueuedBytes(const SessionState& s) {
    size_t n = 0;
    for (const auto& q : s.queued) n += q.second.size() + 1;
    return n;
  }
  // The login / read / idle deadline from now, then SetTimer().
  void ArmTimer();
  // The timer at that deadline, or earlier at a pending write's.
  void SetTimer();
  void OnTimeout();
  void ProcessInput();
  void HandleFrame(uint64_t sid, uint8_t type, std::string_view payload,
                   bool inner);
  void HandlePreAuth(uint64_t sid, uint8_t type, std::string_view payload);
  void HandleReady(uint64_t sid, uint8_t type, std::string_view payload);
  void HandleRequest(SessionState& s, uint8_t type, std::string_view payload);
  void HandleCompression(std::string_view payload, bool inner);
  void HandleCapabilitiesSet(std::string_view payload, Reply& reply);
  void HandleAuthStart(std::string_view payload);
  void HandleAuthContinue(std::string_view payload);
  void HandleExpectOpen(SessionState& s, std::string_view payload,
                        Reply& reply);
  void HandleExpectClose(SessionState& s, Reply& reply);
  void HandleReset(SessionState& s, std::string_view payload, Reply& reply);
  void HandleSessNew(uint64_t sid, std::string_view payload);
  // False when the kill is not answered (the sender's own running query).
  bool HandleSessKill(uint64_t sid, std::string_view payload, Reply* reply);
  void SendCapabilities(Reply& reply);
  void BackToAuthentication();

  template <class M>
  bool Decode(std::string_view payload, M* m, uint64_t sid);
  void Fatal(uint32_t code, std::string_view sql_state, std::string_view msg);
  // Wraps not yet compressed output in a Compression message if it pays.
  void SealOutput();
  // Writes pending output synchronously (only while no async write runs).
  void FlushSync();

  Server::Impl* const server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
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
  std::chrono::steady_clock::time_point write_started_;
  std::chrono::steady_clock::time_point timer_deadline_;
  std::chrono::steady_clock::time_point idle_deadline_;  // see ArmTimer
  // ProcessInput() stopped with whole frames left (output or queue limit).
  bool input_blocked_ = false;
  size_t queued_bytes_ = 0;  // requests waiting behind busy sessions
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

  int auth_failures_ = 0;
  std::string auth_mech_;
  std::string auth_nonce_;
  std::string user_;
  std::string auth_schema_;
  std::unordered_map<uint64_t, std::shared_ptr<SessionState>> sessions_;
};

struct Server::Impl {
  Impl(ServerOptions o, Dispatcher* d, const UserStore* u)
      : opts(std::move(o)), dispatcher(d), users(u) {}

  void DoAccept();
  void Remove(Connection* c) {
    MutexLock l(&mu);
    conns.erase(c);
    current.store(conns.size());
  }

  const ServerOptions opts;
  Dispatcher* const dispatcher;
  const UserStore* const users;

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

  // Worker threads for background requests.
  void Submit(std::shared_ptr<BackgroundTask> t);
  void WorkerLoop();
  void StopWorkers();
  Mutex pool_mu;
  std::condition_variable pool_cv;
  std::deque<std::shared_ptr<BackgroundTask>> pool_queue XP_GUARDED_BY(pool_mu);
  std::unordered_set<BackgroundTask*> pool_active XP_GUARDED_BY(pool_mu);
  std::vector<std::thread> workers XP_GUARDED_BY(pool_mu);
  size_t idle_workers XP_GUARDED_BY(pool_mu) = 0;
  bool pool_stopping XP_GUARDED_BY(pool_mu) = false;
};

// ---------------------------------------------------------------- Reply

Reply::Reply(std::shared_ptr<BackgroundTask> task)
    : conn_(task->conn.get()), session_id_(task->sid), task_(std::move(task)) {}

Reply::~Reply() = default;

void Reply::Send(uint8_t type, const google::protobuf::MessageLite& msg) {
  WriteMessage(writer(), type, msg, session_id_);
}

void Reply::Notice(uint32_t type,
                   const google::protobuf::MessageLite& payload) {
  Mysqlx::Notice::Frame f;
  f.set_type(type);
  f.set_scope(Mysqlx::Notice::Frame::LOCAL);
  f.set_payload(payload.SerializeAsString());
  Send(ServerMsg::NOTICE, f);
}

void Reply::Final(uint8_t type, const google::protobuf::MessageLite& msg) {
  finished_ = true;
  Send(type, msg);
}

void Reply::Ok(std::string_view msg) {
  Mysqlx::Ok ok;
  if (!msg.empty()) ok.set_msg(std::string(msg));
  Final(ServerMsg::OK, ok);
}

void Reply::Error(uint32_t code, std::string_view sql_state,
                  std::string_view msg, bool fatal) {
  failed_ = true;
  Final(ServerMsg::ERROR, MakeError(code, sql_state, msg, fatal));
  if (fatal && task_) {
    task_->fatal = true;  // the connection closes when the task ends
  } else if (fatal) {
    conn_->server_->fatals++;
    conn_->state_ = Connection::State::kClosing;
  }
}

void Reply::Unsupported(uint8_t type) {
  Error(ER_UNKNOWN_COM_ERROR, "08S01",
        "Unexpected message received: " +
            MessageTypeName(Direction::kClientToServer, type) +
            " is not supported here");
}

FrameWriter* Reply::writer() {
  return task_ ? &task_->writer : &conn_->writer_;
}

void Reply::MaybeFlush() {
  if (!task_) {
    if (conn_->out_.size() >= kMaxPendingOutput) conn_->FlushSync();
    return;
  }
  BackgroundTask& t = *task_;
  if (t.out.size() >= kHandoffBytes) conn_->Handoff(t, /*wait=*/true);
  if (!t.limited || finished_ || t.cancelled.load()) return;
  UniqueLock lock(&t.mu);
  if (t.sent + t.out.size() < t.credit) return;
  lock.Unlock();
  // Out of credit: say so and wait for more (or a kill).
  Xp::Session::TokenDone done;
  done.set_bytes_sent(t.sent + t.out.size());
  Send(ServerMsg::TOKEN_DONE, done);
  conn_->Handoff(t, /*wait=*/false);
  lock.Lock();
  while (t.credit <= t.sent && !t.cancelled.load()) t.cv.wait(lock.native());
}

void Reply::Background(uint64_t credit_bytes,
                       std::function<void(Reply&)> work) {
  finished_ = true;  // answered by the task
  conn_->StartBackground(session_id_, credit_bytes, std::move(work));
}

const std::atomic<bool>* Reply::cancel_flag() const {
  return task_ ? &task_->cancelled : nullptr;
}

bool Reply::cancelled() const { return task_ && task_->cancelled.load(); }

// ---------------------------------------------------------------- Connection

Connection::Connection(Server::Impl* server, tcp::socket socket,
                       uint64_t client_id)
    : server_(server),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      client_id_(client_id),
      connect_deadline_(std::chrono::steady_clock::now() +
                        server->opts.connect_timeout),
      parser_(frame::Framing::kPlain, server->opts.max_frame_bytes),
      writer_(&out_) {}

void Connection::Start() {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  DoRead();
}

void Connection::CloseNow() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();
  state_ = State::kClosed;
  timer_.cancel();
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  {
    std::lock_guard<std::mutex> lock(bp_mu_);
    dead_ = true;
  }
  bp_cv_.notify_all();
  for (auto& [_, s] : sessions_) {
    if (auto t = s->running.lock()) Cancel(*t);
  }
  sessions_.clear();
  server_->Remove(this);
}

void Connection::ArmTimer() {
  auto deadline = std::chrono::steady_clock::now();
  if (state_ != State::kReady) {
    deadline = connect_deadline_;
  } else if (!in_.empty()) {
    deadline += server_->opts.read_timeout;
  } else {
    deadline += server_->opts.idle_timeout;
  }
  idle_deadline_ = deadline;
  SetTimer();
}

void Connection::SetTimer() {
  auto deadline = idle_deadline_;
  if (writing_)
    deadline = std::min(deadline, write_started_ + server_->opts.write_timeout);
  timer_deadline_ = deadline;
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->OnTimeout();
  });
}

void Connection::OnTimeout() {
  if (state_ == State::kClosed) return;
  if (writing_ && std::chrono::steady_clock::now() - write_started_ >=
                      server_->opts.write_timeout) {
    // The client takes no output: nothing can reach it, so no error is
    // sent; closing cancels what runs for it.
    CloseNow();
    return;
  }
  if (std::chrono::steady_clock::now() < idle_deadline_) {
    SetTimer();  // armed for a write that has finished since
    return;
  }
  if (writing_ || running_tasks_ > 0 || queued_bytes_ > 0 || !reading_) {
    // Busy on the client's behalf (or not waiting for it): not idle.
    ArmTimer();
    return;
  }
  if (state_ != State::kReady) {
    Fatal(ER_NET_READ_INTERRUPTED, "08S01",
          "Timed out waiting for authentication");
  } else if (!in_.empty()) {
    Fatal(ER_NET_READ_INTERRUPTED, "08S01",
          "Timed out reading a frame: " + std::to_string(in_.size()) +
              " bytes of an incomplete frame received");
  } else {
    Fatal(ER_CLIENT_INTERACTION_TIMEOUT, "HY000",
          "The client was disconnected by the server because of inactivity");
  }
  FlushSync();
  CloseNow();
}

void Connection::DoRead() {
  if (state_ == State::kClosed) return;
  reading_ = true;
  ArmTimer();
  in_.Reserve(in_.size() + kReadChunk);
  socket_.async_read_some(
      asio::buffer(in_.data() + in_.size(), in_.capacity() - in_.size()),
      [self = shared_from_this()](const boost::system::error_code& ec,
                                  size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (ec || state_ == State::kClosed) {
    CloseNow();
    return;
  }
  in_.Extend(n);  // the bytes were read into reserved capacity
  Pump();
}

// Reading and writing run side by side: a read is pending whenever the
// connection can take more input, a write whenever output is pending. in_
// is only touched while no read is pending (a read fills its tail).
void Connection::Pump() {
  if (state_ == State::kClosed) return;
  if (!reading_) ProcessInput();
  if (state_ == State::kClosed) return;
  StartWrite();
  if (state_ == State::kClosing) {
    if (!writing_) CloseNow();
    return;
  }
  MaybeRead();
}

void Connection::MaybeRead() {
  if (reading_ || input_blocked_ || state_ == State::kClosing ||
      state_ == State::kClosed) {
    return;
  }
  DoRead();
}

void Connection::StartWrite() {
  if (writing_ || state_ == State::kClosed) return;
  SealOutput();
  if (out_.empty()) return;
  std::swap(out_, sending_);
  out_compress_from_ = 0;
  task_bytes_in_sending_ = task_bytes_in_out_;
  task_bytes_in_out_ = 0;
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  // The timer must fire by the write's deadline; re-armed only when it
  // would fire later than that (at most about once a second).
  if (timer_deadline_ >
      write_started_ + server_->opts.write_timeout + std::chrono::seconds(1))
    SetTimer();
  asio::async_write(
      socket_, asio::buffer(sending_.data(), sending_.size()),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        self->OnWritten(ec);
      });
}

void Connection::OnWritten(const boost::system::error_code& ec) {
  writing_ = false;
  sending_.Clear();
  sending_.ShrinkIfEmpty(kMaxPendingOutput);
  if (task_bytes_in_sending_ > 0) {
    {
      std::lock_guard<std::mutex> lock(bp_mu_);
      unsent_task_bytes_ -= task_bytes_in_sending_;
    }
    task_bytes_in_sending_ = 0;
    bp_cv_.notify_all();
  }
  if (ec || state_ == State::kClosed) {
    CloseNow();
    return;
  }
  Pump();
}

void Connection::FlushSync() {
  if (writing_ || state_ == State::kClosed) return;  // the write drains it
  SealOutput();
  if (out_.empty()) return;
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(out_.data(), out_.size()), ec);
  out_.Clear();
  out_compress_from_ = 0;
  if (task_bytes_in_out_ > 0) {
    {
      std::lock_guard<std::mutex> lock(bp_mu_);
      unsent_task_bytes_ -= task_bytes_in_out_;
    }
    task_bytes_in_out_ = 0;
    bp_cv_.notify_all();
  }
  if (ec) state_ = State::kClosing;
}

// ------------------------------------------------- background requests

void Connection::StartBackground(uint64_t sid, uint64_t credit,
                                 std::function<void(Reply&)> work) {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return;  // cannot happen: called in Dispatch
  auto task = std::make_shared<BackgroundTask>(shared_from_this(), it->second,
                                               writer_.framing(), credit,
                                               std::move(work));
  it->second->running = task;
  it->second->busy = true;
  ++running_tasks_;
  server_->background++;
  server_->Submit(std::move(task));
}

// Worker side: hands the task's output to the connection; with `wait`,
// then waits while too much of it is unwritten.
void Connection::Handoff(BackgroundTask& t, bool wait) {
  if (!t.out.empty()) {
    // The piece itself moves to the connection's thread (one copy, into
    // its output buffer, there).
    auto piece = std::make_shared<Buffer>();
    std::swap(*piece, t.out);
    t.sent += piece->size();
    {
      std::lock_guard<std::mutex> lock(bp_mu_);
      unsent_task_bytes_ += piece->size();
    }
    asio::post(executor(), [self = shared_from_this(), piece] {
      self->AppendOutput(piece->view());
    });
  }
  if (!wait) return;
  std::unique_lock<std::mutex> lock(bp_mu_);
  bp_cv_.wait(lock, [this, &t] {
    return unsent_task_bytes_ < kMaxPendingOutput || dead_ ||
           t.cancelled.load();
  });
}

void Connection::Finish(const std::shared_ptr<BackgroundTask>& t) {
  Handoff(*t, /*wait=*/false);
  asio::post(executor(), [self = shared_from_this(), t] { self->TaskDone(t); });
}

void Connection::Cancel(BackgroundTask& t) {
  {
    MutexLock lock(&t.mu);
    t.cancelled = true;
  }
  t.cv.notify_all();
  { std::lock_guard<std::mutex> lock(t.conn->bp_mu_); }
  t.conn->bp_cv_.notify_all();
}

void Connection::AppendOutput(std::string_view data) {
  if (state_ == State::kClosed) return;
  out_.Append(data);
  task_bytes_in_out_ += data.size();
  StartWrite();
}

void Connection::TaskDone(const std::shared_ptr<BackgroundTask>& t) {
  --running_tasks_;
  SessionState& s = *t->state;
  if (s.running.lock() == t) {
    s.running.reset();
    s.busy = false;
  }
  if (state_ == State::kClosed) return;
  if (t->fatal) {
    server_->fatals++;
    state_ = State::kClosing;
  } else if (t->failed && !s.expects.empty()) {
    s.expects.back().failed = true;
  }
  auto it = sessions_.find(t->sid);
  if (it != sessions_.end() && it->second == t->state) DrainQueued(t->sid);
  Pump();
}

// Runs the requests that waited behind a session's background request, in
// order, until one goes to the background again.
void Connection::DrainQueued(uint64_t sid) {
  for (;;) {
    auto it = sessions_.find(sid);
    if (it == sessions_.end() || state_ != State::kReady) return;
    std::shared_ptr<SessionState> s = it->second;
    if (s->busy || s->queued.empty()) return;
    auto [type, payload] = std::move(s->queued.front());
    s->queued.pop_front();
    queued_bytes_ -= payload.size() + 1;
    HandleRequest(*s, type, payload);
  }
}

void Connection::HandleTokenOffer(uint64_t sid, std::string_view payload) {
  Xp::Session::TokenOffer offer;
  if (!Decode(payload, &offer, sid)) return;
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return;
  std::shared_ptr<BackgroundTask> task = it->second->running.lock();
  if (!task) return;  // nothing running: ignored
  BackgroundTask& t = *task;
  {
    MutexLock lock(&t.mu);
    t.credit += offer.bytes();
  }
  t.cv.notify_all();
}

void Server::Impl::Submit(std::shared_ptr<BackgroundTask> t) {
  UniqueLock lock(&pool_mu);
  if (pool_stopping) {
    lock.Unlock();
    {
      Reply reply(t);
      reply.Error(ER_SERVER_SHUTDOWN, "Server shutdown in progress");
      t->failed = true;
    }
    t->work = nullptr;
    t->conn->Finish(t);
    return;
  }
  pool_queue.push_back(std::move(t));
  if (idle_workers < pool_queue.size() && workers.size() < opts.max_workers) {
    workers.emplace_back([this] { WorkerLoop(); });
  } else {
    pool_cv.notify_one();
  }
}

void Server::Impl::WorkerLoop() {
  UniqueLock lock(&pool_mu);
  for (;;) {
    ++idle_workers;
    while (!pool_stopping && pool_queue.empty()) pool_cv.wait(lock.native());
    --idle_workers;
    if (pool_queue.empty()) return;  // stopping
    std::shared_ptr<BackgroundTask> t = std::move(pool_queue.front());
    pool_queue.pop_front();
    pool_active.insert(t.get());
    if (pool_stopping) Connection::Cancel(*t);
    lock.Unlock();
    {
      Reply reply(t);
      t->work(reply);
      if (!reply.finished()) {
        reply.Error(ER_X_BAD_MESSAGE,
                    "Internal error: the request produced no final reply");
      }
      t->failed = reply.failed();
    }
    t->work = nullptr;
    t->conn->Finish(t);
    lock.Lock();
    pool_active.erase(t.get());
  }
}

void Server::Impl::StopWorkers() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(&pool_mu);
    pool_stopping = true;
    for (BackgroundTask* t : pool_active) Connection::Cancel(*t);
    for (auto& t : pool_queue) Connection::Cancel(*t);
    threads.swap(workers);
  }
  pool_cv.notify_all();
  for (auto& t : threads) t.join();
}

void Connection::SealOutput() {
  if (!compression_) return;
  const size_t n = out_.size() - out_compress_from_;
  if (n < server_->opts.compression_threshold) return;
  Mysqlx::Connection::Compression c;
  c.set_uncompressed_size(n);
  std::string* payload = c.mutable_payload();
  Status st = lz4::CompressFrame(
      std::string_view(
          reinterpret_cast<const char*>(out_.data()) + out_compress_from_, n),
      payload);
  if (!st.ok()) return;  // send uncompressed; always legal
  out_.Truncate(out_compress_from_);
  WriteMessage(&writer_, ServerMsg::COMPRESSION, c, 0);
  out_compress_from_ = out_.size();
}

void Connection::Fatal(uint32_t code, std::string_view sql_state,
                       std::string_view msg) {
  WriteMessage(&writer_, ServerMsg::ERROR,
               MakeError(code, sql_state, msg, /*fatal=*/true), 0);
  server_->fatals++;
  state_ = State::kClosing;
}

template <class M>
bool Connection::Decode(std::string_view payload, M* m, uint64_t sid) {
  if (ParseMessage(payload, m)) {
    return true;
  }
  Fatal(ER_X_BAD_MESSAGE, "HY000",
        "Invalid message: cannot parse " + m->GetTypeName() +
            " (missing required field or malformed protobuf)");
  return false;
}

void Connection::ProcessInput() {
  size_t off = 0;
  input_blocked_ = false;
  while (state_ != State::kClosing && state_ != State::kClosed) {
    if (out_.size() >= kMaxPendingOutput ||
        queued_bytes_ >= server_->opts.max_queued_input) {
      input_blocked_ = true;  // resumed when output drains / requests run
      break;
    }
    Frame f;
    auto outcome = parser_.Parse(in_.data() + off, in_.size() - off, &f);
    if (outcome == FrameParser::Outcome::kNeedMore) break;
    if (outcome == FrameParser::Outcome::kCorrupt) {
      if (parser_.oversized()) {
        Fatal(ER_NET_PACKET_TOO_LARGE, "08S01",
              "Got a packet bigger than max_frame_bytes: " + parser_.error());
      } else {
        Fatal(ER_X_BAD_MESSAGE, "HY000", "Invalid frame: " + parser_.error());
      }
      in_.Clear();
      return;
    }
    off += f.wire_size;
    server_->frames++;
    HandleFrame(f.session_id, f.type, f.payload, /*inner=*/false);
  }
  if (state_ == State::kClosing || state_ == State::kClosed) {
    in_.Clear();
    return;
  }
  in_.Consume(off);
  if (in_.empty()) in_.ShrinkIfEmpty(4 * kReadChunk);
}

void Connection::HandleFrame(uint64_t sid, uint8_t type,
                             std::string_view payload, bool inner) {
  if (type == ClientMsg::COMPRESSION) {
    HandleCompression(payload, inner);
  } else if (state_ == State::kReady) {
    HandleReady(sid, type, payload);
  } else {
    HandlePreAuth(sid, type, payload);
  }
}

void Connection::HandleCompression(std::string_view payload, bool inner) {
  if (!compression_) {
    Fatal(ER_XP_COMPRESSION, "HY000",
          "Compression message received but compression was not negotiated");
    return;
  }
  if (inner) {
    Fatal(ER_XP_COMPRESSION, "HY000",
          "Compression message nested inside a Compression message");
    return;
  }
  Mysqlx::Connection::Compression c;
  if (!Decode(payload, &c, 0)) return;
  std::string plain;
  Status st =
      lz4::DecompressFrame(c.payload(), server_->opts.max_frame_bytes, &plain);
  if (!st.ok()) {
    Fatal(ER_XP_COMPRESSION, "HY000",
          "Cannot decompress Compression payload: " + st.ToString());
    return;
  }
  FrameParser inner_parser(parser_.framing(), parser_.max_frame_bytes());
  std::string_view rest = plain;
  while (!rest.empty() && state_ != State::kClosing) {
    Frame f;
    auto outcome = inner_parser.Parse(rest, &f);
    if (outcome != FrameParser::Outcome::kFrame) {
      Fatal(ER_XP_COMPRESSION, "HY000",
            "Compression payload does not hold whole frames" +
                (inner_parser.error().empty() ? std::string()
                                              : ": " + inner_parser.error()));
      return;
    }
    rest.remove_prefix(f.wire_size);
    server_->frames++;
    HandleFrame(f.session_id, f.type, f.payload, /*inner=*/true);
  }
}

void Connection::HandlePreAuth(uint64_t sid, uint8_t type,
                               std::string_view payload) {
  Reply reply(this, sid);
  if (sid != 0) {
    reply.Error(ER_XP_UNKNOWN_SESSION,
                "Session " + std::to_string(sid) +
                    " does not exist: authenticate on session 0 first");
    return;
  }
  switch (type) {
    case ClientMsg::CON_CAPABILITIES_GET:
      SendCapabilities(reply);
      return;
    case ClientMsg::CON_CAPABILITIES_SET:
      if (state_ == State::kAuthenticating) break;
      HandleCapabilitiesSet(payload, reply);
      return;
    case ClientMsg::CON_CLOSE:
      reply.Ok("bye!");
      state_ = State::kClosing;
      return;
    case ClientMsg::SESS_AUTHENTICATE_START:
      HandleAuthStart(payload);
      return;
    case ClientMsg::SESS_AUTHENTICATE_CONTINUE:
      if (state_ != State::kAuthenticating) break;
      HandleAuthContinue(payload);
      return;
    default:
      break;
  }
  reply.Error(
      ER_UNKNOWN_COM_ERROR,
      "Unexpected message " +
          MessageTypeName(Direction::kClientToServer, type) +
          (state_ == State::kAuthenticating ? " during authentication"
                                            : " before authentication"));
}

void Connection::SendCapabilities(Reply& reply) {
  Mysqlx::Connection::Capabilities caps;
  auto add = [&caps](const char* name, const Any& v) {
    auto* c = caps.add_capabilities();
    c->set_name(name);
    *c->mutable_value() = v;
  };
  add("authentication.mechanisms",
      AnyArray({AnyString("MYSQL41"), AnyString("SHA256_MEMORY")}));
  add("doc.formats", AnyString("text"));
  add("node_type", AnyString("mysql"));
  add("client.pwd_expire_ok", AnyBool(false));
  add("compression",
      AnyObject({{"algorithm", AnyArray({AnyString("lz4_message")})}}));
  add("xprotocol.version", AnyUint(kProtocolVersion));
  add("xprotocol.multiplex",
      AnyBool(parser_.framing() == frame::Framing::kMultiplexed));
  add("xprotocol.max_frame_bytes", AnyUint(server_->opts.max_frame_bytes));
  add("xprotocol.max_sessions",
      AnyUint(server_->opts.max_sessions_per_connection));
  for (const auto& [name, value] : server_->opts.extra_capabilities)
    add(name.c_str(), value);
  reply.Final(ServerMsg::CONN_CAPABILITIES, caps);
}

void Connection::HandleCapabilitiesSet(std::string_view payload, Reply& reply) {
  Mysqlx::Connection::CapabilitiesSet set;
  if (!Decode(payload, &set, reply.session_id())) return;
  bool enable_compression = false;
  std::optional<bool> multiplex;
  auto prepare_failed = [&reply](const std::string& name,
                                 const std::string& why) {
    reply.Error(ER_X_CAPABILITIES_PREPARE_FAILED,
                "Capability prepare failed for '" + name + "'" +
                    (why.empty() ? "" : ": " + why));
  };
  for (const auto& cap : set.capabilities().capabilities()) {
    const std::string& name = cap.name();
    const Any& v = cap.value();
    if (name == "tls") {
      if (AnyAsBool(v).value_or(true)) return prepare_failed(name, "");
    } else if (name == "session_connect_attrs") {
      if (v.type() != Any::OBJECT) {
        return prepare_failed(name, "an object of string values is expected");
      }
    } else if (name == "client.pwd_expire_ok" || name == "client.interactive") {
      if (!AnyAsBool(v)) return prepare_failed(name, "a boolean is expected");
    } else if (name == "compression") {
      const Any* alg = ObjectField(v, "algorithm");
      std::optional<std::string> a =
          alg ? AnyAsString(*alg) : std::optional<std::string>();
      if (!a || (*a != "lz4_message" && *a != "LZ4_MESSAGE")) {
        reply.Error(ER_X_COMPRESSION_INVALID_ALGORITHM,
                    "Invalid or unsupported value for 'compression.algorithm'"
                    " (supported: lz4_message)");
        return;
      }
      enable_compression = true;
    } else if (name == "xprotocol.version") {
      auto ver = AnyAsUint(v);
      if (!ver || *ver != kProtocolVersion) {
        return prepare_failed(name, "this server speaks XProtocol version " +
                                        std::to_string(kProtocolVersion));
      }
    } else if (name == "xprotocol.multiplex") {
      multiplex = AnyAsBool(v);
      if (!multiplex) return prepare_failed(name, "a boolean is expected");
      if (state_ == State::kReady &&
          *multiplex != (parser_.framing() == frame::Framing::kMultiplexed)) {
        return prepare_failed(name,
                              "framing can change only before authentication");
      }
    } else {
      reply.Error(ER_X_CAPABILITY_NOT_FOUND,
                  "Capability '" + name + "' doesn't exist");
      return;
    }
  }
  reply.Ok();
  // Takes effect after the Ok, which still goes out in the old form.
  if (multiplex) {
    const auto f =
        *multiplex ? frame::Framing::kMultiplexed : frame::Framing::kPlain;
    parser_.set_framing(f);
    writer_.set_framing(f);
  }
  if (enable_compression && !compression_) {
    compression_ = true;
    out_compress_from_ = out_.size();
  }
}

void Connection::HandleAuthStart(std::string_view payload) {
  Mysqlx::Session::AuthenticateStart start;
  if (!Decode(payload, &start, 0)) return;
  Reply reply(this, 0);
  const std::string& mech = start.mech_name();
  if (mech != "MYSQL41" && mech != "SHA256_MEMORY") {
    reply.Error(ER_NOT_SUPPORTED_AUTH_MODE,
                "Invalid authentication method " + mech +
                    (mech == "PLAIN" ? " (PLAIN needs TLS)" : ""));
    return;
  }
  auth_mech_ = mech;
  auth_nonce_ = MakeNonce();
  state_ = State::kAuthenticating;
  Mysqlx::Session::AuthenticateContinue cont;
  cont.set_auth_data(auth_nonce_);
  reply.Final(ServerMsg::SESS_AUTHENTICATE_CONTINUE, cont);
}

void Connection::HandleAuthContinue(std::string_view payload) {
  Mysqlx::Session::AuthenticateContinue cont;
  if (!Decode(payload, &cont, 0)) return;
  Reply reply(this, 0);
  AuthData data;
  bool ok = ParseAuthData(cont.auth_data(), &data);
  std::optional<UserRecord> rec;
  if (ok) rec = server_->users->Find(data.user);
  if (ok && rec) {
    ok = auth_mech_ == "MYSQL41"
             ? VerifyMysql41(*rec, auth_nonce_, data.response)
             : VerifySha256Memory(*rec, auth_nonce_, data.response);
  } else {
    ok = false;
  }
  auth_nonce_.clear();
  if (!ok) {
    state_ = State::kConnecting;
    const bool fatal = ++auth_failures_ >= server_->opts.max_auth_failures;
    const std::string denied = "Access denied for user '" + data.user +
                               "'@'localhost' (using password: " +
                               (data.response.empty() ? "NO" : "YES") + ")";
    if (fatal) {
      reply.FatalError(ER_ACCESS_DENIED_ERROR, denied);
    } else {
      reply.Error(ER_ACCESS_DENIED_ERROR, denied);
    }
    return;
  }
  user_ = data.user;
  auth_schema_ = data.schema;
  auto s = std::make_unique<SessionState>(client_id_, 0);
  s->session.set_user(user_);
  s->session.set_schema(auth_schema_);
  sessions_.clear();
  sessions_[0] = std::move(s);
  state_ = State::kReady;
  Mysqlx::Notice::SessionStateChanged changed;
  changed.set_param(Mysqlx::Notice::SessionStateChanged::CLIENT_ID_ASSIGNED);
  *changed.add_value() = ScalarUint(client_id_);
  reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, changed);
  reply.Final(ServerMsg::SESS_AUTHENTICATE_OK,
              Mysqlx::Session::AuthenticateOk());
}

void Connection::BackToAuthentication() {
  for (auto& [_, st] : sessions_) {
    if (auto t = st->running.lock()) Cancel(*t);
  }
  sessions_.clear();
  queued_bytes_ = 0;  // what waited is dropped with the sessions
  user_.clear();
  state_ = State::kConnecting;
  connect_deadline_ =
      std::chrono::steady_clock::now() + server_->opts.connect_timeout;
}

void Connection::HandleReady(uint64_t sid, uint8_t type,
                             std::string_view payload) {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) {
    if (type == ClientMsg::SESS_NEW &&
        parser_.framing() == frame::Framing::kMultiplexed) {
      HandleSessNew(sid, payload);
      return;
    }
    Reply(this, sid).Error(ER_XP_UNKNOWN_SESSION,
                           "Session " + std::to_string(sid) +
                               " does not exist; open it with SESS_NEW");
    return;
  }
  SessionState& s = *it->second;
  if (type == ClientMsg::TOKEN_OFFER) {
    HandleTokenOffer(sid, payload);
    return;
  }
  if (s.busy || !s.queued.empty()) {
    // Busy: the request waits its turn, except a kill of this very
    // session's running query.
    Xp::Session::KillSession kill;
    if (type == ClientMsg::SESS_KILL && ParseMessage(payload, &kill) &&
        kill.session_id() == sid &&
        kill.kind() == Xp::Session::KillSession::QUERY) {
      if (auto t = s.running.lock()) Cancel(*t);
      return;
    }
    s.queued.emplace_back(type, std::string(payload));
    queued_bytes_ += payload.size() + 1;
    return;
  }
  HandleRequest(s, type, payload);
}

void Connection::HandleRequest(SessionState& s, uint8_t type,
                               std::string_view payload) {
  const uint64_t sid = s.session.session_id();
  Reply reply(this, sid);
  const bool blocked = !s.expects.empty() && s.expects.back().no_error &&
                       s.expects.back().failed;
  switch (type) {
    case ClientMsg::CON_CAPABILITIES_GET:
      SendCapabilities(reply);
      break;
    case ClientMsg::CON_CAPABILITIES_SET:
      HandleCapabilitiesSet(payload, reply);
      break;
    case ClientMsg::CON_CLOSE:
      reply.Ok("bye!");
      state_ = State::kClosing;
      return;
    case ClientMsg::EXPECT_OPEN:
      if (blocked) {
        reply.Error(ER_X_EXPECT_NO_ERROR_FAILED,
                    "Expectation failed: no_error");
        s.expects.push_back(ExpectBlock{true, true});
        return;
      }
      HandleExpectOpen(s, payload, reply);
      return;
    case ClientMsg::EXPECT_CLOSE:
      HandleExpectClose(s, reply);
      break;
    case ClientMsg::SESS_RESET:
      HandleReset(s, payload, reply);
      return;
    case ClientMsg::SESS_CLOSE: {
      Mysqlx::Session::Close close;
      if (!Decode(payload, &close, sid)) return;
      reply.Ok();
      if (sid == 0) {
        BackToAuthentication();
      } else {
        queued_bytes_ -= std::min(queued_bytes_, QueuedBytes(s));
        sessions_.erase(sid);
      }
      return;
    }
    case ClientMsg::SESS_NEW:
      reply.Error(ER_XP_SESSION_EXISTS,
                  "Session " + std::to_string(sid) + " already exists");
      break;
    case ClientMsg::SESS_KILL:
      HandleSessKill(sid, payload, &reply);
      return;
    default:
      if (blocked) {
        reply.Error(ER_X_EXPECT_NO_ERROR_FAILED,
                    "Expectation failed: no_error");
        return;
      }
      server_->dispatcher->Dispatch(s.session, type, payload, reply);
      if (!reply.finished()) {
        reply.Error(ER_X_BAD_MESSAGE,
                    "Internal error: the request produced no final reply");
      }
      break;
  }
  if (reply.failed() && state_ == State::kReady) {
    auto again = sessions_.find(sid);
    if (again != sessions_.end() && !again->second->expects.empty()) {
      again->second->expects.back().failed = true;
    }
  }
}

void Connection::HandleExpectOpen(SessionState& s, std::string_view payload,
                                  Reply& reply) {
  Mysqlx::Expect::Open open;
  if (!Decode(payload, &open, reply.session_id())) return;
  if (s.expects.size() >= kMaxExpectDepth) {
    reply.Error(ER_XP_EXPECT_TOO_DEEP, "Expect blocks nested deeper than " +
                                           std::to_string(kMaxExpectDepth));
    return;
  }
  ExpectBlock block;
  if (open.op() == Mysqlx::Expect::Open::EXPECT_CTX_COPY_PREV &&
      !s.expects.empty()) {
    block.no_error = s.expects.back().no_error;
  }
  for (const auto& c : open.cond()) {
    const bool set = c.op() == Mysqlx::Expect::Open::Condition::EXPECT_OP_SET;
    switch (c.condition_key()) {
      case Mysqlx::Expect::Open::Condition::EXPECT_NO_ERROR:
        block.no_error = set;
        break;
      case Mysqlx::Expect::Open::Condition::EXPECT_FIELD_EXIST:
        if (set && !ClientFieldExists(c.condition_value())) {
          reply.Error(ER_X_EXPECT_FIELD_EXISTS_FAILED,
                      "Expectation failed: field_exists = '" +
                          c.condition_value() + "'");
          return;
        }
        break;
      case Mysqlx::Expect::Open::Condition::EXPECT_DOCID_GENERATED:
        break;
      default:
        reply.Error(
            ER_X_EXPECT_BAD_CONDITION,
            "Unknown condition key " + std::to_string(c.condition_key()));
        return;
    }
  }
  s.expects.push_back(block);
  reply.Ok();
}

void Connection::HandleExpectClose(SessionState& s, Reply& reply) {
  if (s.expects.empty()) {
    reply.Error(ER_X_EXPECT_NOT_OPEN, "Expect block currently not open");
    return;
  }
  ExpectBlock b = s.expects.back();
  s.expects.pop_back();
  if (b.no_error && b.failed) {
    reply.Error(ER_X_EXPECT_NO_ERROR_FAILED, "Expectation failed: no_error");
  } else {
    reply.Ok();
  }
}

void Connection::HandleReset(SessionState& s, std::string_view payload,
                             Reply& reply) {
  Mysqlx::Session::Reset reset;
  if (!Decode(payload, &reset, reply.session_id())) return;
  s.expects.clear();
  s.session.data().reset();
  s.session.set_schema(auth_schema_);
  reply.Ok();
  if (!reset.keep_open() && s.session.session_id() == 0) {
    BackToAuthentication();
  }
}

void Connection::HandleSessNew(uint64_t sid, std::string_view payload) {
  Xp::Session::NewSession req;
  if (!Decode(payload, &req, sid)) return;
  Reply reply(this, sid);
  if (sessions_.size() >= server_->opts.max_sessions_per_connection) {
    reply.Error(ER_XP_TOO_MANY_SESSIONS,
                "Too many sessions on this connection (max " +
                    std::to_string(server_->opts.max_sessions_per_connection) +
                    ")");
    return;
  }
  auto s = std::make_unique<SessionState>(client_id_, sid);
  s->session.set_user(user_);
  s->session.set_schema(req.has_schema() ? req.schema() : auth_schema_);
  sessions_[sid] = std::move(s);
  reply.Ok();
}

bool Connection::HandleSessKill(uint64_t sid, std::string_view payload,
                                Reply* reply) {
  Xp::Session::KillSession kill;
  if (!Decode(payload, &kill, sid)) return true;
  const bool query = kill.kind() == Xp::Session::KillSession::QUERY;
  // A kill of the sender's own query is answered by that query's end, if
  // one runs (with plain framing the only session is the sender).
  if (query && kill.session_id() == sid) return false;
  auto target = sessions_.find(kill.session_id());
  if (target == sessions_.end()) {
    reply->Error(
        ER_XP_UNKNOWN_SESSION, "HY000",
        "Session " + std::to_string(kill.session_id()) + " does not exist");
    return true;
  }
  if (!query && (kill.session_id() == 0 || kill.session_id() == sid)) {
    reply->Error(ER_XP_UNKNOWN_SESSION, "HY000",
                 "Session 0 and the sending session cannot be killed; close "
                 "them instead");
    return true;
  }
  // The running request (if any) fails with 1317 at its next batch; a
  // killed session's waiting requests are dropped with it.
  if (auto t = target->second->running.lock()) Cancel(*t);
  if (!query) {
    queued_bytes_ -= std::min(queued_bytes_, QueuedBytes(*target->second));
    sessions_.erase(target);
  }
  reply->Ok();
  return true;
}

// ---------------------------------------------------------------- Server

void Server::Impl::DoAccept() {
  acceptor->async_accept(
      asio::make_strand(*ios[next_io++ % ios.size()]),
      [this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
          return;
        }
        if (!ec) {
          std::shared_ptr<Connection> conn;
          {
            MutexLock l(&mu);
            if (conns.size() < opts.max_connections) {
              conn = std::make_shared<Connection>(this, std::move(socket),
                                                  next_client_id++);
              conns[conn.get()] = conn;
              current.store(conns.size());
            }
          }
          if (conn) {
            accepted++;
            asio::dispatch(conn->executor(), [conn] { conn->Start(); });
          } else {
            rejected++;
            Buffer out;
            FrameWriter w(&out);
            WriteMessage(&w, ServerMsg::ERROR,
                         MakeError(ER_CON_COUNT_ERROR, "08004",
                                   "Too many connections", true));
            boost::system::error_code wec;
            asio::write(socket, asio::buffer(out.data(), out.size()), wec);
            socket.close(wec);
          }
        }
        DoAccept();
      });
}

Server::Server(ServerOptions options, Dispatcher* dispatcher,
               const UserStore* users)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher, users)) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(s.opts.bind_address, ec);
  if (ec)
    return Status::InvalidArgument("bad bind address " + s.opts.bind_address);
  tcp::endpoint ep(addr, s.opts.port);
  const int n = s.opts.threads < 1 ? 1 : s.opts.threads;
  s.ios.clear();
  for (int i = 0; i < n; ++i)
    s.ios.push_back(std::make_unique<asio::io_context>(1));
  s.acceptor.emplace(*s.ios[0]);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + s.opts.bind_address + ":" +
                           std::to_string(s.opts.port) + ": " + ec.message());
  }
  s.port = s.acceptor->local_endpoint().port();
  s.work.clear();
  for (auto& io : s.ios) s.work.push_back(asio::make_work_guard(*io));
  s.DoAccept();
  for (auto& io : s.ios) {
    asio::io_context* ctx = io.get();
    s.threads.emplace_back([ctx] { ctx->run(); });
  }
  s.running = true;
  return Status::OK();
}

uint16_t Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  // Background requests first (cancelled; they end within a batch), while
  // the I/O threads still take their last output.
  s.StopWorkers();
  asio::post(*s.ios[0], [&s] {
    boost::system::error_code ec;
    s.acceptor->close(ec);
  });
  {
    MutexLock l(&s.mu);
    for (auto& [_, c] : s.conns) {
      asio::post(c->executor(), [c = c] { c->CloseNow(); });
    }
  }
  s.work.clear();
  for (auto& io : s.ios) io->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  MutexLock l(&s.mu);
  s.conns.clear();
}

ServerStats Server::stats() const {
  ServerStats st;
  st.connections_accepted = impl_->accepted.load();
  st.connections_rejected = impl_->rejected.load();
  st.connections_current = impl_->current.load();
  st.frames_received = impl_->frames.load();
  st.fatal_errors = impl_->fatals.load();
  st.background_requests = impl_->background.load();
  return st;
}

bool ReadSqlStatement(uint8_t type, std::string_view payload, Reply& reply,
                      Mysqlx::Sql::StmtExecute* stmt) {
  if (type != ClientMsg::SQL_STMT_EXECUTE) {
    reply.Unsupported(type);
    return false;
  }
  if (!ParseMessage(payload, stmt)) {
    reply.FatalError(ER_X_BAD_MESSAGE,
                     "Invalid message: cannot parse Mysqlx.Sql.StmtExecute");
    return false;
  }
  if (stmt->namespace_() != "sql") {
    reply.Error(ER_X_INVALID_NAMESPACE,
                "Unknown namespace " + stmt->namespace_());
    return false;
  }
  return true;
}

}  // namespace xp
