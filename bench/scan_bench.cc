// Scan result transfer DN -> client through a real xdn (targets in
// bench/RESULTS.md): a full scan of a 6-column table shipped as an ExecPlan,
// its result as X Protocol Row messages vs columnar chunks (LZ4 per column
// where it pays). Prints the bytes on the wire, their ratio, and the
// client's decode rate into typed values (rows: field by field;
// chunks: DecodeChunks into executor batches). Two tables:
//   lineitem  TPC-H lineitem-like: BIGINT key, INT, two DECIMAL(15,2), DATE,
//             VARCHAR(44) comment of words
//   sbtest    sysbench-like: INT key, INT, CHAR(120) and CHAR(60) of random
//             digit groups, DOUBLE, DECIMAL(12,2)
//   scan_bench --port P [--password PW] [--rows N]   (bench/scan.sh)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "codec/xrow.h"
#include "plan/exec/chunk.h"
#include "plan/session/sql_session.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"

namespace {

using Clock = std::chrono::steady_clock;
using Col = Mysqlx::Resultset::ColumnMetaData;

double Seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

void Must(xp::Client& c, const std::string& sql) {
  auto r = c.Execute(sql);
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", sql.substr(0, 80).c_str(),
                 r.status().ToString().c_str());
    std::exit(1);
  }
}

const char* kWords[] = {
    "furiously", "carefully", "quickly",  "slyly",    "blithely",    "final",
    "pending",   "regular",   "express",  "ironic",   "special",     "bold",
    "deposits",  "requests",  "packages", "accounts", "theodolites", "foxes",
    "pinto",     "beans",     "sleep",    "haggle",   "nag",         "among",
    "above",     "the",       "across",   "according"};

std::string Comment(std::mt19937_64& rng) {
  std::string s;
  const size_t target = 10 + rng() % 34;
  while (s.size() < target) {
    if (!s.empty()) s += ' ';
    s += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
  }
  return s.substr(0, 43);
}

using xp::bench::Digits;

std::string Money(uint64_t cents) {
  return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
         std::to_string(cents % 100);
}

void Load(xp::Client& c, const std::string& table, int rows) {
  std::mt19937_64 rng(7);
  const auto t0 = Clock::now();
  for (int base = 0; base < rows; base += 1000) {
    std::string sql = "INSERT INTO " + table + " VALUES ";
    for (int i = base; i < std::min(rows, base + 1000); ++i) {
      if (i > base) sql += ',';
      if (table == "lineitem") {
        const uint64_t qty = 1 + rng() % 50, part = 1 + rng() % 200000;
        const uint64_t days = rng() % 2526;
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d",
                      static_cast<int>(1992 + days / 365),
                      static_cast<int>(1 + days % 365 / 31),
                      static_cast<int>(1 + days % 28));
        sql += "(" + std::to_string(i + 1) + "," + std::to_string(part) + "," +
               Money(qty * 100) + "," +
               Money(qty * (90000 + part % 20000 * 10)) + ",'" + date + "','" +
               Comment(rng) + "')";
      } else {
        sql += "(" + std::to_string(i + 1) + "," +
               std::to_string(rng() % 100000) + ",'" + Digits(rng, 119) +
               "','" + Digits(rng, 59) + "'," +
               std::to_string(static_cast<double>(rng() % 10000) / 8) + "," +
               Money(rng() % 10000000) + ")";
      }
    }
    Must(c, sql);
    if (base % 200000 == 0 && base > 0)
      std::fprintf(stderr, "  %s: %d rows loaded\n", table.c_str(), base);
  }
  std::fprintf(stderr, "  %s: %d rows loaded in %.1f s\n", table.c_str(), rows,
               Seconds(t0));
}

// Decodes Row results field by field into typed values (what a client does
// with Row messages); returns a checksum so nothing is optimized away.
uint64_t DecodeRows(const xp::ResultSet& rs) {
  uint64_t sum = 0;
  for (const auto& row : rs.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& f = row[c];
      switch (rs.columns[c].type()) {
        case Col::SINT: {
          int64_t v = 0;
          (void)xp::xrow::GetSint(f, &v);
          sum += static_cast<uint64_t>(v);
          break;
        }
        case Col::DOUBLE: {
          double v = 0;
          (void)xp::xrow::GetDouble(f, &v);
          sum += static_cast<uint64_t>(v);
          break;
        }
        case Col::DECIMAL: {
          std::string v;
          (void)xp::xrow::GetDecimal(f, &v);
          sum += v.size();
          break;
        }
        case Col::DATETIME: {
          xp::xrow::DateTime v;
          bool has_time = false;
          (void)xp::xrow::GetDateTime(f, &v, &has_time);
          sum += v.day;
          break;
        }
        default: {
          std::string_view v;
          (void)xp::xrow::GetBytes(f, &v);
          sum += v.size();
        }
      }
    }
  }
  return sum;
}

