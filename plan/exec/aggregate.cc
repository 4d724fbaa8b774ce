#include "plan/exec/aggregate.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "plan/exec/key_encoding.h"
#include "plan/exec/query_context.h"

namespace xp::exec {

using plan::DataType;
using plan::TypeId;
using int128 = __int128;

namespace {

constexpr int128 kMaxDecimalUnscaled = [] {
  int128 p = 1;
  for (int i = 0; i < 38; ++i) p *= 10;
  return p - 1;
}();

// Row i of `v` as an exact int128 (at the column's own scale).
int128 ExactAt(const Vector& v, const DataType& t, size_t i) {
  switch (t.id) {
    case TypeId::kInt:
      return v.data<int64_t>()[i];
    case TypeId::kUInt:
      return v.data<uint64_t>()[i];
    default:
      return v.data<int128>()[i];
  }
}

double DoubleAt(const Vector& v, const DataType& t, size_t i) {
  switch (t.id) {
    case TypeId::kInt:
      return static_cast<double>(v.data<int64_t>()[i]);
    case TypeId::kUInt:
      return static_cast<double>(v.data<uint64_t>()[i]);
    case TypeId::kDouble:
      return v.data<double>()[i];
    case TypeId::kDecimal:
      return plan::DecimalToDouble(plan::Decimal{v.data<int128>()[i], t.scale});
    case TypeId::kString: {
      std::string s(v.data<std::string_view>()[i]);
      return std::strtod(s.c_str(), nullptr);
    }
    default:
      return static_cast<double>(v.data<int64_t>()[i]);
  }
}

int CompareValues(const plan::Value& a, const plan::Value& b,
                  const DataType& t) {
  switch (a.index()) {
    case 1: {
      const int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
      return x < y ? -1 : x > y;
    }
    case 2: {
      const uint64_t x = std::get<uint64_t>(a), y = std::get<uint64_t>(b);
      return x < y ? -1 : x > y;
    }
    case 3: {
      const double x = std::get<double>(a), y = std::get<double>(b);
      return x < y ? -1 : x > y;
    }
    case 4:
      return plan::DecimalCompare(std::get<plan::Decimal>(a),
                                  std::get<plan::Decimal>(b));
    case 5: {
      std::string_view x = std::get<std::string>(a),
                       y = std::get<std::string>(b);
      if (t.binary) return x.compare(y) < 0 ? -1 : x.compare(y) > 0;
      while (!x.empty() && x.back() == ' ') x.remove_suffix(1);
      while (!y.empty() && y.back() == ' ') y.remove_suffix(1);
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        const int p = FoldCase(static_cast<unsigned char>(x[i]));
        const int q = FoldCase(static_cast<unsigned char>(y[i]));
        if (p != q) return p < q ? -1 : 1;
      }
      return x.size() < y.size() ? -1 : x.size() > y.size();
    }
    default:
      return 0;
  }
}

}  // namespace

// Running state of one aggregate for every group.
struct HashAggregateOperator::AggState {
  AggSpec spec;
  DataType input;
  DataType result;
  bool exact = false;             // SUM/AVG over exact input
  std::vector<int64_t> count;     // non-NULL inputs (COUNT, AVG)
  std::vector<int128> isum;       // exact SUM/AVG at the input scale
  std::vector<double> dsum;       // DOUBLE SUM/AVG
  std::vector<uint8_t> seen;      // MIN/MAX/SUM: any non-NULL value yet
  std::vector<plan::Value> best;  // MIN/MAX
  std::vector<std::unordered_set<std::string>>
      distinct;                                 // DISTINCT seen values
  std::vector<std::vector<std::string>> parts;  // GROUP_CONCAT values
  size_t out_column = 0;                        // first output column

  void Grow(size_t groups) {
    count.resize(groups, 0);
    isum.resize(groups, 0);
    dsum.resize(groups, 0);
    seen.resize(groups, 0);
    if (spec.func == AggFunc::kMin || spec.func == AggFunc::kMax ||
        spec.func == AggFunc::kAnyValue)
      best.resize(groups);
    if (spec.distinct) distinct.resize(groups);
    if (spec.func == AggFunc::kGroupConcat) parts.resize(groups);
  }
};

