#include "xprotocol/server_sessions.h"

#include <gtest/gtest.h>

namespace xp {
namespace {

TEST(SessionTableTest, OpensUpToTheLimitAndKeepsUserAndSchema) {
  SessionTable t(/*client_id=*/7, /*max_sessions=*/2);
  ASSERT_TRUE(t.Open(0, "alice", "db").ok());
  ASSERT_TRUE(t.Open(5, "alice", "other").ok());
  Status full = t.Open(6, "alice", "db");
  EXPECT_EQ(full.sql_code(), 7003u);
  auto s = t.Find(5);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->session.client_id(), 7u);
  EXPECT_EQ(s->session.user(), "alice");
  EXPECT_EQ(s->session.schema(), "other");
  EXPECT_EQ(t.Find(6), nullptr);
  t.Close(5);
  EXPECT_EQ(t.Find(5), nullptr);
  EXPECT_TRUE(t.Open(6, "alice", "db").ok());
}

TEST(SessionTableTest, QueuedRequestsCountUntilRunOrDropped) {
  SessionTable t(1, 8);
  ASSERT_TRUE(t.Open(1, "u", "").ok());
  ASSERT_TRUE(t.Open(2, "u", "").ok());
  auto a = t.Find(1);
  auto b = t.Find(2);
  a->busy = true;
  t.Enqueue(*a, 12, "abc");
  t.Enqueue(*a, 13, "de");
  t.Enqueue(*b, 12, "xyz");
  EXPECT_EQ(t.queued_bytes(), 4u + 3u + 4u);
  std::pair<uint8_t, std::string> req;
  EXPECT_FALSE(t.PopQueued(*a, &req));  // busy: waits
  a->busy = false;
  ASSERT_TRUE(t.PopQueued(*a, &req));
  EXPECT_EQ(req.first, 12);
  EXPECT_EQ(req.second, "abc");
  EXPECT_EQ(t.queued_bytes(), 3u + 4u);
  t.Close(2);  // b's waiting request goes with it
  EXPECT_EQ(t.queued_bytes(), 3u);
  int cancelled = 0;
  t.Clear([&cancelled](BackgroundTask&) { ++cancelled; });
  EXPECT_EQ(t.queued_bytes(), 0u);
  EXPECT_EQ(cancelled, 0);  // nothing was running
  EXPECT_EQ(t.Find(1), nullptr);
}

TEST(SessionTableTest, KillChecks) {
  SessionTable t(1, 8);
  ASSERT_TRUE(t.Open(0, "u", "").ok());
  ASSERT_TRUE(t.Open(3, "u", "").ok());
  EXPECT_TRUE(t.CheckKill(0, 3, /*query=*/false).ok());
  EXPECT_TRUE(t.CheckKill(3, 0, /*query=*/true).ok());
  EXPECT_EQ(t.CheckKill(3, 0, false).sql_code(), 7002u);  // session 0
  EXPECT_EQ(t.CheckKill(3, 3, false).sql_code(), 7002u);  // itself
  EXPECT_EQ(t.CheckKill(0, 9, true).sql_code(), 7002u);   // missing
}

TEST(SessionTableTest, SessionZeroIsNeverRefused) {
  SessionTable t(1, /*max_sessions=*/0);
  EXPECT_TRUE(t.Open(0, "u", "").ok());
  EXPECT_EQ(t.Open(1, "u", "").sql_code(), 7003u);
}

}  // namespace
}  // namespace xp
