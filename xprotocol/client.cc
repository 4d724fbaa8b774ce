#include "xprotocol/client.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <cerrno>
#include <cstring>

#include "codec/sql_errors.h"
#include "xprotocol/memory_pipe.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/result_stream.h"

namespace xp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Client::Io {
  ~Io() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ssl_ctx != nullptr) SSL_CTX_free(ssl_ctx);
  }

  asio::io_context ctx;
  tcp::socket socket{ctx};
  std::shared_ptr<MemoryPipe> pipe;  // in memory: instead of the socket

  // TLS (Client::MaybeStartTls). A reader and KillRunningQuery's writer may
  // use the connection at once, and one SSL object takes one call at a
  // time: every SSL call runs under ssl_mu. The socket is non-blocking
  // then; waits for it happen in poll(), outside the lock, for at most
  // timeout_ms.
  SSL_CTX* ssl_ctx = nullptr;
  SSL* ssl = nullptr;
  std::mutex ssl_mu;
  std::atomic<int> timeout_ms{30'000};

  // Runs `op` (an SSL call on `ssl`) until it gets through: > 0 its result,
  // 0 at the end of the stream, < 0 with errno set (EAGAIN: timed out,
  // EPROTO: a TLS error, with its text in *why when given).
  template <class Op>
  long SslCall(Op op, std::string* why = nullptr) {
    for (;;) {
      int n, err;
      {
        std::lock_guard<std::mutex> lock(ssl_mu);
        ERR_clear_error();
        errno = 0;
        n = op();
        err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);
        if (err == SSL_ERROR_SSL && why != nullptr) {
          char buf[256];
          ERR_error_string_n(ERR_peek_error(), buf, sizeof(buf));
          *why = buf;
          const long verify = SSL_get_verify_result(ssl);
          if (verify != X509_V_OK)
            *why +=
                std::string(" (") + X509_verify_cert_error_string(verify) + ")";
        }
      }
      if (n > 0) return n;
      short events = 0;
      if (err == SSL_ERROR_WANT_READ) {
        events = POLLIN;
      } else if (err == SSL_ERROR_WANT_WRITE) {
        events = POLLOUT;
      } else if (err == SSL_ERROR_ZERO_RETURN) {
        return 0;
      } else if (err == SSL_ERROR_SYSCALL && errno != 0) {
        return -1;
      } else {
        errno = EPROTO;
        return -1;
      }
      pollfd p{socket.native_handle(), events, 0};
      const int r = ::poll(&p, 1, timeout_ms.load());
      if (r == 0) {
        errno = EAGAIN;
        return -1;
      }
      if (r < 0 && errno != EINTR) return -1;
    }
  }
};

namespace {
// How long closing an in-memory client waits for the server side to end
// (its background requests are cancelled by the close).
constexpr std::chrono::seconds kPipeCloseGrace{10};
}  // namespace

Client::Client(const ClientOptions& options)
    : options_(options),
      io_(std::make_unique<Io>()),
      decoder_(options.max_frame_bytes) {}

Client::~Client() {
  if (io_->pipe) {
    io_->pipe->ClientClose(kPipeCloseGrace);
    return;
  }
  boost::system::error_code ec;
  io_->socket.close(ec);
}

Result<std::unique_ptr<Client>> Client::Finish(std::unique_ptr<Client> c,
                                               ServerError* error) {
  Status st = c->Open();
  if (!st.ok()) {
    if (error != nullptr) *error = c->last_error_;
    return st;
  }
  return c;
}

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options,
                                                ServerError* error) {
  return Finish(std::unique_ptr<Client>(new Client(options)), error);
}

Result<std::unique_ptr<Client>> Client::ConnectOver(
    std::shared_ptr<MemoryPipe> pipe, const ClientOptions& options,
    ServerError* error) {
  std::unique_ptr<Client> c(new Client(options));
  c->io_->pipe = std::move(pipe);
  return Finish(std::move(c), error);
}

long Client::RawSend(const void* data, size_t n) {
  if (io_->pipe) {
    if (!io_->pipe
             ->ClientSend(std::string_view(static_cast<const char*>(data), n))
             .ok()) {
      errno = EPIPE;
      return -1;
    }
    return static_cast<long>(n);
  }
  if (io_->ssl != nullptr) {
    const int len = static_cast<int>(std::min<size_t>(n, 1 << 30));
    return io_->SslCall([&] { return SSL_write(io_->ssl, data, len); });
  }
  return ::send(io_->socket.native_handle(), data, n, MSG_NOSIGNAL);
}

