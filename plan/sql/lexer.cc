#include "plan/sql/lexer.h"

#include <cctype>
#include <string>

#include "codec/coding.h"
#include "codec/sql_errors.h"

namespace xp::sql {

namespace {

bool IsIdentStart(unsigned char c) {
  return std::isalpha(c) || c == '_' || c == '$' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || std::isdigit(c); }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// Hex digits to bytes; an odd count gets a leading zero nibble (MySQL).
bool HexToBytes(std::string_view digits, std::string* out) {
  for (char c : digits) {
    if (!IsHexDigit(c)) return false;
  }
  if (digits.size() % 2 == 1) return FromHex("0" + std::string(digits), out);
  return FromHex(digits, out);
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : s_(sql) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    for (;;) {
      bool space = false;
      XP_RETURN_IF_ERROR(SkipSpaceAndComments(&space));
      Token t;
      t.offset = static_cast<uint32_t>(pos_);
      t.line = line_;
      t.space_before = space;
      if (pos_ >= s_.size()) {
        t.kind = TokenKind::kEnd;
        out.push_back(std::move(t));
        return out;
      }
      XP_RETURN_IF_ERROR(Next(&t));
      t.text = s_.substr(t.offset, pos_ - t.offset);
      out.push_back(std::move(t));
    }
  }

 private:
  Status Error() const {
    return SyntaxErrorAt(s_, static_cast<uint32_t>(pos_), line_);
  }
  Status ErrorAt(size_t at, uint32_t line) const {
    return SyntaxErrorAt(s_, static_cast<uint32_t>(at), line);
  }
  char Peek(size_t k = 0) const {
    return pos_ + k < s_.size() ? s_[pos_ + k] : '\0';
  }
  void Advance() {
    if (s_[pos_] == '\n') ++line_;
    ++pos_;
  }

  Status SkipSpaceAndComments(bool* space) {
    for (;;) {
      if (pos_ >= s_.size()) return Status::OK();
      const char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
        *space = true;
      } else if (c == '#' ||
                 (c == '-' && Peek(1) == '-' &&
                  (Peek(2) == '\0' ||
                   std::isspace(static_cast<unsigned char>(Peek(2))) ||
                   std::iscntrl(static_cast<unsigned char>(Peek(2)))))) {
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
        *space = true;
      } else if (c == '/' && Peek(1) == '*') {
        const size_t start = pos_;
        const uint32_t start_line = line_;
        if (Peek(2) == '!' || Peek(2) == '+') {
          // Executable comment (or an optimizer hint, whose content we lex
          // as SQL too only for '!'): skip the marker and the version digits.
          if (Peek(2) == '!') {
            pos_ += 3;
            while (pos_ < s_.size() &&
                   std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
              ++pos_;
            }
            ++exec_depth_;
            *space = true;
            continue;
          }
        }
        pos_ += 2;
        while (pos_ + 1 < s_.size() &&
               !(s_[pos_] == '*' && s_[pos_ + 1] == '/')) {
          Advance();
        }
        if (pos_ + 1 >= s_.size()) return ErrorAt(start, start_line);
        pos_ += 2;
        *space = true;
      } else if (c == '*' && Peek(1) == '/' && exec_depth_ > 0) {
        --exec_depth_;
        pos_ += 2;
        *space = true;
      } else {
        return Status::OK();
      }
    }
  }

