// Physical layouts of column values in executor vectors (plan/exec/vector.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace xp::plan {

// How values are laid out; each SQL type (data_type.h) maps onto one.
enum class PhysType : uint8_t {
  kInt64,   // signed integers, DATE (days), DATETIME/TIMESTAMP/TIME
            // (microseconds)
  kUInt64,  // unsigned integers, BIT
  kDouble,  // DOUBLE and FLOAT
  kInt128,  // DECIMAL unscaled values (the scale lives in the SQL type)
  kString,  // CHAR/VARCHAR/TEXT/BLOB/ENUM/SET as std::string_view
};

constexpr size_t PhysTypeWidth(PhysType t) {
  switch (t) {
    case PhysType::kInt128:
      return 16;
    case PhysType::kString:
      return sizeof(std::string_view);
    default:
      return 8;
  }
}

}  // namespace xp::plan
