// The cycle search of the cross-DN deadlock detector (deadlock.h); the
// detector against real data nodes is tests/cn/locking_test.cc.
#include "cn/txn/deadlock.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace xp::cn {
namespace {

WaitEdge Wait(size_t dn, std::string waiter, int64_t started, uint64_t id,
              std::string holder, uint64_t holder_id = 0) {
  WaitEdge e;
  e.dn = dn;
  e.waiter = std::move(waiter);
  e.waiter_started_us = started;
  e.waiter_id = id;
  e.holder = std::move(holder);
  e.holder_id = holder_id;
  return e;
}

TEST(DeadlockVictims, TwoDataNodesTheYoungestLoses) {
  // a holds a row on DN 0 and waits on DN 1 for b; b waits on DN 0 for a.
  const std::vector<WaitEdge> aborts = DeadlockVictims(
      {Wait(1, "xa", 100, 11, "xb", 12), Wait(0, "xb", 200, 22, "xa", 21)});
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].waiter, "xb");
  EXPECT_EQ(aborts[0].dn, 0u);
  EXPECT_EQ(aborts[0].waiter_id, 22u);
  EXPECT_EQ(aborts[0].holder_id, 21u);
}

TEST(DeadlockVictims, NoCycleNoVictim) {
  EXPECT_TRUE(DeadlockVictims({Wait(0, "a", 1, 1, "b"), Wait(1, "b", 2, 2, "c"),
                               Wait(0, "d", 3, 3, "c")})
                  .empty());
  EXPECT_TRUE(DeadlockVictims({}).empty());
}

TEST(DeadlockVictims, ThroughALocalTransaction) {
  // An autocommit statement on DN 0 (no xid) sits in the cycle; the
  // youngest of the three is the victim, whatever its kind.
  const std::vector<WaitEdge> aborts = DeadlockVictims(
      {Wait(0, "xa", 10, 1, "dn0#7"), Wait(0, "dn0#7", 30, 7, "xb"),
       Wait(1, "xb", 20, 2, "xa")});
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].waiter, "dn0#7");
}

TEST(DeadlockVictims, EveryCycleLosesOneAndTheVictimStopsEverywhere) {
  // Two cycles (a-b, c-d); b waits on both DNs (a statement sent to
  // both), so both of its waits are ended.
  const std::vector<WaitEdge> aborts = DeadlockVictims({
      Wait(0, "a", 1, 1, "b"),
      Wait(0, "b", 2, 2, "a"),
      Wait(1, "b", 2, 5, "x"),
      Wait(1, "c", 4, 3, "d"),
      Wait(0, "d", 3, 4, "c"),
  });
  std::vector<std::pair<std::string, size_t>> got;
  for (const WaitEdge& e : aborts) got.push_back({e.waiter, e.dn});
  std::sort(got.begin(), got.end());
  const std::vector<std::pair<std::string, size_t>> want = {
      {"b", 0}, {"b", 1}, {"c", 1}};
  EXPECT_EQ(got, want);
}

TEST(DeadlockVictims, TiesGoToTheGreaterName) {
  const std::vector<WaitEdge> aborts =
      DeadlockVictims({Wait(0, "x1", 5, 1, "x2"), Wait(1, "x2", 5, 2, "x1")});
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].waiter, "x2");
}

TEST(DeadlockVictims, ALongRingNeedsNoDeepStack) {
  // 100,000 transactions in one wait ring: the search is iterative.
  constexpr int kN = 100000;
  std::vector<WaitEdge> edges;
  for (int i = 0; i < kN; ++i)
    edges.push_back(Wait(static_cast<size_t>(i % 2), "t" + std::to_string(i),
                         i == 4242 ? 1 << 30 : i, static_cast<uint64_t>(i),
                         "t" + std::to_string((i + 1) % kN)));
  const std::vector<WaitEdge> aborts = DeadlockVictims(edges);
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].waiter, "t4242");
}

}  // namespace
}  // namespace xp::cn
