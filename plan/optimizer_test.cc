#include "plan/optimizer.h"

#include <gtest/gtest.h>

namespace xp::plan {
namespace {

// t(id BIGINT PRIMARY KEY, v BIGINT)
TableSchema Table() {
  TableSchema t;
  t.database = "d";
  t.name = "t";
  t.columns = {{"id", DataType::Int()}, {"v", DataType::Int()}};
  t.columns[0].nullable = false;
  IndexSchema pk;
  pk.name = "PRIMARY";
  pk.primary = pk.unique = true;
  pk.columns = {0};
  pk.desc = {false};
  t.indexes = {pk};
  return t;
}

// SELECT v FROM t WHERE id = 7
LogicalNodePtr PointQuery(const TableSchema* t) {
  auto eq = MakeCall(ExprOp::kEq, [] {
    std::vector<BoundExprPtr> a;
    a.push_back(MakeColumn(0, DataType::Int()));
    a.push_back(MakeConst(Value(int64_t{7}), DataType::Int()));
    return a;
  }());
  EXPECT_TRUE(eq.ok());
  std::vector<BoundExprPtr> out;
  out.push_back(MakeColumn(1, DataType::Int()));
  return MakeProject(MakeFilter(MakeTableScan(t), std::move(*eq)),
                     std::move(out));
}

TEST(OptimizerTest, PassesRunInRegistryOrderTimedAndSwitchable) {
  std::vector<std::string> names;
  for (const PassInfo& p : OptimizerPasses()) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"constant_folding", "predicate_pushdown",
                                      "decorrelation", "access_path",
                                      "projection_pruning", "plan_roundtrip"}));
  const TableSchema t = Table();
  LogicalNodePtr plan = PointQuery(&t);
  std::vector<PassTiming> timings;
  OptimizerOptions o;
  o.disabled = {"decorrelation"};
  o.timings = &timings;
  bool extension_ran = false;
  o.extensions.push_back({"placement", [&](LogicalNodePtr* root) {
                            extension_ran = true;
                            // The built-in passes ran first: a Get by now.
                            EXPECT_NE(Explain(**root).find("Get"),
                                      std::string::npos);
                            return Status::OK();
                          }});
  ASSERT_TRUE(Optimize(&plan, o).ok());
  EXPECT_TRUE(extension_ran);
  std::vector<std::string> ran;
  for (const PassTiming& p : timings) {
    ran.push_back(p.name);
    EXPECT_GE(p.nanos, 0);
  }
  EXPECT_EQ(ran, (std::vector<std::string>{
                     "constant_folding", "predicate_pushdown", "access_path",
                     "projection_pruning", "plan_roundtrip", "placement"}));
}

TEST(OptimizerTest, APassLeavingABrokenPlanIsAnErrorNamingIt) {
  const TableSchema t = Table();
  LogicalNodePtr plan = PointQuery(&t);
  OptimizerOptions o;
  o.extensions.push_back({"breaker", [](LogicalNodePtr* root) {
                            // The projection now reads a column its input
                            // does not have.
                            (*root)->exprs[0] = MakeColumn(5, DataType::Int());
                            return Status::OK();
                          }});
  Status st = Optimize(&plan, o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("optimizer pass breaker"), std::string::npos)
      << st.ToString();
  EXPECT_NE(st.message().find("column #5"), std::string::npos) << st.ToString();
}

TEST(CheckPlanTest, FindsInconsistentNodes) {
  const TableSchema t = Table();
  EXPECT_TRUE(CheckPlan(*PointQuery(&t)).ok());

  LogicalNodePtr wrong_width = PointQuery(&t);
  wrong_width->types.push_back(DataType::Int());
  EXPECT_FALSE(CheckPlan(*wrong_width).ok());

  LogicalNodePtr bad_filter = PointQuery(&t);
  bad_filter->children[0]->predicate = MakeColumn(2, DataType::Int());
  Status st = CheckPlan(*bad_filter);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("predicate"), std::string::npos);

  LogicalNodePtr bad_scan = MakeTableScan(&t);
  bad_scan->columns.push_back(9);
  bad_scan->types.push_back(DataType::Int());
  EXPECT_FALSE(CheckPlan(*bad_scan).ok());

  std::vector<SortKey> keys = {{3, false}};
  LogicalNodePtr bad_sort = MakeSort(MakeTableScan(&t), keys, std::nullopt, 0);
  EXPECT_FALSE(CheckPlan(*bad_sort).ok());
}

// Deep plans are checked without recursion.
TEST(CheckPlanTest, DeepPlansAreCheckedIteratively) {
  const TableSchema t = Table();
  LogicalNodePtr plan = MakeTableScan(&t);
  for (int i = 0; i < 100000; ++i) plan = MakeLimit(std::move(plan), 10, 0);
  EXPECT_TRUE(CheckPlan(*plan).ok());
  // Unlink iteratively too (the destructor of a deep chain recurses).
  while (!plan->children.empty()) {
    LogicalNodePtr child = std::move(plan->children[0]);
    plan = std::move(child);
  }
}

}  // namespace
}  // namespace xp::plan
