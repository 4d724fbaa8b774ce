// Lexer for the MySQL dialect: comments (`-- `, `#`, `/* */`), executable
// comments (`/*! ... */`, `/*!50100 ... */`, whose content is lexed as SQL),
// back-quoted identifiers, strings with MySQL escapes, numbers, hex and bit
// literals, `?` placeholders, @user and @@system variables.
#pragma once

#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/sql/token.h"

namespace xp::sql {

// Splits `sql` into tokens, ending with one kEnd token. Errors (an
// unterminated string, comment or quoted identifier, a stray byte) are 1064
// SqlErrors in MySQL's "near '...' at line N" form.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// The MySQL 1064 message for an error at byte `offset` of `sql`.
Status SyntaxErrorAt(std::string_view sql, uint32_t offset, uint32_t line);

}  // namespace xp::sql
