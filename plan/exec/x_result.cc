// X Protocol result metadata and cells (x_result.h).

#include "plan/exec/x_result.h"

#include "codec/xrow.h"
#include "plan/exec/operator.h"
#include "plan/types/temporal.h"

namespace xp::exec {

namespace {

using Col = Mysqlx::Resultset::ColumnMetaData;
constexpr uint64_t kUtf8mb4 = 255;  // utf8mb4_0900_ai_ci
constexpr uint64_t kBinary = 63;

xrow::DateTime Civil(int64_t micros) {
  int64_t days = micros / 86'400'000'000;
  int64_t rest = micros % 86'400'000'000;
  if (rest < 0) {
    rest += 86'400'000'000;
    --days;
  }
  int64_t y;
  unsigned m, d;
  plan::CivilFromDays(days, &y, &m, &d);
  xrow::DateTime out;
  out.year = static_cast<uint16_t>(y);
  out.month = static_cast<uint8_t>(m);
  out.day = static_cast<uint8_t>(d);
  const int64_t secs = rest / 1'000'000;
  out.hour = static_cast<uint8_t>(secs / 3600);
  out.minute = static_cast<uint8_t>(secs / 60 % 60);
  out.second = static_cast<uint8_t>(secs % 60);
  out.useconds = static_cast<uint32_t>(rest % 1'000'000);
  return out;
}

}  // namespace

Col ColumnMetaDataFor(const std::string& name, const plan::DataType& t) {
  Col c;
  c.set_name(name);
  c.set_original_name(name);
  c.set_catalog("def");
  switch (t.id) {
    case plan::TypeId::kInt:
    case plan::TypeId::kUInt: {
      static const uint32_t kWidth[9] = {0, 4, 6, 9, 11, 0, 0, 0, 20};
      c.set_type(t.id == plan::TypeId::kInt ? Col::SINT : Col::UINT);
      c.set_length(t.int_bytes <= 8 && kWidth[t.int_bytes] ? kWidth[t.int_bytes]
                                                           : 20);
      break;
    }
    case plan::TypeId::kDouble:
      c.set_type(t.float_type ? Col::FLOAT : Col::DOUBLE);
      c.set_length(t.float_type ? 12 : 22);
      break;
    case plan::TypeId::kDecimal:
      c.set_type(Col::DECIMAL);
      c.set_length(t.precision + 2u);
      c.set_fractional_digits(t.scale);
      break;
    case plan::TypeId::kString:
      c.set_type(Col::BYTES);
      c.set_collation(t.binary ? kBinary : kUtf8mb4);
      c.set_length(t.binary ? t.length : t.length * 4);
      break;
    case plan::TypeId::kDate:
      c.set_type(Col::DATETIME);
      c.set_content_type(Mysqlx::Resultset::DATE);
      c.set_length(10);
      break;
    case plan::TypeId::kDateTime:
      c.set_type(Col::DATETIME);
      c.set_content_type(Mysqlx::Resultset::DATETIME);
      c.set_length(19 + (t.scale ? t.scale + 1u : 0u));
      if (t.scale) c.set_fractional_digits(t.scale);
      break;
    case plan::TypeId::kTime:
      c.set_type(Col::TIME);
      c.set_length(10 + (t.scale ? t.scale + 1u : 0u));
      if (t.scale) c.set_fractional_digits(t.scale);
      break;
    case plan::TypeId::kNull:
      c.set_type(Col::BYTES);
      c.set_collation(kBinary);
      c.set_length(0);
      break;
  }
  return c;
}

Status EncodeXCell(const Vector& v, const plan::DataType& t, size_t i,
                   std::string* out) {
  switch (t.id) {
    case plan::TypeId::kInt:
      xrow::PutSint(out, v.data<int64_t>()[i]);
      break;
    case plan::TypeId::kUInt:
      xrow::PutUint(out, v.data<uint64_t>()[i]);
      break;
    case plan::TypeId::kDouble:
      if (t.float_type) {
        xrow::PutFloat(out, static_cast<float>(v.data<double>()[i]));
      } else {
        xrow::PutDouble(out, v.data<double>()[i]);
      }
      break;
    case plan::TypeId::kDecimal:
      return xrow::PutDecimal(out, CellText(v, t, i));
    case plan::TypeId::kString:
      xrow::PutBytes(out, v.data<std::string_view>()[i]);
      break;
    case plan::TypeId::kDate: {
      // Days, converted directly (a shipped plan may hold any day
      // number; no multiplication that could overflow).
      int64_t y;
      unsigned m, d;
      plan::CivilFromDays(v.data<int64_t>()[i], &y, &m, &d);
      xrow::DateTime date;
      date.year = static_cast<uint16_t>(y);
      date.month = static_cast<uint8_t>(m);
      date.day = static_cast<uint8_t>(d);
      xrow::PutDateTime(out, date, false);
      break;
    }
    case plan::TypeId::kDateTime:
      xrow::PutDateTime(out, Civil(v.data<int64_t>()[i]), true);
      break;
    case plan::TypeId::kTime: {
      int64_t us = v.data<int64_t>()[i];
      xrow::Time tm;
      tm.negative = us < 0;
      if (us < 0) us = -us;
      tm.hours = static_cast<uint32_t>(us / 3'600'000'000);
      tm.minutes = static_cast<uint8_t>(us / 60'000'000 % 60);
      tm.seconds = static_cast<uint8_t>(us / 1'000'000 % 60);
      tm.useconds = static_cast<uint32_t>(us % 1'000'000);
      xrow::PutTime(out, tm);
      break;
    }
    case plan::TypeId::kNull:
      break;  // never reached: every value of it is NULL
  }
  return Status::OK();
}

}  // namespace xp::exec
