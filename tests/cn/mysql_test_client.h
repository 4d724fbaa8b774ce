// libmariadb helpers shared by the compute node's client tests (run under
// tests/cn/with_cluster.sh, which sets XP_PORT).
#pragma once

#include <gtest/gtest.h>
#include <mysql.h>

#include <cstdlib>
#include <string>

namespace xp::test {

// A connection to the cluster's CN (default database `db`, none if null);
// null after reporting a test failure.
inline MYSQL* Connect(const char* db) {
  MYSQL* m = mysql_init(nullptr);
  const char* port = std::getenv("XP_PORT");
  if (port == nullptr ||
      mysql_real_connect(m, "127.0.0.1", "root", "", db,
                         static_cast<unsigned>(std::atoi(port)), nullptr,
                         0) == nullptr) {
    ADD_FAILURE() << "connect: " << mysql_error(m);
    mysql_close(m);
    return nullptr;
  }
  return m;
}

// Runs a statement: its first value ("" without one), *code its error (0).
inline std::string Query(MYSQL* m, const std::string& sql, unsigned* code) {
  *code = 0;
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    *code = mysql_errno(m);
    return "";
  }
  MYSQL_RES* r = mysql_store_result(m);
  if (r == nullptr) {
    *code = mysql_errno(m);
    return "";
  }
  std::string v;
  if (MYSQL_ROW row = mysql_fetch_row(r)) v = row[0] ? row[0] : "NULL";
  mysql_free_result(r);
  return v;
}

// Query that must succeed.
inline std::string Must(MYSQL* m, const std::string& sql) {
  unsigned code = 0;
  std::string v = Query(m, sql, &code);
  EXPECT_EQ(code, 0u) << sql << ": " << mysql_error(m);
  return v;
}

}  // namespace xp::test
