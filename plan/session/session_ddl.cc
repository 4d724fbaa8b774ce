// SqlSession: CREATE / ALTER / DROP / TRUNCATE TABLE, indexes, views.

#include <algorithm>

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

Result<QueryResult> SqlSession::CreateTable(const sql::Statement& s) {
  const auto& c = static_cast<const sql::CreateTableStatement&>(s);
  if (c.as_select || !c.like.name.empty())
    return NotSupported("CREATE TABLE ... AS/LIKE");
  XP_ASSIGN_OR_RETURN(plan::TableSchema schema,
                      plan::BuildTableSchema(c, database_));
  if (store_->views().count(plan::QualifiedKey(schema.database, schema.name))) {
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + schema.name + "' already exists");
  }
  if (!(c.if_not_exists &&
        store_->catalog().FindTable(schema.database, schema.name).ok())) {
    for (const plan::ForeignKeySchema& fk : schema.foreign_keys)
      XP_RETURN_IF_ERROR(CheckForeignKeyTarget(schema, fk));
  }
  XP_RETURN_IF_ERROR(store_->CreateTable(std::move(schema), c.if_not_exists));
  return QueryResult();
}

namespace {

// The identity map of a table's columns (an ALTER that keeps them).
std::vector<int> SameColumns(const plan::TableSchema& t) {
  std::vector<int> m(t.columns.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<int>(i);
  return m;
}

Status CheckIndexColumns(const plan::TableSchema& schema,
                         const sql::IndexDef& def) {
  for (const auto& idx : schema.indexes) {
    if (!def.name.empty() && plan::NameEquals(idx.name, def.name)) {
      return SqlError(ER_DUP_KEYNAME, "Duplicate key name '" + def.name + "'");
    }
  }
  for (const auto& col : def.columns) {
    if (schema.FindColumn(col.expr->text) < 0) {
      return SqlError(
          ER_KEY_COLUMN_DOES_NOT_EXIST,
          "Key column '" + col.expr->text + "' doesn't exist in table");
    }
  }
  return Status::OK();
}

// Adds `def` to `schema` with a fresh storage id.
void AddIndex(const sql::IndexDef& def, plan::TableSchema* schema) {
  plan::IndexSchema idx;
  // Unnamed: after its first column, _2, _3 ... when taken (as MySQL).
  idx.name = def.name.empty() ? plan::UniqueIndexName(schema->indexes,
                                                      def.columns[0].expr->text)
                              : def.name;
  idx.unique = def.kind != sql::IndexDef::Kind::kIndex;
  idx.global = def.global;
  for (const auto& col : def.columns) {
    idx.columns.push_back(schema->FindColumn(col.expr->text));
    idx.desc.push_back(col.desc);
  }
  uint32_t id = 0;
  for (const auto& other : schema->indexes) id = std::max(id, other.id);
  idx.id = id + 1;
  schema->indexes.push_back(std::move(idx));
}

// FIRST / AFTER col of an ALTER TABLE column action: column `at` moves
// there, with its source and every index position following it.
Status PlaceColumn(const sql::AlterAction& a, size_t at,
                   plan::TableSchema* schema, std::vector<int>* source) {
  if (!a.first && a.after.empty()) return Status::OK();
  std::vector<size_t> order;  // new position -> old position
  for (size_t i = 0; i < schema->columns.size(); ++i)
    if (i != at) order.push_back(i);
  size_t to = 0;
  if (!a.first) {
    size_t k = 0;
    while (k < order.size() &&
           !plan::NameEquals(schema->columns[order[k]].name, a.after))
      ++k;
    if (k == order.size())
      return SqlError(ER_BAD_FIELD_ERROR, "Unknown column '" + a.after +
                                              "' in '" + schema->name + "'");
    to = k + 1;
  }
  order.insert(order.begin() + static_cast<std::ptrdiff_t>(to), at);
  std::vector<int> moved(order.size());
  std::vector<plan::ColumnSchema> columns;
  std::vector<int> sources;
  for (size_t n = 0; n < order.size(); ++n) {
    moved[order[n]] = static_cast<int>(n);
    columns.push_back(std::move(schema->columns[order[n]]));
    sources.push_back((*source)[order[n]]);
  }
  schema->columns = std::move(columns);
  *source = std::move(sources);
  for (plan::IndexSchema& idx : schema->indexes)
    for (int& c : idx.columns) c = moved[static_cast<size_t>(c)];
  return Status::OK();
}

// A column definition of ALTER TABLE through CREATE TABLE's rules; its
// inline UNIQUE (the only key it may bring) in *unique.
Result<plan::ColumnSchema> AlterColumn(const plan::TableSchema& schema,
                                       sql::ColumnDef def, bool* unique) {
  sql::CreateTableStatement one;
  one.table.name = schema.name;
  one.columns.push_back(std::move(def));
  XP_ASSIGN_OR_RETURN(plan::TableSchema t,
                      plan::BuildTableSchema(one, schema.database));
  if (!t.indexes.empty() && t.indexes[0].primary)
    return NotSupported("ALTER TABLE ... COLUMN ... PRIMARY KEY");
  *unique = !t.indexes.empty();
  return std::move(t.columns[0]);
}

// A UNIQUE key of its own on column `name` (an inline UNIQUE).
void AddUniqueOn(const std::string& name, plan::TableSchema* schema) {
  sql::IndexDef def;
  def.kind = sql::IndexDef::Kind::kUnique;
  auto e = std::make_unique<sql::Expr>();
  e->kind = sql::ExprKind::kColumn;
  e->text = name;
  def.columns.push_back(sql::OrderItem{std::move(e), false});
  AddIndex(def, schema);
}

// `from` renamed `to` where the partitioning names it.
void RenamePartitionColumn(const std::string& from, const std::string& to,
                           plan::TableSchema* schema) {
  for (std::string& c : schema->partition.columns)
    if (plan::NameEquals(c, from)) c = to;
}

// What rows that exist when `col` is added hold (ColumnSchema::added_value):
// as MySQL fills them — the default, the statement's time, the type's
// implicit default for NOT NULL (0, '', zero dates), or NULL. (MySQL gives
// an ENUM its first member there; ColumnSchema does not tell ENUM from
// SET, so both get ''.)
Result<plan::Value> AddedValue(const plan::ColumnSchema& col) {
  if (col.default_now) return plan::CurrentTimestamp();  // held as stored
  if (col.default_value) return *col.default_value;
  if (col.nullable) return plan::Value();
  return plan::ConvertValue(col.type.id == plan::TypeId::kString
                                ? plan::Value(std::string())
                                : plan::Value(int64_t{0}),
                            col.type, col.name);
}

Status DropIndexNamed(const std::string& name, plan::TableSchema* schema) {
  for (size_t i = 0; i < schema->indexes.size(); ++i) {
    if (!plan::NameEquals(schema->indexes[i].name, name)) continue;
    schema->indexes.erase(schema->indexes.begin() +
                          static_cast<std::ptrdiff_t>(i));
    return Status::OK();
  }
  return SqlError(ER_CANT_DROP_FIELD_OR_KEY,
                  "Can't DROP '" + name + "'; check that column/key exists");
}

}  // namespace

Result<QueryResult> SqlSession::CreateIndex(const sql::Statement& s) {
  const auto& c = static_cast<const sql::CreateIndexStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(c.table));
  plan::TableSchema schema = *current;
  XP_RETURN_IF_ERROR(CheckIndexColumns(schema, c.index));
  AddIndex(c.index, &schema);
  std::vector<int> same = SameColumns(schema);
  XP_RETURN_IF_ERROR(store_->AlterTable(std::move(schema), std::move(same)));
  return QueryResult();
}

