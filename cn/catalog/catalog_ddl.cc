// The cluster store's DDL: tables and their placement, global index
// tables and their backfill, AUTO_INCREMENT (cluster_session.h).

#include "cn/catalog/physical_ddl.h"
#include "cn/cluster_session.h"
#include "codec/sql_errors.h"
#include "plan/exec/operator.h"

namespace xp::cn {

Status ClusterStore::ApplyCreateTable(TableSchema schema, uint64_t id) {
  using Kind = sql::PartitionSpec::Kind;
  Placement p;
  const std::string name = schema.name;
  auto& spec = schema.partition;
  p.id = id;
  if (spec.kind == Kind::kBroadcast) {
    p.kind = Placement::Kind::kBroadcast;
    for (size_t dn = 0; dn < dn_count(); ++dn) {
      p.name.push_back(id != 0 ? PhysicalName(id, -1) : name);
      p.dn.push_back(dn);
    }
  } else if (spec.kind == Kind::kSingle) {
    p.kind = Placement::Kind::kSingle;
    p.name.push_back(id != 0 ? PhysicalName(id, -1) : name);
    p.dn.push_back(0);
  } else {
    p.kind = Placement::Kind::kHash;
    if (spec.columns.empty()) {
      if (!schema.indexes.empty() && schema.indexes[0].primary &&
          !schema.hidden_primary_key) {
        for (int c : schema.indexes[0].columns)
          spec.columns.push_back(schema.columns[static_cast<size_t>(c)].name);
      }
      // No primary key: rows are spread round-robin (no key to prune on,
      // and no UPDATE ever moves a row).
    }
    for (const std::string& c : spec.columns) {
      const int at = schema.FindColumn(c);
      if (at < 0)
        return SqlError(ER_BAD_FIELD_ERROR,
                        "Unknown column '" + c + "' in 'partition function'");
      p.columns.push_back(at);
    }
    p.implicit = spec.kind == Kind::kNone;
    if (spec.kind == Kind::kNone) spec.kind = Kind::kHash;
    if (spec.partitions <= 0)
      spec.partitions = static_cast<int64_t>(dn_count());
    if (spec.partitions > 1024)
      return SqlError(ER_TOO_MANY_PARTITIONS_ERROR,
                      "Too many partitions (including subpartitions) "
                      "were defined");
    for (int64_t i = 0; i < spec.partitions; ++i) {
      p.name.push_back(id != 0 ? PhysicalName(id, static_cast<int>(i))
                               : name + "_p" + std::to_string(i));
      p.dn.push_back(static_cast<size_t>(i) % dn_count());
    }
  }
  const std::string key = plan::QualifiedKey(schema.database, schema.name);
  XP_RETURN_IF_ERROR(catalog_.CreateTable(std::move(schema), false));
  placements_[key] = std::move(p);
  if (id != 0) {
    MutexLock lock(&names_mu_);
    logical_names_[id] = name;
  }
  return Status::OK();
}

const Placement* ClusterStore::PlacementOf(const TableSchema& t) const {
  auto it = placements_.find(plan::QualifiedKey(t.database, t.name));
  return it == placements_.end() ? nullptr : &it->second;
}

Status ClusterStore::CreateDatabase(std::string_view name, bool if_not_exists) {
  if (catalog_.HasDatabase(name)) {
    if (if_not_exists) return Status::OK();
    return SqlError(
        ER_DB_CREATE_EXISTS,
        "Can't create database '" + std::string(name) + "'; database exists");
  }
  if (name == kSystemDb)
    return SqlError(ER_DBACCESS_DENIED_ERROR,
                    "Access denied to database 'xp_system'");
  for (size_t dn = 0; dn < dn_count(); ++dn)
    XP_RETURN_IF_ERROR(Admin(dn, CreateDatabaseSql(name)).status());
  XP_RETURN_IF_ERROR(AppendLog("db", std::string(name), ""));
  return catalog_.CreateDatabase(name, false);
}

Status ClusterStore::DropDatabase(std::string_view name, bool if_exists) {
  if (!catalog_.HasDatabase(name)) {
    if (if_exists) return Status::OK();
    return SqlError(ER_DB_DROP_EXISTS, "Can't drop database '" +
                                           std::string(name) +
                                           "'; database doesn't exist");
  }
  // Logged first: a failure below leaves physical tables the catalog no
  // longer names (garbage), never catalog tables without their data.
  XP_RETURN_IF_ERROR(AppendLog("dropdb", std::string(name), ""));
  for (const std::string& t : catalog_.Tables(name)) {
    placements_.erase(plan::QualifiedKey(name, t));
    MutexLock lock(&auto_mu_);
    auto_next_.erase(plan::QualifiedKey(name, t));
  }
  XP_RETURN_IF_ERROR(catalog_.DropDatabase(name, false));
  Status first;
  for (size_t dn = 0; dn < dn_count(); ++dn) {
    Status st = Admin(dn, DropDatabaseSql(name)).status();
    if (first.ok() && !st.ok()) first = st;
  }
  return first;
}

namespace {

// A unique key (the primary key too) holds over the whole table only if
// each partition's DN can check it alone: its columns include every
// partition column. With no partition columns (rows spread round-robin) no
// key is covered.
bool CoversPartitionKey(const IndexSchema& idx, const std::vector<int>& cols) {
  if (cols.empty()) return false;
  for (int c : cols)
    if (std::find(idx.columns.begin(), idx.columns.end(), c) ==
        idx.columns.end())
      return false;
  return true;
}

Status UniqueNotCovered(const TableSchema& t, const IndexSchema& idx) {
  return SqlError(
      ER_UNIQUE_KEY_NEED_ALL_FIELDS_IN_PF,
      std::string("A ") + (idx.primary ? "PRIMARY KEY" : "UNIQUE INDEX") +
          " must include all columns in the table's partitioning function "
          "(prefixed columns are not considered): `" +
          t.name + "`.`" + idx.name +
          "` could only be checked within each partition. Give the table a "
          "PARTITION BY over the key's columns, or create it with the key "
          "and no PARTITION clause (it is then placed SINGLE)");
}

}  // namespace

// Which unique keys can hold over the whole table decides the placement of
// a table without a PARTITION clause: hash-partitioned by its primary key
// unless another unique key does not include the primary key's columns —
// then SINGLE (one DN checks every key). An explicit hash / key
// partitioning that some unique key does not cover is refused (1503), as
// MySQL refuses it. (Global index tables, which would keep such tables
// partitioned, are not built yet.)
Status ClusterStore::PlaceForUniqueKeys(TableSchema* schema) const {
  using Kind = sql::PartitionSpec::Kind;
  auto& spec = schema->partition;
  if (spec.kind != Kind::kNone && spec.kind != Kind::kHash &&
      spec.kind != Kind::kKey)
    return Status::OK();
  const int64_t parts =
      spec.partitions > 0 ? spec.partitions : static_cast<int64_t>(dn_count());
  if (parts <= 1) return Status::OK();
  std::vector<int> cols;
  if (spec.columns.empty()) {
    if (!schema->indexes.empty() && schema->indexes[0].primary &&
        !schema->hidden_primary_key)
      cols = schema->indexes[0].columns;
  } else {
    for (const std::string& c : spec.columns) {
      const int at = schema->FindColumn(c);
      if (at >= 0) cols.push_back(at);  // else 1054 from ApplyCreateTable
    }
  }
  // With a primary key that covers the partitioning, every other unique
  // key gets a global index (NeededGlobal).
  const bool global = !schema->hidden_primary_key && !schema->indexes.empty() &&
                      schema->indexes[0].primary &&
                      CoversPartitionKey(schema->indexes[0], cols);
  for (const IndexSchema& idx : schema->indexes) {
    if (!idx.unique && !idx.primary) continue;
    if (idx.primary && schema->hidden_primary_key) continue;  // row ids
    if (CoversPartitionKey(idx, cols) || global) continue;
    if (spec.kind != Kind::kNone) return UniqueNotCovered(*schema, idx);
    spec.kind = Kind::kSingle;
    spec.columns.clear();
    spec.partitions = 0;
    return Status::OK();
  }
  return Status::OK();
}

std::vector<GlobalIndex> ClusterStore::NeededGlobal(const TableSchema& t,
                                                    const Placement& p) const {
  std::vector<GlobalIndex> out;
  if (p.kind != Placement::Kind::kHash || p.partitions() <= 1 ||
      p.columns.empty() || t.hidden_primary_key || p.id == 0)
    return out;
  uint32_t number = 0;
  for (const GlobalIndex& g : p.global) number = std::max(number, g.number);
  for (const IndexSchema& idx : t.indexes) {
    if (idx.primary || p.Global(idx.name) != nullptr) continue;
    if (!idx.global && (!idx.unique || CoversPartitionKey(idx, p.columns)))
      continue;
    GlobalIndex g;
    g.number = ++number;
    g.index = idx.name;
    if (ResolveGlobal(t, p, &g).ok()) out.push_back(std::move(g));
  }
  return out;
}

Status ClusterStore::ResolveGlobal(const TableSchema& t, const Placement& p,
                                   GlobalIndex* g) const {
  const IndexSchema* idx = nullptr;
  for (const IndexSchema& i : t.indexes)
    if (plan::NameEquals(i.name, g->index)) idx = &i;
  if (idx == nullptr || t.indexes.empty() || !t.indexes[0].primary)
    return Status::Corruption("global index " + g->index + " of " + t.name +
                              " has no unique key or primary key");
  g->columns = idx->columns;
  g->unique = idx->unique;
  g->rest.clear();
  for (int c : t.indexes[0].columns)
    if (std::find(g->columns.begin(), g->columns.end(), c) == g->columns.end())
      g->rest.push_back(c);
  g->name.clear();
  g->dn.clear();
  for (size_t i = 0; i < p.partitions(); ++i) {
    g->name.push_back(GlobalIndexName(p.id, g->number, static_cast<int>(i)));
    g->dn.push_back(i % dn_count());
  }
  return Status::OK();
}

void ClusterStore::NameGlobal(const TableSchema& t, const Placement& p) {
  MutexLock lock(&names_mu_);
  for (const GlobalIndex& g : p.global)
    global_names_[{p.id, g.number}] = t.name + "." + g.index;
}

Status ClusterStore::CreateGlobal(const TableSchema& t, const GlobalIndex& g) {
  // The entry table: the key's and the rest of the primary key's columns
  // (NOT NULL, no defaults), keyed by the index key.
  TableSchema e;
  e.database = t.database;
  for (const std::vector<int>* cols : {&g.columns, &g.rest}) {
    for (int c : *cols) {
      plan::ColumnSchema col = t.columns[static_cast<size_t>(c)];
      col.nullable = false;
      col.auto_increment = false;
      col.default_value.reset();
      col.default_now = false;
      e.columns.push_back(std::move(col));
    }
  }
  IndexSchema key;
  key.name = "PRIMARY";
  key.primary = key.unique = true;
  const size_t keyed = g.unique ? g.columns.size() : e.columns.size();
  for (size_t i = 0; i < keyed; ++i) key.columns.push_back(static_cast<int>(i));
  e.indexes.push_back(std::move(key));
  Status st;
  size_t made = 0;
  for (; made < g.partitions() && st.ok(); ++made) {
    st = Admin(g.dn[made], DropTableSql(t.database, g.name[made])).status();
    Result<std::string> create = CreateTableSql(e, g.name[made]);
    if (st.ok()) st = create.status();
    if (st.ok()) st = Admin(g.dn[made], *create).status();
  }
  if (!st.ok()) DropGlobal(t.database, g);
  return st;
}

void ClusterStore::DropGlobal(const std::string& database,
                              const GlobalIndex& g) {
  for (size_t i = 0; i < g.partitions(); ++i)
    (void)Admin(g.dn[i], DropTableSql(database, g.name[i]));
}

Status ClusterStore::Backfill(const TableSchema& t, const Placement& p,
                              const GlobalIndex& g) {
  // Every partition's entries (rows whose key has no NULL), sent to the
  // index's partitions in batches; a key twice is the DN's 1062.
  std::vector<std::string> list, not_null;
  for (const std::vector<int>* cols : {&g.columns, &g.rest})
    for (int c : *cols) list.push_back(t.columns[static_cast<size_t>(c)].name);
  for (int c : g.columns)
    not_null.push_back(t.columns[static_cast<size_t>(c)].name);
  // Per index partition: the entries not sent yet, and their bytes.
  std::vector<sql::InsertStatement> inserts;
  std::vector<size_t> bytes(g.partitions(), 0);
  for (size_t part = 0; part < g.partitions(); ++part)
    inserts.push_back(InsertInto(t.database, g.name[part], {}));
  auto flush = [&](size_t part) -> Status {
    if (inserts[part].rows.empty()) return Status::OK();
    Status st = Admin(g.dn[part], sql::ToSql(inserts[part])).status();
    inserts[part].rows.clear();
    bytes[part] = 0;
    return st;
  };
  for (size_t i = 0; i < p.partitions(); ++i) {
    XP_ASSIGN_OR_RETURN(
        StmtResult r, AdminChunks(p.dn[i], RowsWithKeySql(t.database, p.name[i],
                                                          list, not_null)));
    if (r.sets.empty()) continue;
    const ResultSet& set = r.sets[0];
    std::vector<DataType> types;
    for (const auto& m : set.columns) types.push_back(exec::ColumnType(m));
    std::vector<exec::Batch> batches;
    XP_RETURN_IF_ERROR(exec::DecodeChunks(set.chunks, types.size(), &batches));
    for (const exec::Batch& b : batches) {
      for (size_t row = 0; row < b.num_rows(); ++row) {
        // The entry's first columns are the key, in key order.
        XP_ASSIGN_OR_RETURN(
            size_t to,
            PartitionOfReadKey(t, g.columns, g.partitions(), [&](size_t at) {
              return exec::ValueAt(b.column(at), types[at], row);
            }));
        std::vector<sql::ExprPtr> entry;
        for (size_t col = 0; col < types.size(); ++col) {
          entry.push_back(CellExpr(b.column(col), types[col], row));
          bytes[to] += exec::CellText(b.column(col), types[col], row).size();
        }
        inserts[to].rows.push_back(std::move(entry));
        if (bytes[to] > (1u << 20)) XP_RETURN_IF_ERROR(flush(to));
      }
    }
  }
  for (size_t part = 0; part < g.partitions(); ++part)
    XP_RETURN_IF_ERROR(flush(part));
  return Status::OK();
}

Status ClusterStore::CreateTable(TableSchema schema, bool if_not_exists) {
  if (!catalog_.HasDatabase(schema.database))
    return SqlError(ER_BAD_DB_ERROR,
                    "Unknown database '" + schema.database + "'");
  if (catalog_.FindTable(schema.database, schema.name).ok()) {
    if (if_not_exists) return Status::OK();
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + schema.name + "' already exists");
  }
  if (IsReservedName(schema.name))
    return SqlError(ER_WRONG_TABLE_NAME,
                    "Incorrect table name '" + schema.name + "'");
  XP_RETURN_IF_ERROR(PlaceForUniqueKeys(&schema));
  // The id is the sequence number its catalog entry is about to get.
  XP_RETURN_IF_ERROR(
      ApplyCreateTable(schema, static_cast<uint64_t>(log_seq_ + 1)));
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(schema.database, schema.name));
  Placement& placed =
      placements_[plan::QualifiedKey(schema.database, schema.name)];
  placed.global = NeededGlobal(*t, placed);
  const Placement p = placed;
  // Physical tables, undone on failure.
  Status st;
  size_t globals = 0;
  for (; globals < p.global.size() && st.ok(); ++globals)
    st = CreateGlobal(*t, p.global[globals]);
  size_t made = 0;
  for (; made < p.partitions() && st.ok(); ++made) {
    // A physical table of that name is garbage the catalog does not know
    // (a DDL that timed out on its DN, a DROP that did not reach it): it
    // goes first, so no old rows come back.
    st = Admin(p.dn[made], DropTableSql(t->database, p.name[made])).status();
    Result<std::string> create = CreateTableSql(*t, p.name[made]);
    if (st.ok()) st = create.status();
    if (st.ok()) st = Admin(p.dn[made], *create).status();
    if (!st.ok()) break;
  }
  if (st.ok())
    st = AppendLog("table", plan::QualifiedKey(t->database, t->name),
                   TableEntry(*t, p));
  if (!st.ok()) {
    for (size_t i = 0; i < made; ++i)
      (void)Admin(p.dn[i], DropTableSql(t->database, p.name[i]));
    for (size_t i = 0; i < globals; ++i) DropGlobal(t->database, p.global[i]);
    placements_.erase(plan::QualifiedKey(schema.database, schema.name));
    (void)catalog_.DropTable(schema.database, schema.name, true);
    return st;
  }
  NameGlobal(*t, p);
  return Status::OK();
}

