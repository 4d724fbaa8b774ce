#include "plan/exec/sort.h"

#include <algorithm>
#include <cctype>

#include "plan/exec/query_context.h"

namespace xp::exec {

using plan::TypeId;

void GatherOwned(const Vector& src, const uint32_t* sel, size_t n,
                 Vector* dst) {
  Gather(src, sel, n, dst);
  if (src.type() != PhysType::kString) return;
  // NULL rows hold undefined views: never dereference them.
  std::string_view* d = dst->data<std::string_view>();
  for (size_t i = 0; i < n; ++i) {
    d[i] = dst->IsNull(i) ? std::string_view() : dst->arena().Store(d[i]);
  }
}

Batch CopyOwned(const Batch& in) {
  std::vector<PhysType> phys;
  for (size_t c = 0; c < in.num_columns(); ++c)
    phys.push_back(in.column(c).type());
  Batch copy(phys, in.num_rows());
  for (size_t c = 0; c < in.num_columns(); ++c) {
    GatherOwned(in.column(c), IdentitySelection(), in.num_rows(),
                &copy.column(c));
  }
  copy.SetRows(in.num_rows());
  return copy;
}

SortOperator::SortOperator(OperatorPtr child, std::vector<SortKey> keys,
                           std::optional<uint64_t> limit, uint64_t offset)
    : child_(std::move(child)),
      keys_(std::move(keys)),
      limit_(limit),
      offset_(offset) {
  std::vector<PhysType> phys;
  for (const auto& t : child_->types()) phys.push_back(t.phys());
  out_ = Batch(phys);
}

Status SortOperator::Materialize() {
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* in, child_->Next());
    if (in == nullptr) break;
    const uint64_t b = rows_.size();
    for (size_t r = 0; r < in->num_rows(); ++r) order_.push_back((b << 32) | r);
    rows_.push_back(CopyOwned(*in));
    XP_RETURN_IF_ERROR(ChargeMemory(rows_.back().bytes_reserved() +
                                    in->num_rows() * sizeof(uint64_t)));
  }
  auto less = [this](uint64_t a, uint64_t b) { return CompareRows(a, b) < 0; };
  const uint64_t total = order_.size();
  uint64_t keep = total;
  if (limit_) keep = std::min<uint64_t>(total, offset_ + *limit_);
  // CompareRows breaks ties by input position, so both sorts are stable.
  if (keep < total) {
    std::partial_sort(order_.begin(),
                      order_.begin() + static_cast<ptrdiff_t>(keep),
                      order_.end(), less);
  } else {
    std::sort(order_.begin(), order_.end(), less);
  }
  next_ = std::min<uint64_t>(offset_, keep);
  end_ = keep;
  sorted_ = true;
  return Status::OK();
}

int SortOperator::CompareRows(uint64_t a, uint64_t b) const {
  const Batch& ba = rows_[a >> 32];
  const Batch& bb = rows_[b >> 32];
  const size_t ra = a & 0xffffffffu, rb = b & 0xffffffffu;
  const auto& types = child_->types();
  for (const SortKey& k : keys_) {
    const Vector& va = ba.column(static_cast<size_t>(k.column));
    const Vector& vb = bb.column(static_cast<size_t>(k.column));
    const bool na = va.IsNull(ra), nb = vb.IsNull(rb);
    int c = 0;
    if (na || nb) {
      c = na == nb ? 0 : na ? -1 : 1;  // NULL sorts first ascending
    } else {
      const plan::DataType& t = types[static_cast<size_t>(k.column)];
      switch (t.phys()) {
        case PhysType::kInt64: {
          const int64_t x = va.data<int64_t>()[ra], y = vb.data<int64_t>()[rb];
          c = x < y ? -1 : x > y;
          break;
        }
        case PhysType::kUInt64: {
          const uint64_t x = va.data<uint64_t>()[ra],
                         y = vb.data<uint64_t>()[rb];
          c = x < y ? -1 : x > y;
          break;
        }
        case PhysType::kDouble: {
          const double x = va.data<double>()[ra], y = vb.data<double>()[rb];
          c = x < y ? -1 : x > y;
          break;
        }
        case PhysType::kInt128: {
          const __int128 x = va.data<__int128>()[ra],
                         y = vb.data<__int128>()[rb];
          c = x < y ? -1 : x > y;
          break;
        }
        case PhysType::kString: {
          std::string_view x = va.data<std::string_view>()[ra];
          std::string_view y = vb.data<std::string_view>()[rb];
          if (t.binary) {
            const int r = x.compare(y);
            c = r < 0 ? -1 : r > 0;
          } else {
            while (!x.empty() && x.back() == ' ') x.remove_suffix(1);
            while (!y.empty() && y.back() == ' ') y.remove_suffix(1);
            const size_t n = std::min(x.size(), y.size());
            size_t i = 0;
            for (; i < n; ++i) {
              const int p = std::tolower(static_cast<unsigned char>(x[i]));
              const int q = std::tolower(static_cast<unsigned char>(y[i]));
              if (p != q) {
                c = p < q ? -1 : 1;
                break;
              }
            }
            if (i == n) c = x.size() < y.size() ? -1 : x.size() > y.size();
          }
          break;
        }
      }
    }
    if (c != 0) return k.desc ? -c : c;
  }
  return a < b ? -1 : a > b;  // stable: input order breaks ties
}

Result<const Batch*> SortOperator::Next() {
  if (!sorted_) XP_RETURN_IF_ERROR(Materialize());
  if (next_ >= end_) return static_cast<const Batch*>(nullptr);
  const size_t n = std::min(kBatchSize, end_ - next_);
  out_.Reset();
  out_.SetRows(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t ref = order_[next_ + i];
    const Batch& src = rows_[ref >> 32];
    const uint32_t row = static_cast<uint32_t>(ref & 0xffffffffu);
    for (size_t c = 0; c < src.num_columns(); ++c) {
      CopyValue(src.column(c), row, &out_.column(c), i);
    }
  }
  next_ += n;
  return &out_;
}

}  // namespace xp::exec
