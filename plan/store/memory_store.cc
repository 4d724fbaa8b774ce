#include "plan/store/memory_store.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "codec/sql_errors.h"
#include "plan/binder.h"
#include "plan/exec/lower.h"

namespace xp::exec {

namespace {

RowId IdOf(size_t position) {
  const uint64_t p = position;
  return RowId(reinterpret_cast<const char*>(&p), sizeof(p));
}

Result<size_t> PositionOf(const RowId& id, size_t rows) {
  uint64_t p = 0;
  if (id.size() != sizeof(p)) return Status::InvalidArgument("bad row id");
  std::memcpy(&p, id.data(), sizeof(p));
  if (p >= rows) return Status::InvalidArgument("stale row id");
  return static_cast<size_t>(p);
}

}  // namespace

// A MemoryTable with the statement journal that undoes a failed statement:
// appends are cut back to the row count at the statement's start; any
// other change first takes a copy of the rows.
class MemoryTableStore : public TableStore {
 public:
  explicit MemoryTableStore(const plan::TableSchema* schema) : table_(schema) {}
  const plan::TableSchema& schema() const override { return table_.schema(); }
  MemoryTable& table() { return table_; }

  Result<OperatorPtr> Scan(const plan::LogicalNode& scan,
                           bool row_ids) override;
  Status Insert(const std::vector<int>& columns,
                const std::vector<plan::Value>& values, uint64_t* insert_id,
                std::vector<RowId>* conflicts) override {
    Touch(false);
    std::vector<size_t> positions;
    Status st = table_.Insert(columns, values, insert_id, &positions);
    if (conflicts != nullptr) {
      for (size_t p : positions) conflicts->push_back(IdOf(p));
    }
    return st;
  }
  Result<std::vector<plan::Value>> Read(const RowId& id) override {
    XP_ASSIGN_OR_RETURN(size_t p, PositionOf(id, table_.num_rows()));
    const std::vector<plan::DataType> types = table_.types();
    const Batch& b = table_.batches()[p / kBatchSize];
    std::vector<plan::Value> row;
    for (size_t c = 0; c < types.size(); ++c)
      row.push_back(ValueAt(b.column(c), types[c], p % kBatchSize));
    return row;
  }
  Status Update(const std::vector<RowId>& ids,
                const std::vector<std::vector<plan::Value>>&,
                const std::vector<std::vector<plan::Value>>& rows) override {
    std::vector<std::vector<plan::Value>> all = table_.Rows();
    for (size_t i = 0; i < ids.size(); ++i) {
      XP_ASSIGN_OR_RETURN(size_t p, PositionOf(ids[i], all.size()));
      all[p] = rows[i];
    }
    Touch(true);
    return table_.ReplaceRows(all);
  }
  Status Delete(const std::vector<RowId>& ids,
                const std::vector<std::vector<plan::Value>>&) override {
    std::vector<std::vector<plan::Value>> all = table_.Rows();
    std::vector<uint8_t> gone(all.size(), 0);
    for (const RowId& id : ids) {
      XP_ASSIGN_OR_RETURN(size_t p, PositionOf(id, all.size()));
      gone[p] = 1;
    }
    std::vector<std::vector<plan::Value>> keep;
    for (size_t i = 0; i < all.size(); ++i) {
      if (!gone[i]) keep.push_back(std::move(all[i]));
    }
    Touch(true);
    return table_.ReplaceRows(keep);
  }

  // Statement boundaries (MemorySession).
  void StartStatement() {
    in_statement_ = false;
    snapshot_.reset();
  }
  void UndoStatement() {
    if (!in_statement_) return;
    if (snapshot_) {
      (void)table_.ReplaceRows(*snapshot_);
    } else if (table_.num_rows() != mark_) {
      std::vector<std::vector<plan::Value>> rows = table_.Rows();
      rows.resize(mark_);
      (void)table_.ReplaceRows(rows);
    }
    StartStatement();
  }
  bool touched() const { return in_statement_; }

