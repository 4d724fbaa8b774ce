// The SQL parser's class, shared by the files that parse each family of
// statements (internal to plan/sql; the interface is parser.h):
//   parser.cc           entry points, the statement dispatcher, SHOW / SET /
//                       transactions / XA / EXPLAIN
//   parser_dml.cc       INSERT / REPLACE, UPDATE, DELETE
//   parser_ddl.cc       CREATE / DROP / ALTER of databases, tables, indexes,
//                       views and triggers; column types
//   parser_accounts.cc  accounts, roles, GRANT / REVOKE, SET PASSWORD
//   parser_query.cc     query expressions: SELECT blocks, set operations,
//                       FROM clauses, ORDER BY / LIMIT
//   parser_expr.cc      scalar expressions and function calls
// Recursive descent over the lexer's tokens; every recursion passes a
// DepthGuard (kMaxParseDepth, kMaxParseStackBytes) and long flat lists are
// loops.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/sql_errors.h"
#include "plan/sql/lexer.h"
#include "plan/sql/parser.h"

namespace xp::sql::parser_internal {

inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Words that cannot be used as unquoted identifiers or aliases (the subset of
// MySQL 8's reserved words this grammar relies on).
bool IsReserved(std::string_view upper);

struct UnitName {
  std::string_view name;
  IntervalUnit unit;
};
inline constexpr std::array<UnitName, 20> kUnits = {{
    {"MICROSECOND", IntervalUnit::kMicrosecond},
    {"SECOND", IntervalUnit::kSecond},
    {"MINUTE", IntervalUnit::kMinute},
    {"HOUR", IntervalUnit::kHour},
    {"DAY", IntervalUnit::kDay},
    {"WEEK", IntervalUnit::kWeek},
    {"MONTH", IntervalUnit::kMonth},
    {"QUARTER", IntervalUnit::kQuarter},
    {"YEAR", IntervalUnit::kYear},
    {"SECOND_MICROSECOND", IntervalUnit::kSecondMicrosecond},
    {"MINUTE_MICROSECOND", IntervalUnit::kMinuteMicrosecond},
    {"MINUTE_SECOND", IntervalUnit::kMinuteSecond},
    {"HOUR_MICROSECOND", IntervalUnit::kHourMicrosecond},
    {"HOUR_SECOND", IntervalUnit::kHourSecond},
    {"HOUR_MINUTE", IntervalUnit::kHourMinute},
    {"DAY_MICROSECOND", IntervalUnit::kDayMicrosecond},
    {"DAY_SECOND", IntervalUnit::kDaySecond},
    {"DAY_MINUTE", IntervalUnit::kDayMinute},
    {"DAY_HOUR", IntervalUnit::kDayHour},
    {"YEAR_MONTH", IntervalUnit::kYearMonth},
}};

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens)
      : sql_(sql),
        toks_(std::move(tokens)),
        stack_base_(reinterpret_cast<uintptr_t>(__builtin_frame_address(0))) {}

  Result<StmtPtr> Statement() {
    XP_ASSIGN_OR_RETURN(StmtPtr stmt, ParseStatement());
    stmt->param_count = static_cast<uint32_t>(params_);
    return stmt;
  }

  // After a statement: true at the end of input (consuming one ';').
  bool AtStatementEnd() {
    while (Peek().IsOp(";")) ++pos_;
    return Peek().Is(TokenKind::kEnd);
  }
  bool AcceptSemicolon() { return AcceptOp(";"); }
  bool AtEnd() const { return toks_[pos_].kind == TokenKind::kEnd; }
  void ResetParams() { params_ = 0; }
  Status ErrorHere() const { return Error(); }

