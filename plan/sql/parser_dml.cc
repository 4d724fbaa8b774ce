// INSERT / REPLACE, UPDATE and DELETE (see parser_internal.h).
#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql::parser_internal {

Result<StmtPtr> Parser::Insert() {
  auto s = std::make_unique<InsertStatement>();
  s->replace = Take().IsWord("REPLACE");
  AcceptWord("LOW_PRIORITY") || AcceptWord("DELAYED") ||
      AcceptWord("HIGH_PRIORITY");
  s->ignore = AcceptWord("IGNORE");
  AcceptWord("INTO");
  XP_SET_OR_RETURN(s->table, QualName());
  if (Peek().IsOp("(") &&
      !(Peek(1).IsWord("SELECT") || Peek(1).IsWord("WITH"))) {
    ++pos_;
    if (!AcceptOp(")")) {
      XP_SET_OR_RETURN(s->columns, IdentList());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    }
  }
  if (AcceptWord("VALUES") || AcceptWord("VALUE")) {
    do {
      AcceptWord("ROW");
      XP_RETURN_IF_ERROR(ExpectOp("("));
      std::vector<ExprPtr> row;
      if (!Peek().IsOp(")")) {
        do {
          XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
          row.push_back(std::move(e));
        } while (AcceptOp(","));
      }
      XP_RETURN_IF_ERROR(ExpectOp(")"));
      s->rows.push_back(std::move(row));
    } while (AcceptOp(","));
  } else if (AcceptWord("SET")) {
    // INSERT ... SET a = 1, b = 2
    std::vector<ExprPtr> row;
    do {
      XP_ASSIGN_OR_RETURN(std::string col, Ident());
      if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
      XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
      s->columns.push_back(std::move(col));
      row.push_back(std::move(e));
    } while (AcceptOp(","));
    s->rows.push_back(std::move(row));
  } else if (Peek().IsWord("SELECT") || Peek().IsWord("WITH") ||
             Peek().IsOp("(")) {
    XP_SET_OR_RETURN(s->select, QueryExpr());
  } else {
    return Error();
  }
  if (AcceptWord("ON")) {
    XP_RETURN_IF_ERROR(ExpectWord("DUPLICATE"));
    XP_RETURN_IF_ERROR(ExpectWord("KEY"));
    XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
    do {
      XP_ASSIGN_OR_RETURN(std::string col, Ident());
      if (AcceptOp(".")) XP_SET_OR_RETURN(col, AnyIdent());
      if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
      XP_ASSIGN_OR_RETURN(ExprPtr e, Expression());
      s->on_duplicate.emplace_back(std::move(col), std::move(e));
    } while (AcceptOp(","));
  }
  return StmtPtr(std::move(s));
}

Result<std::vector<Assignment>> Parser::Assignments() {
  std::vector<Assignment> out;
  do {
    Assignment a;
    XP_SET_OR_RETURN(a.column, Ident());
    if (AcceptOp(".")) {
      a.table = std::move(a.column);
      XP_SET_OR_RETURN(a.column, AnyIdent());
    }
    if (!AcceptOp("=") && !AcceptOp(":=")) return Error();
    XP_SET_OR_RETURN(a.value, Expression());
    out.push_back(std::move(a));
  } while (AcceptOp(","));
  return out;
}

Status Parser::OrderLimit(std::vector<OrderItem>* order, ExprPtr* limit) {
  if (AcceptWord("ORDER")) {
    XP_RETURN_IF_ERROR(ExpectWord("BY"));
    XP_SET_OR_RETURN(*order, OrderList());
  }
  if (AcceptWord("LIMIT")) {
    XP_SET_OR_RETURN(*limit, LimitValue());
  }
  return Status::OK();
}

Result<StmtPtr> Parser::Update() {
  ++pos_;
  auto s = std::make_unique<UpdateStatement>();
  AcceptWord("LOW_PRIORITY");
  AcceptWord("IGNORE");
  XP_SET_OR_RETURN(s->table, TableRefs());
  XP_RETURN_IF_ERROR(ExpectWord("SET"));
  XP_SET_OR_RETURN(s->set, Assignments());
  if (AcceptWord("WHERE")) XP_SET_OR_RETURN(s->where, Expression());
  XP_RETURN_IF_ERROR(OrderLimit(&s->order_by, &s->limit));
  return StmtPtr(std::move(s));
}

Result<StmtPtr> Parser::Delete() {
  ++pos_;
  auto s = std::make_unique<DeleteStatement>();
  AcceptWord("LOW_PRIORITY");
  AcceptWord("QUICK");
  AcceptWord("IGNORE");
  XP_RETURN_IF_ERROR(ExpectWord("FROM"));
  XP_SET_OR_RETURN(s->table, QualName());
  if (AcceptWord("AS")) {
    XP_SET_OR_RETURN(s->alias, Ident());
  } else if (PeekIdent()) {
    XP_SET_OR_RETURN(s->alias, Ident());
  }
  if (AcceptWord("WHERE")) XP_SET_OR_RETURN(s->where, Expression());
  XP_RETURN_IF_ERROR(OrderLimit(&s->order_by, &s->limit));
  return StmtPtr(std::move(s));
}

}  // namespace xp::sql::parser_internal
