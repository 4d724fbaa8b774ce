#include "plan/types/decimal.h"

#include <array>
#include <cstdlib>

#include "codec/sql_errors.h"

namespace xp::plan {

namespace {

constexpr std::array<int128, 39> MakePow10() {
  std::array<int128, 39> p{};
  p[0] = 1;
  for (int i = 1; i < 39; ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<int128, 39> kPow10 = MakePow10();
constexpr int128 kMaxUnscaled = kPow10[38] - 1;

int128 Abs(int128 v) { return v < 0 ? -v : v; }
bool InRange(int128 v) { return v <= kMaxUnscaled && v >= -kMaxUnscaled; }

// q = n / d rounded half away from zero. REQUIRES: d != 0.
int128 DivRound(int128 n, int128 d) {
  int128 q = n / d;
  int128 r = Abs(n % d);
  int128 ad = Abs(d);
  if (r >= ad - r) q += ((n < 0) != (d < 0)) ? -1 : 1;
  return q;
}

Status OutOfRange() { return DecimalOutOfRange("decimal arithmetic"); }

// unscaled * 10^k with overflow detection.
bool ScaleUp(int128 v, int k, int128* out) {
  if (k > 38) return v == 0 ? (*out = 0, true) : false;
  return !__builtin_mul_overflow(v, kPow10[k], out) && InRange(*out);
}

std::string Int128ToString(int128 v) {
  if (v == 0) return "0";
  std::string s;
  const bool neg = v < 0;
  int128 a = Abs(v);
  while (a > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(a % 10)));
    a /= 10;
  }
  if (neg) s.push_back('-');
  return std::string(s.rbegin(), s.rend());
}

// Both operands at the larger scale.
Status Align(const Decimal& a, const Decimal& b, int128* x, int128* y,
             int* scale) {
  *scale = a.scale > b.scale ? a.scale : b.scale;
  if (!ScaleUp(a.unscaled, *scale - a.scale, x) ||
      !ScaleUp(b.unscaled, *scale - b.scale, y)) {
    return OutOfRange();
  }
  return Status::OK();
}

}  // namespace

int128 Pow10(int n) { return kPow10[n]; }

Status DecimalOutOfRange(std::string_view expr) {
  return SqlError(ER_DATA_OUT_OF_RANGE, "DECIMAL value is out of range in '" +
                                            std::string(expr) + "'");
}

Result<Decimal> ParseDecimal(std::string_view text) {
  auto invalid = [&text]() {
    return Status::InvalidArgument("not a decimal number: '" +
                                   std::string(text) + "'");
  };
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    neg = text[i++] == '-';
  std::string digits;
  int frac = 0;
  bool any = false, dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (dot) ++frac;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  // `digits` holds the significant digits only (no leading zeros); `frac`
  // counts every digit after the point.
  if (!any) return invalid();
  int64_t exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
      eneg = text[i++] == '-';
    if (i >= text.size()) return invalid();
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return invalid();
      if (exp < 100000) exp = exp * 10 + (text[i] - '0');
    }
    if (eneg) exp = -exp;
  }
  if (i != text.size()) return invalid();
  int64_t scale = static_cast<int64_t>(frac) - exp;
  Decimal d;
  if (digits.empty()) {
    d.scale = static_cast<int>(scale < 0                  ? 0
                               : scale > kMaxDecimalScale ? kMaxDecimalScale
                                                          : scale);
    return d;
  }
  bool round_up = false;
  if (scale > kMaxDecimalScale) {
    const int64_t drop = scale - kMaxDecimalScale;
    const int64_t keep = static_cast<int64_t>(digits.size()) - drop;
    round_up = keep >= 0 && digits[static_cast<size_t>(keep)] >= '5';
    digits =
        keep > 0 ? digits.substr(0, static_cast<size_t>(keep)) : std::string();
    scale = kMaxDecimalScale;
  } else if (scale < 0) {
    if (static_cast<int64_t>(digits.size()) - scale > kMaxDecimalDigits) {
      return DecimalOutOfRange(text);
    }
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  if (digits.size() > static_cast<size_t>(kMaxDecimalDigits))
    return DecimalOutOfRange(text);
  int128 v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (round_up) {
    ++v;
    if (!InRange(v)) return DecimalOutOfRange(text);
  }
  d.unscaled = neg ? -v : v;
  d.scale = static_cast<int>(scale);
  return d;
}

std::string DecimalToString(const Decimal& d) {
  std::string mag = Int128ToString(Abs(d.unscaled));
  if (d.scale > 0) {
    if (mag.size() <= static_cast<size_t>(d.scale)) {
      mag.insert(0, static_cast<size_t>(d.scale) + 1 - mag.size(), '0');
    }
    mag.insert(mag.size() - static_cast<size_t>(d.scale), ".");
  }
  return d.unscaled < 0 ? "-" + mag : mag;
}

Decimal DecimalFromInt(int64_t v) { return Decimal{static_cast<int128>(v), 0}; }
Decimal DecimalFromUInt(uint64_t v) {
  return Decimal{static_cast<int128>(v), 0};
}

double DecimalToDouble(const Decimal& d) {
  return std::strtod(DecimalToString(d).c_str(), nullptr);
}

