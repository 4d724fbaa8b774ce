// Abstract syntax tree of the MySQL dialect, produced by plan/sql/parser.h.
// The AST is syntax only: names are unresolved, literals keep their text,
// and nothing here knows a catalog. The binder (plan/) gives it meaning.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xp::sql {

struct Expr;
enum class LockMode : uint8_t { kNone, kShare, kUpdate };
enum class LockWait : uint8_t { kWait, kNowait, kSkipLocked };

struct SelectStmt;
using ExprPtr = std::unique_ptr<Expr>;
using SelectPtr = std::unique_ptr<SelectStmt>;

// A column or CAST type as written: INT(11) UNSIGNED, DECIMAL(10,2),
// VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, ENUM('a','b') ...
struct TypeName {
  std::string name;  // upper case: INT, BIGINT, DECIMAL, VARCHAR, SIGNED, ...
  int64_t length = -1;  // precision / display width / length; -1 if absent
  int64_t scale = -1;   // DECIMAL scale; -1 if absent
  bool is_unsigned = false;
  bool zerofill = false;
  std::string charset;
  std::string collation;
  std::vector<std::string> values;  // ENUM / SET members
};

enum class ExprKind : uint8_t {
  kLiteral,     // lit, text
  kColumn,      // [schema.][table.]name
  kStar,        // * or table.* (select lists and COUNT(*))
  kParam,       // ?; param_index
  kUserVar,     // @name
  kSysVar,      // @@[scope.]name
  kUnary,       // uop, args[0]
  kBinary,      // bop, args[0], args[1]; AND / OR: args[0..n), n >= 2
  kFunction,    // name(args...); distinct; separator/order_by for GROUP_CONCAT
  kCase,        // [operand] WHEN.. THEN.. [ELSE]: see has_operand / has_else
  kBetween,     // args = {expr, low, high}; negated
  kIn,          // args[0] IN (args[1..]) or IN (subquery); negated
  kLike,        // args = {expr, pattern[, escape]}; negated; regexp for REGEXP
  kIsNull,      // args[0] IS [NOT] NULL; negated
  kIsBool,      // args[0] IS [NOT] TRUE|FALSE|UNKNOWN; truth; negated
  kExists,      // [NOT] EXISTS (subquery)
  kSubquery,    // scalar subquery
  kQuantified,  // args[0] <bop> ANY|ALL (subquery); all
  kCast,        // CAST(args[0] AS cast_type), CONVERT(args[0], type)
  kInterval,    // INTERVAL args[0] unit
  kCollate,     // args[0] COLLATE text
  kDefault,     // DEFAULT (in INSERT values / UPDATE SET)
  kRow,         // (a, b, ...) row constructor
};

enum class LiteralKind : uint8_t {
  kNull,
  kInteger,    // text: digits
  kDecimal,    // text: digits with '.'
  kFloat,      // text: with exponent
  kString,     // text: the unescaped value; binary for _binary'..'
  kHex,        // text: the bytes
  kBit,        // text: the binary digits
  kBool,       // text: "1" or "0"
  kDate,       // DATE 'text'
  kTime,       // TIME 'text'
  kTimestamp,  // TIMESTAMP 'text'
};

enum class UnaryOp : uint8_t { kMinus, kPlus, kNot, kBitNot, kBinary };

enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kIntDiv,
  kMod,
  kEq,
  kNullSafeEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kXor,
  kBitAnd,
  kBitOr,
  kBitXor,
  kShiftLeft,
  kShiftRight,
};

enum class IntervalUnit : uint8_t {
  kMicrosecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kSecondMicrosecond,
  kMinuteMicrosecond,
  kMinuteSecond,
  kHourMicrosecond,
  kHourSecond,
  kHourMinute,
  kDayMicrosecond,
  kDaySecond,
  kDayMinute,
  kDayHour,
  kYearMonth,
};

struct OrderItem {
  ExprPtr expr;
  bool desc = false;
};

// One expression node. Which fields are meaningful depends on `kind` (see
// ExprKind); the rest stay default.
struct Expr {
  Expr() = default;
  Expr(Expr&&) = default;
  Expr& operator=(Expr&&) = default;
  // Iterative: a tree of any height (a rejected over-long chain) is freed
  // without recursion.
  ~Expr();

  ExprKind kind = ExprKind::kLiteral;
  uint32_t offset = 0;  // byte offset in the statement, for error messages
  // Height of this tree (1 for a leaf), set by the parser when it checks
  // the statement's nesting budget; 0 where nobody computed it.
  uint32_t height = 0;

