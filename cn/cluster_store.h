// The compute node's view of the cluster as an exec::Store (cn/README.md): the
// global catalog, table placement, and sessions whose tables live on the
// data nodes. The SQL engine (plan/session/sql_session.h) runs over it
// unchanged; what differs is where rows come from and go to:
//
//  - Catalog: databases and tables with their placement, cached in memory
//    and stored on DN 0 as a DDL log (`xp_system`.`catalog`), replayed at
//    start. DDL reaches every DN involved before the log records it; a DDL
//    that fails half-way undoes what it did (no table on some DNs only).
//  - Placement: HASH / KEY partitioning (by primary key unless PARTITION BY
//    names columns; PARTITIONS n, default one per DN), BROADCAST (a copy on
//    every DN) or SINGLE (DN 0). Partition i of table t is the physical
//    table `t_p<i>` on DN i mod N (BROADCAST / SINGLE: `t`).
//  - Reads: the `distribute` pass wraps each table scan, with the filters,
//    projections, partial aggregates, TopN and limits above it that a DN can
//    run, into a Remote fragment; the fragment goes to the partitions it
//    can touch (pruning on primary-key Get keys) as an ExecPlan or as SQL
//    text (session variable xplan_mode = auto | plan | sql), and the CN
//    merges (final aggregate, TopN, limit) above it.
//  - Writes: INSERT ... VALUES rows are routed by partition key (one
//    statement per partition), AUTO_INCREMENT values come from the CN;
//    UPDATE / DELETE are pushed down as SQL to the partitions their WHERE
//    can touch. A unique key without the partition key is a global index
//    (GlobalIndex below), kept by every write in the row's transaction.
//  - Transactions: each DN a session touches gets an XA branch; COMMIT is
//    one-phase with one branch and two-phase (XA PREPARE everywhere, the
//    decision logged on DN 0, XA COMMIT) with several. Prepared branches
//    left by a crashed CN are finished at start (Open()).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "cn/txn/deadlock.h"
#include "cn/txn/dn_link.h"
#include "codec/status.h"
#include "codec/thread_annotations.h"
#include "plan/schema.h"
#include "plan/store/store.h"

