// Rows of a table in RocksDB: the primary-key entry
//   key   = prefix(table id, 0) + primary-key columns (codec/key.h)
//   value = the whole row (codec/row.h, with the schema version)
// and one entry per secondary index
//   unique:     prefix(table id, index) + index columns -> primary-key bytes
//               (rows with a NULL in the index get the non-unique form)
//   non-unique: prefix(table id, index) + index columns + primary-key
//               columns -> ""
// where `index` is IndexSchema::id. A table without a primary key has a
// hidden one: key = prefix(table id, 0) + a row number (uint64). Writes go
// through a storage transaction (row locks, 1062 on duplicates); scans feed
// plan/exec batches directly, decoding into the batch's vectors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "codec/key.h"
#include "codec/status.h"
#include "dn/storage/storage.h"
#include "plan/exec/operator.h"
#include "plan/logical.h"
#include "plan/schema.h"

namespace xp::dn {

// The key / row kind that stores values of `t`.
key::Kind KindOf(const plan::DataType& t);

// A table as storage sees it.
struct StoredTable {
  const plan::TableSchema* schema;
  uint64_t id;
};

bool HasPrimaryKey(const plan::TableSchema& t);
// The primary-key entry's key for `row` (all columns, in column types).
// REQUIRES: HasPrimaryKey.
std::string PrimaryKey(const StoredTable& t,
                       const std::vector<plan::Value>& row);
// The primary-key entry's key of hidden row number `n`.
std::string HiddenKey(const StoredTable& t, uint64_t n);
// [begin, end) of every key of table `id` (rows and all indexes).
std::pair<std::string, std::string> TableRange(uint64_t id);
// [begin, end) of index `index_id`'s entries.
std::pair<std::string, std::string> IndexRange(uint64_t id, uint32_t index_id);

// Inserts a full row (values already converted to the column types) under
// primary-key entry `pk`: 1062 when `pk` or a unique index already holds
// its key, with the colliding row's primary-key entry key in *conflict
// (when given).
Status InsertRow(Transaction* txn, const StoredTable& t, const std::string& pk,
                 const std::vector<plan::Value>& row,
                 std::string* conflict = nullptr);
// Only the entries of the indexes with these ids (index backfill).
Status InsertIndexEntries(Transaction* txn, const StoredTable& t,
                          const std::string& pk,
                          const std::vector<plan::Value>& row,
                          const std::vector<uint32_t>& index_ids);
Status InsertRow(Transaction* txn, const StoredTable& t,
                 const std::vector<plan::Value>& row);
// Deletes a row (as read, with its primary-key entry key `pk`) and its
// index entries.
Status DeleteRow(Transaction* txn, const StoredTable& t, const std::string& pk,
                 const std::vector<plan::Value>& row);
// Locks the row `pk` (its latest committed version) and checks it is still
// `row` (what the transaction's snapshot read). Another transaction that
// changed or removed it since would otherwise lose its update: 1213, and
// the client retries the transaction (as after a deadlock).
Status LockUnchanged(Transaction* txn, const StoredTable& t,
                     const std::string& pk,
                     const std::vector<plan::Value>& row);
// A stored row (its primary-key entry's value) as Values of every column;
// columns added after it was written read their default.
Result<std::vector<plan::Value>> DecodeStoredRow(const StoredTable& t,
                                                 std::string_view stored);

// One key range over an index, as index-column values: rows whose key
// starts with `lower` (a prefix of the index columns) and up to `upper`;
// an empty bound is open. A Get of key k is {k, k, inclusive, inclusive}.
struct KeyRange {
  std::vector<plan::Value> lower, upper;
  bool lower_inclusive = true, upper_inclusive = true;
};

// Rows of index `index` (a position in schema.indexes; 0 is the primary key
// when the table has one) within `ranges`, in index order per range
// (reverse: descending), `columns` of them. Secondary entries are followed
// to their row by primary key. This is Get (many keys, or key prefixes)
// and RangeScan of the plan.
class IndexScanOperator : public exec::Operator {
 public:
  // row_ids: one more, last, column with each row's primary-key entry key.
  IndexScanOperator(Transaction* txn, const StoredTable& t, size_t index,
                    std::vector<KeyRange> ranges, std::vector<int> columns,
                    bool reverse = false, bool row_ids = false);
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const exec::Batch*> Next() override;

  struct FieldOut {  // one decoded key field (index-only reads)
    bool null = false;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    __int128 dec = 0;
    std::string s;
  };

 private:
  Status Open(size_t range);
  // The primary-key bytes (after the table prefix) of the current entry.
  Result<std::string> PrimaryKeySuffix();
  // Row n from the current secondary entry's key alone (covering_).
  Status ReadCovering(size_t n);

  Transaction* txn_;
  StoredTable table_;
  size_t index_;
  std::vector<KeyRange> ranges_;
  std::vector<int> columns_;
  bool reverse_;
  bool row_ids_;
  std::vector<plan::DataType> types_;
  std::vector<key::Kind> kinds_;
  size_t range_ = 0;
  std::unique_ptr<KeyIterator> it_;
  exec::Batch out_;
  // Index-only: every column read is an index or primary-key field of a
  // secondary entry (and none is case-folded text), so rows come from the
  // entries' keys without reading the rows.
  bool covering_ = false;
  bool need_pk_fields_ = false;
  std::vector<size_t> key_source_;  // per output column: its key field
  std::vector<FieldOut> fields_;
};

// The operator for a plan scan node (TableScan, Get, RangeScan of
// plan/logical.h) over table `t`: what a data node gives exec::Lower as its
// ScanFactory.
Result<exec::OperatorPtr> ScanFor(const plan::LogicalNode& scan,
                                  Transaction* txn, const StoredTable& t,
                                  bool row_ids = false);

// All rows in primary-key order (reverse: descending), `columns` of them.
class TableScanOperator : public exec::Operator {
 public:
  TableScanOperator(Transaction* txn, const StoredTable& t,
                    std::vector<int> columns, bool reverse = false,
                    bool row_ids = false);
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const exec::Batch*> Next() override;

 private:
  Transaction* txn_;
  StoredTable table_;
  std::vector<int> columns_;
  bool row_ids_;
  std::vector<plan::DataType> types_;
  std::vector<key::Kind> kinds_;  // of every table column
  std::unique_ptr<KeyIterator> it_;
  exec::Batch out_;
};

}  // namespace xp::dn
