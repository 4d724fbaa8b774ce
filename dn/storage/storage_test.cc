#include "dn/storage/storage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "codec/key.h"

namespace xp::dn {
namespace {

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xp_storage_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen(int64_t lock_timeout_ms = 200) {
    db_.reset();
    StorageOptions o;
    o.path = dir_;
    o.lock_timeout_ms = lock_timeout_ms;
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    db_ = std::move(*s);
  }
  void PutCommitted(std::string_view k, std::string_view v) {
    auto t = db_->Begin();
    ASSERT_TRUE(t->Put(k, v).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  std::optional<std::string> Read(std::string_view k) {
    auto t = db_->Begin();
    auto r = t->Get(k);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }

  std::string dir_;
  std::unique_ptr<Storage> db_;
};

TEST_F(StorageTest, CommitRollbackAndOwnWrites) {
  auto t = db_->Begin();
  ASSERT_TRUE(t->Put("a", "1").ok());
  EXPECT_EQ(*t->Get("a"), std::optional<std::string>("1"));  // own write
  EXPECT_EQ(Read("a"), std::nullopt);                        // not yet visible
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Read("a"), std::optional<std::string>("1"));
  auto r = db_->Begin();
  ASSERT_TRUE(r->Delete("a").ok());
  ASSERT_TRUE(r->Rollback().ok());
  EXPECT_EQ(Read("a"), std::optional<std::string>("1"));
  {
    auto dropped = db_->Begin();  // destroyed without commit: rolled back
    ASSERT_TRUE(dropped->Put("b", "2").ok());
  }
  EXPECT_EQ(Read("b"), std::nullopt);
}

// A transaction makes its RocksDB transaction only at its first write or
// locking read: reads before it see the snapshot, savepoints set before it
// still undo what follows them.
TEST_F(StorageTest, SavepointsBeforeTheFirstWriteStillUndo) {
  PutCommitted("a", "1");
  auto t = db_->Begin();
  EXPECT_EQ(*t->Get("a"), std::optional<std::string>("1"));
  t->SetSavePoint();  // statement 1: nothing written yet
  t->SetSavePoint();  // statement 2
  ASSERT_TRUE(t->Put("b", "2").ok());
  EXPECT_EQ(*t->Get("b"), std::optional<std::string>("2"));
  ASSERT_TRUE(t->RollbackToSavePoint().ok());  // statement 2 failed
  EXPECT_EQ(*t->Get("b"), std::nullopt);
  ASSERT_TRUE(t->Put("c", "3").ok());
  ASSERT_TRUE(t->PopSavePoint().ok());   // statement 1 succeeded
  EXPECT_FALSE(t->PopSavePoint().ok());  // no savepoint left
  ASSERT_TRUE(t->Commit().ok());
  EXPECT_EQ(Read("b"), std::nullopt);
  EXPECT_EQ(Read("c"), std::optional<std::string>("3"));
  // A read-only transaction ends cleanly either way, and a savepoint
  // without a write pops.
  auto r = db_->Begin();
  r->SetSavePoint();
  EXPECT_EQ(*r->Get("c"), std::optional<std::string>("3"));
  EXPECT_EQ(r->Scan("", "", false)->Valid(), true);
  ASSERT_TRUE(r->RollbackToSavePoint().ok());
  ASSERT_TRUE(r->Commit().ok());
}

TEST_F(StorageTest, ReadsSeeTheSnapshotOfTheFirstRead) {
  PutCommitted("k", "old");
  auto reader = db_->Begin();
  EXPECT_EQ(*reader->Get("k"), std::optional<std::string>("old"));
  PutCommitted("k", "new");
  PutCommitted("k2", "x");
  // REPEATABLE READ: the same answers for the rest of the transaction.
  EXPECT_EQ(*reader->Get("k"), std::optional<std::string>("old"));
  EXPECT_EQ(*reader->Get("k2"), std::nullopt);
  auto it = reader->Scan("k", "l", false);
  size_t n = 0;
  for (; it->Valid(); it->Next()) ++n;
  EXPECT_EQ(n, 1u);
  // A locking read sees the latest committed value.
  EXPECT_EQ(*reader->GetForUpdate("k"), std::optional<std::string>("new"));
}

TEST_F(StorageTest, WriteConflictsAreLockWaitTimeouts) {
  PutCommitted("row", "0");
  auto a = db_->Begin();
  auto b = db_->Begin();
  ASSERT_TRUE(a->Put("row", "a").ok());
  Status st = b->Put("row", "b");  // waits 200 ms for a's lock
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.sql_code(), ER_LOCK_WAIT_TIMEOUT);
  EXPECT_EQ(st.sql_state(), "HY000");
  ASSERT_TRUE(b->Rollback().ok());
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(Read("row"), std::optional<std::string>("a"));
}

TEST_F(StorageTest, LockWaitsFollowTheTransactionsTimeoutAndInterrupt) {
  Reopen(50000);  // the storage default is far longer than what is tested
  PutCommitted("row", "0");
  auto a = db_->Begin();
  ASSERT_TRUE(a->Put("row", "a").ok());
  // The transaction's own wait (350 ms) replaces the default: 1205.
  auto b = db_->Begin();
  b->set_lock_wait(350, nullptr);
  auto start = std::chrono::steady_clock::now();
  Status st = b->Put("row", "b");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.sql_code(), ER_LOCK_WAIT_TIMEOUT) << st.ToString();
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::milliseconds(5000));
  // An interrupt (KILL QUERY) ends a wait at the next slice with its error.
  int asked = 0;
  b->set_lock_wait(-1, [&asked] {
    return ++asked < 3 ? Status::OK()
                       : Status::SqlError(1317, "70100", "interrupted");
  });
  start = std::chrono::steady_clock::now();
  auto got = b->GetForUpdate("row");
  took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().sql_code(), 1317u);
  EXPECT_EQ(asked, 3);
  EXPECT_LT(took, std::chrono::milliseconds(5000));
  // Once the holder is gone the lock is taken at once.
  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(b->Delete("row").ok());
  ASSERT_TRUE(b->Commit().ok());
  EXPECT_EQ(Read("row"), std::nullopt);
}

