#include "xprotocol/session_pool.h"

#include <boost/asio/post.hpp>

namespace xp {

std::shared_ptr<SessionPool> SessionPool::Create(
    boost::asio::any_io_executor ex, SessionPoolOptions options) {
  options.client.multiplex = true;
  if (options.connections == 0) options.connections = 1;
  if (options.max_sessions == 0) options.max_sessions = 1;
  return std::shared_ptr<SessionPool>(
      new SessionPool(std::move(ex), std::move(options)));
}

void SessionPool::Enqueue(Call call, AsyncClient::ResultDone done) {
  waiting_.emplace_back(
      [call = std::move(call), done](AsyncClient* c, uint64_t sid,
                                     std::function<void()> release) {
        call(c, sid, [done, release](Result<StmtResult> r) {
          release();
          done(std::move(r));
        });
      },
      done);
  Pump();
}

void SessionPool::ExecutePlan(Xp::Plan::ExecPlan req,
                              AsyncClient::ResultDone done) {
  auto shared = std::make_shared<Xp::Plan::ExecPlan>(std::move(req));
  Enqueue(
      [shared](AsyncClient* c, uint64_t sid, AsyncClient::ResultDone d) {
        c->ExecutePlan(*shared, std::move(d), sid);
      },
      std::move(done));
}

void SessionPool::ExecuteSql(Xp::Plan::ExecSql req,
                             AsyncClient::ResultDone done) {
  auto shared = std::make_shared<Xp::Plan::ExecSql>(std::move(req));
  Enqueue(
      [shared](AsyncClient* c, uint64_t sid, AsyncClient::ResultDone d) {
        c->ExecuteSql(*shared, std::move(d), sid);
      },
      std::move(done));
}

void SessionPool::Execute(std::string sql, AsyncClient::ResultDone done) {
  Enqueue(
      [sql = std::move(sql)](AsyncClient* c, uint64_t sid,
                             AsyncClient::ResultDone d) {
        c->Execute(sql, {}, std::move(d), sid);
      },
      std::move(done));
}

size_t SessionPool::connections_open() const {
  size_t n = 0;
  for (const auto& c : conns_) n += c->state == Conn::State::kReady;
  return n;
}

size_t SessionPool::sessions_open() const {
  size_t n = 0;
  for (const auto& c : conns_) {
    if (c->state == Conn::State::kReady) n += c->sessions;
  }
  return n;
}

void SessionPool::Pump() {
  if (closed_) return;
  auto self = shared_from_this();
  // Run what can run now (indexes: callbacks may add connections).
  for (size_t i = 0; i < conns_.size() && !waiting_.empty(); ++i) {
    Conn* c = conns_[i].get();
    while (c->state == Conn::State::kReady && !c->idle.empty() &&
           !waiting_.empty()) {
      const uint64_t sid = c->idle.back();
      c->idle.pop_back();
      Work work = std::move(waiting_.front().first);
      waiting_.pop_front();
      work(c->client.get(), sid, [self, c, sid] {
        c->idle.push_back(sid);
        // Not from inside a callback chain: the next request runs later.
        boost::asio::post(self->ex_, [self] { self->Pump(); });
      });
    }
  }
  if (waiting_.empty()) return;
  // One more session for every request still waiting (beyond those being
  // opened), on a ready connection with room, else on a new connection.
  bool connecting = false;
  for (const auto& c : conns_)
    connecting |= c->state == Conn::State::kConnecting;
  size_t need = waiting_.size() > opening_ + connecting
                    ? waiting_.size() - opening_ - connecting
                    : 0;
  for (size_t i = 0; i < conns_.size() && need > 0; ++i) {
    Conn* c = conns_[i].get();
    while (c->state == Conn::State::kReady &&
           c->sessions < options_.max_sessions && need > 0) {
      const uint64_t sid = c->next_id++;
      ++c->sessions;
      ++opening_;
      --need;
      c->client->OpenSession(sid, [self, c, sid](Status st) {
        --self->opening_;
        if (st.ok()) {
          c->idle.push_back(sid);
        } else {
          --c->sessions;
        }
        self->Pump();
      });
    }
  }
  if (need == 0 || connecting || conns_.size() >= options_.connections) {
    if (!connecting && need > 0 && connections_open() == 0 &&
        conns_.size() >= options_.connections) {
      Fail(Status::IOError("no connection to the data node could be opened"));
    }
    return;
  }
  conns_.push_back(std::make_unique<Conn>());
  Conn* c = conns_.back().get();
  c->state = Conn::State::kConnecting;
  c->client = AsyncClient::Create(ex_, options_.client);
  c->client->Connect([self, c](Status st) {
    if (!st.ok()) {
      c->state = Conn::State::kFailed;
      if (self->connections_open() == 0) {
        self->Fail(st);
        return;
      }
    } else {
      c->state = Conn::State::kReady;
      c->idle.push_back(0);  // the login session serves requests too
      c->sessions = 1;
    }
    self->Pump();
  });
}

void SessionPool::Fail(const Status& st) {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& [work, done] : waiting) done(st);
}

void SessionPool::Close(AsyncClient::Done done) {
  closed_ = true;
  Fail(Status::Aborted("the session pool is closing"));
  auto remaining = std::make_shared<size_t>(0);
  for (auto& c : conns_) {
    if (c->state == Conn::State::kReady) ++*remaining;
  }
  if (*remaining == 0) return done(Status::OK());
  auto self = shared_from_this();
  for (auto& c : conns_) {
    if (c->state != Conn::State::kReady) continue;
    c->client->Close([self, remaining, done](Status) {
      if (--*remaining == 0) done(Status::OK());
    });
  }
}

}  // namespace xp
