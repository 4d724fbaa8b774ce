// Table schemas and the catalog seam the binder resolves names against
// (docs/ARCHITECTURE.md "A query in `plan/`"). Building a schema from CREATE
// TABLE applies MySQL 8's checks with its error codes; the Catalog interface is
// implemented in memory here (tests, embedded mode) and over RocksDB by the
// data node.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/expr.h"
#include "plan/sql/ast.h"
#include "plan/types/data_type.h"

namespace xp::plan {

struct ColumnSchema {
  std::string name;
  DataType type;
  bool nullable = true;
  bool auto_increment = false;
  // The default: a constant already converted to `type`; nullopt when the
  // column has no default (an INSERT must then give a value, or get NULL
  // when nullable). default_now: DEFAULT CURRENT_TIMESTAMP.
  std::optional<Value> default_value;
  bool default_now = false;
  // ON UPDATE CURRENT_TIMESTAMP: an UPDATE that changes a row sets the
  // column to the statement's time unless it assigns the column itself.
  bool on_update_now = false;
  std::vector<std::string> enum_values;  // ENUM / SET members
  // Set by ALTER TABLE ... ADD COLUMN: the value rows written before the
  // column existed hold (its default, the ALTER's time for DEFAULT
  // CURRENT_TIMESTAMP, the type's implicit default for NOT NULL, or NULL),
  // fixed then, so a later change of the DEFAULT does not reach those rows.
  // Storage that adds columns without rewriting rows reads it.
  std::optional<Value> added_value;

  // added_value, or (catalogs from before it existed) the default, or NULL.
  const Value& AddedValue() const {
    static const Value kNull;
    return added_value ? *added_value : default_value ? *default_value : kNull;
  }
};

struct IndexSchema {
  std::string name;  // "PRIMARY" for the primary key
  bool primary = false;
  bool unique = false;
  std::vector<int> columns;  // positions in TableSchema::columns
  std::vector<bool> desc;
  // Storage id, stable while the index exists (its entries' key prefix):
  // 0 for the primary key, never reused within a table otherwise.
  uint32_t id = 0;
  bool global = false;  // declared GLOBAL (sql::IndexDef::global)
};

// A FOREIGN KEY of the table that holds it (the child): each row's
// `columns`, when none is NULL, match a row of the referenced (parent)
// table's `ref_columns`. Enforced by the session (plan/session
// session_foreign_keys.cc) unless foreign_key_checks = 0.
struct ForeignKeySchema {
  std::string name;          // the constraint's, unique in the database
  std::vector<int> columns;  // positions in this table
  std::string ref_database;
  std::string ref_table;
  std::vector<std::string> ref_columns;  // names in the referenced table
  sql::ForeignKeyAction on_delete = sql::ForeignKeyAction::kNoAction;
  sql::ForeignKeyAction on_update = sql::ForeignKeyAction::kNoAction;
};

struct TableSchema {
  std::string database;
  std::string name;
  std::vector<ColumnSchema> columns;
  std::vector<IndexSchema> indexes;  // the primary key first, when present
  std::vector<ForeignKeySchema> foreign_keys;
  // No PRIMARY KEY was declared: storage adds a hidden one (dn/README.md).
  bool hidden_primary_key = false;
  sql::PartitionSpec partition;
  uint64_t version = 1;

