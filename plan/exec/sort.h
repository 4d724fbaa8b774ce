// ORDER BY and top-N. Materialises the input (copying strings into its own
// arenas), sorts row references by the key columns with MySQL's order
// (NULLs first ascending, last descending; strings by their collation), and
// emits batches. With a limit only the first offset + limit rows are kept
// sorted (partial sort), which is the top-N operator.
#pragma once

#include <optional>
#include <vector>

#include "plan/exec/operator.h"
#include "plan/logical.h"

namespace xp::exec {

using plan::SortKey;

class SortOperator : public Operator {
 public:
  // limit: emit at most this many rows after skipping `offset` (top-N).
  SortOperator(OperatorPtr child, std::vector<SortKey> keys,
               std::optional<uint64_t> limit = std::nullopt,
               uint64_t offset = 0);
  const std::vector<plan::DataType>& types() const override {
    return child_->types();
  }
  Result<const Batch*> Next() override;

 private:
  Status Materialize();
  int CompareRows(uint64_t a, uint64_t b) const;

  OperatorPtr child_;
  std::vector<SortKey> keys_;
  std::optional<uint64_t> limit_;
  uint64_t offset_;
  std::vector<Batch> rows_;      // owned copies of the input
  std::vector<uint64_t> order_;  // (batch << 32) | row, sorted
  bool sorted_ = false;
  size_t next_ = 0;
  size_t end_ = 0;
  Batch out_;
};

// Like Gather, but string bytes are copied into dst's arena, so dst does
// not depend on src's lifetime.
void GatherOwned(const Vector& src, const uint32_t* sel, size_t n, Vector* dst);

// A deep copy of `in` (strings included) sized to its rows: for operators
// that keep their input past the child's next batch (sort, join build).
Batch CopyOwned(const Batch& in);

}  // namespace xp::exec
