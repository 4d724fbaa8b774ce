#include "plan/sql/lexer.h"

#include <gtest/gtest.h>

namespace xp::sql {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto r = Tokenize(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : std::vector<Token>{};
}

std::string Kinds(std::string_view sql) {
  std::string out;
  for (const Token& t : Lex(sql)) {
    switch (t.kind) {
      case TokenKind::kEnd:
        out += "$";
        break;
      case TokenKind::kIdent:
        out += "w";
        break;
      case TokenKind::kQuotedIdent:
        out += "q";
        break;
      case TokenKind::kString:
        out += "s";
        break;
      case TokenKind::kInteger:
        out += "i";
        break;
      case TokenKind::kDecimal:
        out += "d";
        break;
      case TokenKind::kFloat:
        out += "f";
        break;
      case TokenKind::kHex:
        out += "x";
        break;
      case TokenKind::kBit:
        out += "b";
        break;
      case TokenKind::kParam:
        out += "?";
        break;
      case TokenKind::kUserVar:
        out += "@";
        break;
      case TokenKind::kSysVar:
        out += "S";
        break;
      case TokenKind::kOp:
        out += std::string("[") + std::string(t.text) + "]";
        break;
    }
  }
  return out;
}

TEST(LexerTest, Comments) {
  EXPECT_EQ(Kinds("SELECT 1 -- trailing\n, 2 # hash\n/* block\n */ FROM t"),
            "wi[,]iww$");
  // "--" without a following space is two minus signs.
  EXPECT_EQ(Kinds("1--2"), "i[-][-]i$");
  EXPECT_EQ(Kinds("1 --"), "i$");
}

TEST(LexerTest, ExecutableComments) {
  EXPECT_EQ(Kinds("CREATE TABLE t (a INT) /*! ENGINE = innodb */"),
            "www[(]ww[)]w[=]w$");
  EXPECT_EQ(Kinds("SELECT /*!50100 SQL_NO_CACHE */ 1"), "wwi$");
}

TEST(LexerTest, StringsAndEscapes) {
  auto t = Lex(R"(SELECT 'it''s', "dq\"x", 'a\nb\\c\%', 'x' 'y')");
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[1].value, "it's");
  EXPECT_EQ(t[3].value, "dq\"x");
  EXPECT_EQ(t[5].value, "a\nb\\c\\%");  // \% keeps its backslash (LIKE)
  EXPECT_EQ(t[7].value, "x");
  EXPECT_EQ(t[8].value, "y");
}

TEST(LexerTest, QuotedIdentifiers) {
  auto t = Lex("SELECT `we``ird col` FROM `db`.`t`");
  EXPECT_EQ(t[1].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(t[1].value, "we`ird col");
  EXPECT_EQ(t[3].value, "db");
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Kinds("1 1.5 .5 1. 1e3 1.5E-2 2e+1"),
            "iddd"
            "fff$");
  EXPECT_EQ(Kinds("1abc"), "w$");  // identifier starting with digits
}

TEST(LexerTest, HexAndBitLiterals) {
  auto ok = Lex("X'0aFF' 0x1 b'101' 0b11");
  ASSERT_EQ(ok.size(), 5u);
  EXPECT_EQ(ok[0].kind, TokenKind::kHex);
  EXPECT_EQ(ok[0].value, std::string("\x0a\xff", 2));
  EXPECT_EQ(ok[1].value, std::string("\x01", 1));
  EXPECT_EQ(ok[2].kind, TokenKind::kBit);
  EXPECT_EQ(ok[2].value, "101");
  EXPECT_EQ(ok[3].value, "11");
}

TEST(LexerTest, ParamsVariablesOperators) {
  EXPECT_EQ(Kinds("a<=>? AND @x := @@session.autocommit != 1 || b <> c"),
            "w[<=>]?w@[:=]S[!=]i[||]w[<>]w$");
  auto t = Lex("@`my var` @@GLOBAL.max_connections");
  EXPECT_EQ(t[0].value, "my var");
  EXPECT_EQ(t[1].text, "@@GLOBAL.max_connections");
}

TEST(LexerTest, ErrorsCarryPosition) {
  for (const char* bad :
       {"SELECT 'unterminated", "SELECT `x", "SELECT /* open", "SELECT x'1'",
        "SELECT x'0a 0b'", "SELECT b'12'", "SELECT \x01"}) {
    auto r = Tokenize(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().sql_code(), 1064u);
    EXPECT_EQ(r.status().sql_state(), "42000");
    EXPECT_NE(r.status().message().find("at line 1"), std::string::npos);
  }
  auto r = Tokenize("SELECT 1,\n\n 'oops");
  EXPECT_NE(r.status().message().find("near ''oops' at line 3"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace xp::sql