struct Run {
  uint64_t wire = 0;  // bytes of result frames
  size_t rows = 0;
  double scan_s = 0, decode_s = 0;
};

Run Scan(xp::Client& c, const Xp::Plan::Node& plan, bool chunks) {
  Xp::Plan::ExecPlan req;
  *req.mutable_plan() = plan;
  req.set_chunk_result(chunks);
  Run r;
  const auto t0 = Clock::now();
  if (!c.Send(xp::ClientMsg::EXEC_PLAN_READ, req).ok()) std::exit(1);
  xp::ResultAssembler a;
  for (bool done = false; !done;) {
    auto m = c.Read();
    if (!m.ok()) {
      std::fprintf(stderr, "scan: %s\n", m.status().ToString().c_str());
      std::exit(1);
    }
    r.wire += 5 + m->payload.size();
    switch (a.Add(m->type, m->payload)) {
      case xp::ResultAssembler::Step::kMore:
        break;
      case xp::ResultAssembler::Step::kDone:
        done = true;
        break;
      case xp::ResultAssembler::Step::kFailed:
        std::fprintf(stderr, "scan: %s\n", a.status().ToString().c_str());
        std::exit(1);
    }
  }
  r.scan_s = Seconds(t0);
  const xp::ResultSet& rs = a.result().sets.at(0);
  // Decode: the best of 5 passes (the first also pays page faults).
  r.decode_s = 1e9;
  for (int pass = 0; pass < 5; ++pass) {
    const auto t1 = Clock::now();
    r.rows = 0;
    if (chunks) {
      std::vector<xp::exec::Batch> batches;
      if (!xp::exec::DecodeChunks(rs.chunks, rs.columns.size(), &batches).ok())
        std::exit(1);
      for (const auto& b : batches) r.rows += b.num_rows();
    } else {
      volatile uint64_t sink = DecodeRows(rs);
      (void)sink;
      r.rows = rs.rows.size();
    }
    r.decode_s = std::min(r.decode_s, Seconds(t1));
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 33060, rows = 1000000;
  std::string password;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port")) port = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--password")) password = argv[i + 1];
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
  }
  xp::ClientOptions o;
  o.port = static_cast<uint16_t>(port);
  o.user = "root";
  o.password = password;
  o.timeout = std::chrono::milliseconds(600000);
  o.max_frame_bytes = 1u << 30;
  auto c = xp::Client::Connect(o);
  if (!c.ok()) {
    std::fprintf(stderr, "connect: %s\n", c.status().ToString().c_str());
    return 1;
  }
  xp::Client& cl = **c;
  Must(cl, "CREATE DATABASE IF NOT EXISTS sb");
  Must(cl, "USE sb");
  // The engine that builds the plans mirrors the tables.
  xp::session::SqlSession mirror;
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"lineitem",
       "CREATE TABLE lineitem (orderkey BIGINT PRIMARY KEY, partkey INT NOT "
       "NULL, quantity DECIMAL(15,2) NOT NULL, price DECIMAL(15,2) NOT NULL, "
       "shipdate DATE NOT NULL, comment VARCHAR(44) NOT NULL)"},
      {"sbtest",
       "CREATE TABLE sbtest (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) "
       "NOT NULL, pad CHAR(60) NOT NULL, d DOUBLE NOT NULL, m DECIMAL(12,2) "
       "NOT NULL)"}};
  (void)mirror.Execute("CREATE DATABASE sb");
  (void)mirror.Execute("USE sb");
  for (const auto& [name, ddl] : tables) {
    Must(cl, "DROP TABLE IF EXISTS " + name);
    Must(cl, ddl);
    (void)mirror.Execute(ddl);
    Load(cl, name, rows);
    auto bytes = mirror.PlanBytes("SELECT * FROM " + name);
    Xp::Plan::Node plan;
    if (!bytes.ok() || !plan.ParseFromString(*bytes)) {
      std::fprintf(stderr, "plan: %s\n", bytes.status().ToString().c_str());
      return 1;
    }
    const Run a = Scan(cl, plan, false);
    const Run b = Scan(cl, plan, true);
    if (a.rows != static_cast<size_t>(rows) || b.rows != a.rows) {
      std::fprintf(stderr, "row counts differ: %zu %zu\n", a.rows, b.rows);
      return 1;
    }
    std::printf(
        "scan %-8s %zu rows: rows %.1f MB (scan %.2f s, decode %.2f GB/s) | "
        "chunks+LZ4 %.1f MB (scan %.2f s, decode %.2f GB/s) | bytes ratio "
        "%.2f\n",
        name.c_str(), a.rows, a.wire / 1e6, a.scan_s, a.wire / a.decode_s / 1e9,
        b.wire / 1e6, b.scan_s, b.wire / b.decode_s / 1e9,
        static_cast<double>(b.wire) / static_cast<double>(a.wire));
    Must(cl, "DROP TABLE " + name);
  }
  return 0;
}
