// Bound expression IR: what the binder produces from AST expressions and the
// executor (plan/exec/evaluator.h) evaluates over column batches. Every node
// carries its result DataType, derived by MySQL 8's rules (DeriveType).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "codec/status.h"
#include "plan/types/data_type.h"
#include "plan/types/decimal.h"

namespace xp::plan {

// A scalar SQL value. monostate is NULL.
using Value = std::variant<std::monostate, int64_t, uint64_t, double, Decimal,
                           std::string>;

// Values are wire numbers (xprotocol_plan.proto's ExprOp): append only.
enum class ExprOp : uint8_t {
  kConst,   // value
  kColumn,  // column: index into the input batch
  // Arithmetic (NULL in, NULL out).
  kAdd,
  kSub,
  kMul,
  kDiv,
  kIntDiv,
  kMod,
  kNeg,
  // Comparison: 1 / 0 / NULL; kNullSafeEq never yields NULL.
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kNullSafeEq,
  // Three-valued logic.
  kAnd,
  kOr,
  kXor,
  kNot,
  kIsNull,
  kIsNotNull,
  // args: when1, then1, ..., [else]; an odd count has a trailing ELSE
  // (MakeCall sets has_else from it).
  kCase,
  kCoalesce,
  // CAST(args[0] AS type): MySQL's conversions (rounding half away from
  // zero into integers and DECIMAL, clamping on overflow, numeric prefixes
  // of strings).
  kCast,
  kAbs,
  // A subquery (see SubqueryRunner): args are the values it needs from the
  // enclosing row (IN: the left operand first).
  kSubquery,
  // A scalar function (`func`); `aux` carries its unit or mode.
  kFunc,
  // args[0] [NOT] LIKE args[1] [ESCAPE args[2]] (NOT is a kNot above).
  kLike,
  // args[0] IN (args[1], ..., args[n-1]): every list item a kConst (the
  // binder writes other lists as ORs of equalities). 1 when an item equals
  // args[0] (each compared as '=' would), else NULL when args[0] or an
  // item is NULL, else 0. A list of any length is one node.
  kIn,
};
// kAnd and kOr take two or more arguments (a chain is one flat node).

// Scalar functions evaluated by kFunc (MySQL semantics; NULL in, NULL out
// unless noted).
// Values are wire numbers (xprotocol_plan.proto's Func): append only.
enum class Func : uint8_t {
  kConcat,      // CONCAT(s, ...)
  kSubstring,   // SUBSTRING(s, pos[, len]); pos 1-based, negative from end
  kLength,      // bytes
  kCharLength,  // characters (UTF-8)
  kUpper,
  kLower,
  kTrim,  // spaces, or args[1] when given
  kLTrim,
  kRTrim,
  kReplace,  // REPLACE(s, from, to)
  kLeft,
  kRight,
  kLocate,    // LOCATE(sub, s[, pos]): 1-based, 0 when absent
  kRound,     // ROUND(x[, d]): half away from zero for exact values
  kTruncate,  // TRUNCATE(x, d)
  kFloor,
  kCeil,
  kPower,  // DOUBLE
  kSqrt,   // DOUBLE; NULL for negative input
  kSign,
  kExtract,   // aux = sql::IntervalUnit of the field; YEAR(), MONTH(), ...
  kDateAdd,   // DATE_ADD(d, n) with aux = unit; DATE_SUB negates n
  kDateDiff,  // DATEDIFF(a, b): days
  kDate,      // DATE(x)
  kCurDate,   // statement start date
  kNow,       // statement start time
  kReverse,
  kRepeat,          // REPEAT(s, n)
  kLPad,            // LPAD(s, n, pad)
  kRPad,            // RPAD(s, n, pad)
  kSubstringIndex,  // SUBSTRING_INDEX(s, delim, count)
  kHex,             // HEX(s) of the bytes, or HEX(n) of an integer
  kUnhex,           // binary; NULL for a non-hex digit
  kToBase64,
  kFromBase64,  // binary; NULL for bad input
  kMd5,         // hex text
  kSha1,        // hex text
  kSha2,        // SHA2(s, bits): 224 / 256 (0) / 384 / 512, else NULL
  kCrc32,       // integer
};

struct BoundExpr;

// Runs a subquery for one combination of outer values; implemented by the
// engine that planned it. Returns the expression's value: the single value
// of a scalar subquery (NULL for no rows), 0/1 for EXISTS, 0/1/NULL for IN.
struct LogicalNode;

class SubqueryRunner {
 public:
  enum class Kind : uint8_t { kScalar, kExists, kIn, kAny, kAll };
  virtual ~SubqueryRunner() = default;
  virtual Result<Value> Run(const std::vector<Value>& args) = 0;
  virtual std::string Describe() const = 0;
  virtual Kind kind() const = 0;
  // The subquery's plan when it reads nothing from the enclosing query (so
  // a rewrite may turn IN / EXISTS into a semi join); null otherwise.
  virtual Result<std::unique_ptr<LogicalNode>> UncorrelatedPlan() = 0;
};

struct BoundExpr {
  ExprOp op = ExprOp::kConst;
  DataType type;
  Value value;      // kConst
  int column = -1;  // kColumn
  // kConst: the statement's placeholder (`?` number) whose value it holds
  // (-1: none), so a cached plan can take another execution's value.
  int param = -1;
  bool has_else = false;
  // Not a constant for MySQL's typing rules although it reads no column: a
  // kConst standing for an enclosing query's column (a correlated
  // subquery's outer reference), or a call whose column arguments were
  // folded away.
  bool non_constant = false;
  std::vector<std::unique_ptr<BoundExpr>> args;
  std::shared_ptr<SubqueryRunner> subquery;  // kSubquery
  Func func = Func::kConcat;                 // kFunc
  int aux = 0;                               // kFunc: unit / mode
};
using BoundExprPtr = std::unique_ptr<BoundExpr>;

// Constructors that derive the result type (MySQL rules):
//  + - *: DOUBLE if either side is DOUBLE or a string, else DECIMAL if either
//         is DECIMAL (+,-: scale max; *: scale sum), else BIGINT (UNSIGNED if
//         either is unsigned);
//  /    : DOUBLE if either side is DOUBLE/string, else DECIMAL scale sa + 4;
//  DIV  : BIGINT; %: like + but DECIMAL scale max(sa, sb);
//  comparisons and logic: BIGINT(1) 0/1/NULL.
BoundExprPtr MakeConst(Value v, DataType t);
BoundExprPtr MakeColumn(int index, DataType t);
Result<BoundExprPtr> MakeCall(ExprOp op, std::vector<BoundExprPtr> args);
// CAST(arg AS to).
BoundExprPtr MakeCast(BoundExprPtr arg, DataType to);
// A subquery of result type `t` reading `args` from the enclosing row.
BoundExprPtr MakeSubquery(std::shared_ptr<SubqueryRunner> runner,
                          std::vector<BoundExprPtr> args, DataType t);
// A kFunc call of result type `t`.
BoundExprPtr MakeFunc(Func f, std::vector<BoundExprPtr> args, DataType t,
                      int aux = 0);
// A deep copy.
BoundExprPtr Clone(const BoundExpr& e);

// The same SQL value: same alternative and value (DECIMAL at the same scale,
// DOUBLE bit for bit).
bool SameValue(const Value& a, const Value& b);
// The height of e's tree (1 for a leaf), and when `nodes` is given its
// node count; iterative.
size_t Height(const BoundExpr& e, size_t* nodes = nullptr);
// Whether `e` holds a subquery expression anywhere. Iterative.
bool HasSubquery(const BoundExpr& e);
// Every input column `e` reads (subquery arguments included), in tree order.
void CollectColumns(const BoundExpr& e, std::vector<int>* out);
// Rewrites each column reference i to map[i].
void RemapColumns(BoundExpr* e, const std::vector<int>& map);
DataType DeriveType(ExprOp op, const std::vector<DataType>& args);

// The type a literal value gets: BIGINT, BIGINT UNSIGNED, DOUBLE,
// DECIMAL(digits, scale) or VARCHAR.
DataType TypeOfValue(const Value& v);

const char* FuncName(Func f);
// "+", "IS NULL", "CAST", ... ("const" and "col" for the leaves).
const char* ExprOpName(ExprOp op);
// Compact text for tests and EXPLAIN: "(#0 + 1)".
std::string ToString(const BoundExpr& e);
std::string ValueToString(const Value& v);

}  // namespace xp::plan
