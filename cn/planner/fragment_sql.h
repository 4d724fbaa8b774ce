// SQL a compute node sends data nodes, built as statement trees and
// printed by the canonical printer (plan/sql/printer.h): values become
// literals that read back as the same values, names are never spliced
// into text by hand. `db` is the user's database, `phys` a physical table
// (`__xp_<id>_p<i>`, cn/README.md "physical names").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"
#include "plan/exec/operator.h"
#include "plan/logical.h"
#include "plan/sql/ast.h"

namespace xp::cn {

// ------------------------------------------------------------ expressions

// A literal that a DN parses back as `v`.
sql::ExprPtr ValueExpr(const plan::Value& v);
// Row i of a column read back from a DN, as a literal of the same value
// (strings as hex: any bytes).
sql::ExprPtr CellExpr(const exec::Vector& v, const plan::DataType& t, size_t i);
sql::ExprPtr IntegerExpr(int64_t v);
// Replaces the placeholders in `e` with literals of `params` (the
// statement then travels as text).
void Inline(sql::Expr* e, const std::vector<plan::Value>& params);
// A copy of `e` (not of a subquery: NotSupportedYet).
Result<sql::ExprPtr> CopyExpr(const sql::Expr& e);
// `name`, or `qualifier`.`name`.
sql::ExprPtr ColumnExpr(std::string_view name, std::string_view qualifier = {});
sql::ExprPtr BinaryExpr(sql::BinaryOp op, sql::ExprPtr a, sql::ExprPtr b);
// terms[0] AND terms[1] ... (one flat node); the term itself when one;
// null when none.
sql::ExprPtr AllOf(std::vector<sql::ExprPtr> terms);
// terms[0] OR ...; FALSE when none.
sql::ExprPtr AnyOf(std::vector<sql::ExprPtr> terms);
// columns[0] <op> values[0] AND ...; null when there are no columns.
sql::ExprPtr KeyMatch(const std::vector<std::string>& columns,
                      std::vector<sql::ExprPtr> values, sql::BinaryOp op);

// ------------------------------------------------------------- statements

// SELECT items FROM db.phys [AS alias] [WHERE where] [FOR UPDATE / SHARE].
sql::SelectStmt SelectFrom(std::string_view db, std::string_view phys,
                           std::vector<sql::ExprPtr> items,
                           sql::ExprPtr where = nullptr,
                           std::string_view alias = {});
// INSERT / INSERT IGNORE / REPLACE INTO db.phys (columns) with no rows yet.
sql::InsertStatement InsertInto(std::string_view db, std::string_view phys,
                                const std::vector<std::string>& columns,
                                bool replace = false, bool ignore = false);
std::string DeleteSql(std::string_view db, std::string_view phys,
                      sql::ExprPtr where);
std::string UpdateSql(std::string_view db, std::string_view phys,
                      std::vector<sql::Assignment> set, sql::ExprPtr where);

// XA <op> 'xid' [ONE PHASE].
std::string XaSql(sql::XaStatement::Op op, std::string_view xid,
                  bool one_phase = false);
// SET @@session.<name> = v.
std::string SetSessionSql(std::string_view name, const plan::Value& v);

// SELECT the scan's columns FROM db.phys WHERE its key condition (a Get's
// keys, only those numbered in `key_subset` when given; a RangeScan's
// bounds compared as rows).
std::string ScanSql(const plan::LogicalNode& scan, std::string_view phys,
                    const std::vector<int>* key_subset);

}  // namespace xp::cn
