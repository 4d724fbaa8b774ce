#include "plan/exec/chunk.h"

#include <cstring>

#include "codec/coding.h"
#include "codec/lz4.h"

namespace xp::exec {

namespace {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kHasNulls = 1, kLz4 = 2;

}  // namespace

void EncodeChunk(const Batch& batch, size_t columns, bool lz4,
                 std::string* out) {
  const size_t rows = batch.num_rows();
  out->push_back(static_cast<char>(kVersion));
  PutVarint64(out, rows);
  PutVarint64(out, columns);
  std::string body, packed;
  for (size_t c = 0; c < columns; ++c) {
    const Vector& v = batch.column(c);
    body.clear();
    if (v.type() == PhysType::kString) {
      uint32_t off = 0;
      body.resize((rows + 1) * 4);
      std::memcpy(&body[0], &off, 4);
      const std::string_view* s = v.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) {
        if (!v.IsNull(i)) {
          body.append(s[i]);
          off += static_cast<uint32_t>(s[i].size());
        }
        std::memcpy(&body[(i + 1) * 4], &off, 4);
      }
    } else {
      const size_t w = PhysTypeWidth(v.type());
      body.assign(reinterpret_cast<const char*>(v.data<uint8_t>()), rows * w);
      for (size_t i = 0; i < rows; ++i) {
        if (v.IsNull(i)) std::memset(&body[i * w], 0, w);
      }
    }
    const bool nulls = v.may_have_nulls() && v.null_count() > 0;
    uint8_t flags = nulls ? kHasNulls : 0;
    packed.clear();
    if (lz4 && body.size() >= 64) {
      lz4::CompressBlock(body, &packed);
      if (packed.size() > body.size() - body.size() / 8) packed.clear();
    }
    if (!packed.empty()) flags |= kLz4;
    out->push_back(static_cast<char>(v.type()));
    out->push_back(static_cast<char>(flags));
    if (nulls) {
      const size_t bytes = (rows + 7) / 8;
      const size_t at = out->size();
      out->resize(at + bytes);
      for (size_t i = 0; i < rows; ++i) {
        if (v.IsNull(i)) (*out)[at + i / 8] |= static_cast<char>(1 << (i % 8));
      }
    }
    if (!packed.empty()) {
      PutVarint64(out, body.size());
      PutVarint64(out, packed.size());
      out->append(packed);
    } else {
      PutVarint64(out, body.size());
      out->append(body);
    }
  }
}

