// A SQL session: the plan/ and plan/exec/ pieces put together over a Store
// (store.h). With the default constructor it owns an in-memory store (tests,
// the sqllogictest runner, embedded mode); the data node gives every client
// session a SqlSession over its shared RocksDB store.
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

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "codec/thread_annotations.h"
#include "plan/binder.h"
#include "plan/exec/lower.h"
#include "plan/exec/operator.h"
#include "plan/exec/query_context.h"
#include "plan/logical.h"
#include "plan/optimizer.h"
#include "plan/schema.h"
#include "plan/store/store.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp::session {

struct QueryResult {
  std::vector<std::string> names;
  std::vector<plan::DataType> types;
  // Text of each value as the mysql client prints it; nullopt is NULL.
  std::vector<std::vector<std::optional<std::string>>> rows;
  uint64_t rows_affected = 0;
  uint64_t last_insert_id = 0;
};

// Receives a result set as it is produced (instead of QueryResult::rows):
// the columns once, then batches whose first `visible` columns are the
// result's.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual Status Columns(const std::vector<std::string>& names,
                         const std::vector<plan::DataType>& types) = 0;
  virtual Status Rows(const exec::Batch& batch, size_t visible) = 0;
};

// SHOW CREATE TABLE's text of `t`, named `name` (empty: t.name); with
// `with_partition` its PARTITION BY / BROADCAST / SINGLE clause follows.
std::string CreateTableText(const plan::TableSchema& t,
                            std::string_view name = {},
                            bool with_partition = true);

// What COM_STMT_PREPARE reports: the placeholders and, for a SELECT, the
// result columns.
struct StatementShape {
  size_t params = 0;
  std::vector<std::string> names;
  std::vector<plan::DataType> types;
};

class SqlSession {
 public:
  // A session over its own in-memory store.
  SqlSession();
  // A session over `store` (shared with other sessions; it must outlive
  // this one).
  explicit SqlSession(exec::Store* store);
  ~SqlSession();
  Result<QueryResult> Execute(std::string_view sql);
  // `params` are the values of the statement's ? placeholders (in order);
  // with a `sink`, result rows go there and QueryResult::rows stays empty.
  Result<QueryResult> Execute(std::string_view sql,
                              const std::vector<plan::Value>& params,
                              ResultSink* sink);
  // A client's text statement (no placeholders) when it is a point read
  // the point-get cache takes: its integer and string literals become the
  // values of its normal form (`... WHERE id = ?`, MySQL's digest form),
  // which is planned once and then re-keyed like a prepared statement.
  // nullopt (nothing ran) when the text is not such a statement.
  std::optional<Result<QueryResult>> ExecuteCachedText(std::string_view sql,
                                                       ResultSink* sink);
  // The same for a statement already parsed (sql::Parse).
  Result<QueryResult> Execute(sql::StmtPtr stmt,
                              const std::vector<plan::Value>& params,
                              ResultSink* sink);
  // Parses `sql` and, for a SELECT, plans it (placeholders as NULL) to
  // report its columns; nothing runs. Errors as Execute would give them.
  Result<StatementShape> Describe(std::string_view sql);
  // What CONNECTION_ID() and USER() return (default 0, root).
  void set_connection(uint64_t id, std::string user) {
    connection_id_ = id;
    user_ = std::move(user);
  }
  // The account the session runs as (CURRENT_USER) and the client's host
  // (as USER() and messages show it). From then on every statement is
  // checked against the account's privileges, read again whenever an
  // account changes; a session never given one (the data node's engines,
  // tests, embedded use) checks nothing.
  void set_account(exec::AccountName account, std::string client_host);
  // Accounts an account statement makes or changes (with the new form) or
  // removes (nullopt), saved together once all are worked out.
  using AccountChanges =
      std::vector<std::pair<exec::AccountName, std::optional<exec::Account>>>;
  // Whether the session's account holds global privilege(s) `want` (always
  // for a session without an account).
  bool HasGlobalPrivilege(uint64_t want);
  // autocommit = 1 (the session variable).
  bool autocommit() const { return Autocommit(); }
  // Per-statement memory budget in bytes (0: only the node-wide cap); over
  // it a statement fails with 7006 and changes nothing. The session
  // variable xp_statement_memory_limit; it starts at
  // exec::DefaultStatementMemory().
  void set_memory_budget(size_t bytes);
  // A session variable's integer value (`fallback` when unknown or not an
  // integer).
  int64_t IntegerVariable(const std::string& name, int64_t fallback) const;
  // From any thread: the running statement fails with 1317 at its next
  // batch (no effect when idle).
  void CancelRunning();
  // A flag (e.g. a protocol kill) that, when set, cancels the running
  // statement at its next batch; null: none. It must outlive its use.
  void set_interrupt(const std::atomic<bool>* flag) { interrupt_ = flag; }
  // Record access paths in last_stats() (execution feedback); off by
  // default.
  void set_collect_access_paths(bool on) { collect_paths_ = on; }
  // Statements and plans run from now on are locking reads of `mode`
  // (a data node serving a TxnContext.lock request); kNone: as written.
  void set_read_lock(sql::LockMode mode, sql::LockWait wait) {
    read_lock_ = mode;
    read_wait_ = wait;
  }
  // How the last statement ran (rows examined, access paths).
  const exec::ExecStats& last_stats() const { return last_stats_; }
  // Inside an explicit transaction (BEGIN, XA START, autocommit = 0).
  bool in_transaction() const;
  const std::string& current_database() const { return database_; }
  // Runs a shipped plan (plan/serde.h: validated here; `params` fill its
  // parameter constants) as one statement of this session; rows go to
  // `sink` (required), named #0, #1, ...
  Result<QueryResult> ExecutePlan(const Xp::Plan::Node& plan,
                                  const std::vector<plan::Value>& params,
                                  ResultSink* sink);
  // The optimized plan of a SELECT, serialized as a data node would
  // receive it (plan/serde.h); 1235 when it holds a subquery expression.
  Result<std::string> PlanBytes(std::string_view select);
  // USE without the statement (a client's default schema); 1049 if unknown.
  Status SetDatabase(const std::string& name);

