// Hash aggregation (GROUP BY with COUNT / SUM / AVG / MIN / MAX, DISTINCT
// variants) in complete mode. Result types follow MySQL 8:
//   COUNT            BIGINT
//   SUM(integer)     DECIMAL(38, 0)        SUM(DECIMAL(p,s))  DECIMAL(38, s)
//   AVG(integer)     DECIMAL(38, 4)        AVG(DECIMAL(p,s))  DECIMAL(38, s+4)
//   SUM/AVG(DOUBLE or string)  DOUBLE      MIN/MAX            the input type
// Without GROUP BY there is exactly one output row, even for no input.
//
// Per batch: one hash probe per row into a map from the encoded group key
// (held in an arena; a new group allocates, an existing one does not) to a
// dense group id, then one tight loop per aggregate over the batch.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "plan/exec/operator.h"
#include "plan/logical.h"

namespace xp::exec {

using plan::AggFunc;
using plan::AggMode;
using plan::AggResultType;
using plan::AggSpec;

class HashAggregateOperator : public Operator {
 public:
  // Output: the group columns (in order), then one column per aggregate.
  // (In kPartial mode AVG takes two output columns; see plan::AggMode.)
  HashAggregateOperator(OperatorPtr child, std::vector<int> group_columns,
                        std::vector<AggSpec> aggs,
                        AggMode mode = AggMode::kComplete);
  ~HashAggregateOperator() override;
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

  struct AggState;

 private:
  Status Consume(const Batch& in);
  Status Finish();

  OperatorPtr child_;
  std::vector<int> group_columns_;
  std::vector<AggSpec> aggs_;
  std::vector<plan::DataType> types_;

  StringArena key_arena_;
  std::unordered_map<std::string_view, uint32_t> groups_;
  std::string key_;                             // reused encoding buffer
  std::vector<uint32_t> row_groups_;            // group id per input row
  std::vector<std::vector<plan::Value>> keys_;  // group key values per group
  std::vector<std::unique_ptr<AggState>> states_;
  AggMode mode_;

  bool done_ = false;
  size_t emitted_ = 0;
  Batch out_;
};

}  // namespace xp::exec
