#include "plan/expr.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "codec/number_text.h"

namespace xp::plan {

namespace {

bool IsComparison(ExprOp op) {
  return op == ExprOp::kEq || op == ExprOp::kNe || op == ExprOp::kLt ||
         op == ExprOp::kLe || op == ExprOp::kGt || op == ExprOp::kGe ||
         op == ExprOp::kNullSafeEq;
}

bool Doubleish(const DataType& t) {
  return t.id == TypeId::kDouble || t.id == TypeId::kString;
}

int Digits(const DataType& t) {
  switch (t.id) {
    case TypeId::kDecimal:
      return t.precision;
    case TypeId::kInt:
    case TypeId::kUInt:
      return 20;
    default:
      return 0;
  }
}

DataType DecimalOf(int int_digits, int scale) {
  int precision = int_digits + scale;
  if (precision > kMaxDecimalDigits) precision = kMaxDecimalDigits;
  if (scale > kMaxDecimalScale) scale = kMaxDecimalScale;
  return DataType::Decimal(precision, scale);
}

}  // namespace

DataType DeriveType(ExprOp op, const std::vector<DataType>& a) {
  if (IsComparison(op) || op == ExprOp::kLike || op == ExprOp::kIn ||
      op == ExprOp::kAnd || op == ExprOp::kOr || op == ExprOp::kXor ||
      op == ExprOp::kNot || op == ExprOp::kIsNull || op == ExprOp::kIsNotNull) {
    return DataType::Int(1);
  }
  switch (op) {
    case ExprOp::kAbs:
      if (a[0].id == TypeId::kString) return DataType::Double();
      if (a[0].id == TypeId::kNull) return DataType::Int();
      return a[0].id == TypeId::kInt ? DataType::Int() : a[0];
    case ExprOp::kNeg:
      if (a[0].id == TypeId::kUInt) return DataType::Int();
      if (a[0].id == TypeId::kString || a[0].id == TypeId::kNull)
        return DataType::Double();
      return a[0].id == TypeId::kInt ? DataType::Int() : a[0];
    case ExprOp::kIntDiv:
      return (a[0].id == TypeId::kUInt || a[1].id == TypeId::kUInt)
                 ? DataType::UInt()
                 : DataType::Int();
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kMod:
    case ExprOp::kDiv: {
      const DataType& x = a[0];
      const DataType& y = a[1];
      if (x.id == TypeId::kNull || y.id == TypeId::kNull) {
        return op == ExprOp::kDiv ? DataType::Decimal(kMaxDecimalDigits,
                                                      kDivPrecisionIncrement)
                                  : DataType::Int();
      }
      if (Doubleish(x) || Doubleish(y)) return DataType::Double();
      const int sx = x.id == TypeId::kDecimal ? x.scale : 0;
      const int sy = y.id == TypeId::kDecimal ? y.scale : 0;
      const int ix = Digits(x) - sx, iy = Digits(y) - sy;
      if (op == ExprOp::kDiv)
        return DecimalOf(ix + sy, sx + kDivPrecisionIncrement);
      if (x.id == TypeId::kDecimal || y.id == TypeId::kDecimal) {
        if (op == ExprOp::kMul) return DecimalOf(ix + iy, sx + sy);
        return DecimalOf((ix > iy ? ix : iy) + 1, sx > sy ? sx : sy);
      }
      return (x.id == TypeId::kUInt || y.id == TypeId::kUInt) ? DataType::UInt()
                                                              : DataType::Int();
    }
    case ExprOp::kCase:
    case ExprOp::kCoalesce: {
      // The aggregated type of the result branches (simplified: the first
      // non-NULL branch type, widened to DOUBLE/DECIMAL/string if mixed).
      DataType r = DataType::Null();
      for (const DataType& t : a) {
        if (t.id == TypeId::kNull) continue;
        if (r.id == TypeId::kNull) {
          r = t;
        } else if (r.id != t.id) {
          if (r.id == TypeId::kString || t.id == TypeId::kString) {
            r = DataType::String();
          } else if (r.id == TypeId::kDouble || t.id == TypeId::kDouble) {
            r = DataType::Double();
          } else {
            const int s = std::max<int>(r.id == TypeId::kDecimal ? r.scale : 0,
                                        t.id == TypeId::kDecimal ? t.scale : 0);
            r = DecimalOf(std::max(Digits(r), Digits(t)), s);
          }
        } else if (r.id == TypeId::kDecimal) {
          r = DecimalOf(std::max(r.precision - r.scale, t.precision - t.scale),
                        std::max(r.scale, t.scale));
        }
      }
      return r;
    }
    default:
      return DataType::Null();
  }
}

DataType TypeOfValue(const Value& v) {
  switch (v.index()) {
    case 0:
      return DataType::Null();
    case 1:
      return DataType::Int();
    case 2:
      return DataType::UInt();
    case 3:
      return DataType::Double();
    case 4: {
      const Decimal& d = std::get<Decimal>(v);
      int digits = static_cast<int>(DecimalToString(d).size()) -
                   (d.scale > 0 ? 1 : 0) - (d.unscaled < 0 ? 1 : 0);
      if (digits < d.scale + 1) digits = d.scale + 1;
      return DataType::Decimal(digits, d.scale);
    }
    default:
      return DataType::String(
          static_cast<uint32_t>(std::get<std::string>(v).size()));
  }
}

namespace {

BoundExprPtr NewNode(ExprOp op, DataType t) {
  auto e = std::make_unique<BoundExpr>();
  e->op = op;
  e->type = t;
  return e;
}

}  // namespace

BoundExprPtr MakeConst(Value v, DataType t) {
  auto e = NewNode(ExprOp::kConst, t);
  e->value = std::move(v);
  return e;
}

BoundExprPtr MakeColumn(int index, DataType t) {
  auto e = NewNode(ExprOp::kColumn, t);
  e->column = index;
  return e;
}

Result<BoundExprPtr> MakeCall(ExprOp op, std::vector<BoundExprPtr> args) {
  size_t want = 0;
  switch (op) {
    case ExprOp::kNeg:
    case ExprOp::kAbs:
    case ExprOp::kNot:
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull:
      want = 1;
      break;
    case ExprOp::kCase:
    case ExprOp::kCoalesce:
      if (args.empty())
        return Status::InvalidArgument("CASE/COALESCE needs arguments");
      break;
    case ExprOp::kConst:
    case ExprOp::kColumn:
    case ExprOp::kCast:
    case ExprOp::kSubquery:
    case ExprOp::kFunc:
      return Status::InvalidArgument("not a call");
    case ExprOp::kLike:
      if (args.size() != 2 && args.size() != 3)
        return Status::InvalidArgument("LIKE takes 2 or 3 arguments");
      break;
    case ExprOp::kAnd:
    case ExprOp::kOr:
      if (args.size() < 2)
        return Status::InvalidArgument("AND / OR take 2 or more arguments");
      break;
    case ExprOp::kIn:
      if (args.size() < 2)
        return Status::InvalidArgument("IN needs a value and a list");
      for (size_t i = 1; i < args.size(); ++i) {
        if (args[i]->op != ExprOp::kConst)
          return Status::InvalidArgument("IN list items must be constants");
      }
      break;
    default:
      want = 2;
  }
  if (want != 0 && args.size() != want) {
    return Status::InvalidArgument("wrong argument count for operator");
  }
  std::vector<DataType> types;
  const bool has_else = op == ExprOp::kCase && args.size() % 2 == 1;
  if (op == ExprOp::kCase) {
    // when1, then1, ..., [else]: an odd count means a trailing ELSE.
    for (size_t i = 1; i < args.size(); i += 2) types.push_back(args[i]->type);
    if (has_else) types.push_back(args.back()->type);
  } else {
    for (const auto& a : args) types.push_back(a->type);
  }
  auto e = NewNode(op, DeriveType(op, types));
  e->has_else = has_else;
  e->args = std::move(args);
  return e;
}

BoundExprPtr MakeCast(BoundExprPtr arg, DataType to) {
  auto e = NewNode(ExprOp::kCast, to);
  e->args.push_back(std::move(arg));
  return e;
}

BoundExprPtr MakeSubquery(std::shared_ptr<SubqueryRunner> runner,
                          std::vector<BoundExprPtr> args, DataType t) {
  auto e = NewNode(ExprOp::kSubquery, t);
  e->args = std::move(args);
  e->subquery = std::move(runner);
  return e;
}

BoundExprPtr MakeFunc(Func f, std::vector<BoundExprPtr> args, DataType t,
                      int aux) {
  auto e = NewNode(ExprOp::kFunc, t);
  e->func = f;
  e->aux = aux;
  e->args = std::move(args);
  return e;
}

BoundExprPtr Clone(const BoundExpr& e) {
  auto c = std::make_unique<BoundExpr>();
  c->op = e.op;
  c->type = e.type;
  c->value = e.value;
  c->column = e.column;
  c->param = e.param;
  c->has_else = e.has_else;
  c->non_constant = e.non_constant;
  c->subquery = e.subquery;
  c->func = e.func;
  c->aux = e.aux;
  for (const auto& a : e.args) c->args.push_back(Clone(*a));
  return c;
}

bool SameValue(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  switch (a.index()) {
    case 1:
      return std::get<int64_t>(a) == std::get<int64_t>(b);
    case 2:
      return std::get<uint64_t>(a) == std::get<uint64_t>(b);
    case 3: {
      const double x = std::get<double>(a), y = std::get<double>(b);
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case 4: {
      const Decimal& x = std::get<Decimal>(a);
      const Decimal& y = std::get<Decimal>(b);
      return x.unscaled == y.unscaled && x.scale == y.scale;
    }
    case 5:
      return std::get<std::string>(a) == std::get<std::string>(b);
    default:
      return true;  // both NULL
  }
}

size_t Height(const BoundExpr& e, size_t* nodes) {
  size_t best = 0, count = 0;
  std::vector<std::pair<const BoundExpr*, size_t>> todo{{&e, 1}};
  while (!todo.empty()) {
    auto [n, h] = todo.back();
    todo.pop_back();
    best = std::max(best, h);
    ++count;
    for (const auto& a : n->args) todo.emplace_back(a.get(), h + 1);
  }
  if (nodes != nullptr) *nodes = count;
  return best;
}

bool HasSubquery(const BoundExpr& e) {
  std::vector<const BoundExpr*> todo{&e};
  while (!todo.empty()) {
    const BoundExpr* n = todo.back();
    todo.pop_back();
    if (n->op == ExprOp::kSubquery) return true;
    for (const auto& a : n->args) todo.push_back(a.get());
  }
  return false;
}

void CollectColumns(const BoundExpr& e, std::vector<int>* out) {
  if (e.op == ExprOp::kColumn) out->push_back(e.column);
  for (const auto& a : e.args) CollectColumns(*a, out);
}

void RemapColumns(BoundExpr* e, const std::vector<int>& map) {
  if (e->op == ExprOp::kColumn) e->column = map[static_cast<size_t>(e->column)];
  for (auto& a : e->args) RemapColumns(a.get(), map);
}

std::string ValueToString(const Value& v) {
  switch (v.index()) {
    case 0:
      return "NULL";
    case 1:
      return std::to_string(std::get<int64_t>(v));
    case 2:
      return std::to_string(std::get<uint64_t>(v));
    case 3:
      return DoubleText(std::get<double>(v));
    case 4:
      return DecimalToString(std::get<Decimal>(v));
    default:
      return "'" + std::get<std::string>(v) + "'";
  }
}

const char* FuncName(Func f) {
  static const char* kFuncNames[] = {"CONCAT",
                                     "SUBSTRING",
                                     "LENGTH",
                                     "CHAR_LENGTH",
                                     "UPPER",
                                     "LOWER",
                                     "TRIM",
                                     "LTRIM",
                                     "RTRIM",
                                     "REPLACE",
                                     "LEFT",
                                     "RIGHT",
                                     "LOCATE",
                                     "ROUND",
                                     "TRUNCATE",
                                     "FLOOR",
                                     "CEIL",
                                     "POWER",
                                     "SQRT",
                                     "SIGN",
                                     "EXTRACT",
                                     "DATE_ADD",
                                     "DATEDIFF",
                                     "DATE",
                                     "CURDATE",
                                     "NOW",
                                     "REVERSE",
                                     "REPEAT",
                                     "LPAD",
                                     "RPAD",
                                     "SUBSTRING_INDEX",
                                     "HEX",
                                     "UNHEX",
                                     "TO_BASE64",
                                     "FROM_BASE64",
                                     "MD5",
                                     "SHA1",
                                     "SHA2",
                                     "CRC32"};
  static_assert(sizeof(kFuncNames) / sizeof(kFuncNames[0]) ==
                static_cast<size_t>(Func::kCrc32) + 1);
  return kFuncNames[static_cast<int>(f)];
}

const char* ExprOpName(ExprOp op) {
  static const char* kNames[] = {
      "const", "col", "+",        "-",           "*",    "/",
      "DIV",   "%",   "-",        "=",           "<>",   "<",
      "<=",    ">",   ">=",       "<=>",         "AND",  "OR",
      "XOR",   "NOT", "IS NULL",  "IS NOT NULL", "CASE", "COALESCE",
      "CAST",  "ABS", "SUBQUERY", "FUNC",        "LIKE", "IN"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) ==
                static_cast<size_t>(ExprOp::kIn) + 1);
  return kNames[static_cast<int>(op)];
}

std::string ToString(const BoundExpr& e) {
  switch (e.op) {
    case ExprOp::kConst:
      return ValueToString(e.value);
    case ExprOp::kColumn:
      return "#" + std::to_string(e.column);
    case ExprOp::kCast:
      return "CAST(" + ToString(*e.args[0]) + " AS " + e.type.ToString() + ")";
    case ExprOp::kSubquery: {
      std::string out = "(" + e.subquery->Describe();
      for (const auto& a : e.args) out += ", " + ToString(*a);
      return out + ")";
    }
    default:
      break;
  }
  if (e.op == ExprOp::kIn) {
    std::string out = "(" + ToString(*e.args[0]) + " IN (";
    for (size_t i = 1; i < e.args.size(); ++i) {
      if (i > 1) out += ", ";
      out += ToString(*e.args[i]);
    }
    return out + "))";
  }
  if ((e.op == ExprOp::kAnd || e.op == ExprOp::kOr) && e.args.size() > 2) {
    std::string out = "(";
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (i) out += std::string(" ") + ExprOpName(e.op) + " ";
      out += ToString(*e.args[i]);
    }
    return out + ")";
  }
  const std::string name =
      e.op == ExprOp::kFunc ? FuncName(e.func) : ExprOpName(e.op);
  if (e.args.size() == 2 && e.op != ExprOp::kCase &&
      e.op != ExprOp::kCoalesce && e.op != ExprOp::kFunc) {
    return "(" + ToString(*e.args[0]) + " " + name + " " +
           ToString(*e.args[1]) + ")";
  }
  std::string out = name + "(";
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i) out += ", ";
    out += ToString(*e.args[i]);
  }
  return out + ")";
}

}  // namespace xp::plan
