// Recursive-descent parser for the MySQL dialect: one statement (an optional
// trailing ';' allowed) -> AST (plan/sql/ast.h). Operator precedence follows
// MySQL 8's table. Errors are SqlErrors 1064 / 42000 in MySQL's form
// ("... near '<rest of statement>' at line N"). Nesting beyond the limits
// below is MySQL's 1436 (HY000, thread stack overrun), so no input can
// exhaust the stack.
#pragma once

#include <string_view>

#include "codec/status.h"
#include "plan/sql/ast.h"

namespace xp::sql {

// Nesting limits: parenthesised expressions, subqueries, NOT/unary chains
// may nest kMaxParseDepth deep, and the parser never uses more than
// kMaxParseStackBytes of stack (whichever comes first; sanitizer builds have
// larger frames).
inline constexpr int kMaxParseDepth = 500;
inline constexpr size_t kMaxParseStackBytes = 2 << 20;

Result<StmtPtr> Parse(std::string_view sql);

// Parses a statement list separated by ';' (multi-statement text, scripts).
Result<std::vector<StmtPtr>> ParseScript(std::string_view sql);

// The statements of a ';'-separated text as they were written (a ';' in a
// string, quoted name or comment does not split; empty statements are
// left out). 1064 when the text does not tokenize.
Result<std::vector<std::string_view>> SplitStatements(std::string_view sql);

}  // namespace xp::sql
