// Two-phase commit over fake data nodes (cn/txn/fake_dn.h): a transaction
// writing on two DNs commits on both or on neither, whichever step fails —
// a DN's error or lost link at XA START / END / PREPARE, the commit log,
// phase two — and a CN that stops before or after logging its decision has
// it carried out by the next CN (recovery).

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"

namespace xp::cn {
namespace {

class TwoPhaseCommitTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    MakeRowsOnBothDns();
  }
  // The transaction under test: one row changed on each DN.
  Status Transfer() {
    for (const std::string& sql :
         {std::string("BEGIN"), "UPDATE t SET v = v + 1 WHERE id = " + on0_,
          "UPDATE t SET v = v - 1 WHERE id = " + on1_, std::string("COMMIT")}) {
      Result<session::QueryResult> r = Sql(sql);
      if (!r.ok()) {
        (void)Sql("ROLLBACK");
        return r.status();
      }
    }
    return Status::OK();
  }
  // v of the two rows, read on the DNs themselves.
  std::string Values() {
    auto a = fake_.Query(
        0, "SELECT v FROM " + Physical("t", 0) + " WHERE id = " + on0_);
    auto b = fake_.Query(
        1, "SELECT v FROM " + Physical("t", 1) + " WHERE id = " + on1_);
    EXPECT_TRUE(a.ok() && b.ok());
    return (*a)[0][0] + "," + (*b)[0][0];
  }
  // Makes DN `dn` fail the next `times` requests starting with `prefix`.
  void Fault(size_t dn, const char* prefix, DnFault::Kind kind, int times = 1) {
    DnFault f;
    f.dn = dn;
    f.prefix = prefix;
    f.kind = kind;
    f.times = times;
    fake_.Inject(f);
  }
  void ExpectNothingLeft() {
    for (size_t dn = 0; dn < 2; ++dn) {
      EXPECT_TRUE(fake_.Prepared(dn).empty()) << "dn" << dn;
      EXPECT_EQ(fake_.OpenTransactions(dn), 0u) << "dn" << dn;
    }
  }
};

TEST_F(TwoPhaseCommitTest, CommitsOnBothDnsThroughPrepareAndTheLog) {
  auto logged = [&] {
    auto log = fake_.Query(0, "SELECT COUNT(*) FROM `xp_system`.`commit_log`");
    EXPECT_TRUE(log.ok());
    return log.ok() ? (*log)[0][0] : "";
  };
  const std::string before = logged();
  const size_t inserts_before =
      CountRequests(0, "INSERT INTO `xp_system`.`commit_log`");
  ASSERT_TRUE(Transfer().ok());
  EXPECT_EQ(Values(), "1,-1");
  // DN 1 prepares; DN 0 logs the decision inside its own branch and
  // commits in one phase (that commit is the decision); then DN 1 commits.
  EXPECT_EQ(CountRequests(1, "XA PREPARE"), 1u);
  EXPECT_EQ(CountRequests(1, "XA COMMIT"), 1u);
  EXPECT_EQ(CountRequests(0, "XA PREPARE"), 0u);
  EXPECT_EQ(CountRequests(0, "XA COMMIT 'xcn-"), 1u);
  EXPECT_EQ(CountRequests(0, "INSERT INTO `xp_system`.`commit_log`"),
            inserts_before + 1);
  // The row committed with DN 0's branch (it stays until ForgetCommit's
  // next batch).
  EXPECT_EQ(std::stoi(logged()), std::stoi(before) + 1);
  ExpectNothingLeft();
}

TEST_F(TwoPhaseCommitTest, AutocommitWriteOnBothDnsDecidesOnDn0) {
  const size_t prepares =
      CountRequests(0, "XA PREPARE") + CountRequests(1, "XA PREPARE");
  Ok("UPDATE t SET v = v + 1 WHERE id IN (" + on0_ + ", " + on1_ + ")");
  EXPECT_EQ(Values(), "1,1");
  EXPECT_EQ(CountRequests(0, "XA PREPARE") + CountRequests(1, "XA PREPARE"),
            prepares + 1);  // DN 1's only
  ExpectNothingLeft();
}

