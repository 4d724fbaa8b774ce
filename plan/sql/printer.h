// AST -> SQL text in a canonical form: keywords upper case, identifiers
// back-quoted, every compound expression parenthesised, so precedence is
// explicit and the output parses back to the same tree. Used for tests,
// EXPLAIN, and for shipping SQL fragments to data nodes.
#pragma once

#include <string>

#include "plan/sql/ast.h"

namespace xp::sql {

std::string ToSql(const Expr& e);
std::string ToSql(const SelectStmt& q);
std::string ToSql(const TableRef& t);
std::string ToSql(const TypeName& t);
// Every statement kind; DDL table options that the parser ignores are not
// reproduced.
std::string ToSql(const Statement& s);

// `name` back-quoted with ` doubled; 'text' quoted with ' and \ escaped.
std::string QuoteIdent(std::string_view name);
// `s` with ASCII letters in lower case (names compare so: plan/schema.h
// NameEquals).
std::string AsciiLower(std::string_view s);
std::string QuoteString(std::string_view text);

const char* BinaryOpSql(BinaryOp op);
const char* IntervalUnitSql(IntervalUnit u);
// "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT".
const char* ForeignKeyActionSql(ForeignKeyAction a);
// [CONSTRAINT `name`] FOREIGN KEY [`index`] (...) REFERENCES t (...) [ON
// DELETE a] [ON UPDATE a] (an action printed unless NO ACTION).
std::string ForeignKeySql(const ForeignKeyDef& fk);

}  // namespace xp::sql
