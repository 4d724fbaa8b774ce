#include "plan/exec/evaluator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "plan/exec/operator.h"
#include "plan/exec/query_context.h"
#include "plan/sql/ast.h"
#include "plan/types/temporal.h"

namespace xp::exec {

using plan::BoundExpr;
using plan::DataType;
using plan::ExprOp;
using plan::TypeId;
using int128 = __int128;

struct ExpressionEvaluator::Node {
  const BoundExpr* expr = nullptr;
  Vector out;
  std::vector<std::unique_ptr<Node>> children;
  // Conversion buffers, allocated on the first batch and reused; held by
  // pointer so references stay valid while more are added.
  std::vector<std::unique_ptr<Vector>> scratch;
  // kIn: the constant list, sorted by comparison class (first batch).
  std::unique_ptr<struct InList> in_list;

  Node(const BoundExpr* e, size_t capacity)
      : expr(e), out(e->type.phys(), capacity) {}

  // Buffer `i` with layout `type`.
  Vector& Scratch(size_t i, PhysType type) {
    while (scratch.size() <= i) scratch.push_back(nullptr);
    if (!scratch[i] || scratch[i]->type() != type) {
      scratch[i] = std::make_unique<Vector>(type, out.capacity());
    }
    return *scratch[i];
  }
};

namespace {

using Node = ExpressionEvaluator::Node;

constexpr int128 kMaxDecimalUnscaled = [] {
  int128 p = 1;
  for (int i = 0; i < 38; ++i) p *= 10;
  return p - 1;
}();

// ---------------------------------------------------------------- NULLs

// out's NULL bitmap = union of the inputs' bitmaps over `rows`.
void UnionNulls(std::span<const Vector* const> ins, size_t rows, Vector* out) {
  const size_t words = (rows + 63) / 64;
  bool any = false;
  for (const Vector* v : ins) any |= v->may_have_nulls();
  if (!any) return;
  uint64_t* dst = out->mutable_null_words();
  std::memset(dst, 0, words * sizeof(uint64_t));
  for (const Vector* v : ins) {
    if (!v->may_have_nulls()) continue;
    const uint64_t* src = v->null_words();
    for (size_t w = 0; w < words; ++w) dst[w] |= src[w];
  }
}

void UnionNulls(std::initializer_list<const Vector*> ins, size_t rows,
                Vector* out) {
  UnionNulls(std::span<const Vector* const>(ins.begin(), ins.size()), rows,
             out);
}

void StartOutput(Vector* out, size_t rows) {
  out->Reset();
  out->Resize(rows);
}

// ---------------------------------------------------------------- conversions

// MySQL's string-to-number: leading space, the longest numeric prefix, 0 if
// there is none.
double StringToDouble(std::string_view s) {
  if (s.empty()) return 0.0;
  char buf[128];
  const size_t n = s.size() < sizeof(buf) - 1 ? s.size() : sizeof(buf) - 1;
  std::memcpy(buf, s.data(), n);
  buf[n] = '\0';
  char* end = nullptr;
  double d = std::strtod(buf, &end);
  if (end == buf) return 0.0;
  // strtod accepts hex, inf and nan; MySQL does not.
  for (const char* p = buf; p < end; ++p) {
    if (*p == 'x' || *p == 'X' || *p == 'n' || *p == 'N' || *p == 'i' ||
        *p == 'I')
      return 0.0;
  }
  return d;
}

Status OutOfRange(const DataType& t, const BoundExpr& e) {
  const char* what = t.id == TypeId::kUInt      ? "BIGINT UNSIGNED"
                     : t.id == TypeId::kDecimal ? "DECIMAL"
                                                : "BIGINT";
  return Status::SqlError(1690, "22003",
                          std::string(what) + " value is out of range in '" +
                              plan::ToString(e) + "'");
}

// Values of v as int128 at decimal `scale` into dst. REQUIRES: v is an
// integer, DECIMAL or NULL column.
Status ToInt128(const Vector& v, const DataType& t, int scale, size_t rows,
                Vector* dst, const BoundExpr& e) {
  StartOutput(dst, rows);
  UnionNulls({&v}, rows, dst);
  int128* out = dst->data<int128>();
  const int from = t.id == TypeId::kDecimal ? t.scale : 0;
  const int up = scale - from;
  const int128 mul = plan::Pow10(up < 0 ? 0 : up);
  switch (t.id) {
    case TypeId::kInt: {
      const int64_t* in = v.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) out[i] = in[i];
      break;
    }
    case TypeId::kUInt: {
      const uint64_t* in = v.data<uint64_t>();
      for (size_t i = 0; i < rows; ++i) out[i] = in[i];
      break;
    }
    case TypeId::kDecimal:
      std::memcpy(out, v.data<int128>(), rows * sizeof(int128));
      break;
    case TypeId::kNull:
      for (size_t i = 0; i < rows; ++i) dst->SetNull(i);
      std::memset(out, 0, rows * sizeof(int128));
      return Status::OK();
    default:
      return Status::Internal("ToInt128 on a non-exact column");
  }
  // NULL slots hold whatever was there: make them 0 so that arithmetic on
  // them is defined.
  if (dst->may_have_nulls()) {
    for (size_t i = 0; i < rows; ++i) {
      if (dst->IsNull(i)) out[i] = 0;
    }
  }
  if (up > 0) {
    for (size_t i = 0; i < rows; ++i) {
      if (__builtin_mul_overflow(out[i], mul, &out[i])) {
        if (!dst->IsNull(i)) return OutOfRange(DataType::Decimal(38, scale), e);
      }
    }
  } else if (up < 0) {
    const int128 div = plan::Pow10(-up);
    for (size_t i = 0; i < rows; ++i) out[i] /= div;
  }
  return Status::OK();
}

void ToDouble(const Vector& v, const DataType& t, size_t rows, Vector* dst) {
  StartOutput(dst, rows);
  UnionNulls({&v}, rows, dst);
  double* out = dst->data<double>();
  switch (t.id) {
    case TypeId::kInt: {
      const int64_t* in = v.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) out[i] = static_cast<double>(in[i]);
      break;
    }
    case TypeId::kUInt: {
      const uint64_t* in = v.data<uint64_t>();
      for (size_t i = 0; i < rows; ++i) out[i] = static_cast<double>(in[i]);
      break;
    }
    case TypeId::kDouble:
      std::memcpy(out, v.data<double>(), rows * sizeof(double));
      break;
    case TypeId::kDecimal: {
      const int128* in = v.data<int128>();
      for (size_t i = 0; i < rows; ++i) {
        out[i] = v.IsNull(i)
                     ? 0
                     : plan::DecimalToDouble(plan::Decimal{in[i], t.scale});
      }
      break;
    }
    case TypeId::kString: {
      const std::string_view* in = v.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i)
        out[i] = v.IsNull(i) ? 0 : StringToDouble(in[i]);
      break;
    }
    case TypeId::kDate:
    case TypeId::kDateTime: {
      // MySQL's numeric value of a date: YYYYMMDD[hhmmss].
      const int64_t* in = v.data<int64_t>();
      const bool date = t.id == TypeId::kDate;
      for (size_t i = 0; i < rows; ++i) {
        out[i] =
            v.IsNull(i)
                ? 0
                : static_cast<double>(date ? plan::DateAsNumber(in[i])
                                           : plan::DateTimeAsNumber(in[i]));
      }
      break;
    }
    default:
      for (size_t i = 0; i < rows; ++i) dst->SetNull(i);
  }
}

