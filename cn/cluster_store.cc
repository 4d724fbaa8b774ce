#include "cn/cluster_store.h"

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
#include <optional>
#include <random>
#include <set>

#include "plan/exec/chunk.h"
#include "plan/exec/local_engine.h"
#include "plan/serde.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "plan/types/decimal.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp::cn {

using plan::DataType;
using plan::IndexSchema;
using plan::LogicalNode;
using plan::LogicalNodePtr;
using plan::NodeKind;
using plan::TableSchema;

namespace {
// Marks a catalog "table" entry whose hash partitioning the CN chose (the
// entry's text names the partitioning explicitly, so a changed number of
// DNs cannot move rows; the marker, a comment to the parser, keeps that it
// was implicit).
constexpr std::string_view kImplicitMarker =
    "\n-- xp: partitioning chosen by the compute node";

// One line per global index of the table: its number and its index's
// name (in hex: any byte may be in a name).
constexpr std::string_view kGlobalMarker = "\n-- xp: global index ";

std::string TableEntry(const TableSchema& t, const Placement& p) {
  std::string text = exec::CreateTableText(t);
  if (p.implicit) text += kImplicitMarker;
  static const char kHex[] = "0123456789abcdef";
  for (const GlobalIndex& g : p.global) {
    text += std::string(kGlobalMarker) + std::to_string(g.number) + " ";
    for (unsigned char c : g.index) {
      text += kHex[c >> 4];
      text += kHex[c & 15];
    }
  }
  return text;
}

// The global indexes a catalog entry names (number and index name only).
std::vector<GlobalIndex> GlobalMarkers(const std::string& body) {
  std::vector<GlobalIndex> out;
  for (size_t at = body.find(kGlobalMarker); at != std::string::npos;
       at = body.find(kGlobalMarker, at + 1)) {
    size_t i = at + kGlobalMarker.size();
    GlobalIndex g;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
      g.number = g.number * 10 + static_cast<uint32_t>(body[i++] - '0');
    if (i < body.size() && body[i] == ' ') ++i;
    auto nibble = [](char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; };
    while (i + 1 < body.size() &&
           std::isxdigit(static_cast<unsigned char>(body[i])) &&
           std::isxdigit(static_cast<unsigned char>(body[i + 1]))) {
      g.index += static_cast<char>(nibble(body[i]) * 16 + nibble(body[i + 1]));
      i += 2;
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace
using plan::Value;

class StreamingRemote;
// Byte credit of a streamed request: what a DN sends before it waits for
// the CN to read on (docs/PROTOCOL.md §7.1).
constexpr uint64_t kStreamCredit = 1u << 20;

namespace {

constexpr char kSystemDb[] = "xp_system";

// A name in the physical namespace (cluster_store.h): no user table has it.
bool IsReservedName(std::string_view name) {
  if (name.size() < kPhysicalPrefix.size()) return false;
  for (size_t i = 0; i < kPhysicalPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kPhysicalPrefix[i])
      return false;
  }
  return true;
}

// Fault injection for the recovery test: XP_CN_FAILPOINT=<name> names the
// point where something goes wrong.
bool FailpointSet(const char* name) {
  static const char* wanted = std::getenv("XP_CN_FAILPOINT");
  return wanted != nullptr && std::strcmp(wanted, name) == 0;
}

// ... there the process exits at once, as a crash would.
void Failpoint(const char* name) {
  if (FailpointSet(name)) {
    LOG(ERROR) << "failpoint " << name << ": exiting";
    google::FlushLogFiles(google::GLOG_INFO);
    std::_Exit(3);
  }
}

Status Unreachable(size_t dn, const DnEndpoint& ep, const Status& why) {
  return Status::SqlError(
      1429, "HY000",
      "Unable to connect to foreign data source: data node " +
          std::to_string(dn) + " (" + ep.host + ":" + std::to_string(ep.port) +
          "): " + why.message());
}

using sql::QuoteIdent;

// The savepoint a statement spanning several DNs in a transaction sets on
// each first (a name no client is expected to use).
constexpr char kStatementSavepoint[] = "SAVEPOINT `xp$statement`";
constexpr char kStatementRollback[] = "ROLLBACK TO SAVEPOINT `xp$statement`";

// `st` with a note that the session's transaction was rolled back (`why`).
Status RolledBack(const Status& st, const std::string& why) {
  return Status::SqlError(
      st.sql_code() ? st.sql_code() : 1180,
      st.sql_state().empty() ? "HY000" : st.sql_state(),
      st.message() + " (the transaction was rolled back: " + why + ")");
}
using sql::QuoteString;

// A value as an SQL literal the DN parses back to the same value.
std::string Literal(const Value& v) {
  if (v.index() == 5) return QuoteString(std::get<std::string>(v));
  return plan::ValueToString(v);  // NULL, numbers (doubles to 17 digits)
}

// The canonical bytes of a key value for hashing: equal SQL values of the
// column's type give equal bytes.
void HashBytes(const Value& v, const DataType& t, std::string* out) {
  switch (v.index()) {
    case 0:
      out->push_back('\0');
      return;
    case 1:
    case 2: {
      // Integers hash by value whatever their signedness.
      const uint64_t x = v.index() == 1
                             ? static_cast<uint64_t>(std::get<int64_t>(v))
                             : std::get<uint64_t>(v);
      out->push_back('i');
      for (int i = 0; i < 8; ++i)
        out->push_back(static_cast<char>(x >> (8 * i)));
      return;
    }
    case 3: {
      double d = std::get<double>(v);
      if (d == 0) d = 0;  // -0 == 0
      out->push_back('d');
      out->append(reinterpret_cast<const char*>(&d), sizeof(d));
      return;
    }
    case 4:
      out->push_back('m');
      out->append(plan::DecimalToString(std::get<plan::Decimal>(v)));
      return;
    default: {
      const std::string& s = std::get<std::string>(v);
      out->push_back('s');
      if (t.id == plan::TypeId::kString && !t.binary) {
        // Case-insensitive, PAD SPACE: fold ASCII case, drop trailing spaces.
        size_t n = s.size();
        while (n > 0 && s[n - 1] == ' ') --n;
        for (size_t i = 0; i < n; ++i)
          out->push_back(static_cast<char>(
              std::tolower(static_cast<unsigned char>(s[i]))));
      } else {
        out->append(s);
      }
    }
  }
}

// Column c of a row of a text result.
std::string Text(const ResultSet& set, const std::vector<std::string>& row,
                 size_t c) {
  return FieldText(set.columns[c], row[c], /*binary_as_hex=*/false);
}

const LogicalNode* Leaf(const LogicalNode& n) {
  const LogicalNode* p = &n;
  while (!p->children.empty()) p = p->children[0].get();
  return p;
}

bool IsScan(NodeKind k) {
  return k == NodeKind::kTableScan || k == NodeKind::kGet ||
         k == NodeKind::kRangeScan;
}

// Yields the batches of finished DN results in turn.
class RemoteOperator : public exec::Operator {
 public:
  using Fetch = std::function<Result<std::vector<StmtResult>>()>;
  RemoteOperator(std::vector<DataType> types, Fetch fetch)
      : types_(std::move(types)), fetch_(std::move(fetch)) {}
  const std::vector<DataType>& types() const override { return types_; }
  Result<const exec::Batch*> Next() override {
    if (fetch_) {
      // The DN requests go out at the first Next(), not when the plan is
      // lowered (EXPLAIN ANALYZE times them here).
      Fetch fetch = std::move(fetch_);
      fetch_ = nullptr;
      XP_ASSIGN_OR_RETURN(results_, fetch());
      for (const StmtResult& r : results_) {
        for (const ResultSet& set : r.sets) {
          std::vector<exec::Batch> b;
          XP_RETURN_IF_ERROR(exec::DecodeChunks(set.chunks, types_.size(), &b));
          for (auto& x : b) batches_.push_back(std::move(x));
        }
      }
    }
    while (next_ < batches_.size()) {
      const exec::Batch* b = &batches_[next_++];
      if (b->num_rows() > 0) return b;
    }
    return static_cast<const exec::Batch*>(nullptr);
  }

 private:
  std::vector<DataType> types_;
  Fetch fetch_;
  std::vector<StmtResult> results_;  // owns the chunks batches borrow from
  std::vector<exec::Batch> batches_;
  size_t next_ = 0;
};

void PatchTables(Xp::Plan::Node* n, const std::string& physical) {
  if (n->has_table()) {
    n->mutable_table()->set_name(physical);
    n->mutable_table()->clear_version();
  }
  for (auto& c : *n->mutable_children()) PatchTables(&c, physical);
}

Xp::Plan::Node* ProtoLeaf(Xp::Plan::Node* n) {
  while (n->children_size() > 0) n = n->mutable_children(0);
  return n;
}

}  // namespace

Result<std::vector<DnEndpoint>> ParseDnList(std::string_view list) {
  std::vector<DnEndpoint> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(start, end - start);
    const size_t colon = item.rfind(':');
    if (item.empty() || colon == std::string_view::npos || colon == 0)
      return Status::InvalidArgument("--dn: expected HOST:PORT, got '" +
                                     std::string(item) + "'");
    DnEndpoint ep;
    ep.host = std::string(item.substr(0, colon));
    const std::string port(item.substr(colon + 1));
    char* e = nullptr;
    const long p = std::strtol(port.c_str(), &e, 10);
    if (port.empty() || *e != '\0' || p <= 0 || p > 65535)
      return Status::InvalidArgument("--dn: bad port in '" + std::string(item) +
                                     "'");
    ep.port = static_cast<uint16_t>(p);
    out.push_back(ep);
    start = end + 1;
  }
  if (out.empty()) return Status::InvalidArgument("--dn: no data node given");
  return out;
}

size_t PartitionOf(const std::vector<Value>& key,
                   const std::vector<DataType>& types, size_t partitions) {
  std::string bytes;
  for (size_t i = 0; i < key.size(); ++i) HashBytes(key[i], types[i], &bytes);
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  h ^= h >> 29;
  return partitions == 0 ? 0 : static_cast<size_t>(h % partitions);
}

// ---------------------------------------------------------------- session

class ClusterSession : public exec::StoreSession {
 public:
  explicit ClusterSession(ClusterStore* store)
      : unjoined_(store->dn_count(), false),
        store_(store),
        conns_(store->dn_count()),
        pending_(store->dn_count(), 0),
        branches_(store->dn_count()) {}
  ~ClusterSession() override {
    if (in_txn_ || AnyBranch()) (void)Rollback();
  }

  Result<exec::TableStore*> Table(const TableSchema& schema) override;
  // The transaction's branches start (on every DN, as at its first
  // statement) and each DN keeps the savepoint for its part.
  Status Savepoint(const std::string& name) override {
    if (!in_txn_) return Status::OK();
    if (!AnyBranch()) XP_RETURN_IF_ERROR(EnsureBranch(0, /*write=*/false));
    return SavepointOnDns("SAVEPOINT ", name);
  }
  Status RollbackToSavepoint(const std::string& name) override {
    if (!in_txn_ || !AnyBranch()) return NoSavepoint(name);
    return SavepointOnDns("ROLLBACK TO SAVEPOINT ", name);
  }
  Status ReleaseSavepoint(const std::string& name) override {
    if (!in_txn_ || !AnyBranch()) return NoSavepoint(name);
    return SavepointOnDns("RELEASE SAVEPOINT ", name);
  }
  static Status NoSavepoint(const std::string& name) {
    return Status::SqlError(1305, "42000",
                            "SAVEPOINT " + name + " does not exist");
  }
  // KILL / a client gone / shutdown: each DN connection's running request
  // is killed (SESS_KILL QUERY), so a long scan or lock wait there ends now
  // instead of when the CN next reads it.
  void Interrupt() override {
    std::lock_guard<std::mutex> lock(conns_mu_);
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
    return Status::OK();
  }
  Status StatementEnd(bool ok) override {
    Status st = ok ? FlushInserts() : Status::OK();
    tables_.clear();
    if (!st.ok()) ok = false;
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
    xid_ = store_->NewXid();
    return Status::OK();
  }
  Status Commit() override;
  Status Rollback() override;
  bool in_transaction() const override { return in_txn_; }
  Status Snapshot() override {
    return in_txn_ ? EnsureBranch(0, /*write=*/false) : Status::OK();
  }
  Status Xa(const sql::XaStatement&, std::vector<std::string>*) override {
    return Status::SqlError(1235, "42000",
                            "This version of MySQL doesn't yet support 'XA "
                            "statements through a compute node'");
  }

  Status Distribute(LogicalNodePtr* root) override;
  void SetAnalyze(bool on) override {
    analyze_ = on;
    analysis_.clear();
  }
  std::string Analysis(const LogicalNode& remote) override {
    auto it = analysis_.find(&remote);
    return it == analysis_.end() ? "" : it->second;
  }
  // Fills each Remote node's remote_info (targets, plan or SQL).
  Status Annotate(LogicalNode* n);
  Result<exec::OperatorPtr> Remote(const LogicalNode& remote) override;

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
  Status Push(sql::Statement& stmt, const std::string& database,
              const std::vector<Value>& params, bool* handled,
              uint64_t* rows_affected, uint64_t* last_insert_id) override;
  Status OnVariable(const std::string& name, const Value& v) override {
    if (name == "innodb_lock_wait_timeout") return SetLockWait(v);
    if (name != "xplan_mode") return Status::OK();
    const std::string* s = std::get_if<std::string>(&v);
    std::string m;
    if (s != nullptr)
      for (char c : *s) m += static_cast<char>(std::tolower(c));
    if (m == "auto" || m == "plan") {
      ship_sql_ = false;
    } else if (m == "sql") {
      ship_sql_ = true;
    } else {
      return Status::SqlError(1231, "42000",
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
  Result<Client*> Conn(size_t dn);
  // Reads the replies `dn` still owes (pending_); server errors in them are
  // dropped, a broken connection is closed.
  Status Settle(size_t dn);
  // A DN's error as this statement's; a broken connection is dropped (and
  // with it that DN's branch: the transaction can then only roll back).
  Status DnError(size_t dn, const Status& st);
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
  Status PushInsert(sql::InsertStatement& ins, const std::string& database,
                    const std::vector<Value>& params, bool* handled,
                    uint64_t* affected, uint64_t* insert_id);
  Status PushUpdateDelete(sql::Statement& stmt, const std::string& database,
                          const std::vector<Value>& params, bool* handled,
                          uint64_t* affected);
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
  // In a transaction, the running statement's savepoint is set (on
  // guarded_dns_): its parts (InsertEachRow's UPDATEs) set none of their
  // own, and any failure undoes the whole statement.
  bool stmt_guarded_ = false;
  std::vector<size_t> guarded_dns_;
  // SAVEPOINT / ROLLBACK TO / RELEASE: `verb` + name to every DN of the
  // transaction.
  Status SavepointOnDns(const std::string& verb, const std::string& name);
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
  Status IndexInserts(
      const TableSchema& t, const Placement& p,
      const std::vector<std::vector<std::optional<Value>>>& rows,
      std::vector<DnWrite>* out);
  // INSERT IGNORE / REPLACE / ... ON DUPLICATE KEY UPDATE of a table with
  // global indexes, one row after another in one guarded statement:
  // IGNORE inserts the row's entries with IGNORE (a key taken: the row is
  // skipped, its other entries removed), then the row; REPLACE deletes
  // every row the new one collides with (by primary key or by any global
  // key), entries included, then inserts; ON DUPLICATE KEY UPDATE finds
  // the first row it collides with (primary key first, then the unique
  // keys in order) and runs the assignments on it as an UPDATE by its
  // primary key (`values`: the VALUES(col) placeholders), else inserts.
  // `insert` is the INSERT text with %T for the physical table.
  struct EachRow {
    size_t part;
    std::string tuple;
    std::vector<Value> values;
  };
  Status InsertEachRow(
      sql::InsertStatement& ins, const TableSchema& t, const Placement& p,
      const std::string& insert, const std::vector<EachRow>& rows,
      const std::vector<std::vector<std::optional<Value>>>& images,
      uint64_t* affected);
  // A row colliding with a new one: where it is, its primary key as a
  // WHERE clause, and its values (every column).
  struct Collision {
    size_t part;
    std::string where;
    std::vector<std::optional<Value>> image;
  };
  // The rows `image` (a new row's key values, in partition `part`)
  // collides with: by primary key, then by each global key; only the
  // first with `first_only`. Locked (FOR UPDATE).
  Status Collisions(const TableSchema& t, const Placement& p, size_t part,
                    const std::vector<std::optional<Value>>& image,
                    bool first_only, std::vector<Collision>* out);
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

  friend class ClusterTable;
  friend class StreamingRemote;
  // Sends a Remote node's requests (after the statement's snapshot and
  // branches): the (DN, partition) order their replies come back in.
  Result<std::vector<std::pair<size_t, size_t>>> StartRemote(
      const RemoteCall& call);
  // Streams with replies still unread (see StreamingRemote::Unblock).
  std::vector<StreamingRemote*> streams_;
  Status Unblock(size_t dn);
  ClusterStore* store_;
  std::map<const TableSchema*, std::unique_ptr<exec::TableStore>> tables_;
  // Written by the session's thread only, under conns_mu_ (Interrupt reads
  // them from another thread).
  std::vector<std::unique_ptr<Client>> conns_;
  std::mutex conns_mu_;
  void SetConn(size_t dn, std::unique_ptr<Client> c) {
    std::lock_guard<std::mutex> lock(conns_mu_);
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
  std::string insert_verb_ = "INSERT";  // of the running INSERT ... SELECT
  std::string xid_;
};

std::chrono::milliseconds ClusterSession::DnTimeout() const {
  const uint32_t base = store_->options().dn_timeout_ms;
  return std::chrono::milliseconds(
      gate_timeout_ms_ != 0 ? int64_t{std::min(base, gate_timeout_ms_)}
      : MayWaitForLocks()   ? base + lock_wait_ms_
                            : int64_t{base});
}

Result<Client*> ClusterSession::Conn(size_t dn) {
  if (!conns_[dn]) {
    XP_ASSIGN_OR_RETURN(std::unique_ptr<Client> fresh,
                        store_->Connect(dn, gate_timeout_ms_));
    SetConn(dn, std::move(fresh));
    // The DN is reachable again: commits that could not finish there do.
    store_->FinishUnfinished(dn);
    if (lock_wait_set_) XP_RETURN_IF_ERROR(SendLockWait(dn));
  }
  // Whatever goes out next must not land behind a stream's unread replies.
  if (!streams_.empty()) XP_RETURN_IF_ERROR(Unblock(dn));
  conns_[dn]->set_timeout(DnTimeout());
  return conns_[dn].get();
}

void ClusterSession::SetLocking(Xp::Plan::TxnContext* txn) const {
  using Txn = Xp::Plan::TxnContext;
  txn->set_lock(read_lock_ == sql::LockMode::kUpdate ? Txn::UPDATE
                                                     : Txn::SHARE);
  if (read_wait_ == sql::LockWait::kNowait) txn->set_lock_wait(Txn::NOWAIT);
  if (read_wait_ == sql::LockWait::kSkipLocked)
    txn->set_lock_wait(Txn::SKIP_LOCKED);
}

Status ClusterSession::SendLockWait(size_t dn) {
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = conns_[dn]->Execute(
      "SET innodb_lock_wait_timeout = " + std::to_string(lock_wait_ms_ / 1000));
  return r.ok() ? Status::OK() : DnError(dn, r.status());
}

Status ClusterSession::SetLockWait(const Value& v) {
  lock_wait_ms_ = std::get<int64_t>(v) * 1000;  // validated by the engine
  lock_wait_set_ = true;
  for (size_t dn = 0; dn < conns_.size(); ++dn)
    if (conns_[dn]) XP_RETURN_IF_ERROR(SendLockWait(dn));
  return Status::OK();
}

Status ClusterSession::Settle(size_t dn) {
  while (pending_[dn] > 0 && conns_[dn]) {
    --pending_[dn];
    Result<StmtResult> r = conns_[dn]->ReadResult();
    if (!r.ok() && conns_[dn]->last_error().code == 0)
      return DnError(dn, r.status());  // the connection, not the statement
  }
  pending_[dn] = 0;
  return Status::OK();
}

Status ClusterSession::DnError(size_t dn, const Status& st) {
  if (st.code() == Status::Code::kAborted && conns_[dn]) {
    const ServerError e = conns_[dn]->last_error();
    if (e.code != 0) {
      if (e.fatal) {
        SetConn(dn, nullptr);
        pending_[dn] = 0;
        if (branches_[dn].active()) {
          lost_branch_ = true;
          branches_[dn] = Branch();
        }
      }
      return store_->FromDn(e.code, e.sql_state, e.msg);
    }
  }
  if (st.sql_code() != 0) return st;
  if (st.IsTimedOut()) store_->SetQuiet(dn, true);
  SetConn(dn, nullptr);
  pending_[dn] = 0;
  if (branches_[dn].active()) {
    lost_branch_ = true;
    branches_[dn] = Branch();
  }
  return Unreachable(dn, store_->options().dns[dn], st);
}

Result<StmtResult> ClusterSession::Run(size_t dn, const std::string& sql) {
  XP_ASSIGN_OR_RETURN(Client * c, Conn(dn));
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = c->Execute(sql);
  if (!r.ok()) return DnError(dn, r.status());
  return r;
}

Status ClusterSession::Pipeline(
    const std::vector<std::pair<size_t, std::vector<std::string>>>& work,
    std::vector<std::vector<StmtResult>>* results) {
  if (results != nullptr) results->assign(work.size(), {});
  Status first;
  auto note = [&](const Status& st) {
    if (first.ok() && !st.ok()) first = st;
  };
  std::vector<size_t> sent(work.size(), 0);
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    Result<Client*> c = Conn(dn);
    if (c.ok()) {
      Status settled = Settle(dn);
      if (!settled.ok()) c = settled;
    }
    if (!c.ok()) {
      note(c.status());
      continue;
    }
    for (const std::string& sql : work[i].second) {
      Status st = (*c)->SendExecute(sql);
      if (!st.ok()) {
        note(DnError(dn, st));
        break;
      }
      ++sent[i];
    }
  }
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    for (size_t k = 0; k < sent[i] && conns_[dn]; ++k) {
      Result<StmtResult> r = conns_[dn]->ReadResult();
      if (!r.ok()) {
        note(DnError(dn, r.status()));
      } else if (results != nullptr) {
        (*results)[i].push_back(std::move(*r));
      }
    }
  }
  return first;
}

Status ClusterSession::StartBranches(const std::vector<size_t>& dns,
                                     Branch::Kind kind,
                                     std::optional<size_t> needed) {
  if (kind == Branch::Kind::kXa && xid_.empty()) xid_ = store_->NewXid();
  const std::string start = kind == Branch::Kind::kXa
                                ? "XA START '" + xid_ + "'"
                                : "START TRANSACTION WITH CONSISTENT SNAPSHOT";
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn : dns)
    if (!branches_[dn].active()) work.push_back({dn, {start}});
  if (work.empty()) return Status::OK();
  if (needed && work.size() > 1) {
    // Connections first, outside the gate, each given the gate's bound: a
    // DN this statement does not need and that does not answer is left
    // out now.
    gate_timeout_ms_ = kGateWaitMs;
    for (auto it = work.begin(); it != work.end();) {
      Result<Client*> c = Conn(it->first);
      if (c.ok() || it->first == *needed) {
        ++it;
        continue;
      }
      unjoined_[it->first] = true;
      it = work.erase(it);
    }
    gate_timeout_ms_ = 0;
  }
  Status st;
  std::vector<std::vector<StmtResult>> results;
  {
    std::unique_lock<std::shared_mutex> gate(store_->commit_gate(),
                                             std::defer_lock);
    if (work.size() > 1) {
      gate.lock();
      gate_timeout_ms_ = kGateWaitMs;
    }
    st = Pipeline(work, &results);
    gate_timeout_ms_ = 0;
  }
  Status needed_st;
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    const bool started = results[i].size() == 1;
    if (started && conns_[dn]) {
      branches_[dn].kind = kind;
    } else if (needed && *needed != dn) {
      unjoined_[dn] = true;  // left out; the transaction goes on
    } else if (needed_st.ok()) {
      needed_st = st.ok() ? Status::IOError("no branch") : st;
    }
  }
  if (needed) st = needed_st;
  if (!st.ok()) {
    (void)EndBranches(false);
    return st;
  }
  return Status::OK();
}

Status ClusterSession::EnsureBranch(size_t dn, bool write, bool xa) {
  if (in_txn_) {
    if (!AnyBranch()) {
      std::vector<size_t> all;
      for (size_t d = 0; d < branches_.size(); ++d) {
        if (d != dn && store_->Quiet(d)) {
          unjoined_[d] = true;
        } else {
          all.push_back(d);
        }
      }
      XP_RETURN_IF_ERROR(StartBranches(all, Branch::Kind::kXa, dn));
    }
    if (!branches_[dn].active() && unjoined_[dn]) {
      return Status::SqlError(
          1429, "HY000",
          "Unable to connect to foreign data source: data node " +
              std::to_string(dn) +
              " did not answer when this transaction began, so it is not "
              "part of it; ROLLBACK and retry");
    }
    if (!branches_[dn].active())
      return Status::SqlError(1402, "XA100",
                              "XA_RBROLLBACK: Transaction branch was rolled "
                              "back (data node " +
                                  std::to_string(dn) + " was lost)");
  } else if (xa && !branches_[dn].active()) {
    XP_RETURN_IF_ERROR(StartBranches({dn}, Branch::Kind::kXa));
  }
  if (write) branches_[dn].wrote = true;
  return Status::OK();
}

Status ClusterSession::EndBranches(bool commit) {
  if (lost_branch_) commit = false;
  bool only_plain = true;
  for (const Branch& b : branches_)
    if (b.kind == Branch::Kind::kXa) only_plain = false;
  if (only_plain && !lost_branch_) {
    // Read-only snapshots: their COMMIT goes out now and its reply is read
    // before the connection's next request (Settle), not waited for.
    for (size_t d = 0; d < branches_.size(); ++d) {
      if (branches_[d].kind != Branch::Kind::kPlain) continue;
      branches_[d] = Branch();
      if (!conns_[d]) continue;
      Status st = conns_[d]->SendExecute(commit ? "COMMIT" : "ROLLBACK");
      if (st.ok()) {
        ++pending_[d];
      } else {
        (void)DnError(d, st);
      }
    }
    return Status::OK();
  }
  const std::string xid = xid_;
  const std::string q = "'" + xid + "'";
  std::vector<std::pair<size_t, std::vector<std::string>>> one_phase;
  std::vector<size_t> writers;
  for (size_t d = 0; d < branches_.size(); ++d) {
    if (branches_[d].kind == Branch::Kind::kXa && branches_[d].wrote)
      writers.push_back(d);
  }
  const bool two_phase = commit && writers.size() > 1;
  for (size_t d = 0; d < branches_.size(); ++d) {
    const Branch& b = branches_[d];
    if (b.kind == Branch::Kind::kPlain) {
      one_phase.push_back({d, {commit ? "COMMIT" : "ROLLBACK"}});
    } else if (b.kind == Branch::Kind::kXa && !(two_phase && b.wrote)) {
      one_phase.push_back(
          {d,
           {"XA END " + q,
            commit ? "XA COMMIT " + q + " ONE PHASE" : "XA ROLLBACK " + q}});
    }
  }
  Status out;
  if (!two_phase) {
    out = Pipeline(one_phase);
  } else {
    // Phase one: every writer prepares (read-only branches just end).
    std::vector<std::pair<size_t, std::vector<std::string>>> prepare =
        one_phase;
    for (size_t d : writers)
      prepare.push_back({d, {"XA END " + q, "XA PREPARE " + q}});
    out = Pipeline(prepare);
    Failpoint("before_commit_log");
    if (out.ok()) {
      // The decision is durable before any branch commits: a CN that dies
      // from here on has its prepared branches committed at its restart.
      out = Run(0, "INSERT INTO `xp_system`.`commit_log` (xid) VALUES ('" +
                       xid + "')")
                .status();
    }
    Failpoint("after_commit_log");
    std::vector<std::pair<size_t, std::vector<std::string>>> finish;
    for (size_t d : writers)
      finish.push_back({d, {(out.ok() ? "XA COMMIT " : "XA ROLLBACK ") + q}});
    Status lost;
    if (out.ok() && FailpointSet("lose_dn1_in_phase_two") &&
        conns_.size() > 1) {
      // As if DN 1 went away just before its XA COMMIT.
      finish.erase(std::remove_if(finish.begin(), finish.end(),
                                  [](const auto& w) { return w.first == 1; }),
                   finish.end());
      SetConn(1, nullptr);
      pending_[1] = 0;
      lost = Status::IOError("failpoint: data node 1 lost in phase two");
    }
    Status st;
    {
      // Phase two never overlaps a consistent snapshot being taken.
      std::shared_lock<std::shared_mutex> gate(store_->commit_gate());
      gate_timeout_ms_ = kGateWaitMs;
      st = Pipeline(finish);
      gate_timeout_ms_ = 0;
    }
    if (st.ok()) st = lost;
    if (out.ok() && !st.ok()) {
      // Committed, but not everywhere yet: the branches left prepared are
      // committed when their DN is reconnected (or at the next CN start).
      LOG(WARNING) << "xid " << xid << ": phase two failed (" << st.ToString()
                   << "); finished when the data node is back";
      store_->Unfinished(xid, writers);
    } else if (out.ok()) {
      (void)store_->ForgetCommit(xid);
    }
  }
  const bool lost = lost_branch_;
  for (Branch& b : branches_) b = Branch();
  xid_.clear();
  lost_branch_ = false;
  if (lost && out.ok())
    return Status::SqlError(1402, "XA100",
                            "XA_RBROLLBACK: Transaction branch was rolled back "
                            "(a data node was lost); the transaction was "
                            "rolled back");
  return out;
}

Status ClusterSession::Commit() {
  Status st = EndBranches(true);
  in_txn_ = false;
  unjoined_.assign(unjoined_.size(), false);
  return st;
}

Status ClusterSession::Rollback() {
  Status st = EndBranches(false);
  in_txn_ = false;
  unjoined_.assign(unjoined_.size(), false);
  return st;
}

// ------------------------------------------------------------- distribute

namespace {

// Whether every aggregate can be split into partial + final states.
bool Splittable(const LogicalNode& agg) {
  for (const auto& a : agg.aggs) {
    if (a.distinct || a.func == plan::AggFunc::kGroupConcat ||
        a.func == plan::AggFunc::kAnyValue)
      return false;
  }
  return true;
}

bool HasSubquery(const plan::BoundExpr& e) {
  if (e.op == plan::ExprOp::kSubquery) return true;
  for (const auto& a : e.args)
    if (HasSubquery(*a)) return true;
  return false;
}

// Whether a DN can run `n` (the root of a would-be fragment): everything
// but subquery expressions serializes (plan/serde.h), and the DN's
// validator takes expressions up to its nesting limit (the fragment's few
// operators nest too). What a DN cannot take stays on the CN.
bool ShippableExpr(const plan::BoundExpr& e) {
  constexpr size_t kFragmentNodes = 8;
  static const plan::PlanLimits kLimits;
  size_t nodes = 0;
  const size_t height = plan::Height(e, &nodes);
  return !HasSubquery(e) && height + kFragmentNodes <= kLimits.max_depth &&
         nodes * 2 <= kLimits.max_nodes;
}

bool Shippable(const LogicalNode& n) {
  if (n.predicate && !ShippableExpr(*n.predicate)) return false;
  for (const auto& e : n.exprs)
    if (!ShippableExpr(*e)) return false;
  return true;
}

// Moves `node` (whose child 0 is a Remote) into the fragment when a DN can
// run it; returns the new subtree root.
LogicalNodePtr Absorb(LogicalNodePtr node, bool sql_only) {
  LogicalNode& remote = *node->children[0];
  if (remote.remote_sealed || sql_only) return node;
  switch (node->kind) {
    case NodeKind::kFilter:
    case NodeKind::kProject: {
      LogicalNodePtr frag = std::move(remote.children[0]);
      LogicalNodePtr r = std::move(node->children[0]);
      node->children[0] = std::move(frag);
      if (!Shippable(*node)) {
        // Put things back.
        r->children[0] = std::move(node->children[0]);
        node->children[0] = std::move(r);
        return node;
      }
      r->children[0] = std::move(node);
      plan::DeriveTypes(r.get());
      return r;
    }
    case NodeKind::kLimit: {
      // Each DN returns its first offset + limit rows; the CN applies the
      // limit again.
      auto copy = plan::MakeLimit(std::move(remote.children[0]),
                                  *node->limit + node->offset, 0);
      remote.children[0] = std::move(copy);
      remote.remote_sealed = true;
      return node;
    }
    case NodeKind::kSort: {
      if (!node->limit) return node;
      auto copy = plan::MakeSort(std::move(remote.children[0]), node->sort_keys,
                                 *node->limit + node->offset, 0);
      if (!Shippable(*copy)) {
        remote.children[0] = std::move(copy->children[0]);
        return node;
      }
      remote.children[0] = std::move(copy);
      remote.remote_sealed = true;
      return node;
    }
    case NodeKind::kAggregate: {
      if (node->agg_mode != plan::AggMode::kComplete || !Splittable(*node))
        return node;
      // DN: partial states; CN: the final aggregate over them.
      std::vector<plan::AggSpec> partial = node->aggs;
      auto part = plan::MakeAggregate(std::move(remote.children[0]),
                                      node->group_columns, partial,
                                      plan::AggMode::kPartial);
      if (!Shippable(*part)) {
        remote.children[0] = std::move(part->children[0]);
        return node;
      }
      std::vector<int> groups;
      for (size_t i = 0; i < node->group_columns.size(); ++i)
        groups.push_back(static_cast<int>(i));
      std::vector<plan::AggSpec> final_aggs = node->aggs;
      int col = static_cast<int>(groups.size());
      for (auto& a : final_aggs) {
        a.column = col;
        col += a.func == plan::AggFunc::kAvg ? 2 : 1;
      }
      remote.children[0] = std::move(part);
      remote.remote_sealed = true;
      plan::DeriveTypes(&remote);
      auto fin = plan::MakeAggregate(std::move(node->children[0]), groups,
                                     final_aggs, plan::AggMode::kFinal);
      return fin;
    }
    default:
      return node;
  }
}

LogicalNodePtr DistributeNode(LogicalNodePtr node, bool sql_only) {
  if (IsScan(node->kind)) {
    auto r = std::make_unique<LogicalNode>();
    r->kind = NodeKind::kRemote;
    r->children.push_back(std::move(node));
    plan::DeriveTypes(r.get());
    return r;
  }
  if (node->kind == NodeKind::kRemote) return node;
  for (auto& c : node->children) c = DistributeNode(std::move(c), sql_only);
  if (node->children.size() == 1 &&
      node->children[0]->kind == NodeKind::kRemote)
    return Absorb(std::move(node), sql_only);
  return node;
}

// SQL text of a scan: SELECT columns FROM table WHERE <key condition>.
std::string ScanSql(const LogicalNode& scan, const std::string& physical,
                    const std::vector<int>* key_subset) {
  const TableSchema& t = *scan.table;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < scan.columns.size(); ++i)
    sql += (i ? "," : "") +
           QuoteIdent(t.columns[static_cast<size_t>(scan.columns[i])].name);
  if (scan.columns.empty()) sql += "1";
  sql += " FROM " + QuoteIdent(t.database) + "." + QuoteIdent(physical);
  if (scan.kind == NodeKind::kTableScan) return sql;
  const plan::IndexSchema& idx = t.indexes[static_cast<size_t>(scan.index)];
  auto col = [&](size_t k) {
    return QuoteIdent(t.columns[static_cast<size_t>(idx.columns[k])].name);
  };
  if (scan.kind == NodeKind::kGet) {
    std::string where;
    for (size_t i = 0; i < scan.keys.size(); ++i) {
      if (key_subset != nullptr &&
          std::find(key_subset->begin(), key_subset->end(), i) ==
              key_subset->end())
        continue;
      std::string conj;
      for (size_t k = 0; k < scan.keys[i].size(); ++k)
        conj +=
            (k ? " AND " : "") + col(k) + " <=> " + Literal(scan.keys[i][k]);
      where += (where.empty() ? "(" : " OR (") + conj + ")";
    }
    return sql + " WHERE " + (where.empty() ? "FALSE" : where);
  }
  // RangeScan: bounds on a key prefix, compared as rows.
  std::string where;
  auto bound = [&](const plan::ScanBound& b, bool lower) {
    std::string l = "(", r = "(";
    for (size_t k = 0; k < b.key.size(); ++k) {
      l += (k ? "," : "") + col(k);
      r += (k ? "," : "") + Literal(b.key[k]);
    }
    const char* op =
        lower ? (b.inclusive ? " >= " : " > ") : (b.inclusive ? " <= " : " < ");
    return l + ")" + op + r + ")";
  };
  if (scan.lower && !scan.lower->key.empty()) where = bound(*scan.lower, true);
  if (scan.upper && !scan.upper->key.empty())
    where += (where.empty() ? "" : " AND ") + bound(*scan.upper, false);
  return where.empty() ? sql : sql + " WHERE " + where;
}

}  // namespace

Status ClusterSession::Distribute(LogicalNodePtr* root) {
  *root = DistributeNode(std::move(*root), ship_sql_);
  return Annotate(root->get());
}

Result<ClusterSession::Targets> ClusterSession::TargetsOf(
    const LogicalNode& fragment) {
  Targets t;
  t.leaf = Leaf(fragment);
  t.placement = store_->PlacementOf(*t.leaf->table);
  if (t.placement == nullptr)
    return Status::Internal("no placement for " + t.leaf->table->name);
  XP_ASSIGN_OR_RETURN(t.parts,
                      TargetPartitions(fragment, *t.placement, &t.keys));
  const LogicalNode& leaf = *t.leaf;
  if (leaf.kind == NodeKind::kGet && !t.placement->global.empty() &&
      leaf.index >= 0 && t.keys.empty() && !leaf.keys.empty()) {
    const plan::IndexSchema& idx =
        leaf.table->indexes[static_cast<size_t>(leaf.index)];
    const GlobalIndex* g = t.placement->Global(idx.name);
    bool full = g != nullptr;
    for (const auto& k : leaf.keys)
      full = full && k.size() == idx.columns.size();
    if (full) t.via = g;
  }
  return t;
}

Status ClusterSession::Annotate(LogicalNode* n) {
  for (auto& c : n->children) {
    if (n->kind != NodeKind::kRemote) XP_RETURN_IF_ERROR(Annotate(c.get()));
  }
  if (n->kind != NodeKind::kRemote) return Status::OK();
  const LogicalNode& fragment = *n->children[0];
  XP_ASSIGN_OR_RETURN(Targets targets, TargetsOf(fragment));
  const LogicalNode& leaf = *targets.leaf;
  const Placement* p = targets.placement;
  const std::vector<size_t>& parts = targets.parts;
  const std::vector<std::vector<int>>& keys = targets.keys;
  std::string info = "to";
  for (size_t i = 0; i < parts.size(); ++i)
    info += std::string(i ? ", " : " ") + p->name[parts[i]] + "@dn" +
            std::to_string(p->dn[parts[i]]);
  if (targets.via != nullptr) {
    // The partitions are those the index entries point at (found when the
    // statement runs); the index's partitions are read first.
    const GlobalIndex& g = *targets.via;
    info = "to the partitions of the rows found by global index " +
           QuoteIdent(g.index) + " (";
    std::set<size_t> idx_parts;
    for (const auto& key : leaf.keys) {
      std::vector<Value> v;
      std::vector<DataType> types;
      for (size_t k = 0; k < g.columns.size(); ++k) {
        const auto& col =
            leaf.table->columns[static_cast<size_t>(g.columns[k])];
        Result<Value> conv = plan::ConvertValue(key[k], col.type, col.name);
        if (!conv.ok() || conv->index() == 0) break;
        v.push_back(std::move(*conv));
        types.push_back(col.type);
      }
      if (v.size() == g.columns.size())
        idx_parts.insert(PartitionOf(v, types, g.partitions()));
    }
    bool first = true;
    for (size_t i : idx_parts) {
      info += (first ? "" : ", ") + g.name[i] + "@dn" + std::to_string(g.dn[i]);
      first = false;
      if (std::find(stmt_dns_.begin(), stmt_dns_.end(), g.dn[i]) ==
          stmt_dns_.end())
        stmt_dns_.push_back(g.dn[i]);
    }
    info += ")";
  }
  if (ship_sql_ && fragment.children.empty() && !parts.empty()) {
    info += " as SQL: " + ScanSql(leaf, p->name[parts.empty() ? 0 : parts[0]],
                                  keys.empty() ? nullptr : &keys[parts[0]]);
  } else {
    info += " as plan";
  }
  n->remote_info = std::move(info);
  for (size_t part : parts) {
    if (std::find(stmt_dns_.begin(), stmt_dns_.end(), p->dn[part]) ==
        stmt_dns_.end())
      stmt_dns_.push_back(p->dn[part]);
  }
  // Remote() runs the node with these same targets.
  targets_.insert_or_assign(n, std::move(targets));
  return Status::OK();
}

Result<std::vector<size_t>> ClusterSession::TargetPartitions(
    const LogicalNode& fragment, const Placement& p,
    std::vector<std::vector<int>>* keys) {
  std::vector<size_t> all;
  const LogicalNode& leaf = *Leaf(fragment);
  // A Get the optimizer emptied (contradictory keys) reads nothing.
  if (leaf.kind == NodeKind::kGet && leaf.keys.empty())
    return std::vector<size_t>{};
  if (p.kind == Placement::Kind::kBroadcast) {
    // Any copy will do: the first DN's, or the one this session already
    // has a transaction branch on.
    size_t pick = 0;
    for (size_t i = 0; i < p.partitions(); ++i)
      if (branches_[p.dn[i]].active()) pick = i;
    return std::vector<size_t>{pick};
  }
  for (size_t i = 0; i < p.partitions(); ++i) all.push_back(i);
  if (p.kind != Placement::Kind::kHash || p.columns.empty() ||
      leaf.kind != NodeKind::kGet)
    return all;
  const TableSchema& t = *leaf.table;
  const plan::IndexSchema& idx = t.indexes[static_cast<size_t>(leaf.index)];
  // Where each partition column sits in the index key.
  std::vector<size_t> at;
  std::vector<DataType> types;
  for (int c : p.columns) {
    auto it = std::find(idx.columns.begin(), idx.columns.end(), c);
    if (it == idx.columns.end()) return all;
    at.push_back(static_cast<size_t>(it - idx.columns.begin()));
    types.push_back(t.columns[static_cast<size_t>(c)].type);
  }
  keys->assign(p.partitions(), {});
  for (size_t k = 0; k < leaf.keys.size(); ++k) {
    std::vector<Value> v;
    for (size_t a : at) {
      if (a >= leaf.keys[k].size()) {  // a prefix key: every partition
        keys->clear();
        return all;
      }
      v.push_back(leaf.keys[k][a]);
    }
    (*keys)[PartitionOf(v, types, p.partitions())].push_back(
        static_cast<int>(k));
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < keys->size(); ++i)
    if (!(*keys)[i].empty()) out.push_back(i);
  return out;
}

// One line of EXPLAIN ANALYZE for a partition: what its DN reported.
std::string FeedbackLine(size_t dn, const std::string& table,
                         const Mysqlx::Resultset::FetchDone* f) {
  std::string line = "dn" + std::to_string(dn) + " " + table + ":";
  if (f == nullptr) return line;
  char buf[128];
  std::snprintf(buf, sizeof(buf), " rows=%llu examined=%llu time=%.3f ms",
                static_cast<unsigned long long>(f->rows_sent()),
                static_cast<unsigned long long>(f->rows_examined()),
                static_cast<double>(f->exec_time_us()) / 1000.0);
  line += buf;
  for (const std::string& idx : f->index_used()) line += " index=" + idx;
  return line;
}

// Streams a Remote node's results: its requests go out (with a byte
// credit, so each DN pauses when the CN is not reading) at the first
// Next(), then the replies are read one request after another, a chunk per
// batch. Memory stays bounded by the credit, not by the result. Requests
// it does not read to the end (a LIMIT above it was satisfied, an error)
// are killed and drained when it goes away.
class StreamingRemote : public exec::Operator {
 public:
  StreamingRemote(ClusterSession* s, ClusterSession::RemoteCall call)
      : s_(s), call_(std::move(call)) {}
  ~StreamingRemote() override;
  const std::vector<DataType>& types() const override {
    return call_.remote->types;
  }
  Result<const exec::Batch*> Next() override;
  // New requests are about to go to `dn`: the replies this stream has not
  // read yet from it are read into memory first.
  Status Unblock(size_t dn);

