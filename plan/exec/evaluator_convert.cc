// The expression evaluator's NULL and type-conversion helpers
// (evaluator_internal.h).

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "codec/sql_errors.h"
#include "plan/exec/evaluator_internal.h"
#include "plan/exec/key_encoding.h"
#include "plan/types/temporal.h"

namespace xp::exec::evaluator_internal {

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
  return SqlError(ER_DATA_OUT_OF_RANGE, std::string(what) +
                                            " value is out of range in '" +
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
      const int x = FoldCase(static_cast<unsigned char>(a[i]));
      const int y = FoldCase(static_cast<unsigned char>(b[i]));
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

}  // namespace xp::exec::evaluator_internal
