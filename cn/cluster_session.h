// Internal to the compute node's cluster (xp_cn_cluster), shared by its
// files: cluster_store.cc (the store: connections, catalog log, lease,
// recovery), catalog/catalog_ddl.cc (DDL, placement, global index tables),
// txn/cluster_txn.cc (a session's DN links, branches, two-phase commit),
// planner/distribute.cc (the distribute pass and partition pruning),
// exec/remote_scan.cc (Remote operators: streamed scans, global index
// lookups), dml/dml_insert.cc (writes routed from the plan IR's write
// nodes, the row-at-a-time table INSERT ... SELECT writes through) with
// dml/row_router.h (the one row router) and dml/dml_update.cc (UPDATE /
// DELETE, global index maintenance); planner/fragment_sql.h builds every
// statement they send. Not a public interface: cluster_store.h is.
#pragma once

#include <glog/logging.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cn/cluster_store.h"
#include "cn/dml/row_router.h"
#include "cn/planner/fragment_sql.h"
#include "codec/sql_errors.h"
#include "plan/exec/chunk.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/types/decimal.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/result_stream.h"

namespace xp::cn {

using plan::DataType;
using plan::IndexSchema;
using plan::LogicalNode;
using plan::LogicalNodePtr;
using plan::NodeKind;
using plan::TableSchema;
using plan::Value;
using sql::QuoteIdent;
using sql::QuoteString;

// Marks a catalog "table" entry whose hash partitioning the CN chose (the
// entry's text names the partitioning explicitly, so a changed number of
// DNs cannot move rows; the marker, a comment to the parser, keeps that it
// was implicit).
inline constexpr std::string_view kImplicitMarker =
    "\n-- xp: partitioning chosen by the compute node";
// One line per global index of the table: its number and its index's
// name (in hex: any byte may be in a name).
inline constexpr std::string_view kGlobalMarker = "\n-- xp: global index ";
// The id a table's physical names derive from, when an ALTER that copied
// the table gave it a new one (entries without it keep the first entry's).
inline constexpr std::string_view kIdMarker = "\n-- xp: physical id ";
// Byte credit of a streamed request: what a DN sends before it waits for
// the CN to read on (docs/PROTOCOL.md §7.1).
inline constexpr uint64_t kStreamCredit = 1u << 20;
inline constexpr char kSystemDb[] = "xp_system";
// The savepoint a statement spanning several DNs in a transaction sets on
// each first (a name no client is expected to use).
inline constexpr char kStatementSavepoint[] = "SAVEPOINT `xp$statement`";
inline constexpr char kStatementRollback[] =
    "ROLLBACK TO SAVEPOINT `xp$statement`";

std::string TableEntry(const TableSchema& t, const Placement& p);

// The global indexes a catalog entry names (number and index name only).
std::vector<GlobalIndex> GlobalMarkers(const std::string& body);

// A name in the physical namespace (cluster_store.h): no user table has it.
bool IsReservedName(std::string_view name);

Status Unreachable(size_t dn, const DnEndpoint& ep, const Status& why);

// `st` with a note that the session's transaction was rolled back (`why`).
Status RolledBack(const Status& st, const std::string& why);

// The canonical bytes of a key value for hashing: equal SQL values of the
// column's type give equal bytes.
void HashBytes(const Value& v, const DataType& t, std::string* out);

// Column c of a row of a text result.
std::string Text(const ResultSet& set, const std::vector<std::string>& row,
                 size_t c);

const LogicalNode* Leaf(const LogicalNode& n);

bool IsScan(NodeKind k);

void PatchTables(Xp::Plan::Node* n, const std::string& physical);

Xp::Plan::Node* ProtoLeaf(Xp::Plan::Node* n);

// A Remote node's fragment as the placement keeps it (the
// plan::RemoteFragment of the nodes PlaceFragments makes).
struct PlacedFragment : plan::RemoteFragment {
  // Nothing above may move into the fragment any more (a partial
  // aggregate, TopN or limit copy is inside).
  bool sealed = false;
  // Where and how the fragment goes, for EXPLAIN.
  std::string info;
  std::string Describe() const override { return info; }
};
// The PlacedFragment of a Remote node (made on first use; only the
// placement makes Remote nodes).
inline PlacedFragment& Placed(LogicalNode* remote) {
  if (!remote->fragment) remote->fragment = std::make_shared<PlacedFragment>();
  return static_cast<PlacedFragment&>(*remote->fragment);
}

class StreamingRemote;
class ClusterTable;

class ClusterSession : public exec::StoreSession, public exec::RemoteExecution {
 public:
  explicit ClusterSession(ClusterStore* store)
      : unjoined_(store->dn_count(), false),
        store_(store),
        conns_(store->dn_count()),
        pending_(store->dn_count(), 0),
        branches_(store->dn_count()) {}
  ~ClusterSession() override {
    if (in_txn_ || AnyBranch()) (void)Rollback();
    SetXid("");
  }

