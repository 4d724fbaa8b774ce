// The SQL error table (sql_errors.h).

#include "codec/sql_errors.h"

#include <string>

namespace xp {

namespace {

struct Entry {
  uint32_t code;
  const char* state;
};

constexpr Entry kErrors[] = {
#define XP_SQL_ERROR_ENTRY(name, code, state) {code, state},
    XP_SQL_ERRORS(XP_SQL_ERROR_ENTRY)
#undef XP_SQL_ERROR_ENTRY
};

const Entry* Find(uint32_t code) {
  for (const Entry& e : kErrors)
    if (e.code == code) return &e;
  return nullptr;
}

}  // namespace

const char* SqlStateOf(uint32_t code) {
  const Entry* e = Find(code);
  return e != nullptr ? e->state : "HY000";
}

bool IsListedSqlError(uint32_t code) { return Find(code) != nullptr; }

Status SqlError(SqlErrorCode code, std::string_view message) {
  return Status::SqlError(code, SqlStateOf(code), message);
}

Status NotSupportedYet(std::string_view what) {
  return SqlError(
      ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support '" + std::string(what) + "'");
}

}  // namespace xp
