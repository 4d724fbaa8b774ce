// The data node's X Protocol handler: Sql.StmtExecute (namespace "sql")
// runs through a per-session SQL engine (plan/exec/local_engine.h) over the
// node's RocksDB store, and results go back as ColumnMetaData + Row messages
// encoded in place from the executor's batches, with LOCAL notices for rows
// affected and the last insert id (docs/PROTOCOL.md §8).
#pragma once

#include "dn/sql_store.h"
#include "plan/types/data_type.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/server.h"

namespace xp::dn {

// The result metadata of a column of `type` named `name`.
Mysqlx::Resultset::ColumnMetaData ColumnMetaDataFor(const std::string& name,
                                                    const plan::DataType& type);

class SqlDispatcher : public Dispatcher {
 public:
  // `store` must outlive the dispatcher.
  explicit SqlDispatcher(SqlStore* store) : store_(store) {}
  void Dispatch(Session& session, uint8_t type, std::string_view payload,
                Reply& reply) override;

 private:
  SqlStore* store_;
};

}  // namespace xp::dn
