// The one router of rows into a compute node's table, for INSERT ...
// VALUES and the rows of INSERT ... SELECT alike (cn/README.md "Writes").
// Rows come as the plan IR has them (plan::InsertRow: every column, nullopt
// where its default applies); the router numbers AUTO_INCREMENT columns,
// finds each row's partition by the partition-key extractor
// (PartitionOfKey; round robin without a key; every partition of a
// BROADCAST table), keeps the key values of its global index entries and
// turns what it holds into one INSERT statement tree per partition.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cn/cluster_store.h"
#include "plan/sql/ast.h"
#include "plan/write.h"

namespace xp::cn {

class RowRouter {
 public:
  RowRouter(ClusterStore* store, const plan::TableSchema& t, const Placement& p)
      : store_(store), t_(t), p_(p) {}

  // AUTO_INCREMENT: rows whose column is DEFAULT, NULL or 0 get the next
  // values, taken as one range (no gaps for one inserting client);
  // explicit values move the table's counter on. *first: the first value
  // given (left alone when none).
  Status Number(std::vector<plan::InsertRow>* rows, uint64_t* first);
  // Column c of `row` as its DN stores it: the value given or the
  // column's default, converted to the column's type. `what` names the use
  // in the error for a value the compute node cannot know here (a
  // CURRENT_TIMESTAMP default).
  Result<plan::Value> Stored(const plan::InsertRow& row, int c,
                             const char* what) const;
  // The partition of a numbered row (0 for a BROADCAST table: it goes to
  // every partition).
  Result<size_t> PartitionOfRow(const plan::InsertRow& row);
  // The columns of `row` that global index entries hold (keys and the
  // primary key), the others nullopt.
  Result<plan::InsertRow> IndexImage(const plan::InsertRow& row) const;

  // Adds a numbered row to its partition's statement (every partition's,
  // BROADCAST) and keeps its index image.
  Status Add(plan::InsertRow row);
  bool empty() const { return rows_.empty(); }
  size_t bytes() const { return bytes_; }
  // The statement of partition part's rows: INSERT [IGNORE] / REPLACE INTO
  // db.phys (every column) VALUES ...
  sql::InsertStatement Statement(size_t part, bool replace, bool ignore) const;
  // The rows added, by partition, and the index images, in order.
  const std::map<size_t, std::vector<plan::InsertRow>>& rows() const {
    return rows_;
  }
  const std::vector<plan::InsertRow>& images() const { return images_; }
  void Clear() {
    rows_.clear();
    images_.clear();
    bytes_ = 0;
  }

 private:
  ClusterStore* store_;
  const plan::TableSchema& t_;
  const Placement& p_;
  std::map<size_t, std::vector<plan::InsertRow>> rows_;
  std::vector<plan::InsertRow> images_;
  size_t bytes_ = 0;
};

// The statement for `rows` of table `t` in physical table `phys`:
// INSERT [IGNORE] / REPLACE INTO db.phys (every column) VALUES ..., DEFAULT
// where a row has no value.
sql::InsertStatement InsertRowsStatement(
    const plan::TableSchema& t, const std::string& phys,
    const std::vector<plan::InsertRow>& rows, bool replace, bool ignore);

}  // namespace xp::cn
