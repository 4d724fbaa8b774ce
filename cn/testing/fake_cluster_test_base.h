// A compute node over FakeCluster data nodes (cn/txn/fake_dn.h) for unit
// tests: a ClusterStore and SQL sessions on it, the way xcn runs them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cn/cluster_store.h"
#include "cn/txn/fake_dn.h"
#include "plan/session/sql_session.h"

namespace xp::cn::testing {

class FakeClusterTest : public ::testing::Test {
 protected:
  explicit FakeClusterTest(size_t dns = 2) : fake_(dns) {}
  ~FakeClusterTest() override { Close(); }

  // A CN (again) over the fake DNs: recovery runs, the catalog replays.
  void Open(FailpointHook failpoint = nullptr) {
    Close();
    ClusterOptions o;
    for (size_t i = 0; i < fake_.size(); ++i)
      o.dns.push_back({"fake", static_cast<uint16_t>(i)});
    o.lease_ms = 600000;      // renewed by no one during a test
    o.deadlock_check_ms = 0;  // fake DNs have no locks
    o.connector = fake_.Connector();
    o.failpoint = std::move(failpoint);
    Result<std::unique_ptr<ClusterStore>> s = ClusterStore::Open(std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    session_ = std::make_unique<session::SqlSession>(store_.get());
  }
  void Close() {
    session_.reset();
    store_.reset();
  }
  void SetUp() override {
    Open();
    Ok("CREATE DATABASE d");
    Ok("USE d");
  }

  // "(first, v), (first + 1, v), ..." for `n` ids, v = id * v_per_id.
  static std::string Tuples(int first, int n, int v_per_id) {
    std::string out;
    for (int i = first; i < first + n; ++i)
      out += (i > first ? "," : "") + std::string("(") + std::to_string(i) +
             ", " + std::to_string(i * v_per_id) + ")";
    return out;
  }
  // d.`table` (id INT PRIMARY KEY, v INT), hash-partitioned in two (so
  // partition i on DN i).
  void MakeTable(const std::string& table) {
    Ok("CREATE TABLE " + table +
       " (id INT PRIMARY KEY, v INT) PARTITION BY HASH(id) PARTITIONS 2");
  }

  // The next request to `dn` starting with `prefix` is answered with
  // error `code` (a fake DN fault).
  void InjectError(size_t dn, const std::string& prefix, uint32_t code,
                   const std::string& sql_state, const std::string& msg) {
    DnFault f;
    f.dn = dn;
    f.prefix = prefix;
    f.error = {code, sql_state, msg, false};
    fake_.Inject(f);
  }
  // The MySQL error `sql` fails with (0: it succeeded).
  uint32_t ErrorCode(const std::string& sql) {
    Result<session::QueryResult> r = Sql(sql);
    return r.ok() ? 0 : r.status().sql_code();
  }

  // d.t with ids 1..20 (v = 0) and one id known on each DN (on0_, on1_).
  void MakeRowsOnBothDns() {
    MakeTable("t");
    Ok("INSERT INTO t VALUES " + Tuples(1, 20, 0));
    on0_ = IdsOn(0, Physical("t", 0)).at(0);
    on1_ = IdsOn(1, Physical("t", 1)).at(0);
    fake_.ClearRequests();
  }

  Result<session::QueryResult> Sql(const std::string& sql,
                                   session::SqlSession* on = nullptr) {
    return (on != nullptr ? on : session_.get())->Execute(sql);
  }
  session::QueryResult Ok(const std::string& sql,
                          session::SqlSession* on = nullptr) {
    Result<session::QueryResult> r = Sql(sql, on);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? std::move(*r) : session::QueryResult();
  }
  // The rows of a query as "a,b" strings, in the order given.
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& row : Ok(sql).rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i)
        line += (i ? "," : "") + (row[i] ? *row[i] : std::string("NULL"));
      out.push_back(line);
    }
    return out;
  }
  // The physical table of partition `part` of d.`table`, as the DN names
  // it.
  std::string Physical(const std::string& table, int part) {
    Result<const plan::TableSchema*> t =
        store_->catalog().FindTable("d", table);
    EXPECT_TRUE(t.ok());
    const Placement* p = store_->PlacementOf(**t);
    return "`d`.`" + p->name[static_cast<size_t>(part)] + "`";
  }
  // The ids (first column) stored on DN `dn` in `physical`, ascending.
  std::vector<std::string> IdsOn(size_t dn, const std::string& physical) {
    auto rows = fake_.Query(dn, "SELECT id FROM " + physical + " ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (rows.ok())
      for (const auto& r : *rows) out.push_back(r[0]);
    return out;
  }
  // How many requests DN `dn` received that start with `prefix`.
  size_t CountRequests(size_t dn, const std::string& prefix) const {
    size_t n = 0;
    for (const std::string& r : fake_.Requests(dn))
      if (r.compare(0, prefix.size(), prefix) == 0) ++n;
    return n;
  }

  FakeCluster fake_;
  std::string on0_, on1_;  // MakeRowsOnBothDns
  std::unique_ptr<ClusterStore> store_;
  std::unique_ptr<session::SqlSession> session_;
};

}  // namespace xp::cn::testing
