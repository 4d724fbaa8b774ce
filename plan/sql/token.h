// Tokens of the MySQL dialect (plan/sql/lexer.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xp::sql {

enum class TokenKind : uint8_t {
  kEnd,
  kIdent,        // unquoted word: identifier or keyword (case-insensitive)
  kQuotedIdent,  // `back quoted`; value() is unescaped
  kString,       // 'text' or "text"; value() is unescaped
  kInteger,      // 123
  kDecimal,      // 1.5, .5, 1.
  kFloat,        // 1e3, 1.5E-2
  kHex,          // X'0A' or 0x0a; value() holds the bytes
  kBit,          // b'101' or 0b101; value() holds the digits
  kParam,        // ?
  kUserVar,      // @name; value() is the name
  kSysVar,       // @@[global.|session.|local.]name; text() is all of it
  kOp,           // punctuation and operators: ( ) , . ; = <=> <> != <= >= ...
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // the source bytes of the token
  std::string value;    // unescaped value for quoted/string/hex/bit/var tokens
  uint32_t offset = 0;  // byte offset in the statement
  uint32_t line = 1;    // 1-based line
  // True when whitespace or a comment precedes the token (for `'a' 'b'`
  // concatenation and `_charset'x'` introducers it does not matter; for
  // `t.c` qualification no space is required either).
  bool space_before = false;

  bool Is(TokenKind k) const { return kind == k; }
  bool IsOp(std::string_view op) const {
    return kind == TokenKind::kOp && text == op;
  }
  // Case-insensitive keyword test on an unquoted word.
  bool IsWord(std::string_view upper_keyword) const;
};

}  // namespace xp::sql
