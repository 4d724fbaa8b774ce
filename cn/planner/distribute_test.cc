// Partition pruning over fake data nodes (cn/txn/fake_dn.h): a read or a
// write whose WHERE fixes the partition key reaches only the partitions
// that can hold its rows, and reads and writes agree where a row is.

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"
#include "plan/types/data_type.h"

namespace xp::cn {
namespace {

class PruningTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    MakeTable("t");
    Ok("INSERT INTO t VALUES " + Tuples(1, 20, 10));
    on0_ = IdsOn(0, Physical("t", 0));
    on1_ = IdsOn(1, Physical("t", 1));
    fake_.ClearRequests();
  }
  // Requests of the running statement per DN that read or write `t`.
  size_t Reads(size_t dn) {
    size_t n = 0;
    for (const std::string& r : fake_.Requests(dn))
      if (r.rfind("PLAN ", 0) == 0 || r.rfind("SELECT", 0) == 0) ++n;
    return n;
  }
  std::vector<std::string> on0_, on1_;
};

TEST_F(PruningTest, RowsAreSplitAcrossBothDns) {
  EXPECT_FALSE(on0_.empty());
  EXPECT_FALSE(on1_.empty());
  EXPECT_EQ(on0_.size() + on1_.size(), 20u);
}

TEST_F(PruningTest, PointReadGoesToTheOneDnHoldingTheKey) {
  for (const std::string& id : {on0_[0], on1_[0]}) {
    fake_.ClearRequests();
    EXPECT_EQ(Rows("SELECT v FROM t WHERE id = " + id),
              std::vector<std::string>{std::to_string(std::stoi(id) * 10)});
    const size_t holder = id == on0_[0] ? 0 : 1;
    EXPECT_EQ(Reads(holder), 1u) << id;
    EXPECT_EQ(Reads(1 - holder), 0u) << id;
  }
}

TEST_F(PruningTest, EveryKeyIsReadWhereItWasWritten) {
  for (int i = 1; i <= 20; ++i)
    EXPECT_EQ(Rows("SELECT v FROM t WHERE id = " + std::to_string(i)),
              std::vector<std::string>{std::to_string(i * 10)});
}

TEST_F(PruningTest, InListReadsOnlyTheDnsOfItsKeys) {
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE id IN (" + on1_[0] + ", " +
                 on1_[1] + ")"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(Reads(0), 0u);
  EXPECT_EQ(Reads(1), 1u);
  fake_.ClearRequests();
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE id IN (" + on0_[0] + ", " +
                 on1_[0] + ")"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(Reads(0), 1u);
  EXPECT_EQ(Reads(1), 1u);
}

TEST_F(PruningTest, NonKeyFilterReadsEveryDn) {
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE v > 100"),
            std::vector<std::string>{"10"});
  EXPECT_EQ(Reads(0), 1u);
  EXPECT_EQ(Reads(1), 1u);
}

TEST_F(PruningTest, ShippedAsSqlThePointReadIsPrunedToo) {
  Ok("SET xplan_mode = 'sql'");
  fake_.ClearRequests();
  EXPECT_EQ(Rows("SELECT * FROM t WHERE id = " + on1_[0]).size(), 1u);
  EXPECT_EQ(Reads(0), 0u);
  EXPECT_EQ(Reads(1), 1u);
}

TEST_F(PruningTest, WritesArePrunedLikeReads) {
  Ok("UPDATE t SET v = 0 WHERE id = " + on0_[0]);
  EXPECT_EQ(CountRequests(0, "UPDATE"), 1u);
  EXPECT_EQ(CountRequests(1, "UPDATE"), 0u);
  fake_.ClearRequests();
  Ok("DELETE FROM t WHERE id = " + on1_[0]);
  EXPECT_EQ(CountRequests(0, "DELETE"), 0u);
  EXPECT_EQ(CountRequests(1, "DELETE"), 1u);
  fake_.ClearRequests();
  Ok("UPDATE t SET v = 1 WHERE v > 100");
  EXPECT_EQ(CountRequests(0, "UPDATE"), 1u);
  EXPECT_EQ(CountRequests(1, "UPDATE"), 1u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE v = 1"),
            std::vector<std::string>{"10"});
  EXPECT_EQ(IdsOn(1, Physical("t", 1)).size(), on1_.size() - 1);
}

// Placeholders of a prepared write (the key and the LIMIT) are values
// before the statement goes to its one DN.
TEST_F(PruningTest, PreparedWriteWithLimitGoesToItsKeysDn) {
  Result<session::QueryResult> r = session_->Execute(
      "DELETE FROM t WHERE id = ? LIMIT ?",
      {plan::Value(int64_t{std::stoll(on1_[0])}), plan::Value(int64_t{1})},
      nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_affected, 1u);
  EXPECT_EQ(CountRequests(0, "DELETE"), 0u);
  EXPECT_EQ(CountRequests(1, "DELETE"), 1u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t"), std::vector<std::string>{"19"});
}

TEST_F(PruningTest, WriteInListReachesOnlyTheDnsOfItsKeys) {
  ASSERT_GE(on1_.size(), 2u);
  EXPECT_EQ(Ok("DELETE FROM t WHERE id IN (" + on1_[0] + ", " + on1_[1] + ")")
                .rows_affected,
            2u);
  EXPECT_EQ(CountRequests(0, "DELETE"), 0u);
  EXPECT_EQ(CountRequests(1, "DELETE"), 1u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t"), std::vector<std::string>{"18"});
}

// A partition key that no index starts with: the filter's equalities and
// IN lists prune reads and writes alike.
TEST_F(PruningTest, FilterOnAnUnindexedPartitionKeyPrunes) {
  Ok("CREATE TABLE h (c INT, v INT) PARTITION BY HASH(c) PARTITIONS 2");
  Ok("INSERT INTO h VALUES " + Tuples(1, 20, 1));
  // The partition (and DN) c = 1 hashes to.
  const size_t one =
      PartitionOf({plan::Value(int64_t{1})}, {plan::DataType::Int(4)}, 2);
  fake_.ClearRequests();
  EXPECT_EQ(Rows("SELECT v FROM h WHERE c = 1"), std::vector<std::string>{"1"});
  EXPECT_EQ(Reads(one), 1u);
  EXPECT_EQ(Reads(1 - one), 0u);
  fake_.ClearRequests();
  Ok("UPDATE h SET v = 0 WHERE c = 1 AND v > 0");
  EXPECT_EQ(CountRequests(one, "UPDATE"), 1u);
  EXPECT_EQ(CountRequests(1 - one, "UPDATE"), 0u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM h WHERE v = 0"),
            std::vector<std::string>{"1"});
  // A filter above a LIMIT does not pick the partition.
  fake_.ClearRequests();
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM (SELECT c FROM h LIMIT 30) x "
                 "WHERE c = 1"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Reads(0), 1u);
  EXPECT_EQ(Reads(1), 1u);
}

}  // namespace
}  // namespace xp::cn
