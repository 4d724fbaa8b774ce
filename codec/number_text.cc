#include "codec/number_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace xp {

namespace {

// `sci` is std::to_chars' shortest scientific form: [-]d[.ddd]e(+|-)xx.
std::string Layout(std::string_view sci) {
  std::string out;
  if (!sci.empty() && sci[0] == '-') {
    out = "-";
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exp < -15 || exp > 14) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    return out + "e" + std::to_string(exp);
  }
  if (exp >= 0) {
    const size_t whole = static_cast<size_t>(exp) + 1;
    if (digits.size() <= whole)
      return out + digits + std::string(whole - digits.size(), '0');
    return out + digits.substr(0, whole) + "." + digits.substr(whole);
  }
  return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
}

template <typename T>
std::string Text(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  return Layout(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

}  // namespace

std::string DoubleText(double v) { return Text(v); }
std::string FloatText(float v) { return Text(v); }

}  // namespace xp
