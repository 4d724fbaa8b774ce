#include "plan/sql/parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_set>

#include "codec/sql_errors.h"
#include "plan/sql/lexer.h"
#include "plan/sql/printer.h"

namespace xp::sql {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Words that cannot be used as unquoted identifiers or aliases (the subset of
// MySQL 8's reserved words this grammar relies on).
bool IsReserved(std::string_view upper) {
  static const std::unordered_set<std::string_view> kReserved = {
      "ADD",
      "ALL",
      "ALTER",
      "AND",
      "AS",
      "ASC",
      "BETWEEN",
      "BINARY",
      "BOTH",
      "BY",
      "CASE",
      "CHECK",
      "COLLATE",
      "COLUMN",
      "CONSTRAINT",
      "CONVERT",
      "CREATE",
      "CROSS",
      "CURRENT_DATE",
      "CURRENT_TIME",
      "CURRENT_TIMESTAMP",
      "CURRENT_USER",
      "DATABASE",
      "DATABASES",
      "DEFAULT",
      "DELETE",
      "DESC",
      "DISTINCT",
      "DIV",
      "DROP",
      "DUAL",
      "ELSE",
      "EXCEPT",
      "EXISTS",
      "EXPLAIN",
      "FALSE",
      "FOR",
      "FOREIGN",
      "FROM",
      "FULLTEXT",
      "GRANT",
      "GROUP",
      "HAVING",
      "IF",
      "IGNORE",
      "IN",
      "INDEX",
      "INNER",
      "INSERT",
      "INTERSECT",
      "INTERVAL",
      "INTO",
      "IS",
      "JOIN",
      "KEY",
      "KEYS",
      "KILL",
      "LEADING",
      "LEFT",
      "LIKE",
      "LIMIT",
      "LOCK",
      "MOD",
      "NATURAL",
      "NOT",
      "NULL",
      "ON",
      "OR",
      "ORDER",
      "OUTER",
      "PRIMARY",
      "REFERENCES",
      "REGEXP",
      "RENAME",
      "REPLACE",
      "REVOKE",
      "RIGHT",
      "RLIKE",
      "SCHEMA",
      "SELECT",
      "SET",
      "SHOW",
      "STRAIGHT_JOIN",
      "TABLE",
      "THEN",
      "TO",
      "TRAILING",
      "TRUE",
      "UNION",
      "UNIQUE",
      "UNSIGNED",
      "UPDATE",
      "USE",
      "USING",
      "VALUES",
      "WHEN",
      "WHERE",
      "WITH",
      "XOR",
  };
  return kReserved.count(upper) > 0;
}

struct UnitName {
  std::string_view name;
  IntervalUnit unit;
};
constexpr std::array<UnitName, 20> kUnits = {{
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
  Result<StmtPtr> ParseStatement() {
    const Token& t = Peek();
    if (t.IsWord("SELECT") || t.IsWord("WITH") || t.IsOp("(")) {
      auto s = std::make_unique<SelectStatement>();
      XP_SET_OR_RETURN(s->query, QueryExpr());
      return StmtPtr(std::move(s));
    }
    if (t.IsWord("INSERT") || t.IsWord("REPLACE")) return Insert();
    if (t.IsWord("UPDATE")) return Update();
    if (t.IsWord("DELETE")) return Delete();
    if (t.IsWord("CREATE")) return Create();
    if (t.IsWord("DROP")) return Drop();
    if (t.IsWord("TRUNCATE")) {
      ++pos_;
      AcceptWord("TABLE");
      auto s = std::make_unique<TruncateStatement>();
      XP_SET_OR_RETURN(s->table, QualName());
      return StmtPtr(std::move(s));
    }
    if (t.IsWord("ALTER")) return Alter();
    if (t.IsWord("SHOW")) return Show();
    if (t.IsWord("DESCRIBE") || t.IsWord("DESC")) {
      // DESCRIBE t == SHOW COLUMNS FROM t; DESCRIBE SELECT == EXPLAIN.
      if (Peek(1).IsWord("SELECT") || Peek(1).IsWord("WITH")) return Explain();
      ++pos_;
      auto s = std::make_unique<ShowStatement>();
      s->what = ShowStatement::What::kColumns;
      XP_SET_OR_RETURN(s->table, QualName());
      return StmtPtr(std::move(s));
    }
    if (t.IsWord("USE")) {
      ++pos_;
      auto s = std::make_unique<UseStatement>();
      XP_SET_OR_RETURN(s->database, Ident());
      return StmtPtr(std::move(s));
    }
    if (t.IsWord("SET")) return Set();
    if (t.IsWord("BEGIN") || t.IsWord("START") || t.IsWord("COMMIT") ||
        t.IsWord("ROLLBACK") || t.IsWord("SAVEPOINT") || t.IsWord("RELEASE")) {
      return Transaction();
    }
    if (t.IsWord("XA")) return Xa();
    if (t.IsWord("KILL")) {
      ++pos_;
      auto s = std::make_unique<KillStatement>();
      s->query_only = AcceptWord("QUERY");
      if (!s->query_only) AcceptWord("CONNECTION");
      XP_SET_OR_RETURN(s->id, IntLit());
      return StmtPtr(std::move(s));
    }
    if (t.IsWord("EXPLAIN")) return Explain();
    if (t.IsWord("GRANT") || t.IsWord("REVOKE")) return GrantRevoke();
    if (t.IsWord("RENAME") && PeekWord("USER", 1)) {
      pos_ += 2;
      return RenameUser();
    }
    if (t.IsWord("FLUSH")) {
      ++pos_;
      auto s = std::make_unique<FlushStatement>();
      AcceptWord("LOCAL") || AcceptWord("NO_WRITE_TO_BINLOG");
      XP_ASSIGN_OR_RETURN(std::string what, AnyIdent());
      s->what = Upper(what);
      return StmtPtr(std::move(s));
    }
    return Error();
  }

  Result<StmtPtr> Insert() {
    auto s = std::make_unique<InsertStatement>();
    s->replace = Take().IsWord("REPLACE");
    AcceptWord("LOW_PRIORITY") || AcceptWord("DELAYED") ||
        AcceptWord("HIGH_PRIORITY");
    s->ignore = AcceptWord("IGNORE");
    AcceptWord("INTO");
    XP_SET_OR_RETURN(s->table, QualName());
    if (Peek().IsOp("(") &&
        !(Peek(1).IsWord("SELECT") || Peek(1).IsWord("WITH"))) {
      ++pos_;
      if (!AcceptOp(")")) {
        XP_SET_OR_RETURN(s->columns, IdentList());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
      }
    }
    if (AcceptWord("VALUES") || AcceptWord("VALUE")) {
      do {
        AcceptWord("ROW");
        XP_RETURN_IF_ERROR(ExpectOp("("));
        std::vector<ExprPtr> row;
        if (!Peek().IsOp(")")) {
          do {
            XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
            row.push_back(std::move(e));
          } while (AcceptOp(","));
        }
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        s->rows.push_back(std::move(row));
      } while (AcceptOp(","));
    } else if (AcceptWord("SET")) {
      // INSERT ... SET a = 1, b = 2
      std::vector<ExprPtr> row;
      do {
        XP_ASSIGN_OR_RETURN(std::string col, Ident());
        if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
        XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
        s->columns.push_back(std::move(col));
        row.push_back(std::move(e));
      } while (AcceptOp(","));
      s->rows.push_back(std::move(row));
    } else if (Peek().IsWord("SELECT") || Peek().IsWord("WITH") ||
               Peek().IsOp("(")) {
      XP_SET_OR_RETURN(s->select, QueryExpr());
    } else {
      return Error();
    }
    if (AcceptWord("ON")) {
      XP_RETURN_IF_ERROR(ExpectWord("DUPLICATE"));
      XP_RETURN_IF_ERROR(ExpectWord("KEY"));
      XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
      do {
        XP_ASSIGN_OR_RETURN(std::string col, Ident());
        if (AcceptOp(".")) XP_SET_OR_RETURN(col, AnyIdent());
        if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
        XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
        s->on_duplicate.emplace_back(std::move(col), std::move(e));
      } while (AcceptOp(","));
    }
    return StmtPtr(std::move(s));
  }

  Result<std::vector<Assignment>> Assignments() {
    std::vector<Assignment> out;
    do {
      Assignment a;
      XP_SET_OR_RETURN(a.column, Ident());
      if (AcceptOp(".")) {
        a.table = std::move(a.column);
        XP_SET_OR_RETURN(a.column, AnyIdent());
      }
      if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
      XP_SET_OR_RETURN(a.value, Expression());
      out.push_back(std::move(a));
    } while (AcceptOp(","));
    return out;
  }

  Status OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit) {
    if (AcceptWord("ORDER")) {
      XP_RETURN_IF_ERROR(ExpectWord("BY"));
      XP_SET_OR_RETURN(*order, OrderList());
    }
    if (AcceptWord("LIMIT")) {
      XP_SET_OR_RETURN(*limit, LimitValue());
    }
    return Status::OK();
  }

  Result<StmtPtr> Update() {
    ++pos_;
    auto s = std::make_unique<UpdateStatement>();
    AcceptWord("LOW_PRIORITY");
    AcceptWord("IGNORE");
    XP_SET_OR_RETURN(s->table, TableRefs());
    XP_RETURN_IF_ERROR(ExpectWord("SET"));
    XP_SET_OR_RETURN(s->set, Assignments());
    if (AcceptWord("WHERE")) XP_SET_OR_RETURN(s->where, Expression());
    XP_RETURN_IF_ERROR(OrderLimit(&s->order_by, &s->limit));
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Delete() {
    ++pos_;
    auto s = std::make_unique<DeleteStatement>();
    AcceptWord("LOW_PRIORITY");
    AcceptWord("QUICK");
    AcceptWord("IGNORE");
    XP_RETURN_IF_ERROR(ExpectWord("FROM"));
    XP_SET_OR_RETURN(s->table, QualName());
    if (AcceptWord("AS")) {
      XP_SET_OR_RETURN(s->alias, Ident());
    } else if (PeekIdent()) {
      XP_SET_OR_RETURN(s->alias, Ident());
    }
    if (AcceptWord("WHERE")) XP_SET_OR_RETURN(s->where, Expression());
    XP_RETURN_IF_ERROR(OrderLimit(&s->order_by, &s->limit));
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Create() {
    ++pos_;
    const bool or_replace =
        AcceptWord("OR") ? (AcceptWord("REPLACE"), true) : false;
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
      auto s = std::make_unique<DatabaseStatement>(StmtKind::kCreateDatabase);
      if (AcceptWord("IF")) {
        XP_RETURN_IF_ERROR(ExpectWord("NOT"));
        XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
        s->if_exists = true;
      }
      XP_SET_OR_RETURN(s->name, Ident());
      SkipTableOptions();
      return StmtPtr(std::move(s));
    }
    const bool temporary = AcceptWord("TEMPORARY");
    if (AcceptWord("TABLE")) return CreateTable(temporary);
    // CREATE [UNIQUE] [GLOBAL] INDEX (GLOBAL before UNIQUE too).
    bool global = AcceptWord("GLOBAL");
    const bool unique = AcceptWord("UNIQUE");
    global = AcceptWord("GLOBAL") || global;
    if (global && !PeekWord("INDEX")) return Error();
    AcceptWord("FULLTEXT");
    if (AcceptWord("INDEX")) {
      auto s = std::make_unique<CreateIndexStatement>();
      s->index.kind = unique ? IndexDef::Kind::kUnique : IndexDef::Kind::kIndex;
      s->index.global = global;
      XP_SET_OR_RETURN(s->index.name, Ident());
      if (AcceptWord("USING")) Take();
      XP_RETURN_IF_ERROR(ExpectWord("ON"));
      XP_SET_OR_RETURN(s->table, QualName());
      XP_SET_OR_RETURN(s->index.columns, IndexColumns());
      SkipTableOptions();
      return StmtPtr(std::move(s));
    }
    if (unique) return Error();
    // CREATE [OR REPLACE] [ALGORITHM=..] [DEFINER=..] [SQL SECURITY ..] VIEW
    while (!PeekWord("VIEW") && !AtEnd() &&
           (PeekWord("ALGORITHM") || PeekWord("DEFINER") || PeekWord("SQL"))) {
      Take();
      if (AcceptOp("=")) Take();
      if (Peek().IsOp("@")) {
        Take();
        Take();
      }
      if (PeekWord("SECURITY")) {
        Take();
        Take();
      }
    }
    if (AcceptWord("VIEW")) {
      auto s = std::make_unique<CreateViewStatement>();
      s->or_replace = or_replace;
      XP_SET_OR_RETURN(s->view, QualName());
      if (Peek().IsOp("(")) XP_SET_OR_RETURN(s->columns, ParenIdentList());
      XP_RETURN_IF_ERROR(ExpectWord("AS"));
      XP_SET_OR_RETURN(s->query, QueryExpr());
      if (AcceptWord("WITH")) {  // WITH [CASCADED|LOCAL] CHECK OPTION
        AcceptWord("CASCADED") || AcceptWord("LOCAL");
        XP_RETURN_IF_ERROR(ExpectWord("CHECK"));
        XP_RETURN_IF_ERROR(ExpectWord("OPTION"));
      }
      return StmtPtr(std::move(s));
    }
    if (AcceptWord("TRIGGER")) return CreateTrigger();
    if (AcceptWord("USER")) return UserStatement(StmtKind::kCreateUser);
    return Error();
  }

  // CREATE [DEFINER=..] TRIGGER [IF NOT EXISTS] name {BEFORE|AFTER}
  // {INSERT|UPDATE|DELETE} ON tbl FOR EACH ROW [{FOLLOWS|PRECEDES} other]
  // body. The body is kept as source text (the rest of the statement).
  Result<StmtPtr> CreateTrigger() {
    auto s = std::make_unique<TriggerStatement>(StmtKind::kCreateTrigger);
    if (AcceptWord("IF")) {
      XP_RETURN_IF_ERROR(ExpectWord("NOT"));
      XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
      s->if_exists = true;
    }
    XP_SET_OR_RETURN(s->trigger, QualName());
    if (AcceptWord("BEFORE")) {
      s->before = true;
    } else {
      XP_RETURN_IF_ERROR(ExpectWord("AFTER"));
    }
    if (!PeekWord("INSERT") && !PeekWord("UPDATE") && !PeekWord("DELETE"))
      return Error();
    s->event = Upper(Take().text);
    XP_RETURN_IF_ERROR(ExpectWord("ON"));
    XP_SET_OR_RETURN(s->table, QualName());
    XP_RETURN_IF_ERROR(ExpectWord("FOR"));
    XP_RETURN_IF_ERROR(ExpectWord("EACH"));
    XP_RETURN_IF_ERROR(ExpectWord("ROW"));
    if (AcceptWord("FOLLOWS") || AcceptWord("PRECEDES"))
      XP_RETURN_IF_ERROR(Ident().status());
    const Token& first = Peek();
    if (first.Is(TokenKind::kEnd)) return Error();
    size_t last = pos_;
    while (!Peek(last - pos_ + 1).Is(TokenKind::kEnd)) ++last;
    if (toks_[last].IsOp(";") && last > pos_)
      --last;  // the statement's own ';'
    if (first.IsWord("BEGIN")) {
      if (!toks_[last].IsWord("END") || last == pos_) return Error();
      s->empty_body = last == pos_ + 1;
    }
    const Token& end = toks_[last];
    s->body = std::string(
        sql_.substr(first.offset, end.offset + end.text.size() - first.offset));
    pos_ = last + 1;
    return StmtPtr(std::move(s));
  }

  // account := 'user'[@'host'] | CURRENT_USER[()] | USER()
  Result<UserSpec> Account() {
    UserSpec u;
    if (PeekWord("USER") && Peek(1).IsOp("(")) {
      pos_ += 2;
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      u.current = true;
      return u;
    }
    if (AcceptWord("CURRENT_USER")) {
      if (AcceptOp("(")) XP_RETURN_IF_ERROR(ExpectOp(")"));
      u.current = true;
      return u;
    }
    XP_SET_OR_RETURN(u.user, NameOrString());
    if (Peek().Is(TokenKind::kUserVar)) {
      // 'u'@'host' lexes as a string followed by @'host' (a user var).
      u.host = Take().value;
    } else if (AcceptOp("@")) {
      XP_SET_OR_RETURN(u.host, NameOrString());
    }
    return u;
  }

  // [IDENTIFIED {BY 'pw' | WITH plugin [BY 'pw' | AS 'verifier']}]
  Status AuthOption(UserSpec* u) {
    if (!AcceptWord("IDENTIFIED")) return Status::OK();
    u->identified = true;
    if (AcceptWord("WITH")) {
      XP_SET_OR_RETURN(u->plugin, NameOrString());
      u->plugin = AsciiLower(u->plugin);
      if (AcceptWord("AS")) {
        u->hashed = true;
        XP_SET_OR_RETURN(u->password, StringLit());
        return Status::OK();
      }
      if (!AcceptWord("BY")) return Status::OK();
    } else {
      XP_RETURN_IF_ERROR(ExpectWord("BY"));
    }
    if (AcceptWord("RANDOM")) return Error();
    XP_SET_OR_RETURN(u->password, StringLit());
    return Status::OK();
  }

  // {CREATE | ALTER} USER [IF [NOT] EXISTS] account [auth] [, ...]
  //   [REQUIRE NONE] [WITH resource options] [ACCOUNT {LOCK | UNLOCK}]
  //   [PASSWORD EXPIRE [DEFAULT | NEVER | INTERVAL n DAY]]
  Result<StmtPtr> UserStatement(StmtKind kind) {
    auto s = std::make_unique<AccountStatement>(kind);
    if (AcceptWord("IF")) {
      if (kind == StmtKind::kCreateUser) XP_RETURN_IF_ERROR(ExpectWord("NOT"));
      XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
      s->if_exists = true;
    }
    do {
      XP_ASSIGN_OR_RETURN(UserSpec u, Account());
      XP_RETURN_IF_ERROR(AuthOption(&u));
      s->users.push_back(std::move(u));
    } while (AcceptOp(","));
    if (AcceptWord("DEFAULT")) {  // DEFAULT ROLE: no roles yet
      return Error();
    }
    if (AcceptWord("REQUIRE")) {
      // REQUIRE X509 / ISSUER / SUBJECT / CIPHER (client certificates):
      // not offered, so a syntax error rather than a weaker account.
      if (AcceptWord("NONE")) {
        s->require_ssl = 0;
      } else {
        XP_RETURN_IF_ERROR(ExpectWord("SSL"));
        s->require_ssl = 1;
      }
    }
    if (AcceptWord("WITH")) {
      // MAX_QUERIES_PER_HOUR n ...: accepted, not enforced (as with 0).
      while (PeekWord("MAX_QUERIES_PER_HOUR") ||
             PeekWord("MAX_UPDATES_PER_HOUR") ||
             PeekWord("MAX_CONNECTIONS_PER_HOUR") ||
             PeekWord("MAX_USER_CONNECTIONS")) {
        ++pos_;
        XP_RETURN_IF_ERROR(IntLit().status());
      }
    }
    for (;;) {
      if (AcceptWord("ACCOUNT")) {
        if (AcceptWord("LOCK")) {
          s->lock = 1;
        } else {
          XP_RETURN_IF_ERROR(ExpectWord("UNLOCK"));
          s->lock = 0;
        }
      } else if (AcceptWord("PASSWORD")) {
        XP_RETURN_IF_ERROR(ExpectWord("EXPIRE"));
        if (AcceptWord("NEVER") || AcceptWord("DEFAULT")) {
          s->expire = 0;
        } else if (AcceptWord("INTERVAL")) {
          XP_RETURN_IF_ERROR(IntLit().status());
          XP_RETURN_IF_ERROR(ExpectWord("DAY"));
          s->expire = 0;
        } else {
          s->expire = 1;
        }
      } else {
        break;
      }
    }
    return StmtPtr(std::move(s));
  }

  Result<std::vector<OrderItem>> IndexColumns() {
    XP_RETURN_IF_ERROR(ExpectOp("("));
    std::vector<OrderItem> cols;
    do {
      OrderItem item;
      const uint32_t off = Peek().offset;
      XP_ASSIGN_OR_RETURN(std::string name, Ident());
      item.expr = NewExpr(ExprKind::kColumn, off);
      item.expr->text = std::move(name);
      if (AcceptOp("(")) {  // prefix length
        XP_RETURN_IF_ERROR(IntLit().status());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
      }
      if (AcceptWord("DESC")) {
        item.desc = true;
      } else {
        AcceptWord("ASC");
      }
      cols.push_back(std::move(item));
    } while (AcceptOp(","));
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return cols;
  }

  // Skips table/database options: ENGINE=x, DEFAULT CHARSET=y, COMMENT='..',
  // AUTO_INCREMENT=5 ... (accepted and ignored). Stops at ';', end, or a word
  // that starts something else.
  void SkipTableOptions(PartitionSpec* partition = nullptr) {
    for (;;) {
      const Token& t = Peek();
      if (t.Is(TokenKind::kEnd) || t.IsOp(";") || t.IsOp(")")) return;
      if (t.IsWord("AS") || t.IsWord("SELECT") || t.IsWord("WITH") ||
          t.IsWord("PARTITION") || t.IsOp("(") || t.IsWord("LIKE")) {
        return;
      }
      if (partition != nullptr &&
          (t.IsWord("BROADCAST") || t.IsWord("SINGLE"))) {
        partition->kind = t.IsWord("BROADCAST")
                              ? PartitionSpec::Kind::kBroadcast
                              : PartitionSpec::Kind::kSingle;
        ++pos_;
        continue;
      }
      if (t.IsOp(",")) {
        ++pos_;
        continue;
      }
      if (!t.Is(TokenKind::kIdent)) return;
      ++pos_;  // option word (DEFAULT, ENGINE, CHARACTER, ...)
      if (t.IsWord("DEFAULT")) continue;
      if (t.IsWord("CHARACTER") && PeekWord("SET")) ++pos_;
      AcceptOp("=");
      const Token& v = Peek();
      if (v.Is(TokenKind::kIdent) || v.Is(TokenKind::kString) ||
          v.Is(TokenKind::kInteger) || v.Is(TokenKind::kQuotedIdent) ||
          v.Is(TokenKind::kDecimal)) {
        if (!(v.Is(TokenKind::kIdent) && IsReserved(Upper(v.text)))) ++pos_;
      }
    }
  }

  Result<StmtPtr> CreateTable(bool temporary) {
    auto s = std::make_unique<CreateTableStatement>();
    s->temporary = temporary;
    if (AcceptWord("IF")) {
      XP_RETURN_IF_ERROR(ExpectWord("NOT"));
      XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
      s->if_not_exists = true;
    }
    XP_SET_OR_RETURN(s->table, QualName());
    if (AcceptWord("LIKE")) {
      XP_SET_OR_RETURN(s->like, QualName());
      return StmtPtr(std::move(s));
    }
    if (Peek().IsOp("(") && Peek(1).IsWord("LIKE")) {
      pos_ += 2;
      XP_SET_OR_RETURN(s->like, QualName());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return StmtPtr(std::move(s));
    }
    if (Peek().IsOp("(") &&
        !(Peek(1).IsWord("SELECT") || Peek(1).IsWord("WITH"))) {
      ++pos_;
      do {
        XP_RETURN_IF_ERROR(TableElement(s.get()));
      } while (AcceptOp(","));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    }
    SkipTableOptions(&s->partition);
    if (AcceptWord("PARTITION")) {
      XP_RETURN_IF_ERROR(ExpectWord("BY"));
      AcceptWord("LINEAR");
      if (AcceptWord("HASH")) {
        s->partition.kind = PartitionSpec::Kind::kHash;
      } else if (AcceptWord("KEY")) {
        s->partition.kind = PartitionSpec::Kind::kKey;
      } else {
        return Error();
      }
      XP_RETURN_IF_ERROR(ExpectOp("("));
      if (!Peek().IsOp(")"))
        XP_SET_OR_RETURN(s->partition.columns, IdentList());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      if (AcceptWord("PARTITIONS"))
        XP_SET_OR_RETURN(s->partition.partitions, IntLit());
      SkipTableOptions(&s->partition);
    }
    AcceptWord("IGNORE") || AcceptWord("REPLACE");
    if (AcceptWord("AS") || PeekWord("SELECT") || PeekWord("WITH") ||
        Peek().IsOp("(")) {
      XP_SET_OR_RETURN(s->as_select, QueryExpr());
    }
    if (s->columns.empty() && !s->as_select) return Error();
    return StmtPtr(std::move(s));
  }

  Status TableElement(CreateTableStatement* s) {
    std::string name;
    if (AcceptWord("CONSTRAINT")) {
      if (PeekIdent()) XP_SET_OR_RETURN(name, Ident());
    }
    if (AcceptWord("PRIMARY")) {
      XP_RETURN_IF_ERROR(ExpectWord("KEY"));
      IndexDef idx;
      idx.kind = IndexDef::Kind::kPrimary;
      if (PeekIdent()) XP_SET_OR_RETURN(idx.name, Ident());
      if (AcceptWord("USING")) Take();
      XP_SET_OR_RETURN(idx.columns, IndexColumns());
      s->indexes.push_back(std::move(idx));
      return Status::OK();
    }
    // [GLOBAL] [UNIQUE] [GLOBAL] {KEY | INDEX}: a column may be named
    // `global`, so GLOBAL counts only before one of those words.
    const bool global_first =
        PeekWord("GLOBAL") &&
        (PeekWord("UNIQUE", 1) || PeekWord("KEY", 1) || PeekWord("INDEX", 1));
    if (global_first || PeekWord("UNIQUE") || PeekWord("KEY") ||
        PeekWord("INDEX")) {
      bool global = global_first && AcceptWord("GLOBAL");
      const bool unique = AcceptWord("UNIQUE");
      global = AcceptWord("GLOBAL") || global;
      AcceptWord("KEY") || AcceptWord("INDEX");
      IndexDef idx;
      idx.kind = unique ? IndexDef::Kind::kUnique : IndexDef::Kind::kIndex;
      idx.global = global;
      idx.name = name;
      if (PeekIdent()) XP_SET_OR_RETURN(idx.name, Ident());
      if (AcceptWord("USING")) Take();
      XP_SET_OR_RETURN(idx.columns, IndexColumns());
      s->indexes.push_back(std::move(idx));
      return Status::OK();
    }
    if (AcceptWord("FULLTEXT") || AcceptWord("SPATIAL")) {
      AcceptWord("KEY") || AcceptWord("INDEX");
      if (PeekIdent()) XP_RETURN_IF_ERROR(Ident().status());
      return IndexColumns().status();
    }
    if (AcceptWord("FOREIGN")) {
      XP_RETURN_IF_ERROR(ExpectWord("KEY"));
      if (PeekIdent()) XP_RETURN_IF_ERROR(Ident().status());
      XP_RETURN_IF_ERROR(ParenIdentList().status());
      return SkipReferences();
    }
    if (AcceptWord("CHECK")) {
      XP_RETURN_IF_ERROR(ExpectOp("("));
      XP_RETURN_IF_ERROR(Expression().status());
      return ExpectOp(")");
    }
    ColumnDef col;
    XP_SET_OR_RETURN(col.name, Ident());
    XP_RETURN_IF_ERROR(ColumnDefinition(&col));
    s->columns.push_back(std::move(col));
    return Status::OK();
  }

  Status SkipReferences() {
    XP_RETURN_IF_ERROR(ExpectWord("REFERENCES"));
    XP_RETURN_IF_ERROR(QualName().status());
    if (Peek().IsOp("(")) XP_RETURN_IF_ERROR(ParenIdentList().status());
    while (AcceptWord("ON")) {
      if (!AcceptWord("DELETE")) XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
      if (AcceptWord("SET")) {
        Take();
      } else if (AcceptWord("NO")) {
        XP_RETURN_IF_ERROR(ExpectWord("ACTION"));
      } else {
        Take();  // CASCADE / RESTRICT
      }
    }
    return Status::OK();
  }

  Status ColumnDefinition(ColumnDef* col) {
    XP_SET_OR_RETURN(col->type, Type(/*cast=*/false));
    for (;;) {
      if (AcceptWord("NOT")) {
        XP_RETURN_IF_ERROR(ExpectWord("NULL"));
        col->not_null = true;
      } else if (AcceptWord("NULL")) {
        col->explicit_null = true;
      } else if (AcceptWord("DEFAULT")) {
        if (Peek().IsOp("(")) {
          ++pos_;
          XP_SET_OR_RETURN(col->default_value, Expression());
          XP_RETURN_IF_ERROR(ExpectOp(")"));
        } else {
          XP_SET_OR_RETURN(col->default_value, CheckedUnary());
        }
      } else if (AcceptWord("AUTO_INCREMENT")) {
        col->auto_increment = true;
      } else if (AcceptWord("PRIMARY")) {
        XP_RETURN_IF_ERROR(ExpectWord("KEY"));
        col->primary_key = true;
      } else if (AcceptWord("KEY")) {
        col->primary_key = true;
      } else if (AcceptWord("UNIQUE")) {
        AcceptWord("KEY");
        col->unique = true;
      } else if (AcceptWord("COMMENT")) {
        XP_SET_OR_RETURN(col->comment, StringLit());
      } else if (AcceptWord("COLLATE")) {
        XP_SET_OR_RETURN(col->type.collation, NameOrString());
      } else if (PeekWord("CHARACTER") || PeekWord("CHARSET")) {
        if (AcceptWord("CHARACTER"))
          XP_RETURN_IF_ERROR(ExpectWord("SET"));
        else
          ++pos_;
        XP_SET_OR_RETURN(col->type.charset, NameOrString());
      } else if (AcceptWord("ON")) {
        XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
        XP_SET_OR_RETURN(col->on_update, CheckedUnary());
      } else if (PeekWord("REFERENCES")) {
        XP_RETURN_IF_ERROR(SkipReferences());
      } else if (AcceptWord("CHECK")) {
        XP_RETURN_IF_ERROR(ExpectOp("("));
        XP_RETURN_IF_ERROR(Expression().status());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
      } else if (AcceptWord("COLUMN_FORMAT") || AcceptWord("STORAGE")) {
        Take();
      } else if (AcceptWord("VISIBLE") || AcceptWord("INVISIBLE")) {
      } else {
        return Status::OK();
      }
    }
  }

  // Column and CAST types.
  Result<TypeName> Type(bool cast) {
    TypeName t;
    const Token& w = Peek();
    if (!w.Is(TokenKind::kIdent)) return Error();
    t.name = Upper(w.text);
    ++pos_;
    if (t.name == "DOUBLE") AcceptWord("PRECISION");
    if (t.name == "NATIONAL") {
      if (!PeekWord("CHAR") && !PeekWord("VARCHAR") && !PeekWord("CHARACTER"))
        return Error();
      t.name = Upper(Take().text);
    }
    if (t.name == "CHARACTER") t.name = "CHAR";
    if ((t.name == "CHAR" || t.name == "NCHAR") && AcceptWord("VARYING"))
      t.name = "VARCHAR";
    if (t.name == "NCHAR") t.name = "CHAR";
    if (t.name == "NVARCHAR") t.name = "VARCHAR";
    if (t.name == "LONG") {  // LONG VARCHAR / LONG VARBINARY
      t.name = AcceptWord("VARBINARY") ? "MEDIUMBLOB"
                                       : (AcceptWord("VARCHAR"), "MEDIUMTEXT");
    }
    if (cast && (t.name == "SIGNED" || t.name == "UNSIGNED")) {
      t.is_unsigned = t.name == "UNSIGNED";
      AcceptWord("INTEGER") || AcceptWord("INT");
      t.name = "BIGINT";
      return t;
    }
    if (t.name == "ENUM" || t.name == "SET") {
      XP_RETURN_IF_ERROR(ExpectOp("("));
      do {
        XP_ASSIGN_OR_RETURN(std::string v, StringLit());
        t.values.push_back(std::move(v));
      } while (AcceptOp(","));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    } else if (AcceptOp("(")) {
      XP_SET_OR_RETURN(t.length, IntLit());
      if (AcceptOp(",")) XP_SET_OR_RETURN(t.scale, IntLit());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    }
    for (;;) {
      if (AcceptWord("UNSIGNED")) {
        t.is_unsigned = true;
      } else if (AcceptWord("SIGNED")) {
      } else if (AcceptWord("ZEROFILL")) {
        t.zerofill = true;
        t.is_unsigned = true;
      } else if (!cast && PeekWord("BINARY")) {
        ++pos_;
        t.collation = "binary";
      } else if (PeekWord("CHARACTER") || PeekWord("CHARSET")) {
        if (AcceptWord("CHARACTER"))
          XP_RETURN_IF_ERROR(ExpectWord("SET"));
        else
          ++pos_;
        XP_SET_OR_RETURN(t.charset, NameOrString());
      } else if (!cast && AcceptWord("COLLATE")) {
        XP_SET_OR_RETURN(t.collation, NameOrString());
      } else {
        break;
      }
    }
    return t;
  }

  Result<StmtPtr> Drop() {
    ++pos_;
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
      auto s = std::make_unique<DatabaseStatement>(StmtKind::kDropDatabase);
      XP_SET_OR_RETURN(s->if_exists, IfExists());
      XP_SET_OR_RETURN(s->name, Ident());
      return StmtPtr(std::move(s));
    }
    AcceptWord("TEMPORARY");
    if (AcceptWord("TABLE") || AcceptWord("TABLES")) {
      auto s = std::make_unique<DropTableStatement>();
      XP_SET_OR_RETURN(s->if_exists, IfExists());
      XP_SET_OR_RETURN(s->tables, DropNameList());
      return StmtPtr(std::move(s));
    }
    if (AcceptWord("INDEX")) {
      auto s = std::make_unique<DropIndexStatement>();
      XP_SET_OR_RETURN(s->name, Ident());
      XP_RETURN_IF_ERROR(ExpectWord("ON"));
      XP_SET_OR_RETURN(s->table, QualName());
      return StmtPtr(std::move(s));
    }
    if (AcceptWord("VIEW")) {
      auto s = std::make_unique<DropViewStatement>();
      XP_SET_OR_RETURN(s->if_exists, IfExists());
      XP_SET_OR_RETURN(s->views, DropNameList());
      return StmtPtr(std::move(s));
    }
    if (AcceptWord("TRIGGER")) {
      auto s = std::make_unique<TriggerStatement>(StmtKind::kDropTrigger);
      XP_SET_OR_RETURN(s->if_exists, IfExists());
      XP_SET_OR_RETURN(s->trigger, QualName());
      return StmtPtr(std::move(s));
    }
    if (AcceptWord("USER")) {
      auto s = std::make_unique<AccountStatement>(StmtKind::kDropUser);
      XP_SET_OR_RETURN(s->if_exists, IfExists());
      do {
        XP_ASSIGN_OR_RETURN(UserSpec u, Account());
        s->users.push_back(std::move(u));
      } while (AcceptOp(","));
      return StmtPtr(std::move(s));
    }
    return Error();
  }

  Result<StmtPtr> Alter() {
    ++pos_;
    if (AcceptWord("USER")) return UserStatement(StmtKind::kAlterUser);
    XP_RETURN_IF_ERROR(ExpectWord("TABLE"));
    auto s = std::make_unique<AlterTableStatement>();
    XP_SET_OR_RETURN(s->table, QualName());
    do {
      AlterAction a;
      if (AcceptWord("ADD")) {
        if (PeekWord("INDEX") || PeekWord("KEY") || PeekWord("UNIQUE") ||
            PeekWord("PRIMARY") || PeekWord("CONSTRAINT") ||
            (PeekWord("GLOBAL") &&
             (PeekWord("INDEX", 1) || PeekWord("KEY", 1) ||
              PeekWord("UNIQUE", 1)))) {
          CreateTableStatement tmp;
          XP_RETURN_IF_ERROR(TableElement(&tmp));
          if (tmp.indexes.empty()) return Error();
          a.kind = AlterAction::Kind::kAddIndex;
          a.index = std::move(tmp.indexes[0]);
        } else {
          AcceptWord("COLUMN");
          a.kind = AlterAction::Kind::kAddColumn;
          XP_SET_OR_RETURN(a.column.name, Ident());
          XP_RETURN_IF_ERROR(ColumnDefinition(&a.column));
          if (AcceptWord("FIRST")) {
          } else if (AcceptWord("AFTER")) {
            XP_RETURN_IF_ERROR(Ident().status());
          }
        }
      } else if (AcceptWord("DROP")) {
        if (AcceptWord("INDEX") || AcceptWord("KEY")) {
          a.kind = AlterAction::Kind::kDropIndex;
          XP_SET_OR_RETURN(a.name, Ident());
        } else if (AcceptWord("PRIMARY")) {
          XP_RETURN_IF_ERROR(ExpectWord("KEY"));
          a.kind = AlterAction::Kind::kDropIndex;
          a.name = "PRIMARY";
        } else {
          AcceptWord("COLUMN");
          a.kind = AlterAction::Kind::kDropColumn;
          XP_SET_OR_RETURN(a.name, Ident());
        }
      } else {
        return Error();
      }
      s->actions.push_back(std::move(a));
    } while (AcceptOp(","));
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Show() {
    ++pos_;
    auto s = std::make_unique<ShowStatement>();
    s->full = AcceptWord("FULL");
    using W = ShowStatement::What;
    if (AcceptWord("DATABASES") || AcceptWord("SCHEMAS")) {
      s->what = W::kDatabases;
    } else if (AcceptWord("TABLES")) {
      s->what = W::kTables;
      if (AcceptWord("FROM") || AcceptWord("IN"))
        XP_SET_OR_RETURN(s->database, Ident());
    } else if (AcceptWord("COLUMNS") || AcceptWord("FIELDS")) {
      s->what = W::kColumns;
      if (!AcceptWord("FROM")) XP_RETURN_IF_ERROR(ExpectWord("IN"));
      XP_SET_OR_RETURN(s->table, QualName());
      if (AcceptWord("FROM") || AcceptWord("IN")) {
        XP_SET_OR_RETURN(s->table.schema, Ident());
      }
    } else if (AcceptWord("CREATE")) {
      if (AcceptWord("VIEW")) {
        s->what = W::kCreateView;
      } else {
        XP_RETURN_IF_ERROR(ExpectWord("TABLE"));
        s->what = W::kCreateTable;
      }
      XP_SET_OR_RETURN(s->table, QualName());
      return StmtPtr(std::move(s));
    } else if (AcceptWord("INDEX") || AcceptWord("INDEXES") ||
               AcceptWord("KEYS")) {
      s->what = W::kIndex;
      if (!AcceptWord("FROM")) XP_RETURN_IF_ERROR(ExpectWord("IN"));
      XP_SET_OR_RETURN(s->table, QualName());
      if (AcceptWord("FROM") || AcceptWord("IN")) {
        XP_SET_OR_RETURN(s->table.schema, Ident());
      }
    } else if (AcceptWord("SESSION") || AcceptWord("GLOBAL") ||
               PeekWord("VARIABLES") || PeekWord("STATUS")) {
      if (AcceptWord("VARIABLES")) {
        s->what = W::kVariables;
      } else {
        XP_RETURN_IF_ERROR(ExpectWord("STATUS"));
        s->what = W::kStatus;
      }
    } else if (AcceptWord("WARNINGS") || AcceptWord("ERRORS")) {
      s->what = W::kWarnings;
      return StmtPtr(std::move(s));
    } else if (AcceptWord("PROCESSLIST")) {
      s->what = W::kProcesslist;
      return StmtPtr(std::move(s));
    } else if (AcceptWord("GRANTS")) {
      s->what = W::kGrants;
      if (AcceptWord("FOR")) XP_SET_OR_RETURN(s->grants_for, Account());
      return StmtPtr(std::move(s));
    } else {
      return Error();
    }
    if (AcceptWord("LIKE")) {
      XP_SET_OR_RETURN(s->like, StringLit());
    } else if (AcceptWord("WHERE")) {
      XP_SET_OR_RETURN(s->where, Expression());
    }
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Set() {
    ++pos_;
    if (PeekWord("PASSWORD") && (PeekWord("FOR", 1) || Peek(1).IsOp("=")))
      return (++pos_, SetPassword());
    auto s = std::make_unique<SetStatement>();
    if (AcceptWord("NAMES")) {
      s->names = true;
      if (AcceptWord("DEFAULT")) return StmtPtr(std::move(s));
      XP_SET_OR_RETURN(s->charset, NameOrString());
      if (AcceptWord("COLLATE")) XP_SET_OR_RETURN(s->collation, NameOrString());
      return StmtPtr(std::move(s));
    }
    if (PeekWord("TRANSACTION") ||
        ((PeekWord("SESSION") || PeekWord("GLOBAL")) &&
         PeekWord("TRANSACTION", 1))) {
      if (!AcceptWord("TRANSACTION")) pos_ += 2;
      s->transaction = true;
      const uint32_t start = Peek().offset;
      while (!AtEnd() && !Peek().IsOp(";")) ++pos_;
      s->transaction_text =
          std::string(sql_.substr(start, Peek().offset - start));
      return StmtPtr(std::move(s));
    }
    do {
      SetStatement::Item item;
      const Token& t = Peek();
      if (t.Is(TokenKind::kUserVar)) {
        item.scope = SetStatement::Item::Scope::kUser;
        item.name = t.value;
        ++pos_;
      } else if (t.Is(TokenKind::kSysVar)) {
        std::string_view v = t.text.substr(2);
        std::string lower = AsciiLower(v);
        if (lower.rfind("global.", 0) == 0) {
          item.scope = SetStatement::Item::Scope::kGlobal;
          lower = lower.substr(7);
        } else if (lower.rfind("session.", 0) == 0) {
          lower = lower.substr(8);
        } else if (lower.rfind("local.", 0) == 0) {
          lower = lower.substr(6);
        }
        item.name = lower;
        ++pos_;
      } else {
        if (AcceptWord("GLOBAL")) {
          item.scope = SetStatement::Item::Scope::kGlobal;
        } else {
          AcceptWord("SESSION") || AcceptWord("LOCAL");
        }
        XP_ASSIGN_OR_RETURN(std::string name, AnyIdent());
        item.name = AsciiLower(name);
      }
      if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
      if (PeekWord("ON") || PeekWord("DEFAULT") || PeekWord("BINARY")) {
        item.value = NewExpr(ExprKind::kColumn, Peek().offset);
        item.value->text = Upper(Take().text);
      } else {
        XP_SET_OR_RETURN(item.value, Expression());
      }
      s->items.push_back(std::move(item));
    } while (AcceptOp(","));
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Transaction() {
    auto s = std::make_unique<TransactionStatement>();
    const Token& t = Take();
    if (t.IsWord("BEGIN")) {
      AcceptWord("WORK");
    } else if (t.IsWord("START")) {
      XP_RETURN_IF_ERROR(ExpectWord("TRANSACTION"));
      do {
        if (AcceptWord("WITH")) {
          XP_RETURN_IF_ERROR(ExpectWord("CONSISTENT"));
          XP_RETURN_IF_ERROR(ExpectWord("SNAPSHOT"));
          s->consistent_snapshot = true;
        } else if (AcceptWord("READ")) {
          if (AcceptWord("ONLY")) {
            s->read_only = true;
          } else {
            XP_RETURN_IF_ERROR(ExpectWord("WRITE"));
          }
        }
      } while (AcceptOp(","));
    } else if (t.IsWord("SAVEPOINT")) {
      s->op = TransactionStatement::Op::kSavepoint;
      XP_SET_OR_RETURN(s->savepoint, Ident());
    } else if (t.IsWord("RELEASE")) {
      XP_RETURN_IF_ERROR(ExpectWord("SAVEPOINT"));
      s->op = TransactionStatement::Op::kRelease;
      XP_SET_OR_RETURN(s->savepoint, Ident());
    } else {
      s->op = t.IsWord("COMMIT") ? TransactionStatement::Op::kCommit
                                 : TransactionStatement::Op::kRollback;
      AcceptWord("WORK");
      if (s->op == TransactionStatement::Op::kRollback && AcceptWord("TO")) {
        AcceptWord("SAVEPOINT");
        s->op = TransactionStatement::Op::kRollbackTo;
        XP_SET_OR_RETURN(s->savepoint, Ident());
      }
    }
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Xa() {
    ++pos_;
    auto s = std::make_unique<XaStatement>();
    using Op = XaStatement::Op;
    if (AcceptWord("START") || AcceptWord("BEGIN")) {
      s->op = Op::kStart;
    } else if (AcceptWord("END")) {
      s->op = Op::kEnd;
    } else if (AcceptWord("PREPARE")) {
      s->op = Op::kPrepare;
    } else if (AcceptWord("COMMIT")) {
      s->op = Op::kCommit;
    } else if (AcceptWord("ROLLBACK")) {
      s->op = Op::kRollback;
    } else if (AcceptWord("RECOVER")) {
      s->op = Op::kRecover;
      return StmtPtr(std::move(s));
    } else {
      return Error();
    }
    auto xid_part = [this]() -> Result<std::string> {
      const Token& t = Peek();
      if (t.Is(TokenKind::kString) || t.Is(TokenKind::kHex)) {
        ++pos_;
        return t.value;
      }
      if (t.Is(TokenKind::kInteger) || t.Is(TokenKind::kIdent)) {
        ++pos_;
        return std::string(t.text);
      }
      return Error();
    };
    XP_SET_OR_RETURN(s->gtrid, xid_part());
    if (AcceptOp(",")) {
      XP_SET_OR_RETURN(s->bqual, xid_part());
      if (AcceptOp(",")) XP_SET_OR_RETURN(s->format_id, IntLit());
    }
    if (s->op == Op::kCommit && AcceptWord("ONE")) {
      XP_RETURN_IF_ERROR(ExpectWord("PHASE"));
      s->one_phase = true;
    }
    if (s->op == Op::kEnd) AcceptWord("SUSPEND");
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> Explain() {
    ++pos_;
    auto s = std::make_unique<ExplainStatement>();
    s->analyze = AcceptWord("ANALYZE");
    if (AcceptWord("FORMAT")) {
      XP_RETURN_IF_ERROR(ExpectOp("="));
      XP_SET_OR_RETURN(s->format, AnyIdent());
      s->format = Upper(s->format);
    }
    if (!(PeekWord("SELECT") || PeekWord("WITH") || PeekWord("INSERT") ||
          PeekWord("REPLACE") || PeekWord("UPDATE") || PeekWord("DELETE") ||
          Peek().IsOp("("))) {
      return Error();
    }
    XP_SET_OR_RETURN(s->statement, ParseStatement());
    return StmtPtr(std::move(s));
  }

  Result<StmtPtr> GrantRevoke() {
    const bool grant = Take().IsWord("GRANT");
    auto s = std::make_unique<AccountStatement>(grant ? StmtKind::kGrant
                                                      : StmtKind::kRevoke);
    do {
      PrivilegeSpec priv;
      while (Peek().Is(TokenKind::kIdent) && !PeekWord("ON") &&
             !(PeekWord("FROM") && !grant)) {
        if (!priv.name.empty()) priv.name += " ";
        priv.name += Upper(Take().text);
      }
      if (Peek().IsOp("(")) XP_SET_OR_RETURN(priv.columns, ParenIdentList());
      if (priv.name.empty()) return Error();
      if (priv.name == "ALL PRIVILEGES") priv.name = "ALL";
      s->privileges.push_back(std::move(priv));
    } while (AcceptOp(","));
    // REVOKE ALL [PRIVILEGES], GRANT OPTION FROM users: every level.
    if (!grant && AcceptWord("FROM")) {
      if (s->privileges.size() != 2 || s->privileges[0].name != "ALL" ||
          s->privileges[1].name != "GRANT OPTION")
        return Error();
      s->on.schema = "*";
      s->on.name = "*";
      s->grant_option = true;
      s->if_exists = true;  // marks "every level"
    } else {
      XP_RETURN_IF_ERROR(ExpectWord("ON"));
      AcceptWord("TABLE");
      if (AcceptOp("*")) {
        // ON * is the current database; ON *.* every database.
        s->on.name = "*";
        if (AcceptOp(".")) {
          XP_RETURN_IF_ERROR(ExpectOp("*"));
          s->on.schema = "*";
        }
      } else {
        XP_SET_OR_RETURN(s->on.name, Ident());
        if (AcceptOp(".")) {
          s->on.schema = std::move(s->on.name);
          if (AcceptOp("*")) {
            s->on.name = "*";
          } else {
            XP_SET_OR_RETURN(s->on.name, AnyIdent());
          }
        }
      }
      if (!AcceptWord(grant ? "TO" : "FROM")) return Error();
    }
    do {
      XP_ASSIGN_OR_RETURN(UserSpec u, Account());
      if (grant) XP_RETURN_IF_ERROR(AuthOption(&u));
      s->users.push_back(std::move(u));
    } while (AcceptOp(","));
    if (grant && AcceptWord("WITH")) {
      XP_RETURN_IF_ERROR(ExpectWord("GRANT"));
      XP_RETURN_IF_ERROR(ExpectWord("OPTION"));
      s->grant_option = true;
    }
    return StmtPtr(std::move(s));
  }

  // RENAME USER a TO b [, c TO d]
  Result<StmtPtr> RenameUser() {
    auto s = std::make_unique<AccountStatement>(StmtKind::kRenameUser);
    do {
      XP_ASSIGN_OR_RETURN(UserSpec from, Account());
      XP_RETURN_IF_ERROR(ExpectWord("TO"));
      XP_ASSIGN_OR_RETURN(UserSpec to, Account());
      s->users.push_back(std::move(from));
      s->rename_to.push_back(std::move(to));
    } while (AcceptOp(","));
    return StmtPtr(std::move(s));
  }

  // SET PASSWORD [FOR account] = 'password'
  Result<StmtPtr> SetPassword() {
    auto s = std::make_unique<AccountStatement>(StmtKind::kSetPassword);
    UserSpec u;
    u.current = true;
    if (AcceptWord("FOR")) XP_SET_OR_RETURN(u, Account());
    XP_RETURN_IF_ERROR(ExpectOp("="));
    if (AcceptWord("PASSWORD")) {  // the old PASSWORD('x') form
      XP_RETURN_IF_ERROR(ExpectOp("("));
      XP_SET_OR_RETURN(u.password, StringLit());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    } else {
      XP_SET_OR_RETURN(u.password, StringLit());
    }
    u.identified = true;
    s->users.push_back(std::move(u));
    return StmtPtr(std::move(s));
  }

  // ------------------------------------------------------------ queries
  // query_expr := [WITH ctes] union_expr [ORDER BY ...] [LIMIT ...]
  Result<SelectPtr> QueryExpr() {
    DepthGuard guard(this);
    if (guard.exceeded()) return TooDeep();
    std::vector<CommonTableExpr> with;
    bool recursive = false;
    if (AcceptWord("WITH")) {
      recursive = AcceptWord("RECURSIVE");
      do {
        CommonTableExpr cte;
        XP_SET_OR_RETURN(cte.name, Ident());
        if (Peek().IsOp("(")) XP_SET_OR_RETURN(cte.columns, ParenIdentList());
        XP_RETURN_IF_ERROR(ExpectWord("AS"));
        XP_RETURN_IF_ERROR(ExpectOp("("));
        XP_SET_OR_RETURN(cte.query, QueryExpr());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        with.push_back(std::move(cte));
      } while (AcceptOp(","));
    }
    XP_ASSIGN_OR_RETURN(SelectPtr q, UnionExpr());
    if (PeekWord("ORDER") || PeekWord("LIMIT")) {
      // ORDER BY / LIMIT apply to the whole query expression. A
      // parenthesised query that already has its own becomes a derived
      // table so that both levels apply: (SELECT .. LIMIT 5) ORDER BY a.
      if (!q->order_by.empty() || q->limit) q = WrapAsDerived(std::move(q));
      XP_RETURN_IF_ERROR(OrderLimit(&q->order_by, &q->limit, &q->offset_expr));
    }
    XP_RETURN_IF_ERROR(LockingClauses(q.get()));
    if (!with.empty()) {
      if (!q->with.empty()) return Error();
      q->with = std::move(with);
      q->recursive = recursive;
    }
    return q;
  }

  // { FOR {UPDATE | SHARE} [OF t [, t]...] [NOWAIT | SKIP LOCKED]
  //   | LOCK IN SHARE MODE }...: the strongest mode wins.
  Status LockingClauses(SelectStmt* q) {
    for (;;) {
      LockMode mode;
      if (PeekWord("FOR") && (PeekWord("UPDATE", 1) || PeekWord("SHARE", 1))) {
        ++pos_;
        mode = Take().IsWord("UPDATE") ? LockMode::kUpdate : LockMode::kShare;
        if (AcceptWord("OF")) {
          do {
            XP_RETURN_IF_ERROR(Ident().status());
          } while (AcceptOp(","));
        }
        if (AcceptWord("NOWAIT")) {
          q->lock_wait = LockWait::kNowait;
        } else if (AcceptWord("SKIP")) {
          XP_RETURN_IF_ERROR(ExpectWord("LOCKED"));
          q->lock_wait = LockWait::kSkipLocked;
        }
      } else if (AcceptWord("LOCK")) {
        XP_RETURN_IF_ERROR(ExpectWord("IN"));
        XP_RETURN_IF_ERROR(ExpectWord("SHARE"));
        XP_RETURN_IF_ERROR(ExpectWord("MODE"));
        mode = LockMode::kShare;
      } else {
        return Status::OK();
      }
      if (mode > q->lock) q->lock = mode;
    }
  }

  SelectPtr WrapAsDerived(SelectPtr q) {
    auto wrap = std::make_unique<SelectStmt>();
    wrap->offset = q->offset;
    wrap->items.push_back(SelectItem{NewExpr(ExprKind::kStar, q->offset), ""});
    wrap->from = std::make_unique<TableRef>();
    wrap->from->kind = TableRef::Kind::kSubquery;
    wrap->from->offset = q->offset;
    wrap->from->alias = "__derived";
    wrap->from->subquery = std::move(q);
    return wrap;
  }

  Status OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit,
                    ExprPtr* offset) {
    if (AcceptWord("ORDER")) {
      XP_RETURN_IF_ERROR(ExpectWord("BY"));
      XP_SET_OR_RETURN(*order, OrderList());
    }
    if (AcceptWord("LIMIT")) {
      XP_ASSIGN_OR_RETURN(ExprPtr first, LimitValue());
      if (AcceptOp(",")) {
        *offset = std::move(first);
        XP_SET_OR_RETURN(*limit, LimitValue());
      } else {
        *limit = std::move(first);
        if (AcceptWord("OFFSET")) XP_SET_OR_RETURN(*offset, LimitValue());
      }
    }
    return Status::OK();
  }

  Result<ExprPtr> LimitValue() {
    const Token& t = Peek();
    if (t.Is(TokenKind::kInteger)) {
      auto e = NewExpr(ExprKind::kLiteral, t.offset);
      e->lit = LiteralKind::kInteger;
      e->text = std::string(t.text);
      ++pos_;
      return e;
    }
    if (t.Is(TokenKind::kParam)) {
      auto e = NewExpr(ExprKind::kParam, t.offset);
      e->param_index = params_++;
      ++pos_;
      return e;
    }
    return Error();
  }

  Result<std::vector<OrderItem>> OrderList() {
    std::vector<OrderItem> out;
    do {
      OrderItem item;
      XP_SET_OR_RETURN(item.expr, Expression());
      if (AcceptWord("DESC")) {
        item.desc = true;
      } else {
        AcceptWord("ASC");
      }
      out.push_back(std::move(item));
    } while (AcceptOp(","));
    return out;
  }

  // UNION and EXCEPT bind looser than INTERSECT (MySQL 8.0.31+). Set
  // operations associate left; a run of UNIONs with the same ALL /
  // DISTINCT becomes one node with a list of operands (so 5,000 UNION ALLs
  // are a flat list), and every other step to the left-deep tree counts
  // against the nesting budget while the chain is parsed.
  Result<SelectPtr> UnionExpr() {
    XP_ASSIGN_OR_RETURN(SelectPtr left, IntersectExpr());
    ChainDepth chain(this);
    for (;;) {
      SetOpKind op;
      if (AcceptWord("UNION")) {
        op = SetOpKind::kUnion;
      } else if (AcceptWord("EXCEPT")) {
        op = SetOpKind::kExcept;
      } else {
        return left;
      }
      XP_SET_OR_RETURN(left, SetOp(op, std::move(left), /*intersect=*/false));
    }
  }

  Result<SelectPtr> IntersectExpr() {
    XP_ASSIGN_OR_RETURN(SelectPtr left, QueryPrimary());
    ChainDepth chain(this);
    while (AcceptWord("INTERSECT")) {
      XP_SET_OR_RETURN(left, SetOp(SetOpKind::kIntersect, std::move(left),
                                   /*intersect=*/true));
    }
    return left;
  }

  // After the operator word: [ALL | DISTINCT] operand, joined to `left`.
  // REQUIRES: the caller holds a ChainDepth for its chain.
  Result<SelectPtr> SetOp(SetOpKind op, SelectPtr left, bool intersect) {
    bool all = false;
    if (AcceptWord("ALL")) {
      all = true;
    } else {
      AcceptWord("DISTINCT");
    }
    SelectPtr right;
    if (intersect) {
      XP_SET_OR_RETURN(right, QueryPrimary());
    } else {
      XP_SET_OR_RETURN(right, IntersectExpr());
    }
    const bool extends =
        op == SetOpKind::kUnion && left->kind == SelectStmt::Kind::kSetOp &&
        left->op == op && left->all == all && left->with.empty() &&
        left->order_by.empty() && !left->limit;
    if (extends) {
      left->operands.push_back(std::move(right));
      return left;
    }
    ++depth_;  // one more level of the left-deep tree
    if (depth_ > kMaxParseDepth) return TooDeep();
    auto s = std::make_unique<SelectStmt>();
    s->kind = SelectStmt::Kind::kSetOp;
    s->offset = left->offset;
    s->op = op;
    s->all = all;
    s->operands.push_back(std::move(left));
    s->operands.push_back(std::move(right));
    return s;
  }

  Result<SelectPtr> QueryPrimary() {
    DepthGuard guard(this);
    if (guard.exceeded()) return TooDeep();
    if (AcceptOp("(")) {
      XP_ASSIGN_OR_RETURN(SelectPtr q, QueryExpr());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return q;
    }
    if (PeekWord("SELECT")) return SelectBlock();
    return Error();
  }

  Result<SelectPtr> SelectBlock() {
    auto s = std::make_unique<SelectStmt>();
    s->offset = Take().offset;  // SELECT
    for (;;) {
      if (AcceptWord("DISTINCT") || AcceptWord("DISTINCTROW")) {
        s->distinct = true;
      } else if (AcceptWord("SQL_CALC_FOUND_ROWS")) {
        s->calc_found_rows = true;
      } else if (AcceptWord("ALL") || AcceptWord("STRAIGHT_JOIN") ||
                 AcceptWord("SQL_NO_CACHE") || AcceptWord("SQL_CACHE") ||
                 AcceptWord("HIGH_PRIORITY") ||
                 AcceptWord("SQL_SMALL_RESULT") ||
                 AcceptWord("SQL_BIG_RESULT")) {
      } else {
        break;
      }
    }
    do {
      SelectItem item;
      const uint32_t from = Peek().offset;
      XP_SET_OR_RETURN(item.expr, SelectExpr());
      item.text = WrittenText(from, Peek().offset);
      if (item.expr->kind == ExprKind::kStar) {
        // `*` and `t.*` take no alias.
      } else if (AcceptWord("AS")) {
        XP_SET_OR_RETURN(item.alias, Alias(true));
      } else if (PeekIdent() || Peek().Is(TokenKind::kString)) {
        XP_SET_OR_RETURN(item.alias, Alias(false));
      }
      s->items.push_back(std::move(item));
    } while (AcceptOp(","));
    if (AcceptWord("INTO")) return Error();  // SELECT ... INTO is not supported
    if (AcceptWord("FROM")) {
      if (AcceptWord("DUAL")) {
      } else {
        XP_SET_OR_RETURN(s->from, TableRefs());
      }
    }
    if (AcceptWord("WHERE")) XP_SET_OR_RETURN(s->where, Expression());
    if (AcceptWord("GROUP")) {
      XP_RETURN_IF_ERROR(ExpectWord("BY"));
      do {
        XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
        AcceptWord("ASC") || AcceptWord("DESC");
        s->group_by.push_back(std::move(e));
      } while (AcceptOp(","));
      if (AcceptWord("WITH")) {
        XP_RETURN_IF_ERROR(ExpectWord("ROLLUP"));
        s->with_rollup = true;
      }
    }
    if (AcceptWord("HAVING")) XP_SET_OR_RETURN(s->having, Expression());
    return s;
  }

  // After AS any identifier or string works; without AS an unreserved one.
  Result<std::string> Alias(bool after_as) {
    const Token& t = Peek();
    if (t.Is(TokenKind::kString)) {
      ++pos_;
      return t.value;
    }
    if (after_as && t.Is(TokenKind::kIdent)) {
      ++pos_;
      return std::string(t.text);
    }
    return Ident();
  }

  Result<ExprPtr> SelectExpr() {
    const Token& t = Peek();
    if (t.IsOp("*")) {
      ++pos_;
      return NewExpr(ExprKind::kStar, t.offset);
    }
    // t.* and s.t.*
    if ((t.Is(TokenKind::kIdent) || t.Is(TokenKind::kQuotedIdent)) &&
        Peek(1).IsOp(".")) {
      if (Peek(2).IsOp("*")) {
        auto e = NewExpr(ExprKind::kStar, t.offset);
        e->table =
            t.Is(TokenKind::kQuotedIdent) ? t.value : std::string(t.text);
        pos_ += 3;
        return e;
      }
      if ((Peek(2).Is(TokenKind::kIdent) ||
           Peek(2).Is(TokenKind::kQuotedIdent)) &&
          Peek(3).IsOp(".") && Peek(4).IsOp("*")) {
        auto e = NewExpr(ExprKind::kStar, t.offset);
        e->schema =
            t.Is(TokenKind::kQuotedIdent) ? t.value : std::string(t.text);
        const Token& tt = Peek(2);
        e->table =
            tt.Is(TokenKind::kQuotedIdent) ? tt.value : std::string(tt.text);
        pos_ += 5;
        return e;
      }
    }
    return Expression();
  }

  // table_refs := table_ref { ',' table_ref }   (comma = CROSS JOIN)
  // Joins associate left and are built by loops; each step counts against
  // the nesting budget (MySQL's 61-table limit, 1116, is the binder's).
  Result<TableRefPtr> TableRefs() {
    XP_ASSIGN_OR_RETURN(TableRefPtr left, JoinedTable());
    ChainDepth chain(this);
    while (AcceptOp(",")) {
      if (!chain.Step()) return TooDeep();
      XP_ASSIGN_OR_RETURN(TableRefPtr right, JoinedTable());
      auto j = std::make_unique<TableRef>();
      j->kind = TableRef::Kind::kJoin;
      j->offset = left->offset;
      j->join = JoinType::kCross;
      j->left = std::move(left);
      j->right = std::move(right);
      left = std::move(j);
    }
    return left;
  }

  Result<TableRefPtr> JoinedTable() {
    DepthGuard guard(this);
    if (guard.exceeded()) return TooDeep();
    XP_ASSIGN_OR_RETURN(TableRefPtr left, TableFactor());
    ChainDepth chain(this);
    for (;;) {
      JoinType type;
      bool natural = false;
      if (AcceptWord("NATURAL")) natural = true;
      if (AcceptWord("JOIN") || AcceptWord("STRAIGHT_JOIN")) {
        type = JoinType::kInner;
      } else if (PeekWord("INNER") || PeekWord("CROSS")) {
        type = Take().IsWord("CROSS") ? JoinType::kCross : JoinType::kInner;
        XP_RETURN_IF_ERROR(ExpectWord("JOIN"));
      } else if (PeekWord("LEFT") || PeekWord("RIGHT")) {
        type = Take().IsWord("LEFT") ? JoinType::kLeft : JoinType::kRight;
        AcceptWord("OUTER");
        XP_RETURN_IF_ERROR(ExpectWord("JOIN"));
      } else {
        if (natural) return Error();
        return left;
      }
      if (!chain.Step()) return TooDeep();
      auto j = std::make_unique<TableRef>();
      j->kind = TableRef::Kind::kJoin;
      j->offset = left->offset;
      j->join = type;
      j->natural = natural;
      j->left = std::move(left);
      XP_SET_OR_RETURN(j->right, TableFactor());
      if (!natural) {
        if (AcceptWord("ON")) {
          XP_SET_OR_RETURN(j->on, Expression());
        } else if (AcceptWord("USING")) {
          XP_SET_OR_RETURN(j->using_columns, ParenIdentList());
        } else if (type == JoinType::kLeft || type == JoinType::kRight) {
          return Error();  // outer joins need a condition
        }
      }
      left = std::move(j);
    }
  }

  Result<TableRefPtr> TableFactor() {
    auto t = std::make_unique<TableRef>();
    t->offset = Peek().offset;
    if (AcceptOp("(")) {
      if (QueryStartsHere()) {
        XP_RETURN_IF_ERROR(DerivedTable(t.get()));
        return t;
      }
      // Parenthesised join.
      XP_ASSIGN_OR_RETURN(TableRefPtr inner, TableRefs());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return inner;
    }
    XP_SET_OR_RETURN(t->name, Ident());
    if (AcceptOp(".")) {
      t->schema = std::move(t->name);
      XP_SET_OR_RETURN(t->name, AnyIdent());
    }
    if (AcceptWord("AS")) {
      XP_SET_OR_RETURN(t->alias, Ident());
    } else if (PeekIdent()) {
      XP_SET_OR_RETURN(t->alias, Ident());
    }
    // Index hints: USE/FORCE/IGNORE INDEX (...) are accepted and ignored.
    while ((PeekWord("USE") || PeekWord("FORCE") || PeekWord("IGNORE")) &&
           (PeekWord("INDEX", 1) || PeekWord("KEY", 1))) {
      pos_ += 2;
      if (AcceptWord("FOR")) {
        if (AcceptWord("ORDER") || AcceptWord("GROUP")) {
          XP_RETURN_IF_ERROR(ExpectWord("BY"));
        } else {
          XP_RETURN_IF_ERROR(ExpectWord("JOIN"));
        }
      }
      XP_RETURN_IF_ERROR(ExpectOp("("));
      if (!Peek().IsOp(")")) XP_RETURN_IF_ERROR(IdentList().status());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    }
    return t;
  }

  // After '(' of a derived table: query ')' [AS] alias [(columns)].
  Status DerivedTable(TableRef* t) {
    t->kind = TableRef::Kind::kSubquery;
    XP_SET_OR_RETURN(t->subquery, QueryExpr());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    if (!AcceptWord("AS") && !PeekIdent()) {
      return SqlError(ER_DERIVED_MUST_HAVE_ALIAS,
                      "Every derived table must have its own alias");
    }
    XP_SET_OR_RETURN(t->alias, Ident());
    if (Peek().IsOp("(")) XP_SET_OR_RETURN(t->column_aliases, ParenIdentList());
    return Status::OK();
  }

  // Just after an opening parenthesis: does a query expression start here
  // (rather than an expression or a join that merely begins with a
  // parenthesised query)? Decided by looking ahead, never by backtracking,
  // so parsing stays linear: "(SELECT" is a query; "((SELECT ...) X" is one
  // only when X continues a query expression (a set operation, ORDER BY,
  // LIMIT) or closes the outer parenthesis.
  bool QueryStartsHere() const {
    if (PeekWord("SELECT") || PeekWord("WITH")) return true;
    if (!Peek().IsOp("(")) return false;
    size_t k = 0;
    while (Peek(k).IsOp("(")) ++k;
    if (!Peek(k).IsWord("SELECT") && !Peek(k).IsWord("WITH")) return false;
    // Find the parenthesis that closes the one at pos_.
    size_t i = pos_;
    int depth = 0;
    for (; i < toks_.size() && !toks_[i].Is(TokenKind::kEnd); ++i) {
      if (toks_[i].IsOp("(")) ++depth;
      if (toks_[i].IsOp(")") && --depth == 0) break;
    }
    if (i + 1 >= toks_.size()) return false;
    const Token& next = toks_[i + 1];
    return next.IsOp(")") || next.IsWord("UNION") || next.IsWord("INTERSECT") ||
           next.IsWord("EXCEPT") || next.IsWord("ORDER") ||
           next.IsWord("LIMIT");
  }

  // ------------------------------------------------------------ expressions
  // Every expression tree is rooted at a call of this (or of
  // CheckedUnary): the tree's height plus the nesting around it must fit
  // the budget, so every later walk over it (binder, passes, serde,
  // evaluator, printers) is bounded by kMaxParseDepth. Left-associative
  // chains (a + b + c ...) are built by loops, not recursion, so this is
  // where their length is checked.
  Result<ExprPtr> Expression() {
    DepthGuard guard(this);
    if (guard.exceeded()) return TooDeep();
    XP_ASSIGN_OR_RETURN(ExprPtr e, Or());
    return CheckHeight(std::move(e));
  }

  Result<ExprPtr> CheckedUnary() {
    XP_ASSIGN_OR_RETURN(ExprPtr e, Unary());
    return CheckHeight(std::move(e));
  }

  Result<ExprPtr> CheckHeight(ExprPtr e) {
    if (static_cast<size_t>(depth_) + Height(e.get()) >
        static_cast<size_t>(kMaxParseDepth))
      return TooDeep();
    return e;
  }

  // The height of `root`'s tree, computed without recursion and memoized in
  // Expr::height (subtrees checked by an inner Expression() are not walked
  // again, so checking every level costs linear time).
  static uint32_t Height(Expr* root) {
    if (root->height != 0) return root->height;
    std::vector<std::pair<Expr*, size_t>> stack;
    stack.emplace_back(root, 0);
    while (!stack.empty()) {
      Expr* e = stack.back().first;
      const size_t next = stack.back().second;
      if (next < e->args.size()) {
        ++stack.back().second;
        Expr* c = e->args[next].get();
        if (c->height == 0) stack.emplace_back(c, 0);
        continue;
      }
      uint32_t h = 0;
      for (const ExprPtr& a : e->args) h = std::max(h, a->height);
      for (const OrderItem& o : e->order_by)
        h = std::max(
            h, o.expr->height == 0 ? Height(o.expr.get()) : o.expr->height);
      e->height = h + 1;
      stack.pop_back();
    }
    return root->height;
  }

  // a OR b OR c is one node with three operands (as AND): a long chain is
  // a flat list, never a deep tree. `word` / `op` spell the operator,
  // `next` parses an operand.
  Result<ExprPtr> Chain(const char* word, const char* op, BinaryOp bop,
                        Result<ExprPtr> (Parser::*next)()) {
    XP_ASSIGN_OR_RETURN(ExprPtr left, (this->*next)());
    if (!PeekWord(word) && !Peek().IsOp(op)) return left;
    auto e = NewExpr(ExprKind::kBinary, left->offset);
    e->bop = bop;
    e->args.push_back(std::move(left));
    while (AcceptWord(word) || AcceptOp(op)) {
      XP_ASSIGN_OR_RETURN(ExprPtr right, (this->*next)());
      e->args.push_back(std::move(right));
    }
    return e;
  }

  Result<ExprPtr> Or() {
    return Chain("OR", "||", BinaryOp::kOr, &Parser::Xor);
  }

  Result<ExprPtr> Xor() {
    XP_ASSIGN_OR_RETURN(ExprPtr left, And());
    while (AcceptWord("XOR")) {
      XP_ASSIGN_OR_RETURN(ExprPtr right, And());
      left = Binary(BinaryOp::kXor, std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> And() {
    return Chain("AND", "&&", BinaryOp::kAnd, &Parser::Not);
  }

  Result<ExprPtr> Not() {
    if (PeekWord("NOT") && !PeekWord("EXISTS", 1)) {
      DepthGuard guard(this);
      if (guard.exceeded()) return TooDeep();
      const uint32_t off = Take().offset;
      XP_ASSIGN_OR_RETURN(ExprPtr operand, Not());
      auto e = NewExpr(ExprKind::kUnary, off);
      e->uop = UnaryOp::kNot;
      e->args.push_back(std::move(operand));
      return e;
    }
    return Predicate();
  }

  static bool ComparisonOp(const Token& t, BinaryOp* op) {
    if (t.kind != TokenKind::kOp) return false;
    if (t.text == "=")
      *op = BinaryOp::kEq;
    else if (t.text == "<=>")
      *op = BinaryOp::kNullSafeEq;
    else if (t.text == "<>" || t.text == "!=")
      *op = BinaryOp::kNe;
    else if (t.text == "<")
      *op = BinaryOp::kLt;
    else if (t.text == "<=")
      *op = BinaryOp::kLe;
    else if (t.text == ">")
      *op = BinaryOp::kGt;
    else if (t.text == ">=")
      *op = BinaryOp::kGe;
    else
      return false;
    return true;
  }

  // Comparison level: IS, [NOT] IN / BETWEEN / LIKE / REGEXP, =, <, ...
  Result<ExprPtr> Predicate() {
    XP_ASSIGN_OR_RETURN(ExprPtr left, BitExpr());
    for (;;) {
      const uint32_t off = left->offset;
      BinaryOp op;
      if (AcceptWord("IS")) {
        const bool negated = AcceptWord("NOT");
        if (AcceptWord("NULL")) {
          auto e = NewExpr(ExprKind::kIsNull, off);
          e->negated = negated;
          e->args.push_back(std::move(left));
          left = std::move(e);
        } else if (PeekWord("TRUE") || PeekWord("FALSE") ||
                   PeekWord("UNKNOWN")) {
          auto e = NewExpr(ExprKind::kIsBool, off);
          const Token& t = Take();
          if (!t.IsWord("UNKNOWN")) e->truth = t.IsWord("TRUE");
          e->negated = negated;
          e->args.push_back(std::move(left));
          left = std::move(e);
        } else {
          return Error();
        }
        continue;
      }
      bool negated = false;
      if (PeekWord("NOT") &&
          (PeekWord("IN", 1) || PeekWord("BETWEEN", 1) || PeekWord("LIKE", 1) ||
           PeekWord("REGEXP", 1) || PeekWord("RLIKE", 1))) {
        ++pos_;
        negated = true;
      }
      if (AcceptWord("IN")) {
        auto e = NewExpr(ExprKind::kIn, off);
        e->negated = negated;
        e->args.push_back(std::move(left));
        XP_RETURN_IF_ERROR(ExpectOp("("));
        const bool is_query = QueryStartsHere();
        if (is_query) {
          XP_SET_OR_RETURN(e->subquery, QueryExpr());
        } else {
          do {
            XP_ASSIGN_OR_RETURN(ExprPtr item, Expression());
            e->args.push_back(std::move(item));
          } while (AcceptOp(","));
        }
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        left = std::move(e);
      } else if (AcceptWord("BETWEEN")) {
        DepthGuard guard(this);  // the upper bound recurses into Predicate
        if (guard.exceeded()) return TooDeep();
        auto e = NewExpr(ExprKind::kBetween, off);
        e->negated = negated;
        e->args.push_back(std::move(left));
        XP_ASSIGN_OR_RETURN(ExprPtr low, BitExpr());
        XP_RETURN_IF_ERROR(ExpectWord("AND"));
        XP_ASSIGN_OR_RETURN(ExprPtr high, Predicate());
        e->args.push_back(std::move(low));
        e->args.push_back(std::move(high));
        left = std::move(e);
      } else if (AcceptWord("LIKE")) {
        auto e = NewExpr(ExprKind::kLike, off);
        e->negated = negated;
        e->args.push_back(std::move(left));
        XP_ASSIGN_OR_RETURN(ExprPtr pattern, BitExpr());
        e->args.push_back(std::move(pattern));
        if (AcceptWord("ESCAPE")) {
          XP_ASSIGN_OR_RETURN(ExprPtr esc, Primary());
          e->args.push_back(std::move(esc));
        }
        left = std::move(e);
      } else if (AcceptWord("REGEXP") || AcceptWord("RLIKE")) {
        auto e = NewExpr(ExprKind::kLike, off);
        e->negated = negated;
        e->regexp = true;
        e->args.push_back(std::move(left));
        XP_ASSIGN_OR_RETURN(ExprPtr pattern, BitExpr());
        e->args.push_back(std::move(pattern));
        left = std::move(e);
      } else if (negated) {
        return Error();
      } else if (ComparisonOp(Peek(), &op)) {
        ++pos_;
        if (PeekWord("ANY") || PeekWord("SOME") || PeekWord("ALL")) {
          auto e = NewExpr(ExprKind::kQuantified, off);
          e->all = Take().IsWord("ALL");
          e->bop = op;
          e->args.push_back(std::move(left));
          XP_RETURN_IF_ERROR(ExpectOp("("));
          XP_SET_OR_RETURN(e->subquery, QueryExpr());
          XP_RETURN_IF_ERROR(ExpectOp(")"));
          left = std::move(e);
        } else {
          XP_ASSIGN_OR_RETURN(ExprPtr right, BitExpr());
          left = Binary(op, std::move(left), std::move(right));
        }
      } else {
        return left;
      }
    }
  }

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
  bool MatchBitExprOp(int level, BinaryOp* op) const {
    const Token& t = Peek();
    for (const auto& o : kBitExprOperators) {
      if (o.level == level &&
          (o.op != nullptr ? t.IsOp(o.op) : t.IsWord(o.word))) {
        *op = o.bop;
        return true;
      }
    }
    return false;
  }

  // Left-associative binary operators at `level` and tighter.
  Result<ExprPtr> BitExpr(int level = 0) {
    if (level == kBitExprLevels) return Unary();
    XP_ASSIGN_OR_RETURN(ExprPtr left, BitExpr(level + 1));
    BinaryOp op;
    while (MatchBitExprOp(level, &op)) {
      ++pos_;
      XP_ASSIGN_OR_RETURN(ExprPtr right, BitExpr(level + 1));
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> Unary() {
    const Token& t = Peek();
    UnaryOp op;
    if (t.IsOp("-"))
      op = UnaryOp::kMinus;
    else if (t.IsOp("+"))
      op = UnaryOp::kPlus;
    else if (t.IsOp("!"))
      op = UnaryOp::kNot;
    else if (t.IsOp("~"))
      op = UnaryOp::kBitNot;
    else if (t.IsWord("BINARY") && !Peek(1).IsOp("(") && !Peek(1).IsOp(")") &&
             !Peek(1).IsOp(",") && !Peek(1).Is(TokenKind::kEnd)) {
      op = UnaryOp::kBinary;
    } else {
      return Collate();
    }
    ++pos_;
    DepthGuard guard(this);
    if (guard.exceeded()) return TooDeep();
    XP_ASSIGN_OR_RETURN(ExprPtr operand, Unary());
    // Fold a minus into a numeric literal so -9223372036854775808 fits.
    if (op == UnaryOp::kMinus && operand->kind == ExprKind::kLiteral &&
        (operand->lit == LiteralKind::kInteger ||
         operand->lit == LiteralKind::kDecimal ||
         operand->lit == LiteralKind::kFloat) &&
        operand->text[0] != '-') {
      operand->text.insert(0, "-");
      operand->offset = t.offset;
      return operand;
    }
    auto e = NewExpr(ExprKind::kUnary, t.offset);
    e->uop = op;
    e->args.push_back(std::move(operand));
    return e;
  }

  Result<ExprPtr> Collate() {
    XP_ASSIGN_OR_RETURN(ExprPtr e, Primary());
    while (AcceptWord("COLLATE")) {
      auto c = NewExpr(ExprKind::kCollate, e->offset);
      XP_SET_OR_RETURN(c->text, NameOrString());
      c->args.push_back(std::move(e));
      e = std::move(c);
    }
    return e;
  }

  Result<IntervalUnit> Unit() {
    const Token& t = Peek();
    if (t.Is(TokenKind::kIdent)) {
      const std::string u = Upper(t.text);
      for (const auto& n : kUnits) {
        if (n.name == u) {
          ++pos_;
          return n.unit;
        }
      }
    }
    return Error();
  }

  Result<ExprPtr> Literal(LiteralKind k, const Token& t, std::string text) {
    auto e = NewExpr(ExprKind::kLiteral, t.offset);
    e->lit = k;
    e->text = std::move(text);
    return e;
  }

  Result<ExprPtr> Primary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kInteger:
        ++pos_;
        return Literal(LiteralKind::kInteger, t, std::string(t.text));
      case TokenKind::kDecimal:
        ++pos_;
        return Literal(LiteralKind::kDecimal, t, std::string(t.text));
      case TokenKind::kFloat:
        ++pos_;
        return Literal(LiteralKind::kFloat, t, std::string(t.text));
      case TokenKind::kString: {
        ++pos_;
        std::string v = t.value;
        while (Peek().Is(TokenKind::kString)) v += Take().value;  // 'a' 'b'
        return Literal(LiteralKind::kString, t, std::move(v));
      }
      case TokenKind::kHex: {
        ++pos_;
        XP_ASSIGN_OR_RETURN(ExprPtr e, Literal(LiteralKind::kHex, t, t.value));
        e->binary_string = true;
        return e;
      }
      case TokenKind::kBit:
        ++pos_;
        return Literal(LiteralKind::kBit, t, t.value);
      case TokenKind::kParam: {
        ++pos_;
        auto e = NewExpr(ExprKind::kParam, t.offset);
        e->param_index = params_++;
        return e;
      }
      case TokenKind::kUserVar: {
        ++pos_;
        auto e = NewExpr(ExprKind::kUserVar, t.offset);
        e->text = t.value;
        return e;
      }
      case TokenKind::kSysVar: {
        ++pos_;
        auto e = NewExpr(ExprKind::kSysVar, t.offset);
        e->text = AsciiLower(t.text.substr(2));
        return e;
      }
      case TokenKind::kOp:
        if (t.IsOp("(")) return Parenthesized();
        return Error();
      case TokenKind::kIdent:
      case TokenKind::kQuotedIdent:
        return WordPrimary();
      case TokenKind::kEnd:
        return Error();
    }
    return Error();
  }

  Result<ExprPtr> Parenthesized() {
    const uint32_t off = Take().offset;
    if (QueryStartsHere()) {
      auto e = NewExpr(ExprKind::kSubquery, off);
      XP_SET_OR_RETURN(e->subquery, QueryExpr());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    XP_ASSIGN_OR_RETURN(ExprPtr first, Expression());
    if (AcceptOp(",")) {
      auto row = NewExpr(ExprKind::kRow, off);
      row->args.push_back(std::move(first));
      do {
        XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
        row->args.push_back(std::move(e));
      } while (AcceptOp(","));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return row;
    }
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return first;
  }

  Result<ExprPtr> WordPrimary() {
    const Token& t = Peek();
    const uint32_t off = t.offset;
    if (t.Is(TokenKind::kIdent)) {
      const std::string w = Upper(t.text);
      if (w == "NULL") {
        ++pos_;
        return Literal(LiteralKind::kNull, t, "");
      }
      if (w == "TRUE" || w == "FALSE") {
        ++pos_;
        return Literal(LiteralKind::kBool, t, w == "TRUE" ? "1" : "0");
      }
      if ((w == "DATE" || w == "TIME" || w == "TIMESTAMP") &&
          Peek(1).Is(TokenKind::kString)) {
        pos_ += 2;
        return Literal(w == "DATE"   ? LiteralKind::kDate
                       : w == "TIME" ? LiteralKind::kTime
                                     : LiteralKind::kTimestamp,
                       t, toks_[pos_ - 1].value);
      }
      // Character set introducers: _binary'x', _utf8mb4'x'.
      if (w.size() > 1 && w[0] == '_' && Peek(1).Is(TokenKind::kString)) {
        pos_ += 2;
        XP_ASSIGN_OR_RETURN(
            ExprPtr e, Literal(LiteralKind::kString, t, toks_[pos_ - 1].value));
        e->binary_string = w == "_BINARY";
        return e;
      }
      if (w == "EXISTS" || (w == "NOT" && PeekWord("EXISTS", 1))) {
        auto e = NewExpr(ExprKind::kExists, off);
        if (w == "NOT") {
          e->negated = true;
          ++pos_;
        }
        ++pos_;
        XP_RETURN_IF_ERROR(ExpectOp("("));
        XP_SET_OR_RETURN(e->subquery, QueryExpr());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        return e;
      }
      if (w == "CASE") return Case();
      if (w == "INTERVAL") {
        ++pos_;
        auto e = NewExpr(ExprKind::kInterval, off);
        XP_ASSIGN_OR_RETURN(ExprPtr v, Expression());
        e->args.push_back(std::move(v));
        XP_SET_OR_RETURN(e->unit, Unit());
        return e;
      }
      if (w == "CAST" && Peek(1).IsOp("(")) {
        pos_ += 2;
        auto e = NewExpr(ExprKind::kCast, off);
        XP_ASSIGN_OR_RETURN(ExprPtr v, Expression());
        e->args.push_back(std::move(v));
        XP_RETURN_IF_ERROR(ExpectWord("AS"));
        XP_SET_OR_RETURN(e->cast_type, Type(/*cast=*/true));
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        return e;
      }
      if (w == "CONVERT" && Peek(1).IsOp("(")) {
        pos_ += 2;
        XP_ASSIGN_OR_RETURN(ExprPtr v, Expression());
        if (AcceptWord("USING")) {
          auto e = NewExpr(ExprKind::kCollate, off);  // charset conversion
          XP_SET_OR_RETURN(e->text, NameOrString());
          e->args.push_back(std::move(v));
          XP_RETURN_IF_ERROR(ExpectOp(")"));
          return e;
        }
        XP_RETURN_IF_ERROR(ExpectOp(","));
        auto e = NewExpr(ExprKind::kCast, off);
        e->args.push_back(std::move(v));
        XP_SET_OR_RETURN(e->cast_type, Type(/*cast=*/true));
        XP_RETURN_IF_ERROR(ExpectOp(")"));
        return e;
      }
      if (w == "DEFAULT" && !Peek(1).IsOp("(")) {
        ++pos_;
        return NewExpr(ExprKind::kDefault, off);
      }
      // Niladic functions usable without parentheses.
      if ((w == "CURRENT_TIMESTAMP" || w == "CURRENT_DATE" ||
           w == "CURRENT_TIME" || w == "CURRENT_USER" || w == "LOCALTIME" ||
           w == "LOCALTIMESTAMP" || w == "UTC_TIMESTAMP" || w == "UTC_DATE") &&
          !Peek(1).IsOp("(")) {
        ++pos_;
        auto e = NewExpr(ExprKind::kFunction, off);
        e->text = w;
        return e;
      }
      if (Peek(1).IsOp("(")) return Function(w);
      if (IsReserved(w)) return Error();
    } else if (Peek(1).IsOp("(") && !Peek(1).space_before) {
      return Function(Upper(t.value));
    }
    // Column reference: name, table.name, schema.table.name.
    auto e = NewExpr(ExprKind::kColumn, off);
    XP_SET_OR_RETURN(e->text, AnyIdent());
    if (AcceptOp(".")) {
      e->table = std::move(e->text);
      XP_SET_OR_RETURN(e->text, AnyIdent());
      if (AcceptOp(".")) {
        e->schema = std::move(e->table);
        e->table = std::move(e->text);
        XP_SET_OR_RETURN(e->text, AnyIdent());
      }
    }
    return e;
  }

  Result<ExprPtr> Case() {
    auto e = NewExpr(ExprKind::kCase, Take().offset);
    if (!PeekWord("WHEN")) {
      XP_ASSIGN_OR_RETURN(ExprPtr operand, Expression());
      e->args.push_back(std::move(operand));
      e->has_operand = true;
    }
    if (!PeekWord("WHEN")) return Error();
    while (AcceptWord("WHEN")) {
      XP_ASSIGN_OR_RETURN(ExprPtr when, Expression());
      XP_RETURN_IF_ERROR(ExpectWord("THEN"));
      XP_ASSIGN_OR_RETURN(ExprPtr then, Expression());
      e->args.push_back(std::move(when));
      e->args.push_back(std::move(then));
    }
    if (AcceptWord("ELSE")) {
      XP_ASSIGN_OR_RETURN(ExprPtr other, Expression());
      e->args.push_back(std::move(other));
      e->has_else = true;
    }
    XP_RETURN_IF_ERROR(ExpectWord("END"));
    return e;
  }

  // name(...) with MySQL's special argument syntaxes.
  Result<ExprPtr> Function(const std::string& name) {
    auto e = NewExpr(ExprKind::kFunction, Peek().offset);
    e->text = name;
    pos_ += 2;  // name (
    if (AcceptOp(")")) return e;
    if (name == "COUNT" && Peek().IsOp("*")) {
      e->args.push_back(NewExpr(ExprKind::kStar, Take().offset));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    static const std::unordered_set<std::string_view> kAggregates = {
        "COUNT",        "SUM",           "AVG",         "MIN",      "MAX",
        "GROUP_CONCAT", "BIT_AND",       "BIT_OR",      "BIT_XOR",  "STD",
        "STDDEV",       "STDDEV_POP",    "STDDEV_SAMP", "VARIANCE", "VAR_POP",
        "VAR_SAMP",     "JSON_ARRAYAGG", "ANY_VALUE"};
    if (kAggregates.count(name)) {
      if (AcceptWord("DISTINCT")) {
        e->distinct = true;
      } else {
        AcceptWord("ALL");
      }
    }
    if (name == "TRIM") {
      // TRIM([BOTH|LEADING|TRAILING] [remstr] FROM str) -> TRIM/LTRIM/RTRIM
      std::string mode;
      if (PeekWord("BOTH") || PeekWord("LEADING") || PeekWord("TRAILING")) {
        mode = Upper(Take().text);
      }
      if (AcceptWord("FROM")) {
        XP_ASSIGN_OR_RETURN(ExprPtr str, Expression());
        e->args.push_back(std::move(str));
      } else {
        XP_ASSIGN_OR_RETURN(ExprPtr first, Expression());
        if (AcceptWord("FROM")) {
          XP_ASSIGN_OR_RETURN(ExprPtr str, Expression());
          e->args.push_back(std::move(str));
          e->args.push_back(std::move(first));  // TRIM(str, remstr)
        } else {
          if (!mode.empty()) return Error();
          e->args.push_back(std::move(first));
        }
      }
      if (mode == "LEADING") e->text = "LTRIM";
      if (mode == "TRAILING") e->text = "RTRIM";
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    if (name == "EXTRACT") {
      XP_ASSIGN_OR_RETURN(IntervalUnit unit, Unit());
      e->unit = unit;
      XP_RETURN_IF_ERROR(ExpectWord("FROM"));
      XP_ASSIGN_OR_RETURN(ExprPtr v, Expression());
      e->args.push_back(std::move(v));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    if (name == "POSITION") {
      XP_ASSIGN_OR_RETURN(ExprPtr sub, BitExpr());
      XP_RETURN_IF_ERROR(ExpectWord("IN"));
      XP_ASSIGN_OR_RETURN(ExprPtr str, Expression());
      e->text = "LOCATE";
      e->args.push_back(std::move(sub));
      e->args.push_back(std::move(str));
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    XP_ASSIGN_OR_RETURN(ExprPtr first, Expression());
    e->args.push_back(std::move(first));
    if ((name == "SUBSTRING" || name == "SUBSTR" || name == "MID") &&
        AcceptWord("FROM")) {
      XP_ASSIGN_OR_RETURN(ExprPtr from, Expression());
      e->args.push_back(std::move(from));
      if (AcceptWord("FOR")) {
        XP_ASSIGN_OR_RETURN(ExprPtr len, Expression());
        e->args.push_back(std::move(len));
      }
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      return e;
    }
    while (AcceptOp(",")) {
      XP_ASSIGN_OR_RETURN(ExprPtr arg, Expression());
      e->args.push_back(std::move(arg));
    }
    if (name == "GROUP_CONCAT") {
      if (AcceptWord("ORDER")) {
        XP_RETURN_IF_ERROR(ExpectWord("BY"));
        XP_SET_OR_RETURN(e->order_by, OrderList());
      }
      if (AcceptWord("SEPARATOR")) XP_SET_OR_RETURN(e->separator, StringLit());
    }
    if (name == "CHAR" && AcceptWord("USING"))
      XP_RETURN_IF_ERROR(NameOrString().status());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return e;
  }

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

}  // namespace

Result<StmtPtr> Parse(std::string_view sql) {
  XP_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens));
  if (p.AtStatementEnd()) return SqlError(ER_EMPTY_QUERY, "Query was empty");
  XP_ASSIGN_OR_RETURN(StmtPtr stmt, p.Statement());
  p.AcceptSemicolon();
  if (!p.AtEnd()) return p.ErrorHere();
  return stmt;
}

Result<std::vector<std::string_view>> SplitStatements(std::string_view sql) {
  XP_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  std::vector<std::string_view> out;
  size_t begin = 0;
  bool any = false;  // a token since the last ';'
  for (const Token& t : tokens) {
    if (t.Is(TokenKind::kEnd) || t.IsOp(";")) {
      const size_t end = t.Is(TokenKind::kEnd) ? sql.size() : t.offset;
      if (any) out.push_back(sql.substr(begin, end - begin));
      begin = end + 1;
      any = false;
      if (t.Is(TokenKind::kEnd)) break;
      continue;
    }
    any = true;
  }
  return out;
}

Result<std::vector<StmtPtr>> ParseScript(std::string_view sql) {
  XP_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens));
  std::vector<StmtPtr> out;
  while (!p.AtStatementEnd()) {
    p.ResetParams();
    XP_ASSIGN_OR_RETURN(StmtPtr stmt, p.Statement());
    out.push_back(std::move(stmt));
    if (!p.AcceptSemicolon() && !p.AtEnd()) return p.ErrorHere();
  }
  return out;
}

}  // namespace xp::sql
