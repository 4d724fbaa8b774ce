// xsql: runs SQL statements on the in-memory engine (plan/exec/local_engine)
// and prints the results; statements come from the command line or from
// standard input, each ending with a line that ends in ';'.
//   xsql "CREATE TABLE t (a INT)" "INSERT INTO t VALUES (1)" "SELECT * FROM t"
//   echo "EXPLAIN SELECT 1" | xsql
// Results are tab-separated with a header line; errors go to stderr as
// "ERROR code (state): message" and make the exit status 1.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "plan/session/sql_session.h"

namespace {

std::string g_dump_dir;  // --dump_plans DIR
int g_dumped = 0;

bool Run(xp::session::SqlSession& engine, const std::string& sql) {
  size_t b = sql.find_first_not_of(" \t\r\n;");
  if (b == std::string::npos) return true;
  if (!g_dump_dir.empty()) {
    auto bytes = engine.PlanBytes(sql);
    if (bytes.ok()) {
      const std::string path =
          g_dump_dir + "/plan_" + std::to_string(++g_dumped) + ".bin";
      std::ofstream(path, std::ios::binary) << *bytes;
      std::fprintf(stderr, "plan written to %s (%zu bytes)\n", path.c_str(),
                   bytes->size());
    }
  }
  auto r = engine.Execute(sql);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return false;
  }
  if (r->names.empty()) {
    std::printf("OK, %llu row(s) affected\n",
                static_cast<unsigned long long>(r->rows_affected));
    return true;
  }
  for (size_t i = 0; i < r->names.size(); ++i)
    std::printf("%s%s", i ? "\t" : "", r->names[i].c_str());
  std::printf("\n");
  for (const auto& row : r->rows) {
    for (size_t i = 0; i < row.size(); ++i)
      std::printf("%s%s", i ? "\t" : "", row[i] ? row[i]->c_str() : "NULL");
    std::printf("\n");
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 ||
                   std::strcmp(argv[1], "-h") == 0)) {
    std::printf(
        "usage: xsql [--dump_plans DIR] [STATEMENT...]\n"
        "Runs SQL on an in-memory engine (MySQL dialect) and prints the\n"
        "results tab-separated. Without arguments, reads statements from\n"
        "standard input; a statement ends with a line ending in ';'.\n"
        "--dump_plans DIR writes each SELECT's optimized plan, serialized\n"
        "as shipped to a data node (Xp.Plan.Node), to DIR/plan_N.bin.\n");
    return 0;
  }
  if (argc > 2 && std::strcmp(argv[1], "--dump_plans") == 0) {
    g_dump_dir = argv[2];
    argv += 2;
    argc -= 2;
  }
  xp::session::SqlSession engine;
  bool ok = true;
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) ok &= Run(engine, argv[i]);
    return ok ? 0 : 1;
  }
  // A statement ends with a line ending in ';' (or with the input).
  std::string line, stmt;
  while (std::getline(std::cin, line)) {
    stmt += line + "\n";
    const size_t last = line.find_last_not_of(" \t\r");
    if (last != std::string::npos && line[last] == ';') {
      ok &= Run(engine, stmt);
      stmt.clear();
    }
  }
  ok &= Run(engine, stmt);
  return ok ? 0 : 1;
}
