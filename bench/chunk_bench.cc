// Result transfer DN -> CN (targets in bench/RESULTS.md): one 1,024-row
// batch of a 6-column sysbench-shaped table (id, k, c CHAR(120), pad
// CHAR(60), a DOUBLE and a DECIMAL) as X Protocol Row messages vs columnar
// chunks vs LZ4 chunks. Counters: wire bytes per batch (bytes_per_batch)
// and, for the decode benchmarks, the client's decode rate into executor
// batches (bytes_per_second of wire input; rows/s in items_per_second).
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

#include "bench/bench_data.h"
#include "codec/buffer.h"
#include "codec/frame.h"
#include "codec/xrow.h"
#include "plan/exec/chunk.h"
#include "plan/exec/operator.h"
#include "xprotocol/messages.h"

namespace {

using xp::exec::Batch;
using xp::exec::PhysType;

constexpr size_t kRows = 1024;

using xp::bench::Digits;

const Batch& Table() {
  static Batch* b = [] {
    auto* t =
        new Batch({PhysType::kInt64, PhysType::kInt64, PhysType::kString,
                   PhysType::kString, PhysType::kDouble, PhysType::kInt128},
                  kRows);
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < kRows; ++i) {
      t->column(0).data<int64_t>()[i] = static_cast<int64_t>(i + 1);
      t->column(1).data<int64_t>()[i] = static_cast<int64_t>(rng() % 100000);
      t->column(2).SetString(i, Digits(rng, 119));
      t->column(3).SetString(i, Digits(rng, 59));
      t->column(4).data<double>()[i] = static_cast<double>(rng() % 10000) / 8;
      t->column(5).data<__int128>()[i] = static_cast<__int128>(rng() % 1000000);
    }
    t->SetRows(kRows);
    return t;
  }();
  return *b;
}

// The batch as Row messages (each value in its X Protocol encoding).
void EncodeRows(const Batch& b, xp::Buffer* out) {
  xp::FrameWriter w(out);
  xp::RowWriter row(&w);
  std::string f;
  for (size_t i = 0; i < b.num_rows(); ++i) {
    row.Begin();
    for (int c : {0, 1}) {
      f.clear();
      xp::xrow::PutSint(&f,
                        b.column(static_cast<size_t>(c)).data<int64_t>()[i]);
      row.Field(f);
    }
    for (int c : {2, 3}) {
      f.clear();
      xp::xrow::PutBytes(
          &f, b.column(static_cast<size_t>(c)).data<std::string_view>()[i]);
      row.Field(f);
    }
    f.clear();
    xp::xrow::PutDouble(&f, b.column(4).data<double>()[i]);
    row.Field(f);
    f.clear();
    (void)xp::xrow::PutDecimal(&f, std::to_string(static_cast<long long>(
                                       b.column(5).data<__int128>()[i])));
    row.Field(f);
    row.End();
  }
}

void BM_RowsEncode(benchmark::State& state) {
  const Batch& b = Table();
  xp::Buffer out;
  for (auto _ : state) {
    out.Clear();
    EncodeRows(b, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_batch"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_RowsEncode);

// Client side: frames -> Row fields -> values in a batch.
void BM_RowsDecode(benchmark::State& state) {
  xp::Buffer wire;
  EncodeRows(Table(), &wire);
  const std::string_view bytes(reinterpret_cast<const char*>(wire.data()),
                               wire.size());
  Batch out({PhysType::kInt64, PhysType::kInt64, PhysType::kString,
             PhysType::kString, PhysType::kDouble, PhysType::kString},
            kRows);
  for (auto _ : state) {
    xp::FrameParser parser(xp::frame::Framing::kPlain, 1 << 30);
    size_t off = 0, row = 0;
    xp::Frame f;
    while (parser.Parse(bytes.substr(off), &f) ==
           xp::FrameParser::Outcome::kFrame) {
      off += f.wire_size;
      xp::RowReader r(f.payload);
      std::string_view field;
      for (size_t c = 0; r.Next(&field); ++c) {
        switch (c) {
          case 0:
          case 1: {
            int64_t v;
            (void)xp::xrow::GetSint(field, &v);
            out.column(c).data<int64_t>()[row] = v;
            break;
          }
          case 4: {
            double v;
            (void)xp::xrow::GetDouble(field, &v);
            out.column(c).data<double>()[row] = v;
            break;
          }
          default: {  // strings, and the DECIMAL as its text
            std::string_view v;
            if (c == 5) {
              std::string text;
              (void)xp::xrow::GetDecimal(field, &text);
              out.column(c).SetString(row, text);
            } else {
              (void)xp::xrow::GetBytes(field, &v);
              out.column(c).SetString(row, v);
            }
          }
        }
      }
      ++row;
    }
    for (size_t c = 0; c < out.num_columns(); ++c)
      out.column(c).arena().Reset();
    benchmark::DoNotOptimize(row);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(bytes.size()));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_RowsDecode);

void BM_ChunkEncode(benchmark::State& state) {
  const Batch& b = Table();
  std::string out;
  for (auto _ : state) {
    out.clear();
    xp::exec::EncodeChunk(b, b.num_columns(), state.range(0) != 0, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes_per_batch"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ChunkEncode)->Arg(0)->Arg(1);

void BM_ChunkDecode(benchmark::State& state) {
  std::string bytes;
  xp::exec::EncodeChunk(Table(), Table().num_columns(), state.range(0) != 0,
                        &bytes);
  Batch out;
  for (auto _ : state) {
    if (!xp::exec::DecodeChunk(bytes, &out).ok()) state.SkipWithError("bad");
    benchmark::DoNotOptimize(out.num_rows());
  }
  state.counters["bytes_per_batch"] = static_cast<double>(bytes.size());
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(bytes.size()));
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ChunkDecode)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
