// Work that can be stopped, with libmariadb against a real
// cluster (tests/cn/with_cluster.sh): KILL QUERY ends a cross join running
// on the compute node and a row-lock wait running on a data node within a
// second, the session going on; KILL CONNECTION ends the connection; a
// client that goes away mid-statement has its statement cancelled, one
// that stops reading is cut off at net_write_timeout, an idle one at
// wait_timeout.
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/cn/mysql_test_client.h"

namespace {

using xp::test::Connect;
using xp::test::Must;
using xp::test::Query;
using Clock = std::chrono::steady_clock;

long long MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t)
      .count();
}

class CancelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MYSQL* m = Connect(nullptr);
    ASSERT_NE(m, nullptr);
    Must(m, "CREATE DATABASE IF NOT EXISTS ca");
    Must(m, "USE ca");
    Must(m, "DROP TABLE IF EXISTS j");
    Must(m, "CREATE TABLE j (id INT PRIMARY KEY, v INT)");
    std::string values;
    for (int i = 1; i <= 2000; ++i) {
      values += (i > 1 ? ",(" : "(") + std::to_string(i) + ",0)";
    }
    Must(m, "INSERT INTO j VALUES " + values);
    mysql_close(m);
  }
  // 8 * 10^9 rows: runs for minutes unless stopped.
  static constexpr const char* kCrossJoin =
      "SELECT COUNT(*) FROM j a, j b, j c";

  // Whether connection `id` is still listed by SHOW PROCESSLIST.
  static bool Listed(MYSQL* m, unsigned long id) {
    if (mysql_query(m, "SHOW PROCESSLIST") != 0) return true;
    MYSQL_RES* r = mysql_store_result(m);
    bool found = false;
    while (MYSQL_ROW row = mysql_fetch_row(r))
      if (row[0] != nullptr && std::stoul(row[0]) == id) found = true;
    mysql_free_result(r);
    return found;
  }
};

