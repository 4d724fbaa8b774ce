// SqlSession: FROM clauses (tables, views, derived tables, joins with ON,
// USING and NATURAL), lowering and running a SELECT.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

Result<SqlSession::FromPlan> SqlSession::PlanDerived(
    const sql::SelectStmt& query, const std::vector<std::string>& column_names,
    const std::string& alias, SelectPlan* owner) {
  XP_ASSIGN_OR_RETURN(SelectPlan sub, PlanSelect(query));
  if (!column_names.empty() && column_names.size() != sub.visible) {
    return SqlError(ER_VIEW_WRONG_LIST,
                    "In definition of view, derived table or "
                    "common table expression, SELECT list and "
                    "column names list have different column "
                    "counts");
  }
  FromPlan u;
  std::vector<plan::BoundExprPtr> cols;
  for (size_t i = 0; i < sub.visible; ++i) {
    const std::string& name =
        column_names.empty() ? sub.names[i] : column_names[i];
    for (const auto& c : u.columns) {
      if (c.name == name) {
        return SqlError(ER_DUP_FIELDNAME,
                        "Duplicate column name '" + name + "'");
      }
    }
    u.columns.push_back({alias, name, sub.types[i]});
    cols.push_back(plan::MakeColumn(static_cast<int>(i), sub.types[i]));
  }
  u.node = plan::MakeProject(std::move(sub.node), std::move(cols));
  return u;
}

