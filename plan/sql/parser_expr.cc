// Scalar expressions and function calls (see parser_internal.h).
#include <unordered_set>

#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql::parser_internal {

// ------------------------------------------------------------ expressions
// Every expression tree is rooted at a call of this (or of
// CheckedUnary): the tree's height plus the nesting around it must fit
// the budget, so every later walk over it (binder, passes, serde,
// evaluator, printers) is bounded by kMaxParseDepth. Left-associative
// chains (a + b + c ...) are built by loops, not recursion, so this is
// where their length is checked.
Result<ExprPtr> Parser::Expression() {
  DepthGuard guard(this);
  if (guard.exceeded()) return TooDeep();
  XP_ASSIGN_OR_RETURN(ExprPtr e, Or());
  return CheckHeight(std::move(e));
}

Result<ExprPtr> Parser::CheckedUnary() {
  XP_ASSIGN_OR_RETURN(ExprPtr e, Unary());
  return CheckHeight(std::move(e));
}

Result<ExprPtr> Parser::CheckHeight(ExprPtr e) {
  if (static_cast<size_t>(depth_) + Height(e.get()) >
      static_cast<size_t>(kMaxParseDepth))
    return TooDeep();
  return e;
}

// The height of `root`'s tree, computed without recursion and memoized in
// Expr::height (subtrees checked by an inner Expression() are not walked
// again, so checking every level costs linear time).
uint32_t Parser::Height(Expr* root) {
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
      h = std::max(h,
                   o.expr->height == 0 ? Height(o.expr.get()) : o.expr->height);
    e->height = h + 1;
    stack.pop_back();
  }
  return root->height;
}

// a OR b OR c is one node with three operands (as AND): a long chain is
// a flat list, never a deep tree. `word` / `op` spell the operator,
// `next` parses an operand.
Result<ExprPtr> Parser::Chain(const char* word, const char* op, BinaryOp bop,
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

Result<ExprPtr> Parser::Or() {
  return Chain("OR", "||", BinaryOp::kOr, &Parser::Xor);
}

Result<ExprPtr> Parser::Xor() {
  XP_ASSIGN_OR_RETURN(ExprPtr left, And());
  while (AcceptWord("XOR")) {
    XP_ASSIGN_OR_RETURN(ExprPtr right, And());
    left = Binary(BinaryOp::kXor, std::move(left), std::move(right));
  }
  return left;
}

Result<ExprPtr> Parser::And() {
  return Chain("AND", "&&", BinaryOp::kAnd, &Parser::Not);
}

Result<ExprPtr> Parser::Not() {
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

bool Parser::ComparisonOp(const Token& t, BinaryOp* op) {
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
Result<ExprPtr> Parser::Predicate() {
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
      } else if (PeekWord("TRUE") || PeekWord("FALSE") || PeekWord("UNKNOWN")) {
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

bool Parser::MatchBitExprOp(int level, BinaryOp* op) const {
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
Result<ExprPtr> Parser::BitExpr(int level) {
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

Result<ExprPtr> Parser::Unary() {
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

Result<ExprPtr> Parser::Collate() {
  XP_ASSIGN_OR_RETURN(ExprPtr e, Primary());
  while (AcceptWord("COLLATE")) {
    auto c = NewExpr(ExprKind::kCollate, e->offset);
    XP_SET_OR_RETURN(c->text, NameOrString());
    c->args.push_back(std::move(e));
    e = std::move(c);
  }
  return e;
}

Result<IntervalUnit> Parser::Unit() {
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

Result<ExprPtr> Parser::Literal(LiteralKind k, const Token& t,
                                std::string text) {
  auto e = NewExpr(ExprKind::kLiteral, t.offset);
  e->lit = k;
  e->text = std::move(text);
  return e;
}

Result<ExprPtr> Parser::Primary() {
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

Result<ExprPtr> Parser::Parenthesized() {
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

Result<ExprPtr> Parser::WordPrimary() {
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

Result<ExprPtr> Parser::Case() {
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
Result<ExprPtr> Parser::Function(const std::string& name) {
  auto e = NewExpr(ExprKind::kFunction, Peek().offset);
  e->text = name;
  pos_ += 2;  // name (
  if (AcceptOp(")")) return e;
  if (name == "ROW") {  // ROW(a, b, ...): a row constructor
    e->kind = ExprKind::kRow;
    do {
      XP_ASSIGN_OR_RETURN(ExprPtr item, Expression());
      e->args.push_back(std::move(item));
    } while (AcceptOp(","));
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return e;
  }
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

}  // namespace xp::sql::parser_internal
