#include "plan/exec/key_encoding.h"

#include <cctype>
#include <cstdint>
#include <cstring>

namespace xp::exec {

void EncodeKey(const Vector& v, const plan::DataType& t, size_t i,
               std::string* key) {
  if (v.IsNull(i)) {
    key->push_back('\0');
    return;
  }
  key->push_back('\1');
  switch (t.phys()) {
    case PhysType::kInt64:
    case PhysType::kUInt64:
    case PhysType::kDouble: {
      char b[8];
      std::memcpy(b, v.data<char>() + i * 8, 8);
      if (t.phys() == PhysType::kDouble && v.data<double>()[i] == 0.0)
        std::memset(b, 0, 8);
      key->append(b, 8);
      break;
    }
    case PhysType::kInt128:
      key->append(v.data<char>() + i * 16, 16);
      break;
    case PhysType::kString: {
      std::string_view s = v.data<std::string_view>()[i];
      if (!t.binary) {
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);  // PAD SPACE
      }
      const uint32_t n = static_cast<uint32_t>(s.size());
      key->append(reinterpret_cast<const char*>(&n), 4);
      if (t.binary) {
        key->append(s);
      } else {
        AppendFoldedString(s, key);
      }
      break;
    }
  }
}

void AppendFoldedString(std::string_view s, std::string* out) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  // ASCII A-Z only, as std::tolower in the "C" locale, without a call per
  // byte (hash keys of GROUP BY / DISTINCT fold every string).
  const size_t at = out->size();
  out->resize(at + s.size());
  char* p = out->data() + at;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    p[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
}

}  // namespace xp::exec
