// The MySQL front end's result sets: column definitions and rows in the
// text and binary protocols (mysql_connection.h).

#include "cn/mysql/mysql_connection.h"
#include "plan/types/decimal.h"
#include "plan/types/temporal.h"

namespace xp::cn {

ColumnDef DefOf(const DataType& t) {
  ColumnDef d;
  switch (t.id) {
    case TypeId::kNull:
      d.type = kTypeNull;
      d.charset = kCharsetBinary;
      break;
    case TypeId::kInt:
    case TypeId::kUInt:
      d.charset = kCharsetBinary;
      d.flags = t.id == TypeId::kUInt ? kFlagUnsigned : 0;
      {
        // TINYINT .. BIGINT by width: MySQL's type and display width.
        static constexpr struct {
          uint8_t type;
          uint32_t length;
        } kInts[] = {{kTypeTiny, 4},
                     {kTypeShort, 6},
                     {kTypeInt24, 9},
                     {kTypeLong, 11},
                     {kTypeLongLong, 20}};
        const size_t w =
            t.int_bytes >= 1 && t.int_bytes <= 4 ? t.int_bytes - 1u : 4u;
        d.type = kInts[w].type;
        d.length = kInts[w].length;
      }
      break;
    case TypeId::kDouble:
      d.charset = kCharsetBinary;
      d.type = t.float_type ? kTypeFloat : kTypeDouble;
      d.length = t.float_type ? 12 : 22;
      d.decimals = 31;
      break;
    case TypeId::kDecimal:
      d.charset = kCharsetBinary;
      d.type = kTypeNewDecimal;
      d.length = t.precision + 2u;
      d.decimals = t.scale;
      break;
    case TypeId::kString:
      d.type = kTypeVarString;
      if (t.binary) {
        d.charset = kCharsetBinary;
        d.flags = kFlagBinary;
        d.length = t.length;
        if (t.length > 65535) {
          d.type = kTypeBlob;
          d.flags |= kFlagBlob;
        }
      } else {
        d.length = t.length > 0x3fffffff ? 0xffffffffu : t.length * 4;
        if (t.length > 65535) {
          d.type = kTypeBlob;
          d.flags = kFlagBlob;
        }
      }
      break;
    case TypeId::kDate:
      d.charset = kCharsetBinary;
      d.type = kTypeDate;
      d.length = 10;
      break;
    case TypeId::kDateTime:
      d.charset = kCharsetBinary;
      d.type = t.timestamp ? kTypeTimestamp : kTypeDateTime;
      d.length = 19 + (t.scale ? t.scale + 1u : 0u);
      d.decimals = t.scale;
      break;
    case TypeId::kTime:
      d.charset = kCharsetBinary;
      d.type = kTypeTime;
      d.length = 10 + (t.scale ? t.scale + 1u : 0u);
      d.decimals = t.scale;
      break;
  }
  return d;
}

void AppendColumnDef(std::string* out, std::string_view name,
                     const ColumnDef& d) {
  PutLenencStr(out, "def");
  PutLenencStr(out, "");    // schema
  PutLenencStr(out, "");    // table
  PutLenencStr(out, "");    // org_table
  PutLenencStr(out, name);  // name
  PutLenencStr(out, name);  // org_name
  PutLenenc(out, 0x0c);
  PutU16(out, d.charset);
  PutU32(out, d.length);
  PutU8(out, d.type);
  PutU16(out, d.flags);
  PutU8(out, d.decimals);
  PutU16(out, 0);
}

void AppendBinaryDate(std::string* out, int64_t days) {
  int64_t y;
  unsigned m, d;
  plan::CivilFromDays(days, &y, &m, &d);
  PutU8(out, 4);
  PutU16(out, static_cast<uint16_t>(y));
  PutU8(out, static_cast<uint8_t>(m));
  PutU8(out, static_cast<uint8_t>(d));
}

void AppendBinaryDateTime(std::string* out, int64_t micros) {
  constexpr int64_t kDay = 86'400'000'000;
  int64_t days = micros / kDay;
  int64_t rest = micros % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  int64_t y;
  unsigned m, d;
  plan::CivilFromDays(days, &y, &m, &d);
  const int64_t us = rest % 1'000'000;
  const int64_t secs = rest / 1'000'000;
  PutU8(out, us ? 11 : 7);
  PutU16(out, static_cast<uint16_t>(y));
  PutU8(out, static_cast<uint8_t>(m));
  PutU8(out, static_cast<uint8_t>(d));
  PutU8(out, static_cast<uint8_t>(secs / 3600));
  PutU8(out, static_cast<uint8_t>(secs / 60 % 60));
  PutU8(out, static_cast<uint8_t>(secs % 60));
  if (us) PutU32(out, static_cast<uint32_t>(us));
}

void AppendBinaryTime(std::string* out, int64_t micros) {
  const bool neg = micros < 0;
  const uint64_t a =
      neg ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  const uint64_t us = a % 1'000'000, secs = a / 1'000'000;
  PutU8(out, us ? 12 : 8);
  PutU8(out, neg ? 1 : 0);
  PutU32(out, static_cast<uint32_t>(secs / 86400));
  PutU8(out, static_cast<uint8_t>(secs / 3600 % 24));
  PutU8(out, static_cast<uint8_t>(secs / 60 % 60));
  PutU8(out, static_cast<uint8_t>(secs % 60));
  if (us) PutU32(out, static_cast<uint32_t>(us));
}

// One value of a binary result row (the column is not NULL there).
void AppendBinaryValue(std::string* out, const exec::Vector& v,
                       const DataType& t, size_t i) {
  switch (t.id) {
    case TypeId::kInt:
    case TypeId::kUInt: {
      const uint64_t x = t.id == TypeId::kInt
                             ? static_cast<uint64_t>(v.data<int64_t>()[i])
                             : v.data<uint64_t>()[i];
      switch (t.int_bytes) {
        case 1:
          PutU8(out, static_cast<uint8_t>(x));
          break;
        case 2:
          PutU16(out, static_cast<uint16_t>(x));
          break;
        case 3:
        case 4:
          PutU32(out, static_cast<uint32_t>(x));
          break;
        default:
          PutU64(out, x);
      }
      return;
    }
    case TypeId::kDouble: {
      const double d = v.data<double>()[i];
      if (t.float_type) {
        const float f = static_cast<float>(d);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        PutU32(out, bits);
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        PutU64(out, bits);
      }
      return;
    }
    case TypeId::kString:
      PutLenencStr(out, v.data<std::string_view>()[i]);
      return;
    case TypeId::kDate:
      AppendBinaryDate(out, v.data<int64_t>()[i]);
      return;
    case TypeId::kDateTime:
      AppendBinaryDateTime(out, v.data<int64_t>()[i]);
      return;
    case TypeId::kTime:
      AppendBinaryTime(out, v.data<int64_t>()[i]);
      return;
    default:
      PutLenencStr(out, exec::CellText(v, t, i));
  }
}

Status MysqlServer::Connection::Columns(const std::vector<std::string>& names,
                                        const std::vector<DataType>& types) {
  columns_sent_ = true;
  sink_types_ = types;
  BeginPacket();
  PutLenenc(&out_, names.size());
  EndPacket();
  for (size_t i = 0; i < names.size(); ++i) {
    BeginPacket();
    AppendColumnDef(&out_, names[i], DefOf(types[i]));
    EndPacket();
  }
  if ((caps_ & kClientDeprecateEof) == 0) WriteEof();
  return closing_ ? Status::Aborted("connection closed") : Status::OK();
}

Status MysqlServer::Connection::Rows(const exec::Batch& batch, size_t visible) {
  const size_t n = batch.num_rows();
  for (size_t row = 0; row < n; ++row) {
    BeginPacket();
    if (binary_) {
      PutU8(&out_, 0x00);
      const size_t bitmap = (visible + 7 + 2) / 8;
      const size_t at = out_.size();
      out_.append(bitmap, '\0');
      for (size_t c = 0; c < visible; ++c) {
        const exec::Vector& v = batch.column(c);
        if (v.IsNull(row) || sink_types_[c].id == TypeId::kNull) {
          out_[at + (c + 2) / 8] |= static_cast<char>(1 << ((c + 2) % 8));
          continue;
        }
        AppendBinaryValue(&out_, v, sink_types_[c], row);
      }
    } else {
      for (size_t c = 0; c < visible; ++c) {
        const exec::Vector& v = batch.column(c);
        if (v.IsNull(row) || sink_types_[c].id == TypeId::kNull) {
          PutU8(&out_, 0xfb);
        } else if (sink_types_[c].id == TypeId::kString) {
          PutLenencStr(&out_, v.data<std::string_view>()[row]);
        } else {
          PutLenencStr(&out_, exec::CellText(v, sink_types_[c], row));
        }
      }
    }
    EndPacket();
  }
  return closing_ ? Status::Aborted("connection closed") : Status::OK();
}

void MysqlServer::Connection::WriteTextResult(const session::QueryResult& r) {
  BeginPacket();
  PutLenenc(&out_, r.names.size());
  EndPacket();
  for (const std::string& name : r.names) {
    BeginPacket();
    ColumnDef d;
    d.length = 256;
    AppendColumnDef(&out_, name, d);
    EndPacket();
  }
  if ((caps_ & kClientDeprecateEof) == 0) WriteEof();
  for (const auto& row : r.rows) {
    BeginPacket();
    for (const auto& cell : row) {
      if (cell) {
        PutLenencStr(&out_, *cell);
      } else {
        PutU8(&out_, 0xfb);
      }
    }
    EndPacket();
  }
  WriteEof();
}

}  // namespace xp::cn
