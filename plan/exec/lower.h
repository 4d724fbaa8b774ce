// Lowering of the logical plan (plan/logical.h) to physical operators.
// Storage is the caller's: scan nodes (TableScan, Get, RangeScan) become
// whatever operator the ScanFactory returns for them, so the same lowering
// serves the in-memory engine and the data node's RocksDB tables.
#pragma once

#include <functional>

#include "codec/status.h"
#include "plan/exec/operator.h"
#include "plan/logical.h"

namespace xp::exec {

using ScanFactory =
    std::function<Result<OperatorPtr>(const plan::LogicalNode& scan)>;

Result<OperatorPtr> Lower(const plan::LogicalNode& node,
                          const ScanFactory& scans);

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