namespace xp::cn {

// "host:port[,host:port...]" -> endpoints.
Result<std::vector<DnEndpoint>> ParseDnList(std::string_view list);

struct ClusterOptions {
  std::vector<DnEndpoint> dns;
  std::string user = "root";
  std::string password;
  // TLS to the DNs: by default only where a DN requires it
  // (ClientOptions::SslMode); ssl_ca is what kVerifyCa checks against.
  ClientOptions::SslMode ssl_mode = ClientOptions::SslMode::kWhenAsked;
  std::string ssl_ca;
  // A DN that does not answer within this long fails the request (error
  // 1429); connecting is retried on the next request.
  uint32_t dn_timeout_ms = 10000;
  // The catalog lease on DN 0 (one CN per cluster): held this long past
  // each renewal (renewed every third of it); a CN that finds another's
  // unexpired lease refuses to start.
  uint32_t lease_ms = 10000;
  // How links to the DNs are made; unset: xp::Client connections to `dns`
  // as `user` (ClientConnector). Tests give FakeDn links (cn/txn/fake_dn.h).
  DnConnector connector;
  // Asked at each failpoint of the two-phase commit (dn_link.h); unset:
  // none fails.
  FailpointHook failpoint;
  // How often the deadlock detector (cn/txn/deadlock.h) looks for lock
  // wait cycles through several DNs while two or more transactions are
  // open; 0: never (DNs without row locks, as the unit tests' fakes).
  uint32_t deadlock_check_ms = 100;
  // The DNs run in this process (the embedded placement): chunks come
  // without LZ4 (ExecPlan.chunk_raw), which costs more than it saves there.
  bool dns_in_process = false;
};

// Where a table's rows live. Physical tables on the DNs are named from the
// table's id (the catalog log sequence of its CREATE TABLE), never from its
// name: `__xp_<id>_p<i>` for partition i of a hash-partitioned table,
// `__xp_<id>` for a broadcast or single table. The prefix is reserved (no
// user table may start with it), so no user name can ever collide with a
// physical one, and a table created again under an old name gets new
// physical tables (cn/README.md "Physical names").
inline constexpr std::string_view kPhysicalPrefix = "__xp_";
std::string PhysicalName(uint64_t table_id, int partition);  // -1: unsplit
std::string GlobalIndexName(uint64_t table_id, uint32_t number, int partition);

// A global secondary index (cn/README.md "Global indexes"): a unique key
// of a hash-partitioned table that does not include the partition key (or
// any key declared GLOBAL) is kept, besides each partition's local index, as
// its own table — index key
// -> primary key, PRIMARY KEY (index key) — hash-partitioned by the index
// key, so one DN checks each key for the whole table. Rows whose key has a
// NULL have no entry (a unique key allows any number of them). Partition i
// is `__xp_<table id>_g<number>_p<i>` on DN i mod N.
struct GlobalIndex {
  uint32_t number = 0;  // unique within the table, kept in the catalog
  std::string index;    // the index's name in the table's schema
  // A unique key's entries are keyed by it (PRIMARY KEY (columns)); a key
  // declared GLOBAL that is not unique by it and the rest (several rows
  // may share the key).
  bool unique = true;
  std::vector<int> columns;  // table positions of the index key
  // table positions of the primary key's columns not in the index key:
  // an entry's columns are `columns` then `rest`
  std::vector<int> rest;
  std::vector<std::string> name;  // partition i: physical table name
  std::vector<size_t> dn;         // partition i: its DN
  size_t partitions() const { return name.size(); }
};

struct Placement {
  enum class Kind : uint8_t { kHash, kBroadcast, kSingle };
  Kind kind = Kind::kHash;
  uint64_t id = 0;  // the table's id: physical names derive from it
  // kHash: partition key (table positions); empty: rows spread round-robin
  std::vector<int> columns;
  std::vector<std::string> name;  // partition i: physical table name
  std::vector<size_t> dn;         // partition i: its DN
  // Hash partitioning the CN chose (no PARTITION clause was given): while
  // the table is empty, adding a unique key it cannot check re-places it
  // SINGLE instead of refusing (1503).
  bool implicit = false;
  std::vector<GlobalIndex> global;
  size_t partitions() const { return name.size(); }
  // The global index kept for the index named `index`, or nullptr.
  const GlobalIndex* Global(std::string_view index) const;
};

// Partition of a row whose partition-key values (converted to the key
// columns' types) are `key`.
size_t PartitionOf(const std::vector<plan::Value>& key,
                   const std::vector<plan::DataType>& types, size_t partitions);

// The partition-key extractor every router and pruner uses: the partition
// (among `partitions`) of a row whose key columns `cols` (table positions
// of `t`) have the values `value(c)` gives, each already of its column's
// type (Result<Value> or Value).
template <typename ValueOf>
Result<size_t> PartitionOfKey(const plan::TableSchema& t,
                              const std::vector<int>& cols, size_t partitions,
                              ValueOf&& value) {
  std::vector<plan::Value> key;
  std::vector<plan::DataType> types;
  key.reserve(cols.size());
  types.reserve(cols.size());
  for (int c : cols) {
    Result<plan::Value> v = value(c);
    if (!v.ok()) return v.status();
    key.push_back(std::move(*v));
    types.push_back(t.columns[static_cast<size_t>(c)].type);
  }
  return PartitionOf(key, types, partitions);
}
// The same for a key read back in key order: `raw(i)` is the value of
// cols[i] as read, converted here to the column's type.
template <typename RawAt>
Result<size_t> PartitionOfReadKey(const plan::TableSchema& t,
                                  const std::vector<int>& cols,
                                  size_t partitions, RawAt&& raw) {
  size_t i = 0;
  return PartitionOfKey(t, cols, partitions, [&](int c) -> Result<plan::Value> {
    const auto& col = t.columns[static_cast<size_t>(c)];
    return plan::ConvertValue(raw(i++), col.type, col.name);
  });
}

class ClusterStore : public exec::Store {
 public:
  // Connects to every DN, creates the system schema on DN 0 when missing,
  // replays the catalog and finishes transactions a crashed CN left
  // prepared. Fails when a DN cannot be reached.
  static Result<std::unique_ptr<ClusterStore>> Open(ClusterOptions options);
  ~ClusterStore() override;

  const plan::Catalog& catalog() const override { return catalog_; }
  Status CreateDatabase(std::string_view name, bool if_not_exists) override;
  Status DropDatabase(std::string_view name, bool if_exists) override;
  Status CreateTable(plan::TableSchema schema, bool if_not_exists) override;
  Status DropTable(std::string_view database, std::string_view table) override;
  Status TruncateTable(std::string_view database,
                       std::string_view table) override;
  Status AlterTable(plan::TableSchema schema,
                    std::vector<int> column_source) override;
  Status RenameTable(std::string_view database, std::string_view table,
                     std::string_view to_database,
                     std::string_view to_table) override;
  std::unique_ptr<exec::StoreSession> NewSession() override;
  Status SaveAccount(const std::string& key,
                     const exec::Account* account) override;
  Status SaveView(const std::string& key,
                  const sql::CreateViewStatement* view) override;

