#include "plan/exec/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "codec/sql_errors.h"
#include "plan/exec/evaluator_internal.h"
#include "plan/exec/key_encoding.h"
#include "plan/exec/operator.h"
#include "plan/exec/query_context.h"
#include "plan/sql/ast.h"
#include "plan/types/temporal.h"

namespace xp::exec {

// plan::BoundExpr, DataType, ExprOp, TypeId and int128 come from
// evaluator_internal.h.
using namespace evaluator_internal;  // NOLINT: the shared helpers

namespace {

template <class T>
void NonZero(const Vector& v, size_t rows, int64_t* o) {
  const T* in = v.data<T>();
  for (size_t i = 0; i < rows; ++i) o[i] = in[i] != T{};
}

}  // namespace

void ToTruth(const Vector& v, const DataType& type, size_t rows, Vector* out) {
  StartOutput(out, rows);
  UnionNulls({&v}, rows, out);
  int64_t* o = out->data<int64_t>();
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kTime:
      NonZero<int64_t>(v, rows, o);
      break;
    case TypeId::kUInt:
      NonZero<uint64_t>(v, rows, o);
      break;
    case TypeId::kDouble:
      NonZero<double>(v, rows, o);
      break;
    case TypeId::kDecimal:
      NonZero<int128>(v, rows, o);
      break;
    case TypeId::kString: {
      const std::string_view* in = v.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i)
        o[i] = !v.IsNull(i) && StringToDouble(in[i]) != 0.0;
      break;
    }
    case TypeId::kNull:
      for (size_t i = 0; i < rows; ++i) {
        o[i] = 0;
        out->SetNull(i);
      }
      break;
  }
}

namespace {

Result<const Vector*> Eval(Node& n, const Batch& in);

Status EvalConst(Node& n, size_t rows) {
  Vector& out = n.out;
  StartOutput(&out, rows);
  const plan::Value& v = n.expr->value;
  switch (v.index()) {
    case 0:
      for (size_t i = 0; i < rows; ++i) out.SetNull(i);
      break;
    case 1:
      std::fill_n(out.data<int64_t>(), rows, std::get<int64_t>(v));
      break;
    case 2:
      std::fill_n(out.data<uint64_t>(), rows, std::get<uint64_t>(v));
      break;
    case 3:
      std::fill_n(out.data<double>(), rows, std::get<double>(v));
      break;
    case 4: {
      const plan::Decimal& d = std::get<plan::Decimal>(v);
      auto r = plan::DecimalRescale(d, n.expr->type.scale);
      if (!r.ok()) return r.status();
      std::fill_n(out.data<int128>(), rows, r->unscaled);
      break;
    }
    default: {
      std::string_view s = out.arena().Store(std::get<std::string>(v));
      std::fill_n(out.data<std::string_view>(), rows, s);
      break;
    }
  }
  return Status::OK();
}

// o[i] = f(p[i], q[i]); a zero divisor makes the row NULL (or fails, as
// DivisionByZero says, where the row was not NULL already).
template <class T, class F>
Status DivideRows(const T* p, const T* q, T* o, Vector& out, size_t rows, F f) {
  for (size_t i = 0; i < rows; ++i) {
    if (q[i] == 0) {
      if (!out.IsNull(i)) XP_RETURN_IF_ERROR(DivisionByZero());
      out.SetNull(i);
      o[i] = 0;
    } else {
      o[i] = f(p[i], q[i]);
    }
  }
  return Status::OK();
}

Status EvalArithmetic(Node& n, const Vector& a, const Vector& b, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& ta = e.args[0]->type;
  const DataType& tb = e.args[1]->type;
  Vector& out = n.out;
  StartOutput(&out, rows);
  UnionNulls({&a, &b}, rows, &out);
  const bool exact = IsExact(ta) && IsExact(tb);
  if (!exact) {
    Vector& x = n.Scratch(0, PhysType::kDouble);
    Vector& y = n.Scratch(1, PhysType::kDouble);
    ToDouble(a, ta, rows, &x);
    ToDouble(b, tb, rows, &y);
    const double* p = x.data<double>();
    const double* q = y.data<double>();
    if (e.op == ExprOp::kIntDiv) {
      int64_t* o = out.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) {
        if (q[i] == 0.0) {
          out.SetNull(i);
          o[i] = 0;
          continue;
        }
        const double t = std::trunc(p[i] / q[i]);
        if ((t >= 9.3e18 || t <= -9.3e18) && !out.IsNull(i))
          return OutOfRange(e.type, e);
        o[i] = static_cast<int64_t>(t);
      }
      return Status::OK();
    }
    double* o = out.data<double>();
    switch (e.op) {
      case ExprOp::kAdd:
        for (size_t i = 0; i < rows; ++i) o[i] = p[i] + q[i];
        break;
      case ExprOp::kSub:
        for (size_t i = 0; i < rows; ++i) o[i] = p[i] - q[i];
        break;
      case ExprOp::kMul:
        for (size_t i = 0; i < rows; ++i) o[i] = p[i] * q[i];
        break;
      case ExprOp::kDiv:
        XP_RETURN_IF_ERROR(DivideRows(
            p, q, o, out, rows, [](double x, double y) { return x / y; }));
        break;
      case ExprOp::kMod:
        XP_RETURN_IF_ERROR(
            DivideRows(p, q, o, out, rows,
                       [](double x, double y) { return std::fmod(x, y); }));
        break;
      default:
        return Status::Internal("bad arithmetic operator");
    }
    for (size_t i = 0; i < rows; ++i) {
      if (!std::isfinite(o[i]) && !out.IsNull(i)) {
        return SqlError(
            ER_DATA_OUT_OF_RANGE,
            "DOUBLE value is out of range in '" + plan::ToString(e) + "'");
      }
    }
    return Status::OK();
  }

