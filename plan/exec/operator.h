// Physical operators of the vectorized executor: a pull-based tree where each
// Next() call returns one batch (Volcano with batches; one virtual call per
// batch, none per row).
//
// Contract: the batch returned by Next() is owned by the operator and stays
// valid until the next call to Next() on that operator; string values may
// point into batches of the operator's children. nullptr means the end.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/status.h"
#include "plan/exec/evaluator.h"
#include "plan/exec/vector.h"
#include "plan/schema.h"
#include "plan/types/data_type.h"

namespace xp::exec {

class Operator {
 public:
  virtual ~Operator() = default;
  virtual const std::vector<plan::DataType>& types() const = 0;
  virtual Result<const Batch*> Next() = 0;
};
using OperatorPtr = std::unique_ptr<Operator>;

// Copies rows `sel[0..n)` of `src` into rows [0, n) of `dst` (values and
// NULL marks; string views are copied, not their bytes).
// REQUIRES: dst has the same PhysType and capacity >= n.
void Gather(const Vector& src, const uint32_t* sel, size_t n, Vector* dst);

// Yields batches it was given (an in-memory table or a VALUES list).
class BatchSource : public Operator {
 public:
  BatchSource(std::vector<plan::DataType> types,
              const std::vector<Batch>* batches)
      : types_(std::move(types)), batches_(batches) {}
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

 private:
  std::vector<plan::DataType> types_;
  const std::vector<Batch>* const batches_;
  size_t next_ = 0;
};

// Keeps the rows for which the predicate is true (not false, not NULL).
class FilterOperator : public Operator {
 public:
  FilterOperator(OperatorPtr child, plan::BoundExprPtr predicate);
  const std::vector<plan::DataType>& types() const override {
    return child_->types();
  }
  Result<const Batch*> Next() override;

 private:
  OperatorPtr child_;
  plan::BoundExprPtr predicate_;
  ExpressionEvaluator eval_;
  Vector truth_;
  std::vector<uint32_t> sel_;
  Batch out_;
};

// Computes one output column per expression.
class ProjectOperator : public Operator {
 public:
  ProjectOperator(OperatorPtr child, std::vector<plan::BoundExprPtr> exprs);
  const std::vector<plan::DataType>& types() const override { return types_; }
  Result<const Batch*> Next() override;

 private:
  OperatorPtr child_;
  std::vector<plan::BoundExprPtr> exprs_;
  std::vector<std::unique_ptr<ExpressionEvaluator>> evals_;
  std::vector<plan::DataType> types_;
  Batch out_;
};

// LIMIT count OFFSET offset.
class LimitOperator : public Operator {
 public:
  LimitOperator(OperatorPtr child, uint64_t limit, uint64_t offset);
  const std::vector<plan::DataType>& types() const override {
    return child_->types();
  }
  Result<const Batch*> Next() override;

 private:
  OperatorPtr child_;
  uint64_t remaining_;
  uint64_t skip_;
  std::vector<uint32_t> sel_;
  Batch out_;
};

// Yields every batch of each child in turn (UNION ALL).
// REQUIRES: the children have the same types.
class UnionAllOperator : public Operator {
 public:
  explicit UnionAllOperator(std::vector<OperatorPtr> children)
      : children_(std::move(children)) {}
  const std::vector<plan::DataType>& types() const override {
    return children_[0]->types();
  }
  Result<const Batch*> Next() override;

 private:
  std::vector<OperatorPtr> children_;
  size_t current_ = 0;
};

// Pulls every batch of `op` (for tests and result delivery).
Result<std::vector<std::vector<std::string>>> CollectAsText(Operator* op);
// Text of row i of a vector of `type` as the mysql client prints it.
std::string CellText(const Vector& v, const plan::DataType& type, size_t i);
// Row i of a vector of `type` as a scalar Value (NULL -> monostate).
plan::Value ValueAt(const Vector& v, const plan::DataType& type, size_t i);
// A value as ValueAt gives it (how rows hold `type`) as a statement would
// give it, the form plan::ConvertValue takes: dates, datetimes and times
// (held as integers: days, microseconds) as their text, the rest as is.
plan::Value InputValue(plan::Value held, const plan::DataType& type);
// A value as rows of `from` hold it, as rows of column `to` hold it (ALTER
// TABLE MODIFY / CHANGE): converted as a statement's value would be, NULL
// into a NOT NULL column refused (1138).
Result<plan::Value> ConvertHeld(plan::Value held, const plan::DataType& from,
                                const plan::ColumnSchema& to);
// Stores `v` (NULL or the variant alternative of v's PhysType, as ValueAt
// returns it) into row i; strings are copied into v's arena.
void PutValue(const plan::Value& value, size_t i, Vector* v);

}  // namespace xp::exec
