// A single-node SQL engine over the in-memory catalog and tables: the
// plan/ and plan/exec/ pieces put together, for tests, the sqllogictest
// runner and embedded mode. The data node's SQL path will take the same
// shape over RocksDB.
//
// Supported so far: CREATE/DROP DATABASE, CREATE/DROP TABLE, CREATE INDEX
// (non-unique; validated, no access paths yet), USE, INSERT ... VALUES and
// INSERT ... SELECT, and SELECT [DISTINCT] over at most one table with
// expressions, WHERE, GROUP BY / aggregates (COUNT, SUM, AVG, MIN, MAX,
// DISTINCT) / HAVING, ORDER BY (expressions, aliases, positions), LIMIT/OFFSET,
// and subqueries (scalar, [NOT] IN, [NOT] EXISTS, ANY/ALL; correlated ones
// run once per distinct tuple of the outer values they read).
// Anything else is MySQL error 1235 (not supported yet), never a wrong
// answer; non-grouped columns are 1055 (ONLY_FULL_GROUP_BY).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/binder.h"
#include "plan/exec/memory_table.h"
#include "plan/exec/operator.h"
#include "plan/exec/query_context.h"
#include "plan/logical.h"
#include "plan/schema.h"

namespace xp::exec {

struct QueryResult {
  std::vector<std::string> names;
  std::vector<plan::DataType> types;
  // Text of each value as the mysql client prints it; nullopt is NULL.
  std::vector<std::vector<std::optional<std::string>>> rows;
  uint64_t rows_affected = 0;
  uint64_t last_insert_id = 0;
};

class LocalEngine {
 public:
  LocalEngine();
  Result<QueryResult> Execute(std::string_view sql);
  // Per-statement memory budget in bytes (0: unlimited); over it a
  // statement fails with 7006 and changes nothing.
  void set_memory_budget(size_t bytes) { memory_budget_ = bytes; }
  // From any thread: the running statement fails with 1317 at its next
  // batch (no effect when idle).
  void CancelRunning();
  const std::string& current_database() const { return database_; }

 private:
  Result<QueryResult> CreateTable(const sql::Statement& s);
  Result<QueryResult> DropTable(const sql::Statement& s);
  Result<QueryResult> Insert(const sql::Statement& s);
  Result<QueryResult> InsertRows(const sql::InsertStatement& ins,
                                 MemoryTable* table);
  Result<QueryResult> Delete(const sql::Statement& s);
  Result<QueryResult> Update(const sql::Statement& s);
  // SET col = expr, ... on the rows marked in `hit` (storage order);
  // `values_of` (optional) binds VALUES(col) of ON DUPLICATE KEY UPDATE.
  struct SetItem {
    std::string table, column;
    const sql::Expr* value;
  };
  Result<QueryResult> UpdateRows(MemoryTable* table,
                                 const std::string& qualifier,
                                 const std::vector<SetItem>& set,
                                 const std::vector<uint8_t>& hit,
                                 const plan::Scope::Substitution& values_of);
  Result<QueryResult> CreateView(sql::StmtPtr s);
  Result<QueryResult> DropView(const sql::Statement& s);
  Result<QueryResult> Set(const sql::Statement& s);
  Result<QueryResult> Explain(const sql::Statement& s);
  Result<QueryResult> Trigger(const sql::Statement& s);
  Result<plan::Value> ReadVariable(const sql::Expr& e) const;
  bool OnlyFullGroupBy() const;
  // sql_mode makes x / 0 in stored values an error (strict mode with
  // ERROR_FOR_DIVISION_BY_ZERO).
  bool StrictDivisionByZero() const;
  // Per row of `table` (storage order): whether `where` holds (all rows when
  // null). `qualifier` names the table in the expression.
  Result<std::vector<uint8_t>> MatchRows(MemoryTable* table,
                                         const std::string& qualifier,
                                         const sql::Expr* where);
  // A SELECT as an operator tree; the first `visible` output columns are
  // the select list.
  struct SelectPlan {
    plan::LogicalNodePtr node;
    std::vector<std::string> names;
    std::vector<plan::DataType> types;  // of the visible columns
    size_t visible = 0;
  };
  // A FROM clause: its operator and the columns it yields, in FROM order.
  struct FromPlan {
    plan::LogicalNodePtr node;
    std::vector<plan::ScopeColumn> columns;
  };
  // Plans `ref` with the `where` conjuncts (WHERE, for the top FROM) pushed
  // to the tables they read and equalities between tables as hash joins.
  Result<FromPlan> PlanFrom(const sql::TableRef& ref,
                            std::vector<const sql::Expr*> where,
                            const std::shared_ptr<plan::OuterContext>& outer,
                            SelectPlan* owner);
  Result<FromPlan> PlanJoinUnit(
      const sql::TableRef& ref,
      const std::shared_ptr<plan::OuterContext>& outer, SelectPlan* owner);
  // `outer`: the enclosing query's names when `q` is a subquery.
  Result<SelectPlan> PlanSelect(
      const sql::SelectStmt& q,
      std::shared_ptr<plan::OuterContext> outer = nullptr);
  // Optimizes a planned SELECT (the passes not disabled) and lowers it to
  // operators over this engine's tables.
  Result<OperatorPtr> Build(SelectPlan& plan);
  Result<OperatorPtr> Scan(const plan::LogicalNode& scan);
  Result<SelectPlan> PlanSetOp(
      const sql::SelectStmt& q,
      const std::shared_ptr<plan::OuterContext>& outer);
  // Gives a scope this engine's subquery binder, constant evaluator and
  // enclosing query.
  void PrepareScope(plan::Scope* scope,
                    const std::shared_ptr<plan::OuterContext>& outer);
  Result<plan::BoundExprPtr> BindSubquery(const sql::Expr& e,
                                          const plan::Scope& scope);
  friend class SubqueryRun;
  friend class CteScope;
  Result<QueryResult> Select(const sql::SelectStmt& q);
  Result<QueryResult> CreateIndex(const sql::Statement& s);
  Result<QueryResult> DropIndex(const sql::Statement& s);
  Result<MemoryTable*> Table(const sql::QualifiedName& name);
  // A derived table or view: `query` planned alone, its columns renamed by
  // `column_names` (when given) and qualified by `alias`.
  Result<FromPlan> PlanDerived(const sql::SelectStmt& query,
                               const std::vector<std::string>& column_names,
                               const std::string& alias, SelectPlan* owner);

  struct View {
    sql::SelectPtr query;
    std::vector<std::string> columns;  // empty: the select list's names
  };
  std::map<std::string, View> views_;  // "db.view"
  // Common table expressions in scope while a statement is planned, inner
  // WITH last (searched from the back). Not owned.
  std::vector<const sql::CommonTableExpr*> ctes_;
  // Session system variables (lower-case names) and user variables.
  std::map<std::string, plan::Value> system_variables_;
  std::map<std::string, plan::Value> user_variables_;
  // Triggers ("db.trigger" -> "db.table"); only empty bodies are accepted,
  // so they never run anything.
  std::map<std::string, std::string> triggers_;

  Result<QueryResult> ExecuteStatement(sql::StmtPtr stmt);

  size_t memory_budget_ = 0;
  std::mutex running_mu_;
  QueryContext* running_ = nullptr;  // guarded by running_mu_
  plan::InMemoryCatalog catalog_;
  std::map<std::string, std::unique_ptr<MemoryTable>> tables_;  // "db.table"
  std::string database_ = "test";
};

}  // namespace xp::exec
