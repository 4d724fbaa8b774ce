#include "plan/binder.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "codec/sql_errors.h"
#include "plan/binder_internal.h"
#include "plan/schema.h"
#include "plan/sql/printer.h"
#include "plan/types/temporal.h"

namespace xp::plan {

namespace binder_internal {

Result<BoundExprPtr> Call(ExprOp op, std::vector<BoundExprPtr> args) {
  return MakeCall(op, std::move(args));
}

Result<BoundExprPtr> Call2(ExprOp op, BoundExprPtr a, BoundExprPtr b) {
  // Comparisons with a temporal side compare as that temporal type (a
  // string is read as a date; DATE meets DATETIME as DATETIME).
  if (op >= ExprOp::kEq && op <= ExprOp::kNullSafeEq) {
    const DataType ta = a->type, tb = b->type;
    if (ta.is_temporal() && tb.id == TypeId::kString) {
      b = MakeCast(std::move(b), ta);
    } else if (tb.is_temporal() && ta.id == TypeId::kString) {
      a = MakeCast(std::move(a), tb);
    } else if (ta.id == TypeId::kDate && tb.id == TypeId::kDateTime) {
      a = MakeCast(std::move(a), tb);
    } else if (tb.id == TypeId::kDate && ta.id == TypeId::kDateTime) {
      b = MakeCast(std::move(b), ta);
    }
  }
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return MakeCall(op, std::move(args));
}

ExprOp BinaryToOp(sql::BinaryOp op) {
  switch (op) {
    case sql::BinaryOp::kAdd:
      return ExprOp::kAdd;
    case sql::BinaryOp::kSub:
      return ExprOp::kSub;
    case sql::BinaryOp::kMul:
      return ExprOp::kMul;
    case sql::BinaryOp::kDiv:
      return ExprOp::kDiv;
    case sql::BinaryOp::kIntDiv:
      return ExprOp::kIntDiv;
    case sql::BinaryOp::kMod:
      return ExprOp::kMod;
    case sql::BinaryOp::kEq:
      return ExprOp::kEq;
    case sql::BinaryOp::kNullSafeEq:
      return ExprOp::kNullSafeEq;
    case sql::BinaryOp::kNe:
      return ExprOp::kNe;
    case sql::BinaryOp::kLt:
      return ExprOp::kLt;
    case sql::BinaryOp::kLe:
      return ExprOp::kLe;
    case sql::BinaryOp::kGt:
      return ExprOp::kGt;
    case sql::BinaryOp::kGe:
      return ExprOp::kGe;
    case sql::BinaryOp::kAnd:
      return ExprOp::kAnd;
    case sql::BinaryOp::kOr:
      return ExprOp::kOr;
    case sql::BinaryOp::kXor:
      return ExprOp::kXor;
    default:
      return ExprOp::kConst;  // bit operators: not bound yet
  }
}

// The result type of CAST(x AS t).
Result<DataType> CastType(const sql::TypeName& t) {
  if (t.name == "BIGINT") {
    return t.is_unsigned ? DataType::UInt() : DataType::Int();
  }
  if (t.name == "DECIMAL" || t.name == "DEC" || t.name == "NUMERIC" ||
      t.name == "FIXED") {
    const int64_t p = t.length < 0 ? 10 : t.length;
    const int64_t s = t.scale < 0 ? 0 : t.scale;
    if (p > 65) {
      return SqlError(ER_TOO_BIG_PRECISION,
                      "Too-big precision " + std::to_string(p) +
                          " specified for 'CAST'. Maximum is 65.");
    }
    if (s > p) {
      return SqlError(
          ER_M_BIGGER_THAN_D,
          "For float(M,D), double(M,D) or decimal(M,D), M must be >= D "
          "(column 'CAST').");
    }
    if (p > kMaxDecimalDigits || s > kMaxDecimalScale)
      return NotSupported("DECIMAL beyond 38 digits");
    return DataType::Decimal(static_cast<int>(p), static_cast<int>(s));
  }
  if (t.name == "DOUBLE" || t.name == "REAL" || t.name == "FLOAT")
    return DataType::Double();
  if (t.name == "CHAR" || t.name == "NCHAR" || t.name == "BINARY") {
    const bool binary = t.name == "BINARY" || t.charset == "binary";
    return DataType::String(
        t.length < 0 ? 65535u : static_cast<uint32_t>(t.length), binary);
  }
  if (t.name == "DATE") return DataType::Date();
  if (t.name == "DATETIME" || t.name == "TIME") {
    const int64_t fsp = t.length < 0 ? 0 : t.length;
    if (fsp > 6) {
      return SqlError(ER_TOO_BIG_PRECISION,
                      "Too-big precision " + std::to_string(fsp) +
                          " specified for 'CAST'. Maximum is 6.");
    }
    return t.name == "TIME" ? DataType::Time(static_cast<int>(fsp))
                            : DataType::DateTime(static_cast<int>(fsp));
  }
  return NotSupported("CAST AS " + t.name);
}

// A string with binary (byte) or case-insensitive comparison.
BoundExprPtr WithCollation(BoundExprPtr e, bool binary) {
  const uint32_t length =
      e->type.id == TypeId::kString ? e->type.length : 65535u;
  return MakeCast(std::move(e), DataType::String(length, binary));
}

BoundExprPtr CastIfNot(BoundExprPtr e, TypeId id, DataType to) {
  if (e->type.id == id) return e;
  return MakeCast(std::move(e), to);
}

BoundExprPtr AsString(BoundExprPtr e) {
  return CastIfNot(std::move(e), TypeId::kString, DataType::String());
}
BoundExprPtr AsInt(BoundExprPtr e) {
  return CastIfNot(std::move(e), TypeId::kInt, DataType::Int());
}
BoundExprPtr AsDouble(BoundExprPtr e) {
  return CastIfNot(std::move(e), TypeId::kDouble, DataType::Double());
}
// DATE / DATETIME stay; anything else is read as a DATETIME.
BoundExprPtr AsTemporal(BoundExprPtr e) {
  if (e->type.id == TypeId::kDate || e->type.id == TypeId::kDateTime) return e;
  return MakeCast(std::move(e), DataType::DateTime(6));
}
BoundExprPtr AsDate(BoundExprPtr e) {
  return CastIfNot(std::move(e), TypeId::kDate, DataType::Date());
}

Status ParamCount(const sql::Expr& e) {
  return SqlError(ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT,
                  "Incorrect parameter count in the call to native function '" +
                      e.text + "'");
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool DateUnit(sql::IntervalUnit u) {
  return u == sql::IntervalUnit::kDay || u == sql::IntervalUnit::kWeek ||
         u == sql::IntervalUnit::kMonth || u == sql::IntervalUnit::kQuarter ||
         u == sql::IntervalUnit::kYear;
}

}  // namespace binder_internal

using namespace binder_internal;  // NOLINT: the shared helpers

Status NotSupported(const std::string& what) { return NotSupportedYet(what); }

Result<int> Scope::Resolve(std::string_view table, std::string_view name,
                           std::string_view clause) const {
  int found = -1;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ScopeColumn& c = columns_[i];
    if (!NameEquals(c.name, name)) continue;
    if (!table.empty() && c.table != table) continue;
    if (table.empty() && c.hidden) continue;
    if (found >= 0) {
      return SqlError(ER_NON_UNIQ_ERROR, "Column '" + std::string(name) +
                                             "' in " + std::string(clause) +
                                             " is ambiguous");
    }
    found = static_cast<int>(i);
  }
  if (found < 0) {
    const std::string full = table.empty()
                                 ? std::string(name)
                                 : std::string(table) + "." + std::string(name);
    return SqlError(ER_BAD_FIELD_ERROR, "Unknown column '" + full + "' in '" +
                                            std::string(clause) + "'");
  }
  if (columns_[found].denied)
    return SqlError(ER_COLUMNACCESS_DENIED_ERROR, *columns_[found].denied);
  return found;
}

bool IsConstant(const BoundExpr& e) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kSubquery || e.non_constant)
    return false;
  for (const auto& a : e.args) {
    if (!IsConstant(*a)) return false;
  }
  return true;
}

