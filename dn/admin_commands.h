// X Protocol admin commands on a data node: Sql.StmtExecute in namespace
// "mysqlx" (the X Plugin's admin namespace; docs/PROTOCOL.md §5.4). Arguments
// are one Object of named fields, as MySQL 8 takes them. The data node has the
// cluster's own commands here:
//
//   xp_list_lock_waits  ()   -> rows (waiter, waiter_xid, waiter_started_us,
//                               holder, holder_xid): the lock waits now
//   xp_abort_lock_wait  ({waiter, holder})  -> rows affected 1 when the
//                               waiter was waiting for the holder and its
//                               wait now ends with 1213, 0 when it was not
//
// Any other command is 5157; a missing or mistyped argument 5015 / 5016.
#pragma once

#include "dn/storage/storage.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/server.h"

namespace xp::dn {

void RunAdminCommand(Storage* storage, const Mysqlx::Sql::StmtExecute& stmt,
                     Reply& reply);

}  // namespace xp::dn
