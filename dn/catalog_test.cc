#include "dn/catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "plan/sql/parser.h"

namespace xp::dn {
namespace {

plan::TableSchema Schema(std::string_view create) {
  auto stmt = sql::Parse(create);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  auto s = plan::BuildTableSchema(
      static_cast<const sql::CreateTableStatement&>(**stmt), "app");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xp_catalog_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    catalog_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    catalog_.reset();
    storage_.reset();
    StorageOptions o;
    o.path = dir_;
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(*s);
    auto c = LocalCatalog::Open(storage_.get());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(*c);
  }
  std::string dir_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<LocalCatalog> catalog_;
};

TEST_F(CatalogTest, SchemasRoundTripThroughTheirEncoding) {
  plan::TableSchema t = Schema(
      "CREATE TABLE s (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
      "k INT NOT NULL DEFAULT 0, c CHAR(120) DEFAULT 'x', "
      "d DECIMAL(12,3) DEFAULT 1.5, f DOUBLE, ts TIMESTAMP(3) DEFAULT "
      "CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), b VARBINARY(8), "
      "e ENUM('a','b'), u DATETIME ON UPDATE NOW(), "
      "UNIQUE KEY uk (c, k DESC), KEY k_1 (k)) PARTITION BY HASH(id) "
      "PARTITIONS 4");
  t.columns[1].added_value = plan::Value(int64_t{0});  // ADD COLUMN
  t.columns[4].added_value = plan::Value();            // NULL
  const std::string enc = EncodeTableSchema(t, 77);
  plan::TableSchema back;
  uint64_t id = 0;
  ASSERT_TRUE(DecodeTableSchema(enc, &back, &id).ok());
  EXPECT_EQ(id, 77u);
  EXPECT_EQ(EncodeTableSchema(back, 77), enc);  // nothing lost
  ASSERT_EQ(back.columns.size(), t.columns.size());
  EXPECT_EQ(back.columns[3].type.ToString(), "DECIMAL(12,3)");
  EXPECT_EQ(back.indexes[1].name, "uk");
  EXPECT_TRUE(back.indexes[1].desc[1]);
  EXPECT_EQ(back.partition.partitions, 4);
  EXPECT_TRUE(back.columns[5].default_now && back.columns[5].on_update_now);
  EXPECT_TRUE(!back.columns[8].default_now && back.columns[8].on_update_now);
  EXPECT_FALSE(back.columns[1].on_update_now);
  ASSERT_TRUE(back.columns[1].added_value && back.columns[4].added_value);
  EXPECT_EQ(std::get<int64_t>(*back.columns[1].added_value), 0);
  EXPECT_EQ(back.columns[4].added_value->index(), 0u);
  EXPECT_FALSE(back.columns[2].added_value);
  // Every truncation is an error, never a crash.
  for (size_t n = 0; n < enc.size(); ++n) {
    plan::TableSchema x;
    EXPECT_FALSE(DecodeTableSchema(enc.substr(0, n), &x, &id).ok()) << n;
  }
}

TEST_F(CatalogTest, ForeignKeysRoundTripThroughTheEncoding) {
  plan::TableSchema t = Schema(
      "CREATE TABLE c (id INT PRIMARY KEY, a INT, b VARCHAR(5), "
      "CONSTRAINT fk_a FOREIGN KEY (a, b) REFERENCES other.p (x, y) ON "
      "DELETE CASCADE ON UPDATE SET NULL, FOREIGN KEY (b) REFERENCES q (z))");
  ASSERT_EQ(t.foreign_keys.size(), 2u);
  const std::string enc = EncodeTableSchema(t, 5);
  plan::TableSchema back;
  uint64_t id = 0;
  ASSERT_TRUE(DecodeTableSchema(enc, &back, &id).ok());
  EXPECT_EQ(EncodeTableSchema(back, 5), enc);
  ASSERT_EQ(back.foreign_keys.size(), 2u);
  const plan::ForeignKeySchema& fk = back.foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_a");
  EXPECT_EQ(fk.columns, (std::vector<int>{1, 2}));
  EXPECT_EQ(fk.ref_database, "other");
  EXPECT_EQ(fk.ref_table, "p");
  EXPECT_EQ(fk.ref_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(fk.on_delete, sql::ForeignKeyAction::kCascade);
  EXPECT_EQ(fk.on_update, sql::ForeignKeyAction::kSetNull);
  EXPECT_EQ(back.foreign_keys[1].name, "c_ibfk_1");
  EXPECT_EQ(back.foreign_keys[1].ref_database, "app");
  // A record from before foreign keys ends after its indexes: it reads as
  // a table without any; every other truncation is an error.
  plan::TableSchema without = t;
  without.foreign_keys.clear();
  const size_t old_end = EncodeTableSchema(without, 5).size();
  for (size_t n = 0; n < enc.size(); ++n) {
    plan::TableSchema x;
    EXPECT_EQ(DecodeTableSchema(enc.substr(0, n), &x, &id).ok(), n == old_end)
        << n;
  }
}

TEST_F(CatalogTest, SurvivesRestartsWithMysqlErrors) {
  ASSERT_TRUE(catalog_->CreateDatabase("app", false).ok());
  EXPECT_EQ(catalog_->CreateDatabase("app", false).sql_code(), 1007u);
  ASSERT_TRUE(
      catalog_
          ->CreateTable(Schema("CREATE TABLE t1 (id INT PRIMARY KEY, v INT)"),
                        false)
          .ok());
  ASSERT_TRUE(
      catalog_->CreateTable(Schema("CREATE TABLE t2 (a INT)"), false).ok());
  EXPECT_EQ(catalog_->CreateTable(Schema("CREATE TABLE t1 (x INT)"), false)
                .sql_code(),
            1050u);
  auto id1 = catalog_->TableId("app", "t1");
  auto id2 = catalog_->TableId("app", "t2");
  ASSERT_TRUE(id1.ok() && id2.ok());
  EXPECT_NE(*id1, *id2);
  Reopen();
  EXPECT_TRUE(catalog_->HasDatabase("app"));
  auto t1 = catalog_->FindTable("app", "t1");
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ((*t1)->columns.size(), 2u);
  EXPECT_EQ(*catalog_->TableId("app", "t1"), *id1);
  // ALTER bumps the version, durably.
  plan::TableSchema altered = **t1;
  altered.columns.push_back(altered.columns[1]);
  altered.columns.back().name = "w";
  ASSERT_TRUE(catalog_->AlterTable(altered).ok());
  EXPECT_EQ((*catalog_->FindTable("app", "t1"))->version, 2u);
  ASSERT_TRUE(catalog_->DropTable("app", "t2", false).ok());
  EXPECT_EQ(catalog_->DropTable("app", "t2", false).sql_code(), 1051u);
  Reopen();
  EXPECT_EQ((*catalog_->FindTable("app", "t1"))->columns.size(), 3u);
  EXPECT_EQ((*catalog_->FindTable("app", "t1"))->version, 2u);
  EXPECT_EQ(catalog_->FindTable("app", "t2").status().sql_code(), 1146u);
  // RENAME keeps the id (the rows stay where they are), durably.
  ASSERT_TRUE(catalog_->CreateDatabase("other", false).ok());
  ASSERT_TRUE(catalog_->RenameTable("app", "t1", "other", "r1").ok());
  EXPECT_EQ(catalog_->RenameTable("app", "t1", "other", "r2").sql_code(),
            1146u);
  EXPECT_EQ(catalog_->RenameTable("other", "r1", "nodb", "r2").sql_code(),
            1049u);
  Reopen();
  EXPECT_EQ(catalog_->FindTable("app", "t1").status().sql_code(), 1146u);
  ASSERT_TRUE(catalog_->FindTable("other", "r1").ok());
  EXPECT_EQ((*catalog_->FindTable("other", "r1"))->version, 3u);
  EXPECT_EQ(*catalog_->TableId("other", "r1"), *id1);
  ASSERT_TRUE(catalog_->RenameTable("other", "r1", "app", "t1").ok());
  // New tables never reuse an id.
  ASSERT_TRUE(
      catalog_->CreateTable(Schema("CREATE TABLE t3 (a INT)"), false).ok());
  EXPECT_GT(*catalog_->TableId("app", "t3"), *id2);
  ASSERT_TRUE(catalog_->DropDatabase("app", false).ok());
  EXPECT_EQ(catalog_->DropDatabase("app", false).sql_code(), 1008u);
  Reopen();
  EXPECT_FALSE(catalog_->HasDatabase("app"));
  EXPECT_EQ(catalog_->CreateTable(Schema("CREATE TABLE t1 (a INT)"), false)
                .sql_code(),
            1049u);
}

}  // namespace
}  // namespace xp::dn