// Copies int128 results into `o`, failing with 1690 when a non-NULL value
// falls outside [lo, hi].
template <class T>
Status Narrow(const int128* r, const Vector& nulls_from, int128 lo, int128 hi,
              size_t rows, T* o, const DataType& t, const BoundExpr& e) {
  for (size_t i = 0; i < rows; ++i) {
    if ((r[i] < lo || r[i] > hi) && !nulls_from.IsNull(i))
      return OutOfRange(t, e);
    o[i] = static_cast<T>(r[i]);
  }
  return Status::OK();
}

// Narrows int128 results into the result vector's type with range checks.
Status StoreExact(const int128* r, const Vector& nulls_from, const DataType& t,
                  size_t rows, Vector* out, const BoundExpr& e) {
  switch (t.id) {
    case TypeId::kInt:
      return Narrow(r, nulls_from, INT64_MIN, INT64_MAX, rows,
                    out->data<int64_t>(), t, e);
    case TypeId::kUInt:
      return Narrow(r, nulls_from, 0, static_cast<int128>(UINT64_MAX), rows,
                    out->data<uint64_t>(), t, e);
    case TypeId::kDecimal:
      return Narrow(r, nulls_from, -kMaxDecimalUnscaled, kMaxDecimalUnscaled,
                    rows, out->data<int128>(), t, e);
    default:
      return Status::Internal("StoreExact into a non-exact type");
  }
}

int128 DivRound(int128 n, int128 d) {
  int128 q = n / d;
  int128 r = n % d;
  if (r < 0) r = -r;
  const int128 ad = d < 0 ? -d : d;
  if (r >= ad - r) q += ((n < 0) != (d < 0)) ? -1 : 1;
  return q;
}

// Converts any column to `to` (for CASE / COALESCE branches); `tmp` is an
// int128 buffer for exact conversions.
Status ConvertTo(const Vector& v, const DataType& from, const DataType& to,
                 size_t rows, Vector* dst, Vector* tmp, const BoundExpr& e) {
  if (to.phys() == PhysType::kString) {
    StartOutput(dst, rows);
    UnionNulls({&v}, rows, dst);
    std::string_view* out = dst->data<std::string_view>();
    char buf[64];
    for (size_t i = 0; i < rows; ++i) {
      if (v.IsNull(i)) {
        out[i] = {};
        continue;
      }
      switch (from.id) {
        case TypeId::kString:
          out[i] = v.data<std::string_view>()[i];
          break;
        case TypeId::kInt:
          out[i] = dst->arena().Store(std::to_string(v.data<int64_t>()[i]));
          break;
        case TypeId::kUInt:
          out[i] = dst->arena().Store(std::to_string(v.data<uint64_t>()[i]));
          break;
        case TypeId::kDouble: {
          int n = std::snprintf(buf, sizeof(buf), "%.15g", v.data<double>()[i]);
          out[i] = dst->arena().Store(std::string_view(buf, n));
          break;
        }
        case TypeId::kDecimal:
          out[i] = dst->arena().Store(plan::DecimalToString(
              plan::Decimal{v.data<int128>()[i], from.scale}));
          break;
        case TypeId::kDate:
          out[i] = dst->arena().Store(plan::FormatDate(v.data<int64_t>()[i]));
          break;
        case TypeId::kDateTime:
          out[i] = dst->arena().Store(
              plan::FormatDateTime(v.data<int64_t>()[i], from.scale));
          break;
        case TypeId::kTime:
          out[i] = dst->arena().Store(
              plan::FormatTime(v.data<int64_t>()[i], from.scale));
          break;
        default:
          out[i] = {};
      }
    }
    return Status::OK();
  }
  if (to.id == TypeId::kDouble) {
    ToDouble(v, from, rows, dst);
    return Status::OK();
  }
  if (from.id == TypeId::kDouble || from.id == TypeId::kString) {
    return Status::NotSupported(
        "converting DOUBLE/string to an exact type in CASE");
  }
  // Exact to exact: through int128 at the target scale.
  XP_RETURN_IF_ERROR(ToInt128(v, from, to.id == TypeId::kDecimal ? to.scale : 0,
                              rows, tmp, e));
  StartOutput(dst, rows);
  UnionNulls({&v}, rows, dst);
  return StoreExact(tmp->data<int128>(), *tmp, to, rows, dst, e);
}

