#include "codec/xrow.h"

#include <cstdio>
#include <cstring>

#include "codec/coding.h"

namespace xp::xrow {

void PutSint(std::string* out, int64_t v) {
  PutVarint64(out, ZigZagEncode64(v));
}
void PutUint(std::string* out, uint64_t v) { PutVarint64(out, v); }
void PutBit(std::string* out, uint64_t v) { PutVarint64(out, v); }

void PutDouble(std::string* out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  PutFixed64(out, bits);
}

void PutFloat(std::string* out, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  PutFixed32(out, bits);
}

void PutBytes(std::string* out, std::string_view v) {
  out->append(v);
  out->push_back('\0');
}
void PutEnum(std::string* out, std::string_view v) { PutBytes(out, v); }

void PutTime(std::string* out, const Time& v) {
  out->push_back(v.negative ? '\x01' : '\x00');
  PutVarint64(out, v.hours);
  if (v.minutes == 0 && v.seconds == 0 && v.useconds == 0) return;
  PutVarint64(out, v.minutes);
  if (v.seconds == 0 && v.useconds == 0) return;
  PutVarint64(out, v.seconds);
  if (v.useconds == 0) return;
  PutVarint64(out, v.useconds);
}

void PutDateTime(std::string* out, const DateTime& v, bool with_time) {
  PutVarint64(out, v.year);
  PutVarint64(out, v.month);
  PutVarint64(out, v.day);
  if (!with_time) return;
  const uint64_t parts[4] = {v.hour, v.minute, v.second, v.useconds};
  int last = -1;
  for (int i = 0; i < 4; ++i) {
    if (parts[i] != 0) last = i;
  }
  for (int i = 0; i <= last; ++i) PutVarint64(out, parts[i]);
}

Status PutDecimal(std::string* out, std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::string digits;
  size_t scale = 0;
  bool seen_point = false;
  for (char c : text) {
    if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (seen_point) ++scale;
    } else {
      return Status::InvalidArgument("not a decimal literal: '" +
                                     std::string(text) + "'");
    }
  }
  if (digits.empty() || scale > 255) {
    return Status::InvalidArgument("not a decimal literal: '" +
                                   std::string(text) + "'");
  }
  const uint8_t sign = negative ? 0xd : 0xc;
  out->push_back(static_cast<char>(scale));
  size_t i = 0;
  for (; i + 1 < digits.size(); i += 2) {
    out->push_back(
        static_cast<char>(((digits[i] - '0') << 4) | (digits[i + 1] - '0')));
  }
  if (i < digits.size()) {
    out->push_back(static_cast<char>(((digits[i] - '0') << 4) | sign));
  } else {
    out->push_back(static_cast<char>(sign << 4));
  }
  return Status::OK();
}

void PutSet(std::string* out, const std::vector<std::string_view>& elements) {
  if (elements.empty()) {
    out->push_back('\x01');
    return;
  }
  for (std::string_view e : elements) {
    PutVarint64(out, e.size());
    out->append(e);
  }
}

namespace {

Status Malformed(const char* type) {
  return Status::Corruption(std::string("malformed ") + type + " row field");
}

// Reads a whole field that must be exactly one varint.
Status GetOneVarint(std::string_view field, uint64_t* v, const char* type) {
  if (!GetVarint64(&field, v) || !field.empty()) return Malformed(type);
  return Status::OK();
}

}  // namespace

Status GetSint(std::string_view field, int64_t* v) {
  uint64_t u = 0;
  XP_RETURN_IF_ERROR(GetOneVarint(field, &u, "SINT"));
  *v = ZigZagDecode64(u);
  return Status::OK();
}
Status GetUint(std::string_view field, uint64_t* v) {
  return GetOneVarint(field, v, "UINT");
}
Status GetBit(std::string_view field, uint64_t* v) {
  return GetOneVarint(field, v, "BIT");
}

Status GetDouble(std::string_view field, double* v) {
  if (field.size() != 8) return Malformed("DOUBLE");
  uint64_t bits = DecodeFixed64(reinterpret_cast<const uint8_t*>(field.data()));
  std::memcpy(v, &bits, 8);
  return Status::OK();
}
Status GetFloat(std::string_view field, float* v) {
  if (field.size() != 4) return Malformed("FLOAT");
  uint32_t bits = DecodeFixed32(reinterpret_cast<const uint8_t*>(field.data()));
  std::memcpy(v, &bits, 4);
  return Status::OK();
}

Status GetBytes(std::string_view field, std::string_view* v) {
  if (field.empty() || field.back() != '\0') return Malformed("BYTES");
  *v = field.substr(0, field.size() - 1);
  return Status::OK();
}

