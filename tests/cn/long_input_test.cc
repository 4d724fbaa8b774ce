// Long and deep statements through a real compute node (libmariadb): long
// flat lists (IN, OR / AND chains, UNION ALL chains, tens of thousands of
// placeholders) just work in every xplan_mode; chains that make a tree
// deeper than the nesting budget fail alone with 1436; the server keeps
// serving after each. Runs under tests/cn/with_cluster.sh (XP_PORT).
#include <gtest/gtest.h>
#include <mysql.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

class LongInputTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    const char* port = std::getenv("XP_PORT");
    ASSERT_NE(port, nullptr) << "run under tests/cn/with_cluster.sh";
    db_ = mysql_init(nullptr);
    ASSERT_NE(
        mysql_real_connect(db_, "127.0.0.1", "root", "", nullptr,
                           static_cast<unsigned>(std::atoi(port)), nullptr, 0),
        nullptr)
        << mysql_error(db_);
    Exec("CREATE DATABASE IF NOT EXISTS longin");
    ASSERT_EQ(mysql_select_db(db_, "longin"), 0) << mysql_error(db_);
    Exec(std::string("SET xplan_mode = '") + GetParam() + "'");
  }
  void TearDown() override { mysql_close(db_); }

  void Exec(const std::string& sql) {
    ASSERT_EQ(mysql_real_query(db_, sql.data(), sql.size()), 0)
        << sql.substr(0, 200) << ": " << mysql_error(db_);
    MYSQL_RES* r = mysql_store_result(db_);
    if (r != nullptr) mysql_free_result(r);
  }
  // The first column of the first row, or "ERROR <code>".
  std::string One(const std::string& sql) {
    if (mysql_real_query(db_, sql.data(), sql.size()) != 0)
      return "ERROR " + std::to_string(mysql_errno(db_));
    MYSQL_RES* r = mysql_store_result(db_);
    // An error may come after the result's metadata (rows are streamed).
    if (r == nullptr && mysql_errno(db_) != 0)
      return "ERROR " + std::to_string(mysql_errno(db_));
    if (r == nullptr) return "no result";
    MYSQL_ROW row = mysql_fetch_row(r);
    std::string out = row == nullptr ? "no row" : row[0] ? row[0] : "NULL";
    mysql_free_result(r);
    return out;
  }
  // The connection and the server still answer.
  void StillServing() {
    EXPECT_EQ(mysql_ping(db_), 0) << mysql_error(db_);
    EXPECT_EQ(One("SELECT COUNT(*) FROM big"), "3000");
  }

  MYSQL* db_ = nullptr;
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string List(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += (i > from ? "," : "") + std::to_string(i);
  return out;
}

