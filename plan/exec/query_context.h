// Per-query limits the executor enforces: a memory budget for what
// operators materialise (sort input, hash tables, join build sides,
// subquery results) and cancellation, checked between batches at every
// scan. The context of the running query is bound to the executing thread
// (QueryContext::Bind), so operators need no extra plumbing; a thread runs
// one query at a time.
//   over budget -> error 7006 (HY000) "Query exceeded its memory budget ..."
//     (its own budget, or the node-wide cap on what all running statements
//     of the process hold together)
//   cancelled   -> error 1317 (70100) "Query execution was interrupted"
//   past its time limit (max_execution_time) -> error 3024 (HY000)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/sql_errors.h"
#include "codec/status.h"

namespace xp::exec {

// How a statement ran (execution feedback, docs/PROTOCOL.md §9.4).
struct ExecStats {
  uint64_t rows_examined = 0;  // rows read from storage
  // "db.table.INDEX" of each access path opened, first use order, no
  // repeats.
  std::vector<std::string> access_paths;
};

// Process-wide memory limits (the daemons' flags): the default budget of
// a statement (a session may change its own with xp_statement_memory_limit)
// and the cap on the sum of what all running statements hold; 0: none.
void SetMemoryLimits(size_t statement_default, size_t node_cap);
size_t DefaultStatementMemory();
// The daemons' --statement_memory_limit_mb / --node_memory_limit_mb (node
// -1: AutoNodeMemoryCap()); returns the node cap in effect.
size_t SetMemoryLimitsMb(int64_t statement_mb, int64_t node_mb);
// The node-wide cap a daemon uses unless told otherwise: half the machine's
// memory, or 60% of the address-space limit (ulimit -v) when that is lower.
size_t AutoNodeMemoryCap();
// What running statements of this process hold now (charged, not freed).
size_t NodeMemoryInUse();

class QueryContext {
 public:
  // budget_bytes 0: unlimited (the node-wide cap still applies).
  explicit QueryContext(size_t budget_bytes = 0) : budget_(budget_bytes) {}
  ~QueryContext();
  QueryContext(const QueryContext&) = delete;
  QueryContext& operator=(const QueryContext&) = delete;

  // Thread-safe: the query fails with 1317 at its next batch.
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const {
    return cancelled_.load(std::memory_order_relaxed) ||
           (interrupt_ != nullptr &&
            interrupt_->load(std::memory_order_relaxed));
  }
  // Another flag that cancels the query when set (e.g. a protocol kill);
  // it must outlive the context.
  void set_interrupt(const std::atomic<bool>* flag) { interrupt_ = flag; }
  ExecStats& stats() { return stats_; }
  // Whether access paths are recorded (execution feedback asked for): off
  // by default, so a query builds no names it will not report.
  void set_collect_access_paths(bool on) { collect_paths_ = on; }
  bool collect_access_paths() const { return collect_paths_; }
  // Fails the query (3024) once `ms` milliseconds have passed; 0: none.
  void set_time_limit_ms(uint64_t ms);
  bool past_deadline() const;
  size_t used() const { return used_; }
  size_t budget() const { return budget_; }

  // Strict mode with ERROR_FOR_DIVISION_BY_ZERO while computing values to
  // store: x / 0 is error 1365 instead of NULL.
  void set_division_by_zero_error(bool on) { division_error_ = on; }
  bool division_by_zero_error() const { return division_error_; }

  // Accounts `bytes` more; error 7006 once the budget is exceeded.
  Status Charge(size_t bytes);

  // The context bound to this thread, or nullptr.
  static QueryContext* Current();

  // Binds a context to the current thread for its lifetime.
  class Bind {
   public:
    explicit Bind(QueryContext* c);
    ~Bind();
    Bind(const Bind&) = delete;
    Bind& operator=(const Bind&) = delete;

   private:
    QueryContext* previous_;
  };

 private:
  const size_t budget_;
  size_t used_ = 0;
  bool division_error_ = false;
  std::atomic<bool> cancelled_{false};
  const std::atomic<bool>* interrupt_ = nullptr;
  int64_t deadline_ns_ = 0;  // steady clock; 0: none
  ExecStats stats_;
  bool collect_paths_ = false;
};

// Charge / check against the current thread's context (no-ops without one).
Status ChargeMemory(size_t bytes);
Status CheckCancelled();
// Execution feedback for the current context (no-ops without one).
void CountExamined(size_t rows);
void NoteAccessPath(std::string path);
// True when the current context records access paths (build the name only
// then).
bool AccessPathsWanted();
// A division by zero: OK (the result is NULL) or error 1365 (22012).
Status DivisionByZero();

}  // namespace xp::exec
