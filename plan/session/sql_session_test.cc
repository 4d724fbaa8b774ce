#include "plan/session/sql_session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "plan/store/memory_store.h"

namespace xp::session {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

Rows Query(SqlSession& e, std::string_view sql) {
  auto r = e.Execute(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? r->rows : Rows{};
}

uint32_t ErrorCode(SqlSession& e, std::string_view sql) {
  auto r = e.Execute(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? 0 : r.status().sql_code();
}

TEST(SqlSessionTest, CreateInsertSelect) {
  SqlSession e;
  Query(e,
        "CREATE TABLE t1(a INTEGER, b INTEGER, c VARCHAR(10), id INT "
        "AUTO_INCREMENT PRIMARY KEY)");
  auto ins = e.Execute(
      "INSERT INTO t1(a, b, c) VALUES (3, 30, 'x'), (1, NULL, 'y'), (2, 20, "
      "DEFAULT)");
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  EXPECT_EQ(ins->rows_affected, 3u);
  EXPECT_EQ(ins->last_insert_id, 1u);
  EXPECT_EQ(Query(e, "SELECT a, b FROM t1 WHERE a > 1 ORDER BY a"),
            (Rows{{"2", "20"}, {"3", "30"}}));
  EXPECT_EQ(Query(e, "SELECT a * 2 AS d, c FROM t1 ORDER BY d DESC LIMIT 2"),
            (Rows{{"6", "x"}, {"4", std::nullopt}}));
  EXPECT_EQ(
      Query(e, "SELECT a / 2, b IS NULL FROM t1 ORDER BY 1 LIMIT 1 OFFSET 1"),
      (Rows{{"1.0000", "0"}}));
  EXPECT_EQ(Query(e, "SELECT * FROM t1 WHERE c = 'Y'"),  // case-insensitive
            (Rows{{"1", std::nullopt, "y", "2"}}));
  EXPECT_EQ(Query(e, "SELECT id FROM t1 ORDER BY b"),
            (Rows{{"2"}, {"3"}, {"1"}}));  // NULL first
  EXPECT_EQ(Query(e, "SELECT 1 + 1, 7 / 2, 'a' = 'A'"),
            (Rows{{"2", "3.5000", "1"}}));
  auto r = e.Execute("SELECT a AS x, a + b FROM t1 LIMIT 0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->names, (std::vector<std::string>{"x", "a + b"}));  // as written
  EXPECT_TRUE(r->rows.empty());
}

// The point-get cache (sql_session.h, CachedPointGet) over the session's
// own store: a composite primary key written in another order, a unique
// key of a case-insensitive string (the filter above the Get stays, so
// 'ABC' finds 'abc' as planning each time would), NULL and values of
// another kind planned as usual; SHOW STATUS counts.
TEST(SqlSessionTest, PointGetCacheAnswersAsPlanningWould) {
  SqlSession e;
  Query(e,
        "CREATE TABLE pk2 (a INT, b INT, v VARCHAR(10), PRIMARY KEY (a, b))");
  Query(e, "INSERT INTO pk2 VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z')");
  Query(e,
        "CREATE TABLE uk (id INT PRIMARY KEY, name VARCHAR(10), UNIQUE KEY "
        "(name))");
  Query(e, "INSERT INTO uk VALUES (1, 'abc'), (2, 'Def')");
  auto run = [&](std::string_view sql, std::vector<plan::Value> params) {
    auto r = e.Execute(sql, params, nullptr);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? r->rows : Rows{};
  };
  auto status = [&](const std::string& name) {
    Rows r = Query(e, "SHOW STATUS LIKE 'Xp_point_get_cache_" + name + "'");
    return r.size() == 1 ? std::stoll(*r[0][1]) : -1;
  };
  const char* by_key = "SELECT v FROM pk2 WHERE b = ? AND a = ?";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(run(by_key, {plan::Value(int64_t{2}), plan::Value(int64_t{1})}),
              (Rows{{"y"}}));
    EXPECT_EQ(run(by_key, {plan::Value(int64_t{1}), plan::Value(int64_t{2})}),
              (Rows{{"z"}}));
    EXPECT_EQ(run(by_key, {plan::Value(int64_t{3}), plan::Value(int64_t{1})}),
              (Rows{}));
  }
  EXPECT_EQ(status("misses"), 1);
  EXPECT_EQ(status("hits"), 5);
  EXPECT_EQ(status("entries"), 1);
  // NULL matches nothing, and is not the cache's to answer.
  EXPECT_EQ(run(by_key, {plan::Value(), plan::Value(int64_t{1})}), (Rows{}));
  EXPECT_EQ(status("hits"), 5);
  // Each against the same statement with the value written in (never
  // cached: no placeholder).
  const char* by_name = "SELECT id FROM uk WHERE name = ?";
  for (const char* name : {"ABC", "def", "abc ", "x"}) {
    EXPECT_EQ(
        run(by_name, {plan::Value(std::string(name))}),
        Query(e, std::string("SELECT id FROM uk WHERE name = '") + name + "'"))
        << name;
  }
  EXPECT_EQ(run(by_name, {plan::Value(std::string("ABC"))}), (Rows{{"1"}}));
  EXPECT_EQ(status("entries"), 2);
  EXPECT_EQ(status("hits"), 9);
  // A number for the string key: planned as such (MySQL compares as
  // numbers: no name is 0... except names that read as 0, so none here).
  EXPECT_EQ(run(by_name, {plan::Value(int64_t{0})}),
            Query(e, "SELECT id FROM uk WHERE name = 0"));
  // Statements of another shape are never cached.
  EXPECT_EQ(run("SELECT v FROM pk2 WHERE a = ?", {plan::Value(int64_t{1})}),
            (Rows{{"x"}, {"y"}}));
  EXPECT_EQ(run("SELECT v FROM pk2 WHERE a = ? AND b = ? FOR UPDATE",
                {plan::Value(int64_t{1}), plan::Value(int64_t{1})}),
            (Rows{{"x"}}));
  EXPECT_EQ(status("entries"), 2);
}

// Text statements reach the same cache through their normal form
// (literals as placeholders): a point read runs, and runs again without a
// parse; anything else is left to the caller (nothing runs).
TEST(SqlSessionTest, TextPointReadsUseTheCacheByTheirNormalForm) {
  SqlSession e;
  Query(e, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))");
  Query(e, "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  auto text = [&](std::string_view sql) -> std::optional<Rows> {
    std::optional<Result<QueryResult>> r = e.ExecuteCachedText(sql, nullptr);
    if (!r) return std::nullopt;
    EXPECT_TRUE(r->ok()) << sql << ": " << r->status().ToString();
    return r->ok() ? (*r)->rows : Rows{};
  };
  for (int round = 0; round < 2; ++round) {
    for (int id = 1; id <= 4; ++id) {
      const std::string sql =
          "SELECT name FROM t WHERE id = " + std::to_string(id);
      std::optional<Rows> got = text(sql);
      ASSERT_TRUE(got.has_value()) << sql;
      EXPECT_EQ(*got, Query(e, sql)) << sql;
    }
  }
  Rows status = Query(e, "SHOW STATUS LIKE 'Xp_point_get_cache_%'");
  ASSERT_EQ(status.size(), 3u);
  EXPECT_EQ(status[1][1], "7");  // hits: all but the first
  EXPECT_EQ(status[2][1], "1");  // misses
  // A string literal is a value too; one with an introducer stays as
  // written (and leaves no value: not for the cache).
  EXPECT_EQ(text("SELECT id FROM t WHERE 'two' = name"), (Rows{{"2"}}));
  EXPECT_FALSE(text("SELECT id FROM t WHERE name = _utf8mb4'two'"));
  // Not point reads: nothing runs.
  EXPECT_FALSE(text("SELECT name FROM t WHERE id > 1"));
  EXPECT_FALSE(text("SELECT name FROM t WHERE id = 1 ORDER BY name"));
  EXPECT_FALSE(text("SELECT name FROM t WHERE id = -1"));
  EXPECT_FALSE(text("SELECT 1"));
  EXPECT_FALSE(text("UPDATE t SET name = 'x' WHERE id = 1"));
  EXPECT_EQ(Query(e, "SELECT name FROM t WHERE id = 1"), (Rows{{"one"}}));
  // Out of INT and of int64: as planning would answer (no row).
  EXPECT_EQ(text("SELECT name FROM t WHERE id = 4294967296"), (Rows{}));
  EXPECT_FALSE(text("SELECT name FROM t WHERE id = 99999999999999999999"));
  // A long text is not the cache's, point read or not (its entries stay
  // small).
  std::string wide = "SELECT name";
  while (wide.size() < 2100) wide += ", name";
  EXPECT_FALSE(text(wide + " FROM t WHERE id = 1"));
  EXPECT_EQ(Query(e, wide + " FROM t WHERE id = 1").size(), 1u);
}

// LIMIT ? and OFFSET ? take the placeholders' values (was 1235); a
// negative or non-integer one is 1210, as MySQL's prepared LIMIT.
TEST(SqlSessionTest, LimitAndOffsetPlaceholders) {
  SqlSession e;
  Query(e, "CREATE TABLE t (id INT PRIMARY KEY)");
  Query(e, "INSERT INTO t VALUES (1), (2), (3), (4), (5)");
  auto run = [&](std::string_view sql, std::vector<plan::Value> params) {
    auto r = e.Execute(sql, params, nullptr);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? r->rows : Rows{};
  };
  EXPECT_EQ(
      run("SELECT id FROM t ORDER BY id LIMIT ?", {plan::Value(int64_t{2})}),
      (Rows{{"1"}, {"2"}}));
  EXPECT_EQ(run("SELECT id FROM t ORDER BY id DESC LIMIT ? OFFSET ?",
                {plan::Value(int64_t{2}), plan::Value(uint64_t{1})}),
            (Rows{{"4"}, {"3"}}));
  EXPECT_EQ(run("SELECT id FROM t ORDER BY id LIMIT ?, ?",
                {plan::Value(int64_t{3}), plan::Value(int64_t{5})}),
            (Rows{{"4"}, {"5"}}));
  EXPECT_EQ(run("SELECT COUNT(*) FROM (SELECT id FROM t LIMIT ?) AS x",
                {plan::Value(int64_t{0})}),
            (Rows{{"0"}}));
  auto bad = e.Execute("SELECT id FROM t LIMIT ?", {plan::Value(int64_t{-1})},
                       nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sql_code(), 1210u);
  auto shape = e.Describe("SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?");
  ASSERT_TRUE(shape.ok()) << shape.status().ToString();
  EXPECT_EQ(shape->params, 2u);
  EXPECT_EQ(shape->names, (std::vector<std::string>{"id"}));
}

// LAST_INSERT_ID(): the first AUTO_INCREMENT value of the last INSERT
// that generated one; an INSERT that generated none leaves it (was 1235).
TEST(SqlSessionTest, LastInsertId) {
  SqlSession e;
  EXPECT_EQ(Query(e, "SELECT LAST_INSERT_ID()"), (Rows{{"0"}}));
  Query(e, "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  Query(e, "INSERT INTO a (v) VALUES (1), (2), (3)");
  EXPECT_EQ(Query(e, "SELECT LAST_INSERT_ID()"), (Rows{{"1"}}));
  Query(e, "INSERT INTO a VALUES (10, 4)");
  EXPECT_EQ(Query(e, "SELECT LAST_INSERT_ID()"), (Rows{{"1"}}));
  Query(e, "INSERT INTO a (v) VALUES (5)");
  EXPECT_EQ(Query(e, "SELECT LAST_INSERT_ID(), LAST_INSERT_ID() + 1"),
            (Rows{{"11", "12"}}));
}

// EXPLAIN ANALYZE ends with the optimizer's passes as they ran, timed;
// a pass switched off is not among them.
TEST(SqlSessionTest, ExplainAnalyzeListsTheOptimizerPasses) {
  SqlSession e;
  Query(e, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Query(e, "INSERT INTO t VALUES (1, 1), (2, 2)");
  Rows r = Query(e, "EXPLAIN ANALYZE SELECT v FROM t WHERE id = 2");
  ASSERT_FALSE(r.empty());
  const std::string last = r.back()[0].value_or("");
  EXPECT_EQ(last.rfind("optimizer: constant_folding ", 0), 0u) << last;
  for (const char* pass : {"predicate_pushdown", "decorrelation", "access_path",
                           "projection_pruning", "plan_roundtrip"}) {
    EXPECT_NE(last.find(std::string(", ") + pass + " "), std::string::npos)
        << pass << " in " << last;
  }
  EXPECT_NE(r.front()[0].value_or("").find("actual rows=1"), std::string::npos);
  Query(e, "SET xp_disabled_passes = 'access_path'");
  r = Query(e, "EXPLAIN ANALYZE SELECT v FROM t WHERE id = 2");
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r.back()[0].value_or("").find("access_path"), std::string::npos)
      << r.back()[0].value_or("");
}

TEST(SqlSessionTest, ErrorsAreMysqlAndLeaveStateIntact) {
  SqlSession e;
  Query(e, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
  EXPECT_EQ(ErrorCode(e, "CREATE TABLE t (a INT)"), 1050u);
  EXPECT_EQ(ErrorCode(e, "SELECT * FROM nope"), 1146u);
  EXPECT_EQ(ErrorCode(e, "SELECT zz FROM t"), 1054u);
  EXPECT_EQ(ErrorCode(e, "SELECT id FROM t ORDER BY 5"), 1054u);
  Query(e, "INSERT INTO t VALUES (1, 10)");
  EXPECT_EQ(ErrorCode(e, "INSERT INTO t VALUES (1, 11)"), 1062u);
  EXPECT_EQ(ErrorCode(e, "INSERT INTO t VALUES (2)"), 1136u);
  EXPECT_EQ(ErrorCode(e, "INSERT INTO t (id, v) VALUES (3, NULL)"), 1048u);
  EXPECT_EQ(ErrorCode(e, "INSERT INTO t (id, zz) VALUES (3, 1)"), 1054u);
  EXPECT_EQ(ErrorCode(e, "SELECT v, COUNT(*) FROM t UNION SELECT 1, 2"), 1055u);
  EXPECT_EQ(ErrorCode(e, "SELECT 1 UNION SELECT 1, 2"), 1222u);
  EXPECT_EQ(ErrorCode(e, "SELECT 1 INTERSECT ALL SELECT 1"), 1235u);
  EXPECT_EQ(ErrorCode(e, "SELECT * FROM t, t"), 1066u);
  EXPECT_EQ(ErrorCode(e, "SELECT (SELECT id, v FROM t)"), 1241u);
  EXPECT_EQ(ErrorCode(e, "UPDATE t SET zz = 1"), 1054u);
  EXPECT_EQ(ErrorCode(e, "UPDATE t SET v = NULL"), 1048u);
  EXPECT_EQ(ErrorCode(e, "DROP VIEW t"), 1347u);
  EXPECT_EQ(ErrorCode(e, "CREATE VIEW t AS SELECT 1"), 1050u);
  EXPECT_EQ(ErrorCode(e, "SELECT id, COUNT(*) FROM t GROUP BY v"), 1055u);
  EXPECT_EQ(ErrorCode(e, "SELCT 1"), 1064u);
  EXPECT_EQ(ErrorCode(e, "SELECT id + 9223372036854775807 FROM t"), 1690u);
  EXPECT_EQ(Query(e, "SELECT * FROM t"), (Rows{{"1", "10"}}));
  EXPECT_EQ(ErrorCode(e, "DROP TABLE t, missing"), 1051u);
  Query(e, "DROP TABLE t");
  EXPECT_EQ(ErrorCode(e, "SELECT * FROM t"), 1146u);
  EXPECT_EQ(ErrorCode(e, "USE nodb"), 1049u);
  Query(e, "CREATE DATABASE d2");
  Query(e, "USE d2");
  Query(e, "CREATE TABLE t (a INT)");
  EXPECT_EQ(e.current_database(), "d2");
  EXPECT_EQ(ErrorCode(e, "SELECT * FROM test.t"), 1146u);
}

TEST(SqlSessionTest, MemoryBudgetFailsTheQueryCleanly) {
  SqlSession e;
  Query(e, "CREATE TABLE big (k INT, s VARCHAR(100))");
  std::string ins = "INSERT INTO big VALUES ";
  for (int i = 0; i < 3000; ++i) {
    if (i) ins += ",";
    ins += "(" + std::to_string(i) + ", REPEAT_ME)";
  }
  // 100-byte strings: the sort below materialises about 300 KB.
  const std::string pad(90, 'x');
  size_t at;
  while ((at = ins.find("REPEAT_ME")) != std::string::npos)
    ins.replace(at, 9, "'" + pad + "'");
  Query(e, ins);
  e.set_memory_budget(64 * 1024);
  auto r = e.Execute("SELECT k, s FROM big ORDER BY s, k DESC");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sql_code(), ER_XP_QUERY_MEMORY);
  EXPECT_EQ(ErrorCode(e, "SELECT s, COUNT(*) FROM big GROUP BY s, k"),
            ER_XP_QUERY_MEMORY);
  EXPECT_EQ(ErrorCode(e, "SELECT COUNT(*) FROM big a, big b WHERE a.k = b.k"),
            ER_XP_QUERY_MEMORY);
  // Streaming queries stay within any budget; a larger budget succeeds.
  EXPECT_EQ(Query(e, "SELECT COUNT(*) FROM big WHERE k < 10"), (Rows{{"10"}}));
  e.set_memory_budget(16 << 20);
  EXPECT_EQ(Query(e, "SELECT k FROM big ORDER BY s, k DESC LIMIT 1"),
            (Rows{{"2999"}}));
}

TEST(SqlSessionTest, CancelInterruptsBetweenBatches) {
  SqlSession e;
  Query(e, "CREATE TABLE c (k INT)");
  std::string ins = "INSERT INTO c VALUES (0)";
  for (int i = 1; i < 5000; ++i) ins += ",(" + std::to_string(i) + ")";
  Query(e, ins);
  // A correlated subquery makes each outer row scan c again; the
  // subquery's scans check for cancellation, which a watcher thread sets.
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    while (!done.load()) {
      e.CancelRunning();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto r = e.Execute(
      "SELECT COUNT(*) FROM c AS o WHERE (SELECT COUNT(*) FROM c WHERE c.k < "
      "o.k) > 100");
  done = true;
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sql_code(), ER_QUERY_INTERRUPTED);
  EXPECT_EQ(r.status().sql_state(), "70100");
  // The next statement runs normally.
  EXPECT_EQ(Query(e, "SELECT COUNT(*) FROM c"), (Rows{{"5000"}}));
}

TEST(SqlSessionTest, FailedMultiRowInsertChangesNothing) {
  SqlSession e;
  Query(e, "CREATE TABLE u (id INT PRIMARY KEY)");
  Query(e, "INSERT INTO u VALUES (1)");
  EXPECT_EQ(ErrorCode(e, "INSERT INTO u VALUES (2), (3), (1), (4)"), 1062u);
  EXPECT_EQ(Query(e, "SELECT COUNT(*) FROM u"), (Rows{{"1"}}));
  Query(e, "INSERT INTO u VALUES (2)");  // its key was released
}

}  // namespace
}  // namespace xp::session

namespace xp::session {
namespace {

// Metadata locks (metadata_locks.h): DDL waits for other sessions'
// transactions that used its table, up to lock_wait_timeout (1205); the
// session's own transaction, reads included, never blocks its DDL; a
// transaction's end frees the table.
TEST(SqlSessionTest, DdlWaitsForTransactionsUsingItsTable) {
  exec::MemoryStore store;
  ASSERT_TRUE(store.CreateDatabase("test", true).ok());
  SqlSession a(&store), b(&store);
  Query(a, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Query(a, "CREATE TABLE u (id INT PRIMARY KEY)");
  Query(a, "BEGIN");
  Query(a, "SELECT COUNT(*) FROM t");
  Query(b, "SET lock_wait_timeout = 1");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(ErrorCode(b, "CREATE INDEX iv ON t (v)"), 1205u);
  EXPECT_GE(std::chrono::steady_clock::now() - t0,
            std::chrono::milliseconds(900));
  Query(b, "CREATE INDEX iu ON u (id)");  // another table: no wait
  EXPECT_EQ(ErrorCode(b, "DROP DATABASE test"), 1205u);
  // B's own open transaction does not block B's DDL.
  Query(b, "BEGIN");
  Query(b, "INSERT INTO u VALUES (1)");
  Query(b, "DROP INDEX iu ON u");
  // Waiting DDL goes on when the holder's transaction ends.
  Query(b, "SET lock_wait_timeout = 60");
  std::atomic<bool> done{false};
  std::thread ddl([&] {
    Query(b, "CREATE INDEX iv ON t (v)");
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(done.load());
  Query(a, "INSERT INTO t VALUES (1, 1)");  // not blocked by the waiter
  Query(a, "COMMIT");
  ddl.join();
  EXPECT_TRUE(done.load());
  // autocommit = 0 holds from the first statement to COMMIT.
  Query(a, "SET autocommit = 0");
  Query(a, "SELECT * FROM t");
  Query(b, "SET lock_wait_timeout = 1");
  EXPECT_EQ(ErrorCode(b, "TRUNCATE TABLE t"), 1205u);
  Query(a, "COMMIT");
  Query(b, "TRUNCATE TABLE t");
}

}  // namespace
}  // namespace xp::session

namespace xp::session {
namespace {

// Accounts and privileges (session_accounts.cc) over one store: an admin
// session (no account: checks nothing) makes accounts and grants; a user's
// session is checked on every statement and sees grant changes at its next
// statement.
TEST(SqlSessionTest, PrivilegesAreCheckedPerStatement) {
  exec::MemoryStore store;
  ASSERT_TRUE(store.CreateDatabase("test", true).ok());
  SqlSession admin(&store), user(&store);
  Query(admin, "CREATE DATABASE shop");
  Query(admin, "CREATE TABLE shop.orders (id INT PRIMARY KEY, v INT)");
  Query(admin, "CREATE TABLE shop.items (id INT PRIMARY KEY)");
  Query(admin, "CREATE DATABASE secret");
  Query(admin, "CREATE TABLE secret.s (id INT PRIMARY KEY)");
  Query(admin, "INSERT INTO shop.orders VALUES (1, 10), (2, 20)");
  Query(admin, "CREATE USER 'app'@'localhost' IDENTIFIED BY 'pw'");
  EXPECT_EQ(ErrorCode(admin, "CREATE USER app@localhost"), 1396u);
  Query(admin, "CREATE USER IF NOT EXISTS app@localhost");
  user.set_connection(7, "app");
  user.set_account(exec::AccountName{"app", "localhost"}, "localhost");
  // Nothing granted: every table and database is refused, and invisible.
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM shop.orders"), 1142u);
  EXPECT_EQ(ErrorCode(user, "USE shop"), 1044u);
  EXPECT_EQ(Query(user, "SHOW DATABASES"), Rows{});
  EXPECT_EQ(Query(user, "SELECT CURRENT_USER(), USER()"),
            (Rows{{"app@localhost", "app@localhost"}}));
  EXPECT_EQ(Query(user, "SHOW GRANTS"),
            (Rows{{"GRANT USAGE ON *.* TO `app`@`localhost`"}}));
  // Database-level SELECT: reads there, nothing else.
  Query(admin, "GRANT SELECT ON shop.* TO app@localhost");
  Query(user, "USE shop");
  EXPECT_EQ(Query(user, "SELECT v FROM orders WHERE id = 2"), (Rows{{"20"}}));
  EXPECT_EQ(Query(user, "SELECT COUNT(*) FROM orders o JOIN items i"),
            (Rows{{"0"}}));
  EXPECT_EQ(ErrorCode(user, "INSERT INTO orders VALUES (3, 30)"), 1142u);
  EXPECT_EQ(ErrorCode(user, "UPDATE orders SET v = 1"), 1142u);
  EXPECT_EQ(ErrorCode(user, "DELETE FROM orders WHERE id = 1"), 1142u);
  EXPECT_EQ(ErrorCode(user, "DROP TABLE orders"), 1142u);
  EXPECT_EQ(ErrorCode(user, "CREATE TABLE t2 (id INT PRIMARY KEY)"), 1142u);
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM secret.s"), 1142u);
  // A subquery on a table the user may not read is refused too.
  EXPECT_EQ(ErrorCode(user, "SELECT (SELECT COUNT(*) FROM secret.s)"), 1142u);
  EXPECT_EQ(Query(user, "SHOW DATABASES"), (Rows{{"shop"}}));
  EXPECT_EQ(Query(user, "SHOW TABLES"), (Rows{{"items"}, {"orders"}}));
  EXPECT_EQ(ErrorCode(user, "CREATE USER x"), 1227u);
  EXPECT_EQ(ErrorCode(user, "GRANT SELECT ON shop.* TO app@localhost"), 1044u);
  EXPECT_EQ(ErrorCode(user, "SET GLOBAL max_connections = 5"), 1227u);
  // Table level: INSERT on one table only.
  Query(admin, "GRANT INSERT ON shop.orders TO app@localhost");
  Query(user, "INSERT INTO orders VALUES (3, 30)");
  EXPECT_EQ(ErrorCode(user, "INSERT INTO items VALUES (1)"), 1142u);
  EXPECT_EQ(Query(admin, "SHOW GRANTS FOR app@localhost"),
            (Rows{{"GRANT USAGE ON *.* TO `app`@`localhost`"},
                  {"GRANT SELECT ON `shop`.* TO `app`@`localhost`"},
                  {"GRANT INSERT ON `shop`.`orders` TO `app`@`localhost`"}}));
  // A revoke applies at the user's next statement; the point-read path
  // (planned once, cached) is checked too.
  EXPECT_EQ(Query(user, "SELECT v FROM orders WHERE id = 1"), (Rows{{"10"}}));
  auto cached = user.Execute("SELECT v FROM orders WHERE id = ?",
                             {plan::Value(int64_t{1})}, nullptr);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  cached = user.Execute("SELECT v FROM orders WHERE id = ?",
                        {plan::Value(int64_t{2})}, nullptr);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  Query(admin, "REVOKE SELECT ON shop.* FROM app@localhost");
  EXPECT_EQ(ErrorCode(user, "SELECT v FROM orders WHERE id = 1"), 1142u);
  cached = user.Execute("SELECT v FROM orders WHERE id = ?",
                        {plan::Value(int64_t{2})}, nullptr);
  ASSERT_FALSE(cached.ok());
  EXPECT_EQ(cached.status().sql_code(), 1142u);
  EXPECT_EQ(ErrorCode(admin, "REVOKE SELECT ON shop.* FROM app@localhost"),
            1141u);
  EXPECT_EQ(ErrorCode(admin, "REVOKE DELETE ON shop.items FROM app@localhost"),
            1147u);
  // Levels hold only their privileges; GRANT does not make accounts.
  EXPECT_EQ(ErrorCode(admin, "GRANT PROCESS ON shop.* TO app@localhost"),
            1221u);
  EXPECT_EQ(ErrorCode(admin,
                      "GRANT CREATE USER ON shop.orders TO "
                      "app@localhost"),
            1144u);
  EXPECT_EQ(ErrorCode(admin, "GRANT SELECT ON *.* TO nobody"), 1410u);
  // Column privileges (ColumnPrivilegesLimitWhatIsReadAndWritten) are
  // granted and revoked per column.
  Query(admin, "GRANT SELECT (v) ON shop.orders TO app@localhost");
  Query(admin, "REVOKE SELECT (v) ON shop.orders FROM app@localhost");
  EXPECT_EQ(ErrorCode(admin, "GRANT SELECT ON shop.nope TO app@localhost"),
            1146u);
  // Views: the view's privilege, its body with the definer's rights.
  Query(admin,
        "CREATE VIEW shop.totals AS SELECT SUM(v) AS s FROM "
        "shop.orders");
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM totals"), 1142u);
  Query(admin, "GRANT SELECT ON shop.totals TO app@localhost");
  EXPECT_EQ(Query(user, "SELECT * FROM totals"), (Rows{{"60"}}));
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM orders"), 1142u);
  // Making a view needs SELECT on what it reads: no way around a grant.
  Query(admin, "GRANT CREATE VIEW ON shop.* TO app@localhost");
  EXPECT_EQ(ErrorCode(user,
                      "CREATE VIEW shop.peek AS SELECT * FROM "
                      "secret.s"),
            1142u);
  Query(user, "CREATE VIEW shop.mine AS SELECT s FROM shop.totals");
  EXPECT_EQ(ErrorCode(user, "CREATE OR REPLACE VIEW shop.mine AS SELECT 1"),
            1142u);  // replacing is dropping: DROP needed too
  // Global privileges, GRANT OPTION handing them on.
  Query(admin, "CREATE USER boss");
  Query(admin, "GRANT ALL ON *.* TO boss WITH GRANT OPTION");
  SqlSession b(&store);
  b.set_account(exec::AccountName{"boss", "%"}, "10.0.0.1");
  Query(b, "CREATE USER helper");
  Query(b, "GRANT SELECT ON secret.* TO helper");
  EXPECT_EQ(Query(b, "SHOW GRANTS FOR helper"),
            (Rows{{"GRANT USAGE ON *.* TO `helper`@`%`"},
                  {"GRANT SELECT ON `secret`.* TO `helper`@`%`"}}));
  // Accounts: rename, lock, expire, drop.
  Query(b, "RENAME USER helper TO helper2@'10.%'");
  EXPECT_EQ(ErrorCode(b, "DROP USER helper"), 1396u);
  Query(b, "ALTER USER app@localhost PASSWORD EXPIRE");
  EXPECT_EQ(ErrorCode(user, "SELECT 1"), 1820u);
  Query(user, "SET PASSWORD = 'new'");
  EXPECT_EQ(Query(user, "SELECT 1"), (Rows{{"1"}}));
  EXPECT_EQ(ErrorCode(user, "ALTER USER boss ACCOUNT LOCK"), 1227u);
  Query(b, "DROP USER helper2@'10.%', app@localhost");
  EXPECT_EQ(ErrorCode(user, "SELECT COUNT(*) FROM shop.orders"), 1142u);
  EXPECT_EQ(store.accounts().All().size(), 1u);
}

TEST(SqlSessionTest, ColumnPrivilegesLimitWhatIsReadAndWritten) {
  exec::MemoryStore store;
  ASSERT_TRUE(store.CreateDatabase("test", true).ok());
  SqlSession admin(&store), user(&store);
  Query(admin, "CREATE DATABASE hr");
  Query(admin,
        "CREATE TABLE hr.emp (id INT PRIMARY KEY, name VARCHAR(20), salary "
        "INT)");
  Query(admin, "INSERT INTO hr.emp VALUES (1, 'ann', 100), (2, 'bob', 200)");
  Query(admin, "CREATE USER clerk");
  EXPECT_EQ(ErrorCode(admin, "GRANT SELECT (nope) ON hr.emp TO clerk"), 1054u);
  EXPECT_EQ(ErrorCode(admin, "GRANT DELETE (name) ON hr.emp TO clerk"), 1144u);
  EXPECT_EQ(ErrorCode(admin, "GRANT SELECT (name) ON hr.* TO clerk"), 1221u);
  Query(admin, "GRANT SELECT (id, name), UPDATE (name) ON hr.emp TO clerk");
  user.set_connection(9, "clerk");
  user.set_account(exec::AccountName{"clerk", "%"}, "localhost");
  EXPECT_EQ(Query(user, "SELECT name FROM hr.emp WHERE id = 2"),
            (Rows{{"bob"}}));
  EXPECT_EQ(Query(user, "SELECT COUNT(*) FROM hr.emp"), (Rows{{"2"}}));
  EXPECT_EQ(ErrorCode(user, "SELECT salary FROM hr.emp"), 1143u);
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM hr.emp"), 1143u);
  EXPECT_EQ(ErrorCode(user, "SELECT id FROM hr.emp WHERE salary > 150"), 1143u);
  EXPECT_EQ(ErrorCode(user, "SELECT id FROM hr.emp ORDER BY salary"), 1143u);
  // A prepared point read goes through the same checks every time.
  for (int i = 0; i < 2; ++i) {
    auto r = user.Execute("SELECT salary FROM hr.emp WHERE id = ?",
                          {plan::Value(int64_t{1})}, nullptr);
    EXPECT_EQ(r.status().sql_code(), 1143u);
  }
  Query(user, "UPDATE hr.emp SET name = 'ann2' WHERE id = 1");
  EXPECT_EQ(ErrorCode(user, "UPDATE hr.emp SET salary = 1 WHERE id = 1"),
            1143u);
  EXPECT_EQ(ErrorCode(user, "UPDATE hr.emp SET name = 'x' WHERE salary > 0"),
            1143u);
  EXPECT_EQ(ErrorCode(user, "INSERT INTO hr.emp (id) VALUES (3)"), 1142u);
  Query(admin, "GRANT INSERT (id, name) ON hr.emp TO clerk");
  Query(user, "INSERT INTO hr.emp (id, name) VALUES (3, 'cy')");
  EXPECT_EQ(ErrorCode(user, "INSERT INTO hr.emp VALUES (4, 'd', 1)"), 1143u);
  EXPECT_EQ(ErrorCode(user, "DELETE FROM hr.emp WHERE id = 3"), 1142u);
  EXPECT_EQ(Query(user, "SHOW TABLES FROM hr"), (Rows{{"emp"}}));
  EXPECT_EQ(Query(admin, "SHOW GRANTS FOR clerk"),
            (Rows{{"GRANT USAGE ON *.* TO `clerk`@`%`"},
                  {"GRANT SELECT (`id`, `name`), INSERT (`id`, `name`), "
                   "UPDATE (`name`) ON `hr`.`emp` TO `clerk`@`%`"}}));
  // information_schema shows the table and only the columns it may use.
  EXPECT_EQ(Query(user,
                  "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM "
                  "information_schema.TABLES"),
            (Rows{{"hr", "emp", "BASE TABLE"}}));
  EXPECT_EQ(
      Query(user,
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.columns "
            "WHERE table_name = 'emp' ORDER BY ORDINAL_POSITION DESC"),
      (Rows{{"name", "varchar"}, {"id", "int"}}));
  EXPECT_EQ(Query(admin,
                  "SELECT COUNT(*) FROM information_schema.COLUMNS c JOIN "
                  "information_schema.TABLES t USING (TABLE_SCHEMA, "
                  "TABLE_NAME) WHERE t.TABLE_SCHEMA = 'hr'"),
            (Rows{{"3"}}));
  EXPECT_EQ(
      Query(user, "SELECT COUNT(*) FROM information_schema.COLUMN_PRIVILEGES"),
      (Rows{{"5"}}));
  EXPECT_EQ(ErrorCode(user, "SELECT * FROM information_schema.nope"), 1109u);
  EXPECT_EQ(Query(user, "SHOW COLUMNS FROM hr.emp").size(), 2u);
  Query(admin, "REVOKE SELECT (name) ON hr.emp FROM clerk");
  EXPECT_EQ(ErrorCode(user, "SELECT name FROM hr.emp"), 1143u);
  EXPECT_EQ(ErrorCode(admin, "REVOKE SELECT (salary) ON hr.emp FROM clerk"),
            1147u);
  EXPECT_EQ(Query(admin, "SELECT name FROM hr.emp WHERE id = 1"),
            (Rows{{"ann2"}}));
}

TEST(SqlSessionTest, RolesAddPrivilegesWhileActive) {
  exec::MemoryStore store;
  ASSERT_TRUE(store.CreateDatabase("test", true).ok());
  SqlSession admin(&store), user(&store), other(&store);
  Query(admin, "CREATE DATABASE shop");
  Query(admin, "CREATE TABLE shop.orders (id INT PRIMARY KEY, v INT)");
  Query(admin, "INSERT INTO shop.orders VALUES (1, 10)");
  Query(admin, "CREATE ROLE reader, 'writer'");
  EXPECT_EQ(ErrorCode(admin, "CREATE ROLE reader"), 1396u);
  Query(admin, "CREATE ROLE IF NOT EXISTS reader");
  Query(admin, "GRANT SELECT ON shop.* TO reader");
  Query(admin, "GRANT INSERT ON shop.orders TO writer");
  Query(admin, "GRANT reader TO writer");  // writer brings reader's too
  EXPECT_EQ(ErrorCode(admin, "GRANT writer TO reader"), 3573u);  // a loop
  EXPECT_EQ(ErrorCode(admin, "GRANT nobody TO reader"), 3523u);
  Query(admin, "CREATE USER app@localhost");
  Query(admin, "GRANT writer TO app@localhost");
  user.set_connection(7, "app");
  user.set_account(exec::AccountName{"app", "localhost"}, "localhost");
  // Granted but not active: nothing yet.
  EXPECT_EQ(Query(user, "SELECT CURRENT_ROLE()"), (Rows{{"NONE"}}));
  EXPECT_EQ(ErrorCode(user, "SELECT v FROM shop.orders"), 1142u);
  EXPECT_EQ(ErrorCode(user, "SET ROLE reader"), 3530u);  // not granted
  Query(user, "SET ROLE writer");
  EXPECT_EQ(Query(user, "SELECT CURRENT_ROLE()"), (Rows{{"`writer`@`%`"}}));
  EXPECT_EQ(Query(user, "SELECT v FROM shop.orders"), (Rows{{"10"}}));
  Query(user, "INSERT INTO shop.orders VALUES (2, 20)");
  EXPECT_EQ(ErrorCode(user, "DELETE FROM shop.orders"), 1142u);
  Query(user, "SET ROLE NONE");
  EXPECT_EQ(ErrorCode(user, "SELECT v FROM shop.orders"), 1142u);
  Query(user, "SET ROLE ALL EXCEPT writer");
  EXPECT_EQ(Query(user, "SELECT CURRENT_ROLE()"), (Rows{{"NONE"}}));
  Query(user, "SET ROLE ALL");
  EXPECT_EQ(Query(user, "SELECT COUNT(*) FROM shop.orders"), (Rows{{"2"}}));
  // A role losing a privilege takes it from every session with it active.
  Query(admin, "REVOKE SELECT ON shop.* FROM reader");
  EXPECT_EQ(ErrorCode(user, "SELECT v FROM shop.orders"), 1142u);
  Query(admin, "GRANT SELECT ON shop.* TO reader");
  // Default roles are what a login starts with.
  Query(admin, "SET DEFAULT ROLE ALL TO app@localhost");
  other.set_connection(8, "app");
  other.set_account(exec::AccountName{"app", "localhost"}, "localhost");
  EXPECT_EQ(Query(other, "SELECT CURRENT_ROLE()"), (Rows{{"`writer`@`%`"}}));
  EXPECT_EQ(Query(other, "SELECT COUNT(*) FROM shop.orders"), (Rows{{"2"}}));
  EXPECT_EQ(ErrorCode(admin, "ALTER USER app@localhost DEFAULT ROLE reader"),
            3530u);
  EXPECT_EQ(Query(admin, "SHOW GRANTS FOR app@localhost"),
            (Rows{{"GRANT USAGE ON *.* TO `app`@`localhost`"},
                  {"GRANT `writer`@`%` TO `app`@`localhost`"}}));
  EXPECT_EQ(Query(admin, "SHOW GRANTS FOR app@localhost USING writer"),
            (Rows{{"GRANT USAGE ON *.* TO `app`@`localhost`"},
                  {"GRANT SELECT ON `shop`.* TO `app`@`localhost`"},
                  {"GRANT INSERT ON `shop`.`orders` TO `app`@`localhost`"},
                  {"GRANT `writer`@`%` TO `app`@`localhost`"}}));
  EXPECT_EQ(ErrorCode(admin, "SHOW GRANTS FOR app@localhost USING reader"),
            3530u);
  // Granting roles needs ADMIN OPTION on them (or CREATE USER / SUPER).
  EXPECT_EQ(ErrorCode(user, "GRANT writer TO app@localhost"), 1227u);
  Query(admin, "CREATE USER peer");
  Query(admin, "GRANT writer TO app@localhost WITH ADMIN OPTION");
  Query(user, "GRANT writer TO peer");
  // Roles cannot log in... and dropping one takes it from every grantee.
  EXPECT_TRUE(store.accounts().Find(exec::AccountName{"reader", "%"})->locked);
  Query(admin, "DROP ROLE writer");
  EXPECT_EQ(Query(admin, "SHOW GRANTS FOR app@localhost"),
            (Rows{{"GRANT USAGE ON *.* TO `app`@`localhost`"}}));
  EXPECT_EQ(ErrorCode(user, "SELECT v FROM shop.orders"), 1142u);
  EXPECT_EQ(ErrorCode(admin, "DROP ROLE writer"), 1396u);
  Query(admin, "DROP ROLE IF EXISTS writer");
}

}  // namespace
}  // namespace xp::session
