#include "xprotocol/client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <boost/asio.hpp>

#include "codec/lz4.h"
#include "xprotocol/auth.h"
#include "xprotocol/errors.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Client::Io {
  asio::io_context ctx;
  tcp::socket socket{ctx};
};

std::string FormatServerError(const ServerError& e) {
  return "ERROR " + std::to_string(e.code) + " (" + e.sql_state + "): " + e.msg;
}

Client::Client(const ClientOptions& options)
    : options_(options), io_(std::make_unique<Io>()) {}

Client::~Client() {
  boost::system::error_code ec;
  io_->socket.close(ec);
}

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options,
                                                ServerError* error) {
  std::unique_ptr<Client> c(new Client(options));
  Status st = c->Open();
  if (!st.ok()) {
    if (error != nullptr) *error = c->last_error_;
    return st;
  }
  return c;
}

Status Client::Open() {
  boost::system::error_code ec;
  tcp::resolver resolver(io_->ctx);
  auto endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec) return Status::IOError("cannot resolve " + options_.host);
  asio::connect(io_->socket, endpoints, ec);
  if (ec) {
    return Status::IOError("cannot connect to " + options_.host + ":" +
                           std::to_string(options_.port) + ": " + ec.message());
  }
  io_->socket.set_option(tcp::no_delay(true), ec);
  timeval tv{};
  tv.tv_sec = options_.timeout.count() / 1000;
  tv.tv_usec = (options_.timeout.count() % 1000) * 1000;
  const int fd = io_->socket.native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

  std::vector<std::pair<std::string, Any>> caps;
  caps.emplace_back("session_connect_attrs",
                    AnyObject({{"_client_name", AnyString("xprotocol")}}));
  if (options_.compression) {
    caps.emplace_back("compression",
                      AnyObject({{"algorithm", AnyString("lz4_message")}}));
  }
  if (options_.multiplex) caps.emplace_back("xprotocol.multiplex", AnyBool(true));
  XP_RETURN_IF_ERROR(SetCapabilities(caps));
  if (options_.compression) compression_ = true;
  if (options_.multiplex) framing_ = frame::Framing::kMultiplexed;

  switch (options_.auth) {
    case ClientOptions::Auth::kMysql41:
      return Authenticate("MYSQL41");
    case ClientOptions::Auth::kSha256Memory:
      return Authenticate("SHA256_MEMORY");
    case ClientOptions::Auth::kAuto: {
      Status st = Authenticate("MYSQL41");
      if (st.ok() || last_error_.code != err::kAccessDenied || broken_) return st;
      return Authenticate("SHA256_MEMORY");
    }
  }
  return Status::Internal("unreachable");
}

Status Client::Authenticate(const char* mech) {
  Mysqlx::Session::AuthenticateStart start;
  start.set_mech_name(mech);
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_AUTHENTICATE_START, start));
  XP_ASSIGN_OR_RETURN(Message m, Read());
  if (m.type == ServerMsg::ERROR) return ServerFailure(m.payload);
  Mysqlx::Session::AuthenticateContinue challenge;
  if (m.type != ServerMsg::SESS_AUTHENTICATE_CONTINUE ||
      !challenge.ParseFromString(m.payload)) {
    return Status::Corruption("expected AuthenticateContinue, got " +
                              MessageTypeName(Direction::kServerToClient, m.type));
  }
  const std::string& nonce = challenge.auth_data();
  std::string data = options_.schema;
  data.push_back('\0');
  data += options_.user;
  data.push_back('\0');
  data += std::string_view(mech) == "MYSQL41"
              ? Mysql41Response(options_.password, nonce)
              : Sha256MemoryResponse(options_.password, nonce);
  Mysqlx::Session::AuthenticateContinue cont;
  cont.set_auth_data(data);
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_AUTHENTICATE_CONTINUE, cont));
  for (;;) {
    XP_ASSIGN_OR_RETURN(Message r, Read());
    if (r.type == ServerMsg::ERROR) return ServerFailure(r.payload);
    if (r.type == ServerMsg::SESS_AUTHENTICATE_OK) return Status::OK();
    if (r.type == ServerMsg::NOTICE) {
      Mysqlx::Notice::Frame f;
      Mysqlx::Notice::SessionStateChanged ch;
      if (f.ParseFromString(r.payload) &&
          f.type() == Mysqlx::Notice::Frame::SESSION_STATE_CHANGED &&
          ch.ParseFromString(f.payload()) &&
          ch.param() ==
              Mysqlx::Notice::SessionStateChanged::CLIENT_ID_ASSIGNED &&
          ch.value_size() > 0) {
        client_id_ = ch.value(0).v_unsigned_int();
      }
      continue;
    }
    return Status::Corruption(
        "unexpected " + MessageTypeName(Direction::kServerToClient, r.type) +
        " during authentication");
  }
}

