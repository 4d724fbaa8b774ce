// Frame layouts on the wire (docs/PROTOCOL.md §2 "Framing").
//
// Plain (MySQL X Protocol):   uint32 LE length | uint8 type | payload
// Multiplexed (negotiated):   uint64 LE session id | uint32 LE length |
//                             uint8 type | payload
// `length` counts the type byte and the payload, never itself, so it is >= 1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xp::frame {

enum class Framing : uint8_t {
  kPlain = 0,
  kMultiplexed = 1,
};

inline constexpr size_t kPlainHeaderSize = 5;
inline constexpr size_t kMuxHeaderSize = 13;
inline constexpr size_t kLengthFieldSize = 4;
inline constexpr size_t kSessionIdSize = 8;
// Default maximum of the length field (type byte + payload): 64 MiB.
inline constexpr uint32_t kDefaultMaxFrameBytes = 64u << 20;

inline constexpr size_t HeaderSize(Framing f) {
  return f == Framing::kPlain ? kPlainHeaderSize : kMuxHeaderSize;
}

}  // namespace xp::frame
