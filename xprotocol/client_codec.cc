#include "xprotocol/client_codec.h"

#include <cstdio>

#include "codec/coding.h"
#include "codec/number_text.h"
#include "codec/xrow.h"
#include "xprotocol/auth.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"

namespace xp {

Status EncodeRequest(Buffer* out, frame::Framing framing, uint8_t type,
                     const google::protobuf::MessageLite& msg,
                     uint64_t session_id, bool compress, size_t threshold) {
  out->Clear();
  FrameWriter w(out, framing);
  WriteMessage(&w, type, msg, session_id);
  if (compress && out->size() >= threshold) {
    Mysqlx::Connection::Compression c;
    c.set_uncompressed_size(out->size());
    XP_RETURN_IF_ERROR(lz4::CompressFrame(out->view(), c.mutable_payload()));
    out->Clear();
    WriteMessage(&w, ClientMsg::COMPRESSION, c, 0);
  }
  return Status::OK();
}

std::string FormatServerError(const ServerError& e) {
  return "ERROR " + std::to_string(e.code) + " (" + e.sql_state + "): " + e.msg;
}

Status ParseServerError(std::string_view payload, ServerError* e) {
  Mysqlx::Error m;
  if (!ParseMessage(payload, &m)) {
    return Status::Corruption("unparsable Error message from server");
  }
  e->code = m.code();
  e->sql_state = m.sql_state();
  e->msg = m.msg();
  e->fatal = m.severity() == Mysqlx::Error::FATAL;
  return Status::Aborted(FormatServerError(*e));
}

ResultAssembler::Step ResultAssembler::Add(uint8_t type,
                                           std::string_view payload) {
  auto corrupt = [this](std::string why) {
    status_ = Status::Corruption(why);
    return Step::kFailed;
  };
  switch (type) {
    case ServerMsg::NOTICE: {
      Mysqlx::Notice::Frame f;
      if (!ParseMessage(payload, &f)) {
        return corrupt("unparsable notice");
      }
      if (f.type() == Mysqlx::Notice::Frame::WARNING) {
        Mysqlx::Notice::Warning w;
        if (ParseMessage(f.payload(), &w)) {
          result_.warnings.push_back(
              {static_cast<uint32_t>(w.level()), w.code(), w.msg()});
        }
      } else if (f.type() == Mysqlx::Notice::Frame::SESSION_STATE_CHANGED) {
        Mysqlx::Notice::SessionStateChanged ch;
        if (ParseMessage(f.payload(), &ch) && ch.value_size() > 0) {
          auto v = AnyAsUint(AnyOf(ch.value(0)));
          if (ch.param() ==
              Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED) {
            result_.rows_affected = v;
          } else if (ch.param() ==
                     Mysqlx::Notice::SessionStateChanged::GENERATED_INSERT_ID) {
            result_.last_insert_id = v;
          }
        }
      }
      return Step::kMore;
    }
    case ServerMsg::RESULTSET_COLUMN_META_DATA: {
      Mysqlx::Resultset::ColumnMetaData col;
      if (!ParseMessage(payload, &col)) {
        return corrupt("unparsable ColumnMetaData");
      }
      current_.columns.push_back(std::move(col));
      return Step::kMore;
    }
    case ServerMsg::RESULTSET_CHUNK:
      if (current_.columns.empty()) return corrupt("a chunk before metadata");
      current_.chunks.emplace_back(payload);
      return Step::kMore;
    case ServerMsg::RESULTSET_ROW: {
      RowReader reader(payload);
      std::vector<std::string> row;
      row.reserve(current_.columns.size());
      std::string_view field;
      while (reader.Next(&field)) row.emplace_back(field);
      if (!reader.ok() || row.size() != current_.columns.size()) {
        return corrupt("row with " + std::to_string(row.size()) +
                       " fields for " +
                       std::to_string(current_.columns.size()) + " columns");
      }
      current_.rows.push_back(std::move(row));
      return Step::kMore;
    }
    case ServerMsg::RESULTSET_FETCH_DONE: {
      Mysqlx::Resultset::FetchDone done;
      if (!ParseMessage(payload, &done)) return corrupt("unparsable FetchDone");
      if (done.ByteSizeLong() > 0) current_.feedback = std::move(done);
      result_.sets.push_back(std::move(current_));
      current_ = ResultSet();
      return Step::kMore;
    }
    case ServerMsg::RESULTSET_FETCH_DONE_MORE_RESULTSETS:
    case ServerMsg::RESULTSET_FETCH_DONE_MORE_OUT_PARAMS:
    case ServerMsg::RESULTSET_FETCH_SUSPENDED:
      result_.sets.push_back(std::move(current_));
      current_ = ResultSet();
      return Step::kMore;
    case ServerMsg::SQL_STMT_EXECUTE_OK:
    case ServerMsg::OK:
      return Step::kDone;
    case ServerMsg::ERROR:
      status_ = ParseServerError(payload, &error_);
      return Step::kFailed;
    default:
      return corrupt("unexpected " +
                     MessageTypeName(Direction::kServerToClient, type) +
                     " in a statement result");
  }
}

std::vector<std::pair<std::string, Any>> HandshakeCapabilities(
    const ClientOptions& options) {
  std::vector<std::pair<std::string, Any>> caps;
  caps.emplace_back("session_connect_attrs",
                    AnyObject({{"_client_name", AnyString("xprotocol")}}));
  if (options.compression) {
    caps.emplace_back("compression",
                      AnyObject({{"algorithm", AnyString("lz4_message")}}));
  }
  if (options.multiplex)
    caps.emplace_back("xprotocol.multiplex", AnyBool(true));
  return caps;
}

std::string ClientAuthData(const ClientOptions& options, std::string_view mech,
                           std::string_view nonce) {
  std::string data = options.schema;
  data.push_back('\0');
  data += options.user;
  data.push_back('\0');
  if (mech == "PLAIN") {
    data += options.password;
  } else if (mech == "MYSQL41") {
    data += Mysql41Response(options.password, nonce);
  } else {
    data += Sha256MemoryResponse(options.password, nonce);
  }
  return data;
}

std::optional<uint64_t> ClientIdFromNotice(std::string_view frame_payload) {
  Mysqlx::Notice::Frame f;
  Mysqlx::Notice::SessionStateChanged ch;
  if (ParseMessage(frame_payload, &f) &&
      f.type() == Mysqlx::Notice::Frame::SESSION_STATE_CHANGED &&
      ParseMessage(f.payload(), &ch) &&
      ch.param() == Mysqlx::Notice::SessionStateChanged::CLIENT_ID_ASSIGNED &&
      ch.value_size() > 0) {
    return ch.value(0).v_unsigned_int();
  }
  return std::nullopt;
}

std::string FieldText(const Mysqlx::Resultset::ColumnMetaData& col,
                      std::string_view f, bool binary_as_hex) {
  using Col = Mysqlx::Resultset::ColumnMetaData;
  if (f.empty()) return "NULL";
  std::string out;
  Status st;
  switch (col.type()) {
    case Col::SINT: {
      int64_t v;
      st = xrow::GetSint(f, &v);
      out = std::to_string(v);
      break;
    }
    case Col::UINT:
    case Col::BIT: {
      uint64_t v;
      st = xrow::GetUint(f, &v);
      out = std::to_string(v);
      break;
    }
    case Col::DOUBLE: {
      double v;
      st = xrow::GetDouble(f, &v);
      out = DoubleText(v);
      break;
    }
    case Col::FLOAT: {
      float v;
      st = xrow::GetFloat(f, &v);
      out = FloatText(v);
      break;
    }
    case Col::BYTES:
    case Col::ENUM: {
      std::string_view v;
      st = xrow::GetBytes(f, &v);
      // Binary collation (63): print as hex, like the mysql CLI's
      // --binary-as-hex.
      out = binary_as_hex && col.collation() == 63 ? "0x" + ToHex(v)
                                                   : std::string(v);
      break;
    }
    case Col::TIME: {
      xrow::Time t;
      st = xrow::GetTime(f, &t);
      out = xrow::TimeToString(t);
      break;
    }
    case Col::DATETIME: {
      xrow::DateTime d;
      bool has_time = false;
      st = xrow::GetDateTime(f, &d, &has_time);
      out = xrow::DateTimeToString(
          d, has_time || col.content_type() == Mysqlx::Resultset::DATETIME);
      break;
    }
    case Col::DECIMAL:
      st = xrow::GetDecimal(f, &out);
      break;
    case Col::SET: {
      std::vector<std::string> e;
      st = xrow::GetSet(f, &e);
      for (size_t i = 0; i < e.size(); ++i) out += (i ? "," : "") + e[i];
      break;
    }
  }
  return st.ok() ? out : "<" + st.ToString() + ">";
}

}  // namespace xp
