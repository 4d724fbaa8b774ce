#include "plan/sql/printer.h"

#include "codec/coding.h"
#include "plan/sql/printer_internal.h"

namespace xp::sql {

std::string QuoteIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

namespace {

bool IsPlainWord(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string QuoteString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\x1a':
        out += "\\Z";
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

const char* BinaryOpSql(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kIntDiv:
      return "DIV";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNullSafeEq:
      return "<=>";
    case BinaryOp::kNe:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kXor:
      return "XOR";
    case BinaryOp::kBitAnd:
      return "&";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kBitXor:
      return "^";
    case BinaryOp::kShiftLeft:
      return "<<";
    case BinaryOp::kShiftRight:
      return ">>";
  }
  return "?";
}

const char* IntervalUnitSql(IntervalUnit u) {
  switch (u) {
    case IntervalUnit::kMicrosecond:
      return "MICROSECOND";
    case IntervalUnit::kSecond:
      return "SECOND";
    case IntervalUnit::kMinute:
      return "MINUTE";
    case IntervalUnit::kHour:
      return "HOUR";
    case IntervalUnit::kDay:
      return "DAY";
    case IntervalUnit::kWeek:
      return "WEEK";
    case IntervalUnit::kMonth:
      return "MONTH";
    case IntervalUnit::kQuarter:
      return "QUARTER";
    case IntervalUnit::kYear:
      return "YEAR";
    case IntervalUnit::kSecondMicrosecond:
      return "SECOND_MICROSECOND";
    case IntervalUnit::kMinuteMicrosecond:
      return "MINUTE_MICROSECOND";
    case IntervalUnit::kMinuteSecond:
      return "MINUTE_SECOND";
    case IntervalUnit::kHourMicrosecond:
      return "HOUR_MICROSECOND";
    case IntervalUnit::kHourSecond:
      return "HOUR_SECOND";
    case IntervalUnit::kHourMinute:
      return "HOUR_MINUTE";
    case IntervalUnit::kDayMicrosecond:
      return "DAY_MICROSECOND";
    case IntervalUnit::kDaySecond:
      return "DAY_SECOND";
    case IntervalUnit::kDayMinute:
      return "DAY_MINUTE";
    case IntervalUnit::kDayHour:
      return "DAY_HOUR";
    case IntervalUnit::kYearMonth:
      return "YEAR_MONTH";
  }
  return "?";
}

namespace printer_internal {

std::string Qualified(const std::string& schema, const std::string& table,
                      const std::string& name) {
  std::string out;
  if (!schema.empty()) out += QuoteIdent(schema) + ".";
  if (!table.empty()) out += QuoteIdent(table) + ".";
  return out + name;
}

std::string Name(const QualifiedName& q) {
  return q.schema.empty() ? QuoteIdent(q.name)
                          : QuoteIdent(q.schema) + "." + QuoteIdent(q.name);
}

std::string List(const std::vector<ExprPtr>& v, size_t from) {
  std::string out;
  for (size_t i = from; i < v.size(); ++i) {
    if (i > from) out += ", ";
    out += ToSql(*v[i]);
  }
  return out;
}

std::string IdentList(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += QuoteIdent(v[i]);
  }
  return out;
}

std::string Order(const std::vector<OrderItem>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += ToSql(*v[i].expr);
    if (v[i].desc) out += " DESC";
  }
  return out;
}

// Operators that associate left within one precedence level.
int PrecedenceClass(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return 1;
    case BinaryOp::kXor:
      return 2;
    case BinaryOp::kAnd:
      return 3;
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
      return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kIntDiv:
    case BinaryOp::kMod:
      return 5;
    default:
      return 0;  // not flattened
  }
}

bool SameClass(BinaryOp a, BinaryOp b) {
  return PrecedenceClass(a) != 0 && PrecedenceClass(a) == PrecedenceClass(b);
}

std::string Literal(const Expr& e) {
  switch (e.lit) {
    case LiteralKind::kNull:
      return "NULL";
    case LiteralKind::kInteger:
    case LiteralKind::kDecimal:
    case LiteralKind::kFloat:
      return e.text;
    case LiteralKind::kString:
      return (e.binary_string ? "_binary" : "") + QuoteString(e.text);
    case LiteralKind::kHex:
      return "X'" + ToHex(e.text) + "'";
    case LiteralKind::kBit:
      return "b'" + e.text + "'";
    case LiteralKind::kBool:
      return e.text == "1" ? "TRUE" : "FALSE";
    case LiteralKind::kDate:
      return "DATE " + QuoteString(e.text);
    case LiteralKind::kTime:
      return "TIME " + QuoteString(e.text);
    case LiteralKind::kTimestamp:
      return "TIMESTAMP " + QuoteString(e.text);
  }
  return "?";
}

}  // namespace printer_internal

using namespace printer_internal;  // NOLINT: the shared helpers

