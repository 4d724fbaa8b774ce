// decorrelation: uncorrelated IN / EXISTS in a filter become semi joins.
#include <algorithm>
#include <optional>
#include <set>

#include "plan/binder.h"
#include "plan/optimizer/pass_util.h"
#include "plan/optimizer/passes.h"

namespace xp::plan::passes {

Status Decorrelation(LogicalNodePtr* root, const OptimizerOptions&) {
  Status st;
  ForEachNode(root, [&](LogicalNodePtr* p) {
    if (!st.ok() || (*p)->kind != NodeKind::kFilter) return;
    std::vector<BoundExprPtr> parts, stay;
    Conjuncts(std::move((*p)->predicate), &parts);
    LogicalNodePtr child = std::move((*p)->children[0]);
    for (auto& c : parts) {
      const bool in = c->op == ExprOp::kSubquery &&
                      c->subquery->kind() == SubqueryRunner::Kind::kIn &&
                      c->args.size() == 1 && c->args[0]->op == ExprOp::kColumn;
      const bool exists =
          c->op == ExprOp::kSubquery &&
          c->subquery->kind() == SubqueryRunner::Kind::kExists &&
          c->args.empty();
      if (in || exists) {
        auto sub = c->subquery->UncorrelatedPlan();
        if (!sub.ok()) {
          st = sub.status();
          return;
        }
        LogicalNodePtr build = std::move(*sub);
        if (build &&
            (exists || HashJoinable(c->args[0]->type, build->types[0]))) {
          std::vector<int> pk, bk;
          if (in) {
            pk.push_back(c->args[0]->column);
            bk.push_back(0);
          }
          child = MakeJoin(std::move(child), std::move(build), JoinKind::kSemi,
                           std::move(pk), std::move(bk), nullptr);
          continue;
        }
      }
      stay.push_back(std::move(c));
    }
    *p = FilterBy(std::move(child), std::move(stay));
  });
  return st;
}

}  // namespace xp::plan::passes