Result<QueryResult> SqlSession::DropIndex(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropIndexStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(d.table));
  plan::TableSchema schema = *current;
  XP_RETURN_IF_ERROR(DropIndexNamed(d.name, &schema));
  XP_RETURN_IF_ERROR(CheckIndexesKept(schema, d.name));
  std::vector<int> same = SameColumns(schema);
  XP_RETURN_IF_ERROR(store_->AlterTable(std::move(schema), std::move(same)));
  return QueryResult();
}

Result<QueryResult> SqlSession::RenameTable(const sql::Statement& s) {
  XP_RETURN_IF_ERROR(
      RenameTables(static_cast<const sql::RenameTableStatement&>(s).renames));
  return QueryResult();
}

Status SqlSession::RenameTables(
    const std::vector<std::pair<sql::QualifiedName, sql::QualifiedName>>&
        renames,
    bool check_only) {
  using Name = std::pair<std::string, std::string>;
  std::vector<std::pair<Name, Name>> steps;
  // Names the earlier steps took away (true) or made (false).
  std::map<Name, bool> gone;
  auto exists = [&](const Name& n) {
    auto it = gone.find(n);
    if (it != gone.end()) return !it->second;
    return store_->catalog().FindTable(n.first, n.second).ok();
  };
  for (const auto& [from_ref, to_ref] : renames) {
    const Name from{from_ref.schema.empty() ? database_ : from_ref.schema,
                    from_ref.name};
    const Name to{to_ref.schema.empty() ? database_ : to_ref.schema,
                  to_ref.name};
    if (store_->views().count(plan::QualifiedKey(from.first, from.second)))
      return NotSupported("RENAME TABLE of a view");
    if (!exists(from))
      return SqlError(ER_NO_SUCH_TABLE,
                      "Table '" + plan::QualifiedKey(from.first, from.second) +
                          "' doesn't exist");
    if (!store_->catalog().HasDatabase(to.first))
      return SqlError(ER_BAD_DB_ERROR, "Unknown database '" + to.first + "'");
    if (exists(to) ||
        store_->views().count(plan::QualifiedKey(to.first, to.second)))
      return SqlError(ER_TABLE_EXISTS_ERROR,
                      "Table '" + to.second + "' already exists");
    gone[from] = true;
    gone[to] = false;
    steps.emplace_back(from, to);
  }
  if (check_only) return Status::OK();
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& [from, to] = steps[i];
    Status st =
        store_->RenameTable(from.first, from.second, to.first, to.second);
    if (st.ok()) st = ReferencesFollow(from, to);
    if (!st.ok()) {
      // All or nothing: the steps done are undone, newest first.
      while (i-- > 0) {
        (void)store_->RenameTable(steps[i].second.first, steps[i].second.second,
                                  steps[i].first.first, steps[i].first.second);
        (void)ReferencesFollow(steps[i].second, steps[i].first);
      }
      return st;
    }
    // Triggers stay with their table.
    const std::string key = plan::QualifiedKey(from.first, from.second);
    for (auto& [trigger, table] : store_->triggers())
      if (table == key) table = plan::QualifiedKey(to.first, to.second);
  }
  return Status::OK();
}

