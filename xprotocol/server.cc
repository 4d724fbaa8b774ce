// The server framework's accept loop and lifetime (docs/PROTOCOL.md §4):
// connections are in server_connection.h.
#include "xprotocol/server.h"

#include <thread>

#include "codec/sql_errors.h"
#include "xprotocol/client.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/server_connection.h"
#include "xprotocol/tls.h"

namespace xp {

// ---------------------------------------------------------------- Server

void Server::Impl::DoAccept() {
  acceptor->async_accept(
      asio::make_strand(*ios[next_io++ % ios.size()]),
      [this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
          return;
        }
        if (!ec) {
          std::shared_ptr<Connection> conn;
          {
            MutexLock l(&mu);
            if (conns.size() < opts.max_connections) {
              conn = std::make_shared<Connection>(this, std::move(socket),
                                                  next_client_id++);
              conns[conn.get()] = conn;
              current.store(conns.size());
            }
          }
          if (conn) {
            accepted++;
            asio::dispatch(conn->executor(), [conn] { conn->Start(); });
          } else {
            rejected++;
            Buffer out;
            FrameWriter w(&out);
            WriteMessage(&w, ServerMsg::ERROR,
                         MakeError(ER_CON_COUNT_ERROR, "08004",
                                   "Too many connections", true));
            boost::system::error_code wec;
            asio::write(socket, asio::buffer(out.data(), out.size()), wec);
            socket.close(wec);
          }
        }
        DoAccept();
      });
}

Server::Server(ServerOptions options, Dispatcher* dispatcher,
               const UserStore* users)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher, users)) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  if (!s.opts.listen) {
    // No listener; one thread serves the in-memory connections' kicks
    // (memory_pipe.h).
    s.ios.clear();
    s.ios.push_back(std::make_unique<asio::io_context>(1));
    s.work.clear();
    s.work.push_back(asio::make_work_guard(*s.ios[0]));
    asio::io_context* ctx = s.ios[0].get();
    s.threads.emplace_back([ctx] { ctx->run(); });
    s.running = true;
    return Status::OK();
  }
  if (!s.opts.tls_cert_file.empty()) {
    XP_ASSIGN_OR_RETURN(
        SslCtxPtr ctx,
        MakeServerTlsContext(s.opts.tls_cert_file, s.opts.tls_key_file));
    s.tls.emplace(ctx.release());  // the asio context owns it now
  } else if (s.opts.require_secure_transport) {
    return Status::InvalidArgument(
        "require_secure_transport needs a TLS certificate and key");
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(s.opts.bind_address, ec);
  if (ec)
    return Status::InvalidArgument("bad bind address " + s.opts.bind_address);
  tcp::endpoint ep(addr, s.opts.port);
  const int n = s.opts.threads < 1 ? 1 : s.opts.threads;
  s.ios.clear();
  for (int i = 0; i < n; ++i)
    s.ios.push_back(std::make_unique<asio::io_context>(1));
  s.acceptor.emplace(*s.ios[0]);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + s.opts.bind_address + ":" +
                           std::to_string(s.opts.port) + ": " + ec.message());
  }
  s.port = s.acceptor->local_endpoint().port();
  s.work.clear();
  for (auto& io : s.ios) s.work.push_back(asio::make_work_guard(*io));
  s.DoAccept();
  for (auto& io : s.ios) {
    asio::io_context* ctx = io.get();
    s.threads.emplace_back([ctx] { ctx->run(); });
  }
  s.running = true;
  return Status::OK();
}

uint16_t Server::port() const { return impl_->port; }

Result<std::unique_ptr<Client>> Server::ConnectInMemory(
    const ClientOptions& options, ServerError* error) {
  Impl& s = *impl_;
  if (!s.running) return Status::IOError("the server is not running");
  auto pipe = std::make_shared<MemoryPipe>(s.ios[0].get());
  std::shared_ptr<Connection> conn;
  {
    MutexLock l(&s.mu);
    if (s.conns.size() >= s.opts.max_connections) {
      s.rejected++;
      return Status::SqlError(ER_CON_COUNT_ERROR, "08004",
                              "Too many connections");
    }
    conn = std::make_shared<Connection>(&s, pipe, s.next_client_id++);
    s.conns[conn.get()] = conn;
    s.current.store(s.conns.size());
  }
  s.accepted++;
  pipe->set_server(conn);
  // Runs on the pipe's context, i.e. once the client waits for its first
  // reply.
  asio::post(conn->executor(), [conn] { conn->Start(); });
  conn.reset();  // owned by the server and its handlers from here
  return Client::ConnectOver(std::move(pipe), options, error);
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  // Background requests first (cancelled; they end within a batch), while
  // the I/O threads still take their last output.
  s.pool.Stop();
  if (s.acceptor) {
    asio::post(*s.ios[0], [&s] {
      boost::system::error_code ec;
      s.acceptor->close(ec);
    });
  }
  std::vector<std::shared_ptr<MemoryPipe>> pipes;
  {
    MutexLock l(&s.mu);
    for (auto& [_, c] : s.conns) {
      asio::post(c->executor(), [c = c] { c->CloseNow(); });
      if (c->pipe()) pipes.push_back(c->pipe());
    }
  }
  // In-memory connections close on their pipe's context (kicked: run by
  // their client if it is reading, else by the service thread); wait.
  for (auto& p : pipes) p->Kick();
  for (int i = 0; i < 5000; ++i) {
    bool open = false;
    for (auto& p : pipes) open = open || !p->server_gone();
    if (!open) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s.work.clear();
  for (auto& io : s.ios) io->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  MutexLock l(&s.mu);
  s.conns.clear();
}

ServerStats Server::stats() const {
  ServerStats st;
  st.connections_accepted = impl_->accepted.load();
  st.connections_rejected = impl_->rejected.load();
  st.connections_current = impl_->current.load();
  st.frames_received = impl_->frames.load();
  st.fatal_errors = impl_->fatals.load();
  st.background_requests = impl_->background.load();
  return st;
}

bool ReadSqlStatement(uint8_t type, std::string_view payload, Reply& reply,
                      Mysqlx::Sql::StmtExecute* stmt, bool admin) {
  if (type != ClientMsg::SQL_STMT_EXECUTE) {
    reply.Unsupported(type);
    return false;
  }
  if (!ParseMessage(payload, stmt)) {
    reply.FatalError(ER_X_BAD_MESSAGE,
                     "Invalid message: cannot parse Mysqlx.Sql.StmtExecute");
    return false;
  }
  if (stmt->namespace_() != "sql" &&
      !(admin && stmt->namespace_() == kAdminNamespace)) {
    reply.Error(ER_X_INVALID_NAMESPACE,
                "Unknown namespace " + stmt->namespace_());
    return false;
  }
  return true;
}

}  // namespace xp
