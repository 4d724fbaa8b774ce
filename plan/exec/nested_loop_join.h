// Nested-loop join for join conditions a hash join cannot use (non-equality
// predicates, mixed key types, LEFT JOIN ... ON with a residual condition).
// The build side (right) is materialised; for each probe batch the operator
// forms candidate batches of (probe row, build row) pairs, evaluates the
// predicate over each candidate batch at once (vectorized, no per-row
// virtual call) and keeps the pairs where it is true.
//   kInner: probe columns + build columns of every matching pair
//   kLeft:  as inner, then each probe row without a match once, with NULL
//           build columns (after the matches of its probe batch)
// A null predicate matches every pair (CROSS JOIN).
#pragma once

#include <vector>

#include "plan/exec/hash_join.h"
#include "plan/exec/operator.h"
#include "plan/expr.h"

namespace xp::exec {

class NestedLoopJoinOperator : public Operator {
 public:
  // `predicate` reads probe columns then build columns; may be null.
  // REQUIRES: kind is kInner or kLeft.
  NestedLoopJoinOperator(OperatorPtr probe, OperatorPtr build,
                         plan::BoundExprPtr predicate, JoinKind kind);
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

 private:
  Status Build();
  // Fills candidate_ with the next pairs of the current probe batch.
  size_t FillCandidates();

  OperatorPtr probe_;
  OperatorPtr build_;
  plan::BoundExprPtr predicate_;
  JoinKind kind_;
  std::vector<plan::DataType> types_;
  std::unique_ptr<ExpressionEvaluator> eval_;

  bool built_ = false;
  std::vector<Batch> build_rows_;

  const Batch* in_ = nullptr;
  size_t probe_row_ = 0;    // next probe row to pair
  size_t build_batch_ = 0;  // next build batch for that row
  size_t build_row_ = 0;    // next row in that batch
  bool unmatched_phase_ = false;
  std::vector<uint8_t> matched_;      // per probe row of in_
  std::vector<uint32_t> cand_probe_;  // candidate row -> probe row
  std::vector<uint32_t> sel_;
  Vector truth_;
  Batch candidate_;
  Batch out_;
};

}  // namespace xp::exec
