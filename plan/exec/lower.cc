#include "plan/exec/lower.h"

#include <chrono>

#include "plan/exec/aggregate.h"
#include "plan/exec/hash_join.h"
#include "plan/exec/nested_loop_join.h"
#include "plan/exec/query_context.h"
#include "plan/exec/sort.h"

namespace xp::exec {

Result<const Batch*> OwnedBatchSource::Next() {
  XP_RETURN_IF_ERROR(CheckCancelled());
  while (next_ < batches_.size()) {
    const Batch& b = batches_[next_++];
    if (b.num_rows() > 0 || types_.empty()) return &b;
  }
  return static_cast<const Batch*>(nullptr);
}

std::vector<Batch> BatchesOf(
    const std::vector<plan::DataType>& types,
    const std::vector<std::vector<plan::Value>>& rows) {
  std::vector<PhysType> phys;
  for (const auto& t : types) phys.push_back(t.phys());
  std::vector<Batch> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r % kBatchSize == 0) out.emplace_back(phys);
    Batch& b = out.back();
    const size_t slot = r % kBatchSize;
    for (size_t c = 0; c < types.size(); ++c)
      PutValue(rows[r][c], slot, &b.column(c));
    b.SetRows(slot + 1);
  }
  return out;
}

namespace {

// Counts rows and time of the operator it wraps (EXPLAIN ANALYZE).
class ProfiledOperator : public Operator {
 public:
  ProfiledOperator(OperatorPtr child, OperatorProfile::Counters* counters)
      : child_(std::move(child)), counters_(counters) {}
  const std::vector<plan::DataType>& types() const override {
    return child_->types();
  }
  Result<const Batch*> Next() override {
    const auto start = std::chrono::steady_clock::now();
    Result<const Batch*> b = child_->Next();
    counters_->nanos += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - start)
            .count());
    if (b.ok() && *b != nullptr) {
      counters_->rows += (*b)->num_rows();
      ++counters_->batches;
    }
    return b;
  }

 private:
  OperatorPtr child_;
  OperatorProfile::Counters* counters_;
};

Result<OperatorPtr> LowerOne(const plan::LogicalNode& n,
                             const ScanFactory& scans,
                             OperatorProfile* profile);

}  // namespace

Result<OperatorPtr> Lower(const plan::LogicalNode& n, const ScanFactory& scans,
                          OperatorProfile* profile) {
  XP_ASSIGN_OR_RETURN(OperatorPtr op, LowerOne(n, scans, profile));
  if (profile == nullptr) return op;
  return OperatorPtr(
      std::make_unique<ProfiledOperator>(std::move(op), &profile->nodes[&n]));
}

namespace {

Result<OperatorPtr> LowerOne(const plan::LogicalNode& n,
                             const ScanFactory& scans,
                             OperatorProfile* profile) {
  using plan::NodeKind;
  // A remote fragment is the store's to run, children and all.
  if (n.kind == NodeKind::kRemote) return scans(n);
  std::vector<OperatorPtr> in;
  for (const auto& c : n.children) {
    XP_ASSIGN_OR_RETURN(OperatorPtr op, Lower(*c, scans, profile));
    in.push_back(std::move(op));
  }
  switch (n.kind) {
    case NodeKind::kValues:
      return OperatorPtr(std::make_unique<OwnedBatchSource>(
          n.types, BatchesOf(n.types, n.rows)));
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      return scans(n);
    case NodeKind::kFilter:
      return OperatorPtr(std::make_unique<FilterOperator>(
          std::move(in[0]), plan::Clone(*n.predicate)));
    case NodeKind::kProject: {
      std::vector<plan::BoundExprPtr> exprs;
      for (const auto& e : n.exprs) exprs.push_back(plan::Clone(*e));
      return OperatorPtr(std::make_unique<ProjectOperator>(std::move(in[0]),
                                                           std::move(exprs)));
    }
    case NodeKind::kAggregate:
      if (n.agg_mode != plan::AggMode::kComplete) {
        for (const auto& a : n.aggs) {
          if (a.distinct ||
              (a.func == plan::AggFunc::kGroupConcat && a.order != 0))
            return Status::InvalidArgument(
                "DISTINCT and ordered GROUP_CONCAT aggregates are "
                "complete-mode only");
        }
      }
      return OperatorPtr(std::make_unique<HashAggregateOperator>(
          std::move(in[0]), n.group_columns, n.aggs, n.agg_mode));
    case NodeKind::kSort:
      return OperatorPtr(std::make_unique<SortOperator>(
          std::move(in[0]), n.sort_keys, n.limit, n.offset));
    case NodeKind::kLimit:
      return OperatorPtr(std::make_unique<LimitOperator>(std::move(in[0]),
                                                         *n.limit, n.offset));
    case NodeKind::kJoin:
      if (!n.probe_keys.empty() || !n.predicate) {
        OperatorPtr join = std::make_unique<HashJoinOperator>(
            std::move(in[0]), std::move(in[1]), n.probe_keys, n.build_keys,
            n.join);
        if (n.predicate && n.join == plan::JoinKind::kInner) {
          join = std::make_unique<FilterOperator>(std::move(join),
                                                  plan::Clone(*n.predicate));
        } else if (n.predicate) {
          return Status::Internal("hash join with a residual condition");
        }
        return join;
      }
      if (n.join != plan::JoinKind::kInner && n.join != plan::JoinKind::kLeft)
        return Status::Internal("nested-loop semi/anti join");
      return OperatorPtr(std::make_unique<NestedLoopJoinOperator>(
          std::move(in[0]), std::move(in[1]), plan::Clone(*n.predicate),
          n.join));
    case NodeKind::kUnionAll:
      return OperatorPtr(std::make_unique<UnionAllOperator>(std::move(in)));
    case NodeKind::kRemote:
      break;
  }
  return Status::Internal("unknown plan node");
}

}  // namespace

}  // namespace xp::exec
