// The connection state machine (docs/PROTOCOL.md §4, §7): what each message
// does in each state. See server_connection.h.
#include "xprotocol/server_connection.h"

#include "codec/sql_errors.h"
#include "xprotocol/capabilities.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_expect.pb.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_session.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/values.h"

namespace xp {

void Connection::HandleFrame(uint64_t sid, uint8_t type,
                             std::string_view payload, bool inner) {
  if (type == ClientMsg::COMPRESSION) {
    HandleCompression(payload, inner);
  } else if (state_ == State::kReady) {
    HandleReady(sid, type, payload);
  } else {
    HandlePreAuth(sid, type, payload);
  }
}

void Connection::HandlePreAuth(uint64_t sid, uint8_t type,
                               std::string_view payload) {
  Reply reply(this, sid);
  if (sid != 0) {
    reply.Error(ER_XP_UNKNOWN_SESSION,
                "Session " + std::to_string(sid) +
                    " does not exist: authenticate on session 0 first");
    return;
  }
  switch (type) {
    case ClientMsg::CON_CAPABILITIES_GET:
      SendCapabilities(reply);
      return;
    case ClientMsg::CON_CAPABILITIES_SET:
      if (state_ == State::kAuthenticating) break;
      HandleCapabilitiesSet(payload, reply);
      return;
    case ClientMsg::CON_CLOSE:
      reply.Ok("bye!");
      state_ = State::kClosing;
      return;
    case ClientMsg::SESS_AUTHENTICATE_START:
      HandleAuthStart(payload);
      return;
    case ClientMsg::SESS_AUTHENTICATE_CONTINUE:
      if (state_ != State::kAuthenticating) break;
      HandleAuthContinue(payload);
      return;
    default:
      break;
  }
  reply.Error(
      ER_UNKNOWN_COM_ERROR,
      "Unexpected message " +
          MessageTypeName(Direction::kClientToServer, type) +
          (state_ == State::kAuthenticating ? " during authentication"
                                            : " before authentication"));
}

CapabilityInfo Connection::Capabilities() const {
  const ServerOptions& opts = server_->opts;
  CapabilityInfo info;
  info.multiplexed = parser_.framing() == frame::Framing::kMultiplexed;
  info.max_frame_bytes = opts.max_frame_bytes;
  info.max_sessions = opts.max_sessions_per_connection;
  info.tls_available = server_->tls.has_value() && pipe_ == nullptr;
  info.tls_active = tls_ != nullptr;
  info.require_secure_transport = opts.require_secure_transport;
  info.extra = &opts.extra_capabilities;
  return info;
}

void Connection::SendCapabilities(Reply& reply) {
  reply.Final(ServerMsg::CONN_CAPABILITIES, ServerCapabilities(Capabilities()));
}

void Connection::HandleCapabilitiesSet(std::string_view payload, Reply& reply) {
  Mysqlx::Connection::CapabilitiesSet set;
  if (!Decode(payload, &set)) return;
  Result<CapabilityChange> change =
      ParseCapabilitiesSet(set, Capabilities(),
                           /*authenticated=*/state_ == State::kReady);
  if (!change.ok()) {
    reply.Error(change.status());
    return;
  }
  reply.Ok();
  // Takes effect after the Ok, which still goes out in the old form.
  if (change->multiplexed) {
    const auto f = *change->multiplexed ? frame::Framing::kMultiplexed
                                        : frame::Framing::kPlain;
    parser_.set_framing(f);
    writer_.set_framing(f);
  }
  if (change->compression && !compression_) {
    compression_ = true;
    out_compress_from_ = out_.size();
  }
  if (change->start_tls) tls_pending_ = true;
}

void Connection::HandleAuthStart(std::string_view payload) {
  Mysqlx::Session::AuthenticateStart start;
  if (!Decode(payload, &start)) return;
  Reply reply(this, 0);
  if (server_->opts.require_secure_transport && !secure()) {
    reply.Error(ER_SECURE_TRANSPORT_REQUIRED,
                "Connections using insecure transport are prohibited while "
                "--require_secure_transport=ON: start TLS (the \"tls\" "
                "capability) before authenticating");
    return;
  }
  if (start.mech_name() == "PLAIN") {
    bool fatal = false;
    Result<AuthData> account = auth_.Plain(start.auth_data(), secure(), &fatal);
    FinishAuth(std::move(account), fatal);
    return;
  }
  Result<std::string> nonce = auth_.Start(start.mech_name());
  if (!nonce.ok()) {
    reply.Error(nonce.status());
    return;
  }
  state_ = State::kAuthenticating;
  Mysqlx::Session::AuthenticateContinue cont;
  cont.set_auth_data(*nonce);
  reply.Final(ServerMsg::SESS_AUTHENTICATE_CONTINUE, cont);
}

void Connection::HandleAuthContinue(std::string_view payload) {
  Mysqlx::Session::AuthenticateContinue cont;
  if (!Decode(payload, &cont)) return;
  bool fatal = false;
  Result<AuthData> account = auth_.Continue(cont.auth_data(), &fatal);
  FinishAuth(std::move(account), fatal);
}

void Connection::FinishAuth(Result<AuthData> account, bool fatal) {
  Reply reply(this, 0);
  if (!account.ok()) {
    state_ = State::kConnecting;
    const Status& st = account.status();
    reply.Error(st.sql_code(), st.sql_state(), st.message(), fatal);
    return;
  }
  user_ = account->user;
  auth_schema_ = account->schema;
  sessions_.Clear([](BackgroundTask& t) { Cancel(t); });
  (void)sessions_.Open(0, user_, auth_schema_);  // the table is empty
  state_ = State::kReady;
  Mysqlx::Notice::SessionStateChanged changed;
  changed.set_param(Mysqlx::Notice::SessionStateChanged::CLIENT_ID_ASSIGNED);
  *changed.add_value() = ScalarUint(client_id_);
  reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, changed);
  reply.Final(ServerMsg::SESS_AUTHENTICATE_OK,
              Mysqlx::Session::AuthenticateOk());
}

