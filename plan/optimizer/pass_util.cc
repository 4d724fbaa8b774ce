#include "plan/optimizer/pass_util.h"

namespace xp::plan::passes {

void ColumnsOf(const BoundExpr& e, std::set<int>* out) {
  std::vector<int> cols;
  CollectColumns(e, &cols);
  out->insert(cols.begin(), cols.end());
}

BoundExprPtr Substitute(const BoundExpr& e,
                        const std::vector<BoundExprPtr>& by) {
  if (e.op == ExprOp::kColumn) return Clone(*by[static_cast<size_t>(e.column)]);
  BoundExprPtr c = Clone(e);
  for (size_t i = 0; i < e.args.size(); ++i)
    c->args[i] = Substitute(*e.args[i], by);
  return c;
}

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

BoundExprPtr And(std::vector<BoundExprPtr> parts) {
  if (parts.size() == 1) return std::move(parts[0]);
  auto r = MakeCall(ExprOp::kAnd, std::move(parts));  // cannot fail: >= 2
  return std::move(*r);
}

LogicalNodePtr FilterBy(LogicalNodePtr child, std::vector<BoundExprPtr> parts) {
  if (parts.empty()) return child;
  return MakeFilter(std::move(child), And(std::move(parts)));
}

}  // namespace xp::plan::passes