Status ClusterStore::DropTable(std::string_view database,
                               std::string_view table) {
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(database, table));
  const std::string key = plan::QualifiedKey(t->database, t->name);
  const Placement p = placements_[key];
  XP_RETURN_IF_ERROR(AppendLog("droptable", key, ""));
  placements_.erase(key);
  {
    // A table created again under this name counts from 1.
    MutexLock lock(&auto_mu_);
    auto_next_.erase(key);
  }
  const std::string db(database);
  XP_RETURN_IF_ERROR(catalog_.DropTable(database, table, false));
  Status first;
  for (size_t i = 0; i < p.partitions(); ++i) {
    Status st = Admin(p.dn[i], DropTableSql(db, p.name[i])).status();
    if (first.ok() && !st.ok()) first = st;
  }
  for (const GlobalIndex& g : p.global) DropGlobal(db, g);
  return first;
}

Status ClusterStore::TruncateTable(std::string_view database,
                                   std::string_view table) {
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(database, table));
  const Placement* p = PlacementOf(*t);
  for (size_t i = 0; i < p->partitions(); ++i)
    XP_RETURN_IF_ERROR(
        Admin(p->dn[i], TruncateTableSql(t->database, p->name[i])).status());
  for (const GlobalIndex& g : p->global)
    for (size_t i = 0; i < g.partitions(); ++i)
      XP_RETURN_IF_ERROR(
          Admin(g.dn[i], TruncateTableSql(t->database, g.name[i])).status());
  MutexLock lock(&auto_mu_);
  auto_next_.erase(plan::QualifiedKey(t->database, t->name));
  return Status::OK();
}

