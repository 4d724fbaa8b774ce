// The SQL engine over the RocksDB store: transactions, conflicts, XA across
// a restart, schema changes, hidden primary keys and AUTO_INCREMENT.
#include "dn/sql_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "plan/session/sql_session.h"

namespace xp::dn {
namespace {

using session::QueryResult;
using session::SqlSession;

class SqlStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xp_sql_store_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    StorageOptions o;
    o.path = dir_;
    o.sync_wal = false;
    o.lock_timeout_ms = 300;
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(*s);
    auto st = SqlStore::Open(storage_.get());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    ASSERT_TRUE(store_->CreateDatabase("test", true).ok());
  }
  void Close() {
    store_.reset();
    storage_.reset();
  }
  std::unique_ptr<SqlSession> Session() {
    return std::make_unique<SqlSession>(store_.get());
  }
  // Runs `sql`, failing the test on error.
  static QueryResult Ok(SqlSession& e, const std::string& sql) {
    auto r = e.Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? *r : QueryResult();
  }
  // The rows of a query, each row's cells joined by ','.
  static std::vector<std::string> Rows(SqlSession& e, const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& row : Ok(e, sql).rows) {
      std::string s;
      for (size_t i = 0; i < row.size(); ++i)
        s += (i ? "," : "") + (row[i] ? *row[i] : std::string("NULL"));
      out.push_back(s);
    }
    return out;
  }
  static uint32_t Code(SqlSession& e, const std::string& sql) {
    auto r = e.Execute(sql);
    return r.ok() ? 0 : r.status().sql_code();
  }

  std::string dir_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<SqlStore> store_;
};

using V = std::vector<std::string>;

TEST_F(SqlStoreTest, RowsSurviveReopen) {
  auto s = Session();
  Ok(*s, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(10))");
  Ok(*s, "INSERT INTO t (v) VALUES ('a'), ('b')");
  s.reset();
  Close();
  Open();
  s = Session();
  EXPECT_EQ(Rows(*s, "SELECT * FROM t ORDER BY id"), (V{"1,a", "2,b"}));
  EXPECT_EQ(Ok(*s, "INSERT INTO t (v) VALUES ('c')").last_insert_id, 3u);
  // The counter is kept: a deleted largest id is not reused after a
  // restart (MySQL 8), nor is one of a rolled-back insert.
  Ok(*s, "DELETE FROM t WHERE id = 3");
  Ok(*s, "BEGIN");
  EXPECT_EQ(Ok(*s, "INSERT INTO t (v) VALUES ('x')").last_insert_id, 4u);
  Ok(*s, "ROLLBACK");
  s.reset();
  Close();
  Open();
  s = Session();
  EXPECT_EQ(Ok(*s, "INSERT INTO t (v) VALUES ('d')").last_insert_id, 5u);
  // TRUNCATE starts it again.
  Ok(*s, "TRUNCATE TABLE t");
  EXPECT_EQ(Ok(*s, "INSERT INTO t (v) VALUES ('e')").last_insert_id, 1u);
}

