#include "plan/exec/vector.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <new>
#include <vector>

namespace xp::exec {

std::string_view StringArena::Store(std::string_view s) {
  if (s.empty()) return std::string_view();
  char* p = Allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return std::string_view(p, s.size());
}

void StringArena::Adopt(std::unique_ptr<char[]> block, size_t n) {
  // Kept before the current chunk so Allocate() goes on filling that one.
  chunks_.insert(chunks_.empty() ? chunks_.end() : chunks_.end() - 1,
                 Chunk{std::move(block), n});
  reserved_ += n;
}

char* StringArena::Allocate(size_t n) {
  if (n > left_) {
    size_t size = chunks_.empty() ? kFirstChunk
                                  : std::min(chunks_.back().size * 2, kChunk);
    if (size < n) size = n;
    chunks_.push_back(Chunk{std::unique_ptr<char[]>(new char[size]), size});
    reserved_ += size;
    cur_ = chunks_.back().data.get();
    left_ = size;
  }
  char* p = cur_;
  cur_ += n;
  left_ -= n;
  return p;
}

void StringArena::Reset() {
  // Keep the largest chunk up to the standard size for reuse; free the
  // rest.
  Chunk keep{nullptr, 0};
  for (Chunk& c : chunks_) {
    if (c.size <= kChunk && c.size > keep.size) keep = std::move(c);
  }
  chunks_.clear();
  reserved_ = keep.size;
  cur_ = keep.data.get();
  left_ = keep.size;
  if (keep.data) chunks_.push_back(std::move(keep));
}

namespace {

// Freed value blocks, a few of each size, per thread: operators are built
// per statement (a point read builds several, each with whole-batch
// vectors of 16-32 KiB), and taking a block back from here costs nothing
// where aligned_alloc and free of such sizes cost more than the read.
// Blocks are uninitialised either way.
class BlockCache {
 public:
  ~BlockCache() {
    for (Slot& s : slots_)
      for (void* p : s.free) std::free(p);
  }
  void* Take(size_t bytes) {
    for (Slot& s : slots_) {
      if (s.bytes == bytes && !s.free.empty()) {
        void* p = s.free.back();
        s.free.pop_back();
        return p;
      }
    }
    return nullptr;
  }
  bool Give(void* p, size_t bytes) {
    for (Slot& s : slots_) {
      if (s.bytes == 0) s.bytes = bytes;
      if (s.bytes != bytes) continue;
      if (s.free.size() >= kPerSize) return false;
      s.free.push_back(p);
      return true;
    }
    return false;
  }

 private:
  static constexpr size_t kPerSize = 16;
  struct Slot {
    size_t bytes = 0;
    std::vector<void*> free;
  };
  std::array<Slot, 4> slots_;
};

// The cache lives until its thread ends; vectors freed after that (by
// other thread-local destructors) go straight to free().
thread_local BlockCache* t_blocks = nullptr;
struct BlockCacheOwner {
  BlockCacheOwner() { t_blocks = &cache; }
  ~BlockCacheOwner() { t_blocks = nullptr; }
  BlockCache cache;
};

BlockCache* Blocks() {
  thread_local BlockCacheOwner owner;
  return t_blocks;
}

}  // namespace

void Vector::AlignedFree::operator()(uint8_t* p) const {
  BlockCache* cache = t_blocks;
  if (cache == nullptr || !cache->Give(p, bytes)) std::free(p);
}

Vector::Vector(PhysType type, size_t capacity)
    : type_(type), capacity_(capacity), nulls_((capacity + 63) / 64) {
  size_t bytes = ((capacity * PhysTypeWidth(type) + 63) / 64) * 64;
  if (bytes == 0) bytes = 64;
  BlockCache* cache = Blocks();
  void* p = cache != nullptr ? cache->Take(bytes) : nullptr;
  if (p == nullptr) p = std::aligned_alloc(64, bytes);
  if (p == nullptr) throw std::bad_alloc();
  data_ = std::unique_ptr<uint8_t[], AlignedFree>(static_cast<uint8_t*>(p),
                                                  AlignedFree{bytes});
}

void Vector::Reset() {
  size_ = 0;
  has_nulls_ = false;
  arena_.Reset();
}

size_t Vector::null_count() const {
  if (!has_nulls_) return 0;
  size_t n = 0;
  const size_t full = size_ / 64;
  for (size_t w = 0; w < full; ++w) n += std::popcount(nulls_[w]);
  if (size_ % 64)
    n += std::popcount(nulls_[full] & ((uint64_t{1} << (size_ % 64)) - 1));
  return n;
}

size_t Vector::bytes_reserved() const {
  return capacity_ * PhysTypeWidth(type_) + nulls_.size() * sizeof(uint64_t) +
         arena_.bytes_reserved();
}

const uint32_t* IdentitySelection() {
  static const std::array<uint32_t, kBatchSize> identity = [] {
    std::array<uint32_t, kBatchSize> a{};
    for (size_t i = 0; i < kBatchSize; ++i) a[i] = static_cast<uint32_t>(i);
    return a;
  }();
  return identity.data();
}

void CopyValue(const Vector& src, size_t from, Vector* dst, size_t to) {
  if (src.IsNull(from)) {
    dst->SetNull(to);
    return;
  }
  switch (src.type()) {
    case PhysType::kInt64:
      dst->data<int64_t>()[to] = src.data<int64_t>()[from];
      break;
    case PhysType::kUInt64:
      dst->data<uint64_t>()[to] = src.data<uint64_t>()[from];
      break;
    case PhysType::kDouble:
      dst->data<double>()[to] = src.data<double>()[from];
      break;
    case PhysType::kInt128:
      dst->data<__int128>()[to] = src.data<__int128>()[from];
      break;
    case PhysType::kString:
      dst->data<std::string_view>()[to] = src.data<std::string_view>()[from];
      break;
  }
}

Batch::Batch(const std::vector<PhysType>& types, size_t capacity) {
  columns_.reserve(types.size());
  for (PhysType t : types) columns_.emplace_back(t, capacity);
}

void Batch::SetRows(size_t n) {
  rows_ = n;
  for (auto& c : columns_) c.Resize(n);
}

void Batch::Reset() {
  rows_ = 0;
  for (auto& c : columns_) c.Reset();
}

size_t Batch::bytes_reserved() const {
  size_t n = 0;
  for (const auto& c : columns_) n += c.bytes_reserved();
  return n;
}

}  // namespace xp::exec
