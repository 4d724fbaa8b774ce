// libFuzzer target: arbitrary SQL through the whole in-memory engine
// (parser, binder, planner, optimizer passes, executor) over a few small
// tables. Every outcome must be a result or a MySQL error; a crash, a
// sanitizer report or a non-SQL error status is a bug. Statements run
// under a memory budget and max_execution_time so that huge cross joins
// end as errors 7006 / 3024 instead of timeouts. Each input also goes
// through the point-get cache's text path (SqlSession::ExecuteCachedText).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "plan/session/sql_session.h"

namespace {

xp::session::SqlSession* Engine() {
  static xp::session::SqlSession* engine = [] {
    auto* e = new xp::session::SqlSession();
    const char* setup[] = {
        "CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b VARCHAR(10), "
        "c DECIMAL(6,2), d DATE, f DOUBLE)",
        "CREATE INDEX t1_a ON t1 (a)",
        "INSERT INTO t1 VALUES (1, 10, 'x', 1.50, '2024-01-01', 0.5), "
        "(2, NULL, 'Y', -2.25, NULL, 1e10), (3, 30, NULL, NULL, "
        "'1999-12-31', NULL), (4, 10, 'zz', 0, '2000-02-29', -0.0)",
        "CREATE TABLE t2 (x INT, y VARCHAR(5))",
        "INSERT INTO t2 VALUES (1, 'a'), (1, 'b'), (3, NULL), (NULL, 'c')",
        "CREATE VIEW v1 AS SELECT id, a + 1 AS a1 FROM t1",
        "SET max_execution_time = 200",
    };
    for (const char* sql : setup) {
      if (!e->Execute(sql).ok()) std::abort();
    }
    e->set_memory_budget(32 << 20);
    return e;
  }();
  return engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  // Statements that change the fixture would make runs depend on order.
  for (const char* word :
       {"DROP",     "drop",   "DELETE", "delete",  "UPDATE",
        "update",   "INSERT", "insert", "REPLACE", "replace",
        "CREATE",   "create", "ALTER",  "alter",   "TRUNCATE",
        "truncate", "SET",    "set",    "USE",     "use"}) {
    if (sql.find(word) != std::string_view::npos) return 0;
  }
  // As the MySQL front end runs a text statement: the point-get cache by
  // its normal form first (twice: planned, then from the cache).
  for (int i = 0; i < 2; ++i) {
    std::optional<xp::Result<xp::session::QueryResult>> cached =
        Engine()->ExecuteCachedText(sql, nullptr);
    if (!cached) break;
    if (!cached->ok() && !cached->status().IsSqlError()) std::abort();
  }
  auto r = Engine()->Execute(sql);
  if (!r.ok() && !r.status().IsSqlError()) std::abort();
  return 0;
}