 private:
  struct Request {
    size_t dn, part;
    std::deque<Message> buffered;  // read ahead by Unblock
    bool received = false;         // every reply is read (or buffered)
    bool consumed = false;         // ... and handed on
  };
  // The next reply of request `r`: buffered, or read from its DN
  // (ReadLive answers TOKEN_DONE with more credit).
  Result<Message> NextMessage(Request& r);
  Result<Message> ReadLive(Request& r);
  Status Fail(Request& r, std::string_view payload);

  ClusterSession* s_;
  ClusterSession::RemoteCall call_;
  bool started_ = false;
  std::vector<Request> reqs_;
  size_t cur_ = 0;
  std::string payload_;  // the chunk the batch borrows from
  exec::Batch batch_;
};

StreamingRemote::~StreamingRemote() {
  auto& streams = s_->streams_;
  streams.erase(std::remove(streams.begin(), streams.end(), this),
                streams.end());
  // Unread replies are killed where a request still runs, then drained, so
  // the connection is in step for the next request.
  std::vector<size_t> killed;
  for (size_t i = cur_; i < reqs_.size(); ++i) {
    Request& r = reqs_[i];
    if (r.received) continue;
    Client* c = s_->conns_[r.dn].get();
    if (c == nullptr) continue;
    if (std::find(killed.begin(), killed.end(), r.dn) == killed.end()) {
      Xp::Session::KillSession kill;
      kill.set_session_id(0);
      kill.set_kind(Xp::Session::KillSession::QUERY);
      if (!c->Send(ClientMsg::SESS_KILL, kill).ok()) continue;
      killed.push_back(r.dn);
    }
    for (;;) {
      Result<Message> m = NextMessage(r);
      if (!m.ok() || r.received) break;
    }
  }
}

Result<Message> StreamingRemote::ReadLive(Request& r) {
  Client* c = s_->conns_[r.dn].get();
  if (c == nullptr || r.received)
    return Status::IOError("the data node connection is gone");
  for (;;) {
    Result<Message> m = c->Read();
    if (!m.ok()) {
      r.received = true;
      return s_->DnError(r.dn, m.status());
    }
    if (m->type == ServerMsg::TOKEN_DONE) {
      // More credit as the reader goes on.
      Xp::Session::TokenOffer offer;
      offer.set_bytes(call_.token);
      Status st = c->Send(ClientMsg::TOKEN_OFFER, offer);
      if (!st.ok()) {
        r.received = true;
        return s_->DnError(r.dn, st);
      }
      continue;
    }
    if (m->type == ServerMsg::SQL_STMT_EXECUTE_OK ||
        m->type == ServerMsg::ERROR)
      r.received = true;
    return m;
  }
}

Result<Message> StreamingRemote::NextMessage(Request& r) {
  if (r.buffered.empty()) return ReadLive(r);
  Message m = std::move(r.buffered.front());
  r.buffered.pop_front();
  return m;
}

Status StreamingRemote::Unblock(size_t dn) {
  for (size_t i = cur_; i < reqs_.size(); ++i) {
    Request& r = reqs_[i];
    if (r.dn != dn) continue;
    // The rest of this request's replies, into memory.
    while (!r.received && s_->conns_[dn]) {
      XP_ASSIGN_OR_RETURN(Message m, ReadLive(r));
      r.buffered.push_back(std::move(m));
    }
  }
  return Status::OK();
}

Result<const exec::Batch*> StreamingRemote::Next() {
  if (!started_) {
    started_ = true;
    s_->streams_.push_back(this);
    XP_ASSIGN_OR_RETURN(auto order, s_->StartRemote(call_));
    for (auto [dn, part] : order) reqs_.push_back(Request{dn, part, {}});
  }
  while (cur_ < reqs_.size()) {
    Request& r = reqs_[cur_];
    XP_ASSIGN_OR_RETURN(Message m, NextMessage(r));
    switch (m.type) {
      case ServerMsg::RESULTSET_CHUNK: {
        payload_ = std::move(m.payload);
        XP_RETURN_IF_ERROR(exec::DecodeChunk(payload_, &batch_, true));
        if (batch_.num_columns() != types().size())
          return Status::Corruption("a chunk of another width");
        if (batch_.num_rows() > 0) return &batch_;
        break;
      }
      case ServerMsg::RESULTSET_FETCH_DONE:
        if (s_->analyze_) {
          Mysqlx::Resultset::FetchDone f;
          const bool parsed = f.ParseFromString(m.payload);
          std::string& lines = s_->analysis_[call_.remote];
          lines +=
              (lines.empty() ? "" : "\n") +
              FeedbackLine(r.dn, call_.p->name[r.part], parsed ? &f : nullptr);
        }
        break;
      case ServerMsg::SQL_STMT_EXECUTE_OK:
        r.consumed = true;
        ++cur_;
        break;
      case ServerMsg::ERROR: {
        r.consumed = true;
        ++cur_;
        // The DN's error reaches the client unchanged (ParseServerError
        // answers Aborted for an error it read, Corruption otherwise).
        ServerError e;
        Status parsed = ParseServerError(m.payload, &e);
        if (parsed.IsCorruption())
          return Status::Corruption("unparsable error from a data node");
        return s_->store_->FromDn(e.code, e.sql_state, e.msg);
      }
      case ServerMsg::RESULTSET_ROW:
        return Status::Internal(
            "a data node sent rows where chunks were asked");
      default:
        break;  // notices, column metadata
    }
  }
  return static_cast<const exec::Batch*>(nullptr);
}

Status ClusterSession::Unblock(size_t dn) {
  // (a copy: Unblock never adds or removes streams)
  for (StreamingRemote* s : std::vector<StreamingRemote*>(streams_))
    XP_RETURN_IF_ERROR(s->Unblock(dn));
  return Status::OK();
}

Result<std::vector<std::pair<size_t, size_t>>> ClusterSession::StartRemote(
    const RemoteCall& call) {
  const Placement* p = call.p;
  // An autocommit statement reading several DNs reads them at one moment:
  // a read-only one starts a snapshot on each of them in the same round
  // trip as its requests (the commit gate is held until every START is
  // answered), a writing one takes XA branches first.
  std::unique_lock<std::shared_mutex> gate(store_->commit_gate(),
                                           std::defer_lock);
  std::vector<size_t> snapshot_dns;
  if (!in_txn_ && !AnyBranch() && stmt_dns_.size() > 1) {
    if (stmt_write_) {
      XP_RETURN_IF_ERROR(StartBranches(stmt_dns_, Branch::Kind::kXa));
    } else {
      gate.lock();
      gate_timeout_ms_ = kGateWaitMs;
      for (size_t dn : stmt_dns_) {
        XP_ASSIGN_OR_RETURN(Client * c, Conn(dn));
        XP_RETURN_IF_ERROR(Settle(dn));
        Status st =
            c->SendExecute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        if (!st.ok()) return DnError(dn, st);
        branches_[dn].kind = Branch::Kind::kPlain;
        snapshot_dns.push_back(dn);
      }
    }
  }
  // Branches first; then every request goes out before any answer is read:
  // the DNs work in parallel, one round trip in all.
  for (size_t dn : call.dns) XP_RETURN_IF_ERROR(EnsureBranch(dn, false));
  Status first;
  auto note = [&](const Status& st) {
    if (first.ok() && !st.ok()) first = st;
  };
  std::vector<std::pair<size_t, size_t>> order;
  for (size_t dn : call.dns) {
    Result<Client*> c = Conn(dn);
    if (c.ok() && !gate.owns_lock()) {
      Status settled = Settle(dn);
      if (!settled.ok()) c = settled;
    }
    if (!c.ok()) {
      note(c.status());
      continue;
    }
    Status st;
    size_t sent = 0;
    for (size_t part : call.by_dn.at(dn)) {
      const std::vector<int>* subset =
          call.keys.empty() ? nullptr : &call.keys[part];
      if (call.as_sql) {
        Xp::Plan::ExecSql req;
        req.set_stmt(ScanSql(*call.leaf, p->name[part], subset));
        req.set_chunk_result(true);
        req.set_feedback(analyze_);
        req.set_token(call.token);
        if (read_lock_ != sql::LockMode::kNone) SetLocking(req.mutable_txn());
        st = (*c)->Send(ClientMsg::EXEC_SQL, req);
      } else {
        Xp::Plan::ExecPlan req;
        *req.mutable_plan() = call.proto;
        PatchTables(req.mutable_plan(), p->name[part]);
        if (subset != nullptr) {
          Xp::Plan::Node* l = ProtoLeaf(req.mutable_plan());
          auto all_keys = l->keys();
          l->clear_keys();
          for (int k : *subset) *l->add_keys() = all_keys.Get(k);
        }
        req.set_chunk_result(true);
        req.set_feedback(analyze_);
        req.set_token(call.token);
        if (read_lock_ != sql::LockMode::kNone) SetLocking(req.mutable_txn());
        st = (*c)->Send(ClientMsg::EXEC_PLAN_READ, req);
      }
      if (!st.ok()) break;
      order.push_back({dn, part});
      ++sent;
    }
    if (!st.ok()) note(DnError(dn, st));
  }
  // The snapshots' STARTs come back first; only then may a commit's phase
  // two go on.
  for (size_t dn : snapshot_dns) {
    if (!conns_[dn]) continue;
    Result<StmtResult> r = conns_[dn]->ReadResult();
    if (!r.ok()) {
      note(DnError(dn, r.status()));
      branches_[dn] = Branch();
    }
  }
  if (gate.owns_lock()) {
    gate.unlock();
    gate_timeout_ms_ = 0;
    // The requests' own replies wait as long as usual.
    for (size_t dn : call.dns)
      if (conns_[dn]) conns_[dn]->set_timeout(DnTimeout());
  }
  if (!first.ok()) {
    // What did go out is answered later; read before the next request.
    for (auto [dn, part] : order) ++pending_[dn];
    return first;
  }
  return order;
}

Result<exec::OperatorPtr> ClusterSession::Remote(const LogicalNode& remote) {
  const LogicalNode& fragment = *remote.children[0];
  Targets targets;
  auto known = targets_.find(&remote);
  if (known != targets_.end()) {
    targets = std::move(known->second);
    targets_.erase(known);
  } else {
    XP_ASSIGN_OR_RETURN(targets, TargetsOf(fragment));
  }
  RemoteCall call;
  call.remote = &remote;
  call.leaf = targets.leaf;
  call.p = targets.placement;
  call.parts = std::move(targets.parts);
  call.keys = std::move(targets.keys);
  call.via = targets.via;
  // A fragment that is only a scan may go as SQL text.
  call.as_sql = ship_sql_ && fragment.children.empty();
  if (!call.as_sql) XP_RETURN_IF_ERROR(plan::ToProto(fragment, &call.proto));
  // Partitions grouped by DN: one request per partition (a Get via a
  // global index: once the index has said which).
  auto group = [](RemoteCall* c) {
    c->by_dn.clear();
    c->dns.clear();
    for (size_t part : c->parts) c->by_dn[c->p->dn[part]].push_back(part);
    for (auto& [dn, _] : c->by_dn) c->dns.push_back(dn);
  };
  group(&call);
  if (call.leaf->kind != NodeKind::kGet) {
    // Scans can be big: streamed under a byte credit.
    call.token = kStreamCredit;
    return exec::OperatorPtr(
        std::make_unique<StreamingRemote>(this, std::move(call)));
  }
  // Point reads: small, answered on the DN's I/O thread; read whole.
  auto fetch =
      [this, group,
       call = std::move(call)]() mutable -> Result<std::vector<StmtResult>> {
    if (call.via != nullptr) {
      XP_RETURN_IF_ERROR(LookUpGlobal(&call));
      group(&call);
    }
    XP_ASSIGN_OR_RETURN(auto order, StartRemote(call));
    std::vector<StmtResult> results;
    Status first;
    for (auto [dn, part] : order) {
      results.emplace_back();
      if (!conns_[dn]) continue;
      Result<StmtResult> r = conns_[dn]->ReadResult();
      if (!r.ok()) {
        if (first.ok()) first = DnError(dn, r.status());
        continue;
      }
      if (analyze_) {
        const Mysqlx::Resultset::FetchDone* f = nullptr;
        for (const ResultSet& set : r->sets)
          if (set.feedback) f = &*set.feedback;
        std::string& lines = analysis_[call.remote];
        lines += (lines.empty() ? "" : "\n") +
                 FeedbackLine(dn, call.p->name[part], f);
      }
      results.back() = std::move(*r);
    }
    XP_RETURN_IF_ERROR(first);
    return results;
  };
  return exec::OperatorPtr(
      std::make_unique<RemoteOperator>(remote.types, std::move(fetch)));
}

Status ClusterSession::LookUpGlobal(RemoteCall* call) {
  const GlobalIndex& g = *call->via;
  const LogicalNode& leaf = *call->leaf;
  const TableSchema& t = *leaf.table;
  const Placement& p = *call->p;
  // The index and the rows are read at one moment: outside a transaction
  // the statement's DNs (the index's among them) start snapshots first.
  if (!in_txn_ && !AnyBranch())
    XP_RETURN_IF_ERROR(StartBranches(
        stmt_dns_, stmt_write_ ? Branch::Kind::kXa : Branch::Kind::kPlain));
  std::string cols;
  for (int c : p.columns)
    cols += (cols.empty() ? "" : ",") +
            QuoteIdent(t.columns[static_cast<size_t>(c)].name);
  const char* lock = read_lock_ == sql::LockMode::kShare    ? " FOR SHARE"
                     : read_lock_ == sql::LockMode::kUpdate ? " FOR UPDATE"
                                                            : "";
  std::map<size_t, std::vector<std::string>> by_dn;
  std::map<size_t, std::vector<int>> asked;  // DN -> key of each statement
  for (size_t k = 0; k < leaf.keys.size(); ++k) {
    std::vector<Value> key;
    std::vector<DataType> types;
    std::string where;
    for (size_t i = 0; i < g.columns.size(); ++i) {
      const auto& col = t.columns[static_cast<size_t>(g.columns[i])];
      Result<Value> conv =
          plan::ConvertValue(leaf.keys[k][i], col.type, col.name);
      if (!conv.ok() || conv->index() == 0) break;  // matches no entry
      where += std::string(i ? " AND " : " WHERE ") + QuoteIdent(col.name) +
               " = " + Literal(*conv);
      key.push_back(std::move(*conv));
      types.push_back(col.type);
    }
    if (key.size() != g.columns.size()) continue;
    const size_t part = PartitionOf(key, types, g.partitions());
    const size_t dn = g.dn[part];
    XP_RETURN_IF_ERROR(EnsureBranch(dn, false));
    by_dn[dn].push_back("SELECT " + cols + " FROM " + QuoteIdent(t.database) +
                        "." + QuoteIdent(g.name[part]) + where + lock);
    asked[dn].push_back(static_cast<int>(k));
  }
  std::vector<std::pair<size_t, std::vector<std::string>>> work(by_dn.begin(),
                                                                by_dn.end());
  std::vector<std::vector<StmtResult>> results;
  XP_RETURN_IF_ERROR(Pipeline(work, &results));
  std::vector<DataType> types;
  for (int c : p.columns)
    types.push_back(t.columns[static_cast<size_t>(c)].type);
  call->keys.assign(p.partitions(), {});
  for (size_t i = 0; i < work.size(); ++i) {
    const std::vector<int>& keys = asked[work[i].first];
    for (size_t s = 0; s < results[i].size() && s < keys.size(); ++s) {
      const StmtResult& r = results[i][s];
      if (r.sets.empty()) continue;
      const ResultSet& set = r.sets[0];
      // One entry for a unique key; a GLOBAL one may name rows anywhere.
      for (const auto& row : set.rows) {
        std::vector<Value> pk;
        for (size_t c = 0; c < types.size(); ++c) {
          XP_ASSIGN_OR_RETURN(
              Value v,
              plan::ConvertValue(Value(Text(set, row, c)), types[c], ""));
          pk.push_back(std::move(v));
        }
        std::vector<int>& at =
            call->keys[PartitionOf(pk, types, p.partitions())];
        if (at.empty() || at.back() != keys[s]) at.push_back(keys[s]);
      }
    }
  }
  call->parts.clear();
  for (size_t i = 0; i < call->keys.size(); ++i)
    if (!call->keys[i].empty()) call->parts.push_back(i);
  return Status::OK();
}

// ------------------------------------------------------------------ writes

namespace {

// A constant INSERT value: a literal, a placeholder, or a signed number.
std::optional<Value> ConstantOf(const sql::Expr& e,
                                const std::vector<Value>& params) {
  using sql::ExprKind;
  using sql::LiteralKind;
  if (e.kind == ExprKind::kParam) {
    if (e.param_index < 0 ||
        static_cast<size_t>(e.param_index) >= params.size())
      return std::nullopt;
    return params[static_cast<size_t>(e.param_index)];
  }
  if (e.kind == ExprKind::kUnary && e.uop == sql::UnaryOp::kMinus &&
      e.args.size() == 1 && e.args[0]->kind == ExprKind::kLiteral &&
      e.args[0]->lit == LiteralKind::kInteger) {
    const std::string text = "-" + e.args[0]->text;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return Value(int64_t{v});
  }
  if (e.kind != ExprKind::kLiteral) return std::nullopt;
  switch (e.lit) {
    case LiteralKind::kNull:
      return Value();
    case LiteralKind::kInteger: {
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(e.text.c_str(), &end, 10);
      if (errno != 0 || *end != '\0') return std::nullopt;
      if (v <= static_cast<unsigned long long>(INT64_MAX))
        return Value(static_cast<int64_t>(v));
      return Value(static_cast<uint64_t>(v));
    }
    case LiteralKind::kDecimal: {
      Result<plan::Decimal> d = plan::ParseDecimal(e.text);
      if (!d.ok()) return std::nullopt;
      return Value(*d);
    }
    case LiteralKind::kString:
      return Value(e.text);
    default:
      return std::nullopt;
  }
}

// Replaces placeholders with literals (the statement then travels as text).
void Inline(sql::Expr* e, const std::vector<Value>& params) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kParam && e->param_index >= 0 &&
      static_cast<size_t>(e->param_index) < params.size()) {
    const Value& v = params[static_cast<size_t>(e->param_index)];
    e->kind = sql::ExprKind::kLiteral;
    switch (v.index()) {
      case 0:
        e->lit = sql::LiteralKind::kNull;
        break;
      case 1:
      case 2:
        e->lit = sql::LiteralKind::kInteger;
        e->text = plan::ValueToString(v);
        if (e->text[0] == '-') {
          // Integer literals hold digits only.
          auto inner = std::make_unique<sql::Expr>();
          inner->kind = sql::ExprKind::kLiteral;
          inner->lit = sql::LiteralKind::kInteger;
          inner->text = e->text.substr(1);
          e->kind = sql::ExprKind::kUnary;
          e->uop = sql::UnaryOp::kMinus;
          e->args.clear();
          e->args.push_back(std::move(inner));
        }
        break;
      case 3:
        e->lit = sql::LiteralKind::kFloat;
        e->text = Literal(v);
        break;
      case 4:
        e->lit = sql::LiteralKind::kDecimal;
        e->text = plan::ValueToString(v);
        break;
      default:
        e->lit = sql::LiteralKind::kString;
        e->text = std::get<std::string>(v);
    }
    return;
  }
  for (auto& a : e->args) Inline(a.get(), params);
}

