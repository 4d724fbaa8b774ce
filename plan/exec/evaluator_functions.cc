// CAST, ABS and the scalar functions of the expression evaluator
// (evaluator_internal.h).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "codec/coding.h"
#include "codec/digest.h"
#include "codec/number_text.h"
#include "codec/sql_errors.h"
#include "plan/exec/evaluator_internal.h"
#include "plan/exec/key_encoding.h"
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
                 : FoldCase(static_cast<unsigned char>(x)) !=
                       FoldCase(static_cast<unsigned char>(y)))
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

namespace {

// A value REPEAT / LPAD / RPAD may build: longer results are NULL (MySQL:
// NULL beyond max_allowed_packet), so one row cannot exhaust memory.
constexpr int64_t kMaxBuiltBytes = 4 << 20;

constexpr char kHexDigits[] = "0123456789ABCDEF";

void AppendHex(std::string_view bytes, std::string* out) {
  for (unsigned char c : bytes) {
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
}

// UNHEX: false for a character that is no hex digit.
bool Unhex(std::string_view s, std::string* out) {
  out->clear();
  size_t i = 0;
  if (s.size() % 2 == 1) {  // an odd count: a leading 0
    const int v = HexValue(s[0]);
    if (v < 0) return false;
    out->push_back(static_cast<char>(v));
    i = 1;
  }
  for (; i < s.size(); i += 2) {
    const int hi = HexValue(s[i]), lo = HexValue(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// TO_BASE64 as MySQL: '=' padding, a newline after every 76 characters.
void ToBase64(std::string_view s, std::string* out) {
  out->clear();
  size_t line = 0;
  for (size_t i = 0; i < s.size(); i += 3) {
    if (line == 76) {
      out->push_back('\n');
      line = 0;
    }
    uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) v |= static_cast<unsigned char>(s[i + 2]);
    out->push_back(kBase64[v >> 18 & 63]);
    out->push_back(kBase64[v >> 12 & 63]);
    out->push_back(i + 1 < s.size() ? kBase64[v >> 6 & 63] : '=');
    out->push_back(i + 2 < s.size() ? kBase64[v & 63] : '=');
    line += 4;
  }
}

// FROM_BASE64: whitespace skipped, '=' only at the end; false otherwise.
bool FromBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return false;
    const char* at = std::strchr(kBase64, c);
    if (c == '\0' || at == nullptr) return false;
    acc = acc << 6 | static_cast<uint32_t>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>(acc >> bits & 0xFF));
    }
  }
  return pad <= 2;
}

}  // namespace

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
    if (e.func == plan::Func::kHex &&
        e.args[0]->type.id != plan::TypeId::kString) {
      // HEX(n): the integer's digits (two's complement for negatives).
      uint64_t v = static_cast<uint64_t>(num(0, i));
      buf.clear();
      do {
        buf.insert(buf.begin(), kHexDigits[v & 15]);
        v >>= 4;
      } while (v != 0);
      out.SetString(i, buf);
      continue;
    }
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
                  : FoldCase(static_cast<unsigned char>(c)));
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
      case plan::Func::kReverse: {
        // By character (UTF-8), bytes for a binary string.
        buf.clear();
        if (binary) {
          buf.assign(s.rbegin(), s.rend());
          break;
        }
        size_t end = s.size();
        while (end > 0) {
          size_t start = end - 1;
          while (start > 0 &&
                 (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
            --start;
          buf.append(s.substr(start, end - start));
          end = start;
        }
        break;
      }
      case plan::Func::kRepeat: {
        const int64_t times = num(1, i);
        buf.clear();
        if (times > 0 && !s.empty() &&
            times > kMaxBuiltBytes / static_cast<int64_t>(s.size())) {
          out.SetNull(i);
          continue;
        }
        for (int64_t k = 0; k < times; ++k) buf.append(s);
        break;
      }
      case plan::Func::kLPad:
      case plan::Func::kRPad: {
        // By characters: cut to n, or filled with pad (NULL when it must
        // grow and pad is empty).
        const int64_t want = num(1, i);
        const std::string_view pad = str(2, i);
        const int64_t have = CharCount(s);
        if (want < 0 || want > kMaxBuiltBytes) {
          out.SetNull(i);
          continue;
        }
        if (want <= have) {
          buf.assign(s.substr(0, CharOffset(s, want)));
          break;
        }
        if (pad.empty()) {
          out.SetNull(i);
          continue;
        }
        std::string fill;
        const int64_t pad_chars = CharCount(pad);
        for (int64_t left = want - have; left > 0; left -= pad_chars)
          fill.append(left >= pad_chars ? pad
                                        : pad.substr(0, CharOffset(pad, left)));
        buf = e.func == plan::Func::kLPad ? fill + std::string(s)
                                          : std::string(s) + fill;
        break;
      }
      case plan::Func::kSubstringIndex: {
        // Before the count-th delimiter (from the end when negative).
        const std::string_view delim = str(1, i);
        const int64_t count = num(2, i);
        if (delim.empty() || count == 0) {
          buf.clear();
          break;
        }
        // |count| without overflowing at INT64_MIN.
        const uint64_t want = count > 0 ? static_cast<uint64_t>(count)
                                        : 0 - static_cast<uint64_t>(count);
        if (count > 0) {
          size_t at = 0, found = 0;
          for (;;) {
            const size_t p = s.find(delim, at);
            if (p == std::string_view::npos) {
              at = s.size();
              break;
            }
            if (++found == want) {
              at = p;
              break;
            }
            at = p + delim.size();
          }
          buf.assign(s.substr(0, found == want ? at : s.size()));
        } else {
          size_t end = s.size(), found = 0;
          size_t start = 0;
          for (;;) {
            if (end < delim.size()) break;
            const size_t p = s.rfind(delim, end - delim.size());
            if (p == std::string_view::npos) break;
            if (++found == want) {
              start = p + delim.size();
              break;
            }
            if (p == 0) break;
            end = p;
          }
          buf.assign(found == want ? s.substr(start) : s);
        }
        break;
      }
      case plan::Func::kHex:
        buf.clear();
        AppendHex(s, &buf);
        break;
      case plan::Func::kUnhex:
        if (!Unhex(s, &buf)) {
          out.SetNull(i);
          continue;
        }
        break;
      case plan::Func::kToBase64:
        ToBase64(s, &buf);
        break;
      case plan::Func::kFromBase64:
        if (!FromBase64(s, &buf)) {
          out.SetNull(i);
          continue;
        }
        break;
      case plan::Func::kMd5:
        buf = ToHex(Md5(s));
        break;
      case plan::Func::kSha1:
        buf = ToHex(Sha1(s));
        break;
      case plan::Func::kSha2: {
        const int64_t bits = num(1, i);
        if (bits == 0 || bits == 256) {
          buf = ToHex(Sha256(s));
        } else if (bits == 224) {
          buf = ToHex(Sha224(s));
        } else if (bits == 384) {
          buf = ToHex(Sha384(s));
        } else if (bits == 512) {
          buf = ToHex(Sha512(s));
        } else {
          out.SetNull(i);
          continue;
        }
        break;
      }
      case plan::Func::kCrc32:
        out.data<int64_t>()[i] = Crc32(s);
        continue;
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

}  // namespace xp::exec::evaluator_internal
