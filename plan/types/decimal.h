// Exact DECIMAL values and arithmetic with MySQL 8's result-scale rules
// (docs/PROTOCOL.md §5.1). A value is unscaled / 10^scale with |unscaled| <
// 10^38, so 38 significant digits are exact (MySQL's own limit is 65); results
// beyond that are MySQL error 1690 (22003), never a silent wrap.
//
//   a + b, a - b   scale max(sa, sb)
//   a * b          scale min(sa + sb, 30)
//   a / b          scale min(sa + 4, 30)  (div_precision_increment = 4),
//                  rounded half away from zero; b = 0 gives SQL NULL
//   a % b          scale max(sa, sb); b = 0 gives SQL NULL
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/status.h"

namespace xp::plan {

using int128 = __int128;

inline constexpr int kMaxDecimalDigits = 38;
inline constexpr int kMaxDecimalScale = 30;
inline constexpr int kDivPrecisionIncrement = 4;

struct Decimal {
  int128 unscaled = 0;
  int scale = 0;  // 0 .. kMaxDecimalScale
};

// 10^n for 0 <= n <= 38.
int128 Pow10(int n);

// Parses [+-]digits[.digits][(e|E)[+-]digits]. InvalidArgument for text that
// is not a number; error 1690 when it needs more than 38 digits (after
// dropping leading zeros) or a scale over 30 that cannot be rounded away.
Result<Decimal> ParseDecimal(std::string_view text);
// Exactly `scale` fraction digits: "-12.50", "0.05", "7".
std::string DecimalToString(const Decimal& d);

Decimal DecimalFromInt(int64_t v);
Decimal DecimalFromUInt(uint64_t v);
double DecimalToDouble(const Decimal& d);
// Rounds half away from zero to an integer; 1690 when outside int64.
Result<int64_t> DecimalToInt64(const Decimal& d);

// Same value at `scale` (rounding half away from zero when reducing).
// 1690 when increasing the scale overflows 38 digits.
Result<Decimal> DecimalRescale(const Decimal& d, int scale);

Result<Decimal> DecimalAdd(const Decimal& a, const Decimal& b);
Result<Decimal> DecimalSub(const Decimal& a, const Decimal& b);
Result<Decimal> DecimalMul(const Decimal& a, const Decimal& b);
// nullopt: division by zero (SQL NULL; MySQL also raises warning 1365).
Result<std::optional<Decimal>> DecimalDiv(const Decimal& a, const Decimal& b);
Result<std::optional<Decimal>> DecimalMod(const Decimal& a, const Decimal& b);
// a DIV b: the integer part of a / b; nullopt when b = 0.
Result<std::optional<int64_t>> DecimalIntDiv(const Decimal& a,
                                             const Decimal& b);

// -1, 0, 1; exact across scales.
int DecimalCompare(const Decimal& a, const Decimal& b);

// ROUND(d, places) and TRUNCATE(d, places); places may be negative.
Result<Decimal> DecimalRound(const Decimal& d, int places);
Result<Decimal> DecimalTruncate(const Decimal& d, int places);

// The 1690 error for an out-of-range DECIMAL result of `expr`.
Status DecimalOutOfRange(std::string_view expr);

}  // namespace xp::plan
