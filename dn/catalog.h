// The data node's local catalog: databases and tables (schemas with their
// versions and table ids) kept in RocksDB under table id 0 and cached in
// memory. Every change is written in one storage transaction before the
// cache changes, so a crash never leaves the two apart.
//
//   system keys (codec/key.h prefix with table id 0):
//     index 1 + database name            -> ""            (a database)
//     index 2 + database + table name    -> encoded TableSchema + table id
//     index 3                            -> next table id (varint)
//     index 4                            -> data format version (text)
//     index 5 + table id                 -> next AUTO_INCREMENT value
//                                           (decimal text; dn/sql_store.h)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "codec/status.h"
#include "dn/storage/storage.h"
#include "plan/schema.h"

namespace xp::dn {

// The on-disk format this build reads and writes (catalog index 4 holds a
// data directory's); Open refuses any other with a clear message.
inline constexpr int kDataFormat = 2;

// Schema serialization (also what a stale-schema check compares).
std::string EncodeTableSchema(const plan::TableSchema& t, uint64_t table_id);
Status DecodeTableSchema(std::string_view in, plan::TableSchema* t,
                         uint64_t* table_id);

// The key of table `table_id`'s AUTO_INCREMENT counter.
std::string AutoIncrementKey(uint64_t table_id);

class LocalCatalog : public plan::Catalog {
 public:
  // Loads the catalog from `storage` (which must outlive it).
  static Result<std::unique_ptr<LocalCatalog>> Open(Storage* storage);

  bool HasDatabase(std::string_view database) const override;
  Result<const plan::TableSchema*> FindTable(
      std::string_view database, std::string_view table) const override;
  std::vector<std::string> Databases() const override {
    return cache_.Databases();
  }
  std::vector<std::string> Tables(std::string_view database) const override {
    return cache_.Tables(database);
  }
  // The storage id of a table (its key prefix).
  Result<uint64_t> TableId(std::string_view database,
                           std::string_view table) const;

  // MySQL's errors: 1007 / 1008 / 1049 / 1050 / 1051 as InMemoryCatalog.
  Status CreateDatabase(std::string_view name, bool if_not_exists);
  Status DropDatabase(std::string_view name, bool if_exists);
  Status CreateTable(plan::TableSchema schema, bool if_not_exists);
  Status DropTable(std::string_view database, std::string_view table,
                   bool if_exists);
  // Replaces a table's schema (ALTER, CREATE INDEX), bumping its version.
  // With `txn`, the record is written in it (with the data changes) and the
  // caller commits it; the cache changes at once.
  Status AlterTable(plan::TableSchema schema, Transaction* txn = nullptr);
  // The table's record under another database and name (same id, so its
  // rows and index entries stay where they are), its version bumped.
  Status RenameTable(std::string_view database, std::string_view table,
                     std::string_view to_database, std::string_view to_table);

 private:
  explicit LocalCatalog(Storage* storage) : storage_(storage) {}
  Status Load();

  Storage* storage_;
  plan::InMemoryCatalog cache_;
  std::map<std::string, uint64_t> ids_;  // "db\0table" -> table id
  uint64_t next_id_ = 1;
};

}  // namespace xp::dn
