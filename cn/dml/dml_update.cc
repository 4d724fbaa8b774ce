// UPDATE and DELETE pushed to DNs; global index maintenance and INSERT
// IGNORE / REPLACE / ON DUPLICATE KEY UPDATE row by row (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"

namespace xp::cn {

Status ClusterSession::PushUpdateDelete(sql::Statement& stmt,
                                        const std::string& database,
                                        const std::vector<Value>& params,
                                        bool* handled, uint64_t* affected) {
  sql::QualifiedName name;
  sql::Expr* where = nullptr;
  sql::ExprPtr* limit = nullptr;
  bool ordered = false;
  std::string* physical = nullptr;
  if (stmt.kind == sql::StmtKind::kUpdate) {
    auto& u = static_cast<sql::UpdateStatement&>(stmt);
    if (u.table->kind != sql::TableRef::Kind::kTable)
      return NotSupportedYet("multi-table UPDATE through a compute node");
    name = {u.table->schema, u.table->name};
    where = u.where.get();
    limit = &u.limit;
    ordered = !u.order_by.empty();
    physical = &u.table->name;
    if (u.table->schema.empty()) u.table->schema = database;
    if (u.table->alias.empty()) u.table->alias = u.table->name;
  } else {
    auto& d = static_cast<sql::DeleteStatement&>(stmt);
    name = d.table;
    where = d.where.get();
    limit = &d.limit;
    ordered = !d.order_by.empty();
    physical = &d.table.name;
    if (d.table.schema.empty()) d.table.schema = database;
    if (d.alias.empty()) d.alias = d.table.name;
  }
  const std::string db = name.schema.empty() ? database : name.schema;
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      store_->catalog().FindTable(db, name.name));
  const Placement* p = store_->PlacementOf(*t);
  if (p == nullptr) return Status::Internal("no placement for " + t->name);
  *handled = true;
  if (sql::HasSubquery(where))
    return NotSupportedYet(
        "UPDATE / DELETE with a subquery through a compute node");
  bool moves = false;  // SET changes a partition key column
  if (stmt.kind == sql::StmtKind::kUpdate) {
    auto& u = static_cast<sql::UpdateStatement&>(stmt);
    for (auto& a : u.set) {
      for (int c : p->columns) {
        if (p->kind == Placement::Kind::kHash &&
            plan::NameEquals(t->columns[static_cast<size_t>(c)].name, a.column))
          moves = true;
      }
      if (sql::HasSubquery(a.value.get()))
        return NotSupportedYet("UPDATE with a subquery through a compute node");
      Inline(a.value.get(), params);
    }
  }
  // Pruning: equalities on every partition column.
  std::vector<size_t> parts;
  if (p->kind == Placement::Kind::kHash && !p->columns.empty()) {
    std::map<std::string, Value> eq;
    EqualityConjuncts(where, params, &eq);
    std::vector<Value> key;
    std::vector<DataType> types;
    for (int c : p->columns) {
      const auto& col = t->columns[static_cast<size_t>(c)];
      auto it = eq.find(sql::AsciiLower(col.name));
      if (it == eq.end()) break;
      Result<Value> conv = plan::ConvertValue(it->second, col.type, col.name);
      if (!conv.ok()) break;
      key.push_back(std::move(*conv));
      types.push_back(col.type);
    }
    if (key.size() == p->columns.size()) {
      parts.push_back(PartitionOf(key, types, p->partitions()));
    }
  }
  if (parts.empty()) {
    for (size_t i = 0; i < p->partitions(); ++i) parts.push_back(i);
  }
  Inline(where, params);
  if (!p->global.empty()) {
    // A change to a global index key, or to a row an entry points at.
    bool keyed = stmt.kind == sql::StmtKind::kDelete;
    for (const GlobalIndex& g : p->global)
      for (const std::vector<int>* l : {&g.columns, &g.rest})
        for (int c : *l)
          if (stmt.kind == sql::StmtKind::kUpdate)
            for (auto& a : static_cast<sql::UpdateStatement&>(stmt).set)
              keyed = keyed ||
                      plan::NameEquals(t->columns[static_cast<size_t>(c)].name,
                                       a.column);
    if (keyed && (*limit != nullptr || ordered))
      return NotSupportedYet(
          "UPDATE / DELETE ... ORDER BY / LIMIT of a table with a global "
          "index");
    if (keyed) return RewriteRows(stmt, *t, *p, parts, affected);
  }
  if (moves) {
    if (*limit != nullptr || ordered)
      return NotSupportedYet(
          "UPDATE ... ORDER BY / LIMIT of a partition key column");
    return RewriteRows(stmt, *t, *p, parts, affected);
  }
  if (*limit != nullptr && parts.size() > 1 &&
      p->kind == Placement::Kind::kHash) {
    // LIMIT n over several partitions: partition after partition, each
    // allowed what is left of n (any n rows, as MySQL without ORDER BY).
    std::optional<Value> n = ConstantOf(**limit, params);
    if (ordered || !n || n->index() != 1 || std::get<int64_t>(*n) < 0)
      return NotSupportedYet(
          "UPDATE / DELETE ... ORDER BY ... LIMIT over several partitions");
    int64_t left = std::get<int64_t>(*n);
    uint64_t total = 0;
    // One statement per partition, one after another: undone together if
    // a later one fails.
    std::set<size_t> dn_set;
    for (size_t part : parts) dn_set.insert(p->dn[part]);
    const std::vector<size_t> dns(dn_set.begin(), dn_set.end());
    XP_RETURN_IF_ERROR(GuardStatement(dns));
    for (size_t part : parts) {
      if (left <= 0) break;
      (*limit)->kind = sql::ExprKind::kLiteral;
      (*limit)->lit = sql::LiteralKind::kInteger;
      (*limit)->args.clear();
      (*limit)->text = std::to_string(left);
      *physical = p->name[part];
      uint64_t done = 0;
      Status st = Write(*p, {{part, sql::ToSql(stmt)}}, &done);
      if (!st.ok()) {
        *physical = name.name;
        return FailStatement(dns, st);
      }
      total += done;
      left -= static_cast<int64_t>(done);
    }
    *physical = name.name;
    *affected = total;
    return Status::OK();
  }
  std::map<size_t, std::string> sqls;
  for (size_t part : parts) {
    *physical = p->name[part];
    sqls[part] = sql::ToSql(stmt);
  }
  *physical = name.name;
  uint64_t n = 0;
  XP_RETURN_IF_ERROR(Write(*p, sqls, &n));
  *affected = p->kind == Placement::Kind::kBroadcast && p->partitions() > 0
                  ? n / p->partitions()
                  : n;
  return Status::OK();
}

