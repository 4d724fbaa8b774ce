// predicate_pushdown: filters move below projections, sorts, unions,
// grouping keys and into join sides.
#include <algorithm>
#include <optional>
#include <set>

#include "plan/binder.h"
#include "plan/optimizer/pass_util.h"
#include "plan/optimizer/passes.h"

namespace xp::plan::passes {

namespace {

// Pushes `parts` (over node's output columns) as deep into *node as they
// can go; what cannot move stays as a Filter on top.
void PushInto(LogicalNodePtr* node, std::vector<BoundExprPtr> parts);

void PushThroughJoin(LogicalNodePtr* node, std::vector<BoundExprPtr> parts) {
  LogicalNode& j = **node;
  const int width = static_cast<int>(j.children[0]->types.size());
  std::vector<BoundExprPtr> left, right, stay;
  for (auto& c : parts) {
    std::set<int> cols;
    ColumnsOf(*c, &cols);
    const bool all_left = cols.empty() || *cols.rbegin() < width;
    const bool all_right = !cols.empty() && *cols.begin() >= width;
    if (all_left && !HasSubquery(*c)) {
      left.push_back(std::move(c));
    } else if (all_right && j.join == JoinKind::kInner && !HasSubquery(*c)) {
      std::vector<int> map(static_cast<size_t>(*cols.rbegin() + 1), -1);
      for (int k : cols) map[static_cast<size_t>(k)] = k - width;
      RemapColumns(c.get(), map);
      right.push_back(std::move(c));
    } else {
      stay.push_back(std::move(c));
    }
  }
  PushInto(&j.children[0], std::move(left));
  if (j.join == JoinKind::kInner || j.join == JoinKind::kLeft ||
      j.join == JoinKind::kSemi || j.join == JoinKind::kAnti) {
    PushInto(&j.children[1], std::move(right));
  }
  *node = FilterBy(std::move(*node), std::move(stay));
}

void PushInto(LogicalNodePtr* node, std::vector<BoundExprPtr> parts) {
  if (parts.empty()) return;
  LogicalNode& n = **node;
  switch (n.kind) {
    case NodeKind::kFilter: {
      // Merge, then keep pushing below.
      Conjuncts(std::move(n.predicate), &parts);
      LogicalNodePtr child = std::move(n.children[0]);
      *node = std::move(child);
      PushInto(node, std::move(parts));
      return;
    }
    case NodeKind::kProject: {
      std::vector<BoundExprPtr> down, stay;
      for (auto& c : parts) {
        std::set<int> cols;
        ColumnsOf(*c, &cols);
        bool ok = !HasSubquery(*c);
        for (int k : cols) ok &= !HasSubquery(*n.exprs[static_cast<size_t>(k)]);
        if (ok) {
          down.push_back(Substitute(*c, n.exprs));
        } else {
          stay.push_back(std::move(c));
        }
      }
      PushInto(&n.children[0], std::move(down));
      *node = FilterBy(std::move(*node), std::move(stay));
      return;
    }
    case NodeKind::kSort:
      if (!n.limit) {
        PushInto(&n.children[0], std::move(parts));
        return;
      }
      break;
    case NodeKind::kUnionAll: {
      for (auto& child : n.children) {
        std::vector<BoundExprPtr> copy;
        for (const auto& c : parts) copy.push_back(Clone(*c));
        PushInto(&child, std::move(copy));
      }
      return;
    }
    case NodeKind::kAggregate: {
      // Conditions on grouping keys hold for the whole group: filter rows.
      // (Not with no GROUP BY: an empty input still yields one row.)
      if (n.group_columns.empty()) break;
      std::vector<BoundExprPtr> down, stay;
      const int ngroups = static_cast<int>(n.group_columns.size());
      for (auto& c : parts) {
        std::set<int> cols;
        ColumnsOf(*c, &cols);
        if (!cols.empty() && *cols.rbegin() < ngroups && !HasSubquery(*c)) {
          std::vector<int> map(static_cast<size_t>(ngroups));
          for (int g = 0; g < ngroups; ++g)
            map[static_cast<size_t>(g)] =
                n.group_columns[static_cast<size_t>(g)];
          RemapColumns(c.get(), map);
          down.push_back(std::move(c));
        } else {
          stay.push_back(std::move(c));
        }
      }
      PushInto(&n.children[0], std::move(down));
      *node = FilterBy(std::move(*node), std::move(stay));
      return;
    }
    case NodeKind::kJoin:
      PushThroughJoin(node, std::move(parts));
      return;
    default:
      break;
  }
  *node = FilterBy(std::move(*node), std::move(parts));
}

void PushdownWalk(LogicalNodePtr* node) {
  if ((*node)->kind == NodeKind::kFilter) {
    std::vector<BoundExprPtr> parts;
    Conjuncts(std::move((*node)->predicate), &parts);
    LogicalNodePtr child = std::move((*node)->children[0]);
    *node = std::move(child);
    PushInto(node, std::move(parts));
    // The filters now sit lower; continue below whatever is here now.
    LogicalNode* n = node->get();
    while (n->kind == NodeKind::kFilter) n = n->children[0].get();
    for (auto& c : n->children) PushdownWalk(&c);
    return;
  }
  for (auto& c : (*node)->children) PushdownWalk(&c);
}

}  // namespace

Status PredicatePushdown(LogicalNodePtr* root, const OptimizerOptions&) {
  PushdownWalk(root);
  return Status::OK();
}

}  // namespace xp::plan::passes