 private:
  Result<QueryResult> CreateTable(const sql::Statement& s);
  Result<QueryResult> DropTable(const sql::Statement& s);
  Result<QueryResult> Insert(const sql::Statement& s);
  Result<QueryResult> InsertRows(const sql::InsertStatement& ins,
                                 exec::TableStore* table);
  // INSERT / UPDATE / DELETE bound as the plan IR's write node (for a
  // store that routes whole writes: exec::RemoteExecution::RouteWrite).
  Result<plan::WriteNode> BindWrite(const sql::Statement& s);
  // The schema positions of an INSERT's column list (all when empty):
  // 1054 for an unknown column, 1110 for one listed twice.
  Result<std::vector<int>> InsertColumns(const sql::InsertStatement& ins,
                                         const plan::TableSchema& schema);
  // VALUES row `row_number` (1-based) evaluated as a whole row of `schema`
  // (nullopt: DEFAULT or not listed); 1136 when its width is wrong.
  Result<plan::InsertRow> EvaluateRow(const std::vector<sql::ExprPtr>& row,
                                      const std::vector<int>& positions,
                                      const plan::TableSchema& schema,
                                      const plan::Scope& scope,
                                      size_t row_number);
  Result<QueryResult> Delete(const sql::Statement& s);
  Result<QueryResult> Update(const sql::Statement& s);
  // Rows of a table picked by UPDATE / DELETE: whole rows (all columns, in
  // batches; a last column may hold the row ids) and their ids.
  struct Matched {
    std::vector<exec::Batch> batches;
    std::vector<exec::RowId> ids;
  };
  // SET col = expr, ... on the `matched` rows; `values_of` (optional) binds
  // VALUES(col) of ON DUPLICATE KEY UPDATE.
  struct SetItem {
    std::string table, column;
    const sql::Expr* value;
  };
  Result<QueryResult> UpdateRows(exec::TableStore* table,
                                 const std::string& qualifier,
                                 const std::vector<SetItem>& set,
                                 const Matched& matched,
                                 const plan::Scope::Substitution& values_of);
  // Foreign keys (session_foreign_keys.cc). ForeignKeyChecks():
  // foreign_key_checks is on.
  bool ForeignKeyChecks() const;
  // A foreign key of `child` that references some table.
  struct ForeignKeyRef {
    const plan::TableSchema* child;
    const plan::ForeignKeySchema* fk;
  };
  // The foreign keys that reference `parent` (cached per DDL epoch).
  const std::vector<ForeignKeyRef>& ReferencesTo(
      const plan::TableSchema& parent);
  // Writes to `t` need the checks (foreign_key_checks on, and t holds or
  // is referenced by a foreign key): they take this engine's row path.
  bool HasForeignKeyWork(const plan::TableSchema& t);
  // The rows of `table` whose `columns` equal one of `keys` (held values
  // of those columns' types), read as they are now under `lock`.
  Result<Matched> LookupKeys(exec::TableStore* table,
                             const std::vector<int>& columns,
                             const std::vector<std::vector<plan::Value>>& keys,
                             sql::LockMode lock);
  // 1452 unless each of `rows` (whole rows of `child`, held values) finds
  // its parent row for every foreign key; with `old_rows` (an UPDATE),
  // references that did not change are not checked.
  Status CheckParentRows(const plan::TableSchema& child,
                         const std::vector<std::vector<plan::Value>>& rows,
                         const std::vector<std::vector<plan::Value>>* old_rows);
  // After rows of `parent` were deleted (new_rows null) or updated: the
  // referencing rows' actions (1451, CASCADE, SET NULL); `depth` counts
  // cascades (3008 past 15).
  Status ChildrenFollow(const plan::TableSchema& parent,
                        const std::vector<std::vector<plan::Value>>& old_rows,
                        const std::vector<std::vector<plan::Value>>* new_rows,
                        int depth);
  // Deletes / updates rows of `table` and does what their foreign keys ask.
  Status DeleteRows(exec::TableStore* table, std::vector<exec::RowId> ids,
                    std::vector<std::vector<plan::Value>> old_rows, int depth);
  Status WriteUpdate(exec::TableStore* table, std::vector<exec::RowId> ids,
                     std::vector<std::vector<plan::Value>> old_rows,
                     std::vector<std::vector<plan::Value>> new_rows, int depth);
  // An INSERT routed whole (a compute node's) is checked by its rows, so
  // one whose rows may remove or change referenced keys (REPLACE, ON
  // DUPLICATE KEY UPDATE of a referenced column other than `pk =
  // VALUES(pk)` with the primary key the only unique key) or give a
  // referencing column another value than the row's (ON DUPLICATE KEY
  // UPDATE other than `col = VALUES(col)`) is refused (1235) rather than
  // left unchecked.
  Status RoutedInsertKeepsKeys(const sql::InsertStatement& ins,
                               const plan::TableSchema& t);
  // A row INSERT gave (`values` of `columns`, all when empty) as the table
  // holds it, defaults filled in: what its foreign keys check.
  Result<std::vector<plan::Value>> InsertedRow(
      const plan::TableSchema& schema, const std::vector<int>& columns,
      const std::vector<plan::Value>& values);
  // DDL (foreign_key_checks on): fk's referenced table exists (1824), has
  // its columns (3734) of compatible types (3780) and an index leading
  // with them (1822). `child` may be the table being created.
  Status CheckForeignKeyTarget(const plan::TableSchema& child,
                               const plan::ForeignKeySchema& fk);
  // DROP TABLE (3730) / TRUNCATE (1701) of `t` while another table's
  // foreign key references it (`going`: "db.t" of the tables the same
  // DROP removes).
  Status CheckNotReferenced(const plan::TableSchema& t,
                            const std::vector<std::string>& going,
                            bool truncate);
  // ALTER TABLE from `before` to `after` (`source`: each new column's old
  // position, -1 added): a column a foreign key uses was dropped (1828),
  // or a referenced one renamed or retyped (1833).
  Status CheckColumnsUnused(const plan::TableSchema& before,
                            const plan::TableSchema& after,
                            const std::vector<int>& source);
  // After index `dropped` went from `t`: each foreign key of t, and each
  // referencing t, still has its index (1553).
  Status CheckIndexesKept(const plan::TableSchema& t,
                          const std::string& dropped);
  // ReferencesTo's cache: referenced table ("db.t") -> foreign keys.
  std::map<std::string, std::vector<ForeignKeyRef>> fk_parents_;
  uint64_t fk_epoch_ = 0;
  bool fk_known_ = false;
  bool foreign_key_checks_ = true;  // @@foreign_key_checks, as Set() keeps it

