// The engine's row-at-a-time path over partitioned tables (ClusterTable in
// cluster_session.h): scans that carry row ids, and UPDATE / DELETE of the
// rows they read. The engine takes this path where it must see each row
// (foreign keys: the checks and the cascades); the rows are then changed
// by their primary key exactly as RewriteRows changes the rows it reads.

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"
#include "plan/exec/key_encoding.h"

namespace xp::cn {

namespace {

// Yields the batches of `in` with one more column: each row's id, the key
// encoding of its primary key columns `ident`. Owns `plan`, which `in`'s
// remote requests point into.
class RowIdOperator : public exec::Operator {
 public:
  RowIdOperator(LogicalNodePtr plan, exec::OperatorPtr in,
                std::vector<size_t> ident)
      : plan_(std::move(plan)),
        in_(std::move(in)),
        ident_(std::move(ident)),
        types_(in_->types()) {
    types_.push_back(DataType::String(0, /*binary=*/true));
  }
  const std::vector<DataType>& types() const override { return types_; }
  Result<const exec::Batch*> Next() override {
    XP_ASSIGN_OR_RETURN(const exec::Batch* b, in_->Next());
    if (b == nullptr) return b;
    const size_t n = b->num_rows();
    std::vector<plan::PhysType> phys;
    for (const DataType& t : types_) phys.push_back(t.phys());
    out_ = exec::Batch(phys, std::max(n, exec::kBatchSize));
    sel_.resize(n);
    for (size_t i = 0; i < n; ++i) sel_[i] = static_cast<uint32_t>(i);
    const size_t width = types_.size() - 1;
    for (size_t c = 0; c < width; ++c)
      exec::Gather(b->column(c), sel_.data(), n, &out_.column(c));
    exec::Vector& ids = out_.column(width);
    for (size_t i = 0; i < n; ++i) {
      key_.clear();
      for (size_t c : ident_)
        exec::EncodeKey(b->column(c), types_[c], i, &key_);
      exec::PutValue(Value(key_), i, &ids);
    }
    out_.SetRows(n);
    return &out_;
  }

 private:
  LogicalNodePtr plan_;
  exec::OperatorPtr in_;
  std::vector<size_t> ident_;
  std::vector<DataType> types_;
  exec::Batch out_;
  std::vector<uint32_t> sel_;
  std::string key_;
};

}  // namespace

Result<exec::OperatorPtr> ClusterTable::Scan(const LogicalNode& scan,
                                             bool row_ids) {
  if (!row_ids || !scan.children.empty())
    return Unsupported("this scan of a partitioned table");
  // A row is found again by its primary key.
  if (t_->hidden_primary_key || t_->indexes.empty() || !t_->indexes[0].primary)
    return Unsupported(
        "foreign keys on a table without a PRIMARY KEY through a compute "
        "node");
  if (scan.columns.size() != t_->columns.size())
    return Status::Internal("a row-id scan reads every column");
  std::vector<size_t> ident;
  for (int c : t_->indexes[0].columns) ident.push_back(static_cast<size_t>(c));
  LogicalNodePtr root = plan::CopyNodeAlone(scan);
  XP_RETURN_IF_ERROR(session_->PlaceFragments(&root));
  XP_ASSIGN_OR_RETURN(
      exec::OperatorPtr op,
      exec::Lower(
          *root,
          [this](const LogicalNode& remote) -> Result<exec::OperatorPtr> {
            if (remote.kind != plan::NodeKind::kRemote)
              return Status::Internal("a row-id scan was not placed");
            return session_->RemoteScan(remote);
          }));
  return exec::OperatorPtr(
      new RowIdOperator(std::move(root), std::move(op), std::move(ident)));
}

Status ClusterTable::Rewrite(const std::vector<std::vector<Value>>& old_rows,
                             const std::vector<std::vector<Value>>* new_rows) {
  if (old_rows.empty()) return Status::OK();
  const Placement& p = *p_;
  std::vector<DataType> types;
  for (const auto& c : t_->columns) types.push_back(c.type);
  if (new_rows != nullptr)
    types.insert(types.end(), types.begin(), types.end());
  std::vector<std::vector<Value>> images;
  for (size_t i = 0; i < old_rows.size(); ++i) {
    images.push_back(old_rows[i]);
    if (new_rows != nullptr)
      images.back().insert(images.back().end(), (*new_rows)[i].begin(),
                           (*new_rows)[i].end());
  }
  // Rows a previous Insert left buffered go first (they may be the rows
  // changed here).
  XP_RETURN_IF_ERROR(Flush());
  std::vector<size_t> all;
  for (size_t dn = 0; dn < session_->branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(session_->GuardStatement(all));
  ClusterSession::RowSteps gone, come;
  for (const exec::Batch& b : exec::BatchesOf(types, images)) {
    for (size_t row = 0; row < b.num_rows(); ++row) {
      // The partitions that hold the row: every copy of a BROADCAST table,
      // the one its partition key hashes to otherwise.
      std::vector<size_t> parts;
      if (p.kind == Placement::Kind::kHash && p.columns.empty())
        return Unsupported(
            "row changes of a table without a partition key through a "
            "compute node");
      if (p.kind == Placement::Kind::kHash) {
        XP_ASSIGN_OR_RETURN(
            size_t at,
            PartitionOfKey(*t_, p.columns, p.partitions(), [&](int c) {
              return exec::ValueAt(b.column(static_cast<size_t>(c)),
                                   types[static_cast<size_t>(c)], row);
            }));
        parts.push_back(at);
      } else {
        for (size_t i = 0; i < p.partitions(); ++i) parts.push_back(i);
      }
      for (size_t part : parts)
        XP_RETURN_IF_ERROR(session_->PlanRowChange(
            *t_, p, part, b, types, row, new_rows == nullptr, &gone, &come));
    }
  }
  uint64_t affected = 0;
  Status st = session_->RunRowSteps(all, gone, come, &affected);
  if (!st.ok()) return session_->FailStatement(all, st);
  return Status::OK();
}

Status ClusterTable::Update(const std::vector<exec::RowId>& ids,
                            const std::vector<std::vector<Value>>& old_rows,
                            const std::vector<std::vector<Value>>& new_rows) {
  if (ids.size() != old_rows.size() || old_rows.size() != new_rows.size())
    return Status::Internal("row counts differ");
  return Rewrite(old_rows, &new_rows);
}

Status ClusterTable::Delete(const std::vector<exec::RowId>& ids,
                            const std::vector<std::vector<Value>>& old_rows) {
  if (ids.size() != old_rows.size())
    return Status::Internal("row counts differ");
  return Rewrite(old_rows, nullptr);
}

}  // namespace xp::cn