  LiteralKind lit = LiteralKind::kNull;
  bool binary_string = false;  // _binary'..' / X'..' literals
  std::string text;            // literal value, column/function/variable name
  std::string table;           // column / star qualifier
  std::string schema;          // column / star qualifier
  UnaryOp uop = UnaryOp::kMinus;
  BinaryOp bop = BinaryOp::kEq;
  bool negated = false;
  bool distinct = false;      // aggregate DISTINCT
  bool all = false;           // kQuantified: ALL (else ANY/SOME)
  bool regexp = false;        // kLike: REGEXP / RLIKE
  bool has_operand = false;   // kCase: CASE <operand> WHEN ...
  bool has_else = false;      // kCase: last arg is ELSE
  std::optional<bool> truth;  // kIsBool: true / false / nullopt = UNKNOWN
  int param_index = -1;       // kParam: 0-based position
  IntervalUnit unit = IntervalUnit::kDay;
  std::vector<ExprPtr> args;
  SelectPtr subquery;  // kIn (subquery form), kExists, kSubquery, kQuantified
  TypeName cast_type;  // kCast
  std::string separator = ",";      // GROUP_CONCAT
  std::vector<OrderItem> order_by;  // GROUP_CONCAT(... ORDER BY ...)
};

struct SelectItem {
  ExprPtr expr;
  std::string alias;  // empty: none
  // The expression as the client wrote it (trimmed, at most 256 bytes):
  // MySQL names an unaliased expression column by it. Empty when made up.
  std::string text;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kCross };

struct TableRef {
  enum class Kind : uint8_t { kTable, kJoin, kSubquery };
  Kind kind = Kind::kTable;
  uint32_t offset = 0;
  // kTable
  std::string schema;
  std::string name;
  std::string alias;
  // kJoin
  JoinType join = JoinType::kInner;
  bool natural = false;
  std::unique_ptr<TableRef> left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
  // kSubquery (derived table): alias and optional column list
  SelectPtr subquery;
  std::vector<std::string> column_aliases;
};
using TableRefPtr = std::unique_ptr<TableRef>;

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  SelectPtr query;
};

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

// A query expression: a SELECT block, or a set operation of two, plus the
// WITH, ORDER BY and LIMIT that apply to the whole.
struct SelectStmt {
  enum class Kind : uint8_t { kSelect, kSetOp };
  Kind kind = Kind::kSelect;
  uint32_t offset = 0;

  std::vector<CommonTableExpr> with;
  bool recursive = false;

  // kSelect
  bool distinct = false;
  bool calc_found_rows = false;  // SQL_CALC_FOUND_ROWS
  std::vector<SelectItem> items;
  TableRefPtr from;  // null: no FROM (or FROM DUAL)
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  bool with_rollup = false;
  ExprPtr having;

  // kSetOp: operands[0] op operands[1] op ... evaluated left to right. A
  // chain of one operator (and one ALL / DISTINCT) is one node; UNION may
  // have any number of operands, INTERSECT and EXCEPT exactly two.
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;  // UNION ALL etc.
  std::vector<SelectPtr> operands;

  std::vector<OrderItem> order_by;
  ExprPtr limit;  // null: none
  ExprPtr offset_expr;
  // Locking read: FOR UPDATE (exclusive), FOR SHARE / LOCK IN SHARE MODE
  // (shared), with NOWAIT or SKIP LOCKED. It applies to every table the
  // statement reads (an OF list is accepted and locks all of them too).
  LockMode lock = LockMode::kNone;
  LockWait lock_wait = LockWait::kWait;
};

// ---------------------------------------------------------------- statements

enum class StmtKind : uint8_t {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kCreateDatabase,
  kDropDatabase,
  kCreateTable,
  kDropTable,
  kTruncate,
  kAlterTable,
  kCreateIndex,
  kDropIndex,
  kCreateView,
  kDropView,
  kShow,
  kUse,
  kSet,
  kTransaction,
  kXa,
  kExplain,
  kCreateUser,
  kDropUser,
  kAlterUser,
  kRenameUser,
  kSetPassword,
  kGrant,
  kRevoke,
  kFlush,
  kCreateTrigger,
  kDropTrigger,
  kKill,
  kCreateRole,
  kDropRole,
  kSetRole,         // SET ROLE: the session's active roles
  kSetDefaultRole,  // SET DEFAULT ROLE ... TO users
  kRenameTable,
  kLockTables,
  kUnlockTables,
};

