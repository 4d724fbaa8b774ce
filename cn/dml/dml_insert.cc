// Writes routed from the plan IR (plan/write.h): INSERT through the row
// router, the row-at-a-time table INSERT ... SELECT writes through, and the
// statement bracket of writes over several DNs (cluster_session.h).

#include "cn/cluster_session.h"
#include "cn/dml/row_router.h"
#include "codec/sql_errors.h"

namespace xp::cn {

// ------------------------------------------------------------------ writes

Status ClusterSession::RouteWrite(plan::WriteNode& write, sql::Statement& stmt,
                                  const std::vector<Value>& params,
                                  bool* handled, uint64_t* rows_affected,
                                  uint64_t* last_insert_id) {
  *handled = false;
  stmt_write_ = true;
  if (write.kind == plan::WriteKind::kInsert)
    return PushInsert(write, static_cast<sql::InsertStatement&>(stmt), params,
                      handled, rows_affected, last_insert_id);
  return PushUpdateDelete(write, stmt, params, handled, rows_affected);
}

Status ClusterSession::Write(const Placement& p,
                             const std::map<size_t, std::string>& sqls,
                             uint64_t* affected) {
  std::vector<DnWrite> writes;
  for (auto& [part, sql] : sqls) writes.push_back({p.dn[part], sql, true});
  return WriteAll(writes, /*atomic=*/false, affected);
}

Status ClusterSession::WriteAll(const std::vector<DnWrite>& writes, bool atomic,
                                uint64_t* affected) {
  std::set<size_t> dn_set;
  for (const DnWrite& w : writes) dn_set.insert(w.dn);
  const std::vector<size_t> dns(dn_set.begin(), dn_set.end());
  // One DN outside a transaction: the DN's own autocommit is atomic.
  // Several (or several statements that must hold together): XA
  // branches, committed together at the statement's end.
  const bool xa = in_txn_ || dns.size() > 1 || AnyBranch() || atomic;
  // In a transaction, such a statement sets a savepoint first on each DN
  // (in the same round trip), so a failure undoes it alone.
  const bool guarded = in_txn_ && (dns.size() > 1 || atomic) && !stmt_guarded_;
  uint64_t total = 0;
  Status st;
  for (size_t dn : dns) {
    st = EnsureBranch(dn, /*write=*/true, xa);
    if (!st.ok()) break;
  }
  if (st.ok()) {
    // Every DN's statements go out before any answer is read: the DNs
    // work in parallel; each DN runs its own in the order given.
    std::vector<std::pair<size_t, std::vector<std::string>>> work;
    std::vector<std::vector<bool>> counted;
    for (size_t dn : dns) {
      work.push_back({dn, {}});
      counted.emplace_back();
      if (guarded) {
        work.back().second.push_back(kStatementSavepoint);
        counted.back().push_back(false);
      }
      for (const DnWrite& w : writes) {
        if (w.dn != dn) continue;
        work.back().second.push_back(w.sql);
        counted.back().push_back(w.counted);
      }
    }
    std::vector<std::vector<StmtResult>> results;
    st = Pipeline(work, &results);
    for (size_t i = 0; i < results.size(); ++i)
      for (size_t k = 0; k < results[i].size(); ++k)
        if (counted[i][k]) total += results[i][k].rows_affected.value_or(0);
  }
  if (!st.ok() && (guarded || (in_txn_ && stmt_guarded_)))
    return FailStatement(dns, st);
  XP_RETURN_IF_ERROR(st);
  *affected = total;
  return Status::OK();
}

Status ClusterSession::GuardStatement(const std::vector<size_t>& dns) {
  if (!in_txn_) {
    for (size_t dn : dns)
      XP_RETURN_IF_ERROR(EnsureBranch(dn, /*write=*/true, /*xa=*/true));
    return Status::OK();
  }
  for (size_t dn : dns) XP_RETURN_IF_ERROR(EnsureBranch(dn, /*write=*/true));
  if (stmt_guarded_) return Status::OK();  // a part of a guarded statement
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  guarded_dns_.clear();
  for (size_t dn = 0; dn < branches_.size(); ++dn) {
    if (!branches_[dn].active()) continue;
    work.push_back({dn, {kStatementSavepoint}});
    guarded_dns_.push_back(dn);
  }
  XP_RETURN_IF_ERROR(Pipeline(work));
  stmt_guarded_ = true;
  return Status::OK();
}

Status ClusterSession::FailStatement(const std::vector<size_t>& dns,
                                     const Status& st) {
  // Outside a transaction the statement's XA branches roll back at its end.
  if (!in_txn_) return st;
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn : stmt_guarded_ ? guarded_dns_ : dns)
    work.push_back({dn, {kStatementRollback}});
  if (Pipeline(work).ok()) return st;
  // Part of the statement may stay applied somewhere: the transaction
  // cannot keep it, so it ends (as a deadlock victim's).
  (void)Rollback();
  return RolledBack(st, "the statement spanned several data nodes");
}

