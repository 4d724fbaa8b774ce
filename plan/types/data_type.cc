#include "plan/types/data_type.h"

namespace xp::plan {

PhysType DataType::phys() const {
  switch (id) {
    case TypeId::kUInt:
      return PhysType::kUInt64;
    case TypeId::kDouble:
      return PhysType::kDouble;
    case TypeId::kDecimal:
      return PhysType::kInt128;
    case TypeId::kString:
      return PhysType::kString;
    case TypeId::kNull:
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kTime:
      return PhysType::kInt64;
  }
  return PhysType::kInt64;
}

std::string DataType::ToString() const {
  auto int_name = [this]() -> std::string {
    switch (int_bytes) {
      case 1:
        return "TINYINT";
      case 2:
        return "SMALLINT";
      case 3:
        return "MEDIUMINT";
      case 4:
        return "INT";
      default:
        return "BIGINT";
    }
  };
  switch (id) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kInt:
      return int_name();
    case TypeId::kUInt:
      return int_name() + " UNSIGNED";
    case TypeId::kDouble:
      return float_type ? "FLOAT" : "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision) + "," +
             std::to_string(scale) + ")";
    case TypeId::kString:
      return (binary ? "VARBINARY(" : "VARCHAR(") + std::to_string(length) +
             ")";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kDateTime:
      return timestamp ? "TIMESTAMP" : "DATETIME";
    case TypeId::kTime:
      return "TIME";
  }
  return "?";
}

}  // namespace xp::plan
