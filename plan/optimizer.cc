#include "plan/optimizer.h"

#include <algorithm>
#include <set>

#include "plan/binder.h"

namespace xp::plan {

namespace {

// ------------------------------------------------------------ expressions

void ColumnsOf(const BoundExpr& e, std::set<int>* out) {
  std::vector<int> cols;
  CollectColumns(e, &cols);
  out->insert(cols.begin(), cols.end());
}

// Replaces column references by (copies of) the given expressions.
BoundExprPtr Substitute(const BoundExpr& e,
                        const std::vector<BoundExprPtr>& by) {
  if (e.op == ExprOp::kColumn) return Clone(*by[static_cast<size_t>(e.column)]);
  BoundExprPtr c = Clone(e);
  for (size_t i = 0; i < e.args.size(); ++i)
    c->args[i] = Substitute(*e.args[i], by);
  return c;
}

// The operands of an AND tree (nested ANDs included), in order; iterative.
void Conjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  std::vector<BoundExprPtr> todo;
  todo.push_back(std::move(e));
  while (!todo.empty()) {
    BoundExprPtr c = std::move(todo.back());
    todo.pop_back();
    if (c->op != ExprOp::kAnd) {
      out->push_back(std::move(c));
      continue;
    }
    for (auto it = c->args.rbegin(); it != c->args.rend(); ++it)
      todo.push_back(std::move(*it));
  }
}

// One flat AND of `parts` (one part: itself).
BoundExprPtr And(std::vector<BoundExprPtr> parts) {
  if (parts.size() == 1) return std::move(parts[0]);
  auto r = MakeCall(ExprOp::kAnd, std::move(parts));  // cannot fail: >= 2
  return std::move(*r);
}

// Filters `child` by `parts` (none: child itself).
LogicalNodePtr FilterBy(LogicalNodePtr child, std::vector<BoundExprPtr> parts) {
  if (parts.empty()) return child;
  return MakeFilter(std::move(child), And(std::move(parts)));
}

template <class F>
void ForEachNode(LogicalNodePtr* n, const F& f) {
  for (auto& c : (*n)->children) ForEachNode(&c, f);
  f(n);
}

// ------------------------------------------------------------ folding

void Fold(BoundExprPtr* e, const OptimizerOptions& o) {
  BoundExpr& x = **e;
  if (x.op == ExprOp::kConst || x.op == ExprOp::kColumn) return;
  if (IsConstant(x) && !HasSubquery(x)) {
    auto v = o.evaluate(x);
    if (v.ok()) {
      const DataType t = x.type;
      *e = MakeConst(std::move(*v), t);
      return;
    }  // an error stays where it would be raised at run time
  }
  for (auto& a : x.args) Fold(&a, o);
}

std::optional<bool> Truth(const BoundExpr& e) {
  if (e.op != ExprOp::kConst) return std::nullopt;
  switch (e.value.index()) {
    case 0:
      return false;
    case 1:
      return std::get<int64_t>(e.value) != 0;
    case 2:
      return std::get<uint64_t>(e.value) != 0;
    case 3:
      return std::get<double>(e.value) != 0;
    case 4:
      return std::get<Decimal>(e.value).unscaled != 0;
    default:
      return std::nullopt;
  }
}

Status ConstantFolding(LogicalNodePtr* root, const OptimizerOptions& o) {
  if (!o.evaluate) return Status::OK();
  ForEachNode(root, [&](LogicalNodePtr* p) {
    LogicalNode& n = **p;
    if (n.predicate) Fold(&n.predicate, o);
    for (auto& e : n.exprs) Fold(&e, o);
    if (n.kind != NodeKind::kFilter) return;
    const std::optional<bool> t = Truth(*n.predicate);
    if (t == true) {
      *p = std::move(n.children[0]);
    } else if (t == false) {
      *p = MakeValues(n.types, {});
    }
  });
  return Status::OK();
}

// ------------------------------------------------------------ pushdown

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

Status PredicatePushdown(LogicalNodePtr* root, const OptimizerOptions&) {
  PushdownWalk(root);
  return Status::OK();
}

// ------------------------------------------------------------ decorrelation

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

// ------------------------------------------------------------ access paths

// col = const (either side) on a column of the scan below: the table
// column and the value.
bool KeyEquality(const BoundExpr* c, const BoundExpr* k,
                 const LogicalNode& scan, int* column, Value* v) {
  if (c->op != ExprOp::kColumn) std::swap(c, k);
  if (c->op != ExprOp::kColumn || k->op != ExprOp::kConst ||
      k->value.index() == 0)
    return false;
  const DataType& t = c->type;
  // Only constants of the column's own kind (no conversions at the key).
  // Strings: keys compare under the column's collation, so a Get may
  // return a superset of a binary comparison; the filter stays above.
  const bool same =
      (t.is_integer() && k->type.is_integer()) ||
      (t.id == TypeId::kString && k->type.id == TypeId::kString) ||
      (t.id == k->type.id && t.id == TypeId::kDate);
  if (!same) return false;
  auto conv = ConvertValue(k->value, t, "key");
  if (!conv.ok()) return false;
  *column = scan.columns[static_cast<size_t>(c->column)];
  *v = *conv;
  return true;
}

bool Equality(const BoundExpr& e, const LogicalNode& scan, int* column,
              Value* v) {
  // c <=> v with v not NULL is c = v (KeyEquality refuses a NULL v): the
  // form a compute node ships a key lookup in as SQL.
  if (e.op != ExprOp::kEq && e.op != ExprOp::kNullSafeEq) return false;
  return KeyEquality(e.args[0].get(), e.args[1].get(), scan, column, v);
}

// c1 IN (v1, v2 ...), or c1 = v1 OR c1 = v2 ...: the column and values.
bool InList(const BoundExpr& e, const LogicalNode& scan, int* column,
            std::vector<Value>* values) {
  if (e.op == ExprOp::kIn) {
    // As c1 = v1 OR c1 = v2 ...: each item must be a key value of c1's
    // type (Equality decides), so the Get finds what the filter keeps.
    values->clear();
    if (e.args[0]->op != ExprOp::kColumn) return false;
    for (size_t i = 1; i < e.args.size(); ++i) {
      int c = -1;
      Value v;
      if (!KeyEquality(e.args[0].get(), e.args[i].get(), scan, &c, &v))
        return false;
      *column = c;
      values->push_back(std::move(v));
    }
    return true;
  }
  if (e.op == ExprOp::kOr) {
    values->clear();
    for (size_t i = 0; i < e.args.size(); ++i) {
      int c = -1;
      std::vector<Value> vs;
      if (!InList(*e.args[i], scan, &c, &vs) || (i > 0 && c != *column))
        return false;
      *column = c;
      for (auto& v : vs) values->push_back(std::move(v));
    }
    return true;
  }
  Value v;
  if (!Equality(e, scan, column, &v)) return false;
  values->assign(1, std::move(v));
  return true;
}

Status AccessPath(LogicalNodePtr* root, const OptimizerOptions&) {
  ForEachNode(root, [&](LogicalNodePtr* p) {
    LogicalNode& f = **p;
    if (f.kind != NodeKind::kFilter ||
        f.children[0]->kind != NodeKind::kTableScan)
      return;
    LogicalNode& scan = *f.children[0];
    const TableSchema& t = *scan.table;
    std::vector<BoundExprPtr> parts;
    Conjuncts(Clone(*f.predicate), &parts);
    // Equalities and IN lists by table column.
    std::map<int, std::vector<Value>> eq;
    for (const auto& c : parts) {
      int col = -1;
      std::vector<Value> vals;
      if (InList(*c, scan, &col, &vals) && !eq.count(col))
        eq[col] = std::move(vals);
    }
    // Best index: the longest bound prefix (the primary key first); at most
    // one IN list in it, keys limited to 1,000.
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < t.indexes.size(); ++i) {
      size_t len = 0;
      while (len < t.indexes[i].columns.size() &&
             eq.count(t.indexes[i].columns[len]))
        ++len;
      if (len > best_len) {
        best = static_cast<int>(i);
        best_len = len;
      }
    }
    if (best >= 0) {
      std::vector<std::vector<Value>> keys(1);
      for (size_t k = 0; k < best_len; ++k) {
        const auto& vals = eq[t.indexes[static_cast<size_t>(best)].columns[k]];
        std::vector<std::vector<Value>> next;
        for (const auto& key : keys) {
          for (const auto& v : vals) {
            next.push_back(key);
            next.back().push_back(v);
          }
        }
        keys = std::move(next);
        if (keys.size() > 1000) return;
      }
      scan.kind = NodeKind::kGet;
      scan.index = best;
      scan.keys = std::move(keys);
      return;
    }
    // A range on the first column of an index.
    for (size_t i = 0; i < t.indexes.size(); ++i) {
      const int col = t.indexes[i].columns[0];
      std::optional<ScanBound> lo, hi;
      for (const auto& c : parts) {
        if (c->op < ExprOp::kLt || c->op > ExprOp::kGe) continue;
        const BoundExpr* a = c->args[0].get();
        const BoundExpr* b = c->args[1].get();
        ExprOp op = c->op;
        if (a->op != ExprOp::kColumn) {
          std::swap(a, b);
          op = op == ExprOp::kLt   ? ExprOp::kGt
               : op == ExprOp::kLe ? ExprOp::kGe
               : op == ExprOp::kGt ? ExprOp::kLt
                                   : ExprOp::kLe;
        }
        if (a->op != ExprOp::kColumn || b->op != ExprOp::kConst ||
            scan.columns[static_cast<size_t>(a->column)] != col ||
            b->value.index() == 0 || !a->type.is_integer() ||
            !b->type.is_integer())
          continue;
        auto v = ConvertValue(b->value, a->type, "key");
        if (!v.ok()) continue;
        ScanBound bound{{*v}, op == ExprOp::kLe || op == ExprOp::kGe};
        if (op == ExprOp::kGt || op == ExprOp::kGe) {
          if (!lo) lo = bound;
        } else if (!hi) {
          hi = bound;
        }
      }
      if (lo || hi) {
        scan.kind = NodeKind::kRangeScan;
        scan.index = static_cast<int>(i);
        scan.lower = lo;
        scan.upper = hi;
        return;
      }
    }
  });
  return Status::OK();
}

