// libmariadb (the MariaDB C connector) against a real cluster: text and
// binary (prepared statement) protocols for every column type, metadata at
// prepare time, long data, statement reset, transactions through the API,
// ping / select_db / list_fields / stat, prepared point reads through the
// engine's point-get cache. Runs under tests/cn/with_cluster.sh
// (XP_PORT names the compute node's port).
#include <gtest/gtest.h>
#include <mysql.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

namespace {

class ClientTest : public ::testing::Test {
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
    Exec("CREATE DATABASE IF NOT EXISTS capi");
    ASSERT_EQ(mysql_select_db(db_, "capi"), 0) << mysql_error(db_);
  }
  void TearDown() override { mysql_close(db_); }

  void Exec(const std::string& sql) {
    ASSERT_EQ(mysql_real_query(db_, sql.data(), sql.size()), 0)
        << sql << ": " << mysql_error(db_);
    MYSQL_RES* r = mysql_store_result(db_);
    if (r != nullptr) mysql_free_result(r);
  }
  // Rows of a text-protocol query, NULL as "NULL", columns joined by '|'.
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> out;
    EXPECT_EQ(mysql_real_query(db_, sql.data(), sql.size()), 0)
        << sql << ": " << mysql_error(db_);
    MYSQL_RES* r = mysql_store_result(db_);
    if (r == nullptr) return out;
    const unsigned n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
      unsigned long* len = mysql_fetch_lengths(r);
      std::string line;
      for (unsigned i = 0; i < n; ++i) {
        if (i) line += '|';
        line += row[i] ? std::string(row[i], len[i]) : "NULL";
      }
      out.push_back(line);
    }
    mysql_free_result(r);
    return out;
  }

  MYSQL* db_ = nullptr;
};

constexpr char kTypes[] =
    "CREATE TABLE types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, "
    "mi MEDIUMINT, i INT, bi BIGINT, ub BIGINT UNSIGNED, dc DECIMAL(20,6), "
    "db DOUBLE, fl FLOAT, vc VARCHAR(30), ch CHAR(5), tx TEXT, vb "
    "VARBINARY(10), bl BLOB, d DATE, dt DATETIME(6), ts TIMESTAMP, tm TIME)";

TEST_F(ClientTest, TextProtocolEveryType) {
  Exec("DROP TABLE IF EXISTS types");
  Exec(kTypes);
  Exec(
      "INSERT INTO types VALUES (1, -128, -32768, -8388608, -2147483648, "
      "-9223372036854775808, 18446744073709551615, -12345678901234.123456, "
      "2.5, 1.5, 'héllo', 'ab', 'text', X'00FF', X'0102', '2026-11-29', "
      "'2026-11-29 12:34:56.789012', '2026-11-29 01:02:03', '-838:59:59')");
  Exec("INSERT INTO types (id) VALUES (2)");
  const auto rows = Rows("SELECT * FROM types ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            std::string("1|-128|-32768|-8388608|-2147483648|"
                        "-9223372036854775808|18446744073709551615|"
                        "-12345678901234.123456|2.5|1.5|héllo|ab|text|") +
                std::string("\0\xff", 2) + "|" + std::string("\x01\x02", 2) +
                "|2026-11-29|2026-11-29 12:34:56.789012|2026-11-29 "
                "01:02:03|-838:59:59");
  EXPECT_EQ(rows[1],
            "2|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|"
            "NULL|NULL|NULL|NULL|NULL|NULL");
  // Column metadata: types and flags a driver maps values by.
  ASSERT_EQ(
      mysql_real_query(db_, "SELECT ti, ub, dc, db, vc, d, dt FROM types", 43),
      0);
  MYSQL_RES* r = mysql_store_result(db_);
  ASSERT_NE(r, nullptr);
  MYSQL_FIELD* f = mysql_fetch_fields(r);
  EXPECT_EQ(f[0].type, MYSQL_TYPE_TINY);
  EXPECT_EQ(f[1].type, MYSQL_TYPE_LONGLONG);
  EXPECT_TRUE(f[1].flags & UNSIGNED_FLAG);
  EXPECT_EQ(f[2].type, MYSQL_TYPE_NEWDECIMAL);
  EXPECT_EQ(f[2].decimals, 6u);
  EXPECT_EQ(f[3].type, MYSQL_TYPE_DOUBLE);
  EXPECT_EQ(f[4].type, MYSQL_TYPE_VAR_STRING);
  EXPECT_EQ(f[5].type, MYSQL_TYPE_DATE);
  EXPECT_EQ(f[6].type, MYSQL_TYPE_DATETIME);
  EXPECT_STREQ(f[4].name, "vc");
  mysql_free_result(r);
}

