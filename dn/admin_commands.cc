#include "dn/admin_commands.h"

#include <optional>
#include <string>

#include "codec/sql_errors.h"
#include "codec/xrow.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/values.h"

namespace xp::dn {

namespace {

using Col = Mysqlx::Resultset::ColumnMetaData;

void Column(Reply& reply, const char* name, Col::FieldType type) {
  Col c;
  c.set_name(name);
  c.set_original_name(name);
  c.set_catalog("def");
  c.set_type(type);
  if (type == Col::BYTES) c.set_collation(255);  // utf8mb4_0900_ai_ci
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, c);
}

void RowsAffected(Reply& reply, uint64_t rows) {
  Mysqlx::Notice::SessionStateChanged ch;
  ch.set_param(Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED);
  *ch.add_value() = ScalarUint(rows);
  reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, ch);
}

void ListLockWaits(Storage* storage, Reply& reply) {
  Column(reply, "waiter", Col::UINT);
  Column(reply, "waiter_xid", Col::BYTES);
  Column(reply, "waiter_started_us", Col::SINT);
  Column(reply, "holder", Col::UINT);
  Column(reply, "holder_xid", Col::BYTES);
  Mysqlx::Resultset::Row row;
  for (const LockWaitEdge& e : storage->LockWaits()) {
    row.clear_field();
    xrow::PutUint(row.add_field(), e.waiter);
    xrow::PutBytes(row.add_field(), e.waiter_label);
    xrow::PutSint(row.add_field(), e.waiter_started_us);
    xrow::PutUint(row.add_field(), e.holder);
    xrow::PutBytes(row.add_field(), e.holder_label);
    reply.Send(ServerMsg::RESULTSET_ROW, row);
  }
  reply.Send(ServerMsg::RESULTSET_FETCH_DONE, Mysqlx::Resultset::FetchDone());
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

// A named unsigned argument of the command's Object; nullopt after
// answering the error.
std::optional<uint64_t> UintArg(const Mysqlx::Sql::StmtExecute& stmt,
                                const char* name, Reply& reply) {
  const Any* v =
      stmt.args_size() == 1 ? ObjectField(stmt.args(0), name) : nullptr;
  if (v == nullptr) {
    reply.Error(ER_X_CMD_NUM_ARGUMENTS,
                std::string("Invalid number of arguments, expected value "
                            "for '") +
                    name + "'");
    return std::nullopt;
  }
  std::optional<uint64_t> u = AnyAsUint(*v);
  if (!u) {
    reply.Error(ER_X_BAD_ARGUMENT, std::string("Invalid type for argument '") +
                                       name + "', expected unsigned integer");
  }
  return u;
}

void AbortLockWait(Storage* storage, const Mysqlx::Sql::StmtExecute& stmt,
                   Reply& reply) {
  const std::optional<uint64_t> waiter = UintArg(stmt, "waiter", reply);
  if (!waiter) return;
  const std::optional<uint64_t> holder = UintArg(stmt, "holder", reply);
  if (!holder) return;
  RowsAffected(reply, storage->AbortLockWait(*waiter, *holder) ? 1 : 0);
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

}  // namespace

void RunAdminCommand(Storage* storage, const Mysqlx::Sql::StmtExecute& stmt,
                     Reply& reply) {
  const std::string& cmd = stmt.stmt();
  if (cmd == "xp_list_lock_waits") return ListLockWaits(storage, reply);
  if (cmd == "xp_abort_lock_wait") return AbortLockWait(storage, stmt, reply);
  reply.Error(ER_X_INVALID_ADMIN_COMMAND, "Invalid mysqlx command " + cmd);
}

}  // namespace xp::dn