// ------------------------------------------------------------ pruning

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

using PassFn = Status (*)(LogicalNodePtr*, const OptimizerOptions&);

const std::vector<std::pair<PassInfo, PassFn>>& Registry() {
  static const std::vector<std::pair<PassInfo, PassFn>> kPasses = {
      {{"constant_folding", "constant subexpressions become values"},
       ConstantFolding},
      {{"predicate_pushdown", "filters move toward the scans"},
       PredicatePushdown},
      {{"decorrelation", "uncorrelated IN / EXISTS become semi joins"},
       Decorrelation},
      {{"access_path", "Get / RangeScan from key predicates"}, AccessPath},
      {{"projection_pruning", "scans read only the columns used"},
       ProjectionPruning},
  };
  return kPasses;
}

}  // namespace

const std::vector<PassInfo>& OptimizerPasses() {
  static const std::vector<PassInfo> kInfo = [] {
    std::vector<PassInfo> v;
    for (const auto& [info, fn] : Registry()) v.push_back(info);
    return v;
  }();
  return kInfo;
}

Status Optimize(LogicalNodePtr* root, const OptimizerOptions& options) {
  for (const auto& [info, fn] : Registry()) {
    if (std::find(options.disabled.begin(), options.disabled.end(),
                  info.name) != options.disabled.end())
      continue;
    XP_RETURN_IF_ERROR(fn(root, options));
  }
  return Status::OK();
}

}  // namespace xp::plan