namespace binder_internal {

bool IsGroupError(const Status& s) { return s.sql_code() == 1055; }

// IsConstant, but a COALESCE whose column arguments were dropped counts
// (MySQL folded it to its constant first argument).
bool Foldable(const BoundExpr& e) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kSubquery) return false;
  if (e.non_constant && e.op != ExprOp::kCoalesce) return false;
  for (const auto& a : e.args) {
    if (!Foldable(*a)) return false;
  }
  return true;
}

// The value of a constant expression, when it can be computed at bind time.
std::optional<Value> ConstantValue(const BoundExpr& e, const Scope& scope) {
  if (!Foldable(e) || !scope.constant_evaluator()) return std::nullopt;
  auto v = scope.constant_evaluator()(e);
  if (!v.ok()) return std::nullopt;
  return *v;
}

// Whether a constant numeric expression is true (non-zero); nullopt when it
// is not constant, NULL or a string.
std::optional<bool> ConstantTruth(const BoundExpr& e, const Scope& scope) {
  // A comparison with a constant NULL is NULL whatever the other side is.
  if (e.op >= ExprOp::kEq && e.op <= ExprOp::kGe) {
    for (const auto& a : e.args) {
      const std::optional<Value> v = ConstantValue(*a, scope);
      if (v && v->index() == 0) return false;
    }
  }
  const std::optional<Value> v = ConstantValue(e, scope);
  if (!v) return std::nullopt;
  switch (v->index()) {
    case 1:
      return std::get<int64_t>(*v) != 0;
    case 2:
      return std::get<uint64_t>(*v) != 0;
    case 3:
      return std::get<double>(*v) != 0;
    case 4:
      return std::get<Decimal>(*v).unscaled != 0;
    default:
      return std::nullopt;
  }
}

}  // namespace binder_internal

