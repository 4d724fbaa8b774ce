#include "xprotocol/async_client.h"

#include <boost/asio.hpp>

#include "codec/sql_errors.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct AsyncClient::Io {
  explicit Io(asio::any_io_executor ex) : resolver(ex), socket(ex) {}
  tcp::resolver resolver;
  tcp::socket socket;
};

std::shared_ptr<AsyncClient> AsyncClient::Create(asio::any_io_executor ex,
                                                 ClientOptions options) {
  return std::shared_ptr<AsyncClient>(new AsyncClient(ex, std::move(options)));
}

AsyncClient::AsyncClient(asio::any_io_executor ex, ClientOptions options)
    : options_(std::move(options)),
      io_(std::make_unique<Io>(ex)),
      decoder_(options_.max_frame_bytes) {}

AsyncClient::~AsyncClient() {
  boost::system::error_code ec;
  io_->socket.close(ec);
}

void AsyncClient::Connect(Done done) {
  auto self = shared_from_this();
  if (options_.auth == ClientOptions::Auth::kPlain ||
      options_.ssl_mode >= ClientOptions::SslMode::kRequired) {
    // A server that requires TLS answers the login with 3159.
    return done(Status::NotSupported(
        "AsyncClient does not do TLS (nor PLAIN, which needs it): use "
        "Client"));
  }
  io_->resolver.async_resolve(
      options_.host, std::to_string(options_.port),
      [self, done](const boost::system::error_code& ec,
                   tcp::resolver::results_type endpoints) {
        if (ec)
          return done(Status::IOError("cannot resolve " + self->options_.host));
        asio::async_connect(
            self->io_->socket, endpoints,
            [self, done](const boost::system::error_code& ec,
                         const tcp::endpoint&) {
              if (ec) {
                return done(Status::IOError("cannot connect: " + ec.message()));
              }
              boost::system::error_code ignored;
              self->io_->socket.set_option(tcp::no_delay(true), ignored);
              self->StartRead();
              Mysqlx::Connection::CapabilitiesSet set;
              for (const auto& [name, value] :
                   HandshakeCapabilities(self->options_)) {
                auto* c = set.mutable_capabilities()->add_capabilities();
                c->set_name(name);
                *c->mutable_value() = value;
              }
              self->RequestOk(
                  ClientMsg::CON_CAPABILITIES_SET, set, 0,
                  [self, done](Status st) {
                    if (!st.ok()) return done(st);
                    // The Ok arrived in the old form; what follows is new.
                    if (self->options_.compression) self->compression_ = true;
                    if (self->options_.multiplex) {
                      self->framing_ = frame::Framing::kMultiplexed;
                      self->decoder_.set_framing(self->framing_);
                    }
                    using Auth = ClientOptions::Auth;
                    const Auth a = self->options_.auth;
                    if (a != Auth::kAuto) {
                      return self->Authenticate(
                          a == Auth::kMysql41 ? "MYSQL41" : "SHA256_MEMORY",
                          done);
                    }
                    self->Authenticate("MYSQL41", [self, done](Status st) {
                      if (st.ok() || self->failed_ ||
                          self->last_error_.code != ER_ACCESS_DENIED_ERROR) {
                        return done(st);
                      }
                      self->Authenticate("SHA256_MEMORY", done);
                    });
                  });
            });
      });
}

