// Memcomparable key encoding (docs/ARCHITECTURE.md, `dn/`): keys whose bytewise
// order (memcmp, then length) is the SQL order of the values they encode, so
// that an index range is a RocksDB key range.
//
//   key    = table id (8 bytes BE) + index id (4 bytes BE) + field*
//   field  = 0x01                                   NULL (first ascending)
//          | 0x02 + payload                         a value
//   payload by kind:
//     signed 64-bit     8 bytes big-endian, sign bit flipped
//     unsigned 64-bit   8 bytes big-endian
//     double            8 bytes: sign bit flipped for >= 0, all bits
//                       inverted for < 0 (-0.0 encodes as 0.0)
//     decimal           16 bytes big-endian two's complement of the
//                       unscaled value at the column's fixed scale, sign
//                       bit flipped
//     bytes             each 0x00 as 0x00 0xFF, then 0x00 0x01 (so no
//                       encoding is a prefix of another)
//     text (_ci)        the bytes of the ASCII-lower-cased value without
//                       trailing spaces (PAD SPACE), as for `bytes`; the
//                       original value lives in the row, not the key
//   A DESC field has every byte of its encoding (marker included) inverted,
//   which also puts NULL last, as MySQL does for DESC.
//
// Decoding reads back exact kinds; `text` is lossy and can only be skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/status.h"

namespace xp::key {

enum class Kind : uint8_t { kInt64, kUInt64, kDouble, kDecimal, kBytes, kText };

inline constexpr size_t kPrefixSize = 12;  // table id + index id

// Appends the table/index prefix.
void AppendPrefix(uint64_t table_id, uint32_t index_id, std::string* out);

void AppendNull(bool desc, std::string* out);
void AppendInt64(int64_t v, bool desc, std::string* out);
void AppendUInt64(uint64_t v, bool desc, std::string* out);
void AppendDouble(double v, bool desc, std::string* out);
void AppendDecimal(__int128 unscaled, bool desc, std::string* out);
void AppendBytes(std::string_view v, bool desc, std::string* out);
void AppendText(std::string_view v, bool desc, std::string* out);

// The smallest key greater than every key starting with `prefix` (for
// iterator upper bounds); empty when there is none (all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// Reads fields back. Every method consumes one field; errors (Corruption)
// on truncated or malformed input.
class Decoder {
 public:
  // REQUIRES: the bytes of `key` outlive the decoder.
  explicit Decoder(std::string_view key) : in_(key) {}
  Status ReadPrefix(uint64_t* table_id, uint32_t* index_id);
  // *is_null set for a NULL field (the value is left untouched).
  Status ReadInt64(bool desc, bool* is_null, int64_t* v);
  Status ReadUInt64(bool desc, bool* is_null, uint64_t* v);
  Status ReadDouble(bool desc, bool* is_null, double* v);
  Status ReadDecimal(bool desc, bool* is_null, __int128* v);
  Status ReadBytes(bool desc, bool* is_null, std::string* v);
  Status Skip(Kind kind, bool desc);
  std::string_view rest() const { return in_.substr(pos_); }
  size_t position() const { return pos_; }

 private:
  Status Marker(bool desc, bool* is_null);
  Status Fixed(size_t n, bool desc, unsigned char* out);
  Status Escaped(bool desc, std::string* out);

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace xp::key
