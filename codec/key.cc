#include "codec/key.h"

#include <cctype>
#include <cstring>

namespace xp::key {

namespace {

constexpr unsigned char kNull = 0x01;
constexpr unsigned char kValue = 0x02;

// Appends bytes [from, out.end()) inverted when desc.
void Finish(bool desc, size_t from, std::string* out) {
  if (!desc) return;
  for (size_t i = from; i < out->size(); ++i)
    (*out)[i] = static_cast<char>(~static_cast<unsigned char>((*out)[i]));
}

void PutBigEndian(uint64_t v, std::string* out) {
  for (int s = 56; s >= 0; s -= 8)
    out->push_back(static_cast<char>((v >> s) & 0xFF));
}

void PutEscaped(std::string_view v, std::string* out) {
  for (char c : v) {
    out->push_back(c);
    if (c == '\0') out->push_back(static_cast<char>(0xFF));
  }
  out->push_back('\0');
  out->push_back(static_cast<char>(0x01));
}

uint64_t DoubleBits(double v) {
  if (v == 0.0) v = 0.0;  // -0.0 sorts with 0.0
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return (b >> 63) ? ~b : b ^ (uint64_t{1} << 63);
}

Status Corrupt(const char* what) {
  return Status::Corruption(std::string("key: ") + what);
}

}  // namespace

void AppendPrefix(uint64_t table_id, uint32_t index_id, std::string* out) {
  PutBigEndian(table_id, out);
  for (int s = 24; s >= 0; s -= 8)
    out->push_back(static_cast<char>((index_id >> s) & 0xFF));
}

void AppendNull(bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kNull));
  Finish(desc, from, out);
}

void AppendInt64(int64_t v, bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kValue));
  PutBigEndian(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63), out);
  Finish(desc, from, out);
}

void AppendUInt64(uint64_t v, bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kValue));
  PutBigEndian(v, out);
  Finish(desc, from, out);
}

void AppendDouble(double v, bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kValue));
  PutBigEndian(DoubleBits(v), out);
  Finish(desc, from, out);
}

void AppendDecimal(__int128 unscaled, bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kValue));
  const unsigned __int128 u = static_cast<unsigned __int128>(unscaled) ^
                              (static_cast<unsigned __int128>(1) << 127);
  PutBigEndian(static_cast<uint64_t>(u >> 64), out);
  PutBigEndian(static_cast<uint64_t>(u), out);
  Finish(desc, from, out);
}

void AppendBytes(std::string_view v, bool desc, std::string* out) {
  const size_t from = out->size();
  out->push_back(static_cast<char>(kValue));
  PutEscaped(v, out);
  Finish(desc, from, out);
}

