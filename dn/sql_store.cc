#include "dn/sql_store.h"

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "codec/key.h"
#include "codec/sql_errors.h"
#include "dn/table.h"
#include "plan/exec/query_context.h"
#include "plan/store/memory_table.h"

namespace xp::dn {

namespace {

Status NoSuchXid() { return SqlError(ER_XAER_NOTA, "XAER_NOTA: Unknown XID"); }

Status XaState(const char* state) {
  return SqlError(
      ER_XAER_RMFAIL,
      std::string("XAER_RMFAIL: The command cannot be executed when "
                  "global transaction is in the  ") +
          state + " state");
}

std::string XidOf(const sql::XaStatement& x) {
  return x.bqual.empty() ? x.gtrid : x.gtrid + "," + x.bqual;
}

// Calls `fn` with every row of `t` (all columns) and its primary-key entry
// key, in key order.
Status ForEachRow(
    Transaction* txn, const StoredTable& t,
    const std::function<Status(const std::string& pk,
                               const std::vector<plan::Value>& row)>& fn) {
  std::vector<int> all;
  for (size_t c = 0; c < t.schema->columns.size(); ++c)
    all.push_back(static_cast<int>(c));
  TableScanOperator scan(txn, t, all, false, /*row_ids=*/true);
  const std::vector<plan::DataType> types = scan.types();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const exec::Batch* b, scan.Next());
    if (b == nullptr) return Status::OK();
    for (size_t i = 0; i < b->num_rows(); ++i) {
      std::vector<plan::Value> row;
      for (size_t c = 0; c < all.size(); ++c)
        row.push_back(exec::ValueAt(b->column(c), types[c], i));
      const std::string pk(b->column(all.size()).data<std::string_view>()[i]);
      XP_RETURN_IF_ERROR(fn(pk, row));
    }
  }
}

// Deletes every key in [begin, end) in `txn` (collected first: the
// iterator reads the transaction's own writes).
Status DeleteRange(Transaction* txn, const std::string& begin,
                   const std::string& end) {
  std::vector<std::string> keys;
  for (auto it = txn->Scan(begin, end, false); it->Valid(); it->Next())
    keys.emplace_back(it->key());
  for (const auto& k : keys) XP_RETURN_IF_ERROR(txn->Delete(k));
  return Status::OK();
}

}  // namespace

// One table within a session's transaction.
class SqlTable : public exec::TableStore {
 public:
  SqlTable(SqlStore* store, Transaction* txn, StoredTable t)
      : store_(store), txn_(txn), t_(t) {}
  const plan::TableSchema& schema() const override { return *t_.schema; }

  Result<exec::OperatorPtr> Scan(const plan::LogicalNode& scan,
                                 bool row_ids) override {
    return ScanFor(scan, txn_, t_, row_ids);
  }

  Status Insert(const std::vector<int>& columns,
                const std::vector<plan::Value>& values, uint64_t* insert_id,
                std::vector<exec::RowId>* conflicts) override {
    Status counter = Status::OK();
    uint64_t assigned = 0;
    XP_ASSIGN_OR_RETURN(std::vector<plan::Value> row,
                        exec::AssembleRow(
                            *t_.schema, columns, values,
                            [&]() -> uint64_t {
                              Result<uint64_t> n = store_->NextAuto(t_, false);
                              if (!n.ok()) {
                                counter = n.status();
                                return 0;
                              }
                              return *n;
                            },
                            &assigned));
    XP_RETURN_IF_ERROR(counter);
    if (assigned == 0) {  // an explicit AUTO_INCREMENT value moves it on
      for (size_t c = 0; c < row.size(); ++c) {
        if (t_.schema->columns[c].auto_increment && row[c].index() != 0)
          XP_RETURN_IF_ERROR(store_->SeenAuto(t_, exec::AutoValueOf(row[c])));
      }
    }
    std::string pk;
    if (HasPrimaryKey(*t_.schema)) {
      pk = PrimaryKey(t_, row);
    } else {
      XP_ASSIGN_OR_RETURN(uint64_t n, store_->NextAuto(t_, true));
      pk = HiddenKey(t_, n);
    }
    std::string conflict;
    Status st = InsertRow(txn_, t_, pk, row, &conflict);
    if (!st.ok() && st.sql_code() == 1062 && conflicts != nullptr &&
        !conflict.empty())
      conflicts->push_back(std::move(conflict));
    if (st.ok() && insert_id != nullptr) *insert_id = assigned;
    return st;
  }