Result<SqlSession::FromPlan> SqlSession::PlanJoinUnit(
    const sql::TableRef& ref, const std::shared_ptr<plan::OuterContext>& outer,
    SelectPlan* owner) {
  FromPlan u;
  switch (ref.kind) {
    case sql::TableRef::Kind::kTable: {
      if (ref.schema.empty()) {
        for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
          const sql::CommonTableExpr& cte = **it;
          if (!plan::NameEquals(cte.name, ref.name)) continue;
          // The CTE's own body sees only the CTEs before it.
          const std::vector<const sql::CommonTableExpr*> outer(
              ctes_.begin(), std::next(it).base());
          CteScope visible(this, outer);
          return PlanDerived(*cte.query, cte.columns,
                             ref.alias.empty() ? ref.name : ref.alias, owner);
        }
      }
      const std::string qualified = plan::QualifiedKey(
          ref.schema.empty() ? database_ : ref.schema, ref.name);
      auto view = store_->views().find(qualified);
      const std::string db = ref.schema.empty() ? database_ : ref.schema;
      if (sql::AsciiLower(db) == "information_schema")
        return InformationSchemaTable(ref.name,
                                      ref.alias.empty() ? ref.name : ref.alias);
      if (view != store_->views().end()) {
        // The view is checked; its body runs with its definer's rights.
        XP_RETURN_IF_ERROR(
            CheckTable(exec::kPrivSelect, "SELECT", db, ref.name));
        ++definer_depth_;
        auto v = PlanDerived(*view->second->query, view->second->columns,
                             ref.alias.empty() ? ref.name : ref.alias, owner);
        --definer_depth_;
        if (!v.ok() &&
            (v.status().sql_code() == 1146 || v.status().sql_code() == 1054)) {
          return SqlError(
              ER_VIEW_INVALID,
              "View '" + qualified +
                  "' references invalid table(s) or column(s) or function(s) "
                  "or definer/invoker of view lack rights to use them");
        }
        return v;
      }
      XP_ASSIGN_OR_RETURN(const plan::TableSchema* table,
                          Schema(sql::QualifiedName{ref.schema, ref.name}));
      // Without SELECT on the table, SELECT on some of its columns lets
      // the statement read those (the others are refused where named).
      bool by_column = false;
      XP_RETURN_IF_ERROR(CheckTableOrColumns(exec::kPrivSelect, "SELECT", db,
                                             table->name, &by_column));
      const std::string qualifier = ref.alias.empty() ? ref.name : ref.alias;
      for (const auto& c : table->columns) {
        u.columns.push_back({qualifier, c.name, c.type, false, &c});
        if (by_column)
          u.columns.back().denied = ColumnDenied(exec::kPrivSelect, "SELECT",
                                                 db, table->name, c.name);
      }
      u.node = plan::MakeTableScan(table);
      return u;
    }
    case sql::TableRef::Kind::kSubquery:
      // A derived table: planned on its own (no outer names, like MySQL
      // without LATERAL).
      return PlanDerived(*ref.subquery, ref.column_aliases, ref.alias, owner);
    case sql::TableRef::Kind::kJoin:
      break;
  }
  if (ref.natural || !ref.using_columns.empty())
    return PlanUsingJoin(ref, outer, owner);
  if (ref.join != sql::JoinType::kLeft && ref.join != sql::JoinType::kRight)
    return PlanFrom(ref, {}, outer, owner);
  // An outer join: the preserved side probes, the other is built.
  const bool right = ref.join == sql::JoinType::kRight;
  XP_ASSIGN_OR_RETURN(FromPlan l, PlanJoinUnit(*ref.left, outer, owner));
  XP_ASSIGN_OR_RETURN(FromPlan r, PlanJoinUnit(*ref.right, outer, owner));
  FromPlan& keep = right ? r : l;
  FromPlan& other = right ? l : r;
  plan::Scope scope;
  PrepareScope(&scope, outer);
  for (const auto& c : keep.columns) scope.Add(c);
  for (const auto& c : other.columns) scope.Add(c);
  plan::BoundExprPtr on;
  if (ref.on) XP_SET_OR_RETURN(on, plan::BindExpr(*ref.on, scope, "on clause"));
  const size_t nk = keep.columns.size(), no = other.columns.size();
  plan::LogicalNodePtr join =
      plan::MakeJoin(std::move(keep.node), std::move(other.node),
                     JoinKind::kLeft, {}, {}, std::move(on));
  FromPlan out;
  out.columns = l.columns;
  for (const auto& c : r.columns) out.columns.push_back(c);
  if (right) {  // back to left-then-right column order
    std::vector<plan::BoundExprPtr> cols;
    for (size_t i = 0; i < no; ++i)
      cols.push_back(
          plan::MakeColumn(static_cast<int>(nk + i), out.columns[i].type));
    for (size_t i = 0; i < nk; ++i)
      cols.push_back(
          plan::MakeColumn(static_cast<int>(i), out.columns[no + i].type));
    join = plan::MakeProject(std::move(join), std::move(cols));
  }
  out.node = std::move(join);
  return out;
}

namespace {

// The one visible column of `columns` named `name`: 1054 when there is
// none, 1052 when there are several.
Result<int> UsingColumn(const std::vector<plan::ScopeColumn>& columns,
                        const std::string& name) {
  int found = -1;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].hidden || !plan::NameEquals(columns[i].name, name)) continue;
    if (found >= 0)
      return SqlError(ER_NON_UNIQ_ERROR,
                      "Column '" + name + "' in from clause is ambiguous");
    found = static_cast<int>(i);
  }
  if (found < 0)
    return SqlError(ER_BAD_FIELD_ERROR,
                    "Unknown column '" + name + "' in 'from clause'");
  return found;
}

}  // namespace

