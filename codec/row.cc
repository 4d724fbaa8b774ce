#include "codec/row.h"

#include <cstring>

#include "codec/coding.h"

namespace xp::row {

namespace {

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

Status Corrupt(const char* what) {
  return Status::Corruption(std::string("row: ") + what);
}

}  // namespace

void Encode(uint64_t schema_version, const std::vector<key::Kind>& kinds,
            const std::vector<Cell>& cells, std::string* out) {
  const size_t n = cells.size();
  PutVarint64(out, schema_version);
  PutVarint64(out, n);
  const size_t bitmap = out->size();
  out->append((n + 7) / 8, '\0');
  for (size_t c = 0; c < n; ++c) {
    if (cells[c].null) {
      (*out)[bitmap + c / 8] =
          static_cast<char>((*out)[bitmap + c / 8] | (1 << (c % 8)));
    }
  }
  for (size_t c = 0; c < n; ++c) {
    const Cell& v = cells[c];
    if (v.null) continue;
    switch (kinds[c]) {
      case key::Kind::kInt64:
        PutVarint64(out, ZigZag(v.i));
        break;
      case key::Kind::kUInt64:
        PutVarint64(out, v.u);
        break;
      case key::Kind::kDouble: {
        char b[8];
        std::memcpy(b, &v.d, 8);  // little-endian hosts only (x86-64, arm64)
        out->append(b, 8);
        break;
      }
      case key::Kind::kDecimal: {
        char b[16];
        std::memcpy(b, &v.dec, 16);
        out->append(b, 16);
        break;
      }
      case key::Kind::kBytes:
      case key::Kind::kText:
        PutVarint64(out, v.s.size());
        out->append(v.s);
        break;
    }
  }
}

Status PeekVersion(std::string_view in, uint64_t* version) {
  if (!GetVarint64(&in, version)) return Corrupt("bad version");
  return Status::OK();
}

Status Decode(std::string_view in, const std::vector<key::Kind>& kinds,
              DecodedRow* out) {
  uint64_t n = 0;
  if (!GetVarint64(&in, &out->schema_version) || !GetVarint64(&in, &n))
    return Corrupt("bad header");
  if (n > kinds.size()) return Corrupt("more columns than the schema");
  const size_t bitmap_bytes = (n + 7) / 8;
  if (in.size() < bitmap_bytes) return Corrupt("truncated NULL bitmap");
  const std::string_view bitmap = in.substr(0, bitmap_bytes);
  in.remove_prefix(bitmap_bytes);
  out->cells.assign(n, Cell{});
  for (size_t c = 0; c < n; ++c) {
    Cell& v = out->cells[c];
    v.null = (static_cast<unsigned char>(bitmap[c / 8]) >> (c % 8)) & 1;
    if (v.null) continue;
    switch (kinds[c]) {
      case key::Kind::kInt64: {
        uint64_t z;
        if (!GetVarint64(&in, &z)) return Corrupt("bad integer");
        v.i = UnZigZag(z);
        break;
      }
      case key::Kind::kUInt64:
        if (!GetVarint64(&in, &v.u)) return Corrupt("bad integer");
        break;
      case key::Kind::kDouble:
        if (in.size() < 8) return Corrupt("truncated double");
        std::memcpy(&v.d, in.data(), 8);
        in.remove_prefix(8);
        break;
      case key::Kind::kDecimal:
        if (in.size() < 16) return Corrupt("truncated decimal");
        std::memcpy(&v.dec, in.data(), 16);
        in.remove_prefix(16);
        break;
      case key::Kind::kBytes:
      case key::Kind::kText: {
        uint64_t len;
        if (!GetVarint64(&in, &len) || len > in.size())
          return Corrupt("bad string length");
        v.s = in.substr(0, len);
        in.remove_prefix(len);
        break;
      }
    }
    v.null = false;
  }
  if (!in.empty()) return Corrupt("trailing bytes");
  return Status::OK();
}

}  // namespace xp::row
