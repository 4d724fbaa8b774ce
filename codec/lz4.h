// LZ4 helpers. Frame format (LZ4F, self-describing, used by the X Protocol
// `lz4_message` compression: one LZ4 frame per Compression message) and raw
// blocks (for columnar chunks). Decompression is always bounded by a caller
// limit so a small input cannot expand into unbounded memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "codec/status.h"

namespace xp::lz4 {

// Appends one complete LZ4 frame holding `in` to *out.
Status CompressFrame(std::string_view in, std::string* out);

// Decompresses exactly one LZ4 frame from `in` into *out (replacing it).
// Fails with Corruption on malformed input or trailing bytes, and with
// ResourceExhausted when the output would exceed max_out bytes.
Status DecompressFrame(std::string_view in, size_t max_out, std::string* out);

// Raw block format: appends the compressed block to *out.
void CompressBlock(std::string_view in, std::string* out);
// REQUIRES: the exact decompressed size is known (it travels beside a block).
Status DecompressBlock(std::string_view in, size_t decompressed_size,
                       std::string* out);
// The same into `size` bytes at `out` (no zero-filling of a string first).
Status DecompressBlockTo(std::string_view in, char* out, size_t size);

}  // namespace xp::lz4