TEST_P(LongInputTest, FlatListsWorkAndDeepChainsFailAlone) {
  Exec("DROP TABLE IF EXISTS big");
  Exec("CREATE TABLE big (id INT PRIMARY KEY, a BIGINT, s VARCHAR(20))");
  std::string ins = "INSERT INTO big VALUES ";
  for (int i = 0; i < 3000; ++i) {
    ins += (i ? "," : "") + std::string("(") + std::to_string(i) + "," +
           std::to_string(i % 100) + ",'s" + std::to_string(i % 7) + "')";
  }
  Exec(ins);

  // SHOW ... LIKE had a recursive matcher of its own: a pattern of 200,000
  // '%' overflowed the stack (the daemon died), '%a' x 30 against a
  // 60-letter name backtracked for ever. It uses the evaluator's now.
  const std::string long_name = Repeat("a", 60);
  Exec("CREATE TABLE IF NOT EXISTS " + long_name + " (id INT PRIMARY KEY)");
  EXPECT_EQ(One("SHOW TABLES LIKE '" + Repeat("%", 200000) + "'"), long_name);
  EXPECT_EQ(One("SHOW TABLES LIKE '" + Repeat("%a", 30) + "%b'"), "no row");
  EXPECT_EQ(One("SHOW TABLES LIKE 'b_g'"), "big");
  StillServing();

  // The inputs that killed a daemon.
  EXPECT_EQ(One("SELECT 1" + Repeat("+1", 7999)), "ERROR 1436");
  StillServing();
  EXPECT_EQ(One("SELECT 0" + Repeat(" OR 0", 9999)), "0");
  EXPECT_EQ(One("SELECT 1" + Repeat(" AND 1", 19999)), "1");
  EXPECT_EQ(One("SELECT 5 IN (" + List(0, 30000) + ")"), "1");
  EXPECT_EQ(One("SELECT 30000 IN (" + List(0, 30000) + ")"), "0");
  EXPECT_EQ(One("SELECT COUNT(*) FROM (SELECT 1 AS x" +
                Repeat(" UNION ALL SELECT 1", 4999) + ") u"),
            "5000");
  EXPECT_EQ(One("SELECT COUNT(*) FROM (SELECT 1 AS x" +
                Repeat(" UNION SELECT 1", 4999) + ") u"),
            "1");
  StillServing();

  // Long lists over a partitioned table (IN of 64+ constants used to
  // fail in plan mode and leave the connection unusable).
  EXPECT_EQ(One("SELECT COUNT(*) FROM big WHERE id IN (" + List(0, 200) + ")"),
            "200");
  EXPECT_EQ(
      One("SELECT COUNT(*) FROM big WHERE a IN (" + List(10, 20000) + ")"),
      "2700");
  EXPECT_EQ(One("SELECT COUNT(*) FROM big WHERE id IN (" + List(0, 60000) +
                ") AND s IN ('s1', 's2')"),
            "858");
  std::string ors = "SELECT COUNT(*) FROM big WHERE a = 0";
  for (int i = 1; i < 150; ++i) ors += " OR a = " + std::to_string(i);
  EXPECT_EQ(One(ors), "3000");
  EXPECT_EQ(
      One("SELECT COUNT(*) FROM big WHERE a" + Repeat(" + 1", 100) + " > 150"),
      "1470");
  StillServing();

  // 60,000 placeholders in one prepared statement.
  const std::string sel = "SELECT COUNT(*) FROM big WHERE id IN (" + [] {
    std::string q;
    for (int i = 0; i < 60000; ++i) q += i ? ",?" : "?";
    return q;
  }() + ")";
  MYSQL_STMT* st = mysql_stmt_init(db_);
  ASSERT_EQ(mysql_stmt_prepare(st, sel.data(), sel.size()), 0)
      << mysql_stmt_error(st);
  ASSERT_EQ(mysql_stmt_param_count(st), 60000u);
  std::vector<long long> values(60000);
  std::vector<MYSQL_BIND> binds(60000);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<long long>(i * 2);  // even ids
    binds[i] = MYSQL_BIND{};
    binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[i].buffer = &values[i];
  }
  ASSERT_EQ(mysql_stmt_bind_param(st, binds.data()), 0) << mysql_stmt_error(st);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  long long count = -1;
  MYSQL_BIND out{};
  out.buffer_type = MYSQL_TYPE_LONGLONG;
  out.buffer = &count;
  ASSERT_EQ(mysql_stmt_bind_result(st, &out), 0);
  ASSERT_EQ(mysql_stmt_fetch(st), 0) << mysql_stmt_error(st);
  EXPECT_EQ(count, 1500);
  mysql_stmt_close(st);
  StillServing();

  // DN errors inside shipped fragments reach the client unchanged, and the
  // session goes on.
  Exec("DROP TABLE IF EXISTS m");
  Exec("CREATE TABLE m (id INT PRIMARY KEY, a BIGINT, s VARCHAR(10))");
  Exec("INSERT INTO m VALUES (1, -9223372036854775808, 'x'), (2, 5, 'y')");
  EXPECT_EQ(One("SELECT -a FROM m"), "ERROR 1690");
  EXPECT_EQ(One("SELECT s FROM m WHERE s LIKE 'x' ESCAPE '**'"), "ERROR 1210");
  Exec("BEGIN");
  EXPECT_EQ(One("SELECT -a FROM m WHERE id = 1"), "ERROR 1690");
  Exec("INSERT INTO m VALUES (3, 1, 'z')");
  EXPECT_EQ(One("SELECT -a FROM m ORDER BY id"), "ERROR 1690");
  Exec("COMMIT");
  EXPECT_EQ(One("SELECT COUNT(*) FROM m"), "3");
  StillServing();
}

INSTANTIATE_TEST_SUITE_P(Modes, LongInputTest,
                         ::testing::Values("auto", "plan", "sql"));

}  // namespace