Status ClusterStore::AlterTable(TableSchema schema,
                                std::vector<int> column_source) {
  XP_ASSIGN_OR_RETURN(TableSchema * old,
                      catalog_.MutableTable(schema.database, schema.name));
  // Columns added, dropped, moved, renamed or redefined (MODIFY / CHANGE):
  // the table is copied.
  bool same_columns = schema.columns.size() == old->columns.size();
  for (size_t i = 0; same_columns && i < column_source.size(); ++i) {
    const plan::ColumnSchema& a = schema.columns[i];
    const plan::ColumnSchema& b = old->columns[i];
    same_columns =
        column_source[i] == static_cast<int>(i) && a.name == b.name &&
        a.type == b.type && a.nullable == b.nullable &&
        a.auto_increment == b.auto_increment &&
        a.default_now == b.default_now && a.on_update_now == b.on_update_now &&
        a.enum_values == b.enum_values &&
        a.default_value.has_value() == b.default_value.has_value() &&
        (!a.default_value ||
         plan::SameValue(*a.default_value, *b.default_value));
  }
  if (!same_columns) return CopyAlter(std::move(schema), column_source, old);
  Placement p = *PlacementOf(*old);
  auto has = [](const TableSchema& t, uint32_t id) {
    for (const auto& i : t.indexes)
      if (i.id == id) return true;
    return false;
  };
  // Unique keys added that need a global index: made and filled first, so
  // a duplicate key (1062) changes nothing.
  std::vector<GlobalIndex> added = NeededGlobal(schema, p);
  for (size_t i = 0; i < added.size(); ++i) {
    {
      // A duplicate's 1062 names the index ('t.key').
      MutexLock lock(&names_mu_);
      global_names_[{p.id, added[i].number}] =
          schema.name + "." + added[i].index;
    }
    Status st = CreateGlobal(schema, added[i]);
    if (st.ok()) st = Backfill(schema, p, added[i]);
    if (!st.ok()) {
      for (size_t k = 0; k <= i; ++k) DropGlobal(schema.database, added[k]);
      return st;
    }
  }
  std::vector<GlobalIndex> dropped;
  for (auto it = p.global.begin(); it != p.global.end();) {
    bool kept = false;
    for (const auto& idx : schema.indexes)
      kept = kept || (plan::NameEquals(idx.name, it->index) &&
                      (idx.unique || idx.global));
    if (kept) {
      XP_RETURN_IF_ERROR(ResolveGlobal(schema, p, &*it));
      ++it;
    } else {
      dropped.push_back(std::move(*it));
      it = p.global.erase(it);
    }
  }
  for (GlobalIndex& g : added) p.global.push_back(std::move(g));
  // Per partition: the statement for its physical table.
  std::vector<std::function<std::string(const std::string& phys)>> steps;
  for (const auto& idx : schema.indexes) {
    if (has(*old, idx.id)) continue;
    if ((idx.unique || idx.primary) && p.kind == Placement::Kind::kHash &&
        p.partitions() > 1 && !CoversPartitionKey(idx, p.columns) &&
        p.Global(idx.name) == nullptr) {
      XP_ASSIGN_OR_RETURN(bool empty, Empty(schema, p));
      if (!p.implicit || p.id == 0 || !empty)
        return UniqueNotCovered(schema, idx);
      return PlaceSingle(std::move(schema), p, old);
    }
    steps.push_back([&schema, &idx](const std::string& phys) {
      return CreateIndexSql(schema, idx, phys);
    });
  }
  for (const auto& idx : old->indexes)
    if (!has(schema, idx.id))
      steps.push_back([&schema, &idx](const std::string& phys) {
        return DropIndexSql(schema.database, idx.name, phys);
      });
  auto undo_added = [&] {
    for (const GlobalIndex& g : p.global)
      if (PlacementOf(*old)->Global(g.index) == nullptr)
        DropGlobal(schema.database, g);
  };
  for (const auto& step : steps) {
    for (size_t i = 0; i < p.partitions(); ++i) {
      Status st = Admin(p.dn[i], step(p.name[i])).status();
      if (!st.ok()) {
        undo_added();
        return st;
      }
    }
  }
  Status st =
      AppendLog("table", plan::QualifiedKey(schema.database, schema.name),
                TableEntry(schema, p));
  if (!st.ok()) {
    undo_added();
    return st;
  }
  // Logged: the dropped indexes' tables are garbage now.
  for (const GlobalIndex& g : dropped) DropGlobal(schema.database, g);
  *old = std::move(schema);
  placements_[plan::QualifiedKey(old->database, old->name)] = p;
  NameGlobal(*old, p);
  return Status::OK();
}

