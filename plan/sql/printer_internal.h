// Helpers shared by the printer's files (printer.cc: expressions and
// queries; printer_statements.cc: statements). Internal to plan/sql.
#pragma once

#include <string>
#include <vector>

#include "plan/sql/printer.h"

namespace xp::sql::printer_internal {

// `schema`.`table`.name, each part quoted when present.
std::string Qualified(const std::string& schema, const std::string& table,
                      const std::string& name);
std::string Name(const QualifiedName& q);
// v[from..] as comma-separated SQL.
std::string List(const std::vector<ExprPtr>& v, size_t from = 0);
std::string IdentList(const std::vector<std::string>& v);
std::string Order(const std::vector<OrderItem>& v);

}  // namespace xp::sql::printer_internal