 private:
  // Records the state before the statement's first change; `rewrite`: the
  // change is more than an append.
  void Touch(bool rewrite) {
    if (!in_statement_) {
      in_statement_ = true;
      mark_ = table_.num_rows();
    }
    if (rewrite && !snapshot_) {
      std::vector<std::vector<plan::Value>> rows = table_.Rows();
      rows.resize(std::min(rows.size(), mark_));
      snapshot_ = std::move(rows);
    }
  }

  MemoryTable table_;
  bool in_statement_ = false;
  size_t mark_ = 0;
  std::optional<std::vector<std::vector<plan::Value>>> snapshot_;
};

Result<OperatorPtr> MemoryTableStore::Scan(const plan::LogicalNode& scan,
                                           bool row_ids) {
  const std::vector<plan::DataType> all = table_.types();
  std::vector<plan::DataType> types = scan.types;
  if (row_ids) types.push_back(plan::DataType::String(8, true));
  auto row_at = [&](size_t pos) {
    const Batch& b = table_.batches()[pos / kBatchSize];
    std::vector<plan::Value> row;
    for (int c : scan.columns) {
      row.push_back(ValueAt(b.column(static_cast<size_t>(c)),
                            all[static_cast<size_t>(c)], pos % kBatchSize));
    }
    if (row_ids) row.emplace_back(IdOf(pos));
    return row;
  };
  // Get on a unique index: point lookups in the table's key maps. Other
  // Gets and RangeScans read the whole table; the planner keeps their
  // predicate as a filter above them (the in-memory table has no ordered
  // index).
  const auto& indexes = table_.schema().indexes;
  if (scan.kind == plan::NodeKind::kGet &&
      indexes[static_cast<size_t>(scan.index)].unique &&
      scan.keys[0].size() ==
          indexes[static_cast<size_t>(scan.index)].columns.size()) {
    std::vector<std::vector<plan::Value>> rows;
    std::set<size_t> seen;
    for (const auto& key : scan.keys) {
      std::optional<size_t> pos =
          table_.Find(static_cast<size_t>(scan.index), key);
      if (pos && seen.insert(*pos).second) rows.push_back(row_at(*pos));
    }
    return OperatorPtr(
        std::make_unique<OwnedBatchSource>(types, BatchesOf(types, rows)));
  }
  if (row_ids) {
    std::vector<std::vector<plan::Value>> rows;
    for (size_t p = 0; p < table_.num_rows(); ++p) rows.push_back(row_at(p));
    return OperatorPtr(
        std::make_unique<OwnedBatchSource>(types, BatchesOf(types, rows)));
  }
  OperatorPtr op = std::make_unique<BatchSource>(all, &table_.batches());
  if (scan.columns.size() == all.size()) {
    bool identity = true;
    for (size_t c = 0; c < scan.columns.size(); ++c)
      identity &= scan.columns[c] == static_cast<int>(c);
    if (identity) return op;
  }
  std::vector<plan::BoundExprPtr> cols;
  for (size_t c = 0; c < scan.columns.size(); ++c)
    cols.push_back(plan::MakeColumn(scan.columns[c], scan.types[c]));
  return OperatorPtr(
      std::make_unique<ProjectOperator>(std::move(op), std::move(cols)));
}

class MemorySession : public StoreSession {
 public:
  explicit MemorySession(MemoryStore* store) : store_(store) {}
  Result<TableStore*> Table(const plan::TableSchema& schema) override {
    auto it =
        store_->tables_.find(plan::QualifiedKey(schema.database, schema.name));
    if (it == store_->tables_.end())
      return Status::Internal("table without storage");
    return static_cast<TableStore*>(it->second.get());
  }
  Status StatementBegin() override {
    for (auto& [name, t] : store_->tables_) t->StartStatement();
    return Status::OK();
  }
  Status StatementEnd(bool ok) override {
    if (!ok) {
      for (auto& [name, t] : store_->tables_) t->UndoStatement();
    }
    return Status::OK();
  }
  Status Begin() override {
    in_transaction_ = true;
    return Status::OK();
  }
  Status Commit() override {
    in_transaction_ = false;
    return Status::OK();
  }
  Status Rollback() override {
    in_transaction_ = false;
    return Status::OK();
  }
  bool in_transaction() const override { return in_transaction_; }
  Status Xa(const sql::XaStatement&, std::vector<std::string>*) override {
    return NotSupportedYet("XA transactions on the in-memory store");
  }

