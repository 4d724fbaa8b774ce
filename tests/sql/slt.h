// sqllogictest file reader (format: ../shared/corpora/README.md). Reads the
// records of one file, applying skipif/onlyif/halt for one engine name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codec/status.h"

namespace xp::slt {

struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery, kHashThreshold };
  Kind kind = Kind::kStatementOk;
  int line = 0;                       // 1-based line of the record's first line
  std::string sql;                    // lines joined with '\n'
  std::string types;                  // query: one letter per column (I, R, T)
  std::string sort;                   // query: nosort, rowsort, valuesort
  std::string label;                  // query: optional label
  std::vector<std::string> expected;  // query: values, one per line
  bool hashed = false;                // expected is "N values hashing to H"
  uint64_t hash_count = 0;
  std::string hash;
  uint64_t threshold = 0;  // kHashThreshold
};

// Parses `text` keeping only records that run on `engine` (e.g. "mysql").
// `target`, when given, is a second name skipif / onlyif match: the place
// the records run ("memory", "xdn" or "xcn" in slt_runner), so a file can
// keep what one target cannot do (the in-memory store has no rollback of
// a multi-statement transaction) to the others.
Result<std::vector<Record>> ParseRecords(const std::string& text,
                                         const std::string& engine,
                                         const std::string& target = "");

// Reads a file, transparently gunzipping names ending in ".gz".
Result<std::string> ReadFile(const std::string& path);

}  // namespace xp::slt
