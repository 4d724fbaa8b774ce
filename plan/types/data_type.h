// SQL data types as the binder and executor see them.
// Integer widths, string lengths and collations matter for result metadata
// and range checks; the executor only needs the physical layout (phys()).
#pragma once

#include <cstdint>
#include <string>

#include "plan/types/phys_type.h"

namespace xp::plan {

enum class TypeId : uint8_t {
  kNull,      // the type of a bare NULL
  kInt,       // TINYINT..BIGINT, signed (int_bytes says which)
  kUInt,      // the unsigned ones
  kDouble,    // DOUBLE (and FLOAT, float_type)
  kDecimal,   // DECIMAL(precision, scale)
  kString,    // CHAR/VARCHAR/TEXT; `binary` for BINARY/VARBINARY/BLOB
  kDate,      // days since 1970-01-01 in int64
  kDateTime,  // microseconds since 1970-01-01 00:00:00 (DATETIME, TIMESTAMP)
  kTime,      // signed microseconds
};

struct DataType {
  TypeId id = TypeId::kNull;
  uint8_t int_bytes = 8;    // kInt/kUInt: 1, 2, 3, 4 or 8
  bool float_type = false;  // kDouble: declared FLOAT
  uint8_t precision = 0;    // kDecimal: total digits
  uint8_t scale = 0;        // kDecimal: fraction digits; temporal: fsp
  bool binary = false;     // kString: byte comparison (binary / _bin collation)
  bool timestamp = false;  // kDateTime: declared TIMESTAMP
  uint32_t length = 0;     // kString: max characters (or bytes when binary)

  static DataType Null() { return DataType{}; }
  static DataType Int(uint8_t bytes = 8) {
    return DataType{TypeId::kInt, bytes};
  }
  static DataType UInt(uint8_t bytes = 8) {
    return DataType{TypeId::kUInt, bytes};
  }
  static DataType Double() { return DataType{TypeId::kDouble}; }
  static DataType Decimal(int precision, int scale) {
    DataType t{TypeId::kDecimal};
    t.precision = static_cast<uint8_t>(precision);
    t.scale = static_cast<uint8_t>(scale);
    return t;
  }
  static DataType Date() { return DataType{TypeId::kDate}; }
  static DataType DateTime(int fsp = 0) {
    DataType t{TypeId::kDateTime};
    t.scale = static_cast<uint8_t>(fsp);
    return t;
  }
  static DataType Time(int fsp = 0) {
    DataType t{TypeId::kTime};
    t.scale = static_cast<uint8_t>(fsp);
    return t;
  }
  static DataType String(uint32_t length = 65535, bool binary = false) {
    DataType t{TypeId::kString};
    t.length = length;
    t.binary = binary;
    return t;
  }

  bool is_numeric() const {
    return id == TypeId::kInt || id == TypeId::kUInt || id == TypeId::kDouble ||
           id == TypeId::kDecimal;
  }
  bool is_integer() const { return id == TypeId::kInt || id == TypeId::kUInt; }
  bool is_temporal() const {
    return id == TypeId::kDate || id == TypeId::kDateTime ||
           id == TypeId::kTime;
  }
  PhysType phys() const;
  // SQL spelling: "BIGINT", "INT UNSIGNED", "DECIMAL(10,2)", "VARCHAR(20)".
  std::string ToString() const;
  bool operator==(const DataType&) const = default;
};

}  // namespace xp::plan