bool IsExact(const DataType& t) {
  return t.id == TypeId::kInt || t.id == TypeId::kUInt ||
         t.id == TypeId::kDecimal || t.id == TypeId::kNull;
}

int ScaleOf(const DataType& t) {
  return t.id == TypeId::kDecimal ? t.scale : 0;
}

// Case-insensitive (simple ASCII folding) or binary string comparison.
int CompareStrings(std::string_view a, std::string_view b, bool binary) {
  if (!binary) {
    // PAD SPACE semantics: trailing spaces do not count.
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    while (!b.empty() && b.back() == ' ') b.remove_suffix(1);
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
      const int x = std::tolower(static_cast<unsigned char>(a[i]));
      const int y = std::tolower(static_cast<unsigned char>(b[i]));
      if (x != y) return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
  }
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool CompareResult(ExprOp op, int c) {
  switch (op) {
    case ExprOp::kEq:
    case ExprOp::kNullSafeEq:
      return c == 0;
    case ExprOp::kNe:
      return c != 0;
    case ExprOp::kLt:
      return c < 0;
    case ExprOp::kLe:
      return c <= 0;
    case ExprOp::kGt:
      return c > 0;
    case ExprOp::kGe:
      return c >= 0;
    default:
      return false;
  }
}

}  // namespace

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
      case ExprOp::kMod:
        for (size_t i = 0; i < rows; ++i) {
          if (q[i] == 0.0) {
            if (!out.IsNull(i)) XP_RETURN_IF_ERROR(DivisionByZero());
            out.SetNull(i);
            o[i] = 0;
          } else {
            o[i] = e.op == ExprOp::kDiv ? p[i] / q[i] : std::fmod(p[i], q[i]);
          }
        }
        break;
      default:
        return Status::Internal("bad arithmetic operator");
    }
    for (size_t i = 0; i < rows; ++i) {
      if (!std::isfinite(o[i]) && !out.IsNull(i)) {
        return Status::SqlError(
            1690, "22003",
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
    case ExprOp::kMod:
      for (size_t i = 0; i < rows; ++i) {
        if (q[i] == 0) {
          if (!out.IsNull(i)) XP_RETURN_IF_ERROR(DivisionByZero());
          out.SetNull(i);
          o[i] = 0;
        } else {
          o[i] = e.op == ExprOp::kIntDiv ? p[i] / q[i] : p[i] % q[i];
        }
      }
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
  if (ta.is_temporal() && ta.id == tb.id) {  // the binder aligned the types
    const int64_t* p = a.data<int64_t>();
    const int64_t* q = b.data<int64_t>();
    for (size_t i = 0; i < rows; ++i) {
      const int c = p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
      o[i] = null_safe ? finish_null_safe(i, c) : CompareResult(e.op, c);
    }
    return Status::OK();
  }
  if (IsExact(ta) && IsExact(tb)) {
    const int common = ScaleOf(ta) > ScaleOf(tb) ? ScaleOf(ta) : ScaleOf(tb);
    Vector& x = n.Scratch(0, PhysType::kInt128);
    Vector& y = n.Scratch(1, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ToInt128(a, ta, common, rows, &x, e));
    XP_RETURN_IF_ERROR(ToInt128(b, tb, common, rows, &y, e));
    const int128* p = x.data<int128>();
    const int128* q = y.data<int128>();
    for (size_t i = 0; i < rows; ++i) {
      const int c = p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
      o[i] = null_safe ? finish_null_safe(i, c) : CompareResult(e.op, c);
    }
    return Status::OK();
  }
  Vector& x = n.Scratch(0, PhysType::kDouble);
  Vector& y = n.Scratch(1, PhysType::kDouble);
  ToDouble(a, ta, rows, &x);
  ToDouble(b, tb, rows, &y);
  const double* p = x.data<double>();
  const double* q = y.data<double>();
  for (size_t i = 0; i < rows; ++i) {
    const int c = p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
    o[i] = null_safe ? finish_null_safe(i, c) : CompareResult(e.op, c);
  }
  return Status::OK();
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
  if (!l.temporal.empty()) {
    const int64_t* p = x.data<int64_t>();
    for (size_t i = 0; i < rows; ++i) {
      if (!x.IsNull(i) &&
          std::binary_search(l.temporal.begin(), l.temporal.end(), p[i]))
        found(i);
    }
  }
  if (!l.exact.empty()) {
    Vector& w = n.Scratch(0, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ToInt128(x, xt, l.scale, rows, &w, e));
    const int128* p = w.data<int128>();
    for (size_t i = 0; i < rows; ++i) {
      if (!x.IsNull(i) &&
          std::binary_search(l.exact.begin(), l.exact.end(), p[i]))
        found(i);
    }
  }
  if (!l.approx.empty()) {
    Vector& d = n.Scratch(1, PhysType::kDouble);
    ToDouble(x, xt, rows, &d);
    const double* p = d.data<double>();
    for (size_t i = 0; i < rows; ++i) {
      if (!d.IsNull(i) &&
          std::binary_search(l.approx.begin(), l.approx.end(), p[i]))
        found(i);
    }
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

// ---------------------------------------------------------------- CAST, ABS

// The longest prefix of `s` (after leading spaces) that reads as a number:
// [+-]digits, and with `fraction` also [.digits][e[+-]digits].
std::string_view NumericPrefix(std::string_view s, bool fraction) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  size_t i = b;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool any = digits();
  if (fraction && i < s.size() && s[i] == '.') {
    ++i;
    any |= digits();
  }
  if (!any) return {};
  if (fraction && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t save = i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) i = save;
  }
  return s.substr(b, i - b);
}

// A string's value as MySQL's CAST reads it: the numeric prefix, 0 if none.
plan::Decimal StringToDecimal(std::string_view s) {
  const std::string_view p = NumericPrefix(s, true);
  if (p.empty()) return {};
  auto d = plan::ParseDecimal(p);
  if (d.ok()) return *d;
  // Too many digits: go through double and keep what fits.
  auto r = plan::ParseDecimal(
      std::to_string(std::strtod(std::string(p).c_str(), nullptr)));
  return r.ok() ? *r : plan::Decimal{};
}

int128 Clamp(int128 v, int128 lo, int128 hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

// Row i of an exact-or-not column as a Decimal (NULL rows are not read).
plan::Decimal RowAsDecimal(const Vector& v, const DataType& t, size_t i) {
  switch (t.id) {
    case TypeId::kInt:
      return plan::Decimal{v.data<int64_t>()[i], 0};
    case TypeId::kUInt:
      return plan::Decimal{v.data<uint64_t>()[i], 0};
    case TypeId::kDecimal:
      return plan::Decimal{v.data<int128>()[i], t.scale};
    case TypeId::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", v.data<double>()[i]);
      return StringToDecimal(buf);
    }
    case TypeId::kString:
      return StringToDecimal(v.data<std::string_view>()[i]);
    default:
      return {};
  }
}

// `d` at `scale`, rounding half away from zero; saturates at +-10^38.
int128 Rescale(const plan::Decimal& d, int scale) {
  int128 u = d.unscaled;
  if (scale > d.scale) {
    const int128 m = plan::Pow10(scale - d.scale);
    if (__builtin_mul_overflow(u, m, &u))
      return d.unscaled < 0 ? -kMaxDecimalUnscaled : kMaxDecimalUnscaled;
    return u;
  }
  return scale < d.scale ? DivRound(u, plan::Pow10(d.scale - scale)) : u;
}

// CAST to DATE / DATETIME / TIME: from strings by parsing (NULL when
// malformed, as MySQL with a warning), between temporal types by
// truncation or extension.
Status CastToTemporal(const Vector& a, const DataType& from, const DataType& to,
                      size_t rows, Vector* out) {
  int64_t* o = out->data<int64_t>();
  for (size_t i = 0; i < rows; ++i) {
    if (a.IsNull(i)) continue;
    int64_t v = 0;
    bool ok = true;
    if (from.id == TypeId::kString) {
      std::string_view s = a.data<std::string_view>()[i];
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      if (to.id == TypeId::kTime) {
        ok = plan::ParseTime(s, &v);
      } else if (plan::ParseDateTime(s, false, &v)) {
        if (to.id == TypeId::kDate)
          v = v / plan::kMicrosPerDay - (v % plan::kMicrosPerDay < 0);
      } else {
        ok = false;
      }
    } else if (from.id == to.id) {
      v = a.data<int64_t>()[i];
    } else if (from.id == TypeId::kDate && to.id == TypeId::kDateTime) {
      v = a.data<int64_t>()[i] * plan::kMicrosPerDay;
    } else if (from.id == TypeId::kDateTime && to.id == TypeId::kDate) {
      const int64_t us = a.data<int64_t>()[i];
      v = us / plan::kMicrosPerDay - (us % plan::kMicrosPerDay < 0);
    } else if (from.id == TypeId::kDateTime && to.id == TypeId::kTime) {
      const int64_t us = a.data<int64_t>()[i];
      v = us % plan::kMicrosPerDay;
      if (v < 0) v += plan::kMicrosPerDay;
    } else {
      ok = false;  // numbers as dates: not supported, NULL
    }
    if (ok) {
      o[i] = v;
    } else {
      out->SetNull(i);
    }
  }
  return Status::OK();
}

Status EvalCast(Node& n, const Vector& a, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& from = e.args[0]->type;
  const DataType& to = e.type;
  Vector& out = n.out;
  if (to.id == TypeId::kString) {
    Vector& tmp = n.Scratch(0, PhysType::kInt128);
    XP_RETURN_IF_ERROR(ConvertTo(a, from, to, rows, &out, &tmp, e));
    if (to.length < 65535) {
      std::string_view* o = out.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) {
        // Keep `length` characters (UTF-8 continuation bytes do not count).
        size_t chars = 0, k = 0;
        for (; k < o[i].size(); ++k) {
          if ((static_cast<unsigned char>(o[i][k]) & 0xC0) != 0x80 &&
              chars++ == to.length)
            break;
        }
        o[i] = o[i].substr(0, k);
      }
    }
    return Status::OK();
  }
  if (to.id == TypeId::kDouble) {
    ToDouble(a, from, rows, &out);
    return Status::OK();
  }
  StartOutput(&out, rows);
  UnionNulls({&a}, rows, &out);
  if (from.id == TypeId::kNull) {
    for (size_t i = 0; i < rows; ++i) out.SetNull(i);
    return Status::OK();
  }
  if (to.is_temporal()) return CastToTemporal(a, from, to, rows, &out);
  if (from.is_temporal()) {  // to a number: YYYYMMDD[hhmmss]
    Vector& d = n.Scratch(0, PhysType::kDouble);
    ToDouble(a, from, rows, &d);
    const double* p = d.data<double>();
    for (size_t i = 0; i < rows; ++i) {
      if (a.IsNull(i)) continue;
      const int128 v = static_cast<int128>(p[i]);
      if (to.id == TypeId::kDecimal) {
        const int128 max = plan::Pow10(to.precision) - 1;
        int128 r;
        if (__builtin_mul_overflow(v, plan::Pow10(to.scale), &r) || r > max)
          r = max;
        out.data<int128>()[i] = r;
      } else if (to.id == TypeId::kUInt) {
        out.data<uint64_t>()[i] = static_cast<uint64_t>(v);
      } else {
        out.data<int64_t>()[i] = static_cast<int64_t>(v);
      }
    }
    return Status::OK();
  }
  const int scale = to.id == TypeId::kDecimal ? to.scale : 0;
  for (size_t i = 0; i < rows; ++i) {
    if (a.IsNull(i)) continue;
    int128 v;
    if (from.id == TypeId::kString && to.id != TypeId::kDecimal) {
      // Integer casts of strings read only the integer prefix.
      const std::string_view p =
          NumericPrefix(a.data<std::string_view>()[i], false);
      auto d = p.empty() ? Result<plan::Decimal>(plan::Decimal{})
                         : plan::ParseDecimal(p);
      v = d.ok()                        ? d->unscaled
          : (!p.empty() && p[0] == '-') ? -kMaxDecimalUnscaled
                                        : kMaxDecimalUnscaled;
    } else if (from.id == TypeId::kDouble && to.id != TypeId::kDecimal) {
      const double x = std::round(a.data<double>()[i]);
      v = x >= 1.8446744073709552e19    ? static_cast<int128>(UINT64_MAX)
          : x <= -9.2233720368547758e18 ? static_cast<int128>(INT64_MIN)
                                        : static_cast<int128>(x);
    } else {
      v = Rescale(RowAsDecimal(a, from, i), scale);
    }
    switch (to.id) {
      case TypeId::kInt:
        // Unsigned values beyond INT64_MAX wrap like MySQL's CAST.
        if (from.id == TypeId::kUInt) {
          out.data<int64_t>()[i] = static_cast<int64_t>(a.data<uint64_t>()[i]);
        } else {
          out.data<int64_t>()[i] =
              static_cast<int64_t>(Clamp(v, INT64_MIN, INT64_MAX));
        }
        break;
      case TypeId::kUInt:
        // Negative values wrap (CAST(-1 AS UNSIGNED) = 2^64 - 1).
        v = Clamp(v, INT64_MIN, static_cast<int128>(UINT64_MAX));
        out.data<uint64_t>()[i] = static_cast<uint64_t>(
            v < 0 ? static_cast<uint64_t>(static_cast<int64_t>(v))
                  : static_cast<uint64_t>(v));
        break;
      case TypeId::kDecimal: {
        const int128 max = plan::Pow10(to.precision) - 1;
        out.data<int128>()[i] = Clamp(v, -max, max);
        break;
      }
      default:
        return Status::Internal("CAST to an unsupported type");
    }
  }
  return Status::OK();
}

Status EvalAbs(Node& n, const Vector& a, size_t rows) {
  const BoundExpr& e = *n.expr;
  const DataType& t = e.args[0]->type;
  Vector& out = n.out;
  if (e.type.id == TypeId::kDouble) {
    ToDouble(a, t, rows, &out);
    double* o = out.data<double>();
    for (size_t i = 0; i < rows; ++i) o[i] = std::fabs(o[i]);
    return Status::OK();
  }
  StartOutput(&out, rows);
  UnionNulls({&a}, rows, &out);
  switch (t.id) {
    case TypeId::kInt: {
      const int64_t* in = a.data<int64_t>();
      int64_t* o = out.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) {
        if (in[i] == INT64_MIN && !a.IsNull(i)) return OutOfRange(e.type, e);
        o[i] = in[i] < 0 ? -in[i] : in[i];
      }
      return Status::OK();
    }
    case TypeId::kUInt:
      std::memcpy(out.data<uint64_t>(), a.data<uint64_t>(),
                  rows * sizeof(uint64_t));
      return Status::OK();
    case TypeId::kDecimal: {
      const int128* in = a.data<int128>();
      int128* o = out.data<int128>();
      for (size_t i = 0; i < rows; ++i) o[i] = in[i] < 0 ? -in[i] : in[i];
      return Status::OK();
    }
    default:
      for (size_t i = 0; i < rows; ++i) out.SetNull(i);
      return Status::OK();
  }
}

