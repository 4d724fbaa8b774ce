#include "cn/mysql/mysql_server.h"

#include <arpa/inet.h>
#include <glog/logging.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <optional>

#include "cn/mysql/mysql_connection.h"
#include "codec/mysql_packet.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/types/decimal.h"
#include "plan/types/temporal.h"

namespace xp::cn {

using namespace xp::mysql;  // NOLINT: protocol constants
using plan::DataType;
using plan::TypeId;

bool MysqlServer::Connection::Fill(size_t need) {
  // Bytes already read stay at in_[in_pos_..); read more until `need` are
  // there (as many as the socket has: one recv for a whole small command).
  while (in_.size() - in_pos_ < need) {
    // The rest of a command comes within net_read_timeout (the socket's
    // own receive timeout is wait_timeout, for the wait between commands);
    // the whole handshake within connect_timeout.
    int64_t wait_ms = read_timeout_s_ * 1000;
    if (!authenticated_) {
      wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    handshake_deadline_ - std::chrono::steady_clock::now())
                    .count();
      if (wait_ms <= 0) return false;
    }
    // Bytes TLS has decrypted already are not on the socket.
    if (wait_ms >= 0 && !(ssl_ != nullptr && SSL_pending(ssl_) > 0)) {
      pollfd p{fd_, POLLIN, 0};
      int ready;
      do {
        ready = ::poll(&p, 1,
                       static_cast<int>(std::min<int64_t>(wait_ms, INT32_MAX)));
      } while (ready < 0 && errno == EINTR);
      if (ready == 0) return false;
    }
    if (ReadSome(need - (in_.size() - in_pos_)) <= 0) return false;
  }
  return true;
}

