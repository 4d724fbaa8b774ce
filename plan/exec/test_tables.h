// Test fixtures shared by the operator tests: small tables as batches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "plan/exec/vector.h"

namespace xp::exec::testing {

// (k BIGINT, s VARCHAR) rows in batches of `per_batch`; k NULL when k is
// INT64_MIN.
inline std::vector<Batch> KeyStringTable(
    const std::vector<std::pair<int64_t, std::string>>& rows,
    size_t per_batch) {
  std::vector<Batch> out;
  for (size_t s = 0; s < rows.size(); s += per_batch) {
    Batch b({PhysType::kInt64, PhysType::kString});
    const size_t n = std::min(per_batch, rows.size() - s);
    b.SetRows(n);
    for (size_t i = 0; i < n; ++i) {
      if (rows[s + i].first == INT64_MIN) {
        b.column(0).SetNull(i);
      } else {
        b.column(0).data<int64_t>()[i] = rows[s + i].first;
      }
      b.column(1).SetString(i, rows[s + i].second);
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace xp::exec::testing