Status ClusterStore::RenameTable(std::string_view database,
                                 std::string_view table,
                                 std::string_view to_database,
                                 std::string_view to_table) {
  XP_ASSIGN_OR_RETURN(const TableSchema* t,
                      catalog_.FindTable(database, table));
  const std::string key = plan::QualifiedKey(t->database, t->name);
  const std::string to_key = plan::QualifiedKey(to_database, to_table);
  const Placement& p = placements_[key];
  // Physical names come from the table's id (never from its name), so a
  // rename within a database is the catalog's alone.
  if (p.id == 0)
    return NotSupportedYet(
        "renaming a table created before physical names came from table "
        "ids");
  if (database != to_database) {
    // The physical tables (the global indexes' too) move database first;
    // on a failure those moved go back.
    std::vector<std::pair<size_t, std::string>> phys;
    for (size_t i = 0; i < p.partitions(); ++i)
      phys.emplace_back(p.dn[i], p.name[i]);
    for (const GlobalIndex& g : p.global)
      for (size_t i = 0; i < g.partitions(); ++i)
        phys.emplace_back(g.dn[i], g.name[i]);
    for (size_t i = 0; i < phys.size(); ++i) {
      Status st = Admin(phys[i].first,
                        MoveTableSql(database, phys[i].second, to_database))
                      .status();
      if (!st.ok()) {
        for (size_t k = 0; k < i; ++k)
          (void)Admin(phys[k].first,
                      MoveTableSql(to_database, phys[k].second, database));
        return st;
      }
    }
  }
  XP_RETURN_IF_ERROR(AppendLog("renametable", key, to_key));
  return ApplyRename(key, to_key);
}

