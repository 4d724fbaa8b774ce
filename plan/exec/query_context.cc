#include "plan/exec/query_context.h"

#include <chrono>
#include <string>

namespace xp::exec {

namespace {
thread_local QueryContext* g_current = nullptr;
}  // namespace

Status QueryContext::Charge(size_t bytes) {
  used_ += bytes;
  if (budget_ != 0 && used_ > budget_) {
    return Status::SqlError(
        kErrQueryMemory, "HY000",
        "Query exceeded its memory budget of " + std::to_string(budget_) +
            " bytes (needed at least " + std::to_string(used_) + ")");
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
    return Status::SqlError(kErrQueryInterrupted, "70100",
                            "Query execution was interrupted");
  }
  if (g_current->past_deadline()) {
    return Status::SqlError(kErrQueryTimeout, "HY000",
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
    return Status::SqlError(1365, "22012", "Division by 0");
  return Status::OK();
}

}  // namespace xp::exec
