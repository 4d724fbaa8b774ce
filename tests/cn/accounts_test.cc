// Accounts and privileges through a real client (libmariadb) against a
// real cluster (tests/cn/with_cluster.sh): logins (wrong password, locked
// and expired accounts), a matrix of users x objects x statements (allowed
// or refused with MySQL's code), what SHOW lets each user see, a REVOKE
// taking effect on a live session, and KILL / SHOW PROCESSLIST of other
// accounts' sessions.
#include <gtest/gtest.h>
#include <mysql.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "tests/cn/mysql_test_client.h"

namespace xp::test {
namespace {

// A login as `user`; null with *code set when refused.
MYSQL* Login(const char* user, const char* password, const char* db,
             unsigned* code, bool expired_ok = false) {
  MYSQL* m = mysql_init(nullptr);
  if (expired_ok) {
    bool yes = true;
    mysql_optionsv(m, MYSQL_OPT_CAN_HANDLE_EXPIRED_PASSWORDS, &yes);
  }
  *code = 0;
  if (mysql_real_connect(
          m, "127.0.0.1", user, password, db,
          static_cast<unsigned>(std::atoi(std::getenv("XP_PORT"))), nullptr,
          0) == nullptr) {
    *code = mysql_errno(m);
    mysql_close(m);
    return nullptr;
  }
  return m;
}

// Every row's first column.
std::set<std::string> Column(MYSQL* m, const std::string& sql) {
  std::set<std::string> out;
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << sql << ": " << mysql_error(m);
    return out;
  }
  MYSQL_RES* r = mysql_store_result(m);
  while (MYSQL_ROW row = mysql_fetch_row(r)) out.insert(row[0] ? row[0] : "");
  mysql_free_result(r);
  return out;
}

unsigned Code(MYSQL* m, const std::string& sql) {
  unsigned code = 0;
  Query(m, sql, &code);
  if (code == 0 && mysql_field_count(m) == 0) code = 0;
  return code;
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = Connect(nullptr);
    ASSERT_NE(root_, nullptr);
    for (const char* sql :
         {"DROP DATABASE IF EXISTS acc_shop", "DROP DATABASE IF EXISTS acc_hr",
          "DROP USER IF EXISTS reader, writer, admin2, locked, stale",
          "CREATE DATABASE acc_shop", "CREATE DATABASE acc_hr",
          "CREATE TABLE acc_shop.orders (id INT PRIMARY KEY, v INT)",
          "CREATE TABLE acc_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
          "CREATE TABLE acc_hr.pay (id INT PRIMARY KEY, amount INT)",
          "INSERT INTO acc_shop.orders VALUES (1, 10), (2, 20), (3, 30)",
          "INSERT INTO acc_hr.pay VALUES (1, 1000)",
          "CREATE USER reader IDENTIFIED BY 'r-pw'",
          "CREATE USER writer IDENTIFIED BY 'w-pw'",
          "CREATE USER admin2 IDENTIFIED BY 'a-pw'",
          "GRANT SELECT ON acc_shop.* TO reader",
          "GRANT SELECT, INSERT, UPDATE, DELETE ON acc_shop.orders TO writer",
          "GRANT ALL ON *.* TO admin2 WITH GRANT OPTION"})
      Must(root_, sql);
  }
  void TearDown() override {
    if (root_ == nullptr) return;
    Must(root_, "DROP USER IF EXISTS reader, writer, admin2, locked, stale");
    Must(root_, "DROP DATABASE IF EXISTS acc_shop");
    Must(root_, "DROP DATABASE IF EXISTS acc_hr");
    mysql_close(root_);
  }
  MYSQL* root_ = nullptr;
};