// Conjuncts `col = constant` of a WHERE clause, by lower-case column name.
void EqualityConjuncts(const sql::Expr* e, const std::vector<Value>& params,
                       std::map<std::string, Value>* out) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kBinary && e->bop == sql::BinaryOp::kAnd) {
    for (const auto& a : e->args) EqualityConjuncts(a.get(), params, out);
    return;
  }
  if (e->kind != sql::ExprKind::kBinary || e->bop != sql::BinaryOp::kEq) return;
  const sql::Expr* col = e->args[0].get();
  const sql::Expr* val = e->args[1].get();
  if (col->kind != sql::ExprKind::kColumn) std::swap(col, val);
  if (col->kind != sql::ExprKind::kColumn) return;
  std::optional<Value> v = ConstantOf(*val, params);
  if (!v) return;
  std::string name;
  for (char c : col->text) name += static_cast<char>(std::tolower(c));
  out->emplace(name, std::move(*v));
}

// DEFAULT, or DEFAULT(col) of the column it is given for.
bool IsDefaultOf(const sql::Expr& e, const std::string& column) {
  if (e.kind == sql::ExprKind::kDefault) return true;
  return e.kind == sql::ExprKind::kFunction && e.text == "DEFAULT" &&
         e.args.size() == 1 && e.args[0]->kind == sql::ExprKind::kColumn &&
         plan::NameEquals(e.args[0]->text, column);
}

}  // namespace

