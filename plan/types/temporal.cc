#include "plan/types/temporal.h"

#include <cctype>
#include <cstdio>

namespace xp::plan {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeapYear(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0);
}

namespace {

// Parses up to `max` digits at *p.
bool Digits(std::string_view s, size_t* p, int max, int* out) {
  int v = 0, n = 0;
  while (*p < s.size() && n < max &&
         std::isdigit(static_cast<unsigned char>(s[*p]))) {
    v = v * 10 + (s[*p] - '0');
    ++*p;
    ++n;
  }
  *out = v;
  return n > 0;
}

bool Fraction(std::string_view s, size_t* p, int* us) {
  *us = 0;
  if (*p < s.size() && s[*p] == '.') {
    ++*p;
    const size_t start = *p;
    if (!Digits(s, p, 6, us)) return false;
    for (size_t k = *p - start; k < 6; ++k) *us *= 10;
  }
  return true;
}

}  // namespace

bool ParseDateTime(std::string_view s, bool date_only, int64_t* out) {
  size_t p = 0;
  int y, mo, d, h = 0, mi = 0, se = 0, us = 0;
  if (!Digits(s, &p, 4, &y) || p >= s.size() || s[p++] != '-') return false;
  if (!Digits(s, &p, 2, &mo) || p >= s.size() || s[p++] != '-') return false;
  if (!Digits(s, &p, 2, &d)) return false;
  if (p < s.size() && (s[p] == ' ' || s[p] == 'T')) {
    ++p;
    if (!Digits(s, &p, 2, &h) || p >= s.size() || s[p++] != ':') return false;
    if (!Digits(s, &p, 2, &mi) || p >= s.size() || s[p++] != ':') return false;
    if (!Digits(s, &p, 2, &se)) return false;
    if (!Fraction(s, &p, &us)) return false;
  }
  if (p != s.size()) return false;
  if (mo < 1 || mo > 12 || d < 1 ||
      static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(mo)) ||
      h > 23 || mi > 59 || se > 59) {
    return false;
  }
  const int64_t days =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (date_only) {
    *out = days;
    return true;
  }
  *out = ((days * 24 + h) * 60 + mi) * 60 * 1000000LL + se * 1000000LL + us;
  return true;
}

bool ParseTime(std::string_view s, int64_t* out) {
  size_t p = 0;
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    p = 1;
  }
  int h, m, sec, us = 0;
  if (!Digits(s, &p, 3, &h) || p >= s.size() || s[p++] != ':') return false;
  if (!Digits(s, &p, 2, &m) || p >= s.size() || s[p++] != ':') return false;
  if (!Digits(s, &p, 2, &sec)) return false;
  if (!Fraction(s, &p, &us)) return false;
  if (p != s.size() || h > 838 || m > 59 || sec > 59) return false;
  const int64_t v =
      ((static_cast<int64_t>(h) * 60 + m) * 60 + sec) * 1000000LL + us;
  *out = neg ? -v : v;
  return true;
}

namespace {

std::string Fsp(int64_t us, int fsp) {
  if (fsp <= 0) return "";
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(us));
  return "." + std::string(buf, static_cast<size_t>(fsp > 6 ? 6 : fsp));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y),
                m, d);
  return buf;
}

int64_t RoundToFsp(int64_t micros, int fsp, bool time) {
  if (fsp >= 6) return micros;
  int64_t unit = 1;
  for (int i = fsp < 0 ? 0 : fsp; i < 6; ++i) unit *= 10;
  if (time) {
    const int64_t mag = micros < 0 ? -micros : micros;
    const int64_t r = mag % unit;
    const int64_t rounded = r * 2 >= unit ? mag - r + unit : mag - r;
    return micros < 0 ? -rounded : rounded;
  }
  const int64_t r = micros - FloorDiv(micros, unit) * unit;  // 0 <= r < unit
  // The last microsecond MySQL accepts: 9999-12-31 23:59:59.999999.
  const int64_t max =
      DaysFromCivil(9999, 12, 31) * kMicrosPerDay + kMicrosPerDay - 1;
  if (r * 2 >= unit && micros - r + unit <= max) return micros - r + unit;
  return micros - r;
}

std::string FormatDateTime(int64_t micros, int fsp) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  const int64_t us = rest % 1000000;
  rest /= 1000000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), " %02lld:%02lld:%02lld",
                static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return FormatDate(days) + buf + Fsp(us, fsp);
}

std::string FormatTime(int64_t micros, int fsp) {
  const bool neg = micros < 0;
  const int64_t v = neg ? -micros : micros;
  const int64_t s = v / 1000000;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%02lld:%02lld:%02lld", neg ? "-" : "",
                static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60),
                static_cast<long long>(s % 60));
  return buf + Fsp(v % 1000000, fsp);
}

int64_t DateAsNumber(int64_t days) {
  if (days > 100000000 || days < -100000000) return 0;  // no such date
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return y * 10000 + m * 100 + d;
}

int64_t DateTimeAsNumber(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t s = (micros - days * kMicrosPerDay) / 1000000;
  return DateAsNumber(days) * 1000000 + (s / 3600) * 10000 +
         (s / 60 % 60) * 100 + s % 60;
}

int64_t AddMonths(int64_t days, int64_t months) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  int64_t ny = FloorDiv(total, 12);
  unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
  const unsigned dim = DaysInMonth(ny, nm);
  return DaysFromCivil(ny, nm, d > dim ? dim : d);
}

}  // namespace xp::plan