  // Exact: int128 domain. Multiplication and division keep each side at
  // its own scale; the others align both sides to the larger scale.
  const int sa = ScaleOf(ta), sb = ScaleOf(tb);
  const bool aligned = e.op != ExprOp::kMul && e.op != ExprOp::kDiv;
  const int common = sa > sb ? sa : sb;
  Vector& x = n.Scratch(0, PhysType::kInt128);
  Vector& y = n.Scratch(1, PhysType::kInt128);
  Vector& r = n.Scratch(2, PhysType::kInt128);
  XP_RETURN_IF_ERROR(ToInt128(a, ta, aligned ? common : sa, rows, &x, e));
  XP_RETURN_IF_ERROR(ToInt128(b, tb, aligned ? common : sb, rows, &y, e));
  StartOutput(&r, rows);
  const int128* p = x.data<int128>();
  const int128* q = y.data<int128>();
  int128* o = r.data<int128>();
  const int rs = ScaleOf(e.type);
  switch (e.op) {
    case ExprOp::kAdd:
    case ExprOp::kSub: {
      // Two 38-digit values can exceed int128: checked (then out of range).
      bool overflow = false;
      if (e.op == ExprOp::kAdd) {
        for (size_t i = 0; i < rows; ++i)
          overflow |= __builtin_add_overflow(p[i], q[i], &o[i]);
      } else {
        for (size_t i = 0; i < rows; ++i)
          overflow |= __builtin_sub_overflow(p[i], q[i], &o[i]);
      }
      if (overflow) return OutOfRange(e.type, e);
      break;
    }
    case ExprOp::kMul: {
      const int extra = sa + sb - rs;  // > 0 when the scale was capped
      const int128 div = plan::Pow10(extra < 0 ? 0 : extra);
      for (size_t i = 0; i < rows; ++i) {
        if (__builtin_mul_overflow(p[i], q[i], &o[i])) {
          if (!out.IsNull(i)) return OutOfRange(e.type, e);
          o[i] = 0;
        } else if (extra > 0) {
          o[i] = DivRound(o[i], div);
        }
      }
      break;
    }
    case ExprOp::kDiv: {
      // a/b at scale rs: A * 10^(sb + rs - sa) / B, rounded half up.
      const int shift = sb + rs - sa;
      const int128 mul = plan::Pow10(shift < 0 ? 0 : shift);
      for (size_t i = 0; i < rows; ++i) {
        if (q[i] == 0) {
          if (!out.IsNull(i)) XP_RETURN_IF_ERROR(DivisionByZero());
          out.SetNull(i);
          o[i] = 0;
          continue;
        }
        int128 num;
        if (__builtin_mul_overflow(p[i], mul, &num)) {
          if (!out.IsNull(i)) return OutOfRange(e.type, e);
          o[i] = 0;
          continue;
        }
        o[i] = DivRound(num, q[i]);
      }
      break;
    }
    case ExprOp::kIntDiv:
      XP_RETURN_IF_ERROR(DivideRows(p, q, o, out, rows,
                                    [](int128 x, int128 y) { return x / y; }));
      break;
    case ExprOp::kMod:
      XP_RETURN_IF_ERROR(DivideRows(p, q, o, out, rows,
                                    [](int128 x, int128 y) { return x % y; }));
      break;
    default:
      return Status::Internal("bad arithmetic operator");
  }
  return StoreExact(o, out, e.type, rows, &out, e);
}

