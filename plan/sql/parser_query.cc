// Query expressions: SELECT blocks, set operations, FROM clauses, ORDER BY /
// LIMIT (see parser_internal.h).
#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql::parser_internal {

// ------------------------------------------------------------ queries
// query_expr := [WITH ctes] union_expr [ORDER BY ...] [LIMIT ...]
Result<SelectPtr> Parser::QueryExpr() {
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
Status Parser::LockingClauses(SelectStmt* q) {
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

SelectPtr Parser::WrapAsDerived(SelectPtr q) {
  auto wrap = std::make_unique<SelectStmt>();
  wrap->offset = q->offset;
  wrap->items.push_back(
      SelectItem{NewExpr(ExprKind::kStar, q->offset), "", ""});
  wrap->from = std::make_unique<TableRef>();
  wrap->from->kind = TableRef::Kind::kSubquery;
  wrap->from->offset = q->offset;
  wrap->from->alias = "__derived";
  wrap->from->subquery = std::move(q);
  return wrap;
}

Status Parser::OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit,
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

Result<ExprPtr> Parser::LimitValue() {
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

Result<std::vector<OrderItem>> Parser::OrderList() {
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
Result<SelectPtr> Parser::UnionExpr() {
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

Result<SelectPtr> Parser::IntersectExpr() {
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
Result<SelectPtr> Parser::SetOp(SetOpKind op, SelectPtr left, bool intersect) {
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

Result<SelectPtr> Parser::QueryPrimary() {
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

Result<SelectPtr> Parser::SelectBlock() {
  auto s = std::make_unique<SelectStmt>();
  s->offset = Take().offset;  // SELECT
  for (;;) {
    if (AcceptWord("DISTINCT") || AcceptWord("DISTINCTROW")) {
      s->distinct = true;
    } else if (AcceptWord("SQL_CALC_FOUND_ROWS")) {
      s->calc_found_rows = true;
    } else if (AcceptWord("ALL") || AcceptWord("STRAIGHT_JOIN") ||
               AcceptWord("SQL_NO_CACHE") || AcceptWord("SQL_CACHE") ||
               AcceptWord("HIGH_PRIORITY") || AcceptWord("SQL_SMALL_RESULT") ||
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
Result<std::string> Parser::Alias(bool after_as) {
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

Result<ExprPtr> Parser::SelectExpr() {
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
      e->table = t.Is(TokenKind::kQuotedIdent) ? t.value : std::string(t.text);
      pos_ += 3;
      return e;
    }
    if ((Peek(2).Is(TokenKind::kIdent) ||
         Peek(2).Is(TokenKind::kQuotedIdent)) &&
        Peek(3).IsOp(".") && Peek(4).IsOp("*")) {
      auto e = NewExpr(ExprKind::kStar, t.offset);
      e->schema = t.Is(TokenKind::kQuotedIdent) ? t.value : std::string(t.text);
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
Result<TableRefPtr> Parser::TableRefs() {
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

Result<TableRefPtr> Parser::JoinedTable() {
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

Result<TableRefPtr> Parser::TableFactor() {
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
Status Parser::DerivedTable(TableRef* t) {
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
bool Parser::QueryStartsHere() const {
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
         next.IsWord("EXCEPT") || next.IsWord("ORDER") || next.IsWord("LIMIT");
}

}  // namespace xp::sql::parser_internal
