// Helpers the optimizer passes share (plan/optimizer/*.cc): conjuncts,
// column sets, substitution, and a walk over every node. Internal to the
// optimizer.
#pragma once

#include <set>
#include <vector>

#include "plan/logical.h"

namespace xp::plan::passes {

// The columns `e` reads, added to *out.
void ColumnsOf(const BoundExpr& e, std::set<int>* out);
// Replaces column references by (copies of) the given expressions.
BoundExprPtr Substitute(const BoundExpr& e,
                        const std::vector<BoundExprPtr>& by);
// The operands of an AND tree (nested ANDs included), in order; iterative.
void Conjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out);
// One flat AND of `parts` (one part: itself).
BoundExprPtr And(std::vector<BoundExprPtr> parts);
// Filters `child` by `parts` (none: child itself).
LogicalNodePtr FilterBy(LogicalNodePtr child, std::vector<BoundExprPtr> parts);

// Calls f(&node) for every node below *n, then for *n (children first).
template <class F>
void ForEachNode(LogicalNodePtr* n, const F& f) {
  for (auto& c : (*n)->children) ForEachNode(&c, f);
  f(n);
}

}  // namespace xp::plan::passes