Status EvalNeg(Node& n, const Vector& a, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& ta = e.args[0]->type;
  Vector& out = n.out;
  StartOutput(&out, rows);
  UnionNulls({&a}, rows, &out);
  if (ta.id == TypeId::kNull) {  // - NULL
    for (size_t i = 0; i < rows; ++i) out.SetNull(i);
    return Status::OK();
  }
  if (!IsExact(ta)) {
    Vector& x = n.Scratch(0, PhysType::kDouble);
    ToDouble(a, ta, rows, &x);
    const double* p = x.data<double>();
    double* o = out.data<double>();
    for (size_t i = 0; i < rows; ++i) o[i] = -p[i];
    return Status::OK();
  }
  Vector& x = n.Scratch(0, PhysType::kInt128);
  XP_RETURN_IF_ERROR(ToInt128(a, ta, ScaleOf(ta), rows, &x, e));
  int128* p = x.data<int128>();
  for (size_t i = 0; i < rows; ++i) p[i] = -p[i];
  return StoreExact(p, out, e.type, rows, &out, e);
}

Status EvalCompare(Node& n, const Vector& a, const Vector& b, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& ta = e.args[0]->type;
  const DataType& tb = e.args[1]->type;
  Vector& out = n.out;
  StartOutput(&out, rows);
  const bool null_safe = e.op == ExprOp::kNullSafeEq;
  if (!null_safe) UnionNulls({&a, &b}, rows, &out);
  int64_t* o = out.data<int64_t>();
  auto finish_null_safe = [&](size_t i, int cmp) {
    const bool na = a.IsNull(i), nb = b.IsNull(i);
    if (na || nb) return static_cast<int64_t>(na && nb);
    return static_cast<int64_t>(cmp == 0);
  };
  if (ta.id == TypeId::kString && tb.id == TypeId::kString) {
    const bool binary = ta.binary || tb.binary;
    const std::string_view* p = a.data<std::string_view>();
    const std::string_view* q = b.data<std::string_view>();
    for (size_t i = 0; i < rows; ++i) {
      const int c =
          (a.IsNull(i) || b.IsNull(i)) ? 0 : CompareStrings(p[i], q[i], binary);
      o[i] = null_safe ? finish_null_safe(i, c) : CompareResult(e.op, c);
    }
    return Status::OK();
  }
  // o[i] from the three-way comparison of p[i] and q[i].
  auto ordered = [&](const auto* p, const auto* q) {
    for (size_t i = 0; i < rows; ++i) {
      const int c = p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
      o[i] = null_safe ? finish_null_safe(i, c) : CompareResult(e.op, c);
    }
    return Status::OK();
  };
  if (ta.is_temporal() && ta.id == tb.id)  // the binder aligned the types
    return ordered(a.data<int64_t>(), b.data<int64_t>());
  if (IsExact(ta) && IsExact(tb)) {
    const int common = ScaleOf(ta) > ScaleOf(tb) ? ScaleOf(ta) : ScaleOf(tb);
    Vector& x = n.Scratch(0, PhysType::kInt128);
    Vector& y = n.Scratch(1, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ToInt128(a, ta, common, rows, &x, e));
    XP_RETURN_IF_ERROR(ToInt128(b, tb, common, rows, &y, e));
    return ordered(x.data<int128>(), y.data<int128>());
  }
  Vector& x = n.Scratch(0, PhysType::kDouble);
  Vector& y = n.Scratch(1, PhysType::kDouble);
  ToDouble(a, ta, rows, &x);
  ToDouble(b, tb, rows, &y);
  return ordered(x.data<double>(), y.data<double>());
}

