// End-to-end data node benchmark through the X Protocol client (issue 4):
// point get by primary key, 1000-row INSERTs, full scan and filtered scan,
// against a running xdn (bench/xdn.sh starts one). Prints one fixed line per
// workload.
//   xdn_bench --port P [--password PW] [--rows N] [--gets N] [--clients C]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "xprotocol/client.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int port = 33060;
  std::string password;
  int rows = 200000;
  int gets = 20000;
  int clients = 2;
};

std::unique_ptr<xp::Client> Connect(const Args& a) {
  xp::ClientOptions o;
  o.port = static_cast<uint16_t>(a.port);
  o.user = "root";
  o.password = a.password;
  o.schema = "test";
  auto c = xp::Client::Connect(o);
  if (!c.ok()) {
    std::fprintf(stderr, "connect: %s\n", c.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*c);
}

void Must(xp::Client& c, const std::string& sql) {
  auto r = c.Execute(sql);
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", sql.substr(0, 60).c_str(),
                 r.status().ToString().c_str());
    std::exit(1);
  }
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string f = argv[i];
    if (f == "--port") a.port = std::atoi(argv[i + 1]);
    if (f == "--password") a.password = argv[i + 1];
    if (f == "--rows") a.rows = std::atoi(argv[i + 1]);
    if (f == "--gets") a.gets = std::atoi(argv[i + 1]);
    if (f == "--clients") a.clients = std::atoi(argv[i + 1]);
  }
  auto c = Connect(a);
  Must(*c, "DROP TABLE IF EXISTS bench");
  Must(*c,
       "CREATE TABLE bench (id INT PRIMARY KEY, k INT NOT NULL, "
       "c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL)");

  // Multi-row INSERT, 1000 rows per statement (sysbench-shaped rows).
  auto start = Clock::now();
  const std::string c120(119, 'x'), pad(59, 'y');
  for (int base = 0; base < a.rows; base += 1000) {
    std::string sql = "INSERT INTO bench VALUES ";
    for (int i = base; i < base + 1000 && i < a.rows; ++i) {
      if (i > base) sql += ",";
      sql += "(" + std::to_string(i + 1) + "," + std::to_string(i % 1000) +
             ",'" + c120 + "','" + pad + "')";
    }
    Must(*c, sql);
  }
  double s = Seconds(start);
  std::printf("xdn insert_1000_rows: %d rows in %.2f s = %.0f rows/s\n", a.rows,
              s, a.rows / s);

  // Point get by primary key, `clients` connections.
  std::atomic<int> next{0};
  start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < a.clients; ++t) {
    threads.emplace_back([&] {
      auto cc = Connect(a);
      std::vector<xp::Any> arg(1);
      uint64_t x = 88172645463325252ull;
      while (next.fetch_add(1) < a.gets) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        arg[0] = xp::AnyOf(xp::ScalarSint(
            static_cast<int64_t>(x % static_cast<uint64_t>(a.rows)) + 1));
        auto r = cc->Execute("SELECT c FROM bench WHERE id = ?", arg);
        if (!r.ok() || r->sets.empty() || r->sets[0].rows.size() != 1) {
          std::fprintf(stderr, "point get failed\n");
          std::exit(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  s = Seconds(start);
  std::printf("xdn point_get: %d queries, %d clients, %.2f s = %.0f QPS\n",
              a.gets, a.clients, s, a.gets / s);

  // Full scan and filtered scan (rows delivered to the client).
  for (const char* sql : {"SELECT id, k, c, pad FROM bench",
                          "SELECT id, c FROM bench WHERE k < 10"}) {
    start = Clock::now();
    auto r = c->Execute(sql);
    s = Seconds(start);
    if (!r.ok() || r->sets.empty()) {
      std::fprintf(stderr, "scan failed\n");
      return 1;
    }
    std::printf("xdn %s: %zu rows returned in %.2f s = %.0f table rows/s\n",
                std::string(sql).find("WHERE") != std::string::npos
                    ? "filtered_scan (1%)"
                    : "full_scan",
                r->sets[0].rows.size(), s, a.rows / s);
  }
  Must(*c, "DROP TABLE bench");
  return 0;
}
