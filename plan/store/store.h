// Where the SQL engine (plan/exec/engine.h) keeps its data: the interface
// between statement execution and storage. The in-memory store
// (memory_store.h) serves tests, the sqllogictest runner and embedded mode;
// the data node implements the same interface over RocksDB (dn/sql_store.h),
// so both run the same planner, optimizer and operators.
//
//   Store         shared by every session: the catalog, DDL, views
//   StoreSession  one client session: its transaction and table access
//   TableStore    one table within a session's current transaction
//
// Rows are named by a RowId: opaque bytes a store hands out in scans (the
// in-memory table: the row's position; RocksDB: its primary-key entry's
// key) and takes back in Read / Update / Delete within the same statement.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "codec/sql_errors.h"
#include "codec/status.h"
#include "plan/exec/operator.h"
#include "plan/logical.h"
#include "plan/schema.h"
#include "plan/sql/ast.h"
#include "plan/store/accounts.h"
#include "plan/store/metadata_locks.h"
#include "plan/store/table_locks.h"
#include "plan/write.h"

namespace xp::exec {

using RowId = std::string;

class TableStore {
 public:
  virtual ~TableStore() = default;
  virtual const plan::TableSchema& schema() const = 0;
  // The operator for a scan node (TableScan / Get / RangeScan) of this
  // table. With `row_ids` its output has one more, last, column: each
  // row's RowId (a binary string).
  virtual Result<OperatorPtr> Scan(const plan::LogicalNode& scan,
                                   bool row_ids) = 0;
  // Inserts one row: `columns` are schema positions (empty: all, in order;
  // empty with no values: none, every column its default) and `values`
  // their values, converted here (strict mode); omitted
  // columns take their default; AUTO_INCREMENT assigns the next value to
  // NULL / 0 and follows explicit ones. *insert_id: the value assigned (or
  // 0). 1062 on a duplicate key, with the colliding rows in *conflicts
  // (when given). A failed insert writes nothing.
  virtual Status Insert(const std::vector<int>& columns,
                        const std::vector<plan::Value>& values,
                        uint64_t* insert_id, std::vector<RowId>* conflicts) = 0;
  // A whole row (all columns) by id.
  virtual Result<std::vector<plan::Value>> Read(const RowId& id) = 0;
  // Replaces rows `ids` (whose current contents are `old_rows`) with
  // `new_rows` (whole rows, of the column types). 1062 when a new row
  // collides with a row not being replaced, or two new rows collide.
  virtual Status Update(
      const std::vector<RowId>& ids,
      const std::vector<std::vector<plan::Value>>& old_rows,
      const std::vector<std::vector<plan::Value>>& new_rows) = 0;
  virtual Status Delete(
      const std::vector<RowId>& ids,
      const std::vector<std::vector<plan::Value>>& old_rows) = 0;
  // After the last Insert of a statement: a store that buffers rows and
  // learns only when it writes them which ones a duplicate key stopped
  // (IGNORE) or which replaced others (REPLACE) writes them now and
  // returns the rows affected, as MySQL counts them; nullopt when each
  // Insert call already counted (the default).
  virtual Result<std::optional<uint64_t>> FinishInserts() {
    return std::optional<uint64_t>();
  }
};

// What a session of a store whose tables live on other nodes adds to the
// SQL session, as explicit extension points: an optimizer extension that
// places plan fragments (plan/optimizer.h), the scan provider for the
// fragments placed, and the router of whole INSERT / UPDATE / DELETE
// statements.
class RemoteExecution {
 public:
  virtual ~RemoteExecution() = default;
  // The optimizer extension, run after the built-in passes: the parts the
  // store runs elsewhere become Remote nodes (plan/logical.h).
  virtual Status PlaceFragments(plan::LogicalNodePtr* root) = 0;
  // The scan provider: the operator for a Remote node.
  virtual Result<OperatorPtr> RemoteScan(const plan::LogicalNode& remote) = 0;
  // INSERT / UPDATE / DELETE as a whole, inside the statement's bracket:
  // `write` is the statement bound (plan/write.h) and routed from; `stmt`
  // its tree, which the store may rewrite (table names) and print for the
  // nodes it ships to, with `params` for the placeholders still in it (SET
  // values, ON DUPLICATE KEY UPDATE). *handled false leaves the statement
  // to the session's row-at-a-time path (INSERT ... SELECT: the rows come
  // through TableStore::Insert).
  virtual Status RouteWrite(plan::WriteNode& write, sql::Statement& stmt,
                            const std::vector<plan::Value>& params,
                            bool* handled, uint64_t* rows_affected,
                            uint64_t* last_insert_id) = 0;
  // EXPLAIN ANALYZE: while on, Remote operators collect per-node feedback;
  // Analysis() gives it for one Remote node (lines, '\n'-separated).
  virtual void SetAnalyze(bool on) = 0;
  virtual std::string Analysis(const plan::LogicalNode& remote) = 0;
};

class StoreSession {
 public:
  virtual ~StoreSession() = default;
  // `schema` is the catalog's current schema of the table.
  virtual Result<TableStore*> Table(const plan::TableSchema& schema) = 0;