  Result<std::vector<plan::Value>> Read(const exec::RowId& id) override {
    Result<std::optional<std::string>> stored = txn_->GetForUpdate(id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return Status::Internal("row vanished");
    return DecodeStoredRow(t_, **stored);
  }

  Status Update(
      const std::vector<exec::RowId>& ids,
      const std::vector<std::vector<plan::Value>>& old_rows,
      const std::vector<std::vector<plan::Value>>& new_rows) override {
    // Every old row goes first, so rows may swap keys.
    for (size_t i = 0; i < ids.size(); ++i) {
      XP_RETURN_IF_ERROR(LockUnchanged(txn_, t_, ids[i], old_rows[i]));
      XP_RETURN_IF_ERROR(DeleteRow(txn_, t_, ids[i], old_rows[i]));
    }
    const bool keyed = HasPrimaryKey(*t_.schema);
    for (size_t i = 0; i < ids.size(); ++i) {
      XP_RETURN_IF_ERROR(InsertRow(
          txn_, t_, keyed ? PrimaryKey(t_, new_rows[i]) : ids[i], new_rows[i]));
      for (size_t c = 0; c < new_rows[i].size(); ++c) {
        if (t_.schema->columns[c].auto_increment)
          XP_RETURN_IF_ERROR(
              store_->SeenAuto(t_, exec::AutoValueOf(new_rows[i][c])));
      }
    }
    return Status::OK();
  }

  Status Delete(
      const std::vector<exec::RowId>& ids,
      const std::vector<std::vector<plan::Value>>& old_rows) override {
    for (size_t i = 0; i < ids.size(); ++i) {
      XP_RETURN_IF_ERROR(LockUnchanged(txn_, t_, ids[i], old_rows[i]));
      XP_RETURN_IF_ERROR(DeleteRow(txn_, t_, ids[i], old_rows[i]));
    }
    return Status::OK();
  }

 private:
  SqlStore* store_;
  Transaction* txn_;
  StoredTable t_;
};

class RocksStoreSession : public exec::StoreSession {
 public:
  explicit RocksStoreSession(SqlStore* store) : store_(store) {}
  ~RocksStoreSession() override {
    if (txn_) (void)txn_->Rollback();
  }

  Result<exec::TableStore*> Table(const plan::TableSchema& schema) override {
    if (!txn_) return Status::Internal("table access outside a statement");
    XP_ASSIGN_OR_RETURN(
        uint64_t id, store_->catalog_->TableId(schema.database, schema.name));
    auto& slot = tables_[id];
    if (!slot) {
      slot = std::make_unique<SqlTable>(store_, txn_.get(),
                                        StoredTable{&schema, id});
    }
    return static_cast<exec::TableStore*>(slot.get());
  }

  Status StatementBegin() override {
    tables_.clear();
    if (!txn_) {
      txn_ = store_->storage_->Begin();
      implicit_ = true;
    } else {
      txn_->SetSavePoint();
    }
    // A lock wait ends at the session's innodb_lock_wait_timeout, or
    // earlier when the statement is killed or past its time limit.
    txn_->set_lock_wait(lock_wait_ms_, &exec::CheckCancelled);
    return Status::OK();
  }
  Status OnVariable(const std::string& name, const plan::Value& v) override {
    if (name == "innodb_lock_wait_timeout")
      lock_wait_ms_ = std::get<int64_t>(v) * 1000;  // validated by the engine
    return Status::OK();
  }

  Status StatementEnd(bool ok) override {
    tables_.clear();
    if (!txn_) return Status::OK();  // ended inside (SET autocommit = 1)
    txn_->set_read_lock(ReadLock::kNone, LockWait::kWait);
    txn_->set_current_read(false);
    if (implicit_) {
      std::unique_ptr<Transaction> txn = std::move(txn_);
      implicit_ = false;
      return ok ? txn->Commit() : txn->Rollback();
    }
    return ok ? txn_->PopSavePoint() : txn_->RollbackToSavePoint();
  }

