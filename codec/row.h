// Compact row encoding for stored rows (docs/ARCHITECTURE.md, `dn/`): the value
// of a table's primary-key entry in RocksDB.
//
//   row    = varint schema_version, varint column_count,
//            NULL bitmap (column_count bits, LSB first, ceil(n/8) bytes),
//            then each non-NULL column in order:
//              kInt64   zigzag varint
//              kUInt64  varint
//              kDouble  8 bytes little-endian IEEE 754
//              kDecimal 16 bytes little-endian two's complement (unscaled)
//              kBytes / kText  varint length + bytes
//
// The stored column count lets a table grow columns without rewriting old
// rows (ADD COLUMN: columns past a row's count take their default); the
// version says which schema wrote the row, so a reader can map dropped or
// reordered columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/key.h"
#include "codec/status.h"

namespace xp::row {

// One column value for the encoder; `null` wins over the others.
struct Cell {
  bool null = true;
  int64_t i = 0;       // kInt64
  uint64_t u = 0;      // kUInt64
  double d = 0;        // kDouble
  __int128 dec = 0;    // kDecimal
  std::string_view s;  // kBytes / kText
};

// Encodes `cells` (typed by `kinds`, same length) into *out (appended).
void Encode(uint64_t schema_version, const std::vector<key::Kind>& kinds,
            const std::vector<Cell>& cells, std::string* out);

// A decoded row view: strings point into the encoded bytes.
struct DecodedRow {
  uint64_t schema_version = 0;
  std::vector<Cell> cells;  // as many as the row stored
};

// Decodes with the kinds of the writing schema (`kinds` may be longer than
// the row: trailing columns added later). Corruption on malformed input.
Status Decode(std::string_view in, const std::vector<key::Kind>& kinds,
              DecodedRow* out);

// The schema version of an encoded row.
Status PeekVersion(std::string_view in, uint64_t* version);

}  // namespace xp::row