Result<SqlSession::FromPlan> SqlSession::PlanUsingJoin(
    const sql::TableRef& ref, const std::shared_ptr<plan::OuterContext>& outer,
    SelectPlan* owner) {
  XP_ASSIGN_OR_RETURN(FromPlan l, PlanJoinUnit(*ref.left, outer, owner));
  XP_ASSIGN_OR_RETURN(FromPlan r, PlanJoinUnit(*ref.right, outer, owner));
  // The common columns: NATURAL takes every visible name both sides have,
  // in the left side's order.
  std::vector<std::string> names = ref.using_columns;
  if (ref.natural) {
    for (const auto& c : l.columns) {
      if (c.hidden) continue;
      bool both = false;
      for (const auto& d : r.columns)
        both |= !d.hidden && plan::NameEquals(c.name, d.name);
      bool seen = false;
      for (const auto& n : names) seen |= plan::NameEquals(n, c.name);
      if (both && !seen) names.push_back(c.name);
    }
  }
  std::vector<int> li, ri;  // per common column: its position on each side
  for (const std::string& n : names) {
    XP_ASSIGN_OR_RETURN(int a, UsingColumn(l.columns, n));
    XP_ASSIGN_OR_RETURN(int b, UsingColumn(r.columns, n));
    for (int seen : li)
      if (seen == a)
        return SqlError(ER_DUP_FIELDNAME, "Duplicate column name '" + n + "'");
    li.push_back(a);
    ri.push_back(b);
  }
  const bool right = ref.join == sql::JoinType::kRight;
  const bool outer_join = right || ref.join == sql::JoinType::kLeft;
  // Join output: the preserved side (the left one of an inner join), then
  // the other.
  FromPlan& keep = right ? r : l;
  FromPlan& other = right ? l : r;
  const std::vector<int>& ki = right ? ri : li;
  const std::vector<int>& oi = right ? li : ri;
  const size_t nk = keep.columns.size();
  std::vector<plan::BoundExprPtr> eqs;
  bool hashable = !ki.empty();
  for (size_t i = 0; i < ki.size(); ++i) {
    const auto& kt = keep.columns[static_cast<size_t>(ki[i])].type;
    const auto& ot = other.columns[static_cast<size_t>(oi[i])].type;
    hashable &= plan::HashJoinable(kt, ot);
    std::vector<plan::BoundExprPtr> pair;
    pair.push_back(plan::MakeColumn(ki[i], kt));
    pair.push_back(plan::MakeColumn(static_cast<int>(nk) + oi[i], ot));
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr eq,
                        plan::MakeCall(plan::ExprOp::kEq, std::move(pair)));
    eqs.push_back(std::move(eq));
  }
  plan::BoundExprPtr on;
  if (eqs.size() == 1) {
    on = std::move(eqs[0]);
  } else if (eqs.size() > 1) {
    XP_SET_OR_RETURN(on, plan::MakeCall(plan::ExprOp::kAnd, std::move(eqs)));
  }
  plan::LogicalNodePtr join;
  if (!outer_join && hashable) {
    join = plan::MakeJoin(std::move(keep.node), std::move(other.node),
                          JoinKind::kInner, ki, oi, nullptr);
  } else {
    join = plan::MakeJoin(std::move(keep.node), std::move(other.node),
                          outer_join ? JoinKind::kLeft : JoinKind::kInner, {},
                          {}, std::move(on));
  }
  // Output, as MySQL orders it: the common columns (from the preserved
  // side), then each side's columns in order with its common ones hidden
  // (t1.c and t1.* still reach them; * and c do not).
  auto at = [&](bool left_side, int i) {
    return static_cast<int>((left_side != right) ? i : nk + i);
  };
  auto common = [](const std::vector<int>& v, size_t i) {
    return std::find(v.begin(), v.end(), static_cast<int>(i)) != v.end();
  };
  FromPlan out;
  std::vector<plan::BoundExprPtr> cols;
  for (size_t i = 0; i < ki.size(); ++i) {
    const auto& c = keep.columns[static_cast<size_t>(ki[i])];
    cols.push_back(plan::MakeColumn(ki[i], c.type));
    out.columns.push_back({"", c.name, c.type});
  }
  for (int side = 0; side < 2; ++side) {
    const FromPlan& f = side == 0 ? l : r;
    const std::vector<int>& mine = side == 0 ? li : ri;
    for (size_t i = 0; i < f.columns.size(); ++i) {
      plan::ScopeColumn c = f.columns[i];
      c.hidden = c.hidden || common(mine, i);
      cols.push_back(
          plan::MakeColumn(at(side == 0, static_cast<int>(i)), c.type));
      out.columns.push_back(std::move(c));
    }
  }
  out.node = plan::MakeProject(std::move(join), std::move(cols));
  return out;
}