// The statement `sql` on `victim` in a thread; after 500 ms `admin` sends
// `kill` + the victim's id. Returns the victim's error and sets *ms to the
// time from the kill to the victim's answer.
unsigned KillWhileRunning(MYSQL* victim, MYSQL* admin, const std::string& sql,
                          const std::string& kill, long long* ms) {
  unsigned code = 0;
  Clock::time_point killed;
  long long answered_after = -1;
  std::thread run([&] {
    Query(victim, sql, &code);
    answered_after = MsSince(killed);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  killed = Clock::now();
  Must(admin, kill + " " + std::to_string(mysql_thread_id(victim)));
  run.join();
  *ms = answered_after;
  return code;
}

TEST_F(CancelTest, KillQueryStopsACrossJoinOnTheComputeNode) {
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  long long ms = 0;
  EXPECT_EQ(KillWhileRunning(victim, admin, kCrossJoin, "KILL QUERY", &ms),
            1317u)
      << mysql_error(victim);
  EXPECT_LT(ms, 1000) << "the killed cross join answered after " << ms << " ms";
  EXPECT_EQ(Must(victim, "SELECT COUNT(*) FROM j"), "2000");  // goes on
  mysql_close(victim);
  mysql_close(admin);
}

TEST_F(CancelTest, KillQueryEndsALockWaitOnADataNode) {
  MYSQL* holder = Connect("ca");
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  Must(holder, "BEGIN");
  Must(holder, "UPDATE j SET v = 1 WHERE id = 7");
  // The DN would wait 30 s for the row; the kill must reach it.
  Must(victim, "SET innodb_lock_wait_timeout = 30");
  long long ms = 0;
  // KILL is a parsed statement: comments and spacing as anywhere (the
  // text match before the parser took this one for a syntax error).
  EXPECT_EQ(KillWhileRunning(victim, admin, "UPDATE j SET v = 2 WHERE id = 7",
                             "kill /* the waiter */\n  QUERY", &ms),
            1317u)
      << mysql_error(victim);
  EXPECT_LT(ms, 1000) << "the killed lock wait answered after " << ms << " ms";
  Must(holder, "COMMIT");
  EXPECT_EQ(Must(victim, "SELECT v FROM j WHERE id = 7"), "1");
  Must(victim, "UPDATE j SET v = 0 WHERE id = 7");
  mysql_close(holder);
  mysql_close(victim);
  mysql_close(admin);
}

TEST_F(CancelTest, KillConnectionEndsItsStatementAndConnection) {
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  const unsigned long id = mysql_thread_id(victim);
  long long ms = 0;
  const unsigned code =
      KillWhileRunning(victim, admin, kCrossJoin, "KILL CONNECTION", &ms);
  unsigned unknown = 0;
  Query(admin, "KILL 4000000000", &unknown);
  EXPECT_EQ(unknown, 1094u) << mysql_error(admin);
  Query(admin, "KILL QUERY x", &unknown);
  EXPECT_EQ(unknown, 1064u) << mysql_error(admin);
  EXPECT_TRUE(code == 2013u || code == 1317u || code == 1927u)
      << code << " " << mysql_error(victim);
  EXPECT_LT(ms, 1000);
  Clock::time_point t = Clock::now();
  while (Listed(admin, id) && MsSince(t) < 3000)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(Listed(admin, id)) << "the killed connection is still listed";
  mysql_close(victim);
  mysql_close(admin);
}

TEST_F(CancelTest, AClientThatGoesAwayHasItsStatementCancelled) {
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  const unsigned long id = mysql_thread_id(victim);
  std::thread run([&] {
    unsigned code = 0;
    Query(victim, kCrossJoin, &code);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(Listed(admin, id));
  // The client vanishes (as a killed process's socket does).
  ::shutdown(static_cast<int>(mysql_get_socket(victim)), SHUT_RDWR);
  run.join();
  Clock::time_point t = Clock::now();
  while (Listed(admin, id) && MsSince(t) < 3000)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(Listed(admin, id))
      << "the statement of a client that went away still runs";
  EXPECT_LT(MsSince(t), 1500);
  mysql_close(victim);
  mysql_close(admin);
}

// A client that sends a query and then reads nothing holds its session
// only until net_write_timeout: the statement ends, its memory is freed,
// the connection closes.
TEST_F(CancelTest, AClientThatStopsReadingIsCutOffAtNetWriteTimeout) {
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  const unsigned long id = mysql_thread_id(victim);
  Must(victim, "SET net_write_timeout = 1");
  // 4 million rows: far more than the socket buffers hold.
  const std::string big = "SELECT a.id, b.id, a.v FROM j a, j b";
  ASSERT_EQ(mysql_send_query(victim, big.data(), big.size()), 0);
  Clock::time_point t = Clock::now();
  while (Listed(admin, id) && MsSince(t) < 15000)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(Listed(admin, id))
      << "a client that reads nothing still holds its session";
  EXPECT_LT(MsSince(t), 8000);
  mysql_close(victim);
  mysql_close(admin);
}

// An idle session ends after wait_timeout (MySQL 8: ERR 4031, then close).
TEST_F(CancelTest, AnIdleSessionEndsAtWaitTimeout) {
  MYSQL* victim = Connect("ca");
  MYSQL* admin = Connect("ca");
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(admin, nullptr);
  const unsigned long id = mysql_thread_id(victim);
  Must(victim, "SET wait_timeout = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_FALSE(Listed(admin, id)) << "an idle session outlived wait_timeout";
  unsigned code = 0;
  Query(victim, "SELECT 1", &code);
  EXPECT_TRUE(code == 4031u || code == 2013u || code == 2006u)
      << code << " " << mysql_error(victim);
  EXPECT_EQ(Must(admin, "SELECT @@wait_timeout"), "28800");
  mysql_close(victim);
  mysql_close(admin);
}

}  // namespace