TEST_F(TwoPhaseCommitTest, OneDnWrittenCommitsInOnePhase) {
  Ok("BEGIN");
  Ok("UPDATE t SET v = 5 WHERE id = " + on1_);
  Ok("COMMIT");
  EXPECT_EQ(Values(), "0,5");
  EXPECT_EQ(CountRequests(1, "XA PREPARE"), 0u);
  EXPECT_EQ(CountRequests(1, "XA COMMIT"), 1u);
  EXPECT_EQ(CountRequests(0, "INSERT INTO `xp_system`.`commit_log`"), 0u);
  ExpectNothingLeft();
}

// A step of the commit failing on one DN, with an error reply or a link
// lost before or after the DN ran it: the transaction rolls back on both.
struct Step {
  size_t dn;
  const char* prefix;
  DnFault::Kind kind;
};

class FailingStepTest : public TwoPhaseCommitTest,
                        public ::testing::WithParamInterface<Step> {};

TEST_P(FailingStepTest, RollsBackOnBothDns) {
  DnFault f;
  f.dn = GetParam().dn;
  f.prefix = GetParam().prefix;
  f.kind = GetParam().kind;
  f.error = {1614, "XA102", "XA_RBDEADLOCK: Transaction branch was rolled back",
             false};
  fake_.Inject(f);
  Status st = Transfer();
  EXPECT_FALSE(st.ok()) << "the commit reported success";
  EXPECT_EQ(Values(), "0,0");
  // A later statement on both DNs finds them in step (lost links are
  // reconnected, leftovers undone).
  EXPECT_EQ(Rows("SELECT COUNT(*), SUM(v) FROM t"),
            std::vector<std::string>{"20,0"});
  ExpectNothingLeft();
  EXPECT_TRUE(Transfer().ok());
  EXPECT_EQ(Values(), "1,-1");
}

std::string StepName(const ::testing::TestParamInfo<Step>& info) {
  std::string name = "dn" + std::to_string(info.param.dn) + "_";
  for (const char* p = info.param.prefix; *p; ++p)
    name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  switch (info.param.kind) {
    case DnFault::Kind::kError:
      return name + "_error";
    case DnFault::Kind::kLostBefore:
      return name + "_lost_before";
    case DnFault::Kind::kLostAfter:
      return name + "_lost_after";
    case DnFault::Kind::kSilent:
      return name + "_silent";
  }
  return name;
}

using K = DnFault::Kind;
INSTANTIATE_TEST_SUITE_P(
    EachStep, FailingStepTest,
    ::testing::Values(
        Step{0, "XA START", K::kError}, Step{1, "XA START", K::kError},
        Step{1, "XA START", K::kLostBefore}, Step{1, "UPDATE", K::kError},
        Step{1, "UPDATE", K::kLostAfter}, Step{0, "XA END", K::kError},
        Step{1, "XA END", K::kLostBefore}, Step{1, "XA PREPARE", K::kError},
        Step{1, "XA PREPARE", K::kLostAfter}, Step{1, "XA PREPARE", K::kSilent},
        Step{0, "INSERT INTO `xp_system`.`commit_log`", K::kError},
        Step{0, "INSERT INTO `xp_system`.`commit_log`", K::kLostBefore},
        // DN 0's one-phase commit (the decision) failing, or lost before
        // DN 0 ran it: DN 0 did not commit (an in-doubt marker settles the
        // lost case), so DN 1's prepared branch rolls back.
        Step{0, "XA COMMIT", K::kError}, Step{0, "XA COMMIT", K::kLostBefore}),
    StepName);

// DN 0 committed (the decision) but its answer was lost, or never came
// (the link timed out): the in-doubt marker finds the decision row, so
// DN 1 commits too and COMMIT succeeds.
TEST_F(TwoPhaseCommitTest, Dn0CommitAnswerLostIsFoundCommitted) {
  int n = 0;
  for (DnFault::Kind kind :
       {DnFault::Kind::kLostAfter, DnFault::Kind::kSilent}) {
    Fault(0, "XA COMMIT", kind);
    Status st = Transfer();
    EXPECT_TRUE(st.ok()) << st.ToString();
    ++n;
    EXPECT_EQ(Values(), std::to_string(n) + ",-" + std::to_string(n));
    ExpectNothingLeft();
  }
}

