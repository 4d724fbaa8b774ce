// DATE / DATETIME / TIME values: DATE is days since 1970-01-01, DATETIME
// (and TIMESTAMP) microseconds since 1970-01-01 00:00:00, TIME signed
// microseconds; all in int64 (proleptic Gregorian calendar, no time zones).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xp::plan {

inline constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

// Days since the epoch of y-m-d (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// The inverse: the y-m-d of a day number.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);
bool IsLeapYear(int64_t y);
unsigned DaysInMonth(int64_t y, unsigned m);

// 'YYYY-MM-DD[( |T)hh:mm:ss[.ffffff]]' -> days (date_only) or microseconds.
// False when malformed or out of range.
bool ParseDateTime(std::string_view s, bool date_only, int64_t* out);
// '[-]hh:mm:ss[.ffffff]' -> signed microseconds (|hours| <= 838).
bool ParseTime(std::string_view s, int64_t* out);

// 'YYYY-MM-DD'; 'YYYY-MM-DD hh:mm:ss[.f...]' with `fsp` fraction digits;
// '[-]hh:mm:ss[.f...]'.
std::string FormatDate(int64_t days);
std::string FormatDateTime(int64_t micros, int fsp);
std::string FormatTime(int64_t micros, int fsp);

// A datetime (`time` false) or time value in microseconds rounded to `fsp`
// fraction digits as MySQL stores it in a column of that precision: half
// up, a time's magnitude (-10:00:00.5 -> -10:00:01). A datetime that would
// round past 9999-12-31 23:59:59 is cut instead.
int64_t RoundToFsp(int64_t micros, int fsp, bool time);

// MySQL's numeric value of a date (YYYYMMDD) and datetime (YYYYMMDDhhmmss).
int64_t DateAsNumber(int64_t days);
int64_t DateTimeAsNumber(int64_t micros);

// Adds `months` calendar months to a day number, clamping the day to the
// target month's length (2024-01-31 + 1 month = 2024-02-29).
int64_t AddMonths(int64_t days, int64_t months);

}  // namespace xp::plan