Result<SqlSession::FromPlan> SqlSession::PlanFrom(
    const sql::TableRef& ref, std::vector<const sql::Expr*> where,
    const std::shared_ptr<plan::OuterContext>& outer, SelectPlan* owner) {
  std::vector<const sql::TableRef*> unit_refs;
  std::vector<const sql::Expr*> on;
  FlattenInner(ref, &unit_refs, &on);
  // Plan each unit; the scope lists their columns in FROM order.
  std::vector<FromPlan> units;
  std::vector<size_t> first;  // unit -> its first column in the scope
  std::vector<int> unit_of;   // scope column -> unit
  plan::Scope scope;
  PrepareScope(&scope, outer);
  std::vector<std::string> qualifiers;
  for (const sql::TableRef* r : unit_refs) {
    XP_ASSIGN_OR_RETURN(FromPlan u, PlanJoinUnit(*r, outer, owner));
    if (r->kind != sql::TableRef::Kind::kJoin) {
      const std::string q = r->alias.empty() ? r->name : r->alias;
      for (const auto& seen : qualifiers) {
        if (seen == q) {
          return SqlError(ER_NONUNIQ_TABLE,
                          "Not unique table/alias: '" + q + "'");
        }
      }
      qualifiers.push_back(q);
    }
    first.push_back(scope.columns().size());
    for (const auto& c : u.columns) {
      scope.Add(c);
      unit_of.push_back(static_cast<int>(units.size()));
    }
    units.push_back(std::move(u));
  }
  const size_t ncols = scope.columns().size();
  // Bind the conditions over the whole scope; note the units each reads.
  struct Conjunct {
    plan::BoundExprPtr expr;
    uint64_t units = 0;
    bool applied = false;
  };
  std::vector<Conjunct> conjuncts;
  auto add = [&](const sql::Expr* e, const char* clause) -> Status {
    XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b,
                        plan::BindExpr(*e, scope, clause));
    std::vector<int> cols;
    plan::CollectColumns(*b, &cols);
    uint64_t mask = 0;
    for (int c : cols) mask |= uint64_t{1} << unit_of[static_cast<size_t>(c)];
    conjuncts.push_back(Conjunct{std::move(b), mask});
    return Status::OK();
  };
  for (const sql::Expr* e : on) XP_RETURN_IF_ERROR(add(e, "on clause"));
  for (const sql::Expr* e : where) XP_RETURN_IF_ERROR(add(e, "where clause"));
  // Conditions on one unit filter it before any join.
  for (size_t u = 0; u < units.size(); ++u) {
    std::vector<int> local(ncols, -1);
    for (size_t c = 0; c < units[u].columns.size(); ++c)
      local[first[u] + c] = static_cast<int>(c);
    for (auto& cj : conjuncts) {
      if (cj.applied || cj.units != (uint64_t{1} << u)) continue;
      plan::BoundExprPtr p = plan::Clone(*cj.expr);
      plan::RemapColumns(p.get(), local);
      units[u].node = plan::MakeFilter(std::move(units[u].node), std::move(p));
      cj.applied = true;
    }
  }
  // Greedy join order: start with the first unit; next take a unit joined
  // to what we have by equalities of columns (a hash join on them), else the
  // next unit in FROM order (a cross join).
  std::vector<int> pos(ncols, -1);  // scope column -> current output column
  uint64_t joined = 1;
  size_t width = units[0].columns.size();
  for (size_t c = 0; c < width; ++c) pos[c] = static_cast<int>(c);
  plan::LogicalNodePtr op = std::move(units[0].node);
  auto apply_ready = [&]() {
    for (auto& cj : conjuncts) {
      if (cj.applied || (cj.units & ~joined) != 0) continue;
      plan::BoundExprPtr p = plan::Clone(*cj.expr);
      plan::RemapColumns(p.get(), pos);
      op = plan::MakeFilter(std::move(op), std::move(p));
      cj.applied = true;
    }
  };
  apply_ready();
  // The join keys between the current set and unit u: (conjunct, side of
  // the current set, side of u).
  auto keys_to = [&](size_t u) {
    std::vector<std::pair<size_t, std::pair<int, int>>> keys;
    for (size_t k = 0; k < conjuncts.size(); ++k) {
      const auto& cj = conjuncts[k];
      if (cj.applied || cj.expr->op != plan::ExprOp::kEq) continue;
      const auto& a = *cj.expr->args[0];
      const auto& b = *cj.expr->args[1];
      if (a.op != plan::ExprOp::kColumn || b.op != plan::ExprOp::kColumn ||
          !plan::HashJoinable(a.type, b.type))
        continue;
      const uint64_t ua = uint64_t{1} << unit_of[static_cast<size_t>(a.column)];
      const uint64_t ub = uint64_t{1} << unit_of[static_cast<size_t>(b.column)];
      const uint64_t bit = uint64_t{1} << u;
      if ((ua & joined) && ub == bit) {
        keys.push_back({k, {a.column, b.column}});
      } else if ((ub & joined) && ua == bit) {
        keys.push_back({k, {b.column, a.column}});
      }
    }
    return keys;
  };
  for (size_t step = 1; step < units.size(); ++step) {
    size_t next = units.size();
    std::vector<std::pair<size_t, std::pair<int, int>>> keys;
    for (size_t u = 0; u < units.size() && next == units.size(); ++u) {
      if (joined & (uint64_t{1} << u)) continue;
      keys = keys_to(u);
      if (!keys.empty()) next = u;
    }
    if (next == units.size()) {  // nothing connected: cross join
      for (size_t u = 0; u < units.size(); ++u) {
        if (!(joined & (uint64_t{1} << u))) {
          next = u;
          break;
        }
      }
    }
    std::vector<int> probe_keys, build_keys;
    for (const auto& [k, cols] : keys) {
      probe_keys.push_back(pos[static_cast<size_t>(cols.first)]);
      build_keys.push_back(static_cast<int>(cols.second - first[next]));
      conjuncts[k].applied = true;
    }
    op = plan::MakeJoin(std::move(op), std::move(units[next].node),
                        JoinKind::kInner, std::move(probe_keys),
                        std::move(build_keys), nullptr);
    for (size_t c = 0; c < units[next].columns.size(); ++c)
      pos[first[next] + c] = static_cast<int>(width + c);
    width += units[next].columns.size();
    joined |= uint64_t{1} << next;
    apply_ready();
  }
  FromPlan out;
  bool identity = true;
  for (size_t c = 0; c < ncols; ++c) identity &= pos[c] == static_cast<int>(c);
  if (!identity) {
    std::vector<plan::BoundExprPtr> cols;
    for (size_t c = 0; c < ncols; ++c)
      cols.push_back(plan::MakeColumn(pos[c], scope.columns()[c].type));
    op = plan::MakeProject(std::move(op), std::move(cols));
  }
  out.node = std::move(op);
  out.columns = scope.columns();
  return out;
}

