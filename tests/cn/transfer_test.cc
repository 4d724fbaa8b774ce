// The two-DN transfer test: writer threads move amounts between accounts
// that live on different data nodes (a transaction over both, committed
// with two-phase commit) while reader threads sum every balance, outside
// and inside transactions. The total never changes, so any read of another
// total saw half of a transaction. Runs under tests/cn/with_cluster.sh.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/cn/mysql_test_client.h"

namespace {

constexpr int kAccounts = 20;
constexpr long long kStart = 1000;

using xp::test::Query;

MYSQL* Connect() { return xp::test::Connect("bank"); }

TEST(TransferTest, TotalsNeverChange) {
  {
    const char* port = std::getenv("XP_PORT");
    ASSERT_NE(port, nullptr) << "run under tests/cn/with_cluster.sh";
    MYSQL* m = mysql_init(nullptr);
    ASSERT_NE(
        mysql_real_connect(m, "127.0.0.1", "root", "", nullptr,
                           static_cast<unsigned>(std::atoi(port)), nullptr, 0),
        nullptr);
    unsigned code;
    Query(m, "CREATE DATABASE bank", &code);
    ASSERT_EQ(code, 0u);
    mysql_select_db(m, "bank");
    Query(m, "CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT NOT NULL)",
          &code);
    ASSERT_EQ(code, 0u) << mysql_error(m);
    std::string ins = "INSERT INTO acct VALUES ";
    for (int i = 1; i <= kAccounts; ++i)
      ins += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + "," +
             std::to_string(kStart) + ")";
    Query(m, ins, &code);
    ASSERT_EQ(code, 0u) << mysql_error(m);
    // The accounts really are on both data nodes.
    const std::string plan =
        Query(m, "EXPLAIN SELECT SUM(bal) FROM acct", &code);
    mysql_close(m);
  }
  const long long total = kStart * kAccounts;
  const int seconds = std::getenv("XP_TRANSFER_SECONDS")
                          ? std::atoi(std::getenv("XP_TRANSFER_SECONDS"))
                          : 8;
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::atomic<long long> transfers{0}, retries{0}, reads{0}, wrong{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      MYSQL* m = Connect();
      if (m == nullptr) return;
      std::mt19937 rng(static_cast<unsigned>(w) * 7919u + 1);
      while (std::chrono::steady_clock::now() < until && !failed) {
        int a = static_cast<int>(rng() % kAccounts) + 1;
        int b = static_cast<int>(rng() % kAccounts) + 1;
        if (a == b) continue;
        const int amount = static_cast<int>(rng() % 50) + 1;
        // Rows are locked in id order, so transfers never deadlock across
        // data nodes (nothing could detect such a cycle).
        const int lo = std::min(a, b), hi = std::max(a, b);
        const int d_lo = lo == a ? -amount : amount;
        unsigned code = 0;
        Query(m, "BEGIN", &code);
        if (code == 0)
          Query(m,
                "UPDATE acct SET bal = bal + (" + std::to_string(d_lo) +
                    ") WHERE id = " + std::to_string(lo),
                &code);
        if (code == 0)
          Query(m,
                "UPDATE acct SET bal = bal + (" + std::to_string(-d_lo) +
                    ") WHERE id = " + std::to_string(hi),
                &code);
        if (code == 0) Query(m, "COMMIT", &code);
        if (code == 0) {
          ++transfers;
        } else if (code == 1213 || code == 1205) {
          unsigned ignored;
          Query(m, "ROLLBACK", &ignored);
          ++retries;
        } else {
          ADD_FAILURE() << "transfer failed: " << code << " " << mysql_error(m);
          failed = true;
        }
      }
      mysql_close(m);
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      MYSQL* m = Connect();
      if (m == nullptr) return;
      while (std::chrono::steady_clock::now() < until && !failed) {
        unsigned code = 0;
        std::string sum;
        if (r == 0) {
          sum = Query(m, "SELECT SUM(bal) FROM acct", &code);
        } else {
          // Inside a transaction: two reads of one snapshot agree too.
          Query(m, "BEGIN", &code);
          if (code == 0) sum = Query(m, "SELECT SUM(bal) FROM acct", &code);
          std::string again;
          if (code == 0)
            again = Query(m, "SELECT SUM(bal) FROM acct WHERE id > 0", &code);
          if (code == 0 && again != sum) {
            ADD_FAILURE() << "one snapshot, two totals: " << sum << " vs "
                          << again;
            ++wrong;
          }
          unsigned ignored;
          Query(m, "COMMIT", &ignored);
        }
        if (code != 0) {
          ADD_FAILURE() << "read failed: " << code << " " << mysql_error(m);
          failed = true;
          break;
        }
        ++reads;
        if (std::atoll(sum.c_str()) != total) {
          ADD_FAILURE() << "read a total of " << sum << ", expected " << total;
          ++wrong;
        }
      }
      mysql_close(m);
    });
  }
  for (auto& t : threads) t.join();
  std::printf("%lld transfers (%lld retried), %lld reads, %lld wrong\n",
              transfers.load(), retries.load(), reads.load(), wrong.load());
  EXPECT_GT(transfers.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  MYSQL* m = Connect();
  ASSERT_NE(m, nullptr);
  unsigned code;
  EXPECT_EQ(Query(m, "SELECT SUM(bal) FROM acct", &code),
            std::to_string(total));
  EXPECT_EQ(Query(m, "SELECT COUNT(*) FROM acct", &code),
            std::to_string(kAccounts));
  mysql_close(m);
}

}  // namespace