struct Statement {
  explicit Statement(StmtKind k) : kind(k) {}
  virtual ~Statement() = default;
  const StmtKind kind;
  uint32_t param_count = 0;  // number of ? placeholders
};
using StmtPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  SelectStatement() : Statement(StmtKind::kSelect) {}
  SelectPtr query;
};

struct QualifiedName {
  std::string schema;  // empty: the current schema
  std::string name;
};

struct InsertStatement : Statement {
  InsertStatement() : Statement(StmtKind::kInsert) {}
  bool replace = false;
  bool ignore = false;
  QualifiedName table;
  std::vector<std::string> columns;        // empty: all, in table order
  std::vector<std::vector<ExprPtr>> rows;  // VALUES
  SelectPtr select;                        // INSERT ... SELECT
  std::vector<std::pair<std::string, ExprPtr>> on_duplicate;  // col = expr
};

struct Assignment {
  std::string table;  // optional qualifier
  std::string column;
  ExprPtr value;
};

struct UpdateStatement : Statement {
  UpdateStatement() : Statement(StmtKind::kUpdate) {}
  TableRefPtr table;
  std::vector<Assignment> set;
  ExprPtr where;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
};

struct DeleteStatement : Statement {
  DeleteStatement() : Statement(StmtKind::kDelete) {}
  QualifiedName table;
  std::string alias;
  ExprPtr where;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
};

struct DatabaseStatement : Statement {  // CREATE / DROP DATABASE
  explicit DatabaseStatement(StmtKind k) : Statement(k) {}
  std::string name;
  bool if_exists = false;  // DROP ... IF EXISTS / CREATE ... IF NOT EXISTS
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool explicit_null = false;
  ExprPtr default_value;
  bool auto_increment = false;
  bool primary_key = false;
  bool unique = false;
  std::string comment;
  ExprPtr on_update;  // ON UPDATE CURRENT_TIMESTAMP
};

struct IndexDef {
  enum class Kind : uint8_t { kPrimary, kUnique, kIndex };
  Kind kind = Kind::kIndex;
  // GLOBAL: kept by a compute node as a global index even when not unique
  // (cn/README.md "global indexes"); one node treats it as any index.
  bool global = false;
  std::string name;                // empty: derived later
  std::vector<OrderItem> columns;  // expr is a kColumn; DESC kept
};

// [CONSTRAINT name] FOREIGN KEY [index] (columns) REFERENCES table
// (columns) [ON DELETE action] [ON UPDATE action]. NO ACTION is what an
// unstated action means (InnoDB treats it as RESTRICT).
enum class ForeignKeyAction : uint8_t {
  kNoAction,
  kRestrict,
  kCascade,
  kSetNull,
  kSetDefault,
};

struct ForeignKeyDef {
  std::string name;        // the constraint's; empty: derived later
  std::string index_name;  // FOREIGN KEY index_name (...)
  std::vector<std::string> columns;
  QualifiedName ref_table;
  std::vector<std::string> ref_columns;
  ForeignKeyAction on_delete = ForeignKeyAction::kNoAction;
  ForeignKeyAction on_update = ForeignKeyAction::kNoAction;
};

struct PartitionSpec {
  enum class Kind : uint8_t { kNone, kHash, kKey, kBroadcast, kSingle };
  Kind kind = Kind::kNone;
  std::vector<std::string> columns;
  int64_t partitions = 0;  // 0: not given
};

struct CreateTableStatement : Statement {
  CreateTableStatement() : Statement(StmtKind::kCreateTable) {}
  QualifiedName table;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<IndexDef> indexes;
  std::vector<ForeignKeyDef> foreign_keys;
  PartitionSpec partition;
  SelectPtr as_select;  // CREATE TABLE ... AS SELECT
  QualifiedName like;   // CREATE TABLE ... LIKE other (name empty: none)
};

struct DropTableStatement : Statement {
  DropTableStatement() : Statement(StmtKind::kDropTable) {}
  std::vector<QualifiedName> tables;
  bool if_exists = false;
};

struct TruncateStatement : Statement {
  TruncateStatement() : Statement(StmtKind::kTruncate) {}
  QualifiedName table;
};

// RENAME TABLE a TO b [, c TO d ...]: done in order, all or nothing.
struct RenameTableStatement : Statement {
  RenameTableStatement() : Statement(StmtKind::kRenameTable) {}
  std::vector<std::pair<QualifiedName, QualifiedName>> renames;
};