Status SqlSession::ReferencesFollow(
    const std::pair<std::string, std::string>& from,
    const std::pair<std::string, std::string>& to) {
  // Every foreign key that names the old name (the renamed table's own
  // included) names the new one, as in MySQL.
  const plan::Catalog& catalog = store_->catalog();
  std::vector<plan::TableSchema> changed;
  for (const std::string& db : catalog.Databases()) {
    for (const std::string& name : catalog.Tables(db)) {
      Result<const plan::TableSchema*> t = catalog.FindTable(db, name);
      if (!t.ok()) continue;
      std::optional<plan::TableSchema> copy;
      for (size_t k = 0; k < (*t)->foreign_keys.size(); ++k) {
        const plan::ForeignKeySchema& fk = (*t)->foreign_keys[k];
        if (fk.ref_database != from.first || fk.ref_table != from.second)
          continue;
        if (!copy) copy = **t;
        copy->foreign_keys[k].ref_database = to.first;
        copy->foreign_keys[k].ref_table = to.second;
      }
      if (copy) changed.push_back(std::move(*copy));
    }
  }
  for (plan::TableSchema& t : changed) {
    std::vector<int> same = SameColumns(t);
    XP_RETURN_IF_ERROR(store_->AlterTable(std::move(t), std::move(same)));
  }
  return Status::OK();
}

