// A growable byte buffer without zero-initialisation on growth, used for
// outgoing frames (encoded in place) and incoming stream bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace xp {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t capacity) { Reserve(capacity); }
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }

  // Grows the size by n and returns a pointer to the n new (uninitialised)
  // bytes. Invalidates earlier pointers into the buffer; keep offsets instead.
  uint8_t* Extend(size_t n) {
    if (size_ + n > capacity_) Grow(size_ + n);
    uint8_t* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  void Append(const void* p, size_t n) {
    if (n == 0) return;
    std::memcpy(Extend(n), p, n);
  }
  void Append(std::string_view s) { Append(s.data(), s.size()); }
  void Reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  // REQUIRES: n <= size().
  void Truncate(size_t n) { size_ = n; }
  void Clear() { size_ = 0; }
  // Drops the first n bytes, moving the rest to the front.
  // REQUIRES: n <= size().
  void Consume(size_t n) {
    if (n == size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  // Frees memory beyond `keep` bytes of capacity when the buffer is empty,
  // so one huge message does not pin memory for the life of a connection.
  void ShrinkIfEmpty(size_t keep) {
    if (size_ == 0 && capacity_ > keep) {
      data_.reset();
      capacity_ = 0;
      Grow(keep);
    }
  }

 private:
  void Grow(size_t need) {
    size_t cap = capacity_ < 256 ? 256 : capacity_;
    while (cap < need) cap *= 2;
    std::unique_ptr<uint8_t[]> next(new uint8_t[cap]);
    if (size_ > 0) std::memcpy(next.get(), data_.get(), size_);
    data_ = std::move(next);
    capacity_ = cap;
  }

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace xp
