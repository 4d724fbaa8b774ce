// Locking reads through a compute node, with libmariadb, against a real
// cluster (tests/cn/with_cluster.sh): the lost-update counter — 4 clients
// each doing read-then-write of counters in transactions — loses nothing
// when the read is SELECT ... FOR UPDATE, in every xplan_mode and with a
// counter on each data node; a row held FOR UPDATE or FOR SHARE makes the
// others wait (1205 after innodb_lock_wait_timeout), refuse (NOWAIT: 3572)
// or skip it (SKIP LOCKED). DDL waits for transactions that use its table
// (metadata locks; 1205 after lock_wait_timeout). Two transactions that
// wait for each other through both data nodes — a deadlock neither node
// sees alone — end at once: one gets 1213 and rolls back, the other goes
// on.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cn/mysql_test_client.h"

namespace {

using xp::test::Must;
using xp::test::Query;

MYSQL* Connect(const char* db = "lk") { return xp::test::Connect(db); }

class LockingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MYSQL* m = Connect(nullptr);
    ASSERT_NE(m, nullptr);
    Must(m, "CREATE DATABASE IF NOT EXISTS lk");
    mysql_close(m);
  }
};

// Ids 1..16 spread over both DNs; each transaction increments two of them
// (the lower id first, so transactions never deadlock) after reading them
// with FOR UPDATE, by point reads or by a range scan.
void Increment(const std::string& mode, int thread, int rounds,
               std::vector<int>* done) {
  MYSQL* m = Connect();
  if (m == nullptr) return;
  Must(m, "SET xplan_mode = '" + mode + "'");
  int ok = 0;
  for (int i = 0; i < rounds; ++i) {
    const int a = 1 + (thread + i) % 8, b = a + 8;  // b is a's neighbour
    unsigned code = 0;
    Query(m, "BEGIN", &code);
    std::string va, vb;
    if (i % 2 == 0) {
      va = Query(m,
                 "SELECT v FROM counter WHERE id = " + std::to_string(a) +
                     " FOR UPDATE",
                 &code);
      if (code == 0)
        vb = Query(m,
                   "SELECT v FROM counter WHERE id = " + std::to_string(b) +
                       " FOR UPDATE",
                   &code);
    } else {
      // A range locks every row it reads, on both DNs.
      va = Query(m,
                 "SELECT SUM(v) FROM counter WHERE id IN (" +
                     std::to_string(a) + ") FOR UPDATE",
                 &code);
      if (code == 0)
        vb = Query(
            m,
            "SELECT MAX(v) FROM counter WHERE id >= " + std::to_string(b) +
                " AND id < " + std::to_string(b + 1) + " FOR UPDATE",
            &code);
    }
    if (code == 0)
      Query(m,
            "UPDATE counter SET v = " + std::to_string(std::stoll(va) + 1) +
                " WHERE id = " + std::to_string(a),
            &code);
    if (code == 0)
      Query(m,
            "UPDATE counter SET v = " + std::to_string(std::stoll(vb) + 1) +
                " WHERE id = " + std::to_string(b),
            &code);
    if (code == 0) Query(m, "COMMIT", &code);
    if (code == 0) {
      ++ok;
    } else {
      unsigned ignored = 0;
      Query(m, "ROLLBACK", &ignored);
      // A lock wait may time out on a loaded machine; nothing else may go
      // wrong.
      EXPECT_TRUE(code == 1205 || code == 1213) << code << mysql_error(m);
    }
  }
  (*done)[static_cast<size_t>(thread)] = ok;
  mysql_close(m);
}

