// UPDATE / DELETE / REPLACE / ON DUPLICATE KEY UPDATE over fake data nodes
// (cn/txn/fake_dn.h) on a table with a global unique index (dml_update.cc):
// the index table's entries follow the rows — an entry per row, on the
// partition its key hashes to, moved by an UPDATE of the key, removed with
// the row — and a collision found through the index reaches the row on
// whatever partition holds it.

#include <gtest/gtest.h>

#include <set>

#include "cn/testing/fake_cluster_test_base.h"

namespace xp::cn {
namespace {

class GlobalIndexWriteTest : public testing::FakeClusterTest {
 protected:
  void SetUp() override {
    FakeClusterTest::SetUp();
    // u is unique but not the partition key: a global index (its own
    // table, partitioned by u).
    Ok("CREATE TABLE g (id INT PRIMARY KEY, u INT, v INT, UNIQUE KEY uk (u)) "
       "PARTITION BY HASH(id) PARTITIONS 2");
  }
  // The smallest id above `a` whose row goes to another partition.
  static int64_t OnAnotherPartition(int64_t a) {
    auto part = [](int64_t id) {
      return PartitionOf({plan::Value(id)}, {plan::DataType::Int(4)}, 2);
    };
    int64_t b = a + 1;
    while (part(b) == part(a)) ++b;
    return b;
  }
  // Every entry of the index as "u:id", over all of its partitions, and
  // whether each is on the partition its key hashes to.
  std::set<std::string> Entries() {
    Result<const plan::TableSchema*> t = store_->catalog().FindTable("d", "g");
    EXPECT_TRUE(t.ok());
    const GlobalIndex* gi = store_->PlacementOf(**t)->Global("uk");
    EXPECT_NE(gi, nullptr);
    std::set<std::string> out;
    if (gi == nullptr) return out;
    for (size_t part = 0; part < gi->partitions(); ++part) {
      auto rows = fake_.Query(gi->dn[part],
                              "SELECT * FROM `d`.`" + gi->name[part] + "`");
      EXPECT_TRUE(rows.ok()) << rows.status().ToString();
      if (!rows.ok()) continue;
      for (const auto& r : *rows) {
        out.insert(r[0] + ":" + r[1]);
        const size_t want =
            PartitionOf({plan::Value(int64_t{std::stoll(r[0])})},
                        {plan::DataType::Int(4)}, gi->partitions());
        EXPECT_EQ(want, part) << "entry " << r[0] << " on partition " << part;
      }
    }
    return out;
  }
};

TEST_F(GlobalIndexWriteTest, UpdateOfTheKeyMovesItsEntryAndDeleteRemovesIt) {
  Ok("INSERT INTO g VALUES (1, 10, 0), (2, 20, 0), (3, 30, 0)");
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:1", "20:2", "30:3"}));
  EXPECT_EQ(Ok("UPDATE g SET u = 11 WHERE id = 1").rows_affected, 1u);
  EXPECT_EQ(Entries(), (std::set<std::string>{"11:1", "20:2", "30:3"}));
  // The old key is free again, the new one taken.
  Ok("INSERT INTO g VALUES (4, 10, 0)");
  EXPECT_EQ(ErrorCode("INSERT INTO g VALUES (5, 11, 0)"), 1062u);
  // An UPDATE of other columns leaves the entries alone.
  Ok("UPDATE g SET v = v + 1");
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:4", "11:1", "20:2", "30:3"}));
  EXPECT_EQ(Ok("DELETE FROM g WHERE u IN (20, 30)").rows_affected, 2u);
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:4", "11:1"}));
  EXPECT_EQ(Rows("SELECT id, u, v FROM g ORDER BY id"),
            (std::vector<std::string>{"1,11,1", "4,10,1"}));
}

TEST_F(GlobalIndexWriteTest, AnUpdateToATakenKeyIs1062AndChangesNothing) {
  Ok("INSERT INTO g VALUES (1, 10, 0), (2, 20, 0)");
  EXPECT_EQ(ErrorCode("UPDATE g SET u = 20 WHERE id = 1"), 1062u);
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:1", "20:2"}));
  EXPECT_EQ(Rows("SELECT id, u FROM g ORDER BY id"),
            (std::vector<std::string>{"1,10", "2,20"}));
  EXPECT_EQ(fake_.OpenTransactions(0) + fake_.OpenTransactions(1), 0u);
}

TEST_F(GlobalIndexWriteTest, OnDuplicateKeyUpdateFindsTheRowThroughTheIndex) {
  // The collision on u is with a row on another partition than the new
  // row's id.
  const int64_t a = 1, b = OnAnotherPartition(a);
  Ok("INSERT INTO g VALUES (" + std::to_string(a) + ", 10, 1)");
  EXPECT_EQ(Ok("INSERT INTO g VALUES (" + std::to_string(b) +
               ", 10, 5) ON DUPLICATE KEY UPDATE v = v + VALUES(v)")
                .rows_affected,
            2u);  // MySQL: 2 for a row updated
  EXPECT_EQ(Rows("SELECT id, u, v FROM g"),
            (std::vector<std::string>{std::to_string(a) + ",10,6"}));
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:" + std::to_string(a)}));
}

TEST_F(GlobalIndexWriteTest, ReplaceRemovesTheRowItCollidesWith) {
  const int64_t a = 1, b = OnAnotherPartition(a);
  Ok("INSERT INTO g VALUES (" + std::to_string(a) + ", 10, 1)");
  Ok("REPLACE INTO g VALUES (" + std::to_string(b) + ", 10, 2)");
  EXPECT_EQ(Rows("SELECT id, u, v FROM g"),
            (std::vector<std::string>{std::to_string(b) + ",10,2"}));
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:" + std::to_string(b)}));
}

TEST_F(GlobalIndexWriteTest, AFailedEntryWriteUndoesTheRowUpdate) {
  Ok("INSERT INTO g VALUES (1, 10, 0), (2, 20, 0), (3, 30, 0), (4, 40, 0)");
  // The first entry insert the UPDATE sends fails on either DN.
  InjectError(0, "INSERT", 1114, "HY000", "The table is full");
  InjectError(1, "INSERT", 1114, "HY000", "The table is full");
  EXPECT_EQ(ErrorCode("UPDATE g SET u = u + 1"), 1114u);
  EXPECT_EQ(Rows("SELECT id, u FROM g ORDER BY id"),
            (std::vector<std::string>{"1,10", "2,20", "3,30", "4,40"}));
  EXPECT_EQ(Entries(), (std::set<std::string>{"10:1", "20:2", "30:3", "40:4"}));
}

}  // namespace
}  // namespace xp::cn