  Status Begin() override {
    if (xa_ != XaPhase::kNone) return XaState(XaPhaseName());
    if (txn_) XP_RETURN_IF_ERROR(Commit());
    txn_ = store_->storage_->Begin();
    implicit_ = false;
    return Status::OK();
  }
  void SetCurrentRead(bool on) override {
    if (txn_) txn_->set_current_read(on);
  }
  void SetReadLock(sql::LockMode mode, sql::LockWait wait) override {
    if (!txn_) return;
    const ReadLock lock = mode == sql::LockMode::kUpdate  ? ReadLock::kExclusive
                          : mode == sql::LockMode::kShare ? ReadLock::kShared
                                                          : ReadLock::kNone;
    txn_->set_read_lock(lock, wait == sql::LockWait::kNowait ? LockWait::kNowait
                              : wait == sql::LockWait::kSkipLocked
                                  ? LockWait::kSkipLocked
                                  : LockWait::kWait);
    // A locking read sees the rows as they are now (InnoDB's current read).
    txn_->set_current_read(lock != ReadLock::kNone);
  }
  Status Snapshot() override {
    if (txn_) txn_->EnsureSnapshot();
    return Status::OK();
  }
  Status Commit() override {
    if (xa_ != XaPhase::kNone) return XaState(XaPhaseName());
    return End(true);
  }
  Status Rollback() override {
    if (xa_ != XaPhase::kNone) return XaState(XaPhaseName());
    return End(false);
  }
  bool in_transaction() const override { return txn_ && !implicit_; }

  Status Savepoint(const std::string& name) override {
    if (!in_transaction()) return Status::OK();
    const size_t at = FindSavepoint(name);
    if (at + 1 == savepoints_.size()) {
      // The newest one again (what a compute node does before each
      // statement): merged into its predecessor, so the stack stays flat.
      XP_RETURN_IF_ERROR(txn_->PopSavePoint());
      savepoints_.pop_back();
    } else if (at < savepoints_.size()) {
      savepoints_[at].clear();  // replaced: it stays only as a stack entry
    }
    txn_->SetSavePoint();
    savepoints_.push_back(name);
    return Status::OK();
  }
  Status RollbackToSavepoint(const std::string& name) override {
    const size_t at = FindSavepoint(name);
    if (!in_transaction() || at >= savepoints_.size()) return NoSavepoint(name);
    while (savepoints_.size() > at) {
      XP_RETURN_IF_ERROR(txn_->RollbackToSavePoint());
      savepoints_.pop_back();
    }
    txn_->SetSavePoint();  // the savepoint stays; later ones are gone
    savepoints_.push_back(name);
    return Status::OK();
  }
  Status ReleaseSavepoint(const std::string& name) override {
    const size_t at = FindSavepoint(name);
    if (!in_transaction() || at >= savepoints_.size()) return NoSavepoint(name);
    while (savepoints_.size() > at) {
      XP_RETURN_IF_ERROR(txn_->PopSavePoint());
      savepoints_.pop_back();
    }
    return Status::OK();
  }