long Client::RawRecv(uint8_t* buf, size_t cap) {
  if (io_->pipe) {
    const long n = io_->pipe->ClientRecv(buf, cap, options_.timeout);
    if (n < 0) errno = EAGAIN;
    return n;
  }
  if (io_->ssl != nullptr) {
    const int len = static_cast<int>(std::min<size_t>(cap, 1 << 30));
    return io_->SslCall([&] { return SSL_read(io_->ssl, buf, len); });
  }
  return ::recv(io_->socket.native_handle(), buf, cap, 0);
}

bool Client::tls() const { return io_->ssl != nullptr; }

Status Client::MaybeStartTls() {
  using Mode = ClientOptions::SslMode;
  if (io_->pipe || options_.ssl_mode == Mode::kDisabled) return Status::OK();
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  if (options_.ssl_mode == Mode::kWhenAsked) {
    XP_ASSIGN_OR_RETURN(Mysqlx::Connection::Capabilities caps,
                        GetCapabilities());
    bool asked = false;
    for (const auto& c : caps.capabilities()) {
      if (c.name() == "xprotocol.require_secure_transport")
        asked = AnyAsBool(c.value()).value_or(false);
    }
    if (!asked) return Status::OK();
  }
  Status st = SetCapabilities({{"tls", AnyBool(true)}});
  if (!st.ok()) {
    return Status::Aborted("TLS is required but " + where +
                           " did not start it: " + st.message());
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  io_->ssl_ctx = ctx;
  if (ctx == nullptr) return Status::Internal("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (options_.ssl_mode >= Mode::kVerifyCa) {
    if (options_.ssl_ca.empty() ||
        SSL_CTX_load_verify_locations(ctx, options_.ssl_ca.c_str(), nullptr) !=
            1) {
      broken_ = true;
      return Status::InvalidArgument(
          "cannot load the CA certificate '" + options_.ssl_ca +
          "' the server's certificate is to be verified against");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  io_->ssl = SSL_new(ctx);
  const int fd = io_->socket.native_handle();
  if (io_->ssl == nullptr || SSL_set_fd(io_->ssl, fd) != 1)
    return Status::Internal("SSL_new failed");
  boost::system::error_code ec;
  asio::ip::make_address(options_.host, ec);
  const bool is_ip = !ec;
  if (options_.ssl_mode == Mode::kVerifyIdentity) {
    // The certificate must name the host (a DNS name or an IP address).
    const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(
                               SSL_get0_param(io_->ssl), options_.host.c_str())
                         : SSL_set1_host(io_->ssl, options_.host.c_str());
    if (ok != 1) return Status::Internal("cannot set the host to verify");
  }
  if (!is_ip) SSL_set_tlsext_host_name(io_->ssl, options_.host.c_str());
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  io_->timeout_ms = static_cast<int>(options_.timeout.count());
  std::string why;
  errno = 0;
  const long r = io_->SslCall([this] { return SSL_connect(io_->ssl); }, &why);
  if (r > 0) return Status::OK();
  broken_ = true;
  if (r < 0 && errno == EAGAIN)
    return Status::TimedOut("TLS handshake with " + where + " timed out");
  return Status::IOError(
      "TLS handshake with " + where +
      " failed: " + (why.empty() ? std::string(std::strerror(errno)) : why));
}

Status Client::Open() {
  if (io_->pipe) return Handshake();
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
  ApplyTimeout();
  return Handshake();
}

Status Client::Handshake() {
  XP_RETURN_IF_ERROR(MaybeStartTls());
  XP_RETURN_IF_ERROR(SetCapabilities(HandshakeCapabilities(options_)));
  if (options_.compression) compression_ = true;
  if (options_.multiplex) {
    framing_ = frame::Framing::kMultiplexed;
    decoder_.set_framing(framing_);
  }

  switch (options_.auth) {
    case ClientOptions::Auth::kMysql41:
      return Authenticate("MYSQL41");
    case ClientOptions::Auth::kSha256Memory:
      return Authenticate("SHA256_MEMORY");
    case ClientOptions::Auth::kPlain:
      return Authenticate("PLAIN");
    case ClientOptions::Auth::kAuto: {
      if (tls()) return Authenticate("PLAIN");
      Status st = Authenticate("MYSQL41");
      if (st.ok() || last_error_.code != ER_ACCESS_DENIED_ERROR || broken_)
        return st;
      return Authenticate("SHA256_MEMORY");
    }
  }
  return Status::Internal("unreachable");
}

Status Client::Authenticate(const char* mech) {
  Mysqlx::Session::AuthenticateStart start;
  start.set_mech_name(mech);
  if (std::string_view(mech) == "PLAIN") {
    start.set_auth_data(ClientAuthData(options_, mech, {}));
    XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_AUTHENTICATE_START, start));
    return ReadAuthOutcome();
  }
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_AUTHENTICATE_START, start));
  XP_ASSIGN_OR_RETURN(Message m, Read());
  if (m.type == ServerMsg::ERROR) return ServerFailure(m.payload);
  Mysqlx::Session::AuthenticateContinue challenge;
  if (m.type != ServerMsg::SESS_AUTHENTICATE_CONTINUE ||
      !ParseMessage(m.payload, &challenge)) {
    return Status::Corruption(
        "expected AuthenticateContinue, got " +
        MessageTypeName(Direction::kServerToClient, m.type));
  }
  Mysqlx::Session::AuthenticateContinue cont;
  cont.set_auth_data(ClientAuthData(options_, mech, challenge.auth_data()));
  XP_RETURN_IF_ERROR(Send(ClientMsg::SESS_AUTHENTICATE_CONTINUE, cont));
  return ReadAuthOutcome();
}