Result<BoundExprPtr> OuterContext::Bind(const sql::Expr& e,
                                        std::string_view clause) {
  auto bound = [&](const Ref& r) -> BoundExprPtr {
    BoundExprPtr c =
        MakeConst(r.arg < 0           ? r.baked
                  : values == nullptr ? Value()  // discovery
                                      : (*values)[static_cast<size_t>(r.arg)],
                  r.type);
    c->non_constant = true;
    return c;
  };
  for (const Ref& r : refs) {
    if (r.table == e.table && NameEquals(r.name, e.text)) return bound(r);
  }
  if (live == nullptr) {
    return SqlError(ER_BAD_FIELD_ERROR, "Unknown column '" + e.text + "' in '" +
                                            std::string(clause) + "'");
  }
  XP_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, *live, clause));
  Ref r{e.table, e.text, -1, Value(), b->type};
  if (b->op == ExprOp::kConst) {
    r.baked = b->value;
  } else {
    r.arg = static_cast<int>(args.size());
    args.push_back(std::move(b));
  }
  refs.push_back(r);
  return bound(refs.back());
}

Result<BoundExprPtr> Scope::BindColumn(const sql::Expr& e,
                                       std::string_view clause) const {
  auto idx = Resolve(e.table, e.text, clause);
  if (idx.ok()) {
    return MakeColumn(*idx, columns_[static_cast<size_t>(*idx)].type);
  }
  if (idx.status().sql_code() != 1054 || !outer_) return idx.status();
  auto outer = outer_->Bind(e, clause);
  // Not found outside either: report it as unknown here.
  if (!outer.ok() && outer.status().sql_code() == 1054) return idx.status();
  return outer;
}