TEST_F(AccountsTest, LoginsAsMysqlChecksThem) {
  unsigned code = 0;
  EXPECT_EQ(Login("reader", "wrong", nullptr, &code), nullptr);
  EXPECT_EQ(code, 1045u);
  EXPECT_EQ(Login("reader", "", nullptr, &code), nullptr);
  EXPECT_EQ(code, 1045u);
  EXPECT_EQ(Login("nobody", "x", nullptr, &code), nullptr);
  EXPECT_EQ(code, 1045u);
  // A database the account may not use refuses the login (1044).
  EXPECT_EQ(Login("reader", "r-pw", "acc_hr", &code), nullptr);
  EXPECT_EQ(code, 1044u);
  MYSQL* r = Login("reader", "r-pw", "acc_shop", &code);
  ASSERT_NE(r, nullptr) << code;
  EXPECT_EQ(Must(r, "SELECT CURRENT_USER()"), "reader@%");
  mysql_close(r);

  Must(root_, "CREATE USER locked IDENTIFIED BY 'l-pw' ACCOUNT LOCK");
  EXPECT_EQ(Login("locked", "l-pw", nullptr, &code), nullptr);
  EXPECT_EQ(code, 3118u);
  Must(root_, "ALTER USER locked ACCOUNT UNLOCK");
  MYSQL* l = Login("locked", "l-pw", nullptr, &code);
  EXPECT_NE(l, nullptr) << code;
  if (l) mysql_close(l);

  // An expired password: refused to clients that cannot handle it; others
  // may only set a new one.
  Must(root_, "CREATE USER stale IDENTIFIED BY 'old' PASSWORD EXPIRE");
  EXPECT_EQ(Login("stale", "old", nullptr, &code), nullptr);
  EXPECT_EQ(code, 1862u);
  MYSQL* s = Login("stale", "old", nullptr, &code, /*expired_ok=*/true);
  ASSERT_NE(s, nullptr) << code;
  EXPECT_EQ(Code(s, "SELECT 1"), 1820u);
  Must(s, "ALTER USER USER() IDENTIFIED BY 'new'");
  EXPECT_EQ(Must(s, "SELECT 1"), "1");
  mysql_close(s);
  EXPECT_EQ(Login("stale", "old", nullptr, &code), nullptr);
  s = Login("stale", "new", nullptr, &code);
  EXPECT_NE(s, nullptr) << code;
  if (s) mysql_close(s);
}

// Users x objects x statements: each allowed or refused with MySQL's code.
TEST_F(AccountsTest, PrivilegeMatrix) {
  unsigned code = 0;
  MYSQL* reader = Login("reader", "r-pw", nullptr, &code);
  MYSQL* writer = Login("writer", "w-pw", nullptr, &code);
  MYSQL* admin = Login("admin2", "a-pw", nullptr, &code);
  ASSERT_TRUE(reader && writer && admin);
  struct Case {
    MYSQL* who;
    const char* sql;
    unsigned code;  // 0: allowed
  };
  const std::vector<Case> cases = {
      {reader, "SELECT COUNT(*) FROM acc_shop.orders", 0},
      {reader, "SELECT v FROM acc_shop.orders WHERE id = 2", 0},
      {reader, "SELECT COUNT(*) FROM acc_shop.items", 0},
      {reader, "SELECT * FROM acc_hr.pay", 1142},
      {reader,
       "SELECT o.v FROM acc_shop.orders o JOIN acc_hr.pay p ON "
       "o.id = p.id",
       1142},
      {reader, "INSERT INTO acc_shop.orders VALUES (9, 9)", 1142},
      {reader, "UPDATE acc_shop.orders SET v = 0 WHERE id = 1", 1142},
      {reader, "DELETE FROM acc_shop.orders WHERE id = 1", 1142},
      {reader, "CREATE TABLE acc_shop.t (id INT PRIMARY KEY)", 1142},
      {reader, "DROP TABLE acc_shop.items", 1142},
      {reader, "CREATE DATABASE acc_new", 1044},
      {reader, "CREATE USER x", 1227},
      {reader, "GRANT SELECT ON acc_shop.* TO writer", 1044},
      {writer, "INSERT INTO acc_shop.orders VALUES (4, 40)", 0},
      {writer, "UPDATE acc_shop.orders SET v = v + 1 WHERE id = 4", 0},
      {writer, "DELETE FROM acc_shop.orders WHERE id = 4", 0},
      {writer, "SELECT COUNT(*) FROM acc_shop.orders", 0},
      {writer, "SELECT COUNT(*) FROM acc_shop.items", 1142},
      {writer, "INSERT INTO acc_shop.items VALUES (1, 'a')", 1142},
      {writer, "ALTER TABLE acc_shop.orders ADD COLUMN w INT", 1142},
      {writer, "CREATE INDEX iv ON acc_shop.orders (v)", 1142},
      {admin, "SELECT * FROM acc_hr.pay", 0},
      {admin, "CREATE TABLE acc_hr.t2 (id INT PRIMARY KEY)", 0},
      {admin, "DROP TABLE acc_hr.t2", 0},
      {admin, "GRANT SELECT ON acc_hr.pay TO writer", 0},
      {writer, "SELECT amount FROM acc_hr.pay WHERE id = 1", 0},
      {writer, "SELECT COUNT(*) FROM acc_hr.pay", 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Code(c.who, c.sql), c.code)
        << (c.who == reader   ? "reader"
            : c.who == writer ? "writer"
                              : "admin2")
        << ": " << c.sql << ": " << mysql_error(c.who);
  }
  // What each user can see.
  EXPECT_EQ(Column(reader, "SHOW DATABASES"),
            std::set<std::string>{"acc_shop"});
  EXPECT_EQ(Column(writer, "SHOW DATABASES"),
            (std::set<std::string>{"acc_shop", "acc_hr"}));
  EXPECT_EQ(Column(reader, "SHOW TABLES FROM acc_shop"),
            (std::set<std::string>{"items", "orders"}));
  EXPECT_EQ(Column(writer, "SHOW TABLES FROM acc_shop"),
            std::set<std::string>{"orders"});
  EXPECT_EQ(Code(writer, "SHOW CREATE TABLE acc_shop.items"), 1142u);
  EXPECT_EQ(Column(writer, "SHOW GRANTS"),
            (std::set<std::string>{
                "GRANT USAGE ON *.* TO `writer`@`%`",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `acc_shop`.`orders` "
                "TO `writer`@`%`",
                "GRANT SELECT ON `acc_hr`.`pay` TO `writer`@`%`"}));
  EXPECT_EQ(Code(reader, "SHOW GRANTS FOR writer"), 1044u);
  mysql_close(reader);
  mysql_close(writer);
  mysql_close(admin);
}

