// The data node's storage: RocksDB (a TransactionDB with pessimistic row
// locks) behind a small interface. This is the only code that includes
// RocksDB (docs/ARCHITECTURE.md).
//
// Transactions read from a snapshot taken at their first read (MySQL's
// REPEATABLE READ for plain SELECT) and lock the keys they write; a write
// that waits longer than the lock timeout fails with 1205 and a wait cycle
// with 1213, as InnoDB reports them. XA: a transaction can be prepared under
// a name (RocksDB two-phase commit); prepared transactions survive a
// restart and are listed by Prepared(), then committed or rolled back by
// name. With sync_wal (the default) a commit returns only after the WAL is
// on disk, so a committed write survives kill -9.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "codec/sql_errors.h"
#include "codec/status.h"
#include "codec/thread_annotations.h"

namespace rocksdb {
class Slice;
class TransactionDB;
class Transaction;
class Iterator;
class Snapshot;
}  // namespace rocksdb

namespace xp::dn {

struct StorageOptions {
  std::string path;
  bool sync_wal = true;             // fsync the WAL at every commit
  int64_t lock_timeout_ms = 50000;  // innodb_lock_wait_timeout = 50 s
  size_t block_cache_bytes = 64 << 20;
};

class Storage;

// One lock wait as the node sees it now (Storage::LockWaits): transaction
// `waiter` waits for a row lock `holder` holds. Ids are the storage's
// transaction ids (unique in the process); labels are the XA xids the
// transactions were started under ("" for a local transaction, and for a
// holder recovered prepared from an earlier run, whose label is gone).
struct LockWaitEdge {
  uint64_t waiter = 0;
  std::string waiter_label;
  int64_t waiter_started_us = 0;  // wall clock, µs since the epoch
  uint64_t holder = 0;
  std::string holder_label;
};

// Ordered iteration over [lower, upper) in a transaction's view.
class KeyIterator {
 public:
  ~KeyIterator();
  bool Valid() const;
  void Next();
  std::string_view key() const;
  std::string_view value() const;
  Status status() const;

 private:
  friend class Transaction;
  KeyIterator(std::unique_ptr<rocksdb::Iterator> it, std::string lower,
              std::string upper, bool reverse);
  std::string lower_, upper_;
  std::unique_ptr<std::pair<rocksdb::Slice, rocksdb::Slice>> bounds_;
  std::unique_ptr<rocksdb::Iterator> it_;  // destroyed before the bounds
  bool reverse_;
};

// Locking reads (SELECT ... FOR SHARE / FOR UPDATE; UPDATE and DELETE
// finding their rows): each row read is locked, then read as it is now.
enum class ReadLock : uint8_t { kNone, kShared, kExclusive };
// What a locking read does with a row another transaction holds: wait
// (innodb_lock_wait_timeout), fail at once (NOWAIT: 3572) or leave the row
// out (SKIP LOCKED).
enum class LockWait : uint8_t { kWait, kNowait, kSkipLocked };

class Transaction {
 public:
  ~Transaction();  // rolls back if neither committed nor rolled back
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Snapshot read (the snapshot is taken at the first read).
  Result<std::optional<std::string>> Get(std::string_view key);
  // Locking read (SELECT ... FOR UPDATE): the latest committed value.
  Result<std::optional<std::string>> GetForUpdate(std::string_view key);
  // Keys in [lower, upper) (upper empty: no end), ascending or reversed,
  // from the snapshot.
  std::unique_ptr<KeyIterator> Scan(std::string_view lower,
                                    std::string_view upper, bool reverse);
  Status Put(std::string_view key, std::string_view value);
  Status Delete(std::string_view key);

  Status Commit();
  Status Rollback();
  // Statement rollback: SetSavePoint() before a statement, then either
  // PopSavePoint() when it succeeded or RollbackToSavePoint() to undo its
  // writes (its locks are kept, as in InnoDB).
  void SetSavePoint();
  Status RollbackToSavePoint();
  Status PopSavePoint();
  // XA PREPARE under `xid`; then only Commit / Rollback are allowed.
  Status Prepare(std::string_view xid);
  bool prepared() const { return prepared_; }
  // Takes the read snapshot now (otherwise the first read takes it).
  void EnsureSnapshot();
  // Reads see the latest committed data (and this transaction's writes)
  // instead of the snapshot: UPDATE / DELETE find their rows this way, as
  // InnoDB's locking reads do, so they change what is there now.
  void set_current_read(bool on) { current_read_ = on; }
  // Lock waits (innodb_lock_wait_timeout): each lock is waited for up to
  // `ms` (negative: the storage's lock_timeout_ms), in slices of
  // kLockWaitSliceMs; between slices `interrupted` (may be empty) is asked,
  // and a non-OK answer (KILL QUERY, a time limit) ends the wait with that
  // error, as does Storage::AbortLockWait (1213). An expired wait is 1205.
  static constexpr int64_t kLockWaitSliceMs = 100;
  void set_lock_wait(int64_t ms, std::function<Status()> interrupted);
  // While set, Get() is a locking read of that kind: the row is locked
  // (shared or exclusive) and its latest committed value returned; a row
  // skipped under SKIP LOCKED reads as absent. Scans leave locking to
  // their callers, which Get() each key they yield (locking_reads()).
  void set_read_lock(ReadLock lock, LockWait wait);
  bool locking_reads() const { return read_lock_ != ReadLock::kNone; }
  // The name other nodes know this transaction by in lock waits (its XA
  // xid; see LockWaitEdge).
  void set_label(std::string label);

