// INSERT / UPDATE / DELETE as the plan IR carries them: a write node over
// a source, bound against the catalog by the SQL session. A store whose
// tables live elsewhere (the compute node) routes these instead of the
// statement's text: the rows an INSERT adds, evaluated; the rows an
// UPDATE / DELETE matches, as an optimized read plan over the table.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "plan/logical.h"
#include "plan/schema.h"

namespace xp::plan {

enum class WriteKind : uint8_t { kInsert, kUpdate, kDelete };

// A row to insert: one entry per column of the table, nullopt where the
// column takes its default (omitted, or DEFAULT).
using InsertRow = std::vector<std::optional<Value>>;

struct WriteNode {
  WriteKind kind = WriteKind::kInsert;
  const TableSchema* table = nullptr;

  // kInsert ... VALUES: the rows, every value evaluated (placeholders and
  // functions included) but not yet converted to its column's type.
  std::vector<InsertRow> rows;
  bool ignore = false;
  bool replace = false;
  bool on_duplicate = false;  // ON DUPLICATE KEY UPDATE given
  // INSERT ... SELECT: the session runs the query and inserts its rows
  // through TableStore::Insert (`rows` stays empty).
  bool from_query = false;

  // kUpdate: the columns SET assigns, in the statement's order.
  std::vector<int> targets;
  // kUpdate / kDelete: the rows matched. The WHERE bound over every
  // column of the table (in table order) and optimized: a Get, RangeScan
  // or TableScan, maybe under a Filter, with the LIMIT on top.
  LogicalNodePtr source;
  bool ordered = false;  // ORDER BY given
};

}  // namespace xp::plan
