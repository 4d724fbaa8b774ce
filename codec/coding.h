// Little-endian fixed-width and base-128 varint helpers (protobuf varints).
// Pure functions over bytes; no allocation except when appending to a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace xp {

inline constexpr int kMaxVarint64Bytes = 10;

inline void EncodeFixed32(uint8_t* dst, uint32_t v) {
  dst[0] = static_cast<uint8_t>(v);
  dst[1] = static_cast<uint8_t>(v >> 8);
  dst[2] = static_cast<uint8_t>(v >> 16);
  dst[3] = static_cast<uint8_t>(v >> 24);
}
inline void EncodeFixed64(uint8_t* dst, uint64_t v) {
  EncodeFixed32(dst, static_cast<uint32_t>(v));
  EncodeFixed32(dst + 4, static_cast<uint32_t>(v >> 32));
}
inline uint32_t DecodeFixed32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t DecodeFixed64(const uint8_t* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) |
         (static_cast<uint64_t>(DecodeFixed32(p + 4)) << 32);
}

inline void PutFixed32(std::string* dst, uint32_t v) {
  uint8_t b[4];
  EncodeFixed32(b, v);
  dst->append(reinterpret_cast<char*>(b), 4);
}
inline void PutFixed64(std::string* dst, uint64_t v) {
  uint8_t b[8];
  EncodeFixed64(b, v);
  dst->append(reinterpret_cast<char*>(b), 8);
}

// Writes v at dst (needs up to 10 bytes); returns one past the last byte.
inline uint8_t* EncodeVarint64(uint8_t* dst, uint64_t v) {
  while (v >= 0x80) {
    *dst++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *dst++ = static_cast<uint8_t>(v);
  return dst;
}
inline int VarintLength(uint64_t v) {
  int len = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++len;
  }
  return len;
}
inline void PutVarint64(std::string* dst, uint64_t v) {
  uint8_t b[kMaxVarint64Bytes];
  uint8_t* end = EncodeVarint64(b, v);
  dst->append(reinterpret_cast<char*>(b), end - b);
}

// Parses a varint from [p, limit). Returns one past its last byte, or nullptr
// when the input is truncated or longer than 10 bytes / overflows 64 bits.
inline const uint8_t* DecodeVarint64(const uint8_t* p, const uint8_t* limit,
                                     uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p < limit; shift += 7) {
    uint64_t byte = *p++;
    if (shift == 63 && byte > 1) return nullptr;
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *value = result;
      return p;
    }
  }
  return nullptr;
}

// Consumes a varint from the front of *in. Returns false on malformed input.
inline bool GetVarint64(std::string_view* in, uint64_t* value) {
  auto* p = reinterpret_cast<const uint8_t*>(in->data());
  const uint8_t* end = DecodeVarint64(p, p + in->size(), value);
  if (end == nullptr) return false;
  in->remove_prefix(end - p);
  return true;
}

inline uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Hex helpers (tools, golden vectors, SQL MD5() / SHA()): "0a1b..." lower
// case.
std::string ToHex(std::string_view bytes);
// Accepts upper/lower case and ignores whitespace. Returns false on odd length
// or a non-hex character.
bool FromHex(std::string_view hex, std::string* out);
// The value of one hex digit (either case), or -1.
int HexValue(char c);

}  // namespace xp
