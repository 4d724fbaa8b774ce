// End-to-end data node benchmark through the X Protocol client:
// point get by primary key, 1000-row INSERTs, full scan and filtered scan,
// against a running xdn (bench/xdn.sh starts one). Prints one fixed line per
// workload. With --pid (the DN's process id) it also compares point gets
// through the SQL path and the plan path (EXEC_PLAN_READ by digest) in DN
// CPU per query, read from /proc/PID/stat.
//   xdn_bench --port P [--password PW] [--rows N] [--gets N] [--clients C]
//             [--pid PID]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "xprotocol/client.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int port = 33060;
  std::string password;
  int rows = 200000;
  int gets = 20000;
  int clients = 2;
  int pid = 0;
};

// The DN's CPU time so far (user + system), in seconds.
double CpuSeconds(int pid) {
  std::FILE* f =
      std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  buf[n] = 0;
  // Fields after the command name "(...)": state is field 3; utime 14,
  // stime 15.
  const char* p = std::strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  if (p != nullptr)
    std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                &ut, &st);
  return static_cast<double>(ut + st) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Every constant 1 of the plan becomes parameter 0 (the plan of
// "... WHERE id = 1": the Get key and the filter above it).
void Parameterize(Xp::Plan::Node* n) {
  auto value = [](Xp::Plan::Value* v) {
    if (v->has_i() && v->i() == 1) {
      v->clear_i();
      v->set_param(0);
    }
  };
  std::function<void(Xp::Plan::Expr*)> expr = [&](Xp::Plan::Expr* e) {
    if (e->op() == 0 && e->has_value() && e->value().has_i() &&
        e->value().i() == 1) {
      e->clear_value();
      e->set_param(0);
    }
    for (auto& a : *e->mutable_args()) expr(&a);
  };
  for (auto& k : *n->mutable_keys())
    for (auto& v : *k.mutable_values()) value(&v);
  if (n->has_predicate()) expr(n->mutable_predicate());
  for (auto& e : *n->mutable_exprs()) expr(&e);
  for (auto& c : *n->mutable_children()) Parameterize(&c);
}

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
    if (f == "--pid") a.pid = std::atoi(argv[i + 1]);
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

  // Plan path vs SQL path, one client, DN CPU per query.
  if (a.pid != 0) {
    xp::session::SqlSession mirror;  // plans the query like a CN would
    (void)mirror.Execute(
        "CREATE TABLE bench (id INT PRIMARY KEY, k INT NOT NULL, "
        "c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL)");
    auto bytes = mirror.PlanBytes("SELECT c FROM bench WHERE id = 1");
    if (!bytes.ok()) {
      std::fprintf(stderr, "plan: %s\n", bytes.status().ToString().c_str());
      return 1;
    }
    Xp::Plan::ExecPlan req;
    req.mutable_plan()->ParseFromString(*bytes);
    Parameterize(req.mutable_plan());
    req.set_plan_digest(xp::plan::Digest(xp::plan::CanonicalBytes(req.plan())));
    double sql_cpu = 0, plan_cpu = 0, sql_s = 0, plan_s = 0;
    for (int path = 0; path < 2; ++path) {
      const double cpu0 = CpuSeconds(a.pid);
      start = Clock::now();
      std::vector<xp::Any> arg(1);
      for (int i = 0; i < a.gets; ++i) {
        const int64_t id = (i * 7919) % a.rows + 1;
        xp::Result<xp::StmtResult> r = xp::Status::OK();
        if (path == 0) {
          arg[0] = xp::AnyOf(xp::ScalarSint(id));
          r = c->Execute("SELECT c FROM bench WHERE id = ?", arg);
        } else {
          req.clear_parameters();
          *req.add_parameters() = xp::ScalarSint(id);
          Xp::Plan::ExecPlan digest_only = req;
          if (i > 0) digest_only.clear_plan();  // cached after the first
          if (!c->Send(xp::ClientMsg::EXEC_PLAN_READ, digest_only).ok())
            return 1;
          r = c->ReadResult();
        }
        if (!r.ok() || r->sets.empty() || r->sets[0].rows.size() != 1) {
          std::fprintf(stderr, "point get (%s) failed: %s\n",
                       path ? "plan" : "SQL", r.status().ToString().c_str());
          return 1;
        }
      }
      (path == 0 ? sql_s : plan_s) = Seconds(start);
      (path == 0 ? sql_cpu : plan_cpu) = CpuSeconds(a.pid) - cpu0;
    }
    std::printf("xdn point_get SQL path: %.0f QPS, %.1f us DN CPU per query\n",
                a.gets / sql_s, sql_cpu * 1e6 / a.gets);
    std::printf(
        "xdn point_get plan path (digest): %.0f QPS, %.1f us DN CPU per "
        "query; CPU ratio plan/SQL = %.2f\n",
        a.gets / plan_s, plan_cpu * 1e6 / a.gets, plan_cpu / sql_cpu);
  }

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
