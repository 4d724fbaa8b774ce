#include "tests/sql/slt_check.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace xp::slt {

std::string FormatValue(char letter, const std::optional<std::string>& raw) {
  if (!raw) return "NULL";
  const std::string& s = *raw;
  switch (letter) {
    case 'I': {
      // Numeric prefix, truncated toward zero (as sqlite's column_int64).
      const double d = std::strtod(s.c_str(), nullptr);
      if (s.find_first_of(".eE") == std::string::npos) {
        char* end = nullptr;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (end != s.c_str()) return std::to_string(v);
      }
      return std::to_string(static_cast<long long>(d));
    }
    case 'R': {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.3f", std::strtod(s.c_str(), nullptr));
      return buf;
    }
    default: {
      if (s.empty()) return "(empty)";
      std::string out = s;
      for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 ||
            static_cast<unsigned char>(c) > 0x7e)
          c = '@';
      }
      return out;
    }
  }
}

std::string Md5Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string CheckQuery(const Record& r, const ActualResult& actual,
                       uint64_t hash_threshold) {
  if (actual.types != r.types) {
    return "column types " + actual.types + ", expected " + r.types;
  }
  const size_t ncol = r.types.size();
  // Format every value.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(actual.rows.size());
  for (const auto& row : actual.rows) {
    if (row.size() != ncol)
      return "row with " + std::to_string(row.size()) + " values";
    std::vector<std::string> f;
    for (size_t c = 0; c < ncol; ++c)
      f.push_back(FormatValue(r.types[c], row[c]));
    rows.push_back(std::move(f));
  }
  std::vector<std::string> values;
  if (r.sort == "rowsort") std::sort(rows.begin(), rows.end());
  for (auto& row : rows) {
    for (auto& v : row) values.push_back(std::move(v));
  }
  if (r.sort == "valuesort") std::sort(values.begin(), values.end());
  const bool hash =
      r.hashed || (hash_threshold > 0 && values.size() > hash_threshold);
  if (hash) {
    std::string all;
    for (const auto& v : values) {
      all += v;
      all += '\n';
    }
    const std::string got =
        std::to_string(values.size()) + " values hashing to " + Md5Hex(all);
    const std::string want =
        r.hashed ? std::to_string(r.hash_count) + " values hashing to " + r.hash
                 : "";
    if (r.hashed) return got == want ? "" : "got " + got + ", expected " + want;
    // The record lists values but we are above the threshold: compare them.
  }
  if (values.size() != r.expected.size()) {
    return "got " + std::to_string(values.size()) + " values, expected " +
           std::to_string(r.expected.size());
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != r.expected[i]) {
      return "value " + std::to_string(i) + ": got '" + values[i] +
             "', expected '" + r.expected[i] + "'";
    }
  }
  return "";
}

}  // namespace xp::slt
