// Replies, and requests continued on a worker thread: see
// server_connection.h and docs/PROTOCOL.md §7.1.
#include "codec/sql_errors.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/server_connection.h"

namespace xp {

namespace {
// A background request hands its output to the connection in pieces of
// about this size.
constexpr size_t kHandoffBytes = 64 * 1024;
}  // namespace

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

void Reply::Error(const Status& st) {
  Error(st.sql_code(), st.sql_state(), st.message());
}

void Reply::OkOrError(const Status& st) {
  if (st.ok()) {
    Ok();
  } else {
    Error(st);
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

// ------------------------------------------------------- BackgroundTask

void BackgroundTask::Run() {
  auto self = shared_from_this();
  {
    Reply reply(self);
    work(reply);
    if (!reply.finished()) {
      reply.Error(ER_X_BAD_MESSAGE,
                  "Internal error: the request produced no final reply");
    }
    failed = reply.failed();
  }
  work = nullptr;
  conn->Finish(self);
}

void BackgroundTask::Cancel() { Connection::Cancel(*this); }

void BackgroundTask::Refuse() {
  auto self = shared_from_this();
  {
    Reply reply(self);
    reply.Error(ER_SERVER_SHUTDOWN, "Server shutdown in progress");
  }
  failed = true;
  work = nullptr;
  conn->Finish(self);
}

// ------------------------------------------- the connection's side of it

void Connection::StartBackground(uint64_t sid, uint64_t credit,
                                 std::function<void(Reply&)> work) {
  std::shared_ptr<SessionState> s = sessions_.Find(sid);
  if (!s) return;  // cannot happen: called in Dispatch
  auto task = std::make_shared<BackgroundTask>(
      shared_from_this(), s, writer_.framing(), credit, std::move(work));
  s->running = task;
  s->busy = true;
  ++running_tasks_;
  server_->background++;
  server_->pool.Submit(std::move(task));
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
    if (pipe_) pipe_->Kick();
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
  if (pipe_) pipe_->Kick();
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
  } else if (t->failed) {
    s.expects.RecordFailure();
  }
  if (sessions_.Find(t->sid) == t->state) DrainQueued(t->sid);
  Pump();
}

// Runs the requests that waited behind a session's background request, in
// order, until one goes to the background again.
void Connection::DrainQueued(uint64_t sid) {
  for (;;) {
    std::shared_ptr<SessionState> s = sessions_.Find(sid);
    if (!s || state_ != State::kReady) return;
    std::pair<uint8_t, std::string> req;
    if (!sessions_.PopQueued(*s, &req)) return;
    HandleRequest(*s, req.first, req.second);
  }
}

void Connection::HandleTokenOffer(uint64_t sid, std::string_view payload) {
  Xp::Session::TokenOffer offer;
  if (!Decode(payload, &offer)) return;
  std::shared_ptr<SessionState> s = sessions_.Find(sid);
  if (!s) return;
  std::shared_ptr<BackgroundTask> task = s->running.lock();
  if (!task) return;  // nothing running: ignored
  BackgroundTask& t = *task;
  {
    MutexLock lock(&t.mu);
    t.credit += offer.bytes();
  }
  t.cv.notify_all();
}

}  // namespace xp
