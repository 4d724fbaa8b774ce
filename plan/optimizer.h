// Rule-based rewrites of the logical plan: a registry of named passes, each
// in its own file under plan/optimizer/, run in this order (the session
// variable xp_disabled_passes switches any of them off):
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
//   plan_roundtrip       (only with OptimizerOptions::roundtrip) the plan is
//                        serialized, validated and read back as a data node
//                        would, and must come back the same
// then the caller's extensions (the compute node's placement of fragments
// on data nodes, cn/planner/distribute.cc). Every pass is timed when asked
// and the plan is checked after each (CheckPlan): a pass that leaves an
// inconsistent plan is an internal error naming it, never a wrong answer.
// Every pass keeps results identical; tests run with passes on and off.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/status.h"
#include "plan/logical.h"
#include "plan/schema.h"

namespace xp::plan {

struct PassInfo {
  const char* name;
  const char* description;
};
// The built-in passes, in the order they run.
const std::vector<PassInfo>& OptimizerPasses();

// A pass from outside plan/, run after the built-in ones.
struct OptimizerExtension {
  std::string name;
  std::function<Status(LogicalNodePtr*)> run;
};

struct PassTiming {
  std::string name;
  int64_t nanos = 0;
};

struct OptimizerOptions {
  std::vector<std::string> disabled;  // pass names
  // Evaluates a constant expression (constant folding); may be empty.
  std::function<Result<Value>(const BoundExpr&)> evaluate;
  // plan_roundtrip: serialize + validate against `catalog` + compare.
  bool roundtrip = false;
  const Catalog* catalog = nullptr;
  std::vector<OptimizerExtension> extensions;
  // When set, every pass that ran appends its name and time here.
  std::vector<PassTiming>* timings = nullptr;
};

Status Optimize(LogicalNodePtr* root, const OptimizerOptions& options);

// The plan's own consistency: each node's children, output width and
// column references (in its expressions, keys, group and sort columns)
// agree with its inputs. Iterative. Internal error describing the first
// problem.
Status CheckPlan(const LogicalNode& root);

// `k` as a key value of a column of type `t` (what a Get or a partition
// pruner may look up): a non-NULL constant of the column's own kind
// (integers, strings, dates), converted to `t`; nullopt otherwise.
std::optional<Value> KeyConstant(const BoundExpr& k, const DataType& t);

}  // namespace xp::plan
