// Byte encodings of row values used as hash keys (GROUP BY, DISTINCT, hash
// join): equal SQL values under the column's comparison rules encode to
// equal bytes.
#pragma once

#include <string>
#include <string_view>

#include "plan/exec/vector.h"
#include "plan/types/data_type.h"

namespace xp::exec {

// Appends a self-delimiting encoding of row i of `v` (a NULL flag byte, then
// the value) to *key. Numbers encode their physical bytes (so both sides of
// a comparison must have the same type); DOUBLE -0 equals 0; strings with a
// case-insensitive collation fold ASCII case and drop trailing spaces
// (PAD SPACE).
void EncodeKey(const Vector& v, const plan::DataType& t, size_t i,
               std::string* key);

// Appends the collation key of a string under the case-insensitive PAD
// SPACE collation: trailing spaces dropped, ASCII case folded. Every hash
// of a non-binary string (EncodeKey here, the compute node's partition
// hash) goes through it, so equal strings hash alike everywhere.
void AppendFoldedString(std::string_view s, std::string* out);
// The case fold of one byte under the case-insensitive collation: A-Z to
// a-z (std::tolower in the "C" locale, inline).
inline int FoldCase(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

}  // namespace xp::exec
