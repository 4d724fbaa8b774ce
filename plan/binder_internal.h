// Internal to the binder (binder.h), shared by binder.cc (expressions,
// scopes) and binder_functions.cc (function calls, DATE_ADD, DEFAULT).
// Not a public interface.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "plan/binder.h"
#include "plan/schema.h"
#include "plan/sql/printer.h"
#include "plan/types/temporal.h"

namespace xp::plan::binder_internal {

Result<BoundExprPtr> Call(ExprOp op, std::vector<BoundExprPtr> args);

Result<BoundExprPtr> Call2(ExprOp op, BoundExprPtr a, BoundExprPtr b);

ExprOp BinaryToOp(sql::BinaryOp op);

// The result type of CAST(x AS t).
Result<DataType> CastType(const sql::TypeName& t);

// A string with binary (byte) or case-insensitive comparison.
BoundExprPtr WithCollation(BoundExprPtr e, bool binary);

BoundExprPtr CastIfNot(BoundExprPtr e, TypeId id, DataType to);

BoundExprPtr AsString(BoundExprPtr e);

BoundExprPtr AsInt(BoundExprPtr e);

BoundExprPtr AsDouble(BoundExprPtr e);

// DATE / DATETIME stay; anything else is read as a DATETIME.
BoundExprPtr AsTemporal(BoundExprPtr e);

BoundExprPtr AsDate(BoundExprPtr e);

Status ParamCount(const sql::Expr& e);

int64_t NowMicros();

bool DateUnit(sql::IntervalUnit u);

bool IsGroupError(const Status& s);

// IsConstant, but a COALESCE whose column arguments were dropped counts
// (MySQL folded it to its constant first argument).
bool Foldable(const BoundExpr& e);

// The value of a constant expression, when it can be computed at bind time.
std::optional<Value> ConstantValue(const BoundExpr& e, const Scope& scope);

// Whether a constant numeric expression is true (non-zero); nullopt when it
// is not constant, NULL or a string.
std::optional<bool> ConstantTruth(const BoundExpr& e, const Scope& scope);

}  // namespace xp::plan::binder_internal
