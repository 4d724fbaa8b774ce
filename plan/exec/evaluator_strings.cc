// The string functions of the expression evaluator (evaluator_internal.h):
// characters of UTF-8, case folding as the collation, digests and
// encodings as MySQL answers them.

#include <cctype>
#include <cstring>

#include "codec/coding.h"
#include "codec/digest.h"
#include "plan/exec/evaluator_internal.h"
#include "plan/exec/key_encoding.h"

namespace xp::exec::evaluator_internal {

namespace {

// Byte offset of character `n` (0-based) of UTF-8 `s`, or s.size().
size_t CharOffset(std::string_view s, int64_t n) {
  size_t i = 0;
  while (n > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
      ++i;
    --n;
  }
  return i;
}

int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Position (0-based byte) of `needle` in `hay` from byte `from`, ASCII
// case-insensitive unless binary; npos when absent.
size_t Find(std::string_view hay, std::string_view needle, size_t from,
            bool binary) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    for (; k < needle.size(); ++k) {
      const char x = hay[i + k], y = needle[k];
      if (binary ? x != y
                 : FoldCase(static_cast<unsigned char>(x)) !=
                       FoldCase(static_cast<unsigned char>(y)))
        break;
    }
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// A value REPEAT / LPAD / RPAD may build: longer results are NULL (MySQL:
// NULL beyond max_allowed_packet), so one row cannot exhaust memory.
constexpr int64_t kMaxBuiltBytes = 4 << 20;

constexpr char kHexDigits[] = "0123456789ABCDEF";

void AppendHex(std::string_view bytes, std::string* out) {
  for (unsigned char c : bytes) {
    out->push_back(kHexDigits[c >> 4]);
    out->push_back(kHexDigits[c & 15]);
  }
}

// UNHEX: false for a character that is no hex digit.
bool Unhex(std::string_view s, std::string* out) {
  out->clear();
  size_t i = 0;
  if (s.size() % 2 == 1) {  // an odd count: a leading 0
    const int v = HexValue(s[0]);
    if (v < 0) return false;
    out->push_back(static_cast<char>(v));
    i = 1;
  }
  for (; i < s.size(); i += 2) {
    const int hi = HexValue(s[i]), lo = HexValue(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// TO_BASE64 as MySQL: '=' padding, a newline after every 76 characters.
void ToBase64(std::string_view s, std::string* out) {
  out->clear();
  size_t line = 0;
  for (size_t i = 0; i < s.size(); i += 3) {
    if (line == 76) {
      out->push_back('\n');
      line = 0;
    }
    uint32_t v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) v |= static_cast<unsigned char>(s[i + 2]);
    out->push_back(kBase64[v >> 18 & 63]);
    out->push_back(kBase64[v >> 12 & 63]);
    out->push_back(i + 1 < s.size() ? kBase64[v >> 6 & 63] : '=');
    out->push_back(i + 2 < s.size() ? kBase64[v & 63] : '=');
    line += 4;
  }
}

// FROM_BASE64: whitespace skipped, '=' only at the end; false otherwise.
bool FromBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return false;
    const char* at = std::strchr(kBase64, c);
    if (c == '\0' || at == nullptr) return false;
    acc = acc << 6 | static_cast<uint32_t>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>(acc >> bits & 0xFF));
    }
  }
  return pad <= 2;
}

}  // namespace

