#include "plan/types/temporal.h"

#include <gtest/gtest.h>

namespace xp::plan {
namespace {

TEST(TemporalTest, CivilRoundTripsAcrossEras) {
  for (int64_t days = -800000; days <= 800000; days += 997) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, m, d), days);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(FormatDate(DaysFromCivil(2024, 2, 29)), "2024-02-29");
}

TEST(TemporalTest, ParseAndFormat) {
  int64_t v = 0;
  ASSERT_TRUE(ParseDateTime("1998-12-01", true, &v));
  EXPECT_EQ(FormatDate(v), "1998-12-01");
  EXPECT_FALSE(ParseDateTime("1998-02-29", true, &v));
  EXPECT_FALSE(ParseDateTime("1998-13-01", true, &v));
  EXPECT_FALSE(ParseDateTime("1998-12-01x", true, &v));
  ASSERT_TRUE(ParseDateTime("1969-12-31 23:59:58.5", false, &v));
  EXPECT_EQ(FormatDateTime(v, 0), "1969-12-31 23:59:58");
  EXPECT_EQ(FormatDateTime(v, 2), "1969-12-31 23:59:58.50");
  EXPECT_EQ(DateTimeAsNumber(v), 19691231235958);
  ASSERT_TRUE(ParseTime("-838:59:59", &v));
  EXPECT_EQ(FormatTime(v, 0), "-838:59:59");
  EXPECT_FALSE(ParseTime("839:00:00", &v));
}

TEST(TemporalTest, AddMonthsClampsTheDay) {
  EXPECT_EQ(FormatDate(AddMonths(DaysFromCivil(2024, 1, 31), 1)), "2024-02-29");
  EXPECT_EQ(FormatDate(AddMonths(DaysFromCivil(2023, 3, 31), -13)),
            "2022-02-28");
  EXPECT_EQ(DateAsNumber(DaysFromCivil(1995, 3, 15)), 19950315);
}

TEST(TemporalTest, RoundToFspRoundsHalfUpAsMysqlStores) {
  int64_t v = 0;
  const auto dt = [&](const char* s, int fsp) {
    EXPECT_TRUE(ParseDateTime(s, false, &v)) << s;
    return FormatDateTime(RoundToFsp(v, fsp, false), fsp);
  };
  EXPECT_EQ(dt("2021-01-01 23:59:59.5", 0), "2021-01-02 00:00:00");
  EXPECT_EQ(dt("2021-01-01 23:59:59.499999", 0), "2021-01-01 23:59:59");
  EXPECT_EQ(dt("2021-01-01 00:00:00.125", 2), "2021-01-01 00:00:00.13");
  EXPECT_EQ(dt("2021-01-01 00:00:00.125", 6), "2021-01-01 00:00:00.125000");
  // Before 1970 (negative microseconds) the fraction still counts up.
  EXPECT_EQ(dt("1969-12-31 23:59:59.5", 0), "1970-01-01 00:00:00");
  EXPECT_EQ(dt("1969-12-31 23:59:58.4", 0), "1969-12-31 23:59:58");
  // Never past the last datetime.
  EXPECT_EQ(dt("9999-12-31 23:59:59.9", 0), "9999-12-31 23:59:59");
  const auto tm = [&](const char* s, int fsp) {
    EXPECT_TRUE(ParseTime(s, &v)) << s;
    return FormatTime(RoundToFsp(v, fsp, true), fsp);
  };
  EXPECT_EQ(tm("10:00:00.5", 0), "10:00:01");
  EXPECT_EQ(tm("-10:00:00.55", 1), "-10:00:00.6");
  EXPECT_EQ(tm("-10:00:00.54", 1), "-10:00:00.5");
}

}  // namespace
}  // namespace xp::plan