// A REVOKE applies to a live session at its next statement, prepared
// statements (whose point reads are planned once and cached) included.
TEST_F(AccountsTest, RevokeReachesLiveSessions) {
  unsigned code = 0;
  MYSQL* reader = Login("reader", "r-pw", "acc_shop", &code);
  ASSERT_NE(reader, nullptr);
  MYSQL_STMT* st = mysql_stmt_init(reader);
  const std::string sql = "SELECT v FROM orders WHERE id = ?";
  ASSERT_EQ(mysql_stmt_prepare(st, sql.data(), sql.size()), 0)
      << mysql_stmt_error(st);
  int id = 2;
  MYSQL_BIND param{};
  param.buffer_type = MYSQL_TYPE_LONG;
  param.buffer = &id;
  ASSERT_EQ(mysql_stmt_bind_param(st, &param), 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
    mysql_stmt_free_result(st);
  }
  EXPECT_EQ(Must(reader, "SELECT v FROM orders WHERE id = 3"), "30");
  Must(root_, "REVOKE SELECT ON acc_shop.* FROM reader");
  EXPECT_NE(mysql_stmt_execute(st), 0);
  EXPECT_EQ(mysql_stmt_errno(st), 1142u);
  EXPECT_EQ(Code(reader, "SELECT v FROM orders WHERE id = 3"), 1142u);
  Must(root_, "GRANT SELECT ON acc_shop.orders TO reader");
  EXPECT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  mysql_stmt_close(st);
  // A dropped account's session keeps its connection but not its rights.
  Must(root_, "DROP USER reader");
  EXPECT_EQ(Code(reader, "SELECT v FROM orders WHERE id = 3"), 1142u);
  mysql_close(reader);
}

TEST_F(AccountsTest, OthersSessionsNeedProcessAndSuper) {
  unsigned code = 0;
  MYSQL* reader = Login("reader", "r-pw", nullptr, &code);
  MYSQL* writer = Login("writer", "w-pw", nullptr, &code);
  ASSERT_TRUE(reader && writer);
  const std::string writer_id = Must(writer, "SELECT CONNECTION_ID()");
  // Without PROCESS a user sees only their own sessions.
  std::set<std::string> users;
  MYSQL_RES* r = nullptr;
  ASSERT_EQ(mysql_query(reader, "SHOW PROCESSLIST"), 0);
  r = mysql_store_result(reader);
  while (MYSQL_ROW row = mysql_fetch_row(r)) users.insert(row[1]);
  mysql_free_result(r);
  EXPECT_EQ(users, std::set<std::string>{"reader"});
  users.clear();
  ASSERT_EQ(mysql_query(root_, "SHOW PROCESSLIST"), 0);
  r = mysql_store_result(root_);
  while (MYSQL_ROW row = mysql_fetch_row(r)) users.insert(row[1]);
  mysql_free_result(r);
  EXPECT_TRUE(users.count("reader") && users.count("writer") &&
              users.count("root"));
  EXPECT_EQ(Code(reader, "KILL " + writer_id), 1095u);
  EXPECT_EQ(Must(writer, "SELECT 1"), "1");  // still there
  Must(root_, "KILL " + writer_id);
  EXPECT_NE(mysql_query(writer, "SELECT 1"), 0);
  mysql_close(reader);
  mysql_close(writer);
}

}  // namespace
}  // namespace xp::test