Status ClusterSession::Push(sql::Statement& stmt, const std::string& database,
                            const std::vector<Value>& params, bool* handled,
                            uint64_t* rows_affected, uint64_t* last_insert_id) {
  *handled = false;
  stmt_write_ = true;
  if (stmt.kind == sql::StmtKind::kInsert)
    return PushInsert(static_cast<sql::InsertStatement&>(stmt), database,
                      params, handled, rows_affected, last_insert_id);
  return PushUpdateDelete(stmt, database, params, handled, rows_affected);
}

Status ClusterSession::Write(const Placement& p,
                             const std::map<size_t, std::string>& sqls,
                             uint64_t* affected) {
  std::vector<DnWrite> writes;
  for (auto& [part, sql] : sqls) writes.push_back({p.dn[part], sql, true});
  return WriteAll(writes, /*atomic=*/false, affected);
}

Status ClusterSession::WriteAll(const std::vector<DnWrite>& writes, bool atomic,
                                uint64_t* affected) {
  std::set<size_t> dn_set;
  for (const DnWrite& w : writes) dn_set.insert(w.dn);
  const std::vector<size_t> dns(dn_set.begin(), dn_set.end());
  // One DN outside a transaction: the DN's own autocommit is atomic.
  // Several (or several statements that must hold together): XA
  // branches, committed together at the statement's end.
  const bool xa = in_txn_ || dns.size() > 1 || AnyBranch() || atomic;
  // In a transaction, such a statement sets a savepoint first on each DN
  // (in the same round trip), so a failure undoes it alone.
  const bool guarded = in_txn_ && (dns.size() > 1 || atomic) && !stmt_guarded_;
  uint64_t total = 0;
  Status st;
  for (size_t dn : dns) {
    st = EnsureBranch(dn, /*write=*/true, xa);
    if (!st.ok()) break;
  }
  if (st.ok()) {
    // Every DN's statements go out before any answer is read: the DNs
    // work in parallel; each DN runs its own in the order given.
    std::vector<std::pair<size_t, std::vector<std::string>>> work;
    std::vector<std::vector<bool>> counted;
    for (size_t dn : dns) {
      work.push_back({dn, {}});
      counted.emplace_back();
      if (guarded) {
        work.back().second.push_back(kStatementSavepoint);
        counted.back().push_back(false);
      }
      for (const DnWrite& w : writes) {
        if (w.dn != dn) continue;
        work.back().second.push_back(w.sql);
        counted.back().push_back(w.counted);
      }
    }
    std::vector<std::vector<StmtResult>> results;
    st = Pipeline(work, &results);
    for (size_t i = 0; i < results.size(); ++i)
      for (size_t k = 0; k < results[i].size(); ++k)
        if (counted[i][k]) total += results[i][k].rows_affected.value_or(0);
  }
  if (!st.ok() && (guarded || (in_txn_ && stmt_guarded_)))
    return FailStatement(dns, st);
  XP_RETURN_IF_ERROR(st);
  *affected = total;
  return Status::OK();
}

Status ClusterSession::GuardStatement(const std::vector<size_t>& dns) {
  if (!in_txn_) {
    for (size_t dn : dns)
      XP_RETURN_IF_ERROR(EnsureBranch(dn, /*write=*/true, /*xa=*/true));
    return Status::OK();
  }
  for (size_t dn : dns) XP_RETURN_IF_ERROR(EnsureBranch(dn, /*write=*/true));
  if (stmt_guarded_) return Status::OK();  // a part of a guarded statement
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  guarded_dns_.clear();
  for (size_t dn = 0; dn < branches_.size(); ++dn) {
    if (!branches_[dn].active()) continue;
    work.push_back({dn, {kStatementSavepoint}});
    guarded_dns_.push_back(dn);
  }
  XP_RETURN_IF_ERROR(Pipeline(work));
  stmt_guarded_ = true;
  return Status::OK();
}

Status ClusterSession::FailStatement(const std::vector<size_t>& dns,
                                     const Status& st) {
  // Outside a transaction the statement's XA branches roll back at its end.
  if (!in_txn_) return st;
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn : stmt_guarded_ ? guarded_dns_ : dns)
    work.push_back({dn, {kStatementRollback}});
  if (Pipeline(work).ok()) return st;
  // Part of the statement may stay applied somewhere: the transaction
  // cannot keep it, so it ends (as a deadlock victim's).
  (void)Rollback();
  return RolledBack(st, "the statement spanned several data nodes");
}

Status ClusterSession::SavepointOnDns(const std::string& verb,
                                      const std::string& name) {
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn = 0; dn < branches_.size(); ++dn)
    if (branches_[dn].active()) work.push_back({dn, {verb + QuoteIdent(name)}});
  std::vector<std::vector<StmtResult>> results;
  Status st = Pipeline(work, &results);
  if (st.ok()) return st;
  size_t done = 0;
  for (const auto& r : results) done += r.size();
  // Every DN saw the same savepoints, so they all fail alike (1305); a DN
  // that failed alone leaves the transaction's parts out of step.
  if (done == 0 || verb == "SAVEPOINT ") return st;
  (void)Rollback();
  return RolledBack(st, "its data nodes' savepoints were out of step");
}

Status ClusterSession::PushInsert(sql::InsertStatement& ins,
                                  const std::string& database,
                                  const std::vector<Value>& params,
                                  bool* handled, uint64_t* affected,
                                  uint64_t* insert_id) {
  if (ins.select) {
    // The engine's path: it runs the SELECT and hands each row to
    // ClusterTable::Insert, which sends them with this verb.
    if (!ins.on_duplicate.empty())
      return Status::SqlError(1235, "42000",
                              "This version of MySQL doesn't yet support "
                              "'INSERT ... SELECT ... ON DUPLICATE KEY UPDATE "
                              "through a compute node'");
    insert_verb_ = ins.replace  ? "REPLACE"
                   : ins.ignore ? "INSERT IGNORE"
                                : "INSERT";
    return Status::OK();
  }
  const std::string db = ins.table.schema.empty() ? database : ins.table.schema;
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      store_->catalog().FindTable(db, ins.table.name));
  const Placement* p = store_->PlacementOf(*t);
  if (p == nullptr) return Status::Internal("no placement for " + t->name);
  *handled = true;
  // Column positions of the VALUES entries.
  std::vector<int> cols;
  // VALUES () (with or without "()" as the column list): every column its
  // default.
  const bool all_defaults =
      ins.columns.empty() && !ins.rows.empty() &&
      std::all_of(ins.rows.begin(), ins.rows.end(),
                  [](const auto& row) { return row.empty(); });
  if (ins.columns.empty() && !all_defaults) {
    for (size_t i = 0; i < t->columns.size(); ++i)
      cols.push_back(static_cast<int>(i));
  } else {
    for (const std::string& c : ins.columns) {
      const int at = t->FindColumn(c);
      if (at < 0)
        return Status::SqlError(1054, "42S22",
                                "Unknown column '" + c + "' in 'field list'");
      cols.push_back(at);
    }
  }
  int auto_col = -1;
  for (size_t i = 0; i < t->columns.size(); ++i)
    if (t->columns[i].auto_increment) auto_col = static_cast<int>(i);
  const bool auto_listed = auto_col >= 0 && std::find(cols.begin(), cols.end(),
                                                      auto_col) != cols.end();
  // Rows needing a generated value, counted first so one range is taken.
  size_t need = 0;
  for (auto& row : ins.rows) {
    if (row.size() != cols.size())
      return Status::SqlError(
          1136, "21S01", "Column count doesn't match value count at row 1");
    if (auto_col < 0) continue;
    if (!auto_listed) {
      ++need;
      continue;
    }
    const size_t at = static_cast<size_t>(
        std::find(cols.begin(), cols.end(), auto_col) - cols.begin());
    if (IsDefaultOf(*row[at], t->columns[static_cast<size_t>(auto_col)].name)) {
      ++need;
      continue;
    }
    std::optional<Value> v = ConstantOf(*row[at], params);
    if (v &&
        (v->index() == 0 || (v->index() == 1 && std::get<int64_t>(*v) == 0)))
      ++need;
  }
  int64_t next = 0;
  if (need > 0) {
    XP_ASSIGN_OR_RETURN(next, store_->NextAutoIncrement(*t, need));
    *insert_id = static_cast<uint64_t>(next);
  }
  std::string head = std::string(ins.replace ? "REPLACE" : "INSERT") +
                     (ins.ignore ? " IGNORE" : "") + " INTO " + QuoteIdent(db) +
                     ".";
  std::string col_list = " (";
  for (size_t i = 0; i < cols.size(); ++i)
    col_list += (i ? "," : "") +
                QuoteIdent(t->columns[static_cast<size_t>(cols[i])].name);
  if (auto_col >= 0 && !auto_listed)
    col_list += (cols.empty() ? "" : ",") +
                QuoteIdent(t->columns[static_cast<size_t>(auto_col)].name);
  col_list += ") VALUES ";
  std::string tail;
  if (!ins.on_duplicate.empty()) {
    tail = " ON DUPLICATE KEY UPDATE ";
    for (size_t i = 0; i < ins.on_duplicate.size(); ++i) {
      auto& [c, e] = ins.on_duplicate[i];
      for (int k : p->columns) {
        if (plan::NameEquals(t->columns[static_cast<size_t>(k)].name, c))
          return Status::SqlError(
              1235, "42000",
              "This version of MySQL doesn't yet support 'ON DUPLICATE KEY "
              "UPDATE of a partition key column'");
      }
      Inline(e.get(), params);
      tail += (i ? "," : "") + QuoteIdent(c) + "=" + sql::ToSql(*e);
    }
  }
  std::map<size_t, std::string> by_part;
  std::vector<DataType> key_types;
  for (int c : p->columns)
    key_types.push_back(t->columns[static_cast<size_t>(c)].type);
  // A table with global indexes: IGNORE, REPLACE and ON DUPLICATE KEY
  // UPDATE look for the rows a new one collides with, so they go row by
  // row (InsertEachRow); VALUES(col) in the assignments becomes a
  // placeholder for the row's value of col.
  const bool each = !p->global.empty() &&
                    (ins.replace || ins.ignore || !ins.on_duplicate.empty());
  std::vector<int> values_of;  // placeholder k: VALUES(column values_of[k])
  if (each) {
    for (auto& [c, e] : ins.on_duplicate) {
      std::vector<sql::Expr*> stack{e.get()};
      while (!stack.empty()) {
        sql::Expr* x = stack.back();
        stack.pop_back();
        if (x->kind == sql::ExprKind::kFunction && x->text == "VALUES" &&
            x->args.size() == 1 && x->args[0]->kind == sql::ExprKind::kColumn) {
          const int at = t->FindColumn(x->args[0]->text);
          if (at < 0)
            return Status::SqlError(
                1054, "42S22",
                "Unknown column '" + x->args[0]->text + "' in 'field list'");
          x->kind = sql::ExprKind::kParam;
          x->args.clear();
          x->param_index = static_cast<int>(values_of.size());
          values_of.push_back(at);
          continue;
        }
        // Children right to left: they come off the stack left to right,
        // the order the placeholders are printed (and parsed back) in.
        for (auto it = x->args.rbegin(); it != x->args.rend(); ++it)
          stack.push_back(it->get());
      }
    }
  }
  std::vector<EachRow> rows;
  // Global index keys: each row's values of their columns.
  std::vector<std::vector<std::optional<Value>>> images;
  size_t row_no = 0;
  for (auto& row : ins.rows) {
    ++row_no;
    std::vector<std::string> texts(row.size());
    std::optional<Value> generated;
    for (size_t i = 0; i < row.size(); ++i) {
      if (static_cast<int>(i) < static_cast<int>(cols.size()) &&
          cols[i] == auto_col) {
        // DEFAULT, NULL and 0 take the next value.
        std::optional<Value> v =
            IsDefaultOf(*row[i], t->columns[static_cast<size_t>(auto_col)].name)
                ? std::optional<Value>(Value())
                : ConstantOf(*row[i], params);
        if (v && (v->index() == 0 ||
                  (v->index() == 1 && std::get<int64_t>(*v) == 0))) {
          generated = Value(next++);
          texts[i] = Literal(*generated);
          continue;
        }
        if (v && v->index() == 1)
          store_->ObserveAutoIncrement(*t, std::get<int64_t>(*v));
      }
      Inline(row[i].get(), params);
      texts[i] = sql::ToSql(*row[i]);
    }
    if (auto_col >= 0 && !auto_listed) {
      generated = Value(next++);
      texts.push_back(Literal(*generated));
    }
    // The value column `c` gets, converted to its type: generated, given
    // as a constant, or its default (the DN stores that same value).
    auto value_of = [&](int c, const char* what) -> Result<Value> {
      const auto& col = t->columns[static_cast<size_t>(c)];
      std::optional<Value> v;
      if (c == auto_col && generated) {
        v = generated;
      } else {
        auto it = std::find(cols.begin(), cols.end(), c);
        const sql::Expr* given =
            it == cols.end()
                ? nullptr
                : row[static_cast<size_t>(it - cols.begin())].get();
        if (given == nullptr || IsDefaultOf(*given, col.name)) {
          if (col.default_now)
            return Status::SqlError(1235, "42000",
                                    std::string("This version of MySQL doesn't "
                                                "yet support 'a ") +
                                        what +
                                        " column defaulting to "
                                        "CURRENT_TIMESTAMP'");
          v = col.default_value ? *col.default_value : Value();
        } else {
          v = ConstantOf(*given, params);
        }
      }
      if (!v)
        return Status::SqlError(1235, "42000",
                                std::string("This version of MySQL doesn't yet "
                                            "support 'a ") +
                                    what + " value that is not a constant'");
      return plan::ConvertValue(*v, col.type, col.name);
    };
    size_t part = store_->NextRoundRobin() % p->partitions();
    if (p->kind == Placement::Kind::kHash && !p->columns.empty()) {
      std::vector<Value> key;
      for (int c : p->columns) {
        XP_ASSIGN_OR_RETURN(Value v, value_of(c, "partition key"));
        key.push_back(std::move(v));
      }
      part = PartitionOf(key, key_types, p->partitions());
    }
    if (!p->global.empty()) {
      std::vector<std::optional<Value>>& image =
          images.emplace_back(t->columns.size());
      for (const GlobalIndex& g : p->global)
        for (const std::vector<int>* list : {&g.columns, &g.rest})
          for (int c : *list) {
            if (image[static_cast<size_t>(c)]) continue;
            XP_ASSIGN_OR_RETURN(Value v, value_of(c, "global index key"));
            image[static_cast<size_t>(c)] = std::move(v);
          }
    }
    std::string tuple = "(";
    for (size_t i = 0; i < texts.size(); ++i)
      tuple += (i ? "," : "") + texts[i];
    tuple += ")";
    if (each) {
      EachRow r{part, tuple, {}};
      for (int c : values_of) {
        XP_ASSIGN_OR_RETURN(Value v, value_of(c, "VALUES() column"));
        r.values.push_back(std::move(v));
      }
      rows.push_back(std::move(r));
      continue;
    }
    if (p->kind == Placement::Kind::kBroadcast) {
      for (size_t q = 0; q < p->partitions(); ++q) {
        std::string& s = by_part[q];
        s += (s.empty() ? "" : ",") + tuple;
      }
    } else {
      std::string& s = by_part[part];
      s += (s.empty() ? "" : ",") + tuple;
    }
  }
  uint64_t n = 0;
  if (each)
    return InsertEachRow(ins, *t, *p, head + "%T" + col_list, rows, images,
                         affected);
  if (!p->global.empty()) {
    // Index entries first, in the same transaction: a key another row
    // has is the index partition's 1062, and nothing is written.
    std::vector<DnWrite> writes;
    XP_RETURN_IF_ERROR(IndexInserts(*t, *p, images, &writes));
    for (auto& [part, tuples] : by_part)
      writes.push_back({p->dn[part],
                        head + QuoteIdent(p->name[part]) + col_list + tuples,
                        true});
    XP_RETURN_IF_ERROR(WriteAll(writes, /*atomic=*/true, &n));
    *affected = n;
    return Status::OK();
  }
  std::map<size_t, std::string> sqls;
  for (auto& [part, tuples] : by_part)
    sqls[part] = head + QuoteIdent(p->name[part]) + col_list + tuples + tail;
  XP_RETURN_IF_ERROR(Write(*p, sqls, &n));
  // A BROADCAST table counts each row once.
  *affected = p->kind == Placement::Kind::kBroadcast && p->partitions() > 0
                  ? n / p->partitions()
                  : n;
  return Status::OK();
}