TEST_F(StorageTest, DeadlocksAre1213) {
  Reopen(5000);
  PutCommitted("x", "0");
  PutCommitted("y", "0");
  auto a = db_->Begin();
  auto b = db_->Begin();
  ASSERT_TRUE(a->Put("x", "a").ok());
  ASSERT_TRUE(b->Put("y", "b").ok());
  Status from_a;
  std::thread t([&] {
    from_a = a->Put("y", "a");  // waits for b
    if (!from_a.ok()) (void)a->Rollback();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status from_b = b->Put("x", "b");  // closes the cycle
  if (!from_b.ok()) {
    ASSERT_TRUE(b->Rollback().ok());
  }
  t.join();
  // Exactly one side is chosen as the victim, with MySQL's error.
  const bool a_failed = !from_a.ok(), b_failed = !from_b.ok();
  ASSERT_NE(a_failed, b_failed);
  const Status& victim = a_failed ? from_a : from_b;
  EXPECT_EQ(victim.sql_code(), ER_LOCK_DEADLOCK) << victim.ToString();
  EXPECT_EQ(victim.sql_state(), "40001");
}

// What the cluster's deadlock detector sees and does (docs/PROTOCOL.md
// §5.4): a wait is listed with both transactions' labels, and aborting it
// ends it with 1213 while the holder keeps its lock.
TEST_F(StorageTest, LockWaitsAreListedAndCanBeAborted) {
  Reopen(/*lock_timeout_ms=*/20000);
  PutCommitted("k", "0");
  EXPECT_TRUE(db_->LockWaits().empty());
  auto holder = db_->Begin();
  holder->set_label("xid-holder");
  ASSERT_TRUE(holder->Put("k", "1").ok());
  auto waiter = db_->Begin();
  waiter->set_label("xid-waiter");
  ASSERT_TRUE(waiter->Put("other", "x").ok());  // a RocksDB txn exists
  Status put;
  const auto t0 = std::chrono::steady_clock::now();
  std::thread t([&] { put = waiter->Put("k", "2"); });
  std::vector<LockWaitEdge> waits;
  for (int i = 0; i < 200 && waits.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    waits = db_->LockWaits();
  }
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].waiter_label, "xid-waiter");
  EXPECT_EQ(waits[0].holder_label, "xid-holder");
  EXPECT_GT(waits[0].waiter_started_us, 0);
  // Naming another holder aborts nothing; the right one does.
  EXPECT_FALSE(db_->AbortLockWait(waits[0].waiter, waits[0].waiter));
  bool aborted = false;
  for (int i = 0; i < 50 && !aborted; ++i) {  // not between two slices
    aborted = db_->AbortLockWait(waits[0].waiter, waits[0].holder);
    if (!aborted) std::this_thread::sleep_for(std::chrono::milliseconds(7));
  }
  EXPECT_TRUE(aborted);
  t.join();
  EXPECT_EQ(put.sql_code(), 1213u) << put.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_TRUE(db_->LockWaits().empty());
  // The waiter's next wait is not the aborted one: it waits again (and
  // times out at its own limit).
  waiter->set_lock_wait(150, nullptr);
  EXPECT_EQ(waiter->Put("k", "3").sql_code(), 1205u);
  ASSERT_TRUE(holder->Commit().ok());
  ASSERT_TRUE(waiter->Rollback().ok());
  EXPECT_EQ(Read("k"), std::optional<std::string>("1"));
}