  Result<QueryResult> CreateView(sql::StmtPtr s);
  Result<QueryResult> DropView(const sql::Statement& s);
  Result<QueryResult> Set(const sql::Statement& s);
  Result<QueryResult> Explain(const sql::Statement& s);
  Result<QueryResult> ExplainAnalyze(const sql::ExplainStatement& e);
  Result<QueryResult> Trigger(const sql::Statement& s);
  Result<QueryResult> AlterTable(sql::Statement& s);
  Result<QueryResult> RenameTable(const sql::Statement& s);
  // RENAME TABLE's pairs in order, each checked against the names the
  // earlier ones leave; all or nothing. check_only: the checks alone.
  Status RenameTables(
      const std::vector<std::pair<sql::QualifiedName, sql::QualifiedName>>&
          renames,
      bool check_only = false);
  // After a table was renamed (database, name): foreign keys that named it
  // name it anew.
  Status ReferencesFollow(const std::pair<std::string, std::string>& from,
                          const std::pair<std::string, std::string>& to);
  Result<QueryResult> Truncate(const sql::Statement& s);
  Result<QueryResult> Transaction(const sql::Statement& s);
  Result<QueryResult> Xa(const sql::Statement& s);
  Result<QueryResult> Show(const sql::Statement& s);
  plan::OptimizerOptions Options() const;
  Result<plan::Value> ReadVariable(const sql::Expr& e) const;
  bool OnlyFullGroupBy() const;
  bool Autocommit() const;
  size_t StatementMemoryLimit() const;
  int64_t row_count_ = -1;       // ROW_COUNT()
  int64_t found_rows_ = 0;       // FOUND_ROWS()
  uint64_t last_insert_id_ = 0;  // LAST_INSERT_ID()
  int64_t streamed_rows_ = 0;    // rows the running SELECT sent to the sink
  // sql_mode makes x / 0 in stored values an error (strict mode with
  // ERROR_FOR_DIVISION_BY_ZERO).
  bool StrictDivisionByZero() const;
  // The rows of `table` where `where` holds (all when null), the first
  // `limit` of them (when given). `qualifier` names the table in `where`.
  Result<Matched> MatchRows(exec::TableStore* table,
                            const std::string& qualifier,
                            const sql::Expr* where, const sql::Expr* limit);
  // Runs `node` (over `table`, whose scans give row ids) reading the rows
  // as they are now under `lock`; appends them (whole, with their ids).
  Status ReadLocked(exec::TableStore* table, const plan::LogicalNode& node,
                    sql::LockMode lock, Matched* out);
  // MatchRows' plan: `where` bound over every column of `schema`, the
  // limit on top, optimized (without projection pruning).
  Result<plan::LogicalNodePtr> MatchPlan(const plan::TableSchema& schema,
                                         const std::string& qualifier,
                                         const sql::Expr* where,
                                         const sql::Expr* limit);
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
  // t1 JOIN t2 USING (c, ...) / NATURAL [LEFT | RIGHT] JOIN: equalities on
  // the common columns, which appear once (coalesced), first, as MySQL.
  Result<FromPlan> PlanUsingJoin(
      const sql::TableRef& ref,
      const std::shared_ptr<plan::OuterContext>& outer, SelectPlan* owner);
  // information_schema.`name` (information_schema.cc): its rows as this
  // session may see them, under `qualifier`; 1109 for no such table.
  Result<FromPlan> InformationSchemaTable(const std::string& name,
                                          const std::string& qualifier);
  Result<FromPlan> PlanJoinUnit(
      const sql::TableRef& ref,
      const std::shared_ptr<plan::OuterContext>& outer, SelectPlan* owner);
  // `outer`: the enclosing query's names when `q` is a subquery.
  Result<SelectPlan> PlanSelect(
      const sql::SelectStmt& q,
      std::shared_ptr<plan::OuterContext> outer = nullptr);
  // Optimizes a planned SELECT (the passes not disabled) and lowers it to
  // operators over this engine's tables.
  Result<exec::OperatorPtr> Build(SelectPlan& plan);
  Result<exec::OperatorPtr> Scan(const plan::LogicalNode& scan);
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
  // A table's current schema (DDL) and its storage in this statement.
  Result<const plan::TableSchema*> Schema(const sql::QualifiedName& name);
  Result<exec::TableStore*> Table(const sql::QualifiedName& name);
  // A derived table or view: `query` planned alone, its columns renamed by
  // `column_names` (when given) and qualified by `alias`.
  Result<FromPlan> PlanDerived(const sql::SelectStmt& query,
                               const std::vector<std::string>& column_names,
                               const std::string& alias, SelectPlan* owner);

