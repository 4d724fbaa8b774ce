#include "xprotocol/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace xp {
namespace {

// Runs until cancelled (or at once with `block` false); records what
// happened to it.
struct TestJob : PoolJob {
  explicit TestJob(bool block) : block(block) {}
  void Run() override {
    started = true;
    while (block && !cancelled.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ran = true;
  }
  void Cancel() override { cancelled = true; }
  void Refuse() override { refused = true; }
  const bool block;
  std::atomic<bool> started{false}, ran{false}, cancelled{false},
      refused{false};
};

void WaitFor(const std::atomic<bool>& flag) {
  for (int i = 0; i < 5000 && !flag.load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(WorkerPoolTest, RunsJobsOnAtMostMaxWorkers) {
  WorkerPool pool(2);
  auto a = std::make_shared<TestJob>(true);
  auto b = std::make_shared<TestJob>(true);
  auto c = std::make_shared<TestJob>(false);
  pool.Submit(a);
  pool.Submit(b);
  pool.Submit(c);
  WaitFor(a->started);
  WaitFor(b->started);
  EXPECT_TRUE(a->started && b->started);
  // Both workers are busy: the third waits for one of them.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(c->started.load());
  EXPECT_EQ(pool.workers(), 2u);
  a->Cancel();
  WaitFor(c->ran);
  EXPECT_TRUE(c->ran.load());
  pool.Stop();
  EXPECT_TRUE(b->cancelled.load());  // Stop() cancels what runs
  EXPECT_TRUE(b->ran.load());
}

TEST(WorkerPoolTest, StopCancelsWaitingJobsAndRefusesLaterOnes) {
  WorkerPool pool(1);
  auto running = std::make_shared<TestJob>(true);
  auto waiting = std::make_shared<TestJob>(true);
  pool.Submit(running);
  pool.Submit(waiting);
  WaitFor(running->started);
  pool.Stop();
  // The waiting job still ran, cancelled, so it ended through its own code.
  EXPECT_TRUE(waiting->cancelled.load());
  EXPECT_TRUE(waiting->ran.load());
  auto late = std::make_shared<TestJob>(false);
  pool.Submit(late);
  EXPECT_TRUE(late->refused.load());
  EXPECT_FALSE(late->started.load());
  pool.Stop();  // idempotent
}

}  // namespace
}  // namespace xp
