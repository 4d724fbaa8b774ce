// The logical sessions of one X Protocol connection (docs/PROTOCOL.md §7):
// session 0 after authentication, more through SESS_NEW with multiplexed
// framing. Each keeps its Expect blocks, the request it runs in the
// background and the requests waiting behind it, in order. Connection-
// thread only; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "codec/status.h"
#include "xprotocol/expect.h"
#include "xprotocol/server.h"

namespace xp {

struct BackgroundTask;

struct SessionState {
  SessionState(uint64_t client_id, uint64_t sid) : session(client_id, sid) {}
  Session session;
  ExpectStack expects;
  // The request running in the background, if any (weak: the task holds
  // the connection and this state, never the other way round, so nothing
  // leaks when a stopping server drops what it has not run); while it runs
  // (busy) and while requests wait, later requests wait here in order.
  std::weak_ptr<BackgroundTask> running;
  bool busy = false;
  std::deque<std::pair<uint8_t, std::string>> queued;
};

class SessionTable {
 public:
  SessionTable(uint64_t client_id, uint32_t max_sessions)
      : client_id_(client_id), max_sessions_(max_sessions) {}

  std::shared_ptr<SessionState> Find(uint64_t sid) const;
  // A new session `sid` of `user` in `schema`; 7003 past max_sessions
  // (session 0, made at authentication, is never refused).
  Status Open(uint64_t sid, const std::string& user, const std::string& schema);
  // Drops a session and what waits in it.
  void Close(uint64_t sid);
  // Checks a SESS_KILL from `sender` of `target`: 7002 for a missing
  // session, and for a session kill of session 0 or of the sender.
  Status CheckKill(uint64_t sender, uint64_t target, bool query) const;
  // Drops every session; `cancel` gets each running request first.
  template <class F>
  void Clear(F cancel) {
    for (auto& [_, s] : sessions_) {
      if (auto t = s->running.lock()) cancel(*t);
    }
    sessions_.clear();
    queued_bytes_ = 0;
  }

  // A request waits behind the session's running one.
  void Enqueue(SessionState& s, uint8_t type, std::string_view payload);
  // The next waiting request of `s`, if it is idle.
  bool PopQueued(SessionState& s, std::pair<uint8_t, std::string>* out);
  // Bytes of all waiting requests.
  size_t queued_bytes() const { return queued_bytes_; }

 private:
  const uint64_t client_id_;
  const uint32_t max_sessions_;
  std::unordered_map<uint64_t, std::shared_ptr<SessionState>> sessions_;
  size_t queued_bytes_ = 0;
};

}  // namespace xp
