#include "plan/sql/parser.h"

#include <unordered_set>

#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql {

namespace parser_internal {

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

// ------------------------------------------------------------ statements
Result<StmtPtr> Parser::ParseStatement() {
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
  if (t.IsWord("RENAME") && PeekWord("TABLE", 1)) {
    pos_ += 2;
    auto s = std::make_unique<RenameTableStatement>();
    do {
      QualifiedName from, to;
      XP_SET_OR_RETURN(from, QualName());
      XP_RETURN_IF_ERROR(ExpectWord("TO"));
      XP_SET_OR_RETURN(to, QualName());
      s->renames.emplace_back(std::move(from), std::move(to));
    } while (AcceptOp(","));
    return StmtPtr(std::move(s));
  }
  if ((t.IsWord("LOCK") || t.IsWord("UNLOCK")) &&
      (PeekWord("TABLES", 1) || PeekWord("TABLE", 1))) {
    const bool lock = t.IsWord("LOCK");
    pos_ += 2;
    auto s = std::make_unique<LockTablesStatement>(
        lock ? StmtKind::kLockTables : StmtKind::kUnlockTables);
    if (!lock) return StmtPtr(std::move(s));
    do {
      LockTablesStatement::Item item;
      XP_SET_OR_RETURN(item.table, QualName());
      if (AcceptWord("AS")) {
        XP_SET_OR_RETURN(item.alias, Ident());
      } else if (PeekIdent() && !PeekWord("READ") && !PeekWord("WRITE") &&
                 !PeekWord("LOW_PRIORITY")) {
        XP_SET_OR_RETURN(item.alias, Ident());
      }
      if (AcceptWord("READ")) {
        AcceptWord("LOCAL");
      } else {
        AcceptWord("LOW_PRIORITY");
        XP_RETURN_IF_ERROR(ExpectWord("WRITE"));
        item.write = true;
      }
      s->items.push_back(std::move(item));
    } while (AcceptOp(","));
    return StmtPtr(std::move(s));
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

Result<StmtPtr> Parser::Show() {
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
  } else if ((PeekWord("FUNCTION") || PeekWord("PROCEDURE")) &&
             PeekWord("STATUS", 1)) {
    s->what = W::kRoutineStatus;
    s->routine = Upper(Take().text);
    ++pos_;
  } else if (AcceptWord("WARNINGS") || AcceptWord("ERRORS")) {
    s->what = W::kWarnings;
    return StmtPtr(std::move(s));
  } else if (AcceptWord("PROCESSLIST")) {
    s->what = W::kProcesslist;
    return StmtPtr(std::move(s));
  } else if (AcceptWord("GRANTS")) {
    s->what = W::kGrants;
    if (AcceptWord("FOR")) {
      XP_SET_OR_RETURN(s->grants_for, Account());
      if (AcceptWord("USING")) XP_SET_OR_RETURN(s->grants_using, AccountList());
    }
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

Result<StmtPtr> Parser::Set() {
  ++pos_;
  if (PeekWord("PASSWORD") && (PeekWord("FOR", 1) || Peek(1).IsOp("=")))
    return (++pos_, SetPassword());
  if (PeekWord("ROLE") && !Peek(1).IsOp("=")) return (++pos_, SetRole());
  if (PeekWord("DEFAULT") && PeekWord("ROLE", 1))
    return (pos_ += 2, SetDefaultRole());
  auto s = std::make_unique<SetStatement>();
  if (AcceptWord("NAMES")) {
    s->names = true;
    if (AcceptWord("DEFAULT")) return StmtPtr(std::move(s));
    XP_SET_OR_RETURN(s->charset, NameOrString());
    if (AcceptWord("COLLATE")) XP_SET_OR_RETURN(s->collation, NameOrString());
    return StmtPtr(std::move(s));
  }
  if (PeekWord("TRANSACTION") || ((PeekWord("SESSION") || PeekWord("GLOBAL")) &&
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

Result<StmtPtr> Parser::Transaction() {
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

Result<StmtPtr> Parser::Xa() {
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

Result<StmtPtr> Parser::Explain() {
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

}  // namespace parser_internal

using parser_internal::Parser;

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