// ---------------------------------------------------------------- functions
//
// The binder casts each argument to the type the function reads (strings,
// BIGINT, DOUBLE, DATE / DATETIME), so the loops below read one layout.

// Byte offset of character `n` (0-based) of UTF-8 `s`, or s.size().
size_t CharOffset(std::string_view s, int64_t n) {
  size_t i = 0;
  while (n > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
      ++i;
    --n;
  }
  return i;
}

int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Position (0-based byte) of `needle` in `hay` from byte `from`, ASCII
// case-insensitive unless binary; npos when absent.
size_t Find(std::string_view hay, std::string_view needle, size_t from,
            bool binary) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    for (; k < needle.size(); ++k) {
      const char x = hay[i + k], y = needle[k];
      if (binary ? x != y
                 : std::tolower(static_cast<unsigned char>(x)) !=
                       std::tolower(static_cast<unsigned char>(y)))
        break;
    }
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

double RoundDouble(double x, int64_t d, bool truncate) {
  if (d > 308) return x;
  if (d < -308) return 0.0;
  const double p = std::pow(10.0, static_cast<double>(d < 0 ? -d : d));
  double y = d >= 0 ? x * p : x / p;
  y = truncate ? std::trunc(y) : std::round(y);
  return d >= 0 ? y / p : y * p;
}