Status ClusterStore::ApplyRename(const std::string& key,
                                 const std::string& to_key) {
  const size_t dot = key.find('.'), to_dot = to_key.find('.');
  XP_RETURN_IF_ERROR(catalog_.RenameTable(
      key.substr(0, dot), key.substr(dot + 1), to_key.substr(0, to_dot),
      to_key.substr(to_dot + 1)));
  auto node = placements_.extract(key);
  if (node.empty()) return Status::Corruption("no placement for " + key);
  node.key() = to_key;
  Placement& p = placements_.insert(std::move(node)).position->second;
  XP_ASSIGN_OR_RETURN(
      const TableSchema* t,
      catalog_.FindTable(to_key.substr(0, to_dot), to_key.substr(to_dot + 1)));
  {
    MutexLock lock(&names_mu_);
    if (p.id != 0) logical_names_[p.id] = t->name;
  }
  NameGlobal(*t, p);
  MutexLock lock(&auto_mu_);
  auto next = auto_next_.extract(key);
  if (!next.empty()) {
    next.key() = to_key;
    auto_next_.insert(std::move(next));
  }
  return Status::OK();
}

Status ClusterStore::CopyAlter(TableSchema schema,
                               const std::vector<int>& column_source,
                               TableSchema* old) {
  const Placement& from = *PlacementOf(*old);
  // Where each old column went (-1: dropped).
  std::vector<int> moved(old->columns.size(), -1);
  for (size_t c = 0; c < column_source.size(); ++c)
    if (column_source[c] >= 0)
      moved[static_cast<size_t>(column_source[c])] = static_cast<int>(c);
  Placement p = from;
  for (int& c : p.columns) {
    const int was = c;
    c = moved[static_cast<size_t>(c)];
    if (c < 0) return NotSupportedYet("dropping a partition key column");
    // Rows stay in their partitions: a key's value must hash the same.
    if (!(schema.columns[static_cast<size_t>(c)].type ==
          old->columns[static_cast<size_t>(was)].type))
      return NotSupportedYet("changing the type of a partition key column");
  }
  // New physical names (the global indexes' too): the id the catalog entry
  // is about to get. The global indexes are rebuilt from the new schema:
  // those whose key went are gone, a new unique key may need one.
  p.id = static_cast<uint64_t>(log_seq_ + 1);
  for (size_t i = 0; i < p.partitions(); ++i)
    p.name[i] = PhysicalName(
        p.id, p.kind == Placement::Kind::kHash ? static_cast<int>(i) : -1);
  std::erase_if(p.global, [&](const GlobalIndex& g) {
    for (const plan::IndexSchema& idx : schema.indexes)
      if (plan::NameEquals(idx.name, g.index) && (idx.unique || idx.global))
        return false;
    return true;
  });
  for (GlobalIndex& g : p.global)
    XP_RETURN_IF_ERROR(ResolveGlobal(schema, p, &g));
  for (GlobalIndex& g : NeededGlobal(schema, p))
    p.global.push_back(std::move(g));
  // Each column from where it was; a new one as existing rows hold it
  // (ColumnSchema::added_value, the same on every partition).
  std::vector<std::string> targets;
  auto sources = [&] {
    std::vector<sql::ExprPtr> items;
    for (size_t c = 0; c < column_source.size(); ++c) {
      const plan::ColumnSchema& col = schema.columns[c];
      items.push_back(
          column_source[c] < 0
              ? ValueExpr(exec::InputValue(col.AddedValue(), col.type))
              : ColumnExpr(
                    old->columns[static_cast<size_t>(column_source[c])].name));
    }
    return items;
  };
  for (const plan::ColumnSchema& col : schema.columns)
    targets.push_back(col.name);
  Status st;
  size_t made = 0;
  for (; made < p.partitions() && st.ok(); ++made) {
    // A table of that name is garbage (as in CreateTable): it goes first.
    st =
        Admin(p.dn[made], DropTableSql(schema.database, p.name[made])).status();
    Result<std::string> create = CreateTableSql(schema, p.name[made]);
    if (st.ok()) st = create.status();
    if (st.ok()) st = Admin(p.dn[made], *create).status();
    if (!st.ok()) break;
    sql::InsertStatement copy =
        InsertInto(schema.database, p.name[made], targets);
    copy.select = std::make_unique<sql::SelectStmt>(
        SelectFrom(old->database, from.name[made], sources()));
    st = Admin(p.dn[made], sql::ToSql(copy)).status();
  }
  // The global indexes' tables, filled from the new partitions.
  size_t globals = 0;
  for (; st.ok() && globals < p.global.size(); ++globals) {
    st = CreateGlobal(schema, p.global[globals]);
    if (st.ok()) st = Backfill(schema, p, p.global[globals]);
  }
  if (st.ok())
    st = AppendLog("table", plan::QualifiedKey(schema.database, schema.name),
                   TableEntry(schema, p));
  if (!st.ok()) {
    // Those made, and the one that failed half-way.
    for (size_t i = 0; i <= made && i < p.partitions(); ++i)
      (void)Admin(p.dn[i], DropTableSql(schema.database, p.name[i]));
    for (size_t i = 0; i < globals && i < p.global.size(); ++i)
      DropGlobal(schema.database, p.global[i]);
    return st;
  }
  // Logged: the old physical tables are garbage now.
  for (size_t i = 0; i < from.partitions(); ++i)
    (void)Admin(from.dn[i], DropTableSql(old->database, from.name[i]));
  for (const GlobalIndex& g : from.global) DropGlobal(old->database, g);
  {
    MutexLock lock(&names_mu_);
    logical_names_[p.id] = schema.name;
  }
  const std::string key = plan::QualifiedKey(schema.database, schema.name);
  *old = std::move(schema);
  placements_[key] = std::move(p);
  NameGlobal(*old, placements_[key]);
  return Status::OK();
}

