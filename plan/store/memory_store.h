// The in-memory Store (store.h): tables are MemoryTables, the catalog an
// InMemoryCatalog. For tests, the sqllogictest runner and embedded mode.
//
// Transactions: statements are atomic (a failed one is undone), but there
// is no multi-statement rollback: BEGIN / COMMIT are accepted and ROLLBACK
// keeps what was written, like a MySQL table without transactions; XA is
// 1235. Not thread-safe: one session at a time.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "plan/store/memory_table.h"
#include "plan/store/store.h"

namespace xp::exec {

class MemoryTableStore;

class MemoryStore : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;
  const plan::Catalog& catalog() const override { return catalog_; }
  Status CreateDatabase(std::string_view name, bool if_not_exists) override;
  Status DropDatabase(std::string_view name, bool if_exists) override;
  Status CreateTable(plan::TableSchema schema, bool if_not_exists) override;
  Status DropTable(std::string_view database, std::string_view table) override;
  Status TruncateTable(std::string_view database,
                       std::string_view table) override;
  Status RenameTable(std::string_view database, std::string_view table,
                     std::string_view to_database,
                     std::string_view to_table) override;
  Status AlterTable(plan::TableSchema schema,
                    std::vector<int> column_source) override;
  std::unique_ptr<StoreSession> NewSession() override;

 private:
  friend class MemorySession;
  plan::InMemoryCatalog catalog_;
  std::map<std::string, std::unique_ptr<MemoryTableStore>> tables_;
};

}  // namespace xp::exec
