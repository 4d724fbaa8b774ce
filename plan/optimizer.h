// Rule-based rewrites of the logical plan, each a named pass that can be
// switched off (the session variable xp_disabled_passes lists names), run
// in this order:
//   constant_folding     constant subexpressions become values; a Filter
//                        that is always true goes, one never true empties
//                        its input
//   predicate_pushdown   filters move below projections, sorts, unions,
//                        grouping keys and into join sides
//   decorrelation        uncorrelated IN / EXISTS in a filter become semi
//                        joins (hash on the IN column)
//   access_path          a filter over a table scan picks a Get (equality
//                        on every primary-key column, or on an index prefix;
//                        IN lists give several keys) or a RangeScan (a range
//                        on the first key column); the filter stays as the
//                        residual check
//   projection_pruning   scans read only the columns something above uses
// Every pass keeps results identical; tests run with passes on and off.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "codec/status.h"
#include "plan/logical.h"

namespace xp::plan {

struct PassInfo {
  const char* name;
  const char* description;
};
const std::vector<PassInfo>& OptimizerPasses();

struct OptimizerOptions {
  std::vector<std::string> disabled;  // pass names
  // Evaluates a constant expression (constant folding); may be empty.
  std::function<Result<Value>(const BoundExpr&)> evaluate;
};

Status Optimize(LogicalNodePtr* root, const OptimizerOptions& options);

}  // namespace xp::plan