  // Every statement runs between StatementBegin() and StatementEnd(): a
  // failed statement's writes are undone (statement rollback); outside an
  // explicit transaction (autocommit) a successful one commits.
  virtual Status StatementBegin() = 0;
  // From here to its end the running statement's reads and writes hold
  // together (one transaction over every node the store spans, read locks
  // kept to its end, all undone when it fails): the engine asks before
  // checking foreign keys. A store with one transaction has nothing to do.
  virtual Status AtomicStatement() { return Status::OK(); }
  virtual Status StatementEnd(bool ok) = 0;

  // BEGIN / COMMIT / ROLLBACK. BEGIN inside a transaction commits it first
  // (as MySQL does).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual bool in_transaction() const = 0;
  // SAVEPOINT / ROLLBACK TO SAVEPOINT / RELEASE SAVEPOINT in the open
  // transaction (outside one, SAVEPOINT does nothing, as in MySQL; an
  // unknown name is 1305). Stores without them refuse with 1235.
  virtual Status Savepoint(const std::string& name) {
    return NotSupportedYet("SAVEPOINT on this store");
  }
  virtual Status RollbackToSavepoint(const std::string& name) {
    return Savepoint(name);
  }
  virtual Status ReleaseSavepoint(const std::string& name) {
    return Savepoint(name);
  }
  // While on, reads see the latest committed rows instead of the
  // transaction's snapshot (UPDATE / DELETE finding their rows).
  virtual void SetCurrentRead(bool on) {}
  // Until StatementEnd: reads are locking reads of `mode` (kNone: plain),
  // rows held by others waited for, refused (NOWAIT) or left out (SKIP
  // LOCKED). Stores without row locks ignore it.
  virtual void SetReadLock(sql::LockMode mode, sql::LockWait wait) {}
  // From another thread, while a statement of this session runs (KILL, a
  // client gone, shutdown): stop work the store started elsewhere for it
  // (the compute node kills its requests on the data nodes). Must be
  // thread-safe; the statement itself fails at its next batch (1317).
  virtual void Interrupt() {}
  // START TRANSACTION WITH CONSISTENT SNAPSHOT: the open transaction's read
  // snapshot is taken now (default: at its first read).
  virtual Status Snapshot() { return Status::OK(); }
  // XA START / END / PREPARE / COMMIT / ROLLBACK / RECOVER; RECOVER's rows
  // go to *recovered (xids).
  virtual Status Xa(const sql::XaStatement& xa,
                    std::vector<std::string>* recovered) = 0;