std::string ToSql(const TypeName& t) {
  std::string out = t.name;
  if (!t.values.empty()) {
    out += "(";
    for (size_t i = 0; i < t.values.size(); ++i) {
      if (i) out += ",";
      out += QuoteString(t.values[i]);
    }
    out += ")";
  } else if (t.length >= 0) {
    out += "(" + std::to_string(t.length);
    if (t.scale >= 0) out += "," + std::to_string(t.scale);
    out += ")";
  }
  if (t.is_unsigned) out += " UNSIGNED";
  if (t.zerofill) out += " ZEROFILL";
  if (!t.charset.empty()) out += " CHARACTER SET " + t.charset;
  if (!t.collation.empty()) out += " COLLATE " + t.collation;
  return out;
}

std::string ToSql(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Literal(e);
    case ExprKind::kColumn:
      return Qualified(e.schema, e.table, QuoteIdent(e.text));
    case ExprKind::kStar:
      return Qualified(e.schema, e.table, "*");
    case ExprKind::kParam:
      return "?";
    case ExprKind::kUserVar:
      return "@" + QuoteIdent(e.text);
    case ExprKind::kSysVar:
      return "@@" + e.text;
    case ExprKind::kUnary:
      switch (e.uop) {
        case UnaryOp::kMinus:
          return "(-" + ToSql(*e.args[0]) + ")";
        case UnaryOp::kPlus:
          return "(+" + ToSql(*e.args[0]) + ")";
        case UnaryOp::kNot:
          return "(NOT " + ToSql(*e.args[0]) + ")";
        case UnaryOp::kBitNot:
          return "(~" + ToSql(*e.args[0]) + ")";
        case UnaryOp::kBinary:
          return "(BINARY " + ToSql(*e.args[0]) + ")";
      }
      return "?";
    case ExprKind::kBinary: {
      // Left-deep chains of one precedence class print flat, "(a AND b AND
      // c)", which parses back to the same left-deep tree.
      if (PrecedenceClass(e.bop) == 0) {
        return "(" + ToSql(*e.args[0]) + " " + BinaryOpSql(e.bop) + " " +
               ToSql(*e.args[1]) + ")";
      }
      if (e.bop == BinaryOp::kAnd || e.bop == BinaryOp::kOr) {
        // n operands, one node (the parser's form): "(a AND b AND c)".
        std::string out = "(";
        for (size_t i = 0; i < e.args.size(); ++i) {
          if (i) out += std::string(" ") + BinaryOpSql(e.bop) + " ";
          out += ToSql(*e.args[i]);
        }
        return out + ")";
      }
      std::vector<const Expr*> spine;
      const Expr* cur = &e;
      while (cur->kind == ExprKind::kBinary && SameClass(cur->bop, e.bop)) {
        spine.push_back(cur);
        cur = cur->args[0].get();
      }
      std::string out = "(" + ToSql(*cur);
      for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
        out += std::string(" ") + BinaryOpSql((*it)->bop) + " " +
               ToSql(*(*it)->args[1]);
      }
      return out + ")";
    }
    case ExprKind::kFunction: {
      // A name that is not a plain word came from a quoted identifier
      // (`name`(...)); print it quoted so it parses back as the same call.
      std::string out = IsPlainWord(e.text) ? e.text : QuoteIdent(e.text);
      const bool niladic =
          e.args.empty() &&
          (e.text == "CURRENT_TIMESTAMP" || e.text == "CURRENT_DATE" ||
           e.text == "CURRENT_TIME" || e.text == "CURRENT_USER" ||
           e.text == "LOCALTIME" || e.text == "LOCALTIMESTAMP" ||
           e.text == "UTC_TIMESTAMP" || e.text == "UTC_DATE");
      if (niladic) return out;
      out += "(";
      if (e.text == "EXTRACT") {
        return out + IntervalUnitSql(e.unit) + " FROM " + ToSql(*e.args[0]) +
               ")";
      }
      if (e.distinct) out += "DISTINCT ";
      out += List(e.args);
      if (!e.order_by.empty()) out += " ORDER BY " + Order(e.order_by);
      if (e.text == "GROUP_CONCAT" && e.separator != ",") {
        out += " SEPARATOR " + QuoteString(e.separator);
      }
      return out + ")";
    }
    case ExprKind::kCase: {
      std::string out = "(CASE";
      size_t i = 0;
      if (e.has_operand) out += " " + ToSql(*e.args[i++]);
      const size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        out += " WHEN " + ToSql(*e.args[i]) + " THEN " + ToSql(*e.args[i + 1]);
      }
      if (e.has_else) out += " ELSE " + ToSql(*e.args.back());
      return out + " END)";
    }
    case ExprKind::kBetween:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " NOT" : "") + " BETWEEN " +
             ToSql(*e.args[1]) + " AND " + ToSql(*e.args[2]) + ")";
    case ExprKind::kIn:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " NOT" : "") + " IN (" +
             (e.subquery ? ToSql(*e.subquery) : List(e.args, 1)) + "))";
    case ExprKind::kLike: {
      std::string out = "(" + ToSql(*e.args[0]) + (e.negated ? " NOT" : "") +
                        (e.regexp ? " REGEXP " : " LIKE ") + ToSql(*e.args[1]);
      if (e.args.size() > 2) out += " ESCAPE " + ToSql(*e.args[2]);
      return out + ")";
    }
    case ExprKind::kIsNull:
      return "(" + ToSql(*e.args[0]) +
             (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kIsBool:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " IS NOT " : " IS ") +
             (!e.truth   ? "UNKNOWN"
              : *e.truth ? "TRUE"
                         : "FALSE") +
             ")";
    case ExprKind::kExists:
      return std::string(e.negated ? "(NOT EXISTS (" : "(EXISTS (") +
             ToSql(*e.subquery) + "))";
    case ExprKind::kSubquery:
      return "(" + ToSql(*e.subquery) + ")";
    case ExprKind::kQuantified:
      return "(" + ToSql(*e.args[0]) + " " + BinaryOpSql(e.bop) +
             (e.all ? " ALL (" : " ANY (") + ToSql(*e.subquery) + "))";
    case ExprKind::kCast:
      return "CAST(" + ToSql(*e.args[0]) + " AS " + ToSql(e.cast_type) + ")";
    case ExprKind::kInterval:
      return "INTERVAL " + ToSql(*e.args[0]) + " " + IntervalUnitSql(e.unit);
    case ExprKind::kCollate:
      return "(" + ToSql(*e.args[0]) + " COLLATE " + e.text + ")";
    case ExprKind::kDefault:
      return "DEFAULT";
    case ExprKind::kRow:
      return "(" + List(e.args) + ")";
  }
  return "?";
}

