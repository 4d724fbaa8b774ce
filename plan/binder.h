// Binding of AST expressions (plan/sql/ast.h) to bound expressions
// (plan/expr.h) against the columns in scope: name resolution with MySQL's
// errors, literal typing, and rewriting of syntactic sugar into the bound
// operators (BETWEEN -> two comparisons, IN (list) -> ORs of equalities,
// CASE x WHEN v -> CASE WHEN x = v, IFNULL -> COALESCE, NOT -> kNot).
//
// Subqueries are bound through the scope's SubqueryBinder (the engine plans
// them); what is not supported is refused with 1235 (ER_NOT_SUPPORTED_YET)
// rather than misbound.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/expr.h"
#include "plan/schema.h"
#include "plan/sql/ast.h"

namespace xp::plan {

// One column visible to an expression: its (optional) table qualifier, name
// and type; its position in the scope is the input column index.
struct ScopeColumn {
  std::string table;  // alias or table name; empty for derived values
  std::string name;
  DataType type;
  // Reachable only by a qualified name and `table.*`: a join's USING /
  // NATURAL columns as each side had them (the unqualified name is the
  // coalesced column).
  bool hidden = false;
  // The table column it reads, when it is one (DEFAULT(col) reads its
  // default); owned by the catalog, valid while the statement binds.
  const ColumnSchema* origin = nullptr;
  // Set when the session may not read the column (column privileges,
  // docs/SECURITY.md): naming it, or `*` over it, is 1143 with this text.
  std::shared_ptr<const std::string> denied = nullptr;
};

class Scope;

// Names a subquery reads from enclosing queries (correlation). A subquery is
// bound twice: once to discover which outer names it uses (`live` is the
// enclosing scope; each new name is bound there and becomes an argument),
// and then once per distinct argument tuple with `values` set, when each
// outer name binds to its value as a constant.
struct OuterContext {
  struct Ref {
    std::string table, name;
    int arg = -1;  // index into args / values; -1: `baked`
    Value baked;   // an enclosing query's own outer value, already known
    DataType type;
  };
  const Scope* live = nullptr;
  std::vector<Ref> refs;
  std::vector<BoundExprPtr> args;  // over the enclosing scope, one per arg
  const std::vector<Value>* values = nullptr;

  Result<BoundExprPtr> Bind(const sql::Expr& column, std::string_view clause);
};

class Scope {
 public:
  // Consulted before binding every AST node: returns a bound expression to
  // use instead (e.g. a reference to an aggregate's result), or nullptr to
  // bind the node normally.
  using Substitution = std::function<Result<BoundExprPtr>(const sql::Expr&)>;

  // Binds a subquery expression (kSubquery, kExists, kIn with a subquery,
  // kQuantified) in this scope; set by the engine that can run them.
  using SubqueryBinder =
      std::function<Result<BoundExprPtr>(const sql::Expr&, const Scope&)>;

  void Add(ScopeColumn c) { columns_.push_back(std::move(c)); }
  // Evaluates a constant expression at bind time (set by the engine); used
  // where MySQL's typing depends on a constant's value.
  using ConstantEvaluator = std::function<Result<Value>(const BoundExpr&)>;

  // Reads a system (@@x) or user (@x) variable (set by the engine).
  using VariableReader = std::function<Result<Value>(const sql::Expr&)>;

  void set_subquery_binder(SubqueryBinder b) { subqueries_ = std::move(b); }
  void set_variable_reader(VariableReader r) { variables_ = std::move(r); }
  const VariableReader& variable_reader() const { return variables_; }
  void set_constant_evaluator(ConstantEvaluator f) { constant_ = std::move(f); }
  const ConstantEvaluator& constant_evaluator() const { return constant_; }
  const SubqueryBinder& subquery_binder() const { return subqueries_; }
  void set_outer(std::shared_ptr<OuterContext> o) { outer_ = std::move(o); }
  const std::shared_ptr<OuterContext>& outer() const { return outer_; }
  // A column reference: this scope's columns, else the enclosing queries'.
  Result<BoundExprPtr> BindColumn(const sql::Expr& column,
                                  std::string_view clause) const;
  void set_substitution(Substitution s) { substitute_ = std::move(s); }
  // The table DEFAULT(col) names columns of where no column is in scope
  // (INSERT ... VALUES).
  void set_default_table(const TableSchema* t) { default_table_ = t; }
  const TableSchema* default_table() const { return default_table_; }
  const Substitution& substitution() const { return substitute_; }
  const std::vector<ScopeColumn>& columns() const { return columns_; }
  // Index of [table.]name; 1054 unknown column, 1052 ambiguous. `clause`
  // names the clause for the message ("field list", "where clause", ...).
  Result<int> Resolve(std::string_view table, std::string_view name,
                      std::string_view clause) const;

 private:
  std::vector<ScopeColumn> columns_;
  Substitution substitute_;
  SubqueryBinder subqueries_;
  ConstantEvaluator constant_;
  VariableReader variables_;
  std::shared_ptr<OuterContext> outer_;
  const TableSchema* default_table_ = nullptr;
};

// A column's default as a bound constant: its DEFAULT value, the current
// time for DEFAULT CURRENT_TIMESTAMP, 0 for AUTO_INCREMENT, NULL when it is
// nullable without one; 1364 when it is NOT NULL without one.
Result<BoundExprPtr> BindDefault(const ColumnSchema& column);
// CURRENT_TIMESTAMP as a DATETIME / TIMESTAMP column holds it (microseconds,
// whole seconds): what DEFAULT / ON UPDATE CURRENT_TIMESTAMP store.
Value CurrentTimestamp();

// MySQL error 1235 (ER_NOT_SUPPORTED_YET) naming `what`.
Status NotSupported(const std::string& what);

// The bound value of a literal AST node (typed as MySQL types literals:
// integers BIGINT (UNSIGNED beyond INT64_MAX, DECIMAL beyond 20 digits),
// decimals DECIMAL, floats DOUBLE, strings VARCHAR).
Result<BoundExprPtr> BindLiteral(const sql::Expr& e);

// True when `e` reads no column and runs no subquery.
bool IsConstant(const BoundExpr& e);

// A function call (kFunction other than aggregates) and date arithmetic.
Result<BoundExprPtr> BindFunction(const sql::Expr& e, const Scope& scope,
                                  std::string_view clause);
// date +/- INTERVAL amount unit.
Result<BoundExprPtr> BindDateAdd(const sql::Expr& date, const sql::Expr& amount,
                                 sql::IntervalUnit unit, bool subtract,
                                 const Scope& scope, std::string_view clause);

// Binds `e` over `scope`. `clause` is used in error messages.
Result<BoundExprPtr> BindExpr(const sql::Expr& e, const Scope& scope,
                              std::string_view clause = "field list");

}  // namespace xp::plan
