// Binding of AST expressions (plan/sql/ast.h) to bound expressions
// (plan/expr.h) against the columns in scope: name resolution with MySQL's
// errors, literal typing, and rewriting of syntactic sugar into the bound
// operators (BETWEEN -> two comparisons, IN (list) -> ORs of equalities,
// CASE x WHEN v -> CASE WHEN x = v, IFNULL -> COALESCE, NOT -> kNot).
//
// Subqueries, aggregates and most functions are the next steps; they are
// refused with 1235 (ER_NOT_SUPPORTED_YET) rather than misbound.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/expr.h"
#include "plan/sql/ast.h"

namespace xp::plan {

// One column visible to an expression: its (optional) table qualifier, name
// and type; its position in the scope is the input column index.
struct ScopeColumn {
  std::string table;  // alias or table name; empty for derived values
  std::string name;
  DataType type;
};

class Scope {
 public:
  // Consulted before binding every AST node: returns a bound expression to
  // use instead (e.g. a reference to an aggregate's result), or nullptr to
  // bind the node normally.
  using Substitution = std::function<Result<BoundExprPtr>(const sql::Expr&)>;

  void Add(ScopeColumn c) { columns_.push_back(std::move(c)); }
  void set_substitution(Substitution s) { substitute_ = std::move(s); }
  const Substitution& substitution() const { return substitute_; }
  const std::vector<ScopeColumn>& columns() const { return columns_; }
  // Index of [table.]name; 1054 unknown column, 1052 ambiguous. `clause`
  // names the clause for the message ("field list", "where clause", ...).
  Result<int> Resolve(std::string_view table, std::string_view name,
                      std::string_view clause) const;

 private:
  std::vector<ScopeColumn> columns_;
  Substitution substitute_;
};

// The bound value of a literal AST node (typed as MySQL types literals:
// integers BIGINT (UNSIGNED beyond INT64_MAX, DECIMAL beyond 20 digits),
// decimals DECIMAL, floats DOUBLE, strings VARCHAR).
Result<BoundExprPtr> BindLiteral(const sql::Expr& e);

// Binds `e` over `scope`. `clause` is used in error messages.
Result<BoundExprPtr> BindExpr(const sql::Expr& e, const Scope& scope,
                              std::string_view clause = "field list");

}  // namespace xp::plan