Status ClusterSession::PushUpdateDelete(sql::Statement& stmt,
                                        const std::string& database,
                                        const std::vector<Value>& params,
                                        bool* handled, uint64_t* affected) {
  sql::QualifiedName name;
  sql::Expr* where = nullptr;
  sql::ExprPtr* limit = nullptr;
  bool ordered = false;
  std::string* physical = nullptr;
  if (stmt.kind == sql::StmtKind::kUpdate) {
    auto& u = static_cast<sql::UpdateStatement&>(stmt);
    if (u.table->kind != sql::TableRef::Kind::kTable)
      return Status::SqlError(1235, "42000",
                              "This version of MySQL doesn't yet support "
                              "'multi-table UPDATE through a compute node'");
    name = {u.table->schema, u.table->name};
    where = u.where.get();
    limit = &u.limit;
    ordered = !u.order_by.empty();
    physical = &u.table->name;
    if (u.table->schema.empty()) u.table->schema = database;
    if (u.table->alias.empty()) u.table->alias = u.table->name;
  } else {
    auto& d = static_cast<sql::DeleteStatement&>(stmt);
    name = d.table;
    where = d.where.get();
    limit = &d.limit;
    ordered = !d.order_by.empty();
    physical = &d.table.name;
    if (d.table.schema.empty()) d.table.schema = database;
    if (d.alias.empty()) d.alias = d.table.name;
  }
  const std::string db = name.schema.empty() ? database : name.schema;
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      store_->catalog().FindTable(db, name.name));
  const Placement* p = store_->PlacementOf(*t);
  if (p == nullptr) return Status::Internal("no placement for " + t->name);
  *handled = true;
  if (sql::HasSubquery(where))
    return Status::SqlError(1235, "42000",
                            "This version of MySQL doesn't yet support "
                            "'UPDATE / DELETE with a subquery through a "
                            "compute node'");
  bool moves = false;  // SET changes a partition key column
  if (stmt.kind == sql::StmtKind::kUpdate) {
    auto& u = static_cast<sql::UpdateStatement&>(stmt);
    for (auto& a : u.set) {
      for (int c : p->columns) {
        if (p->kind == Placement::Kind::kHash &&
            plan::NameEquals(t->columns[static_cast<size_t>(c)].name, a.column))
          moves = true;
      }
      if (sql::HasSubquery(a.value.get()))
        return Status::SqlError(1235, "42000",
                                "This version of MySQL doesn't yet support "
                                "'UPDATE with a subquery through a compute "
                                "node'");
      Inline(a.value.get(), params);
    }
  }
  // Pruning: equalities on every partition column.
  std::vector<size_t> parts;
  if (p->kind == Placement::Kind::kHash && !p->columns.empty()) {
    std::map<std::string, Value> eq;
    EqualityConjuncts(where, params, &eq);
    std::vector<Value> key;
    std::vector<DataType> types;
    for (int c : p->columns) {
      const auto& col = t->columns[static_cast<size_t>(c)];
      std::string lower;
      for (char ch : col.name) lower += static_cast<char>(std::tolower(ch));
      auto it = eq.find(lower);
      if (it == eq.end()) break;
      Result<Value> conv = plan::ConvertValue(it->second, col.type, col.name);
      if (!conv.ok()) break;
      key.push_back(std::move(*conv));
      types.push_back(col.type);
    }
    if (key.size() == p->columns.size()) {
      parts.push_back(PartitionOf(key, types, p->partitions()));
    }
  }
  if (parts.empty()) {
    for (size_t i = 0; i < p->partitions(); ++i) parts.push_back(i);
  }
  Inline(where, params);
  if (!p->global.empty()) {
    // A change to a global index key, or to a row an entry points at.
    bool keyed = stmt.kind == sql::StmtKind::kDelete;
    for (const GlobalIndex& g : p->global)
      for (const std::vector<int>* l : {&g.columns, &g.rest})
        for (int c : *l)
          if (stmt.kind == sql::StmtKind::kUpdate)
            for (auto& a : static_cast<sql::UpdateStatement&>(stmt).set)
              keyed = keyed ||
                      plan::NameEquals(t->columns[static_cast<size_t>(c)].name,
                                       a.column);
    if (keyed && (*limit != nullptr || ordered))
      return Status::SqlError(1235, "42000",
                              "This version of MySQL doesn't yet support "
                              "'UPDATE / DELETE ... ORDER BY / LIMIT of a "
                              "table with a global index'");
    if (keyed) return RewriteRows(stmt, *t, *p, parts, affected);
  }
  if (moves) {
    if (*limit != nullptr || ordered)
      return Status::SqlError(1235, "42000",
                              "This version of MySQL doesn't yet support "
                              "'UPDATE ... ORDER BY / LIMIT of a partition key "
                              "column'");
    return RewriteRows(stmt, *t, *p, parts, affected);
  }
  if (*limit != nullptr && parts.size() > 1 &&
      p->kind == Placement::Kind::kHash) {
    // LIMIT n over several partitions: partition after partition, each
    // allowed what is left of n (any n rows, as MySQL without ORDER BY).
    std::optional<Value> n = ConstantOf(**limit, params);
    if (ordered || !n || n->index() != 1 || std::get<int64_t>(*n) < 0)
      return Status::SqlError(1235, "42000",
                              "This version of MySQL doesn't yet support "
                              "'UPDATE / DELETE ... ORDER BY ... LIMIT over "
                              "several partitions'");
    int64_t left = std::get<int64_t>(*n);
    uint64_t total = 0;
    // One statement per partition, one after another: undone together if
    // a later one fails.
    std::set<size_t> dn_set;
    for (size_t part : parts) dn_set.insert(p->dn[part]);
    const std::vector<size_t> dns(dn_set.begin(), dn_set.end());
    XP_RETURN_IF_ERROR(GuardStatement(dns));
    for (size_t part : parts) {
      if (left <= 0) break;
      (*limit)->kind = sql::ExprKind::kLiteral;
      (*limit)->lit = sql::LiteralKind::kInteger;
      (*limit)->args.clear();
      (*limit)->text = std::to_string(left);
      *physical = p->name[part];
      uint64_t done = 0;
      Status st = Write(*p, {{part, sql::ToSql(stmt)}}, &done);
      if (!st.ok()) {
        *physical = name.name;
        return FailStatement(dns, st);
      }
      total += done;
      left -= static_cast<int64_t>(done);
    }
    *physical = name.name;
    *affected = total;
    return Status::OK();
  }
  std::map<size_t, std::string> sqls;
  for (size_t part : parts) {
    *physical = p->name[part];
    sqls[part] = sql::ToSql(stmt);
  }
  *physical = name.name;
  uint64_t n = 0;
  XP_RETURN_IF_ERROR(Write(*p, sqls, &n));
  *affected = p->kind == Placement::Kind::kBroadcast && p->partitions() > 0
                  ? n / p->partitions()
                  : n;
  return Status::OK();
}

namespace {

// Row i of `v` as an SQL literal that reads back as the same value.
std::string LiteralAt(const exec::Vector& v, const DataType& t, size_t i) {
  if (v.IsNull(i)) return "NULL";
  if (t.is_temporal()) return QuoteString(exec::CellText(v, t, i));
  if (t.id == plan::TypeId::kString) {
    const std::string_view s = v.data<std::string_view>()[i];
    static const char kHex[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : s) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out + "'";
  }
  return Literal(exec::ValueAt(v, t, i));
}

}  // namespace

Status ClusterSession::ReadRows(size_t dn, const std::string& sql, Rows* out) {
  Xp::Plan::ExecSql req;
  req.set_stmt(sql);
  req.set_chunk_result(true);
  XP_ASSIGN_OR_RETURN(Client * c, Conn(dn));
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = c->ExecuteSql(std::move(req));
  if (!r.ok()) return DnError(dn, r.status());
  out->result = std::move(*r);
  if (out->result.sets.empty()) return Status::OK();
  const ResultSet& set = out->result.sets[0];
  for (const auto& m : set.columns) out->types.push_back(exec::ColumnType(m));
  return exec::DecodeChunks(set.chunks, out->types.size(), &out->batches);
}

Status ClusterSession::IndexInserts(
    const TableSchema& t, const Placement& p,
    const std::vector<std::vector<std::optional<Value>>>& rows,
    std::vector<DnWrite>* out) {
  for (const GlobalIndex& g : p.global) {
    std::vector<DataType> key_types;
    for (int c : g.columns)
      key_types.push_back(t.columns[static_cast<size_t>(c)].type);
    std::map<size_t, std::string> tuples;  // index partition -> "(..),(..)"
    for (const auto& row : rows) {
      std::vector<Value> key;
      bool null = false;
      for (int c : g.columns) {
        const std::optional<Value>& v = row[static_cast<size_t>(c)];
        if (!v || v->index() == 0) null = true;
        if (!null) key.push_back(*v);
      }
      if (null) continue;  // no entry: any number of rows may have it
      std::string tuple;
      for (const std::vector<int>* list : {&g.columns, &g.rest})
        for (int c : *list) {
          const std::optional<Value>& v = row[static_cast<size_t>(c)];
          tuple += (tuple.empty() ? "(" : ",") + (v ? Literal(*v) : "NULL");
        }
      std::string& s = tuples[PartitionOf(key, key_types, g.partitions())];
      s += (s.empty() ? "" : ",") + tuple + ")";
    }
    for (auto& [part, list] : tuples)
      out->push_back({g.dn[part],
                      "INSERT INTO " + QuoteIdent(t.database) + "." +
                          QuoteIdent(g.name[part]) + " VALUES " + list,
                      false});
  }
  return Status::OK();
}

namespace {

// `WHERE c = literal AND ...` over columns `cols` of `image`.
std::string WhereOf(const TableSchema& t, const std::vector<int>& cols,
                    const std::vector<std::optional<Value>>& image) {
  std::string out;
  for (int c : cols) {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    out += (out.empty() ? " WHERE " : " AND ") +
           QuoteIdent(t.columns[static_cast<size_t>(c)].name) + " = " +
           (v ? Literal(*v) : "NULL");
  }
  return out;
}

// Whether every column of `cols` has a non-NULL value in `image`.
bool HasKey(const std::vector<int>& cols,
            const std::vector<std::optional<Value>>& image) {
  for (int c : cols) {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    if (!v || v->index() == 0) return false;
  }
  return true;
}

// Partition of the key `cols` of `image` among `partitions`.
size_t PartitionOfImage(const TableSchema& t, const std::vector<int>& cols,
                        const std::vector<std::optional<Value>>& image,
                        size_t partitions) {
  std::vector<Value> key;
  std::vector<DataType> types;
  for (int c : cols) {
    key.push_back(*image[static_cast<size_t>(c)]);
    types.push_back(t.columns[static_cast<size_t>(c)].type);
  }
  return PartitionOf(key, types, partitions);
}

}  // namespace

Status ClusterSession::Collisions(
    const TableSchema& t, const Placement& p, size_t part,
    const std::vector<std::optional<Value>>& image, bool first_only,
    std::vector<Collision>* out) {
  const std::vector<int>& pk = t.indexes[0].columns;
  const std::string db = QuoteIdent(t.database) + ".";
  std::string list;
  for (const auto& col : t.columns)
    list += (list.empty() ? "" : ",") + QuoteIdent(col.name);
  auto read = [&](size_t at, const std::string& where) -> Status {
    for (const Collision& c : *out)
      if (c.part == at && c.where == where) return Status::OK();
    Rows rows;
    XP_RETURN_IF_ERROR(ReadRows(p.dn[at],
                                "SELECT " + list + " FROM " + db +
                                    QuoteIdent(p.name[at]) + where +
                                    " FOR UPDATE",
                                &rows));
    for (const exec::Batch& b : rows.batches) {
      for (size_t row = 0; row < b.num_rows(); ++row) {
        Collision c{at, "",
                    std::vector<std::optional<Value>>(t.columns.size())};
        for (size_t col = 0; col < t.columns.size(); ++col) {
          XP_ASSIGN_OR_RETURN(
              Value v, plan::ConvertValue(
                           exec::ValueAt(b.column(col), rows.types[col], row),
                           t.columns[col].type, t.columns[col].name));
          c.image[col] = std::move(v);
        }
        c.where = WhereOf(t, pk, c.image);
        for (const Collision& o : *out)
          if (o.part == c.part && o.where == c.where) return Status::OK();
        out->push_back(std::move(c));
      }
    }
    return Status::OK();
  };
  if (HasKey(pk, image)) XP_RETURN_IF_ERROR(read(part, WhereOf(t, pk, image)));
  for (const GlobalIndex& g : p.global) {
    if (first_only && !out->empty()) return Status::OK();
    if (!g.unique) continue;  // several rows may share its key
    if (!HasKey(g.columns, image)) continue;
    const size_t gp = PartitionOfImage(t, g.columns, image, g.partitions());
    std::string cols;
    for (int c : pk)
      cols += (cols.empty() ? "" : ",") +
              QuoteIdent(t.columns[static_cast<size_t>(c)].name);
    XP_ASSIGN_OR_RETURN(
        StmtResult r,
        Run(g.dn[gp], "SELECT " + cols + " FROM " + db +
                          QuoteIdent(g.name[gp]) +
                          WhereOf(t, g.columns, image) + " FOR UPDATE"));
    if (r.sets.empty() || r.sets[0].rows.empty()) continue;
    std::vector<std::optional<Value>> other(t.columns.size());
    for (size_t k = 0; k < pk.size(); ++k) {
      const auto& col = t.columns[static_cast<size_t>(pk[k])];
      XP_ASSIGN_OR_RETURN(
          Value v,
          plan::ConvertValue(Value(Text(r.sets[0], r.sets[0].rows[0], k)),
                             col.type, col.name));
      other[static_cast<size_t>(pk[k])] = std::move(v);
    }
    const size_t at = p.columns.empty() ? part
                                        : PartitionOfImage(t, p.columns, other,
                                                           p.partitions());
    XP_RETURN_IF_ERROR(read(at, WhereOf(t, pk, other)));
  }
  if (first_only && out->size() > 1) out->resize(1);
  return Status::OK();
}

Status ClusterSession::InsertEachRow(
    sql::InsertStatement& ins, const TableSchema& t, const Placement& p,
    const std::string& insert, const std::vector<EachRow>& rows,
    const std::vector<std::vector<std::optional<Value>>>& images,
    uint64_t* affected) {
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  const std::string db = QuoteIdent(t.database) + ".";
  auto physical = [&](const EachRow& row) {
    std::string sql = insert;
    sql.replace(sql.find("%T"), 2, QuoteIdent(p.name[row.part]));
    return sql + row.tuple;
  };
  // The statement's entries of `image` as (DN, INSERT) and (DN, DELETE).
  auto entries = [&](const std::vector<std::optional<Value>>& image,
                     const char* verb,
                     std::vector<std::pair<size_t, std::string>>* ins,
                     std::vector<std::pair<size_t, std::string>>* del) {
    for (const GlobalIndex& g : p.global) {
      if (!HasKey(g.columns, image)) continue;
      const size_t gp = PartitionOfImage(t, g.columns, image, g.partitions());
      const std::string table = db + QuoteIdent(g.name[gp]);
      std::vector<int> entry = g.columns;
      entry.insert(entry.end(), g.rest.begin(), g.rest.end());
      std::string tuple;
      for (const std::vector<int>* l : {&g.columns, &g.rest})
        for (int c : *l)
          tuple += (tuple.empty() ? "(" : ",") +
                   Literal(*image[static_cast<size_t>(c)]);
      if (ins != nullptr)
        ins->push_back({g.dn[gp], std::string(verb) + " INTO " + table +
                                      " VALUES " + tuple + ")"});
      if (del != nullptr)
        del->push_back(
            {g.dn[gp], "DELETE FROM " + table + WhereOf(t, entry, image)});
    }
  };
  auto run_all =
      [&](const std::vector<std::pair<size_t, std::string>>& list) -> Status {
    for (const auto& [dn, sql] : list)
      XP_RETURN_IF_ERROR(Run(dn, sql).status());
    return Status::OK();
  };
  uint64_t total = 0;
  Status st;
  for (size_t i = 0; st.ok() && i < rows.size(); ++i) {
    const EachRow& row = rows[i];
    const auto& image = images[i];
    if (ins.ignore && !ins.replace && ins.on_duplicate.empty()) {
      std::vector<std::pair<size_t, std::string>> adds, undo;
      entries(image, "INSERT IGNORE", &adds, &undo);
      bool skip = false;
      size_t added = 0;
      for (; st.ok() && !skip && added < adds.size(); ++added) {
        Result<StmtResult> r = Run(adds[added].first, adds[added].second);
        if (!r.ok()) {
          st = r.status();
        } else if (r->rows_affected.value_or(0) == 0) {
          skip = true;  // the key is taken: this entry was not added
          break;
        }
      }
      if (st.ok() && !skip) {
        Result<StmtResult> r = Run(p.dn[row.part], physical(row));
        if (!r.ok()) {
          st = r.status();
        } else if (r->rows_affected.value_or(0) == 0) {
          skip = true;
        } else {
          ++total;
        }
      }
      if (st.ok() && skip) {
        undo.resize(std::min(undo.size(), added));
        st = run_all(undo);
      }
      continue;
    }
    std::vector<Collision> found;
    st = Collisions(t, p, row.part, image, !ins.on_duplicate.empty(), &found);
    if (!st.ok()) break;
    if (!ins.on_duplicate.empty() && !found.empty()) {
      // The assignments, on the row found, as an UPDATE by its key.
      std::string sql = "UPDATE " + QuoteIdent(t.database) + "." +
                        QuoteIdent(t.name) + " SET ";
      for (size_t k = 0; k < ins.on_duplicate.size(); ++k)
        sql += (k ? "," : "") + QuoteIdent(ins.on_duplicate[k].first) + "=" +
               sql::ToSql(*ins.on_duplicate[k].second);
      sql += found[0].where;
      Result<sql::StmtPtr> u = sql::Parse(sql);
      if (!u.ok()) {
        st = u.status();
        break;
      }
      bool handled = false;
      uint64_t n = 0;
      st = PushUpdateDelete(**u, t.database, row.values, &handled, &n);
      total += n * 2;  // MySQL: 2 for a row updated, 0 if unchanged
      continue;
    }
    // REPLACE: the rows in the way go, entries first.
    for (const Collision& c : found) {
      std::vector<std::pair<size_t, std::string>> del;
      entries(c.image, "INSERT", nullptr, &del);
      del.push_back({p.dn[c.part], "DELETE FROM " + db +
                                       QuoteIdent(p.name[c.part]) + c.where});
      st = run_all(del);
      if (!st.ok()) break;
      ++total;
    }
    if (!st.ok()) break;
    std::vector<std::pair<size_t, std::string>> adds;
    entries(image, "INSERT", &adds, nullptr);
    std::string text = physical(row);
    if (ins.replace) text.replace(0, 7, "INSERT");  // "REPLACE" -> "INSERT"
    adds.push_back({p.dn[row.part], text});
    st = run_all(adds);
    if (st.ok()) ++total;
  }
  if (!st.ok()) return FailStatement(all, st);
  *affected = total;
  return Status::OK();
}

