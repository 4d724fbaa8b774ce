// In-memory data nodes for unit tests of the compute node: a FakeCluster
// hands out DnLinks (dn_link.h) that speak the X Protocol messages the CN
// sends and reads (StmtExecute, ExecSql, ExecPlan, SESS_KILL, TOKEN_OFFER;
// docs/PROTOCOL.md §7, §9) to DNs running the SQL engine over a
// MemoryStore, with faults injected per request.
//
// What a fake DN does as a real one does: every statement and plan runs
// (the same SqlSession as xdn); transactions and XA branches commit and
// roll back (savepoints too); a prepared branch outlives its link and XA
// RECOVER lists it; a link that breaks rolls back its open transaction;
// SESS_KILL QUERY ends the request whose replies are still unread with
// 1317; a request with a byte credit sends TOKEN_DONE after each chunk.
// What it does not: no locks and no isolation (every link sees every open
// transaction's rows), results are computed whole when the request
// arrives. Transactions are undone by replaying what remains of the DN's
// write log into a fresh store. Thread-safe (one mutex for the cluster).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cn/txn/dn_link.h"
#include "codec/sql_errors.h"

namespace xp::cn {

// A fault: requests to DN `dn` whose text starts with `prefix` (ASCII
// case-insensitive; an empty prefix matches every request) are hit, after
// `skip` matching ones went through, `times` times (-1: always). A plan
// request's text is "PLAN <physical table>"; a kill's "KILL".
struct DnFault {
  size_t dn = 0;
  std::string prefix;
  int skip = 0;
  int times = 1;
  enum class Kind : uint8_t {
    kError,       // answered with `error`; the request does not run
    kLostBefore,  // the link breaks; the request never reaches the DN
    kLostAfter,   // the request runs; the link breaks before its reply
    kSilent,      // never answered: the read times out, the link is dead
  } kind = Kind::kError;
  ServerError error{ER_LOCK_WAIT_TIMEOUT, SqlStateOf(ER_LOCK_WAIT_TIMEOUT),
                    "Lock wait timeout exceeded; try restarting transaction",
                    false};
};

class FakeCluster {
 public:
  explicit FakeCluster(size_t dns);
  ~FakeCluster();
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  size_t size() const;
  // ClusterOptions::connector for these DNs (links may outlive the
  // cluster object: they share its state).
  DnConnector Connector();

  void Inject(const DnFault& fault);
  void ClearFaults();
  // While down, connecting to `dn` fails (IOError) and its open links
  // break.
  void SetDown(size_t dn, bool down);

  // Every request DN `dn` received since the last ClearRequests, in order.
  std::vector<std::string> Requests(size_t dn) const;
  void ClearRequests();
  // Rows of `sql` over what DN `dn` has committed (not what open or
  // prepared transactions wrote), each value as text ("NULL" for NULL).
  Result<std::vector<std::vector<std::string>>> Query(size_t dn,
                                                      const std::string& sql);
  // XA branches prepared on `dn` (their xids).
  std::vector<std::string> Prepared(size_t dn) const;
  // Transactions open on `dn` (plain or XA, prepared included).
  size_t OpenTransactions(size_t dn) const;
  // SESS_KILL QUERY and TOKEN_OFFER messages `dn` received.
  uint64_t kills(size_t dn) const;
  uint64_t token_offers(size_t dn) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace xp::cn
