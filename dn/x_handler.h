// The data node's X Protocol handler: Sql.StmtExecute (namespace "sql")
// runs through a per-session SQL engine (plan/exec/local_engine.h) over the
// node's RocksDB store, and results go back as ColumnMetaData + Row messages
// encoded in place from the executor's batches, with LOCAL notices for rows
// affected and the last insert id (docs/PROTOCOL.md §8).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dn/sql_store.h"
#include "plan/exec/local_engine.h"
#include "plan/types/data_type.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"
#include "xprotocol/server.h"

namespace xp::dn {

// The "xprotocol.plan" capability a data node announces: {format_version,
// operators: [...], functions: [...]} (docs/PROTOCOL.md §9.5).
Mysqlx::Datatypes::Any PlanCapability();

// The result metadata of a column of `type` named `name`.
Mysqlx::Resultset::ColumnMetaData ColumnMetaDataFor(const std::string& name,
                                                    const plan::DataType& type);

// Also EXEC_PLAN_READ (docs/PROTOCOL.md §9.4): a plan, validated and run
// in the session's transaction; a plan sent with its digest is cached
// node-wide, and a later request may send the digest alone (7012 when the
// node does not have it: the client resends the whole plan). EXEC_SQL
// (§9.7) is a statement with the same options. Both run in the background
// (streamed, killable, under flow control) unless a plan is a point lookup
// without a token.
class SqlDispatcher : public Dispatcher {
 public:
  // `store` must outlive the dispatcher.
  explicit SqlDispatcher(SqlStore* store) : store_(store) {}
  void Dispatch(Session& session, uint8_t type, std::string_view payload,
                Reply& reply) override;

 private:
  static constexpr size_t kPlanCacheEntries = 4096;
  void ExecPlan(Session& session, std::string_view payload, Reply& reply);
  void ExecSql(Session& session, std::string_view payload, Reply& reply);
  // The session's engine, made at its first request; null after answering
  // an error (an unknown default schema).
  exec::LocalEngine* EngineFor(Session& session, Reply& reply);

  SqlStore* store_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::shared_ptr<const Xp::Plan::Node>>
      cache_;  // by digest
  std::unordered_map<std::string, std::shared_ptr<const std::string>>
      stmt_cache_;  // EXEC_SQL statements by digest
};

}  // namespace xp::dn