Result<QueryResult> SqlSession::AlterTable(sql::Statement& s) {
  auto& a = static_cast<sql::AlterTableStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current, Schema(a.table));
  plan::TableSchema schema = *current;
  std::vector<int> source = SameColumns(schema);
  // RENAME TO comes after the other changes (as in MySQL), and is checked
  // before them so that the statement fails whole; to the same name it is
  // nothing.
  std::optional<std::pair<sql::QualifiedName, sql::QualifiedName>> rename;
  for (const auto& action : a.actions) {
    if (action.kind != sql::AlterAction::Kind::kRenameTable) continue;
    sql::QualifiedName from = a.table, to = action.to;
    if (from.schema.empty()) from.schema = database_;
    if (to.schema.empty()) to.schema = database_;
    rename.reset();
    if (from.schema == to.schema && from.name == to.name) continue;
    rename.emplace(std::move(from), std::move(to));
  }
  if (rename) XP_RETURN_IF_ERROR(RenameTables({*rename}, /*check_only=*/true));
  bool changes = false;
  // ADD FOREIGN KEY is resolved against the columns the other changes
  // leave; existing foreign keys keep their old positions until the end.
  std::vector<const sql::ForeignKeyDef*> added_keys;
  std::vector<std::string> dropped_indexes;
  for (auto& action : a.actions) {
    if (action.kind == sql::AlterAction::Kind::kRenameTable) continue;
    changes = true;
    switch (action.kind) {
      case sql::AlterAction::Kind::kRenameTable:
        break;
      case sql::AlterAction::Kind::kAddForeignKey:
        added_keys.push_back(&action.foreign_key);
        break;
      case sql::AlterAction::Kind::kDropForeignKey: {
        auto& fks = schema.foreign_keys;
        auto it = std::find_if(fks.begin(), fks.end(), [&](const auto& fk) {
          return plan::NameEquals(fk.name, action.name);
        });
        if (it == fks.end())
          return SqlError(
              ER_CANT_DROP_FIELD_OR_KEY,
              "Can't DROP '" + action.name + "'; check that column/key exists");
        fks.erase(it);
        break;
      }
      case sql::AlterAction::Kind::kAddColumn: {
        if (schema.FindColumn(action.column.name) >= 0) {
          return SqlError(ER_DUP_FIELDNAME,
                          "Duplicate column name '" + action.column.name + "'");
        }
        bool unique = false;
        XP_ASSIGN_OR_RETURN(
            plan::ColumnSchema col,
            AlterColumn(schema, std::move(action.column), &unique));
        if (col.auto_increment)
          return NotSupported("ALTER TABLE ... ADD COLUMN ... AUTO_INCREMENT");
        XP_ASSIGN_OR_RETURN(col.added_value, AddedValue(col));
        schema.columns.push_back(std::move(col));
        source.push_back(-1);
        if (unique) AddUniqueOn(schema.columns.back().name, &schema);
        XP_RETURN_IF_ERROR(
            PlaceColumn(action, schema.columns.size() - 1, &schema, &source));
        break;
      }
      case sql::AlterAction::Kind::kModifyColumn:
      case sql::AlterAction::Kind::kChangeColumn: {
        const int c = schema.FindColumn(action.name);
        if (c < 0) {
          return SqlError(ER_BAD_FIELD_ERROR, "Unknown column '" + action.name +
                                                  "' in '" + schema.name + "'");
        }
        const std::string name = action.column.name;
        const int other = schema.FindColumn(name);
        if (other >= 0 && other != c)
          return SqlError(ER_DUP_FIELDNAME,
                          "Duplicate column name '" + name + "'");
        bool unique = false;
        XP_ASSIGN_OR_RETURN(
            plan::ColumnSchema col,
            AlterColumn(schema, std::move(action.column), &unique));
        plan::ColumnSchema& was = schema.columns[static_cast<size_t>(c)];
        if (col.auto_increment && !was.auto_increment)
          return NotSupported("ALTER TABLE ... MODIFY ... AUTO_INCREMENT");
        // A primary key column stays NOT NULL.
        for (const plan::IndexSchema& idx : schema.indexes)
          if (idx.primary &&
              std::count(idx.columns.begin(), idx.columns.end(), c) > 0)
            col.nullable = false;
        RenamePartitionColumn(was.name, col.name, &schema);
        // Rows that predate the column keep what they held (catalogs
        // written before added_value existed read the default there).
        col.added_value = was.added_value     ? std::move(was.added_value)
                          : was.default_value ? was.default_value
                                              : plan::Value();
        was = std::move(col);
        if (unique) AddUniqueOn(name, &schema);
        XP_RETURN_IF_ERROR(
            PlaceColumn(action, static_cast<size_t>(c), &schema, &source));
        break;
      }
      case sql::AlterAction::Kind::kRenameColumn: {
        const int c = schema.FindColumn(action.name);
        if (c < 0) {
          return SqlError(ER_BAD_FIELD_ERROR, "Unknown column '" + action.name +
                                                  "' in '" + schema.name + "'");
        }
        const int other = schema.FindColumn(action.new_name);
        if (other >= 0 && other != c)
          return SqlError(ER_DUP_FIELDNAME,
                          "Duplicate column name '" + action.new_name + "'");
        RenamePartitionColumn(action.name, action.new_name, &schema);
        schema.columns[static_cast<size_t>(c)].name = action.new_name;
        break;
      }
      case sql::AlterAction::Kind::kDropColumn: {
        const int c = schema.FindColumn(action.name);
        if (c < 0) {
          return SqlError(
              ER_CANT_DROP_FIELD_OR_KEY,
              "Can't DROP '" + action.name + "'; check that column/key exists");
        }
        if (schema.columns.size() == 1) {
          return SqlError(ER_CANT_REMOVE_ALL_FIELDS,
                          "You can't delete all columns with ALTER "
                          "TABLE; use DROP TABLE instead");
        }
        schema.columns.erase(schema.columns.begin() + c);
        source.erase(source.begin() + c);
        // Indexes lose the column (and go when it was their only one).
        for (auto it = schema.indexes.begin(); it != schema.indexes.end();) {
          for (size_t k = 0; k < it->columns.size();) {
            if (it->columns[k] == c) {
              it->columns.erase(it->columns.begin() +
                                static_cast<std::ptrdiff_t>(k));
              it->desc.erase(it->desc.begin() + static_cast<std::ptrdiff_t>(k));
              continue;
            }
            if (it->columns[k] > c) --it->columns[k];
            ++k;
          }
          it = it->columns.empty() ? schema.indexes.erase(it) : std::next(it);
        }
        if (schema.indexes.empty() || !schema.indexes[0].primary)
          schema.hidden_primary_key = true;
        break;
      }
      case sql::AlterAction::Kind::kAddIndex:
        if (action.index.kind == sql::IndexDef::Kind::kPrimary)
          return NotSupported("ALTER TABLE ... ADD PRIMARY KEY");
        XP_RETURN_IF_ERROR(CheckIndexColumns(schema, action.index));
        AddIndex(action.index, &schema);
        break;
      case sql::AlterAction::Kind::kDropIndex:
        XP_RETURN_IF_ERROR(DropIndexNamed(action.name, &schema));
        dropped_indexes.push_back(action.name);
        break;
    }
  }
  if (!current->foreign_keys.empty() || !added_keys.empty() ||
      !ReferencesTo(*current).empty()) {
    XP_RETURN_IF_ERROR(CheckColumnsUnused(*current, schema, source));
    // The foreign keys kept follow their columns.
    std::vector<int> now_at(current->columns.size(), -1);
    for (size_t i = 0; i < source.size(); ++i)
      if (source[i] >= 0)
        now_at[static_cast<size_t>(source[i])] = static_cast<int>(i);
    for (plan::ForeignKeySchema& fk : schema.foreign_keys)
      for (int& c : fk.columns) c = now_at[static_cast<size_t>(c)];
    for (const std::string& name : dropped_indexes)
      XP_RETURN_IF_ERROR(CheckIndexesKept(schema, name));
    for (const sql::ForeignKeyDef* def : added_keys) {
      XP_RETURN_IF_ERROR(plan::AddForeignKey(*def, &schema));
      XP_RETURN_IF_ERROR(
          CheckForeignKeyTarget(schema, schema.foreign_keys.back()));
    }
  }
  if (changes)
    XP_RETURN_IF_ERROR(
        store_->AlterTable(std::move(schema), std::move(source)));
  if (rename) XP_RETURN_IF_ERROR(RenameTables({*rename}));
  return QueryResult();
}

