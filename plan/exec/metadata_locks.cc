#include "plan/exec/metadata_locks.h"

namespace xp::exec {

void MetadataLocks::Hold(const void* owner, const Table& table) {
  std::lock_guard<std::mutex> lock(mu_);
  if (holders_[table].insert(owner).second) held_[owner].push_back(table);
}

void MetadataLocks::Release(const void* owner) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(owner);
    if (it == held_.end()) return;
    for (const Table& t : it->second) {
      auto h = holders_.find(t);
      if (h == holders_.end()) continue;
      h->second.erase(owner);
      if (h->second.empty()) holders_.erase(h);
    }
    held_.erase(it);
    ++generation_;
  }
  released_.notify_all();
}

bool MetadataLocks::Busy(const void* owner, const std::vector<Table>& tables,
                         const std::vector<std::string>& databases,
                         uint64_t* generation) const {
  std::lock_guard<std::mutex> lock(mu_);
  *generation = generation_;
  auto others = [owner](const std::set<const void*>& s) {
    return s.size() > 1 || (s.size() == 1 && *s.begin() != owner);
  };
  for (const Table& t : tables) {
    auto h = holders_.find(t);
    if (h != holders_.end() && others(h->second)) return true;
  }
  for (const std::string& db : databases) {
    for (auto h = holders_.lower_bound(Table(db, std::string()));
         h != holders_.end() && h->first.first == db; ++h) {
      if (others(h->second)) return true;
    }
  }
  return false;
}

void MetadataLocks::WaitForRelease(
    uint64_t generation, std::chrono::steady_clock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  released_.wait_until(lock, until, [&] { return generation_ != generation; });
}

}  // namespace xp::exec