  const ClusterOptions& options() const { return options_; }
  size_t dn_count() const { return options_.dns.size(); }
  // Placement of a table in the catalog (held under ddl_mutex()).
  const Placement* PlacementOf(const plan::TableSchema& t) const;
  // A data node's error as the client must see it: physical table names in
  // its message read as the tables' own names ('__xp_12_p0.PRIMARY' ->
  // 't.PRIMARY', MySQL 8's 'table.key' form).
  Status FromDn(uint32_t code, const std::string& sql_state,
                const std::string& msg) const;
  // A new link to DN `dn`; error 1429 when it cannot be reached.
  Result<std::unique_ptr<DnLink>> Connect(size_t dn,
                                          uint32_t timeout_ms = 0) const;
  // Runs `sql` on DN `dn` over the store's own connection (DDL, catalog).
  Result<StmtResult> Admin(size_t dn, const std::string& sql);
  // The same, answered in chunks (exec::DecodeChunks reads them).
  Result<StmtResult> AdminChunks(size_t dn, const std::string& sql);
  // Next AUTO_INCREMENT value(s) of a table: `count` consecutive values
  // from the returned first one; explicit values given by INSERTs move the
  // counter past them (Observe).
  Result<int64_t> NextAutoIncrement(const plan::TableSchema& t, size_t count);
  void ObserveAutoIncrement(const plan::TableSchema& t, int64_t value);
  // Where a row of a table without a partition key goes.
  size_t NextRoundRobin() { return round_robin_++; }
  // Names for global transactions: unique per CN process.
  std::string NewXid();
  // Held shared by phase two of every two-phase commit and exclusively
  // while a session starts branches on several DNs, so a consistent read
  // across DNs never sees half of a committed transaction.
  std::shared_mutex& commit_gate() { return commit_gate_; }
  // A DN whose reply timed out in the last few seconds (cleared when a
  // connection to it authenticates again): a transaction's first statement
  // leaves it out rather than waiting for it.
  bool Quiet(size_t dn) const;
  void SetQuiet(size_t dn, bool quiet) const;
  // The commit decision of a two-phase commit is a row of
  // `xp_system`.`commit_log` on DN 0 (aborted = 0), committed with DN 0's
  // own branch or, when DN 0 has none, written on its own before phase
  // two; rows with aborted = 1 are the markers of DecideInDoubt. `xid`
  // committed everywhere: its record may go (in batches).
  Status ForgetCommit(const std::string& xid);
  // `xid` is decided (logged) but its branches on `dns` may still be
  // prepared (phase two failed there): FinishUnfinished commits them when
  // a session reconnects to the DN.
  void Unfinished(const std::string& xid, const std::vector<size_t>& dns);
  void FinishUnfinished(size_t dn);
  // The outcome of `xid`, whose decision was DN 0's commit of its own
  // branch (with the commit_log row inside) and whose answer never came:
  // an "aborted" marker row for `xid` is inserted in commit_log on DN 0 —
  // it waits for that branch's row lock while the branch is still
  // committing, fails as a duplicate when the branch committed (true), and
  // once in, no late commit of the branch can succeed (false). An error
  // when DN 0 cannot be asked.
  Result<bool> DecideInDoubt(const std::string& xid);
  // DecideInDoubt could not ask DN 0: the branches of `xid` on `dns` stay
  // prepared until it can (tried whenever a session reconnects to a DN,
  // and by the next CN's recovery).
  void InDoubt(const std::string& xid, const std::vector<size_t>& dns);
  void ResolveInDoubt();
  // Sessions with a transaction open (an xid) come and go; the deadlock
  // detector looks for cycles while there are two or more.
  void CountOpenTransaction(int delta) { open_txns_ += delta; }
  // Whether the hook makes failpoint `point` fail.
  bool Failing(std::string_view point) const {
    return options_.failpoint && options_.failpoint(point) == FailAction::kFail;
  }

