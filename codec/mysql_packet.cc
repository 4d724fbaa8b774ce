#include "codec/mysql_packet.h"

namespace xp::mysql {

void PutLenenc(std::string* out, uint64_t v) {
  if (v < 251) {
    PutU8(out, static_cast<uint8_t>(v));
  } else if (v < (1u << 16)) {
    PutU8(out, 0xfc);
    PutU16(out, static_cast<uint16_t>(v));
  } else if (v < (1u << 24)) {
    PutU8(out, 0xfd);
    PutU24(out, static_cast<uint32_t>(v));
  } else {
    PutU8(out, 0xfe);
    PutU64(out, v);
  }
}

namespace {
uint64_t LoadLe(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
}  // namespace

bool Reader::U8(uint8_t* v) {
  if (!ok_ || remaining() < 1) return Fail();
  *v = static_cast<uint8_t>(data_[pos_++]);
  return true;
}
bool Reader::U16(uint16_t* v) {
  if (!ok_ || remaining() < 2) return Fail();
  *v = static_cast<uint16_t>(LoadLe(data_.data() + pos_, 2));
  pos_ += 2;
  return true;
}
bool Reader::U32(uint32_t* v) {
  if (!ok_ || remaining() < 4) return Fail();
  *v = static_cast<uint32_t>(LoadLe(data_.data() + pos_, 4));
  pos_ += 4;
  return true;
}
bool Reader::U64(uint64_t* v) {
  if (!ok_ || remaining() < 8) return Fail();
  *v = LoadLe(data_.data() + pos_, 8);
  pos_ += 8;
  return true;
}
bool Reader::Bytes(size_t n, std::string_view* v) {
  if (!ok_ || remaining() < n) return Fail();
  *v = data_.substr(pos_, n);
  pos_ += n;
  return true;
}
bool Reader::Skip(size_t n) {
  if (!ok_ || remaining() < n) return Fail();
  pos_ += n;
  return true;
}
bool Reader::Lenenc(uint64_t* v, bool* is_null) {
  if (is_null != nullptr) *is_null = false;
  uint8_t first;
  if (!U8(&first)) return false;
  size_t n = 0;
  switch (first) {
    case 0xfb:
      if (is_null == nullptr) return Fail();
      *is_null = true;
      *v = 0;
      return true;
    case 0xfc:
      n = 2;
      break;
    case 0xfd:
      n = 3;
      break;
    case 0xfe:
      n = 8;
      break;
    case 0xff:
      return Fail();
    default:
      *v = first;
      return true;
  }
  if (remaining() < n) return Fail();
  *v = LoadLe(data_.data() + pos_, n);
  pos_ += n;
  return true;
}
bool Reader::LenencStr(std::string_view* v) {
  uint64_t n;
  if (!Lenenc(&n)) return false;
  if (n > remaining()) return Fail();
  return Bytes(static_cast<size_t>(n), v);
}
bool Reader::NulStr(std::string_view* v) {
  if (!ok_) return false;
  const size_t end = data_.find('\0', pos_);
  if (end == std::string_view::npos) return Fail();
  *v = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return true;
}
std::string_view Reader::Rest() {
  std::string_view r = ok_ ? data_.substr(pos_) : std::string_view();
  pos_ = data_.size();
  return r;
}

}  // namespace xp::mysql