TEST_F(SqlStoreTest, CommitRollbackAndSnapshots) {
  auto a = Session(), b = Session();
  Ok(*a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Ok(*a, "INSERT INTO t VALUES (1, 10)");
  Ok(*a, "BEGIN");
  Ok(*a, "INSERT INTO t VALUES (2, 20)");
  EXPECT_EQ(Rows(*a, "SELECT COUNT(*) FROM t"), (V{"2"}));
  EXPECT_EQ(Rows(*b, "SELECT COUNT(*) FROM t"), (V{"1"}));  // uncommitted
  Ok(*a, "ROLLBACK");
  EXPECT_EQ(Rows(*a, "SELECT COUNT(*) FROM t"), (V{"1"}));

  // REPEATABLE READ: b's transaction keeps the snapshot of its first read.
  Ok(*b, "BEGIN");
  EXPECT_EQ(Rows(*b, "SELECT v FROM t WHERE id = 1"), (V{"10"}));
  Ok(*a, "UPDATE t SET v = 11 WHERE id = 1");  // autocommit
  EXPECT_EQ(Rows(*b, "SELECT v FROM t WHERE id = 1"), (V{"10"}));
  Ok(*b, "COMMIT");
  EXPECT_EQ(Rows(*b, "SELECT v FROM t WHERE id = 1"), (V{"11"}));

  // autocommit = 0 opens a transaction that COMMIT ends.
  Ok(*a, "SET autocommit = 0");
  Ok(*a, "INSERT INTO t VALUES (3, 30)");
  EXPECT_EQ(Rows(*b, "SELECT COUNT(*) FROM t"), (V{"1"}));
  Ok(*a, "COMMIT");
  EXPECT_EQ(Rows(*b, "SELECT COUNT(*) FROM t"), (V{"2"}));
}

TEST_F(SqlStoreTest, FailedStatementRollsBackAloneInATransaction) {
  auto s = Session();
  Ok(*s, "CREATE TABLE t (id INT PRIMARY KEY)");
  Ok(*s, "BEGIN");
  Ok(*s, "INSERT INTO t VALUES (1)");
  EXPECT_EQ(Code(*s, "INSERT INTO t VALUES (2), (1)"), 1062u);
  Ok(*s, "COMMIT");
  EXPECT_EQ(Rows(*s, "SELECT id FROM t"), (V{"1"}));  // 2 is gone, 1 stays
  EXPECT_EQ(Code(*s, "INSERT INTO t VALUES (3), (3)"), 1062u);  // autocommit
  EXPECT_EQ(Rows(*s, "SELECT id FROM t"), (V{"1"}));
}

TEST_F(SqlStoreTest, LockWaitTimeoutIs1205) {
  auto a = Session(), b = Session();
  Ok(*a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Ok(*a, "INSERT INTO t VALUES (1, 0)");
  Ok(*a, "BEGIN");
  Ok(*a, "UPDATE t SET v = 1 WHERE id = 1");
  EXPECT_EQ(Code(*b, "UPDATE t SET v = 2 WHERE id = 1"), 1205u);
  Ok(*a, "COMMIT");
  Ok(*b, "UPDATE t SET v = 2 WHERE id = 1");
  EXPECT_EQ(Rows(*a, "SELECT v FROM t"), (V{"2"}));
}

TEST_F(SqlStoreTest, DeadlockIs1213AndRollsBackTheTransaction) {
  auto a = Session(), b = Session();
  Ok(*a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Ok(*a, "INSERT INTO t VALUES (1, 0), (2, 0)");
  Ok(*a, "BEGIN");
  Ok(*b, "BEGIN");
  Ok(*a, "UPDATE t SET v = 1 WHERE id = 1");
  Ok(*b, "UPDATE t SET v = 2 WHERE id = 2");
  std::atomic<uint32_t> a_code{0};
  std::thread t([&] { a_code = Code(*a, "UPDATE t SET v = 1 WHERE id = 2"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint32_t b_code = Code(*b, "UPDATE t SET v = 2 WHERE id = 1");
  t.join();
  // One of the two is the victim (1213) and loses its transaction; the
  // other then gets its lock.
  EXPECT_TRUE((a_code == 1213 && b_code == 0) ||
              (b_code == 1213 && a_code == 0))
      << a_code << " " << b_code;
  SqlSession& winner = a_code == 0 ? *a : *b;
  Ok(winner, "COMMIT");
  EXPECT_EQ(Rows(winner, "SELECT v FROM t ORDER BY id"),
            a_code == 0 ? (V{"1", "1"}) : (V{"2", "2"}));
}

TEST_F(SqlStoreTest, XaPreparedSurvivesRestart) {
  auto s = Session();
  Ok(*s, "CREATE TABLE t (id INT PRIMARY KEY)");
  Ok(*s, "XA START 'g1'");
  Ok(*s, "INSERT INTO t VALUES (7)");
  Ok(*s, "XA END 'g1'");
  Ok(*s, "XA PREPARE 'g1'");
  EXPECT_EQ(Rows(*s, "SELECT COUNT(*) FROM t"), (V{"0"}));
  s.reset();
  Close();
  Open();
  s = Session();
  EXPECT_EQ(Rows(*s, "XA RECOVER"), (V{"1,2,0,g1"}));
  EXPECT_EQ(Code(*s, "XA COMMIT 'nope'"), 1397u);
  Ok(*s, "XA COMMIT 'g1'");
  EXPECT_EQ(Rows(*s, "SELECT id FROM t"), (V{"7"}));
  EXPECT_TRUE(Rows(*s, "XA RECOVER").empty());
  // Rolled back: gone.
  Ok(*s, "XA START 'g2'");
  Ok(*s, "INSERT INTO t VALUES (8)");
  Ok(*s, "XA END 'g2'");
  Ok(*s, "XA PREPARE 'g2'");
  auto other = Session();
  Ok(*other, "XA ROLLBACK 'g2'");
  EXPECT_EQ(Rows(*s, "SELECT id FROM t"), (V{"7"}));
}

TEST_F(SqlStoreTest, SchemaChangesKeepData) {
  auto s = Session();
  Ok(*s, "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(5))");
  Ok(*s, "INSERT INTO t VALUES (1, 10, 'x'), (2, 10, 'y'), (3, 30, NULL)");
  Ok(*s, "ALTER TABLE t ADD COLUMN c INT DEFAULT 5");
  EXPECT_EQ(Rows(*s, "SELECT c FROM t WHERE id = 2"), (V{"5"}));
  EXPECT_EQ(Code(*s, "CREATE UNIQUE INDEX ua ON t (a)"), 1062u);
  Ok(*s, "CREATE INDEX ia ON t (a DESC)");
  EXPECT_EQ(Rows(*s, "SELECT id FROM t WHERE a = 10 ORDER BY id"),
            (V{"1", "2"}));
  EXPECT_EQ(Rows(*s, "SELECT id FROM t WHERE a > 10"), (V{"3"}));
  EXPECT_EQ(Rows(*s, "SELECT id FROM t WHERE a BETWEEN 5 AND 15 ORDER BY id"),
            (V{"1", "2"}));
  Ok(*s, "ALTER TABLE t DROP COLUMN b");
  EXPECT_EQ(Rows(*s, "SELECT * FROM t WHERE a = 30"), (V{"3,30,5"}));
  Ok(*s, "DROP INDEX ia ON t");
  s.reset();
  Close();
  Open();
  s = Session();
  EXPECT_EQ(Rows(*s, "SELECT * FROM t ORDER BY id"),
            (V{"1,10,5", "2,10,5", "3,30,5"}));
  Ok(*s, "TRUNCATE TABLE t");
  EXPECT_EQ(Rows(*s, "SELECT COUNT(*) FROM t"), (V{"0"}));
  Ok(*s, "DROP TABLE t");
  EXPECT_EQ(Code(*s, "SELECT * FROM t"), 1146u);
}

TEST_F(SqlStoreTest, HiddenPrimaryKey) {
  auto s = Session();
  Ok(*s, "CREATE TABLE h (a INT, b VARCHAR(3))");
  Ok(*s, "INSERT INTO h VALUES (1, 'x'), (1, 'x'), (2, 'y')");
  EXPECT_EQ(Ok(*s, "DELETE FROM h WHERE a = 1 LIMIT 1").rows_affected, 1u);
  EXPECT_EQ(Ok(*s, "UPDATE h SET b = 'z' WHERE a = 1").rows_affected, 1u);
  s.reset();
  Close();
  Open();
  s = Session();
  Ok(*s, "INSERT INTO h VALUES (3, 'w')");
  EXPECT_EQ(Rows(*s, "SELECT a, b FROM h ORDER BY a"),
            (V{"1,z", "2,y", "3,w"}));
}

TEST_F(SqlStoreTest, ReplaceAndOnDuplicateKeyUpdate) {
  auto s = Session();
  Ok(*s, "CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE, v INT)");
  Ok(*s, "INSERT INTO t VALUES (1, 1, 0), (2, 2, 0)");
  EXPECT_EQ(Ok(*s, "REPLACE INTO t VALUES (3, 1, 9)").rows_affected, 2u);
  EXPECT_EQ(Ok(*s,
               "INSERT INTO t VALUES (2, 5, 0) ON DUPLICATE KEY UPDATE "
               "v = v + 1")
                .rows_affected,
            2u);
  EXPECT_EQ(Rows(*s, "SELECT * FROM t ORDER BY id"), (V{"2,2,1", "3,1,9"}));
}

}  // namespace
}  // namespace xp::dn
