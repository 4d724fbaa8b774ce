// Lowering of the logical plan (plan/logical.h) to physical operators.
// Storage is the caller's: scan nodes (TableScan, Get, RangeScan) become
// whatever operator the ScanFactory returns for them, so the same lowering
// serves the in-memory engine and the data node's RocksDB tables.
#pragma once

#include <functional>
#include <map>

#include "codec/status.h"
#include "plan/exec/operator.h"
#include "plan/logical.h"

namespace xp::exec {

using ScanFactory =
    std::function<Result<OperatorPtr>(const plan::LogicalNode& scan)>;

// EXPLAIN ANALYZE: what each operator produced and the time spent in it
// (its inputs included), by plan node.
struct OperatorProfile {
  struct Counters {
    uint64_t rows = 0;
    uint64_t batches = 0;
    uint64_t nanos = 0;
  };
  std::map<const plan::LogicalNode*, Counters> nodes;
};

// With `profile`, every operator is wrapped to count into it.
Result<OperatorPtr> Lower(const plan::LogicalNode& node,
                          const ScanFactory& scans,
                          OperatorProfile* profile = nullptr);

// Yields batches it owns (a VALUES list, rows looked up by a Get).
class OwnedBatchSource : public Operator {
 public:
  OwnedBatchSource(std::vector<plan::DataType> types,
                   std::vector<Batch> batches)
      : types_(std::move(types)), batches_(std::move(batches)) {}
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

 private:
  std::vector<plan::DataType> types_;
  std::vector<Batch> batches_;
  size_t next_ = 0;
};

// Rows of Values as batches of `types`.
std::vector<Batch> BatchesOf(const std::vector<plan::DataType>& types,
                             const std::vector<std::vector<plan::Value>>& rows);

}  // namespace xp::exec
