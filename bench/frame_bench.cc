// Micro-benchmarks of the wire hot paths: frame encode+decode of small
// messages (target: >= 5 M messages/s per core, bench/RESULTS.md), large rows
// (MB/s), row value encoding, and lz4_message compression of result frames.
#include <benchmark/benchmark.h>

#include "codec/frame.h"
#include "codec/lz4.h"
#include "codec/xrow.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"

namespace xp {
namespace {

constexpr int kBatch = 1024;

// Encode kBatch small StmtExecute frames into one buffer, then parse every
// frame and decode its protobuf: one iteration = kBatch messages each way.
void BM_SmallMessageEncodeDecode(benchmark::State& state) {
  Mysqlx::Sql::StmtExecute stmt;
  stmt.set_stmt("SELECT c FROM sbtest1 WHERE id=?");
  Buffer buf(64 * kBatch);
  FrameWriter w(&buf);
  FrameParser parser;
  Mysqlx::Sql::StmtExecute decoded;
  for (auto _ : state) {
    buf.Clear();
    for (int i = 0; i < kBatch; ++i) {
      WriteMessage(&w, ClientMsg::SQL_STMT_EXECUTE, stmt);
    }
    size_t off = 0;
    Frame f;
    while (parser.Parse(buf.data() + off, buf.size() - off, &f) ==
           FrameParser::Outcome::kFrame) {
      decoded.ParseFromArray(f.payload.data(),
                             static_cast<int>(f.payload.size()));
      off += f.wire_size;
    }
    benchmark::DoNotOptimize(decoded);
  }
  state.counters["msgs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SmallMessageEncodeDecode);

// The framing alone (header write + parse) for empty-payload messages such as
// Ok / FetchDone / StmtExecuteOk.
void BM_EmptyFrameEncodeDecode(benchmark::State& state) {
  Buffer buf(8 * kBatch);
  FrameWriter w(&buf);
  FrameParser parser;
  for (auto _ : state) {
    buf.Clear();
    for (int i = 0; i < kBatch; ++i)
      w.Append(ServerMsg::SQL_STMT_EXECUTE_OK, {});
    size_t off = 0;
    Frame f;
    while (parser.Parse(buf.data() + off, buf.size() - off, &f) ==
           FrameParser::Outcome::kFrame) {
      off += f.wire_size;
    }
    benchmark::DoNotOptimize(off);
  }
  state.counters["msgs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EmptyFrameEncodeDecode);

// Rows of `fields` BYTES values of `width` bytes: RowWriter in, RowReader out.
void BM_LargeRowEncodeDecode(benchmark::State& state) {
  const int fields = static_cast<int>(state.range(0));
  const std::string value(static_cast<size_t>(state.range(1)), 'v');
  std::string encoded;
  xrow::PutBytes(&encoded, value);
  Buffer buf;
  FrameWriter w(&buf);
  FrameParser parser;
  size_t bytes = 0;
  for (auto _ : state) {
    buf.Clear();
    RowWriter row(&w);
    for (int r = 0; r < 64; ++r) {
      row.Begin();
      for (int i = 0; i < fields; ++i) row.Field(encoded);
      row.End();
    }
    size_t off = 0, seen = 0;
    Frame f;
    while (parser.Parse(buf.data() + off, buf.size() - off, &f) ==
           FrameParser::Outcome::kFrame) {
      RowReader reader(f.payload);
      std::string_view field;
      while (reader.Next(&field)) seen += field.size();
      off += f.wire_size;
    }
    benchmark::DoNotOptimize(seen);
    bytes += buf.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_LargeRowEncodeDecode)->Args({10, 100})->Args({4, 4096});

void BM_RowValueEncode(benchmark::State& state) {
  std::string out;
  out.reserve(256);
  int64_t i = 0;
  for (auto _ : state) {
    out.clear();
    xrow::PutSint(&out, ++i);
    xrow::PutUint(&out, static_cast<uint64_t>(i) * 7919);
    xrow::PutDouble(&out, 3.25 * static_cast<double>(i));
    xrow::PutBytes(&out, "some varchar value");
    xrow::PutDateTime(&out, {2026, 11, 22, 10, 30, 5, 0}, true);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RowValueEncode);

void BM_DecimalEncode(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    (void)xrow::PutDecimal(&out, "-1234567890.123456");
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_DecimalEncode);

// lz4_message compression of a batch of result rows, as the server does.
void BM_Lz4MessageCompress(benchmark::State& state) {
  Buffer buf;
  FrameWriter w(&buf);
  RowWriter row(&w);
  std::string v;
  for (int r = 0; r < 1000; ++r) {
    row.Begin();
    v.clear();
    xrow::PutSint(&v, r);
    row.Field(v);
    v.clear();
    xrow::PutBytes(&v,
                   "row " + std::to_string(r) + " of a compressible result");
    row.Field(v);
    row.End();
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    (void)lz4::CompressFrame(buf.view(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * buf.size()));
  state.counters["ratio"] = static_cast<double>(out.size()) / buf.size();
}
BENCHMARK(BM_Lz4MessageCompress);

}  // namespace
}  // namespace xp

BENCHMARK_MAIN();
