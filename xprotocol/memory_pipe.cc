// The in-memory transport (memory_pipe.h).
#include "xprotocol/memory_pipe.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cstring>

namespace xp {

namespace asio = boost::asio;

MemoryPipe::MemoryPipe(asio::io_context* service)
    : service_(service), work_(asio::make_work_guard(ctx_)) {}

MemoryPipe::~MemoryPipe() {
  work_.reset();
  ctx_.stop();
}

void MemoryPipe::CompleteRead(const boost::system::error_code& ec, size_t n) {
  asio::post(ctx_, [reader = std::move(reader_), done = read_done_, ec, n] {
    done(reader.get(), ec, n);
  });
  reader_.reset();
  read_done_ = nullptr;
  read_buf_ = nullptr;
  read_cap_ = 0;
}

Status MemoryPipe::ClientSend(std::string_view bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (server_closed_)
      return Status::IOError("write failed: connection closed");
    if (client_closed_) return Status::IOError("write failed: pipe closed");
    if (reader_ == nullptr || !to_server_.empty()) {
      to_server_.Append(bytes);  // taken by the server's next read
      return Status::OK();
    }
    // The server waits: its buffer takes what fits, the rest queues.
    const size_t n = std::min(bytes.size(), read_cap_);
    std::memcpy(read_buf_, bytes.data(), n);
    to_server_.Append(bytes.substr(n));
    CompleteRead({}, n);
  }
  // Handled here and now, on the sender's thread, unless another thread
  // runs the server side (it then handles it).
  kicked_.store(true);
  std::unique_lock<std::mutex> run(run_mu_, std::try_to_lock);
  if (run.owns_lock()) Drain(run);
  return Status::OK();
}

void MemoryPipe::Drain(std::unique_lock<std::mutex>& run) {
  for (;;) {
    kicked_.store(false);
    ctx_.poll();
    run.unlock();
    // A kick that came while this thread held run_mu_ was left to it.
    if (!kicked_.load() || !run.try_lock()) return;
  }
}

void MemoryPipe::Release(std::unique_lock<std::mutex>& run) {
  run.unlock();
  if (kicked_.load() && run.try_lock()) Drain(run);
}

void MemoryPipe::Kick() {
  kicked_.store(true);
  std::unique_lock<std::mutex> run(run_mu_, std::try_to_lock);
  if (!run.owns_lock()) return;  // the holder drains it when it lets go
  run.unlock();
  asio::post(*service_, [self = shared_from_this()] {
    std::unique_lock<std::mutex> run(self->run_mu_, std::try_to_lock);
    if (run.owns_lock()) self->Drain(run);
  });
}

void MemoryPipe::ServerRead(uint8_t* buf, size_t cap,
                            std::shared_ptr<void> reader, ReadDone done) {
  std::lock_guard<std::mutex> lock(mu_);
  reader_ = std::move(reader);
  read_done_ = done;
  read_buf_ = buf;
  read_cap_ = cap;
  if (!to_server_.empty()) {
    const size_t n = std::min(to_server_.size(), cap);
    std::memcpy(buf, to_server_.data(), n);
    to_server_.Consume(n);
    CompleteRead({}, n);
  } else if (client_closed_) {
    CompleteRead(asio::error::eof, 0);
  } else if (server_closed_) {
    CompleteRead(asio::error::operation_aborted, 0);
  }
}

bool MemoryPipe::ServerWrite(std::string_view bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (client_closed_ || server_closed_) return false;
  to_client_.Append(bytes);
  return true;
}

void MemoryPipe::ServerClose() {
  std::lock_guard<std::mutex> lock(mu_);
  server_closed_ = true;
  to_server_.Clear();
  if (reader_ != nullptr) CompleteRead(asio::error::operation_aborted, 0);
}

long MemoryPipe::ClientRecv(uint8_t* buf, size_t cap,
                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> run(run_mu_);
  long got = -1;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      const size_t avail = to_client_.size() - to_client_off_;
      if (avail > 0) {
        const size_t n = std::min(avail, cap);
        std::memcpy(buf, to_client_.data() + to_client_off_, n);
        to_client_off_ += n;
        if (to_client_off_ == to_client_.size()) {
          to_client_.Clear();
          to_client_off_ = 0;
          to_client_.ShrinkIfEmpty(1 << 20);
        }
        got = static_cast<long>(n);
        break;
      }
      if (server_closed_) {
        got = 0;
        break;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    ctx_.run_one_until(deadline);
  }
  Release(run);
  return got;
}

void MemoryPipe::ClientClose(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (client_closed_) return;
    client_closed_ = true;
    to_client_.Clear();
    to_client_off_ = 0;
    if (reader_ != nullptr) CompleteRead(asio::error::eof, 0);
  }
  if (server_gone()) return;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  std::lock_guard<std::mutex> run(run_mu_);
  // The connection ends once its last handler ran and its background
  // requests (cancelled by the close) finished.
  while (!server_gone() && std::chrono::steady_clock::now() < deadline) {
    ctx_.run_one_for(std::chrono::milliseconds(10));
  }
}

}  // namespace xp