Result<int64_t> DecimalToInt64(const Decimal& d) {
  const int128 v =
      d.scale == 0 ? d.unscaled : DivRound(d.unscaled, kPow10[d.scale]);
  if (v > INT64_MAX || v < INT64_MIN) {
    return SqlError(ER_DATA_OUT_OF_RANGE, "BIGINT value is out of range");
  }
  return static_cast<int64_t>(v);
}

Result<Decimal> DecimalRescale(const Decimal& d, int scale) {
  if (scale == d.scale) return d;
  if (scale > d.scale) {
    Decimal r{0, scale};
    if (!ScaleUp(d.unscaled, scale - d.scale, &r.unscaled)) return OutOfRange();
    return r;
  }
  return Decimal{DivRound(d.unscaled, kPow10[d.scale - scale]), scale};
}

Result<Decimal> DecimalAdd(const Decimal& a, const Decimal& b) {
  Decimal r;
  int128 x = 0, y = 0;
  XP_RETURN_IF_ERROR(Align(a, b, &x, &y, &r.scale));
  r.unscaled = x + y;  // |x|, |y| < 10^38: no int128 overflow
  if (!InRange(r.unscaled)) return OutOfRange();
  return r;
}

Result<Decimal> DecimalSub(const Decimal& a, const Decimal& b) {
  return DecimalAdd(a, Decimal{-b.unscaled, b.scale});
}

Result<Decimal> DecimalMul(const Decimal& a, const Decimal& b) {
  int128 p;
  if (__builtin_mul_overflow(a.unscaled, b.unscaled, &p)) return OutOfRange();
  Decimal r{p, a.scale + b.scale};
  if (r.scale > kMaxDecimalScale) {
    r.unscaled = DivRound(r.unscaled, kPow10[r.scale - kMaxDecimalScale]);
    r.scale = kMaxDecimalScale;
  }
  if (!InRange(r.unscaled)) return OutOfRange();
  return r;
}

Result<std::optional<Decimal>> DecimalDiv(const Decimal& a, const Decimal& b) {
  if (b.unscaled == 0) return std::optional<Decimal>();
  Decimal r;
  r.scale = a.scale + kDivPrecisionIncrement;
  if (r.scale > kMaxDecimalScale) r.scale = kMaxDecimalScale;
  if (r.scale < a.scale) r.scale = a.scale;
  // a/b = (A * 10^sb) / (B * 10^sa); at scale sr: A * 10^(sb + sr - sa) / B.
  const int e = b.scale + r.scale - a.scale;
  int128 n;
  if (e > 38 || __builtin_mul_overflow(a.unscaled, kPow10[e], &n))
    return OutOfRange();
  r.unscaled = DivRound(n, b.unscaled);
  if (!InRange(r.unscaled)) return OutOfRange();
  return std::optional<Decimal>(r);
}

Result<std::optional<Decimal>> DecimalMod(const Decimal& a, const Decimal& b) {
  if (b.unscaled == 0) return std::optional<Decimal>();
  Decimal r;
  int128 x = 0, y = 0;
  XP_RETURN_IF_ERROR(Align(a, b, &x, &y, &r.scale));
  r.unscaled = x % y;  // sign of the dividend, as MySQL
  return std::optional<Decimal>(r);
}

Result<std::optional<int64_t>> DecimalIntDiv(const Decimal& a,
                                             const Decimal& b) {
  if (b.unscaled == 0) return std::optional<int64_t>();
  int128 x = 0, y = 0;
  int scale;
  XP_RETURN_IF_ERROR(Align(a, b, &x, &y, &scale));
  const int128 q = x / y;
  if (q > INT64_MAX || q < INT64_MIN) {
    return SqlError(ER_DATA_OUT_OF_RANGE, "BIGINT value is out of range");
  }
  return std::optional<int64_t>(static_cast<int64_t>(q));
}

int DecimalCompare(const Decimal& a, const Decimal& b) {
  int128 x = a.unscaled, y = b.unscaled;
  if (a.scale < b.scale) {
    if (__builtin_mul_overflow(x, kPow10[b.scale - a.scale], &x))
      return a.unscaled < 0 ? -1 : 1;
  } else if (b.scale < a.scale) {
    if (__builtin_mul_overflow(y, kPow10[a.scale - b.scale], &y))
      return b.unscaled < 0 ? 1 : -1;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

namespace {

// Rounds (or truncates) to `places` fraction digits; negative places zero
// out integer digits. The result scale is max(places, 0).
Result<Decimal> RoundTo(const Decimal& d, int places, bool round) {
  if (places > kMaxDecimalScale) places = kMaxDecimalScale;
  if (places >= d.scale) return DecimalRescale(d, places);
  const int drop = d.scale - places;  // > 0
  if (drop > 38) return Decimal{0, places < 0 ? 0 : places};
  const int128 unit = kPow10[drop];
  int128 q = round ? DivRound(d.unscaled, unit) : d.unscaled / unit;
  Decimal r;
  if (places >= 0) {
    r = Decimal{q, places};
  } else {
    if (!ScaleUp(q, -places, &r.unscaled)) return OutOfRange();
    r.scale = 0;
  }
  if (!InRange(r.unscaled)) return OutOfRange();
  return r;
}

}  // namespace

Result<Decimal> DecimalRound(const Decimal& d, int places) {
  return RoundTo(d, places, true);
}
Result<Decimal> DecimalTruncate(const Decimal& d, int places) {
  return RoundTo(d, places, false);
}

}  // namespace xp::plan
