// INSERT routed by partition key, and the row-at-a-time table the engine
// writes through (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"

namespace xp::cn {

// ------------------------------------------------------------------ writes

Status ClusterSession::RouteDml(sql::Statement& stmt,
                                const std::string& database,
                                const std::vector<Value>& params, bool* handled,
                                uint64_t* rows_affected,
                                uint64_t* last_insert_id) {
  *handled = false;
  stmt_write_ = true;
  if (stmt.kind == sql::StmtKind::kInsert)
    return PushInsert(static_cast<sql::InsertStatement&>(stmt), database,
                      params, handled, rows_affected, last_insert_id);
  return PushUpdateDelete(stmt, database, params, handled, rows_affected);
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

Status ClusterSession::SavepointOnDns(const std::string& verb,
                                      const std::string& name) {
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn = 0; dn < branches_.size(); ++dn)
    if (branches_[dn].active()) work.push_back({dn, {verb + QuoteIdent(name)}});
  std::vector<std::vector<StmtResult>> results;
  Status st = Pipeline(work, &results);
  if (st.ok()) return st;
  size_t done = 0;
  for (const auto& r : results) done += r.size();
  // Every DN saw the same savepoints, so they all fail alike (1305); a DN
  // that failed alone leaves the transaction's parts out of step.
  if (done == 0 || verb == "SAVEPOINT ") return st;
  (void)Rollback();
  return RolledBack(st, "its data nodes' savepoints were out of step");
}

Status ClusterSession::PushInsert(sql::InsertStatement& ins,
                                  const std::string& database,
                                  const std::vector<Value>& params,
                                  bool* handled, uint64_t* affected,
                                  uint64_t* insert_id) {
  if (ins.select) {
    // The engine's path: it runs the SELECT and hands each row to
    // ClusterTable::Insert, which sends them with this verb.
    if (!ins.on_duplicate.empty())
      return NotSupportedYet(
          "INSERT ... SELECT ... ON DUPLICATE KEY UPDATE through a compute "
          "node");
    insert_verb_ = ins.replace  ? "REPLACE"
                   : ins.ignore ? "INSERT IGNORE"
                                : "INSERT";
    return Status::OK();
  }
  const std::string db = ins.table.schema.empty() ? database : ins.table.schema;
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      store_->catalog().FindTable(db, ins.table.name));
  const Placement* p = store_->PlacementOf(*t);
  if (p == nullptr) return Status::Internal("no placement for " + t->name);
  *handled = true;
  // Column positions of the VALUES entries.
  std::vector<int> cols;
  // VALUES () (with or without "()" as the column list): every column its
  // default.
  const bool all_defaults =
      ins.columns.empty() && !ins.rows.empty() &&
      std::all_of(ins.rows.begin(), ins.rows.end(),
                  [](const auto& row) { return row.empty(); });
  if (ins.columns.empty() && !all_defaults) {
    for (size_t i = 0; i < t->columns.size(); ++i)
      cols.push_back(static_cast<int>(i));
  } else {
    for (const std::string& c : ins.columns) {
      const int at = t->FindColumn(c);
      if (at < 0)
        return SqlError(ER_BAD_FIELD_ERROR,
                        "Unknown column '" + c + "' in 'field list'");
      cols.push_back(at);
    }
  }
  int auto_col = -1;
  for (size_t i = 0; i < t->columns.size(); ++i)
    if (t->columns[i].auto_increment) auto_col = static_cast<int>(i);
  const bool auto_listed = auto_col >= 0 && std::find(cols.begin(), cols.end(),
                                                      auto_col) != cols.end();
  // Rows needing a generated value, counted first so one range is taken.
  size_t need = 0;
  for (auto& row : ins.rows) {
    if (row.size() != cols.size())
      return SqlError(ER_WRONG_VALUE_COUNT_ON_ROW,
                      "Column count doesn't match value count at row 1");
    if (auto_col < 0) continue;
    if (!auto_listed) {
      ++need;
      continue;
    }
    const size_t at = static_cast<size_t>(
        std::find(cols.begin(), cols.end(), auto_col) - cols.begin());
    if (IsDefaultOf(*row[at], t->columns[static_cast<size_t>(auto_col)].name)) {
      ++need;
      continue;
    }
    std::optional<Value> v = ConstantOf(*row[at], params);
    if (v &&
        (v->index() == 0 || (v->index() == 1 && std::get<int64_t>(*v) == 0)))
      ++need;
  }
  int64_t next = 0;
  if (need > 0) {
    XP_ASSIGN_OR_RETURN(next, store_->NextAutoIncrement(*t, need));
    *insert_id = static_cast<uint64_t>(next);
  }
  std::string head = std::string(ins.replace ? "REPLACE" : "INSERT") +
                     (ins.ignore ? " IGNORE" : "") + " INTO " + QuoteIdent(db) +
                     ".";
  std::string col_list = " (";
  for (size_t i = 0; i < cols.size(); ++i)
    col_list += (i ? "," : "") +
                QuoteIdent(t->columns[static_cast<size_t>(cols[i])].name);
  if (auto_col >= 0 && !auto_listed)
    col_list += (cols.empty() ? "" : ",") +
                QuoteIdent(t->columns[static_cast<size_t>(auto_col)].name);
  col_list += ") VALUES ";
  std::string tail;
  if (!ins.on_duplicate.empty()) {
    tail = " ON DUPLICATE KEY UPDATE ";
    for (size_t i = 0; i < ins.on_duplicate.size(); ++i) {
      auto& [c, e] = ins.on_duplicate[i];
      for (int k : p->columns) {
        if (plan::NameEquals(t->columns[static_cast<size_t>(k)].name, c))
          return NotSupportedYet(
              "ON DUPLICATE KEY UPDATE of a partition key column");
      }
      Inline(e.get(), params);
      tail += (i ? "," : "") + QuoteIdent(c) + "=" + sql::ToSql(*e);
    }
  }
  std::map<size_t, std::string> by_part;
  std::vector<DataType> key_types;
  for (int c : p->columns)
    key_types.push_back(t->columns[static_cast<size_t>(c)].type);
  // A table with global indexes: IGNORE, REPLACE and ON DUPLICATE KEY
  // UPDATE look for the rows a new one collides with, so they go row by
  // row (InsertEachRow); VALUES(col) in the assignments becomes a
  // placeholder for the row's value of col.
  const bool each = !p->global.empty() &&
                    (ins.replace || ins.ignore || !ins.on_duplicate.empty());
  std::vector<int> values_of;  // placeholder k: VALUES(column values_of[k])
  if (each) {
    for (auto& [c, e] : ins.on_duplicate) {
      std::vector<sql::Expr*> stack{e.get()};
      while (!stack.empty()) {
        sql::Expr* x = stack.back();
        stack.pop_back();
        if (x->kind == sql::ExprKind::kFunction && x->text == "VALUES" &&
            x->args.size() == 1 && x->args[0]->kind == sql::ExprKind::kColumn) {
          const int at = t->FindColumn(x->args[0]->text);
          if (at < 0)
            return SqlError(
                ER_BAD_FIELD_ERROR,
                "Unknown column '" + x->args[0]->text + "' in 'field list'");
          x->kind = sql::ExprKind::kParam;
          x->args.clear();
          x->param_index = static_cast<int>(values_of.size());
          values_of.push_back(at);
          continue;
        }
        // Children right to left: they come off the stack left to right,
        // the order the placeholders are printed (and parsed back) in.
        for (auto it = x->args.rbegin(); it != x->args.rend(); ++it)
          stack.push_back(it->get());
      }
    }
  }
  std::vector<EachRow> rows;
  // Global index keys: each row's values of their columns.
  std::vector<std::vector<std::optional<Value>>> images;
  size_t row_no = 0;
  for (auto& row : ins.rows) {
    ++row_no;
    std::vector<std::string> texts(row.size());
    std::optional<Value> generated;
    for (size_t i = 0; i < row.size(); ++i) {
      if (static_cast<int>(i) < static_cast<int>(cols.size()) &&
          cols[i] == auto_col) {
        // DEFAULT, NULL and 0 take the next value.
        std::optional<Value> v =
            IsDefaultOf(*row[i], t->columns[static_cast<size_t>(auto_col)].name)
                ? std::optional<Value>(Value())
                : ConstantOf(*row[i], params);
        if (v && (v->index() == 0 ||
                  (v->index() == 1 && std::get<int64_t>(*v) == 0))) {
          generated = Value(next++);
          texts[i] = Literal(*generated);
          continue;
        }
        if (v && v->index() == 1)
          store_->ObserveAutoIncrement(*t, std::get<int64_t>(*v));
      }
      Inline(row[i].get(), params);
      texts[i] = sql::ToSql(*row[i]);
    }
    if (auto_col >= 0 && !auto_listed) {
      generated = Value(next++);
      texts.push_back(Literal(*generated));
    }
    // The value column `c` gets, converted to its type: generated, given
    // as a constant, or its default (the DN stores that same value).
    auto value_of = [&](int c, const char* what) -> Result<Value> {
      const auto& col = t->columns[static_cast<size_t>(c)];
      std::optional<Value> v;
      if (c == auto_col && generated) {
        v = generated;
      } else {
        auto it = std::find(cols.begin(), cols.end(), c);
        const sql::Expr* given =
            it == cols.end()
                ? nullptr
                : row[static_cast<size_t>(it - cols.begin())].get();
        if (given == nullptr || IsDefaultOf(*given, col.name)) {
          if (col.default_now)
            return NotSupportedYet(std::string("a ") + what +
                                   " column defaulting to CURRENT_TIMESTAMP");
          v = col.default_value ? *col.default_value : Value();
        } else {
          v = ConstantOf(*given, params);
        }
      }
      if (!v)
        return NotSupportedYet(std::string("a ") + what +
                               " value that is not a constant");
      return plan::ConvertValue(*v, col.type, col.name);
    };
    size_t part = store_->NextRoundRobin() % p->partitions();
    if (p->kind == Placement::Kind::kHash && !p->columns.empty()) {
      std::vector<Value> key;
      for (int c : p->columns) {
        XP_ASSIGN_OR_RETURN(Value v, value_of(c, "partition key"));
        key.push_back(std::move(v));
      }
      part = PartitionOf(key, key_types, p->partitions());
    }
    if (!p->global.empty()) {
      std::vector<std::optional<Value>>& image =
          images.emplace_back(t->columns.size());
      for (const GlobalIndex& g : p->global)
        for (const std::vector<int>* list : {&g.columns, &g.rest})
          for (int c : *list) {
            if (image[static_cast<size_t>(c)]) continue;
            XP_ASSIGN_OR_RETURN(Value v, value_of(c, "global index key"));
            image[static_cast<size_t>(c)] = std::move(v);
          }
    }
    std::string tuple = "(";
    for (size_t i = 0; i < texts.size(); ++i)
      tuple += (i ? "," : "") + texts[i];
    tuple += ")";
    if (each) {
      EachRow r{part, tuple, {}};
      for (int c : values_of) {
        XP_ASSIGN_OR_RETURN(Value v, value_of(c, "VALUES() column"));
        r.values.push_back(std::move(v));
      }
      rows.push_back(std::move(r));
      continue;
    }
    if (p->kind == Placement::Kind::kBroadcast) {
      for (size_t q = 0; q < p->partitions(); ++q) {
        std::string& s = by_part[q];
        s += (s.empty() ? "" : ",") + tuple;
      }
    } else {
      std::string& s = by_part[part];
      s += (s.empty() ? "" : ",") + tuple;
    }
  }
  uint64_t n = 0;
  if (each)
    return InsertEachRow(ins, *t, *p, head + "%T" + col_list, rows, images,
                         affected);
  if (!p->global.empty()) {
    // Index entries first, in the same transaction: a key another row
    // has is the index partition's 1062, and nothing is written.
    std::vector<DnWrite> writes;
    XP_RETURN_IF_ERROR(IndexInserts(*t, *p, images, &writes));
    for (auto& [part, tuples] : by_part)
      writes.push_back({p->dn[part],
                        head + QuoteIdent(p->name[part]) + col_list + tuples,
                        true});
    XP_RETURN_IF_ERROR(WriteAll(writes, /*atomic=*/true, &n));
    *affected = n;
    return Status::OK();
  }
  std::map<size_t, std::string> sqls;
  for (auto& [part, tuples] : by_part)
    sqls[part] = head + QuoteIdent(p->name[part]) + col_list + tuples + tail;
  XP_RETURN_IF_ERROR(Write(*p, sqls, &n));
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
  const size_t n = t_->columns.size();
  std::vector<std::optional<Value>> row(n);
  for (size_t i = 0; i < values.size(); ++i)
    row[columns.empty() ? i : static_cast<size_t>(columns[i])] = values[i];
  for (size_t c = 0; c < n; ++c) {
    const auto& col = t_->columns[c];
    if (col.auto_increment) {
      const bool generate =
          !row[c] || row[c]->index() == 0 ||
          (row[c]->index() == 1 && std::get<int64_t>(*row[c]) == 0);
      if (generate) {
        XP_ASSIGN_OR_RETURN(int64_t id,
                            session_->store_->NextAutoIncrement(*t_, 1));
        row[c] = Value(id);
        if (*insert_id == 0) *insert_id = static_cast<uint64_t>(id);
      } else if (row[c]->index() == 1) {
        session_->store_->ObserveAutoIncrement(*t_, std::get<int64_t>(*row[c]));
      }
    }
  }
  size_t part = session_->store_->NextRoundRobin() % p_->partitions();
  if (p_->kind == Placement::Kind::kHash && !p_->columns.empty()) {
    std::vector<Value> key;
    std::vector<DataType> types;
    for (int c : p_->columns) {
      const auto& col = t_->columns[static_cast<size_t>(c)];
      const std::optional<Value>& v = row[static_cast<size_t>(c)];
      Value given = v ? *v : (col.default_value ? *col.default_value : Value());
      XP_ASSIGN_OR_RETURN(Value conv,
                          plan::ConvertValue(given, col.type, col.name));
      key.push_back(std::move(conv));
      types.push_back(col.type);
    }
    part = PartitionOf(key, types, p_->partitions());
  }
  if (!p_->global.empty()) {
    if (session_->insert_verb_ != "INSERT")
      return NotSupportedYet(
          "INSERT IGNORE or REPLACE on a table with a global index");
    auto& image = images_.emplace_back(n);
    for (const GlobalIndex& g : p_->global)
      for (const std::vector<int>* list : {&g.columns, &g.rest})
        for (int c : *list) {
          const auto& col = t_->columns[static_cast<size_t>(c)];
          const std::optional<Value>& v = row[static_cast<size_t>(c)];
          if (!v && col.default_now)
            return NotSupportedYet(
                "a global index key column defaulting to CURRENT_TIMESTAMP");
          Value given =
              v ? *v : (col.default_value ? *col.default_value : Value());
          XP_ASSIGN_OR_RETURN(Value conv,
                              plan::ConvertValue(given, col.type, col.name));
          image[static_cast<size_t>(c)] = std::move(conv);
        }
  }
  std::string tuple = "(";
  bool first = true;
  for (size_t c = 0; c < n; ++c) {
    tuple += first ? "" : ",";
    first = false;
    tuple += row[c] ? Literal(*row[c]) : "DEFAULT";
  }
  tuple += ")";
  auto add = [&](size_t q) {
    std::string& s = tuples_[q];
    s += (s.empty() ? "" : ",") + tuple;
    bytes_ += tuple.size();
  };
  if (p_->kind == Placement::Kind::kBroadcast) {
    for (size_t q = 0; q < p_->partitions(); ++q) add(q);
  } else {
    add(part);
  }
  if (bytes_ > (1u << 20)) return Flush();
  return Status::OK();
}

Status ClusterTable::Flush() {
  if (tuples_.empty()) return Status::OK();
  std::map<size_t, std::string> sqls;
  for (auto& [part, tuples] : tuples_) {
    sqls[part] = session_->insert_verb_ + " INTO " + QuoteIdent(t_->database) +
                 "." + QuoteIdent(p_->name[part]) + " VALUES " + tuples;
  }
  tuples_.clear();
  bytes_ = 0;
  uint64_t n = 0;
  if (images_.empty()) return session_->Write(*p_, sqls, &n);
  // Index entries first, in the same transaction (see PushInsert).
  std::vector<ClusterSession::DnWrite> writes;
  XP_RETURN_IF_ERROR(session_->IndexInserts(*t_, *p_, images_, &writes));
  images_.clear();
  for (auto& [part, sql] : sqls) writes.push_back({p_->dn[part], sql, true});
  return session_->WriteAll(writes, /*atomic=*/true, &n);
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
