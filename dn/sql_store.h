// The data node's exec::Store (plan/store/store.h) over RocksDB: the SQL
// engine's catalog, DDL and tables on dn/storage, dn/catalog and dn/table.
//
// Sessions: each has at most one storage transaction. Outside BEGIN a
// statement runs in its own transaction, committed when it succeeds; inside
// one, a failed statement is rolled back to the savepoint taken before it
// (a deadlock, 1213, rolls back the whole transaction, as InnoDB does).
// XA: START / END / PREPARE hand the prepared transaction to the store,
// where any session (or a restarted node: RocksDB keeps prepared
// transactions) can COMMIT or ROLLBACK it by xid.
//
// AUTO_INCREMENT and hidden primary keys: one counter per table in memory.
// The AUTO_INCREMENT counter is also kept in the catalog (written outside
// the statement's transaction at each advance, unsynced), so after a
// restart it continues past every id ever handed out, as MySQL 8's does;
// after a power loss it is at least past the largest stored value. Hidden
// row numbers restart after the largest stored one.
// DDL: every data change of a DDL statement and its catalog record are one
// storage transaction; DROP / TRUNCATE then compact the freed range.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "codec/thread_annotations.h"
#include "dn/catalog.h"
#include "dn/storage/storage.h"
#include "dn/table.h"
#include "plan/store/store.h"

namespace xp::dn {

class SqlStore : public exec::Store {
 public:
  // `storage` must outlive the store.
  static Result<std::unique_ptr<SqlStore>> Open(Storage* storage);
  ~SqlStore() override;

  const plan::Catalog& catalog() const override { return *catalog_; }
  Status CreateDatabase(std::string_view name, bool if_not_exists) override;
  Status DropDatabase(std::string_view name, bool if_exists) override;
  Status CreateTable(plan::TableSchema schema, bool if_not_exists) override;
  Status DropTable(std::string_view database, std::string_view table) override;
  Status TruncateTable(std::string_view database,
                       std::string_view table) override;
  Status RenameTable(std::string_view database, std::string_view table,
                     std::string_view to_database,
                     std::string_view to_table) override {
    return catalog_->RenameTable(database, table, to_database, to_table);
  }
  Status AlterTable(plan::TableSchema schema,
                    std::vector<int> column_source) override;
  std::unique_ptr<exec::StoreSession> NewSession() override;

  Storage* storage() { return storage_; }
  const LocalCatalog& local_catalog() const { return *catalog_; }

 private:
  friend class RocksStoreSession;
  friend class SqlTable;
  explicit SqlStore(Storage* storage) : storage_(storage) {}
  // Deletes every key of table `id` and compacts the range.
  Status ClearTable(uint64_t id);
  // The next AUTO_INCREMENT value / hidden row number of a table, and
  // moving a counter past an explicit value.
  Result<uint64_t> NextAuto(const StoredTable& t, bool hidden);
  Status SeenAuto(const StoredTable& t, uint64_t used);
  Status SaveAuto(uint64_t table_id, uint64_t next);
  // Drops the in-memory counters of a table (reset: the persisted
  // AUTO_INCREMENT counter too, for DROP / TRUNCATE).
  void ForgetCounters(uint64_t id, bool reset);

  Storage* storage_;
  std::unique_ptr<LocalCatalog> catalog_;
  struct Counters {
    bool auto_loaded = false, hidden_loaded = false;
    uint64_t next_auto = 1, next_hidden = 1;
  };
  Mutex counters_mu_;
  std::map<uint64_t, Counters> counters_
      XP_GUARDED_BY(counters_mu_);  // by table id
  // Transactions prepared by XA PREPARE in this process, by xid.
  Mutex prepared_mu_;
  std::map<std::string, std::unique_ptr<Transaction>> prepared_
      XP_GUARDED_BY(prepared_mu_);
};

}  // namespace xp::dn
