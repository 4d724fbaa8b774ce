#include "xprotocol/server_sessions.h"

#include "codec/sql_errors.h"

namespace xp {

namespace {
size_t QueuedBytes(const SessionState& s) {
  size_t n = 0;
  for (const auto& q : s.queued) n += q.second.size() + 1;
  return n;
}
}  // namespace

std::shared_ptr<SessionState> SessionTable::Find(uint64_t sid) const {
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : it->second;
}

Status SessionTable::Open(uint64_t sid, const std::string& user,
                          const std::string& schema) {
  // Session 0 is the connection's own (made at authentication): always.
  if (sid != 0 && sessions_.size() >= max_sessions_) {
    return SqlError(ER_XP_TOO_MANY_SESSIONS,
                    "Too many sessions on this connection (max " +
                        std::to_string(max_sessions_) + ")");
  }
  auto s = std::make_shared<SessionState>(client_id_, sid);
  s->session.set_user(user);
  s->session.set_schema(schema);
  sessions_[sid] = std::move(s);
  return Status::OK();
}

void SessionTable::Close(uint64_t sid) {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return;
  queued_bytes_ -= std::min(queued_bytes_, QueuedBytes(*it->second));
  sessions_.erase(it);
}

Status SessionTable::CheckKill(uint64_t sender, uint64_t target,
                               bool query) const {
  if (sessions_.find(target) == sessions_.end()) {
    return SqlError(ER_XP_UNKNOWN_SESSION,
                    "Session " + std::to_string(target) + " does not exist");
  }
  if (!query && (target == 0 || target == sender)) {
    return SqlError(ER_XP_UNKNOWN_SESSION,
                    "Session 0 and the sending session cannot be killed; "
                    "close them instead");
  }
  return Status::OK();
}

void SessionTable::Enqueue(SessionState& s, uint8_t type,
                           std::string_view payload) {
  s.queued.emplace_back(type, std::string(payload));
  queued_bytes_ += payload.size() + 1;
}

bool SessionTable::PopQueued(SessionState& s,
                             std::pair<uint8_t, std::string>* out) {
  if (s.busy || s.queued.empty()) return false;
  *out = std::move(s.queued.front());
  s.queued.pop_front();
  queued_bytes_ -= std::min(queued_bytes_, out->second.size() + 1);
  return true;
}

}  // namespace xp