Status DecodeChunk(std::string_view in, Batch* out, bool borrow_strings) {
  const size_t total = in.size();
  auto bad = [&](const std::string& what) {
    return Status::Corruption("chunk offset " +
                              std::to_string(total - in.size()) + ": " + what);
  };
  if (in.empty() || static_cast<uint8_t>(in[0]) != kVersion)
    return bad("expected chunk format version 1");
  in.remove_prefix(1);
  uint64_t rows, columns;
  if (!GetVarint64(&in, &rows) || rows > kMaxChunkRows)
    return bad("expected a row count up to " + std::to_string(kMaxChunkRows));
  if (!GetVarint64(&in, &columns) || columns > in.size() / 3)
    return bad("expected a column count that fits the chunk");
  std::vector<PhysType> types;
  std::vector<std::string_view> nulls, bodies;
  std::vector<std::string> unpacked(columns);
  for (uint64_t c = 0; c < columns; ++c) {
    if (in.size() < 2) return bad("expected a column header");
    const uint8_t phys = static_cast<uint8_t>(in[0]);
    const uint8_t flags = static_cast<uint8_t>(in[1]);
    if (phys > static_cast<uint8_t>(PhysType::kString))
      return bad("unknown column type " + std::to_string(phys));
    if (flags & ~(kHasNulls | kLz4)) return bad("unknown column flags");
    in.remove_prefix(2);
    types.push_back(static_cast<PhysType>(phys));
    std::string_view bitmap;
    if (flags & kHasNulls) {
      const size_t bytes = (rows + 7) / 8;
      if (in.size() < bytes) return bad("expected a NULL bitmap");
      bitmap = in.substr(0, bytes);
      in.remove_prefix(bytes);
    }
    nulls.push_back(bitmap);
    uint64_t size;
    if (!GetVarint64(&in, &size)) return bad("expected a body size");
    std::string_view body;
    if (flags & kLz4) {
      uint64_t packed;
      if (!GetVarint64(&in, &packed) || packed > in.size())
        return bad("expected a compressed body");
      if (size > (rows + 1) * 16 + (uint64_t{1} << 30))
        return bad("body larger than any chunk");
      XP_RETURN_IF_ERROR(
          lz4::DecompressBlock(in.substr(0, packed), size, &unpacked[c]));
      in.remove_prefix(packed);
      body = unpacked[c];
    } else {
      unpacked[c].clear();
      if (size > in.size())
        return bad("expected a body of " + std::to_string(size) + " bytes");
      body = in.substr(0, size);
      in.remove_prefix(size);
    }
    const PhysType t = static_cast<PhysType>(phys);
    if (t == PhysType::kString) {
      if (body.size() < (rows + 1) * 4) return bad("expected string offsets");
      const size_t data = body.size() - (rows + 1) * 4;
      uint32_t prev = 0;
      for (size_t i = 0; i <= rows; ++i) {
        uint32_t off;
        std::memcpy(&off, body.data() + i * 4, 4);
        if (off < prev || off > data || (i == 0 && off != 0))
          return bad("string offsets out of order or range");
        prev = off;
      }
      if (prev != data) return bad("string bytes beyond the last offset");
    } else if (body.size() != rows * PhysTypeWidth(t)) {
      return bad("expected " + std::to_string(rows * PhysTypeWidth(t)) +
                 " value bytes");
    }
    bodies.push_back(body);
  }
  if (!in.empty()) return bad("trailing bytes");
  *out = Batch(types, rows == 0 ? 1 : rows);
  for (size_t c = 0; c < columns; ++c) {
    Vector& v = out->column(c);
    const std::string_view body = bodies[c];
    if (types[c] == PhysType::kString) {
      const char* data = body.data() + (rows + 1) * 4;
      for (size_t i = 0; i < rows; ++i) {
        uint32_t a, b;
        std::memcpy(&a, body.data() + i * 4, 4);
        std::memcpy(&b, body.data() + (i + 1) * 4, 4);
        const std::string_view s(data + a, b - a);
        if (borrow_strings && unpacked[c].empty()) {
          v.data<std::string_view>()[i] = s;  // into the caller's chunk
        } else {
          v.SetString(i, s);
        }
      }
    } else if (rows > 0) {
      std::memcpy(v.data<uint8_t>(), body.data(), body.size());
    }
    for (size_t i = 0; i < rows && !nulls[c].empty(); ++i) {
      if ((static_cast<uint8_t>(nulls[c][i / 8]) >> (i % 8)) & 1) v.SetNull(i);
    }
  }
  out->SetRows(rows);
  return Status::OK();
}

plan::DataType ColumnType(const Mysqlx::Resultset::ColumnMetaData& c) {
  using Col = Mysqlx::Resultset::ColumnMetaData;
  using plan::DataType;
  switch (c.type()) {
    case Col::SINT:
      return DataType::Int();
    case Col::UINT:
      return DataType::UInt();
    case Col::DOUBLE:
      return DataType::Double();
    case Col::FLOAT: {
      DataType t = DataType::Double();
      t.float_type = true;
      return t;
    }
    case Col::DECIMAL:
      return DataType::Decimal(
          static_cast<int>(c.length() > 2 ? c.length() - 2 : 1),
          static_cast<int>(c.fractional_digits()));
    case Col::DATETIME:
      return c.content_type() == Mysqlx::Resultset::DATE
                 ? DataType::Date()
                 : DataType::DateTime(static_cast<int>(c.fractional_digits()));
    case Col::TIME:
      return DataType::Time(static_cast<int>(c.fractional_digits()));
    default:
      return DataType::String(c.length(), c.collation() == 63);
  }
}

Status DecodeChunks(const std::vector<std::string>& chunks, size_t columns,
                    std::vector<Batch>* out) {
  out->clear();
  out->reserve(chunks.size());
  for (const std::string& chunk : chunks) {
    out->emplace_back();
    XP_RETURN_IF_ERROR(DecodeChunk(chunk, &out->back(), /*borrow=*/true));
    if (out->back().num_columns() != columns) {
      return Status::Corruption(
          "chunk of " + std::to_string(out->back().num_columns()) +
          " columns in a result of " + std::to_string(columns));
    }
  }
  return Status::OK();
}

}  // namespace xp::exec
