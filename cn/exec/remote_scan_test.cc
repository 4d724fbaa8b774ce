// Streamed remote scans over fake data nodes (cn/txn/fake_dn.h): a scan is
// read under a byte credit (the CN answers each TOKEN_DONE with more), and
// one the query stops reading early is killed and drained, so the link is
// in step for the next request.

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"

namespace xp::cn {
namespace {

class StreamingTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    MakeTable("big");
    for (int base = 0; base < 20000; base += 2000)
      Ok("INSERT INTO big VALUES " + Tuples(base, 2000, 0));
    Ok("CREATE TABLE one (id INT PRIMARY KEY, v INT)");
    Ok("INSERT INTO one VALUES (1, 0)");
    fake_.ClearRequests();
  }
};

TEST_F(StreamingTest, AWholeScanIsReadUnderCredit) {
  EXPECT_EQ(Ok("SELECT id FROM big").rows.size(), 20000u);
  EXPECT_GT(fake_.token_offers(0), 0u);
  EXPECT_GT(fake_.token_offers(1), 0u);
  EXPECT_EQ(fake_.kills(0) + fake_.kills(1), 0u);
}

TEST_F(StreamingTest, AScanStoppedEarlyIsKilledAndTheLinkStaysInStep) {
  // The join runs on the CN: LIMIT 3 is met within the first chunk of big.
  EXPECT_EQ(Ok("SELECT big.id FROM big JOIN one ON big.v = one.v LIMIT 3")
                .rows.size(),
            3u);
  EXPECT_GT(fake_.kills(0) + fake_.kills(1), 0u);
  // The next statements read fresh answers, not the killed scan's rest.
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM big"),
            std::vector<std::string>{"20000"});
  EXPECT_EQ(Rows("SELECT v FROM big WHERE id = 12345"),
            std::vector<std::string>{"0"});
}

TEST_F(StreamingTest, ADnErrorMidScanReachesTheClient) {
  InjectError(1, "PLAN", 1317, "70100", "Query execution was interrupted");
  EXPECT_EQ(ErrorCode("SELECT id FROM big"), 1317u);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM big"),
            std::vector<std::string>{"20000"});
}

// Two partitions on each DN: two requests per DN in one stream. DN 1's
// link breaks under the first: the statement fails (1429), the other
// request's replies are never read from a new link, and the next
// statement finds every DN in step.
TEST_F(StreamingTest, ALinkLostMidScanLeavesNoRequestBehind) {
  Ok("CREATE TABLE four (id INT PRIMARY KEY, v INT) PARTITION BY HASH(id) "
     "PARTITIONS 4");
  Ok("INSERT INTO four VALUES " + Tuples(0, 400, 1));
  DnFault f;
  f.dn = 1;
  f.prefix = "PLAN";
  f.kind = DnFault::Kind::kLostAfter;
  fake_.Inject(f);
  EXPECT_EQ(ErrorCode("SELECT id FROM four"), 1429u);
  EXPECT_EQ(Rows("SELECT COUNT(*), SUM(v) FROM four"),
            std::vector<std::string>{"400,79800"});
  EXPECT_EQ(Rows("SELECT v FROM four WHERE id = 7"),
            std::vector<std::string>{"7"});
}

}  // namespace
}  // namespace xp::cn