  // Common table expressions in scope while a statement is planned, inner
  // WITH last (searched from the back). Not owned.
  std::vector<const sql::CommonTableExpr*> ctes_;
  // Session system variables (lower-case names) and user variables.
  std::map<std::string, plan::Value> system_variables_;
  std::map<std::string, plan::Value> user_variables_;

  Result<QueryResult> ExecuteStatement(sql::StmtPtr stmt);
  // A statement inside its bracket: INSERT / UPDATE / DELETE offered to the
  // store first (StoreSession::Push), then the engine's own path.
  Result<QueryResult> RunStatement(sql::StmtPtr stmt,
                                   const std::vector<plan::Value>& params);
  // CREATE TABLE t AS SELECT: the table from the query's columns, then
  // INSERT ... SELECT; the table is dropped again when that fails.
  Result<QueryResult> CreateTableAsSelect(
      sql::StmtPtr stmt, const std::vector<plan::Value>& params);
  // Runs `run` as one statement: under the shared DDL lock, in the
  // session's transaction (opened for autocommit = 0), with statement
  // rollback on failure.
  Result<QueryResult> InStatement(
      const std::function<Result<QueryResult>()>& run);

  // Metadata locks (metadata_locks.h): the tables the running statement
  // used (Schema(), NoteTable()), and those the open transaction holds.
  std::vector<exec::MetadataLocks::Table> used_tables_;
  std::set<exec::MetadataLocks::Table> held_tables_;
  // `name`'s schema (the session's database when unqualified), or null.
  const plan::TableSchema* FindTable(const sql::QualifiedName& name) const;
  void NoteTable(const plan::TableSchema& t);
  void NoteTable(const sql::QualifiedName& name);
  void ReleaseMetadataLocks();
  // DDL `s` (under the exclusive `ddl` lock): waits until no other
  // session's transaction holds its tables; 1205 after lock_wait_timeout.
  Status WaitForMetadataLocks(const sql::Statement& s,
                              std::unique_lock<std::shared_mutex>* ddl);