Result<QueryResult> SqlSession::Truncate(const sql::Statement& s) {
  const auto& t = static_cast<const sql::TruncateStatement&>(s);
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* table, Schema(t.table));
  XP_RETURN_IF_ERROR(CheckNotReferenced(*table, {}, /*truncate=*/true));
  XP_RETURN_IF_ERROR(store_->TruncateTable(table->database, table->name));
  return QueryResult();
}

Result<QueryResult> SqlSession::DropTable(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropTableStatement&>(s);
  // MySQL checks every name first and drops none when one is missing.
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    if (!d.if_exists && !store_->catalog().FindTable(db, t.name).ok()) {
      return SqlError(ER_BAD_TABLE_ERROR,
                      "Unknown table '" + plan::QualifiedKey(db, t.name) + "'");
    }
  }
  // A table another one's foreign key references goes only with it (3730).
  std::vector<std::string> going;
  for (const auto& t : d.tables)
    going.push_back(
        plan::QualifiedKey(t.schema.empty() ? database_ : t.schema, t.name));
  for (const auto& t : d.tables) {
    Result<const plan::TableSchema*> schema = store_->catalog().FindTable(
        t.schema.empty() ? database_ : t.schema, t.name);
    if (schema.ok())
      XP_RETURN_IF_ERROR(CheckNotReferenced(**schema, going, false));
  }
  auto& triggers = store_->triggers();
  for (const auto& t : d.tables) {
    const std::string db = t.schema.empty() ? database_ : t.schema;
    if (!store_->catalog().FindTable(db, t.name).ok()) continue;
    for (auto it = triggers.begin(); it != triggers.end();) {
      it = it->second == plan::QualifiedKey(db, t.name) ? triggers.erase(it)
                                                        : std::next(it);
    }
    XP_RETURN_IF_ERROR(store_->DropTable(db, t.name));
  }
  return QueryResult();
}