void AsyncClient::Authenticate(std::string mech, Done done) {
  auto self = shared_from_this();
  Mysqlx::Session::AuthenticateStart start;
  start.set_mech_name(mech);
  Request(
      ClientMsg::SESS_AUTHENTICATE_START, start, 0,
      Pending{
          [self, mech, done](Message& m) {
            if (m.type == ServerMsg::ERROR) {
              done(self->ServerFailure(m.payload));
              return true;
            }
            Mysqlx::Session::AuthenticateContinue challenge;
            if (m.type != ServerMsg::SESS_AUTHENTICATE_CONTINUE ||
                !ParseMessage(m.payload, &challenge)) {
              done(Status::Corruption("expected AuthenticateContinue"));
              return true;
            }
            Mysqlx::Session::AuthenticateContinue cont;
            cont.set_auth_data(
                ClientAuthData(self->options_, mech, challenge.auth_data()));
            self->Request(
                ClientMsg::SESS_AUTHENTICATE_CONTINUE, cont, 0,
                Pending{[self, done](Message& r) {
                          if (r.type == ServerMsg::NOTICE) {
                            if (auto id = ClientIdFromNotice(r.payload)) {
                              self->client_id_ = *id;
                            }
                            return false;
                          }
                          if (r.type == ServerMsg::SESS_AUTHENTICATE_OK) {
                            done(Status::OK());
                          } else if (r.type == ServerMsg::ERROR) {
                            done(self->ServerFailure(r.payload));
                          } else {
                            done(Status::Corruption(
                                "unexpected message during authentication"));
                          }
                          return true;
                        },
                        done});
            return true;
          },
          done});
}

void AsyncClient::Execute(std::string sql, std::vector<Any> args,
                          ResultDone done, uint64_t session_id) {
  Mysqlx::Sql::StmtExecute stmt;
  stmt.set_stmt(std::move(sql));
  stmt.set_namespace_("sql");
  for (Any& a : args) *stmt.add_args() = std::move(a);
  RunResult(ClientMsg::SQL_STMT_EXECUTE, stmt, session_id, std::move(done));
}

void AsyncClient::ExecuteSql(Xp::Plan::ExecSql req, ResultDone done,
                             uint64_t session_id) {
  RunResult(ClientMsg::EXEC_SQL, req, session_id, std::move(done));
}

void AsyncClient::ExecutePlan(Xp::Plan::ExecPlan req, ResultDone done,
                              uint64_t session_id) {
  const std::string digest = req.plan_digest();
  if (!req.has_plan() || digest.empty()) {
    RunResult(ClientMsg::EXEC_PLAN_READ, req, session_id, std::move(done));
    return;
  }
  auto self = shared_from_this();
  auto whole = std::make_shared<Xp::Plan::ExecPlan>(std::move(req));
  auto send_whole = [self, whole, digest, done, session_id] {
    self->RunResult(ClientMsg::EXEC_PLAN_READ, *whole, session_id,
                    [self, digest, done](Result<StmtResult> r) {
                      if (r.ok() || self->last_error_.code != 7012)
                        self->known_digests_.insert(digest);
                      done(std::move(r));
                    });
  };
  if (known_digests_.count(digest) == 0) return send_whole();
  Xp::Plan::ExecPlan slim = *whole;
  slim.clear_plan();
  RunResult(ClientMsg::EXEC_PLAN_READ, slim, session_id,
            [self, done, send_whole](Result<StmtResult> r) {
              if (!r.ok() && self->last_error_.code == 7012) {
                send_whole();  // the node lost it: once more, whole
                return;
              }
              done(std::move(r));
            });
}

void AsyncClient::RunResult(uint8_t type,
                            const google::protobuf::MessageLite& msg,
                            uint64_t session_id, ResultDone done) {
  auto self = shared_from_this();
  auto assembler = std::make_shared<ResultAssembler>();
  Request(type, msg, session_id,
          Pending{[self, assembler, done, session_id](Message& m) {
                    if (m.type == ServerMsg::TOKEN_DONE) {
                      Xp::Session::TokenOffer offer;
                      offer.set_bytes(self->options_.credit_bytes);
                      self->Send(ClientMsg::TOKEN_OFFER, offer, session_id);
                      return false;
                    }
                    switch (assembler->Add(m.type, m.payload)) {
                      case ResultAssembler::Step::kMore:
                        return false;
                      case ResultAssembler::Step::kDone:
                        done(std::move(assembler->result()));
                        return true;
                      case ResultAssembler::Step::kFailed:
                        if (m.type == ServerMsg::ERROR) {
                          done(self->ServerFailure(m.payload));
                        } else {
                          done(assembler->status());
                        }
                        return true;
                    }
                    return true;
                  },
                  [done](Status st) { done(st); }});
}

