#include "plan/exec/operator.h"

#include <cstdio>

#include "codec/number_text.h"
#include "codec/sql_errors.h"
#include "plan/exec/query_context.h"
#include "plan/schema.h"
#include "plan/types/temporal.h"

namespace xp::exec {

namespace {

std::vector<PhysType> PhysTypes(const std::vector<plan::DataType>& types) {
  std::vector<PhysType> out;
  out.reserve(types.size());
  for (const auto& t : types) out.push_back(t.phys());
  return out;
}

// Copies every column of `in` through `sel` into `out`.
void GatherBatch(const Batch& in, const uint32_t* sel, size_t n, Batch* out) {
  out->Reset();
  for (size_t c = 0; c < in.num_columns(); ++c)
    Gather(in.column(c), sel, n, &out->column(c));
  out->SetRows(n);
}

}  // namespace

void Gather(const Vector& src, const uint32_t* sel, size_t n, Vector* dst) {
  dst->Reset();
  dst->Resize(n);
  switch (src.type()) {
    case PhysType::kInt64: {
      const int64_t* s = src.data<int64_t>();
      int64_t* d = dst->data<int64_t>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
      break;
    }
    case PhysType::kUInt64: {
      const uint64_t* s = src.data<uint64_t>();
      uint64_t* d = dst->data<uint64_t>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
      break;
    }
    case PhysType::kDouble: {
      const double* s = src.data<double>();
      double* d = dst->data<double>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
      break;
    }
    case PhysType::kInt128: {
      const __int128* s = src.data<__int128>();
      __int128* d = dst->data<__int128>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
      break;
    }
    case PhysType::kString: {
      const std::string_view* s = src.data<std::string_view>();
      std::string_view* d = dst->data<std::string_view>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
      break;
    }
  }
  if (src.may_have_nulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (src.IsNull(sel[i])) dst->SetNull(i);
    }
  }
}

Result<const Batch*> BatchSource::Next() {
  XP_RETURN_IF_ERROR(CheckCancelled());
  while (next_ < batches_->size()) {
    const Batch& b = (*batches_)[next_++];
    if (b.num_rows() > 0) return &b;
  }
  return static_cast<const Batch*>(nullptr);
}

FilterOperator::FilterOperator(OperatorPtr child, plan::BoundExprPtr predicate)
    : child_(std::move(child)),
      predicate_(std::move(predicate)),
      eval_(*predicate_),
      truth_(PhysType::kInt64),
      out_(PhysTypes(child_->types())) {}

Result<const Batch*> FilterOperator::Next() {
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* in, child_->Next());
    if (in == nullptr) return in;
    XP_ASSIGN_OR_RETURN(const Vector* v, eval_.Evaluate(*in));
    ToTruth(*v, predicate_->type, in->num_rows(), &truth_);
    const int64_t* t = truth_.data<int64_t>();
    // Sized by what comes (a point read's batch has a row or two).
    if (sel_.size() < in->num_rows()) sel_.resize(in->num_rows());
    size_t n = 0;
    for (size_t i = 0; i < in->num_rows(); ++i) {
      sel_[n] = static_cast<uint32_t>(i);
      n += t[i] != 0 && !truth_.IsNull(i);
    }
    if (n == 0) continue;
    if (n == in->num_rows()) return in;  // nothing filtered: pass through
    GatherBatch(*in, sel_.data(), n, &out_);
    return &out_;
  }
}

ProjectOperator::ProjectOperator(OperatorPtr child,
                                 std::vector<plan::BoundExprPtr> exprs)
    : child_(std::move(child)), exprs_(std::move(exprs)) {
  for (const auto& e : exprs_) {
    evals_.push_back(std::make_unique<ExpressionEvaluator>(*e));
    types_.push_back(e->type);
  }
  out_ = Batch(PhysTypes(types_));
}

Result<const Batch*> ProjectOperator::Next() {
  XP_ASSIGN_OR_RETURN(const Batch* in, child_->Next());
  if (in == nullptr) return in;
  const size_t n = in->num_rows();
  out_.Reset();
  for (size_t c = 0; c < evals_.size(); ++c) {
    XP_ASSIGN_OR_RETURN(const Vector* v, evals_[c]->Evaluate(*in));
    Gather(*v, IdentitySelection(), n, &out_.column(c));
  }
  out_.SetRows(n);
  return &out_;
}

LimitOperator::LimitOperator(OperatorPtr child, uint64_t limit, uint64_t offset)
    : child_(std::move(child)),
      remaining_(limit),
      skip_(offset),
      out_(PhysTypes(child_->types())) {}