ssize_t MysqlServer::Connection::ReadSome(size_t want) {
  if (in_pos_ > 0 && in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  }
  const size_t have = in_.size();
  // Until authenticated, exactly what is asked for: an idle or hostile
  // connection holds a few KiB, and the bytes of a TLS handshake that
  // follow an SSL request stay on the socket for TLS to read.
  if (authenticated_) want = std::max<size_t>(want, 16384);
  want = std::max<size_t>(want, 1);
  in_.resize(have + want);
  ssize_t n;
  if (ssl_ != nullptr) {
    n = SslRead(in_.data() + have, want);
  } else {
    do {
      n = ::recv(fd_, in_.data() + have, want, 0);
    } while (n < 0 && errno == EINTR);
  }
  in_.resize(have + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  return n;
}

bool MysqlServer::Connection::ReadPacket(std::string* payload) {
  payload->clear();
  for (;;) {
    if (!Fill(4)) return false;
    const char* h = in_.data() + in_pos_;
    const size_t len = static_cast<uint8_t>(h[0]) |
                       static_cast<size_t>(static_cast<uint8_t>(h[1])) << 8 |
                       static_cast<size_t>(static_cast<uint8_t>(h[2])) << 16;
    seq_ = static_cast<uint8_t>(h[3] + 1);
    if (!authenticated_ &&
        payload->size() + len > server_->options_.preauth_packet_bytes) {
      WriteError(ER_HANDSHAKE_ERROR, "Bad handshake");
      Flush();
      return false;
    }
    if (payload->size() + len > server_->options_.max_packet_bytes) {
      WriteError(ER_NET_PACKET_TOO_LARGE,
                 "Got a packet bigger than 'max_allowed_packet' bytes");
      Flush();
      return false;
    }
    if (!Fill(4 + len)) return false;
    payload->append(in_, in_pos_ + 4, len);
    in_pos_ += 4 + len;
    if (in_pos_ == in_.size()) {
      in_.clear();
      in_pos_ = 0;
    }
    if (len < kMaxPayload) return true;
  }
}

void MysqlServer::Connection::EndPacket() {
  size_t len = out_.size() - packet_start_ - 4;
  if (len < kMaxPayload) {
    char* h = out_.data() + packet_start_;
    h[0] = static_cast<char>(len);
    h[1] = static_cast<char>(len >> 8);
    h[2] = static_cast<char>(len >> 16);
    h[3] = static_cast<char>(seq_++);
  } else {
    // Split into 16 MiB - 1 pieces (and an empty one after an exact fit).
    std::string body = out_.substr(packet_start_ + 4);
    out_.resize(packet_start_);
    size_t off = 0;
    for (;;) {
      const size_t n = std::min(kMaxPayload, body.size() - off);
      PutU24(&out_, static_cast<uint32_t>(n));
      PutU8(&out_, seq_++);
      out_.append(body, off, n);
      off += n;
      if (n < kMaxPayload) break;
    }
  }
  if (out_.size() >= (256u << 10)) Flush();
}

bool MysqlServer::Connection::Flush() {
  size_t off = 0;
  while (off < out_.size()) {
    const ssize_t n =
        ssl_ != nullptr
            ? SSL_write(ssl_, out_.data() + off,
                        static_cast<int>(
                            std::min<size_t>(out_.size() - off, INT32_MAX)))
            : ::send(fd_, out_.data() + off, out_.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      out_.clear();
      closing_ = true;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  out_.clear();
  return true;
}

void MysqlServer::Connection::WriteOk(uint64_t affected, uint64_t insert_id) {
  BeginPacket();
  PutU8(&out_, 0x00);
  PutLenenc(&out_, affected);
  PutLenenc(&out_, insert_id);
  PutU16(&out_, Status16());
  PutU16(&out_, 0);
  EndPacket();
}

void MysqlServer::Connection::WriteEof() {
  BeginPacket();
  PutU8(&out_, 0xfe);
  if (caps_ & kClientDeprecateEof) {
    // An OK packet (0xFE header) ends the result set: affected rows, last
    // insert id, status, warnings.
    PutLenenc(&out_, 0);
    PutLenenc(&out_, 0);
    PutU16(&out_, Status16());
    PutU16(&out_, 0);
  } else {
    // EOF: warnings, then status.
    PutU16(&out_, 0);
    PutU16(&out_, Status16());
  }
  EndPacket();
}

void MysqlServer::Connection::WriteError(uint32_t code, std::string_view state,
                                         std::string_view msg) {
  ++errors_;
  BeginPacket();
  PutU8(&out_, 0xff);
  PutU16(&out_, static_cast<uint16_t>(code));
  out_ += '#';
  std::string s(state.substr(0, 5));
  s.resize(5, '0');
  out_ += s;
  out_.append(msg.substr(0, 512));
  EndPacket();
}

void MysqlServer::Connection::WriteError(const Status& st) {
  if (st.sql_code() != 0) {
    WriteError(st.sql_code(), st.sql_state(), st.message());
  } else if (st.code() == Status::Code::kNotSupported) {
    WriteError(ER_NOT_SUPPORTED_YET, st.message());
  } else {
    WriteError(ER_UNKNOWN_ERROR, st.ToString());
  }
}

void MysqlServer::Connection::DropLongData(Prepared* p) {
  for (auto& d : p->long_data) d.reset();
  long_data_bytes_ -= p->long_bytes;
  p->long_bytes = 0;
  p->long_overflow = false;
}

void MysqlServer::Connection::KillOther(uint32_t id, bool query_only) {
  std::optional<ProcessInfo> target;
  for (const ProcessInfo& p : server_->ProcessList())
    if (p.id == id) target = p;
  if (!target) {
    WriteError(ER_NO_SUCH_THREAD, "Unknown thread id: " + std::to_string(id));
    return;
  }
  // Another account's session needs SUPER or CONNECTION_ADMIN.
  if (target->user != Info().user &&
      !engine_->HasGlobalPrivilege(exec::kPrivSuper) &&
      !engine_->HasGlobalPrivilege(exec::kPrivConnectionAdmin)) {
    WriteError(ER_KILL_DENIED_ERROR,
               "You are not owner of thread " + std::to_string(id));
    return;
  }
  server_->Kill(id, query_only)
      ? WriteOk()
      : WriteError(ER_NO_SUCH_THREAD,
                   "Unknown thread id: " + std::to_string(id));
}

void MysqlServer::Connection::ApplyNetTimeouts() {
  if (!engine_) return;
  auto set = [this](int option, int64_t seconds, int64_t* applied) {
    if (seconds == *applied) return;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(seconds);
    ::setsockopt(fd_, SOL_SOCKET, option, &tv, sizeof(tv));
    *applied = seconds;
  };
  read_timeout_s_ = engine_->IntegerVariable("net_read_timeout", 30);
  set(SO_SNDTIMEO, engine_->IntegerVariable("net_write_timeout", 60),
      &write_timeout_s_);
  set(SO_RCVTIMEO, engine_->IntegerVariable("wait_timeout", 28800),
      &wait_timeout_s_);
}

bool MysqlServer::Connection::WaitForCommand() {
  if (in_pos_ < in_.size()) return true;  // already here (pipelined)
  // One blocking read, which the socket's receive timeout (wait_timeout)
  // bounds: the next command mostly comes whole in it.
  const ssize_t n = ReadSome(0);
  if (n > 0) return true;
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return false;
  // Idle past wait_timeout: MySQL 8's notice, then the connection closes.
  seq_ = 0;
  WriteError(ER_CLIENT_INTERACTION_TIMEOUT,
             "The client was disconnected by the server because of "
             "inactivity. See wait_timeout and interactive_timeout for "
             "configuring this behavior.");
  (void)Flush();
  return false;
}

void MysqlServer::Connection::Run() {
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  // The handshake, writes included, within connect_timeout.
  const int limit_s = std::max(server_->options_.connect_timeout_s, 1);
  handshake_deadline_ =
      std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  timeval tv{};
  tv.tv_sec = limit_s;
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (!Handshake()) return;
  std::string packet;
  for (;;) {
    ApplyNetTimeouts();
    if (closing_ || !WaitForCommand() || !ReadPacket(&packet)) break;
    if (packet.empty()) break;
    if (static_cast<uint8_t>(packet[0]) == kComQuit) break;
    Dispatch(packet);
    SetCommand("Sleep", "");
    if (!Flush()) break;
  }
  MutexLock lock(&mu_);
  engine_.reset();  // rolls back an open transaction
}

void MysqlServer::Connection::Dispatch(std::string_view packet) {
  Reader r(packet);
  uint8_t cmd = 0;
  r.U8(&cmd);
  switch (cmd) {
    case kComQuery: {
      std::string_view sql = r.Rest();
      SetCommand("Query", sql);
      Query(sql);
      return;
    }
    case kComInitDb: {
      Status st = engine_->SetDatabase(std::string(r.Rest()));
      st.ok() ? WriteOk() : WriteError(st);
      return;
    }
    case kComPing:
    case kComResetConnection:
      if (cmd == kComResetConnection) {
        stmts_.clear();
        long_data_bytes_ = 0;
      }
      WriteOk();
      return;
    case kComStatistics:
      BeginPacket();
      out_ += "Uptime: 1  Threads: " + std::to_string(server_->connections()) +
              "  Questions: 0  Slow queries: 0  Opens: 0  Open tables: 0  "
              "Queries per second avg: 0.000";
      EndPacket();
      return;
    case kComProcessKill: {
      uint32_t id = 0;
      if (!r.U32(&id)) break;
      KillOther(id, false);
      return;
    }
    case kComFieldList: {
      std::string_view table;
      if (!r.NulStr(&table)) table = r.Rest();
      FieldList(table);
      return;
    }
    case kComSetOption:
      WriteEof();
      return;
    case kComStmtPrepare: {
      std::string_view sql = r.Rest();
      SetCommand("Prepare", sql);
      Prepare(sql);
      return;
    }
    case kComStmtExecute:
      Execute(r);
      return;
    case kComStmtSendLongData: {
      uint32_t id = 0;
      uint16_t param = 0;
      if (!r.U32(&id) || !r.U16(&param)) return;  // no reply, by protocol
      auto it = stmts_.find(id);
      if (it == stmts_.end() || param >= it->second.params) return;
      Prepared& p = it->second;
      const std::string_view piece = r.Rest();
      if (p.long_overflow || long_data_bytes_ + piece.size() >
                                 server_->options_.max_packet_bytes) {
        p.long_overflow = true;  // kept no further; EXECUTE says so
        return;
      }
      auto& slot = p.long_data[param];
      if (!slot) slot.emplace();
      slot->append(piece);
      p.long_bytes += piece.size();
      long_data_bytes_ += piece.size();
      return;
    }
    case kComStmtClose: {
      uint32_t id = 0;
      if (!r.U32(&id)) return;
      auto it = stmts_.find(id);
      if (it == stmts_.end()) return;
      DropLongData(&it->second);
      stmts_.erase(it);
      return;  // no reply
    }
    case kComStmtReset: {
      uint32_t id = 0;
      if (!r.U32(&id)) break;
      auto it = stmts_.find(id);
      if (it == stmts_.end()) {
        WriteError(ER_UNKNOWN_STMT_HANDLER,
                   "Unknown prepared statement handler (" + std::to_string(id) +
                       ") given to mysqld_stmt_reset");
        return;
      }
      DropLongData(&it->second);
      WriteOk();
      return;
    }
    default:
      WriteError(ER_UNKNOWN_COM_ERROR, "Unknown command");
      return;
  }
  WriteError(ER_MALFORMED_PACKET, "Malformed communication packet.");
}

bool MysqlServer::Connection::Intercept(const sql::Statement& stmt) {
  if (stmt.kind == sql::StmtKind::kShow &&
      static_cast<const sql::ShowStatement&>(stmt).what ==
          sql::ShowStatement::What::kProcesslist) {
    session::QueryResult r;
    r.names = {"Id", "User", "Host", "db", "Command", "Time", "State", "Info"};
    // Others' sessions only with PROCESS.
    const bool all = engine_->HasGlobalPrivilege(exec::kPrivProcess);
    const std::string me = Info().user;
    for (const ProcessInfo& p : server_->ProcessList()) {
      if (!all && p.user != me) continue;
      std::optional<std::string> info;
      if (!p.info.empty()) info = p.info;
      r.rows.push_back(
          {std::to_string(p.id), p.user, std::string("localhost"),
           p.db.empty() ? std::nullopt : std::optional<std::string>(p.db),
           p.command, std::to_string(p.time_s),
           std::string(p.command == "Sleep" ? "" : "executing"), info});
    }
    WriteTextResult(r);
    return true;
  }
  if (stmt.kind != sql::StmtKind::kKill) return false;
  const auto& kill = static_cast<const sql::KillStatement&>(stmt);
  if (kill.id == static_cast<int64_t>(id_) && !kill.query_only) {
    WriteError(ER_QUERY_INTERRUPTED, "Query execution was interrupted");
    closing_ = true;
    return true;
  }
  if (kill.id >= 0 && kill.id <= static_cast<int64_t>(UINT32_MAX)) {
    KillOther(static_cast<uint32_t>(kill.id), kill.query_only);
  } else {
    WriteError(ER_NO_SUCH_THREAD,
               "Unknown thread id: " + std::to_string(kill.id));
  }
  return true;
}

void MysqlServer::Connection::RunText(std::string_view sql) {
  static const std::vector<plan::Value> kNone;
  // A point read the engine planned before (by its normal form) runs
  // without a parse.
  binary_ = false;
  columns_sent_ = false;
  if (std::optional<Result<session::QueryResult>> r =
          engine_->ExecuteCachedText(sql, this)) {
    Answer(*r);
    return;
  }
  Result<sql::StmtPtr> stmt = sql::Parse(sql);
  if (!stmt.ok()) {
    WriteError(stmt.status());
    return;
  }
  if (Intercept(**stmt)) return;
  RunStatement(std::move(*stmt), kNone, false);
}

void MysqlServer::Connection::Query(std::string_view sql) {
  // CLIENT_MULTI_STATEMENTS: "a; b; c" runs each in turn, each answer
  // flagged with more results but the last; the first error ends the text
  // (as MySQL). Without the capability such a text is 1064.
  if ((caps_ & kClientMultiStatements) != 0 &&
      sql.find(';') != std::string_view::npos) {
    Result<std::vector<std::string_view>> parts = sql::SplitStatements(sql);
    if (parts.ok() && parts->size() > 1) {
      for (size_t i = 0; i < parts->size(); ++i) {
        more_results_ = i + 1 < parts->size();
        const uint32_t errors = errors_;
        RunText((*parts)[i]);
        if (errors_ != errors) break;
      }
      more_results_ = false;
      return;
    }
  }
  RunText(sql);
}

void MysqlServer::Connection::RunStatement(
    std::string_view sql, const std::vector<plan::Value>& params, bool binary) {
  binary_ = binary;
  columns_sent_ = false;
  // By text, so the engine's point-get cache may skip the parse.
  Answer(engine_->Execute(sql, params, this));
}

void MysqlServer::Connection::RunStatement(
    sql::StmtPtr stmt, const std::vector<plan::Value>& params, bool binary) {
  binary_ = binary;
  columns_sent_ = false;
  Answer(engine_->Execute(std::move(stmt), params, this));
}

void MysqlServer::Connection::Answer(const Result<session::QueryResult>& r) {
  if (!r.ok()) {
    // After rows were sent the ERR packet ends the result set.
    WriteError(r.status());
    return;
  }
  autocommit_ = engine_->autocommit();
  // Every result set went to the sink (Columns / Rows), SHOW and EXPLAIN
  // included.
  if (columns_sent_) {
    WriteEof();
    return;
  }
  WriteOk(r->rows_affected, r->last_insert_id);
}

void MysqlServer::Connection::FieldList(std::string_view table) {
  // The name is the client's bytes: quoted by the printer, never pasted.
  Result<session::QueryResult> r =
      engine_->Execute("SELECT * FROM " + sql::QuoteIdent(table) + " LIMIT 0");
  if (!r.ok()) {
    WriteError(r.status());
    return;
  }
  for (size_t i = 0; i < r->names.size(); ++i) {
    BeginPacket();
    AppendColumnDef(&out_, r->names[i],
                    i < r->types.size() ? DefOf(r->types[i]) : ColumnDef{});
    PutU8(&out_, 0xfb);  // default value: NULL
    EndPacket();
  }
  WriteEof();
}

void MysqlServer::Connection::Prepare(std::string_view sql) {
  Result<session::StatementShape> shape = engine_->Describe(sql);
  if (!shape.ok()) {
    WriteError(shape.status());
    return;
  }
  if (shape->params > 65535) {
    WriteError(ER_PS_MANY_PARAM,
               "Prepared statement contains too many placeholders");
    return;
  }
  if (stmts_.size() >= server_->options_.max_prepared_statements) {
    WriteError(ER_MAX_PREPARED_STMT_COUNT_REACHED,
               "Can't create more than max_prepared_stmt_count statements "
               "(current value: " +
                   std::to_string(server_->options_.max_prepared_statements) +
                   ")");
    return;
  }
  Prepared p;
  p.sql = std::string(sql);
  p.params = static_cast<uint16_t>(shape->params);
  p.long_data.resize(p.params);
  p.names = std::move(shape->names);
  p.types = std::move(shape->types);
  const uint32_t id = next_stmt_++;
  BeginPacket();
  PutU8(&out_, 0x00);
  PutU32(&out_, id);
  PutU16(&out_, static_cast<uint16_t>(p.names.size()));
  PutU16(&out_, p.params);
  PutU8(&out_, 0);
  PutU16(&out_, 0);
  EndPacket();
  if (p.params > 0) {
    for (uint16_t i = 0; i < p.params; ++i) {
      BeginPacket();
      ColumnDef d;
      d.type = kTypeVarString;
      d.charset = kCharsetBinary;
      AppendColumnDef(&out_, "?", d);
      EndPacket();
    }
    if ((caps_ & kClientDeprecateEof) == 0) WriteEof();
  }
  if (!p.names.empty()) {
    for (size_t i = 0; i < p.names.size(); ++i) {
      BeginPacket();
      AppendColumnDef(&out_, p.names[i], DefOf(p.types[i]));
      EndPacket();
    }
    if ((caps_ & kClientDeprecateEof) == 0) WriteEof();
  }
  stmts_.emplace(id, std::move(p));
}

namespace {

plan::Value ValueOf(BinaryValue&& v) {
  switch (v.kind) {
    case BinaryValue::Kind::kNull:
      return plan::Value();
    case BinaryValue::Kind::kInt:
      return plan::Value(v.i);
    case BinaryValue::Kind::kUInt:
      return plan::Value(v.u);
    case BinaryValue::Kind::kDouble:
      return plan::Value(v.d);
    case BinaryValue::Kind::kDecimal: {
      Result<plan::Decimal> d = plan::ParseDecimal(v.s);
      if (d.ok()) return plan::Value(*d);
      return plan::Value(std::move(v.s));
    }
    case BinaryValue::Kind::kBytes:
      break;
  }
  return plan::Value(std::move(v.s));
}

}  // namespace

void MysqlServer::Connection::Execute(Reader& r) {
  uint32_t id = 0, iterations = 0;
  uint8_t flags = 0;
  if (!r.U32(&id) || !r.U8(&flags) || !r.U32(&iterations)) {
    WriteError(ER_MALFORMED_PACKET, "Malformed communication packet.");
    return;
  }
  auto it = stmts_.find(id);
  if (it == stmts_.end()) {
    WriteError(ER_UNKNOWN_STMT_HANDLER, "Unknown prepared statement handler (" +
                                            std::to_string(id) +
                                            ") given to mysqld_stmt_execute");
    return;
  }
  Prepared& p = it->second;
  SetCommand("Execute", p.sql);
  std::vector<BinaryValue> raw;
  // Read first: the parameter types sent with this EXECUTE stay known.
  std::optional<std::string> bad =
      ReadExecuteParams(r, p.params, &p.param_types, p.long_data, &raw);
  if (p.long_overflow) {
    DropLongData(&p);
    WriteError(ER_NET_PACKET_TOO_LARGE,
               "Parameter of prepared statement which is set through "
               "mysql_send_long_data() is longer than 'max_allowed_packet' "
               "bytes");
    return;
  }
  if (bad) {
    WriteError(bad->rfind("No data", 0) == 0 ? CR_PARAMS_NOT_BOUND
                                             : ER_MALFORMED_PACKET,
               *bad);
    return;
  }
  DropLongData(&p);
  std::vector<plan::Value> params;
  params.reserve(raw.size());
  for (BinaryValue& v : raw) params.push_back(ValueOf(std::move(v)));
  RunStatement(p.sql, params, true);
}

MysqlServer::MysqlServer(MysqlServerOptions options, exec::Store* store)
    : options_(std::move(options)),
      store_(store),
      sha2_(options_.rsa_private_key) {}

MysqlServer::~MysqlServer() { Stop(); }

Status MysqlServer::Start() {
  if (!options_.ssl_cert.empty()) {
    XP_ASSIGN_OR_RETURN(
        ssl_ctx_, MakeServerTlsContext(options_.ssl_cert, options_.ssl_key));
    // TLS writes with write(2): a client gone must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
  }
  XP_RETURN_IF_ERROR(sha2_.Init());
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    return Status::IOError("socket: " + std::string(strerror(errno)));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options_.port);
  if (::inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1)
    return Status::InvalidArgument("bad listen address " + options_.host);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
          0 ||
      ::listen(listen_fd_, 128) != 0) {
    const std::string err = strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Status::IOError("listen on " + options_.host + ":" +
                           std::to_string(options_.port) + ": " + err);
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::OK();
}

void MysqlServer::AcceptLoop() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 200);
    CancelAbandoned();
    if (ready <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::shared_ptr<Connection> c;
    {
      MutexLock lock(&mu_);
      if (conns_.size() >= options_.max_connections) {
        // The MySQL way: an ERR packet instead of the greeting, then close.
        std::string err;
        mysql::PutU8(&err, 0xff);
        mysql::PutU16(&err, ER_CON_COUNT_ERROR);
        err += std::string("#") + SqlStateOf(ER_CON_COUNT_ERROR) +
               "Too many connections";
        std::string packet;
        mysql::PutU24(&packet, static_cast<uint32_t>(err.size()));
        mysql::PutU8(&packet, 0);
        packet += err;
        (void)!::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL);
        ::close(fd);
        continue;
      }
      const uint32_t id = next_id_++;
      c = std::make_shared<Connection>(this, fd, id);
      conns_[id] = c;
    }
    std::thread([this, c, id = c->Info().id] {
      c->Run();
      MutexLock lock(&mu_);
      conns_.erase(id);
      if (!c->account_key().empty()) {
        auto it = per_account_.find(c->account_key());
        if (it != per_account_.end() && --it->second == 0)
          per_account_.erase(it);
      }
      if (conns_.empty()) conns_cv_.notify_all();
    }).detach();
  }
}

