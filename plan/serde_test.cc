// Plan serialization: round trips, digests, and the validator's refusals.
#include "plan/serde.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "plan/sql/parser.h"

namespace xp::plan {
namespace {

namespace P = Xp::Plan;

class SerdeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_.CreateDatabase("db", false).ok());
    auto stmt = sql::Parse(
        "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10), d DECIMAL(8,2), "
        "x DOUBLE, KEY ks (s))");
    ASSERT_TRUE(stmt.ok());
    auto schema = BuildTableSchema(
        static_cast<const sql::CreateTableStatement&>(**stmt), "db");
    ASSERT_TRUE(schema.ok());
    ASSERT_TRUE(catalog_.CreateTable(*schema, false).ok());
    t_ = *catalog_.FindTable("db", "t");
  }

  // Filter(id > 5) over TableScan, then Project(s, d * 2).
  LogicalNodePtr Sample() {
    auto scan = MakeTableScan(t_);
    std::vector<BoundExprPtr> gt;
    gt.push_back(MakeColumn(0, t_->columns[0].type));
    gt.push_back(MakeConst(Value(int64_t{5}), DataType::Int()));
    auto filter = MakeFilter(std::move(scan),
                             MakeCall(ExprOp::kGt, std::move(gt)).value());
    std::vector<BoundExprPtr> mul;
    mul.push_back(MakeColumn(2, t_->columns[2].type));
    mul.push_back(MakeConst(Value(int64_t{2}), DataType::Int()));
    std::vector<BoundExprPtr> out;
    out.push_back(MakeColumn(1, t_->columns[1].type));
    out.push_back(MakeCall(ExprOp::kMul, std::move(mul)).value());
    return MakeProject(std::move(filter), std::move(out));
  }

  P::Node Proto(const LogicalNode& n) {
    P::Node p;
    EXPECT_TRUE(ToProto(n, &p).ok());
    return p;
  }

  uint32_t Code(const P::Node& p, const std::vector<Value>& params = {},
                const PlanLimits& limits = {}) {
    auto r = FromProto(p, catalog_, params, limits);
    return r.ok() ? 0 : r.status().sql_code();
  }

  InMemoryCatalog catalog_;
  const TableSchema* t_ = nullptr;
};

TEST_F(SerdeTest, RoundTripGivesTheSamePlanAndBytes) {
  auto plan = Sample();
  auto bytes = Serialize(*plan);
  ASSERT_TRUE(bytes.ok());
  auto back = Deserialize(*bytes, catalog_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Explain(**back), Explain(*plan));
  EXPECT_EQ(*Serialize(**back), *bytes);
  EXPECT_EQ(Digest(*bytes), Digest(*Serialize(*Sample())));
  EXPECT_EQ(Digest(*bytes).size(), 32u);
}

TEST_F(SerdeTest, DigestTellsPlansApart) {
  auto a = Sample();
  auto b = Sample();
  b->children[0]->predicate->args[1]->value = Value(int64_t{6});
  EXPECT_NE(Digest(*Serialize(*a)), Digest(*Serialize(*b)));
}

TEST_F(SerdeTest, ParametersFillConstants) {
  P::Node p = Proto(*Sample());
  // id > ?0
  P::Expr* c = p.mutable_children(0)->mutable_predicate()->mutable_args(1);
  c->clear_value();
  c->set_param(0);
  auto r = FromProto(p, catalog_, {Value(std::string("42"))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(Explain(**r).find("42"), std::string::npos) << Explain(**r);
  EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);  // parameter 0 of 0

  // A Get key as a parameter (one plan for every point lookup).
  P::Node* scan = p.mutable_children(0)->mutable_children(0);
  scan->set_kind(static_cast<uint32_t>(NodeKind::kGet));
  scan->set_index(0);
  scan->add_keys()->add_values()->set_param(0);
  auto get = FromProto(p, catalog_, {Value(int64_t{7})});
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_NE(Explain(**get).find("keys=(7)"), std::string::npos)
      << Explain(**get);
  EXPECT_EQ(Code(p, {Value(std::string("not a number"))}), ER_XP_BAD_PLAN);
}

TEST_F(SerdeTest, RefusesBadPlans) {
  const P::Node good = Proto(*Sample());
  {
    P::Node p = good;  // column out of range
    p.mutable_exprs(0)->set_column(9);
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // column of the wrong type
    p.mutable_exprs(0)->mutable_type()->set_id(
        static_cast<uint32_t>(TypeId::kInt));
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // a call typed unlike the binder's rules
    p.mutable_exprs(1)->mutable_type()->set_id(
        static_cast<uint32_t>(TypeId::kString));
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // wrong arity
    p.mutable_exprs(1)->mutable_args()->RemoveLast();
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // UPPER of a number
    P::Expr* e = p.mutable_exprs(0);
    P::Expr arg = *e;
    arg.mutable_type()->set_id(static_cast<uint32_t>(TypeId::kInt));
    arg.set_column(0);
    e->Clear();
    e->set_op(static_cast<uint32_t>(ExprOp::kFunc));
    e->set_func(static_cast<uint32_t>(Func::kUpper));
    e->mutable_type()->set_id(static_cast<uint32_t>(TypeId::kString));
    *e->add_args() = arg;
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // unknown operator kind
    p.set_kind(99);
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // a Project without its input
    p.clear_children();
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // a constant that is not of its type
    P::Expr* c = p.mutable_children(0)->mutable_predicate()->mutable_args(1);
    c->mutable_value()->clear_i();
    c->mutable_value()->set_s("x");
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // a missing table
    p.mutable_children(0)->mutable_children(0)->mutable_table()->set_name(
        "nope");
    EXPECT_EQ(Code(p), 1146u);
  }
  {
    P::Node p = good;  // a table that changed since the plan was built
    p.mutable_children(0)->mutable_children(0)->mutable_table()->set_version(
        t_->version + 1);
    EXPECT_EQ(Code(p), ER_XP_STALE_SCHEMA);
  }
  {
    P::Node p = good;  // declared output types that are not the operator's
    p.mutable_types(0)->set_id(static_cast<uint32_t>(TypeId::kDouble));
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  {
    P::Node p = good;  // a key wider than its index
    P::Node* scan = p.mutable_children(0)->mutable_children(0);
    scan->set_kind(static_cast<uint32_t>(NodeKind::kGet));
    scan->set_index(0);
    P::Key* k = scan->add_keys();
    k->add_values()->set_i(1);
    EXPECT_EQ(Code(p), 0u);
    k->add_values()->set_i(2);
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  // Too deep: NOT(NOT(...)) 100 times.
  {
    P::Node p = good;
    P::Expr* e = p.mutable_children(0)->mutable_predicate();
    for (int i = 0; i < 100; ++i) {
      P::Expr inner = *e;
      e->Clear();
      e->set_op(static_cast<uint32_t>(ExprOp::kNot));
      e->mutable_type()->set_id(static_cast<uint32_t>(TypeId::kInt));
      e->mutable_type()->set_int_bytes(1);
      *e->add_args() = inner;
    }
    EXPECT_EQ(Code(p), ER_XP_BAD_PLAN);
  }
  // Not a plan at all.
  auto junk = Deserialize(std::string("\xff\xff\xff", 3), catalog_);
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().sql_code(), ER_XP_BAD_PLAN);
}

}  // namespace
}  // namespace xp::plan
