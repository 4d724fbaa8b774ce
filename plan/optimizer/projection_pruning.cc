// projection_pruning: scans read only the columns something above uses.
#include <algorithm>
#include <optional>
#include <set>

#include "plan/binder.h"
#include "plan/optimizer/pass_util.h"
#include "plan/optimizer/passes.h"

namespace xp::plan::passes {

namespace {

// Keeps only the `need`ed output columns where a node can drop columns
// (scans, projections); returns old -> new output positions (-1: gone).
std::vector<int> Prune(LogicalNode* n, const std::set<int>& need) {
  const size_t width = n->types.size();
  std::vector<int> identity(width);
  for (size_t i = 0; i < width; ++i) identity[i] = static_cast<int>(i);
  auto all_of = [](const LogicalNode& c) {
    std::set<int> s;
    for (size_t i = 0; i < c.types.size(); ++i) s.insert(static_cast<int>(i));
    return s;
  };
  switch (n->kind) {
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan: {
      std::vector<int> map(width, -1), cols;
      for (int k : need) {
        map[static_cast<size_t>(k)] = static_cast<int>(cols.size());
        cols.push_back(n->columns[static_cast<size_t>(k)]);
      }
      if (cols.empty() && width > 0) {  // keep one column to count rows
        cols.push_back(n->columns[0]);
        map[0] = 0;
      }
      n->columns = std::move(cols);
      DeriveTypes(n);
      return map;
    }
    case NodeKind::kProject: {
      std::set<int> below;
      for (const auto& e : n->exprs) ColumnsOf(*e, &below);
      const std::vector<int> m = Prune(n->children[0].get(), below);
      for (auto& e : n->exprs) RemapColumns(e.get(), m);
      return identity;  // a projection defines the query's columns
    }
    case NodeKind::kFilter: {
      std::set<int> below = need;
      ColumnsOf(*n->predicate, &below);
      // The filter passes its child's columns through: the child's map is
      // ours, but columns we must keep are those needed above.
      const std::vector<int> m = Prune(n->children[0].get(), below);
      RemapColumns(n->predicate.get(), m);
      DeriveTypes(n);
      return m;
    }
    case NodeKind::kSort: {
      std::set<int> below = need;
      for (const auto& k : n->sort_keys) below.insert(k.column);
      const std::vector<int> m = Prune(n->children[0].get(), below);
      for (auto& k : n->sort_keys) k.column = m[static_cast<size_t>(k.column)];
      DeriveTypes(n);
      return m;
    }
    case NodeKind::kLimit: {
      const std::vector<int> m = Prune(n->children[0].get(), need);
      DeriveTypes(n);
      return m;
    }
    case NodeKind::kAggregate: {
      std::set<int> below(n->group_columns.begin(), n->group_columns.end());
      for (const auto& a : n->aggs) {
        if (a.column >= 0) below.insert(a.column);
      }
      const std::vector<int> m = Prune(n->children[0].get(), below);
      for (auto& g : n->group_columns) g = m[static_cast<size_t>(g)];
      for (auto& a : n->aggs) {
        if (a.column >= 0) a.column = m[static_cast<size_t>(a.column)];
      }
      DeriveTypes(n);
      return identity;
    }
    case NodeKind::kJoin: {
      const int lw = static_cast<int>(n->children[0]->types.size());
      std::set<int> l, r;
      for (int k : need) (k < lw ? l : r).insert(k < lw ? k : k - lw);
      for (int k : n->probe_keys) l.insert(k);
      for (int k : n->build_keys) r.insert(k);
      if (n->predicate) {
        std::set<int> cols;
        ColumnsOf(*n->predicate, &cols);
        for (int k : cols) (k < lw ? l : r).insert(k < lw ? k : k - lw);
      }
      const bool keeps_build =
          n->join == JoinKind::kInner || n->join == JoinKind::kLeft;
      const std::vector<int> ml = Prune(n->children[0].get(), l);
      const std::vector<int> mr = Prune(n->children[1].get(), r);
      const int nlw = static_cast<int>(n->children[0]->types.size());
      std::vector<int> map(width, -1);
      for (int k = 0; k < lw; ++k)
        map[static_cast<size_t>(k)] = ml[static_cast<size_t>(k)];
      if (keeps_build) {
        for (size_t k = 0; k < mr.size(); ++k) {
          map[static_cast<size_t>(lw) + k] = mr[k] < 0 ? -1 : mr[k] + nlw;
        }
      }
      for (auto& k : n->probe_keys) k = ml[static_cast<size_t>(k)];
      for (auto& k : n->build_keys) k = mr[static_cast<size_t>(k)];
      if (n->predicate) {
        std::vector<int> pm(map);
        if (!keeps_build) {
          pm.resize(static_cast<size_t>(lw) + mr.size());
          for (size_t k = 0; k < mr.size(); ++k)
            pm[static_cast<size_t>(lw) + k] = mr[k] < 0 ? -1 : mr[k] + nlw;
        }
        RemapColumns(n->predicate.get(), pm);
      }
      DeriveTypes(n);
      return map;
    }
    case NodeKind::kUnionAll:
      for (auto& c : n->children) Prune(c.get(), all_of(*c));
      return identity;
    case NodeKind::kRemote:
      return identity;
    case NodeKind::kValues:
      return identity;
  }
  return identity;
}

}  // namespace

Status ProjectionPruning(LogicalNodePtr* root, const OptimizerOptions&) {
  std::set<int> all;
  for (size_t i = 0; i < (*root)->types.size(); ++i)
    all.insert(static_cast<int>(i));
  const std::vector<int> m = Prune(root->get(), all);
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] != static_cast<int>(i))
      return Status::Internal("projection pruning moved a result column");
  }
  return Status::OK();
}

}  // namespace xp::plan::passes
