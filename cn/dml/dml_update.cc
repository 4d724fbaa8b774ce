// UPDATE and DELETE pushed to DNs; global index maintenance and INSERT
// IGNORE / REPLACE / ON DUPLICATE KEY UPDATE row by row (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"

namespace xp::cn {

Status ClusterSession::PushUpdateDelete(plan::WriteNode& w,
                                        sql::Statement& stmt,
                                        const std::vector<Value>& params,
                                        bool* handled, uint64_t* affected) {
  const TableSchema& t = *w.table;
  const Placement* p = store_->PlacementOf(t);
  if (p == nullptr) return Status::Internal("no placement for " + t.name);
  *handled = true;
  // The session leaves a WHERE with a subquery unbound.
  if (w.source == nullptr)
    return NotSupportedYet(
        "UPDATE / DELETE with a subquery through a compute node");
  // The partitions the matched rows can be in, pruned as a read of them
  // would be.
  std::vector<size_t> parts;
  if (p->kind == Placement::Kind::kBroadcast) {
    for (size_t i = 0; i < p->partitions(); ++i) parts.push_back(i);
  } else {
    std::vector<std::vector<int>> keys;
    XP_ASSIGN_OR_RETURN(parts, TargetPartitions(*w.source, *p, &keys));
  }
  std::optional<uint64_t> limit;
  if (w.source->kind == NodeKind::kLimit) limit = w.source->limit;
  return UpdateDeleteIn(stmt, t, *p, parts, limit, w.ordered, params, affected);
}

Status ClusterSession::UpdateDeleteIn(
    sql::Statement& stmt, const TableSchema& t, const Placement& p,
    const std::vector<size_t>& parts, std::optional<uint64_t> limit_rows,
    bool ordered, const std::vector<Value>& params, uint64_t* affected) {
  sql::Expr* where = nullptr;
  sql::ExprPtr* limit = nullptr;
  std::string* physical = nullptr;
  std::string* schema = nullptr;
  bool moves = false;  // SET changes a partition key column
  bool keyed = stmt.kind == sql::StmtKind::kDelete;  // see below
  if (stmt.kind == sql::StmtKind::kUpdate) {
    auto& u = static_cast<sql::UpdateStatement&>(stmt);
    where = u.where.get();
    limit = &u.limit;
    physical = &u.table->name;
    schema = &u.table->schema;
    if (u.table->alias.empty()) u.table->alias = u.table->name;
    for (auto& a : u.set) {
      const int c = t.FindColumn(a.column);
      if (c >= 0 && p.kind == Placement::Kind::kHash &&
          std::find(p.columns.begin(), p.columns.end(), c) != p.columns.end())
        moves = true;
      // A change to a global index key, or to a row an entry points at.
      for (const GlobalIndex& g : p.global)
        for (const std::vector<int>* l : {&g.columns, &g.rest})
          keyed = keyed || std::find(l->begin(), l->end(), c) != l->end();
      if (sql::HasSubquery(a.value.get()))
        return NotSupportedYet("UPDATE with a subquery through a compute node");
      Inline(a.value.get(), params);
    }
  } else {
    auto& d = static_cast<sql::DeleteStatement&>(stmt);
    where = d.where.get();
    limit = &d.limit;
    physical = &d.table.name;
    schema = &d.table.schema;
    if (d.alias.empty()) d.alias = d.table.name;
  }
  *schema = t.database;
  Inline(where, params);
  if (*limit != nullptr) Inline(limit->get(), params);
  if (!p.global.empty() && keyed) {
    if (*limit != nullptr || ordered)
      return NotSupportedYet(
          "UPDATE / DELETE ... ORDER BY / LIMIT of a table with a global "
          "index");
    return RewriteRows(stmt, t, p, parts, affected);
  }
  if (moves) {
    if (*limit != nullptr || ordered)
      return NotSupportedYet(
          "UPDATE ... ORDER BY / LIMIT of a partition key column");
    return RewriteRows(stmt, t, p, parts, affected);
  }
  const std::string name = *physical;
  if (*limit != nullptr && parts.size() > 1 &&
      p.kind == Placement::Kind::kHash) {
    // LIMIT n over several partitions: partition after partition, each
    // allowed what is left of n (any n rows, as MySQL without ORDER BY).
    if (ordered || !limit_rows)
      return NotSupportedYet(
          "UPDATE / DELETE ... ORDER BY ... LIMIT over several partitions");
    uint64_t left = *limit_rows;
    uint64_t total = 0;
    // One statement per partition, one after another: undone together if
    // a later one fails.
    std::set<size_t> dn_set;
    for (size_t part : parts) dn_set.insert(p.dn[part]);
    const std::vector<size_t> dns(dn_set.begin(), dn_set.end());
    XP_RETURN_IF_ERROR(GuardStatement(dns));
    for (size_t part : parts) {
      if (left == 0) break;
      *limit = ValueExpr(Value(left));
      *physical = p.name[part];
      uint64_t done = 0;
      Status st = Write(p, {{part, sql::ToSql(stmt)}}, &done);
      if (!st.ok()) {
        *physical = name;
        return FailStatement(dns, st);
      }
      total += done;
      left -= std::min(left, done);
    }
    *physical = name;
    *affected = total;
    return Status::OK();
  }
  std::map<size_t, std::string> sqls;
  for (size_t part : parts) {
    *physical = p.name[part];
    sqls[part] = sql::ToSql(stmt);
  }
  *physical = name;
  uint64_t n = 0;
  XP_RETURN_IF_ERROR(Write(p, sqls, &n));
  *affected = p.kind == Placement::Kind::kBroadcast && p.partitions() > 0
                  ? n / p.partitions()
                  : n;
  return Status::OK();
}

Status ClusterSession::ReadRows(size_t dn, const std::string& sql, Rows* out) {
  Xp::Plan::ExecSql req;
  req.set_stmt(sql);
  req.set_chunk_result(true);
  req.set_chunk_raw(store_->options().dns_in_process);
  XP_ASSIGN_OR_RETURN(DnLink * c, Conn(dn));
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = c->ExecuteSql(std::move(req));
  if (!r.ok()) return DnError(dn, r.status());
  out->result = std::move(*r);
  if (out->result.sets.empty()) return Status::OK();
  const ResultSet& set = out->result.sets[0];
  for (const auto& m : set.columns) out->types.push_back(exec::ColumnType(m));
  return exec::DecodeChunks(set.chunks, out->types.size(), &out->batches);
}

Status ClusterSession::IndexInserts(const TableSchema& t, const Placement& p,
                                    const std::vector<plan::InsertRow>& rows,
                                    std::vector<DnWrite>* out) {
  for (const GlobalIndex& g : p.global) {
    std::map<size_t, sql::InsertStatement> by_part;  // index partition
    for (const plan::InsertRow& row : rows) {
      if (!HasKey(g.columns, row)) continue;  // no entry: any number may
      XP_ASSIGN_OR_RETURN(size_t part,
                          PartitionOfImage(t, g.columns, row, g.partitions()));
      auto it = by_part.find(part);
      if (it == by_part.end())
        it = by_part.emplace(part, InsertInto(t.database, g.name[part], {}))
                 .first;
      it->second.rows.push_back(EntryValues(g, row));
    }
    for (auto& [part, s] : by_part)
      out->push_back({g.dn[part], sql::ToSql(s), false});
  }
  return Status::OK();
}

bool ClusterSession::HasKey(const std::vector<int>& cols,
                            const plan::InsertRow& image) {
  for (int c : cols) {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    if (!v || v->index() == 0) return false;
  }
  return true;
}

Result<size_t> ClusterSession::PartitionOfImage(const TableSchema& t,
                                                const std::vector<int>& cols,
                                                const plan::InsertRow& image,
                                                size_t partitions) {
  return PartitionOfKey(t, cols, partitions, [&](int c) -> Result<Value> {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    return v ? *v : Value();
  });
}

std::optional<plan::InsertRow> ClusterSession::IndexKeyImage(
    const TableSchema& t, const GlobalIndex& g, const std::vector<Value>& key) {
  plan::InsertRow image(t.columns.size());
  for (size_t i = 0; i < g.columns.size(); ++i) {
    if (i >= key.size()) return std::nullopt;
    const auto& col = t.columns[static_cast<size_t>(g.columns[i])];
    Result<Value> conv = plan::ConvertValue(key[i], col.type, col.name);
    if (!conv.ok() || conv->index() == 0) return std::nullopt;
    image[static_cast<size_t>(g.columns[i])] = std::move(*conv);
  }
  return image;
}

std::vector<sql::ExprPtr> ClusterSession::EntryValues(
    const GlobalIndex& g, const plan::InsertRow& image) {
  std::vector<sql::ExprPtr> values;
  for (const std::vector<int>* list : {&g.columns, &g.rest})
    for (int c : *list) {
      const std::optional<Value>& v = image[static_cast<size_t>(c)];
      values.push_back(ValueExpr(v ? *v : Value()));
    }
  return values;
}

sql::ExprPtr ClusterSession::KeyWhere(const TableSchema& t,
                                      const std::vector<int>& cols,
                                      const plan::InsertRow& image) {
  std::vector<std::string> names;
  std::vector<sql::ExprPtr> values;
  for (int c : cols) {
    names.push_back(t.columns[static_cast<size_t>(c)].name);
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    values.push_back(ValueExpr(v ? *v : Value()));
  }
  return KeyMatch(names, std::move(values), sql::BinaryOp::kEq);
}

Status ClusterSession::Collisions(const TableSchema& t, const Placement& p,
                                  size_t part, const plan::InsertRow& image,
                                  bool first_only,
                                  std::vector<Collision>* out) {
  const std::vector<int>& pk = t.indexes[0].columns;
  auto same_row = [&](const Collision& a, size_t at, const plan::InsertRow& b) {
    if (a.part != at) return false;
    for (int c : pk)
      if (!plan::SameValue(*a.image[static_cast<size_t>(c)],
                           *b[static_cast<size_t>(c)]))
        return false;
    return true;
  };
  // The row with primary key `key` (values of `pk` in it) of partition at.
  auto read = [&](size_t at, const plan::InsertRow& key) -> Status {
    for (const Collision& c : *out)
      if (same_row(c, at, key)) return Status::OK();
    std::vector<sql::ExprPtr> items;
    for (const auto& col : t.columns) items.push_back(ColumnExpr(col.name));
    sql::SelectStmt q = SelectFrom(t.database, p.name[at], std::move(items),
                                   KeyWhere(t, pk, key));
    q.lock = sql::LockMode::kUpdate;
    Rows rows;
    XP_RETURN_IF_ERROR(ReadRows(p.dn[at], sql::ToSql(q), &rows));
    for (const exec::Batch& b : rows.batches) {
      for (size_t row = 0; row < b.num_rows(); ++row) {
        Collision c{at, plan::InsertRow(t.columns.size())};
        for (size_t col = 0; col < t.columns.size(); ++col) {
          XP_ASSIGN_OR_RETURN(
              Value v, plan::ConvertValue(
                           exec::InputValue(exec::ValueAt(b.column(col),
                                                          rows.types[col], row),
                                            rows.types[col]),
                           t.columns[col].type, t.columns[col].name));
          c.image[col] = std::move(v);
        }
        bool known = false;
        for (const Collision& o : *out)
          known = known || same_row(o, at, c.image);
        if (!known) out->push_back(std::move(c));
      }
    }
    return Status::OK();
  };
  if (HasKey(pk, image)) XP_RETURN_IF_ERROR(read(part, image));
  for (const GlobalIndex& g : p.global) {
    if (first_only && !out->empty()) return Status::OK();
    if (!g.unique) continue;  // several rows may share its key
    if (!HasKey(g.columns, image)) continue;
    XP_ASSIGN_OR_RETURN(size_t gp,
                        PartitionOfImage(t, g.columns, image, g.partitions()));
    std::vector<sql::ExprPtr> items;
    for (int c : pk)
      items.push_back(ColumnExpr(t.columns[static_cast<size_t>(c)].name));
    sql::SelectStmt q = SelectFrom(t.database, g.name[gp], std::move(items),
                                   KeyWhere(t, g.columns, image));
    q.lock = sql::LockMode::kUpdate;
    XP_ASSIGN_OR_RETURN(StmtResult r, Run(g.dn[gp], sql::ToSql(q)));
    if (r.sets.empty() || r.sets[0].rows.empty()) continue;
    plan::InsertRow other(t.columns.size());
    for (size_t k = 0; k < pk.size(); ++k) {
      const auto& col = t.columns[static_cast<size_t>(pk[k])];
      XP_ASSIGN_OR_RETURN(
          Value v,
          plan::ConvertValue(Value(Text(r.sets[0], r.sets[0].rows[0], k)),
                             col.type, col.name));
      other[static_cast<size_t>(pk[k])] = std::move(v);
    }
    size_t at = part;
    if (!p.columns.empty()) {
      XP_ASSIGN_OR_RETURN(
          at, PartitionOfImage(t, p.columns, other, p.partitions()));
    }
    XP_RETURN_IF_ERROR(read(at, other));
  }
  if (first_only && out->size() > 1) out->resize(1);
  return Status::OK();
}

Status ClusterSession::InsertEachRow(plan::WriteNode& w,
                                     sql::InsertStatement& ins,
                                     RowRouter& router, uint64_t* affected) {
  const TableSchema& t = *w.table;
  const Placement& p = *store_->PlacementOf(t);
  // VALUES(col) in the assignments becomes a placeholder for the row's
  // value of col: placeholder k is VALUES(column values_of[k]).
  std::vector<int> values_of;
  for (auto& [c, e] : ins.on_duplicate) {
    std::vector<sql::Expr*> stack{e.get()};
    while (!stack.empty()) {
      sql::Expr* x = stack.back();
      stack.pop_back();
      if (x->kind == sql::ExprKind::kFunction && x->text == "VALUES" &&
          x->args.size() == 1 && x->args[0]->kind == sql::ExprKind::kColumn) {
        const int at = t.FindColumn(x->args[0]->text);
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
      for (auto& a : x->args) stack.push_back(a.get());
    }
  }
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  // The statement's entries of `image` as (DN, INSERT) and (DN, DELETE).
  using Steps = std::vector<std::pair<size_t, std::string>>;
  auto entries = [&](const plan::InsertRow& image, bool ignore, Steps* adds,
                     Steps* dels) -> Status {
    for (const GlobalIndex& g : p.global) {
      if (!HasKey(g.columns, image)) continue;
      XP_ASSIGN_OR_RETURN(
          size_t gp, PartitionOfImage(t, g.columns, image, g.partitions()));
      if (adds != nullptr) {
        sql::InsertStatement s =
            InsertInto(t.database, g.name[gp], {}, false, ignore);
        s.rows.push_back(EntryValues(g, image));
        adds->push_back({g.dn[gp], sql::ToSql(s)});
      }
      if (dels != nullptr) {
        std::vector<int> entry = g.columns;
        entry.insert(entry.end(), g.rest.begin(), g.rest.end());
        dels->push_back({g.dn[gp], DeleteSql(t.database, g.name[gp],
                                             KeyWhere(t, entry, image))});
      }
    }
    return Status::OK();
  };
  auto run_all = [&](const Steps& list) -> Status {
    for (const auto& [dn, sql] : list)
      XP_RETURN_IF_ERROR(Run(dn, sql).status());
    return Status::OK();
  };
  const std::vector<int>& pk = t.indexes[0].columns;
  uint64_t total = 0;
  Status st;
  for (size_t i = 0; st.ok() && i < w.rows.size(); ++i) {
    const plan::InsertRow& row = w.rows[i];
    Result<size_t> part = router.PartitionOfRow(row);
    Result<plan::InsertRow> image = router.IndexImage(row);
    if (!part.ok() || !image.ok()) {
      st = part.ok() ? image.status() : part.status();
      break;
    }
    // The row itself: INSERT IGNORE for IGNORE, else a plain INSERT once
    // the rows in its way are gone.
    const bool ignore = w.ignore && !w.replace && !w.on_duplicate;
    const std::string insert =
        sql::ToSql(InsertRowsStatement(t, p.name[*part], {row}, false, ignore));
    if (ignore) {
      Steps adds, undo;
      st = entries(*image, true, &adds, &undo);
      bool skip = false;
      size_t added = 0;
      for (; st.ok() && !skip && added < adds.size(); ++added) {
        Result<StmtResult> r = Run(adds[added].first, adds[added].second);
        if (!r.ok()) {
          st = r.status();
        } else if (r->rows_affected.value_or(0) == 0) {
          skip = true;  // the key is taken: this entry was not added
          break;
        }
      }
      if (st.ok() && !skip) {
        Result<StmtResult> r = Run(p.dn[*part], insert);
        if (!r.ok()) {
          st = r.status();
        } else if (r->rows_affected.value_or(0) == 0) {
          skip = true;
        } else {
          ++total;
        }
      }
      if (st.ok() && skip) {
        undo.resize(std::min(undo.size(), added));
        st = run_all(undo);
      }
      continue;
    }
    std::vector<Collision> found;
    st = Collisions(t, p, *part, *image, w.on_duplicate, &found);
    if (!st.ok()) break;
    if (w.on_duplicate && !found.empty()) {
      // The assignments, on the row found, as an UPDATE by its primary key
      // with the row's VALUES(col) as the placeholders' values.
      std::vector<Value> values;
      for (int c : values_of) {
        Result<Value> v = router.Stored(row, c, "VALUES() column");
        if (!v.ok()) {
          st = v.status();
          break;
        }
        // As a statement would give it (the placeholder converts it).
        values.push_back(exec::InputValue(
            std::move(*v), t.columns[static_cast<size_t>(c)].type));
      }
      if (!st.ok()) break;
      sql::UpdateStatement u;
      u.table = std::make_unique<sql::TableRef>();
      u.table->name = t.name;
      for (auto& [c, e] : ins.on_duplicate) {
        Result<sql::ExprPtr> copy = CopyExpr(*e);
        if (!copy.ok()) {
          st = copy.status();
          break;
        }
        u.set.push_back(sql::Assignment{"", c, std::move(*copy)});
      }
      if (!st.ok()) break;
      u.where = KeyWhere(t, pk, found[0].image);
      uint64_t n = 0;
      st = UpdateDeleteIn(u, t, p, {found[0].part}, std::nullopt, false, values,
                          &n);
      total += n * 2;  // MySQL: 2 for a row updated, 0 if unchanged
      continue;
    }
    // REPLACE: the rows in the way go, entries first.
    for (const Collision& c : found) {
      Steps del;
      st = entries(c.image, false, nullptr, &del);
      if (!st.ok()) break;
      del.push_back({p.dn[c.part], DeleteSql(t.database, p.name[c.part],
                                             KeyWhere(t, pk, c.image))});
      st = run_all(del);
      if (!st.ok()) break;
      ++total;
    }
    if (!st.ok()) break;
    Steps adds;
    st = entries(*image, false, &adds, nullptr);
    if (!st.ok()) break;
    adds.push_back({p.dn[*part], insert});
    st = run_all(adds);
    if (st.ok()) ++total;
  }
  if (!st.ok()) return FailStatement(all, st);
  *affected = total;
  return Status::OK();
}

Status ClusterSession::RewriteRows(sql::Statement& stmt, const TableSchema& t,
                                   const Placement& p,
                                   const std::vector<size_t>& parts,
                                   uint64_t* affected) {
  const bool remove = stmt.kind == sql::StmtKind::kDelete;
  sql::UpdateStatement* u =
      remove ? nullptr : &static_cast<sql::UpdateStatement&>(stmt);
  const std::string alias =
      remove ? static_cast<sql::DeleteStatement&>(stmt).alias
             : (u->table->alias.empty() ? t.name : u->table->alias);
  sql::ExprPtr& where =
      remove ? static_cast<sql::DeleteStatement&>(stmt).where : u->where;
  const size_t n = t.columns.size();
  // SELECT every column, then (UPDATE) every column's new value, locking
  // the rows read: the changes below are made from these images. The
  // statement's WHERE and SET values are lent to the query.
  std::vector<sql::ExprPtr> items;
  for (size_t c = 0; c < n; ++c)
    items.push_back(ColumnExpr(t.columns[c].name, alias));
  std::vector<std::pair<size_t, sql::ExprPtr*>> lent;  // item <- SET value
  for (size_t c = 0; !remove && c < n; ++c) {
    items.push_back(ColumnExpr(t.columns[c].name, alias));
    for (auto& a : u->set)
      if (plan::NameEquals(a.column, t.columns[c].name))
        lent.push_back({items.size() - 1, &a.value});
  }
  sql::SelectStmt q =
      SelectFrom(t.database, p.name[0], std::move(items), nullptr, alias);
  q.lock = sql::LockMode::kUpdate;
  // The last assignment of a column wins, as in the statement.
  for (auto& [item, value] : lent) std::swap(q.items[item].expr, *value);
  std::swap(q.where, where);
  std::vector<std::string> selects;
  for (size_t part : parts) {
    q.from->name = p.name[part];
    selects.push_back(sql::ToSql(q));
  }
  std::swap(q.where, where);
  for (auto it = lent.rbegin(); it != lent.rend(); ++it)
    std::swap(q.items[it->first].expr, *it->second);
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  RowSteps gone, come;
  Status st;
  for (size_t i = 0; st.ok() && i < parts.size(); ++i) {
    Rows rows;
    st = ReadRows(p.dn[parts[i]], selects[i], &rows);
    for (size_t bi = 0; st.ok() && bi < rows.batches.size(); ++bi) {
      const exec::Batch& b = rows.batches[bi];
      for (size_t row = 0; st.ok() && row < b.num_rows(); ++row)
        st = PlanRowChange(t, p, parts[i], b, rows.types, row, remove, &gone,
                           &come);
    }
  }
  if (st.ok()) st = RunRowSteps(all, gone, come, affected);
  if (!st.ok()) return FailStatement(all, st);
  return Status::OK();
}

Status ClusterSession::PlanRowChange(const TableSchema& t, const Placement& p,
                                     size_t part, const exec::Batch& b,
                                     const std::vector<DataType>& types,
                                     size_t row, bool remove, RowSteps* gone,
                                     RowSteps* come) {
  const size_t n = t.columns.size();
  const size_t dn = p.dn[part];
  // The columns that identify a row: its primary key, or all of them.
  std::vector<size_t> ident;
  if (!t.hidden_primary_key && !t.indexes.empty() && t.indexes[0].primary) {
    for (int c : t.indexes[0].columns) ident.push_back(static_cast<size_t>(c));
  } else {
    for (size_t c = 0; c < n; ++c) ident.push_back(c);
  }
  auto lit = [&](size_t col) {
    return CellExpr(b.column(col), types[col], row);
  };
  // Column `col` of the row read (0..n-1 old, n..2n-1 new values),
  // converted to its column's type.
  auto value = [&](size_t col) -> Result<Value> {
    const auto& schema = t.columns[col % n];
    return plan::ConvertValue(
        exec::InputValue(exec::ValueAt(b.column(col), types[col], row),
                         types[col]),
        schema.type, schema.name);
  };
  // The row as read: its identifying columns, null-safe.
  auto match = [&]() {
    std::vector<std::string> names;
    std::vector<sql::ExprPtr> values;
    for (size_t c : ident) {
      names.push_back(t.columns[c].name);
      values.push_back(lit(c));
    }
    return KeyMatch(names, std::move(values), sql::BinaryOp::kNullSafeEq);
  };
  std::vector<bool> changed(n, false);
  bool any = false;
  for (size_t c = 0; !remove && c < n; ++c) {
    changed[c] = sql::ToSql(*lit(c)) != sql::ToSql(*lit(n + c));
    any = any || changed[c];
  }
  // Global index entries whose key or row changes.
  for (const GlobalIndex& g : p.global) {
    bool moved = remove;
    bool old_null = false, new_null = remove;
    for (const std::vector<int>* l : {&g.columns, &g.rest})
      for (int c : *l) moved = moved || changed[static_cast<size_t>(c)];
    for (int c : g.columns) {
      old_null = old_null || b.column(static_cast<size_t>(c)).IsNull(row);
      if (!remove)
        new_null = new_null || b.column(n + static_cast<size_t>(c)).IsNull(row);
    }
    if (!moved) continue;
    // The entry's columns (key, then the rest) at `base` (0: old
    // values, n: new).
    auto entry = [&](size_t base, std::vector<std::string>* names) {
      std::vector<sql::ExprPtr> values;
      for (const std::vector<int>* l : {&g.columns, &g.rest})
        for (int c : *l) {
          if (names != nullptr)
            names->push_back(t.columns[static_cast<size_t>(c)].name);
          values.push_back(lit(base + static_cast<size_t>(c)));
        }
      return values;
    };
    for (size_t base : {size_t{0}, n}) {
      if (base == 0 ? old_null : new_null) continue;
      Result<size_t> at = PartitionOfKey(
          t, g.columns, g.partitions(), [&](int c) { return value(base + c); });
      if (!at.ok()) return at.status();
      if (base == 0) {
        // The entry by its key and the row it names (a GLOBAL key
        // that is not unique has one entry per row).
        std::vector<std::string> names;
        std::vector<sql::ExprPtr> values = entry(0, &names);
        (*gone)[g.dn[*at]].push_back(
            {DeleteSql(t.database, g.name[*at],
                       KeyMatch(names, std::move(values), sql::BinaryOp::kEq)),
             false, true});
      } else {
        sql::InsertStatement s = InsertInto(t.database, g.name[*at], {});
        s.rows.push_back(entry(n, nullptr));
        (*come)[g.dn[*at]].push_back({sql::ToSql(s), false, false});
      }
    }
  }
  if (remove) {
    (*gone)[dn].push_back(
        {DeleteSql(t.database, p.name[part], match()), true, true});
    return Status::OK();
  }
  if (!any) return Status::OK();
  size_t to = part;
  if (p.kind == Placement::Kind::kHash && !p.columns.empty()) {
    Result<size_t> at = PartitionOfKey(t, p.columns, p.partitions(),
                                       [&](int c) { return value(n + c); });
    if (!at.ok()) return at.status();
    to = *at;
  }
  if (to == part) {
    std::vector<sql::Assignment> set;
    for (size_t c = 0; c < n; ++c)
      if (changed[c])
        set.push_back(sql::Assignment{"", t.columns[c].name, lit(n + c)});
    (*come)[dn].push_back(
        {UpdateSql(t.database, p.name[part], std::move(set), match()), true,
         false});
    return Status::OK();
  }
  // Deleted only as it was read; inserted into its new partition.
  (*gone)[dn].push_back(
      {DeleteSql(t.database, p.name[part], match()), false, true});
  sql::InsertStatement s = InsertInto(t.database, p.name[to], {});
  s.rows.emplace_back();
  for (size_t c = 0; c < n; ++c) s.rows.back().push_back(lit(n + c));
  (*come)[p.dn[to]].push_back({sql::ToSql(s), true, false});
  return Status::OK();
}

Status ClusterSession::RunRowSteps(const std::vector<size_t>& all,
                                   const RowSteps& gone, const RowSteps& come,
                                   uint64_t* affected) {
  // Per DN: first what goes away (entries, rows leaving), then what comes
  // (entries, rows arriving or changed), so a key that moves between rows
  // is free before it is taken.
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  std::vector<std::vector<const RowStep*>> steps;
  for (size_t dn : all) {
    std::vector<const RowStep*> mine;
    for (const RowSteps* m : {&gone, &come}) {
      auto it = m->find(dn);
      if (it == m->end()) continue;
      for (const RowStep& s : it->second) mine.push_back(&s);
    }
    if (mine.empty()) continue;
    work.push_back({dn, {}});
    for (const RowStep* s : mine) work.back().second.push_back(s->sql);
    steps.push_back(std::move(mine));
  }
  std::vector<std::vector<StmtResult>> results;
  XP_RETURN_IF_ERROR(Pipeline(work, &results));
  uint64_t total = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    for (size_t k = 0; k < results[i].size(); ++k) {
      const uint64_t rows = results[i][k].rows_affected.value_or(0);
      if (steps[i][k]->exactly_one && rows != 1)
        return SqlError(ER_LOCK_DEADLOCK,
                        "Deadlock found when trying to get lock; try "
                        "restarting transaction (a row or index entry "
                        "changed while the statement rewrote it)");
      if (steps[i][k]->counted) total += rows;
    }
  }
  *affected = total;
  return Status::OK();
}

}  // namespace xp::cn
