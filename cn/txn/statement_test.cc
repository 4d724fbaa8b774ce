// A statement failing inside a transaction over fake data nodes
// (cn/txn/fake_dn.h): only that statement is undone, on every DN it
// touched, and the transaction goes on (MySQL's rule); a DN that is down
// when a transaction begins is left out of it, and using it is 1429; a
// row and its global index entry are written together or not at all.

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"

namespace xp::cn {
namespace {

class StatementTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    MakeRowsOnBothDns();
  }
  std::string Committed(const std::string& id) {
    const size_t dn = id == on0_ ? 0 : 1;
    auto r =
        fake_.Query(dn, "SELECT v FROM " + Physical("t", static_cast<int>(dn)) +
                            " WHERE id = " + id);
    EXPECT_TRUE(r.ok());
    return r.ok() && !r->empty() ? (*r)[0][0] : "none";
  }
};

TEST_F(StatementTest, AFailedMultiDnStatementIsUndoneAndTheTransactionGoesOn) {
  Ok("BEGIN");
  Ok("UPDATE t SET v = 1 WHERE id = " + on0_);
  InjectError(1, "INSERT", 1114, "HY000", "The table is full");
  EXPECT_EQ(ErrorCode("INSERT INTO t VALUES " + Tuples(100, 10, 0)), 1114u);
  Ok("UPDATE t SET v = 2 WHERE id = " + on1_);
  Ok("COMMIT");
  EXPECT_EQ(Committed(on0_), "1");
  EXPECT_EQ(Committed(on1_), "2");
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t"), std::vector<std::string>{"20"});
  EXPECT_EQ(fake_.OpenTransactions(0) + fake_.OpenTransactions(1), 0u);
}

TEST_F(StatementTest, ALockWaitTimeoutUndoesTheStatementOnly) {
  Ok("BEGIN");
  Ok("UPDATE t SET v = 1 WHERE id = " + on0_);
  InjectError(1, "UPDATE", 1205, "HY000",
              "Lock wait timeout exceeded; try restarting transaction");
  EXPECT_EQ(ErrorCode("UPDATE t SET v = 9 WHERE v = 0"), 1205u);
  Ok("COMMIT");
  EXPECT_EQ(Committed(on0_), "1");
  EXPECT_EQ(Committed(on1_), "0");
  // Nothing of the failed UPDATE stayed on DN 0 either.
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t WHERE v = 9"),
            std::vector<std::string>{"0"});
}

TEST_F(StatementTest, ADnDownAtBeginIsLeftOutAndUsingItIs1429) {
  fake_.SetDown(1, true);
  Ok("BEGIN");
  Ok("UPDATE t SET v = 1 WHERE id = " + on0_);
  EXPECT_EQ(ErrorCode("UPDATE t SET v = 1 WHERE id = " + on1_), 1429u);
  Ok("ROLLBACK");
  fake_.SetDown(1, false);
  EXPECT_EQ(Committed(on0_), "0");
  Ok("BEGIN");
  Ok("UPDATE t SET v = 3 WHERE id = " + on1_);
  Ok("COMMIT");
  EXPECT_EQ(Committed(on1_), "3");
}

TEST_F(StatementTest, ARowAndItsGlobalIndexEntryGoTogether) {
  Ok("CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(40), UNIQUE KEY "
     "(email)) PARTITION BY HASH(id) PARTITIONS 2");
  Ok("INSERT INTO u VALUES (1, 'a@x'), (2, 'b@x')");
  // The same email through another partition: the index says no.
  EXPECT_EQ(ErrorCode("INSERT INTO u VALUES (3, 'a@x'), (4, 'c@x')"), 1062u);
  EXPECT_EQ(Rows("SELECT id FROM u ORDER BY id"),
            (std::vector<std::string>{"1", "2"}));
  // An index entry that cannot be written: the row is not written either.
  InjectError(0, "INSERT", 1114, "HY000", "The table is full");
  InjectError(1, "INSERT", 1114, "HY000", "The table is full");
  EXPECT_EQ(ErrorCode("INSERT INTO u VALUES (5, 'e@x')"), 1114u);
  fake_.ClearFaults();
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM u WHERE email = 'e@x'"),
            std::vector<std::string>{"0"});
  Ok("INSERT INTO u VALUES (5, 'e@x')");
  EXPECT_EQ(Rows("SELECT id FROM u WHERE email = 'e@x'"),
            std::vector<std::string>{"5"});
  EXPECT_EQ(fake_.OpenTransactions(0) + fake_.OpenTransactions(1), 0u);
}

}  // namespace
}  // namespace xp::cn
