// Columnar result chunks (RESULTSET_CHUNK payloads; docs/PROTOCOL.md §9.6):
// a batch as one buffer per column instead of one Row message per row.
//
//   u8 version (2; 1 is read too: no packed bodies), varint rows, varint
//   columns, then per column:
//     u8 phys (PhysType), u8 flags (bit 0: NULL bitmap present, bit 1: body
//     LZ4-compressed, bit 2: body packed)
//     [NULL bitmap: ceil(rows / 8) bytes; row i is bit (i % 8) of byte
//      i / 8, least significant bit first; 1 = NULL]
//     body: varint size, bytes — or, compressed: varint raw size, varint
//     compressed size, an LZ4 block of the (plain or packed) body
//   plain body of a fixed-width column: rows values, little-endian (8
//   bytes; 16 for DECIMAL's unscaled int128); of a string column: rows + 1
//   u32 little-endian offsets (the first 0) then the bytes.
//   packed body of an integer column (frame of reference): u8 width (0..64),
//   the minimum as 16 bytes little-endian two's complement, then each row's
//   value - minimum in `width` bits, LSB first; of a string column: u8
//   width (0..32), u32 LE minimum length, each row's length - minimum in
//   `width` bits, then the bytes. DOUBLE columns are never packed.
//   NULL rows' values are zero / empty (in a packed body: the minimum).
// The encoder packs integers when the range fits 64 bits and that is
// smaller, packs string lengths always (more than one row), and compresses
// a body with LZ4 only when that saves at least an eighth of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/exec/vector.h"
#include "plan/types/data_type.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"

namespace xp::exec {

inline constexpr size_t kMaxChunkRows = 1 << 20;

// Appends the first `columns` columns of `batch` as a chunk to *out.
void EncodeChunk(const Batch& batch, size_t columns, bool lz4,
                 std::string* out);

// Decodes a chunk into *out (its vectors replaced). Corruption with the
// offset and what was expected when the bytes are not a valid chunk. With
// `borrow_strings`, values of uncompressed string columns point into `in`
// (no copy; `in` must outlive *out); otherwise the batch owns them. A chunk
// of more than `max_rows` rows is Corruption: operators take batches of at
// most kBatchSize rows, so a reader that feeds them passes that.
Status DecodeChunk(std::string_view in, Batch* out, bool borrow_strings = false,
                   size_t max_rows = kMaxChunkRows);

// The SQL type a result column's metadata describes (what CellText and a
// chunk's reader need).
plan::DataType ColumnType(const Mysqlx::Resultset::ColumnMetaData& c);

// A result's chunks as batches, strings borrowed from the chunks where they
// are not compressed (keep `chunks` alive while using the batches); each
// chunk must have one column per `columns` entry.
Status DecodeChunks(const std::vector<std::string>& chunks, size_t columns,
                    std::vector<Batch>* out, size_t max_rows = kMaxChunkRows);

}  // namespace xp::exec