void AsyncClient::OpenSession(uint64_t session_id, Done done) {
  if (framing_ != frame::Framing::kMultiplexed) {
    return done(
        Status::InvalidArgument("OpenSession needs a multiplexed connection"));
  }
  RequestOk(ClientMsg::SESS_NEW, Xp::Session::NewSession(), session_id,
            std::move(done));
}

void AsyncClient::Close(Done done) {
  auto self = shared_from_this();
  RequestOk(ClientMsg::CON_CLOSE, Mysqlx::Connection::Close(), 0,
            [self, done](Status st) {
              boost::system::error_code ec;
              self->io_->socket.close(ec);
              self->failed_ = true;
              done(st);
            });
}

void AsyncClient::RequestOk(uint8_t type,
                            const google::protobuf::MessageLite& msg,
                            uint64_t session_id, Done done) {
  auto self = shared_from_this();
  Request(type, msg, session_id,
          Pending{[self, done](Message& m) {
                    if (m.type == ServerMsg::NOTICE) return false;
                    if (m.type == ServerMsg::OK) {
                      done(Status::OK());
                    } else if (m.type == ServerMsg::ERROR) {
                      done(self->ServerFailure(m.payload));
                    } else {
                      done(Status::Corruption("expected Ok"));
                    }
                    return true;
                  },
                  done});
}

void AsyncClient::Request(uint8_t type,
                          const google::protobuf::MessageLite& msg,
                          uint64_t session_id, Pending pending) {
  if (failed_) return pending.on_fail(Status::IOError("connection is closed"));
  Status st = EncodeRequest(&scratch_, framing_, type, msg, session_id,
                            compression_, options_.compression_threshold);
  if (!st.ok()) return pending.on_fail(st);
  pending_[session_id].push_back(std::move(pending));
  outbox_.emplace_back(scratch_.view());
  StartWrite();
}

void AsyncClient::Send(uint8_t type, const google::protobuf::MessageLite& msg,
                       uint64_t session_id) {
  if (failed_) return;
  if (!EncodeRequest(&scratch_, framing_, type, msg, session_id, compression_,
                     options_.compression_threshold)
           .ok())
    return;
  outbox_.emplace_back(scratch_.view());
  StartWrite();
}

void AsyncClient::StartWrite() {
  if (writing_ || outbox_.empty() || failed_) return;
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(io_->socket, asio::buffer(outbox_.front()),
                    [self](const boost::system::error_code& ec, size_t) {
                      self->writing_ = false;
                      self->outbox_.pop_front();
                      if (ec) {
                        return self->FailAll(
                            Status::IOError("write failed: " + ec.message()));
                      }
                      self->StartWrite();
                    });
}

void AsyncClient::StartRead() {
  if (failed_) return;
  in_.Reserve(std::max(decoder_.needed(), in_.size() + 64 * 1024));
  auto self = shared_from_this();
  io_->socket.async_read_some(
      asio::buffer(in_.data() + in_.size(), in_.capacity() - in_.size()),
      [self](const boost::system::error_code& ec, size_t n) {
        if (ec) {
          return self->FailAll(Status::IOError("read failed: " + ec.message()));
        }
        self->in_.Extend(n);
        Status st = self->decoder_.Drain(&self->in_, [&self](Message&& m) {
          auto& q = self->pending_[m.session_id];
          if (q.empty()) return;  // nothing asked for it; drop
          // Copy the handler out: it may queue a new request on this session.
          Pending p = std::move(q.front());
          q.pop_front();
          if (!p.on_message(m)) {
            self->pending_[m.session_id].push_front(std::move(p));
          }
        });
        if (!st.ok()) return self->FailAll(st);
        self->StartRead();
      });
}

void AsyncClient::FailAll(const Status& st) {
  if (failed_ && pending_.empty()) return;
  failed_ = true;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [_, q] : pending) {
    for (auto& p : q) p.on_fail(st);
  }
}

Status AsyncClient::ServerFailure(std::string_view payload) {
  Status st = ParseServerError(payload, &last_error_);
  if (st.IsCorruption() || last_error_.fatal) failed_ = true;
  return st;
}

}  // namespace xp
