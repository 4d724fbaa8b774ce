// libFuzzer target: arbitrary bytes as a columnar result chunk
// (plan/exec/chunk.h) and as a shipped plan (Xp.Plan.Node), which goes
// through the plan validator (plan/serde.h) and, when accepted, are lowered
// and run over an in-memory table, as a data node would. Nothing may crash,
// leak or trip a sanitizer; a refusal must be a clean error.
// Seeds: tests/fuzz/plan_seeds (made with `xsql --dump_plans`).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "plan/exec/chunk.h"
#include "plan/exec/lower.h"
#include "plan/exec/query_context.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "plan/store/memory_store.h"

namespace {

struct World {
  World() : engine(&store) {
    (void)store.CreateDatabase("test", true);
    for (const char* sql :
         {"CREATE TABLE t (id INT PRIMARY KEY, k INT, s VARCHAR(20), "
          "d DECIMAL(10,2), x DOUBLE, dt DATE, KEY kk (k))",
          "INSERT INTO t VALUES (1, 10, 'ab', 1.5, 2.5, '2020-01-02'), "
          "(2, 20, 'cd', NULL, 0.5, NULL), (3, NULL, '', -7.25, -1e300, "
          "'1999-12-31')"}) {
      (void)engine.Execute(sql);
    }
    session = store.NewSession();
  }
  xp::exec::MemoryStore store;
  xp::session::SqlSession engine;
  std::unique_ptr<xp::exec::StoreSession> session;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* w = new World();
  {
    // The same bytes as a columnar result chunk (what a client decodes).
    xp::exec::Batch chunk;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)xp::exec::DecodeChunk(bytes, &chunk);
    (void)xp::exec::DecodeChunk(bytes, &chunk, /*borrow_strings=*/true);
  }
  auto plan = xp::plan::Deserialize(
      std::string_view(reinterpret_cast<const char*>(data), size),
      w->store.catalog(), {xp::plan::Value(int64_t{1})});
  if (!plan.ok()) return 0;
  xp::exec::QueryContext ctx(64 << 20);  // a memory budget, as a DN has
  xp::exec::QueryContext::Bind bind(&ctx);
  (void)w->session->StatementBegin();
  auto op =
      xp::exec::Lower(**plan,
                      [&](const xp::plan::LogicalNode& scan)
                          -> xp::Result<xp::exec::OperatorPtr> {
                        XP_ASSIGN_OR_RETURN(xp::exec::TableStore * t,
                                            w->session->Table(*scan.table));
                        return t->Scan(scan, false);
                      });
  if (op.ok()) {
    for (int batches = 0; batches < 64; ++batches) {
      auto b = (*op)->Next();
      if (!b.ok() || *b == nullptr) break;
    }
  }
  (void)w->session->StatementEnd(true);
  return 0;
}
