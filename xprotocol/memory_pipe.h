// The in-memory transport of the embedded placement (BRIEF §2,
// docs/PROTOCOL.md §2.1): one byte stream each way between a Client and a
// server Connection in the same process, carrying exactly the frames TCP
// would (capabilities, authentication, plans, chunks, flow control, kill).
//
// Threading. The server side of the pipe — its Connection's handlers:
// framing, the session state machine, Dispatch() of requests answered
// inline — runs on context(), one thread at a time (run_mu_), and mostly on
// the client's own thread: a request sent is handled right away in
// ClientSend, and while the client waits for a reply (ClientRecv) it runs
// what arrives. So a request answered inline costs no thread hop and no
// system call. Requests a dispatcher continues in the background
// (Reply::Background: statements that may wait for row locks, long scans)
// run on the server's workers exactly as over TCP and hand their output to
// context(); whoever posts there from another thread calls Kick(), which
// leaves the work to the thread running context() if there is one, else
// has the server's service thread run it — so requests a client pipelines
// and does not wait for (a COMMIT sent ahead) still run at once.
// The server side keeps no timers (no timeouts apply in memory), so
// context() has no reactor: waiting for work is a condition variable, and
// a request handled on the client's thread makes no system call.
#pragma once

// clang-format off
// <utility> before asio: boost/asio/awaitable.hpp uses std::exchange
// without including it.
#include <utility>
// clang-format on

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "codec/buffer.h"
#include "codec/status.h"

namespace xp {

class MemoryPipe : public std::enable_shared_from_this<MemoryPipe> {
 public:
  // `service`: an io_context of the server's, run by its own thread, where
  // Kick() sends work nobody else is there to run.
  explicit MemoryPipe(boost::asio::io_context* service);
  ~MemoryPipe();
  MemoryPipe(const MemoryPipe&) = delete;
  MemoryPipe& operator=(const MemoryPipe&) = delete;

  boost::asio::io_context& context() { return ctx_; }

  // ---- the client's side
  // Queues bytes for the server (any thread; the client serializes its
  // writers). IOError once the server side is closed.
  Status ClientSend(std::string_view bytes);
  // Copies up to `cap` bytes the server wrote into `buf`, running the
  // server side's handlers while there are none: > 0 bytes, 0 the server
  // closed, -1 nothing within `timeout`.
  long ClientRecv(uint8_t* buf, size_t cap, std::chrono::milliseconds timeout);
  // The client is done: the server reads end of stream. Runs the server
  // side until its connection is gone (it then holds no reference to the
  // pipe), for at most `grace`.
  void ClientClose(std::chrono::milliseconds grace);

  // ---- the server's side (on context())
  using ReadDone = void (*)(void* reader, const boost::system::error_code&,
                            size_t n);
  // Fills `buf` with up to `cap` bytes; `done` then runs on context() with
  // `reader` (kept alive until then). One read pending at a time.
  void ServerRead(uint8_t* buf, size_t cap, std::shared_ptr<void> reader,
                  ReadDone done);
  // Appends bytes for the client; false when the client is gone.
  bool ServerWrite(std::string_view bytes);
  // The client reads end of stream after what was written; a pending read
  // completes with operation_aborted.
  void ServerClose();
  // The server-side object whose end ClientClose waits for.
  void set_server(std::weak_ptr<void> server) { server_ = std::move(server); }
  bool server_gone() const { return server_.expired(); }

  // After posting to context() from a thread that does not run it: makes
  // sure what was posted runs soon (see the top of this file).
  void Kick();

 private:
  // Runs ready handlers, then gives up run_mu_ (held in `run`); again
  // while kicks came meanwhile and run_mu_ is free.
  void Drain(std::unique_lock<std::mutex>& run);
  // Gives up run_mu_, then drains what was kicked while it was held.
  void Release(std::unique_lock<std::mutex>& run);

  // REQUIRES: mu_ held and a read pending.
  void CompleteRead(const boost::system::error_code& ec, size_t n);

  boost::asio::io_context* const service_;
  boost::asio::io_context ctx_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::mutex run_mu_;  // held by the thread running ctx_
  std::atomic<bool> kicked_{false};
  std::mutex mu_;  // everything below
  Buffer to_server_;
  Buffer to_client_;
  size_t to_client_off_ = 0;  // bytes of to_client_ already taken
  bool client_closed_ = false;
  bool server_closed_ = false;
  uint8_t* read_buf_ = nullptr;
  size_t read_cap_ = 0;
  std::shared_ptr<void> reader_;  // set while a read is pending
  ReadDone read_done_ = nullptr;
  std::weak_ptr<void> server_;
};

}  // namespace xp