Status ClusterSession::RewriteRows(sql::Statement& stmt, const TableSchema& t,
                                   const Placement& p,
                                   const std::vector<size_t>& parts,
                                   uint64_t* affected) {
  const bool remove = stmt.kind == sql::StmtKind::kDelete;
  sql::UpdateStatement* u =
      remove ? nullptr : &static_cast<sql::UpdateStatement&>(stmt);
  const std::string alias =
      remove ? static_cast<sql::DeleteStatement&>(stmt).alias
             : (u->table->alias.empty() ? t.name : u->table->alias);
  const sql::Expr* where =
      remove ? static_cast<sql::DeleteStatement&>(stmt).where.get()
             : u->where.get();
  const size_t n = t.columns.size();
  // SELECT every column, then (UPDATE) every column's new value, locking
  // the rows read: the changes below are made from these images.
  std::string list, news;
  for (size_t c = 0; c < n; ++c) {
    const std::string col =
        QuoteIdent(alias) + "." + QuoteIdent(t.columns[c].name);
    list += (c ? "," : "") + col;
    if (remove) continue;
    std::string value = col;
    for (const auto& a : u->set)
      if (plan::NameEquals(a.column, t.columns[c].name))
        value = sql::ToSql(*a.value);
    news += "," + value;
  }
  const std::string where_sql = where ? " WHERE " + sql::ToSql(*where) : "";
  // The columns that identify a row: its primary key, or all of them.
  std::vector<size_t> ident;
  if (!t.hidden_primary_key && !t.indexes.empty() && t.indexes[0].primary) {
    for (int c : t.indexes[0].columns) ident.push_back(static_cast<size_t>(c));
  } else {
    for (size_t c = 0; c < n; ++c) ident.push_back(c);
  }
  auto value = [&](const exec::Batch& b, const std::vector<DataType>& types,
                   size_t col, size_t row) -> Result<Value> {
    const auto& schema = t.columns[col % n];
    return plan::ConvertValue(exec::ValueAt(b.column(col), types[col], row),
                              schema.type, schema.name);
  };
  auto partition = [&](const std::vector<int>& cols, size_t partitions,
                       const exec::Batch& b, const std::vector<DataType>& types,
                       size_t base, size_t row) -> Result<size_t> {
    std::vector<Value> key;
    std::vector<DataType> key_types;
    for (int c : cols) {
      XP_ASSIGN_OR_RETURN(Value v,
                          value(b, types, base + static_cast<size_t>(c), row));
      key.push_back(std::move(v));
      key_types.push_back(t.columns[static_cast<size_t>(c)].type);
    }
    return PartitionOf(key, key_types, partitions);
  };
  // One transaction over every DN: rows and entries may go anywhere.
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  // Per DN: first what goes away (entries, rows leaving), then what comes
  // (entries, rows arriving or changed), so a key that moves between rows
  // is free before it is taken.
  struct Step {
    std::string sql;
    bool counted = false;
    bool exactly_one = false;  // a row image: anything else is a conflict
  };
  std::map<size_t, std::vector<Step>> gone, come;
  Status st;
  for (size_t part : parts) {
    const size_t dn = p.dn[part];
    const std::string db = QuoteIdent(t.database) + ".";
    const std::string phys = db + QuoteIdent(p.name[part]);
    Rows rows;
    st = ReadRows(dn,
                  "SELECT " + list + news + " FROM " + phys + " AS " +
                      QuoteIdent(alias) + where_sql + " FOR UPDATE",
                  &rows);
    if (!st.ok()) break;
    const std::vector<DataType>& types = rows.types;
    for (size_t bi = 0; st.ok() && bi < rows.batches.size(); ++bi) {
      const exec::Batch& b = rows.batches[bi];
      for (size_t row = 0; st.ok() && row < b.num_rows(); ++row) {
        auto lit = [&](size_t col) {
          return LiteralAt(b.column(col), types[col], row);
        };
        std::string match;
        for (size_t c : ident)
          match += (match.empty() ? " WHERE " : " AND ") +
                   QuoteIdent(t.columns[c].name) + " <=> " + lit(c);
        std::vector<bool> changed(n, false);
        bool any = false;
        for (size_t c = 0; !remove && c < n; ++c) {
          changed[c] = lit(c) != lit(n + c);
          any = any || changed[c];
        }
        // Global index entries whose key or row changes.
        for (const GlobalIndex& g : p.global) {
          bool moved = remove;
          bool old_null = false, new_null = remove;
          for (const std::vector<int>* l : {&g.columns, &g.rest})
            for (int c : *l) moved = moved || changed[static_cast<size_t>(c)];
          for (int c : g.columns) {
            old_null = old_null || b.column(static_cast<size_t>(c)).IsNull(row);
            if (!remove)
              new_null =
                  new_null || b.column(n + static_cast<size_t>(c)).IsNull(row);
          }
          if (!moved) continue;
          const std::string gdb = db;
          if (!old_null) {
            Result<size_t> at =
                partition(g.columns, g.partitions(), b, types, 0, row);
            if (!at.ok()) {
              st = at.status();
              break;
            }
            // The entry by its key and the row it names (a GLOBAL key that
            // is not unique has one entry per row).
            std::string del = "DELETE FROM " + gdb + QuoteIdent(g.name[*at]);
            bool first = true;
            for (const std::vector<int>* l : {&g.columns, &g.rest})
              for (int c : *l) {
                del += (first ? " WHERE " : " AND ") +
                       QuoteIdent(t.columns[static_cast<size_t>(c)].name) +
                       " = " + lit(static_cast<size_t>(c));
                first = false;
              }
            gone[g.dn[*at]].push_back({del, false, true});
          }
          if (!new_null) {
            Result<size_t> at =
                partition(g.columns, g.partitions(), b, types, n, row);
            if (!at.ok()) {
              st = at.status();
              break;
            }
            std::string ins =
                "INSERT INTO " + gdb + QuoteIdent(g.name[*at]) + " VALUES (";
            bool first = true;
            for (const std::vector<int>* l : {&g.columns, &g.rest})
              for (int c : *l) {
                ins += (first ? "" : ",") + lit(n + static_cast<size_t>(c));
                first = false;
              }
            come[g.dn[*at]].push_back({ins + ")", false, false});
          }
        }
        if (!st.ok()) break;
        if (remove) {
          gone[dn].push_back({"DELETE FROM " + phys + match, true, true});
          continue;
        }
        if (!any) continue;
        size_t to = part;
        if (p.kind == Placement::Kind::kHash && !p.columns.empty()) {
          Result<size_t> at =
              partition(p.columns, p.partitions(), b, types, n, row);
          if (!at.ok()) {
            st = at.status();
            break;
          }
          to = *at;
        }
        if (to == part) {
          std::string upd = "UPDATE " + phys + " SET ";
          bool first = true;
          for (size_t c = 0; c < n; ++c) {
            if (!changed[c]) continue;
            upd += (first ? "" : ",") + QuoteIdent(t.columns[c].name) + "=" +
                   lit(n + c);
            first = false;
          }
          come[dn].push_back({upd + match, true, false});
          continue;
        }
        // Deleted only as it was read; inserted into its new partition.
        gone[dn].push_back({"DELETE FROM " + phys + match, false, true});
        std::string ins =
            "INSERT INTO " + db + QuoteIdent(p.name[to]) + " VALUES (";
        for (size_t c = 0; c < n; ++c) ins += (c ? "," : "") + lit(n + c);
        come[p.dn[to]].push_back({ins + ")", true, false});
      }
    }
    if (!st.ok()) break;
  }
  uint64_t total = 0;
  if (st.ok()) {
    std::vector<std::pair<size_t, std::vector<std::string>>> work;
    std::vector<std::vector<const Step*>> steps;
    for (size_t dn : all) {
      std::vector<const Step*> mine;
      for (auto* m : {&gone, &come}) {
        auto it = m->find(dn);
        if (it == m->end()) continue;
        for (const Step& s : it->second) mine.push_back(&s);
      }
      if (mine.empty()) continue;
      work.push_back({dn, {}});
      for (const Step* s : mine) work.back().second.push_back(s->sql);
      steps.push_back(std::move(mine));
    }
    std::vector<std::vector<StmtResult>> results;
    st = Pipeline(work, &results);
    for (size_t i = 0; st.ok() && i < results.size(); ++i) {
      for (size_t k = 0; k < results[i].size(); ++k) {
        const uint64_t rows = results[i][k].rows_affected.value_or(0);
        if (steps[i][k]->exactly_one && rows != 1) {
          st = Status::SqlError(1213, "40001",
                                "Deadlock found when trying to get lock; try "
                                "restarting transaction (a row or index entry "
                                "changed while the statement rewrote it)");
          break;
        }
        if (steps[i][k]->counted) total += rows;
      }
    }
  }
  if (!st.ok()) return FailStatement(all, st);
  *affected = total;
  return Status::OK();
}

// A table as the engine's row-at-a-time paths see it: inserts are routed
// and buffered (FlushInserts sends them); reads and in-place changes go
// through Remote fragments and Push instead.
class ClusterTable : public exec::TableStore {
 public:
  ClusterTable(ClusterSession* session, const TableSchema* t,
               const Placement* p)
      : session_(session), t_(t), p_(p) {}
  const TableSchema& schema() const override { return *t_; }
  Result<exec::OperatorPtr> Scan(const LogicalNode&, bool) override {
    return Unsupported("row-id scans of a partitioned table");
  }
  Status Insert(const std::vector<int>& columns,
                const std::vector<Value>& values, uint64_t* insert_id,
                std::vector<exec::RowId>* conflicts) override;
  Result<std::vector<Value>> Read(const exec::RowId&) override {
    return Unsupported("row reads by id on a partitioned table");
  }
  Status Update(const std::vector<exec::RowId>&,
                const std::vector<std::vector<Value>>&,
                const std::vector<std::vector<Value>>&) override {
    return Unsupported("row-at-a-time UPDATE on a partitioned table");
  }
  Status Delete(const std::vector<exec::RowId>&,
                const std::vector<std::vector<Value>>&) override {
    return Unsupported("row-at-a-time DELETE on a partitioned table");
  }
  Status Flush();

 private:
  static Status Unsupported(const std::string& what) {
    return Status::SqlError(
        1235, "42000",
        "This version of MySQL doesn't yet support '" + what + "'");
  }
  ClusterSession* session_;
  const TableSchema* t_;
  const Placement* p_;
  std::map<size_t, std::string> tuples_;  // partition -> "(..),(..)"
  // The buffered rows' global index key values (ClusterSession::IndexInserts)
  std::vector<std::vector<std::optional<Value>>> images_;
  size_t bytes_ = 0;
};

Status ClusterTable::Insert(const std::vector<int>& columns,
                            const std::vector<Value>& values,
                            uint64_t* insert_id,
                            std::vector<exec::RowId>* conflicts) {
  // Duplicates are found by the DNs when the rows are flushed (IGNORE and
  // REPLACE act there), so *conflicts stays empty.
  const size_t n = t_->columns.size();
  std::vector<std::optional<Value>> row(n);
  for (size_t i = 0; i < values.size(); ++i)
    row[columns.empty() ? i : static_cast<size_t>(columns[i])] = values[i];
  for (size_t c = 0; c < n; ++c) {
    const auto& col = t_->columns[c];
    if (col.auto_increment) {
      const bool generate =
          !row[c] || row[c]->index() == 0 ||
          (row[c]->index() == 1 && std::get<int64_t>(*row[c]) == 0);
      if (generate) {
        XP_ASSIGN_OR_RETURN(int64_t id,
                            session_->store_->NextAutoIncrement(*t_, 1));
        row[c] = Value(id);
        if (*insert_id == 0) *insert_id = static_cast<uint64_t>(id);
      } else if (row[c]->index() == 1) {
        session_->store_->ObserveAutoIncrement(*t_, std::get<int64_t>(*row[c]));
      }
    }
  }
  size_t part = session_->store_->NextRoundRobin() % p_->partitions();
  if (p_->kind == Placement::Kind::kHash && !p_->columns.empty()) {
    std::vector<Value> key;
    std::vector<DataType> types;
    for (int c : p_->columns) {
      const auto& col = t_->columns[static_cast<size_t>(c)];
      const std::optional<Value>& v = row[static_cast<size_t>(c)];
      Value given = v ? *v : (col.default_value ? *col.default_value : Value());
      XP_ASSIGN_OR_RETURN(Value conv,
                          plan::ConvertValue(given, col.type, col.name));
      key.push_back(std::move(conv));
      types.push_back(col.type);
    }
    part = PartitionOf(key, types, p_->partitions());
  }
  if (!p_->global.empty()) {
    if (session_->insert_verb_ != "INSERT")
      return Status::SqlError(
          1235, "42000",
          "This version of MySQL doesn't yet support 'INSERT IGNORE or "
          "REPLACE on a table with a global index'");
    auto& image = images_.emplace_back(n);
    for (const GlobalIndex& g : p_->global)
      for (const std::vector<int>* list : {&g.columns, &g.rest})
        for (int c : *list) {
          const auto& col = t_->columns[static_cast<size_t>(c)];
          const std::optional<Value>& v = row[static_cast<size_t>(c)];
          if (!v && col.default_now)
            return Status::SqlError(
                1235, "42000",
                "This version of MySQL doesn't yet support 'a global index "
                "key column defaulting to CURRENT_TIMESTAMP'");
          Value given =
              v ? *v : (col.default_value ? *col.default_value : Value());
          XP_ASSIGN_OR_RETURN(Value conv,
                              plan::ConvertValue(given, col.type, col.name));
          image[static_cast<size_t>(c)] = std::move(conv);
        }
  }
  std::string tuple = "(";
  bool first = true;
  for (size_t c = 0; c < n; ++c) {
    tuple += first ? "" : ",";
    first = false;
    tuple += row[c] ? Literal(*row[c]) : "DEFAULT";
  }
  tuple += ")";
  auto add = [&](size_t q) {
    std::string& s = tuples_[q];
    s += (s.empty() ? "" : ",") + tuple;
    bytes_ += tuple.size();
  };
  if (p_->kind == Placement::Kind::kBroadcast) {
    for (size_t q = 0; q < p_->partitions(); ++q) add(q);
  } else {
    add(part);
  }
  if (bytes_ > (1u << 20)) return Flush();
  return Status::OK();
}

Status ClusterTable::Flush() {
  if (tuples_.empty()) return Status::OK();
  std::map<size_t, std::string> sqls;
  for (auto& [part, tuples] : tuples_) {
    sqls[part] = session_->insert_verb_ + " INTO " + QuoteIdent(t_->database) +
                 "." + QuoteIdent(p_->name[part]) + " VALUES " + tuples;
  }
  tuples_.clear();
  bytes_ = 0;
  uint64_t n = 0;
  if (images_.empty()) return session_->Write(*p_, sqls, &n);
  // Index entries first, in the same transaction (see PushInsert).
  std::vector<ClusterSession::DnWrite> writes;
  XP_RETURN_IF_ERROR(session_->IndexInserts(*t_, *p_, images_, &writes));
  images_.clear();
  for (auto& [part, sql] : sqls) writes.push_back({p_->dn[part], sql, true});
  return session_->WriteAll(writes, /*atomic=*/true, &n);
}

Result<exec::TableStore*> ClusterSession::Table(const TableSchema& schema) {
  auto it = tables_.find(&schema);
  if (it != tables_.end()) return it->second.get();
  const Placement* p = store_->PlacementOf(schema);
  if (p == nullptr) return Status::Internal("no placement for " + schema.name);
  auto t = std::make_unique<ClusterTable>(this, &schema, p);
  exec::TableStore* out = t.get();
  tables_.emplace(&schema, std::move(t));
  return out;
}

Status ClusterSession::FlushInserts() {
  for (auto& [schema, t] : tables_)
    XP_RETURN_IF_ERROR(static_cast<ClusterTable*>(t.get())->Flush());
  return Status::OK();
}

// ------------------------------------------------------------------- store

ClusterStore::ClusterStore(ClusterOptions options)
    : options_(std::move(options)), admin_(options_.dns.size()) {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "xcn-%08x-", rd());
  xid_prefix_ = buf;
  quiet_until_ms_ =
      std::make_unique<std::atomic<int64_t>[]>(options_.dns.size());
  for (size_t i = 0; i < options_.dns.size(); ++i) quiet_until_ms_[i] = 0;
}

namespace {
int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

bool ClusterStore::Quiet(size_t dn) const {
  const int64_t until = quiet_until_ms_[dn].load(std::memory_order_relaxed);
  return until != 0 && SteadyMs() < until;
}

void ClusterStore::SetQuiet(size_t dn, bool quiet) const {
  // Quiet for 5 s: long enough that a hung DN costs other transactions
  // nothing, short enough that one that answers again is used again soon.
  quiet_until_ms_[dn].store(quiet ? SteadyMs() + 5000 : 0,
                            std::memory_order_relaxed);
}

ClusterStore::~ClusterStore() {
  if (lease_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(lease_mu_);
      lease_stop_ = true;
    }
    lease_cv_.notify_all();
    lease_thread_.join();
  }
  // A clean stop hands the cluster over at once.
  if (lease_conn_)
    (void)lease_conn_->Execute(
        "DELETE FROM `xp_system`.`cn_lease` WHERE id = 1 AND owner = " +
        QuoteString(lease_owner_));
}

std::string ClusterStore::Key(std::string_view db, std::string_view table) {
  return std::string(db) + "." + std::string(table);
}

Result<std::unique_ptr<Client>> ClusterStore::Connect(
    size_t dn, uint32_t timeout_ms) const {
  ClientOptions o;
  o.host = options_.dns[dn].host;
  o.port = options_.dns[dn].port;
  o.user = options_.user;
  o.password = options_.password;
  o.timeout = std::chrono::milliseconds(
      timeout_ms != 0 ? std::min(timeout_ms, options_.dn_timeout_ms)
                      : options_.dn_timeout_ms);
  ServerError err;
  Result<std::unique_ptr<Client>> c = Client::Connect(o, &err);
  if (!c.ok()) {
    if (err.code != 0)
      return Status::SqlError(err.code, err.sql_state, err.msg);
    if (c.status().IsTimedOut()) SetQuiet(dn, true);
    return Unreachable(dn, options_.dns[dn], c.status());
  }
  SetQuiet(dn, false);  // it answered (authentication is a round trip)
  return c;
}

Result<StmtResult> ClusterStore::Admin(size_t dn, const std::string& sql) {
  std::lock_guard<std::mutex> lock(admin_mu_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!admin_[dn]) {
      XP_ASSIGN_OR_RETURN(admin_[dn], Connect(dn));
    }
    Result<StmtResult> r = admin_[dn]->Execute(sql);
    if (r.ok()) return r;
    const ServerError e = admin_[dn]->last_error();
    if (r.status().code() == Status::Code::kAborted && e.code != 0)
      return FromDn(e.code, e.sql_state, e.msg);
    admin_[dn].reset();  // broken: reconnect once
    if (attempt == 1) return Unreachable(dn, options_.dns[dn], r.status());
  }
  return Status::Internal("unreachable");
}

Result<StmtResult> ClusterStore::AdminChunks(size_t dn,
                                             const std::string& sql) {
  std::lock_guard<std::mutex> lock(admin_mu_);
  if (!admin_[dn]) {
    XP_ASSIGN_OR_RETURN(admin_[dn], Connect(dn));
  }
  Xp::Plan::ExecSql req;
  req.set_stmt(sql);
  req.set_chunk_result(true);
  Result<StmtResult> r = admin_[dn]->ExecuteSql(std::move(req));
  if (r.ok()) return r;
  const ServerError e = admin_[dn]->last_error();
  if (r.status().code() == Status::Code::kAborted && e.code != 0)
    return FromDn(e.code, e.sql_state, e.msg);
  admin_[dn].reset();
  return Unreachable(dn, options_.dns[dn], r.status());
}

std::string ClusterStore::NewXid() {
  return xid_prefix_ + std::to_string(++xid_counter_);
}

void ClusterStore::Unfinished(const std::string& xid,
                              const std::vector<size_t>& dns) {
  std::lock_guard<std::mutex> lock(unfinished_mu_);
  auto& left = unfinished_[xid];
  left.insert(dns.begin(), dns.end());
}

void ClusterStore::FinishUnfinished(size_t dn) {
  std::vector<std::string> xids;
  {
    std::lock_guard<std::mutex> lock(unfinished_mu_);
    for (const auto& [xid, dns] : unfinished_)
      if (dns.count(dn)) xids.push_back(xid);
  }
  for (const std::string& xid : xids) {
    Result<StmtResult> r = Admin(dn, "XA COMMIT '" + xid + "'");
    // 1397 (XAER_NOTA): that branch had committed after all.
    if (!r.ok() && r.status().sql_code() != 1397) continue;
    bool done = false;
    {
      std::lock_guard<std::mutex> lock(unfinished_mu_);
      auto it = unfinished_.find(xid);
      if (it == unfinished_.end()) continue;
      it->second.erase(dn);
      done = it->second.empty();
      if (done) unfinished_.erase(it);
    }
    LOG(INFO) << "xid " << xid << ": prepared branch on data node " << dn
              << " committed after its return";
    if (done) (void)ForgetCommit(xid);
  }
}

Status ClusterStore::ForgetCommit(const std::string& xid) {
  // Finished transactions leave the log in batches (a record left behind
  // by a crash is removed at the next start).
  std::vector<std::string> batch;
  {
    std::lock_guard<std::mutex> lock(forget_mu_);
    forget_.push_back(xid);
    if (forget_.size() < 64) return Status::OK();
    batch.swap(forget_);
  }
  std::string in;
  for (const std::string& x : batch)
    in += (in.empty() ? "" : ",") + QuoteString(x);
  return Admin(0,
               "DELETE FROM `xp_system`.`commit_log` WHERE xid IN (" + in + ")")
      .status();
}