Status EvalNumericFunc(Node& n, const std::vector<const Vector*>& args,
                       size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  const Vector& a = *args[0];
  const DataType& ta = e.args[0]->type;
  const plan::Func f = e.func;
  const int64_t* places = args.size() > 1 ? args[1]->data<int64_t>() : nullptr;
  auto place = [&](size_t i) -> int64_t { return places ? places[i] : 0; };
  if (f == plan::Func::kPower || f == plan::Func::kSqrt) {
    const double* x = a.data<double>();
    double* o = out.data<double>();
    for (size_t i = 0; i < rows; ++i) {
      if (out.IsNull(i)) continue;
      const double r = f == plan::Func::kSqrt
                           ? (x[i] < 0 ? NAN : std::sqrt(x[i]))
                           : std::pow(x[i], args[1]->data<double>()[i]);
      if (std::isnan(r)) {
        out.SetNull(i);
      } else if (std::isinf(r)) {
        return Status::SqlError(
            1690, "22003",
            "DOUBLE value is out of range in '" + plan::ToString(e) + "'");
      } else {
        o[i] = r;
      }
    }
    return Status::OK();
  }
  if (f == plan::Func::kSign) {
    Vector& d = n.Scratch(0, PhysType::kDouble);
    ToDouble(a, ta, rows, &d);
    for (size_t i = 0; i < rows; ++i) {
      const double x = d.data<double>()[i];
      out.data<int64_t>()[i] = x > 0 ? 1 : x < 0 ? -1 : 0;
    }
    return Status::OK();
  }
  const bool truncate = f == plan::Func::kTruncate;
  if (ta.id == TypeId::kDouble) {
    const double* x = a.data<double>();
    double* o = out.data<double>();
    for (size_t i = 0; i < rows; ++i) {
      switch (f) {
        case plan::Func::kFloor:
          o[i] = std::floor(x[i]);
          break;
        case plan::Func::kCeil:
          o[i] = std::ceil(x[i]);
          break;
        default:
          o[i] = RoundDouble(x[i], place(i), truncate);
      }
    }
    return Status::OK();
  }
  // Exact input: through int128 at the input scale.
  const int from = ScaleOf(ta);
  Vector& x = n.Scratch(1, PhysType::kInt128);
  XP_RETURN_IF_ERROR(ToInt128(a, ta, from, rows, &x, e));
  int128* v = x.data<int128>();
  const int to = ScaleOf(e.type);
  for (size_t i = 0; i < rows; ++i) {
    if (out.IsNull(i)) {
      v[i] = 0;
      continue;
    }
    int128 r = v[i];
    const int128 unit = plan::Pow10(from);
    switch (f) {
      case plan::Func::kFloor:
      case plan::Func::kCeil: {
        int128 q = r / unit, rem = r % unit;
        if (f == plan::Func::kFloor && rem < 0) --q;
        if (f == plan::Func::kCeil && rem > 0) ++q;
        r = q * plan::Pow10(to);
        break;
      }
      default: {
        // Round (or truncate) to d places, then express at scale `to`.
        const int64_t d = std::clamp<int64_t>(place(i), -100, 100);
        if (d >= from) {
          r = to >= from ? r * plan::Pow10(to - from)
                         : DivRound(r, plan::Pow10(from - to));
        } else if (from - d > 38 || to - d > 38) {
          r = 0;
        } else {
          const int128 p = plan::Pow10(static_cast<int>(from - d));
          r = truncate ? r / p : DivRound(r, p);  // now at scale d
          r = to >= d ? r * plan::Pow10(static_cast<int>(to - d))
                      : DivRound(r, plan::Pow10(static_cast<int>(d - to)));
        }
      }
    }
    v[i] = r;
  }
  return StoreExact(v, out, e.type, rows, &out, e);
}

