#include "plan/store/memory_table.h"

#include <algorithm>

#include "codec/sql_errors.h"
#include "plan/exec/key_encoding.h"
#include "plan/exec/operator.h"

namespace xp::exec {

using plan::TypeId;
using plan::Value;

MemoryTable::MemoryTable(const plan::TableSchema* schema) : schema_(schema) {
  for (size_t c = 0; c < schema_->columns.size(); ++c) {
    phys_.push_back(schema_->columns[c].type.phys());
    if (schema_->columns[c].auto_increment) auto_column_ = static_cast<int>(c);
  }
  unique_keys_.resize(schema_->indexes.size());
}

std::vector<plan::DataType> MemoryTable::types() const {
  std::vector<plan::DataType> out;
  for (const auto& c : schema_->columns) out.push_back(c.type);
  return out;
}

void MemoryTable::Put(Batch* b, size_t c, size_t row, const Value& v) {
  PutValue(v, row, &b->column(c));
}

Result<std::vector<Value>> AssembleRow(
    const plan::TableSchema& schema, const std::vector<int>& columns,
    const std::vector<Value>& values,
    const std::function<uint64_t()>& next_auto, uint64_t* assigned) {
  const auto& cols = schema.columns;
  const size_t n = cols.size();
  // Assemble the full row: given values, then defaults.
  std::vector<Value> row(n);
  std::vector<bool> given(n, false);
  // No columns and no values (VALUES (), or every value DEFAULT): all
  // defaults.
  if (columns.empty() && !values.empty() && values.size() != n) {
    return SqlError(ER_WRONG_VALUE_COUNT_ON_ROW,
                    "Column count doesn't match value count at row 1");
  }
  if (!columns.empty() && columns.size() != values.size()) {
    return SqlError(ER_WRONG_VALUE_COUNT_ON_ROW,
                    "Column count doesn't match value count at row 1");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = columns.empty() ? i : static_cast<size_t>(columns[i]);
    XP_ASSIGN_OR_RETURN(
        row[c], plan::ConvertValue(values[i], cols[c].type, cols[c].name));
    given[c] = true;
  }
  *assigned = 0;
  for (size_t c = 0; c < n; ++c) {
    if (cols[c].auto_increment) {
      // NULL, 0 or omitted: the next value; an explicit value moves it on.
      const bool zero =
          row[c].index() == 0 ||
          (row[c].index() == 1 && std::get<int64_t>(row[c]) == 0) ||
          (row[c].index() == 2 && std::get<uint64_t>(row[c]) == 0);
      if (zero) {
        *assigned = next_auto();
        row[c] = cols[c].type.id == TypeId::kUInt
                     ? Value(*assigned)
                     : Value(static_cast<int64_t>(*assigned));
        XP_ASSIGN_OR_RETURN(
            row[c], plan::ConvertValue(row[c], cols[c].type, cols[c].name));
      }
      continue;
    }
    if (!given[c]) {
      if (cols[c].default_value) {
        row[c] = *cols[c].default_value;
      } else if (!cols[c].nullable && !cols[c].default_now) {
        return SqlError(
            ER_NO_DEFAULT_FOR_FIELD,
            "Field '" + cols[c].name + "' doesn't have a default value");
      }
    }
    if (row[c].index() == 0 && !cols[c].nullable && !cols[c].default_now) {
      return SqlError(ER_BAD_NULL_ERROR,
                      "Column '" + cols[c].name + "' cannot be null");
    }
  }
  return row;
}

uint64_t AutoValueOf(const Value& v) {
  return v.index() == 1   ? static_cast<uint64_t>(std::get<int64_t>(v))
         : v.index() == 2 ? std::get<uint64_t>(v)
                          : 0;
}

Status MemoryTable::Insert(const std::vector<int>& columns,
                           const std::vector<Value>& values,
                           uint64_t* insert_id,
                           std::vector<size_t>* conflicts) {
  const auto& cols = schema_->columns;
  const size_t n = cols.size();
  uint64_t assigned = 0;
  XP_ASSIGN_OR_RETURN(
      std::vector<Value> row,
      AssembleRow(
          *schema_, columns, values, [this] { return next_auto_; }, &assigned));
  // Write into the slot after the last row (not yet counted).
  if (batches_.empty() || batches_.back().num_rows() == kBatchSize) {
    batches_.emplace_back(phys_);
  }
  Batch& b = batches_.back();
  const size_t slot = b.num_rows();
  for (size_t c = 0; c < n; ++c) Put(&b, c, slot, row[c]);
  // Unique keys: encode from the written slot; NULL parts never collide.
  std::vector<std::string> keys(schema_->indexes.size());
  for (size_t i = 0; i < schema_->indexes.size(); ++i) {
    const auto& idx = schema_->indexes[i];
    if (!idx.unique) continue;
    bool has_null = false;
    for (int c : idx.columns) {
      has_null |= b.column(static_cast<size_t>(c)).IsNull(slot);
      EncodeKey(b.column(static_cast<size_t>(c)),
                cols[static_cast<size_t>(c)].type, slot, &keys[i]);
    }
    if (has_null) {
      keys[i].clear();
      continue;
    }
    auto dup = unique_keys_[i].find(keys[i]);
    if (dup != unique_keys_[i].end() && conflicts != nullptr) {
      // Collect every colliding row (REPLACE removes them all).
      for (size_t j = i; j < keys.size(); ++j) {
        if (j > i) {
          const auto& other = schema_->indexes[j];
          if (!other.unique) continue;
          std::string k;
          bool null_part = false;
          for (int c : other.columns) {
            null_part |= b.column(static_cast<size_t>(c)).IsNull(slot);
            EncodeKey(b.column(static_cast<size_t>(c)),
                      cols[static_cast<size_t>(c)].type, slot, &k);
          }
          auto hit =
              null_part ? unique_keys_[j].end() : unique_keys_[j].find(k);
          if (hit == unique_keys_[j].end()) continue;
          conflicts->push_back(hit->second);
        } else {
          conflicts->push_back(dup->second);
        }
      }
      std::sort(conflicts->begin(), conflicts->end());
      conflicts->erase(std::unique(conflicts->begin(), conflicts->end()),
                       conflicts->end());
    }
    if (dup != unique_keys_[i].end()) {
      std::string shown;
      for (size_t k = 0; k < idx.columns.size(); ++k) {
        if (k) shown += "-";
        const Value& v = row[static_cast<size_t>(idx.columns[k])];
        shown +=
            v.index() == 5 ? std::get<std::string>(v) : plan::ValueToString(v);
      }
      return SqlError(ER_DUP_ENTRY, "Duplicate entry '" + shown +
                                        "' for key '" + schema_->name + "." +
                                        idx.name + "'");
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i].empty()) unique_keys_[i].emplace(std::move(keys[i]), rows_);
  }
  b.SetRows(slot + 1);
  ++rows_;
  if (auto_column_ >= 0) {
    const uint64_t used = AutoValueOf(row[static_cast<size_t>(auto_column_)]);
    if (used >= next_auto_) next_auto_ = used + 1;
  }
  if (insert_id != nullptr) *insert_id = assigned;
  return Status::OK();
}

