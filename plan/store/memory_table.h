// An in-memory table: rows stored as column batches, with the write-path
// rules of a MySQL table (the session runs and is tested
// without RocksDB, and embedded mode keeps temporary results here).
//   - values convert to the column types in strict mode (plan/schema.h);
//   - omitted columns take their default, or NULL when nullable, else 1364;
//   - NULL into a NOT NULL column is 1048;
//   - AUTO_INCREMENT assigns max+1 to NULL/0 and follows explicit values;
//   - PRIMARY KEY / UNIQUE duplicates are 1062 (NULLs never collide).
// A failed insert leaves the table unchanged. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/status.h"
#include "plan/exec/vector.h"
#include "plan/schema.h"

namespace xp::exec {

// The full row an INSERT stores under the rules above: `columns` (schema
// positions; empty: all) get `values`, converted; the rest their defaults;
// an AUTO_INCREMENT column given NULL / 0 / nothing gets next_auto(), also
// returned in *assigned (else 0). 1136 / 1364 / 1048 as MySQL.
Result<std::vector<plan::Value>> AssembleRow(
    const plan::TableSchema& schema, const std::vector<int>& columns,
    const std::vector<plan::Value>& values,
    const std::function<uint64_t()>& next_auto, uint64_t* assigned);
// An AUTO_INCREMENT column's value as a counter (0 for NULL).
uint64_t AutoValueOf(const plan::Value& v);

class MemoryTable {
 public:
  // REQUIRES: `schema` outlives the table.
  explicit MemoryTable(const plan::TableSchema* schema);

  // Inserts one row. `columns` are positions in the schema (empty: all, in
  // order) and `values` their values. On success *insert_id (if given) is
  // the AUTO_INCREMENT value assigned, or 0. On a duplicate key (1062)
  // *conflicts (if given) receives the positions (storage order) of the
  // rows it collides with.
  Status Insert(const std::vector<int>& columns,
                const std::vector<plan::Value>& values,
                uint64_t* insert_id = nullptr,
                std::vector<size_t>* conflicts = nullptr);
  void Truncate();
  // The position of the row whose unique index `index` has `key` (values of
  // the index columns, in the column types), if any.
  std::optional<size_t> Find(size_t index,
                             const std::vector<plan::Value>& key) const;
  // Every row, all columns, in storage order.
  std::vector<std::vector<plan::Value>> Rows() const;
  // Replaces the contents with `rows` (all columns, already of the column
  // types) under the same checks as Insert, re-reading the schema's indexes
  // (so it also validates a new UNIQUE index, and follows a schema changed
  // in place: columns added or removed). On error nothing changes.
  // The AUTO_INCREMENT counter never goes back.
  Status ReplaceRows(const std::vector<std::vector<plan::Value>>& rows);

  size_t num_rows() const { return rows_; }
  // The rows as batches (for BatchSource). Valid until the next write.
  const std::vector<Batch>& batches() const { return batches_; }
  const plan::TableSchema& schema() const { return *schema_; }
  std::vector<plan::DataType> types() const;

 private:
  // Writes `v` (already converted) into slot `row` of column `c` of `b`.
  static void Put(Batch* b, size_t c, size_t row, const plan::Value& v);

  const plan::TableSchema* const schema_;
  std::vector<PhysType> phys_;
  std::vector<Batch> batches_;
  size_t rows_ = 0;
  int auto_column_ = -1;
  uint64_t next_auto_ = 1;
  // Per index: encoded unique key -> row position.
  std::vector<std::unordered_map<std::string, size_t>> unique_keys_;
};

}  // namespace xp::exec