Status EvalTemporalFunc(Node& n, const std::vector<const Vector*>& args,
                        size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  int64_t* o = out.data<int64_t>();
  const auto unit = static_cast<sql::IntervalUnit>(e.aux);
  const DataType& ta = e.args[0]->type;
  const int64_t* a = args[0]->data<int64_t>();
  for (size_t i = 0; i < rows; ++i) {
    if (out.IsNull(i)) continue;
    switch (e.func) {
      case plan::Func::kDateDiff:
        o[i] = a[i] - args[1]->data<int64_t>()[i];
        break;
      case plan::Func::kExtract: {
        int64_t days = a[i], us = 0;
        if (ta.id == TypeId::kDateTime) {
          days = a[i] / plan::kMicrosPerDay - (a[i] % plan::kMicrosPerDay < 0);
          us = a[i] - days * plan::kMicrosPerDay;
        } else if (ta.id == TypeId::kTime) {
          days = 0;
          us = a[i] < 0 ? -a[i] : a[i];
        }
        int64_t y;
        unsigned m, d;
        plan::CivilFromDays(days, &y, &m, &d);
        const int64_t secs = us / 1000000;
        switch (unit) {
          case sql::IntervalUnit::kYear:
            o[i] = y;
            break;
          case sql::IntervalUnit::kQuarter:
            o[i] = (m - 1) / 3 + 1;
            break;
          case sql::IntervalUnit::kMonth:
            o[i] = m;
            break;
          case sql::IntervalUnit::kDay:
            o[i] = d;
            break;
          case sql::IntervalUnit::kHour:
            o[i] = secs / 3600;
            break;
          case sql::IntervalUnit::kMinute:
            o[i] = secs / 60 % 60;
            break;
          case sql::IntervalUnit::kSecond:
            o[i] = secs % 60;
            break;
          case sql::IntervalUnit::kMicrosecond:
            o[i] = us % 1000000;
            break;
          case sql::IntervalUnit::kYearMonth:
            o[i] = y * 100 + m;
            break;
          default:
            return Status::NotSupported("EXTRACT of this unit");
        }
        break;
      }
      case plan::Func::kDateAdd: {
        const int64_t k = args[1]->data<int64_t>()[i];
        const bool date = e.type.id == TypeId::kDate;
        int64_t days = a[i], us = 0;
        if (ta.id == TypeId::kDateTime) {
          days = a[i] / plan::kMicrosPerDay - (a[i] % plan::kMicrosPerDay < 0);
          us = a[i] - days * plan::kMicrosPerDay;
        }
        int64_t delta_us = 0;
        switch (unit) {
          case sql::IntervalUnit::kYear:
            days = plan::AddMonths(
                days, std::clamp<int64_t>(k, -200000, 200000) * 12);
            break;
          case sql::IntervalUnit::kQuarter:
            days = plan::AddMonths(days,
                                   std::clamp<int64_t>(k, -800000, 800000) * 3);
            break;
          case sql::IntervalUnit::kMonth:
            days = plan::AddMonths(days,
                                   std::clamp<int64_t>(k, -2400000, 2400000));
            break;
          case sql::IntervalUnit::kWeek:
          case sql::IntervalUnit::kDay:
            // Beyond +-4e6 days (11,000 years) the result is NULL anyway.
            days += std::clamp<int64_t>(k, -4000000, 4000000) *
                    (unit == sql::IntervalUnit::kWeek ? 7 : 1);
            break;
          case sql::IntervalUnit::kHour:
          case sql::IntervalUnit::kMinute:
          case sql::IntervalUnit::kSecond: {
            const int64_t per = unit == sql::IntervalUnit::kHour ? 3600000000LL
                                : unit == sql::IntervalUnit::kMinute
                                    ? 60000000LL
                                    : 1000000LL;
            delta_us =
                std::clamp<int64_t>(k, -INT64_MAX / per, INT64_MAX / per) * per;
            break;
          }
          case sql::IntervalUnit::kMicrosecond:
            delta_us = k;
            break;
          default:
            return Status::NotSupported("INTERVAL of this unit");
        }
        // MySQL's range: years 0000..9999, else NULL.
        int64_t y;
        unsigned m, d;
        int64_t total;
        if (__builtin_mul_overflow(days, plan::kMicrosPerDay, &total) ||
            __builtin_add_overflow(total, us + delta_us, &total)) {
          out.SetNull(i);  // far outside years 0..9999
          break;
        }
        const int64_t rd =
            total / plan::kMicrosPerDay - (total % plan::kMicrosPerDay < 0);
        plan::CivilFromDays(rd, &y, &m, &d);
        if (y < 0 || y > 9999) {
          out.SetNull(i);
          break;
        }
        o[i] = date ? rd : total;
        break;
      }
      default:
        return Status::Internal("not a temporal function");
    }
  }
  return Status::OK();
}