Status ClusterSession::UndoGuardedStatement() {
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn : guarded_dns_) work.push_back({dn, {kStatementRollback}});
  stmt_guarded_ = false;
  Status st = Pipeline(work);
  if (st.ok()) return st;
  (void)Rollback();
  return RolledBack(st, "the failed statement could not be undone alone");
}

Status ClusterSession::SavepointOnDns(sql::TransactionStatement::Op op,
                                      const std::string& name) {
  sql::TransactionStatement s;
  s.op = op;
  s.savepoint = name;
  const std::string text = sql::ToSql(s);
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn = 0; dn < branches_.size(); ++dn)
    if (branches_[dn].active()) work.push_back({dn, {text}});
  std::vector<std::vector<StmtResult>> results;
  Status st = Pipeline(work, &results);
  if (st.ok()) return st;
  size_t done = 0;
  for (const auto& r : results) done += r.size();
  // Every DN saw the same savepoints, so they all fail alike (1305); a DN
  // that failed alone leaves the transaction's parts out of step.
  if (done == 0 || op == sql::TransactionStatement::Op::kSavepoint) return st;
  (void)Rollback();
  return RolledBack(st, "its data nodes' savepoints were out of step");
}

Status ClusterSession::PushInsert(plan::WriteNode& w, sql::InsertStatement& ins,
                                  const std::vector<Value>& params,
                                  bool* handled, uint64_t* affected,
                                  uint64_t* insert_id) {
  if (w.from_query) {
    // The engine's path: it runs the SELECT and hands each row to
    // ClusterTable::Insert, which routes them like these.
    if (w.on_duplicate)
      return NotSupportedYet(
          "INSERT ... SELECT ... ON DUPLICATE KEY UPDATE through a compute "
          "node");
    insert_replace_ = w.replace;
    insert_ignore_ = w.ignore;
    return Status::OK();
  }
  const TableSchema& t = *w.table;
  const Placement* p = store_->PlacementOf(t);
  if (p == nullptr) return Status::Internal("no placement for " + t.name);
  *handled = true;
  for (auto& [c, e] : ins.on_duplicate) {
    // `k = VALUES(k)` / `k = k` (ORMs' upserts assign every column so):
    // the row a local key collides with has the new row's partition key
    // already (every local unique key holds it), so the data node runs it
    // as is; through a global index the row found may lie elsewhere, and
    // the UPDATE that follows moves it as any UPDATE would.
    const bool same =
        (e->kind == sql::ExprKind::kColumn && e->table.empty() &&
         plan::NameEquals(e->text, c)) ||
        (e->kind == sql::ExprKind::kFunction && e->text == "VALUES" &&
         e->args.size() == 1 && e->args[0]->kind == sql::ExprKind::kColumn &&
         plan::NameEquals(e->args[0]->text, c));
    for (int k : p->columns) {
      if (!same && plan::NameEquals(t.columns[static_cast<size_t>(k)].name, c))
        return NotSupportedYet(
            "ON DUPLICATE KEY UPDATE of a partition key column to another "
            "value");
    }
  }
  RowRouter router(store_, t, *p);
  XP_RETURN_IF_ERROR(router.Number(&w.rows, insert_id));
  // A table with global indexes: IGNORE, REPLACE and ON DUPLICATE KEY
  // UPDATE look for the rows a new one collides with, so they go row by
  // row.
  if (!p->global.empty() && (w.replace || w.ignore || w.on_duplicate))
    return InsertEachRow(w, ins, router, affected);
  for (plan::InsertRow& row : w.rows)
    XP_RETURN_IF_ERROR(router.Add(std::move(row)));
  std::vector<DnWrite> writes;
  // Index entries first, in the same transaction: a key another row has
  // is the index partition's 1062, and nothing is written.
  if (!p->global.empty())
    XP_RETURN_IF_ERROR(IndexInserts(t, *p, router.images(), &writes));
  for (auto& [c, e] : ins.on_duplicate) Inline(e.get(), params);
  for (const auto& [part, rows] : router.rows()) {
    sql::InsertStatement s = router.Statement(part, w.replace, w.ignore);
    // The statement's own assignments, lent for printing.
    s.on_duplicate.swap(ins.on_duplicate);
    writes.push_back({p->dn[part], sql::ToSql(s), true});
    s.on_duplicate.swap(ins.on_duplicate);
  }
  uint64_t n = 0;
  XP_RETURN_IF_ERROR(WriteAll(writes, /*atomic=*/!p->global.empty(), &n));
  // A BROADCAST table counts each row once.
  *affected = p->kind == Placement::Kind::kBroadcast && p->partitions() > 0
                  ? n / p->partitions()
                  : n;
  return Status::OK();
}