Result<QueryResult> SqlSession::CreateView(sql::StmtPtr s) {
  auto& v = static_cast<sql::CreateViewStatement&>(*s);
  const std::string db = v.view.schema.empty() ? database_ : v.view.schema;
  if (!store_->catalog().HasDatabase(db)) {
    return SqlError(ER_BAD_DB_ERROR, "Unknown database '" + db + "'");
  }
  const std::string key = plan::QualifiedKey(db, v.view.name);
  if (store_->catalog().FindTable(db, v.view.name).ok() ||
      (store_->views().count(key) && !v.or_replace)) {
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + v.view.name + "' already exists");
  }
  // Validate now, as MySQL does: names resolve and columns are distinct.
  SelectPlan owner;
  XP_RETURN_IF_ERROR(
      PlanDerived(*v.query, v.columns, v.view.name, &owner).status());
  XP_RETURN_IF_ERROR(store_->SaveView(key, &v));
  s.release();
  store_->views()[key] = std::shared_ptr<const sql::CreateViewStatement>(&v);
  return QueryResult();
}

Result<QueryResult> SqlSession::DropView(const sql::Statement& s) {
  const auto& d = static_cast<const sql::DropViewStatement&>(s);
  for (const auto& v : d.views) {
    const std::string db = v.schema.empty() ? database_ : v.schema;
    if (store_->views().count(plan::QualifiedKey(db, v.name))) continue;
    if (store_->catalog().FindTable(db, v.name).ok()) {
      return SqlError(ER_WRONG_OBJECT,
                      "'" + plan::QualifiedKey(db, v.name) + "' is not VIEW");
    }
    if (!d.if_exists) {
      return SqlError(ER_BAD_TABLE_ERROR,
                      "Unknown table '" + plan::QualifiedKey(db, v.name) + "'");
    }
  }
  for (const auto& v : d.views) {
    const std::string key =
        plan::QualifiedKey(v.schema.empty() ? database_ : v.schema, v.name);
    if (!store_->views().count(key)) continue;
    XP_RETURN_IF_ERROR(store_->SaveView(key, nullptr));
    store_->views().erase(key);
  }
  return QueryResult();
}

}  // namespace xp::session