  Status Xa(const sql::XaStatement& x,
            std::vector<std::string>* recovered) override {
    using Op = sql::XaStatement::Op;
    const std::string xid = XidOf(x);
    switch (x.op) {
      case Op::kStart:
        if (xa_ != XaPhase::kNone) return XaState(XaPhaseName());
        if (in_transaction()) return XaState("ACTIVE");
        txn_ = store_->storage_->Begin();
        // Known by its xid in lock waits, so a compute node can follow a
        // wait cycle through several data nodes.
        txn_->set_label(xid);
        // The snapshot is taken at XA START (as with START TRANSACTION WITH
        // CONSISTENT SNAPSHOT): a compute node starts its branches on
        // every data node at one moment and needs their snapshots to be
        // of that moment.
        txn_->EnsureSnapshot();
        implicit_ = false;
        xa_ = XaPhase::kActive;
        xid_ = xid;
        return Status::OK();
      case Op::kEnd:
        if (xa_ == XaPhase::kNone || xid != xid_) return NoSuchXid();
        if (xa_ != XaPhase::kActive) return XaState(XaPhaseName());
        xa_ = XaPhase::kIdle;
        return Status::OK();
      case Op::kPrepare: {
        if (xa_ == XaPhase::kNone || xid != xid_) return NoSuchXid();
        if (xa_ != XaPhase::kIdle) return XaState(XaPhaseName());
        Status st = txn_->Prepare(xid);
        if (!st.ok()) {
          (void)End(false);
          xa_ = XaPhase::kNone;
          return st;
        }
        MutexLock lock(&store_->prepared_mu_);
        savepoints_.clear();
        store_->prepared_[xid] = std::move(txn_);
        xa_ = XaPhase::kNone;
        return Status::OK();
      }
      case Op::kCommit:
      case Op::kRollback: {
        const bool commit = x.op == Op::kCommit;
        if (xa_ != XaPhase::kNone && xid == xid_) {
          // One phase (COMMIT ... ONE PHASE) or a rollback before PREPARE.
          if (commit && (xa_ != XaPhase::kIdle || !x.one_phase))
            return XaState(XaPhaseName());
          xa_ = XaPhase::kNone;
          return End(commit);
        }
        if (xa_ != XaPhase::kNone) return XaState(XaPhaseName());
        std::unique_ptr<Transaction> txn;
        {
          MutexLock lock(&store_->prepared_mu_);
          auto it = store_->prepared_.find(xid);
          if (it != store_->prepared_.end()) {
            txn = std::move(it->second);
            store_->prepared_.erase(it);
          }
        }
        if (txn) return commit ? txn->Commit() : txn->Rollback();
        // Left prepared by an earlier run of the node.
        return commit ? store_->storage_->CommitPrepared(xid)
                      : store_->storage_->RollbackPrepared(xid);
      }
      case Op::kRecover: {
        std::vector<std::string> all = store_->storage_->Prepared();
        {
          MutexLock lock(&store_->prepared_mu_);
          for (const auto& [name, txn] : store_->prepared_) all.push_back(name);
        }
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        *recovered = std::move(all);
        return Status::OK();
      }
    }
    return Status::InvalidArgument("unknown XA statement");
  }

 private:
  enum class XaPhase { kNone, kActive, kIdle };
  const char* XaPhaseName() const {
    return xa_ == XaPhase::kActive ? "ACTIVE" : "IDLE";
  }
  // The newest savepoint of that name (case-insensitive, as MySQL);
  // savepoints_.size() when there is none.
  size_t FindSavepoint(const std::string& name) const {
    for (size_t i = savepoints_.size(); i-- > 0;)
      if (!savepoints_[i].empty() && plan::NameEquals(savepoints_[i], name))
        return i;
    return savepoints_.size();
  }
  static Status NoSavepoint(const std::string& name) {
    return SqlError(ER_SP_DOES_NOT_EXIST,
                    "SAVEPOINT " + name + " does not exist");
  }

  Status End(bool commit) {
    tables_.clear();
    savepoints_.clear();
    if (!txn_) return Status::OK();
    std::unique_ptr<Transaction> txn = std::move(txn_);
    implicit_ = false;
    return commit ? txn->Commit() : txn->Rollback();
  }

