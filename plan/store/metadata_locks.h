// Metadata locks, as MySQL's MDL reduced to what DDL needs: a table a
// session's open transaction has read or written stays as it was until the
// transaction ends. Without them a CREATE UNIQUE INDEX could backfill from
// committed rows while another transaction still holds an uncommitted
// duplicate (which then commits with no index entry), and ALTER / DROP /
// TRUNCATE could change a table under a transaction's feet.
//
// The protocol, with Store::ddl_mutex():
//   - a statement holds ddl_mutex() shared while it runs and, if its
//     session is inside a transaction at its end, registers the tables it
//     used (Hold) before letting go of it;
//   - a session drops everything it holds when its transaction ends
//     (Release), waking waiting DDL;
//   - DDL holds ddl_mutex() exclusively and checks that no other session
//     holds its tables (Busy); while one does, it lets go of ddl_mutex(),
//     waits for a release (WaitForRelease) and checks again, up to the
//     session's lock_wait_timeout (then MySQL's 1205).
// Statements never wait here, so no deadlock can form through these locks:
// a waiting DDL holds nothing a transaction needs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "codec/thread_annotations.h"

namespace xp::exec {

class MetadataLocks {
 public:
  using Table = std::pair<std::string, std::string>;  // (database, name)

  // `owner` (a session) holds `table` until Release(owner).
  void Hold(const void* owner, const Table& table);
  // Drops every table `owner` holds and wakes waiting DDL.
  void Release(const void* owner);
  // Whether a session other than `owner` holds one of `tables` or any
  // table of one of `databases`; *generation: the state's version, for
  // WaitForRelease.
  bool Busy(const void* owner, const std::vector<Table>& tables,
            const std::vector<std::string>& databases,
            uint64_t* generation) const;
  // Waits until some session released after `generation`, or `until`.
  void WaitForRelease(uint64_t generation,
                      std::chrono::steady_clock::time_point until);

 private:
  mutable Mutex mu_;
  std::condition_variable_any released_;
  std::map<Table, std::set<const void*>> holders_ XP_GUARDED_BY(mu_);
  std::map<const void*, std::vector<Table>> held_ XP_GUARDED_BY(mu_);
  uint64_t generation_ XP_GUARDED_BY(mu_) = 0;
};

}  // namespace xp::exec
