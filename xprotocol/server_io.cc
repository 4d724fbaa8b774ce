// Frame I/O of a Connection: see server_connection.h.
#include "codec/lz4.h"
#include "codec/sql_errors.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/server_connection.h"

namespace xp {

namespace {
constexpr size_t kReadChunk = 64 * 1024;
}  // namespace

Connection::Connection(Server::Impl* server, tcp::socket socket,
                       uint64_t client_id)
    : Connection(server, nullptr, std::move(socket), client_id) {}

Connection::Connection(Server::Impl* server, std::shared_ptr<MemoryPipe> pipe,
                       uint64_t client_id)
    : Connection(server, pipe, tcp::socket(*server->ios[0]), client_id) {}

Connection::Connection(Server::Impl* server, std::shared_ptr<MemoryPipe> pipe,
                       tcp::socket socket, uint64_t client_id)
    : server_(server),
      pipe_(std::move(pipe)),
      socket_(std::move(socket)),
      executor_(pipe_ ? asio::any_io_executor(pipe_->context().get_executor())
                      : socket_.get_executor()),
      client_id_(client_id),
      connect_deadline_(std::chrono::steady_clock::now() +
                        server->opts.connect_timeout),
      parser_(frame::Framing::kPlain, server->opts.max_frame_bytes),
      writer_(&out_),
      auth_(server->users, server->opts.max_auth_failures),
      sessions_(client_id, server->opts.max_sessions_per_connection) {
  if (!pipe_) timer_.emplace(executor_);
}

void Connection::Start() {
  boost::system::error_code ec;
  if (!pipe_) socket_.set_option(tcp::no_delay(true), ec);
  DoRead();
}

void Connection::CloseNow() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();
  state_ = State::kClosed;
  if (timer_) timer_->cancel();
  boost::system::error_code ec;
  if (pipe_) {
    pipe_->ServerClose();
  } else {
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }
  {
    std::lock_guard<std::mutex> lock(bp_mu_);
    dead_ = true;
  }
  bp_cv_.notify_all();
  sessions_.Clear([](BackgroundTask& t) { Cancel(t); });
  server_->Remove(this);
}

void Connection::ArmTimer() {
  if (!timer_) return;  // in memory: no timeouts
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
  if (!timer_) return;
  timer_->expires_at(deadline);
  timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->OnTimeout();
  });
}

