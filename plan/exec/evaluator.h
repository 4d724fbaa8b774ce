// Vectorized evaluation of bound expressions (plan/expr.h) over batches.
//
// Each node evaluates a whole batch into its own scratch vector with one
// tight loop per operator and type domain: integers (signed and unsigned)
// and DECIMALs compute in 128-bit integers and are range-checked into their
// result type (MySQL error 1690 on overflow), DOUBLE in double, strings by
// collation. Column references cost nothing (the input vector is used as
// is). NULL propagation works on bitmap words, 64 rows at a time.
//
// Known simplification: CASE and COALESCE evaluate every branch for the
// whole batch, so an error in a branch no row selects still fails the query.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/exec/vector.h"
#include "plan/expr.h"

namespace xp::exec {

class ExpressionEvaluator {
 public:
  // REQUIRES: `expr` outlives the evaluator. Not thread-safe: one evaluator
  // per thread.
  explicit ExpressionEvaluator(const plan::BoundExpr& expr,
                               size_t capacity = kBatchSize);
  ~ExpressionEvaluator();

  // Evaluates over every row of `input`. The returned vector has
  // input.num_rows() values laid out as expr.type.phys() and stays valid
  // until the next call (it may be one of the input's own columns).
  Result<const Vector*> Evaluate(const Batch& input);

  struct Node;

 private:
  std::unique_ptr<Node> root_;
  size_t capacity_;
};

// Whether `s` matches the LIKE pattern `p` (% any run, _ one character —
// a whole UTF-8 sequence — `escape` quoting the next one); ASCII
// case-insensitive unless `binary`. Iterative, O(|s| * |p|) at worst.
bool LikeMatch(std::string_view s, std::string_view p, char escape = '\\',
               bool binary = false);

// Truthiness of a value for WHERE / AND / OR: NULL -> NULL, 0 -> false.
// Writes 0/1 into out (kInt64) with out's NULL bitmap.
void ToTruth(const Vector& v, const plan::DataType& type, size_t rows,
             Vector* out);

}  // namespace xp::exec