void Connection::BackToAuthentication() {
  // What waited is dropped with the sessions.
  sessions_.Clear([](BackgroundTask& t) { Cancel(t); });
  user_.clear();
  state_ = State::kConnecting;
  connect_deadline_ =
      std::chrono::steady_clock::now() + server_->opts.connect_timeout;
}

void Connection::HandleReady(uint64_t sid, uint8_t type,
                             std::string_view payload) {
  std::shared_ptr<SessionState> s = sessions_.Find(sid);
  if (!s) {
    if (type == ClientMsg::SESS_NEW &&
        parser_.framing() == frame::Framing::kMultiplexed) {
      HandleSessNew(sid, payload);
      return;
    }
    Reply(this, sid).Error(ER_XP_UNKNOWN_SESSION,
                           "Session " + std::to_string(sid) +
                               " does not exist; open it with SESS_NEW");
    return;
  }
  if (type == ClientMsg::TOKEN_OFFER) {
    HandleTokenOffer(sid, payload);
    return;
  }
  if (s->busy || !s->queued.empty()) {
    // Busy: the request waits its turn, except a kill of this very
    // session's running query.
    Xp::Session::KillSession kill;
    if (type == ClientMsg::SESS_KILL && ParseMessage(payload, &kill) &&
        kill.session_id() == sid &&
        kill.kind() == Xp::Session::KillSession::QUERY) {
      if (auto t = s->running.lock()) Cancel(*t);
      return;
    }
    sessions_.Enqueue(*s, type, payload);
    return;
  }
  HandleRequest(*s, type, payload);
}

