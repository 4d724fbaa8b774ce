#include "plan/exec/query_context.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "codec/sql_errors.h"

namespace xp::exec {

namespace {
thread_local QueryContext* g_current = nullptr;
std::atomic<size_t> g_statement_default{0};
std::atomic<size_t> g_node_cap{0};
std::atomic<size_t> g_node_used{0};
}  // namespace

void SetMemoryLimits(size_t statement_default, size_t node_cap) {
  g_statement_default.store(statement_default, std::memory_order_relaxed);
  g_node_cap.store(node_cap, std::memory_order_relaxed);
}

size_t SetMemoryLimitsMb(int64_t statement_mb, int64_t node_mb) {
  const size_t node =
      node_mb < 0 ? AutoNodeMemoryCap() : static_cast<size_t>(node_mb) << 20;
  SetMemoryLimits(static_cast<size_t>(std::max<int64_t>(statement_mb, 0)) << 20,
                  node);
  return node;
}

size_t DefaultStatementMemory() {
  return g_statement_default.load(std::memory_order_relaxed);
}

size_t AutoNodeMemoryCap() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  size_t cap = pages > 0 && page > 0
                   ? static_cast<size_t>(pages) * static_cast<size_t>(page) / 2
                   : size_t{4} << 30;
  struct rlimit as {};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    cap = std::min(cap, static_cast<size_t>(as.rlim_cur) / 10 * 6);
  return cap;
}

size_t NodeMemoryInUse() { return g_node_used.load(std::memory_order_relaxed); }

QueryContext::~QueryContext() {
  g_node_used.fetch_sub(used_, std::memory_order_relaxed);
}

Status QueryContext::Charge(size_t bytes) {
  used_ += bytes;
  const size_t node =
      g_node_used.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (budget_ != 0 && used_ > budget_) {
    return SqlError(ER_XP_QUERY_MEMORY,
                    "Query exceeded its memory budget of " +
                        std::to_string(budget_) + " bytes (needed at least " +
                        std::to_string(used_) + "; xp_statement_memory_limit)");
  }
  const size_t cap = g_node_cap.load(std::memory_order_relaxed);
  if (cap != 0 && node > cap) {
    return SqlError(
        ER_XP_QUERY_MEMORY,
        "Query exceeded its memory budget: the statements running on this "
        "node hold " +
            std::to_string(node) + " bytes, over the node's limit of " +
            std::to_string(cap) + " (this one " + std::to_string(used_) + ")");
  }
  return Status::OK();
}

QueryContext* QueryContext::Current() { return g_current; }

namespace {
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void QueryContext::set_time_limit_ms(uint64_t ms) {
  deadline_ns_ = ms == 0 ? 0 : NowNs() + static_cast<int64_t>(ms) * 1000000;
}

bool QueryContext::past_deadline() const {
  return deadline_ns_ != 0 && NowNs() > deadline_ns_;
}

QueryContext::Bind::Bind(QueryContext* c) : previous_(g_current) {
  g_current = c;
}

QueryContext::Bind::~Bind() { g_current = previous_; }

Status ChargeMemory(size_t bytes) {
  return g_current == nullptr ? Status::OK() : g_current->Charge(bytes);
}

Status CheckCancelled() {
  if (g_current == nullptr) return Status::OK();
  if (g_current->cancelled()) {
    return SqlError(ER_QUERY_INTERRUPTED, "Query execution was interrupted");
  }
  if (g_current->past_deadline()) {
    return SqlError(ER_QUERY_TIMEOUT,
                    "Query execution was interrupted, maximum "
                    "statement execution time exceeded");
  }
  return Status::OK();
}

void CountExamined(size_t rows) {
  if (g_current != nullptr) g_current->stats().rows_examined += rows;
}

bool AccessPathsWanted() {
  return g_current != nullptr && g_current->collect_access_paths();
}

void NoteAccessPath(std::string path) {
  if (g_current == nullptr) return;
  auto& paths = g_current->stats().access_paths;
  for (const auto& p : paths) {
    if (p == path) return;
  }
  paths.push_back(std::move(path));
}

Status DivisionByZero() {
  if (g_current != nullptr && g_current->division_by_zero_error())
    return SqlError(ER_DIVISION_BY_ZERO, "Division by 0");
  return Status::OK();
}

}  // namespace xp::exec
