// Value encodings of X Protocol `Mysqlx.Resultset.Row.field` (docs/PROTOCOL.md
// §6 "Row values"). An empty field is SQL NULL for every type, so every
// non-NULL encoding below is at least one byte long.
//
//   SINT      zigzag varint            UINT, BIT  varint
//   DOUBLE    8 bytes little-endian    FLOAT      4 bytes little-endian
//   BYTES, ENUM  the bytes + one 0x00
//   TIME      sign byte (0 = +, 1 = -), varints hours, minutes, seconds,
//             useconds (trailing zero components may be omitted)
//   DATETIME  varints year, month, day [, hour, minutes, seconds, useconds]
//   DECIMAL   scale byte, packed BCD digits, sign nibble (0xc +, 0xd -);
//             an even digit count is followed by a (sign << 4) byte
//   SET       varint-length-prefixed elements; the empty set is 0x01
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"

namespace xp::xrow {

struct Time {
  bool negative = false;
  uint32_t hours = 0;  // MySQL TIME allows up to 838
  uint8_t minutes = 0;
  uint8_t seconds = 0;
  uint32_t useconds = 0;
  bool operator==(const Time&) const = default;
};

struct DateTime {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t useconds = 0;
  bool operator==(const DateTime&) const = default;
};

void PutSint(std::string* out, int64_t v);
void PutUint(std::string* out, uint64_t v);
void PutBit(std::string* out, uint64_t v);
void PutDouble(std::string* out, double v);
void PutFloat(std::string* out, float v);
void PutBytes(std::string* out, std::string_view v);
void PutEnum(std::string* out, std::string_view v);
void PutTime(std::string* out, const Time& v);
// Writes year, month, day and, when `with_time`, the time components (trailing
// zero components omitted). A DATE column uses with_time = false.
void PutDateTime(std::string* out, const DateTime& v, bool with_time);
// `text` is a decimal literal: [+-]digits[.digits]. InvalidArgument otherwise.
Status PutDecimal(std::string* out, std::string_view text);
void PutSet(std::string* out, const std::vector<std::string_view>& elements);

// Decoders take the whole field. They fail with Corruption on malformed
// input (including the empty field, which is NULL and must be checked first).
Status GetSint(std::string_view field, int64_t* v);
Status GetUint(std::string_view field, uint64_t* v);
Status GetBit(std::string_view field, uint64_t* v);
Status GetDouble(std::string_view field, double* v);
Status GetFloat(std::string_view field, float* v);
// *v points into `field`.
Status GetBytes(std::string_view field, std::string_view* v);
Status GetTime(std::string_view field, Time* v);
// *has_time tells whether any time component was present.
Status GetDateTime(std::string_view field, DateTime* v, bool* has_time);
// Canonical text: optional '-', integer digits (at least one), '.' and exactly
// `scale` fraction digits when scale > 0.
Status GetDecimal(std::string_view field, std::string* text);
Status GetSet(std::string_view field, std::vector<std::string>* elements);

// Text forms as MySQL prints them, used by tools and tests.
std::string TimeToString(const Time& t);
std::string DateTimeToString(const DateTime& d, bool with_time);

}  // namespace xp::xrow