  Result<exec::TableStore*> Table(const TableSchema& schema) override;
  // The transaction's branches start (on every DN, as at its first
  // statement) and each DN keeps the savepoint for its part.
  Status Savepoint(const std::string& name) override {
    if (!in_txn_) return Status::OK();
    if (!AnyBranch()) XP_RETURN_IF_ERROR(EnsureBranch(0, /*write=*/false));
    return SavepointOnDns(sql::TransactionStatement::Op::kSavepoint, name);
  }
  Status RollbackToSavepoint(const std::string& name) override {
    if (!in_txn_ || !AnyBranch()) return NoSavepoint(name);
    return SavepointOnDns(sql::TransactionStatement::Op::kRollbackTo, name);
  }
  Status ReleaseSavepoint(const std::string& name) override {
    if (!in_txn_ || !AnyBranch()) return NoSavepoint(name);
    return SavepointOnDns(sql::TransactionStatement::Op::kRelease, name);
  }
  static Status NoSavepoint(const std::string& name) {
    return SqlError(ER_SP_DOES_NOT_EXIST,
                    "SAVEPOINT " + name + " does not exist");
  }
  // KILL / a client gone / shutdown: each DN connection's running request
  // is killed (SESS_KILL QUERY), so a long scan or lock wait there ends now
  // instead of when the CN next reads it.
  void Interrupt() override {
    MutexLock lock(&conns_mu_);
    for (auto& c : conns_)
      if (c) c->KillRunningQuery();
  }
  void SetReadLock(sql::LockMode mode, sql::LockWait wait) override {
    read_lock_ = mode;
    read_wait_ = wait;
  }
  Status StatementBegin() override {
    tables_.clear();
    stmt_write_ = false;
    read_lock_ = sql::LockMode::kNone;
    read_wait_ = sql::LockWait::kWait;
    stmt_dns_.clear();
    targets_.clear();
    stmt_guarded_ = false;
    // Only an INSERT ... SELECT sets these (PushInsert); CREATE TABLE ...
    // AS SELECT writes its rows as plain INSERTs.
    insert_replace_ = insert_ignore_ = false;
    return Status::OK();
  }
  // The rest of the statement runs guarded over every DN
  // (GuardStatement): its reads and writes in one transaction, its locks
  // held to its end, all undone when it fails.
  Status AtomicStatement() override {
    std::vector<size_t> all;
    for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
    return GuardStatement(all);
  }
  Status StatementEnd(bool ok) override {
    Status st = ok ? FlushInserts() : Status::OK();
    tables_.clear();
    if (!st.ok()) ok = false;
    // A guarded statement that failed after its writes (the engine's
    // checks) is undone in the transaction.
    if (!ok && in_txn_ && stmt_guarded_) {
      Status undo = UndoGuardedStatement();
      if (st.ok()) st = undo;
    }
    if (!in_txn_ && AnyBranch()) {
      Status end = ok ? Commit() : Rollback();
      if (st.ok()) st = end;
    }
    return st;
  }
  // Rows the engine inserted one at a time (INSERT ... SELECT), sent as
  // one INSERT per partition.
  Status FlushInserts();
  Status Begin() override {
    if (in_txn_) XP_RETURN_IF_ERROR(Commit());
    in_txn_ = true;
    SetXid(store_->NewXid());
    return Status::OK();
  }
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override { return in_txn_; }
  Status Snapshot() override {
    return in_txn_ ? EnsureBranch(0, /*write=*/false) : Status::OK();
  }
  Status Xa(const sql::XaStatement&, std::vector<std::string>*) override {
    return NotSupportedYet("XA statements through a compute node");
  }