Status Client::ReadAuthOutcome() {
  for (;;) {
    XP_ASSIGN_OR_RETURN(Message r, Read());
    if (r.type == ServerMsg::ERROR) return ServerFailure(r.payload);
    if (r.type == ServerMsg::SESS_AUTHENTICATE_OK) return Status::OK();
    if (r.type == ServerMsg::NOTICE) {
      if (auto id = ClientIdFromNotice(r.payload)) client_id_ = *id;
      continue;
    }
    return Status::Corruption(
        "unexpected " + MessageTypeName(Direction::kServerToClient, r.type) +
        " during authentication");
  }
}

Status Client::ServerFailure(std::string_view payload) {
  Status st = ParseServerError(payload, &last_error_);
  if (st.IsCorruption() || last_error_.fatal) broken_ = true;
  return st;
}

Status Client::Send(uint8_t type, const google::protobuf::MessageLite& msg,
                    uint64_t session_id) {
  XP_RETURN_IF_ERROR(EncodeRequest(&out_, framing_, type, msg, session_id,
                                   compression_,
                                   options_.compression_threshold));
  return SendBytes(out_.view());
}

void Client::ApplyTimeout() {
  if (io_->pipe) return;  // ClientRecv takes options_.timeout itself
  io_->timeout_ms = static_cast<int>(options_.timeout.count());
  timeval tv{};
  tv.tv_sec = options_.timeout.count() / 1000;
  tv.tv_usec = (options_.timeout.count() % 1000) * 1000;
  const int fd = io_->socket.native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void Client::set_timeout(std::chrono::milliseconds timeout) {
  if (timeout == options_.timeout) return;
  options_.timeout = timeout;
  ApplyTimeout();
}

void Client::KillRunningQuery() {
  Xp::Session::KillSession kill;
  kill.set_session_id(0);
  kill.set_kind(Xp::Session::KillSession::QUERY);
  Buffer frame;
  if (!EncodeRequest(&frame, framing_, ClientMsg::SESS_KILL, kill, 0,
                     /*compress=*/false, options_.compression_threshold)
           .ok())
    return;
  std::lock_guard<std::mutex> lock(send_mu_);
  SendAll(frame.view());
}

bool Client::SendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    const long n = RawSend(bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status Client::SendBytes(std::string_view bytes) {
  std::lock_guard<std::mutex> lock(send_mu_);
  if (broken_) return Status::IOError("connection is closed");
  // Plain send(2): Asio's blocking calls poll without the socket's
  // SO_SNDTIMEO / SO_RCVTIMEO, so they would wait forever.
  errno = 0;
  if (SendAll(bytes)) return Status::OK();
  broken_ = true;
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return Status::TimedOut("the server took no data for " +
                            std::to_string(options_.timeout.count()) + " ms");
  return Status::IOError(std::string("write failed: ") + std::strerror(errno));
}

Status Client::ReadSocketMessage() {
  for (;;) {
    bool got = false;
    Status st = decoder_.Drain(&in_, [this, &got](Message&& m) {
      queues_[m.session_id].push_back(std::move(m));
      got = true;
    });
    if (!st.ok()) {
      broken_ = true;
      return st;
    }
    if (got) return Status::OK();
    if (broken_) return Status::IOError("connection is closed");
    in_.Reserve(std::max(decoder_.needed(), in_.size() + 64 * 1024));
    const long n =
        RawRecv(in_.data() + in_.size(), in_.capacity() - in_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return Status::TimedOut("no reply from server within " +
                                std::to_string(options_.timeout.count()) +
                                " ms");
      }
      return Status::IOError(n == 0 ? std::string("read failed: End of file")
                                    : std::string("read failed: ") +
                                          std::strerror(errno));
    }
    in_.Extend(static_cast<size_t>(n));
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
    return Status::Corruption(
        "expected Ok, got " +
        MessageTypeName(Direction::kServerToClient, m.type));
  }
}

Result<Mysqlx::Connection::Capabilities> Client::GetCapabilities() {
  XP_RETURN_IF_ERROR(Send(ClientMsg::CON_CAPABILITIES_GET,
                          Mysqlx::Connection::CapabilitiesGet()));
  XP_ASSIGN_OR_RETURN(Message m, Read());
  if (m.type == ServerMsg::ERROR) return ServerFailure(m.payload);
  Mysqlx::Connection::Capabilities caps;
  if (m.type != ServerMsg::CONN_CAPABILITIES ||
      !ParseMessage(m.payload, &caps)) {
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

namespace {

// One logical session of a Client as a ResultStream's connection.
struct SessionConn {
  Client* client;
  uint64_t session_id;
  Result<Message> Read() { return client->Read(session_id); }
  Status Send(uint8_t type, const google::protobuf::MessageLite& msg) {
    return client->Send(type, msg, session_id);
  }
};

}  // namespace

Result<StmtResult> Client::ReadResult(uint64_t session_id) {
  SessionConn conn{this, session_id};
  ResultStream<SessionConn> stream(&conn, options_.credit_bytes);
  ServerError error;
  Result<StmtResult> r = ReadWholeResult(&stream, &error);
  tokens_offered_ += stream.offers();
  if (!r.ok() && (error.code != 0 || r.status().IsCorruption())) {
    last_error_ = error;
    if (r.status().IsCorruption() || error.fatal) broken_ = true;
  }
  return r;
}

Result<StmtResult> Client::Execute(std::string_view sql,
                                   const std::vector<Any>& args,
                                   uint64_t session_id) {
  XP_RETURN_IF_ERROR(SendExecute(sql, args, session_id));
  return ReadResult(session_id);
}

namespace {

// Sends `req` digest-only when the node is known to hold the digest, and
// once more in full on a cache miss.
template <class Req>
Result<StmtResult> ExecuteCached(Client* c, Req req, uint64_t session_id,
                                 uint8_t type, bool has_body,
                                 const std::string& digest,
                                 std::set<std::string>* known,
                                 uint64_t* digest_only, uint64_t* misses,
                                 void (*strip)(Req*)) {
  const bool cacheable = has_body && !digest.empty();
  if (cacheable && known->count(digest) > 0) {
    Req slim = req;
    strip(&slim);
    ++*digest_only;
    XP_RETURN_IF_ERROR(c->Send(type, slim, session_id));
    Result<StmtResult> r = c->ReadResult(session_id);
    if (r.ok() || c->last_error().code != 7012) return r;
    ++*misses;  // the node lost it (restart, eviction): send it whole
  }
  XP_RETURN_IF_ERROR(c->Send(type, req, session_id));
  Result<StmtResult> r = c->ReadResult(session_id);
  if (cacheable && (r.ok() || c->last_error().code != 7012)) {
    known->insert(digest);
  }
  return r;
}

}  // namespace

Result<StmtResult> Client::ExecutePlan(Xp::Plan::ExecPlan req,
                                       uint64_t session_id) {
  const bool body = req.has_plan();
  const std::string digest = req.plan_digest();
  return ExecuteCached<Xp::Plan::ExecPlan>(
      this, std::move(req), session_id, ClientMsg::EXEC_PLAN_READ, body, digest,
      &known_plan_digests_, &digest_only_sent_, &cache_misses_,
      [](Xp::Plan::ExecPlan* r) { r->clear_plan(); });
}

Result<StmtResult> Client::ExecuteSql(Xp::Plan::ExecSql req,
                                      uint64_t session_id) {
  const bool body = req.has_stmt();
  const std::string digest = req.digest();
  return ExecuteCached<Xp::Plan::ExecSql>(
      this, std::move(req), session_id, ClientMsg::EXEC_SQL, body, digest,
      &known_stmt_digests_, &digest_only_sent_, &cache_misses_,
      [](Xp::Plan::ExecSql* r) { r->clear_stmt(); });
}

Status Client::OpenSession(uint64_t session_id, std::string_view schema) {
  if (!multiplexed()) {
    return Status::InvalidArgument(
        "OpenSession needs a multiplexed connection");
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
  if (io_->pipe) {
    io_->pipe->ClientClose(kPipeCloseGrace);
  } else {
    boost::system::error_code ec;
    io_->socket.close(ec);
  }
  return st;
}

}  // namespace xp