  Status Next(Token* t) {
    const char c = s_[pos_];
    const unsigned char uc = static_cast<unsigned char>(c);
    // Hex / bit literals with a quote: X'..' x'..' B'..' b'..'
    if ((c == 'x' || c == 'X') && Peek(1) == '\'')
      return QuotedHexOrBit(t, true);
    if ((c == 'b' || c == 'B') && Peek(1) == '\'')
      return QuotedHexOrBit(t, false);
    // National string N'..' is a plain string here.
    if ((c == 'n' || c == 'N') && Peek(1) == '\'') {
      ++pos_;
      return String(t);
    }
    if (c == '0' && (Peek(1) == 'x' || Peek(1) == 'X') && IsHexDigit(Peek(2))) {
      size_t start = pos_ + 2, end = start;
      while (end < s_.size() && IsHexDigit(s_[end])) ++end;
      if (end >= s_.size() ||
          !IsIdentChar(static_cast<unsigned char>(s_[end]))) {
        t->kind = TokenKind::kHex;
        HexToBytes(s_.substr(start, end - start), &t->value);
        pos_ = end;
        return Status::OK();
      }
    }
    if (c == '0' && (Peek(1) == 'b') && (Peek(2) == '0' || Peek(2) == '1')) {
      size_t start = pos_ + 2, end = start;
      while (end < s_.size() && (s_[end] == '0' || s_[end] == '1')) ++end;
      if (end >= s_.size() ||
          !IsIdentChar(static_cast<unsigned char>(s_[end]))) {
        t->kind = TokenKind::kBit;
        t->value = std::string(s_.substr(start, end - start));
        pos_ = end;
        return Status::OK();
      }
    }
    if (std::isdigit(uc) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      return Number(t);
    }
    if (IsIdentStart(uc)) {
      while (pos_ < s_.size() &&
             IsIdentChar(static_cast<unsigned char>(s_[pos_])))
        ++pos_;
      t->kind = TokenKind::kIdent;
      return Status::OK();
    }
    if (c == '`') return QuotedIdent(t);
    if (c == '\'' || c == '"') return String(t);
    if (c == '?') {
      ++pos_;
      t->kind = TokenKind::kParam;
      return Status::OK();
    }
    if (c == '@') return Variable(t);
    return Operator(t);
  }

  Status Number(Token* t) {
    bool dot = false, exp = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '.' && !dot && !exp) {
        dot = true;
        ++pos_;
      } else if ((c == 'e' || c == 'E') && !exp &&
                 (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
                  ((Peek(1) == '+' || Peek(1) == '-') &&
                   std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
        exp = true;
        pos_ += 2;
      } else {
        break;
      }
    }
    // `1abc` is an identifier in MySQL when letters follow digits directly.
    if (!dot && !exp && pos_ < s_.size() &&
        IsIdentStart(static_cast<unsigned char>(s_[pos_]))) {
      while (pos_ < s_.size() &&
             IsIdentChar(static_cast<unsigned char>(s_[pos_])))
        ++pos_;
      t->kind = TokenKind::kIdent;
      return Status::OK();
    }
    t->kind = exp   ? TokenKind::kFloat
              : dot ? TokenKind::kDecimal
                    : TokenKind::kInteger;
    return Status::OK();
  }

  Status QuotedHexOrBit(Token* t, bool hex) {
    const size_t start = pos_;
    const uint32_t line = line_;
    pos_ += 2;
    size_t begin = pos_;
    while (pos_ < s_.size() && s_[pos_] != '\'') ++pos_;
    if (pos_ >= s_.size()) return ErrorAt(start, line);
    std::string_view digits = s_.substr(begin, pos_ - begin);
    ++pos_;
    if (hex) {
      if (digits.size() % 2 != 0 || !HexToBytes(digits, &t->value)) {
        return ErrorAt(start, line);
      }
      t->kind = TokenKind::kHex;
    } else {
      for (char d : digits) {
        if (d != '0' && d != '1') return ErrorAt(start, line);
      }
      t->kind = TokenKind::kBit;
      t->value = std::string(digits);
    }
    return Status::OK();
  }

  Status QuotedIdent(Token* t) {
    const size_t start = pos_;
    const uint32_t line = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= s_.size()) return ErrorAt(start, line);
      if (s_[pos_] == '`') {
        if (Peek(1) == '`') {
          t->value.push_back('`');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      t->value.push_back(s_[pos_]);
      Advance();
    }
    t->kind = TokenKind::kQuotedIdent;
    return Status::OK();
  }

