// Executor operators over in-memory batches: rows per second
// per core for filter, projection, hash aggregation and hash join. The input is
// built once; each iteration runs the whole operator tree over it.
#include <benchmark/benchmark.h>

#include "plan/exec/aggregate.h"
#include "plan/exec/hash_join.h"
#include "plan/exec/operator.h"

namespace xp::exec {
namespace {

using plan::DataType;

constexpr size_t kRows = 1 << 20;  // 1 Mi rows = 512 batches

// (k BIGINT in [0, groups), v BIGINT)
std::vector<Batch> MakeTable(size_t rows, int64_t groups) {
  std::vector<Batch> out;
  for (size_t s = 0; s < rows; s += kBatchSize) {
    Batch b({PhysType::kInt64, PhysType::kInt64});
    const size_t n = std::min(kBatchSize, rows - s);
    b.SetRows(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t r = static_cast<int64_t>(s + i);
      b.column(0).data<int64_t>()[i] = (r * 2654435761LL) % groups;
      b.column(1).data<int64_t>()[i] = r;
    }
    out.push_back(std::move(b));
  }
  return out;
}

const std::vector<DataType> kTypes = {DataType::Int(), DataType::Int()};

size_t Drain(Operator* op) {
  size_t n = 0;
  for (;;) {
    auto b = op->Next();
    if (!b.ok() || *b == nullptr) return n;
    n += (*b)->num_rows();
  }
}

void BM_Filter(benchmark::State& state) {
  auto t = MakeTable(kRows, 1000);
  for (auto _ : state) {
    std::vector<plan::BoundExprPtr> args;
    args.push_back(plan::MakeColumn(0, DataType::Int()));
    args.push_back(plan::MakeConst(plan::Value(int64_t{100}), DataType::Int()));
    FilterOperator f(
        std::make_unique<BatchSource>(kTypes, &t),
        std::move(plan::MakeCall(plan::ExprOp::kLt, std::move(args))).value());
    benchmark::DoNotOptimize(Drain(&f));
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kRows,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Filter)->Unit(benchmark::kMillisecond);

// Projection computing k * 3 + v (two arithmetic kernels per batch) and
// passing v through.
void BM_Project(benchmark::State& state) {
  auto t = MakeTable(kRows, 1000);
  for (auto _ : state) {
    std::vector<plan::BoundExprPtr> mul;
    mul.push_back(plan::MakeColumn(0, DataType::Int()));
    mul.push_back(plan::MakeConst(plan::Value(int64_t{3}), DataType::Int()));
    std::vector<plan::BoundExprPtr> add;
    add.push_back(
        std::move(plan::MakeCall(plan::ExprOp::kMul, std::move(mul))).value());
    add.push_back(plan::MakeColumn(1, DataType::Int()));
    std::vector<plan::BoundExprPtr> exprs;
    exprs.push_back(
        std::move(plan::MakeCall(plan::ExprOp::kAdd, std::move(add))).value());
    exprs.push_back(plan::MakeColumn(1, DataType::Int()));
    ProjectOperator p(std::make_unique<BatchSource>(kTypes, &t),
                      std::move(exprs));
    benchmark::DoNotOptimize(Drain(&p));
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kRows,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Project)->Unit(benchmark::kMillisecond);

void BM_HashAggregate(benchmark::State& state) {
  auto t = MakeTable(kRows, state.range(0));
  for (auto _ : state) {
    HashAggregateOperator agg(std::make_unique<BatchSource>(kTypes, &t), {0},
                              {{AggFunc::kCountStar, -1}, {AggFunc::kSum, 1}});
    benchmark::DoNotOptimize(Drain(&agg));
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kRows,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HashAggregate)
    ->Arg(16)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

void BM_HashJoin(benchmark::State& state) {
  auto probe = MakeTable(kRows, 100000);
  auto build = MakeTable(100000, 100000);  // keys repeat ~once
  for (auto _ : state) {
    HashJoinOperator join(std::make_unique<BatchSource>(kTypes, &probe),
                          std::make_unique<BatchSource>(kTypes, &build), {0},
                          {0}, JoinKind::kInner);
    benchmark::DoNotOptimize(Drain(&join));
  }
  state.counters["probe rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kRows,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HashJoin)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xp::exec