  SqlStore* store_;
  std::unique_ptr<Transaction> txn_;
  // Named savepoints of the open transaction, oldest first, one storage
  // savepoint each ("": a name set again later, kept only as a stack entry).
  std::vector<std::string> savepoints_;
  bool implicit_ = false;      // opened by StatementBegin (autocommit)
  int64_t lock_wait_ms_ = -1;  // -1: the data node's --lock_wait_timeout_ms
  XaPhase xa_ = XaPhase::kNone;
  std::string xid_;
  std::map<uint64_t, std::unique_ptr<SqlTable>> tables_;
};

Result<std::unique_ptr<SqlStore>> SqlStore::Open(Storage* storage) {
  std::unique_ptr<SqlStore> s(new SqlStore(storage));
  XP_ASSIGN_OR_RETURN(s->catalog_, LocalCatalog::Open(storage));
  return s;
}

SqlStore::~SqlStore() = default;

std::unique_ptr<exec::StoreSession> SqlStore::NewSession() {
  return std::make_unique<RocksStoreSession>(this);
}

Status SqlStore::CreateDatabase(std::string_view name, bool if_not_exists) {
  return catalog_->CreateDatabase(name, if_not_exists);
}

Status SqlStore::DropDatabase(std::string_view name, bool if_exists) {
  if (catalog_->HasDatabase(name)) {
    for (const std::string& t : catalog_->Tables(name)) {
      XP_ASSIGN_OR_RETURN(uint64_t id, catalog_->TableId(name, t));
      XP_RETURN_IF_ERROR(ClearTable(id));
    }
  }
  return catalog_->DropDatabase(name, if_exists);
}

Status SqlStore::CreateTable(plan::TableSchema schema, bool if_not_exists) {
  return catalog_->CreateTable(std::move(schema), if_not_exists);
}

Status SqlStore::DropTable(std::string_view database, std::string_view table) {
  XP_ASSIGN_OR_RETURN(uint64_t id, catalog_->TableId(database, table));
  XP_RETURN_IF_ERROR(catalog_->DropTable(database, table, false));
  return ClearTable(id);  // after the record: a crash leaves only garbage
}

Status SqlStore::TruncateTable(std::string_view database,
                               std::string_view table) {
  XP_ASSIGN_OR_RETURN(uint64_t id, catalog_->TableId(database, table));
  return ClearTable(id);
}

Status SqlStore::ClearTable(uint64_t id) {
  const auto [begin, end] = TableRange(id);
  auto txn = storage_->Begin();
  XP_RETURN_IF_ERROR(DeleteRange(txn.get(), begin, end));
  XP_RETURN_IF_ERROR(txn->Commit());
  ForgetCounters(id, /*reset=*/true);
  return storage_->CompactRange(begin, end);
}

Status SqlStore::AlterTable(plan::TableSchema schema,
                            std::vector<int> column_source) {
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current,
                      catalog_->FindTable(schema.database, schema.name));
  XP_ASSIGN_OR_RETURN(uint64_t id,
                      catalog_->TableId(schema.database, schema.name));
  const plan::TableSchema old = *current;
  const StoredTable old_t{&old, id};
  const StoredTable new_t{&schema, id};
  bool rewrite = column_source.size() < old.columns.size() ||
                 HasPrimaryKey(old) != HasPrimaryKey(schema);
  for (size_t c = 0; c < old.columns.size() && !rewrite; ++c)
    rewrite = column_source[c] != static_cast<int>(c);
  // A column whose type or NOT NULL changed (MODIFY / CHANGE): its values
  // are converted, every row written anew.
  for (size_t c = 0; c < column_source.size() && !rewrite; ++c) {
    const int from = column_source[c];
    rewrite = from >= 0 && (!(old.columns[static_cast<size_t>(from)].type ==
                              schema.columns[c].type) ||
                            (old.columns[static_cast<size_t>(from)].nullable &&
                             !schema.columns[c].nullable));
  }
  auto txn = storage_->Begin();
  if (rewrite) {
    // Columns dropped or moved: every row and index entry is written anew.
    std::vector<std::pair<std::string, std::vector<plan::Value>>> rows;
    XP_RETURN_IF_ERROR(ForEachRow(
        txn.get(), old_t,
        [&](const std::string& pk, const std::vector<plan::Value>& row) {
          std::vector<plan::Value> out;
          for (size_t c = 0; c < column_source.size(); ++c) {
            const int from = column_source[c];
            if (from < 0) {
              out.push_back(schema.columns[c].AddedValue());
              continue;
            }
            XP_ASSIGN_OR_RETURN(
                plan::Value v,
                exec::ConvertHeld(row[static_cast<size_t>(from)],
                                  old.columns[static_cast<size_t>(from)].type,
                                  schema.columns[c]));
            out.push_back(std::move(v));
          }
          rows.emplace_back(pk, std::move(out));
          return Status::OK();
        }));
    const auto [begin, end] = TableRange(id);
    XP_RETURN_IF_ERROR(DeleteRange(txn.get(), begin, end));
    uint64_t hidden = 0;
    for (const auto& [pk, row] : rows) {
      const std::string key = HasPrimaryKey(schema) ? PrimaryKey(new_t, row)
                              : HasPrimaryKey(old)  ? HiddenKey(new_t, ++hidden)
                                                    : pk;
      XP_RETURN_IF_ERROR(InsertRow(txn.get(), new_t, key, row));
    }
  } else {
    std::vector<uint32_t> added;
    for (const auto& idx : schema.indexes) {
      bool existed = false;
      for (const auto& o : old.indexes) existed |= o.id == idx.id;
      if (!existed) added.push_back(idx.id);
    }
    for (const auto& o : old.indexes) {
      bool kept = false;
      for (const auto& idx : schema.indexes) kept |= o.id == idx.id;
      if (kept) continue;
      const auto [begin, end] = IndexRange(id, o.id);
      XP_RETURN_IF_ERROR(DeleteRange(txn.get(), begin, end));
    }
    if (!added.empty()) {  // backfill
      XP_RETURN_IF_ERROR(ForEachRow(
          txn.get(), new_t,
          [&](const std::string& pk, const std::vector<plan::Value>& row) {
            return InsertIndexEntries(txn.get(), new_t, pk, row, added);
          }));
    }
  }
  // The record goes into the same transaction; on failure before the
  // commit the catalog cache is put back.
  XP_RETURN_IF_ERROR(catalog_->AlterTable(schema, txn.get()));
  Status st = txn->Commit();
  if (!st.ok()) {
    plan::TableSchema back = old;
    back.version = old.version - 1;  // AlterTable bumps it again
    (void)catalog_->AlterTable(std::move(back));
    return st;
  }
  ForgetCounters(id, /*reset=*/false);
  return Status::OK();
}

