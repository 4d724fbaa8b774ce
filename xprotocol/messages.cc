#include "xprotocol/messages.h"

#include <charconv>
#include <vector>

#include "codec/coding.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_expect.pb.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp {

bool ParseMessage(std::string_view payload,
                  google::protobuf::MessageLite* msg) {
  return msg->ParsePartialFromArray(payload.data(),
                                    static_cast<int>(payload.size())) &&
         msg->IsInitialized();
}

void WriteMessage(FrameWriter* w, uint8_t type,
                  const google::protobuf::MessageLite& msg,
                  uint64_t session_id) {
  const size_t mark = w->Begin(type, session_id);
  const size_t n = msg.ByteSizeLong();
  msg.SerializeWithCachedSizesToArray(w->Reserve(n));
  w->End(mark);
}

const google::protobuf::Descriptor* MessageDescriptor(Direction dir,
                                                      uint8_t type) {
  if (dir == Direction::kClientToServer) {
    switch (type) {
      case ClientMsg::CON_CAPABILITIES_GET:
        return Mysqlx::Connection::CapabilitiesGet::descriptor();
      case ClientMsg::CON_CAPABILITIES_SET:
        return Mysqlx::Connection::CapabilitiesSet::descriptor();
      case ClientMsg::CON_CLOSE:
        return Mysqlx::Connection::Close::descriptor();
      case ClientMsg::SESS_AUTHENTICATE_START:
        return Mysqlx::Session::AuthenticateStart::descriptor();
      case ClientMsg::SESS_AUTHENTICATE_CONTINUE:
        return Mysqlx::Session::AuthenticateContinue::descriptor();
      case ClientMsg::SESS_RESET:
        return Mysqlx::Session::Reset::descriptor();
      case ClientMsg::SESS_CLOSE:
        return Mysqlx::Session::Close::descriptor();
      case ClientMsg::SQL_STMT_EXECUTE:
        return Mysqlx::Sql::StmtExecute::descriptor();
      case ClientMsg::EXPECT_OPEN:
        return Mysqlx::Expect::Open::descriptor();
      case ClientMsg::EXPECT_CLOSE:
        return Mysqlx::Expect::Close::descriptor();
      case ClientMsg::COMPRESSION:
        return Mysqlx::Connection::Compression::descriptor();
      case ClientMsg::SESS_NEW:
        return Xp::Session::NewSession::descriptor();
      case ClientMsg::SESS_KILL:
        return Xp::Session::KillSession::descriptor();
      case ClientMsg::TOKEN_OFFER:
        return Xp::Session::TokenOffer::descriptor();
      case ClientMsg::EXEC_PLAN_READ:
        return Xp::Plan::ExecPlan::descriptor();
      case ClientMsg::EXEC_SQL:
        return Xp::Plan::ExecSql::descriptor();
      default:
        return nullptr;
    }
  }
  switch (type) {
    case ServerMsg::OK:
      return Mysqlx::Ok::descriptor();
    case ServerMsg::ERROR:
      return Mysqlx::Error::descriptor();
    case ServerMsg::CONN_CAPABILITIES:
      return Mysqlx::Connection::Capabilities::descriptor();
    case ServerMsg::SESS_AUTHENTICATE_CONTINUE:
      return Mysqlx::Session::AuthenticateContinue::descriptor();
    case ServerMsg::SESS_AUTHENTICATE_OK:
      return Mysqlx::Session::AuthenticateOk::descriptor();
    case ServerMsg::NOTICE:
      return Mysqlx::Notice::Frame::descriptor();
    case ServerMsg::RESULTSET_COLUMN_META_DATA:
      return Mysqlx::Resultset::ColumnMetaData::descriptor();
    case ServerMsg::RESULTSET_ROW:
      return Mysqlx::Resultset::Row::descriptor();
    case ServerMsg::RESULTSET_FETCH_DONE:
      return Mysqlx::Resultset::FetchDone::descriptor();
    case ServerMsg::RESULTSET_FETCH_SUSPENDED:
      return Mysqlx::Resultset::FetchSuspended::descriptor();
    case ServerMsg::RESULTSET_FETCH_DONE_MORE_RESULTSETS:
      return Mysqlx::Resultset::FetchDoneMoreResultsets::descriptor();
    case ServerMsg::SQL_STMT_EXECUTE_OK:
      return Mysqlx::Sql::StmtExecuteOk::descriptor();
    case ServerMsg::RESULTSET_FETCH_DONE_MORE_OUT_PARAMS:
      return Mysqlx::Resultset::FetchDoneMoreOutParams::descriptor();
    case ServerMsg::COMPRESSION:
      return Mysqlx::Connection::Compression::descriptor();
    case ServerMsg::TOKEN_DONE:
      return Xp::Session::TokenDone::descriptor();
    default:  // RESULTSET_CHUNK is not a protobuf (docs/PROTOCOL.md §9.6)
      return nullptr;
  }
}