void MysqlServer::CancelAbandoned() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_watch_ < std::chrono::milliseconds(200)) return;
  last_watch_ = now;
  std::vector<std::shared_ptr<Connection>> gone;
  {
    MutexLock lock(&mu_);
    for (auto& [id, c] : conns_)
      if (c->AbandonedWhileBusy()) gone.push_back(c);
  }
  // The statement is cancelled (on the DNs too) and the connection closed,
  // as MySQL does when it notices a client went away.
  for (auto& c : gone) c->Shutdown();
}

void MysqlServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  MutexLock lock(&mu_);
  for (auto& [id, c] : conns_) c->Shutdown();
  while (!conns_.empty()) conns_cv_.wait(mu_);
}

size_t MysqlServer::connections() const {
  MutexLock lock(&mu_);
  return conns_.size();
}

std::vector<MysqlServer::ProcessInfo> MysqlServer::ProcessList() const {
  std::vector<std::shared_ptr<Connection>> cs;
  {
    MutexLock lock(&mu_);
    for (auto& [id, c] : conns_) cs.push_back(c);
  }
  std::vector<ProcessInfo> out;
  for (auto& c : cs) out.push_back(c->Info());
  return out;
}

bool MysqlServer::Kill(uint32_t id, bool query_only) {
  std::shared_ptr<Connection> c;
  {
    MutexLock lock(&mu_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return false;
    c = it->second;
  }
  query_only ? c->CancelQuery() : c->Shutdown();
  return true;
}

}  // namespace xp::cn
