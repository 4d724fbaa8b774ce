// DDL over fake data nodes (cn/txn/fake_dn.h): a table's partitions are
// made on their DNs and recorded in the catalog log on DN 0, which a new
// CN replays; a CREATE TABLE failing on one DN leaves no table anywhere;
// an ALTER TABLE that copies the table switches to the copy in one catalog
// entry, and leaves the table as it was when the copy fails.

#include <gtest/gtest.h>

#include "cn/testing/fake_cluster_test_base.h"

namespace xp::cn {
namespace {

class CatalogTest : public testing::FakeClusterTest {
 protected:
  std::vector<std::string> TablesOn(size_t dn) {
    auto rows = fake_.Query(dn, "SHOW TABLES FROM d");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (rows.ok())
      for (const auto& r : *rows) out.push_back(r[0]);
    return out;
  }
};

TEST_F(CatalogTest, PartitionsAreMadeOnTheirDnsAndReplayedByANewCn) {
  Ok("CREATE TABLE t (id INT PRIMARY KEY, v INT) PARTITION BY HASH(id) "
     "PARTITIONS 4");
  EXPECT_EQ(TablesOn(0).size(), 2u);  // partitions 0 and 2
  EXPECT_EQ(TablesOn(1).size(), 2u);  // 1 and 3
  Ok("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
  Open();
  Ok("USE d");
  EXPECT_EQ(Rows("SELECT SUM(v) FROM t"), std::vector<std::string>{"6"});
  EXPECT_EQ(Rows("SHOW TABLES"), std::vector<std::string>{"t"});
}

TEST_F(CatalogTest, CreateTableFailingOnOneDnLeavesNoTable) {
  InjectError(1, "CREATE TABLE", 1005, "HY000",
              "Can't create table (errno: 28)");
  EXPECT_EQ(ErrorCode("CREATE TABLE t (id INT PRIMARY KEY) PARTITION BY "
                      "HASH(id) PARTITIONS 2"),
            1005u);
  EXPECT_TRUE(TablesOn(0).empty());
  EXPECT_TRUE(TablesOn(1).empty());
  EXPECT_EQ(ErrorCode("SELECT * FROM t"), 1146u);
  Open();  // and no catalog entry a new CN would replay
  EXPECT_EQ(ErrorCode("SELECT * FROM d.t"), 1146u);
  Ok("CREATE TABLE d.t (id INT PRIMARY KEY) PARTITION BY HASH(id) PARTITIONS "
     "2");
  EXPECT_EQ(TablesOn(1).size(), 1u);
}

TEST_F(CatalogTest, AddAndDropColumnCopyTheTableOrLeaveItAsItWas) {
  Ok("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10) UNIQUE, v INT) "
     "PARTITION BY HASH(id) PARTITIONS 2");
  Ok("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
  const auto before0 = TablesOn(0), before1 = TablesOn(1);
  // The copy into DN 1's new partition fails: nothing changes, nothing is
  // left behind, and a new CN replays the old definition.
  InjectError(1, "INSERT INTO", 1114, "HY000", "The table 't' is full");
  EXPECT_EQ(ErrorCode("ALTER TABLE t ADD COLUMN w INT DEFAULT 7"), 1114u);
  EXPECT_EQ(TablesOn(0), before0);
  EXPECT_EQ(TablesOn(1), before1);
  EXPECT_EQ(Rows("SELECT SUM(v) FROM t"), std::vector<std::string>{"6"});
  EXPECT_EQ(ErrorCode("SELECT w FROM t"), 1054u);
  Open();
  Ok("USE d");
  EXPECT_EQ(ErrorCode("SELECT w FROM t"), 1054u);
  // Now it goes through: new physical tables (the global index's too)
  // replace the old ones, for this CN and a new one.
  Ok("ALTER TABLE t ADD COLUMN w INT DEFAULT 7");
  Ok("ALTER TABLE t DROP COLUMN v");
  EXPECT_EQ(TablesOn(0).size(), before0.size());
  EXPECT_EQ(TablesOn(1).size(), before1.size());
  EXPECT_NE(TablesOn(0), before0);
  EXPECT_EQ(Rows("SELECT SUM(w) FROM t"), std::vector<std::string>{"21"});
  EXPECT_EQ(ErrorCode("SELECT v FROM t"), 1054u);
  Open();
  Ok("USE d");
  EXPECT_EQ(Rows("SELECT id FROM t WHERE name = 'b'"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ErrorCode("INSERT INTO t (id, name) VALUES (9, 'c')"), 1062u);
  EXPECT_EQ(Rows("SELECT SUM(w) FROM t"), std::vector<std::string>{"21"});
}

TEST_F(CatalogTest, RenamedTablesKeepTheirRowsAndAreReplayedByANewCn) {
  Ok("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10) UNIQUE, v INT) "
     "PARTITION BY HASH(id) PARTITIONS 2");
  Ok("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
  Ok("CREATE DATABASE e");
  const auto before0 = TablesOn(0), before1 = TablesOn(1);
  // Within a database only the catalog changes.
  Ok("RENAME TABLE t TO u");
  EXPECT_EQ(TablesOn(0), before0);
  EXPECT_EQ(TablesOn(1), before1);
  // Across databases the physical tables move; one failing moves the
  // others back and nothing is logged.
  InjectError(1, "RENAME TABLE", 1025, "HY000", "Error on rename");
  EXPECT_EQ(ErrorCode("RENAME TABLE u TO e.w"), 1025u);
  EXPECT_EQ(TablesOn(0), before0);
  EXPECT_EQ(TablesOn(1), before1);
  EXPECT_EQ(Rows("SELECT SUM(v) FROM u"), std::vector<std::string>{"6"});
  Open();
  Ok("USE d");
  EXPECT_EQ(Rows("SELECT SUM(v) FROM u"), std::vector<std::string>{"6"});
  EXPECT_EQ(ErrorCode("SELECT * FROM t"), 1146u);
  Ok("ALTER TABLE u RENAME TO e.w");
  EXPECT_EQ(TablesOn(0), std::vector<std::string>{});
  EXPECT_EQ(TablesOn(1), std::vector<std::string>{});
  Open();
  EXPECT_EQ(Rows("SELECT SUM(v) FROM e.w"), std::vector<std::string>{"6"});
  EXPECT_EQ(Rows("SELECT id FROM e.w WHERE name = 'b'"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ErrorCode("INSERT INTO e.w VALUES (9, 'c', 9)"), 1062u);
  EXPECT_EQ(ErrorCode("SELECT * FROM d.u"), 1146u);
}

// Foreign keys live in the catalog (a partition knows none) and a new CN
// replays them: enforced, and following renames.
TEST_F(CatalogTest, ForeignKeysAreReplayedByANewCn) {
  Ok("CREATE TABLE p (id INT PRIMARY KEY) PARTITION BY HASH(id) PARTITIONS 2");
  Ok("CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk FOREIGN KEY "
     "(pid) REFERENCES p (id) ON DELETE CASCADE) PARTITION BY HASH(id) "
     "PARTITIONS 2");
  for (size_t dn = 0; dn < 2; ++dn) {
    auto rows = fake_.Query(dn,
                            "SELECT COUNT(*) FROM "
                            "information_schema.referential_constraints");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ((*rows)[0][0], "0") << dn;
  }
  Ok("INSERT INTO p VALUES (1), (2)");
  Ok("INSERT INTO c VALUES (10, 1), (11, 2)");
  Ok("RENAME TABLE p TO p2");
  Open();
  Ok("USE d");
  EXPECT_EQ(ErrorCode("INSERT INTO c VALUES (12, 3)"), 1452u);
  EXPECT_EQ(ErrorCode("DROP TABLE p2"), 3730u);
  Ok("DELETE FROM p2 WHERE id = 1");
  EXPECT_EQ(Rows("SELECT id FROM c"), std::vector<std::string>{"11"});
  Ok("ALTER TABLE c DROP FOREIGN KEY fk");
  Open();
  Ok("USE d");
  Ok("INSERT INTO c VALUES (12, 3)");
  Ok("DROP TABLE p2");
}

TEST_F(CatalogTest, AnUnreachableDnFailsDdlWith1429) {
  fake_.SetDown(1, true);
  EXPECT_EQ(ErrorCode("CREATE TABLE t (id INT PRIMARY KEY) PARTITION BY "
                      "HASH(id) PARTITIONS 2"),
            1429u);
  fake_.SetDown(1, false);
  EXPECT_TRUE(TablesOn(0).empty());
}

}  // namespace
}  // namespace xp::cn
