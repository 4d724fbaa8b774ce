// Helpers shared by SqlSession's files (engine_internal.h).

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

// The value of a constant bound expression.
namespace {

Result<plan::Value> EvalOne(const plan::BoundExpr& e, bool dates_as_text) {
  Batch one;
  one.SetRows(1);
  ExpressionEvaluator ev(e, 1);
  XP_ASSIGN_OR_RETURN(const Vector* v, ev.Evaluate(one));
  if (dates_as_text && e.type.is_temporal() && !v->IsNull(0))
    return plan::Value(CellText(*v, e.type, 0));
  return ValueAt(*v, e.type, 0);
}

}  // namespace

Result<plan::Value> EvalBound(const plan::BoundExpr& e) {
  return EvalOne(e, false);
}

Result<plan::Value> EvalToStore(const plan::BoundExpr& e) {
  return EvalOne(e, true);
}

bool IsAggregateCall(const sql::Expr& e) {
  return e.kind == sql::ExprKind::kFunction &&
         (e.text == "COUNT" || e.text == "SUM" || e.text == "AVG" ||
          e.text == "MIN" || e.text == "MAX" || e.text == "ANY_VALUE" ||
          e.text == "GROUP_CONCAT");
}

// The aggregate calls in `e` (not inside other aggregates or subqueries).
void CollectAggregates(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (IsAggregateCall(e)) {
    // The same call written twice is computed once.
    const std::string text = sql::ToSql(e);
    for (const sql::Expr* seen : *out) {
      if (sql::ToSql(*seen) == text) return;
    }
    out->push_back(&e);
    return;
  }
  for (const auto& a : e.args) CollectAggregates(*a, out);
}

// A select item's column name as MySQL gives it: the alias; a plain
// column's name; a string literal's value; else the expression as the
// client wrote it (the canonical text when there is none).
std::string ColumnName(const sql::SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  const sql::Expr& e = *item.expr;
  if (e.kind == sql::ExprKind::kColumn) return e.text;
  if (e.kind == sql::ExprKind::kLiteral && e.lit == sql::LiteralKind::kString)
    return e.text;
  return item.text.empty() ? sql::ToSql(e) : item.text;
}

// What a GROUP BY key names: `GROUP BY n` is the n-th select item (a
// position inside a * is that column); an unqualified name that is no
// column of FROM is a select-list alias (MySQL searches FROM first);
// anything else is itself. Grouping on an aggregate is 1056.
Result<const sql::Expr*> GroupKey(const sql::Expr& g, const sql::SelectStmt& q,
                                  const plan::Scope& scope,
                                  std::deque<sql::Expr>* star_refs) {
  const sql::Expr* item = nullptr;
  if (g.kind == sql::ExprKind::kLiteral &&
      g.lit == sql::LiteralKind::kInteger) {
    const long long p =
        g.text.size() > 18 ? -1 : std::strtoll(g.text.c_str(), nullptr, 10);
    long long at = 0;
    for (const auto& it : q.items) {
      if (it.expr->kind != sql::ExprKind::kStar) {
        if (++at == p) item = it.expr.get();
      } else {
        for (const auto& c : scope.columns()) {
          if (!it.expr->table.empty() ? c.table != it.expr->table : c.hidden)
            continue;
          if (++at != p) continue;
          sql::Expr& ref = star_refs->emplace_back();
          ref.kind = sql::ExprKind::kColumn;
          ref.table = c.table;
          ref.text = c.name;
          item = &ref;
        }
      }
      if (item != nullptr) break;
    }
    if (item == nullptr) {
      return SqlError(ER_BAD_FIELD_ERROR,
                      "Unknown column '" + g.text + "' in 'group statement'");
    }
  } else if (g.kind == sql::ExprKind::kColumn && g.table.empty() &&
             !scope.Resolve("", g.text, "group statement").ok()) {
    for (const auto& it : q.items) {
      if (!it.alias.empty() && plan::NameEquals(it.alias, g.text)) {
        item = it.expr.get();
        break;
      }
    }
  }
  if (item == nullptr) return &g;
  std::vector<const sql::Expr*> aggs;
  CollectAggregates(*item, &aggs);
  if (!aggs.empty()) {
    return SqlError(ER_WRONG_GROUP_FIELD,
                    "Can't group on '" + sql::ToSql(*item) + "'");
  }
  return item;
}