  // Privileges (session_accounts.cc). Privileges() is the session's
  // account, re-read when accounts changed; null when nothing is checked.
  const exec::Account* Privileges();
  std::string CurrentAccountText() const;
  std::string DeniedUser() const;  // 'user'@'client host', for messages
  Status CheckTable(uint64_t want, std::string_view command,
                    const std::string& db, const std::string& table);
  // RENAME (TABLE, or ALTER TABLE ... RENAME): ALTER and DROP on the
  // table, CREATE and INSERT on the new name (MySQL's rule).
  Status CheckRename(const sql::QualifiedName& from,
                     const sql::QualifiedName& to);
  // CheckTable, or (with *by_column set) OK when some column of the table
  // has `want`: each column is then checked where it is used.
  Status CheckTableOrColumns(uint64_t want, std::string_view command,
                             const std::string& db, const std::string& table,
                             bool* by_column);
  // The 1143 message for `column` when the session lacks `want` on it.
  std::shared_ptr<const std::string> ColumnDenied(uint64_t want,
                                                  std::string_view command,
                                                  const std::string& db,
                                                  const std::string& table,
                                                  const std::string& column);
  // 1143 unless `want` is held on each of `columns` (at any level).
  Status CheckColumns(uint64_t want, std::string_view command,
                      const std::string& db, const std::string& table,
                      const std::vector<std::string>& columns);
  // An UPDATE / DELETE reading `columns` of its table (WHERE, SET values):
  // SELECT on the table, or on each of them.
  Status CheckReads(const std::string& db, const std::string& table,
                    const std::vector<std::string>& columns);
  Status CheckDatabase(uint64_t want, const std::string& db);
  Status CheckGlobal(uint64_t want, std::string_view names);
  bool MaySeeDatabase(const std::string& db);
  bool MaySeeTable(const std::string& db, const std::string& table);
  // What a statement needs before it runs (DDL, account statements, SET
  // GLOBAL, an expired password); reads and writes check their tables.
  Status CheckStatement(const sql::Statement& s);
  // INSERT / UPDATE / DELETE: the privilege on each table written (and
  // SELECT where a WHERE reads it).
  Status CheckWriteTargets(const sql::Statement& s);
  Result<QueryResult> AccountStatement(const sql::Statement& s);
  // The account a UserSpec names (CURRENT_USER: the session's).
  exec::AccountName AccountOf(const sql::UserSpec& u) const;
  Status GrantOrRevoke(const sql::AccountStatement& s, AccountChanges* changes);
  // GRANT / REVOKE of column privileges (`columns`: column, lower case ->
  // bits) on db.table to / from `a`.
  Status ApplyColumnGrants(bool grant, const std::string& db,
                           const std::string& table,
                           const std::map<std::string, uint64_t>& columns,
                           const exec::AccountName& name, exec::Account* a);
  Result<QueryResult> ShowGrants(const sql::ShowStatement& show);
  // Roles (session_roles.cc): CREATE / DROP ROLE, GRANT / REVOKE of roles,
  // default roles, SET ROLE, CURRENT_ROLE().
  Status CreateRoles(const sql::AccountStatement& s, AccountChanges* changes);
  // Drops s.users (DROP USER and DROP ROLE): each account, and every grant
  // of it as a role to another.
  Status DropAccounts(const sql::AccountStatement& s, std::string_view op,
                      AccountChanges* changes);
  Status GrantOrRevokeRoles(const sql::AccountStatement& s,
                            AccountChanges* changes);
  // SET DEFAULT ROLE ... TO users (and ALTER USER ... DEFAULT ROLE on `a`).
  Status SetDefaultRoles(const sql::AccountStatement& s,
                         AccountChanges* changes);
  Status ChooseDefaultRoles(const sql::AccountStatement& s, exec::Account* a);
  Result<QueryResult> SetRole(const sql::AccountStatement& s);
  // Grants of `from` as a role become grants of `to` (RENAME USER).
  void RenameRoleReferences(const exec::AccountName& from,
                            const exec::AccountName& to,
                            AccountChanges* changes);
  // The roles `s` names (its RoleSet) out of those granted to `a`; 3530 for
  // a named one that is not.
  Result<std::vector<exec::AccountName>> ChosenRoles(
      const sql::AccountStatement& s, const exec::Account& a);
  // The active roles, as CURRENT_ROLE() shows them ("NONE" for none).
  std::string CurrentRoleText() const;
  std::optional<exec::AccountName> account_name_;
  std::string client_host_ = "localhost";
  exec::Accounts::Ptr base_account_;  // the account alone
  exec::Accounts::Ptr account_;       // with its active roles' privileges
  uint64_t account_version_ = 0;      // 0: re-read at the next statement
  // SET ROLE's choice; nullopt: the account's default roles.
  std::optional<std::vector<exec::AccountName>> active_roles_;
  // > 0 while a view's body is planned: it runs with its definer's rights
  // (the view itself was checked).
  int definer_depth_ = 0;