 private:
  MemoryStore* store_;
  bool in_transaction_ = false;
};

MemoryStore::MemoryStore() = default;
MemoryStore::~MemoryStore() = default;

Status MemoryStore::CreateDatabase(std::string_view name, bool if_not_exists) {
  return catalog_.CreateDatabase(name, if_not_exists);
}

Status MemoryStore::DropDatabase(std::string_view name, bool if_exists) {
  const std::string prefix = std::string(name) + ".";
  if (catalog_.HasDatabase(name)) {
    for (auto it = tables_.begin(); it != tables_.end();) {
      it = it->first.rfind(prefix, 0) == 0 ? tables_.erase(it) : std::next(it);
    }
  }
  return catalog_.DropDatabase(name, if_exists);
}

Status MemoryStore::CreateTable(plan::TableSchema schema, bool if_not_exists) {
  const std::string db = schema.database, name = schema.name;
  const bool existed = catalog_.FindTable(db, name).ok();
  XP_RETURN_IF_ERROR(catalog_.CreateTable(std::move(schema), if_not_exists));
  if (!existed) {
    XP_ASSIGN_OR_RETURN(const plan::TableSchema* stored,
                        catalog_.FindTable(db, name));
    tables_[plan::QualifiedKey(db, name)] =
        std::make_unique<MemoryTableStore>(stored);
  }
  return Status::OK();
}

Status MemoryStore::DropTable(std::string_view database,
                              std::string_view table) {
  tables_.erase(
      plan::QualifiedKey(database, table));  // before the schema it points at
  return catalog_.DropTable(database, table, true);
}

Status MemoryStore::TruncateTable(std::string_view database,
                                  std::string_view table) {
  auto it = tables_.find(plan::QualifiedKey(database, table));
  if (it == tables_.end()) {
    return SqlError(
        ER_NO_SUCH_TABLE,
        "Table '" + plan::QualifiedKey(database, table) + "' doesn't exist");
  }
  it->second->table().Truncate();
  return Status::OK();
}

Status MemoryStore::RenameTable(std::string_view database,
                                std::string_view table,
                                std::string_view to_database,
                                std::string_view to_table) {
  auto node = tables_.extract(plan::QualifiedKey(database, table));
  if (node.empty()) return Status::Internal("table without storage");
  Status st = catalog_.RenameTable(database, table, to_database, to_table);
  if (!st.ok()) {
    tables_.insert(std::move(node));
    return st;
  }
  node.key() = plan::QualifiedKey(to_database, to_table);
  tables_.insert(std::move(node));
  return Status::OK();
}

Status MemoryStore::AlterTable(plan::TableSchema schema,
                               std::vector<int> column_source) {
  auto it = tables_.find(plan::QualifiedKey(schema.database, schema.name));
  XP_ASSIGN_OR_RETURN(plan::TableSchema * current,
                      catalog_.MutableTable(schema.database, schema.name));
  if (it == tables_.end()) return Status::Internal("table without storage");
  MemoryTable& table = it->second->table();
  std::vector<std::vector<plan::Value>> rows = table.Rows();
  for (auto& row : rows) {
    std::vector<plan::Value> out;
    for (size_t c = 0; c < column_source.size(); ++c) {
      const int from = column_source[c];
      if (from < 0) {
        out.push_back(schema.columns[c].AddedValue());
        continue;
      }
      // MODIFY / CHANGE: as the new column holds it.
      XP_ASSIGN_OR_RETURN(
          plan::Value v,
          ConvertHeld(std::move(row[static_cast<size_t>(from)]),
                      current->columns[static_cast<size_t>(from)].type,
                      schema.columns[c]));
      out.push_back(std::move(v));
    }
    row = std::move(out);
  }
  plan::TableSchema old = *current;
  schema.version = old.version + 1;
  *current = std::move(schema);
  Status st = table.ReplaceRows(rows);
  if (!st.ok()) *current = std::move(old);  // the table is unchanged
  return st;
}

std::unique_ptr<StoreSession> MemoryStore::NewSession() {
  return std::make_unique<MemorySession>(this);
}

}  // namespace xp::exec
