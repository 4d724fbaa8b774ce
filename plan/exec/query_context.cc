#include "plan/exec/query_context.h"

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

QueryContext::Bind::Bind(QueryContext* c) : previous_(g_current) {
  g_current = c;
}

QueryContext::Bind::~Bind() { g_current = previous_; }

Status ChargeMemory(size_t bytes) {
  return g_current == nullptr ? Status::OK() : g_current->Charge(bytes);
}

Status CheckCancelled() {
  if (g_current != nullptr && g_current->cancelled()) {
    return Status::SqlError(kErrQueryInterrupted, "70100",
                            "Query execution was interrupted");
  }
  return Status::OK();
}

Status DivisionByZero() {
  if (g_current != nullptr && g_current->division_by_zero_error())
    return Status::SqlError(1365, "22012", "Division by 0");
  return Status::OK();
}

}  // namespace xp::exec