  Status String(Token* t) {
    const size_t start = pos_;
    const uint32_t line = line_;
    const char q = s_[pos_];
    ++pos_;
    for (;;) {
      if (pos_ >= s_.size()) return ErrorAt(start, line);
      const char c = s_[pos_];
      if (c == q) {
        if (Peek(1) == q) {
          t->value.push_back(q);
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < s_.size()) {
        const char e = s_[pos_ + 1];
        switch (e) {
          case '0':
            t->value.push_back('\0');
            break;
          case 'b':
            t->value.push_back('\b');
            break;
          case 'n':
            t->value.push_back('\n');
            break;
          case 'r':
            t->value.push_back('\r');
            break;
          case 't':
            t->value.push_back('\t');
            break;
          case 'Z':
            t->value.push_back('\x1a');
            break;
          // \% and \_ keep the backslash so LIKE sees an escaped wildcard.
          case '%':
            t->value += "\\%";
            break;
          case '_':
            t->value += "\\_";
            break;
          default:
            t->value.push_back(e);
            break;
        }
        if (e == '\n') ++line_;
        pos_ += 2;
        continue;
      }
      t->value.push_back(c);
      Advance();
    }
    t->kind = TokenKind::kString;
    return Status::OK();
  }

  Status Variable(Token* t) {
    if (Peek(1) == '@') {
      pos_ += 2;
      while (pos_ < s_.size() &&
             (IsIdentChar(static_cast<unsigned char>(s_[pos_])) ||
              s_[pos_] == '.')) {
        ++pos_;
      }
      t->kind = TokenKind::kSysVar;
      return Status::OK();
    }
    ++pos_;
    if (Peek() == '`' || Peek() == '\'' || Peek() == '"') {
      Token q;
      XP_RETURN_IF_ERROR(Peek() == '`' ? QuotedIdent(&q) : String(&q));
      t->value = q.value;
    } else {
      size_t begin = pos_;
      while (pos_ < s_.size() &&
             (IsIdentChar(static_cast<unsigned char>(s_[pos_])) ||
              s_[pos_] == '.')) {
        ++pos_;
      }
      t->value = std::string(s_.substr(begin, pos_ - begin));
    }
    t->kind = TokenKind::kUserVar;
    return Status::OK();
  }

  Status Operator(Token* t) {
    static constexpr std::string_view kOps3[] = {"<=>"};
    static constexpr std::string_view kOps2[] = {
        "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"};
    std::string_view rest = s_.substr(pos_);
    for (auto op : kOps3) {
      if (rest.substr(0, op.size()) == op) {
        pos_ += op.size();
        t->kind = TokenKind::kOp;
        return Status::OK();
      }
    }
    for (auto op : kOps2) {
      if (rest.substr(0, op.size()) == op) {
        pos_ += op.size();
        t->kind = TokenKind::kOp;
        return Status::OK();
      }
    }
    static constexpr std::string_view kOps1 = "()[],.;=<>+-*/%!~^&|:{}";
    if (kOps1.find(rest[0]) != std::string_view::npos) {
      ++pos_;
      t->kind = TokenKind::kOp;
      return Status::OK();
    }
    return Error();
  }

  std::string_view s_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  int exec_depth_ = 0;
};

}  // namespace

bool Token::IsWord(std::string_view upper_keyword) const {
  if (kind != TokenKind::kIdent || text.size() != upper_keyword.size())
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != upper_keyword[i])
      return false;
  }
  return true;
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  return Lexer(sql).Run();
}

Status SyntaxErrorAt(std::string_view sql, uint32_t offset, uint32_t line) {
  std::string_view near =
      offset < sql.size() ? sql.substr(offset) : std::string_view();
  if (near.size() > 80) near = near.substr(0, 80);
  return SqlError(
      ER_PARSE_ERROR,
      "You have an error in your SQL syntax; check the manual that corresponds "
      "to your MySQL server version for the right syntax to use near '" +
          std::string(near) + "' at line " + std::to_string(line));
}

}  // namespace xp::sql