Result<BoundExprPtr> BindLiteral(const sql::Expr& e) {
  switch (e.lit) {
    case sql::LiteralKind::kNull:
      return MakeConst(Value(), DataType::Null());
    case sql::LiteralKind::kInteger: {
      XP_ASSIGN_OR_RETURN(Decimal d, ParseDecimal(e.text));
      if (d.unscaled >= INT64_MIN && d.unscaled <= INT64_MAX) {
        return MakeConst(Value(static_cast<int64_t>(d.unscaled)),
                         DataType::Int());
      }
      if (d.unscaled >= 0 && d.unscaled <= static_cast<int128>(UINT64_MAX)) {
        return MakeConst(Value(static_cast<uint64_t>(d.unscaled)),
                         DataType::UInt());
      }
      return MakeConst(Value(d), TypeOfValue(Value(d)));
    }
    case sql::LiteralKind::kDecimal: {
      auto d = ParseDecimal(e.text);
      if (!d.ok()) {  // too many digits for DECIMAL: MySQL makes it a DOUBLE
        return MakeConst(Value(std::strtod(e.text.c_str(), nullptr)),
                         DataType::Double());
      }
      return MakeConst(Value(*d), TypeOfValue(Value(*d)));
    }
    case sql::LiteralKind::kFloat:
      return MakeConst(Value(std::strtod(e.text.c_str(), nullptr)),
                       DataType::Double());
    case sql::LiteralKind::kBool:
      return MakeConst(Value(static_cast<int64_t>(e.text == "1")),
                       DataType::Int(1));
    case sql::LiteralKind::kDate:
    case sql::LiteralKind::kTimestamp:
    case sql::LiteralKind::kTime: {
      int64_t v = 0;
      const bool ok =
          e.lit == sql::LiteralKind::kTime
              ? ParseTime(e.text, &v)
              : ParseDateTime(e.text, e.lit == sql::LiteralKind::kDate, &v);
      if (!ok) {
        const char* what = e.lit == sql::LiteralKind::kDate   ? "DATE"
                           : e.lit == sql::LiteralKind::kTime ? "TIME"
                                                              : "DATETIME";
        return SqlError(ER_WRONG_VALUE, std::string("Incorrect ") + what +
                                            " value: '" + e.text + "'");
      }
      const size_t dot = e.text.find('.');
      const int fsp = dot == std::string::npos
                          ? 0
                          : static_cast<int>(e.text.size() - dot - 1);
      return MakeConst(Value(v), e.lit == sql::LiteralKind::kDate
                                     ? DataType::Date()
                                 : e.lit == sql::LiteralKind::kTime
                                     ? DataType::Time(fsp)
                                     : DataType::DateTime(fsp));
    }
    case sql::LiteralKind::kString:
    case sql::LiteralKind::kHex: {
      DataType t = DataType::String(static_cast<uint32_t>(e.text.size()),
                                    e.binary_string);
      return MakeConst(Value(e.text), t);
    }
    default:
      return NotSupported(sql::ToSql(e));
  }
}

namespace {

// x IN (a, b, ...) without its NOT. A list of constants is one kIn node
// whose items are the constants as '=' would compare them with x (a string
// read as x's temporal type, DATE widened to a DATETIME x); any other list
// is x = a OR x = b ... (the same NULL semantics), as one flat OR.
Result<BoundExprPtr> BindInList(const sql::Expr& e, const Scope& scope,
                                std::string_view clause) {
  XP_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.args[0], scope, clause));
  std::vector<BoundExprPtr> eqs;
  eqs.reserve(e.args.size() - 1);
  bool constant = scope.constant_evaluator() != nullptr;
  for (size_t i = 1; i < e.args.size(); ++i) {
    XP_ASSIGN_OR_RETURN(BoundExprPtr item, BindExpr(*e.args[i], scope, clause));
    XP_ASSIGN_OR_RETURN(BoundExprPtr eq,
                        Call2(ExprOp::kEq, Clone(*x), std::move(item)));
    // '=' may have cast x for this item: then x is not compared as itself.
    if (constant &&
        (eq->args[0]->type.id != x->type.id || !IsConstant(*eq->args[1])))
      constant = false;
    eqs.push_back(std::move(eq));
  }
  if (eqs.size() == 1) return std::move(eqs[0]);
  if (constant) {
    std::vector<BoundExprPtr> items;
    items.reserve(eqs.size() + 1);
    items.push_back(nullptr);  // x, once every item is known constant
    for (const auto& eq : eqs) {
      const BoundExpr& item = *eq->args[1];
      if (item.op == ExprOp::kConst) {
        items.push_back(Clone(item));
        continue;
      }
      auto v = scope.constant_evaluator()(item);
      if (!v.ok()) {  // its error belongs to run time: keep the ORs
        constant = false;
        break;
      }
      items.push_back(MakeConst(std::move(*v), item.type));
    }
    if (constant) {
      items[0] = std::move(x);
      return Call(ExprOp::kIn, std::move(items));
    }
  }
  return Call(ExprOp::kOr, std::move(eqs));
}

// The number of values `e` stands for: a row constructor's items, else 1.
size_t Width(const sql::Expr& e) {
  return e.kind == sql::ExprKind::kRow ? e.args.size() : 1;
}

Status OperandColumns(size_t n) {
  return SqlError(ER_OPERAND_COLUMNS,
                  "Operand should contain " + std::to_string(n) + " column(s)");
}