Result<uint64_t> SqlStore::NextAuto(const StoredTable& t, bool hidden) {
  MutexLock lock(&counters_mu_);
  Counters& c = counters_[t.id];
  if (hidden && !c.hidden_loaded) {
    // The last hidden row number in use.
    const auto [begin, end] = IndexRange(t.id, 0);
    auto txn = storage_->Begin();
    auto it = txn->Scan(begin, end, /*reverse=*/true);
    if (it->Valid()) {
      key::Decoder d(it->key());
      uint64_t table, n;
      uint32_t index;
      bool is_null;
      XP_RETURN_IF_ERROR(d.ReadPrefix(&table, &index));
      XP_RETURN_IF_ERROR(d.ReadUInt64(false, &is_null, &n));
      c.next_hidden = n + 1;
    }
    XP_RETURN_IF_ERROR(it->status());
    c.hidden_loaded = true;
  }
  if (!hidden && !c.auto_loaded) {
    // The larger of the persisted counter and what the rows hold (the
    // counter write is not synced: after a power loss the rows decide).
    XP_ASSIGN_OR_RETURN(std::optional<std::string> saved,
                        storage_->GetLatest(AutoIncrementKey(t.id)));
    auto txn = storage_->Begin();
    uint64_t max = 0;
    XP_RETURN_IF_ERROR(
        ForEachRow(txn.get(), t,
                   [&](const std::string&, const std::vector<plan::Value>& r) {
                     for (size_t k = 0; k < r.size(); ++k) {
                       if (t.schema->columns[k].auto_increment)
                         max = std::max(max, exec::AutoValueOf(r[k]));
                     }
                     return Status::OK();
                   }));
    c.next_auto = max + 1;
    if (saved)
      c.next_auto = std::max<uint64_t>(
          c.next_auto, std::strtoull(saved->c_str(), nullptr, 10));
    c.auto_loaded = true;
  }
  if (hidden) return c.next_hidden++;
  const uint64_t id = c.next_auto++;
  XP_RETURN_IF_ERROR(SaveAuto(t.id, c.next_auto));
  return id;
}

Status SqlStore::SeenAuto(const StoredTable& t, uint64_t used) {
  {
    MutexLock lock(&counters_mu_);
    Counters& c = counters_[t.id];
    if (c.auto_loaded) {
      if (used < c.next_auto) return Status::OK();
      c.next_auto = used + 1;
      return SaveAuto(t.id, c.next_auto);
    }
  }
  // Not loaded yet: loading reads the stored maximum, which after this
  // statement includes `used`; load now so the counter moves past it.
  XP_RETURN_IF_ERROR(NextAuto(t, false).status());
  MutexLock lock(&counters_mu_);
  Counters& c = counters_[t.id];
  --c.next_auto;  // NextAuto handed one out; take it back
  if (used >= c.next_auto) c.next_auto = used + 1;
  return SaveAuto(t.id, c.next_auto);
}

Status SqlStore::SaveAuto(uint64_t table_id, uint64_t next) {
  // Outside the statement's transaction (no lock, no conflict between
  // inserters): like InnoDB, a rolled-back insert does not give its id
  // back, and a deleted largest id is not reused after a restart.
  return storage_->PutAutonomous(AutoIncrementKey(table_id),
                                 std::to_string(next), /*sync=*/false);
}

void SqlStore::ForgetCounters(uint64_t id, bool reset) {
  MutexLock lock(&counters_mu_);
  counters_.erase(id);
  if (reset) (void)storage_->DeleteAutonomous(AutoIncrementKey(id));
}

}  // namespace xp::dn
