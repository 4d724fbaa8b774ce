// SqlSession: FOREIGN KEY enforcement as InnoDB does it, on the engine's
// row path (every store: the in-memory engine, a data node, and a compute
// node, whose partitions know no foreign keys, so it checks the logical
// tables in its distributed transaction).
//
// A write changes its own rows first, then:
// - a parent's rows that went or whose referenced columns changed: the
//   child rows that referenced the old values (read with exclusive locks)
//   fail the statement (RESTRICT / NO ACTION: 1451), are deleted or take
//   the new values (CASCADE), or are set NULL (SET NULL), each change going
//   through the same steps, at most 15 tables deep (3008);
// - a child's new or changed references must each find a parent row (read
//   with shared locks, so no one deletes it before this commits): 1452.
// A failure undoes the whole statement (the statement bracket).
// foreign_key_checks = 0 turns all of it off.

#include <set>

#include "codec/sql_errors.h"
#include "plan/exec/key_encoding.h"
#include "plan/session/session_internal.h"

namespace xp::session {

namespace {

constexpr int kMaxCascadeDepth = 15;  // InnoDB's FK_MAX_CASCADE_DEL
constexpr size_t kKeysPerLookup = 1000;

using Row = std::vector<plan::Value>;

// "(`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (...) REFERENCES ...)", the
// part of 1451 / 1452 that names the constraint.
std::string ConstraintText(const plan::TableSchema& child,
                           const plan::ForeignKeySchema& fk) {
  return "(" + sql::QuoteIdent(child.database) + "." +
         sql::QuoteIdent(child.name) + ", " +
         sql::ForeignKeySql(plan::ForeignKeyDefOf(child, fk)) + ")";
}

Status NoParent(const plan::TableSchema& child,
                const plan::ForeignKeySchema& fk) {
  return SqlError(ER_NO_REFERENCED_ROW_2,
                  "Cannot add or update a child row: a foreign key "
                  "constraint fails " +
                      ConstraintText(child, fk));
}

// Positions of `names` in `t`; empty when one is missing.
std::vector<int> Positions(const plan::TableSchema& t,
                           const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& n : names) {
    const int at = t.FindColumn(n);
    if (at < 0) return {};
    out.push_back(at);
  }
  return out;
}

// The columns `cols` of `row`; nullopt when one is NULL (such a row
// references nothing).
std::optional<Row> KeyOf(const Row& row, const std::vector<int>& cols) {
  Row key;
  for (int c : cols) {
    const plan::Value& v = row[static_cast<size_t>(c)];
    if (v.index() == 0) return std::nullopt;
    key.push_back(v);
  }
  return key;
}

bool SameKey(const Row& a, const Row& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!plan::SameValue(a[i], b[i])) return false;
  return true;
}

// `key` (as rows of `from`'s `from_cols` hold it) as rows of `to`'s
// `to_cols` hold it; nullopt when a value does not fit there (no row there
// can hold it).
std::optional<Row> Convert(const Row& key, const plan::TableSchema& from,
                           const std::vector<int>& from_cols,
                           const plan::TableSchema& to,
                           const std::vector<int>& to_cols) {
  Row out;
  for (size_t k = 0; k < key.size(); ++k) {
    Result<plan::Value> v = exec::ConvertHeld(
        key[k], from.columns[static_cast<size_t>(from_cols[k])].type,
        to.columns[static_cast<size_t>(to_cols[k])]);
    if (!v.ok()) return std::nullopt;
    out.push_back(std::move(v).value());
  }
  return out;
}

std::vector<plan::DataType> TypesOf(const plan::TableSchema& t,
                                    const std::vector<int>& cols) {
  std::vector<plan::DataType> types;
  for (int c : cols) types.push_back(t.columns[static_cast<size_t>(c)].type);
  return types;
}