Status ClusterSession::ReadRows(size_t dn, const std::string& sql, Rows* out) {
  Xp::Plan::ExecSql req;
  req.set_stmt(sql);
  req.set_chunk_result(true);
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

Status ClusterSession::IndexInserts(
    const TableSchema& t, const Placement& p,
    const std::vector<std::vector<std::optional<Value>>>& rows,
    std::vector<DnWrite>* out) {
  for (const GlobalIndex& g : p.global) {
    std::vector<DataType> key_types;
    for (int c : g.columns)
      key_types.push_back(t.columns[static_cast<size_t>(c)].type);
    std::map<size_t, std::string> tuples;  // index partition -> "(..),(..)"
    for (const auto& row : rows) {
      std::vector<Value> key;
      bool null = false;
      for (int c : g.columns) {
        const std::optional<Value>& v = row[static_cast<size_t>(c)];
        if (!v || v->index() == 0) null = true;
        if (!null) key.push_back(*v);
      }
      if (null) continue;  // no entry: any number of rows may have it
      std::string tuple;
      for (const std::vector<int>* list : {&g.columns, &g.rest})
        for (int c : *list) {
          const std::optional<Value>& v = row[static_cast<size_t>(c)];
          tuple += (tuple.empty() ? "(" : ",") + (v ? Literal(*v) : "NULL");
        }
      std::string& s = tuples[PartitionOf(key, key_types, g.partitions())];
      s += (s.empty() ? "" : ",") + tuple + ")";
    }
    for (auto& [part, list] : tuples)
      out->push_back({g.dn[part],
                      "INSERT INTO " + QuoteIdent(t.database) + "." +
                          QuoteIdent(g.name[part]) + " VALUES " + list,
                      false});
  }
  return Status::OK();
}

namespace {

// `WHERE c = literal AND ...` over columns `cols` of `image`.
std::string WhereOf(const TableSchema& t, const std::vector<int>& cols,
                    const std::vector<std::optional<Value>>& image) {
  std::string out;
  for (int c : cols) {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    out += (out.empty() ? " WHERE " : " AND ") +
           QuoteIdent(t.columns[static_cast<size_t>(c)].name) + " = " +
           (v ? Literal(*v) : "NULL");
  }
  return out;
}

// Whether every column of `cols` has a non-NULL value in `image`.
bool HasKey(const std::vector<int>& cols,
            const std::vector<std::optional<Value>>& image) {
  for (int c : cols) {
    const std::optional<Value>& v = image[static_cast<size_t>(c)];
    if (!v || v->index() == 0) return false;
  }
  return true;
}

// Partition of the key `cols` of `image` among `partitions`.
size_t PartitionOfImage(const TableSchema& t, const std::vector<int>& cols,
                        const std::vector<std::optional<Value>>& image,
                        size_t partitions) {
  std::vector<Value> key;
  std::vector<DataType> types;
  for (int c : cols) {
    key.push_back(*image[static_cast<size_t>(c)]);
    types.push_back(t.columns[static_cast<size_t>(c)].type);
  }
  return PartitionOf(key, types, partitions);
}

}  // namespace

Status ClusterSession::Collisions(
    const TableSchema& t, const Placement& p, size_t part,
    const std::vector<std::optional<Value>>& image, bool first_only,
    std::vector<Collision>* out) {
  const std::vector<int>& pk = t.indexes[0].columns;
  const std::string db = QuoteIdent(t.database) + ".";
  std::string list;
  for (const auto& col : t.columns)
    list += (list.empty() ? "" : ",") + QuoteIdent(col.name);
  auto read = [&](size_t at, const std::string& where) -> Status {
    for (const Collision& c : *out)
      if (c.part == at && c.where == where) return Status::OK();
    Rows rows;
    XP_RETURN_IF_ERROR(ReadRows(p.dn[at],
                                "SELECT " + list + " FROM " + db +
                                    QuoteIdent(p.name[at]) + where +
                                    " FOR UPDATE",
                                &rows));
    for (const exec::Batch& b : rows.batches) {
      for (size_t row = 0; row < b.num_rows(); ++row) {
        Collision c{at, "",
                    std::vector<std::optional<Value>>(t.columns.size())};
        for (size_t col = 0; col < t.columns.size(); ++col) {
          XP_ASSIGN_OR_RETURN(
              Value v, plan::ConvertValue(
                           exec::ValueAt(b.column(col), rows.types[col], row),
                           t.columns[col].type, t.columns[col].name));
          c.image[col] = std::move(v);
        }
        c.where = WhereOf(t, pk, c.image);
        for (const Collision& o : *out)
          if (o.part == c.part && o.where == c.where) return Status::OK();
        out->push_back(std::move(c));
      }
    }
    return Status::OK();
  };
  if (HasKey(pk, image)) XP_RETURN_IF_ERROR(read(part, WhereOf(t, pk, image)));
  for (const GlobalIndex& g : p.global) {
    if (first_only && !out->empty()) return Status::OK();
    if (!g.unique) continue;  // several rows may share its key
    if (!HasKey(g.columns, image)) continue;
    const size_t gp = PartitionOfImage(t, g.columns, image, g.partitions());
    std::string cols;
    for (int c : pk)
      cols += (cols.empty() ? "" : ",") +
              QuoteIdent(t.columns[static_cast<size_t>(c)].name);
    XP_ASSIGN_OR_RETURN(
        StmtResult r,
        Run(g.dn[gp], "SELECT " + cols + " FROM " + db +
                          QuoteIdent(g.name[gp]) +
                          WhereOf(t, g.columns, image) + " FOR UPDATE"));
    if (r.sets.empty() || r.sets[0].rows.empty()) continue;
    std::vector<std::optional<Value>> other(t.columns.size());
    for (size_t k = 0; k < pk.size(); ++k) {
      const auto& col = t.columns[static_cast<size_t>(pk[k])];
      XP_ASSIGN_OR_RETURN(
          Value v,
          plan::ConvertValue(Value(Text(r.sets[0], r.sets[0].rows[0], k)),
                             col.type, col.name));
      other[static_cast<size_t>(pk[k])] = std::move(v);
    }
    const size_t at = p.columns.empty() ? part
                                        : PartitionOfImage(t, p.columns, other,
                                                           p.partitions());
    XP_RETURN_IF_ERROR(read(at, WhereOf(t, pk, other)));
  }
  if (first_only && out->size() > 1) out->resize(1);
  return Status::OK();
}

Status ClusterSession::InsertEachRow(
    sql::InsertStatement& ins, const TableSchema& t, const Placement& p,
    const std::string& insert, const std::vector<EachRow>& rows,
    const std::vector<std::vector<std::optional<Value>>>& images,
    uint64_t* affected) {
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  const std::string db = QuoteIdent(t.database) + ".";
  auto physical = [&](const EachRow& row) {
    std::string sql = insert;
    sql.replace(sql.find("%T"), 2, QuoteIdent(p.name[row.part]));
    return sql + row.tuple;
  };
  // The statement's entries of `image` as (DN, INSERT) and (DN, DELETE).
  auto entries = [&](const std::vector<std::optional<Value>>& image,
                     const char* verb,
                     std::vector<std::pair<size_t, std::string>>* ins,
                     std::vector<std::pair<size_t, std::string>>* del) {
    for (const GlobalIndex& g : p.global) {
      if (!HasKey(g.columns, image)) continue;
      const size_t gp = PartitionOfImage(t, g.columns, image, g.partitions());
      const std::string table = db + QuoteIdent(g.name[gp]);
      std::vector<int> entry = g.columns;
      entry.insert(entry.end(), g.rest.begin(), g.rest.end());
      std::string tuple;
      for (const std::vector<int>* l : {&g.columns, &g.rest})
        for (int c : *l)
          tuple += (tuple.empty() ? "(" : ",") +
                   Literal(*image[static_cast<size_t>(c)]);
      if (ins != nullptr)
        ins->push_back({g.dn[gp], std::string(verb) + " INTO " + table +
                                      " VALUES " + tuple + ")"});
      if (del != nullptr)
        del->push_back(
            {g.dn[gp], "DELETE FROM " + table + WhereOf(t, entry, image)});
    }
  };
  auto run_all =
      [&](const std::vector<std::pair<size_t, std::string>>& list) -> Status {
    for (const auto& [dn, sql] : list)
      XP_RETURN_IF_ERROR(Run(dn, sql).status());
    return Status::OK();
  };
  uint64_t total = 0;
  Status st;
  for (size_t i = 0; st.ok() && i < rows.size(); ++i) {
    const EachRow& row = rows[i];
    const auto& image = images[i];
    if (ins.ignore && !ins.replace && ins.on_duplicate.empty()) {
      std::vector<std::pair<size_t, std::string>> adds, undo;
      entries(image, "INSERT IGNORE", &adds, &undo);
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
        Result<StmtResult> r = Run(p.dn[row.part], physical(row));
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
    st = Collisions(t, p, row.part, image, !ins.on_duplicate.empty(), &found);
    if (!st.ok()) break;
    if (!ins.on_duplicate.empty() && !found.empty()) {
      // The assignments, on the row found, as an UPDATE by its key.
      std::string sql = "UPDATE " + QuoteIdent(t.database) + "." +
                        QuoteIdent(t.name) + " SET ";
      for (size_t k = 0; k < ins.on_duplicate.size(); ++k)
        sql += (k ? "," : "") + QuoteIdent(ins.on_duplicate[k].first) + "=" +
               sql::ToSql(*ins.on_duplicate[k].second);
      sql += found[0].where;
      Result<sql::StmtPtr> u = sql::Parse(sql);
      if (!u.ok()) {
        st = u.status();
        break;
      }
      bool handled = false;
      uint64_t n = 0;
      st = PushUpdateDelete(**u, t.database, row.values, &handled, &n);
      total += n * 2;  // MySQL: 2 for a row updated, 0 if unchanged
      continue;
    }
    // REPLACE: the rows in the way go, entries first.
    for (const Collision& c : found) {
      std::vector<std::pair<size_t, std::string>> del;
      entries(c.image, "INSERT", nullptr, &del);
      del.push_back({p.dn[c.part], "DELETE FROM " + db +
                                       QuoteIdent(p.name[c.part]) + c.where});
      st = run_all(del);
      if (!st.ok()) break;
      ++total;
    }
    if (!st.ok()) break;
    std::vector<std::pair<size_t, std::string>> adds;
    entries(image, "INSERT", &adds, nullptr);
    std::string text = physical(row);
    if (ins.replace) text.replace(0, 7, "INSERT");  // "REPLACE" -> "INSERT"
    adds.push_back({p.dn[row.part], text});
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
  const sql::Expr* where =
      remove ? static_cast<sql::DeleteStatement&>(stmt).where.get()
             : u->where.get();
  const size_t n = t.columns.size();
  // SELECT every column, then (UPDATE) every column's new value, locking
  // the rows read: the changes below are made from these images.
  std::string list, news;
  for (size_t c = 0; c < n; ++c) {
    const std::string col =
        QuoteIdent(alias) + "." + QuoteIdent(t.columns[c].name);
    list += (c ? "," : "") + col;
    if (remove) continue;
    std::string value = col;
    for (const auto& a : u->set)
      if (plan::NameEquals(a.column, t.columns[c].name))
        value = sql::ToSql(*a.value);
    news += "," + value;
  }
  const std::string where_sql = where ? " WHERE " + sql::ToSql(*where) : "";
  // The columns that identify a row: its primary key, or all of them.
  std::vector<size_t> ident;
  if (!t.hidden_primary_key && !t.indexes.empty() && t.indexes[0].primary) {
    for (int c : t.indexes[0].columns) ident.push_back(static_cast<size_t>(c));
  } else {
    for (size_t c = 0; c < n; ++c) ident.push_back(c);
  }
  auto value = [&](const exec::Batch& b, const std::vector<DataType>& types,
                   size_t col, size_t row) -> Result<Value> {
    const auto& schema = t.columns[col % n];
    return plan::ConvertValue(exec::ValueAt(b.column(col), types[col], row),
                              schema.type, schema.name);
  };
  auto partition = [&](const std::vector<int>& cols, size_t partitions,
                       const exec::Batch& b, const std::vector<DataType>& types,
                       size_t base, size_t row) -> Result<size_t> {
    std::vector<Value> key;
    std::vector<DataType> key_types;
    for (int c : cols) {
      XP_ASSIGN_OR_RETURN(Value v,
                          value(b, types, base + static_cast<size_t>(c), row));
      key.push_back(std::move(v));
      key_types.push_back(t.columns[static_cast<size_t>(c)].type);
    }
    return PartitionOf(key, key_types, partitions);
  };
  // One transaction over every DN: rows and entries may go anywhere.
  std::vector<size_t> all;
  for (size_t dn = 0; dn < branches_.size(); ++dn) all.push_back(dn);
  XP_RETURN_IF_ERROR(GuardStatement(all));
  // Per DN: first what goes away (entries, rows leaving), then what comes
  // (entries, rows arriving or changed), so a key that moves between rows
  // is free before it is taken.
  struct Step {
    std::string sql;
    bool counted = false;
    bool exactly_one = false;  // a row image: anything else is a conflict
  };
  std::map<size_t, std::vector<Step>> gone, come;
  Status st;
  for (size_t part : parts) {
    const size_t dn = p.dn[part];
    const std::string db = QuoteIdent(t.database) + ".";
    const std::string phys = db + QuoteIdent(p.name[part]);
    Rows rows;
    st = ReadRows(dn,
                  "SELECT " + list + news + " FROM " + phys + " AS " +
                      QuoteIdent(alias) + where_sql + " FOR UPDATE",
                  &rows);
    if (!st.ok()) break;
    const std::vector<DataType>& types = rows.types;
    for (size_t bi = 0; st.ok() && bi < rows.batches.size(); ++bi) {
      const exec::Batch& b = rows.batches[bi];
      for (size_t row = 0; st.ok() && row < b.num_rows(); ++row) {
        auto lit = [&](size_t col) {
          return LiteralAt(b.column(col), types[col], row);
        };
        std::string match;
        for (size_t c : ident)
          match += (match.empty() ? " WHERE " : " AND ") +
                   QuoteIdent(t.columns[c].name) + " <=> " + lit(c);
        std::vector<bool> changed(n, false);
        bool any = false;
        for (size_t c = 0; !remove && c < n; ++c) {
          changed[c] = lit(c) != lit(n + c);
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
              new_null =
                  new_null || b.column(n + static_cast<size_t>(c)).IsNull(row);
          }
          if (!moved) continue;
          const std::string gdb = db;
          if (!old_null) {
            Result<size_t> at =
                partition(g.columns, g.partitions(), b, types, 0, row);
            if (!at.ok()) {
              st = at.status();
              break;
            }
            // The entry by its key and the row it names (a GLOBAL key that
            // is not unique has one entry per row).
            std::string del = "DELETE FROM " + gdb + QuoteIdent(g.name[*at]);
            bool first = true;
            for (const std::vector<int>* l : {&g.columns, &g.rest})
              for (int c : *l) {
                del += (first ? " WHERE " : " AND ") +
                       QuoteIdent(t.columns[static_cast<size_t>(c)].name) +
                       " = " + lit(static_cast<size_t>(c));
                first = false;
              }
            gone[g.dn[*at]].push_back({del, false, true});
          }
          if (!new_null) {
            Result<size_t> at =
                partition(g.columns, g.partitions(), b, types, n, row);
            if (!at.ok()) {
              st = at.status();
              break;
            }
            std::string ins =
                "INSERT INTO " + gdb + QuoteIdent(g.name[*at]) + " VALUES (";
            bool first = true;
            for (const std::vector<int>* l : {&g.columns, &g.rest})
              for (int c : *l) {
                ins += (first ? "" : ",") + lit(n + static_cast<size_t>(c));
                first = false;
              }
            come[g.dn[*at]].push_back({ins + ")", false, false});
          }
        }
        if (!st.ok()) break;
        if (remove) {
          gone[dn].push_back({"DELETE FROM " + phys + match, true, true});
          continue;
        }
        if (!any) continue;
        size_t to = part;
        if (p.kind == Placement::Kind::kHash && !p.columns.empty()) {
          Result<size_t> at =
              partition(p.columns, p.partitions(), b, types, n, row);
          if (!at.ok()) {
            st = at.status();
            break;
          }
          to = *at;
        }
        if (to == part) {
          std::string upd = "UPDATE " + phys + " SET ";
          bool first = true;
          for (size_t c = 0; c < n; ++c) {
            if (!changed[c]) continue;
            upd += (first ? "" : ",") + QuoteIdent(t.columns[c].name) + "=" +
                   lit(n + c);
            first = false;
          }
          come[dn].push_back({upd + match, true, false});
          continue;
        }
        // Deleted only as it was read; inserted into its new partition.
        gone[dn].push_back({"DELETE FROM " + phys + match, false, true});
        std::string ins =
            "INSERT INTO " + db + QuoteIdent(p.name[to]) + " VALUES (";
        for (size_t c = 0; c < n; ++c) ins += (c ? "," : "") + lit(n + c);
        come[p.dn[to]].push_back({ins + ")", true, false});
      }
    }
    if (!st.ok()) break;
  }
  uint64_t total = 0;
  if (st.ok()) {
    std::vector<std::pair<size_t, std::vector<std::string>>> work;
    std::vector<std::vector<const Step*>> steps;
    for (size_t dn : all) {
      std::vector<const Step*> mine;
      for (auto* m : {&gone, &come}) {
        auto it = m->find(dn);
        if (it == m->end()) continue;
        for (const Step& s : it->second) mine.push_back(&s);
      }
      if (mine.empty()) continue;
      work.push_back({dn, {}});
      for (const Step* s : mine) work.back().second.push_back(s->sql);
      steps.push_back(std::move(mine));
    }
    std::vector<std::vector<StmtResult>> results;
    st = Pipeline(work, &results);
    for (size_t i = 0; st.ok() && i < results.size(); ++i) {
      for (size_t k = 0; k < results[i].size(); ++k) {
        const uint64_t rows = results[i][k].rows_affected.value_or(0);
        if (steps[i][k]->exactly_one && rows != 1) {
          st = SqlError(ER_LOCK_DEADLOCK,
                        "Deadlock found when trying to get lock; try "
                        "restarting transaction (a row or index entry "
                        "changed while the statement rewrote it)");
          break;
        }
        if (steps[i][k]->counted) total += rows;
      }
    }
  }
  if (!st.ok()) return FailStatement(all, st);
  *affected = total;
  return Status::OK();
}

}  // namespace xp::cn