 private:
  // ------------------------------------------------------------ tokens
  const Token& Peek(size_t k = 0) const {
    size_t i = std::min(pos_ + k, toks_.size() - 1);
    return toks_[i];
  }
  const Token& Take() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool PeekWord(std::string_view w, size_t k = 0) const {
    return Peek(k).IsWord(w);
  }
  bool AcceptWord(std::string_view w) {
    if (!Peek().IsWord(w)) return false;
    ++pos_;
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!Peek().IsOp(op)) return false;
    ++pos_;
    return true;
  }
  Status Error() const {
    const Token& t = Peek();
    return SyntaxErrorAt(sql_, t.offset, t.line);
  }
  // MySQL's ER_STACK_OVERRUN_NEED_MORE, for nesting beyond the limits.
  static Status TooDeep() {
    return SqlError(ER_STACK_OVERRUN_NEED_MORE,
                    "Thread stack overrun: the statement nests deeper than the "
                    "parser allows");
  }
  Status ExpectWord(std::string_view w) {
    return AcceptWord(w) ? Status::OK() : Error();
  }
  Status ExpectOp(std::string_view op) {
    return AcceptOp(op) ? Status::OK() : Error();
  }

  // An identifier: unreserved word or `quoted`.
  bool PeekIdent(size_t k = 0) const {
    const Token& t = Peek(k);
    return t.Is(TokenKind::kQuotedIdent) ||
           (t.Is(TokenKind::kIdent) && !IsReserved(Upper(t.text)));
  }
  Result<std::string> Ident() {
    const Token& t = Peek();
    if (t.Is(TokenKind::kQuotedIdent)) {
      ++pos_;
      return t.value;
    }
    if (t.Is(TokenKind::kIdent) && !IsReserved(Upper(t.text))) {
      ++pos_;
      return std::string(t.text);
    }
    return Error();
  }
  // Any word, reserved or not, quoted or not; with `strings` a string
  // literal too.
  Result<std::string> AnyWord(bool strings) {
    const Token& t = Peek();
    if (t.Is(TokenKind::kQuotedIdent) ||
        (strings && t.Is(TokenKind::kString))) {
      ++pos_;
      return t.value;
    }
    if (t.Is(TokenKind::kIdent)) {
      ++pos_;
      return std::string(t.text);
    }
    return Error();
  }
  // After '.', where MySQL allows keywords.
  Result<std::string> AnyIdent() { return AnyWord(false); }
  Result<QualifiedName> QualName() {
    QualifiedName q;
    XP_SET_OR_RETURN(q.name, Ident());
    if (AcceptOp(".")) {
      q.schema = std::move(q.name);
      XP_SET_OR_RETURN(q.name, AnyIdent());
    }
    return q;
  }
  // An optional "IF EXISTS"; true when present.
  Result<bool> IfExists() {
    if (!AcceptWord("IF")) return false;
    XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    return true;
  }
  // name [, name ...] [RESTRICT | CASCADE] (DROP TABLE / DROP VIEW).
  Result<std::vector<QualifiedName>> DropNameList() {
    std::vector<QualifiedName> out;
    do {
      XP_ASSIGN_OR_RETURN(QualifiedName q, QualName());
      out.push_back(std::move(q));
    } while (AcceptOp(","));
    AcceptWord("RESTRICT") || AcceptWord("CASCADE");
    return out;
  }
  Result<std::vector<std::string>> IdentList() {
    std::vector<std::string> out;
    do {
      XP_ASSIGN_OR_RETURN(std::string s, Ident());
      out.push_back(std::move(s));
    } while (AcceptOp(","));
    return out;
  }
  Result<std::vector<std::string>> ParenIdentList() {
    XP_RETURN_IF_ERROR(ExpectOp("("));
    XP_ASSIGN_OR_RETURN(auto out, IdentList());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return out;
  }
  Result<std::string> StringLit() {
    const Token& t = Peek();
    if (!t.Is(TokenKind::kString)) return Error();
    ++pos_;
    return t.value;
  }
  Result<int64_t> IntLit() {
    const Token& t = Peek();
    if (!t.Is(TokenKind::kInteger) || t.text.size() > 18) return Error();
    ++pos_;
    return std::stoll(std::string(t.text));
  }
  // A name that may be quoted with any quote char or be a plain word:
  // 'user'@'host', charset names, xids.
  Result<std::string> NameOrString() { return AnyWord(true); }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) { ++p_->depth_; }
    ~DepthGuard() { --p_->depth_; }
    bool exceeded() const {
      const uintptr_t here =
          reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
      const uintptr_t used = here > p_->stack_base_ ? here - p_->stack_base_
                                                    : p_->stack_base_ - here;
      return p_->depth_ > kMaxParseDepth || used > kMaxParseStackBytes;
    }

   private:
    Parser* p_;
  };

  // A left-deep chain (joins, set operations) built by a loop: each step
  // adds one level to the tree, counted in depth_ until the chain ends.
  class ChainDepth {
   public:
    explicit ChainDepth(Parser* p) : p_(p), base_(p->depth_) {}
    ~ChainDepth() { p_->depth_ = base_; }
    bool Step() { return ++p_->depth_ <= kMaxParseDepth; }

   private:
    Parser* p_;
    int base_;
  };
  ExprPtr NewExpr(ExprKind k, uint32_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->offset = offset;
    return e;
  }
  ExprPtr Binary(BinaryOp op, ExprPtr a, ExprPtr b) {
    auto e = NewExpr(ExprKind::kBinary, a->offset);
    e->bop = op;
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  // ------------------------------------------------------------ statements
  Result<StmtPtr> ParseStatement();
  Result<StmtPtr> Insert();
  Result<std::vector<Assignment>> Assignments();
  Status OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit);
  Result<StmtPtr> Update();
  Result<StmtPtr> Delete();
  Result<StmtPtr> Create();

  // CREATE [DEFINER=..] TRIGGER [IF NOT EXISTS] name {BEFORE|AFTER}
  // {INSERT|UPDATE|DELETE} ON tbl FOR EACH ROW [{FOLLOWS|PRECEDES} other]
  // body. The body is kept as source text (the rest of the statement).
  Result<StmtPtr> CreateTrigger();

  // account := 'user'[@'host'] | CURRENT_USER[()] | USER()
  Result<UserSpec> Account();
  // An optional IF EXISTS (with `create`: IF NOT EXISTS); true when present.
  Result<bool> IfExistsClause(bool create);
  // account [, account ...]
  Result<std::vector<UserSpec>> AccountList();
  // {CREATE ROLE [IF NOT EXISTS] | DROP ROLE [IF EXISTS]} role [, role]
  Result<StmtPtr> RoleStatement(StmtKind kind);
  // NONE | ALL [EXCEPT roles] | DEFAULT (with `allow_default`) | roles
  Status Roles(AccountStatement* s, bool allow_default);
  // SET ROLE {DEFAULT | NONE | ALL [EXCEPT roles] | roles}
  Result<StmtPtr> SetRole();
  // SET DEFAULT ROLE {NONE | ALL | roles} TO account [, account]
  Result<StmtPtr> SetDefaultRole();

  // [IDENTIFIED {BY 'pw' | WITH plugin [BY 'pw' | AS 'verifier']}]
  Status AuthOption(UserSpec* u);

  // {CREATE | ALTER} USER [IF [NOT] EXISTS] account [auth] [, ...]
  //   [REQUIRE NONE] [WITH resource options] [ACCOUNT {LOCK | UNLOCK}]
  //   [PASSWORD EXPIRE [DEFAULT | NEVER | INTERVAL n DAY]]
  Result<StmtPtr> UserStatement(StmtKind kind);
  Result<std::vector<OrderItem>> IndexColumns();

  // Skips table/database options: ENGINE=x, DEFAULT CHARSET=y, COMMENT='..',
  // AUTO_INCREMENT=5 ... (accepted and ignored). Stops at ';', end, or a word
  // that starts something else.
  void SkipTableOptions(PartitionSpec* partition = nullptr);
  Result<StmtPtr> CreateTable(bool temporary);
  Status TableElement(CreateTableStatement* s);
  // REFERENCES table [(columns)] [MATCH ...] [ON DELETE | UPDATE action]...
  Status References(ForeignKeyDef* fk);
  Status ColumnDefinition(ColumnDef* col);

  // Column and CAST types.
  Result<TypeName> Type(bool cast);
  Result<StmtPtr> Drop();
  Result<StmtPtr> Alter();
  // [FIRST | AFTER col] after a column definition in ALTER TABLE.
  Status ColumnPlace(AlterAction* a);
  Result<StmtPtr> Show();
  Result<StmtPtr> Set();
  Result<StmtPtr> Transaction();
  Result<StmtPtr> Xa();
  Result<StmtPtr> Explain();
  Result<StmtPtr> GrantRevoke();

  // RENAME USER a TO b [, c TO d]
  Result<StmtPtr> RenameUser();

  // SET PASSWORD [FOR account] = 'password'
  Result<StmtPtr> SetPassword();

  // ------------------------------------------------------------ queries
  // query_expr := [WITH ctes] union_expr [ORDER BY ...] [LIMIT ...]
  Result<SelectPtr> QueryExpr();

  // { FOR {UPDATE | SHARE} [OF t [, t]...] [NOWAIT | SKIP LOCKED]
  //   | LOCK IN SHARE MODE }...: the strongest mode wins.
  Status LockingClauses(SelectStmt* q);
  SelectPtr WrapAsDerived(SelectPtr q);
  Status OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit,
                    ExprPtr* offset);
  Result<ExprPtr> LimitValue();
  Result<std::vector<OrderItem>> OrderList();

  // UNION and EXCEPT bind looser than INTERSECT (MySQL 8.0.31+). Set
  // operations associate left; a run of UNIONs with the same ALL /
  // DISTINCT becomes one node with a list of operands (so 5,000 UNION ALLs
  // are a flat list), and every other step to the left-deep tree counts
  // against the nesting budget while the chain is parsed.
  Result<SelectPtr> UnionExpr();
  Result<SelectPtr> IntersectExpr();

  // After the operator word: [ALL | DISTINCT] operand, joined to `left`.
  // REQUIRES: the caller holds a ChainDepth for its chain.
  Result<SelectPtr> SetOp(SetOpKind op, SelectPtr left, bool intersect);
  Result<SelectPtr> QueryPrimary();
  Result<SelectPtr> SelectBlock();

  // After AS any identifier or string works; without AS an unreserved one.
  Result<std::string> Alias(bool after_as);
  Result<ExprPtr> SelectExpr();

  // table_refs := table_ref { ',' table_ref }   (comma = CROSS JOIN)
  // Joins associate left and are built by loops; each step counts against
  // the nesting budget (MySQL's 61-table limit, 1116, is the binder's).
  Result<TableRefPtr> TableRefs();
  Result<TableRefPtr> JoinedTable();
  Result<TableRefPtr> TableFactor();

  // After '(' of a derived table: query ')' [AS] alias [(columns)].
  Status DerivedTable(TableRef* t);

  // Just after an opening parenthesis: does a query expression start here
  // (rather than an expression or a join that merely begins with a
  // parenthesised query)? Decided by looking ahead, never by backtracking,
  // so parsing stays linear: "(SELECT" is a query; "((SELECT ...) X" is one
  // only when X continues a query expression (a set operation, ORDER BY,
  // LIMIT) or closes the outer parenthesis.
  bool QueryStartsHere() const;

  // ------------------------------------------------------------ expressions
  // Every expression tree is rooted at a call of this (or of
  // CheckedUnary): the tree's height plus the nesting around it must fit
  // the budget, so every later walk over it (binder, passes, serde,
  // evaluator, printers) is bounded by kMaxParseDepth. Left-associative
  // chains (a + b + c ...) are built by loops, not recursion, so this is
  // where their length is checked.
  Result<ExprPtr> Expression();
  Result<ExprPtr> CheckedUnary();
  Result<ExprPtr> CheckHeight(ExprPtr e);

  // The height of `root`'s tree, computed without recursion and memoized in
  // Expr::height (subtrees checked by an inner Expression() are not walked
  // again, so checking every level costs linear time).
  static uint32_t Height(Expr* root);

  // a OR b OR c is one node with three operands (as AND): a long chain is
  // a flat list, never a deep tree. `word` / `op` spell the operator,
  // `next` parses an operand.
  Result<ExprPtr> Chain(const char* word, const char* op, BinaryOp bop,
                        Result<ExprPtr> (Parser::*next)());
  Result<ExprPtr> Or();
  Result<ExprPtr> Xor();
  Result<ExprPtr> And();
  Result<ExprPtr> Not();
  static bool ComparisonOp(const Token& t, BinaryOp* op);

  // Comparison level: IS, [NOT] IN / BETWEEN / LIKE / REGEXP, =, <, ...
  Result<ExprPtr> Predicate();

  // Binary operators between the comparison level and the unary level, one
  // precedence level each, loosest first: | & << >> + - * / DIV % MOD ^.
  static constexpr int kBitExprLevels = 6;
  struct BitExprOperator {
    int level;
    const char* op;    // punctuation, or
    const char* word;  // a keyword
    BinaryOp bop;
  };
  static constexpr BitExprOperator kBitExprOperators[] = {
      {0, "|", nullptr, BinaryOp::kBitOr},
      {1, "&", nullptr, BinaryOp::kBitAnd},
      {2, "<<", nullptr, BinaryOp::kShiftLeft},
      {2, ">>", nullptr, BinaryOp::kShiftRight},
      {3, "+", nullptr, BinaryOp::kAdd},
      {3, "-", nullptr, BinaryOp::kSub},
      {4, "*", nullptr, BinaryOp::kMul},
      {4, "/", nullptr, BinaryOp::kDiv},
      {4, "%", nullptr, BinaryOp::kMod},
      {4, nullptr, "MOD", BinaryOp::kMod},
      {4, nullptr, "DIV", BinaryOp::kIntDiv},
      {5, "^", nullptr, BinaryOp::kBitXor},
  };
  bool MatchBitExprOp(int level, BinaryOp* op) const;

  // Left-associative binary operators at `level` and tighter.
  Result<ExprPtr> BitExpr(int level = 0);
  Result<ExprPtr> Unary();
  Result<ExprPtr> Collate();
  Result<IntervalUnit> Unit();
  Result<ExprPtr> Literal(LiteralKind k, const Token& t, std::string text);
  Result<ExprPtr> Primary();
  Result<ExprPtr> Parenthesized();
  Result<ExprPtr> WordPrimary();
  Result<ExprPtr> Case();

  // name(...) with MySQL's special argument syntaxes.
  Result<ExprPtr> Function(const std::string& name);
  std::string_view sql_;
  // sql_[from, to) without the whitespace around it, at most 256 bytes.
  std::string WrittenText(uint32_t from, uint32_t to) const {
    if (from >= to || to > sql_.size()) return "";
    std::string_view t = sql_.substr(from, to - from);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
      t.remove_suffix(1);
    return std::string(t.substr(0, 256));
  }
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  int params_ = 0;
  const uintptr_t stack_base_;
};

}  // namespace xp::sql::parser_internal