  // A store whose tables live elsewhere (the compute node's cluster,
  // cn/cluster_session.h) runs parts of statements there: null for a store
  // that holds its tables itself.
  virtual RemoteExecution* remote() { return nullptr; }
  // SET of a session system variable; the store may refuse the value.
  virtual Status OnVariable(const std::string& name, const plan::Value& v) {
    return Status::OK();
  }
};

class Store {
 public:
  virtual ~Store() = default;
  virtual const plan::Catalog& catalog() const = 0;
  // Statements hold this shared, DDL holds it exclusively.
  std::shared_mutex& ddl_mutex() { return ddl_mutex_; }
  // Moves on at every DDL statement (under the exclusive ddl_mutex()):
  // plans kept across statements (a session's point-get cache) are good
  // while it has not moved.
  uint64_t ddl_epoch() const { return ddl_epoch_.load(); }
  void BumpDdlEpoch() { ++ddl_epoch_; }
  // Tables held by open transactions, which DDL waits for
  // (metadata_locks.h).
  MetadataLocks& metadata_locks() { return metadata_locks_; }
  // LOCK TABLES (table_locks.h).
  TableLocks& table_locks() { return table_locks_; }
  // DDL statements waiting for ddl_mutex() exclusively (table lock waits
  // give up for them, TableLocks::WaitUsable).
  std::atomic<int>& ddl_waiting() { return ddl_waiting_; }

  // MySQL's errors (1007 / 1008 / 1049 / 1050 / 1051).
  virtual Status CreateDatabase(std::string_view name, bool if_not_exists) = 0;
  virtual Status DropDatabase(std::string_view name, bool if_exists) = 0;
  virtual Status CreateTable(plan::TableSchema schema, bool if_not_exists) = 0;
  virtual Status DropTable(std::string_view database,
                           std::string_view table) = 0;
  virtual Status TruncateTable(std::string_view database,
                               std::string_view table) = 0;
  // Replaces a table's schema with `schema` (same database and name).
  // `column_source[i]` is the old position of new column i, or -1 for a new
  // column (which rows read as its default). Indexes are matched by
  // IndexSchema::id: new ones are built from the existing rows (a UNIQUE
  // one over duplicates fails with 1062 and changes nothing), missing ones
  // are removed.
  virtual Status AlterTable(plan::TableSchema schema,
                            std::vector<int> column_source) = 0;
  // RENAME TABLE: the table, its rows and indexes under another name (and
  // database), as one change; the caller checked the names (the table
  // exists, the target does not, its database does).
  virtual Status RenameTable(std::string_view database, std::string_view table,
                             std::string_view to_database,
                             std::string_view to_table) = 0;

  virtual std::unique_ptr<StoreSession> NewSession() = 0;

  // A view ("db.view") was created or replaced (`view`) or dropped
  // (nullptr), before views() changes; a store that persists its catalog
  // records it (the default keeps views in memory only).
  virtual Status SaveView(const std::string& key,
                          const sql::CreateViewStatement* view) {
    return Status::OK();
  }

  // Accounts and their privileges (accounts.h). Changes are made under the
  // exclusive ddl_mutex() and recorded with SaveAccount first: a store that
  // persists its catalog keeps `account` (nullptr: dropped) under `key`
  // (Accounts::Key); the default keeps accounts in memory only.
  Accounts& accounts() { return accounts_; }
  virtual Status SaveAccount(const std::string& key, const Account* account) {
    return Status::OK();
  }

  // Views ("db.view" -> its CREATE VIEW statement). Guarded by ddl_mutex().
  std::map<std::string, std::shared_ptr<const sql::CreateViewStatement>>&
  views() {
    return views_;
  }
  // Triggers ("db.trigger" -> "db.table"); only empty bodies exist.
  std::map<std::string, std::string>& triggers() { return triggers_; }

 private:
  std::shared_mutex ddl_mutex_;
  std::atomic<uint64_t> ddl_epoch_{0};
  MetadataLocks metadata_locks_;
  TableLocks table_locks_;
  std::atomic<int> ddl_waiting_{0};
  Accounts accounts_;
  std::map<std::string, std::shared_ptr<const sql::CreateViewStatement>> views_;
  std::map<std::string, std::string> triggers_;
};

// On a store without accounts (a new cluster, or one from before accounts
// existed): makes `name` with every privilege and GRANT OPTION and
// `password` (mysql_native_password, which every client speaks; new
// accounts default to caching_sha2_password), saved as any account is. Does
// nothing when the store has accounts; *created says which.
Status CreateFirstAccount(Store* store, const AccountName& name,
                          std::string_view password, bool* created);

}  // namespace xp::exec