Status Client::ServerFailure(const std::string& payload) {
  Mysqlx::Error e;
  if (!e.ParseFromString(payload)) {
    broken_ = true;
    return Status::Corruption("unparsable Error message from server");
  }
  last_error_.code = e.code();
  last_error_.sql_state = e.sql_state();
  last_error_.msg = e.msg();
  last_error_.fatal = e.severity() == Mysqlx::Error::FATAL;
  if (last_error_.fatal) broken_ = true;
  return Status::Aborted(FormatServerError(last_error_));
}

Status Client::Send(uint8_t type, const google::protobuf::MessageLite& msg,
                    uint64_t session_id) {
  out_.Clear();
  FrameWriter w(&out_, framing_);
  WriteMessage(&w, type, msg, session_id);
  if (compression_ && out_.size() >= options_.compression_threshold) {
    Mysqlx::Connection::Compression c;
    c.set_uncompressed_size(out_.size());
    XP_RETURN_IF_ERROR(lz4::CompressFrame(out_.view(), c.mutable_payload()));
    out_.Clear();
    WriteMessage(&w, ClientMsg::COMPRESSION, c, 0);
  }
  return SendBytes(out_.view());
}

Status Client::SendBytes(std::string_view bytes) {
  if (broken_) return Status::IOError("connection is closed");
  boost::system::error_code ec;
  asio::write(io_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) {
    broken_ = true;
    return Status::IOError("write failed: " + ec.message());
  }
  return Status::OK();
}

Status Client::ReadSocketMessage() {
  FrameParser parser(framing_, options_.max_frame_bytes);
  for (;;) {
    Frame f;
    auto outcome = parser.Parse(in_.data(), in_.size(), &f);
    if (outcome == FrameParser::Outcome::kCorrupt) {
      broken_ = true;
      return Status::Corruption("bad frame from server: " + parser.error());
    }
    if (outcome == FrameParser::Outcome::kFrame) {
      if (f.type == ServerMsg::COMPRESSION) {
        Mysqlx::Connection::Compression c;
        std::string plain;
        if (!c.ParseFromArray(f.payload.data(), static_cast<int>(f.payload.size()))) {
          broken_ = true;
          return Status::Corruption("unparsable Compression message");
        }
        Status st = lz4::DecompressFrame(c.payload(), options_.max_frame_bytes,
                                         &plain);
        if (!st.ok()) {
          broken_ = true;
          return st;
        }
        ++compressed_in_;
        FrameParser inner(framing_, options_.max_frame_bytes);
        std::string_view rest = plain;
        while (!rest.empty()) {
          Frame g;
          if (inner.Parse(rest, &g) != FrameParser::Outcome::kFrame) {
            broken_ = true;
            return Status::Corruption("Compression payload holds a partial frame");
          }
          queues_[g.session_id].push_back(
              Message{g.session_id, g.type, std::string(g.payload)});
          rest.remove_prefix(g.wire_size);
        }
      } else {
        queues_[f.session_id].push_back(
            Message{f.session_id, f.type, std::string(f.payload)});
      }
      in_.Consume(f.wire_size);
      return Status::OK();
    }
    if (broken_) return Status::IOError("connection is closed");
    in_.Reserve(std::max(parser.needed(), in_.size() + 64 * 1024));
    boost::system::error_code ec;
    size_t n = io_->socket.read_some(
        asio::buffer(in_.data() + in_.size(), in_.capacity() - in_.size()), ec);
    if (ec) {
      broken_ = true;
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        return Status::TimedOut("no reply from server within " +
                                std::to_string(options_.timeout.count()) + " ms");
      }
      return Status::IOError("read failed: " + ec.message());
    }
    in_.Extend(n);
  }
}

Result<Message> Client::Read(uint64_t session_id) {
  for (;;) {
    auto& q = queues_[session_id];
    if (!q.empty()) {
      Message m = std::move(q.front());
      q.pop_front();
      return m;
    }
    XP_RETURN_IF_ERROR(ReadSocketMessage());
  }
}

Status Client::ReadOk(uint64_t session_id) {
  for (;;) {
    XP_ASSIGN_OR_RETURN(Message m, Read(session_id));
    if (m.type == ServerMsg::OK) return Status::OK();
    if (m.type == ServerMsg::ERROR) return ServerFailure(m.payload);
    if (m.type == ServerMsg::NOTICE) continue;
    return Status::Corruption("expected Ok, got " +
                              MessageTypeName(Direction::kServerToClient, m.type));
  }
}

Result<Mysqlx::Connection::Capabilities> Client::GetCapabilities() {
  XP_RETURN_IF_ERROR(
      Send(ClientMsg::CON_CAPABILITIES_GET, Mysqlx::Connection::CapabilitiesGet()));
  XP_ASSIGN_OR_RETURN(Message m, Read());
  if (m.type == ServerMsg::ERROR) return ServerFailure(m.payload);
  Mysqlx::Connection::Capabilities caps;
  if (m.type != ServerMsg::CONN_CAPABILITIES || !caps.ParseFromString(m.payload)) {
    return Status::Corruption("expected Capabilities");
  }
  return caps;
}

