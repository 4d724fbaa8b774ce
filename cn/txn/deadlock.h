// Deadlocks through several data nodes (docs/PROTOCOL.md §5.4;
// cn/README.md "Deadlocks"). Each DN finds the wait cycles
// inside itself (RocksDB, 1213 at once); a cycle through two DNs — T1
// holds a row on DN 0 and waits on DN 1 for T2, which waits on DN 0 for
// T1 — is seen by no DN alone. The compute node's detector asks every DN
// for its lock waits (admin command xp_list_lock_waits), joins them into
// one wait-for graph keyed by the XA xids the branches carry, and ends
// each cycle by aborting one waiter (xp_abort_lock_wait): the youngest
// transaction, as the one with the least work to lose. Its statement fails
// with 1213 and its session rolls back the whole transaction, exactly as
// after a deadlock inside one DN, so clients retry as they do on InnoDB.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cn/txn/dn_link.h"
#include "codec/status.h"
#include "codec/thread_annotations.h"

namespace xp::cn {

// One lock wait on DN `dn`: storage transaction `waiter_id` waits for
// `holder_id`. `waiter` / `holder` name the transactions across DNs: the
// XA xid, or for a transaction local to that DN "dn<d>#<id>".
struct WaitEdge {
  size_t dn = 0;
  uint64_t waiter_id = 0;
  std::string waiter;
  int64_t waiter_started_us = 0;
  uint64_t holder_id = 0;
  std::string holder;
};

// The waits to abort so that no cycle is left in `edges`: for each cycle,
// one edge of its victim (its youngest transaction; ties: the greater
// name) on every DN where that transaction waits.
std::vector<WaitEdge> DeadlockVictims(const std::vector<WaitEdge>& edges);

class DeadlockDetector {
 public:
  using Connect = std::function<Result<std::unique_ptr<DnLink>>(size_t dn)>;
  // `connect` makes the detector's own links (never a session's);
  // `worth_a_round` says whether a cycle through DNs can exist now (two
  // or more transactions open), else the round is skipped.
  DeadlockDetector(size_t dns, Connect connect,
                   std::function<bool()> worth_a_round);
  ~DeadlockDetector();

  // Rounds every `period` on a thread of its own until destroyed.
  void Start(std::chrono::milliseconds period);
  // One round now: every DN's waits, then the victims' waits aborted.
  // Returns how many waits it aborted. A DN that cannot be asked is left
  // out of this round (its cycles are found once it answers).
  Result<size_t> RunOnce();

 private:
  void Loop(std::chrono::milliseconds period);
  // The DN's link, made on first need; null when it cannot be made.
  DnLink* Link(size_t dn);

  const Connect connect_;
  const std::function<bool()> worth_a_round_;
  std::vector<std::unique_ptr<DnLink>> links_;  // used by one thread
  std::thread thread_;
  Mutex mu_;
  std::condition_variable_any cv_;
  bool stop_ XP_GUARDED_BY(mu_) = false;
};

}  // namespace xp::cn
