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

namespace xp::mysql {

bool ParseHandshakeResponse(std::string_view payload, HandshakeResponse* out) {
  Reader r(payload);
  if (!r.U32(&out->capabilities) || !r.U32(&out->max_packet) ||
      !r.U8(&out->charset) || !r.Skip(23))
    return false;
  if ((out->capabilities & kClientProtocol41) == 0) return false;
  if (r.done()) {
    // SSLRequest: the same prefix and nothing else.
    out->ssl_request = true;
    return true;
  }
  if (!r.NulStr(&out->user)) return false;
  const uint32_t caps = out->capabilities;
  if (caps & kClientPluginAuthLenencData) {
    if (!r.LenencStr(&out->auth_response)) return false;
  } else if (caps & kClientSecureConnection) {
    uint8_t n = 0;
    if (!r.U8(&n) || !r.Bytes(n, &out->auth_response)) return false;
  } else if (!r.NulStr(&out->auth_response)) {
    return false;
  }
  if ((caps & kClientConnectWithDb) && !r.done() && !r.NulStr(&out->database))
    return false;
  if ((caps & kClientPluginAuth) && !r.done() && !r.NulStr(&out->auth_plugin))
    return false;
  return true;  // connection attributes (if any) are not needed
}

namespace {

std::string Digits(unsigned v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width)
    s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

}  // namespace

bool ReadBinaryValue(Reader& r, uint16_t type_and_flags, BinaryValue* out) {
  using K = BinaryValue::Kind;
  const uint8_t type = static_cast<uint8_t>(type_and_flags);
  const bool is_unsigned = (type_and_flags & 0x8000) != 0;
  auto integer = [&](uint64_t raw, int bits) {
    if (is_unsigned) {
      out->kind = K::kUInt;
      out->u = raw;
      if (raw <= static_cast<uint64_t>(INT64_MAX)) {
        out->kind = K::kInt;
        out->i = static_cast<int64_t>(raw);
      }
    } else {
      out->kind = K::kInt;
      // Sign-extend from `bits`.
      const uint64_t m = bits == 64 ? 0 : (uint64_t{1} << bits);
      int64_t v = static_cast<int64_t>(raw);
      if (bits < 64 && (raw & (m >> 1))) v = static_cast<int64_t>(raw - m);
      out->i = v;
    }
    return true;
  };
  switch (type) {
    case kTypeNull:
      out->kind = K::kNull;
      return true;
    case kTypeTiny: {
      uint8_t v;
      return r.U8(&v) && integer(v, 8);
    }
    case kTypeShort:
    case kTypeYear: {
      uint16_t v;
      return r.U16(&v) && integer(v, 16);
    }
    case kTypeLong:
    case kTypeInt24: {
      uint32_t v;
      return r.U32(&v) && integer(v, 32);
    }
    case kTypeLongLong: {
      uint64_t v;
      return r.U64(&v) && integer(v, 64);
    }
    case kTypeFloat: {
      uint32_t bits;
      if (!r.U32(&bits)) return false;
      float f;
      std::memcpy(&f, &bits, 4);
      out->kind = K::kDouble;
      out->d = static_cast<double>(f);
      return true;
    }
    case kTypeDouble: {
      uint64_t bits;
      if (!r.U64(&bits)) return false;
      out->kind = K::kDouble;
      std::memcpy(&out->d, &bits, 8);
      return true;
    }
    case kTypeDate:
    case kTypeDateTime:
    case kTypeTimestamp: {
      uint8_t n;
      if (!r.U8(&n) || (n != 0 && n != 4 && n != 7 && n != 11)) return false;
      uint16_t y = 0;
      uint8_t mo = 0, d = 0, h = 0, mi = 0, s = 0;
      uint32_t us = 0;
      if (n >= 4 && !(r.U16(&y) && r.U8(&mo) && r.U8(&d))) return false;
      if (n >= 7 && !(r.U8(&h) && r.U8(&mi) && r.U8(&s))) return false;
      if (n >= 11 && !r.U32(&us)) return false;
      out->kind = K::kBytes;
      out->s = Digits(y, 4) + "-" + Digits(mo, 2) + "-" + Digits(d, 2);
      if (type != kTypeDate) {
        out->s += " " + Digits(h, 2) + ":" + Digits(mi, 2) + ":" + Digits(s, 2);
        if (us) out->s += "." + Digits(us % 1000000, 6);
      }
      return true;
    }
    case kTypeTime: {
      uint8_t n;
      if (!r.U8(&n) || (n != 0 && n != 8 && n != 12)) return false;
      uint8_t neg = 0, h = 0, mi = 0, s = 0;
      uint32_t days = 0, us = 0;
      if (n >= 8 &&
          !(r.U8(&neg) && r.U32(&days) && r.U8(&h) && r.U8(&mi) && r.U8(&s)))
        return false;
      if (n >= 12 && !r.U32(&us)) return false;
      out->kind = K::kBytes;
      out->s = std::string(neg ? "-" : "") +
               std::to_string(uint64_t{days} * 24 + h) + ":" + Digits(mi, 2) +
               ":" + Digits(s, 2);
      if (us) out->s += "." + Digits(us % 1000000, 6);
      return true;
    }
    case kTypeNewDecimal:
    case kTypeDecimal: {
      std::string_view v;
      if (!r.LenencStr(&v)) return false;
      out->kind = K::kDecimal;
      out->s = std::string(v);
      return true;
    }
    default: {
      // Strings, blobs, JSON, ENUM, SET, BIT: bytes.
      std::string_view v;
      if (!r.LenencStr(&v)) return false;
      out->kind = K::kBytes;
      out->s = std::string(v);
      return true;
    }
  }
}

std::optional<std::string> ReadExecuteParams(
    Reader& r, size_t count, std::vector<uint16_t>* types,
    const std::vector<std::optional<std::string>>& long_data,
    std::vector<BinaryValue>* out) {
  out->assign(count, BinaryValue());
  if (count == 0) return std::nullopt;
  std::string_view nulls;
  uint8_t bound = 0;
  if (!r.Bytes((count + 7) / 8, &nulls) || !r.U8(&bound))
    return "Malformed communication packet.";
  if (bound) {
    types->assign(count, 0);
    for (auto& t : *types)
      if (!r.U16(&t)) return "Malformed communication packet.";
  }
  if (types->size() != count)
    return "No data supplied for parameters in prepared statement";
  for (size_t i = 0; i < count; ++i) {
    if (i < long_data.size() && long_data[i]) {
      (*out)[i].kind = BinaryValue::Kind::kBytes;
      (*out)[i].s = *long_data[i];
      continue;
    }
    if ((static_cast<uint8_t>(nulls[i / 8]) >> (i % 8)) & 1) continue;
    if (!ReadBinaryValue(r, (*types)[i], &(*out)[i]))
      return "Malformed communication packet.";
  }
  return std::nullopt;
}

}  // namespace xp::mysql
