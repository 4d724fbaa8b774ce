// Internal to SqlSession (sql_session.h), shared by its files:
// sql_session.cc (the session: variables, statement dispatch, the
// statement bracket, transactions, metadata locks), plan_select.cc
// (SELECT, set operations, subqueries), plan_from.cc (FROM: tables,
// derived tables, joins), session_dml.cc (INSERT / UPDATE / DELETE),
// session_ddl.cc (CREATE / ALTER / DROP, views), session_show.cc (SHOW,
// EXPLAIN), session_variables.cc (variables, SET), session_accounts.cc,
// session_roles.cc, information_schema.cc and session_helpers.cc. Not a public
// interface.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <new>

#include "plan/binder.h"
#include "plan/exec/aggregate.h"
#include "plan/exec/evaluator.h"
#include "plan/exec/hash_join.h"
#include "plan/exec/lower.h"
#include "plan/exec/nested_loop_join.h"
#include "plan/exec/operator.h"
#include "plan/exec/sort.h"
#include "plan/optimizer.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/store/memory_store.h"

namespace xp::session {

// The executor's pieces the session puts together (this header is
// internal to plan/session).
using exec::AggFunc;
using exec::AggSpec;
using exec::Batch;
using exec::BatchesOf;
using exec::CellText;
using exec::ChargeMemory;
using exec::CheckCancelled;
using exec::CopyOwned;
using exec::DefaultStatementMemory;
using exec::ExecStats;
using exec::ExpressionEvaluator;
using exec::JoinKind;
using exec::LikeMatch;
using exec::Lower;
using exec::MemoryStore;
using exec::MetadataLocks;
using exec::Operator;
using exec::OperatorProfile;
using exec::OperatorPtr;
using exec::PutValue;
using exec::QueryContext;
using exec::RowId;
using exec::SortKey;
using exec::Store;
using exec::StoreSession;
using exec::TableStore;
using exec::ValueAt;
using exec::Vector;

using plan::NotSupported;

// MySQL 8's defaults for the variables a session reads most
// (session_variables.cc).
std::map<std::string, plan::Value> DefaultVariables();

// SHOW COLUMNS' Key (and COLUMNS.COLUMN_KEY) of column `c`: PRI, UNI or
// MUL for the first index that starts with it, else empty.
std::string ColumnKey(const plan::TableSchema& t, size_t c);
// SHOW COLUMNS' Extra (and COLUMNS.EXTRA) as MySQL 8 gives it:
// auto_increment, DEFAULT_GENERATED, on update CURRENT_TIMESTAMP.
std::string ColumnExtra(const plan::ColumnSchema& c);
// A value as SHOW CREATE TABLE writes a default: 'text' (dates in MySQL's
// form) or NULL (session_show.cc).
std::string Quoted(const plan::Value& v, const plan::DataType& t);

// Accounts (session_accounts.cc): 1396 "Operation OP failed for 'u'@'h',..."
Status AccountOperationFailed(std::string_view op,
                              const std::vector<exec::AccountName>& who);
// `user`@`host`, as SHOW GRANTS and role messages show accounts.
std::string Backticked(const exec::AccountName& n);

// The value of a constant bound expression.
Result<plan::Value> EvalBound(const plan::BoundExpr& e);
// The same as a value any store reads back alike, whatever the column it
// goes to: a date or time as its text (not the internal number).
Result<plan::Value> EvalToStore(const plan::BoundExpr& e);

bool IsAggregateCall(const sql::Expr& e);

// The aggregate calls in `e` (not inside other aggregates or subqueries).
void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out);

// A select item's column name as MySQL gives it: the alias; a plain
// column's name; a string literal's value; else the expression as the
// client wrote it (the canonical text when there is none).
std::string ColumnName(const sql::SelectItem& item);

// What a GROUP BY key names: `GROUP BY n` is the n-th select item (a
// position inside a * is that column); an unqualified name that is no
// column of FROM is a select-list alias (MySQL searches FROM first);
// anything else is itself. Grouping on an aggregate is 1056.
Result<const sql::Expr*> GroupKey(const sql::Expr& g, const sql::SelectStmt& q,
                                  const plan::Scope& scope,
                                  std::deque<sql::Expr>* star_refs);

// A LIMIT / OFFSET count: an integer literal, or (given `params`) a
// placeholder holding a non-negative integer (else 1210).
Result<uint64_t> LimitNumber(const sql::Expr& e,
                             const std::vector<plan::Value>* params = nullptr);
// ORDER BY <n>: the 0-based result column an integer literal names (1054
// when it is not 1..width); -1 for any other expression.
Result<int> OrderPosition(const sql::Expr& e, size_t width);

size_t CountTables(const sql::TableRef& r);

void SplitConjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out);

// The units of an inner-join tree (tables, derived tables, outer joins) and
// its ON conditions.
void FlattenInner(const sql::TableRef& r,
                  std::vector<const sql::TableRef*>* units,
                  std::vector<const sql::Expr*>* on);

// ORDER BY (as sort keys over op's columns) and LIMIT / OFFSET of `q`,
// placeholders there taking their values from `params` (null: no values,
// the statement is only being described: no limit).
Result<plan::LogicalNodePtr> SortAndLimit(
    plan::LogicalNodePtr node, std::vector<SortKey> keys,
    const sql::SelectStmt& q, const std::vector<plan::Value>* params);

// Makes a WITH clause's CTEs visible while it lives (planning of the query
// it belongs to).
class CteScope {
 public:
  CteScope(SqlSession* e, const std::vector<sql::CommonTableExpr>& with)
      : engine_(e), size_(e->ctes_.size()) {
    for (const auto& c : with) engine_->ctes_.push_back(&c);
  }
  // Restores a saved set (a subquery planned again later).
  CteScope(SqlSession* e, const std::vector<const sql::CommonTableExpr*>& all)
      : engine_(e), size_(e->ctes_.size()), saved_(e->ctes_) {
    engine_->ctes_ = all;
    restore_ = true;
  }
  ~CteScope() {
    if (restore_) {
      engine_->ctes_ = std::move(saved_);
    } else {
      engine_->ctes_.resize(size_);
    }
  }

 private:
  SqlSession* engine_;
  size_t size_;
  std::vector<const sql::CommonTableExpr*> saved_;
  bool restore_ = false;
};

}  // namespace xp::session