  exec::RemoteExecution* remote() override { return this; }
  // The optimizer extension: cn/planner/distribute.cc.
  Status PlaceFragments(LogicalNodePtr* root) override;
  void SetAnalyze(bool on) override {
    analyze_ = on;
    analysis_.clear();
  }
  std::string Analysis(const LogicalNode& remote) override {
    auto it = analysis_.find(&remote);
    return it == analysis_.end() ? "" : it->second;
  }
  // Fills each Remote node's PlacedFragment::info (targets, plan or SQL).
  Status Annotate(LogicalNode* n);
  // The scan provider: cn/exec/remote_scan.cc.
  Result<exec::OperatorPtr> RemoteScan(const LogicalNode& remote) override;

  // A Remote node's requests: the fragment, where it goes and how.
  struct RemoteCall {
    const LogicalNode* remote = nullptr;
    const LogicalNode* leaf = nullptr;
    const Placement* p = nullptr;
    std::vector<size_t> parts;
    std::vector<std::vector<int>> keys;  // per partition (a pruned Get)
    bool as_sql = false;
    Xp::Plan::Node proto;
    std::map<size_t, std::vector<size_t>> by_dn;
    std::vector<size_t> dns;
    uint64_t token = 0;                // byte credit per request (0: none)
    const GlobalIndex* via = nullptr;  // a Get found through this index
  };
  // A Get `via` a global index: each key looked up in the index (in the
  // statement's snapshot or transaction, locking the entry for a locking
  // read); `parts` / `keys` become the partitions holding the rows found.
  Status LookUpGlobal(RemoteCall* call);
  // cn/dml/.
  Status RouteWrite(plan::WriteNode& write, sql::Statement& stmt,
                    const std::vector<Value>& params, bool* handled,
                    uint64_t* rows_affected, uint64_t* last_insert_id) override;
  Status OnVariable(const std::string& name, const Value& v) override {
    if (name == "innodb_lock_wait_timeout") return SetLockWait(v);
    if (name != "xplan_mode") return Status::OK();
    const std::string* s = std::get_if<std::string>(&v);
    const std::string m = s != nullptr ? sql::AsciiLower(*s) : "";
    if (m == "auto" || m == "plan") {
      ship_sql_ = false;
    } else if (m == "sql") {
      ship_sql_ = true;
    } else {
      return SqlError(ER_WRONG_VALUE_FOR_VAR,
                      "Variable 'xplan_mode' can't be set to the value "
                      "of '" +
                          (s ? *s : plan::ValueToString(v)) + "'");
    }
    return Status::OK();
  }