  // Column position by name (case-insensitive, as MySQL), or -1.
  int FindColumn(std::string_view name) const;
};

// MySQL name comparison for columns and aliases (ASCII case-insensitive).
bool NameEquals(std::string_view a, std::string_view b);
// "db.table": how stores and sessions key a table by its names.
std::string QualifiedKey(std::string_view db, std::string_view table);

// The DataType a declared column type maps to. Errors: 1426 (precision over
// 38), 1425 (scale over 30), 1427 (scale > precision), 1074 (VARCHAR too
// long), 1064 (unknown type).
Result<DataType> ResolveColumnType(const sql::TypeName& t,
                                   std::string_view column);

// MySQL's name for an unnamed key: its first column's, with _2, _3, ...
// added while that is taken in `indexes`.
std::string UniqueIndexName(const std::vector<IndexSchema>& indexes,
                            const std::string& base);

// Validates CREATE TABLE and builds its schema. Errors as MySQL: 1060
// duplicate column, 1068 several primary keys, 1072 key column missing, 1061
// duplicate key name, 1075 AUTO_INCREMENT not a key / more than one, 1067
// bad default, 1171 a PRIMARY KEY column declared NULL.
Result<TableSchema> BuildTableSchema(const sql::CreateTableStatement& stmt,
                                     std::string_view current_database);

// Adds FOREIGN KEY `def` to `t` as InnoDB does: its columns must exist
// (1072) and match the referenced ones in number (1239); SET NULL needs
// nullable columns (1830), SET DEFAULT is refused (1215); the name is
// given or `<table>_ibfk_<n>` and unique in the table (1826); an index
// leading with the columns is added when there is none (named as the
// FOREIGN KEY's index, else its constraint, else its first column). The
// referenced table is not looked at (the session checks it).
Status AddForeignKey(const sql::ForeignKeyDef& def, TableSchema* t);

// `fk` of `t` as a definition (what SHOW CREATE TABLE and error messages
// print): the referenced table's database only when it is another.
sql::ForeignKeyDef ForeignKeyDefOf(const TableSchema& t,
                                   const ForeignKeySchema& fk);

// The index of `t` whose leading columns are `columns` (in that order), or
// nullptr: the index a foreign key's lookups use.
const IndexSchema* IndexLeadingWith(const TableSchema& t,
                                    const std::vector<int>& columns);

// Converts a constant to `type` as an INSERT into a column of that type
// would (numbers from strings, integer range checks -> 1264 out of range).
Result<Value> ConvertValue(const Value& v, const DataType& type,
                           std::string_view column);

// Names the binder resolves against. Implementations must be safe for
// concurrent readers.
class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual bool HasDatabase(std::string_view database) const = 0;
  // 1146 (42S02) "Table 'db.t' doesn't exist" when missing.
  virtual Result<const TableSchema*> FindTable(
      std::string_view database, std::string_view table) const = 0;
  // Names, sorted (SHOW DATABASES / TABLES).
  virtual std::vector<std::string> Databases() const = 0;
  virtual std::vector<std::string> Tables(std::string_view database) const = 0;
};

// A catalog held in memory. Not thread-safe for writers.
class InMemoryCatalog : public Catalog {
 public:
  bool HasDatabase(std::string_view database) const override;
  Result<const TableSchema*> FindTable(std::string_view database,
                                       std::string_view table) const override;
  std::vector<std::string> Databases() const override;
  std::vector<std::string> Tables(std::string_view database) const override;
  // The same schema, for schema changes (CREATE INDEX); 1146 when missing.
  Result<TableSchema*> MutableTable(std::string_view database,
                                    std::string_view table);

  // 1007 database exists (unless if_not_exists).
  Status CreateDatabase(std::string_view name, bool if_not_exists);
  // 1008 database doesn't exist (unless if_exists); drops its tables.
  Status DropDatabase(std::string_view name, bool if_exists);
  // 1049 unknown database, 1050 table exists (unless if_not_exists).
  Status CreateTable(TableSchema schema, bool if_not_exists);
  // 1051 unknown table (unless if_exists).
  Status DropTable(std::string_view database, std::string_view table,
                   bool if_exists);
  // The same schema (pointers to it stay valid) under another database and
  // name, its version bumped: 1146 when missing, 1049 unknown target
  // database, 1050 target exists.
  Status RenameTable(std::string_view database, std::string_view table,
                     std::string_view to_database, std::string_view to_table);

 private:
  std::map<std::string, std::map<std::string, std::unique_ptr<TableSchema>>,
           std::less<>>
      databases_;
};

}  // namespace xp::plan
