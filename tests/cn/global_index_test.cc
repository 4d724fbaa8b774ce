// Global secondary indexes through a compute node (cn/README.md "global
// indexes"), with libmariadb against a real cluster (tests/cn/with_cluster.sh):
// a unique key without the partition key holds over the whole table under 4
// clients inserting and changing keys at once; the 1062 names the table's key,
// not a physical table; EXPLAIN names the index and a lookup reads one index
// partition, then the one partition holding the row.
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/cn/mysql_test_client.h"

namespace {

using xp::test::Must;
using xp::test::Query;

MYSQL* Connect() { return xp::test::Connect("gsi"); }

// Every row's cells, rows joined by '\n', cells by '|'.
std::string AllText(MYSQL* m, const std::string& sql) {
  EXPECT_EQ(mysql_real_query(m, sql.data(), sql.size()), 0)
      << sql << ": " << mysql_error(m);
  MYSQL_RES* r = mysql_store_result(m);
  if (r == nullptr) return "";
  std::string out;
  const unsigned n = mysql_num_fields(r);
  while (MYSQL_ROW row = mysql_fetch_row(r)) {
    for (unsigned i = 0; i < n; ++i)
      out += std::string(i ? "|" : "") + (row[i] ? row[i] : "NULL");
    out += "\n";
  }
  mysql_free_result(r);
  return out;
}

class GlobalIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MYSQL* m = xp::test::Connect(nullptr);
    ASSERT_NE(m, nullptr);
    Must(m, "CREATE DATABASE IF NOT EXISTS gsi");
    mysql_close(m);
  }
};

TEST_F(GlobalIndexTest, DuplicateNamesTheTablesKey) {
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  Must(m, "DROP TABLE IF EXISTS gu");
  Must(m,
       "CREATE TABLE gu (id INT AUTO_INCREMENT PRIMARY KEY, email "
       "VARCHAR(200) UNIQUE)");
  Must(m, "INSERT INTO gu (email) VALUES ('a@x')");
  unsigned code = 0;
  Query(m, "INSERT INTO gu (email) VALUES ('b@x'), ('b@x')", &code);
  EXPECT_EQ(code, 1062u);
  EXPECT_STREQ(mysql_error(m), "Duplicate entry 'b@x' for key 'gu.email'");
  // Rows 2.. land on either partition: each collides with row 1.
  for (int id = 100; id < 104; ++id) {
    Query(
        m,
        "INSERT INTO gu (id, email) VALUES (" + std::to_string(id) + ", 'a@x')",
        &code);
    EXPECT_EQ(code, 1062u) << id;
    EXPECT_STREQ(mysql_error(m), "Duplicate entry 'a@x' for key 'gu.email'");
  }
  EXPECT_EQ(Must(m, "SELECT COUNT(*) FROM gu"), "1");
  // CREATE UNIQUE INDEX over a duplicate: the same form, and no index.
  Must(m, "DROP TABLE IF EXISTS gw");
  Must(m, "CREATE TABLE gw (id INT PRIMARY KEY, v INT)");
  Must(m, "INSERT INTO gw VALUES (1, 5), (2, 5), (3, 6)");
  Query(m, "CREATE UNIQUE INDEX uv ON gw (v)", &code);
  EXPECT_EQ(code, 1062u);
  EXPECT_STREQ(mysql_error(m), "Duplicate entry '5' for key 'gw.uv'");
  EXPECT_EQ(AllText(m, "SHOW CREATE TABLE gw").find("uv"), std::string::npos);
  Must(m, "INSERT INTO gw VALUES (4, 6)");
  mysql_close(m);
}