// (a1, ..., an) op (b1, ..., bn), as MySQL compares rows: = and <=> item
// by item (all must hold), <> as NOT (=), and < <= > >= in order (the first
// items that differ decide).
Result<BoundExprPtr> BindRowComparison(const sql::Expr& l, ExprOp op,
                                       const sql::Expr& r, const Scope& scope,
                                       std::string_view clause) {
  if (Width(l) != Width(r)) return OperandColumns(Width(l));
  std::vector<BoundExprPtr> a, b;
  for (size_t i = 0; i < l.args.size(); ++i) {
    XP_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*l.args[i], scope, clause));
    XP_ASSIGN_OR_RETURN(BoundExprPtr y, BindExpr(*r.args[i], scope, clause));
    a.push_back(std::move(x));
    b.push_back(std::move(y));
  }
  const size_t n = a.size();
  if (op == ExprOp::kEq || op == ExprOp::kNullSafeEq || op == ExprOp::kNe) {
    std::vector<BoundExprPtr> all;
    for (size_t i = 0; i < n; ++i) {
      XP_ASSIGN_OR_RETURN(BoundExprPtr eq,
                          Call2(op == ExprOp::kNe ? ExprOp::kEq : op,
                                std::move(a[i]), std::move(b[i])));
      all.push_back(std::move(eq));
    }
    BoundExprPtr both;
    if (all.size() == 1) {
      both = std::move(all[0]);
    } else {
      XP_SET_OR_RETURN(both, Call(ExprOp::kAnd, std::move(all)));
    }
    if (op != ExprOp::kNe) return both;
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(both));
    return Call(ExprOp::kNot, std::move(args));
  }
  if (op != ExprOp::kLt && op != ExprOp::kLe && op != ExprOp::kGt &&
      op != ExprOp::kGe)
    return OperandColumns(1);
  // From the last item back: acc = a_i strict b_i OR (a_i = b_i AND acc),
  // the last item compared with `op` itself.
  XP_ASSIGN_OR_RETURN(BoundExprPtr acc,
                      Call2(op, Clone(*a[n - 1]), Clone(*b[n - 1])));
  const ExprOp strict = op == ExprOp::kLe   ? ExprOp::kLt
                        : op == ExprOp::kGe ? ExprOp::kGt
                                            : op;
  for (size_t k = n - 1; k-- > 0;) {
    XP_ASSIGN_OR_RETURN(BoundExprPtr lt,
                        Call2(strict, Clone(*a[k]), Clone(*b[k])));
    XP_ASSIGN_OR_RETURN(BoundExprPtr eq,
                        Call2(ExprOp::kEq, Clone(*a[k]), Clone(*b[k])));
    XP_ASSIGN_OR_RETURN(BoundExprPtr rest,
                        Call2(ExprOp::kAnd, std::move(eq), std::move(acc)));
    XP_SET_OR_RETURN(acc, Call2(ExprOp::kOr, std::move(lt), std::move(rest)));
  }
  return acc;
}

// (a, b) IN ((x, y), ...): each item compared as (a, b) = (x, y), ORed.
Result<BoundExprPtr> BindRowIn(const sql::Expr& e, const Scope& scope,
                               std::string_view clause) {
  std::vector<BoundExprPtr> any;
  for (size_t i = 1; i < e.args.size(); ++i) {
    XP_ASSIGN_OR_RETURN(
        BoundExprPtr eq,
        BindRowComparison(*e.args[0], ExprOp::kEq, *e.args[i], scope, clause));
    any.push_back(std::move(eq));
  }
  if (any.size() == 1) return std::move(any[0]);
  return Call(ExprOp::kOr, std::move(any));
}

}  // namespace