 private:
  explicit ClusterStore(ClusterOptions options);
  Status Bootstrap();
  Status Recover();
  // The catalog lease (xp_system.cn_lease on DN 0): taken (or renewed) in a
  // transaction that locks the lease row; error 1105 naming the holder when
  // another CN's lease has not expired. LeaseLoop renews it and stops the
  // process (SIGTERM) if another CN took it over.
  Status TakeLease();
  void LeaseLoop();
  std::unique_ptr<DnLink> lease_conn_;
  std::string lease_owner_;
  std::thread lease_thread_;
  Mutex lease_mu_;
  std::condition_variable_any lease_cv_;
  bool lease_stop_ XP_GUARDED_BY(lease_mu_) = false;
  Status AppendLog(const std::string& op, const std::string& name,
                   const std::string& body);
  Status ApplyCreateTable(plan::TableSchema schema, uint64_t id);
  Status PlaceForUniqueKeys(plan::TableSchema* schema) const;
  // Global indexes: which unique keys of `t` need one on placement `p`
  // (numbered after those `p` has); their physical tables made (empty) or
  // dropped; one filled from the table's rows, 1062 on a duplicate key.
  std::vector<GlobalIndex> NeededGlobal(const plan::TableSchema& t,
                                        const Placement& p) const;
  Status ResolveGlobal(const plan::TableSchema& t, const Placement& p,
                       GlobalIndex* g) const;
  Status CreateGlobal(const plan::TableSchema& t, const GlobalIndex& g);
  void DropGlobal(const std::string& database, const GlobalIndex& g);
  Status Backfill(const plan::TableSchema& t, const Placement& p,
                  const GlobalIndex& g);
  // Whether every partition of `t` is empty.
  Result<bool> Empty(const plan::TableSchema& t, const Placement& p);
  // An empty, implicitly partitioned table re-placed SINGLE with `schema`
  // (the new definition) replacing *old.
  Status PlaceSingle(plan::TableSchema schema, const Placement& from,
                     plan::TableSchema* old);
  // ALTER TABLE that adds or drops columns (`column_source`: for each new
  // column, its old position or -1): new physical tables under a new id,
  // filled from the old ones, switched to by one catalog entry, the old
  // ones dropped after. A failure before the entry leaves the table as
  // it was.
  Status CopyAlter(plan::TableSchema schema,
                   const std::vector<int>& column_source,
                   plan::TableSchema* old);

  const ClusterOptions options_;
  const DnConnector connector_;
  plan::InMemoryCatalog catalog_;
  std::map<std::string, Placement> placements_;  // under ddl_mutex()
  mutable Mutex names_mu_;
  // table id -> its name
  std::map<uint64_t, std::string> logical_names_ XP_GUARDED_BY(names_mu_);
  // (table id, global index number) -> "table.index", for error messages
  std::map<std::pair<uint64_t, uint32_t>, std::string> global_names_
      XP_GUARDED_BY(names_mu_);
  void NameGlobal(const plan::TableSchema& t, const Placement& p);
  // A logged rename ("db.table" keys) applied to the catalog, placements
  // and names kept for messages (live and in replay).
  Status ApplyRename(const std::string& key, const std::string& to_key);
  Mutex admin_mu_;
  // per DN, lazily
  std::vector<std::unique_ptr<DnLink>> admin_ XP_GUARDED_BY(admin_mu_);
  int64_t log_seq_ = 0;
  Mutex auto_mu_;
  // "db.t" -> next value
  std::map<std::string, int64_t> auto_next_ XP_GUARDED_BY(auto_mu_);
  std::string xid_prefix_;
  std::atomic<uint64_t> xid_counter_{0};
  std::atomic<size_t> round_robin_{0};
  std::shared_mutex commit_gate_;
  std::atomic<int> open_txns_{0};
  std::unique_ptr<DeadlockDetector> detector_;
  // Per DN: until when (steady clock ms) it counts as quiet; 0: not.
  mutable std::unique_ptr<std::atomic<int64_t>[]> quiet_until_ms_;
  Mutex unfinished_mu_;
  // xid -> DNs left
  std::map<std::string, std::set<size_t>> unfinished_
      XP_GUARDED_BY(unfinished_mu_);
  // xid -> DNs whose branch waits for DecideInDoubt
  std::map<std::string, std::set<size_t>> in_doubt_
      XP_GUARDED_BY(unfinished_mu_);
  Mutex forget_mu_;
  // committed xids to drop from the log
  std::vector<std::string> forget_ XP_GUARDED_BY(forget_mu_);
};

}  // namespace xp::cn
