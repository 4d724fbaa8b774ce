// Row routing over fake data nodes (cn/txn/fake_dn.h): INSERT ... VALUES
// and INSERT ... SELECT send each DN one statement with just its rows, and
// an UPDATE of the partition key moves the row to its new partition.

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"
#include "plan/types/data_type.h"

namespace xp::cn {
namespace {

class RoutingTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    MakeTable("t");
    fake_.ClearRequests();
  }
  // The partition the CN's hash gives `id`.
  static size_t PartitionOfId(int64_t id) {
    return PartitionOf({plan::Value(id)}, {plan::DataType::Int(4)}, 2);
  }
  void ExpectEachRowInItsPartition(const std::string& table) {
    for (size_t dn = 0; dn < 2; ++dn)
      for (const std::string& id :
           IdsOn(dn, Physical(table, static_cast<int>(dn))))
        EXPECT_EQ(PartitionOfId(std::stoll(id)), dn) << table << " id " << id;
  }
};

TEST_F(RoutingTest, InsertValuesSendsEachDnOneStatementWithItsRows) {
  EXPECT_EQ(Ok("INSERT INTO t VALUES " + Tuples(1, 30, 0)).rows_affected, 30u);
  EXPECT_EQ(CountRequests(0, "INSERT INTO `d`."), 1u);
  EXPECT_EQ(CountRequests(1, "INSERT INTO `d`."), 1u);
  EXPECT_EQ(
      IdsOn(0, Physical("t", 0)).size() + IdsOn(1, Physical("t", 1)).size(),
      30u);
  ExpectEachRowInItsPartition("t");
}

TEST_F(RoutingTest, InsertSelectRoutesEveryRow) {
  Ok("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)");
  MakeTable("u");
  EXPECT_EQ(Ok("INSERT INTO u SELECT id + 100, v FROM t").rows_affected, 6u);
  ExpectEachRowInItsPartition("u");
  EXPECT_EQ(Rows("SELECT v FROM u WHERE id = 103"),
            std::vector<std::string>{"3"});
}

// IGNORE of one INSERT ... SELECT does not carry over to the next
// statement that writes selected rows.
TEST_F(RoutingTest, InsertSelectVerbEndsWithItsStatement) {
  Ok("INSERT INTO t VALUES (1, 1), (2, 2)");
  MakeTable("u");
  Ok("INSERT INTO u VALUES (1, 0)");
  // The DNs count what IGNORE and REPLACE did, as MySQL does.
  EXPECT_EQ(Ok("INSERT IGNORE INTO u SELECT id, v FROM t").rows_affected, 1u);
  EXPECT_EQ(Ok("REPLACE INTO u SELECT id, v + 10 FROM t").rows_affected, 4u);
  EXPECT_EQ(Rows("SELECT v FROM u ORDER BY id"),
            (std::vector<std::string>{"11", "12"}));
  fake_.ClearRequests();
  Ok("CREATE TABLE c AS SELECT id, v FROM t");
  for (size_t dn = 0; dn < 2; ++dn)
    EXPECT_EQ(CountRequests(dn, "INSERT IGNORE"), 0u) << dn;
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM c"), std::vector<std::string>{"2"});
}

TEST_F(RoutingTest, UpdateOfThePartitionKeyMovesTheRow) {
  // Two ids with different partitions.
  int64_t a = 1, b = 2;
  while (PartitionOfId(b) == PartitionOfId(a)) ++b;
  Ok("INSERT INTO t VALUES (" + std::to_string(a) + ", 7)");
  const size_t from = PartitionOfId(a), to = PartitionOfId(b);
  EXPECT_EQ(IdsOn(from, Physical("t", static_cast<int>(from))),
            std::vector<std::string>{std::to_string(a)});
  Ok("UPDATE t SET id = " + std::to_string(b) +
     " WHERE id = " + std::to_string(a));
  EXPECT_TRUE(IdsOn(from, Physical("t", static_cast<int>(from))).empty());
  EXPECT_EQ(IdsOn(to, Physical("t", static_cast<int>(to))),
            std::vector<std::string>{std::to_string(b)});
  EXPECT_EQ(Rows("SELECT v FROM t WHERE id = " + std::to_string(b)),
            std::vector<std::string>{"7"});
  // Moved in one transaction over both DNs: nothing left open.
  EXPECT_EQ(fake_.OpenTransactions(0) + fake_.OpenTransactions(1), 0u);
}

TEST_F(RoutingTest, AFailedPartOfAMultiDnInsertUndoesTheWhole) {
  InjectError(1, "INSERT", 1114, "HY000", "The table is full");
  EXPECT_EQ(ErrorCode("INSERT INTO t VALUES " + Tuples(1, 10, 0)), 1114u);
  EXPECT_TRUE(IdsOn(0, Physical("t", 0)).empty());
  EXPECT_TRUE(IdsOn(1, Physical("t", 1)).empty());
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t"), std::vector<std::string>{"0"});
}

// The session evaluates VALUES (plan/write.h): a partition key given as an
// expression routes like a literal.
TEST_F(RoutingTest, ComputedValuesRouteByTheirValue) {
  Ok("INSERT INTO t VALUES (10 + 2, 1), (CAST(CONCAT('1', '3') AS SIGNED), "
     "2 + 3)");
  ExpectEachRowInItsPartition("t");
  EXPECT_EQ(Rows("SELECT v FROM t WHERE id = 12"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT v FROM t WHERE id = 13"),
            std::vector<std::string>{"5"});
}

TEST_F(RoutingTest, AColumnListedTwiceIs1110) {
  EXPECT_EQ(ErrorCode("INSERT INTO t (id, id) VALUES (1, 2)"), 1110u);
  EXPECT_EQ(ErrorCode("INSERT INTO t (id, v) VALUES (1)"), 1136u);
  EXPECT_EQ(fake_.Requests(0).size() + fake_.Requests(1).size(), 0u);
}

TEST_F(RoutingTest, AutoIncrementNumbersTheRowsInOrder) {
  Ok("CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  session::QueryResult r =
      Ok("INSERT INTO a (id, v) VALUES (NULL, 1), (0, 2), (DEFAULT, 3)");
  EXPECT_EQ(r.rows_affected, 3u);
  EXPECT_EQ(r.last_insert_id, 1u);
  EXPECT_EQ(Rows("SELECT id FROM a ORDER BY v"),
            (std::vector<std::string>{"1", "2", "3"}));
  Ok("INSERT INTO a VALUES (10, 4)");
  EXPECT_EQ(Ok("INSERT INTO a (v) VALUES (5)").last_insert_id, 11u);
}

}  // namespace
}  // namespace xp::cn
