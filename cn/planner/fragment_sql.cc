#include "cn/planner/fragment_sql.h"

#include <algorithm>
#include <memory>

#include "codec/sql_errors.h"
#include "plan/sql/printer.h"

namespace xp::cn {

namespace {

sql::ExprPtr LiteralExpr(sql::LiteralKind kind, std::string text) {
  auto e = std::make_unique<sql::Expr>();
  e->kind = sql::ExprKind::kLiteral;
  e->lit = kind;
  e->text = std::move(text);
  return e;
}

sql::TableRefPtr TableOf(std::string_view db, std::string_view phys,
                         std::string_view alias = {}) {
  auto t = std::make_unique<sql::TableRef>();
  t->schema = std::string(db);
  t->name = std::string(phys);
  t->alias = std::string(alias);
  return t;
}

sql::ExprPtr Flat(sql::BinaryOp op, std::vector<sql::ExprPtr> terms) {
  if (terms.size() == 1) return std::move(terms[0]);
  auto e = std::make_unique<sql::Expr>();
  e->kind = sql::ExprKind::kBinary;
  e->bop = op;
  e->args = std::move(terms);
  return e;
}

}  // namespace

sql::ExprPtr ValueExpr(const plan::Value& v) {
  switch (v.index()) {
    case 0:
      return LiteralExpr(sql::LiteralKind::kNull, "");
    case 1:
    case 2: {
      std::string text = plan::ValueToString(v);
      if (text[0] != '-')
        return LiteralExpr(sql::LiteralKind::kInteger, std::move(text));
      // Integer literals hold digits only: -n is a minus on n.
      auto e = std::make_unique<sql::Expr>();
      e->kind = sql::ExprKind::kUnary;
      e->uop = sql::UnaryOp::kMinus;
      e->args.push_back(
          LiteralExpr(sql::LiteralKind::kInteger, text.substr(1)));
      return e;
    }
    case 3:
      // 17 significant digits: the same double (an exponent or not).
      return LiteralExpr(sql::LiteralKind::kFloat, plan::ValueToString(v));
    case 4:
      return LiteralExpr(sql::LiteralKind::kDecimal, plan::ValueToString(v));
    default:
      return LiteralExpr(sql::LiteralKind::kString, std::get<std::string>(v));
  }
}

sql::ExprPtr CellExpr(const exec::Vector& v, const plan::DataType& t,
                      size_t i) {
  if (v.IsNull(i)) return ValueExpr(plan::Value());
  if (t.is_temporal())
    return LiteralExpr(sql::LiteralKind::kString, exec::CellText(v, t, i));
  if (t.id == plan::TypeId::kString)
    return LiteralExpr(sql::LiteralKind::kHex,
                       std::string(v.data<std::string_view>()[i]));
  return ValueExpr(exec::ValueAt(v, t, i));
}

sql::ExprPtr IntegerExpr(int64_t v) { return ValueExpr(plan::Value(v)); }

void Inline(sql::Expr* e, const std::vector<plan::Value>& params) {
  std::vector<sql::Expr*> todo{e};
  while (!todo.empty()) {
    sql::Expr* x = todo.back();
    todo.pop_back();
    if (x == nullptr) continue;
    if (x->kind == sql::ExprKind::kParam && x->param_index >= 0 &&
        static_cast<size_t>(x->param_index) < params.size()) {
      *x = std::move(*ValueExpr(params[static_cast<size_t>(x->param_index)]));
      continue;
    }
    for (auto& a : x->args) todo.push_back(a.get());
  }
}

Result<sql::ExprPtr> CopyExpr(const sql::Expr& e) {
  auto root = std::make_unique<sql::Expr>();
  std::vector<std::pair<const sql::Expr*, sql::Expr*>> todo{{&e, root.get()}};
  while (!todo.empty()) {
    auto [from, to] = todo.back();
    todo.pop_back();
    if (from->subquery || !from->order_by.empty())
      return NotSupportedYet("a subquery or ordered aggregate here");
    to->kind = from->kind;
    to->offset = from->offset;
    to->height = from->height;
    to->lit = from->lit;
    to->binary_string = from->binary_string;
    to->text = from->text;
    to->table = from->table;
    to->schema = from->schema;
    to->uop = from->uop;
    to->bop = from->bop;
    to->negated = from->negated;
    to->distinct = from->distinct;
    to->all = from->all;
    to->regexp = from->regexp;
    to->has_operand = from->has_operand;
    to->has_else = from->has_else;
    to->truth = from->truth;
    to->param_index = from->param_index;
    to->unit = from->unit;
    to->cast_type = from->cast_type;
    to->separator = from->separator;
    for (const auto& a : from->args) {
      to->args.push_back(std::make_unique<sql::Expr>());
      todo.push_back({a.get(), to->args.back().get()});
    }
  }
  return root;
}

sql::ExprPtr ColumnExpr(std::string_view name, std::string_view qualifier) {
  auto e = std::make_unique<sql::Expr>();
  e->kind = sql::ExprKind::kColumn;
  e->text = std::string(name);
  e->table = std::string(qualifier);
  return e;
}

sql::ExprPtr BinaryExpr(sql::BinaryOp op, sql::ExprPtr a, sql::ExprPtr b) {
  auto e = std::make_unique<sql::Expr>();
  e->kind = sql::ExprKind::kBinary;
  e->bop = op;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

sql::ExprPtr AllOf(std::vector<sql::ExprPtr> terms) {
  if (terms.empty()) return nullptr;
  return Flat(sql::BinaryOp::kAnd, std::move(terms));
}

sql::ExprPtr AnyOf(std::vector<sql::ExprPtr> terms) {
  if (terms.empty()) return LiteralExpr(sql::LiteralKind::kBool, "0");
  return Flat(sql::BinaryOp::kOr, std::move(terms));
}

sql::ExprPtr KeyMatch(const std::vector<std::string>& columns,
                      std::vector<sql::ExprPtr> values, sql::BinaryOp op) {
  std::vector<sql::ExprPtr> terms;
  for (size_t k = 0; k < columns.size(); ++k)
    terms.push_back(
        BinaryExpr(op, ColumnExpr(columns[k]), std::move(values[k])));
  return AllOf(std::move(terms));
}

sql::SelectStmt SelectFrom(std::string_view db, std::string_view phys,
                           std::vector<sql::ExprPtr> items, sql::ExprPtr where,
                           std::string_view alias) {
  sql::SelectStmt q;
  for (auto& e : items) {
    sql::SelectItem item;
    item.expr = std::move(e);
    q.items.push_back(std::move(item));
  }
  q.from = TableOf(db, phys, alias);
  q.where = std::move(where);
  return q;
}

sql::InsertStatement InsertInto(std::string_view db, std::string_view phys,
                                const std::vector<std::string>& columns,
                                bool replace, bool ignore) {
  sql::InsertStatement s;
  s.table = sql::QualifiedName{std::string(db), std::string(phys)};
  s.columns = columns;
  s.replace = replace;
  s.ignore = ignore;
  return s;
}

std::string DeleteSql(std::string_view db, std::string_view phys,
                      sql::ExprPtr where) {
  sql::DeleteStatement s;
  s.table = sql::QualifiedName{std::string(db), std::string(phys)};
  s.where = std::move(where);
  return sql::ToSql(s);
}

std::string UpdateSql(std::string_view db, std::string_view phys,
                      std::vector<sql::Assignment> set, sql::ExprPtr where) {
  sql::UpdateStatement s;
  s.table = TableOf(db, phys);
  s.set = std::move(set);
  s.where = std::move(where);
  return sql::ToSql(s);
}

std::string XaSql(sql::XaStatement::Op op, std::string_view xid,
                  bool one_phase) {
  sql::XaStatement s;
  s.op = op;
  s.gtrid = std::string(xid);
  s.one_phase = one_phase;
  return sql::ToSql(s);
}

std::string SetSessionSql(std::string_view name, const plan::Value& v) {
  sql::SetStatement s;
  s.items.emplace_back();
  s.items.back().name = std::string(name);
  s.items.back().value = ValueExpr(v);
  return sql::ToSql(s);
}

std::string ScanSql(const plan::LogicalNode& scan, std::string_view phys,
                    const std::vector<int>* key_subset) {
  const plan::TableSchema& t = *scan.table;
  std::vector<sql::ExprPtr> items;
  for (int c : scan.columns)
    items.push_back(ColumnExpr(t.columns[static_cast<size_t>(c)].name));
  if (items.empty()) items.push_back(IntegerExpr(1));
  sql::SelectStmt q = SelectFrom(t.database, phys, std::move(items));
  if (scan.kind == plan::NodeKind::kTableScan) return sql::ToSql(q);
  const plan::IndexSchema& idx = t.indexes[static_cast<size_t>(scan.index)];
  auto col = [&](size_t k) {
    return ColumnExpr(t.columns[static_cast<size_t>(idx.columns[k])].name);
  };
  if (scan.kind == plan::NodeKind::kGet) {
    // (k1 <=> v1 AND ...) OR (...): one term per key.
    std::vector<sql::ExprPtr> keys;
    for (size_t i = 0; i < scan.keys.size(); ++i) {
      if (key_subset != nullptr &&
          std::find(key_subset->begin(), key_subset->end(), i) ==
              key_subset->end())
        continue;
      std::vector<sql::ExprPtr> conj;
      for (size_t k = 0; k < scan.keys[i].size(); ++k)
        conj.push_back(BinaryExpr(sql::BinaryOp::kNullSafeEq, col(k),
                                  ValueExpr(scan.keys[i][k])));
      keys.push_back(AllOf(std::move(conj)));
    }
    q.where = AnyOf(std::move(keys));
    return sql::ToSql(q);
  }
  // RangeScan: bounds on a key prefix, compared as rows.
  auto bound = [&](const plan::ScanBound& b, bool lower) {
    auto l = std::make_unique<sql::Expr>();
    auto r = std::make_unique<sql::Expr>();
    l->kind = r->kind = sql::ExprKind::kRow;
    for (size_t k = 0; k < b.key.size(); ++k) {
      l->args.push_back(col(k));
      r->args.push_back(ValueExpr(b.key[k]));
    }
    const sql::BinaryOp op =
        lower ? (b.inclusive ? sql::BinaryOp::kGe : sql::BinaryOp::kGt)
              : (b.inclusive ? sql::BinaryOp::kLe : sql::BinaryOp::kLt);
    return BinaryExpr(op, std::move(l), std::move(r));
  };
  std::vector<sql::ExprPtr> conds;
  if (scan.lower && !scan.lower->key.empty())
    conds.push_back(bound(*scan.lower, true));
  if (scan.upper && !scan.upper->key.empty())
    conds.push_back(bound(*scan.upper, false));
  q.where = AllOf(std::move(conds));
  return sql::ToSql(q);
}

}  // namespace xp::cn
