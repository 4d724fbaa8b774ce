// Comparing a query's actual result with a sqllogictest record
// (../shared/corpora/README.md): value formatting per type letter (I as a
// truncated integer, R as %.3f, T as text with "(empty)"), the nosort /
// rowsort / valuesort modes, "N values hashing to H" (MD5 over each value
// and a newline, after sorting), and the column type letters themselves.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/sql/slt.h"

namespace xp::slt {

struct ActualResult {
  // One letter per column from the SQL result types: I (integers), R
  // (DECIMAL, DOUBLE), T (everything else).
  std::string types;
  // Raw text of each value as the engine prints it; nullopt is NULL.
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// The sqllogictest text of one value under `letter`.
std::string FormatValue(char letter, const std::optional<std::string>& raw);

// Lower-case hex MD5 (OpenSSL EVP).
std::string Md5Hex(std::string_view data);

// "" when `actual` satisfies query record `r` (hash_threshold: the file's
// current hash-threshold, 0 = never hash); otherwise what differs.
std::string CheckQuery(const Record& r, const ActualResult& actual,
                       uint64_t hash_threshold);

}  // namespace xp::slt