TEST_F(GlobalIndexTest, ExplainAndOneRowPartition) {
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  Must(m, "DROP TABLE IF EXISTS ge");
  Must(m, "CREATE TABLE ge (id INT PRIMARY KEY, k VARCHAR(20) UNIQUE, v INT)");
  std::string values;
  for (int i = 1; i <= 40; ++i)
    values += std::string(i > 1 ? "," : "") + "(" + std::to_string(i) + ",'k" +
              std::to_string(i) + "'," + std::to_string(i * 10) + ")";
  Must(m, "INSERT INTO ge VALUES " + values);
  for (const char* mode : {"auto", "plan", "sql"}) {
    Must(m, std::string("SET xplan_mode = '") + mode + "'");
    const std::string plan =
        AllText(m, "EXPLAIN SELECT v FROM ge WHERE k = 'k7'");
    EXPECT_NE(plan.find("found by global index `k`"), std::string::npos)
        << plan;
    // One index partition, then one row partition reports.
    const std::string run =
        AllText(m, "EXPLAIN ANALYZE SELECT v FROM ge WHERE k = 'k7'");
    size_t lines = 0;
    for (size_t at = run.find(" __xp_"); at != std::string::npos;
         at = run.find(" __xp_", at + 1))
      ++lines;
    EXPECT_EQ(lines, 1u) << run;
    EXPECT_EQ(Must(m, "SELECT v FROM ge WHERE k = 'k7'"), "70");
    EXPECT_EQ(
        Must(m, "SELECT COUNT(*) FROM ge WHERE k IN ('k1','k2','k40','no')"),
        "3");
    EXPECT_EQ(Must(m, "SELECT COUNT(*) FROM ge WHERE k = 'no'"), "0");
  }
  mysql_close(m);
}

// 4 clients insert keys from a pool of 30 and change keys of existing rows
// at random, in autocommit and in transactions; afterwards no key is held
// twice, and every row is found by its key.
TEST_F(GlobalIndexTest, ConcurrentWritersNeverShareAKey) {
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  Must(m, "DROP TABLE IF EXISTS gc");
  Must(m,
       "CREATE TABLE gc (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(20) "
       "UNIQUE, n INT)");
  std::atomic<int> inserted{0}, refused{0}, other{0};
  auto work = [&](int thread) {
    MYSQL* c = Connect();
    if (c == nullptr) return;
    std::mt19937 rng(thread * 7919 + 1);
    for (int i = 0; i < 150; ++i) {
      const std::string key = "'k" + std::to_string(rng() % 30) + "'";
      unsigned code = 0;
      const int what = static_cast<int>(rng() % 4);
      if (what == 0) {
        Query(c, "BEGIN", &code);
        Query(c, "INSERT INTO gc (k, n) VALUES (" + key + ", 1)", &code);
        const unsigned insert_code = code;
        Query(c, rng() % 2 ? "COMMIT" : "ROLLBACK", &code);
        if (insert_code == 1062)
          ++refused;
        else if (insert_code != 0 && insert_code != 1213 && insert_code != 1205)
          ++other;
      } else if (what == 1) {
        Query(c,
              "UPDATE gc SET k = " + key +
                  " WHERE id = " + std::to_string(1 + rng() % 40),
              &code);
        if (code == 1062)
          ++refused;
        else if (code != 0 && code != 1213 && code != 1205)
          ++other;
      } else {
        Query(c, "INSERT INTO gc (k, n) VALUES (" + key + ", 1)", &code);
        if (code == 0)
          ++inserted;
        else if (code == 1062)
          ++refused;
        else if (code != 1213 && code != 1205)
          ++other;
      }
      if (code != 0 && code != 1062 && code != 1213 && code != 1205)
        ADD_FAILURE() << code << " " << mysql_error(c);
    }
    mysql_close(c);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(work, t);
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(refused.load(), 0);
  const std::string rows = Must(m, "SELECT COUNT(*) FROM gc");
  EXPECT_EQ(Must(m, "SELECT COUNT(DISTINCT k) FROM gc"), rows);
  EXPECT_LE(std::stoi(rows), 30);
  EXPECT_GE(std::stoi(rows), 1);
  // Every row is found through the index, as itself.
  const std::string all = AllText(m, "SELECT id, k FROM gc");
  size_t at = 0;
  while (at < all.size()) {
    const size_t end = all.find('\n', at);
    const std::string line = all.substr(at, end - at);
    at = end + 1;
    const size_t bar = line.find('|');
    EXPECT_EQ(
        Must(m, "SELECT id FROM gc WHERE k = '" + line.substr(bar + 1) + "'"),
        line.substr(0, bar));
  }
  // And every key no row has is free.
  for (int k = 0; k < 30; ++k) {
    const std::string key = "k" + std::to_string(k);
    if (all.find("|" + key + "\n") != std::string::npos) continue;
    Must(m, "INSERT INTO gc (k) VALUES ('" + key + "')");
  }
  EXPECT_EQ(Must(m, "SELECT COUNT(*) FROM gc"), "30");
  mysql_close(m);
}

}  // namespace