Result<bool> ClusterStore::Empty(const TableSchema& t, const Placement& p) {
  for (size_t i = 0; i < p.partitions(); ++i) {
    XP_ASSIGN_OR_RETURN(StmtResult r,
                        Admin(p.dn[i], AnyRowSql(t.database, p.name[i])));
    if (!r.sets.empty() && !r.sets[0].rows.empty()) return false;
  }
  return true;
}

Status ClusterStore::PlaceSingle(TableSchema schema, const Placement& from,
                                 TableSchema* old) {
  using Kind = sql::PartitionSpec::Kind;
  schema.partition.kind = Kind::kSingle;
  schema.partition.columns.clear();
  schema.partition.partitions = 0;
  Placement p;
  p.kind = Placement::Kind::kSingle;
  p.id = from.id;
  p.name.push_back(PhysicalName(from.id, -1));
  p.dn.push_back(0);
  XP_RETURN_IF_ERROR(
      Admin(0, DropTableSql(schema.database, p.name[0])).status());
  XP_ASSIGN_OR_RETURN(std::string create, CreateTableSql(schema, p.name[0]));
  XP_RETURN_IF_ERROR(Admin(0, create).status());
  // Logged before the partitions go: a failure after leaves garbage
  // partitions the catalog no longer names, never a table without data.
  Status st =
      AppendLog("table", plan::QualifiedKey(schema.database, schema.name),
                TableEntry(schema, p));
  if (!st.ok()) {
    (void)Admin(0, DropTableSql(schema.database, p.name[0]));
    return st;
  }
  for (size_t i = 0; i < from.partitions(); ++i)
    (void)Admin(from.dn[i], DropTableSql(schema.database, from.name[i]));
  LOG(INFO) << "table " << schema.database << "." << schema.name
            << " placed SINGLE: a unique key it gained does not include its "
               "partition key";
  placements_[plan::QualifiedKey(schema.database, schema.name)] = std::move(p);
  *old = std::move(schema);
  return Status::OK();
}