HashAggregateOperator::HashAggregateOperator(OperatorPtr child,
                                             std::vector<int> group_columns,
                                             std::vector<AggSpec> aggs,
                                             AggMode mode)
    : child_(std::move(child)),
      group_columns_(std::move(group_columns)),
      aggs_(std::move(aggs)),
      row_groups_(kBatchSize),
      mode_(mode) {
  const auto& in = child_->types();
  for (int c : group_columns_) types_.push_back(in[static_cast<size_t>(c)]);
  for (const AggSpec& a : aggs_) {
    auto st = std::make_unique<AggState>();
    st->spec = a;
    st->input =
        a.column >= 0 ? in[static_cast<size_t>(a.column)] : DataType::Int();
    st->result = AggResultType(a, st->input);
    st->exact = st->input.id == TypeId::kInt || st->input.id == TypeId::kUInt ||
                st->input.id == TypeId::kDecimal ||
                st->input.id == TypeId::kNull;
    st->out_column = types_.size();
    for (const DataType& t : plan::AggOutputTypes(a, mode_, st->input))
      types_.push_back(t);
    states_.push_back(std::move(st));
  }
  std::vector<PhysType> phys;
  for (const auto& t : types_) phys.push_back(t.phys());
  out_ = Batch(phys);
}

HashAggregateOperator::~HashAggregateOperator() = default;

Status HashAggregateOperator::Consume(const Batch& in) {
  const size_t rows = in.num_rows();
  const auto& types = child_->types();
  // Group ids.
  for (size_t r = 0; r < rows; ++r) {
    key_.clear();
    for (int c : group_columns_) {
      EncodeKey(in.column(static_cast<size_t>(c)),
                types[static_cast<size_t>(c)], r, &key_);
    }
    auto it = groups_.find(std::string_view(key_));
    if (it == groups_.end()) {
      const uint32_t id = static_cast<uint32_t>(keys_.size());
      groups_.emplace(key_arena_.Store(key_), id);
      std::vector<plan::Value> k;
      for (int c : group_columns_) {
        k.push_back(ValueAt(in.column(static_cast<size_t>(c)),
                            types[static_cast<size_t>(c)], r));
      }
      keys_.push_back(std::move(k));
      // Key bytes, the hash entry and the key vector with its allocation
      // headers, the key's Values, the aggregates' slots (measured RSS per
      // group stays within the charge).
      XP_RETURN_IF_ERROR(
          ChargeMemory(key_.size() + 80 +
                       (sizeof(plan::Value) + 16) * group_columns_.size() +
                       32 * states_.size()));
      row_groups_[r] = id;
    } else {
      row_groups_[r] = it->second;
    }
  }
  for (auto& st : states_) st->Grow(keys_.size());
  // One loop per aggregate.
  std::string dkey;
  for (auto& st : states_) {
    const uint32_t* g = row_groups_.data();
    if (st->spec.func == AggFunc::kCountStar && mode_ != AggMode::kFinal) {
      for (size_t r = 0; r < rows; ++r) ++st->count[g[r]];
      continue;
    }
    const bool final_count =
        mode_ == AggMode::kFinal && (st->spec.func == AggFunc::kCount ||
                                     st->spec.func == AggFunc::kCountStar);
    const Vector& v = in.column(static_cast<size_t>(st->spec.column));
    if (st->spec.func == AggFunc::kAnyValue) {
      for (size_t r = 0; r < rows; ++r) {
        if (st->seen[g[r]]) continue;
        st->best[g[r]] = ValueAt(v, st->input, r);
        st->seen[g[r]] = 1;
      }
      continue;
    }
    for (size_t r = 0; r < rows; ++r) {
      if (v.IsNull(r)) continue;
      const uint32_t grp = g[r];
      if (st->spec.distinct) {
        dkey.clear();
        EncodeKey(v, st->input, r, &dkey);
        if (!st->distinct[grp].insert(dkey).second) continue;
      }
      if (final_count) {  // merging partial counts
        st->count[grp] += v.data<int64_t>()[r];
        continue;
      }
      switch (st->spec.func) {
        case AggFunc::kCount:
          ++st->count[grp];
          break;
        case AggFunc::kGroupConcat:
          st->parts[grp].push_back(CellText(v, st->input, r));
          break;
        case AggFunc::kSum:
        case AggFunc::kAvg:
          if (mode_ == AggMode::kFinal && st->spec.func == AggFunc::kAvg) {
            st->count[grp] +=
                in.column(static_cast<size_t>(st->spec.column) + 1)
                    .data<int64_t>()[r];
          } else {
            ++st->count[grp];
          }
          st->seen[grp] = 1;
          if (st->exact) {
            st->isum[grp] += ExactAt(v, st->input, r);
            if (st->isum[grp] > kMaxDecimalUnscaled ||
                st->isum[grp] < -kMaxDecimalUnscaled) {
              return plan::DecimalOutOfRange("SUM");
            }
          } else {
            st->dsum[grp] += DoubleAt(v, st->input, r);
          }
          break;
        case AggFunc::kMin:
        case AggFunc::kMax: {
          plan::Value val = ValueAt(v, st->input, r);
          if (!st->seen[grp]) {
            st->best[grp] = std::move(val);
            st->seen[grp] = 1;
          } else {
            const int c = CompareValues(val, st->best[grp], st->input);
            if ((st->spec.func == AggFunc::kMin && c < 0) ||
                (st->spec.func == AggFunc::kMax && c > 0)) {
              st->best[grp] = std::move(val);
            }
          }
          break;
        }
        case AggFunc::kCountStar:
        case AggFunc::kAnyValue:  // handled above
          break;
      }
    }
  }
  return Status::OK();
}

