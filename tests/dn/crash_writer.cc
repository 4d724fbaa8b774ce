// The crash test's client (tests/dn/crash_test.sh).
//
//   crash_writer --port P --log DIR [--threads N] [--seconds S]
//     N clients run transactions into table c(w, seq, part) until the
//     server goes away: BEGIN, two INSERTs (parts 'a' and 'b'), then COMMIT
//     (every 5th: ROLLBACK). Each client logs to DIR/w<N>: "C seq" before
//     sending COMMIT, "A seq" once it was acknowledged, "R seq" for a
//     rollback. Exits 0 when the server went away (expected: kill -9).
//   crash_writer --check --port P --log DIR
//     After the restart: every acknowledged transaction is present whole;
//     every present one is whole and had its COMMIT sent; no rolled-back
//     or never-committed one is present. Prints a summary; exit 1 on loss.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "xprotocol/client.h"

namespace {

struct Args {
  int port = 0;
  std::string log;
  int threads = 4;
  int seconds = 30;
  bool check = false;
};

std::unique_ptr<xp::Client> Connect(int port) {
  xp::ClientOptions o;
  o.port = static_cast<uint16_t>(port);
  o.user = "root";
  o.password = "secret";
  o.timeout = std::chrono::milliseconds(5000);
  auto c = xp::Client::Connect(o);
  if (!c.ok()) return nullptr;
  return std::move(*c);
}

void Writer(const Args& a, int w, uint64_t* done) {
  auto c = Connect(a.port);
  if (!c) return;
  FILE* log = std::fopen((a.log + "/w" + std::to_string(w)).c_str(), "w");
  const auto stop =
      std::chrono::steady_clock::now() + std::chrono::seconds(a.seconds);
  for (int seq = 1; std::chrono::steady_clock::now() < stop; ++seq) {
    const std::string key = std::to_string(w) + ", " + std::to_string(seq);
    if (!c->Execute("BEGIN").ok()) break;
    if (!c->Execute("INSERT INTO c VALUES (" + key + ", 'a')").ok()) break;
    if (!c->Execute("INSERT INTO c VALUES (" + key + ", 'b')").ok()) break;
    if (seq % 5 == 0) {
      std::fprintf(log, "R %d\n", seq);
      std::fflush(log);
      if (!c->Execute("ROLLBACK").ok()) break;
      continue;
    }
    std::fprintf(log, "C %d\n", seq);
    std::fflush(log);
    if (!c->Execute("COMMIT").ok()) break;
    std::fprintf(log, "A %d\n", seq);
    std::fflush(log);
    ++*done;
  }
  std::fclose(log);
}

int Check(const Args& a) {
  auto c = Connect(a.port);
  if (!c) {
    std::fprintf(stderr, "cannot connect after the restart\n");
    return 1;
  }
  auto r = c->Execute("SELECT w, seq, part FROM c WHERE w < 99");
  if (!r.ok() || r->sets.empty()) {
    std::fprintf(stderr, "SELECT failed: %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::map<std::pair<int, int>, int> parts;  // (w, seq) -> rows
  for (const auto& row : r->sets[0].rows) {
    const int w =
        std::atoi(xp::FieldText(r->sets[0].columns[0], row[0]).c_str());
    const int s =
        std::atoi(xp::FieldText(r->sets[0].columns[1], row[1]).c_str());
    ++parts[{w, s}];
  }
  size_t acked = 0, in_doubt_present = 0, failures = 0;
  for (int w = 0; w < a.threads; ++w) {
    std::ifstream in(a.log + "/w" + std::to_string(w));
    std::set<int> committing, ack, rolled;
    char kind;
    int seq;
    while (in >> kind >> seq) {
      (kind == 'C' ? committing : kind == 'A' ? ack : rolled).insert(seq);
    }
    for (int s : ack) {
      ++acked;
      if (parts[{w, s}] != 2) {
        std::fprintf(stderr, "LOST: client %d transaction %d was committed\n",
                     w, s);
        ++failures;
      }
    }
    for (const auto& [key, n] : parts) {
      if (key.first != w) continue;
      if (n != 2) {
        std::fprintf(stderr, "TORN: client %d transaction %d has %d rows\n", w,
                     key.second, n);
        ++failures;
      }
      if (!committing.count(key.second) || rolled.count(key.second)) {
        std::fprintf(stderr,
                     "PHANTOM: client %d transaction %d was never committed\n",
                     w, key.second);
        ++failures;
      }
      if (committing.count(key.second) && !ack.count(key.second))
        ++in_doubt_present;
    }
  }
  std::printf(
      "crash check: %zu acknowledged commits, all present: %s; %zu commits "
      "in flight at the kill were found applied; %zu problems\n",
      acked, failures == 0 ? "yes" : "NO", in_doubt_present, failures);
  return failures == 0 && acked > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (f == "--port") {
      a.port = std::atoi(next().c_str());
    } else if (f == "--log") {
      a.log = next();
    } else if (f == "--threads") {
      a.threads = std::atoi(next().c_str());
    } else if (f == "--seconds") {
      a.seconds = std::atoi(next().c_str());
    } else if (f == "--check") {
      a.check = true;
    } else {
      std::fprintf(stderr,
                   "usage: crash_writer [--check] --port P --log DIR "
                   "[--threads N] [--seconds S]\n");
      return 2;
    }
  }
  if (a.check) return Check(a);
  std::vector<std::thread> threads;
  std::vector<uint64_t> done(static_cast<size_t>(a.threads));
  for (int w = 0; w < a.threads; ++w)
    threads.emplace_back(Writer, std::cref(a), w,
                         &done[static_cast<size_t>(w)]);
  for (auto& t : threads) t.join();
  uint64_t total = 0;
  for (uint64_t d : done) total += d;
  std::printf("crash writer: %llu transactions acknowledged\n",
              static_cast<unsigned long long>(total));
  return 0;
}
