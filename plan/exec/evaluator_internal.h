// Internal to the expression evaluator (evaluator.h), shared by
// evaluator.cc (the node tree, arithmetic, comparison, logic, IN, CASE,
// LIKE) and evaluator_functions.cc (CAST, ABS and the scalar functions).
// Not a public interface.
#pragma once

#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

#include "plan/exec/evaluator.h"

namespace xp::exec {

using plan::BoundExpr;
using plan::DataType;
using plan::ExprOp;
using plan::TypeId;
using int128 = __int128;

struct ExpressionEvaluator::Node {
  const BoundExpr* expr = nullptr;
  Vector out;
  std::vector<std::unique_ptr<Node>> children;
  // Conversion buffers, allocated on the first batch and reused; held by
  // pointer so references stay valid while more are added.
  std::vector<std::unique_ptr<Vector>> scratch;
  // kIn: the constant list, sorted by comparison class (first batch).
  std::unique_ptr<struct InList> in_list;

  // Defined in evaluator.cc, where InList is complete.
  Node(const BoundExpr* e, size_t capacity);
  ~Node();

  // Buffer `i` with layout `type`.
  Vector& Scratch(size_t i, PhysType type) {
    while (scratch.size() <= i) scratch.push_back(nullptr);
    if (!scratch[i] || scratch[i]->type() != type) {
      scratch[i] = std::make_unique<Vector>(type, out.capacity());
    }
    return *scratch[i];
  }
};

namespace evaluator_internal {

using Node = ExpressionEvaluator::Node;

inline constexpr int128 kMaxDecimalUnscaled = [] {
  int128 p = 1;
  for (int i = 0; i < 38; ++i) p *= 10;
  return p - 1;
}();

// out's NULL bitmap = union of the inputs' bitmaps over `rows`.
void UnionNulls(std::span<const Vector* const> ins, size_t rows, Vector* out);

void UnionNulls(std::initializer_list<const Vector*> ins, size_t rows,
                Vector* out);

void StartOutput(Vector* out, size_t rows);

Status OutOfRange(const DataType& t, const BoundExpr& e);

// Values of v as int128 at decimal `scale` into dst. REQUIRES: v is an
// integer, DECIMAL or NULL column.
Status ToInt128(const Vector& v, const DataType& t, int scale, size_t rows,
                Vector* dst, const BoundExpr& e);

void ToDouble(const Vector& v, const DataType& t, size_t rows, Vector* dst);

// Narrows int128 results into the result vector's type with range checks.
Status StoreExact(const int128* r, const Vector& nulls_from, const DataType& t,
                  size_t rows, Vector* out, const BoundExpr& e);

int128 DivRound(int128 n, int128 d);

// Converts any column to `to` (for CASE / COALESCE branches); `tmp` is an
// int128 buffer for exact conversions.
Status ConvertTo(const Vector& v, const DataType& from, const DataType& to,
                 size_t rows, Vector* dst, Vector* tmp, const BoundExpr& e);

int ScaleOf(const DataType& t);

Status EvalCast(Node& n, const Vector& a, size_t rows);

Status EvalAbs(Node& n, const Vector& a, size_t rows);

Status EvalFunc(Node& n, const std::vector<const Vector*>& args, size_t rows);
// The string functions (evaluator_strings.cc): EvalFunc's for them.
Status EvalStringFunc(Node& n, const std::vector<const Vector*>& args,
                      size_t rows);

// MySQL's string-to-number: leading space, the longest numeric prefix, 0 if
// there is none.
double StringToDouble(std::string_view s);

bool IsExact(const DataType& t);

// Case-insensitive (simple ASCII folding) or binary string comparison.
int CompareStrings(std::string_view a, std::string_view b, bool binary);

bool CompareResult(ExprOp op, int c);

}  // namespace evaluator_internal
}  // namespace xp::exec