std::string ToSql(const TableRef& t) {
  switch (t.kind) {
    case TableRef::Kind::kTable: {
      std::string out = t.schema.empty()
                            ? QuoteIdent(t.name)
                            : QuoteIdent(t.schema) + "." + QuoteIdent(t.name);
      if (!t.alias.empty()) out += " AS " + QuoteIdent(t.alias);
      return out;
    }
    case TableRef::Kind::kSubquery: {
      std::string out =
          "(" + ToSql(*t.subquery) + ") AS " + QuoteIdent(t.alias);
      if (!t.column_aliases.empty())
        out += " (" + IdentList(t.column_aliases) + ")";
      return out;
    }
    case TableRef::Kind::kJoin: {
      const char* kw = t.join == JoinType::kInner   ? " JOIN "
                       : t.join == JoinType::kLeft  ? " LEFT JOIN "
                       : t.join == JoinType::kRight ? " RIGHT JOIN "
                                                    : " CROSS JOIN ";
      std::string out = "(" + ToSql(*t.left) + (t.natural ? " NATURAL" : "") +
                        kw + ToSql(*t.right);
      if (t.on) out += " ON " + ToSql(*t.on);
      if (!t.using_columns.empty())
        out += " USING (" + IdentList(t.using_columns) + ")";
      return out + ")";
    }
  }
  return "?";
}

std::string ToSql(const SelectStmt& q) {
  std::string out;
  if (!q.with.empty()) {
    out += q.recursive ? "WITH RECURSIVE " : "WITH ";
    for (size_t i = 0; i < q.with.size(); ++i) {
      if (i) out += ", ";
      out += QuoteIdent(q.with[i].name);
      if (!q.with[i].columns.empty())
        out += " (" + IdentList(q.with[i].columns) + ")";
      out += " AS (" + ToSql(*q.with[i].query) + ")";
    }
    out += " ";
  }
  if (q.kind == SelectStmt::Kind::kSetOp) {
    const char* op = q.op == SetOpKind::kUnion       ? " UNION "
                     : q.op == SetOpKind::kIntersect ? " INTERSECT "
                                                     : " EXCEPT ";
    for (size_t i = 0; i < q.operands.size(); ++i) {
      if (i) out += std::string(op) + (q.all ? "ALL " : "");
      out += "(" + ToSql(*q.operands[i]) + ")";
    }
  } else {
    out += "SELECT ";
    if (q.distinct) out += "DISTINCT ";
    for (size_t i = 0; i < q.items.size(); ++i) {
      if (i) out += ", ";
      out += ToSql(*q.items[i].expr);
      if (!q.items[i].alias.empty())
        out += " AS " + QuoteIdent(q.items[i].alias);
    }
    if (q.from) out += " FROM " + ToSql(*q.from);
    if (q.where) out += " WHERE " + ToSql(*q.where);
    if (!q.group_by.empty()) {
      out += " GROUP BY " + List(q.group_by);
      if (q.with_rollup) out += " WITH ROLLUP";
    }
    if (q.having) out += " HAVING " + ToSql(*q.having);
  }
  if (!q.order_by.empty()) out += " ORDER BY " + Order(q.order_by);
  if (q.limit) {
    out += " LIMIT " + ToSql(*q.limit);
    if (q.offset_expr) out += " OFFSET " + ToSql(*q.offset_expr);
  }
  if (q.lock != LockMode::kNone) {
    out += q.lock == LockMode::kUpdate ? " FOR UPDATE" : " FOR SHARE";
    if (q.lock_wait == LockWait::kNowait) out += " NOWAIT";
    if (q.lock_wait == LockWait::kSkipLocked) out += " SKIP LOCKED";
  }
  return out;
}

}  // namespace xp::sql
