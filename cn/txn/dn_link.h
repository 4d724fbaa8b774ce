// A compute-node session's connection to one data node (docs/PROTOCOL.md
// §4-§7): the only way cn/ talks to a DN. Two implementations: ClientLink
// (below) over a real xp::Client, and FakeDnLink (cn/txn/fake_dn.h) over
// an in-memory DN with fault injection, for unit tests of the CN.
//
// Contract: requests go out in order and their replies come back in the
// same order; a caller may send several requests before reading
// (pipelining). Not thread-safe, except KillRunningQuery, which another
// thread may call while the owner is blocked in Read.
#pragma once

#include <google/protobuf/message_lite.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "xprotocol/client.h"
#include "xprotocol/client_codec.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp {
class Client;
}

namespace xp::cn {

class DnLink {
 public:
  virtual ~DnLink() = default;

  // One request message (a ClientMsg type and its body).
  virtual Status Send(uint8_t type,
                      const google::protobuf::MessageLite& msg) = 0;
  // The next reply message of the connection.
  virtual Result<Message> Read() = 0;
  // A StmtExecute of `sql` (no arguments).
  virtual Status SendExecute(std::string_view sql) = 0;
  // Every reply of the oldest unread request, assembled; a TOKEN_DONE on
  // the way is answered with more credit. Aborted with last_error() set
  // when the DN answered with an error.
  virtual Result<StmtResult> ReadResult() = 0;
  // Send + ReadResult.
  virtual Result<StmtResult> Execute(std::string_view sql) = 0;
  virtual Result<StmtResult> ExecuteSql(Xp::Plan::ExecSql req) = 0;
  // Thread-safe: SESS_KILL QUERY of this connection's session, so the
  // request the DN runs for it fails with 1317. Never answered.
  virtual void KillRunningQuery() = 0;
  // How long a reply may take from now on; silence for longer is an
  // IOError (timed out).
  virtual void set_timeout(std::chrono::milliseconds timeout) = 0;
  // The last error reply read (valid after a call returned Aborted).
  virtual const ServerError& last_error() const = 0;
};

// How the CN reaches DN `dn`: a new, authenticated link, whose replies may
// take at most `timeout`. A server error (bad credentials) is that error;
// a DN that cannot be reached is IOError (TimedOut when it was silent).
using DnConnector = std::function<Result<std::unique_ptr<DnLink>>(
    size_t dn, std::chrono::milliseconds timeout, ServerError* error)>;

// The real link: an xp::Client.
class ClientLink : public DnLink {
 public:
  explicit ClientLink(std::unique_ptr<Client> client);
  ~ClientLink() override;
  Status Send(uint8_t type, const google::protobuf::MessageLite& msg) override;
  Result<Message> Read() override;
  Status SendExecute(std::string_view sql) override;
  Result<StmtResult> ReadResult() override;
  Result<StmtResult> Execute(std::string_view sql) override;
  Result<StmtResult> ExecuteSql(Xp::Plan::ExecSql req) override;
  void KillRunningQuery() override;
  void set_timeout(std::chrono::milliseconds timeout) override;
  const ServerError& last_error() const override;

 private:
  std::unique_ptr<Client> client_;
};

struct DnEndpoint {
  std::string host;
  uint16_t port = 0;
};

// Connects ClientLinks to `dns[dn]` with `base`'s account and TLS settings
// (its host, port and timeout are set per link).
DnConnector ClientConnector(std::vector<DnEndpoint> dns, ClientOptions base);

// Where the CN's two-phase commit can be made to fail (tests; xcn's hidden
// --failpoint flag). The hook is asked at each named point (docs: cn/README.md
// "Failpoints"); kFail makes the point's fault happen there: at
// "before_commit_log" / "after_commit_log" the session stops as a crashed
// CN would (its DN links dropped, nothing more sent; xcn's hook exits the
// process instead), at "lose_dn1_in_phase_two" DN 1's link is lost just
// before its XA COMMIT.
enum class FailAction : uint8_t { kNone, kFail };
using FailpointHook = std::function<FailAction(std::string_view point)>;

}  // namespace xp::cn
