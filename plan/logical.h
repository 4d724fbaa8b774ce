// The logical plan IR: what the SQL front end (binder + planner) produces,
// the rewrite passes (plan/optimizer.h) transform, EXPLAIN prints, and the
// executor lowers to operators (plan/exec/lower.h). The same IR is what a
// compute node ships to data nodes. Nodes read their children's columns by
// position; every node knows its output types.
//
//   Values      constant rows (FROM-less SELECT)
//   TableScan   all rows of a table, `columns` of it (projection pruning)
//   Get         rows whose index key equals one of `keys` (batch get)
//   RangeScan   rows whose index key lies between `lower` and `upper`
//   Filter      rows where `predicate` is true
//   Project     one column per expression
//   Aggregate   GROUP BY `group_columns`, then one column per AggSpec
//   Sort        ORDER BY `sort_keys`; with `limit` it is a TopN
//   Limit       OFFSET / LIMIT
//   Join        probe (child 0) x build (child 1): hash join on key columns
//               (probe_keys = build_keys), or nested loop on `predicate`
//   UnionAll    the children's rows in turn
//   Remote      a fragment (children[0], a tree over one table) that a
//               compute node ships to the data nodes holding the table and
//               whose rows it merges; never serialized itself
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plan/expr.h"
#include "plan/schema.h"

namespace xp::plan {

// kAnyValue: the value of the group's first row (NULL included), for
// ANY_VALUE() and non-grouped columns without ONLY_FULL_GROUP_BY.
// Values are wire numbers (xprotocol_plan.proto's AggFunc): append only.
enum class AggFunc : uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kAnyValue,
  kGroupConcat,  // values as text joined by `separator`, at most 1024 bytes
};

struct AggSpec {
  AggFunc func = AggFunc::kCountStar;
  int column = -1;  // input column; -1 for COUNT(*)
  bool distinct = false;
  std::string separator = ",";  // GROUP_CONCAT
  int order = 0;                // GROUP_CONCAT ORDER BY the value: 1 / -1
};

// Two-phase aggregation (a data node computes partial states, the compute
// node merges them):
//   kComplete: input rows -> results
//   kPartial:  input rows -> states, one column per aggregate except AVG,
//              which gives two (SUM, COUNT); COUNT gives its count
//   kFinal:    states -> results; an aggregate's `column` is its first
//              state column (AVG reads column and column + 1)
// DISTINCT aggregates are complete only (a planner groups by the value
// first instead).
// Values are wire numbers (xprotocol_plan.proto's AggMode): append only.
enum class AggMode : uint8_t { kComplete, kPartial, kFinal };

inline constexpr size_t kGroupConcatMaxLen = 1024;  // group_concat_max_len

// The result type of `spec` over an input of type `input` (complete mode).
DataType AggResultType(const AggSpec& spec, const DataType& input);
// The output columns of `spec` in `mode`; `input` is its first input column.
std::vector<DataType> AggOutputTypes(const AggSpec& spec, AggMode mode,
                                     const DataType& input);

//   kInner: probe columns + build columns for every matching pair
//   kLeft:  as inner, plus unmatched probe rows with NULL build columns
//   kSemi:  probe rows with at least one match (EXISTS / IN)
//   kAnti:  probe rows without a match (NOT EXISTS)
// Values are wire numbers (xprotocol_plan.proto's JoinKind): append only.
enum class JoinKind : uint8_t { kInner, kLeft, kSemi, kAnti };

// Whether a hash join can match columns of these types by their encoded
// keys (same type; DECIMAL at the same scale; strings of the same
// collation kind).
bool HashJoinable(const DataType& a, const DataType& b);

struct SortKey {
  int column = 0;
  bool desc = false;
};

// Values are wire numbers (xprotocol_plan.proto's NodeKind): append only.
enum class NodeKind : uint8_t {
  kValues,
  kTableScan,
  kGet,
  kRangeScan,
  kFilter,
  kProject,
  kAggregate,
  kSort,
  kLimit,
  kJoin,
  kUnionAll,
  kRemote,
};

// One end of a RangeScan: a key prefix of the index and whether it is
// included.
struct ScanBound {
  std::vector<Value> key;
  bool inclusive = true;
};