Status EvalStringFunc(Node& n, const std::vector<const Vector*>& args,
                      size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  auto str = [&](size_t k, size_t i) {
    return args[k]->data<std::string_view>()[i];
  };
  auto num = [&](size_t k, size_t i) { return args[k]->data<int64_t>()[i]; };
  const bool binary = !e.args.empty() && e.args[0]->type.binary;
  std::string buf;
  for (size_t i = 0; i < rows; ++i) {
    if (out.IsNull(i)) continue;
    std::string_view s = str(0, i);
    switch (e.func) {
      case plan::Func::kLength:
        out.data<int64_t>()[i] = static_cast<int64_t>(s.size());
        continue;
      case plan::Func::kCharLength:
        out.data<int64_t>()[i] = CharCount(s);
        continue;
      case plan::Func::kLocate: {
        // LOCATE(sub, s[, pos])
        const std::string_view hay = str(1, i);
        int64_t pos = args.size() > 2 ? num(2, i) : 1;
        int64_t r = 0;
        if (pos >= 1) {
          const size_t from = CharOffset(hay, pos - 1);
          const size_t at = from > hay.size() ? std::string_view::npos
                                              : Find(hay, s, from, binary);
          if (at != std::string_view::npos)
            r = CharCount(hay.substr(0, at)) + 1;
        }
        out.data<int64_t>()[i] = r;
        continue;
      }
      case plan::Func::kConcat:
        buf.clear();
        for (size_t k = 0; k < args.size(); ++k) buf.append(str(k, i));
        break;
      case plan::Func::kSubstring: {
        const int64_t len = CharCount(s);
        int64_t pos = num(1, i);
        int64_t count = args.size() > 2 ? num(2, i) : len;
        if (pos < 0) pos = len + pos + 1;
        if (pos < 1 || pos > len || count <= 0) {
          buf.clear();
        } else {
          const size_t b = CharOffset(s, pos - 1);
          const size_t end = CharOffset(s, pos - 1 + count);
          buf.assign(s.substr(b, end - b));
        }
        break;
      }
      case plan::Func::kLeft:
      case plan::Func::kRight: {
        const int64_t k = num(1, i);
        const int64_t len = CharCount(s);
        if (k <= 0) {
          buf.clear();
        } else if (e.func == plan::Func::kLeft) {
          buf.assign(s.substr(0, CharOffset(s, k)));
        } else {
          buf.assign(s.substr(CharOffset(s, k >= len ? 0 : len - k)));
        }
        break;
      }
      case plan::Func::kUpper:
      case plan::Func::kLower:
        buf.assign(s);
        for (char& c : buf) {
          c = static_cast<char>(
              e.func == plan::Func::kUpper
                  ? std::toupper(static_cast<unsigned char>(c))
                  : std::tolower(static_cast<unsigned char>(c)));
        }
        break;
      case plan::Func::kTrim:
      case plan::Func::kLTrim:
      case plan::Func::kRTrim: {
        const std::string_view cut = args.size() > 1 ? str(1, i) : " ";
        if (!cut.empty()) {
          if (e.func != plan::Func::kRTrim) {
            while (s.substr(0, cut.size()) == cut) s.remove_prefix(cut.size());
          }
          if (e.func != plan::Func::kLTrim) {
            while (s.size() >= cut.size() &&
                   s.substr(s.size() - cut.size()) == cut)
              s.remove_suffix(cut.size());
          }
        }
        buf.assign(s);
        break;
      }
      case plan::Func::kReplace: {  // case-sensitive, as MySQL's
        const std::string_view from = str(1, i), to = str(2, i);
        buf.clear();
        if (from.empty()) {
          buf.assign(s);
          break;
        }
        size_t p = 0;
        for (;;) {
          const size_t at = s.find(from, p);
          if (at == std::string_view::npos) break;
          buf.append(s.substr(p, at - p));
          buf.append(to);
          p = at + from.size();
        }
        buf.append(s.substr(p));
        break;
      }
      default:
        return Status::Internal("not a string function");
    }
    out.SetString(i, buf);
  }
  return Status::OK();
}