Status Client::SetCapabilities(
    const std::vector<std::pair<std::string, Any>>& caps) {
  Mysqlx::Connection::CapabilitiesSet set;
  for (const auto& [name, value] : caps) {
    auto* c = set.mutable_capabilities()->add_capabilities();
    c->set_name(name);
    *c->mutable_value() = value;
  }
  XP_RETURN_IF_ERROR(Send(ClientMsg::CON_CAPABILITIES_SET, set));
  return ReadOk();
}

Status Client::SendExecute(std::string_view sql, const std::vector<Any>& args,
                           uint64_t session_id) {
  Mysqlx::Sql::StmtExecute stmt;
  stmt.set_stmt(std::string(sql));
  stmt.set_namespace_("sql");
  for (const Any& a : args) *stmt.add_args() = a;
  return Send(ClientMsg::SQL_STMT_EXECUTE, stmt, session_id);
}

Result<StmtResult> Client::ReadResult(uint64_t session_id) {
  StmtResult r;
  ResultSet cur;
  for (;;) {
    XP_ASSIGN_OR_RETURN(Message m, Read(session_id));
    switch (m.type) {
      case ServerMsg::NOTICE: {
        Mysqlx::Notice::Frame f;
        if (!f.ParseFromString(m.payload)) {
          return Status::Corruption("unparsable notice");
        }
        if (f.type() == Mysqlx::Notice::Frame::WARNING) {
          Mysqlx::Notice::Warning w;
          if (w.ParseFromString(f.payload())) {
            r.warnings.push_back({static_cast<uint32_t>(w.level()), w.code(), w.msg()});
          }
        } else if (f.type() == Mysqlx::Notice::Frame::SESSION_STATE_CHANGED) {
          Mysqlx::Notice::SessionStateChanged ch;
          if (ch.ParseFromString(f.payload()) && ch.value_size() > 0) {
            auto v = AnyAsUint(AnyOf(ch.value(0)));
            if (ch.param() == Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED) {
              r.rows_affected = v;
            } else if (ch.param() ==
                       Mysqlx::Notice::SessionStateChanged::GENERATED_INSERT_ID) {
              r.last_insert_id = v;
            }
          }
        }
        break;
      }
      case ServerMsg::RESULTSET_COLUMN_META_DATA: {
        Mysqlx::Resultset::ColumnMetaData col;
        if (!col.ParseFromString(m.payload)) {
          return Status::Corruption("unparsable ColumnMetaData");
        }
        cur.columns.push_back(std::move(col));
        break;
      }
      case ServerMsg::RESULTSET_ROW: {
        RowReader reader(m.payload);
        std::vector<std::string> row;
        row.reserve(cur.columns.size());
        std::string_view field;
        while (reader.Next(&field)) row.emplace_back(field);
        if (!reader.ok() || row.size() != cur.columns.size()) {
          return Status::Corruption("row with " + std::to_string(row.size()) +
                                    " fields for " +
                                    std::to_string(cur.columns.size()) +
                                    " columns");
        }
        cur.rows.push_back(std::move(row));
        break;
      }
      case ServerMsg::RESULTSET_FETCH_DONE:
      case ServerMsg::RESULTSET_FETCH_DONE_MORE_RESULTSETS:
      case ServerMsg::RESULTSET_FETCH_DONE_MORE_OUT_PARAMS:
      case ServerMsg::RESULTSET_FETCH_SUSPENDED:
        r.sets.push_back(std::move(cur));
        cur = ResultSet();
        break;
      case ServerMsg::SQL_STMT_EXECUTE_OK:
      case ServerMsg::OK:
        return r;
      case ServerMsg::ERROR:
        return ServerFailure(m.payload);
      default:
        return Status::Corruption(
            "unexpected " + MessageTypeName(Direction::kServerToClient, m.type) +
            " in a statement result");
    }
  }
}

Result<StmtResult> Client::Execute(std::string_view sql,
                                   const std::vector<Any>& args,
                                   uint64_t session_id) {
  XP_RETURN_IF_ERROR(SendExecute(sql, args, session_id));
  return ReadResult(session_id);
}

Status Client::OpenSession(uint64_t session_id, std::string_view schema) {
  if (!multiplexed()) {
    return Status::InvalidArgument("OpenSession needs a multiplexed connection");
  }
  Xp::Session::NewSession req;
  if (!schema.empty()) req.set_schema(std::string(schema));
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_NEW, req, session_id));
  return ReadOk(session_id);
}

Status Client::CloseSession(uint64_t session_id) {
  XP_RETURN_IF_ERROR(
      Send(ClientMsg::SESS_CLOSE, Mysqlx::Session::Close(), session_id));
  return ReadOk(session_id);
}

Status Client::Reset(bool keep_open, uint64_t session_id) {
  Mysqlx::Session::Reset reset;
  reset.set_keep_open(keep_open);
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_RESET, reset, session_id));
  return ReadOk(session_id);
}

Status Client::Close() {
  if (broken_) return Status::OK();
  Status st = Send(ClientMsg::CON_CLOSE, Mysqlx::Connection::Close());
  if (st.ok()) st = ReadOk();
  broken_ = true;
  boost::system::error_code ec;
  io_->socket.close(ec);
  return st;
}

}  // namespace xp