struct LogicalNode;
using LogicalNodePtr = std::unique_ptr<LogicalNode>;

// A kRemote node's fragment as the extension that placed it sees it: the
// plan itself only prints it in EXPLAIN.
class RemoteFragment {
 public:
  virtual ~RemoteFragment() = default;
  // Shown after "Remote" in EXPLAIN (where and how it runs); may be empty.
  virtual std::string Describe() const = 0;
};

struct LogicalNode {
  NodeKind kind = NodeKind::kValues;
  std::vector<DataType> types;  // output columns
  std::vector<LogicalNodePtr> children;

  // kValues
  std::vector<std::vector<Value>> rows;
  // kTableScan / kGet / kRangeScan
  const TableSchema* table = nullptr;
  std::vector<int> columns;  // table columns produced, in order
  int index = -1;            // kGet / kRangeScan: into table->indexes
  std::vector<std::vector<Value>> keys;   // kGet: full or prefix keys
  std::optional<ScanBound> lower, upper;  // kRangeScan; nullopt: open
  bool reverse = false;
  // kFilter; kJoin without keys (nested loop): the join condition
  BoundExprPtr predicate;
  // kProject
  std::vector<BoundExprPtr> exprs;
  // kAggregate
  std::vector<int> group_columns;
  std::vector<AggSpec> aggs;
  AggMode agg_mode = AggMode::kComplete;
  // kSort / kLimit
  std::vector<SortKey> sort_keys;
  std::optional<uint64_t> limit;
  uint64_t offset = 0;
  // kJoin
  JoinKind join = JoinKind::kInner;
  std::vector<int> probe_keys, build_keys;  // empty: nested loop
  // kRemote: what the optimizer extension that placed the fragment keeps
  // of it (plan/optimizer.h; the compute node's placement).
  std::shared_ptr<RemoteFragment> fragment;
};

LogicalNodePtr MakeValues(std::vector<DataType> types,
                          std::vector<std::vector<Value>> rows);
// Reads `columns` of `table` (all when empty).
LogicalNodePtr MakeTableScan(const TableSchema* table,
                             std::vector<int> columns = {});
LogicalNodePtr MakeFilter(LogicalNodePtr child, BoundExprPtr predicate);
LogicalNodePtr MakeProject(LogicalNodePtr child,
                           std::vector<BoundExprPtr> exprs);
LogicalNodePtr MakeAggregate(LogicalNodePtr child,
                             std::vector<int> group_columns,
                             std::vector<AggSpec> aggs,
                             AggMode mode = AggMode::kComplete);
LogicalNodePtr MakeSort(LogicalNodePtr child, std::vector<SortKey> keys,
                        std::optional<uint64_t> limit, uint64_t offset);
LogicalNodePtr MakeLimit(LogicalNodePtr child, uint64_t limit, uint64_t offset);
// Hash join when the key lists are non-empty; nested loop on `predicate`
// (null: every pair) otherwise. kSemi/kAnti output only the probe columns.
LogicalNodePtr MakeJoin(LogicalNodePtr probe, LogicalNodePtr build,
                        JoinKind kind, std::vector<int> probe_keys,
                        std::vector<int> build_keys, BoundExprPtr predicate);
// REQUIRES: children with equal types.
LogicalNodePtr MakeUnionAll(std::vector<LogicalNodePtr> children);
// A copy of `n` alone: every field but its children (expressions cloned).
LogicalNodePtr CopyNodeAlone(const LogicalNode& n);

// Recomputes a node's output types from its children and fields (after a
// rewrite changed them).
void DeriveTypes(LogicalNode* node);

// "Values", "TableScan", ... (the names EXPLAIN and the plan format use).
const char* NodeKindName(NodeKind kind);

// EXPLAIN: one line per operator, children indented two spaces.
std::string Explain(const LogicalNode& node);
// The same with text after each operator's line (EXPLAIN ANALYZE); lines
// of that text after a '\n' are indented under the operator.
using ExplainAnnotator = std::function<std::string(const LogicalNode&)>;
std::string Explain(const LogicalNode& node, const ExplainAnnotator& annotate);
// The one-line description of a node ("Filter (#0 > 5)").
std::string Describe(const LogicalNode& node);

}  // namespace xp::plan
