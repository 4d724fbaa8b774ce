// Vectorized expression evaluation (plan/exec/evaluator.h): rows per second
// per core for typical filter and projection expressions over 2,048-row
// batches.
#include <benchmark/benchmark.h>

#include "plan/exec/evaluator.h"

namespace xp::exec {
namespace {

using plan::DataType;
using plan::ExprOp;
using plan::MakeColumn;
using plan::MakeConst;
using plan::Value;

plan::BoundExprPtr Call(ExprOp op, plan::BoundExprPtr a, plan::BoundExprPtr b) {
  std::vector<plan::BoundExprPtr> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return std::move(plan::MakeCall(op, std::move(args))).value();
}

Batch MakeInput() {
  Batch in({PhysType::kInt64, PhysType::kInt64, PhysType::kInt128});
  in.SetRows(kBatchSize);
  for (size_t i = 0; i < kBatchSize; ++i) {
    in.column(0).data<int64_t>()[i] = static_cast<int64_t>(i * 7919 % 10007);
    in.column(1).data<int64_t>()[i] = static_cast<int64_t>(i);
    in.column(2).data<__int128>()[i] =
        static_cast<__int128>(i) * 100 + 99;  // DECIMAL(12,2)
    if (i % 50 == 0) in.column(1).SetNull(i);
  }
  return in;
}

void Run(benchmark::State& state, const plan::BoundExpr& e) {
  Batch in = MakeInput();
  ExpressionEvaluator ev(e);
  for (auto _ : state) {
    auto r = ev.Evaluate(in);
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatchSize,
                         benchmark::Counter::kIsRate);
}

// Filter: a > 5000 AND b < 1000 (sysbench-like range predicate).
void BM_FilterPredicate(benchmark::State& state) {
  auto e = Call(ExprOp::kAnd,
                Call(ExprOp::kGt, MakeColumn(0, DataType::Int()),
                     MakeConst(Value(int64_t{5000}), DataType::Int())),
                Call(ExprOp::kLt, MakeColumn(1, DataType::Int()),
                     MakeConst(Value(int64_t{1000}), DataType::Int())));
  Run(state, *e);
}
BENCHMARK(BM_FilterPredicate);

// Projection: a * 2 + b (BIGINT, overflow-checked).
void BM_ProjectIntArithmetic(benchmark::State& state) {
  auto e = Call(ExprOp::kAdd,
                Call(ExprOp::kMul, MakeColumn(0, DataType::Int()),
                     MakeConst(Value(int64_t{2}), DataType::Int())),
                MakeColumn(1, DataType::Int()));
  Run(state, *e);
}
BENCHMARK(BM_ProjectIntArithmetic);

// Projection: price * 1.07 (DECIMAL(12,2) * DECIMAL(3,2), TPC-H style).
void BM_ProjectDecimalMul(benchmark::State& state) {
  auto e = Call(
      ExprOp::kMul, MakeColumn(2, DataType::Decimal(12, 2)),
      MakeConst(Value(*plan::ParseDecimal("1.07")), DataType::Decimal(3, 2)));
  Run(state, *e);
}
BENCHMARK(BM_ProjectDecimalMul);

}  // namespace
}  // namespace xp::exec