Result<uint64_t> LimitNumber(const sql::Expr& e,
                             const std::vector<plan::Value>* params) {
  if (e.kind == sql::ExprKind::kParam && params != nullptr &&
      e.param_index >= 0 &&
      static_cast<size_t>(e.param_index) < params->size()) {
    const plan::Value& v = (*params)[static_cast<size_t>(e.param_index)];
    if (const auto* i = std::get_if<int64_t>(&v); i != nullptr && *i >= 0)
      return static_cast<uint64_t>(*i);
    if (const auto* u = std::get_if<uint64_t>(&v)) return *u;
    return SqlError(ER_WRONG_ARGUMENTS, "Incorrect arguments to LIMIT");
  }
  if (e.kind != sql::ExprKind::kLiteral ||
      e.lit != sql::LiteralKind::kInteger) {
    return NotSupported("LIMIT with a placeholder");
  }
  // Digits only (the lexer's integer token); saturates past 2^64 - 1.
  uint64_t n = 0;
  for (char c : e.text) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return UINT64_MAX;
    n = n * 10 + d;
  }
  return n;
}

size_t CountTables(const sql::TableRef& r) {
  if (r.kind == sql::TableRef::Kind::kJoin)
    return CountTables(*r.left) + CountTables(*r.right);
  return 1;
}

void SplitConjuncts(const sql::Expr& e, std::vector<const sql::Expr*>* out) {
  if (e.kind == sql::ExprKind::kBinary && e.bop == sql::BinaryOp::kAnd) {
    for (const auto& a : e.args) SplitConjuncts(*a, out);
  } else {
    out->push_back(&e);
  }
}

// The units of an inner-join tree (tables, derived tables, outer joins) and
// its ON conditions.
void FlattenInner(const sql::TableRef& r,
                  std::vector<const sql::TableRef*>* units,
                  std::vector<const sql::Expr*>* on) {
  if (r.kind == sql::TableRef::Kind::kJoin && !r.natural &&
      r.using_columns.empty() &&
      (r.join == sql::JoinType::kInner || r.join == sql::JoinType::kCross)) {
    FlattenInner(*r.left, units, on);
    FlattenInner(*r.right, units, on);
    if (r.on) SplitConjuncts(*r.on, on);
    return;
  }
  units->push_back(&r);
}

// ORDER BY (as sort keys over op's columns) and LIMIT / OFFSET of `q`.
Result<plan::LogicalNodePtr> SortAndLimit(
    plan::LogicalNodePtr node, std::vector<SortKey> keys,
    const sql::SelectStmt& q, const std::vector<plan::Value>* params) {
  uint64_t limit = UINT64_MAX, offset = 0;
  auto number = [params](const sql::Expr& e) -> Result<uint64_t> {
    if (e.kind == sql::ExprKind::kParam && params == nullptr) return 0;
    return LimitNumber(e, params);
  };
  if (q.limit) XP_SET_OR_RETURN(limit, number(*q.limit));
  if (q.offset_expr) XP_SET_OR_RETURN(offset, number(*q.offset_expr));
  if (!keys.empty()) {
    return plan::MakeSort(
        std::move(node), std::move(keys),
        q.limit ? std::optional<uint64_t>(limit) : std::nullopt, offset);
  }
  if (q.limit || q.offset_expr)
    return plan::MakeLimit(std::move(node), limit, offset);
  return node;
}

Result<int> OrderPosition(const sql::Expr& e, size_t width) {
  if (e.kind != sql::ExprKind::kLiteral ||
      e.lit != sql::LiteralKind::kInteger) {
    return -1;
  }
  const long long p =
      e.text.size() > 18 ? -1 : std::strtoll(e.text.c_str(), nullptr, 10);
  if (p < 1 || static_cast<size_t>(p) > width) {
    return SqlError(ER_BAD_FIELD_ERROR,
                    "Unknown column '" + e.text + "' in 'order clause'");
  }
  return static_cast<int>(p - 1);
}

}  // namespace xp::session
