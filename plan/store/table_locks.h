// LOCK TABLES' table locks (MySQL's, without its lock-upgrade subtleties):
// a session's READ locks let others read the tables but not write them,
// its WRITE locks keep everyone else out. A session takes all of its locks
// at once (LOCK TABLES releases what it held first), and a session that
// holds locks never waits for another's, so no cycle of waits can form
// among these locks. Other sessions' statements wait here for the tables
// they use, up to a deadline (then MySQL's 1205).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "codec/thread_annotations.h"

namespace xp::exec {

class TableLocks {
 public:
  using Table = std::pair<std::string, std::string>;  // (database, name)

  // Takes `tables` (each with write = true for WRITE) for `owner`, waiting
  // until no other owner holds a conflicting lock; false at `until` (then
  // nothing is taken).
  bool Lock(const void* owner, const std::map<Table, bool>& tables,
            std::chrono::steady_clock::time_point until);
  // Drops every lock `owner` holds and wakes waiters.
  void Unlock(const void* owner);
  // A statement of `owner` (which holds no locks) about to read (write:
  // write) `table` waits while another owner's lock forbids it; false at
  // `until`, or as soon as `*ddl_waiting` is set (the waiting statement
  // holds the DDL lock shared: a lock holder's DDL would wait for it).
  bool WaitUsable(const void* owner, const Table& table, bool write,
                  std::chrono::steady_clock::time_point until,
                  const std::atomic<int>* ddl_waiting);
  // Whether any session holds a table lock (the statements' fast path).
  bool any() const { return holders_.load(std::memory_order_acquire) > 0; }

 private:
  struct Holders {
    const void* writer = nullptr;
    std::map<const void*, int> readers;
  };
  // Whether `owner` may use `table` (write or read) given the others'.
  bool Free(const void* owner, const Table& table, bool write) const
      XP_REQUIRES(mu_);

  mutable Mutex mu_;
  std::condition_variable_any released_;
  std::map<Table, Holders> tables_ XP_GUARDED_BY(mu_);
  std::map<const void*, std::vector<Table>> held_ XP_GUARDED_BY(mu_);
  std::atomic<int> holders_{0};  // owners holding any lock
};

}  // namespace xp::exec
