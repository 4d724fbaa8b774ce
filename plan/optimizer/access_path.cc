// access_path: a filter over a table scan picks a Get (equality on every
// key column, IN lists for several keys) or a RangeScan; the filter stays
// as the residual check.
#include <algorithm>
#include <optional>
#include <set>

#include "plan/binder.h"
#include "plan/optimizer/pass_util.h"
#include "plan/optimizer/passes.h"

namespace xp::plan {

std::optional<Value> KeyConstant(const BoundExpr& k, const DataType& t) {
  if (k.op != ExprOp::kConst || k.value.index() == 0) return std::nullopt;
  // Only constants of the column's own kind (no conversions at the key).
  // Strings: keys compare under the column's collation, so a Get may
  // return a superset of a binary comparison; the filter stays above.
  const bool same = (t.is_integer() && k.type.is_integer()) ||
                    (t.id == TypeId::kString && k.type.id == TypeId::kString) ||
                    (t.id == k.type.id && t.id == TypeId::kDate);
  if (!same) return std::nullopt;
  Result<Value> conv = ConvertValue(k.value, t, "key");
  if (!conv.ok()) return std::nullopt;
  return std::move(*conv);
}

namespace passes {

namespace {

// col = const (either side) on a column of the scan below: the table
// column and the value.
bool KeyEquality(const BoundExpr* c, const BoundExpr* k,
                 const LogicalNode& scan, int* column, Value* v) {
  if (c->op != ExprOp::kColumn) std::swap(c, k);
  if (c->op != ExprOp::kColumn) return false;
  std::optional<Value> conv = KeyConstant(*k, c->type);
  if (!conv) return false;
  *column = scan.columns[static_cast<size_t>(c->column)];
  *v = std::move(*conv);
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

}  // namespace

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

}  // namespace passes
}  // namespace xp::plan