 private:
  // A DN's part of the session's transaction: a plain one (a read-only
  // autocommit statement's consistent snapshot) or an XA branch.
  struct Branch {
    enum class Kind : uint8_t { kNone, kPlain, kXa } kind = Kind::kNone;
    bool wrote = false;
    bool active() const { return kind != Kind::kNone; }
  };
  bool AnyBranch() const {
    for (const Branch& b : branches_)
      if (b.active()) return true;
    return false;
  }
  Result<DnLink*> Conn(size_t dn);
  // Reads the replies `dn` still owes (pending_); server errors in them are
  // dropped, a broken connection is closed.
  Status Settle(size_t dn);
  // A DN's error as this statement's; a broken connection is dropped (and
  // with it that DN's branch: the transaction can then only roll back).
  Status DnError(size_t dn, const Status& st);
  // The link to `dn` is gone: its replies (and branch) with it.
  void DropLink(size_t dn);
  Result<StmtResult> Run(size_t dn, const std::string& sql);
  // Sends each DN its statements back to back, then reads every answer:
  // one round trip for all of them. The first error is returned.
  Status Pipeline(
      const std::vector<std::pair<size_t, std::vector<std::string>>>& work,
      std::vector<std::vector<StmtResult>>* results = nullptr);
  // Starts branches on `dns` at one moment: no two-phase commit is half
  // visible in their snapshots (the store's commit gate).
  //
  // A transaction's first statement starts its branches on every DN at
  // once (one snapshot across the cluster); `needed` is the DN that
  // statement uses: only its START must succeed. A DN that does not answer
  // (or recently did not: ClusterStore::Quiet) is left out of the
  // transaction instead of stalling it; using it later in the same
  // transaction is 1429.
  Status StartBranches(const std::vector<size_t>& dns, Branch::Kind kind,
                       std::optional<size_t> needed = std::nullopt);
  std::vector<bool> unjoined_;  // DNs left out of the open transaction
  // Before a request to `dn`: in an explicit transaction, branches on
  // every DN (started together on first use); for an autocommit write
  // that spans DNs (`xa`), an XA branch on this one.
  Status EnsureBranch(size_t dn, bool write, bool xa = false);
  Status EndBranches(bool commit);
  Status CommitTwoPhase(
      const std::string& xid, const std::vector<size_t>& writers,
      std::vector<std::pair<size_t, std::vector<std::string>>> one_phase);
  // A crash failpoint (dn_link.h FailAction) at `point`: every DN link is
  // dropped without a word, as a crashed CN's would be (what is prepared
  // stays prepared for recovery), and the session forgets its branches.
  Status Halt(std::string_view point);
  // Where a fragment goes: its scan, the table's placement, the target
  // partitions and (for a pruned Get) each partition's keys.
  struct Targets {
    const LogicalNode* leaf = nullptr;
    const Placement* placement = nullptr;
    std::vector<size_t> parts;
    std::vector<std::vector<int>> keys;
    const GlobalIndex* via = nullptr;  // see RemoteCall
  };
  Result<Targets> TargetsOf(const LogicalNode& fragment);
  // Targets of the running statement's Remote nodes, found by Annotate.
  std::map<const LogicalNode*, Targets> targets_;
  Result<std::vector<size_t>> TargetPartitions(
      const LogicalNode& fragment, const Placement& p,
      std::vector<std::vector<int>>* keys);
  // INSERT ... VALUES: the write node's rows through the row router, one
  // statement per partition (with the statement's ON DUPLICATE KEY UPDATE).
  Status PushInsert(plan::WriteNode& w, sql::InsertStatement& ins,
                    const std::vector<Value>& params, bool* handled,
                    uint64_t* affected, uint64_t* insert_id);
  // UPDATE / DELETE: pruned by the write node's source (TargetPartitions,
  // as a read of the rows matched), then UpdateDeleteIn.
  Status PushUpdateDelete(plan::WriteNode& w, sql::Statement& stmt,
                          const std::vector<Value>& params, bool* handled,
                          uint64_t* affected);
  // `stmt` (UPDATE / DELETE of `t`) on partitions `parts`: the statement
  // itself on each (its table renamed, placeholders inlined), partition
  // after partition for a LIMIT (`limit_rows`) over several, or
  // RewriteRows when rows move or global index entries change.
  Status UpdateDeleteIn(sql::Statement& stmt, const TableSchema& t,
                        const Placement& p, const std::vector<size_t>& parts,
                        std::optional<uint64_t> limit_rows, bool ordered,
                        const std::vector<Value>& params, uint64_t* affected);
  // A statement that writes on several DNs with more than one round trip
  // is made undoable as one before it starts: in a transaction, a
  // savepoint on each DN of the transaction; in autocommit, XA branches on
  // `dns` that the statement's end commits or rolls back together.
  Status GuardStatement(const std::vector<size_t>& dns);
  // A guarded statement failed with `st`: in a transaction its writes are
  // undone on every DN (ROLLBACK TO the savepoint) and the transaction goes
  // on, as in MySQL; only when that fails is the whole transaction rolled
  // back (and `st` says so).
  Status FailStatement(const std::vector<size_t>& dns, const Status& st);
  // ROLLBACK TO the statement's savepoint on guarded_dns_ (the whole
  // transaction when that fails: then an error that says so).
  Status UndoGuardedStatement();
  // In a transaction, the running statement's savepoint is set (on
  // guarded_dns_): its parts (InsertEachRow's UPDATEs) set none of their
  // own, and any failure undoes the whole statement.
  bool stmt_guarded_ = false;
  std::vector<size_t> guarded_dns_;
  // SAVEPOINT / ROLLBACK TO / RELEASE (`op`) `name` on every DN of the
  // transaction.
  Status SavepointOnDns(sql::TransactionStatement::Op op,
                        const std::string& name);
  // Writes `sql_by_partition` (partition -> statement) atomically.
  Status Write(const Placement& p,
               const std::map<size_t, std::string>& sql_by_partition,
               uint64_t* affected);
  // Statements for DNs, run in the order given on each DN; `affected` sums
  // the rows of those `counted`. `atomic`: they hold or fail together even
  // on one DN (a row and its global index entries).
  struct DnWrite {
    size_t dn;
    std::string sql;
    bool counted;
  };
  Status WriteAll(const std::vector<DnWrite>& writes, bool atomic,
                  uint64_t* affected);
  // Global index entries (cn/README.md "Global indexes"): `rows` (each the
  // table's columns, nullopt where the DN's default applies: never a key
  // column) as INSERT statements into the index partitions, one per
  // partition, before `out`'s other statements.
  Status IndexInserts(const TableSchema& t, const Placement& p,
                      const std::vector<plan::InsertRow>& rows,
                      std::vector<DnWrite>* out);
  // Whether every column of `cols` has a non-NULL value in `image`.
  static bool HasKey(const std::vector<int>& cols,
                     const plan::InsertRow& image);
  // The partition of the key `cols` of `image` (values of the columns'
  // types) among `partitions`.
  static Result<size_t> PartitionOfImage(const TableSchema& t,
                                         const std::vector<int>& cols,
                                         const plan::InsertRow& image,
                                         size_t partitions);
  // A key of global index `g` (values in index order) as an image of the
  // table's columns, converted to their types; nullopt when a value is
  // NULL or does not convert (no entry has such a key).
  static std::optional<plan::InsertRow> IndexKeyImage(
      const TableSchema& t, const GlobalIndex& g,
      const std::vector<Value>& key);
  // The values of a global index entry of `image` (key, then the rest).
  static std::vector<sql::ExprPtr> EntryValues(const GlobalIndex& g,
                                               const plan::InsertRow& image);
  // c1 = v1 AND ... over columns `cols` of `image`.
  static sql::ExprPtr KeyWhere(const TableSchema& t,
                               const std::vector<int>& cols,
                               const plan::InsertRow& image);
  // INSERT IGNORE / REPLACE / ... ON DUPLICATE KEY UPDATE of a table with
  // global indexes, one row after another in one guarded statement:
  // IGNORE inserts the row's entries with IGNORE (a key taken: the row is
  // skipped, its other entries removed), then the row; REPLACE deletes
  // every row the new one collides with (by primary key or by any global
  // key), entries included, then inserts; ON DUPLICATE KEY UPDATE finds
  // the first row it collides with (primary key first, then the unique
  // keys in order) and runs the assignments on it as an UPDATE by its
  // primary key (the row's values of VALUES(col)), else inserts.
  Status InsertEachRow(plan::WriteNode& w, sql::InsertStatement& ins,
                       RowRouter& router, uint64_t* affected);
  // A row colliding with a new one: where it is and its values (every
  // column).
  struct Collision {
    size_t part;
    plan::InsertRow image;
  };
  // The rows `image` (a new row's key values, in partition `part`)
  // collides with: by primary key, then by each global key; only the
  // first with `first_only`. Locked (FOR UPDATE).
  Status Collisions(const TableSchema& t, const Placement& p, size_t part,
                    const plan::InsertRow& image, bool first_only,
                    std::vector<Collision>* out);
  // Rows of `sql` (a SELECT) read on DN `dn` in chunks (the batches
  // borrow from `result`).
  struct Rows {
    StmtResult result;
    std::vector<DataType> types;
    std::vector<exec::Batch> batches;
  };
  Status ReadRows(size_t dn, const std::string& sql, Rows* out);
  // UPDATE of a partition key column, UPDATE of a global index's key or
  // primary key columns, DELETE from a table with global indexes: every
  // matching row is read and locked (old and new values, computed by its
  // DN); then, in one transaction over every DN, the index entries it had
  // go, each row is deleted (DELETE; moved: deleted where it is and
  // inserted into its new partition) or changed in place by its primary
  // key, and its new entries are inserted (a key taken: 1062).
  Status RewriteRows(sql::Statement& stmt, const TableSchema& t,
                     const Placement& p, const std::vector<size_t>& parts,
                     uint64_t* affected);
  // One statement of a row change for a DN: `counted` adds its rows to the
  // statement's; `exactly_one`: it must change one row (the row image it
  // was made from), anything else is a conflict.
  struct RowStep {
    std::string sql;
    bool counted = false;
    bool exactly_one = false;
  };
  using RowSteps = std::map<size_t, std::vector<RowStep>>;  // by DN
  // The statements that change row `row` of `b` (of `types`: columns
  // 0..n-1 the row's values in partition `part`, n..2n-1 its new values
  // unless `remove`): what goes (its global index entries, the row when it
  // is deleted or moves) into *gone, what comes into *come.
  Status PlanRowChange(const TableSchema& t, const Placement& p, size_t part,
                       const exec::Batch& b, const std::vector<DataType>& types,
                       size_t row, bool remove, RowSteps* gone, RowSteps* come);
  // Runs them, on each DN of `all` what goes before what comes; a step
  // that must change one row and does not is a conflict (1213).
  Status RunRowSteps(const std::vector<size_t>& all, const RowSteps& gone,
                     const RowSteps& come, uint64_t* affected);