Status GetTime(std::string_view field, Time* v) {
  if (field.empty() || static_cast<uint8_t>(field[0]) > 1) {
    return Malformed("TIME");
  }
  Time t;
  t.negative = field[0] == 1;
  field.remove_prefix(1);
  uint64_t parts[4] = {0, 0, 0, 0};
  int n = 0;
  while (!field.empty()) {
    if (n == 4 || !GetVarint64(&field, &parts[n])) return Malformed("TIME");
    ++n;
  }
  if (parts[0] > 0xffffffffu || parts[1] > 59 || parts[2] > 59 ||
      parts[3] > 999999) {
    return Malformed("TIME");
  }
  t.hours = static_cast<uint32_t>(parts[0]);
  t.minutes = static_cast<uint8_t>(parts[1]);
  t.seconds = static_cast<uint8_t>(parts[2]);
  t.useconds = static_cast<uint32_t>(parts[3]);
  *v = t;
  return Status::OK();
}

Status GetDateTime(std::string_view field, DateTime* v, bool* has_time) {
  uint64_t parts[7] = {0, 0, 0, 0, 0, 0, 0};
  int n = 0;
  while (!field.empty()) {
    if (n == 7 || !GetVarint64(&field, &parts[n])) return Malformed("DATETIME");
    ++n;
  }
  if (n < 3 || parts[0] > 9999 || parts[1] > 12 || parts[2] > 31 ||
      parts[3] > 23 || parts[4] > 59 || parts[5] > 59 || parts[6] > 999999) {
    return Malformed("DATETIME");
  }
  v->year = static_cast<uint16_t>(parts[0]);
  v->month = static_cast<uint8_t>(parts[1]);
  v->day = static_cast<uint8_t>(parts[2]);
  v->hour = static_cast<uint8_t>(parts[3]);
  v->minute = static_cast<uint8_t>(parts[4]);
  v->second = static_cast<uint8_t>(parts[5]);
  v->useconds = static_cast<uint32_t>(parts[6]);
  if (has_time != nullptr) *has_time = n > 3;
  return Status::OK();
}

Status GetDecimal(std::string_view field, std::string* text) {
  if (field.size() < 2) return Malformed("DECIMAL");
  const size_t scale = static_cast<uint8_t>(field[0]);
  std::string digits;
  int sign = -1;
  for (size_t i = 1; i < field.size(); ++i) {
    const uint8_t b = static_cast<uint8_t>(field[i]);
    const uint8_t nibbles[2] = {static_cast<uint8_t>(b >> 4),
                                static_cast<uint8_t>(b & 15)};
    for (int k = 0; k < 2; ++k) {
      if (sign >= 0) {
        // Only a zero pad nibble may follow the sign, and only at the end.
        if (nibbles[k] != 0 || i + 1 != field.size())
          return Malformed("DECIMAL");
        continue;
      }
      if (nibbles[k] <= 9) {
        digits.push_back(static_cast<char>('0' + nibbles[k]));
      } else if (nibbles[k] == 0xc || nibbles[k] == 0xa || nibbles[k] == 0xe ||
                 nibbles[k] == 0xf) {
        sign = 0;
      } else {  // 0xb, 0xd: negative
        sign = 1;
      }
    }
  }
  if (sign < 0 || digits.empty()) return Malformed("DECIMAL");
  if (digits.size() < scale + 1) {
    digits.insert(0, scale + 1 - digits.size(), '0');
  }
  std::string int_part = digits.substr(0, digits.size() - scale);
  size_t nz = int_part.find_first_not_of('0');
  int_part = nz == std::string::npos ? "0" : int_part.substr(nz);
  std::string frac = digits.substr(digits.size() - scale);
  text->clear();
  const bool is_zero =
      int_part == "0" && frac.find_first_not_of('0') == std::string::npos;
  if (sign == 1 && !is_zero) text->push_back('-');
  text->append(int_part);
  if (scale > 0) {
    text->push_back('.');
    text->append(frac);
  }
  return Status::OK();
}

Status GetSet(std::string_view field, std::vector<std::string>* elements) {
  elements->clear();
  if (field.empty()) return Malformed("SET");
  if (field.size() == 1 && field[0] == '\x01') return Status::OK();
  while (!field.empty()) {
    uint64_t len;
    if (!GetVarint64(&field, &len) || len > field.size())
      return Malformed("SET");
    elements->emplace_back(field.substr(0, len));
    field.remove_prefix(len);
  }
  return Status::OK();
}

std::string TimeToString(const Time& t) {
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%s%02u:%02u:%02u",
                        t.negative ? "-" : "", t.hours, t.minutes, t.seconds);
  std::string s(buf, n);
  if (t.useconds != 0) {
    n = std::snprintf(buf, sizeof(buf), ".%06u", t.useconds);
    s.append(buf, n);
  }
  return s;
}

std::string DateTimeToString(const DateTime& d, bool with_time) {
  char buf[64];
  int n =
      std::snprintf(buf, sizeof(buf), "%04u-%02u-%02u", d.year, d.month, d.day);
  std::string s(buf, n);
  if (with_time) {
    n = std::snprintf(buf, sizeof(buf), " %02u:%02u:%02u", d.hour, d.minute,
                      d.second);
    s.append(buf, n);
    if (d.useconds != 0) {
      n = std::snprintf(buf, sizeof(buf), ".%06u", d.useconds);
      s.append(buf, n);
    }
  }
  return s;
}

}  // namespace xp::xrow