Result<OperatorPtr> SqlSession::Scan(const plan::LogicalNode& scan) {
  if (scan.kind == plan::NodeKind::kRemote) {
    if (session_->remote() == nullptr) {
      return Status::Internal("a Remote node over a store without remotes");
    }
    return session_->remote()->RemoteScan(scan);
  }
  XP_ASSIGN_OR_RETURN(
      TableStore * table,
      Table(sql::QualifiedName{scan.table->database, scan.table->name}));
  return table->Scan(scan, /*row_ids=*/false);
}

Result<OperatorPtr> SqlSession::Build(SelectPlan& plan) {
  plan::OptimizerOptions options = Options();
  const plan::Value& roundtrip = system_variables_.at("xp_plan_roundtrip");
  options.roundtrip = roundtrip.index() == 1 && std::get<int64_t>(roundtrip);
  options.catalog = &store_->catalog();
  options.timings = pass_timings_;
  if (point_get_capture_ != nullptr) {
    // The optimized plan as a cached point read would start from.
    options.extensions.push_back(
        {"keep_point_get", [this](plan::LogicalNodePtr* root) {
           CapturePointGet(**root);
           return Status::OK();
         }});
  }
  if (exec::RemoteExecution* remote = session_->remote()) {
    options.extensions.push_back(
        {"place_fragments", [remote](plan::LogicalNodePtr* root) {
           return remote->PlaceFragments(root);
         }});
  }
  XP_RETURN_IF_ERROR(plan::Optimize(&plan.node, options));
  return Lower(
      *plan.node, [this](const plan::LogicalNode& scan) { return Scan(scan); },
      profile_);
}