Status EvalFunc(Node& n, const std::vector<const Vector*>& args, size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  StartOutput(&out, rows);
  UnionNulls(args, rows, &out);  // NULL when any argument is NULL
  switch (e.func) {
    case plan::Func::kRound:
    case plan::Func::kTruncate:
    case plan::Func::kFloor:
    case plan::Func::kCeil:
    case plan::Func::kPower:
    case plan::Func::kSqrt:
    case plan::Func::kSign:
      return EvalNumericFunc(n, args, rows);
    case plan::Func::kExtract:
    case plan::Func::kDateAdd:
    case plan::Func::kDateDiff:
      return EvalTemporalFunc(n, args, rows);
    case plan::Func::kDate:
    case plan::Func::kCurDate:
    case plan::Func::kNow:
      return Status::Internal("bound as a cast or a constant");
    default:
      return EvalStringFunc(n, args, rows);
  }
}

}  // namespace

bool LikeMatch(std::string_view s, std::string_view p, char esc, bool binary) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  auto eq = [&](char a, char b) {
    return binary ? a == b
                  : std::tolower(static_cast<unsigned char>(a)) ==
                        std::tolower(static_cast<unsigned char>(b));
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
        return Status::SqlError(1210, "HY000", "Incorrect arguments to ESCAPE");
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