Status EvalStringFunc(Node& n, const std::vector<const Vector*>& args,
                      size_t rows) {
  const BoundExpr& e = *n.expr;
  Vector& out = n.out;
  auto str = [&](size_t k, size_t i) {
    return args[k]->data<std::string_view>()[i];
  };
  auto num = [&](size_t k, size_t i) { return args[k]->data<int64_t>()[i]; };
  const bool binary = !e.args.empty() && e.args[0]->type.binary;
  std::string buf;
  for (size_t i = 0; i < rows; ++i) {
    if (out.IsNull(i)) continue;
    if (e.func == plan::Func::kHex &&
        e.args[0]->type.id != plan::TypeId::kString) {
      // HEX(n): the integer's digits (two's complement for negatives).
      uint64_t v = static_cast<uint64_t>(num(0, i));
      buf.clear();
      do {
        buf.insert(buf.begin(), kHexDigits[v & 15]);
        v >>= 4;
      } while (v != 0);
      out.SetString(i, buf);
      continue;
    }
    std::string_view s = str(0, i);
    switch (e.func) {
      case plan::Func::kLength:
        out.data<int64_t>()[i] = static_cast<int64_t>(s.size());
        continue;
      case plan::Func::kCharLength:
        out.data<int64_t>()[i] = CharCount(s);
        continue;
      case plan::Func::kLocate: {
        // LOCATE(sub, s[, pos])
        const std::string_view hay = str(1, i);
        int64_t pos = args.size() > 2 ? num(2, i) : 1;
        int64_t r = 0;
        if (pos >= 1) {
          const size_t from = CharOffset(hay, pos - 1);
          const size_t at = from > hay.size() ? std::string_view::npos
                                              : Find(hay, s, from, binary);
          if (at != std::string_view::npos)
            r = CharCount(hay.substr(0, at)) + 1;
        }
        out.data<int64_t>()[i] = r;
        continue;
      }
      case plan::Func::kConcat:
        buf.clear();
        for (size_t k = 0; k < args.size(); ++k) buf.append(str(k, i));
        break;
      case plan::Func::kSubstring: {
        const int64_t len = CharCount(s);
        int64_t pos = num(1, i);
        int64_t count = args.size() > 2 ? num(2, i) : len;
        if (pos < 0) pos = len + pos + 1;
        if (pos < 1 || pos > len || count <= 0) {
          buf.clear();
        } else {
          const size_t b = CharOffset(s, pos - 1);
          const size_t end = CharOffset(s, pos - 1 + count);
          buf.assign(s.substr(b, end - b));
        }
        break;
      }
      case plan::Func::kLeft:
      case plan::Func::kRight: {
        const int64_t k = num(1, i);
        const int64_t len = CharCount(s);
        if (k <= 0) {
          buf.clear();
        } else if (e.func == plan::Func::kLeft) {
          buf.assign(s.substr(0, CharOffset(s, k)));
        } else {
          buf.assign(s.substr(CharOffset(s, k >= len ? 0 : len - k)));
        }
        break;
      }
      case plan::Func::kUpper:
      case plan::Func::kLower:
        buf.assign(s);
        for (char& c : buf) {
          c = static_cast<char>(
              e.func == plan::Func::kUpper
                  ? std::toupper(static_cast<unsigned char>(c))
                  : FoldCase(static_cast<unsigned char>(c)));
        }
        break;
      case plan::Func::kTrim:
      case plan::Func::kLTrim:
      case plan::Func::kRTrim: {
        const std::string_view cut = args.size() > 1 ? str(1, i) : " ";
        if (!cut.empty()) {
          if (e.func != plan::Func::kRTrim) {
            while (s.substr(0, cut.size()) == cut) s.remove_prefix(cut.size());
          }
          if (e.func != plan::Func::kLTrim) {
            while (s.size() >= cut.size() &&
                   s.substr(s.size() - cut.size()) == cut)
              s.remove_suffix(cut.size());
          }
        }
        buf.assign(s);
        break;
      }
      case plan::Func::kReplace: {  // case-sensitive, as MySQL's
        const std::string_view from = str(1, i), to = str(2, i);
        buf.clear();
        if (from.empty()) {
          buf.assign(s);
          break;
        }
        size_t p = 0;
        for (;;) {
          const size_t at = s.find(from, p);
          if (at == std::string_view::npos) break;
          buf.append(s.substr(p, at - p));
          buf.append(to);
          p = at + from.size();
        }
        buf.append(s.substr(p));
        break;
      }
      case plan::Func::kReverse: {
        // By character (UTF-8), bytes for a binary string.
        buf.clear();
        if (binary) {
          buf.assign(s.rbegin(), s.rend());
          break;
        }
        size_t end = s.size();
        while (end > 0) {
          size_t start = end - 1;
          while (start > 0 &&
                 (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
            --start;
          buf.append(s.substr(start, end - start));
          end = start;
        }
        break;
      }
      case plan::Func::kRepeat: {
        const int64_t times = num(1, i);
        buf.clear();
        if (times > 0 && !s.empty() &&
            times > kMaxBuiltBytes / static_cast<int64_t>(s.size())) {
          out.SetNull(i);
          continue;
        }
        for (int64_t k = 0; k < times; ++k) buf.append(s);
        break;
      }
      case plan::Func::kLPad:
      case plan::Func::kRPad: {
        // By characters: cut to n, or filled with pad (NULL when it must
        // grow and pad is empty).
        const int64_t want = num(1, i);
        const std::string_view pad = str(2, i);
        const int64_t have = CharCount(s);
        if (want < 0 || want > kMaxBuiltBytes) {
          out.SetNull(i);
          continue;
        }
        if (want <= have) {
          buf.assign(s.substr(0, CharOffset(s, want)));
          break;
        }
        if (pad.empty()) {
          out.SetNull(i);
          continue;
        }
        std::string fill;
        const int64_t pad_chars = CharCount(pad);
        for (int64_t left = want - have; left > 0; left -= pad_chars)
          fill.append(left >= pad_chars ? pad
                                        : pad.substr(0, CharOffset(pad, left)));
        buf = e.func == plan::Func::kLPad ? fill + std::string(s)
                                          : std::string(s) + fill;
        break;
      }
      case plan::Func::kSubstringIndex: {
        // Before the count-th delimiter (from the end when negative).
        const std::string_view delim = str(1, i);
        const int64_t count = num(2, i);
        if (delim.empty() || count == 0) {
          buf.clear();
          break;
        }
        // |count| without overflowing at INT64_MIN.
        const uint64_t want = count > 0 ? static_cast<uint64_t>(count)
                                        : 0 - static_cast<uint64_t>(count);
        if (count > 0) {
          size_t at = 0, found = 0;
          for (;;) {
            const size_t p = s.find(delim, at);
            if (p == std::string_view::npos) {
              at = s.size();
              break;
            }
            if (++found == want) {
              at = p;
              break;
            }
            at = p + delim.size();
          }
          buf.assign(s.substr(0, found == want ? at : s.size()));
        } else {
          size_t end = s.size(), found = 0;
          size_t start = 0;
          for (;;) {
            if (end < delim.size()) break;
            const size_t p = s.rfind(delim, end - delim.size());
            if (p == std::string_view::npos) break;
            if (++found == want) {
              start = p + delim.size();
              break;
            }
            if (p == 0) break;
            end = p;
          }
          buf.assign(found == want ? s.substr(start) : s);
        }
        break;
      }
      case plan::Func::kHex:
        buf.clear();
        AppendHex(s, &buf);
        break;
      case plan::Func::kUnhex:
        if (!Unhex(s, &buf)) {
          out.SetNull(i);
          continue;
        }
        break;
      case plan::Func::kToBase64:
        ToBase64(s, &buf);
        break;
      case plan::Func::kFromBase64:
        if (!FromBase64(s, &buf)) {
          out.SetNull(i);
          continue;
        }
        break;
      case plan::Func::kMd5:
        buf = ToHex(Md5(s));
        break;
      case plan::Func::kSha1:
        buf = ToHex(Sha1(s));
        break;
      case plan::Func::kSha2: {
        const int64_t bits = num(1, i);
        if (bits == 0 || bits == 256) {
          buf = ToHex(Sha256(s));
        } else if (bits == 224) {
          buf = ToHex(Sha224(s));
        } else if (bits == 384) {
          buf = ToHex(Sha384(s));
        } else if (bits == 512) {
          buf = ToHex(Sha512(s));
        } else {
          out.SetNull(i);
          continue;
        }
        break;
      }
      case plan::Func::kCrc32:
        out.data<int64_t>()[i] = Crc32(s);
        continue;
      default:
        return Status::Internal("not a string function");
    }
    out.SetString(i, buf);
  }
  return Status::OK();
}

}  // namespace xp::exec::evaluator_internal