// Each key's comparison bytes (equal under '=' <=> equal bytes).
std::vector<std::string> Encoded(const std::vector<Row>& keys,
                                 const std::vector<plan::DataType>& types) {
  std::vector<std::string> out;
  for (const Batch& b : BatchesOf(types, keys)) {
    for (size_t i = 0; i < b.num_rows(); ++i) {
      std::string k;
      for (size_t c = 0; c < types.size(); ++c)
        exec::EncodeKey(b.column(c), types[c], i, &k);
      out.push_back(std::move(k));
    }
  }
  return out;
}

// Whole rows of `m` (as ValueAt holds them).
std::vector<Row> RowsOf(const std::vector<Batch>& batches,
                        const plan::TableSchema& t) {
  std::vector<Row> rows;
  for (const Batch& b : batches) {
    for (size_t i = 0; i < b.num_rows(); ++i) {
      Row row;
      for (size_t c = 0; c < t.columns.size(); ++c)
        row.push_back(ValueAt(b.column(c), t.columns[c].type, i));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace

bool SqlSession::ForeignKeyChecks() const { return foreign_key_checks_; }

const std::vector<SqlSession::ForeignKeyRef>& SqlSession::ReferencesTo(
    const plan::TableSchema& parent) {
  if (fk_epoch_ != store_->ddl_epoch() || !fk_known_) {
    // Rebuilt after any DDL (the schemas it points to stay put until then).
    fk_parents_.clear();
    fk_epoch_ = store_->ddl_epoch();
    fk_known_ = true;
    const plan::Catalog& catalog = store_->catalog();
    for (const std::string& db : catalog.Databases()) {
      for (const std::string& name : catalog.Tables(db)) {
        Result<const plan::TableSchema*> t = catalog.FindTable(db, name);
        if (!t.ok()) continue;
        for (const plan::ForeignKeySchema& fk : (*t)->foreign_keys)
          fk_parents_[plan::QualifiedKey(fk.ref_database, fk.ref_table)]
              .push_back({*t, &fk});
      }
    }
  }
  static const std::vector<ForeignKeyRef> kNone;
  if (fk_parents_.empty()) return kNone;  // most databases: no key to build
  auto it = fk_parents_.find(plan::QualifiedKey(parent.database, parent.name));
  return it == fk_parents_.end() ? kNone : it->second;
}

bool SqlSession::HasForeignKeyWork(const plan::TableSchema& t) {
  return ForeignKeyChecks() &&
         (!t.foreign_keys.empty() || !ReferencesTo(t).empty());
}

Result<SqlSession::Matched> SqlSession::LookupKeys(
    exec::TableStore* table, const std::vector<int>& columns,
    const std::vector<Row>& keys, sql::LockMode lock) {
  const plan::TableSchema& schema = table->schema();
  Matched all;
  for (size_t from = 0; from < keys.size(); from += kKeysPerLookup) {
    const size_t to = std::min(keys.size(), from + kKeysPerLookup);
    // cols IN (k, ...) for one column; (c1 = k1 AND c2 = k2) OR ... else.
    auto column = [&](size_t k) {
      const int c = columns[k];
      return plan::MakeColumn(c, schema.columns[static_cast<size_t>(c)].type);
    };
    auto constant = [&](size_t row, size_t k) {
      return plan::MakeConst(
          keys[row][k], schema.columns[static_cast<size_t>(columns[k])].type);
    };
    plan::BoundExprPtr pred;
    if (columns.size() == 1) {
      std::vector<plan::BoundExprPtr> args;
      args.push_back(column(0));
      for (size_t r = from; r < to; ++r) args.push_back(constant(r, 0));
      XP_SET_OR_RETURN(pred,
                       plan::MakeCall(plan::ExprOp::kIn, std::move(args)));
    } else {
      std::vector<plan::BoundExprPtr> any;
      for (size_t r = from; r < to; ++r) {
        std::vector<plan::BoundExprPtr> all_of;
        for (size_t k = 0; k < columns.size(); ++k) {
          std::vector<plan::BoundExprPtr> eq;
          eq.push_back(column(k));
          eq.push_back(constant(r, k));
          XP_ASSIGN_OR_RETURN(plan::BoundExprPtr e,
                              plan::MakeCall(plan::ExprOp::kEq, std::move(eq)));
          all_of.push_back(std::move(e));
        }
        XP_ASSIGN_OR_RETURN(
            plan::BoundExprPtr e,
            plan::MakeCall(plan::ExprOp::kAnd, std::move(all_of)));
        any.push_back(std::move(e));
      }
      if (any.size() == 1) {
        pred = std::move(any[0]);
      } else {
        XP_SET_OR_RETURN(pred,
                         plan::MakeCall(plan::ExprOp::kOr, std::move(any)));
      }
    }
    plan::LogicalNodePtr node =
        plan::MakeFilter(plan::MakeTableScan(&schema), std::move(pred));
    plan::OptimizerOptions options = Options();
    options.disabled.push_back("projection_pruning");
    XP_RETURN_IF_ERROR(plan::Optimize(&node, options));
    // The rows as they are now (not the snapshot's), locked.
    XP_RETURN_IF_ERROR(ReadLocked(table, *node, lock, &all));
  }
  return all;
}

Status SqlSession::CheckParentRows(const plan::TableSchema& child,
                                   const std::vector<Row>& rows,
                                   const std::vector<Row>* old_rows) {
  if (!ForeignKeyChecks()) return Status::OK();
  for (const plan::ForeignKeySchema& fk : child.foreign_keys) {
    Result<const plan::TableSchema*> parent =
        store_->catalog().FindTable(fk.ref_database, fk.ref_table);
    std::vector<int> pcols;
    if (parent.ok()) pcols = Positions(**parent, fk.ref_columns);
    std::vector<Row> keys;
    std::set<std::string> seen;
    for (size_t i = 0; i < rows.size(); ++i) {
      std::optional<Row> key = KeyOf(rows[i], fk.columns);
      if (!key) continue;
      if (old_rows != nullptr) {
        std::optional<Row> was = KeyOf((*old_rows)[i], fk.columns);
        if (was && SameKey(*was, *key)) continue;  // unchanged: not checked
      }
      // A parent that is gone (foreign_key_checks = 0 let it go) or cannot
      // hold the value: no parent row.
      if (pcols.empty()) return NoParent(child, fk);
      std::optional<Row> as_parent =
          Convert(*key, child, fk.columns, **parent, pcols);
      if (!as_parent) return NoParent(child, fk);
      keys.push_back(std::move(*as_parent));
    }
    if (keys.empty()) continue;
    const std::vector<plan::DataType> types = TypesOf(**parent, pcols);
    std::vector<std::string> wanted = Encoded(keys, types);
    XP_ASSIGN_OR_RETURN(TableStore * table, session_->Table(**parent));
    XP_ASSIGN_OR_RETURN(Matched found,
                        LookupKeys(table, pcols, keys, sql::LockMode::kShare));
    std::set<std::string> have;
    for (const Batch& b : found.batches) {
      for (size_t i = 0; i < b.num_rows(); ++i) {
        std::string k;
        for (size_t c = 0; c < pcols.size(); ++c)
          exec::EncodeKey(b.column(static_cast<size_t>(pcols[c])), types[c], i,
                          &k);
        have.insert(std::move(k));
      }
    }
    for (const std::string& k : wanted)
      if (!have.count(k)) return NoParent(child, fk);
  }
  return Status::OK();
}

Status SqlSession::ChildrenFollow(const plan::TableSchema& parent,
                                  const std::vector<Row>& old_rows,
                                  const std::vector<Row>* new_rows, int depth) {
  if (!ForeignKeyChecks()) return Status::OK();
  // The list may change under a cascade's DDL-free writes only, but stays
  // a copy: a cascade below rebuilds nothing, yet keep it simple.
  const std::vector<ForeignKeyRef> refs = ReferencesTo(parent);
  for (const ForeignKeyRef& ref : refs) {
    const plan::TableSchema& child = *ref.child;
    const plan::ForeignKeySchema& fk = *ref.fk;
    const std::vector<int> pcols = Positions(parent, fk.ref_columns);
    if (pcols.empty()) continue;
    // Old keys that go away, in the child's types, and (UPDATE) what each
    // becomes.
    std::vector<Row> keys;
    std::map<std::string, Row> becomes;
    std::set<std::string> seen;
    const std::vector<plan::DataType> child_types = TypesOf(child, fk.columns);
    for (size_t i = 0; i < old_rows.size(); ++i) {
      std::optional<Row> was = KeyOf(old_rows[i], pcols);
      if (!was) continue;
      std::optional<Row> now;
      if (new_rows != nullptr) {
        // A key that stays (all its columns the same) changes nothing.
        Row after;
        for (int c : pcols)
          after.push_back((*new_rows)[i][static_cast<size_t>(c)]);
        if (SameKey(*was, after)) continue;
        now = Convert(after, parent, pcols, child, fk.columns);
      }
      std::optional<Row> as_child =
          Convert(*was, parent, pcols, child, fk.columns);
      if (!as_child) continue;  // no child row can hold it
      std::string enc = Encoded({*as_child}, child_types)[0];
      if (!seen.insert(enc).second) continue;
      if (now) becomes[enc] = std::move(*now);
      keys.push_back(std::move(*as_child));
    }
    if (keys.empty()) continue;
    XP_ASSIGN_OR_RETURN(TableStore * table, session_->Table(child));
    XP_ASSIGN_OR_RETURN(
        Matched m, LookupKeys(table, fk.columns, keys, sql::LockMode::kUpdate));
    // (Rows of a self-referencing table this statement removed are gone
    // already: the write came first.)
    std::vector<RowId> child_ids = std::move(m.ids);
    std::vector<Row> child_rows = RowsOf(m.batches, child);
    if (child_ids.empty()) continue;
    const sql::ForeignKeyAction action =
        new_rows != nullptr ? fk.on_update : fk.on_delete;
    if (action != sql::ForeignKeyAction::kCascade &&
        action != sql::ForeignKeyAction::kSetNull) {
      return SqlError(ER_ROW_IS_REFERENCED_2,
                      "Cannot delete or update a parent row: a foreign key "
                      "constraint fails " +
                          ConstraintText(child, fk));
    }
    if (depth + 1 > kMaxCascadeDepth)
      return SqlError(ER_FK_DEPTH_EXCEEDED,
                      "Foreign key cascade delete/update exceeds max depth "
                      "of " +
                          std::to_string(kMaxCascadeDepth) + ".");
    if (action == sql::ForeignKeyAction::kCascade && new_rows == nullptr) {
      XP_RETURN_IF_ERROR(DeleteRows(table, std::move(child_ids),
                                    std::move(child_rows), depth + 1));
      continue;
    }
    std::vector<Row> changed = child_rows;
    for (Row& row : changed) {
      if (action == sql::ForeignKeyAction::kSetNull) {
        for (int c : fk.columns) row[static_cast<size_t>(c)] = plan::Value();
        continue;
      }
      std::optional<Row> key = KeyOf(row, fk.columns);
      auto it =
          key ? becomes.find(Encoded({*key}, child_types)[0]) : becomes.end();
      if (it == becomes.end()) {
        // The new value does not fit the child's column.
        return SqlError(ER_ROW_IS_REFERENCED_2,
                        "Cannot delete or update a parent row: a foreign key "
                        "constraint fails " +
                            ConstraintText(child, fk));
      }
      for (size_t k = 0; k < fk.columns.size(); ++k)
        row[static_cast<size_t>(fk.columns[k])] = it->second[k];
    }
    XP_RETURN_IF_ERROR(WriteUpdate(table, std::move(child_ids),
                                   std::move(child_rows), std::move(changed),
                                   depth + 1));
  }
  return Status::OK();
}

Status SqlSession::DeleteRows(TableStore* table, std::vector<RowId> ids,
                              std::vector<Row> old_rows, int depth) {
  if (ids.empty()) return Status::OK();
  XP_RETURN_IF_ERROR(table->Delete(ids, old_rows));
  if (!HasForeignKeyWork(table->schema())) return Status::OK();
  return ChildrenFollow(table->schema(), old_rows, nullptr, depth);
}

Status SqlSession::WriteUpdate(TableStore* table, std::vector<RowId> ids,
                               std::vector<Row> old_rows,
                               std::vector<Row> new_rows, int depth) {
  if (ids.empty()) return Status::OK();
  XP_RETURN_IF_ERROR(table->Update(ids, old_rows, new_rows));
  const plan::TableSchema& schema = table->schema();
  if (!HasForeignKeyWork(schema)) return Status::OK();
  XP_RETURN_IF_ERROR(ChildrenFollow(schema, old_rows, &new_rows, depth));
  return CheckParentRows(schema, new_rows, &old_rows);
}

Status SqlSession::RoutedInsertKeepsKeys(const sql::InsertStatement& ins,
                                         const plan::TableSchema& t) {
  const bool referenced = !ReferencesTo(t).empty();
  if (ins.replace && referenced)
    return NotSupported(
        "REPLACE into a table other tables' foreign keys reference, through "
        "a compute node");
  // The primary key is the table's only unique key: a duplicate is found
  // by it, so `pk = VALUES(pk)` leaves it as it was.
  size_t unique_keys = 0;
  for (const plan::IndexSchema& idx : t.indexes) unique_keys += idx.unique;
  const bool only_primary = unique_keys == 1 && !t.indexes.empty() &&
                            t.indexes[0].primary && !t.hidden_primary_key;
  for (const auto& [column, value] : ins.on_duplicate) {
    const int c = t.FindColumn(column);
    if (c < 0) continue;
    // `col = VALUES(col)` (what ORMs' upserts send): the row takes the
    // value the INSERT gave, which the check after the INSERT covers.
    const bool from_values = value->kind == sql::ExprKind::kFunction &&
                             value->text == "VALUES" &&
                             value->args.size() == 1 &&
                             value->args[0]->kind == sql::ExprKind::kColumn &&
                             plan::NameEquals(value->args[0]->text, column);
    bool referencing = false, referenced_column = false;
    for (const plan::ForeignKeySchema& fk : t.foreign_keys)
      referencing =
          referencing || std::find(fk.columns.begin(), fk.columns.end(), c) !=
                             fk.columns.end();
    for (const ForeignKeyRef& ref : ReferencesTo(t))
      for (const std::string& name : ref.fk->ref_columns)
        referenced_column = referenced_column || plan::NameEquals(name, column);
    const bool in_primary =
        only_primary &&
        std::find(t.indexes[0].columns.begin(), t.indexes[0].columns.end(),
                  c) != t.indexes[0].columns.end();
    if ((referencing && !from_values) ||
        (referenced_column && !(from_values && in_primary)))
      return NotSupported(
          "ON DUPLICATE KEY UPDATE of a foreign key's column, through a "
          "compute node");
  }
  return Status::OK();
}

Result<Row> SqlSession::InsertedRow(const plan::TableSchema& schema,
                                    const std::vector<int>& columns,
                                    const Row& values) {
  Row row(schema.columns.size());
  std::vector<bool> given(schema.columns.size(), false);
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t at = columns.empty() ? i : static_cast<size_t>(columns[i]);
    if (at >= row.size()) continue;
    const plan::ColumnSchema& col = schema.columns[at];
    XP_SET_OR_RETURN(row[at],
                     plan::ConvertValue(values[i], col.type, col.name));
    given[at] = true;
  }
  for (size_t c = 0; c < row.size(); ++c)
    if (!given[c] && schema.columns[c].default_value)
      row[c] = *schema.columns[c].default_value;
  return row;
}

}  // namespace xp::session

namespace xp::session {

namespace {

// InnoDB's rule: the same type, integers of the same size and sign,
// DECIMAL of the same precision and scale, strings of the same kind
// (their lengths may differ).
bool Compatible(const plan::DataType& a, const plan::DataType& b) {
  if (a.id != b.id) return false;
  switch (a.id) {
    case plan::TypeId::kInt:
    case plan::TypeId::kUInt:
      return a.int_bytes == b.int_bytes;
    case plan::TypeId::kDecimal:
      return a.precision == b.precision && a.scale == b.scale;
    case plan::TypeId::kDouble:
      return a.float_type == b.float_type;
    case plan::TypeId::kString:
      return a.binary == b.binary;
    case plan::TypeId::kDateTime:
      return a.timestamp == b.timestamp;
    default:
      return true;
  }
}

}  // namespace

Status SqlSession::CheckForeignKeyTarget(const plan::TableSchema& child,
                                         const plan::ForeignKeySchema& fk) {
  if (!ForeignKeyChecks()) return Status::OK();  // as MySQL: any order
  const plan::TableSchema* parent = nullptr;
  if (fk.ref_database == child.database && fk.ref_table == child.name) {
    parent = &child;  // self-referencing
  } else {
    Result<const plan::TableSchema*> t =
        store_->catalog().FindTable(fk.ref_database, fk.ref_table);
    if (!t.ok())
      return SqlError(
          ER_FK_CANNOT_OPEN_PARENT,
          "Failed to open the referenced table '" + fk.ref_table + "'");
    parent = *t;
  }
  std::vector<int> pcols;
  for (const std::string& c : fk.ref_columns) {
    const int at = parent->FindColumn(c);
    if (at < 0)
      return SqlError(ER_FK_NO_COLUMN_PARENT,
                      "Failed to add the foreign key constraint. Missing "
                      "column '" +
                          c + "' for constraint '" + fk.name +
                          "' in the referenced table '" + fk.ref_table + "'");
    pcols.push_back(at);
  }
  for (size_t k = 0; k < pcols.size(); ++k) {
    const plan::ColumnSchema& a =
        child.columns[static_cast<size_t>(fk.columns[k])];
    const plan::ColumnSchema& b =
        parent->columns[static_cast<size_t>(pcols[k])];
    if (!Compatible(a.type, b.type))
      return SqlError(ER_FK_INCOMPATIBLE_COLUMNS,
                      "Referencing column '" + a.name +
                          "' and referenced column '" + b.name +
                          "' in foreign key constraint '" + fk.name +
                          "' are incompatible.");
  }
  if (plan::IndexLeadingWith(*parent, pcols) == nullptr)
    return SqlError(ER_FK_NO_INDEX_PARENT,
                    "Failed to add the foreign key constraint. Missing index "
                    "for constraint '" +
                        fk.name + "' in the referenced table '" + fk.ref_table +
                        "'");
  return Status::OK();
}

Status SqlSession::CheckNotReferenced(const plan::TableSchema& t,
                                      const std::vector<std::string>& going,
                                      bool truncate) {
  if (!ForeignKeyChecks()) return Status::OK();
  for (const ForeignKeyRef& ref : ReferencesTo(t)) {
    const plan::TableSchema& child = *ref.child;
    if (child.database == t.database && child.name == t.name)
      continue;  // its own rows
    if (std::find(going.begin(), going.end(),
                  plan::QualifiedKey(child.database, child.name)) !=
        going.end())
      continue;  // dropped by the same statement
    if (truncate)
      return SqlError(ER_TRUNCATE_ILLEGAL_FK,
                      "Cannot truncate a table referenced in a foreign key "
                      "constraint (" +
                          sql::QuoteIdent(child.database) + "." +
                          sql::QuoteIdent(child.name) + ", CONSTRAINT " +
                          sql::QuoteIdent(ref.fk->name) + ")");
    return SqlError(ER_FK_CANNOT_DROP_PARENT,
                    "Cannot drop table '" + t.name +
                        "' referenced by a foreign key constraint '" +
                        ref.fk->name + "' on table '" + child.name + "'.");
  }
  return Status::OK();
}

Status SqlSession::CheckColumnsUnused(const plan::TableSchema& before,
                                      const plan::TableSchema& after,
                                      const std::vector<int>& source) {
  // Columns of `before` that are gone or renamed in `after`.
  std::vector<bool> kept(before.columns.size(), false);
  std::vector<int> now_at(before.columns.size(), -1);
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] < 0) continue;
    kept[static_cast<size_t>(source[i])] = true;
    now_at[static_cast<size_t>(source[i])] = static_cast<int>(i);
  }
  for (const plan::ForeignKeySchema& fk : before.foreign_keys) {
    // A foreign key dropped by the same ALTER is no reason.
    bool still = false;
    for (const plan::ForeignKeySchema& other : after.foreign_keys)
      still = still || plan::NameEquals(other.name, fk.name);
    if (!still) continue;
    for (int c : fk.columns)
      if (!kept[static_cast<size_t>(c)])
        return SqlError(ER_FK_COLUMN_CANNOT_DROP,
                        "Cannot drop column '" +
                            before.columns[static_cast<size_t>(c)].name +
                            "': needed in a foreign key constraint '" +
                            fk.name + "'");
  }
  if (!ForeignKeyChecks()) return Status::OK();
  for (const ForeignKeyRef& ref : ReferencesTo(before)) {
    if (ref.child->database == before.database &&
        ref.child->name == before.name)
      continue;  // its own: checked above
    for (const std::string& name : ref.fk->ref_columns) {
      const int c = before.FindColumn(name);
      if (c < 0) continue;
      if (!kept[static_cast<size_t>(c)])
        return SqlError(ER_FK_COLUMN_CANNOT_DROP,
                        "Cannot drop column '" + name +
                            "': needed in a foreign key constraint '" +
                            ref.fk->name + "' of table '" + ref.child->name +
                            "'");
      const plan::ColumnSchema& col =
          after.columns[static_cast<size_t>(now_at[static_cast<size_t>(c)])];
      if (!plan::NameEquals(col.name, name) ||
          !Compatible(col.type, before.columns[static_cast<size_t>(c)].type))
        return SqlError(
            ER_FK_COLUMN_CANNOT_CHANGE_CHILD,
            "Cannot change column '" + name +
                "': used in a foreign key constraint '" + ref.fk->name +
                "' of table '" +
                plan::QualifiedKey(ref.child->database, ref.child->name) + "'");
    }
  }
  return Status::OK();
}

Status SqlSession::CheckIndexesKept(const plan::TableSchema& t,
                                    const std::string& dropped) {
  const Status needed =
      SqlError(ER_DROP_INDEX_FK, "Cannot drop index '" + dropped +
                                     "': needed in a foreign key constraint");
  for (const plan::ForeignKeySchema& fk : t.foreign_keys)
    if (plan::IndexLeadingWith(t, fk.columns) == nullptr) return needed;
  if (!ForeignKeyChecks()) return Status::OK();
  for (const ForeignKeyRef& ref : ReferencesTo(t)) {
    if (ref.child->database == t.database && ref.child->name == t.name)
      continue;
    std::vector<int> pcols = Positions(t, ref.fk->ref_columns);
    if (!pcols.empty() && plan::IndexLeadingWith(t, pcols) == nullptr)
      return needed;
  }
  return Status::OK();
}

}  // namespace xp::session
