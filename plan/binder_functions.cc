// The binder's function calls: scalar functions, DATE_ADD / DATE_SUB and
// DEFAULT(col) (binder_internal.h).

#include "codec/sql_errors.h"
#include "plan/binder.h"
#include "plan/binder_internal.h"

namespace xp::plan {

using namespace binder_internal;  // NOLINT: the shared helpers

Result<BoundExprPtr> BindDateAdd(const sql::Expr& date, const sql::Expr& amount,
                                 sql::IntervalUnit unit, bool subtract,
                                 const Scope& scope, std::string_view clause) {
  if (!DateUnit(unit) && unit != sql::IntervalUnit::kHour &&
      unit != sql::IntervalUnit::kMinute &&
      unit != sql::IntervalUnit::kSecond &&
      unit != sql::IntervalUnit::kMicrosecond) {
    return NotSupported("INTERVAL of a compound unit");
  }
  XP_ASSIGN_OR_RETURN(BoundExprPtr d, BindExpr(date, scope, clause));
  XP_ASSIGN_OR_RETURN(BoundExprPtr n, BindExpr(amount, scope, clause));
  // A DATE stays a DATE for day-or-longer units; strings are read as dates
  // (or datetimes for time units).
  if (d->type.id != TypeId::kDate && d->type.id != TypeId::kDateTime) {
    d = MakeCast(std::move(d),
                 DateUnit(unit) ? DataType::Date() : DataType::DateTime());
  }
  DataType t = d->type.id == TypeId::kDate && DateUnit(unit)
                   ? DataType::Date()
                   : DataType::DateTime(
                         d->type.id == TypeId::kDateTime ? d->type.scale : 0);
  if (d->type.id == TypeId::kDate && !DateUnit(unit))
    d = MakeCast(std::move(d), DataType::DateTime());
  n = AsInt(std::move(n));
  if (subtract) {
    std::vector<BoundExprPtr> a;
    a.push_back(std::move(n));
    XP_SET_OR_RETURN(n, MakeCall(ExprOp::kNeg, std::move(a)));
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(d));
  args.push_back(std::move(n));
  return MakeFunc(Func::kDateAdd, std::move(args), t, static_cast<int>(unit));
}

Value CurrentTimestamp() {
  const int64_t us = NowMicros();
  return Value(us - us % 1000000);
}

Result<BoundExprPtr> BindDefault(const ColumnSchema& column) {
  if (column.auto_increment) return MakeConst(Value(int64_t{0}), column.type);
  if (column.default_value)
    return MakeConst(*column.default_value, column.type);
  if (column.default_now) return MakeConst(CurrentTimestamp(), column.type);
  if (column.nullable) return MakeConst(Value(), column.type);
  return SqlError(ER_NO_DEFAULT_FOR_FIELD,
                  "Field '" + column.name + "' doesn't have a default value");
}

namespace {

// DEFAULT(col): the default of a table column in scope, or of the
// statement's target table (INSERT ... VALUES).
Result<BoundExprPtr> BindDefaultOf(const sql::Expr& e, const Scope& scope,
                                   std::string_view clause) {
  if (e.args.size() != 1 || e.args[0]->kind != sql::ExprKind::kColumn)
    return SqlError(ER_PARSE_ERROR,
                    "You have an error in your SQL syntax; DEFAULT() "
                    "takes one column name");
  const sql::Expr& c = *e.args[0];
  Result<int> at = scope.Resolve(c.table, c.text, clause);
  if (at.ok()) {
    const ScopeColumn& col = scope.columns()[static_cast<size_t>(*at)];
    if (col.origin == nullptr)
      return NotSupported("DEFAULT() of a column that is not a table's");
    return BindDefault(*col.origin);
  }
  const TableSchema* t = scope.default_table();
  if (at.status().sql_code() != 1054 || t == nullptr ||
      (!c.table.empty() && !NameEquals(c.table, t->name)))
    return at.status();
  const int k = t->FindColumn(c.text);
  if (k < 0) return at.status();
  return BindDefault(t->columns[static_cast<size_t>(k)]);
}

}  // namespace

Result<BoundExprPtr> BindFunction(const sql::Expr& e, const Scope& scope,
                                  std::string_view clause) {
  const std::string& f = e.text;
  const size_t n = e.args.size();
  auto arg = [&](size_t i) { return BindExpr(*e.args[i], scope, clause); };
  if (f == "DEFAULT") return BindDefaultOf(e, scope, clause);
  // Niladic.
  if (f == "CURDATE" || f == "CURRENT_DATE" || f == "UTC_DATE") {
    if (n != 0) return ParamCount(e);
    const int64_t us = NowMicros();
    return MakeConst(Value(us / kMicrosPerDay), DataType::Date());
  }
  if (f == "NOW" || f == "CURRENT_TIMESTAMP" || f == "LOCALTIME" ||
      f == "LOCALTIMESTAMP" || f == "SYSDATE" || f == "UTC_TIMESTAMP") {
    if (n != 0) return NotSupported(f + " with precision");
    const int64_t us = NowMicros();
    return MakeConst(Value(us - us % 1000000), DataType::DateTime());
  }
  // String functions.
  struct StringFn {
    const char* name;
    Func func;
    size_t min, max;
    bool returns_int;
  };
  static const StringFn kStrings[] = {
      {"CONCAT", Func::kConcat, 1, 1000, false},
      {"SUBSTRING", Func::kSubstring, 2, 3, false},
      {"SUBSTR", Func::kSubstring, 2, 3, false},
      {"MID", Func::kSubstring, 3, 3, false},
      {"LENGTH", Func::kLength, 1, 1, true},
      {"OCTET_LENGTH", Func::kLength, 1, 1, true},
      {"CHAR_LENGTH", Func::kCharLength, 1, 1, true},
      {"CHARACTER_LENGTH", Func::kCharLength, 1, 1, true},
      {"UPPER", Func::kUpper, 1, 1, false},
      {"UCASE", Func::kUpper, 1, 1, false},
      {"LOWER", Func::kLower, 1, 1, false},
      {"LCASE", Func::kLower, 1, 1, false},
      {"TRIM", Func::kTrim, 1, 2, false},
      {"LTRIM", Func::kLTrim, 1, 2, false},
      {"RTRIM", Func::kRTrim, 1, 2, false},
      {"REPLACE", Func::kReplace, 3, 3, false},
      {"LEFT", Func::kLeft, 2, 2, false},
      {"RIGHT", Func::kRight, 2, 2, false},
      {"LOCATE", Func::kLocate, 2, 3, true},
      {"INSTR", Func::kLocate, 2, 2, true},
      {"REVERSE", Func::kReverse, 1, 1, false},
      {"REPEAT", Func::kRepeat, 2, 2, false},
      {"LPAD", Func::kLPad, 3, 3, false},
      {"RPAD", Func::kRPad, 3, 3, false},
      {"SUBSTRING_INDEX", Func::kSubstringIndex, 3, 3, false},
      {"HEX", Func::kHex, 1, 1, false},
      {"UNHEX", Func::kUnhex, 1, 1, false},
      {"TO_BASE64", Func::kToBase64, 1, 1, false},
      {"FROM_BASE64", Func::kFromBase64, 1, 1, false},
      {"MD5", Func::kMd5, 1, 1, false},
      {"SHA1", Func::kSha1, 1, 1, false},
      {"SHA", Func::kSha1, 1, 1, false},
      {"SHA2", Func::kSha2, 2, 2, false},
      {"CRC32", Func::kCrc32, 1, 1, true},
  };
  for (const StringFn& s : kStrings) {
    if (f != s.name) continue;
    if (n < s.min || n > s.max) return ParamCount(e);
    std::vector<BoundExprPtr> args;
    uint32_t length = 0;
    bool binary = false;
    for (size_t i = 0; i < n; ++i) {
      XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(i));
      // Numeric arguments: SUBSTRING pos/len, LEFT/RIGHT count, LOCATE pos.
      const bool numeric =
          (i >= 1 && (s.func == Func::kSubstring || s.func == Func::kLeft ||
                      s.func == Func::kRight)) ||
          (i == 2 &&
           (s.func == Func::kLocate || s.func == Func::kSubstringIndex)) ||
          (i == 1 && (s.func == Func::kRepeat || s.func == Func::kLPad ||
                      s.func == Func::kRPad || s.func == Func::kSha2)) ||
          // HEX(n): the hexadecimal digits of the integer n.
          (s.func == Func::kHex && b->type.id != TypeId::kString &&
           b->type.id != TypeId::kNull && !b->type.is_temporal());
      if (numeric) {
        args.push_back(AsInt(std::move(b)));
        continue;
      }
      binary |= b->type.id == TypeId::kString && b->type.binary;
      b = AsString(std::move(b));
      if (s.func == Func::kConcat || i == 0)
        length = std::min<uint32_t>(65535, length + b->type.length);
      args.push_back(std::move(b));
    }
    if (f == "INSTR") std::swap(args[0], args[1]);  // INSTR(s, sub)
    switch (s.func) {
      case Func::kReplace:
      case Func::kRepeat:
      case Func::kLPad:
      case Func::kRPad:
        length = 65535;
        break;
      case Func::kHex:
      case Func::kToBase64:
        length = 65535;
        binary = false;  // text, whatever came in
        break;
      case Func::kUnhex:
      case Func::kFromBase64:
        binary = true;  // bytes, whatever came in
        break;
      case Func::kMd5:
        length = 32;
        binary = false;
        break;
      case Func::kSha1:
        length = 40;
        binary = false;
        break;
      case Func::kSha2:
        length = 128;
        binary = false;
        break;
      default:
        break;
    }
    return MakeFunc(
        s.func, std::move(args),
        s.returns_int ? DataType::Int() : DataType::String(length, binary));
  }
  // Numeric functions.
  if (f == "MOD") {
    if (n != 2) return ParamCount(e);
    XP_ASSIGN_OR_RETURN(BoundExprPtr a, arg(0));
    XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(1));
    return Call2(ExprOp::kMod, std::move(a), std::move(b));
  }
  if (f == "POWER" || f == "POW" || f == "SQRT") {
    const bool sqrt = f == "SQRT";
    if (n != (sqrt ? 1u : 2u)) return ParamCount(e);
    std::vector<BoundExprPtr> args;
    for (size_t i = 0; i < n; ++i) {
      XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(i));
      args.push_back(AsDouble(std::move(b)));
    }
    return MakeFunc(sqrt ? Func::kSqrt : Func::kPower, std::move(args),
                    DataType::Double());
  }
  if (f == "SIGN") {
    if (n != 1) return ParamCount(e);
    std::vector<BoundExprPtr> args;
    XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(0));
    args.push_back(std::move(b));
    return MakeFunc(Func::kSign, std::move(args), DataType::Int());
  }
  if (f == "ROUND" || f == "TRUNCATE" || f == "FLOOR" || f == "CEIL" ||
      f == "CEILING") {
    const bool places = f == "ROUND" || f == "TRUNCATE";
    if (n < 1 || n > (places ? 2u : 1u) || (f == "TRUNCATE" && n != 2))
      return ParamCount(e);
    XP_ASSIGN_OR_RETURN(BoundExprPtr x, arg(0));
    if (x->type.id == TypeId::kString || x->type.is_temporal() ||
        x->type.id == TypeId::kNull)
      x = AsDouble(std::move(x));
    std::vector<BoundExprPtr> args;
    const DataType t = x->type;
    args.push_back(std::move(x));
    DataType out = t;
    if (places) {
      int64_t d = 0;
      if (n == 2) {
        XP_ASSIGN_OR_RETURN(BoundExprPtr db, arg(1));
        db = AsInt(std::move(db));
        const std::optional<Value> v = ConstantValue(*db, scope);
        if (v && v->index() == 1)
          d = std::get<int64_t>(*v);
        else if (t.id == TypeId::kDecimal)
          d = t.scale;  // keep the scale
        args.push_back(std::move(db));
      }
      if (t.id == TypeId::kDecimal) {
        const int scale =
            static_cast<int>(std::clamp<int64_t>(d, 0, kMaxDecimalScale));
        const int ints = t.precision - t.scale + 1;
        out =
            DataType::Decimal(std::min(kMaxDecimalDigits, ints + scale), scale);
      } else if (t.id == TypeId::kInt) {
        out = DataType::Int();
      }
    } else if (t.id == TypeId::kDecimal) {
      out = t.precision - t.scale <= 18
                ? DataType::Int()
                : DataType::Decimal(t.precision - t.scale + 1, 0);
    } else if (t.id == TypeId::kInt) {
      out = DataType::Int();
    }
    const Func fn = f == "ROUND"      ? Func::kRound
                    : f == "TRUNCATE" ? Func::kTruncate
                    : f == "FLOOR"    ? Func::kFloor
                                      : Func::kCeil;
    return MakeFunc(fn, std::move(args), out);
  }
  // Date functions.
  struct Field {
    const char* name;
    sql::IntervalUnit unit;
  };
  static const Field kFields[] = {
      {"YEAR", sql::IntervalUnit::kYear},
      {"QUARTER", sql::IntervalUnit::kQuarter},
      {"MONTH", sql::IntervalUnit::kMonth},
      {"DAY", sql::IntervalUnit::kDay},
      {"DAYOFMONTH", sql::IntervalUnit::kDay},
      {"HOUR", sql::IntervalUnit::kHour},
      {"MINUTE", sql::IntervalUnit::kMinute},
      {"SECOND", sql::IntervalUnit::kSecond},
      {"MICROSECOND", sql::IntervalUnit::kMicrosecond},
  };
  for (const Field& fd : kFields) {
    if (f != fd.name) continue;
    if (n != 1) return ParamCount(e);
    XP_ASSIGN_OR_RETURN(BoundExprPtr x, arg(0));
    std::vector<BoundExprPtr> args;
    args.push_back(x->type.id == TypeId::kTime ? std::move(x)
                                               : AsTemporal(std::move(x)));
    return MakeFunc(Func::kExtract, std::move(args), DataType::Int(),
                    static_cast<int>(fd.unit));
  }
  if (f == "EXTRACT") {
    XP_ASSIGN_OR_RETURN(BoundExprPtr x, arg(0));
    std::vector<BoundExprPtr> args;
    args.push_back(x->type.id == TypeId::kTime ? std::move(x)
                                               : AsTemporal(std::move(x)));
    return MakeFunc(Func::kExtract, std::move(args), DataType::Int(),
                    static_cast<int>(e.unit));
  }
  if (f == "DATE_ADD" || f == "DATE_SUB" || f == "ADDDATE" || f == "SUBDATE") {
    if (n != 2) return ParamCount(e);
    const bool sub = f == "DATE_SUB" || f == "SUBDATE";
    const sql::Expr& i = *e.args[1];
    if (i.kind != sql::ExprKind::kInterval) {  // ADDDATE(d, n): n days
      return BindDateAdd(*e.args[0], i, sql::IntervalUnit::kDay, sub, scope,
                         clause);
    }
    return BindDateAdd(*e.args[0], *i.args[0], i.unit, sub, scope, clause);
  }
  if (f == "DATEDIFF") {
    if (n != 2) return ParamCount(e);
    std::vector<BoundExprPtr> args;
    for (size_t i = 0; i < 2; ++i) {
      XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(i));
      args.push_back(AsDate(std::move(b)));
    }
    return MakeFunc(Func::kDateDiff, std::move(args), DataType::Int());
  }
  if (f == "DATE") {
    if (n != 1) return ParamCount(e);
    XP_ASSIGN_OR_RETURN(BoundExprPtr b, arg(0));
    return AsDate(std::move(b));
  }
  return NotSupported("function " + f);
}

}  // namespace xp::plan
