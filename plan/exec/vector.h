// Column batches for the vectorized executor (docs/ARCHITECTURE.md "A query in
// `plan/`"): a Batch holds up to kBatchSize rows as one Vector per column. A
// Vector is a fixed-width array (64-byte aligned) plus a NULL bitmap; strings
// are string_views into the vector's own arena, so a batch owns everything it
// points at and moving it moves no bytes. Operators process whole vectors:
// no per-row allocation, no virtual call per value.
//
// NULL bitmap: bit i of word i / 64 (least significant bit first) is 1 when
// row i is NULL. A vector that never had a NULL skips the bitmap entirely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "plan/types/phys_type.h"

namespace xp::exec {

inline constexpr size_t kBatchSize = 2048;

using plan::PhysType;
using plan::PhysTypeWidth;

// Bump allocator for string bytes. Chunks are never moved, so views stay
// valid until Reset(). Not thread-safe.
class StringArena {
 public:
  StringArena() = default;
  StringArena(StringArena&&) noexcept = default;
  StringArena& operator=(StringArena&&) noexcept = default;

  // Copies `s` into the arena and returns a view of the copy.
  std::string_view Store(std::string_view s);
  // Uninitialised space for `n` bytes.
  char* Allocate(size_t n);
  // Takes ownership of a block of `n` bytes (strings may point into it).
  void Adopt(std::unique_ptr<char[]> block, size_t n);
  // Forgets every string; keeps the first chunk for reuse.
  void Reset();
  size_t bytes_reserved() const { return reserved_; }

 private:
  // Chunks grow from kFirstChunk to kChunk, so a batch of a few short
  // strings does not take 64 KiB.
  static constexpr size_t kFirstChunk = 1024;
  static constexpr size_t kChunk = 64 * 1024;
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t reserved_ = 0;
};

class Vector {
 public:
  explicit Vector(PhysType type, size_t capacity = kBatchSize);
  Vector(Vector&&) noexcept = default;
  Vector& operator=(Vector&&) noexcept = default;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;

  PhysType type() const { return type_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // Sets the row count. REQUIRES: n <= capacity(). New rows are undefined
  // (and not NULL); callers fill them.
  void Resize(size_t n) { size_ = n; }
  // Drops all rows, NULL marks and strings; keeps the memory.
  void Reset();

  template <class T>
  T* data() {
    return reinterpret_cast<T*>(data_.get());
  }
  template <class T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_.get());
  }

  bool may_have_nulls() const { return has_nulls_; }
  bool IsNull(size_t i) const {
    return has_nulls_ && ((nulls_[i >> 6] >> (i & 63)) & 1);
  }
  void SetNull(size_t i) {
    if (!has_nulls_) {
      std::memset(nulls_.data(), 0, nulls_.size() * sizeof(uint64_t));
      has_nulls_ = true;
    }
    nulls_[i >> 6] |= uint64_t{1} << (i & 63);
  }
  void ClearNull(size_t i) {
    if (has_nulls_) nulls_[i >> 6] &= ~(uint64_t{1} << (i & 63));
  }
  // The bitmap words (capacity / 64 rounded up). Only meaningful when
  // may_have_nulls(); call SetNull first to materialise it.
  const uint64_t* null_words() const { return nulls_.data(); }
  uint64_t* mutable_null_words() {
    if (!has_nulls_) {
      std::memset(nulls_.data(), 0, nulls_.size() * sizeof(uint64_t));
      has_nulls_ = true;
    }
    return nulls_.data();
  }
  size_t null_count() const;

  // kString only: copies `s` into the arena and stores the view at row i.
  void SetString(size_t i, std::string_view s) {
    data<std::string_view>()[i] = arena_.Store(s);
  }
  StringArena& arena() { return arena_; }

  // Bytes held (values, bitmap, strings): for memory budgets.
  size_t bytes_reserved() const;

 private:
  // Gives the block back to this thread's block cache (vector.cc) or
  // frees it.
  struct AlignedFree {
    AlignedFree() : bytes(0) {}
    explicit AlignedFree(size_t b) : bytes(b) {}
    void operator()(uint8_t* p) const;
    size_t bytes;
  };

  PhysType type_;
  size_t size_ = 0;
  size_t capacity_;
  std::unique_ptr<uint8_t[], AlignedFree> data_;
  std::vector<uint64_t> nulls_;
  bool has_nulls_ = false;
  StringArena arena_;
};

// 0, 1, ... kBatchSize - 1: the selection that keeps every row (one
// shared table, made once).
const uint32_t* IdentitySelection();

// Copies the value (or NULL mark) of row `from` of `src` into row `to` of
// `dst`. Strings copy their view, not their bytes.
// REQUIRES: same PhysType.
void CopyValue(const Vector& src, size_t from, Vector* dst, size_t to);

// A set of equally long column vectors.
class Batch {
 public:
  Batch() = default;
  explicit Batch(const std::vector<PhysType>& types,
                 size_t capacity = kBatchSize);
  Batch(Batch&&) noexcept = default;
  Batch& operator=(Batch&&) noexcept = default;

  size_t num_columns() const { return columns_.size(); }
  size_t num_rows() const { return rows_; }
  // Sets the row count of the batch and every column.
  void SetRows(size_t n);
  void Reset();
  Vector& column(size_t i) { return columns_[i]; }
  const Vector& column(size_t i) const { return columns_[i]; }
  size_t bytes_reserved() const;

 private:
  std::vector<Vector> columns_;
  size_t rows_ = 0;
};

}  // namespace xp::exec
