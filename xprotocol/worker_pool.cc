#include "xprotocol/worker_pool.h"

namespace xp {

void WorkerPool::Submit(std::shared_ptr<PoolJob> job) {
  UniqueLock lock(&mu_);
  if (stopping_) {
    lock.Unlock();
    job->Refuse();
    return;
  }
  queue_.push_back(std::move(job));
  if (idle_ < queue_.size() && threads_.size() < max_workers_) {
    threads_.emplace_back([this] { Loop(); });
  } else {
    cv_.notify_one();
  }
}

void WorkerPool::Loop() {
  UniqueLock lock(&mu_);
  for (;;) {
    ++idle_;
    while (!stopping_ && queue_.empty()) cv_.wait(lock.native());
    --idle_;
    if (queue_.empty()) return;  // stopping
    std::shared_ptr<PoolJob> job = std::move(queue_.front());
    queue_.pop_front();
    active_.insert(job.get());
    if (stopping_) job->Cancel();
    lock.Unlock();
    job->Run();
    lock.Lock();
    active_.erase(job.get());
  }
}

void WorkerPool::Stop() {
  std::vector<std::thread> threads;
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    for (PoolJob* j : active_) j->Cancel();
    for (auto& j : queue_) j->Cancel();
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

size_t WorkerPool::workers() const {
  MutexLock lock(&mu_);
  return threads_.size();
}

}  // namespace xp