Status ClusterTable::Insert(const std::vector<int>& columns,
                            const std::vector<Value>& values,
                            uint64_t* insert_id,
                            std::vector<exec::RowId>* conflicts) {
  // Duplicates are found by the DNs when the rows are flushed (IGNORE and
  // REPLACE act there), so *conflicts stays empty.
  if (!p_->global.empty() &&
      (session_->insert_replace_ || session_->insert_ignore_))
    return NotSupportedYet(
        "INSERT IGNORE or REPLACE on a table with a global index");
  std::vector<plan::InsertRow> one(1, plan::InsertRow(t_->columns.size()));
  for (size_t i = 0; i < values.size(); ++i)
    one[0][columns.empty() ? i : static_cast<size_t>(columns[i])] = values[i];
  XP_RETURN_IF_ERROR(router_.Number(&one, insert_id));
  XP_RETURN_IF_ERROR(router_.Add(std::move(one[0])));
  if (router_.bytes() > (1u << 20)) return Flush();
  return Status::OK();
}

Status ClusterTable::Flush() {
  if (router_.empty()) return Status::OK();
  std::vector<ClusterSession::DnWrite> writes;
  // Index entries first, in the same transaction (see PushInsert).
  if (!p_->global.empty())
    XP_RETURN_IF_ERROR(
        session_->IndexInserts(*t_, *p_, router_.images(), &writes));
  for (const auto& [part, rows] : router_.rows())
    writes.push_back(
        {p_->dn[part],
         sql::ToSql(router_.Statement(part, session_->insert_replace_,
                                      session_->insert_ignore_)),
         true});
  router_.Clear();
  uint64_t n = 0;
  XP_RETURN_IF_ERROR(
      session_->WriteAll(writes, /*atomic=*/!p_->global.empty(), &n));
  affected_ += p_->kind == Placement::Kind::kBroadcast && p_->partitions() > 0
                   ? n / p_->partitions()
                   : n;
  return Status::OK();
}

Result<exec::TableStore*> ClusterSession::Table(const TableSchema& schema) {
  auto it = tables_.find(&schema);
  if (it != tables_.end()) return it->second.get();
  const Placement* p = store_->PlacementOf(schema);
  if (p == nullptr) return Status::Internal("no placement for " + schema.name);
  auto t = std::make_unique<ClusterTable>(this, &schema, p);
  exec::TableStore* out = t.get();
  tables_.emplace(&schema, std::move(t));
  return out;
}

Status ClusterSession::FlushInserts() {
  for (auto& [schema, t] : tables_)
    XP_RETURN_IF_ERROR(static_cast<ClusterTable*>(t.get())->Flush());
  return Status::OK();
}

}  // namespace xp::cn
