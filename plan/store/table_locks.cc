#include "plan/store/table_locks.h"

#include <algorithm>

namespace xp::exec {

bool TableLocks::Free(const void* owner, const Table& table, bool write) const {
  auto it = tables_.find(table);
  if (it == tables_.end()) return true;
  const Holders& h = it->second;
  if (h.writer != nullptr && h.writer != owner) return false;
  if (!write) return true;
  for (const auto& [reader, n] : h.readers)
    if (reader != owner) return false;
  return true;
}

bool TableLocks::Lock(const void* owner, const std::map<Table, bool>& tables,
                      std::chrono::steady_clock::time_point until) {
  MutexLock lock(&mu_);
  for (;;) {
    bool free = true;
    for (const auto& [table, write] : tables)
      free = free && Free(owner, table, write);
    if (free) break;
    if (released_.wait_until(mu_, until) == std::cv_status::timeout) {
      bool now_free = true;
      for (const auto& [table, write] : tables)
        now_free = now_free && Free(owner, table, write);
      if (!now_free) return false;
      break;
    }
  }
  std::vector<Table>& mine = held_[owner];
  if (mine.empty() && !tables.empty()) holders_.fetch_add(1);
  for (const auto& [table, write] : tables) {
    Holders& h = tables_[table];
    if (write) {
      h.writer = owner;
    } else {
      ++h.readers[owner];
    }
    mine.push_back(table);
  }
  if (mine.empty()) held_.erase(owner);
  return true;
}

void TableLocks::Unlock(const void* owner) {
  {
    MutexLock lock(&mu_);
    auto it = held_.find(owner);
    if (it == held_.end()) return;
    for (const Table& t : it->second) {
      auto h = tables_.find(t);
      if (h == tables_.end()) continue;
      if (h->second.writer == owner) h->second.writer = nullptr;
      h->second.readers.erase(owner);
      if (h->second.writer == nullptr && h->second.readers.empty())
        tables_.erase(h);
    }
    held_.erase(it);
    holders_.fetch_sub(1);
  }
  released_.notify_all();
}

bool TableLocks::WaitUsable(const void* owner, const Table& table, bool write,
                            std::chrono::steady_clock::time_point until,
                            const std::atomic<int>* ddl_waiting) {
  MutexLock lock(&mu_);
  while (!Free(owner, table, write)) {
    if (ddl_waiting->load() > 0) return false;
    const auto slice = std::min(until, std::chrono::steady_clock::now() +
                                           std::chrono::milliseconds(50));
    if (released_.wait_until(mu_, slice) == std::cv_status::timeout &&
        slice == until)
      return Free(owner, table, write);
  }
  return true;
}

}  // namespace xp::exec