Result<const Batch*> LimitOperator::Next() {
  while (remaining_ > 0) {
    XP_ASSIGN_OR_RETURN(const Batch* in, child_->Next());
    if (in == nullptr) return in;
    const size_t rows = in->num_rows();
    if (skip_ >= rows) {
      skip_ -= rows;
      continue;
    }
    const size_t from = static_cast<size_t>(skip_);
    skip_ = 0;
    size_t n = rows - from;
    if (n > remaining_) n = static_cast<size_t>(remaining_);
    remaining_ -= n;
    if (from == 0 && n == rows) return in;
    if (sel_.size() < n) sel_.resize(n);
    for (size_t i = 0; i < n; ++i) sel_[i] = static_cast<uint32_t>(from + i);
    GatherBatch(*in, sel_.data(), n, &out_);
    return &out_;
  }
  return static_cast<const Batch*>(nullptr);
}

std::string CellText(const Vector& v, const plan::DataType& t, size_t i) {
  if (v.IsNull(i)) return "NULL";
  switch (t.id) {
    case plan::TypeId::kInt:
      return std::to_string(v.data<int64_t>()[i]);
    case plan::TypeId::kUInt:
      return std::to_string(v.data<uint64_t>()[i]);
    case plan::TypeId::kDouble:
      return t.float_type ? FloatText(static_cast<float>(v.data<double>()[i]))
                          : DoubleText(v.data<double>()[i]);
    case plan::TypeId::kDecimal:
      return plan::DecimalToString(
          plan::Decimal{v.data<__int128>()[i], t.scale});
    case plan::TypeId::kString:
      return std::string(v.data<std::string_view>()[i]);
    case plan::TypeId::kDate:
      return plan::FormatDate(v.data<int64_t>()[i]);
    case plan::TypeId::kDateTime:
      return plan::FormatDateTime(v.data<int64_t>()[i], t.scale);
    case plan::TypeId::kTime:
      return plan::FormatTime(v.data<int64_t>()[i], t.scale);
    default:
      return std::to_string(v.data<int64_t>()[i]);
  }
}

plan::Value ValueAt(const Vector& v, const plan::DataType& t, size_t i) {
  if (v.IsNull(i)) return plan::Value();
  switch (t.phys()) {
    case PhysType::kInt64:
      return plan::Value(v.data<int64_t>()[i]);
    case PhysType::kUInt64:
      return plan::Value(v.data<uint64_t>()[i]);
    case PhysType::kDouble:
      return plan::Value(v.data<double>()[i]);
    case PhysType::kInt128:
      return plan::Value(plan::Decimal{v.data<__int128>()[i], t.scale});
    case PhysType::kString:
      return plan::Value(std::string(v.data<std::string_view>()[i]));
  }
  return plan::Value();
}

plan::Value InputValue(plan::Value held, const plan::DataType& t) {
  if (held.index() != 1) return held;
  const int64_t v = std::get<int64_t>(held);
  switch (t.id) {
    case plan::TypeId::kDate:
      return plan::FormatDate(v);
    case plan::TypeId::kDateTime:
      return plan::FormatDateTime(v, t.scale);
    case plan::TypeId::kTime:
      return plan::FormatTime(v, t.scale);
    default:
      return held;
  }
}

Result<plan::Value> ConvertHeld(plan::Value held, const plan::DataType& from,
                                const plan::ColumnSchema& to) {
  if (held.index() == 0) {
    if (!to.nullable)
      return SqlError(ER_INVALID_USE_OF_NULL, "Invalid use of NULL value");
    return held;
  }
  if (from == to.type) return held;
  return plan::ConvertValue(InputValue(std::move(held), from), to.type,
                            to.name);
}

Result<std::vector<std::vector<std::string>>> CollectAsText(Operator* op) {
  std::vector<std::vector<std::string>> rows;
  const auto& types = op->types();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
    if (b == nullptr) return rows;
    for (size_t r = 0; r < b->num_rows(); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < b->num_columns(); ++c) {
        row.push_back(CellText(b->column(c), types[c], r));
      }
      rows.push_back(std::move(row));
    }
  }
}

}  // namespace xp::exec

namespace xp::exec {

Result<const Batch*> UnionAllOperator::Next() {
  while (current_ < children_.size()) {
    XP_ASSIGN_OR_RETURN(const Batch* b, children_[current_]->Next());
    if (b != nullptr) return b;
    ++current_;
  }
  return static_cast<const Batch*>(nullptr);
}

void PutValue(const plan::Value& value, size_t i, Vector* v) {
  if (value.index() == 0) {
    v->SetNull(i);
    return;
  }
  v->ClearNull(i);
  switch (v->type()) {
    case PhysType::kInt64:
      v->data<int64_t>()[i] = std::get<int64_t>(value);
      break;
    case PhysType::kUInt64:
      v->data<uint64_t>()[i] = std::get<uint64_t>(value);
      break;
    case PhysType::kDouble:
      v->data<double>()[i] = std::get<double>(value);
      break;
    case PhysType::kInt128:
      v->data<__int128>()[i] = std::get<plan::Decimal>(value).unscaled;
      break;
    case PhysType::kString:
      v->SetString(i, std::get<std::string>(value));
      break;
  }
}

}  // namespace xp::exec