  // LOCK TABLES / UNLOCK TABLES (session_table_locks.cc): the tables this
  // session locked (true: WRITE); empty when it holds none.
  Result<QueryResult> LockTables(const sql::Statement& s);
  void UnlockTables();
  // Before a statement reads (write: writes) `t`: with LOCK TABLES held,
  // 1100 for a table not locked and 1099 for writing a READ-locked one;
  // otherwise waits while another session's lock forbids it (1205 after
  // lock_wait_timeout).
  Status TableLockFor(const plan::TableSchema& t, bool write);
  // The store's DDL lock, exclusively (counted in ddl_waiting() while
  // waiting for it).
  std::unique_lock<std::shared_mutex> ExclusiveDdl();
  std::map<exec::TableLocks::Table, bool> locked_tables_;
  bool read_only_txn_ = false;      // the open transaction is READ ONLY
  bool read_only_session_ = false;  // @@transaction_read_only: every one is
  sql::LockMode read_lock_ = sql::LockMode::kNone;
  sql::LockWait read_wait_ = sql::LockWait::kWait;
  Mutex running_mu_;
  exec::QueryContext* running_ XP_GUARDED_BY(running_mu_) = nullptr;
  const std::atomic<bool>* interrupt_ = nullptr;
  bool collect_paths_ = false;
  exec::ExecStats last_stats_;
  std::unique_ptr<exec::Store> owned_store_;
  exec::Store* store_;
  std::unique_ptr<exec::StoreSession> session_;
  std::string database_ = "test";
  uint64_t connection_id_ = 0;
  std::string user_ = "root";
  // While a statement runs: its ? values and where its rows go.
  const std::vector<plan::Value>* params_ = nullptr;
  // Describe() plans with every placeholder NULL, for the columns only.
  bool describing_ = false;
  // EXPLAIN ANALYZE: Build() counts every operator's rows and time here.
  exec::OperatorProfile* profile_ = nullptr;
  // EXPLAIN ANALYZE: the optimizer passes of the statement being built.
  std::vector<plan::PassTiming>* pass_timings_ = nullptr;
  ResultSink* sink_ = nullptr;