std::optional<size_t> MemoryTable::Find(size_t index,
                                        const std::vector<Value>& key) const {
  const auto& idx = schema_->indexes[index];
  if (!idx.unique || key.size() != idx.columns.size()) return std::nullopt;
  std::string k;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i].index() == 0) return std::nullopt;  // NULL never matches
    const auto& type =
        schema_->columns[static_cast<size_t>(idx.columns[i])].type;
    Vector v(type.phys(), 1);
    PutValue(key[i], 0, &v);
    v.Resize(1);
    EncodeKey(v, type, 0, &k);
  }
  auto it = unique_keys_[index].find(k);
  if (it == unique_keys_[index].end()) return std::nullopt;
  return it->second;
}

std::vector<std::vector<Value>> MemoryTable::Rows() const {
  const std::vector<plan::DataType> t = types();
  std::vector<std::vector<Value>> rows;
  rows.reserve(rows_);
  for (const Batch& b : batches_) {
    for (size_t r = 0; r < b.num_rows(); ++r) {
      std::vector<Value> row;
      row.reserve(t.size());
      for (size_t c = 0; c < t.size(); ++c)
        row.push_back(ValueAt(b.column(c), t[c], r));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

Status MemoryTable::ReplaceRows(const std::vector<std::vector<Value>>& rows) {
  MemoryTable fresh(schema_);
  fresh.next_auto_ = next_auto_;
  // The rows are as the table holds them (Rows()); Insert takes values as
  // statements give them.
  const std::vector<plan::DataType> t = types();
  for (const auto& row : rows) {
    std::vector<Value> in = row;
    for (size_t c = 0; c < in.size() && c < t.size(); ++c)
      in[c] = InputValue(std::move(in[c]), t[c]);
    XP_RETURN_IF_ERROR(fresh.Insert({}, in));
  }
  phys_ = std::move(fresh.phys_);  // the schema may have changed
  auto_column_ = fresh.auto_column_;
  batches_ = std::move(fresh.batches_);
  rows_ = fresh.rows_;
  next_auto_ = fresh.next_auto_;
  unique_keys_ = std::move(fresh.unique_keys_);
  return Status::OK();
}

void MemoryTable::Truncate() {
  batches_.clear();
  rows_ = 0;
  next_auto_ = 1;
  for (auto& s : unique_keys_) s.clear();
}

}  // namespace xp::exec