Result<BoundExprPtr> BindExpr(const sql::Expr& e, const Scope& scope,
                              std::string_view clause) {
  if (scope.substitution()) {
    XP_ASSIGN_OR_RETURN(BoundExprPtr sub, scope.substitution()(e));
    if (sub) return sub;
  }
  switch (e.kind) {
    case sql::ExprKind::kLiteral:
      return BindLiteral(e);
    case sql::ExprKind::kColumn: {
      if (!e.schema.empty()) return NotSupported("schema-qualified column");
      return scope.BindColumn(e, clause);
    }
    case sql::ExprKind::kUnary: {
      XP_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], scope, clause));
      switch (e.uop) {
        case sql::UnaryOp::kPlus:
          return a;
        case sql::UnaryOp::kMinus: {
          // MySQL: negating a negative integer constant gives DECIMAL (the
          // result might not fit BIGINT), so "- -52" and
          // "- CAST(-5 AS SIGNED)" are DECIMAL.
          if ((a->type.id == TypeId::kInt || a->type.id == TypeId::kUInt) &&
              IsConstant(*a)) {
            Value v = a->value;
            if (a->op != ExprOp::kConst && scope.constant_evaluator()) {
              auto r = scope.constant_evaluator()(*a);
              v = r.ok() ? *r : Value();  // errors surface at run time
            }
            const bool literal = a->op == ExprOp::kConst;
            std::optional<Decimal> d;
            if (v.index() == 1 && std::get<int64_t>(v) < 0 &&
                (std::get<int64_t>(v) != INT64_MIN || !literal)) {
              d = DecimalFromInt(std::get<int64_t>(v));
            } else if (v.index() == 2 && std::get<uint64_t>(v) > INT64_MAX) {
              d = DecimalFromUInt(std::get<uint64_t>(v));
            }
            if (d) a = MakeConst(Value(*d), TypeOfValue(Value(*d)));
          }
          std::vector<BoundExprPtr> args;
          args.push_back(std::move(a));
          return Call(ExprOp::kNeg, std::move(args));
        }
        case sql::UnaryOp::kNot: {
          std::vector<BoundExprPtr> args;
          args.push_back(std::move(a));
          return Call(ExprOp::kNot, std::move(args));
        }
        case sql::UnaryOp::kBinary:  // BINARY x: compare bytes
          return WithCollation(std::move(a), true);
        default:
          return NotSupported(sql::ToSql(e));
      }
    }
    case sql::ExprKind::kBinary: {
      // date + INTERVAL n unit, INTERVAL n unit + date, date - INTERVAL ...
      const bool lhs_interval = e.args[0]->kind == sql::ExprKind::kInterval;
      const bool rhs_interval = e.args[1]->kind == sql::ExprKind::kInterval;
      if ((e.bop == sql::BinaryOp::kAdd && (lhs_interval || rhs_interval)) ||
          (e.bop == sql::BinaryOp::kSub && rhs_interval)) {
        const sql::Expr& date = *e.args[lhs_interval ? 1 : 0];
        const sql::Expr& interval = *e.args[lhs_interval ? 0 : 1];
        return BindDateAdd(date, *interval.args[0], interval.unit,
                           e.bop == sql::BinaryOp::kSub, scope, clause);
      }
      const ExprOp op = BinaryToOp(e.bop);
      if (op == ExprOp::kConst) return NotSupported(sql::ToSql(e));
      if (e.args.size() == 2 && (e.args[0]->kind == sql::ExprKind::kRow ||
                                 e.args[1]->kind == sql::ExprKind::kRow))
        return BindRowComparison(*e.args[0], op, *e.args[1], scope, clause);
      if (op == ExprOp::kAnd || op == ExprOp::kOr) {  // n operands, one node
        std::vector<BoundExprPtr> args;
        args.reserve(e.args.size());
        for (const auto& a : e.args) {
          XP_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, scope, clause));
          args.push_back(std::move(b));
        }
        return Call(op, std::move(args));
      }
      XP_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], scope, clause));
      XP_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*e.args[1], scope, clause));
      return Call2(op, std::move(a), std::move(b));
    }
    case sql::ExprKind::kIsNull: {
      XP_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], scope, clause));
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(a));
      return Call(e.negated ? ExprOp::kIsNotNull : ExprOp::kIsNull,
                  std::move(args));
    }
    case sql::ExprKind::kBetween: {
      // x BETWEEN lo AND hi  ==  x >= lo AND x <= hi
      XP_ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*e.args[0], scope, clause));
      XP_ASSIGN_OR_RETURN(BoundExprPtr lo, BindExpr(*e.args[1], scope, clause));
      XP_ASSIGN_OR_RETURN(BoundExprPtr hi, BindExpr(*e.args[2], scope, clause));
      BoundExprPtr x2 = Clone(*x);
      XP_ASSIGN_OR_RETURN(BoundExprPtr ge,
                          Call2(ExprOp::kGe, std::move(x), std::move(lo)));
      XP_ASSIGN_OR_RETURN(BoundExprPtr le,
                          Call2(ExprOp::kLe, std::move(x2), std::move(hi)));
      XP_ASSIGN_OR_RETURN(BoundExprPtr both,
                          Call2(ExprOp::kAnd, std::move(ge), std::move(le)));
      if (!e.negated) return both;
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(both));
      return Call(ExprOp::kNot, std::move(args));
    }
    case sql::ExprKind::kSubquery:
    case sql::ExprKind::kExists:
    case sql::ExprKind::kQuantified:
    case sql::ExprKind::kIn: {
      if (e.kind != sql::ExprKind::kIn || e.subquery) {
        if (!scope.subquery_binder()) return NotSupported(sql::ToSql(e));
        return scope.subquery_binder()(e, scope);
      }
      BoundExprPtr acc;
      if (e.args[0]->kind == sql::ExprKind::kRow) {
        XP_SET_OR_RETURN(acc, BindRowIn(e, scope, clause));
      } else {
        XP_SET_OR_RETURN(acc, BindInList(e, scope, clause));
      }
      if (!e.negated) return acc;
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(acc));
      return Call(ExprOp::kNot, std::move(args));
    }
    case sql::ExprKind::kCase: {
      std::vector<BoundExprPtr> args;
      size_t i = 0;
      BoundExprPtr operand;
      if (e.has_operand)
        XP_SET_OR_RETURN(operand, BindExpr(*e.args[i++], scope, clause));
      const size_t end = e.args.size() - (e.has_else ? 1 : 0);
      // A branch that constants rule out is dropped when it names a column
      // the GROUP BY does not have (MySQL folds it away before checking).
      bool decided = false;  // an earlier WHEN is constantly true
      for (; i + 1 < end; i += 2) {
        XP_ASSIGN_OR_RETURN(BoundExprPtr when,
                            BindExpr(*e.args[i], scope, clause));
        if (operand) {
          XP_SET_OR_RETURN(
              when, Call2(ExprOp::kEq, Clone(*operand), std::move(when)));
        }
        const std::optional<bool> truth = ConstantTruth(*when, scope);
        auto then = BindExpr(*e.args[i + 1], scope, clause);
        if (!then.ok() && IsGroupError(then.status()) &&
            (decided || truth == false))
          continue;
        if (!then.ok()) return then.status();
        decided |= truth == true;
        args.push_back(std::move(when));
        args.push_back(std::move(*then));
      }
      if (e.has_else) {
        auto other = BindExpr(*e.args.back(), scope, clause);
        if (other.ok()) {
          args.push_back(std::move(*other));
        } else if (!(decided && IsGroupError(other.status()))) {
          return other.status();
        }
      }
      if (args.empty()) return MakeConst(Value(), DataType::Int());
      return Call(ExprOp::kCase, std::move(args));
    }
    case sql::ExprKind::kCollate: {
      // x COLLATE name: *_bin / binary compare bytes, *_ci / *_ai_ci fold
      // case (the default); nothing else is known.
      XP_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], scope, clause));
      std::string name = e.text;
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto ends = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(),
                            suffix) == 0;
      };
      const bool utf8 = name.rfind("utf8", 0) == 0 ||
                        name.rfind("ascii", 0) == 0 ||
                        name.rfind("latin1", 0) == 0;
      if (name == "binary" || (utf8 && ends("_bin")))
        return WithCollation(std::move(a), true);
      if (utf8 && (ends("_ci") || ends("_ai_ci")))
        return WithCollation(std::move(a), false);
      return SqlError(ER_UNKNOWN_COLLATION,
                      "Unknown collation: '" + e.text + "'");
    }
    case sql::ExprKind::kSysVar:
    case sql::ExprKind::kUserVar:
    case sql::ExprKind::kParam: {  // a bound argument, read like a variable
      if (!scope.variable_reader()) return NotSupported(sql::ToSql(e));
      XP_ASSIGN_OR_RETURN(Value v, scope.variable_reader()(e));
      const DataType t = TypeOfValue(v);
      BoundExprPtr c = MakeConst(std::move(v), t);
      if (e.kind == sql::ExprKind::kParam) c->param = e.param_index;
      return c;
    }
    case sql::ExprKind::kCast: {
      XP_ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], scope, clause));
      XP_ASSIGN_OR_RETURN(DataType t, CastType(e.cast_type));
      return MakeCast(std::move(a), t);
    }
    case sql::ExprKind::kFunction: {
      // Session facts come from the variable reader, as xp_function_<name>.
      if (e.args.empty() &&
          (e.text == "DATABASE" || e.text == "SCHEMA" || e.text == "USER" ||
           e.text == "CURRENT_USER" || e.text == "SESSION_USER" ||
           e.text == "CURRENT_ROLE" || e.text == "SYSTEM_USER" ||
           e.text == "VERSION" || e.text == "CONNECTION_ID" ||
           e.text == "ROW_COUNT" || e.text == "FOUND_ROWS" ||
           e.text == "LAST_INSERT_ID")) {
        if (!scope.variable_reader()) return NotSupported(sql::ToSql(e));
        sql::Expr var;
        var.kind = sql::ExprKind::kSysVar;
        var.text = "xp_function_" + e.text;
        XP_ASSIGN_OR_RETURN(Value v, scope.variable_reader()(var));
        const DataType t =
            v.index() == 0 ? DataType::String(64) : TypeOfValue(v);
        return MakeConst(std::move(v), t);
      }
      if (e.text == "ABS" || e.text == "NULLIF" || e.text == "IF") {
        const size_t want = e.text == "ABS" ? 1 : e.text == "NULLIF" ? 2 : 3;
        if (e.args.size() != want) {
          return SqlError(
              ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT,
              "Incorrect parameter count in the call to native function '" +
                  e.text + "'");
        }
        std::vector<BoundExprPtr> args;
        for (const auto& a : e.args) {
          XP_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, scope, clause));
          args.push_back(std::move(b));
        }
        if (e.text == "ABS") return Call(ExprOp::kAbs, std::move(args));
        if (e.text == "IF") return Call(ExprOp::kCase, std::move(args));
        // NULLIF(a, b) == CASE WHEN a = b THEN NULL ELSE a END, typed as a.
        const DataType t = args[0]->type;
        BoundExprPtr a2 = Clone(*args[0]);
        XP_ASSIGN_OR_RETURN(
            BoundExprPtr eq,
            Call2(ExprOp::kEq, std::move(args[0]), std::move(args[1])));
        std::vector<BoundExprPtr> c;
        c.push_back(std::move(eq));
        c.push_back(MakeConst(Value(), t));
        c.push_back(std::move(a2));
        XP_ASSIGN_OR_RETURN(BoundExprPtr r, Call(ExprOp::kCase, std::move(c)));
        r->type = t;
        return r;
      }
      if (e.text == "COALESCE" || e.text == "IFNULL") {
        if (e.text == "IFNULL" && e.args.size() != 2) {
          return SqlError(
              ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT,
              "Incorrect parameter count in the call to native function "
              "'IFNULL'");
        }
        // Arguments after a non-NULL constant are never evaluated; MySQL
        // does not hold their columns against the GROUP BY.
        std::vector<BoundExprPtr> args;
        bool decided = false, dropped = false;
        for (const auto& a : e.args) {
          auto b = BindExpr(*a, scope, clause);
          if (!b.ok() && decided && IsGroupError(b.status())) {
            dropped = true;
            break;
          }
          if (!b.ok()) return b.status();
          const std::optional<Value> v = ConstantValue(**b, scope);
          decided |= v && v->index() != 0;
          args.push_back(std::move(*b));
        }
        XP_ASSIGN_OR_RETURN(BoundExprPtr r,
                            Call(ExprOp::kCoalesce, std::move(args)));
        r->non_constant = dropped;
        return r;
      }
      return BindFunction(e, scope, clause);
    }
    case sql::ExprKind::kLike: {
      if (e.regexp) return NotSupported("REGEXP");
      std::vector<BoundExprPtr> args;
      for (const auto& a : e.args) {
        XP_ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, scope, clause));
        args.push_back(AsString(std::move(b)));
      }
      XP_ASSIGN_OR_RETURN(BoundExprPtr like,
                          Call(ExprOp::kLike, std::move(args)));
      if (!e.negated) return like;
      std::vector<BoundExprPtr> n;
      n.push_back(std::move(like));
      return Call(ExprOp::kNot, std::move(n));
    }
    case sql::ExprKind::kRow:
      // A row where one value belongs (comparisons and IN take rows above).
      return OperandColumns(1);
    default:
      return NotSupported(sql::ToSql(e));
  }
}

}  // namespace xp::plan