TEST_F(ClientTest, PreparedStatementsBindEveryType) {
  Exec("DROP TABLE IF EXISTS types");
  Exec(kTypes);
  MYSQL_STMT* st = mysql_stmt_init(db_);
  const std::string ins =
      "INSERT INTO types (id, ti, bi, ub, dc, db, fl, vc, vb, d, dt, tm) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  ASSERT_EQ(mysql_stmt_prepare(st, ins.data(), ins.size()), 0)
      << mysql_stmt_error(st);
  EXPECT_EQ(mysql_stmt_param_count(st), 12u);
  int id = 1;
  signed char ti = -5;
  long long bi = -1234567890123LL;
  unsigned long long ub = 18446744073709551615ULL;
  char dc[] = "12.500000";
  double dbl = -0.125;
  float fl = 3.5f;
  char vc[] = "prepared";
  char vb[] = {'\0', 'x', '\xfe'};
  MYSQL_TIME d{}, dt{}, tm{};
  d.year = 2026, d.month = 2, d.day = 28, d.time_type = MYSQL_TIMESTAMP_DATE;
  dt.year = 2026, dt.month = 11, dt.day = 29, dt.hour = 23, dt.minute = 59,
  dt.second = 58, dt.second_part = 123456,
  dt.time_type = MYSQL_TIMESTAMP_DATETIME;
  tm.hour = 100, tm.minute = 1, tm.second = 2, tm.neg = 1,
  tm.time_type = MYSQL_TIMESTAMP_TIME;
  unsigned long dc_len = std::strlen(dc), vc_len = std::strlen(vc),
                vb_len = sizeof(vb);
  MYSQL_BIND b[12];
  std::memset(b, 0, sizeof(b));
  b[0].buffer_type = MYSQL_TYPE_LONG, b[0].buffer = &id;
  b[1].buffer_type = MYSQL_TYPE_TINY, b[1].buffer = &ti;
  b[2].buffer_type = MYSQL_TYPE_LONGLONG, b[2].buffer = &bi;
  b[3].buffer_type = MYSQL_TYPE_LONGLONG, b[3].buffer = &ub,
  b[3].is_unsigned = 1;
  b[4].buffer_type = MYSQL_TYPE_NEWDECIMAL, b[4].buffer = dc,
  b[4].length = &dc_len;
  b[5].buffer_type = MYSQL_TYPE_DOUBLE, b[5].buffer = &dbl;
  b[6].buffer_type = MYSQL_TYPE_FLOAT, b[6].buffer = &fl;
  b[7].buffer_type = MYSQL_TYPE_STRING, b[7].buffer = vc, b[7].length = &vc_len;
  b[8].buffer_type = MYSQL_TYPE_BLOB, b[8].buffer = vb, b[8].length = &vb_len;
  b[9].buffer_type = MYSQL_TYPE_DATE, b[9].buffer = &d;
  b[10].buffer_type = MYSQL_TYPE_DATETIME, b[10].buffer = &dt;
  b[11].buffer_type = MYSQL_TYPE_TIME, b[11].buffer = &tm;
  ASSERT_EQ(mysql_stmt_bind_param(st, b), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  EXPECT_EQ(mysql_stmt_affected_rows(st), 1u);
  // Executed again without rebinding: the types are not resent.
  id = 2;
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  // A NULL parameter.
  id = 3;
  my_bool is_null = 1;
  b[1].is_null = &is_null;
  ASSERT_EQ(mysql_stmt_bind_param(st, b), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  mysql_stmt_close(st);

  EXPECT_EQ(Rows("SELECT id, ti, bi, ub, dc, db, fl, vc, vb, d, dt, tm "
                 "FROM types ORDER BY id"),
            (std::vector<std::string>{
                "1|-5|-1234567890123|18446744073709551615|12.500000|-0.125|"
                "3.5|prepared|" +
                    std::string("\0x\xfe", 3) +
                    "|2026-02-28|2026-11-29 23:59:58.123456|"
                    "-100:01:02",
                "2|-5|-1234567890123|18446744073709551615|12.500000|-0.125|"
                "3.5|prepared|" +
                    std::string("\0x\xfe", 3) +
                    "|2026-02-28|2026-11-29 23:59:58.123456|"
                    "-100:01:02",
                "3|NULL|-1234567890123|18446744073709551615|12.500000|-0.125|"
                "3.5|prepared|" +
                    std::string("\0x\xfe", 3) +
                    "|2026-02-28|2026-11-29 23:59:58.123456|"
                    "-100:01:02"}));

  // Binary result rows into typed buffers.
  st = mysql_stmt_init(db_);
  const std::string sel =
      "SELECT ti, bi, ub, dc, db, vc, vb, d, dt, tm FROM types WHERE id = ?";
  ASSERT_EQ(mysql_stmt_prepare(st, sel.data(), sel.size()), 0)
      << mysql_stmt_error(st);
  MYSQL_RES* meta = mysql_stmt_result_metadata(st);
  ASSERT_NE(meta, nullptr) << "prepare must describe the result";
  EXPECT_EQ(mysql_num_fields(meta), 10u);
  mysql_free_result(meta);
  MYSQL_BIND p[1];
  std::memset(p, 0, sizeof(p));
  int want = 1;
  p[0].buffer_type = MYSQL_TYPE_LONG, p[0].buffer = &want;
  ASSERT_EQ(mysql_stmt_bind_param(st, p), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  signed char o_ti = 0;
  long long o_bi = 0;
  unsigned long long o_ub = 0;
  char o_dc[32] = {}, o_vc[32] = {}, o_vb[8] = {};
  double o_db = 0;
  MYSQL_TIME o_d{}, o_dt{}, o_tm{};
  unsigned long l_dc = 0, l_vc = 0, l_vb = 0;
  MYSQL_BIND o[10];
  std::memset(o, 0, sizeof(o));
  o[0].buffer_type = MYSQL_TYPE_TINY, o[0].buffer = &o_ti;
  o[1].buffer_type = MYSQL_TYPE_LONGLONG, o[1].buffer = &o_bi;
  o[2].buffer_type = MYSQL_TYPE_LONGLONG, o[2].buffer = &o_ub,
  o[2].is_unsigned = 1;
  o[3].buffer_type = MYSQL_TYPE_STRING, o[3].buffer = o_dc,
  o[3].buffer_length = sizeof(o_dc), o[3].length = &l_dc;
  o[4].buffer_type = MYSQL_TYPE_DOUBLE, o[4].buffer = &o_db;
  o[5].buffer_type = MYSQL_TYPE_STRING, o[5].buffer = o_vc,
  o[5].buffer_length = sizeof(o_vc), o[5].length = &l_vc;
  o[6].buffer_type = MYSQL_TYPE_BLOB, o[6].buffer = o_vb,
  o[6].buffer_length = sizeof(o_vb), o[6].length = &l_vb;
  o[7].buffer_type = MYSQL_TYPE_DATE, o[7].buffer = &o_d;
  o[8].buffer_type = MYSQL_TYPE_DATETIME, o[8].buffer = &o_dt;
  o[9].buffer_type = MYSQL_TYPE_TIME, o[9].buffer = &o_tm;
  ASSERT_EQ(mysql_stmt_bind_result(st, o), 0);
  ASSERT_EQ(mysql_stmt_store_result(st), 0) << mysql_stmt_error(st);
  ASSERT_EQ(mysql_stmt_fetch(st), 0) << mysql_stmt_error(st);
  EXPECT_EQ(o_ti, -5);
  EXPECT_EQ(o_bi, -1234567890123LL);
  EXPECT_EQ(o_ub, 18446744073709551615ULL);
  EXPECT_EQ(std::string(o_dc, l_dc), "12.500000");
  EXPECT_EQ(o_db, -0.125);
  EXPECT_EQ(std::string(o_vc, l_vc), "prepared");
  EXPECT_EQ(std::string(o_vb, l_vb), std::string("\0x\xfe", 3));
  EXPECT_EQ(o_d.year, 2026u);
  EXPECT_EQ(o_d.month, 2u);
  EXPECT_EQ(o_d.day, 28u);
  EXPECT_EQ(o_dt.hour, 23u);
  EXPECT_EQ(o_dt.second, 58u);
  EXPECT_EQ(o_dt.second_part, 123456u);
  EXPECT_EQ(o_tm.neg, 1);
  EXPECT_EQ(o_tm.hour, 100u);
  EXPECT_EQ(o_tm.second, 2u);
  EXPECT_EQ(mysql_stmt_fetch(st), MYSQL_NO_DATA);
  // The same statement with another parameter; NULL results come marked.
  want = 3;
  my_bool nulls[10] = {};
  for (int i = 0; i < 10; ++i) o[i].is_null = &nulls[i];
  ASSERT_EQ(mysql_stmt_bind_result(st, o), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  ASSERT_EQ(mysql_stmt_fetch(st), 0);
  EXPECT_TRUE(nulls[0]);
  EXPECT_FALSE(nulls[1]);
  mysql_stmt_close(st);
}

// Prepared point reads by a whole key take the session's cached plan
// after their first execution (SHOW STATUS counts hits and misses) and
// answer exactly as planning each time would: every key, a missing one,
// values no key can hold, another kind of value, after DDL, in another
// database, after the table was dropped and made again with its columns
// in another order.
TEST_F(ClientTest, PreparedPointReadsThroughTheCacheStayRight) {
  Exec("DROP TABLE IF EXISTS pg");
  Exec("CREATE TABLE pg (id INT PRIMARY KEY, v VARCHAR(20), w INT)");
  std::string rows;
  for (int i = 1; i <= 20; ++i)
    rows += (i > 1 ? ",(" : "(") + std::to_string(i) + ",'v" +
            std::to_string(i) + "'," + std::to_string(i * 10) + ")";
  Exec("INSERT INTO pg VALUES " + rows);
  MYSQL_STMT* st = mysql_stmt_init(db_);
  const std::string sel = "SELECT v, w FROM pg WHERE id = ?";
  ASSERT_EQ(mysql_stmt_prepare(st, sel.data(), sel.size()), 0)
      << mysql_stmt_error(st);
  // Runs the statement with `param` bound as `type`; its rows "v|w".
  auto run = [&](enum_field_types type, void* param, unsigned long len = 0) {
    MYSQL_BIND p[1];
    std::memset(p, 0, sizeof(p));
    p[0].buffer_type = type, p[0].buffer = param;
    p[0].buffer_length = len;
    p[0].length = len ? &len : nullptr;
    std::vector<std::string> out;
    EXPECT_EQ(mysql_stmt_bind_param(st, p), 0);
    EXPECT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
    char v[32];
    long long w = 0;
    unsigned long vlen = 0;
    my_bool vnull = 0, wnull = 0;
    MYSQL_BIND o[2];
    std::memset(o, 0, sizeof(o));
    o[0].buffer_type = MYSQL_TYPE_STRING, o[0].buffer = v;
    o[0].buffer_length = sizeof(v), o[0].length = &vlen, o[0].is_null = &vnull;
    o[1].buffer_type = MYSQL_TYPE_LONGLONG, o[1].buffer = &w;
    o[1].is_null = &wnull;
    EXPECT_EQ(mysql_stmt_bind_result(st, o), 0);
    EXPECT_EQ(mysql_stmt_store_result(st), 0) << mysql_stmt_error(st);
    while (mysql_stmt_fetch(st) == 0)
      out.push_back((vnull ? std::string("NULL") : std::string(v, vlen)) + "|" +
                    (wnull ? std::string("NULL") : std::to_string(w)));
    mysql_stmt_free_result(st);
    return out;
  };
  auto status = [&](const std::string& name) {
    const std::vector<std::string> r =
        Rows("SHOW STATUS LIKE 'Xp_point_get_cache_" + name + "'");
    return r.size() == 1 ? std::stoll(r[0].substr(r[0].find('|') + 1)) : -1;
  };
  const long long hits0 = status("hits"), misses0 = status("misses");
  for (int round = 0; round < 2; ++round) {
    for (int id = 1; id <= 20; ++id) {
      EXPECT_EQ(run(MYSQL_TYPE_LONG, &id),
                (std::vector<std::string>{"v" + std::to_string(id) + "|" +
                                          std::to_string(id * 10)}))
          << id;
    }
  }
  EXPECT_EQ(status("misses") - misses0, 1);  // the first execution planned
  EXPECT_EQ(status("hits") - hits0, 39);
  int missing = 999, negative = -1;
  EXPECT_TRUE(run(MYSQL_TYPE_LONG, &missing).empty());
  EXPECT_TRUE(run(MYSQL_TYPE_LONG, &negative).empty());
  // Beyond INT: no key can hold it (the optimizer makes no Get; nor does
  // the cache), and the answer is still "no row".
  long long huge = 1LL << 40;
  EXPECT_TRUE(run(MYSQL_TYPE_LONGLONG, &huge).empty());
  // A string: another kind of value, planned as such.
  char five[] = "5";
  EXPECT_EQ(run(MYSQL_TYPE_STRING, five, 1),
            (std::vector<std::string>{"v5|50"}));
  // DDL since (an index): planned again, still right.
  const long long misses1 = status("misses");
  Exec("CREATE INDEX pg_v ON pg (v)");
  int seven = 7;
  EXPECT_EQ(run(MYSQL_TYPE_LONG, &seven), (std::vector<std::string>{"v7|70"}));
  EXPECT_EQ(status("misses") - misses1, 1);
  // Another database with its own pg: the same text reads that table.
  Exec("CREATE DATABASE IF NOT EXISTS capi2");
  Exec("DROP TABLE IF EXISTS capi2.pg");
  Exec("CREATE TABLE capi2.pg (id INT PRIMARY KEY, v VARCHAR(20), w INT)");
  Exec("INSERT INTO capi2.pg VALUES (7, 'other', -7)");
  ASSERT_EQ(mysql_select_db(db_, "capi2"), 0) << mysql_error(db_);
  EXPECT_EQ(run(MYSQL_TYPE_LONG, &seven),
            (std::vector<std::string>{"other|-7"}));
  ASSERT_EQ(mysql_select_db(db_, "capi"), 0) << mysql_error(db_);
  EXPECT_EQ(run(MYSQL_TYPE_LONG, &seven), (std::vector<std::string>{"v7|70"}));
  // The table dropped and made again, columns in another order.
  Exec("DROP TABLE pg");
  Exec("CREATE TABLE pg (w INT, v VARCHAR(20), id INT PRIMARY KEY)");
  Exec("INSERT INTO pg VALUES (1, 'new7', 7)");
  EXPECT_EQ(run(MYSQL_TYPE_LONG, &seven), (std::vector<std::string>{"new7|1"}));
  EXPECT_EQ(run(MYSQL_TYPE_LONG, &seven), (std::vector<std::string>{"new7|1"}));
  mysql_stmt_close(st);
  Exec("DROP DATABASE capi2");
}

// The text protocol reaches the same cache through a statement's normal
// form (literals as placeholders): the same answers, counted as hits.
TEST_F(ClientTest, TextPointReadsThroughTheCacheStayRight) {
  Exec("DROP TABLE IF EXISTS pt");
  Exec("CREATE TABLE pt (id INT PRIMARY KEY, name VARCHAR(20))");
  Exec("INSERT INTO pt VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
  auto hits = [&] {
    const std::vector<std::string> r =
        Rows("SHOW STATUS LIKE 'Xp_point_get_cache_hits'");
    return r.size() == 1 ? std::stoll(r[0].substr(r[0].find('|') + 1)) : -1;
  };
  const long long before = hits();
  for (int round = 0; round < 3; ++round) {
    for (int id = 1; id <= 5; ++id) {
      const std::vector<std::string> want =
          id <= 4 ? std::vector<std::string>{std::string(1, 'a' + id - 1)}
                  : std::vector<std::string>{};
      EXPECT_EQ(Rows("SELECT name FROM pt WHERE id = " + std::to_string(id)),
                want)
          << id;
    }
  }
  EXPECT_EQ(hits() - before, 14);  // all but the first
  EXPECT_EQ(Rows("SELECT id FROM pt WHERE name = 'c'"),
            (std::vector<std::string>{"3"}));
  Exec("DROP TABLE pt");
}

// LIMIT ? / OFFSET ? in a prepared SELECT over both DNs (was 1235): the
// merge on the CN keeps the first rows in order.
TEST_F(ClientTest, PreparedLimitAndOffset) {
  Exec("DROP TABLE IF EXISTS pl");
  Exec("CREATE TABLE pl (id INT PRIMARY KEY)");
  Exec("INSERT INTO pl VALUES (1), (2), (3), (4), (5), (6), (7), (8)");
  MYSQL_STMT* st = mysql_stmt_init(db_);
  const std::string sel = "SELECT id FROM pl ORDER BY id LIMIT ? OFFSET ?";
  ASSERT_EQ(mysql_stmt_prepare(st, sel.data(), sel.size()), 0)
      << mysql_stmt_error(st);
  for (const auto& [limit, offset, want] :
       std::vector<std::tuple<int, int, std::string>>{
           {3, 0, "1,2,3"}, {2, 5, "6,7"}, {10, 6, "7,8"}, {0, 0, ""}}) {
    int l = limit, o = offset;
    MYSQL_BIND p[2];
    std::memset(p, 0, sizeof(p));
    p[0].buffer_type = MYSQL_TYPE_LONG, p[0].buffer = &l;
    p[1].buffer_type = MYSQL_TYPE_LONG, p[1].buffer = &o;
    ASSERT_EQ(mysql_stmt_bind_param(st, p), 0);
    ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
    int id = 0;
    MYSQL_BIND r[1];
    std::memset(r, 0, sizeof(r));
    r[0].buffer_type = MYSQL_TYPE_LONG, r[0].buffer = &id;
    ASSERT_EQ(mysql_stmt_bind_result(st, r), 0);
    ASSERT_EQ(mysql_stmt_store_result(st), 0) << mysql_stmt_error(st);
    std::string got;
    while (mysql_stmt_fetch(st) == 0)
      got += (got.empty() ? "" : ",") + std::to_string(id);
    mysql_stmt_free_result(st);
    EXPECT_EQ(got, want) << limit << " " << offset;
  }
  mysql_stmt_close(st);
  Exec("DROP TABLE pl");
}

// LAST_INSERT_ID() through the CN: ids handed out by the CN over both
// DNs; the API's insert id agrees.
TEST_F(ClientTest, LastInsertId) {
  Exec("DROP TABLE IF EXISTS li");
  Exec("CREATE TABLE li (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  Exec("INSERT INTO li (v) VALUES (1), (2), (3), (4)");
  EXPECT_EQ(mysql_insert_id(db_), 1u);
  EXPECT_EQ(Rows("SELECT LAST_INSERT_ID()"), (std::vector<std::string>{"1"}));
  Exec("INSERT INTO li (v) VALUES (5)");
  EXPECT_EQ(Rows("SELECT LAST_INSERT_ID()"), (std::vector<std::string>{"5"}));
  EXPECT_EQ(Rows("SELECT v FROM li WHERE id = LAST_INSERT_ID()"),
            (std::vector<std::string>{"5"}));
  Exec("DROP TABLE li");
}

TEST_F(ClientTest, PrepareErrorsLongDataAndReset) {
  Exec("DROP TABLE IF EXISTS ld");
  Exec("CREATE TABLE ld (id INT PRIMARY KEY, body MEDIUMTEXT)");
  MYSQL_STMT* st = mysql_stmt_init(db_);
  const char* bad = "SELECT * FROM no_such_table WHERE id = ?";
  EXPECT_NE(mysql_stmt_prepare(st, bad, std::strlen(bad)), 0);
  EXPECT_EQ(mysql_stmt_errno(st), 1146u);
  const char* ins = "INSERT INTO ld VALUES (?, ?)";
  ASSERT_EQ(mysql_stmt_prepare(st, ins, std::strlen(ins)), 0)
      << mysql_stmt_error(st);
  int id = 7;
  MYSQL_BIND b[2];
  std::memset(b, 0, sizeof(b));
  b[0].buffer_type = MYSQL_TYPE_LONG, b[0].buffer = &id;
  b[1].buffer_type = MYSQL_TYPE_STRING;
  ASSERT_EQ(mysql_stmt_bind_param(st, b), 0);
  const std::string part(100000, 'z');
  ASSERT_EQ(mysql_stmt_send_long_data(st, 1, part.data(), part.size()), 0);
  ASSERT_EQ(mysql_stmt_send_long_data(st, 1, "end", 3), 0);
  ASSERT_EQ(mysql_stmt_execute(st), 0) << mysql_stmt_error(st);
  EXPECT_EQ(mysql_stmt_reset(st), 0) << mysql_stmt_error(st);
  mysql_stmt_close(st);
  EXPECT_EQ(Rows("SELECT LENGTH(body), RIGHT(body, 4) FROM ld"),
            (std::vector<std::string>{"100003|zend"}));
}

TEST_F(ClientTest, TransactionsThroughTheApi) {
  Exec("DROP TABLE IF EXISTS acct");
  Exec("CREATE TABLE acct (id INT PRIMARY KEY, bal INT)");
  Exec("INSERT INTO acct VALUES (1, 100), (2, 100), (3, 100), (4, 100)");
  ASSERT_EQ(mysql_autocommit(db_, 0), 0);
  Exec("UPDATE acct SET bal = bal - 10 WHERE id = 1");
  Exec("UPDATE acct SET bal = bal + 10 WHERE id = 4");
  unsigned int status = 0;
  ASSERT_EQ(mariadb_get_infov(db_, MARIADB_CONNECTION_SERVER_STATUS, &status),
            0);
  EXPECT_TRUE(status & SERVER_STATUS_IN_TRANS);
  ASSERT_EQ(mysql_rollback(db_), 0);
  EXPECT_EQ(Rows("SELECT SUM(bal), MIN(bal) FROM acct"),
            (std::vector<std::string>{"400|100"}));
  Exec("UPDATE acct SET bal = bal - 10 WHERE id = 2");
  Exec("UPDATE acct SET bal = bal + 10 WHERE id = 3");
  ASSERT_EQ(mysql_commit(db_), 0);
  ASSERT_EQ(mysql_autocommit(db_, 1), 0);
  EXPECT_EQ(Rows("SELECT bal FROM acct ORDER BY id"),
            (std::vector<std::string>{"100", "90", "110", "100"}));
}

TEST_F(ClientTest, PingSelectDbListFieldsStat) {
  Exec("DROP TABLE IF EXISTS lf");
  Exec("CREATE TABLE lf (a INT PRIMARY KEY, b VARCHAR(10))");
  EXPECT_EQ(mysql_ping(db_), 0);
  EXPECT_NE(mysql_select_db(db_, "no_such_db"), 0);
  EXPECT_EQ(mysql_errno(db_), 1049u);
  EXPECT_EQ(mysql_select_db(db_, "capi"), 0);
  MYSQL_RES* r = mysql_list_fields(db_, "lf", nullptr);
  ASSERT_NE(r, nullptr) << mysql_error(db_);
  EXPECT_EQ(mysql_num_fields(r), 2u);
  EXPECT_STREQ(mysql_fetch_fields(r)[1].name, "b");
  mysql_free_result(r);
  // The table name is the client's bytes: a backtick in it names a table
  // (quoted), it does not end the identifier and append SQL.
  Exec("CREATE TABLE `odd``name` (x INT PRIMARY KEY)");
  r = mysql_list_fields(db_, "odd`name", nullptr);
  ASSERT_NE(r, nullptr) << mysql_error(db_);
  EXPECT_EQ(mysql_num_fields(r), 1u);
  EXPECT_STREQ(mysql_fetch_fields(r)[0].name, "x");
  mysql_free_result(r);
  EXPECT_EQ(mysql_list_fields(db_, "lf` UNION SELECT 1, 2, 3 -- ", nullptr),
            nullptr);
  EXPECT_EQ(mysql_errno(db_), 1146u) << mysql_error(db_);
  const char* stat = mysql_stat(db_);
  ASSERT_NE(stat, nullptr);
  EXPECT_NE(std::strstr(stat, "Threads:"), nullptr);
}

}  // namespace

namespace {

// CLIENT_MULTI_STATEMENTS (mysqli::multi_query, migration tools): each
// statement of the text answers in turn; the first error ends the text;
// without the capability such a text is a syntax error.
TEST_F(ClientTest, MultiStatementsWithTheCapability) {
  MYSQL* m = mysql_init(nullptr);
  ASSERT_NE(mysql_real_connect(
                m, "127.0.0.1", "root", "", "capi",
                static_cast<unsigned>(std::atoi(std::getenv("XP_PORT"))),
                nullptr, CLIENT_MULTI_STATEMENTS),
            nullptr)
      << mysql_error(m);
  const std::string text =
      "DROP TABLE IF EXISTS ms; CREATE TABLE ms (id INT PRIMARY KEY);"
      "INSERT INTO ms VALUES (1), (2); SELECT COUNT(*) FROM ms;"
      "SELECT 'x;y' /* ; */";
  ASSERT_EQ(mysql_real_query(m, text.data(), text.size()), 0) << mysql_error(m);
  std::vector<std::string> got;
  for (;;) {
    MYSQL_RES* r = mysql_store_result(m);
    if (r != nullptr) {
      MYSQL_ROW row = mysql_fetch_row(r);
      got.push_back(row != nullptr && row[0] ? row[0] : "?");
      mysql_free_result(r);
    } else {
      got.push_back("affected " + std::to_string(mysql_affected_rows(m)));
    }
    const int next = mysql_next_result(m);
    ASSERT_LE(next, 0) << mysql_error(m);
    if (next != 0) break;
  }
  EXPECT_EQ(got, (std::vector<std::string>{"affected 0", "affected 0",
                                           "affected 2", "2", "x;y"}));
  // An error ends the text: the statement after it does not run.
  const std::string failing =
      "INSERT INTO ms VALUES (3); SELECT * FROM no_such_table;"
      "INSERT INTO ms VALUES (4)";
  ASSERT_EQ(mysql_real_query(m, failing.data(), failing.size()), 0)
      << mysql_error(m);
  EXPECT_EQ(mysql_affected_rows(m), 1u);
  EXPECT_GT(mysql_next_result(m), 0);
  EXPECT_EQ(mysql_errno(m), 1146u) << mysql_error(m);
  mysql_close(m);
  EXPECT_EQ(Rows("SELECT id FROM ms ORDER BY id"),
            (std::vector<std::string>{"1", "2", "3"}));
  // Without CLIENT_MULTI_STATEMENTS: 1064, nothing runs.
  const std::string two = "INSERT INTO ms VALUES (5); SELECT 1";
  EXPECT_NE(mysql_real_query(db_, two.data(), two.size()), 0);
  EXPECT_EQ(mysql_errno(db_), 1064u) << mysql_error(db_);
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM ms"), std::vector<std::string>{"3"});
  Exec("DROP TABLE ms");
}

}  // namespace
