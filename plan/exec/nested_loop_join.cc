#include "plan/exec/nested_loop_join.h"

#include "plan/exec/query_context.h"
#include "plan/exec/sort.h"

namespace xp::exec {

NestedLoopJoinOperator::NestedLoopJoinOperator(OperatorPtr probe,
                                               OperatorPtr build,
                                               plan::BoundExprPtr predicate,
                                               JoinKind kind)
    : probe_(std::move(probe)),
      build_(std::move(build)),
      predicate_(std::move(predicate)),
      kind_(kind),
      truth_(PhysType::kInt64) {
  types_ = probe_->types();
  for (const auto& t : build_->types()) types_.push_back(t);
  std::vector<PhysType> phys;
  for (const auto& t : types_) phys.push_back(t.phys());
  candidate_ = Batch(phys);
  out_ = Batch(phys);
  if (predicate_) eval_ = std::make_unique<ExpressionEvaluator>(*predicate_);
  cand_probe_.resize(kBatchSize);
  sel_.resize(kBatchSize);
}

Status NestedLoopJoinOperator::Build() {
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* in, build_->Next());
    if (in == nullptr) break;
    if (in->num_rows() == 0) continue;
    build_rows_.push_back(CopyOwned(*in));
    XP_RETURN_IF_ERROR(ChargeMemory(build_rows_.back().bytes_reserved()));
  }
  built_ = true;
  return Status::OK();
}

size_t NestedLoopJoinOperator::FillCandidates() {
  candidate_.Reset();
  const size_t np = in_->num_columns();
  size_t n = 0;
  while (n < kBatchSize && probe_row_ < in_->num_rows()) {
    if (build_batch_ >= build_rows_.size()) {
      ++probe_row_;
      build_batch_ = 0;
      build_row_ = 0;
      continue;
    }
    const Batch& b = build_rows_[build_batch_];
    const size_t take = std::min(kBatchSize - n, b.num_rows() - build_row_);
    for (size_t c = 0; c < np; ++c) {
      const Vector& src = in_->column(c);
      Vector& dst = candidate_.column(c);
      for (size_t k = 0; k < take; ++k) CopyValue(src, probe_row_, &dst, n + k);
    }
    for (size_t c = 0; c < b.num_columns(); ++c) {
      const Vector& src = b.column(c);
      Vector& dst = candidate_.column(np + c);
      for (size_t k = 0; k < take; ++k)
        CopyValue(src, build_row_ + k, &dst, n + k);
    }
    for (size_t k = 0; k < take; ++k)
      cand_probe_[n + k] = static_cast<uint32_t>(probe_row_);
    n += take;
    build_row_ += take;
    if (build_row_ == b.num_rows()) {
      ++build_batch_;
      build_row_ = 0;
    }
  }
  candidate_.SetRows(n);
  return n;
}

Result<const Batch*> NestedLoopJoinOperator::Next() {
  if (!built_) XP_RETURN_IF_ERROR(Build());
  for (;;) {
    // One probe batch makes up to |build| candidate batches: a kill or a
    // time limit is seen between them, not only when a source is read.
    XP_RETURN_IF_ERROR(CheckCancelled());
    if (in_ == nullptr) {
      XP_ASSIGN_OR_RETURN(in_, probe_->Next());
      if (in_ == nullptr) return static_cast<const Batch*>(nullptr);
      probe_row_ = build_batch_ = build_row_ = 0;
      unmatched_phase_ = false;
      matched_.assign(in_->num_rows(), 0);
    }
    if (!unmatched_phase_) {
      const size_t n = FillCandidates();
      if (n == 0) {
        unmatched_phase_ = true;
        continue;
      }
      size_t m = 0;
      if (eval_) {
        XP_ASSIGN_OR_RETURN(const Vector* v, eval_->Evaluate(candidate_));
        ToTruth(*v, predicate_->type, n, &truth_);
        const int64_t* t = truth_.data<int64_t>();
        for (size_t i = 0; i < n; ++i) {
          if (!truth_.IsNull(i) && t[i] != 0)
            sel_[m++] = static_cast<uint32_t>(i);
        }
      } else {
        for (size_t i = 0; i < n; ++i) sel_[m++] = static_cast<uint32_t>(i);
      }
      if (m == 0) continue;
      for (size_t i = 0; i < m; ++i) matched_[cand_probe_[sel_[i]]] = 1;
      out_.Reset();
      for (size_t c = 0; c < types_.size(); ++c)
        Gather(candidate_.column(c), sel_.data(), m, &out_.column(c));
      out_.SetRows(m);
      return &out_;
    }
    // Unmatched probe rows of this batch (LEFT JOIN).
    const Batch* in = in_;
    in_ = nullptr;
    if (kind_ != JoinKind::kLeft) continue;
    out_.Reset();
    const size_t np = in->num_columns();
    size_t m = 0;
    for (size_t r = 0; r < in->num_rows(); ++r) {
      if (matched_[r]) continue;
      for (size_t c = 0; c < np; ++c)
        CopyValue(in->column(c), r, &out_.column(c), m);
      for (size_t c = np; c < types_.size(); ++c) out_.column(c).SetNull(m);
      ++m;
    }
    if (m == 0) continue;
    out_.SetRows(m);
    return &out_;
  }
}

}  // namespace xp::exec