Result<std::unique_ptr<ClusterStore>> ClusterStore::Open(ClusterOptions o) {
  if (o.dns.empty()) return Status::InvalidArgument("no data nodes given");
  std::unique_ptr<ClusterStore> s(new ClusterStore(std::move(o)));
  for (size_t dn = 0; dn < s->dn_count(); ++dn)
    XP_RETURN_IF_ERROR(s->Admin(dn, "SELECT 1").status());
  // The lease first: nothing is written (catalog, recovery of prepared
  // branches) while another CN owns the cluster.
  XP_RETURN_IF_ERROR(
      s->Admin(0, "CREATE DATABASE IF NOT EXISTS `xp_system`").status());
  XP_RETURN_IF_ERROR(
      s->Admin(0,
               "CREATE TABLE IF NOT EXISTS `xp_system`.`cn_lease` (id INT "
               "PRIMARY KEY, owner VARCHAR(200) NOT NULL, expires_ms BIGINT "
               "NOT NULL)")
          .status());
  XP_ASSIGN_OR_RETURN(s->lease_conn_, s->Connect(0));
  {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    std::random_device rd;
    s->lease_owner_ = std::string(host) + ":" + std::to_string(getpid()) + ":" +
                      std::to_string(rd());
  }
  XP_RETURN_IF_ERROR(s->TakeLease());
  s->lease_thread_ = std::thread([p = s.get()] { p->LeaseLoop(); });
  XP_RETURN_IF_ERROR(s->Bootstrap());
  XP_RETURN_IF_ERROR(s->Recover());
  return s;
}

namespace {
// A lease owner ("host:pid:nonce") that was a process on this host which no
// longer exists: its lease is free before it expires (a CN killed and
// started again need not wait). Another host's owner is never "gone".
bool OwnerGone(const std::string& owner) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const size_t a = owner.find(':');
  const size_t b = a == std::string::npos ? a : owner.find(':', a + 1);
  if (b == std::string::npos || owner.compare(0, a, host) != 0) return false;
  const long pid = std::strtol(owner.c_str() + a + 1, nullptr, 10);
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  // A killed process nobody reaped yet is a zombie: it holds nothing.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)),
                   std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() &&
         (text[paren + 2] == 'Z' || text[paren + 2] == 'X');
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Status ClusterStore::TakeLease() {
  Client* c = lease_conn_.get();
  if (c == nullptr) {
    XP_ASSIGN_OR_RETURN(lease_conn_, Connect(0));
    c = lease_conn_.get();
  }
  auto fail = [&](const Status& st) {
    (void)c->Execute("ROLLBACK");
    if (st.code() == Status::Code::kAborted && c->last_error().code != 0)
      return FromDn(c->last_error().code, c->last_error().sql_state,
                    c->last_error().msg);
    lease_conn_.reset();  // reconnect next time
    return st;
  };
  Result<StmtResult> r = c->Execute("BEGIN");
  if (!r.ok()) return fail(r.status());
  r = c->Execute(
      "SELECT owner, expires_ms FROM `xp_system`.`cn_lease` WHERE id = 1 FOR "
      "UPDATE");
  if (!r.ok()) return fail(r.status());
  const int64_t now = WallMs();
  if (!r->sets.empty() && !r->sets[0].rows.empty()) {
    const ResultSet& set = r->sets[0];
    const std::string owner = Text(set, set.rows[0], 0);
    const int64_t expires = std::stoll(Text(set, set.rows[0], 1));
    if (owner != lease_owner_ && expires > now && !OwnerGone(owner)) {
      (void)c->Execute("ROLLBACK");
      return Status::SqlError(
          1105, "HY000",
          "another compute node holds the cluster's catalog lease (owner '" +
              owner + "', " + std::to_string(expires - now) +
              " ms left): only one xcn may run on these data nodes; stop it, "
              "or wait until its lease expires after it died");
    }
  }
  r = c->Execute("REPLACE INTO `xp_system`.`cn_lease` VALUES (1, " +
                 QuoteString(lease_owner_) + ", " +
                 std::to_string(now + options_.lease_ms) + ")");
  if (!r.ok()) return fail(r.status());
  r = c->Execute("COMMIT");
  if (!r.ok()) return fail(r.status());
  return Status::OK();
}

void ClusterStore::LeaseLoop() {
  std::unique_lock<std::mutex> lock(lease_mu_);
  while (!lease_cv_.wait_for(lock,
                             std::chrono::milliseconds(options_.lease_ms / 3),
                             [this] { return lease_stop_; })) {
    lock.unlock();
    Status st = TakeLease();
    lock.lock();
    if (st.ok()) continue;
    if (st.sql_code() == 1105) {
      // Another CN took the cluster over (this one was stalled past its
      // lease): serving on would mean two CNs.
      LOG(ERROR) << "catalog lease lost: " << st.ToString() << "; stopping";
      raise(SIGTERM);
      return;
    }
    LOG(WARNING) << "catalog lease not renewed (retrying): " << st.ToString();
  }
}

Status ClusterStore::Bootstrap() {
  XP_RETURN_IF_ERROR(
      Admin(0, "CREATE DATABASE IF NOT EXISTS `xp_system`").status());
  XP_RETURN_IF_ERROR(
      Admin(0,
            "CREATE TABLE IF NOT EXISTS `xp_system`.`catalog` (seq BIGINT "
            "PRIMARY KEY, op VARCHAR(16) NOT NULL, name VARCHAR(512) NOT "
            "NULL, body TEXT)")
          .status());
  XP_RETURN_IF_ERROR(
      Admin(0,
            "CREATE TABLE IF NOT EXISTS `xp_system`.`commit_log` "
            "(xid VARCHAR(128) PRIMARY KEY)")
          .status());
  XP_ASSIGN_OR_RETURN(
      StmtResult log,
      Admin(0,
            "SELECT seq, op, name, body FROM `xp_system`.`catalog` ORDER "
            "BY seq"));
  size_t entries = 0;
  // Catalogs from before physical names came from table ids name a table's
  // physical tables after the table (`t_p0`); tables logged before the
  // "format" entry keep those names (id 0), tables after it get ids.
  bool named_by_id = false;
  if (!log.sets.empty()) {
    const ResultSet& set = log.sets[0];
    for (const auto& row : set.rows) {
      log_seq_ = std::stoll(Text(set, row, 0));
      const std::string op = Text(set, row, 1);
      const std::string name = Text(set, row, 2);
      const std::string body = Text(set, row, 3);
      const size_t dot = name.find('.');
      ++entries;
      if (op == "db") {
        XP_RETURN_IF_ERROR(catalog_.CreateDatabase(name, true));
      } else if (op == "dropdb") {
        for (const std::string& t : catalog_.Tables(name))
          placements_.erase(Key(name, t));
        for (auto it = views().begin(); it != views().end();)
          it = it->first.rfind(name + ".", 0) == 0 ? views().erase(it)
                                                   : std::next(it);
        XP_RETURN_IF_ERROR(catalog_.DropDatabase(name, true));
      } else if (op == "table") {
        XP_ASSIGN_OR_RETURN(sql::StmtPtr st, sql::Parse(body));
        if (st->kind != sql::StmtKind::kCreateTable)
          return Status::Corruption("catalog entry " +
                                    std::to_string(log_seq_) +
                                    " is not CREATE TABLE");
        XP_ASSIGN_OR_RETURN(
            TableSchema schema,
            plan::BuildTableSchema(
                static_cast<const sql::CreateTableStatement&>(*st),
                name.substr(0, dot)));
        // A later entry for the same table (ALTER) keeps its id.
        auto known = placements_.find(name);
        const uint64_t id = known != placements_.end() ? known->second.id
                            : named_by_id ? static_cast<uint64_t>(log_seq_)
                                          : 0;
        (void)catalog_.DropTable(schema.database, schema.name, true);
        XP_RETURN_IF_ERROR(ApplyCreateTable(std::move(schema), id));
        Placement& p = placements_[name];
        p.implicit = body.find(kImplicitMarker) != std::string::npos;
        p.global = GlobalMarkers(body);
        XP_ASSIGN_OR_RETURN(
            const TableSchema* t,
            catalog_.FindTable(name.substr(0, dot), name.substr(dot + 1)));
        for (GlobalIndex& g : p.global)
          XP_RETURN_IF_ERROR(ResolveGlobal(*t, p, &g));
        NameGlobal(*t, p);
      } else if (op == "view") {
        XP_ASSIGN_OR_RETURN(sql::StmtPtr st, sql::Parse(body));
        if (st->kind != sql::StmtKind::kCreateView)
          return Status::Corruption("catalog entry " +
                                    std::to_string(log_seq_) +
                                    " is not CREATE VIEW");
        views()[name] = std::shared_ptr<const sql::CreateViewStatement>(
            static_cast<sql::CreateViewStatement*>(st.release()));
      } else if (op == "dropview") {
        views().erase(name);
      } else if (op == "format") {
        named_by_id = true;
      } else if (op == "droptable") {
        placements_.erase(name);
        (void)catalog_.DropTable(name.substr(0, dot), name.substr(dot + 1),
                                 true);
      } else {
        return Status::Corruption("catalog entry " + std::to_string(log_seq_) +
                                  ": unknown op '" + op + "'");
      }
    }
  }
  if (!named_by_id)
    XP_RETURN_IF_ERROR(AppendLog("format", "physical_names", "table_id"));
  LOG(INFO) << "catalog: " << entries << " entries replayed, version "
            << log_seq_ << ", " << catalog_.Databases().size() << " databases";
  return Status::OK();
}

Status ClusterStore::Recover() {
  std::set<std::string> decided;
  XP_ASSIGN_OR_RETURN(StmtResult log,
                      Admin(0, "SELECT xid FROM `xp_system`.`commit_log`"));
  if (!log.sets.empty())
    for (const auto& row : log.sets[0].rows)
      decided.insert(Text(log.sets[0], row, 0));
  size_t committed = 0, rolled_back = 0;
  for (size_t dn = 0; dn < dn_count(); ++dn) {
    XP_ASSIGN_OR_RETURN(StmtResult r, Admin(dn, "XA RECOVER"));
    if (r.sets.empty()) continue;
    for (const auto& row : r.sets[0].rows) {
      const std::string xid = Text(r.sets[0], row, 3);
      if (xid.rfind("xcn-", 0) != 0) continue;
      const bool commit = decided.count(xid) > 0;
      XP_RETURN_IF_ERROR(
          Admin(dn, std::string(commit ? "XA COMMIT '" : "XA ROLLBACK '") +
                        xid + "'")
              .status());
      ++(commit ? committed : rolled_back);
    }
  }
  for (const std::string& xid : decided) XP_RETURN_IF_ERROR(ForgetCommit(xid));
  LOG(INFO) << "recovery: " << committed << " prepared branches committed, "
            << rolled_back << " rolled back";
  return Status::OK();
}

Status ClusterStore::AppendLog(const std::string& op, const std::string& name,
                               const std::string& body) {
  const int64_t seq = log_seq_ + 1;
  XP_RETURN_IF_ERROR(
      Admin(0,
            "INSERT INTO `xp_system`.`catalog` (seq, op, name, body) "
            "VALUES (" +
                std::to_string(seq) + ", " + QuoteString(op) + ", " +
                QuoteString(name) + ", " + QuoteString(body) + ")")
          .status());
  log_seq_ = seq;
  return Status::OK();
}

std::string GlobalIndexName(uint64_t table_id, uint32_t number, int partition) {
  return PhysicalName(table_id, -1) + "_g" + std::to_string(number) + "_p" +
         std::to_string(partition);
}

const GlobalIndex* Placement::Global(std::string_view index) const {
  for (const GlobalIndex& g : global)
    if (plan::NameEquals(g.index, index)) return &g;
  return nullptr;
}

std::string PhysicalName(uint64_t table_id, int partition) {
  DCHECK_NE(table_id, 0u);
  std::string out(kPhysicalPrefix);
  out += std::to_string(table_id);
  if (partition >= 0) out += "_p" + std::to_string(partition);
  return out;
}

Status ClusterStore::FromDn(uint32_t code, const std::string& sql_state,
                            const std::string& msg) const {
  std::string out;
  size_t at = 0;
  for (;;) {
    const size_t hit = msg.find(kPhysicalPrefix, at);
    if (hit == std::string::npos) break;
    size_t end = hit + kPhysicalPrefix.size();
    uint64_t id = 0;
    const size_t digits = end;
    while (end < msg.size() &&
           std::isdigit(static_cast<unsigned char>(msg[end])))
      id = id * 10 + static_cast<uint64_t>(msg[end++] - '0');
    std::string logical;
    if (end > digits) {
      std::lock_guard<std::mutex> lock(names_mu_);
      auto it = logical_names_.find(id);
      if (it != logical_names_.end()) logical = it->second;
    }
    if (logical.empty()) {  // not one of ours: left as it is
      out.append(msg, at, end - at);
      at = end;
      continue;
    }
    if (end + 2 < msg.size() && msg.compare(end, 2, "_g") == 0 &&
        std::isdigit(static_cast<unsigned char>(msg[end + 2]))) {
      // A global index's table: its key is the index ('t.email').
      size_t e = end + 2;
      uint32_t number = 0;
      while (e < msg.size() && std::isdigit(static_cast<unsigned char>(msg[e])))
        number = number * 10 + static_cast<uint32_t>(msg[e++] - '0');
      std::string index;
      {
        std::lock_guard<std::mutex> lock(names_mu_);
        auto it = global_names_.find({id, number});
        if (it != global_names_.end()) index = it->second;
      }
      if (!index.empty()) {
        if (e + 2 < msg.size() && msg.compare(e, 2, "_p") == 0) {
          e += 2;
          while (e < msg.size() &&
                 std::isdigit(static_cast<unsigned char>(msg[e])))
            ++e;
        }
        constexpr std::string_view kPrimary = ".PRIMARY";
        if (msg.compare(e, kPrimary.size(), kPrimary) == 0)
          e += kPrimary.size();
        out.append(msg, at, hit - at);
        out += index;
        at = e;
        continue;
      }
    }
    if (end + 2 < msg.size() && msg.compare(end, 2, "_p") == 0 &&
        std::isdigit(static_cast<unsigned char>(msg[end + 2]))) {
      end += 2;
      while (end < msg.size() &&
             std::isdigit(static_cast<unsigned char>(msg[end])))
        ++end;
    }
    out.append(msg, at, hit - at);
    out += logical;
    at = end;
  }
  out.append(msg, at, std::string::npos);
  return Status::SqlError(code, sql_state, out);
}

Status ClusterStore::ApplyCreateTable(TableSchema schema, uint64_t id) {
  using Kind = sql::PartitionSpec::Kind;
  Placement p;
  const std::string name = schema.name;
  auto& spec = schema.partition;
  p.id = id;
  if (spec.kind == Kind::kBroadcast) {
    p.kind = Placement::Kind::kBroadcast;
    for (size_t dn = 0; dn < dn_count(); ++dn) {
      p.name.push_back(id != 0 ? PhysicalName(id, -1) : name);
      p.dn.push_back(dn);
    }
  } else if (spec.kind == Kind::kSingle) {
    p.kind = Placement::Kind::kSingle;
    p.name.push_back(id != 0 ? PhysicalName(id, -1) : name);
    p.dn.push_back(0);
  } else {
    p.kind = Placement::Kind::kHash;
    if (spec.columns.empty()) {
      if (!schema.indexes.empty() && schema.indexes[0].primary &&
          !schema.hidden_primary_key) {
        for (int c : schema.indexes[0].columns)
          spec.columns.push_back(schema.columns[static_cast<size_t>(c)].name);
      }
      // No primary key: rows are spread round-robin (no key to prune on,
      // and no UPDATE ever moves a row).
    }
    for (const std::string& c : spec.columns) {
      const int at = schema.FindColumn(c);
      if (at < 0)
        return Status::SqlError(
            1054, "42S22",
            "Unknown column '" + c + "' in 'partition function'");
      p.columns.push_back(at);
    }
    p.implicit = spec.kind == Kind::kNone;
    if (spec.kind == Kind::kNone) spec.kind = Kind::kHash;
    if (spec.partitions <= 0)
      spec.partitions = static_cast<int64_t>(dn_count());
    if (spec.partitions > 1024)
      return Status::SqlError(1499, "HY000",
                              "Too many partitions (including subpartitions) "
                              "were defined");
    for (int64_t i = 0; i < spec.partitions; ++i) {
      p.name.push_back(id != 0 ? PhysicalName(id, static_cast<int>(i))
                               : name + "_p" + std::to_string(i));
      p.dn.push_back(static_cast<size_t>(i) % dn_count());
    }
  }
  const std::string key = Key(schema.database, schema.name);
  XP_RETURN_IF_ERROR(catalog_.CreateTable(std::move(schema), false));
  placements_[key] = std::move(p);
  if (id != 0) {
    std::lock_guard<std::mutex> lock(names_mu_);
    logical_names_[id] = name;
  }
  return Status::OK();
}

const Placement* ClusterStore::PlacementOf(const TableSchema& t) const {
  auto it = placements_.find(Key(t.database, t.name));
  return it == placements_.end() ? nullptr : &it->second;
}

Status ClusterStore::CreateDatabase(std::string_view name, bool if_not_exists) {
  if (catalog_.HasDatabase(name)) {
    if (if_not_exists) return Status::OK();
    return Status::SqlError(
        1007, "HY000",
        "Can't create database '" + std::string(name) + "'; database exists");
  }
  if (name == kSystemDb)
    return Status::SqlError(1044, "42000",
                            "Access denied to database 'xp_system'");
  for (size_t dn = 0; dn < dn_count(); ++dn)
    XP_RETURN_IF_ERROR(
        Admin(dn, "CREATE DATABASE IF NOT EXISTS " + QuoteIdent(name))
            .status());
  XP_RETURN_IF_ERROR(AppendLog("db", std::string(name), ""));
  return catalog_.CreateDatabase(name, false);
}

Status ClusterStore::DropDatabase(std::string_view name, bool if_exists) {
  if (!catalog_.HasDatabase(name)) {
    if (if_exists) return Status::OK();
    return Status::SqlError(1008, "HY000",
                            "Can't drop database '" + std::string(name) +
                                "'; database doesn't exist");
  }
  // Logged first: a failure below leaves physical tables the catalog no
  // longer names (garbage), never catalog tables without their data.
  XP_RETURN_IF_ERROR(AppendLog("dropdb", std::string(name), ""));
  for (const std::string& t : catalog_.Tables(name)) {
    placements_.erase(Key(name, t));
    std::lock_guard<std::mutex> lock(auto_mu_);
    auto_next_.erase(Key(name, t));
  }
  XP_RETURN_IF_ERROR(catalog_.DropDatabase(name, false));
  Status first;
  for (size_t dn = 0; dn < dn_count(); ++dn) {
    Status st =
        Admin(dn, "DROP DATABASE IF EXISTS " + QuoteIdent(name)).status();
    if (first.ok() && !st.ok()) first = st;
  }
  return first;
}

namespace {

// A unique key (the primary key too) holds over the whole table only if
// each partition's DN can check it alone: its columns include every
// partition column. With no partition columns (rows spread round-robin) no
// key is covered.
bool CoversPartitionKey(const IndexSchema& idx, const std::vector<int>& cols) {
  if (cols.empty()) return false;
  for (int c : cols)
    if (std::find(idx.columns.begin(), idx.columns.end(), c) ==
        idx.columns.end())
      return false;
  return true;
}

Status UniqueNotCovered(const TableSchema& t, const IndexSchema& idx) {
  return Status::SqlError(
      1503, "HY000",
      std::string("A ") + (idx.primary ? "PRIMARY KEY" : "UNIQUE INDEX") +
          " must include all columns in the table's partitioning function "
          "(prefixed columns are not considered): `" +
          t.name + "`.`" + idx.name +
          "` could only be checked within each partition. Give the table a "
          "PARTITION BY over the key's columns, or create it with the key "
          "and no PARTITION clause (it is then placed SINGLE)");
}

}  // namespace

// Which unique keys can hold over the whole table decides the placement of
// a table without a PARTITION clause: hash-partitioned by its primary key
// unless another unique key does not include the primary key's columns —
// then SINGLE (one DN checks every key). An explicit hash / key
// partitioning that some unique key does not cover is refused (1503), as
// MySQL refuses it. (Global index tables, which would keep such tables
// partitioned, are not built yet.)
Status ClusterStore::PlaceForUniqueKeys(TableSchema* schema) const {
  using Kind = sql::PartitionSpec::Kind;
  auto& spec = schema->partition;
  if (spec.kind != Kind::kNone && spec.kind != Kind::kHash &&
      spec.kind != Kind::kKey)
    return Status::OK();
  const int64_t parts =
      spec.partitions > 0 ? spec.partitions : static_cast<int64_t>(dn_count());
  if (parts <= 1) return Status::OK();
  std::vector<int> cols;
  if (spec.columns.empty()) {
    if (!schema->indexes.empty() && schema->indexes[0].primary &&
        !schema->hidden_primary_key)
      cols = schema->indexes[0].columns;
  } else {
    for (const std::string& c : spec.columns) {
      const int at = schema->FindColumn(c);
      if (at >= 0) cols.push_back(at);  // else 1054 from ApplyCreateTable
    }
  }
  // With a primary key that covers the partitioning, every other unique
  // key gets a global index (NeededGlobal).
  const bool global = !schema->hidden_primary_key && !schema->indexes.empty() &&
                      schema->indexes[0].primary &&
                      CoversPartitionKey(schema->indexes[0], cols);
  for (const IndexSchema& idx : schema->indexes) {
    if (!idx.unique && !idx.primary) continue;
    if (idx.primary && schema->hidden_primary_key) continue;  // row ids
    if (CoversPartitionKey(idx, cols) || global) continue;
    if (spec.kind != Kind::kNone) return UniqueNotCovered(*schema, idx);
    spec.kind = Kind::kSingle;
    spec.columns.clear();
    spec.partitions = 0;
    return Status::OK();
  }
  return Status::OK();
}

std::vector<GlobalIndex> ClusterStore::NeededGlobal(const TableSchema& t,
                                                    const Placement& p) const {
  std::vector<GlobalIndex> out;
  if (p.kind != Placement::Kind::kHash || p.partitions() <= 1 ||
      p.columns.empty() || t.hidden_primary_key || p.id == 0)
    return out;
  uint32_t number = 0;
  for (const GlobalIndex& g : p.global) number = std::max(number, g.number);
  for (const IndexSchema& idx : t.indexes) {
    if (idx.primary || p.Global(idx.name) != nullptr) continue;
    if (!idx.global && (!idx.unique || CoversPartitionKey(idx, p.columns)))
      continue;
    GlobalIndex g;
    g.number = ++number;
    g.index = idx.name;
    if (ResolveGlobal(t, p, &g).ok()) out.push_back(std::move(g));
  }
  return out;
}

Status ClusterStore::ResolveGlobal(const TableSchema& t, const Placement& p,
                                   GlobalIndex* g) const {
  const IndexSchema* idx = nullptr;
  for (const IndexSchema& i : t.indexes)
    if (plan::NameEquals(i.name, g->index)) idx = &i;
  if (idx == nullptr || t.indexes.empty() || !t.indexes[0].primary)
    return Status::Corruption("global index " + g->index + " of " + t.name +
                              " has no unique key or primary key");
  g->columns = idx->columns;
  g->unique = idx->unique;
  g->rest.clear();
  for (int c : t.indexes[0].columns)
    if (std::find(g->columns.begin(), g->columns.end(), c) == g->columns.end())
      g->rest.push_back(c);
  g->name.clear();
  g->dn.clear();
  for (size_t i = 0; i < p.partitions(); ++i) {
    g->name.push_back(GlobalIndexName(p.id, g->number, static_cast<int>(i)));
    g->dn.push_back(i % dn_count());
  }
  return Status::OK();
}

void ClusterStore::NameGlobal(const TableSchema& t, const Placement& p) {
  std::lock_guard<std::mutex> lock(names_mu_);
  for (const GlobalIndex& g : p.global)
    global_names_[{p.id, g.number}] = t.name + "." + g.index;
}

Status ClusterStore::CreateGlobal(const TableSchema& t, const GlobalIndex& g) {
  // The entry table: the key's and the rest of the primary key's columns
  // (NOT NULL, no defaults), keyed by the index key.
  TableSchema e;
  e.database = t.database;
  for (const std::vector<int>* cols : {&g.columns, &g.rest}) {
    for (int c : *cols) {
      plan::ColumnSchema col = t.columns[static_cast<size_t>(c)];
      col.nullable = false;
      col.auto_increment = false;
      col.default_value.reset();
      col.default_now = false;
      e.columns.push_back(std::move(col));
    }
  }
  IndexSchema key;
  key.name = "PRIMARY";
  key.primary = key.unique = true;
  const size_t keyed = g.unique ? g.columns.size() : e.columns.size();
  for (size_t i = 0; i < keyed; ++i) key.columns.push_back(static_cast<int>(i));
  e.indexes.push_back(std::move(key));
  const std::string db = QuoteIdent(t.database) + ".";
  Status st;
  size_t made = 0;
  for (; made < g.partitions() && st.ok(); ++made) {
    st = Admin(g.dn[made],
               "DROP TABLE IF EXISTS " + db + QuoteIdent(g.name[made]))
             .status();
    if (st.ok())
      st = Admin(g.dn[made],
                 "CREATE TABLE " + db +
                     exec::CreateTableText(e, g.name[made], false).substr(13))
               .status();
  }
  if (!st.ok()) DropGlobal(t.database, g);
  return st;
}

void ClusterStore::DropGlobal(const std::string& database,
                              const GlobalIndex& g) {
  for (size_t i = 0; i < g.partitions(); ++i)
    (void)Admin(g.dn[i], "DROP TABLE IF EXISTS " + QuoteIdent(database) + "." +
                             QuoteIdent(g.name[i]));
}

Status ClusterStore::Backfill(const TableSchema& t, const Placement& p,
                              const GlobalIndex& g) {
  // Every partition's entries (rows whose key has no NULL), sent to the
  // index's partitions in batches; a key twice is the DN's 1062.
  std::string list, not_null;
  std::vector<DataType> key_types;
  for (const std::vector<int>* cols : {&g.columns, &g.rest})
    for (int c : *cols)
      list += (list.empty() ? "" : ",") +
              QuoteIdent(t.columns[static_cast<size_t>(c)].name);
  for (int c : g.columns) {
    not_null += (not_null.empty() ? "" : " AND ") +
                QuoteIdent(t.columns[static_cast<size_t>(c)].name) +
                " IS NOT NULL";
    key_types.push_back(t.columns[static_cast<size_t>(c)].type);
  }
  const std::string db = QuoteIdent(t.database) + ".";
  std::vector<std::string> tuples(g.partitions());
  auto flush = [&](size_t part) -> Status {
    if (tuples[part].empty()) return Status::OK();
    Status st =
        Admin(g.dn[part], "INSERT INTO " + db + QuoteIdent(g.name[part]) +
                              " VALUES " + tuples[part])
            .status();
    tuples[part].clear();
    return st;
  };
  for (size_t i = 0; i < p.partitions(); ++i) {
    XP_ASSIGN_OR_RETURN(
        StmtResult r,
        AdminChunks(p.dn[i], "SELECT " + list + " FROM " + db +
                                 QuoteIdent(p.name[i]) + " WHERE " + not_null));
    if (r.sets.empty()) continue;
    const ResultSet& set = r.sets[0];
    std::vector<DataType> types;
    for (const auto& m : set.columns) types.push_back(exec::ColumnType(m));
    std::vector<exec::Batch> batches;
    XP_RETURN_IF_ERROR(exec::DecodeChunks(set.chunks, types.size(), &batches));
    for (const exec::Batch& b : batches) {
      for (size_t row = 0; row < b.num_rows(); ++row) {
        std::vector<Value> key;
        for (size_t k = 0; k < g.columns.size(); ++k) {
          XP_ASSIGN_OR_RETURN(
              Value v,
              plan::ConvertValue(exec::ValueAt(b.column(k), types[k], row),
                                 key_types[k], ""));
          key.push_back(std::move(v));
        }
        const size_t to = PartitionOf(key, key_types, g.partitions());
        std::string& s = tuples[to];
        s += s.empty() ? "(" : ",(";
        for (size_t col = 0; col < types.size(); ++col)
          s += (col ? "," : "") + LiteralAt(b.column(col), types[col], row);
        s += ")";
        if (s.size() > (1u << 20)) XP_RETURN_IF_ERROR(flush(to));
      }
    }
  }
  for (size_t part = 0; part < g.partitions(); ++part)
    XP_RETURN_IF_ERROR(flush(part));
  return Status::OK();
}

Status ClusterStore::CreateTable(TableSchema schema, bool if_not_exists) {
  if (!catalog_.HasDatabase(schema.database))
    return Status::SqlError(1049, "42000",
                            "Unknown database '" + schema.database + "'");
  if (catalog_.FindTable(schema.database, schema.name).ok()) {
    if (if_not_exists) return Status::OK();
    return Status::SqlError(1050, "42S01",
                            "Table '" + schema.name + "' already exists");
  }
  if (IsReservedName(schema.name))
    return Status::SqlError(1103, "42000",
                            "Incorrect table name '" + schema.name + "'");
  XP_RETURN_IF_ERROR(PlaceForUniqueKeys(&schema));
  // The id is the sequence number its catalog entry is about to get.
  XP_RETURN_IF_ERROR(
      ApplyCreateTable(schema, static_cast<uint64_t>(log_seq_ + 1)));
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(schema.database, schema.name));
  Placement& placed = placements_[Key(schema.database, schema.name)];
  placed.global = NeededGlobal(*t, placed);
  const Placement p = placed;
  // Physical tables, undone on failure.
  Status st;
  size_t globals = 0;
  for (; globals < p.global.size() && st.ok(); ++globals)
    st = CreateGlobal(*t, p.global[globals]);
  size_t made = 0;
  for (; made < p.partitions() && st.ok(); ++made) {
    // A physical table of that name is garbage the catalog does not know
    // (a DDL that timed out on its DN, a DROP that did not reach it): it
    // goes first, so no old rows come back.
    const std::string phys =
        QuoteIdent(t->database) + "." + QuoteIdent(p.name[made]);
    st = Admin(p.dn[made], "DROP TABLE IF EXISTS " + phys).status();
    if (st.ok())
      st = Admin(p.dn[made],
                 "CREATE TABLE " + QuoteIdent(t->database) + "." +
                     exec::CreateTableText(*t, p.name[made], false).substr(13))
               .status();
    if (!st.ok()) break;
  }
  if (st.ok())
    st = AppendLog("table", Key(t->database, t->name), TableEntry(*t, p));
  if (!st.ok()) {
    for (size_t i = 0; i < made; ++i)
      (void)Admin(p.dn[i], "DROP TABLE IF EXISTS " + QuoteIdent(t->database) +
                               "." + QuoteIdent(p.name[i]));
    for (size_t i = 0; i < globals; ++i) DropGlobal(t->database, p.global[i]);
    placements_.erase(Key(schema.database, schema.name));
    (void)catalog_.DropTable(schema.database, schema.name, true);
    return st;
  }
  NameGlobal(*t, p);
  return Status::OK();
}

