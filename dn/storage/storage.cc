#include "dn/storage/storage.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/utilities/transaction_db.h>

#include <algorithm>
#include <chrono>

#include "codec/sql_errors.h"

namespace xp::dn {

namespace {

rocksdb::Slice S(std::string_view v) {
  return rocksdb::Slice(v.data(), v.size());
}

Status DeadlockVictim() {
  return SqlError(
      ER_LOCK_DEADLOCK,
      "Deadlock found when trying to get lock; try restarting transaction");
}

// RocksDB status -> MySQL-style status.
Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsTimedOut() ||
      (s.IsBusy() && s.subcode() != rocksdb::Status::kDeadlock)) {
    return SqlError(ER_LOCK_WAIT_TIMEOUT,
                    "Lock wait timeout exceeded; try restarting transaction");
  }
  if (s.IsBusy() || s.IsDeadlock()) return DeadlockVictim();
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::Internal("storage: " + s.ToString());
}

Status XaUnknown() { return SqlError(ER_XAER_NOTA, "XAER_NOTA: Unknown XID"); }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// ---------------------------------------------------------------- iterator

KeyIterator::KeyIterator(std::unique_ptr<rocksdb::Iterator> it,
                         std::string lower, std::string upper, bool reverse)
    : lower_(std::move(lower)),
      upper_(std::move(upper)),
      it_(std::move(it)),
      reverse_(reverse) {}

KeyIterator::~KeyIterator() = default;
// The bounds are checked here as well as given to RocksDB: a transaction's
// iterator merges its own uncommitted writes (a write batch) over the
// database, and RocksDB 7.8's merging iterator does not apply
// iterate_upper_bound / iterate_lower_bound to the write batch side. Without
// this check an UPDATE scanning a table after an INSERT in the same
// transaction saw that INSERT's secondary index entries (keys past the
// table's range) and decoded them as rows.
bool KeyIterator::Valid() const {
  if (!it_->Valid()) return false;
  const rocksdb::Slice k = it_->key();
  const std::string_view key(k.data(), k.size());
  if (key < lower_) return false;
  if (!upper_.empty() && key >= upper_) return false;
  return true;
}
void KeyIterator::Next() {
  if (reverse_) {
    it_->Prev();
  } else {
    it_->Next();
  }
}
std::string_view KeyIterator::key() const {
  const rocksdb::Slice k = it_->key();
  return {k.data(), k.size()};
}
std::string_view KeyIterator::value() const {
  const rocksdb::Slice v = it_->value();
  return {v.data(), v.size()};
}
Status KeyIterator::status() const { return FromRocks(it_->status()); }

// ---------------------------------------------------------------- transaction

Transaction::Transaction(Storage* storage)
    : storage_(storage), started_us_(NowMicros()) {}

rocksdb::Transaction* Transaction::Txn() {
  if (txn_) return txn_.get();
  rocksdb::WriteOptions wo;
  wo.sync = storage_->options_.sync_wal;
  rocksdb::TransactionOptions to;
  to.deadlock_detect = true;
  txn_.reset(storage_->db_->BeginTransaction(wo, to));
  id_ = txn_->GetID();
  {
    MutexLock lock(&storage_->live_mu_);
    storage_->live_[id_] = this;
  }
  // The savepoints set while there was nothing to undo: the same (empty)
  // states now.
  for (; savepoints_ > 0; --savepoints_) txn_->SetSavePoint();
  return txn_.get();
}

Transaction::~Transaction() {
  if (id_ != 0) {
    MutexLock lock(&storage_->live_mu_);
    storage_->live_.erase(id_);
  }
  if (txn_ && !done_ && !prepared_) (void)txn_->Rollback();
  // A prepared transaction belongs to the database now (it keeps its locks
  // and is finished by name: Storage::CommitPrepared / RollbackPrepared).
  if (prepared_ && !done_) (void)txn_.release();
  if (snapshot_ != nullptr) storage_->db_->ReleaseSnapshot(snapshot_);
}

