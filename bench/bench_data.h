// Generated column data shared by the benchmarks.
#pragma once

#include <random>
#include <string>

namespace xp::bench {

// sysbench's c / pad: groups of 11 random digits joined by '-', `len`
// characters in all.
inline std::string Digits(std::mt19937_64& rng, size_t len) {
  std::string s;
  while (s.size() < len) {
    if (!s.empty()) s.push_back('-');
    for (int i = 0; i < 11 && s.size() < len; ++i)
      s.push_back(static_cast<char>('0' + rng() % 10));
  }
  return s;
}

}  // namespace xp::bench
