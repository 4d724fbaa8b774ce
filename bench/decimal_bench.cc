// DECIMAL arithmetic hot paths (SUM/AVG over DECIMAL columns, expression
// kernels): operations per second on one core.
#include <benchmark/benchmark.h>

#include "plan/types/decimal.h"

namespace xp::plan {
namespace {

void BM_DecimalAdd(benchmark::State& state) {
  Decimal acc{0, 2};
  const Decimal x = *ParseDecimal("1234.56");
  for (auto _ : state) {
    acc = *DecimalAdd(acc, x);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["ops/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecimalAdd);

void BM_DecimalMul(benchmark::State& state) {
  const Decimal a = *ParseDecimal("1234.56");
  const Decimal b = *ParseDecimal("0.07");
  for (auto _ : state) {
    auto r = DecimalMul(a, b);
    benchmark::DoNotOptimize(r);
  }
  state.counters["ops/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecimalMul);

void BM_DecimalDiv(benchmark::State& state) {
  const Decimal a = *ParseDecimal("1234.56");
  const Decimal b = *ParseDecimal("7");
  for (auto _ : state) {
    auto r = DecimalDiv(a, b);
    benchmark::DoNotOptimize(r);
  }
  state.counters["ops/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecimalDiv);

void BM_DecimalParse(benchmark::State& state) {
  for (auto _ : state) {
    auto r = ParseDecimal("-12345678.9012");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DecimalParse);

void BM_DecimalToString(benchmark::State& state) {
  const Decimal d = *ParseDecimal("-12345678.9012");
  for (auto _ : state) {
    std::string s = DecimalToString(d);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DecimalToString);

}  // namespace
}  // namespace xp::plan