std::string MessageTypeName(Direction dir, uint8_t type) {
  const auto* e = dir == Direction::kClientToServer
                      ? Mysqlx::ClientMessages::Type_descriptor()
                      : Mysqlx::ServerMessages::Type_descriptor();
  const auto* v = e->FindValueByNumber(type);
  if (v == nullptr) return "UNKNOWN(" + std::to_string(type) + ")";
  return v->name();
}

std::unique_ptr<google::protobuf::Message> NewMessage(Direction dir,
                                                      uint8_t type) {
  const auto* d = MessageDescriptor(dir, type);
  if (d == nullptr) return nullptr;
  const auto* proto =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
  return std::unique_ptr<google::protobuf::Message>(proto->New());
}

bool ClientFieldExists(std::string_view path) {
  std::vector<uint32_t> parts;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    uint32_t v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || ptr != part.data() + part.size()) return false;
    parts.push_back(v);
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  if (parts.size() < 2 || parts[0] > 255) return false;
  const auto* d = MessageDescriptor(Direction::kClientToServer,
                                    static_cast<uint8_t>(parts[0]));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (d == nullptr) return false;
    const auto* f = d->FindFieldByNumber(static_cast<int>(parts[i]));
    if (f == nullptr) return false;
    d = f->message_type();
  }
  return true;
}

Mysqlx::Error MakeError(uint32_t code, std::string_view sql_state,
                        std::string_view msg, bool fatal) {
  Mysqlx::Error e;
  e.set_severity(fatal ? Mysqlx::Error::FATAL : Mysqlx::Error::ERROR);
  e.set_code(code);
  e.set_sql_state(std::string(sql_state));
  e.set_msg(std::string(msg));
  return e;
}

void RowWriter::Field(std::string_view encoded) {
  uint8_t* p = w_->Reserve(1 + VarintLength(encoded.size()) + encoded.size());
  *p++ = 0x0a;  // field 1, wire type 2 (length-delimited)
  p = EncodeVarint64(p, encoded.size());
  if (!encoded.empty()) std::memcpy(p, encoded.data(), encoded.size());
}

bool RowReader::Next(std::string_view* field) {
  while (!in_.empty()) {
    uint64_t tag;
    if (!GetVarint64(&in_, &tag)) {
      ok_ = false;
      return false;
    }
    const uint32_t wire = tag & 7;
    uint64_t len = 0;
    switch (wire) {
      case 0:  // varint: unknown field, skip
        if (!GetVarint64(&in_, &len)) {
          ok_ = false;
          return false;
        }
        continue;
      case 1:
        len = 8;
        break;
      case 2:
        if (!GetVarint64(&in_, &len)) {
          ok_ = false;
          return false;
        }
        break;
      case 5:
        len = 4;
        break;
      default:
        ok_ = false;
        return false;
    }
    if (len > in_.size()) {
      ok_ = false;
      return false;
    }
    std::string_view value = in_.substr(0, len);
    in_.remove_prefix(len);
    if ((tag >> 3) == 1 && wire == 2) {
      *field = value;
      return true;
    }
  }
  return false;
}

}  // namespace xp
