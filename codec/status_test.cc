#include "codec/status.h"

#include <gtest/gtest.h>

namespace xp {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Status Quarter(int v, int* out) {
  XP_ASSIGN_OR_RETURN(int h, Half(v));
  XP_ASSIGN_OR_RETURN(int q, Half(h));
  *out = q;
  return Status::OK();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(Status::OK().ToString(), "OK");
  Status s = Status::Corruption("bad frame");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.ToString(), "Corruption: bad frame");
  EXPECT_TRUE(Status::ResourceExhausted("x").IsResourceExhausted());
  Status sql = Status::SqlError(1146, "42S02", "Table 't.x' doesn't exist");
  EXPECT_TRUE(sql.IsSqlError());
  EXPECT_EQ(sql.sql_code(), 1146u);
  EXPECT_EQ(sql.sql_state(), "42S02");
  EXPECT_EQ(sql.ToString(), "ERROR 1146 (42S02): Table 't.x' doesn't exist");
}

TEST(StatusTest, ResultPropagates) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = Quarter(6, &out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
  Result<std::string> r = std::string("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
}

}  // namespace
}  // namespace xp
