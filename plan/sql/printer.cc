#include "plan/sql/printer.h"

#include "codec/coding.h"

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

namespace {

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

std::string List(const std::vector<ExprPtr>& v, size_t from = 0) {
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

}  // namespace

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

namespace {

std::string ColumnSql(const ColumnDef& c) {
  std::string out = QuoteIdent(c.name) + " " + ToSql(c.type);
  if (c.not_null) out += " NOT NULL";
  if (c.default_value) out += " DEFAULT " + ToSql(*c.default_value);
  if (c.on_update) out += " ON UPDATE " + ToSql(*c.on_update);
  if (c.auto_increment) out += " AUTO_INCREMENT";
  if (c.primary_key) out += " PRIMARY KEY";
  if (c.unique) out += " UNIQUE";
  if (!c.comment.empty()) out += " COMMENT " + QuoteString(c.comment);
  return out;
}

std::string IndexSql(const IndexDef& i) {
  std::string out = i.kind == IndexDef::Kind::kPrimary  ? "PRIMARY KEY"
                    : i.kind == IndexDef::Kind::kUnique ? "UNIQUE KEY"
                                                        : "KEY";
  if (i.global) out = "GLOBAL " + out;
  if (!i.name.empty() && i.kind != IndexDef::Kind::kPrimary)
    out += " " + QuoteIdent(i.name);
  return out + " (" + Order(i.columns) + ")";
}

std::string UserSql(const UserSpec& u, bool auth);
std::string UserListSql(const std::vector<UserSpec>& users, bool auth);

std::string ShowSql(const ShowStatement& s) {
  using W = ShowStatement::What;
  std::string out = s.full ? "SHOW FULL " : "SHOW ";
  switch (s.what) {
    case W::kDatabases:
      out += "DATABASES";
      break;
    case W::kTables:
      out += "TABLES";
      if (!s.database.empty()) out += " FROM " + QuoteIdent(s.database);
      break;
    case W::kColumns:
      out += "COLUMNS FROM " + Name(s.table);
      break;
    case W::kCreateTable:
      return out + "CREATE TABLE " + Name(s.table);
    case W::kCreateView:
      return out + "CREATE VIEW " + Name(s.table);
    case W::kIndex:
      out += "INDEX FROM " + Name(s.table);
      break;
    case W::kVariables:
      out += "VARIABLES";
      break;
    case W::kStatus:
      out += "STATUS";
      break;
    case W::kWarnings:
      return out + "WARNINGS";
    case W::kProcesslist:
      return out + "PROCESSLIST";
    case W::kGrants:
      out += "GRANTS";
      if (s.grants_for) out += " FOR " + UserSql(*s.grants_for, false);
      if (!s.grants_using.empty())
        out += " USING " + UserListSql(s.grants_using, false);
      return out;
  }
  if (!s.like.empty()) out += " LIKE " + QuoteString(s.like);
  if (s.where) out += " WHERE " + ToSql(*s.where);
  return out;
}

std::string XaSql(const XaStatement& x) {
  using Op = XaStatement::Op;
  static const char* kOps[] = {"START",  "END",      "PREPARE",
                               "COMMIT", "ROLLBACK", "RECOVER"};
  std::string out = std::string("XA ") + kOps[static_cast<int>(x.op)];
  if (x.op == Op::kRecover) return out;
  out += " " + QuoteString(x.gtrid);
  if (!x.bqual.empty() || x.format_id != 1) out += ", " + QuoteString(x.bqual);
  if (x.format_id != 1) out += ", " + std::to_string(x.format_id);
  if (x.one_phase) out += " ONE PHASE";
  return out;
}

std::string UserSql(const UserSpec& u, bool auth) {
  std::string out = u.current ? "CURRENT_USER()"
                              : QuoteString(u.user) + "@" + QuoteString(u.host);
  if (!auth || !u.identified) return out;
  out += " IDENTIFIED";
  if (!u.plugin.empty()) out += " WITH " + u.plugin;
  // Secrets never appear in printed statements (logs, SHOW PROCESSLIST).
  // (A string, so the print still parses.)
  return out + (u.hashed ? " AS '<secret>'" : " BY '<secret>'");
}

std::string UserListSql(const std::vector<UserSpec>& users, bool auth) {
  std::string out;
  for (size_t i = 0; i < users.size(); ++i)
    out += (i ? ", " : "") + UserSql(users[i], auth);
  return out;
}

// NONE / ALL [EXCEPT roles] / DEFAULT / roles.
std::string RoleSetSql(const AccountStatement& a) {
  using RS = AccountStatement::RoleSet;
  switch (a.role_set) {
    case RS::kNone:
      return "NONE";
    case RS::kDefault:
      return "DEFAULT";
    case RS::kAll:
      return "ALL";
    case RS::kAllExcept:
      return "ALL EXCEPT " + UserListSql(a.roles, false);
    case RS::kList:
      break;
  }
  return UserListSql(a.roles, false);
}

std::string AccountSql(const AccountStatement& a) {
  switch (a.kind) {
    case StmtKind::kCreateRole:
      return std::string("CREATE ROLE ") +
             (a.if_exists ? "IF NOT EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kDropRole:
      return std::string("DROP ROLE ") + (a.if_exists ? "IF EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kSetRole:
      return "SET ROLE " + RoleSetSql(a);
    case StmtKind::kSetDefaultRole:
      return "SET DEFAULT ROLE " + RoleSetSql(a) + " TO " +
             UserListSql(a.users, false);
    case StmtKind::kCreateUser:
    case StmtKind::kAlterUser: {
      const bool create = a.kind == StmtKind::kCreateUser;
      std::string out = create ? "CREATE USER " : "ALTER USER ";
      if (a.if_exists) out += create ? "IF NOT EXISTS " : "IF EXISTS ";
      out += UserListSql(a.users, true);
      if (a.default_role) out += " DEFAULT ROLE " + RoleSetSql(a);
      if (a.require_ssl >= 0)
        out += a.require_ssl ? " REQUIRE SSL" : " REQUIRE NONE";
      if (a.lock >= 0) out += a.lock ? " ACCOUNT LOCK" : " ACCOUNT UNLOCK";
      if (a.expire >= 0)
        out += a.expire ? " PASSWORD EXPIRE" : " PASSWORD EXPIRE NEVER";
      return out;
    }
    case StmtKind::kDropUser:
      return std::string("DROP USER ") + (a.if_exists ? "IF EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kRenameUser: {
      std::string out = "RENAME USER ";
      for (size_t i = 0; i < a.users.size(); ++i)
        out += (i ? ", " : "") + UserSql(a.users[i], false) + " TO " +
               UserSql(a.rename_to[i], false);
      return out;
    }
    case StmtKind::kSetPassword:
      return "SET PASSWORD" +
             (a.users[0].current ? std::string()
                                 : " FOR " + UserSql(a.users[0], false)) +
             " = '<secret>'";
    default: {
      const bool grant = a.kind == StmtKind::kGrant;
      if (!a.roles.empty())
        return std::string(grant ? "GRANT " : "REVOKE ") +
               UserListSql(a.roles, false) + (grant ? " TO " : " FROM ") +
               UserListSql(a.users, false) +
               (a.admin_option ? " WITH ADMIN OPTION" : "");
      std::string privileges;
      for (size_t i = 0; i < a.privileges.size(); ++i) {
        privileges += (i ? ", " : "") + a.privileges[i].name;
        if (!a.privileges[i].columns.empty())
          privileges += " (" + IdentList(a.privileges[i].columns) + ")";
      }
      if (!grant && a.if_exists)
        return "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " +
               UserListSql(a.users, false);
      const std::string on = a.on.schema == "*"    ? "*.*"
                             : a.on.schema.empty() ? QuoteIdent(a.on.name)
                             : a.on.name == "*" ? QuoteIdent(a.on.schema) + ".*"
                                                : Name(a.on);
      return std::string(grant ? "GRANT " : "REVOKE ") + privileges + " ON " +
             (a.on.schema.empty() && a.on.name == "*" ? "*" : on) +
             (grant ? " TO " : " FROM ") + UserListSql(a.users, grant) +
             (grant && a.grant_option ? " WITH GRANT OPTION" : "");
    }
  }
}

}  // namespace

std::string ToSql(const Statement& s) {
  switch (s.kind) {
    case StmtKind::kSelect:
      return ToSql(*static_cast<const SelectStatement&>(s).query);
    case StmtKind::kInsert: {
      const auto& i = static_cast<const InsertStatement&>(s);
      std::string out = i.replace ? "REPLACE " : "INSERT ";
      if (i.ignore) out += "IGNORE ";
      out += "INTO " + Name(i.table);
      if (!i.columns.empty()) out += " (" + IdentList(i.columns) + ")";
      if (i.select) {
        out += " " + ToSql(*i.select);
      } else {
        out += " VALUES ";
        for (size_t r = 0; r < i.rows.size(); ++r) {
          if (r) out += ", ";
          out += "(" + List(i.rows[r]) + ")";
        }
      }
      if (!i.on_duplicate.empty()) {
        out += " ON DUPLICATE KEY UPDATE ";
        for (size_t k = 0; k < i.on_duplicate.size(); ++k) {
          if (k) out += ", ";
          out += QuoteIdent(i.on_duplicate[k].first) + " = " +
                 ToSql(*i.on_duplicate[k].second);
        }
      }
      return out;
    }
    case StmtKind::kUpdate: {
      const auto& u = static_cast<const UpdateStatement&>(s);
      std::string out = "UPDATE " + ToSql(*u.table) + " SET ";
      for (size_t k = 0; k < u.set.size(); ++k) {
        if (k) out += ", ";
        if (!u.set[k].table.empty()) out += QuoteIdent(u.set[k].table) + ".";
        out += QuoteIdent(u.set[k].column) + " = " + ToSql(*u.set[k].value);
      }
      if (u.where) out += " WHERE " + ToSql(*u.where);
      if (!u.order_by.empty()) out += " ORDER BY " + Order(u.order_by);
      if (u.limit) out += " LIMIT " + ToSql(*u.limit);
      return out;
    }
    case StmtKind::kDelete: {
      const auto& d = static_cast<const DeleteStatement&>(s);
      std::string out = "DELETE FROM " + Name(d.table);
      if (!d.alias.empty()) out += " AS " + QuoteIdent(d.alias);
      if (d.where) out += " WHERE " + ToSql(*d.where);
      if (!d.order_by.empty()) out += " ORDER BY " + Order(d.order_by);
      if (d.limit) out += " LIMIT " + ToSql(*d.limit);
      return out;
    }
    case StmtKind::kCreateDatabase:
    case StmtKind::kDropDatabase: {
      const auto& d = static_cast<const DatabaseStatement&>(s);
      if (s.kind == StmtKind::kCreateDatabase) {
        return std::string("CREATE DATABASE ") +
               (d.if_exists ? "IF NOT EXISTS " : "") + QuoteIdent(d.name);
      }
      return std::string("DROP DATABASE ") + (d.if_exists ? "IF EXISTS " : "") +
             QuoteIdent(d.name);
    }
    case StmtKind::kCreateTable: {
      const auto& c = static_cast<const CreateTableStatement&>(s);
      std::string out =
          std::string("CREATE ") + (c.temporary ? "TEMPORARY " : "") +
          "TABLE " + (c.if_not_exists ? "IF NOT EXISTS " : "") + Name(c.table);
      if (!c.like.name.empty()) return out + " LIKE " + Name(c.like);
      if (!c.columns.empty()) {
        out += " (";
        bool first = true;
        for (const auto& col : c.columns) {
          out += (first ? "" : ", ") + ColumnSql(col);
          first = false;
        }
        for (const auto& idx : c.indexes) out += ", " + IndexSql(idx);
        out += ")";
      }
      switch (c.partition.kind) {
        case PartitionSpec::Kind::kNone:
          break;
        case PartitionSpec::Kind::kBroadcast:
          out += " BROADCAST";
          break;
        case PartitionSpec::Kind::kSingle:
          out += " SINGLE";
          break;
        case PartitionSpec::Kind::kHash:
        case PartitionSpec::Kind::kKey:
          out += c.partition.kind == PartitionSpec::Kind::kHash
                     ? " PARTITION BY HASH("
                     : " PARTITION BY KEY(";
          out += IdentList(c.partition.columns) + ")";
          if (c.partition.partitions > 0) {
            out += " PARTITIONS " + std::to_string(c.partition.partitions);
          }
          break;
      }
      if (c.as_select) out += " AS " + ToSql(*c.as_select);
      return out;
    }
    case StmtKind::kDropTable: {
      const auto& d = static_cast<const DropTableStatement&>(s);
      std::string out =
          std::string("DROP TABLE ") + (d.if_exists ? "IF EXISTS " : "");
      for (size_t i = 0; i < d.tables.size(); ++i)
        out += (i ? ", " : "") + Name(d.tables[i]);
      return out;
    }
    case StmtKind::kTruncate:
      return "TRUNCATE TABLE " +
             Name(static_cast<const TruncateStatement&>(s).table);
    case StmtKind::kAlterTable: {
      const auto& a = static_cast<const AlterTableStatement&>(s);
      std::string out = "ALTER TABLE " + Name(a.table) + " ";
      for (size_t i = 0; i < a.actions.size(); ++i) {
        if (i) out += ", ";
        const AlterAction& act = a.actions[i];
        switch (act.kind) {
          case AlterAction::Kind::kAddColumn:
            out += "ADD COLUMN " + ColumnSql(act.column);
            break;
          case AlterAction::Kind::kDropColumn:
            out += "DROP COLUMN " + QuoteIdent(act.name);
            break;
          case AlterAction::Kind::kAddIndex:
            out += "ADD " + IndexSql(act.index);
            break;
          case AlterAction::Kind::kDropIndex:
            out += "DROP INDEX " + QuoteIdent(act.name);
            break;
        }
      }
      return out;
    }
    case StmtKind::kCreateIndex: {
      const auto& c = static_cast<const CreateIndexStatement&>(s);
      return std::string("CREATE ") +
             (c.index.kind == IndexDef::Kind::kUnique ? "UNIQUE " : "") +
             (c.index.global ? "GLOBAL " : "") + "INDEX " +
             QuoteIdent(c.index.name) + " ON " + Name(c.table) + " (" +
             Order(c.index.columns) + ")";
    }
    case StmtKind::kDropIndex: {
      const auto& d = static_cast<const DropIndexStatement&>(s);
      return "DROP INDEX " + QuoteIdent(d.name) + " ON " + Name(d.table);
    }
    case StmtKind::kCreateView: {
      const auto& v = static_cast<const CreateViewStatement&>(s);
      std::string out = std::string("CREATE ") +
                        (v.or_replace ? "OR REPLACE " : "") + "VIEW " +
                        Name(v.view);
      if (!v.columns.empty()) out += " (" + IdentList(v.columns) + ")";
      return out + " AS " + ToSql(*v.query);
    }
    case StmtKind::kDropView: {
      const auto& d = static_cast<const DropViewStatement&>(s);
      std::string out =
          std::string("DROP VIEW ") + (d.if_exists ? "IF EXISTS " : "");
      for (size_t i = 0; i < d.views.size(); ++i)
        out += (i ? ", " : "") + Name(d.views[i]);
      return out;
    }
    case StmtKind::kUse:
      return "USE " + QuoteIdent(static_cast<const UseStatement&>(s).database);
    case StmtKind::kTransaction: {
      const auto& t = static_cast<const TransactionStatement&>(s);
      using Op = TransactionStatement::Op;
      switch (t.op) {
        case Op::kBegin:
          return "START TRANSACTION";
        case Op::kCommit:
          return "COMMIT";
        case Op::kRollback:
          return "ROLLBACK";
        case Op::kSavepoint:
          return "SAVEPOINT " + QuoteIdent(t.savepoint);
        case Op::kRollbackTo:
          return "ROLLBACK TO SAVEPOINT " + QuoteIdent(t.savepoint);
        case Op::kRelease:
          return "RELEASE SAVEPOINT " + QuoteIdent(t.savepoint);
      }
      return "ROLLBACK";
    }
    case StmtKind::kExplain: {
      const auto& e = static_cast<const ExplainStatement&>(s);
      return std::string("EXPLAIN ") + (e.analyze ? "ANALYZE " : "") +
             ToSql(*e.statement);
    }
    case StmtKind::kSet: {
      const auto& st = static_cast<const SetStatement&>(s);
      if (st.names) {
        return "SET NAMES " + st.charset +
               (st.collation.empty() ? "" : " COLLATE " + st.collation);
      }
      if (st.transaction) return "SET TRANSACTION " + st.transaction_text;
      std::string out = "SET ";
      for (size_t i = 0; i < st.items.size(); ++i) {
        if (i) out += ", ";
        const auto& it = st.items[i];
        out += it.scope == SetStatement::Item::Scope::kUser
                   ? "@" + QuoteIdent(it.name)
               : it.scope == SetStatement::Item::Scope::kGlobal
                   ? "@@global." + it.name
                   : "@@session." + it.name;
        out += " = " + ToSql(*it.value);
      }
      return out;
    }
    case StmtKind::kCreateTrigger: {
      const auto& t = static_cast<const TriggerStatement&>(s);
      return "CREATE TRIGGER " + Name(t.trigger) +
             (t.before ? " BEFORE " : " AFTER ") + t.event + " ON " +
             Name(t.table) + " FOR EACH ROW " + t.body;
    }
    case StmtKind::kDropTrigger: {
      const auto& t = static_cast<const TriggerStatement&>(s);
      return std::string("DROP TRIGGER ") + (t.if_exists ? "IF EXISTS " : "") +
             Name(t.trigger);
    }
    case StmtKind::kKill: {
      const auto& k = static_cast<const KillStatement&>(s);
      return std::string("KILL ") + (k.query_only ? "QUERY " : "") +
             std::to_string(k.id);
    }
    case StmtKind::kShow:
      return ShowSql(static_cast<const ShowStatement&>(s));
    case StmtKind::kXa:
      return XaSql(static_cast<const XaStatement&>(s));
    case StmtKind::kCreateUser:
    case StmtKind::kDropUser:
    case StmtKind::kAlterUser:
    case StmtKind::kRenameUser:
    case StmtKind::kSetPassword:
    case StmtKind::kGrant:
    case StmtKind::kRevoke:
    case StmtKind::kCreateRole:
    case StmtKind::kDropRole:
    case StmtKind::kSetRole:
    case StmtKind::kSetDefaultRole:
      return AccountSql(static_cast<const AccountStatement&>(s));
    case StmtKind::kFlush:
      return "FLUSH " + static_cast<const FlushStatement&>(s).what;
  }
  return "?";
}

}  // namespace xp::sql
