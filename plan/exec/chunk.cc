#include "plan/exec/chunk.h"

#include <algorithm>
#include <cstring>

#include "codec/coding.h"
#include "codec/lz4.h"

namespace xp::exec {

namespace {

constexpr uint8_t kVersion = 2;  // 1: no packed bodies
constexpr uint8_t kHasNulls = 1, kLz4 = 2, kPacked = 4;

// LSB-first bit packing of `width`-bit values.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  void Put(uint64_t v, int width) {
    acc_ |= static_cast<unsigned __int128>(v) << bits_;
    bits_ += width;
    while (bits_ >= 8) {
      out_->push_back(static_cast<char>(acc_ & 0xff));
      acc_ >>= 8;
      bits_ -= 8;
    }
  }
  void Finish() {
    if (bits_ > 0) out_->push_back(static_cast<char>(acc_ & 0xff));
    acc_ = 0;
    bits_ = 0;
  }

 private:
  std::string* out_;
  unsigned __int128 acc_ = 0;
  int bits_ = 0;
};

class BitReader {
 public:
  explicit BitReader(const char* p) : p_(reinterpret_cast<const uint8_t*>(p)) {}
  uint64_t Get(int width) {
    while (bits_ < width) {
      acc_ |= static_cast<unsigned __int128>(*p_++) << bits_;
      bits_ += 8;
    }
    const uint64_t v = width == 64 ? static_cast<uint64_t>(acc_)
                                   : static_cast<uint64_t>(acc_) &
                                         ((uint64_t{1} << width) - 1);
    acc_ >>= width;
    bits_ -= width;
    return v;
  }

 private:
  const uint8_t* p_;
  unsigned __int128 acc_ = 0;
  int bits_ = 0;
};

// Calls f(i, value) for the n `width`-bit values packed LSB-first at p
// (`bytes` long, at least PackedBytes(n, width)): eight-byte loads where
// they fit, the BitReader near the end and for widths over 57.
template <class F>
void Unpack(const char* p, size_t bytes, int width, size_t n, F f) {
  size_t i = 0;
  if (width == 0) {
    for (; i < n; ++i) f(i, 0);
    return;
  }
  if (width <= 57) {
    const uint64_t mask = (uint64_t{1} << width) - 1;
    for (; i < n; ++i) {
      const size_t bit = i * static_cast<size_t>(width);
      if ((bit >> 3) + 8 > bytes) break;
      uint64_t x;
      std::memcpy(&x, p + (bit >> 3), 8);
      f(i, (x >> (bit & 7)) & mask);
    }
  }
  if (i == n) return;
  // The rest, bit by bit from the first byte still needed.
  const size_t bit = i * static_cast<size_t>(width);
  BitReader r(p + (bit >> 3));
  if (bit & 7) (void)r.Get(static_cast<int>(bit & 7));
  for (; i < n; ++i) f(i, r.Get(width));
}

int BitsFor(unsigned __int128 range) {
  int w = 0;
  while (w < 128 && (range >> w) != 0) ++w;
  return w;
}

size_t PackedBytes(size_t rows, int width) {
  return (rows * static_cast<size_t>(width) + 7) / 8;
}

// The value of row i of an integer column as a signed 128-bit number.
__int128 IntAt(const Vector& v, size_t i) {
  switch (v.type()) {
    case PhysType::kInt64:
      return v.data<int64_t>()[i];
    case PhysType::kUInt64:
      return static_cast<__int128>(v.data<uint64_t>()[i]);
    default:
      return v.data<__int128>()[i];
  }
}

// A frame-of-reference body for an integer column: u8 width, the base
// (16 bytes, little-endian two's complement), then each row's value - base
// in `width` bits, LSB first (NULL rows: 0). False when the range does not
// fit 64 bits or when packing does not pay.
bool PackInts(const Vector& v, size_t rows, std::string* body) {
  if (v.type() != PhysType::kInt64 && v.type() != PhysType::kUInt64 &&
      v.type() != PhysType::kInt128)
    return false;
  bool any = false;
  __int128 lo = 0, hi = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (v.IsNull(i)) continue;
    const __int128 x = IntAt(v, i);
    if (!any || x < lo) lo = x;
    if (!any || x > hi) hi = x;
    any = true;
  }
  const unsigned __int128 range =
      static_cast<unsigned __int128>(hi) - static_cast<unsigned __int128>(lo);
  const int width = BitsFor(range);
  if (width > 64) return false;
  if (1 + 16 + PackedBytes(rows, width) >= rows * PhysTypeWidth(v.type()))
    return false;
  body->push_back(static_cast<char>(width));
  for (int b = 0; b < 16; ++b)
    body->push_back(static_cast<char>(
        (static_cast<unsigned __int128>(lo) >> (8 * b)) & 0xff));
  BitWriter w(body);
  for (size_t i = 0; i < rows; ++i) {
    w.Put(v.IsNull(i) ? 0
                      : static_cast<uint64_t>(
                            static_cast<unsigned __int128>(IntAt(v, i)) -
                            static_cast<unsigned __int128>(lo)),
          width);
  }
  w.Finish();
  return true;
}

