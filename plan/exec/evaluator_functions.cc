// CAST, ABS and the scalar functions of the expression evaluator
// (evaluator_internal.h).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "codec/number_text.h"
#include "codec/sql_errors.h"
#include "plan/exec/evaluator_internal.h"
#include "plan/exec/query_context.h"
#include "plan/sql/ast.h"
#include "plan/types/temporal.h"

namespace xp::exec::evaluator_internal {

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
    case TypeId::kDouble:
      return StringToDecimal(DoubleText(v.data<double>()[i]));
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
      // At the target's precision, rounded as MySQL rounds.
      o[i] = to.id == TypeId::kDate
                 ? v
                 : plan::RoundToFsp(v, to.scale, to.id == TypeId::kTime);
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
        return SqlError(
            ER_DATA_OUT_OF_RANGE,
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

}  // namespace xp::exec::evaluator_internal
