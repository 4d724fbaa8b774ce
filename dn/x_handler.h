// The data node's X Protocol handler: Sql.StmtExecute (namespace "sql")
// runs through a per-session SQL engine (plan/session/sql_session.h) over the
// node's RocksDB store, and results go back as ColumnMetaData + Row messages
// encoded in place from the executor's batches, with LOCAL notices for rows
// affected and the last insert id (docs/PROTOCOL.md §8).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "codec/thread_annotations.h"
#include "dn/sql_store.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "plan/types/data_type.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"
#include "xprotocol/server.h"

namespace xp::dn {

// The "xprotocol.plan" capability a data node announces: {format_version,
// operators: [...], functions: [...]} (docs/PROTOCOL.md §9.5).
Mysqlx::Datatypes::Any PlanCapability();

// A node-wide cache of request bodies (plans, statement texts) by digest,
// shared by every client.
template <class T>
class DigestCache {
 public:
  static constexpr size_t kEntries = 4096;  // then it starts over

  // With a `body` (moved from): when `digest` is not empty it must be
  // digest_of(body) (7010 otherwise, so an entry is what its digest names)
  // and the body is stored under it. Without: the body cached under
  // `digest`, or error 7012 (the client resends it whole). Null after
  // answering `reply`.
  std::shared_ptr<const T> Resolve(
      T* body, const std::string& digest,
      const std::function<std::string(const T&)>& digest_of, const char* what,
      Reply& reply) {
    if (body != nullptr) {
      auto owned = std::make_shared<const T>(std::move(*body));
      if (digest.empty()) return owned;
      if (digest_of(*owned) != digest) {
        reply.Error(ER_XP_BAD_PLAN,
                    std::string("Invalid request: the digest is not the ") +
                        what + "'s digest");
        return nullptr;
      }
      MutexLock lock(&mu_);
      if (map_.size() >= kEntries) map_.clear();
      map_[digest] = owned;
      return owned;
    }
    MutexLock lock(&mu_);
    auto it = map_.find(digest);
    if (it == map_.end()) {
      reply.Error(ER_XP_PLAN_CACHE_MISS,
                  std::string("Cache miss: send the whole ") + what +
                      " with digest '" + digest + "'");
      return nullptr;
    }
    return it->second;
  }

 private:
  Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const T>> map_
      XP_GUARDED_BY(mu_);
};

// Also EXEC_PLAN_READ (docs/PROTOCOL.md §9.4): a plan, validated and run
// in the session's transaction; a plan sent with its digest is cached
// node-wide, and a later request may send the digest alone (7012 when the
// node does not have it: the client resends the whole plan). EXEC_SQL
// (§9.7) is a statement with the same options. Both run in the background
// (streamed, killable, under flow control) unless a non-locking plan reads
// a few rows by key (IsSmallPlan).
class SqlDispatcher : public Dispatcher {
 public:
  // `store` must outlive the dispatcher.
  explicit SqlDispatcher(SqlStore* store) : store_(store) {}
  void Dispatch(Session& session, uint8_t type, std::string_view payload,
                Reply& reply) override;

 private:
  void ExecPlan(Session& session, std::string_view payload, Reply& reply);
  void ExecSql(Session& session, std::string_view payload, Reply& reply);
  // The session's engine, made at its first request; null after answering
  // an error (an unknown default schema).
  session::SqlSession* EngineFor(Session& session, Reply& reply);
  // A SELECT the connection's thread may answer itself (at most one row
  // by a primary or unique key, or no table).
  bool IsPointSelect(const sql::Statement& stmt, const std::string& database);
  // A statement the connection's thread answers itself (a point read or a
  // quick session statement); the rest goes to a worker.
  bool RunsInline(const sql::Statement& stmt, const std::string& database);
  // A plan the connection's thread may answer itself: it examines at most
  // kInlineRows rows (Get keys, and RangeScans over a unique one-column
  // integer key with both bounds given, counted by their width).
  bool IsSmallPlan(const Xp::Plan::Node& plan,
                   const std::vector<plan::Value>& params);

  SqlStore* store_;
  DigestCache<Xp::Plan::Node> plan_cache_;
  DigestCache<std::string> stmt_cache_;  // EXEC_SQL statements
};

}  // namespace xp::dn
