// CheckPlan (plan/optimizer.h): run after every optimizer pass.
#include <string>
#include <vector>

#include "plan/optimizer.h"

namespace xp::plan {

namespace {

size_t ChildrenOf(NodeKind kind) {
  switch (kind) {
    case NodeKind::kValues:
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      return 0;
    case NodeKind::kJoin:
      return 2;
    case NodeKind::kUnionAll:
      return SIZE_MAX;  // one or more
    default:
      return 1;
  }
}

// The output width `n` must have, from its inputs and fields.
size_t WidthOf(const LogicalNode& n) {
  switch (n.kind) {
    case NodeKind::kValues:
      return n.types.size();
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      return n.columns.size();
    case NodeKind::kProject:
      return n.exprs.size();
    case NodeKind::kAggregate: {
      size_t w = n.group_columns.size();
      for (const auto& a : n.aggs) {
        w += a.func == AggFunc::kAvg && n.agg_mode == AggMode::kPartial ? 2 : 1;
      }
      return w;
    }
    case NodeKind::kJoin: {
      size_t w = n.children[0]->types.size();
      if (n.join == JoinKind::kInner || n.join == JoinKind::kLeft) {
        w += n.children[1]->types.size();
      }
      return w;
    }
    default:
      return n.children[0]->types.size();
  }
}

Status Bad(const LogicalNode& n, const std::string& what) {
  return Status::Internal(std::string(NodeKindName(n.kind)) + ": " + what);
}

// `cols` is scratch space, reused across the walk (no allocation per
// expression once it has grown).
Status ColumnsWithin(const LogicalNode& n, const BoundExpr& e, size_t width,
                     const char* where, std::vector<int>& cols) {
  cols.clear();
  CollectColumns(e, &cols);
  for (int c : cols) {
    if (c < 0 || static_cast<size_t>(c) >= width) {
      return Bad(n, std::string(where) + " reads column #" + std::to_string(c) +
                        " of an input " + std::to_string(width) + " wide");
    }
  }
  return Status::OK();
}

Status IndexWithin(const LogicalNode& n, int i, size_t width,
                   const char* what) {
  if (i < 0 || static_cast<size_t>(i) >= width) {
    return Bad(n, std::string(what) + " #" + std::to_string(i) +
                      " out of range (width " + std::to_string(width) + ")");
  }
  return Status::OK();
}

Status CheckNode(const LogicalNode& n, std::vector<int>& cols) {
  const size_t want = ChildrenOf(n.kind);
  if (want == SIZE_MAX ? n.children.empty() : n.children.size() != want) {
    return Bad(n, std::to_string(n.children.size()) + " children");
  }
  for (const auto& c : n.children) {
    if (c == nullptr) return Bad(n, "a missing child");
  }
  if (n.kind != NodeKind::kValues && n.types.size() != WidthOf(n)) {
    return Bad(n, std::to_string(n.types.size()) + " output types for " +
                      std::to_string(WidthOf(n)) + " columns");
  }
  const size_t in = n.children.empty() ? 0 : n.children[0]->types.size();
  switch (n.kind) {
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      if (n.table == nullptr) return Bad(n, "no table");
      for (int c : n.columns) {
        XP_RETURN_IF_ERROR(
            IndexWithin(n, c, n.table->columns.size(), "table column"));
      }
      if (n.kind != NodeKind::kTableScan) {
        XP_RETURN_IF_ERROR(
            IndexWithin(n, n.index, n.table->indexes.size(), "index"));
      }
      break;
    case NodeKind::kFilter:
      if (n.predicate == nullptr) return Bad(n, "no predicate");
      XP_RETURN_IF_ERROR(
          ColumnsWithin(n, *n.predicate, in, "the predicate", cols));
      break;
    case NodeKind::kProject:
      for (const auto& e : n.exprs) {
        XP_RETURN_IF_ERROR(ColumnsWithin(n, *e, in, "an expression", cols));
      }
      break;
    case NodeKind::kAggregate:
      for (int g : n.group_columns) {
        XP_RETURN_IF_ERROR(IndexWithin(n, g, in, "group column"));
      }
      for (const auto& a : n.aggs) {
        if (a.column != -1) {
          XP_RETURN_IF_ERROR(IndexWithin(n, a.column, in, "aggregate input"));
        }
      }
      break;
    case NodeKind::kSort:
      for (const auto& k : n.sort_keys) {
        XP_RETURN_IF_ERROR(IndexWithin(n, k.column, in, "sort column"));
      }
      break;
    case NodeKind::kJoin: {
      const size_t build = n.children[1]->types.size();
      if (n.probe_keys.size() != n.build_keys.size()) {
        return Bad(n, "probe and build keys differ in number");
      }
      for (int k : n.probe_keys) {
        XP_RETURN_IF_ERROR(IndexWithin(n, k, in, "probe key"));
      }
      for (int k : n.build_keys) {
        XP_RETURN_IF_ERROR(IndexWithin(n, k, build, "build key"));
      }
      if (n.predicate != nullptr) {
        XP_RETURN_IF_ERROR(ColumnsWithin(n, *n.predicate, in + build,
                                         "the join condition", cols));
      }
      break;
    }
    case NodeKind::kUnionAll:
      for (const auto& c : n.children) {
        if (c->types.size() != n.types.size()) {
          return Bad(n, "inputs of different widths");
        }
      }
      break;
    default:
      break;
  }
  return Status::OK();
}

}  // namespace

Status CheckPlan(const LogicalNode& root) {
  std::vector<const LogicalNode*> todo = {&root};
  std::vector<int> cols;
  while (!todo.empty()) {
    const LogicalNode* n = todo.back();
    todo.pop_back();
    XP_RETURN_IF_ERROR(CheckNode(*n, cols));
    for (const auto& c : n->children) todo.push_back(c.get());
  }
  return Status::OK();
}

}  // namespace xp::plan
