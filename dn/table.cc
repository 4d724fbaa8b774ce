#include "dn/table.h"

#include <algorithm>
#include <set>

#include "codec/row.h"
#include "codec/sql_errors.h"
#include "plan/exec/query_context.h"

namespace xp::dn {

namespace {

std::string Prefix(uint64_t table, uint32_t index) {
  std::string k;
  key::AppendPrefix(table, index, &k);
  return k;
}

void AppendValue(const plan::Value& v, const plan::DataType& t, bool desc,
                 std::string* out) {
  if (v.index() == 0) {
    key::AppendNull(desc, out);
    return;
  }
  switch (KindOf(t)) {
    case key::Kind::kInt64:
      key::AppendInt64(std::get<int64_t>(v), desc, out);
      break;
    case key::Kind::kUInt64:
      key::AppendUInt64(std::get<uint64_t>(v), desc, out);
      break;
    case key::Kind::kDouble:
      key::AppendDouble(std::get<double>(v), desc, out);
      break;
    case key::Kind::kDecimal:
      key::AppendDecimal(std::get<plan::Decimal>(v).unscaled, desc, out);
      break;
    case key::Kind::kBytes:
      key::AppendBytes(std::get<std::string>(v), desc, out);
      break;
    case key::Kind::kText:
      key::AppendText(std::get<std::string>(v), desc, out);
      break;
  }
}

// Index `i`'s columns of `row` appended to `out`; true if any is NULL.
bool AppendIndex(const StoredTable& t, size_t i,
                 const std::vector<plan::Value>& row, std::string* out) {
  const plan::IndexSchema& idx = t.schema->indexes[i];
  bool has_null = false;
  for (size_t k = 0; k < idx.columns.size(); ++k) {
    const size_t c = static_cast<size_t>(idx.columns[k]);
    has_null |= row[c].index() == 0;
    AppendValue(row[c], t.schema->columns[c].type,
                k < idx.desc.size() && idx.desc[k], out);
  }
  return has_null;
}

std::string Shown(const StoredTable& t, size_t i,
                  const std::vector<plan::Value>& row) {
  std::string s;
  for (int c : t.schema->indexes[i].columns) {
    if (!s.empty()) s += "-";
    const plan::Value& v = row[static_cast<size_t>(c)];
    s += v.index() == 5 ? std::get<std::string>(v) : plan::ValueToString(v);
  }
  return s;
}

Status Duplicate(const StoredTable& t, size_t i,
                 const std::vector<plan::Value>& row) {
  return SqlError(ER_DUP_ENTRY, "Duplicate entry '" + Shown(t, i, row) +
                                    "' for key '" + t.schema->name + "." +
                                    t.schema->indexes[i].name + "'");
}

std::string EncodeRow(const StoredTable& t,
                      const std::vector<plan::Value>& row) {
  std::vector<key::Kind> kinds;
  std::vector<row::Cell> cells(row.size());
  for (size_t c = 0; c < row.size(); ++c) {
    kinds.push_back(KindOf(t.schema->columns[c].type));
    const plan::Value& v = row[c];
    row::Cell& cell = cells[c];
    cell.null = v.index() == 0;
    switch (v.index()) {
      case 1:
        cell.i = std::get<int64_t>(v);
        break;
      case 2:
        cell.u = std::get<uint64_t>(v);
        break;
      case 3:
        cell.d = std::get<double>(v);
        break;
      case 4:
        cell.dec = std::get<plan::Decimal>(v).unscaled;
        break;
      case 5:
        cell.s = std::get<std::string>(v);
        break;
      default:
        break;
    }
  }
  std::string out;
  row::Encode(t.schema->version, kinds, cells, &out);
  return out;
}

// Secondary entries of `row`: key and value per index (skipping PRIMARY).
struct Entry {
  std::string key, value;
  bool unique;
  size_t index;
};

std::vector<Entry> IndexEntries(const StoredTable& t, const std::string& pk,
                                const std::vector<plan::Value>& row) {
  std::vector<Entry> out;
  const std::string pk_suffix = pk.substr(key::kPrefixSize);
  for (size_t i = 0; i < t.schema->indexes.size(); ++i) {
    const plan::IndexSchema& idx = t.schema->indexes[i];
    if (idx.primary) continue;
    Entry e;
    e.index = i;
    e.key = Prefix(t.id, idx.id);
    const bool has_null = AppendIndex(t, i, row, &e.key);
    e.unique = idx.unique && !has_null;  // NULLs never collide
    if (e.unique) {
      e.value = pk_suffix;
    } else {
      e.key += pk_suffix;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

key::Kind KindOf(const plan::DataType& t) {
  switch (t.id) {
    case plan::TypeId::kUInt:
      return key::Kind::kUInt64;
    case plan::TypeId::kDouble:
      return key::Kind::kDouble;
    case plan::TypeId::kDecimal:
      return key::Kind::kDecimal;
    case plan::TypeId::kString:
      return t.binary ? key::Kind::kBytes : key::Kind::kText;
    default:  // integers, temporal values (int64 in plan::Value)
      return key::Kind::kInt64;
  }
}

bool HasPrimaryKey(const plan::TableSchema& t) {
  return !t.indexes.empty() && t.indexes[0].primary;
}

std::string PrimaryKey(const StoredTable& t,
                       const std::vector<plan::Value>& row) {
  std::string k = Prefix(t.id, 0);
  AppendIndex(t, 0, row, &k);
  return k;
}

std::string HiddenKey(const StoredTable& t, uint64_t n) {
  std::string k = Prefix(t.id, 0);
  key::AppendUInt64(n, false, &k);
  return k;
}

std::pair<std::string, std::string> TableRange(uint64_t id) {
  return {Prefix(id, 0), Prefix(id + 1, 0)};
}

std::pair<std::string, std::string> IndexRange(uint64_t id, uint32_t index_id) {
  const std::string p = Prefix(id, index_id);
  return {p, key::PrefixSuccessor(p)};
}

Status InsertRow(Transaction* txn, const StoredTable& t, const std::string& pk,
                 const std::vector<plan::Value>& row, std::string* conflict) {
  Result<std::optional<std::string>> old = txn->GetForUpdate(pk);
  if (!old.ok()) return old.status();
  if (old->has_value()) {
    if (conflict != nullptr) *conflict = pk;
    return Duplicate(t, 0, row);
  }
  std::vector<Entry> entries = IndexEntries(t, pk, row);
  for (const Entry& e : entries) {
    if (!e.unique) continue;
    Result<std::optional<std::string>> taken = txn->GetForUpdate(e.key);
    if (!taken.ok()) return taken.status();
    if (taken->has_value()) {
      if (conflict != nullptr) *conflict = Prefix(t.id, 0) + **taken;
      return Duplicate(t, e.index, row);
    }
  }
  XP_RETURN_IF_ERROR(txn->Put(pk, EncodeRow(t, row)));
  for (const Entry& e : entries) XP_RETURN_IF_ERROR(txn->Put(e.key, e.value));
  return Status::OK();
}

Status InsertIndexEntries(Transaction* txn, const StoredTable& t,
                          const std::string& pk,
                          const std::vector<plan::Value>& row,
                          const std::vector<uint32_t>& index_ids) {
  for (const Entry& e : IndexEntries(t, pk, row)) {
    const uint32_t id = t.schema->indexes[e.index].id;
    if (std::find(index_ids.begin(), index_ids.end(), id) == index_ids.end())
      continue;
    if (e.unique) {
      Result<std::optional<std::string>> taken = txn->GetForUpdate(e.key);
      if (!taken.ok()) return taken.status();
      if (taken->has_value()) return Duplicate(t, e.index, row);
    }
    XP_RETURN_IF_ERROR(txn->Put(e.key, e.value));
  }
  return Status::OK();
}

Status InsertRow(Transaction* txn, const StoredTable& t,
                 const std::vector<plan::Value>& row) {
  if (!HasPrimaryKey(*t.schema))
    return Status::InvalidArgument("a hidden primary key needs its row number");
  return InsertRow(txn, t, PrimaryKey(t, row), row);
}

Status LockUnchanged(Transaction* txn, const StoredTable& t,
                     const std::string& pk,
                     const std::vector<plan::Value>& row) {
  Result<std::optional<std::string>> latest = txn->GetForUpdate(pk);
  if (!latest.ok()) return latest.status();
  bool same = latest->has_value();
  if (same) {
    XP_ASSIGN_OR_RETURN(std::vector<plan::Value> now,
                        DecodeStoredRow(t, **latest));
    same = EncodeRow(t, now) == EncodeRow(t, row);
  }
  if (same) return Status::OK();
  return SqlError(ER_LOCK_DEADLOCK,
                  "Deadlock found when trying to get lock; try "
                  "restarting transaction (the row changed since "
                  "this transaction's snapshot)");
}

Status DeleteRow(Transaction* txn, const StoredTable& t, const std::string& pk,
                 const std::vector<plan::Value>& row) {
  XP_RETURN_IF_ERROR(txn->Delete(pk));
  for (const Entry& e : IndexEntries(t, pk, row))
    XP_RETURN_IF_ERROR(txn->Delete(e.key));
  return Status::OK();
}

namespace {

// Decodes a stored row's `columns` into row `n` of `out`.
namespace {

// Row n of `v` from a decoded value (a row::Cell or a key field) of `kind`.
template <class Cell>
void PutCell(const Cell& cell, key::Kind kind, size_t n, exec::Vector* v) {
  if (cell.null) {
    v->SetNull(n);
    return;
  }
  switch (kind) {
    case key::Kind::kInt64:
      v->data<int64_t>()[n] = cell.i;
      break;
    case key::Kind::kUInt64:
      v->data<uint64_t>()[n] = cell.u;
      break;
    case key::Kind::kDouble:
      v->data<double>()[n] = cell.d;
      break;
    case key::Kind::kDecimal:
      v->data<__int128>()[n] = cell.dec;
      break;
    case key::Kind::kBytes:
    case key::Kind::kText:
      v->SetString(n, cell.s);  // copied: the iterator moves on
      break;
  }
}

}  // namespace

Status DecodeInto(std::string_view stored, const StoredTable& t,
                  const std::vector<key::Kind>& kinds,
                  const std::vector<int>& columns, size_t n,
                  row::DecodedRow* row, exec::Batch* out) {
  XP_RETURN_IF_ERROR(row::Decode(stored, kinds, row));
  for (size_t k = 0; k < columns.size(); ++k) {
    const size_t c = static_cast<size_t>(columns[k]);
    exec::Vector& v = out->column(k);
    if (c >= row->cells.size()) {  // added after the row was written
      exec::PutValue(t.schema->columns[c].AddedValue(), n, &v);
      continue;
    }
    PutCell(row->cells[c], kinds[c], n, &v);
  }
  return Status::OK();
}

std::vector<plan::DataType> TypesOf(const StoredTable& t,
                                    const std::vector<int>& columns) {
  std::vector<plan::DataType> types;
  for (int c : columns)
    types.push_back(t.schema->columns[static_cast<size_t>(c)].type);
  return types;
}

exec::Batch BatchFor(const std::vector<plan::DataType>& types) {
  std::vector<exec::PhysType> phys;
  for (const auto& t : types) phys.push_back(t.phys());
  return exec::Batch(phys);
}

std::vector<key::Kind> KindsOf(const StoredTable& t) {
  std::vector<key::Kind> kinds;
  for (const auto& c : t.schema->columns) kinds.push_back(KindOf(c.type));
  return kinds;
}

// Index `index`'s key prefix for the leading `values` of its columns.
std::string IndexPrefix(const StoredTable& t, size_t index,
                        const std::vector<plan::Value>& values) {
  const plan::IndexSchema& idx = t.schema->indexes[index];
  std::string k = Prefix(t.id, idx.id);
  for (size_t i = 0; i < values.size() && i < idx.columns.size(); ++i) {
    AppendValue(values[i],
                t.schema->columns[static_cast<size_t>(idx.columns[i])].type,
                i < idx.desc.size() && idx.desc[i], &k);
  }
  return k;
}

}  // namespace

TableScanOperator::TableScanOperator(Transaction* txn, const StoredTable& t,
                                     std::vector<int> columns, bool reverse,
                                     bool row_ids)
    : txn_(txn), table_(t), columns_(std::move(columns)), row_ids_(row_ids) {
  types_ = TypesOf(t, columns_);
  if (row_ids_) types_.push_back(plan::DataType::String(255, true));
  kinds_ = KindsOf(t);
  out_ = BatchFor(types_);
  const std::string prefix = Prefix(t.id, 0);
  it_ = txn->Scan(prefix, key::PrefixSuccessor(prefix), reverse);
  if (exec::AccessPathsWanted())
    exec::NoteAccessPath(t.schema->database + "." + t.schema->name +
                         ".PRIMARY");
}

Result<const exec::Batch*> TableScanOperator::Next() {
  XP_RETURN_IF_ERROR(exec::CheckCancelled());
  out_.Reset();
  size_t n = 0;
  row::DecodedRow row;
  size_t scanned = 0;
  const bool locking = txn_->locking_reads();
  for (; it_->Valid() && n < exec::kBatchSize; it_->Next(), ++scanned) {
    if (locking) {
      // A locking read: the row is locked, then read as it is now (gone,
      // or skipped under SKIP LOCKED: left out).
      XP_ASSIGN_OR_RETURN(std::optional<std::string> now,
                          txn_->Get(it_->key()));
      if (!now) continue;
      XP_RETURN_IF_ERROR(
          DecodeInto(*now, table_, kinds_, columns_, n, &row, &out_));
    } else {
      XP_RETURN_IF_ERROR(
          DecodeInto(it_->value(), table_, kinds_, columns_, n, &row, &out_));
    }
    if (row_ids_) out_.column(columns_.size()).SetString(n, it_->key());
    ++n;
  }
  XP_RETURN_IF_ERROR(it_->status());
  exec::CountExamined(scanned);
  if (n == 0) return static_cast<const exec::Batch*>(nullptr);
  out_.SetRows(n);
  return &out_;
}

IndexScanOperator::IndexScanOperator(Transaction* txn, const StoredTable& t,
                                     size_t index, std::vector<KeyRange> ranges,
                                     std::vector<int> columns, bool reverse,
                                     bool row_ids)
    : txn_(txn),
      table_(t),
      index_(index),
      ranges_(std::move(ranges)),
      columns_(std::move(columns)),
      reverse_(reverse),
      row_ids_(row_ids),
      types_(TypesOf(t, columns_)),
      kinds_(KindsOf(t)) {
  if (row_ids_) types_.push_back(plan::DataType::String(255, true));
  out_ = BatchFor(types_);
  const plan::IndexSchema& idx = t.schema->indexes[index];
  if (!idx.primary) {
    // Fields of a secondary entry: its columns, then the primary key's.
    std::vector<int> key_fields = idx.columns;
    if (HasPrimaryKey(*t.schema)) {
      for (int c : t.schema->indexes[0].columns) key_fields.push_back(c);
    }
    covering_ = true;
    for (int c : columns_) {
      size_t j = 0;
      while (j < key_fields.size() && key_fields[j] != c) ++j;
      if (j == key_fields.size() ||
          KindOf(t.schema->columns[static_cast<size_t>(c)].type) ==
              key::Kind::kText) {
        covering_ = false;
        break;
      }
      key_source_.push_back(j);
      need_pk_fields_ |= j >= idx.columns.size();
    }
    need_pk_fields_ |= row_ids_;
    fields_.resize(key_fields.size());
    // A locking read locks (and reads) the row of every entry.
    if (txn->locking_reads()) covering_ = false;
  }
  if (exec::AccessPathsWanted())
    exec::NoteAccessPath(t.schema->database + "." + t.schema->name + "." +
                         idx.name + (covering_ ? " (covering)" : ""));
}

namespace {

Status ReadField(key::Decoder* d, key::Kind kind, bool desc,
                 IndexScanOperator::FieldOut* f) {
  switch (kind) {
    case key::Kind::kInt64:
      return d->ReadInt64(desc, &f->null, &f->i);
    case key::Kind::kUInt64:
      return d->ReadUInt64(desc, &f->null, &f->u);
    case key::Kind::kDouble:
      return d->ReadDouble(desc, &f->null, &f->d);
    case key::Kind::kDecimal:
      return d->ReadDecimal(desc, &f->null, &f->dec);
    default:
      return d->ReadBytes(desc, &f->null, &f->s);
  }
}

}  // namespace

Status IndexScanOperator::ReadCovering(size_t n) {
  const plan::TableSchema& schema = *table_.schema;
  const plan::IndexSchema& idx = schema.indexes[index_];
  key::Decoder d(it_->key());
  uint64_t table;
  uint32_t index;
  XP_RETURN_IF_ERROR(d.ReadPrefix(&table, &index));
  auto kind = [&](int c) {
    return KindOf(schema.columns[static_cast<size_t>(c)].type);
  };
  for (size_t k = 0; k < idx.columns.size(); ++k) {
    XP_RETURN_IF_ERROR(ReadField(&d, kind(idx.columns[k]),
                                 k < idx.desc.size() && idx.desc[k],
                                 &fields_[k]));
  }
  if (need_pk_fields_) {
    XP_ASSIGN_OR_RETURN(std::string suffix, PrimaryKeySuffix());
    if (HasPrimaryKey(schema)) {
      const plan::IndexSchema& pk = schema.indexes[0];
      key::Decoder p(suffix);
      for (size_t k = 0; k < pk.columns.size(); ++k) {
        XP_RETURN_IF_ERROR(ReadField(&p, kind(pk.columns[k]),
                                     k < pk.desc.size() && pk.desc[k],
                                     &fields_[idx.columns.size() + k]));
      }
    }
    if (row_ids_)
      out_.column(columns_.size()).SetString(n, Prefix(table_.id, 0) + suffix);
  }
  for (size_t k = 0; k < columns_.size(); ++k)
    PutCell(fields_[key_source_[k]], kind(columns_[k]), n, &out_.column(k));
  return Status::OK();
}

Status IndexScanOperator::Open(size_t r) {
  KeyRange kr = ranges_[r];
  // On a DESC column larger values have smaller keys: the bounds of the
  // range column (the last one a bound gives) trade places.
  const plan::IndexSchema& idx = table_.schema->indexes[index_];
  const size_t range_column = std::max(kr.lower.size(), kr.upper.size());
  if (range_column > 0 && range_column - 1 < idx.desc.size() &&
      idx.desc[range_column - 1]) {
    std::swap(kr.lower, kr.upper);
    std::swap(kr.lower_inclusive, kr.upper_inclusive);
  }
  // [start, end) in key bytes. A bound is a key prefix: an inclusive lower
  // bound starts at the prefix, an exclusive one after every key with it;
  // an inclusive upper bound ends after every key with the prefix.
  std::string start = IndexPrefix(table_, index_, kr.lower);
  if (!kr.lower.empty() && !kr.lower_inclusive)
    start = key::PrefixSuccessor(start);
  std::string end = IndexPrefix(table_, index_, kr.upper);
  if (kr.upper.empty() || kr.upper_inclusive) end = key::PrefixSuccessor(end);
  it_ = txn_->Scan(start, end, reverse_);
  return Status::OK();
}

Result<std::string> IndexScanOperator::PrimaryKeySuffix() {
  const plan::IndexSchema& idx = table_.schema->indexes[index_];
  if (idx.primary) return std::string(it_->key().substr(key::kPrefixSize));
  if (!it_->value().empty()) return std::string(it_->value());  // unique
  // Non-unique (or unique with a NULL part): skip the index columns.
  key::Decoder d(it_->key());
  uint64_t table;
  uint32_t index;
  XP_RETURN_IF_ERROR(d.ReadPrefix(&table, &index));
  for (size_t k = 0; k < idx.columns.size(); ++k) {
    XP_RETURN_IF_ERROR(d.Skip(
        KindOf(
            table_.schema->columns[static_cast<size_t>(idx.columns[k])].type),
        k < idx.desc.size() && idx.desc[k]));
  }
  return std::string(d.rest());
}

Result<const exec::Batch*> IndexScanOperator::Next() {
  XP_RETURN_IF_ERROR(exec::CheckCancelled());
  out_.Reset();
  size_t n = 0;
  row::DecodedRow row;
  const bool primary = table_.schema->indexes[index_].primary;
  size_t scanned = 0;  // rows read through the iterator
  while (n < exec::kBatchSize) {
    if (!it_ || !it_->Valid()) {
      if (it_) XP_RETURN_IF_ERROR(it_->status());
      if (range_ >= ranges_.size()) break;
      const KeyRange& kr = ranges_[range_++];
      // A whole primary key: one point read instead of an iterator.
      if (primary && kr.lower_inclusive && kr.upper_inclusive &&
          !kr.lower.empty() &&
          kr.lower.size() == table_.schema->indexes[index_].columns.size()) {
        std::string pk = IndexPrefix(table_, index_, kr.lower);
        if (pk == IndexPrefix(table_, index_, kr.upper)) {
          it_.reset();
          Result<std::optional<std::string>> stored = txn_->Get(pk);
          if (!stored.ok()) return stored.status();
          exec::CountExamined(1);
          if (!stored->has_value()) continue;
          XP_RETURN_IF_ERROR(
              DecodeInto(**stored, table_, kinds_, columns_, n, &row, &out_));
          if (row_ids_) out_.column(columns_.size()).SetString(n, pk);
          ++n;
          continue;
        }
      }
      XP_RETURN_IF_ERROR(Open(range_ - 1));
      continue;
    }
    const bool locking = txn_->locking_reads();
    if (primary && locking) {
      // Locked, then read as it is now; gone or skipped: left out.
      XP_ASSIGN_OR_RETURN(std::optional<std::string> now,
                          txn_->Get(it_->key()));
      if (now) {
        XP_RETURN_IF_ERROR(
            DecodeInto(*now, table_, kinds_, columns_, n, &row, &out_));
        if (row_ids_) out_.column(columns_.size()).SetString(n, it_->key());
        ++n;
      }
    } else if (primary) {
      XP_RETURN_IF_ERROR(
          DecodeInto(it_->value(), table_, kinds_, columns_, n, &row, &out_));
      if (row_ids_) out_.column(columns_.size()).SetString(n, it_->key());
      ++n;
    } else if (covering_) {
      XP_RETURN_IF_ERROR(ReadCovering(n));
      ++n;
    } else {
      // A locking read locks the index entry as well as the row (as
      // InnoDB locks both records): a unique value stays taken.
      bool entry = true;
      if (locking) {
        XP_ASSIGN_OR_RETURN(std::optional<std::string> e,
                            txn_->Get(it_->key()));
        entry = e.has_value();
      }
      XP_ASSIGN_OR_RETURN(std::string suffix, PrimaryKeySuffix());
      const std::string pk = Prefix(table_.id, 0) + suffix;
      std::optional<std::string> stored;
      if (entry) XP_SET_OR_RETURN(stored, txn_->Get(pk));
      if (stored) {
        XP_RETURN_IF_ERROR(
            DecodeInto(*stored, table_, kinds_, columns_, n, &row, &out_));
        if (row_ids_) out_.column(columns_.size()).SetString(n, pk);
        ++n;
      } else if (!locking) {
        return Status::Corruption("index entry without its row");
      }
    }
    ++scanned;
    it_->Next();
  }
  exec::CountExamined(scanned);
  if (n == 0) return static_cast<const exec::Batch*>(nullptr);
  out_.SetRows(n);
  return &out_;
}

Result<std::vector<plan::Value>> DecodeStoredRow(const StoredTable& t,
                                                 std::string_view stored) {
  std::vector<int> all;
  for (size_t c = 0; c < t.schema->columns.size(); ++c)
    all.push_back(static_cast<int>(c));
  const std::vector<plan::DataType> types = TypesOf(t, all);
  exec::Batch one = BatchFor(types);
  row::DecodedRow row;
  XP_RETURN_IF_ERROR(DecodeInto(stored, t, KindsOf(t), all, 0, &row, &one));
  one.SetRows(1);
  std::vector<plan::Value> out;
  for (size_t c = 0; c < types.size(); ++c)
    out.push_back(exec::ValueAt(one.column(c), types[c], 0));
  return out;
}

Result<exec::OperatorPtr> ScanFor(const plan::LogicalNode& scan,
                                  Transaction* txn, const StoredTable& t,
                                  bool row_ids) {
  switch (scan.kind) {
    case plan::NodeKind::kTableScan:
      return exec::OperatorPtr(std::make_unique<TableScanOperator>(
          txn, t, scan.columns, scan.reverse, row_ids));
    case plan::NodeKind::kGet: {
      // A key listed twice (IN (1, 1)) is read once.
      std::vector<KeyRange> ranges;
      std::set<std::string> seen;
      for (const auto& k : scan.keys) {
        if (seen.insert(IndexPrefix(t, static_cast<size_t>(scan.index), k))
                .second)
          ranges.push_back(KeyRange{k, k});
      }
      return exec::OperatorPtr(std::make_unique<IndexScanOperator>(
          txn, t, static_cast<size_t>(scan.index), std::move(ranges),
          scan.columns, scan.reverse, row_ids));
    }
    case plan::NodeKind::kRangeScan: {
      KeyRange r;
      if (scan.lower) {
        r.lower = scan.lower->key;
        r.lower_inclusive = scan.lower->inclusive;
      }
      if (scan.upper) {
        r.upper = scan.upper->key;
        r.upper_inclusive = scan.upper->inclusive;
      }
      return exec::OperatorPtr(std::make_unique<IndexScanOperator>(
          txn, t, static_cast<size_t>(scan.index), std::vector<KeyRange>{r},
          scan.columns, scan.reverse, row_ids));
    }
    default:
      return Status::InvalidArgument("not a scan node");
  }
}

}  // namespace xp::dn