Result<QueryResult> SqlSession::Select(const sql::SelectStmt& q) {
  SelectPlan plan;
  const bool cached = point_get_plan_.has_value();
  if (cached) {
    // A cached point read (point_get_cache.cc), made outside the DDL lock
    // this statement holds: a DDL in between (rare) is the client's retry.
    if (store_->ddl_epoch() != point_get_epoch_)
      return SqlError(ER_TABLE_DEF_CHANGED,
                      "Table definition has changed, please retry "
                      "transaction");
    plan = std::move(*point_get_plan_);
    point_get_plan_.reset();
    const plan::TableSchema& table =
        *plan.node->children[0]->children[0]->table;
    // Planned before: the binder's privilege check is made here (grants
    // may have changed since).
    XP_RETURN_IF_ERROR(
        CheckTable(exec::kPrivSelect, "SELECT", table.database, table.name));
    NoteTable(table);
    if (!locked_tables_.empty() || store_->table_locks().any())
      XP_RETURN_IF_ERROR(TableLockFor(table, /*write=*/false));
  } else {
    XP_SET_OR_RETURN(plan, PlanSelect(q));
  }
  QueryResult result;
  result.names = plan.names;
  result.types = plan.types;
  const size_t visible = plan.visible;
  Result<OperatorPtr> made = [&]() -> Result<OperatorPtr> {
    if (!cached) return Build(plan);
    // Optimized already: only placed (on a compute node) and lowered.
    if (exec::RemoteExecution* remote = session_->remote())
      XP_RETURN_IF_ERROR(remote->PlaceFragments(&plan.node));
    return Lower(
        *plan.node,
        [this](const plan::LogicalNode& scan) { return Scan(scan); }, profile_);
  }();
  XP_ASSIGN_OR_RETURN(OperatorPtr built, std::move(made));
  Operator* op = built.get();
  if (sink_ != nullptr) {
    XP_RETURN_IF_ERROR(sink_->Columns(result.names, result.types));
    for (;;) {
      XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
      if (b == nullptr) break;
      if (b->num_rows() == 0) continue;
      streamed_rows_ += static_cast<int64_t>(b->num_rows());
      XP_RETURN_IF_ERROR(sink_->Rows(*b, visible));
    }
    return result;
  }
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, op->Next());
    if (b == nullptr) break;
    for (size_t r = 0; r < b->num_rows(); ++r) {
      std::vector<std::optional<std::string>> row;
      for (size_t c = 0; c < visible; ++c) {
        const Vector& v = b->column(c);
        if (v.IsNull(r)) {
          row.emplace_back();
        } else {
          row.emplace_back(CellText(v, result.types[c], r));
        }
      }
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace xp::session