// DN 0 cannot be asked at all after its commit went unanswered: DN 1's
// branch stays prepared (COMMIT says the outcome is unknown) until DN 0
// is reached again, then follows DN 0's outcome.
TEST_F(TwoPhaseCommitTest, InDoubtWaitsForDn0) {
  Fault(0, "XA COMMIT", DnFault::Kind::kLostAfter);
  // Nor can the marker be written (the admin link tries twice).
  Fault(0, "INSERT INTO `xp_system`.`commit_log` (`xid`, `aborted`)",
        DnFault::Kind::kLostBefore, 2);
  Status st = Transfer();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.sql_code(), 1180) << st.ToString();
  EXPECT_EQ(Values(), "1,0");  // DN 0 committed; DN 1 prepared
  EXPECT_EQ(fake_.Prepared(1).size(), 1u);
  // The next statement reaches the DNs again: DN 0's outcome is asked and
  // DN 1 follows it.
  EXPECT_EQ(Rows("SELECT SUM(v) FROM t"), std::vector<std::string>{"0"});
  EXPECT_EQ(Values(), "1,-1");
  ExpectNothingLeft();
}

// Phase two failing on a DN: the decision is logged, so COMMIT succeeds and
// the branch left prepared commits once the DN is reached again.
TEST_F(TwoPhaseCommitTest, PhaseTwoLostLinkIsFinishedOnReconnect) {
  Fault(1, "XA COMMIT", DnFault::Kind::kLostBefore);
  Status st = Transfer();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Values(), "1,0");  // DN 1's branch is still prepared
  EXPECT_EQ(fake_.Prepared(1).size(), 1u);
  EXPECT_EQ(CountRequests(0, "XA COMMIT"), 1u);
  // The next statement reconnects to DN 1, which finishes the branch.
  EXPECT_EQ(Rows("SELECT SUM(v) FROM t"), std::vector<std::string>{"0"});
  EXPECT_EQ(Values(), "1,-1");
  ExpectNothingLeft();
}

TEST_F(TwoPhaseCommitTest, FailpointLosingDn1InPhaseTwo) {
  Open([](std::string_view p) {
    return p == "lose_dn1_in_phase_two" ? FailAction::kFail : FailAction::kNone;
  });
  Ok("USE d");
  ASSERT_TRUE(Transfer().ok());
  EXPECT_EQ(Values(), "1,0");
  EXPECT_EQ(fake_.Prepared(1).size(), 1u);
  EXPECT_EQ(Rows("SELECT SUM(v) FROM t"), std::vector<std::string>{"0"});
  EXPECT_EQ(Values(), "1,-1");
  ExpectNothingLeft();
}

// The CN stops (as a crash) with every branch prepared: before the decision
// is logged the next CN rolls them back, after it commits them.
class CrashTest : public TwoPhaseCommitTest,
                  public ::testing::WithParamInterface<const char*> {};

TEST_P(CrashTest, NextComputeNodeFinishesTheTransaction) {
  const std::string point = GetParam();
  Open([point](std::string_view p) {
    return p == point ? FailAction::kFail : FailAction::kNone;
  });
  Ok("USE d");
  EXPECT_FALSE(Transfer().ok());
  // DN 0 is never prepared: before the decision its branch is open (and
  // goes with the crashed CN's link), after it is committed.
  EXPECT_EQ(fake_.Prepared(0).size(), 0u);
  EXPECT_EQ(fake_.Prepared(1).size(), 1u);
  Open();  // the restarted CN
  const bool logged = point == "after_commit_log";
  EXPECT_EQ(Values(), logged ? "1,-1" : "0,0");
  ExpectNothingLeft();
  Ok("USE d");
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM t"), std::vector<std::string>{"20"});
}

INSTANTIATE_TEST_SUITE_P(BeforeAndAfterTheLog, CrashTest,
                         ::testing::Values("before_commit_log",
                                           "after_commit_log"));

// Savepoints go to every DN of the transaction; ROLLBACK TO undoes the
// writes after it there and the transaction goes on.
TEST_F(TwoPhaseCommitTest, RollbackToSavepointOnBothDns) {
  Ok("BEGIN");
  Ok("UPDATE t SET v = 7 WHERE id = " + on0_);
  Ok("SAVEPOINT s");
  Ok("UPDATE t SET v = 8 WHERE id = " + on0_);
  Ok("UPDATE t SET v = 9 WHERE id = " + on1_);
  Ok("ROLLBACK TO SAVEPOINT s");
  Ok("COMMIT");
  EXPECT_EQ(Values(), "7,0");
  EXPECT_EQ(CountRequests(0, "ROLLBACK TO SAVEPOINT"), 1u);
  EXPECT_EQ(CountRequests(1, "ROLLBACK TO SAVEPOINT"), 1u);
  ExpectNothingLeft();
}

}  // namespace
}  // namespace xp::cn
