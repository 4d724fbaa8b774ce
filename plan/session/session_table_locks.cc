// SqlSession: LOCK TABLES / UNLOCK TABLES (plan/store/table_locks.h).
// LOCK TABLES commits the open transaction and drops the session's
// earlier locks, then takes all the tables named at once (waiting up to
// lock_wait_timeout, 1205); while it holds them the session may use only
// those (1100) and write only the WRITE-locked ones (1099). UNLOCK
// TABLES, START TRANSACTION / BEGIN and the session's end release them.
// Other sessions' statements wait for the tables they read or write.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

namespace {

std::chrono::steady_clock::time_point Deadline(int64_t seconds) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

Status LockWaitTimeout() {
  return SqlError(ER_LOCK_WAIT_TIMEOUT,
                  "Lock wait timeout exceeded; try restarting transaction");
}

}  // namespace

Result<QueryResult> SqlSession::LockTables(const sql::Statement& s) {
  const auto& l = static_cast<const sql::LockTablesStatement&>(s);
  // LOCK TABLES commits the open transaction (MySQL's implicit commit);
  // UNLOCK TABLES only when it releases locks (a dump's UNLOCK TABLES
  // inside its consistent-snapshot transaction leaves it open).
  if (session_->in_transaction() &&
      (s.kind == sql::StmtKind::kLockTables || !locked_tables_.empty())) {
    XP_RETURN_IF_ERROR(session_->Commit());
    ReleaseMetadataLocks();
  }
  UnlockTables();
  if (s.kind == sql::StmtKind::kUnlockTables) return QueryResult();
  std::map<exec::TableLocks::Table, bool> want;
  {
    std::shared_lock<std::shared_mutex> ddl(store_->ddl_mutex());
    for (const auto& item : l.items) {
      const std::string db =
          item.table.schema.empty() ? database_ : item.table.schema;
      XP_RETURN_IF_ERROR(
          CheckTable(exec::kPrivSelect, "SELECT", db, item.table.name));
      XP_RETURN_IF_ERROR(CheckTable(exec::kPrivLockTables, "LOCK TABLES", db,
                                    item.table.name));
      if (store_->views().count(plan::QualifiedKey(db, item.table.name)))
        return NotSupported("LOCK TABLES of a view");
      XP_ASSIGN_OR_RETURN(const plan::TableSchema* t,
                          store_->catalog().FindTable(db, item.table.name));
      bool& write = want[{t->database, t->name}];
      write = write || item.write;
    }
  }
  if (!store_->table_locks().Lock(
          this, want, Deadline(IntegerVariable("lock_wait_timeout", 31536000))))
    return LockWaitTimeout();
  locked_tables_ = std::move(want);
  return QueryResult();
}

void SqlSession::UnlockTables() {
  if (locked_tables_.empty()) return;
  store_->table_locks().Unlock(this);
  locked_tables_.clear();
}

Status SqlSession::TableLockFor(const plan::TableSchema& t, bool write) {
  if (!locked_tables_.empty()) {
    auto it = locked_tables_.find({t.database, t.name});
    if (it == locked_tables_.end())
      return SqlError(ER_TABLE_NOT_LOCKED,
                      "Table '" + t.name + "' was not locked with LOCK TABLES");
    if (write && !it->second)
      return SqlError(ER_TABLE_NOT_LOCKED_FOR_WRITE,
                      "Table '" + t.name +
                          "' was locked with a READ lock and can't be updated");
    return Status::OK();
  }
  if (!store_->table_locks().WaitUsable(
          this, {t.database, t.name}, write,
          Deadline(IntegerVariable("lock_wait_timeout", 31536000)),
          &store_->ddl_waiting()))
    return LockWaitTimeout();
  return Status::OK();
}

}  // namespace xp::session