TEST_F(LockingTest, ReadThenWriteLosesNoUpdate) {
  for (const std::string mode : {"auto", "plan", "sql"}) {
    MYSQL* m = Connect();
    ASSERT_NE(m, nullptr);
    Must(m, "DROP TABLE IF EXISTS counter");
    Must(m, "CREATE TABLE counter (id INT PRIMARY KEY, v BIGINT NOT NULL)");
    std::string rows;
    for (int id = 1; id <= 16; ++id)
      rows += (id > 1 ? ",(" : "(") + std::to_string(id) + ",0)";
    Must(m, "INSERT INTO counter VALUES " + rows);
    constexpr int kThreads = 4, kRounds = 50;
    std::vector<int> done(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back(Increment, mode, t, kRounds, &done);
    for (auto& t : threads) t.join();
    int committed = 0;
    for (int d : done) committed += d;
    EXPECT_GT(committed, kThreads * kRounds * 9 / 10) << mode;
    // Every committed transaction added 2; none was lost.
    EXPECT_EQ(Must(m, "SELECT SUM(v) FROM counter"),
              std::to_string(2 * committed))
        << mode;
    mysql_close(m);
  }
}

TEST_F(LockingTest, HeldRowsMakeOthersWaitRefuseOrSkip) {
  MYSQL* holder = Connect();
  MYSQL* other = Connect();
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(other, nullptr);
  Must(holder, "DROP TABLE IF EXISTS held");
  Must(holder, "CREATE TABLE held (id INT PRIMARY KEY, v INT)");
  Must(holder, "INSERT INTO held VALUES (1,1),(2,2),(3,3),(4,4),(5,5),(6,6)");
  Must(holder, "BEGIN");
  Must(holder, "SELECT v FROM held WHERE id = 1 FOR UPDATE");
  Must(holder, "SELECT v FROM held WHERE id = 2 LOCK IN SHARE MODE");
  Must(other, "SET innodb_lock_wait_timeout = 1");
  unsigned code = 0;
  Query(other, "SELECT v FROM held WHERE id = 1 FOR UPDATE", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(other);
  Query(other, "SELECT v FROM held WHERE id = 1 FOR SHARE NOWAIT", &code);
  EXPECT_EQ(code, 3572u) << mysql_error(other);
  EXPECT_EQ(Must(other, "SELECT v FROM held WHERE id = 2 FOR SHARE NOWAIT"),
            "2");
  Query(other, "SELECT v FROM held WHERE id = 2 FOR UPDATE NOWAIT", &code);
  EXPECT_EQ(code, 3572u) << mysql_error(other);
  Query(other, "UPDATE held SET v = 0 WHERE id = 2", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(other);
  // Rows 1 and 2 are left out of an exclusive read, row 1 of a shared one.
  EXPECT_EQ(Must(other, "SELECT COUNT(*) FROM held FOR UPDATE SKIP LOCKED"),
            "4");
  EXPECT_EQ(Must(other, "SELECT COUNT(*) FROM held FOR SHARE SKIP LOCKED"),
            "5");
  // Plain reads neither wait nor see the holder's locks.
  EXPECT_EQ(Must(other, "SELECT SUM(v) FROM held"), "21");
  Must(holder, "COMMIT");
  EXPECT_EQ(Must(other, "SELECT v FROM held WHERE id = 1 FOR UPDATE NOWAIT"),
            "1");
  Must(other, "UPDATE held SET v = 0 WHERE id = 2");
  mysql_close(holder);
  mysql_close(other);
}

// Metadata locks: DDL on a table waits until no other transaction uses it.
// Before them, a CREATE UNIQUE INDEX while another transaction held an
// uncommitted duplicate filled the index from committed rows only; the
// duplicate then committed past the new unique key (two 'd@x' rows under
// UNIQUE). Hash-partitioned (a global index) and SINGLE (a DN's own index).
TEST_F(LockingTest, DdlWaitsForTransactionsUsingItsTable) {
  for (const std::string placement : {"", " SINGLE"}) {
    SCOPED_TRACE("placement:" + placement);
    MYSQL* holder = Connect();
    MYSQL* other = Connect();
    ASSERT_NE(holder, nullptr);
    ASSERT_NE(other, nullptr);
    Must(holder, "DROP TABLE IF EXISTS mdl");
    Must(holder, "CREATE TABLE mdl (id INT PRIMARY KEY, email VARCHAR(50))" +
                     placement);
    Must(holder, "INSERT INTO mdl VALUES (1, 'd@x'), (5, 'e@x')");
    Must(holder, "BEGIN");
    Must(holder, "INSERT INTO mdl VALUES (2, 'd@x')");
    unsigned code = 0;
    Must(other, "SET lock_wait_timeout = 1");
    const auto t0 = std::chrono::steady_clock::now();
    Query(other, "CREATE UNIQUE INDEX ue ON mdl (email)", &code);
    EXPECT_EQ(code, 1205u) << mysql_error(other);
    EXPECT_GE(std::chrono::steady_clock::now() - t0,
              std::chrono::milliseconds(900));
    EXPECT_EQ(Must(other, "SELECT COUNT(*) FROM mdl"), "2");
    // Waiting, the index is built once the holder commits: from both
    // 'd@x' rows, so it fails with 1062 and changes nothing.
    Must(other, "SET lock_wait_timeout = 60");
    std::atomic<bool> done{false};
    unsigned ddl_code = 0;
    std::thread ddl([&] {
      Query(other, "CREATE UNIQUE INDEX ue ON mdl (email)", &ddl_code);
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    EXPECT_FALSE(done.load()) << "CREATE INDEX did not wait";
    // The holder's statements do not wait for the waiting DDL.
    Must(holder, "INSERT INTO mdl VALUES (3, 'f@x')");
    Must(holder, "COMMIT");
    ddl.join();
    EXPECT_EQ(ddl_code, 1062u) << mysql_error(other);
    EXPECT_EQ(Must(other, "SELECT COUNT(*) FROM mdl WHERE email = 'd@x'"), "2");
    Must(other, "INSERT INTO mdl VALUES (4, 'd@x')");  // no unique key
    // A read holds the table too, until ROLLBACK; DROP TABLE waits.
    Must(holder, "BEGIN");
    EXPECT_EQ(Must(holder, "SELECT COUNT(*) FROM mdl"), "5");
    Must(other, "SET lock_wait_timeout = 1");
    Query(other, "DROP TABLE mdl", &code);
    EXPECT_EQ(code, 1205u) << mysql_error(other);
    Must(holder, "ROLLBACK");
    // With the duplicates gone, the index builds; the holder's own DDL
    // (an implicit commit first) never waits for itself.
    Must(other, "DELETE FROM mdl WHERE id IN (2, 4)");
    Must(holder, "BEGIN");
    Must(holder, "SELECT COUNT(*) FROM mdl");
    Must(holder, "CREATE UNIQUE INDEX ue ON mdl (email)");
    Query(other, "INSERT INTO mdl VALUES (6, 'd@x')", &code);
    EXPECT_EQ(code, 1062u) << mysql_error(other);
    Must(other, "DROP TABLE mdl");
    mysql_close(holder);
    mysql_close(other);
  }
}

// The data node a point read of `id` goes to, from EXPLAIN ("... @dn1").
int DnOf(MYSQL* m, const std::string& table, int id) {
  const std::string plan = Must(m, "EXPLAIN SELECT * FROM " + table +
                                       " WHERE id = " + std::to_string(id));
  const size_t at = plan.find("@dn");
  return at == std::string::npos ? -1 : plan[at + 3] - '0';
}

// Before the compute node's deadlock detector, this pair waited out
// innodb_lock_wait_timeout (50 s by default): sysbench oltp_write_only on
// 2 x 2,000 rows ran 11 transactions a second instead of 500.
TEST_F(LockingTest, DeadlockThroughTwoDataNodesEndsAtOnce) {
  MYSQL* a = Connect();
  MYSQL* b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Must(a, "DROP TABLE IF EXISTS dl");
  Must(a, "CREATE TABLE dl (id INT PRIMARY KEY, v INT NOT NULL)");
  Must(a,
       "INSERT INTO dl VALUES (1,0),(2,0),(3,0),(4,0),(5,0),(6,0),(7,0),"
       "(8,0)");
  int on0 = 0, on1 = 0;  // a row on each data node
  for (int id = 1; id <= 8; ++id) {
    const int dn = DnOf(a, "dl", id);
    if (dn == 0 && on0 == 0) on0 = id;
    if (dn == 1 && on1 == 0) on1 = id;
  }
  ASSERT_TRUE(on0 != 0 && on1 != 0) << "rows 1..8 are not on both DNs";
  const auto update = [](int id) {
    return "UPDATE dl SET v = v + 1 WHERE id = " + std::to_string(id);
  };
  for (MYSQL* m : {a, b}) {
    // A timeout would be 1205 after 20 s; the detector answers sooner.
    Must(m, "SET innodb_lock_wait_timeout = 20");
    Must(m, "BEGIN");
  }
  Must(a, update(on0));
  Must(b, update(on1));
  const auto t0 = std::chrono::steady_clock::now();
  unsigned code_a = 0, code_b = 0;
  std::thread wait_a([&] { Query(a, update(on1), &code_a); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Query(b, update(on0), &code_b);  // the cycle closes here
  wait_a.join();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(5));
  // One victim, one survivor.
  EXPECT_TRUE((code_a == 1213 && code_b == 0) ||
              (code_a == 0 && code_b == 1213))
      << code_a << " " << code_b;
  MYSQL* survivor = code_a == 0 ? a : b;
  MYSQL* victim = code_a == 0 ? b : a;
  // The victim's transaction is rolled back whole (its first update too);
  // the survivor's commits.
  Must(victim, "ROLLBACK");
  Must(survivor, "COMMIT");
  EXPECT_EQ(Must(a, "SELECT SUM(v) FROM dl"), "2");
  EXPECT_EQ(Must(a, "SELECT COUNT(*) FROM dl WHERE v = 1 AND id IN (" +
                        std::to_string(on0) + "," + std::to_string(on1) + ")"),
            "2");
  Must(a, "DROP TABLE dl");
  mysql_close(a);
  mysql_close(b);
}

}  // namespace

// Foreign keys hold under concurrency: a transaction that inserted a child
// row keeps its parent (shared lock) until it ends, so another's DELETE of
// the parent waits (1205), and after the commit is refused (1451); a
// parent deleted by an open transaction cannot gain a child meanwhile.
// Parent and child rows are spread over both data nodes.
TEST_F(LockingTest, ForeignKeyChecksHoldTheirRows) {
  MYSQL* a = Connect();
  MYSQL* b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Must(a, "DROP TABLE IF EXISTS fk_child");
  Must(a, "DROP TABLE IF EXISTS fk_parent");
  Must(a, "CREATE TABLE fk_parent (id INT PRIMARY KEY)");
  Must(a,
       "CREATE TABLE fk_child (id INT PRIMARY KEY, pid INT, FOREIGN KEY "
       "(pid) REFERENCES fk_parent (id) ON DELETE CASCADE)");
  Must(a, "INSERT INTO fk_parent VALUES (1), (2), (3), (4)");
  Must(b, "SET innodb_lock_wait_timeout = 1");
  unsigned code = 0;
  for (int pid = 1; pid <= 4; ++pid) {
    const std::string p = std::to_string(pid);
    Must(a, "BEGIN");
    Must(a, "INSERT INTO fk_child VALUES (" + std::to_string(10 + pid) + ", " +
                p + ")");
    Query(b, "DELETE FROM fk_parent WHERE id = " + p, &code);
    EXPECT_EQ(code, 1205u) << pid << ": " << mysql_error(b);
    Must(a, "COMMIT");
  }
  // ON DELETE CASCADE takes the children along, on whichever node.
  Must(b, "DELETE FROM fk_parent WHERE id IN (1, 2)");
  EXPECT_EQ(Must(a, "SELECT COUNT(*) FROM fk_child"), "2");
  // A parent another transaction deleted (uncommitted) holds no new child.
  Must(a, "BEGIN");
  Must(a, "DELETE FROM fk_parent WHERE id = 3");
  Query(b, "INSERT INTO fk_child VALUES (30, 3)", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(b);
  Must(a, "COMMIT");
  Query(b, "INSERT INTO fk_child VALUES (30, 3)", &code);
  EXPECT_EQ(code, 1452u) << mysql_error(b);
  // A failed statement inside a transaction is undone alone.
  Must(b, "BEGIN");
  Must(b, "INSERT INTO fk_child VALUES (40, 4)");
  Query(b, "INSERT INTO fk_child VALUES (41, 4), (42, 99)", &code);
  EXPECT_EQ(code, 1452u) << mysql_error(b);
  Must(b, "COMMIT");
  EXPECT_EQ(Must(a, "SELECT GROUP_CONCAT(id ORDER BY id) FROM fk_child"),
            "14,40");
  Must(a, "DROP TABLE fk_child, fk_parent");
  mysql_close(a);
  mysql_close(b);
}

// LOCK TABLES holds against other sessions: a WRITE lock keeps them from
// reading and writing the table (1205 after lock_wait_timeout), a READ
// lock lets them read but not write, and a waiting statement goes on as
// soon as the holder unlocks (or disconnects).
TEST_F(LockingTest, LockTablesKeepsOthersOut) {
  MYSQL* a = Connect();
  MYSQL* b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Must(a, "DROP TABLE IF EXISTS tl");
  Must(a, "CREATE TABLE tl (id INT PRIMARY KEY, v INT)");
  Must(a, "INSERT INTO tl VALUES (1, 1), (2, 2)");
  Must(b, "SET lock_wait_timeout = 1");
  unsigned code = 0;
  Must(a, "LOCK TABLES tl WRITE");
  Query(b, "SELECT COUNT(*) FROM tl", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(b);
  Query(b, "UPDATE tl SET v = 0", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(b);
  Must(a, "LOCK TABLES tl READ");
  EXPECT_EQ(Must(b, "SELECT SUM(v) FROM tl"), "3");
  Query(b, "INSERT INTO tl VALUES (3, 3)", &code);
  EXPECT_EQ(code, 1205u) << mysql_error(b);
  // A writer waiting while the holder unlocks goes on.
  Must(b, "SET lock_wait_timeout = 30");
  std::thread unlock([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Must(a, "UNLOCK TABLES");
  });
  const auto start = std::chrono::steady_clock::now();
  Must(b, "INSERT INTO tl VALUES (3, 3)");
  unlock.join();
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(250));
  // A session that goes away releases its locks.
  Must(a, "LOCK TABLES tl WRITE");
  mysql_close(a);
  EXPECT_EQ(Must(b, "SELECT SUM(v) FROM tl"), "6");
  Must(b, "DROP TABLE tl");
  mysql_close(b);
}