// A packed string body: u8 width, u32 LE base length, each row's length -
// base in `width` bits (LSB first), then the bytes. Always smaller than
// u32 offsets when rows > 1.
void PackStrings(const Vector& v, size_t rows, std::string* body) {
  const std::string_view* s = v.data<std::string_view>();
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t i = 0; i < rows; ++i) {
    const uint32_t n = v.IsNull(i) ? 0 : static_cast<uint32_t>(s[i].size());
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  if (rows == 0) lo = hi = 0;
  const int width = BitsFor(hi - lo);
  body->push_back(static_cast<char>(width));
  for (int b = 0; b < 4; ++b) body->push_back(static_cast<char>(lo >> (8 * b)));
  BitWriter w(body);
  for (size_t i = 0; i < rows; ++i)
    w.Put((v.IsNull(i) ? 0 : static_cast<uint32_t>(s[i].size())) - lo, width);
  w.Finish();
  for (size_t i = 0; i < rows; ++i) {
    if (!v.IsNull(i)) body->append(s[i]);
  }
}

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
    bool packed_body = false;
    if (v.type() == PhysType::kString && rows > 1) {
      PackStrings(v, rows, &body);
      packed_body = true;
    } else if (PackInts(v, rows, &body)) {
      packed_body = true;
    } else if (v.type() == PhysType::kString) {
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
    uint8_t flags = (nulls ? kHasNulls : 0) | (packed_body ? kPacked : 0);
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

Status DecodeChunk(std::string_view in, Batch* out, bool borrow_strings,
                   size_t max_rows) {
  const size_t total = in.size();
  auto bad = [&](const std::string& what) {
    return Status::Corruption("chunk offset " +
                              std::to_string(total - in.size()) + ": " + what);
  };
  if (in.empty() || static_cast<uint8_t>(in[0]) < 1 ||
      static_cast<uint8_t>(in[0]) > kVersion)
    return bad("expected chunk format version 1 or 2");
  const uint8_t version = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  uint64_t rows, columns;
  if (!GetVarint64(&in, &rows) || rows > max_rows)
    return bad("expected a row count up to " + std::to_string(max_rows));
  if (!GetVarint64(&in, &columns) || columns > in.size() / 3)
    return bad("expected a column count that fits the chunk");
  std::vector<PhysType> types;
  std::vector<std::string_view> nulls, bodies;
  std::vector<bool> packed_bodies;
  // Decompressed bodies; string bodies are handed to their batch's arena.
  std::vector<std::unique_ptr<char[]>> unpacked(columns);
  for (uint64_t c = 0; c < columns; ++c) {
    if (in.size() < 2) return bad("expected a column header");
    const uint8_t phys = static_cast<uint8_t>(in[0]);
    const uint8_t flags = static_cast<uint8_t>(in[1]);
    if (phys > static_cast<uint8_t>(PhysType::kString))
      return bad("unknown column type " + std::to_string(phys));
    if (flags & ~(kHasNulls | kLz4 | (version >= 2 ? kPacked : 0)))
      return bad("unknown column flags");
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
      unpacked[c].reset(new char[size == 0 ? 1 : size]);
      XP_RETURN_IF_ERROR(lz4::DecompressBlockTo(in.substr(0, packed),
                                                unpacked[c].get(), size));
      in.remove_prefix(packed);
      body = std::string_view(unpacked[c].get(), size);
    } else {
      if (size > in.size())
        return bad("expected a body of " + std::to_string(size) + " bytes");
      body = in.substr(0, size);
      in.remove_prefix(size);
    }
    const PhysType t = static_cast<PhysType>(phys);
    const bool packed_body = (flags & kPacked) != 0;
    packed_bodies.push_back(packed_body);
    if (packed_body && t == PhysType::kDouble) {
      return bad("a DOUBLE column cannot be packed");
    } else if (packed_body && t == PhysType::kString) {
      if (body.size() < 5 || static_cast<uint8_t>(body[0]) > 32)
        return bad("expected a length width up to 32 and a base length");
      const int width = static_cast<uint8_t>(body[0]);
      uint32_t base;
      std::memcpy(&base, body.data() + 1, 4);
      if (body.size() - 5 < PackedBytes(rows, width))
        return bad("expected " + std::to_string(rows) + " packed lengths");
      const size_t data = body.size() - 5 - PackedBytes(rows, width);
      uint64_t sum = 0;
      Unpack(body.data() + 5, body.size() - 5, width, rows,
             [&](size_t, uint64_t len) { sum += uint64_t{base} + len; });
      if (sum != data)
        return bad("string lengths add up to " + std::to_string(sum) +
                   ", the body holds " + std::to_string(data));
    } else if (packed_body) {
      if (body.size() < 17 || static_cast<uint8_t>(body[0]) > 64)
        return bad("expected a value width up to 64 and a base");
      if (body.size() != 17 + PackedBytes(rows, static_cast<uint8_t>(body[0])))
        return bad("expected " +
                   std::to_string(
                       17 + PackedBytes(rows, static_cast<uint8_t>(body[0]))) +
                   " packed value bytes");
    } else if (t == PhysType::kString) {
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
    // Strings of a decompressed body stay in it, handed to the batch;
    // others point into the caller's chunk (borrow) or into one copy.
    const bool decompressed = unpacked[c] != nullptr;
    const bool borrow = borrow_strings || decompressed;
    if (decompressed && types[c] == PhysType::kString)
      v.arena().Adopt(std::move(unpacked[c]), body.size());
    if (packed_bodies[c] && types[c] == PhysType::kString) {
      const int width = static_cast<uint8_t>(body[0]);
      uint32_t base;
      std::memcpy(&base, body.data() + 1, 4);
      const size_t lengths = PackedBytes(rows, width);
      const char* data = body.data() + 5 + lengths;
      if (!borrow) {
        // One copy of all the bytes into the batch, views into it.
        const size_t n = body.size() - 5 - lengths;
        char* owned = v.arena().Allocate(n == 0 ? 1 : n);
        std::memcpy(owned, data, n);
        data = owned;
      }
      std::string_view* views = v.data<std::string_view>();
      size_t at = 0;
      Unpack(body.data() + 5, body.size() - 5, width, rows,
             [&](size_t i, uint64_t len) {
               const size_t n = base + len;
               views[i] = std::string_view(data + at, n);
               at += n;
             });
    } else if (packed_bodies[c]) {
      const int width = static_cast<uint8_t>(body[0]);
      unsigned __int128 base = 0;
      for (int b = 15; b >= 0; --b)
        base = (base << 8) | static_cast<uint8_t>(body[1 + b]);
      const char* bits = body.data() + 17;
      const size_t avail = body.size() - 17;
      switch (types[c]) {
        case PhysType::kInt64:
        case PhysType::kUInt64: {
          // Two's complement: the low 64 bits of base + delta.
          uint64_t* d = v.data<uint64_t>();
          const uint64_t b64 = static_cast<uint64_t>(base);
          Unpack(bits, avail, width, rows,
                 [&](size_t i, uint64_t x) { d[i] = b64 + x; });
          break;
        }
        default: {
          __int128* d = v.data<__int128>();
          Unpack(bits, avail, width, rows, [&](size_t i, uint64_t x) {
            d[i] = static_cast<__int128>(base + x);
          });
          break;
        }
      }
    } else if (types[c] == PhysType::kString) {
      const char* data = body.data() + (rows + 1) * 4;
      for (size_t i = 0; i < rows; ++i) {
        uint32_t a, b;
        std::memcpy(&a, body.data() + i * 4, 4);
        std::memcpy(&b, body.data() + (i + 1) * 4, 4);
        const std::string_view s(data + a, b - a);
        if (borrow) {
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
                    std::vector<Batch>* out, size_t max_rows) {
  out->clear();
  out->reserve(chunks.size());
  for (const std::string& chunk : chunks) {
    out->emplace_back();
    XP_RETURN_IF_ERROR(
        DecodeChunk(chunk, &out->back(), /*borrow=*/true, max_rows));
    if (out->back().num_columns() != columns) {
      return Status::Corruption(
          "chunk of " + std::to_string(out->back().num_columns()) +
          " columns in a result of " + std::to_string(columns));
    }
  }
  return Status::OK();
}

}  // namespace xp::exec
