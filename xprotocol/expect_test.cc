#include "xprotocol/expect.h"

#include <gtest/gtest.h>

namespace xp {
namespace {

using Cond = Mysqlx::Expect::Open::Condition;

Mysqlx::Expect::Open NoError(bool set = true) {
  Mysqlx::Expect::Open open;
  auto* c = open.add_cond();
  c->set_condition_key(Cond::EXPECT_NO_ERROR);
  c->set_op(set ? Cond::EXPECT_OP_SET : Cond::EXPECT_OP_UNSET);
  return open;
}

TEST(ExpectStackTest, NoErrorBlockFailsLaterRequestsUntilClosed) {
  ExpectStack s;
  ASSERT_TRUE(s.Open(NoError()).ok());
  EXPECT_FALSE(s.Blocked());
  s.RecordFailure();
  EXPECT_TRUE(s.Blocked());
  EXPECT_EQ(ExpectStack::BlockedError().sql_code(), 5159u);
  Status closed = s.Close();
  EXPECT_EQ(closed.sql_code(), 5159u);
  EXPECT_FALSE(s.Blocked());
  EXPECT_EQ(s.Close().sql_code(), 5158u);  // none open
}

TEST(ExpectStackTest, FailureOutsideNoErrorDoesNotBlock) {
  ExpectStack s;
  ASSERT_TRUE(s.Open(NoError(false)).ok());
  s.RecordFailure();
  EXPECT_FALSE(s.Blocked());
  EXPECT_TRUE(s.Close().ok());
  s.RecordFailure();  // no block: nothing to record
  EXPECT_EQ(s.depth(), 0u);
}

TEST(ExpectStackTest, CopyPrevInheritsNoErrorAndDepthIsLimited) {
  ExpectStack s;
  ASSERT_TRUE(s.Open(NoError()).ok());
  Mysqlx::Expect::Open copy;
  copy.set_op(Mysqlx::Expect::Open::EXPECT_CTX_COPY_PREV);
  ASSERT_TRUE(s.Open(copy).ok());
  s.RecordFailure();
  EXPECT_TRUE(s.Blocked());
  s.Clear();
  for (size_t i = 0; i < ExpectStack::kMaxDepth; ++i) {
    ASSERT_TRUE(s.Open(Mysqlx::Expect::Open()).ok());
  }
  Status deep = s.Open(Mysqlx::Expect::Open());
  EXPECT_EQ(deep.sql_code(), 7005u) << deep.ToString();
  EXPECT_EQ(s.depth(), ExpectStack::kMaxDepth);
}

TEST(ExpectStackTest, UnknownFieldAndConditionAreRefused) {
  ExpectStack s;
  Mysqlx::Expect::Open open;
  auto* c = open.add_cond();
  c->set_condition_key(Cond::EXPECT_FIELD_EXIST);
  c->set_condition_value("6.99");
  EXPECT_EQ(s.Open(open).sql_code(), 5168u);
  Mysqlx::Expect::Open bad;
  bad.add_cond()->set_condition_key(77);
  EXPECT_EQ(s.Open(bad).sql_code(), 5160u);
  EXPECT_EQ(s.depth(), 0u);
}

}  // namespace
}  // namespace xp
