// The replies of one streamed request (docs/PROTOCOL.md §7.1), read one
// message at a time: each TOKEN_DONE is answered with `credit` bytes more,
// so the server sends no more than the reader takes; a reader that stops
// early kills the request and drains what is left, so the connection is in
// step for the next request. Over any connection with Send(type, msg) and
// Read(): the blocking Client, or the compute node's DnLink.
#pragma once

#include <cstdint>

#include "codec/status.h"
#include "xprotocol/client_codec.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp {

template <class Conn>
class ResultStream {
 public:
  // The request was sent on `conn` (with ExecPlan / ExecSql `token` =
  // `credit`, or any request when credit is 0: no TOKEN_DONE comes).
  ResultStream(Conn* conn, uint64_t credit) : conn_(conn), credit_(credit) {}

  // The next reply that is not flow control. After the final one (a
  // StmtExecuteOk or an Error) or a failed read, done() is true.
  Result<Message> Next() {
    if (done_) return Status::Internal("the result stream has ended");
    for (;;) {
      Result<Message> m = conn_->Read();
      if (!m.ok()) {
        done_ = true;
        return m;
      }
      if (m->type == ServerMsg::TOKEN_DONE) {
        Xp::Session::TokenOffer offer;
        offer.set_bytes(credit_);
        Status st = conn_->Send(ClientMsg::TOKEN_OFFER, offer);
        if (!st.ok()) {
          done_ = true;
          return st;
        }
        ++offers_;
        continue;
      }
      if (m->type == ServerMsg::SQL_STMT_EXECUTE_OK ||
          m->type == ServerMsg::ERROR)
        done_ = true;
      return m;
    }
  }
  bool done() const { return done_; }
  // The stream's connection went away (its owner saw it fail): nothing
  // more is read from it.
  void Abandon() { done_ = true; }
  uint64_t offers() const { return offers_; }

  // SESS_KILL QUERY of the connection's session: the request ends (with
  // 1317, or normally if it had finished). Not answered itself.
  Status SendKill() {
    Xp::Session::KillSession kill;
    kill.set_session_id(0);
    kill.set_kind(Xp::Session::KillSession::QUERY);
    return conn_->Send(ClientMsg::SESS_KILL, kill);
  }
  // Reads and drops the replies left.
  Status Drain() {
    while (!done_) XP_RETURN_IF_ERROR(Next().status());
    return Status::OK();
  }

 private:
  Conn* conn_;
  const uint64_t credit_;
  bool done_ = false;
  uint64_t offers_ = 0;
};

// Every reply of the request `stream` reads, assembled; an Error reply is
// Aborted with *error filled (ParseServerError: Corruption when it does
// not parse).
template <class Conn>
Result<StmtResult> ReadWholeResult(ResultStream<Conn>* stream,
                                   ServerError* error) {
  ResultAssembler assembler;
  for (;;) {
    XP_ASSIGN_OR_RETURN(Message m, stream->Next());
    switch (assembler.Add(m.type, m.payload)) {
      case ResultAssembler::Step::kMore:
        break;
      case ResultAssembler::Step::kDone:
        return std::move(assembler.result());
      case ResultAssembler::Step::kFailed:
        if (m.type != ServerMsg::ERROR) return assembler.status();
        return ParseServerError(m.payload, error);
    }
  }
}

}  // namespace xp
