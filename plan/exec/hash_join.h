// Hash join on equality keys: the build side (right) is materialised into a
// hash table keyed by its encoded key columns, the probe side (left) streams.
//   kInner: probe columns + build columns for every matching pair
//   kLeft:  as inner, plus unmatched probe rows with NULL build columns
//   kSemi:  probe rows with at least one match (EXISTS / IN)
//   kAnti:  probe rows without a match (NOT EXISTS)
// NULL keys never match. Key columns must have the same types on both sides
// (the planner casts them); the output keeps the probe side's order.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plan/exec/operator.h"
#include "plan/logical.h"

namespace xp::exec {

using plan::JoinKind;

class HashJoinOperator : public Operator {
 public:
  HashJoinOperator(OperatorPtr probe, OperatorPtr build,
                   std::vector<int> probe_keys, std::vector<int> build_keys,
                   JoinKind kind);
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

 private:
  Status Build();
  // Encodes the probe row's key; false when a key column is NULL.
  bool ProbeKey(size_t row);
  // Appends output row `n` from probe row `p` and build row `b` (b == ~0:
  // NULLs for the build columns).
  void Emit(size_t n, size_t p, uint64_t b);

  OperatorPtr probe_;
  OperatorPtr build_;
  std::vector<int> probe_keys_;
  std::vector<int> build_keys_;
  JoinKind kind_;
  std::vector<plan::DataType> types_;

  bool built_ = false;
  std::vector<Batch> build_rows_;
  StringArena key_arena_;
  std::unordered_map<std::string_view, uint32_t> heads_;  // key -> first entry
  std::vector<uint64_t> entry_row_;                       // (batch << 32) | row
  std::vector<uint32_t> entry_next_;                      // chain; ~0u ends
  std::string key_;

  // Probe progress, kept across Next() calls when a batch's matches
  // overflow one output batch.
  const Batch* in_ = nullptr;
  size_t in_row_ = 0;
  uint32_t chain_ = ~0u;
  bool row_matched_ = false;
  Batch out_;
};

}  // namespace xp::exec
