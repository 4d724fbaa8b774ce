// libFuzzer target: the SQL lexer and parser on arbitrary text, plus the
// printer round trip (a parsed statement's canonical print must parse).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "plan/sql/parser.h"
#include "plan/sql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto r = xp::sql::Parse(sql);
  if (r.ok()) {
    auto again = xp::sql::Parse(xp::sql::ToSql(**r));
    // The printer must produce parsable SQL; its extra parentheses may only
    // run into the nesting limit (1436).
    if (!again.ok() && again.status().sql_code() != 1436) std::abort();
  } else if (!r.status().IsSqlError()) {
    std::abort();  // every parse failure must be a MySQL error
  }
  (void)xp::sql::ParseScript(sql);
  return 0;
}
