// constant_folding: constant subexpressions become values; a Filter always
// true goes, one never true empties its input.
#include <algorithm>
#include <optional>
#include <set>

#include "plan/binder.h"
#include "plan/optimizer/pass_util.h"
#include "plan/optimizer/passes.h"

namespace xp::plan::passes {

namespace {

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

}  // namespace

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

}  // namespace xp::plan::passes
