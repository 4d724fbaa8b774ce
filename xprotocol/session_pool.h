// A pool of multiplexed sessions to one data node (docs/PROTOCOL.md §7):
// a few TCP connections, each carrying up to `max_sessions` logical
// sessions. A request runs on an idle session — opening one (SESS_NEW) or a
// connection as needed — and the session goes back to the pool when its
// result completes; when every session is busy, requests wait in order.
// What a compute node keeps per data node instead of a connection per
// client.
//
// Sessions are not reset between requests: use the pool for requests that
// carry no session state (plans and statements naming their tables
// fully), not for transactions.
//
// Threading: as AsyncClient — call on the pool's executor, callbacks run
// there; keep the shared_ptr alive until Close() completes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "xprotocol/async_client.h"

namespace xp {

struct SessionPoolOptions {
  ClientOptions client;       // multiplex is turned on by the pool
  size_t connections = 2;     // TCP connections at most
  size_t max_sessions = 256;  // logical sessions per connection at most
};

class SessionPool : public std::enable_shared_from_this<SessionPool> {
 public:
  static std::shared_ptr<SessionPool> Create(boost::asio::any_io_executor ex,
                                             SessionPoolOptions options);

  void ExecutePlan(Xp::Plan::ExecPlan req, AsyncClient::ResultDone done);
  void ExecuteSql(Xp::Plan::ExecSql req, AsyncClient::ResultDone done);
  void Execute(std::string sql, AsyncClient::ResultDone done);
  // Closes every connection (waiting requests fail).
  void Close(AsyncClient::Done done);

  size_t connections_open() const;
  size_t sessions_open() const;
  size_t requests_waiting() const { return waiting_.size(); }

 private:
  // A request, given a connection and an idle session on it, and the
  // function that gives the session back.
  using Work = std::function<void(AsyncClient*, uint64_t session,
                                  std::function<void()> release)>;
  // A request's call on a session; its result goes to the callback given.
  using Call = std::function<void(AsyncClient*, uint64_t session,
                                  AsyncClient::ResultDone)>;
  void Enqueue(Call call, AsyncClient::ResultDone done);
  struct Conn {
    std::shared_ptr<AsyncClient> client;
    enum class State { kConnecting, kReady, kFailed } state;
    std::vector<uint64_t> idle;  // session ids ready for a request
    size_t sessions = 0;         // open or being opened
    uint64_t next_id = 1;        // session 0 is the login session
  };

  SessionPool(boost::asio::any_io_executor ex, SessionPoolOptions options)
      : ex_(std::move(ex)), options_(std::move(options)) {}
  void Submit(Work work);
  void Pump();
  void Fail(const Status& st);

  boost::asio::any_io_executor ex_;
  SessionPoolOptions options_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::deque<std::pair<Work, AsyncClient::ResultDone>> waiting_;
  size_t opening_ = 0;  // SESS_NEW sent, not answered yet
  bool closed_ = false;
};

}  // namespace xp