void AppendText(std::string_view v, bool desc, std::string* out) {
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string folded(v);
  for (char& c : folded)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  AppendBytes(folded, desc, out);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

Status Decoder::ReadPrefix(uint64_t* table_id, uint32_t* index_id) {
  if (in_.size() - pos_ < kPrefixSize) return Corrupt("short prefix");
  uint64_t t = 0;
  for (int i = 0; i < 8; ++i)
    t = (t << 8) | static_cast<unsigned char>(in_[pos_ + i]);
  uint32_t x = 0;
  for (int i = 8; i < 12; ++i)
    x = (x << 8) | static_cast<unsigned char>(in_[pos_ + i]);
  pos_ += kPrefixSize;
  *table_id = t;
  *index_id = x;
  return Status::OK();
}

Status Decoder::Marker(bool desc, bool* is_null) {
  if (pos_ >= in_.size()) return Corrupt("missing field");
  unsigned char m = static_cast<unsigned char>(in_[pos_++]);
  if (desc) m = static_cast<unsigned char>(~m);
  if (m != kNull && m != kValue) return Corrupt("bad field marker");
  *is_null = m == kNull;
  return Status::OK();
}

Status Decoder::Fixed(size_t n, bool desc, unsigned char* out) {
  if (in_.size() - pos_ < n) return Corrupt("truncated field");
  for (size_t i = 0; i < n; ++i) {
    const unsigned char b = static_cast<unsigned char>(in_[pos_ + i]);
    out[i] = desc ? static_cast<unsigned char>(~b) : b;
  }
  pos_ += n;
  return Status::OK();
}

Status Decoder::Escaped(bool desc, std::string* out) {
  auto at = [&](size_t i) {
    const unsigned char b = static_cast<unsigned char>(in_[i]);
    return desc ? static_cast<unsigned char>(~b) : b;
  };
  for (;;) {
    if (pos_ >= in_.size()) return Corrupt("unterminated bytes");
    const unsigned char c = at(pos_++);
    if (c != 0) {
      if (out) out->push_back(static_cast<char>(c));
      continue;
    }
    if (pos_ >= in_.size()) return Corrupt("unterminated bytes");
    const unsigned char next = at(pos_++);
    if (next == 0x01) return Status::OK();
    if (next != 0xFF) return Corrupt("bad escape");
    if (out) out->push_back('\0');
  }
}

namespace {
uint64_t BigEndian(const unsigned char* b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | b[i];
  return v;
}
}  // namespace

Status Decoder::ReadInt64(bool desc, bool* is_null, int64_t* v) {
  XP_RETURN_IF_ERROR(Marker(desc, is_null));
  if (*is_null) return Status::OK();
  unsigned char b[8];
  XP_RETURN_IF_ERROR(Fixed(8, desc, b));
  *v = static_cast<int64_t>(BigEndian(b) ^ (uint64_t{1} << 63));
  return Status::OK();
}

Status Decoder::ReadUInt64(bool desc, bool* is_null, uint64_t* v) {
  XP_RETURN_IF_ERROR(Marker(desc, is_null));
  if (*is_null) return Status::OK();
  unsigned char b[8];
  XP_RETURN_IF_ERROR(Fixed(8, desc, b));
  *v = BigEndian(b);
  return Status::OK();
}

Status Decoder::ReadDouble(bool desc, bool* is_null, double* v) {
  XP_RETURN_IF_ERROR(Marker(desc, is_null));
  if (*is_null) return Status::OK();
  unsigned char b[8];
  XP_RETURN_IF_ERROR(Fixed(8, desc, b));
  uint64_t bits = BigEndian(b);
  bits = (bits >> 63) ? bits ^ (uint64_t{1} << 63) : ~bits;
  std::memcpy(v, &bits, 8);
  return Status::OK();
}

Status Decoder::ReadDecimal(bool desc, bool* is_null, __int128* v) {
  XP_RETURN_IF_ERROR(Marker(desc, is_null));
  if (*is_null) return Status::OK();
  unsigned char b[16];
  XP_RETURN_IF_ERROR(Fixed(16, desc, b));
  unsigned __int128 u =
      (static_cast<unsigned __int128>(BigEndian(b)) << 64) | BigEndian(b + 8);
  u ^= static_cast<unsigned __int128>(1) << 127;
  *v = static_cast<__int128>(u);
  return Status::OK();
}

Status Decoder::ReadBytes(bool desc, bool* is_null, std::string* v) {
  XP_RETURN_IF_ERROR(Marker(desc, is_null));
  if (*is_null) return Status::OK();
  v->clear();
  return Escaped(desc, v);
}

Status Decoder::Skip(Kind kind, bool desc) {
  bool is_null = false;
  XP_RETURN_IF_ERROR(Marker(desc, &is_null));
  if (is_null) return Status::OK();
  unsigned char b[16];
  switch (kind) {
    case Kind::kInt64:
    case Kind::kUInt64:
    case Kind::kDouble:
      return Fixed(8, desc, b);
    case Kind::kDecimal:
      return Fixed(16, desc, b);
    case Kind::kBytes:
    case Kind::kText:
      return Escaped(desc, nullptr);
  }
  return Corrupt("unknown kind");
}

}  // namespace xp::key