Result<int64_t> ClusterStore::NextAutoIncrement(const TableSchema& t,
                                                size_t count) {
  const std::string key = plan::QualifiedKey(t.database, t.name);
  MutexLock lock(&auto_mu_);
  auto it = auto_next_.find(key);
  if (it == auto_next_.end()) {
    // First use since start: continue after the largest stored value.
    int col = -1;
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].auto_increment) col = static_cast<int>(i);
    int64_t max = 0;
    const Placement* p = PlacementOf(t);
    for (size_t i = 0; p != nullptr && i < p->partitions(); ++i) {
      XP_ASSIGN_OR_RETURN(
          StmtResult r,
          Admin(p->dn[i], MaxSql(t.database, p->name[i],
                                 t.columns[static_cast<size_t>(col)].name)));
      if (!r.sets.empty() && !r.sets[0].rows.empty() &&
          !r.sets[0].rows[0][0].empty()) {
        const std::string v = Text(r.sets[0], r.sets[0].rows[0], 0);
        max = std::max<int64_t>(max, std::stoll(v));
      }
    }
    it = auto_next_.emplace(key, max + 1).first;
  }
  const int64_t first = it->second;
  it->second += static_cast<int64_t>(count);
  return first;
}

void ClusterStore::ObserveAutoIncrement(const TableSchema& t, int64_t value) {
  MutexLock lock(&auto_mu_);
  auto it = auto_next_.find(plan::QualifiedKey(t.database, t.name));
  if (it != auto_next_.end() && value >= it->second) it->second = value + 1;
}

Status ClusterStore::SaveAccount(const std::string& key,
                                 const exec::Account* account) {
  if (account == nullptr) return AppendLog("dropaccount", key, "");
  return AppendLog("account", key, exec::Accounts::Encode(*account));
}

Status ClusterStore::SaveView(const std::string& key,
                              const sql::CreateViewStatement* view) {
  if (view == nullptr) return AppendLog("dropview", key, "");
  return AppendLog("view", key, sql::ToSql(*view));
}

std::unique_ptr<exec::StoreSession> ClusterStore::NewSession() {
  return std::make_unique<ClusterSession>(this);
}

}  // namespace xp::cn
