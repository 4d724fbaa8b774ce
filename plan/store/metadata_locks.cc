#include "plan/store/metadata_locks.h"

namespace xp::exec {

void MetadataLocks::Hold(const void* owner, const Table& table) {
  MutexLock lock(&mu_);
  if (holders_[table].insert(owner).second) held_[owner].push_back(table);
}

void MetadataLocks::Release(const void* owner) {
  {
    MutexLock lock(&mu_);
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
  MutexLock lock(&mu_);
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
  MutexLock lock(&mu_);
  while (generation_ == generation &&
         released_.wait_until(mu_, until) != std::cv_status::timeout) {
  }
}

}  // namespace xp::exec