void Transaction::EnsureSnapshot() {
  if (snapshot_ == nullptr) snapshot_ = storage_->db_->GetSnapshot();
}

Result<std::optional<std::string>> Transaction::Get(std::string_view key) {
  // A current read of one row locks it first, then reads it: a writer
  // holding it is waited for, and its committed value is what we see.
  if (read_lock_ != ReadLock::kNone)
    return LockedGet(key, read_lock_ == ReadLock::kExclusive, read_wait_);
  if (current_read_) return GetForUpdate(key);
  rocksdb::ReadOptions ro;
  if (!current_read_) {
    EnsureSnapshot();
    ro.snapshot = snapshot_;
  }
  std::string value;
  // Reads through the transaction see its own writes, then the snapshot;
  // before it has any, the snapshot alone (no transaction is made).
  const rocksdb::Status s =
      txn_ ? txn_->Get(ro, S(key), &value)
           : storage_->db_->Get(ro, storage_->db_->DefaultColumnFamily(),
                                S(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  XP_RETURN_IF_ERROR(FromRocks(s));
  return std::optional<std::string>(std::move(value));
}

void Transaction::set_lock_wait(int64_t ms,
                                std::function<Status()> interrupted) {
  lock_wait_ms_ = ms;
  interrupted_ = std::move(interrupted);
}

void Transaction::set_label(std::string label) {
  MutexLock lock(&storage_->live_mu_);
  label_ = std::move(label);
}

void Transaction::set_read_lock(ReadLock lock, LockWait wait) {
  read_lock_ = lock;
  read_wait_ = wait;
}

template <typename Op>
Status Transaction::Locking(Op&& op, LockWait wait, bool* skipped) {
  if (wait != LockWait::kWait) {  // NOWAIT / SKIP LOCKED: no wait at all
    if (slice_set_ != 0) {
      Txn()->SetLockTimeout(0);
      slice_set_ = 0;
    }
    const rocksdb::Status s = op();
    if (!s.IsTimedOut()) return s.IsNotFound() ? Status::OK() : FromRocks(s);
    if (wait == LockWait::kSkipLocked && skipped != nullptr) {
      *skipped = true;
      return Status::OK();
    }
    return SqlError(ER_LOCK_NOWAIT,
                    "Statement aborted because lock(s) could not be "
                    "acquired immediately and NOWAIT is set.");
  }
  const int64_t total =
      lock_wait_ms_ >= 0 ? lock_wait_ms_ : storage_->options_.lock_timeout_ms;
  const uint64_t seq = ++wait_seq_;  // AbortLockWait ends this one only
  int64_t waited = 0;
  for (;;) {
    const int64_t slice = std::min(total - waited, kLockWaitSliceMs);
    if (slice != slice_set_) {
      Txn()->SetLockTimeout(slice);
      slice_set_ = slice;
    }
    const rocksdb::Status s = op();
    // Only an expired lock wait goes round again; everything else
    // (including NotFound) is the caller's.
    if (!s.IsTimedOut()) return s.IsNotFound() ? Status::OK() : FromRocks(s);
    waited += slice;
    if (abort_seq_.load() == seq) return DeadlockVictim();
    if (waited >= total) return FromRocks(s);
    if (interrupted_) XP_RETURN_IF_ERROR(interrupted_());
  }
}

Result<std::optional<std::string>> Transaction::GetForUpdate(
    std::string_view key) {
  return LockedGet(key, /*exclusive=*/true, LockWait::kWait);
}

Result<std::optional<std::string>> Transaction::LockedGet(std::string_view key,
                                                          bool exclusive,
                                                          LockWait wait) {
  rocksdb::ReadOptions ro;
  std::string value;
  bool found = false, skipped = false;
  XP_RETURN_IF_ERROR(Locking(
      [&] {
        rocksdb::Status s = Txn()->GetForUpdate(ro, S(key), &value, exclusive);
        found = s.ok();
        return s;
      },
      wait, &skipped));
  if (!found || skipped) return std::optional<std::string>();
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<KeyIterator> Transaction::Scan(std::string_view lower,
                                               std::string_view upper,
                                               bool reverse) {
  if (!current_read_) EnsureSnapshot();
  // The iterator owns the bound strings and the Slices over them; RocksDB
  // keeps pointers to both for the iterator's life.
  auto it = std::unique_ptr<KeyIterator>(new KeyIterator(
      nullptr, std::string(lower), std::string(upper), reverse));
  rocksdb::ReadOptions ro;
  ro.snapshot = current_read_ ? nullptr : snapshot_;
  ro.readahead_size = 2 << 20;
  it->bounds_ = std::make_unique<std::pair<rocksdb::Slice, rocksdb::Slice>>(
      S(it->lower_), S(it->upper_));
  ro.iterate_lower_bound = &it->bounds_->first;
  if (!it->upper_.empty()) ro.iterate_upper_bound = &it->bounds_->second;
  it->it_.reset(txn_ ? txn_->GetIterator(ro) : storage_->db_->NewIterator(ro));
  if (reverse) {
    if (it->upper_.empty()) {
      it->it_->SeekToLast();
    } else {
      it->it_->SeekForPrev(S(it->upper_));
      // SeekForPrev lands on upper itself when present: exclusive bound.
      if (it->it_->Valid() && it->key() == it->upper_) it->it_->Prev();
    }
  } else {
    it->it_->Seek(S(it->lower_));
  }
  return it;
}

Status Transaction::Put(std::string_view key, std::string_view value) {
  return Locking([&] { return Txn()->Put(S(key), S(value)); });
}

Status Transaction::Delete(std::string_view key) {
  return Locking([&] { return Txn()->Delete(S(key)); });
}

Status Transaction::Commit() {
  if (done_) return Status::InvalidArgument("transaction already ended");
  if (!txn_) {  // never read under a lock nor wrote: nothing to end
    done_ = true;
    return Status::OK();
  }
  if (!prepared_ && txn_->GetNumPuts() == 0 && txn_->GetNumDeletes() == 0 &&
      txn_->GetNumMerges() == 0) {
    // Nothing written: releasing the locks is the whole commit (and no WAL
    // record, so no fsync, for a read-only statement).
    done_ = true;
    return FromRocks(txn_->Rollback());
  }
  XP_RETURN_IF_ERROR(FromRocks(txn_->Commit()));
  done_ = true;
  return Status::OK();
}

Status Transaction::Rollback() {
  if (done_) return Status::OK();
  done_ = true;
  return txn_ ? FromRocks(txn_->Rollback()) : Status::OK();
}

void Transaction::SetSavePoint() {
  if (txn_) {
    txn_->SetSavePoint();
  } else {
    ++savepoints_;
  }
}

Status Transaction::RollbackToSavePoint() {
  if (txn_) return FromRocks(txn_->RollbackToSavePoint());
  if (savepoints_ == 0) return Status::NotFound("no savepoint");
  --savepoints_;  // nothing was written since
  return Status::OK();
}

Status Transaction::PopSavePoint() {
  if (txn_) return FromRocks(txn_->PopSavePoint());
  if (savepoints_ == 0) return Status::NotFound("no savepoint");
  --savepoints_;
  return Status::OK();
}

Status Transaction::Prepare(std::string_view xid) {
  if (done_ || prepared_)
    return Status::InvalidArgument("transaction not active");
  XP_RETURN_IF_ERROR(FromRocks(Txn()->SetName(std::string(xid))));
  XP_RETURN_IF_ERROR(FromRocks(txn_->Prepare()));
  prepared_ = true;
  return Status::OK();
}

// ---------------------------------------------------------------- storage

Result<std::unique_ptr<Storage>> Storage::Open(const StorageOptions& options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::TransactionDBOptions t;
  t.transaction_lock_timeout = options.lock_timeout_ms;
  rocksdb::TransactionDB* db = nullptr;
  const rocksdb::Status s =
      rocksdb::TransactionDB::Open(o, t, options.path, &db);
  if (!s.ok()) {
    return Status::Internal("cannot open storage at '" + options.path +
                            "': " + s.ToString());
  }
  std::unique_ptr<Storage> st(new Storage());
  st->options_ = options;
  st->db_.reset(db);
  return st;
}

Storage::~Storage() {
  // Prepared transactions stay in the WAL for the next start; their
  // handles must go before the DB.
  std::vector<rocksdb::Transaction*> prepared;
  db_->GetAllPreparedTransactions(&prepared);
  for (rocksdb::Transaction* t : prepared) delete t;
}

std::unique_ptr<Transaction> Storage::Begin() {
  return std::unique_ptr<Transaction>(new Transaction(this));
}

std::vector<std::string> Storage::Prepared() {
  std::vector<rocksdb::Transaction*> prepared;
  db_->GetAllPreparedTransactions(&prepared);
  std::vector<std::string> names;
  for (rocksdb::Transaction* t : prepared) names.push_back(t->GetName());
  return names;
}

Status Storage::CommitPrepared(std::string_view xid) {
  rocksdb::Transaction* t = db_->GetTransactionByName(std::string(xid));
  if (t == nullptr || t->GetState() != rocksdb::Transaction::PREPARED)
    return XaUnknown();
  const rocksdb::Status s = t->Commit();
  if (s.ok()) delete t;
  return FromRocks(s);
}

Status Storage::RollbackPrepared(std::string_view xid) {
  rocksdb::Transaction* t = db_->GetTransactionByName(std::string(xid));
  if (t == nullptr || t->GetState() != rocksdb::Transaction::PREPARED)
    return XaUnknown();
  const rocksdb::Status s = t->Rollback();
  if (s.ok()) delete t;
  return FromRocks(s);
}

std::vector<LockWaitEdge> Storage::LockWaits() {
  std::vector<LockWaitEdge> edges;
  MutexLock lock(&live_mu_);
  for (const auto& [id, t] : live_) {
    // RocksDB keeps what a transaction waits for under its own mutex, so
    // another thread may ask while the owner waits or goes on.
    uint32_t cf = 0;
    std::string key;
    for (uint64_t holder : t->txn_->GetWaitingTxns(&cf, &key)) {
      LockWaitEdge e;
      e.waiter = id;
      e.waiter_label = t->label_;
      e.waiter_started_us = t->started_us_;
      e.holder = holder;
      auto h = live_.find(holder);
      if (h != live_.end()) e.holder_label = h->second->label_;
      edges.push_back(std::move(e));
    }
  }
  return edges;
}

bool Storage::AbortLockWait(uint64_t waiter, uint64_t holder) {
  MutexLock lock(&live_mu_);
  auto it = live_.find(waiter);
  if (it == live_.end()) return false;
  Transaction* t = it->second;
  // The wait's number first: if the wait seen below is a later one, the
  // abort names the earlier one and is ignored (never a wrong victim).
  const uint64_t wait = t->wait_seq_.load();
  uint32_t cf = 0;
  std::string key;
  const std::vector<uint64_t> holders = t->txn_->GetWaitingTxns(&cf, &key);
  if (std::find(holders.begin(), holders.end(), holder) == holders.end())
    return false;
  t->abort_seq_.store(wait);
  return true;
}

Status Storage::CompactRange(std::string_view lower, std::string_view upper) {
  const rocksdb::Slice lo = S(lower), hi = S(upper);
  return FromRocks(db_->CompactRange(rocksdb::CompactRangeOptions(), &lo, &hi));
}

Status Storage::PutAutonomous(std::string_view key, std::string_view value,
                              bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync && options_.sync_wal;
  return FromRocks(db_->Put(wo, S(key), S(value)));
}

Status Storage::DeleteAutonomous(std::string_view key) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_wal;
  return FromRocks(db_->Delete(wo, S(key)));
}

Result<std::optional<std::string>> Storage::GetLatest(std::string_view key) {
  std::string v;
  rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), S(key), &v);
  if (st.IsNotFound()) return std::optional<std::string>();
  XP_RETURN_IF_ERROR(FromRocks(st));
  return std::optional<std::string>(std::move(v));
}

}  // namespace xp::dn
