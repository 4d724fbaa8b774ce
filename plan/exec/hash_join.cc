#include "plan/exec/hash_join.h"

#include "plan/exec/key_encoding.h"
#include "plan/exec/query_context.h"
#include "plan/exec/sort.h"

namespace xp::exec {

namespace {
constexpr uint32_t kEnd = ~0u;
constexpr uint64_t kNoBuildRow = ~uint64_t{0};

}  // namespace

HashJoinOperator::HashJoinOperator(OperatorPtr probe, OperatorPtr build,
                                   std::vector<int> probe_keys,
                                   std::vector<int> build_keys, JoinKind kind)
    : probe_(std::move(probe)),
      build_(std::move(build)),
      probe_keys_(std::move(probe_keys)),
      build_keys_(std::move(build_keys)),
      kind_(kind) {
  types_ = probe_->types();
  if (kind_ == JoinKind::kInner || kind_ == JoinKind::kLeft) {
    for (const auto& t : build_->types()) types_.push_back(t);
  }
  std::vector<PhysType> phys;
  for (const auto& t : types_) phys.push_back(t.phys());
  out_ = Batch(phys);
}

Status HashJoinOperator::Build() {
  const auto& types = build_->types();
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* in, build_->Next());
    if (in == nullptr) break;
    Batch copy = CopyOwned(*in);
    XP_RETURN_IF_ERROR(ChargeMemory(copy.bytes_reserved() +
                                    copy.num_rows() * 2 * sizeof(uint64_t)));
    const uint64_t b = build_rows_.size();
    for (size_t r = 0; r < copy.num_rows(); ++r) {
      key_.clear();
      bool null_key = false;
      for (int k : build_keys_) {
        const Vector& v = copy.column(static_cast<size_t>(k));
        null_key |= v.IsNull(r);
        EncodeKey(v, types[static_cast<size_t>(k)], r, &key_);
      }
      if (null_key) continue;  // never matches
      const uint32_t entry = static_cast<uint32_t>(entry_row_.size());
      entry_row_.push_back((b << 32) | r);
      auto it = heads_.find(std::string_view(key_));
      if (it == heads_.end()) {
        entry_next_.push_back(kEnd);
        heads_.emplace(key_arena_.Store(key_), entry);
      } else {
        entry_next_.push_back(it->second);  // prepend to the key's chain
        it->second = entry;
      }
    }
    build_rows_.push_back(std::move(copy));
  }
  built_ = true;
  return Status::OK();
}

bool HashJoinOperator::ProbeKey(size_t row) {
  key_.clear();
  const auto& types = probe_->types();
  for (int k : probe_keys_) {
    const Vector& v = in_->column(static_cast<size_t>(k));
    if (v.IsNull(row)) return false;
    EncodeKey(v, types[static_cast<size_t>(k)], row, &key_);
  }
  return true;
}

void HashJoinOperator::Emit(size_t n, size_t p, uint64_t b) {
  const size_t np = in_->num_columns();
  for (size_t c = 0; c < np; ++c)
    CopyValue(in_->column(c), p, &out_.column(c), n);
  if (kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti) return;
  const size_t nb = build_->types().size();
  if (b == kNoBuildRow) {
    for (size_t c = 0; c < nb; ++c) out_.column(np + c).SetNull(n);
    return;
  }
  const Batch& src = build_rows_[b >> 32];
  const size_t row = b & 0xffffffffu;
  for (size_t c = 0; c < nb; ++c)
    CopyValue(src.column(c), row, &out_.column(np + c), n);
}

Result<const Batch*> HashJoinOperator::Next() {
  if (!built_) XP_RETURN_IF_ERROR(Build());
  // A probe batch with long chains fills many output batches.
  XP_RETURN_IF_ERROR(CheckCancelled());
  out_.Reset();
  size_t n = 0;
  for (;;) {
    if (in_ == nullptr || in_row_ >= in_->num_rows()) {
      if (n > 0) break;  // emit what we have before pulling more
      XP_ASSIGN_OR_RETURN(in_, probe_->Next());
      if (in_ == nullptr) return static_cast<const Batch*>(nullptr);
      in_row_ = 0;
      chain_ = kEnd;
      row_matched_ = false;
    }
    const Batch& in = *in_;
    while (in_row_ < in.num_rows() && n < kBatchSize) {
      if (chain_ == kEnd && !row_matched_) {
        // Start of a probe row: find its chain.
        if (ProbeKey(in_row_)) {
          auto it = heads_.find(std::string_view(key_));
          if (it != heads_.end()) chain_ = it->second;
        }
        if (chain_ == kEnd) {  // no match at all
          if (kind_ == JoinKind::kLeft || kind_ == JoinKind::kAnti)
            Emit(n++, in_row_, kNoBuildRow);
          ++in_row_;
          continue;
        }
        if (kind_ == JoinKind::kSemi) {
          Emit(n++, in_row_, kNoBuildRow);
          chain_ = kEnd;
          ++in_row_;
          continue;
        }
        if (kind_ == JoinKind::kAnti) {
          chain_ = kEnd;
          ++in_row_;
          continue;
        }
        row_matched_ = true;
      }
      // Inner / left: one output row per chain entry. Chains were built by
      // prepending, so walk them and emit in reverse-build order; the order
      // within one key is not significant in SQL.
      while (chain_ != kEnd && n < kBatchSize) {
        Emit(n++, in_row_, entry_row_[chain_]);
        chain_ = entry_next_[chain_];
      }
      if (chain_ == kEnd) {
        row_matched_ = false;
        ++in_row_;
      }
    }
    if (n == kBatchSize) break;
  }
  out_.SetRows(n);
  return &out_;
}

}  // namespace xp::exec