  // The point-get fast path (plan/session/point_get_cache.cc): a SELECT
  // of one table's columns whose WHERE is `col = ?` on every column of its
  // primary key (or of a unique key), run with placeholders, keeps its
  // optimized plan (Project <- Filter <- Get, before a compute node places
  // it) after its first execution. A later execution of the same text,
  // with placeholders of the same kinds, in the same database and with no
  // DDL since, takes a copy with the new values (the Get's keys through
  // plan::KeyConstant, the rule the optimizer used) and skips parsing,
  // binding and the optimizer. Whatever does not fit runs as usual.
  struct CachedPointGet {
    std::string database;
    uint64_t ddl_epoch = 0;
    std::vector<size_t> kinds;  // each placeholder's Value alternative
    plan::LogicalNodePtr node;  // the optimized plan, unplaced
    std::vector<std::string> names;
    std::vector<plan::DataType> types;
    size_t visible = 0;
    // Get key position -> the placeholder whose value it is.
    std::vector<int> key_params;
  };
  static constexpr size_t kPointGetEntries = 256;  // then it starts over
  // Longer statement texts are never cached (nor lexed for it): a point
  // read is short, and the cache stays within entries x this many bytes.
  static constexpr size_t kPointGetTextBytes = 2048;
  std::map<std::string, CachedPointGet, std::less<>> point_gets_;
  // Normal forms of text statements that are not point reads (so they
  // are not parsed twice); bounded as point_gets_.
  std::set<std::string, std::less<>> not_point_gets_;
  // SHOW STATUS: executions that took a cached plan (hits), executions of
  // a cacheable statement that planned it (misses: the first, other
  // placeholder kinds, after DDL).
  uint64_t point_get_hits_ = 0, point_get_misses_ = 0;
  // Set while a statement runs: the plan Select() takes instead of
  // planning (made for the DDL epoch beside it), or where Build() records
  // the plan of a statement that may be cached.
  std::optional<SelectPlan> point_get_plan_;
  uint64_t point_get_epoch_ = 0;
  CachedPointGet* point_get_capture_ = nullptr;
  // Execute(text) through the cache: nullopt when the statement is not
  // (or not yet) cached for these values.
  std::optional<Result<QueryResult>> ExecuteCachedPointGet(
      std::string_view text, const std::vector<plan::Value>& params,
      ResultSink* sink);
  // The first execution of a cacheable statement (or one whose entry did
  // not fit): planned as usual, its plan kept.
  Result<QueryResult> ExecuteAndCapturePointGet(
      std::string_view text, sql::StmtPtr stmt,
      const std::vector<plan::Value>& params, ResultSink* sink);
  // Whether `stmt` is of the cacheable shape (syntax only).
  static bool PointGetCandidate(const sql::Statement& stmt);
  // Build()'s hook before placement: keeps `plan` in *point_get_capture_
  // when it is Project <- Filter <- Get by a whole key on the statement's
  // placeholders.
  void CapturePointGet(const plan::LogicalNode& plan);
  // A copy of `entry`'s plan with `params`; null when they do not fit.
  plan::LogicalNodePtr PointGetPlan(const CachedPointGet& entry,
                                    const std::vector<plan::Value>& params);
};

}  // namespace xp::session
