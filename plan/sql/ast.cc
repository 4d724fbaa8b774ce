#include "plan/sql/ast.h"

namespace xp::sql {

Expr::~Expr() {
  if (args.empty()) return;
  // Children are moved into a work list and destroyed there once their own
  // children have been moved out, so no destructor call recurses through
  // `args` (a subquery's tree is bounded by the parser's nesting limit).
  std::vector<ExprPtr> pending = std::move(args);
  while (!pending.empty()) {
    ExprPtr e = std::move(pending.back());
    pending.pop_back();
    for (ExprPtr& a : e->args) pending.push_back(std::move(a));
    e->args.clear();
  }
}

bool HasSubquery(const Expr* e) {
  std::vector<const Expr*> todo{e};
  while (!todo.empty()) {
    const Expr* x = todo.back();
    todo.pop_back();
    if (x == nullptr) continue;
    if (x->subquery) return true;
    for (const auto& a : x->args) todo.push_back(a.get());
  }
  return false;
}

}  // namespace xp::sql
