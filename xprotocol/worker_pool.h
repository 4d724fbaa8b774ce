// Worker threads for requests that continue off their connection's I/O
// thread (Reply::Background, docs/PROTOCOL.md §7.1). Threads are made as
// jobs arrive, up to a maximum; more jobs wait in order. Knows nothing of
// connections or frames: a job is Run(), Cancel() and Refuse().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <thread>
#include <unordered_set>
#include <vector>

#include "codec/thread_annotations.h"

namespace xp {

class PoolJob {
 public:
  virtual ~PoolJob() = default;
  // On a worker thread, once.
  virtual void Run() = 0;
  // From any thread, any number of times: Run() should end soon.
  virtual void Cancel() = 0;
  // Instead of Run(), on the submitting thread, when the pool is stopped.
  virtual void Refuse() = 0;
};

class WorkerPool {
 public:
  explicit WorkerPool(size_t max_workers) : max_workers_(max_workers) {}
  ~WorkerPool() { Stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on a worker: an idle one, a new one while fewer than
  // max_workers exist, else the first that becomes free. After Stop() the
  // job is refused.
  void Submit(std::shared_ptr<PoolJob> job) XP_EXCLUDES(mu_);
  // Cancels running and waiting jobs (the waiting still run, cancelled, so
  // each ends through its own code path) and joins the workers. Idempotent.
  void Stop() XP_EXCLUDES(mu_);

  size_t workers() const XP_EXCLUDES(mu_);

 private:
  void Loop() XP_EXCLUDES(mu_);

  const size_t max_workers_;
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<PoolJob>> queue_ XP_GUARDED_BY(mu_);
  std::unordered_set<PoolJob*> active_ XP_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ XP_GUARDED_BY(mu_);
  size_t idle_ XP_GUARDED_BY(mu_) = 0;
  bool stopping_ XP_GUARDED_BY(mu_) = false;
};

}  // namespace xp