// LOCK TABLES t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE}, ...;
// UNLOCK TABLES has no items.
struct LockTablesStatement : Statement {
  explicit LockTablesStatement(StmtKind k) : Statement(k) {}
  struct Item {
    QualifiedName table;
    std::string alias;
    bool write = false;
  };
  std::vector<Item> items;
};

struct AlterAction {
  enum class Kind : uint8_t {
    kAddColumn,
    kDropColumn,
    kAddIndex,
    kDropIndex,
    kModifyColumn,    // MODIFY [COLUMN] def
    kChangeColumn,    // CHANGE [COLUMN] old def
    kRenameColumn,    // RENAME COLUMN old TO new
    kRenameTable,     // RENAME [TO | AS] to (after the other actions)
    kAddForeignKey,   // ADD [CONSTRAINT [name]] FOREIGN KEY ...
    kDropForeignKey,  // DROP FOREIGN KEY name
  };
  Kind kind = Kind::kAddColumn;
  ColumnDef column;  // kAddColumn / kModifyColumn / kChangeColumn
  // kDropColumn / kDropIndex / kDropForeignKey: what goes; kChangeColumn /
  // kRenameColumn: the column's current name.
  std::string name;
  std::string new_name;       // kRenameColumn
  QualifiedName to;           // kRenameTable
  IndexDef index;             // kAddIndex
  ForeignKeyDef foreign_key;  // kAddForeignKey
  // ADD / MODIFY / CHANGE: FIRST, or AFTER `after`; neither: last (ADD) or
  // where it is (MODIFY / CHANGE).
  bool first = false;
  std::string after;
};

struct AlterTableStatement : Statement {
  AlterTableStatement() : Statement(StmtKind::kAlterTable) {}
  QualifiedName table;
  std::vector<AlterAction> actions;
};

struct CreateIndexStatement : Statement {
  CreateIndexStatement() : Statement(StmtKind::kCreateIndex) {}
  IndexDef index;
  QualifiedName table;
};

struct DropIndexStatement : Statement {
  DropIndexStatement() : Statement(StmtKind::kDropIndex) {}
  std::string name;
  QualifiedName table;
};

struct CreateViewStatement : Statement {
  CreateViewStatement() : Statement(StmtKind::kCreateView) {}
  bool or_replace = false;
  QualifiedName view;
  std::vector<std::string> columns;
  SelectPtr query;
};

struct DropViewStatement : Statement {
  DropViewStatement() : Statement(StmtKind::kDropView) {}
  std::vector<QualifiedName> views;
  bool if_exists = false;
};

// One account of an account statement: 'user'@'host' and what it is
// identified by.
struct UserSpec {
  std::string user;
  std::string host = "%";   // 'user' alone means 'user'@'%'
  bool current = false;     // CURRENT_USER / USER(): the session's account
  bool identified = false;  // IDENTIFIED ...
  std::string plugin;       // IDENTIFIED WITH plugin; empty: the default
  std::string password;     // BY 'password', or AS 'verifier'
  bool hashed = false;      // AS: `password` is the plugin's stored form
};

struct ShowStatement : Statement {
  enum class What : uint8_t {
    kDatabases,
    kTables,
    kColumns,
    kCreateTable,
    kIndex,
    kVariables,
    kWarnings,
    kStatus,
    kProcesslist,
    kCreateView,
    kGrants,
    kRoutineStatus,  // SHOW {FUNCTION | PROCEDURE} STATUS: `routine` says
  };
  ShowStatement() : Statement(StmtKind::kShow) {}
  std::string routine;  // "FUNCTION" / "PROCEDURE"
  What what = What::kDatabases;
  bool full = false;
  QualifiedName table;   // COLUMNS / CREATE TABLE / INDEX
  std::string database;  // FROM db
  std::string like;      // LIKE 'pattern'
  ExprPtr where;
  std::optional<UserSpec> grants_for;  // SHOW GRANTS FOR account
  std::vector<UserSpec> grants_using;  // ... USING role [, role]
};

// KILL [CONNECTION | QUERY] id: a compute node's front end answers it (it
// knows the connections); an engine alone refuses it.
struct KillStatement : Statement {
  KillStatement() : Statement(StmtKind::kKill) {}
  bool query_only = false;  // KILL QUERY: the statement, not the connection
  int64_t id = 0;
};

struct UseStatement : Statement {
  UseStatement() : Statement(StmtKind::kUse) {}
  std::string database;
};