TEST_F(StorageTest, ScansFollowKeyOrderWithinBounds) {
  auto key = [](int64_t v) {
    std::string k;
    key::AppendPrefix(5, 1, &k);
    key::AppendInt64(v, false, &k);
    return k;
  };
  for (int64_t v : {-3, 10, 0, 7, -100, 42}) PutCommitted(key(v), "v");
  PutCommitted("\xff", "other table");  // outside the prefix
  std::string prefix;
  key::AppendPrefix(5, 1, &prefix);
  auto t = db_->Begin();
  std::vector<int64_t> seen;
  for (auto it = t->Scan(prefix, key::PrefixSuccessor(prefix), false);
       it->Valid(); it->Next()) {
    key::Decoder d(it->key());
    uint64_t table;
    uint32_t index;
    ASSERT_TRUE(d.ReadPrefix(&table, &index).ok());
    bool null;
    int64_t v;
    ASSERT_TRUE(d.ReadInt64(false, &null, &v).ok());
    seen.push_back(v);
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{-100, -3, 0, 7, 10, 42}));
  // Reverse within [key(0), key(42)): 10, 7, 0.
  std::vector<std::string> rev;
  for (auto it = t->Scan(key(0), key(42), true); it->Valid(); it->Next())
    rev.emplace_back(it->key());
  EXPECT_EQ(rev, (std::vector<std::string>{key(10), key(7), key(0)}));
}

// A transaction's own uncommitted writes outside a scan's bounds stay
// outside it, in snapshot and current reads, forwards and in reverse (the
// merging iterator over the write batch ignores RocksDB's bounds).
TEST_F(StorageTest, ScansOfOwnWritesStayWithinBounds) {
  PutCommitted("b1", "committed");
  for (bool current : {false, true}) {
    auto t = db_->Begin();
    t->set_current_read(current);
    ASSERT_TRUE(t->Put("a9", "before").ok());
    ASSERT_TRUE(t->Put("b2", "inside").ok());
    ASSERT_TRUE(t->Put("c1", "after").ok());
    for (bool reverse : {false, true}) {
      std::vector<std::string> seen;
      for (auto it = t->Scan("b", "c", reverse); it->Valid(); it->Next())
        seen.emplace_back(it->key());
      if (reverse) std::reverse(seen.begin(), seen.end());
      EXPECT_EQ(seen, (std::vector<std::string>{"b1", "b2"}))
          << "current=" << current << " reverse=" << reverse;
    }
    ASSERT_TRUE(t->Rollback().ok());
  }
}

TEST_F(StorageTest, PreparedTransactionsSurviveARestart) {
  {
    auto t = db_->Begin();
    ASSERT_TRUE(t->Put("xa1", "v1").ok());
    ASSERT_TRUE(t->Prepare("gtrid-1").ok());
    auto u = db_->Begin();
    ASSERT_TRUE(u->Put("xa2", "v2").ok());
    ASSERT_TRUE(u->Prepare("gtrid-2").ok());
  }
  EXPECT_EQ(Read("xa1"), std::nullopt);  // prepared is not committed
  Reopen();
  auto names = db_->Prepared();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"gtrid-1", "gtrid-2"}));
  ASSERT_TRUE(db_->CommitPrepared("gtrid-1").ok());
  ASSERT_TRUE(db_->RollbackPrepared("gtrid-2").ok());
  EXPECT_EQ(db_->CommitPrepared("gtrid-2").sql_code(), 1397u);
  EXPECT_EQ(Read("xa1"), std::optional<std::string>("v1"));
  EXPECT_EQ(Read("xa2"), std::nullopt);
  EXPECT_TRUE(db_->Prepared().empty());
  Reopen();
  EXPECT_EQ(Read("xa1"), std::optional<std::string>("v1"));
}

TEST_F(StorageTest, CommittedWritesSurviveReopen) {
  PutCommitted("durable", "yes");
  Reopen();
  EXPECT_EQ(Read("durable"), std::optional<std::string>("yes"));
}

}  // namespace
}  // namespace xp::dn