Status EvalLogic(Node& n, const std::vector<const Vector*>& args, size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  StartOutput(&out, rows);
  int64_t* o = out.data<int64_t>();
  if (e.op == ExprOp::kIsNull || e.op == ExprOp::kIsNotNull) {
    const bool want = e.op == ExprOp::kIsNull;
    for (size_t i = 0; i < rows; ++i) o[i] = args[0]->IsNull(i) == want;
    return Status::OK();
  }
  Vector& x = n.Scratch(0, PhysType::kInt64);
  ToTruth(*args[0], e.args[0]->type, rows, &x);
  const int64_t* p = x.data<int64_t>();
  if (e.op == ExprOp::kNot) {
    UnionNulls({&x}, rows, &out);
    for (size_t i = 0; i < rows; ++i) o[i] = !p[i];
    return Status::OK();
  }
  if (e.op == ExprOp::kAnd || e.op == ExprOp::kOr) {
    // n operands folded into the output one at a time: AND is 0 once any
    // operand is false, else NULL if any is NULL, else 1 (OR: the dual).
    // `decided` rows stay as they are; `unknown` marks a NULL seen.
    const int64_t dominant = e.op == ExprOp::kOr ? 1 : 0;
    Vector& unknown = n.Scratch(1, PhysType::kInt64);
    StartOutput(&unknown, rows);
    int64_t* u = unknown.data<int64_t>();
    for (size_t i = 0; i < rows; ++i) {
      u[i] = 0;
      o[i] = 1 - dominant;
    }
    for (size_t k = 0; k < args.size(); ++k) {
      if (k > 0) ToTruth(*args[k], e.args[k]->type, rows, &x);
      for (size_t i = 0; i < rows; ++i) {
        if (x.IsNull(i)) {
          u[i] = 1;
        } else if ((p[i] != 0) == (dominant != 0)) {
          o[i] = dominant;
        }
      }
    }
    for (size_t i = 0; i < rows; ++i) {
      if (o[i] != dominant && u[i]) {
        o[i] = 0;
        out.SetNull(i);
      }
    }
    return Status::OK();
  }
  Vector& y = n.Scratch(1, PhysType::kInt64);
  ToTruth(*args[1], e.args[1]->type, rows, &y);
  const int64_t* q = y.data<int64_t>();
  for (size_t i = 0; i < rows; ++i) {  // XOR
    if (x.IsNull(i) || y.IsNull(i)) {
      o[i] = 0;
      out.SetNull(i);
    } else {
      o[i] = p[i] != q[i];
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------- IN

// Each list item is compared with x as x = item would be (EvalCompare's
// classes): both strings by their collation, one temporal type by its
// encoding, exact numbers as int128 at one scale, anything else as DOUBLE.
enum class InClass : uint8_t { kString, kTemporal, kExact, kDouble };

InClass ClassOf(const DataType& x, const DataType& item) {
  if (x.id == TypeId::kString && item.id == TypeId::kString)
    return InClass::kString;
  if (x.is_temporal() && x.id == item.id) return InClass::kTemporal;
  if (IsExact(x) && IsExact(item)) return InClass::kExact;
  return InClass::kDouble;
}

}  // namespace

struct InList {
  bool has_null = false;          // a NULL item: no match is NULL
  std::vector<std::string> bin;   // string items compared by bytes
  std::vector<std::string> ci;    // ... case-insensitively
  std::vector<int64_t> temporal;  // items of x's temporal type
  std::vector<int128> exact;      // exact items at `scale`
  int scale = 0;
  std::vector<double> approx;  // the rest, as DOUBLE
};

ExpressionEvaluator::Node::Node(const BoundExpr* e, size_t capacity)
    : expr(e), out(e->type.phys(), capacity) {}
ExpressionEvaluator::Node::~Node() = default;

namespace {

// The item's value in a one-row vector of its type (a DECIMAL at its own
// scale), so the column conversions below apply to it unchanged.
Result<DataType> ItemVector(const plan::BoundExpr& item, Vector* one) {
  DataType t = item.type;
  const plan::Value& v = item.value;
  const bool fits = (one->type() == PhysType::kInt64 && v.index() == 1) ||
                    (one->type() == PhysType::kUInt64 && v.index() == 2) ||
                    (one->type() == PhysType::kDouble && v.index() == 3) ||
                    (one->type() == PhysType::kInt128 && v.index() == 4) ||
                    (one->type() == PhysType::kString && v.index() == 5);
  if (!fits) return Status::Internal("IN list item of the wrong layout");
  if (v.index() == 4) t.scale = std::get<plan::Decimal>(v).scale;
  StartOutput(one, 1);
  PutValue(v, 0, one);
  return t;
}

Status BuildInList(const BoundExpr& e, InList* l) {
  const DataType& xt = e.args[0]->type;
  l->scale = ScaleOf(xt);
  for (size_t k = 1; k < e.args.size(); ++k) {
    const plan::Value& v = e.args[k]->value;
    if (v.index() == 4 && ClassOf(xt, e.args[k]->type) == InClass::kExact)
      l->scale = std::max(l->scale, std::get<plan::Decimal>(v).scale);
  }
  l->scale = std::min(l->scale, plan::kMaxDecimalScale);
  for (size_t k = 1; k < e.args.size(); ++k) {
    const BoundExpr& item = *e.args[k];
    if (item.op != ExprOp::kConst)
      return Status::Internal("IN list item is not a constant");
    if (item.value.index() == 0) {
      l->has_null = true;
      continue;
    }
    Vector one(item.type.phys(), 1);
    XP_ASSIGN_OR_RETURN(DataType t, ItemVector(item, &one));
    switch (ClassOf(xt, item.type)) {
      case InClass::kString: {
        const std::string& s = std::get<std::string>(item.value);
        (xt.binary || item.type.binary ? l->bin : l->ci).push_back(s);
        break;
      }
      case InClass::kTemporal:
        l->temporal.push_back(one.data<int64_t>()[0]);
        break;
      case InClass::kExact: {
        Vector wide(PhysType::kInt128, 1);
        // An item too large for the common scale equals no value of x.
        if (ToInt128(one, t, l->scale, 1, &wide, e).ok())
          l->exact.push_back(wide.data<int128>()[0]);
        break;
      }
      case InClass::kDouble: {
        Vector d(PhysType::kDouble, 1);
        ToDouble(one, t, 1, &d);
        if (!d.IsNull(0)) l->approx.push_back(d.data<double>()[0]);
        break;
      }
    }
  }
  auto bin_less = [](const std::string& a, const std::string& b) {
    return CompareStrings(a, b, true) < 0;
  };
  auto ci_less = [](const std::string& a, const std::string& b) {
    return CompareStrings(a, b, false) < 0;
  };
  std::sort(l->bin.begin(), l->bin.end(), bin_less);
  std::sort(l->ci.begin(), l->ci.end(), ci_less);
  std::sort(l->temporal.begin(), l->temporal.end());
  std::sort(l->exact.begin(), l->exact.end());
  std::sort(l->approx.begin(), l->approx.end());
  return Status::OK();
}

Status EvalIn(Node& n, const Vector& x, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& xt = e.args[0]->type;
  if (!n.in_list) {
    auto l = std::make_unique<InList>();
    XP_RETURN_IF_ERROR(BuildInList(e, l.get()));
    n.in_list = std::move(l);
  }
  const InList& l = *n.in_list;
  Vector& out = n.out;
  StartOutput(&out, rows);
  int64_t* o = out.data<int64_t>();
  for (size_t i = 0; i < rows; ++i) o[i] = 0;
  auto found = [&](size_t i) { o[i] = 1; };
  if (xt.id == TypeId::kString && (!l.bin.empty() || !l.ci.empty())) {
    const std::string_view* p = x.data<std::string_view>();
    for (size_t i = 0; i < rows; ++i) {
      if (x.IsNull(i)) continue;
      auto bin = std::lower_bound(l.bin.begin(), l.bin.end(), p[i],
                                  [](const std::string& a, std::string_view b) {
                                    return CompareStrings(a, b, true) < 0;
                                  });
      if (bin != l.bin.end() && CompareStrings(*bin, p[i], true) == 0) {
        found(i);
        continue;
      }
      auto ci = std::lower_bound(l.ci.begin(), l.ci.end(), p[i],
                                 [](const std::string& a, std::string_view b) {
                                   return CompareStrings(a, b, false) < 0;
                                 });
      if (ci != l.ci.end() && CompareStrings(*ci, p[i], false) == 0) found(i);
    }
  }
  // Rows of `v` (values `p`) found in the sorted list `sorted`.
  auto search = [&](const Vector& v, const auto* p, const auto& sorted) {
    for (size_t i = 0; i < rows; ++i)
      if (!v.IsNull(i) &&
          std::binary_search(sorted.begin(), sorted.end(), p[i]))
        found(i);
  };
  if (!l.temporal.empty()) search(x, x.data<int64_t>(), l.temporal);
  if (!l.exact.empty()) {
    Vector& w = n.Scratch(0, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ToInt128(x, xt, l.scale, rows, &w, e));
    search(x, w.data<int128>(), l.exact);
  }
  if (!l.approx.empty()) {
    Vector& d = n.Scratch(1, PhysType::kDouble);
    ToDouble(x, xt, rows, &d);
    search(d, d.data<double>(), l.approx);
  }
  for (size_t i = 0; i < rows; ++i) {
    if (o[i] == 0 && (x.IsNull(i) || l.has_null)) out.SetNull(i);
  }
  return Status::OK();
}

Status EvalChoice(Node& n, const std::vector<const Vector*>& args,
                  size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  StartOutput(&out, rows);
  // Branch values converted to the result type.
  std::vector<const Vector*> values;
  std::vector<const Vector*> conds;
  size_t scratch = 0;
  auto convert = [&](size_t k) -> Result<const Vector*> {
    const DataType& from = e.args[k]->type;
    if (from == e.type ||
        (from.phys() == e.type.phys() && from.id == e.type.id &&
         from.scale == e.type.scale)) {
      return args[k];
    }
    Vector& dst = n.Scratch(scratch++, e.type.phys());
    Vector& tmp = n.Scratch(scratch++, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ConvertTo(*args[k], from, e.type, rows, &dst, &tmp, e));
    return &dst;
  };
  if (e.op == ExprOp::kCoalesce) {
    for (size_t k = 0; k < args.size(); ++k) {
      XP_ASSIGN_OR_RETURN(const Vector* v, convert(k));
      values.push_back(v);
    }
    for (size_t i = 0; i < rows; ++i) {
      size_t k = 0;
      while (k < values.size() && values[k]->IsNull(i)) ++k;
      if (k == values.size()) {
        out.SetNull(i);
      } else {
        CopyValue(*values[k], i, &out, i);
      }
    }
    return Status::OK();
  }
  const size_t pairs = (args.size() - (e.has_else ? 1 : 0)) / 2;
  for (size_t p = 0; p < pairs; ++p) {
    Vector& t = n.Scratch(scratch++, PhysType::kInt64);
    ToTruth(*args[2 * p], e.args[2 * p]->type, rows, &t);
    conds.push_back(&t);
    XP_ASSIGN_OR_RETURN(const Vector* v, convert(2 * p + 1));
    values.push_back(v);
  }
  const Vector* other = nullptr;
  if (e.has_else) XP_SET_OR_RETURN(other, convert(args.size() - 1));
  for (size_t i = 0; i < rows; ++i) {
    size_t p = 0;
    while (p < pairs && (conds[p]->IsNull(i) || !conds[p]->data<int64_t>()[i]))
      ++p;
    if (p < pairs) {
      CopyValue(*values[p], i, &out, i);
    } else if (other != nullptr) {
      CopyValue(*other, i, &out, i);
    } else {
      out.SetNull(i);
    }
  }
  return Status::OK();
}

}  // namespace

bool LikeMatch(std::string_view s, std::string_view p, char esc, bool binary) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  auto eq = [&](char a, char b) {
    return binary ? a == b
                  : FoldCase(static_cast<unsigned char>(a)) ==
                        FoldCase(static_cast<unsigned char>(b));
  };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      char c = p[pi];
      bool literal = false;
      if (c == esc && pi + 1 < p.size()) {
        c = p[pi + 1];
        literal = true;
      }
      if ((!literal && c == '_') || eq(c, s[si])) {
        // '_' matches one character (a whole UTF-8 sequence).
        size_t next = si + 1;
        if (!literal && c == '_') {
          while (next < s.size() &&
                 (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80)
            ++next;
        }
        si = next;
        pi += literal ? 2 : 1;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

namespace {

Status EvalLike(Node& n, const std::vector<const Vector*>& args, size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  StartOutput(&out, rows);
  UnionNulls({args[0], args[1]}, rows, &out);
  const bool binary = e.args[0]->type.binary || e.args[1]->type.binary;
  int64_t* o = out.data<int64_t>();
  for (size_t i = 0; i < rows; ++i) {
    if (out.IsNull(i)) continue;
    char esc = '\\';
    if (args.size() > 2) {
      if (args[2]->IsNull(i)) {
        out.SetNull(i);
        continue;
      }
      const std::string_view es = args[2]->data<std::string_view>()[i];
      if (es.size() > 1) {
        return SqlError(ER_WRONG_ARGUMENTS, "Incorrect arguments to ESCAPE");
      }
      esc = es.empty() ? '\\' : es[0];
    }
    o[i] = LikeMatch(args[0]->data<std::string_view>()[i],
                     args[1]->data<std::string_view>()[i], esc, binary);
  }
  return Status::OK();
}

bool SameValues(const std::vector<plan::Value>& a,
                const std::vector<plan::Value>& b) {
  for (size_t k = 0; k < a.size(); ++k) {
    if (!plan::SameValue(a[k], b[k])) return false;
  }
  return true;
}

// A subquery runs once per distinct combination of outer values (the runner
// memoizes); rows with the same values as the previous row reuse its result.
Status EvalSubquery(Node& n, const std::vector<const Vector*>& args,
                    size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  StartOutput(&out, rows);
  std::vector<plan::Value> vals(args.size()), prev;
  plan::Value result;
  for (size_t i = 0; i < rows; ++i) {
    for (size_t k = 0; k < args.size(); ++k)
      vals[k] = ValueAt(*args[k], e.args[k]->type, i);
    if (i == 0 || !SameValues(vals, prev)) {
      XP_SET_OR_RETURN(result, e.subquery->Run(vals));
      prev = vals;
    }
    PutValue(result, i, &out);
  }
  return Status::OK();
}

Result<const Vector*> Eval(Node& n, const Batch& in) {
  const BoundExpr& e = *n.expr;
  const size_t rows = in.num_rows();
  if (e.op == ExprOp::kColumn) {
    if (e.column < 0 || static_cast<size_t>(e.column) >= in.num_columns()) {
      return Status::Internal("column reference out of range");
    }
    return &in.column(static_cast<size_t>(e.column));
  }
  if (e.op == ExprOp::kConst) {
    XP_RETURN_IF_ERROR(EvalConst(n, rows));
    return &n.out;
  }
  std::vector<const Vector*> args;
  args.reserve(n.children.size());
  for (auto& c : n.children) {
    XP_ASSIGN_OR_RETURN(const Vector* v, Eval(*c, in));
    args.push_back(v);
  }
  switch (e.op) {
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kDiv:
    case ExprOp::kIntDiv:
    case ExprOp::kMod:
      XP_RETURN_IF_ERROR(EvalArithmetic(n, *args[0], *args[1], rows));
      break;
    case ExprOp::kNeg:
      XP_RETURN_IF_ERROR(EvalNeg(n, *args[0], rows));
      break;
    case ExprOp::kEq:
    case ExprOp::kNe:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
    case ExprOp::kNullSafeEq:
      XP_RETURN_IF_ERROR(EvalCompare(n, *args[0], *args[1], rows));
      break;
    case ExprOp::kAnd:
    case ExprOp::kOr:
    case ExprOp::kXor:
    case ExprOp::kNot:
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull:
      XP_RETURN_IF_ERROR(EvalLogic(n, args, rows));
      break;
    case ExprOp::kCase:
    case ExprOp::kCoalesce:
      XP_RETURN_IF_ERROR(EvalChoice(n, args, rows));
      break;
    case ExprOp::kCast:
      XP_RETURN_IF_ERROR(EvalCast(n, *args[0], rows));
      break;
    case ExprOp::kAbs:
      XP_RETURN_IF_ERROR(EvalAbs(n, *args[0], rows));
      break;
    case ExprOp::kSubquery:
      XP_RETURN_IF_ERROR(EvalSubquery(n, args, rows));
      break;
    case ExprOp::kFunc:
      XP_RETURN_IF_ERROR(EvalFunc(n, args, rows));
      break;
    case ExprOp::kLike:
      XP_RETURN_IF_ERROR(EvalLike(n, args, rows));
      break;
    case ExprOp::kIn:
      XP_RETURN_IF_ERROR(EvalIn(n, *args[0], rows));
      break;
    default:
      return Status::Internal("unhandled operator");
  }
  return &n.out;
}

std::unique_ptr<Node> Build(const BoundExpr& e, size_t capacity) {
  auto n = std::make_unique<Node>(&e, capacity);
  // IN: only the value is evaluated per batch; the list is constant.
  const size_t evaluated = e.op == ExprOp::kIn ? 1 : e.args.size();
  for (size_t i = 0; i < evaluated && i < e.args.size(); ++i)
    n->children.push_back(Build(*e.args[i], capacity));
  return n;
}

}  // namespace

ExpressionEvaluator::ExpressionEvaluator(const BoundExpr& expr, size_t capacity)
    : root_(Build(expr, capacity)), capacity_(capacity) {}

ExpressionEvaluator::~ExpressionEvaluator() = default;

Result<const Vector*> ExpressionEvaluator::Evaluate(const Batch& input) {
  if (input.num_rows() > capacity_) {
    return Status::InvalidArgument(
        "batch larger than the evaluator's capacity");
  }
  return Eval(*root_, input);
}

}  // namespace xp::exec