struct SetStatement : Statement {
  struct Item {
    enum class Scope : uint8_t { kSession, kGlobal, kUser };
    Scope scope = Scope::kSession;
    std::string name;  // lower case for system variables
    ExprPtr value;     // kColumn "ON"/"OFF"-style words arrive as kColumn
  };
  SetStatement() : Statement(StmtKind::kSet) {}
  std::vector<Item> items;
  bool names = false;  // SET NAMES charset [COLLATE c]
  std::string charset;
  std::string collation;
  bool transaction = false;  // SET [SESSION] TRANSACTION ...
  std::string transaction_text;
};

struct TransactionStatement : Statement {
  // kSavepoint: SAVEPOINT name; kRollbackTo: ROLLBACK TO [SAVEPOINT] name;
  // kRelease: RELEASE SAVEPOINT name.
  enum class Op : uint8_t {
    kBegin,
    kCommit,
    kRollback,
    kSavepoint,
    kRollbackTo,
    kRelease
  };
  TransactionStatement() : Statement(StmtKind::kTransaction) {}
  Op op = Op::kBegin;
  std::string savepoint;
  bool read_only = false;
  bool consistent_snapshot = false;
};

struct XaStatement : Statement {
  enum class Op : uint8_t {
    kStart,
    kEnd,
    kPrepare,
    kCommit,
    kRollback,
    kRecover
  };
  XaStatement() : Statement(StmtKind::kXa) {}
  Op op = Op::kStart;
  std::string gtrid;
  std::string bqual;
  int64_t format_id = 1;
  bool one_phase = false;
};

struct ExplainStatement : Statement {
  ExplainStatement() : Statement(StmtKind::kExplain) {}
  bool analyze = false;
  std::string format;  // TREE, JSON, TRADITIONAL; empty: default
  StmtPtr statement;
};

struct PrivilegeSpec {
  std::string name;                  // upper case; "ALL"
  std::vector<std::string> columns;  // (col, ...): column level
};

// CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, GRANT, REVOKE;
// CREATE / DROP ROLE (the roles in `users`), GRANT / REVOKE of roles (in
// `roles`, no privileges), SET ROLE, SET DEFAULT ROLE ... TO users, ALTER
// USER ... DEFAULT ROLE.
struct AccountStatement : Statement {
  // Which roles SET ROLE / DEFAULT ROLE name: `roles` (kList), none, the
  // account's default ones (SET ROLE DEFAULT), every granted one, or every
  // granted one but `roles`.
  enum class RoleSet : uint8_t { kList, kNone, kDefault, kAll, kAllExcept };
  explicit AccountStatement(StmtKind k) : Statement(k) {}
  std::vector<UserSpec> users;
  std::vector<UserSpec> rename_to;  // RENAME USER users[i] TO rename_to[i]
  bool if_exists = false;           // IF [NOT] EXISTS
  std::vector<PrivilegeSpec> privileges;  // GRANT / REVOKE
  QualifiedName on;                       // *.* : schema "*"; db.* : name "*"
  bool grant_option = false;  // WITH GRANT OPTION / REVOKE ... GRANT OPTION
  int lock = -1;              // ACCOUNT LOCK (1) / UNLOCK (0)
  int expire = -1;            // PASSWORD EXPIRE (1) / NEVER or DEFAULT (0)
  int require_ssl = -1;       // REQUIRE SSL (1) / REQUIRE NONE (0)
  std::vector<UserSpec> roles;
  RoleSet role_set = RoleSet::kList;
  bool default_role = false;  // ALTER USER ... DEFAULT ROLE
  bool admin_option = false;  // GRANT role ... WITH ADMIN OPTION
};

// FLUSH PRIVILEGES / TABLES / ... (accepted; nothing to flush).
struct FlushStatement : Statement {
  FlushStatement() : Statement(StmtKind::kFlush) {}
  std::string what;
};

struct TriggerStatement : Statement {  // CREATE / DROP TRIGGER
  explicit TriggerStatement(StmtKind k) : Statement(k) {}
  QualifiedName trigger;
  bool if_exists = false;  // DROP ... IF EXISTS / CREATE ... IF NOT EXISTS
  bool before = false;     // BEFORE (else AFTER)
  std::string event;       // INSERT, UPDATE, DELETE
  QualifiedName table;
  std::string body;         // source text of the body; "BEGIN END" when empty
  bool empty_body = false;  // BEGIN END with nothing inside
};

// Whether `e` (null: no) holds a subquery anywhere (IN / EXISTS / scalar /
// ANY / ALL). Iterative: long flat expressions are fine.
bool HasSubquery(const Expr* e);

}  // namespace xp::sql