Status HashAggregateOperator::Finish() {
  // A scalar aggregate (no GROUP BY) has one row even over no input.
  if (group_columns_.empty() && keys_.empty()) {
    keys_.emplace_back();
    for (auto& st : states_) st->Grow(1);
  }
  return Status::OK();
}

namespace {

// GROUP_CONCAT ... ORDER BY: text by collation, numbers by value.
int CompareText(const std::string& a, const std::string& b, bool binary) {
  if (binary) return a.compare(b) < 0 ? -1 : a == b ? 0 : 1;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const int x = FoldCase(static_cast<unsigned char>(a[i]));
    const int y = FoldCase(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

int CompareNumbers(const std::string& a, const std::string& b) {
  const double x = std::strtod(a.c_str(), nullptr);
  const double y = std::strtod(b.c_str(), nullptr);
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace

Result<const Batch*> HashAggregateOperator::Next() {
  if (!done_) {
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* in, child_->Next());
      if (in == nullptr) break;
      XP_RETURN_IF_ERROR(Consume(*in));
    }
    XP_RETURN_IF_ERROR(Finish());
    done_ = true;
  }
  if (emitted_ >= keys_.size()) return static_cast<const Batch*>(nullptr);
  const size_t n = std::min(kBatchSize, keys_.size() - emitted_);
  out_.Reset();
  out_.SetRows(n);
  const size_t ng = group_columns_.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t grp = emitted_ + i;
    for (size_t c = 0; c < ng; ++c) PutValue(keys_[grp][c], i, &out_.column(c));
    for (size_t a = 0; a < states_.size(); ++a) {
      AggState& st = *states_[a];
      Vector& col = out_.column(st.out_column);
      // The running SUM (NULL when no value was seen).
      auto put_sum = [&] {
        if (!st.seen[grp]) {
          col.SetNull(i);
        } else if (st.exact) {
          col.data<int128>()[i] = st.isum[grp];
        } else {
          col.data<double>()[i] = st.dsum[grp];
        }
      };
      switch (st.spec.func) {
        case AggFunc::kCountStar:
        case AggFunc::kCount:
          col.data<int64_t>()[i] = st.count[grp];
          break;
        case AggFunc::kSum:
          put_sum();
          break;
        case AggFunc::kAvg:
          if (mode_ == AggMode::kPartial) {  // SUM and COUNT states
            out_.column(st.out_column + 1).data<int64_t>()[i] = st.count[grp];
            put_sum();
          } else if (!st.seen[grp]) {
            col.SetNull(i);
          } else if (st.exact) {
            const int in_scale =
                st.input.id == TypeId::kDecimal ? st.input.scale : 0;
            auto q = plan::DecimalDiv(plan::Decimal{st.isum[grp], in_scale},
                                      plan::DecimalFromInt(st.count[grp]));
            if (!q.ok()) return q.status();
            auto r = plan::DecimalRescale(**q, st.result.scale);
            if (!r.ok()) return r.status();
            col.data<int128>()[i] = r->unscaled;
          } else {
            col.data<double>()[i] =
                st.dsum[grp] / static_cast<double>(st.count[grp]);
          }
          break;
        case AggFunc::kMin:
        case AggFunc::kMax:
        case AggFunc::kAnyValue:
          PutValue(st.seen[grp] ? st.best[grp] : plan::Value(), i, &col);
          break;
        case AggFunc::kGroupConcat: {
          auto& parts = st.parts[grp];
          if (parts.empty()) {
            col.SetNull(i);
            break;
          }
          if (st.spec.order != 0) {
            const bool binary = st.input.binary;
            const int dir = st.spec.order;
            std::stable_sort(parts.begin(), parts.end(),
                             [&](const std::string& x, const std::string& y) {
                               const int c = st.input.id == TypeId::kString
                                                 ? CompareText(x, y, binary)
                                                 : CompareNumbers(x, y);
                               return dir > 0 ? c < 0 : c > 0;
                             });
          }
          std::string joined;
          for (size_t k = 0; k < parts.size(); ++k) {
            if (k) joined += st.spec.separator;
            joined += parts[k];
            if (joined.size() >= plan::kGroupConcatMaxLen) break;
          }
          if (joined.size() > plan::kGroupConcatMaxLen)
            joined.resize(plan::kGroupConcatMaxLen);
          col.SetString(i, joined);
          break;
        }
      }
    }
  }
  emitted_ += n;
  return &out_;
}

}  // namespace xp::exec