  friend class ClusterTable;
  friend class StreamingRemote;
  // Sends a Remote node's requests (after the statement's snapshot and
  // branches): the (DN, partition) order their replies come back in.
  Result<std::vector<std::pair<size_t, size_t>>> StartRemote(
      const RemoteCall& call);
  // Streams with replies still unread (see StreamingRemote::Unblock).
  std::vector<StreamingRemote*> streams_;
  Status Unblock(size_t dn);
  void StreamsLost(size_t dn);
  ClusterStore* store_;
  std::map<const TableSchema*, std::unique_ptr<exec::TableStore>> tables_;
  // The session's link to each DN (null: none now). Written only by the
  // session's own thread, under conns_mu_, because Interrupt() reads them
  // from another thread; the session's thread reads them through link()
  // without the lock (it is the only writer).
  Mutex conns_mu_;
  std::vector<std::unique_ptr<DnLink>> conns_ XP_GUARDED_BY(conns_mu_);
  DnLink* link(size_t dn) const XP_NO_THREAD_SAFETY_ANALYSIS {
    return conns_[dn].get();
  }
  void SetConn(size_t dn, std::unique_ptr<DnLink> c) {
    MutexLock lock(&conns_mu_);
    conns_[dn] = std::move(c);
  }
  // Replies a DN owes this session for requests sent without waiting (a
  // read-only snapshot's START while other requests go out, its COMMIT):
  // read by Settle() before anything else is read from that connection.
  std::vector<int> pending_;
  std::vector<Branch> branches_;
  bool in_txn_ = false;
  // While the commit gate is held: replies are awaited at most this long
  // (0: the normal DN timeout), so a DN that hangs holds the gate — and
  // every other session's commit or snapshot — only briefly.
  uint32_t gate_timeout_ms_ = 0;
  static constexpr uint32_t kGateWaitMs = 2000;
  // How long a reply from a DN may take now (the DN timeout, plus the lock
  // wait for statements that may wait for locks, or the gate's bound).
  std::chrono::milliseconds DnTimeout() const;
  // A branch's DN went away: the transaction can only roll back.
  bool lost_branch_ = false;
  bool stmt_write_ = false;  // the running statement is INSERT/UPDATE/DELETE
  // The running statement's locking read (SELECT ... FOR UPDATE / SHARE):
  // every fragment it ships carries it (TxnContext.lock).
  sql::LockMode read_lock_ = sql::LockMode::kNone;
  sql::LockWait read_wait_ = sql::LockWait::kWait;
  void SetLocking(Xp::Plan::TxnContext* txn) const;
  bool MayWaitForLocks() const {
    return stmt_write_ || read_lock_ != sql::LockMode::kNone;
  }
  // innodb_lock_wait_timeout: given to every DN session of this session
  // once SET (until then the DNs' default applies), and a DN is waited for
  // that long beyond --dn_timeout_ms while a statement may wait for locks
  // there, so a lock wait ends as the DN's 1205, not as a lost DN (1429).
  int64_t lock_wait_ms_ = 50000;
  bool lock_wait_set_ = false;
  Status SetLockWait(const Value& v);
  Status SendLockWait(size_t dn);
  std::vector<size_t> stmt_dns_;  // DNs the running SELECT's fragments read
  bool ship_sql_ = false;
  bool analyze_ = false;  // EXPLAIN ANALYZE: ask DNs for feedback
  std::map<const LogicalNode*, std::string> analysis_;
  // REPLACE / IGNORE of the running INSERT ... SELECT.
  bool insert_replace_ = false;
  bool insert_ignore_ = false;
  std::string xid_;  // set through SetXid
  // xid_ set or cleared: the store counts sessions with a transaction.
  void SetXid(std::string xid) {
    if (xid_.empty() != xid.empty())
      store_->CountOpenTransaction(xid.empty() ? -1 : 1);
    xid_ = std::move(xid);
  }
};

// A table as the engine's row-at-a-time paths see it: inserts are routed
// and buffered (FlushInserts sends them); reads and in-place changes go
// through Remote fragments and Push instead.
class ClusterTable : public exec::TableStore {
 public:
  ClusterTable(ClusterSession* session, const TableSchema* t,
               const Placement* p)
      : session_(session), t_(t), p_(p), router_(session->store_, *t, *p) {}
  const TableSchema& schema() const override { return *t_; }
  // With row ids (the engine's UPDATE / DELETE and foreign key lookups):
  // the scan placed on the DNs under the session's locks; a row's id is
  // its primary key.
  Result<exec::OperatorPtr> Scan(const LogicalNode& scan,
                                 bool row_ids) override;
  Status Insert(const std::vector<int>& columns,
                const std::vector<Value>& values, uint64_t* insert_id,
                std::vector<exec::RowId>* conflicts) override;
  Result<std::vector<Value>> Read(const exec::RowId&) override {
    return Unsupported("row reads by id on a partitioned table");
  }
  // Rows read by Scan changed / deleted by their primary key on every
  // partition that holds them (moved when their partition key changes,
  // global index entries kept), guarded as one statement.
  Status Update(const std::vector<exec::RowId>& ids,
                const std::vector<std::vector<Value>>& old_rows,
                const std::vector<std::vector<Value>>& new_rows) override;
  Status Delete(const std::vector<exec::RowId>& ids,
                const std::vector<std::vector<Value>>& old_rows) override;
  // Sends the rows buffered (one INSERT per partition), adding the rows
  // the DNs report affected to affected_.
  Status Flush();
  Result<std::optional<uint64_t>> FinishInserts() override {
    XP_RETURN_IF_ERROR(Flush());
    const uint64_t n = affected_;
    affected_ = 0;
    return std::optional<uint64_t>(n);
  }

 private:
  static Status Unsupported(const std::string& what) {
    return NotSupportedYet(what);
  }
  // Rewrites `old_rows` (to `new_rows`, or deleted when null).
  Status Rewrite(const std::vector<std::vector<Value>>& old_rows,
                 const std::vector<std::vector<Value>>* new_rows);
  ClusterSession* session_;
  const TableSchema* t_;
  const Placement* p_;
  RowRouter router_;       // the rows not yet sent
  uint64_t affected_ = 0;  // by the rows sent (a BROADCAST row once)
};

}  // namespace xp::cn