 private:
  friend class Storage;
  explicit Transaction(Storage* storage);
  // The RocksDB transaction, made on first need: a write, a locking read,
  // a prepare. Until then reads go to the snapshot directly, so a
  // read-only statement (autocommit SELECT, a plan's Get) never makes one.
  rocksdb::Transaction* Txn();
  // Runs `op` (a RocksDB call that may wait for a lock) under the lock
  // wait rules above.
  template <typename Op>
  Status Locking(Op&& op, LockWait wait = LockWait::kWait,
                 bool* skipped = nullptr);
  Result<std::optional<std::string>> LockedGet(std::string_view key,
                                               bool exclusive, LockWait wait);

  Storage* storage_;
  std::unique_ptr<rocksdb::Transaction> txn_;  // see Txn()
  size_t savepoints_ = 0;  // set before txn_ existed (nothing to undo)
  const rocksdb::Snapshot* snapshot_ = nullptr;
  bool current_read_ = false;
  bool done_ = false;
  bool prepared_ = false;
  ReadLock read_lock_ = ReadLock::kNone;
  LockWait read_wait_ = LockWait::kWait;
  int64_t lock_wait_ms_ = -1;
  int64_t slice_set_ = -1;  // the lock timeout RocksDB has now
  std::function<Status()> interrupted_;
  // Lock-wait bookkeeping for the cluster's deadlock detector: the id
  // under which Storage::live_ lists this transaction (0: not listed, no
  // RocksDB transaction yet), its label and start time, the number of the
  // current (or last) lock wait, and the number of a wait
  // Storage::AbortLockWait ended.
  uint64_t id_ = 0;
  std::string label_;  // guarded by storage_->live_mu_ once listed
  const int64_t started_us_;
  std::atomic<uint64_t> wait_seq_{0};
  std::atomic<uint64_t> abort_seq_{0};
};

class Storage {
 public:
  // Opens (creating if missing) the database at options.path; recovery of
  // the WAL (and of prepared transactions) happens here.
  static Result<std::unique_ptr<Storage>> Open(const StorageOptions& options);
  ~Storage();

  std::unique_ptr<Transaction> Begin();
  // Names of transactions left prepared (XA RECOVER).
  std::vector<std::string> Prepared();
  // XA COMMIT / ROLLBACK of a prepared transaction by name (also one
  // recovered after a restart); 1397 (XAE04) when unknown.
  Status CommitPrepared(std::string_view xid);
  Status RollbackPrepared(std::string_view xid);
  // Compacts [lower, upper) after a large delete (DROP TABLE).
  Status CompactRange(std::string_view lower, std::string_view upper);
  // A write outside any transaction (no lock): for counters that move
  // regardless of transactions. Synced like a commit only when `sync` (and
  // sync_wal); otherwise it reaches the WAL (survives a process crash) but
  // a power loss may drop it.
  Status PutAutonomous(std::string_view key, std::string_view value, bool sync);
  Status DeleteAutonomous(std::string_view key);
  // The latest committed value (no transaction, no snapshot).
  Result<std::optional<std::string>> GetLatest(std::string_view key);

  // Lock waits across nodes (docs/PROTOCOL.md §5.4):
  // RocksDB finds the wait cycles inside this node itself (1213); a
  // cycle through several nodes is found by a compute node from every
  // node's waits, which it ends by aborting one waiter. A wait is not
  // listed for the moment between two of its slices (kLockWaitSliceMs);
  // the detector sees it at its next look.
  std::vector<LockWaitEdge> LockWaits();
  // Ends `waiter`'s lock wait with 1213 (a deadlock victim) if it is
  // waiting for `holder` now; false when it is not (the wait is over).
  bool AbortLockWait(uint64_t waiter, uint64_t holder);

  const StorageOptions& options() const { return options_; }

 private:
  friend class Transaction;
  Storage() = default;
  StorageOptions options_;
  std::unique_ptr<rocksdb::TransactionDB> db_;
  // Transactions that have a RocksDB transaction, by its id.
  Mutex live_mu_;
  std::unordered_map<uint64_t, Transaction*> live_ XP_GUARDED_BY(live_mu_);
};

}  // namespace xp::dn
