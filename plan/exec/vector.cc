#include "plan/exec/vector.h"

#include <bit>
#include <cstdlib>
#include <new>

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
    const size_t size = n > kChunk ? n : kChunk;
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
  // Keep one standard-size chunk for reuse; free the rest.
  Chunk keep{nullptr, 0};
  for (Chunk& c : chunks_) {
    if (c.size == kChunk) {
      keep = std::move(c);
      break;
    }
  }
  chunks_.clear();
  reserved_ = keep.size;
  cur_ = keep.data.get();
  left_ = keep.size;
  if (keep.data) chunks_.push_back(std::move(keep));
}

void Vector::AlignedFree::operator()(uint8_t* p) const { std::free(p); }

Vector::Vector(PhysType type, size_t capacity)
    : type_(type), capacity_(capacity), nulls_((capacity + 63) / 64) {
  const size_t bytes = ((capacity * PhysTypeWidth(type) + 63) / 64) * 64;
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  data_.reset(static_cast<uint8_t*>(p));
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