void Connection::OnTimeout() {
  if (state_ == State::kClosed) return;
  if (handshaking_) {
    // No error can be sent in the middle of a TLS handshake.
    if (std::chrono::steady_clock::now() >= idle_deadline_) {
      CloseNow();
    } else {
      SetTimer();
    }
    return;
  }
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
  if (writing_ || running_tasks_ > 0 || sessions_.queued_bytes() > 0 ||
      !reading_) {
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
  if (pipe_) {
    pipe_->ServerRead(
        in_.data() + in_.size(), in_.capacity() - in_.size(),
        shared_from_this(),
        [](void* c, const boost::system::error_code& ec, size_t n) {
          static_cast<Connection*>(c)->OnRead(ec, n);
        });
    return;
  }
  auto buf = asio::buffer(in_.data() + in_.size(), in_.capacity() - in_.size());
  if (tls_) {
    tls_->async_read_some(
        buf, [self = shared_from_this()](const boost::system::error_code& ec,
                                         size_t n) { self->OnRead(ec, n); });
    return;
  }
  socket_.async_read_some(
      buf, [self = shared_from_this()](const boost::system::error_code& ec,
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
  if (state_ == State::kClosed || handshaking_) return;
  if (!reading_) ProcessInput();
  if (state_ == State::kClosed) return;
  if (tls_pending_ && state_ != State::kClosing) {
    // The Ok goes out in clear first; the handshake follows once it is
    // written (OnWritten pumps again).
    if (!writing_) FlushSync();
    if (!writing_ && state_ != State::kClosing) {
      StartTls();
      return;
    }
  }
  StartWrite();
  if (state_ == State::kClosing) {
    if (!writing_) CloseNow();
    return;
  }
  MaybeRead();
}

void Connection::MaybeRead() {
  if (reading_ || input_blocked_ || tls_pending_ || handshaking_ ||
      state_ == State::kClosing || state_ == State::kClosed) {
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
  if (pipe_) {
    // Taken at once; completed on the next turn, as a socket write would.
    const bool ok = pipe_->ServerWrite(sending_.view());
    asio::post(executor(), [self = shared_from_this(), ok] {
      self->OnWritten(ok ? boost::system::error_code()
                         : asio::error::broken_pipe);
    });
    return;
  }
  auto done = [self = shared_from_this()](const boost::system::error_code& ec,
                                          size_t) { self->OnWritten(ec); };
  auto buf = asio::buffer(sending_.data(), sending_.size());
  if (tls_) {
    asio::async_write(*tls_, buf, std::move(done));
  } else {
    asio::async_write(socket_, buf, std::move(done));
  }
}

void Connection::StartTls() {
  tls_pending_ = false;
  tls_ =
      std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *server_->tls);
  handshaking_ = true;
  ArmTimer();  // still before authentication: the connect deadline holds
  tls_->async_handshake(
      asio::ssl::stream_base::server,
      [self = shared_from_this()](const boost::system::error_code& ec) {
        self->handshaking_ = false;
        if (ec || self->state_ == State::kClosed) {
          // Nothing can be said to a peer that does not speak TLS.
          self->CloseNow();
          return;
        }
        self->Pump();
      });
}

void Connection::OnWritten(const boost::system::error_code& ec) {
  writing_ = false;
  sending_.Clear();
  sending_.ShrinkIfEmpty(kMaxPendingOutput);
  TaskBytesWritten(task_bytes_in_sending_);
  task_bytes_in_sending_ = 0;
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
  if (pipe_) {
    if (!pipe_->ServerWrite(out_.view())) ec = asio::error::broken_pipe;
  } else if (tls_) {
    asio::write(*tls_, asio::buffer(out_.data(), out_.size()), ec);
  } else {
    asio::write(socket_, asio::buffer(out_.data(), out_.size()), ec);
  }
  out_.Clear();
  out_compress_from_ = 0;
  TaskBytesWritten(task_bytes_in_out_);
  task_bytes_in_out_ = 0;
  if (ec) state_ = State::kClosing;
}

void Connection::AppendOutput(std::string_view data) {
  if (state_ == State::kClosed) return;
  out_.Append(data);
  task_bytes_in_out_ += data.size();
  StartWrite();
}

// Background output reached the socket: workers waiting in Handoff() may
// go on.
void Connection::TaskBytesWritten(size_t n) {
  if (n == 0) return;
  {
    std::lock_guard<std::mutex> lock(bp_mu_);
    unsent_task_bytes_ -= n;
  }
  bp_cv_.notify_all();
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

void Connection::ProcessInput() {
  size_t off = 0;
  input_blocked_ = false;
  while (state_ != State::kClosing && state_ != State::kClosed) {
    if (out_.size() >= kMaxPendingOutput ||
        sessions_.queued_bytes() >= server_->opts.max_queued_input) {
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
    if (tls_pending_) {
      if (off < in_.size()) {
        // The client must wait for the Ok before its TLS hello: what came
        // on its heels is neither a frame nor TLS we could take.
        tls_pending_ = false;
        Fatal(ER_X_BAD_MESSAGE, "HY000",
              "Data received after CapabilitiesSet{tls} before its Ok");
      }
      break;
    }
  }
  if (state_ == State::kClosing || state_ == State::kClosed) {
    in_.Clear();
    return;
  }
  in_.Consume(off);
  if (in_.empty()) in_.ShrinkIfEmpty(4 * kReadChunk);
}

// A Compression message from the client: its payload is whole frames, each
// handled as if it had arrived alone.
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
  if (!Decode(payload, &c)) return;
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

}  // namespace xp