void Connection::HandleRequest(SessionState& s, uint8_t type,
                               std::string_view payload) {
  const uint64_t sid = s.session.session_id();
  Reply reply(this, sid);
  const bool blocked = s.expects.Blocked();
  switch (type) {
    case ClientMsg::CON_CAPABILITIES_GET:
      SendCapabilities(reply);
      break;
    case ClientMsg::CON_CAPABILITIES_SET:
      HandleCapabilitiesSet(payload, reply);
      break;
    case ClientMsg::CON_CLOSE:
      reply.Ok("bye!");
      state_ = State::kClosing;
      return;
    case ClientMsg::EXPECT_OPEN:
      if (blocked) {
        reply.Error(ExpectStack::BlockedError());
        s.expects.OpenFailed();
        return;
      }
      HandleExpectOpen(s, payload, reply);
      return;
    case ClientMsg::EXPECT_CLOSE: {
      Status st = s.expects.Close();
      reply.OkOrError(st);
      break;
    }
    case ClientMsg::SESS_RESET:
      HandleReset(s, payload, reply);
      return;
    case ClientMsg::SESS_CLOSE: {
      Mysqlx::Session::Close close;
      if (!Decode(payload, &close)) return;
      reply.Ok();
      if (sid == 0) {
        BackToAuthentication();
      } else {
        sessions_.Close(sid);
      }
      return;
    }
    case ClientMsg::SESS_NEW:
      reply.Error(ER_XP_SESSION_EXISTS,
                  "Session " + std::to_string(sid) + " already exists");
      break;
    case ClientMsg::SESS_KILL:
      HandleSessKill(sid, payload, &reply);
      return;
    default:
      if (blocked) {
        reply.Error(ExpectStack::BlockedError());
        return;
      }
      server_->dispatcher->Dispatch(s.session, type, payload, reply);
      if (!reply.finished()) {
        reply.Error(ER_X_BAD_MESSAGE,
                    "Internal error: the request produced no final reply");
      }
      break;
  }
  if (reply.failed() && state_ == State::kReady) {
    // The session may be gone (a dispatcher closing it): look it up again.
    if (auto again = sessions_.Find(sid)) again->expects.RecordFailure();
  }
}

void Connection::HandleExpectOpen(SessionState& s, std::string_view payload,
                                  Reply& reply) {
  Mysqlx::Expect::Open open;
  if (!Decode(payload, &open)) return;
  Status st = s.expects.Open(open);
  reply.OkOrError(st);
}

void Connection::HandleReset(SessionState& s, std::string_view payload,
                             Reply& reply) {
  Mysqlx::Session::Reset reset;
  if (!Decode(payload, &reset)) return;
  s.expects.Clear();
  s.session.data().reset();
  s.session.set_schema(auth_schema_);
  reply.Ok();
  if (!reset.keep_open() && s.session.session_id() == 0) {
    BackToAuthentication();
  }
}

void Connection::HandleSessNew(uint64_t sid, std::string_view payload) {
  Xp::Session::NewSession req;
  if (!Decode(payload, &req)) return;
  Reply reply(this, sid);
  Status st = sessions_.Open(sid, user_,
                             req.has_schema() ? req.schema() : auth_schema_);
  reply.OkOrError(st);
}

bool Connection::HandleSessKill(uint64_t sid, std::string_view payload,
                                Reply* reply) {
  Xp::Session::KillSession kill;
  if (!Decode(payload, &kill)) return true;
  const bool query = kill.kind() == Xp::Session::KillSession::QUERY;
  // A kill of the sender's own query is answered by that query's end, if
  // one runs (with plain framing the only session is the sender).
  if (query && kill.session_id() == sid) return false;
  Status st = sessions_.CheckKill(sid, kill.session_id(), query);
  if (!st.ok()) {
    reply->Error(st);
    return true;
  }
  // The running request (if any) fails with 1317 at its next batch; a
  // killed session's waiting requests are dropped with it.
  std::shared_ptr<SessionState> target = sessions_.Find(kill.session_id());
  if (auto t = target->running.lock()) Cancel(*t);
  if (!query) sessions_.Close(kill.session_id());
  reply->Ok();
  return true;
}

}  // namespace xp