Status ClusterStore::DropTable(std::string_view database,
                               std::string_view table) {
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(database, table));
  const std::string key = Key(t->database, t->name);
  const Placement p = placements_[key];
  XP_RETURN_IF_ERROR(AppendLog("droptable", key, ""));
  placements_.erase(key);
  {
    // A table created again under this name counts from 1.
    std::lock_guard<std::mutex> lock(auto_mu_);
    auto_next_.erase(key);
  }
  const std::string db(database);
  XP_RETURN_IF_ERROR(catalog_.DropTable(database, table, false));
  Status first;
  for (size_t i = 0; i < p.partitions(); ++i) {
    Status st = Admin(p.dn[i], "DROP TABLE IF EXISTS " + QuoteIdent(db) + "." +
                                   QuoteIdent(p.name[i]))
                    .status();
    if (first.ok() && !st.ok()) first = st;
  }
  for (const GlobalIndex& g : p.global) DropGlobal(db, g);
  return first;
}

Status ClusterStore::TruncateTable(std::string_view database,
                                   std::string_view table) {
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(database, table));
  const Placement* p = PlacementOf(*t);
  for (size_t i = 0; i < p->partitions(); ++i)
    XP_RETURN_IF_ERROR(Admin(p->dn[i], "TRUNCATE TABLE " +
                                           QuoteIdent(t->database) + "." +
                                           QuoteIdent(p->name[i]))
                           .status());
  for (const GlobalIndex& g : p->global)
    for (size_t i = 0; i < g.partitions(); ++i)
      XP_RETURN_IF_ERROR(Admin(g.dn[i], "TRUNCATE TABLE " +
                                            QuoteIdent(t->database) + "." +
                                            QuoteIdent(g.name[i]))
                             .status());
  std::lock_guard<std::mutex> lock(auto_mu_);
  auto_next_.erase(Key(t->database, t->name));
  return Status::OK();
}

Status ClusterStore::AlterTable(TableSchema schema,
                                std::vector<int> column_source) {
  XP_ASSIGN_OR_RETURN(TableSchema * old,
                      catalog_.MutableTable(schema.database, schema.name));
  bool same_columns = schema.columns.size() == old->columns.size();
  for (size_t i = 0; same_columns && i < column_source.size(); ++i)
    same_columns = column_source[i] == static_cast<int>(i);
  if (!same_columns)
    return Status::SqlError(1235, "42000",
                            "This version of MySQL doesn't yet support "
                            "'ALTER TABLE ... ADD/DROP COLUMN through a "
                            "compute node'");
  Placement p = *PlacementOf(*old);
  auto has = [](const TableSchema& t, uint32_t id) {
    for (const auto& i : t.indexes)
      if (i.id == id) return true;
    return false;
  };
  // Unique keys added that need a global index: made and filled first, so
  // a duplicate key (1062) changes nothing.
  std::vector<GlobalIndex> added = NeededGlobal(schema, p);
  for (size_t i = 0; i < added.size(); ++i) {
    {
      // A duplicate's 1062 names the index ('t.key').
      std::lock_guard<std::mutex> lock(names_mu_);
      global_names_[{p.id, added[i].number}] =
          schema.name + "." + added[i].index;
    }
    Status st = CreateGlobal(schema, added[i]);
    if (st.ok()) st = Backfill(schema, p, added[i]);
    if (!st.ok()) {
      for (size_t k = 0; k <= i; ++k) DropGlobal(schema.database, added[k]);
      return st;
    }
  }
  std::vector<GlobalIndex> dropped;
  for (auto it = p.global.begin(); it != p.global.end();) {
    bool kept = false;
    for (const auto& idx : schema.indexes)
      kept = kept || (plan::NameEquals(idx.name, it->index) &&
                      (idx.unique || idx.global));
    if (kept) {
      XP_RETURN_IF_ERROR(ResolveGlobal(schema, p, &*it));
      ++it;
    } else {
      dropped.push_back(std::move(*it));
      it = p.global.erase(it);
    }
  }
  for (GlobalIndex& g : added) p.global.push_back(std::move(g));
  std::vector<std::string> steps;  // per partition, %T = physical name
  for (const auto& idx : schema.indexes) {
    if (has(*old, idx.id)) continue;
    if ((idx.unique || idx.primary) && p.kind == Placement::Kind::kHash &&
        p.partitions() > 1 && !CoversPartitionKey(idx, p.columns) &&
        p.Global(idx.name) == nullptr) {
      XP_ASSIGN_OR_RETURN(bool empty, Empty(schema, p));
      if (!p.implicit || p.id == 0 || !empty)
        return UniqueNotCovered(schema, idx);
      return PlaceSingle(std::move(schema), p, old);
    }
    std::string cols;
    for (size_t k = 0; k < idx.columns.size(); ++k)
      cols +=
          (k ? "," : "") +
          QuoteIdent(schema.columns[static_cast<size_t>(idx.columns[k])].name) +
          (k < idx.desc.size() && idx.desc[k] ? " DESC" : "");
    steps.push_back(
        std::string(idx.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
        QuoteIdent(idx.name) + " ON %T (" + cols + ")");
  }
  for (const auto& idx : old->indexes)
    if (!has(schema, idx.id))
      steps.push_back("DROP INDEX " + QuoteIdent(idx.name) + " ON %T");
  auto undo_added = [&] {
    for (const GlobalIndex& g : p.global)
      if (PlacementOf(*old)->Global(g.index) == nullptr)
        DropGlobal(schema.database, g);
  };
  for (const std::string& step : steps) {
    for (size_t i = 0; i < p.partitions(); ++i) {
      std::string sql = step;
      const size_t at = sql.find("%T");
      sql.replace(at, 2,
                  QuoteIdent(schema.database) + "." + QuoteIdent(p.name[i]));
      Status st = Admin(p.dn[i], sql).status();
      if (!st.ok()) {
        undo_added();
        return st;
      }
    }
  }
  Status st = AppendLog("table", Key(schema.database, schema.name),
                        TableEntry(schema, p));
  if (!st.ok()) {
    undo_added();
    return st;
  }
  // Logged: the dropped indexes' tables are garbage now.
  for (const GlobalIndex& g : dropped) DropGlobal(schema.database, g);
  *old = std::move(schema);
  placements_[Key(old->database, old->name)] = p;
  NameGlobal(*old, p);
  return Status::OK();
}

Result<bool> ClusterStore::Empty(const TableSchema& t, const Placement& p) {
  for (size_t i = 0; i < p.partitions(); ++i) {
    XP_ASSIGN_OR_RETURN(
        StmtResult r,
        Admin(p.dn[i], "SELECT 1 FROM " + QuoteIdent(t.database) + "." +
                           QuoteIdent(p.name[i]) + " LIMIT 1"));
    if (!r.sets.empty() && !r.sets[0].rows.empty()) return false;
  }
  return true;
}

Status ClusterStore::PlaceSingle(TableSchema schema, const Placement& from,
                                 TableSchema* old) {
  using Kind = sql::PartitionSpec::Kind;
  schema.partition.kind = Kind::kSingle;
  schema.partition.columns.clear();
  schema.partition.partitions = 0;
  Placement p;
  p.kind = Placement::Kind::kSingle;
  p.id = from.id;
  p.name.push_back(PhysicalName(from.id, -1));
  p.dn.push_back(0);
  const std::string db = QuoteIdent(schema.database) + ".";
  const std::string phys = db + QuoteIdent(p.name[0]);
  XP_RETURN_IF_ERROR(Admin(0, "DROP TABLE IF EXISTS " + phys).status());
  XP_RETURN_IF_ERROR(
      Admin(0, "CREATE TABLE " + db +
                   exec::CreateTableText(schema, p.name[0], false).substr(13))
          .status());
  // Logged before the partitions go: a failure after leaves garbage
  // partitions the catalog no longer names, never a table without data.
  Status st = AppendLog("table", Key(schema.database, schema.name),
                        TableEntry(schema, p));
  if (!st.ok()) {
    (void)Admin(0, "DROP TABLE IF EXISTS " + phys);
    return st;
  }
  for (size_t i = 0; i < from.partitions(); ++i)
    (void)Admin(from.dn[i],
                "DROP TABLE IF EXISTS " + db + QuoteIdent(from.name[i]));
  LOG(INFO) << "table " << schema.database << "." << schema.name
            << " placed SINGLE: a unique key it gained does not include its "
               "partition key";
  placements_[Key(schema.database, schema.name)] = std::move(p);
  *old = std::move(schema);
  return Status::OK();
}

Result<int64_t> ClusterStore::NextAutoIncrement(const TableSchema& t,
                                                size_t count) {
  const std::string key = Key(t.database, t.name);
  std::lock_guard<std::mutex> lock(auto_mu_);
  auto it = auto_next_.find(key);
  if (it == auto_next_.end()) {
    // First use since start: continue after the largest stored value.
    int col = -1;
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].auto_increment) col = static_cast<int>(i);
    int64_t max = 0;
    const Placement* p = PlacementOf(t);
    for (size_t i = 0; p != nullptr && i < p->partitions(); ++i) {
      XP_ASSIGN_OR_RETURN(
          StmtResult r,
          Admin(p->dn[i],
                "SELECT MAX(" +
                    QuoteIdent(t.columns[static_cast<size_t>(col)].name) +
                    ") FROM " + QuoteIdent(t.database) + "." +
                    QuoteIdent(p->name[i])));
      if (!r.sets.empty() && !r.sets[0].rows.empty() &&
          !r.sets[0].rows[0][0].empty()) {
        const std::string v = Text(r.sets[0], r.sets[0].rows[0], 0);
        max = std::max<int64_t>(max, std::stoll(v));
      }
    }
    it = auto_next_.emplace(key, max + 1).first;
  }
  const int64_t first = it->second;
  it->second += static_cast<int64_t>(count);
  return first;
}

void ClusterStore::ObserveAutoIncrement(const TableSchema& t, int64_t value) {
  std::lock_guard<std::mutex> lock(auto_mu_);
  auto it = auto_next_.find(Key(t.database, t.name));
  if (it != auto_next_.end() && value >= it->second) it->second = value + 1;
}

Status ClusterStore::SaveView(const std::string& key,
                              const sql::CreateViewStatement* view) {
  if (view == nullptr) return AppendLog("dropview", key, "");
  return AppendLog("view", key, sql::ToSql(*view));
}

std::unique_ptr<exec::StoreSession> ClusterStore::NewSession() {
  return std::make_unique<ClusterSession>(this);
}

}  // namespace xp::cn
