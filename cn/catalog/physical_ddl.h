// The statements a compute node sends the data nodes to keep their
// physical tables (cn/README.md "physical names"), each built as a
// statement tree and printed by the canonical printer (plan/sql/printer.h):
// no name is spliced into SQL text by hand. `db` is the user's database,
// `phys` the physical table (`__xp_<id>_p<i>`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/schema.h"

namespace xp::cn {

std::string CreateDatabaseSql(std::string_view db);  // IF NOT EXISTS
std::string DropDatabaseSql(std::string_view db);    // IF EXISTS
std::string DropTableSql(std::string_view db, std::string_view phys);
std::string TruncateTableSql(std::string_view db, std::string_view phys);
// RENAME TABLE db.phys TO to_db.phys (a physical table changes database).
std::string MoveTableSql(std::string_view db, std::string_view phys,
                         std::string_view to_db);
// CREATE TABLE db.phys with t's columns and indexes (SHOW CREATE TABLE's
// definition, no partitioning: a partition is a plain table on its DN).
Result<std::string> CreateTableSql(const plan::TableSchema& t,
                                   std::string_view phys);
// CREATE [UNIQUE] INDEX idx ON db.phys (t's columns of idx).
std::string CreateIndexSql(const plan::TableSchema& t,
                           const plan::IndexSchema& idx, std::string_view phys);
std::string DropIndexSql(std::string_view db, std::string_view index,
                         std::string_view phys);

// Reads of a physical table the DDL needs:
// SELECT 1 FROM db.phys LIMIT 1 (is it empty?)
std::string AnyRowSql(std::string_view db, std::string_view phys);
// SELECT MAX(column) FROM db.phys (where AUTO_INCREMENT goes on)
std::string MaxSql(std::string_view db, std::string_view phys,
                   std::string_view column);
// SELECT columns FROM db.phys WHERE each of not_null IS NOT NULL (the rows
// of a global index being built)
std::string RowsWithKeySql(std::string_view db, std::string_view phys,
                           const std::vector<std::string>& columns,
                           const std::vector<std::string>& not_null);

}  // namespace xp::cn
