#include "cn/catalog/physical_ddl.h"

#include <memory>

#include "cn/planner/fragment_sql.h"
#include "plan/session/sql_session.h"
#include "plan/sql/ast.h"
#include "plan/sql/parser.h"
#include "plan/sql/printer.h"

namespace xp::cn {

namespace {

sql::QualifiedName Name(std::string_view db, std::string_view phys) {
  return sql::QualifiedName{std::string(db), std::string(phys)};
}

std::string DatabaseSql(sql::StmtKind kind, std::string_view db) {
  sql::DatabaseStatement s(kind);
  s.name = std::string(db);
  s.if_exists = true;
  return sql::ToSql(s);
}

}  // namespace

std::string CreateDatabaseSql(std::string_view db) {
  return DatabaseSql(sql::StmtKind::kCreateDatabase, db);
}

std::string DropDatabaseSql(std::string_view db) {
  return DatabaseSql(sql::StmtKind::kDropDatabase, db);
}

std::string DropTableSql(std::string_view db, std::string_view phys) {
  sql::DropTableStatement s;
  s.if_exists = true;
  s.tables.push_back(Name(db, phys));
  return sql::ToSql(s);
}

std::string MoveTableSql(std::string_view db, std::string_view phys,
                         std::string_view to_db) {
  sql::RenameTableStatement s;
  s.renames.emplace_back(Name(db, phys), Name(to_db, phys));
  return sql::ToSql(s);
}

std::string TruncateTableSql(std::string_view db, std::string_view phys) {
  sql::TruncateStatement s;
  s.table = Name(db, phys);
  return sql::ToSql(s);
}

Result<std::string> CreateTableSql(const plan::TableSchema& t,
                                   std::string_view phys) {
  // The definition SHOW CREATE TABLE gives, read back as a statement: the
  // one place that turns a schema into column and index definitions.
  XP_ASSIGN_OR_RETURN(sql::StmtPtr stmt,
                      sql::Parse(session::CreateTableText(t, phys, false)));
  if (stmt->kind != sql::StmtKind::kCreateTable) {
    return Status::Internal("SHOW CREATE TABLE text is not a CREATE TABLE");
  }
  auto& create = static_cast<sql::CreateTableStatement&>(*stmt);
  create.table = Name(t.database, phys);
  // Foreign keys hold between logical tables: the compute node enforces
  // them; a partition knows none.
  create.foreign_keys.clear();
  return sql::ToSql(create);
}

std::string CreateIndexSql(const plan::TableSchema& t,
                           const plan::IndexSchema& idx,
                           std::string_view phys) {
  sql::CreateIndexStatement s;
  s.table = Name(t.database, phys);
  s.index.kind =
      idx.unique ? sql::IndexDef::Kind::kUnique : sql::IndexDef::Kind::kIndex;
  s.index.name = idx.name;
  for (size_t k = 0; k < idx.columns.size(); ++k) {
    s.index.columns.push_back(sql::OrderItem{
        ColumnExpr(t.columns[static_cast<size_t>(idx.columns[k])].name),
        k < idx.desc.size() && idx.desc[k]});
  }
  return sql::ToSql(s);
}

std::string DropIndexSql(std::string_view db, std::string_view index,
                         std::string_view phys) {
  sql::DropIndexStatement s;
  s.name = std::string(index);
  s.table = Name(db, phys);
  return sql::ToSql(s);
}

std::string AnyRowSql(std::string_view db, std::string_view phys) {
  std::vector<sql::ExprPtr> items;
  items.push_back(IntegerExpr(1));
  sql::SelectStmt q = SelectFrom(db, phys, std::move(items));
  q.limit = IntegerExpr(1);
  return sql::ToSql(q);
}

std::string MaxSql(std::string_view db, std::string_view phys,
                   std::string_view column) {
  auto max = std::make_unique<sql::Expr>();
  max->kind = sql::ExprKind::kFunction;
  max->text = "MAX";
  max->args.push_back(ColumnExpr(column));
  std::vector<sql::ExprPtr> items;
  items.push_back(std::move(max));
  return sql::ToSql(SelectFrom(db, phys, std::move(items)));
}

std::string RowsWithKeySql(std::string_view db, std::string_view phys,
                           const std::vector<std::string>& columns,
                           const std::vector<std::string>& not_null) {
  std::vector<sql::ExprPtr> items;
  for (const std::string& c : columns) items.push_back(ColumnExpr(c));
  sql::SelectStmt q = SelectFrom(db, phys, std::move(items));
  std::vector<sql::ExprPtr> conds;
  for (const std::string& c : not_null) {
    auto e = std::make_unique<sql::Expr>();
    e->kind = sql::ExprKind::kIsNull;
    e->negated = true;
    e->args.push_back(ColumnExpr(c));
    conds.push_back(std::move(e));
  }
  q.where = AllOf(std::move(conds));
  return sql::ToSql(q);
}

}  // namespace xp::cn
