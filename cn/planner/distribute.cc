// The distribute pass (which parts of a plan run on DNs) and partition
// pruning, for reads and writes alike (cluster_session.h).

#include "cn/cluster_session.h"
#include "plan/optimizer.h"

namespace xp::cn {

// ------------------------------------------------------------- distribute

namespace {

// Whether every aggregate can be split into partial + final states.
bool Splittable(const LogicalNode& agg) {
  for (const auto& a : agg.aggs) {
    if (a.distinct || a.func == plan::AggFunc::kGroupConcat ||
        a.func == plan::AggFunc::kAnyValue)
      return false;
  }
  return true;
}

// Whether a DN can run `n` (the root of a would-be fragment): everything
// but subquery expressions serializes (plan/serde.h), and the DN's
// validator takes expressions up to its nesting limit (the fragment's few
// operators nest too). What a DN cannot take stays on the CN.
bool ShippableExpr(const plan::BoundExpr& e) {
  constexpr size_t kFragmentNodes = 8;
  static const plan::PlanLimits kLimits;
  size_t nodes = 0;
  const size_t height = plan::Height(e, &nodes);
  return !HasSubquery(e) && height + kFragmentNodes <= kLimits.max_depth &&
         nodes * 2 <= kLimits.max_nodes;
}

bool Shippable(const LogicalNode& n) {
  if (n.predicate && !ShippableExpr(*n.predicate)) return false;
  for (const auto& e : n.exprs)
    if (!ShippableExpr(*e)) return false;
  return true;
}

// Moves `node` (whose child 0 is a Remote) into the fragment when a DN can
// run it; returns the new subtree root.
LogicalNodePtr Absorb(LogicalNodePtr node, bool sql_only) {
  LogicalNode& remote = *node->children[0];
  if (Placed(&remote).sealed || sql_only) return node;
  switch (node->kind) {
    case NodeKind::kFilter:
    case NodeKind::kProject: {
      LogicalNodePtr frag = std::move(remote.children[0]);
      LogicalNodePtr r = std::move(node->children[0]);
      node->children[0] = std::move(frag);
      if (!Shippable(*node)) {
        // Put things back.
        r->children[0] = std::move(node->children[0]);
        node->children[0] = std::move(r);
        return node;
      }
      r->children[0] = std::move(node);
      plan::DeriveTypes(r.get());
      return r;
    }
    case NodeKind::kLimit: {
      // Each DN returns its first offset + limit rows; the CN applies the
      // limit again.
      auto copy = plan::MakeLimit(std::move(remote.children[0]),
                                  *node->limit + node->offset, 0);
      remote.children[0] = std::move(copy);
      Placed(&remote).sealed = true;
      return node;
    }
    case NodeKind::kSort: {
      if (!node->limit) return node;
      auto copy = plan::MakeSort(std::move(remote.children[0]), node->sort_keys,
                                 *node->limit + node->offset, 0);
      if (!Shippable(*copy)) {
        remote.children[0] = std::move(copy->children[0]);
        return node;
      }
      remote.children[0] = std::move(copy);
      Placed(&remote).sealed = true;
      return node;
    }
    case NodeKind::kAggregate: {
      if (node->agg_mode != plan::AggMode::kComplete || !Splittable(*node))
        return node;
      // DN: partial states; CN: the final aggregate over them.
      std::vector<plan::AggSpec> partial = node->aggs;
      auto part = plan::MakeAggregate(std::move(remote.children[0]),
                                      node->group_columns, partial,
                                      plan::AggMode::kPartial);
      if (!Shippable(*part)) {
        remote.children[0] = std::move(part->children[0]);
        return node;
      }
      std::vector<int> groups;
      for (size_t i = 0; i < node->group_columns.size(); ++i)
        groups.push_back(static_cast<int>(i));
      std::vector<plan::AggSpec> final_aggs = node->aggs;
      int col = static_cast<int>(groups.size());
      for (auto& a : final_aggs) {
        a.column = col;
        col += a.func == plan::AggFunc::kAvg ? 2 : 1;
      }
      remote.children[0] = std::move(part);
      Placed(&remote).sealed = true;
      plan::DeriveTypes(&remote);
      auto fin = plan::MakeAggregate(std::move(node->children[0]), groups,
                                     final_aggs, plan::AggMode::kFinal);
      return fin;
    }
    default:
      return node;
  }
}

LogicalNodePtr DistributeNode(LogicalNodePtr node, bool sql_only) {
  if (IsScan(node->kind)) {
    auto r = std::make_unique<LogicalNode>();
    r->kind = NodeKind::kRemote;
    r->fragment = std::make_shared<PlacedFragment>();
    r->children.push_back(std::move(node));
    plan::DeriveTypes(r.get());
    return r;
  }
  if (node->kind == NodeKind::kRemote) return node;
  for (auto& c : node->children) c = DistributeNode(std::move(c), sql_only);
  if (node->children.size() == 1 &&
      node->children[0]->kind == NodeKind::kRemote)
    return Absorb(std::move(node), sql_only);
  return node;
}

}  // namespace

Status ClusterSession::PlaceFragments(LogicalNodePtr* root) {
  *root = DistributeNode(std::move(*root), ship_sql_);
  return Annotate(root->get());
}

Result<ClusterSession::Targets> ClusterSession::TargetsOf(
    const LogicalNode& fragment) {
  Targets t;
  t.leaf = Leaf(fragment);
  t.placement = store_->PlacementOf(*t.leaf->table);
  if (t.placement == nullptr)
    return Status::Internal("no placement for " + t.leaf->table->name);
  XP_ASSIGN_OR_RETURN(t.parts,
                      TargetPartitions(fragment, *t.placement, &t.keys));
  const LogicalNode& leaf = *t.leaf;
  if (leaf.kind == NodeKind::kGet && !t.placement->global.empty() &&
      leaf.index >= 0 && t.keys.empty() && !leaf.keys.empty()) {
    const plan::IndexSchema& idx =
        leaf.table->indexes[static_cast<size_t>(leaf.index)];
    const GlobalIndex* g = t.placement->Global(idx.name);
    bool full = g != nullptr;
    for (const auto& k : leaf.keys)
      full = full && k.size() == idx.columns.size();
    if (full) t.via = g;
  }
  return t;
}

Status ClusterSession::Annotate(LogicalNode* n) {
  for (auto& c : n->children) {
    if (n->kind != NodeKind::kRemote) XP_RETURN_IF_ERROR(Annotate(c.get()));
  }
  if (n->kind != NodeKind::kRemote) return Status::OK();
  const LogicalNode& fragment = *n->children[0];
  XP_ASSIGN_OR_RETURN(Targets targets, TargetsOf(fragment));
  const LogicalNode& leaf = *targets.leaf;
  const Placement* p = targets.placement;
  const std::vector<size_t>& parts = targets.parts;
  const std::vector<std::vector<int>>& keys = targets.keys;
  std::string info = "to";
  for (size_t i = 0; i < parts.size(); ++i)
    info += std::string(i ? ", " : " ") + p->name[parts[i]] + "@dn" +
            std::to_string(p->dn[parts[i]]);
  if (targets.via != nullptr) {
    // The partitions are those the index entries point at (found when the
    // statement runs); the index's partitions are read first.
    const GlobalIndex& g = *targets.via;
    info = "to the partitions of the rows found by global index " +
           QuoteIdent(g.index) + " (";
    std::set<size_t> idx_parts;
    for (const auto& key : leaf.keys) {
      std::optional<plan::InsertRow> image = IndexKeyImage(*leaf.table, g, key);
      if (!image) continue;  // a NULL key: no entry
      XP_ASSIGN_OR_RETURN(size_t at, PartitionOfImage(*leaf.table, g.columns,
                                                      *image, g.partitions()));
      idx_parts.insert(at);
    }
    bool first = true;
    for (size_t i : idx_parts) {
      info += (first ? "" : ", ") + g.name[i] + "@dn" + std::to_string(g.dn[i]);
      first = false;
      if (std::find(stmt_dns_.begin(), stmt_dns_.end(), g.dn[i]) ==
          stmt_dns_.end())
        stmt_dns_.push_back(g.dn[i]);
    }
    info += ")";
  }
  if (ship_sql_ && fragment.children.empty() && !parts.empty()) {
    info += " as SQL: " + ScanSql(leaf, p->name[parts.empty() ? 0 : parts[0]],
                                  keys.empty() ? nullptr : &keys[parts[0]]);
  } else {
    info += " as plan";
  }
  Placed(n).info = std::move(info);
  for (size_t part : parts) {
    if (std::find(stmt_dns_.begin(), stmt_dns_.end(), p->dn[part]) ==
        stmt_dns_.end())
      stmt_dns_.push_back(p->dn[part]);
  }
  // RemoteScan() runs the node with these same targets.
  targets_.insert_or_assign(n, std::move(targets));
  return Status::OK();
}

namespace {

// The constants a conjunct of `pred` restricts scan output column `col`
// to (col = v, col IN (v, ...)), each a key constant of the column
// (plan::KeyConstant, the rule of the optimizer's key lookups), so the
// hash of a value is the hash of what the column stores; nullopt when no
// conjunct does.
std::optional<std::vector<Value>> Restriction(const plan::BoundExpr& pred,
                                              int col,
                                              const plan::ColumnSchema& c) {
  auto usable = [&](const plan::BoundExpr& k) {
    return plan::KeyConstant(k, c.type);
  };
  auto is_col = [&](const plan::BoundExpr& e) {
    return e.op == plan::ExprOp::kColumn && e.column == col;
  };
  std::vector<const plan::BoundExpr*> conjuncts{&pred};
  while (!conjuncts.empty()) {
    const plan::BoundExpr* e = conjuncts.back();
    conjuncts.pop_back();
    if (e->op == plan::ExprOp::kAnd) {
      for (const auto& a : e->args) conjuncts.push_back(a.get());
      continue;
    }
    if (e->op == plan::ExprOp::kEq && e->args.size() == 2) {
      const plan::BoundExpr* k = nullptr;
      if (is_col(*e->args[0])) k = e->args[1].get();
      if (is_col(*e->args[1])) k = e->args[0].get();
      if (k == nullptr) continue;
      if (std::optional<Value> v = usable(*k))
        return std::vector<Value>{std::move(*v)};
      continue;
    }
    if (e->op == plan::ExprOp::kIn && is_col(*e->args[0])) {
      std::vector<Value> values;
      for (size_t i = 1; i < e->args.size(); ++i) {
        std::optional<Value> v = usable(*e->args[i]);
        if (!v) break;
        values.push_back(std::move(*v));
      }
      if (values.size() + 1 == e->args.size()) return values;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<size_t>> ClusterSession::TargetPartitions(
    const LogicalNode& fragment, const Placement& p,
    std::vector<std::vector<int>>* keys) {
  std::vector<size_t> all;
  const LogicalNode& leaf = *Leaf(fragment);
  // A Get the optimizer emptied (contradictory keys) reads nothing.
  if (leaf.kind == NodeKind::kGet && leaf.keys.empty())
    return std::vector<size_t>{};
  if (p.kind == Placement::Kind::kBroadcast) {
    // Any copy will do: the first DN's, or the one this session already
    // has a transaction branch on.
    size_t pick = 0;
    for (size_t i = 0; i < p.partitions(); ++i)
      if (branches_[p.dn[i]].active()) pick = i;
    return std::vector<size_t>{pick};
  }
  for (size_t i = 0; i < p.partitions(); ++i) all.push_back(i);
  if (p.kind != Placement::Kind::kHash || p.columns.empty()) return all;
  const TableSchema& t = *leaf.table;
  if (leaf.kind == NodeKind::kGet) {
    // Each key's partition, when the index holds every partition column.
    const plan::IndexSchema& idx = t.indexes[static_cast<size_t>(leaf.index)];
    std::vector<size_t> at;  // where each partition column is in the key
    for (int c : p.columns) {
      auto it = std::find(idx.columns.begin(), idx.columns.end(), c);
      if (it == idx.columns.end()) break;
      at.push_back(static_cast<size_t>(it - idx.columns.begin()));
    }
    bool full = at.size() == p.columns.size();
    for (const auto& key : leaf.keys)
      for (size_t a : at) full = full && a < key.size();  // not a prefix
    if (full) {
      keys->assign(p.partitions(), {});
      for (size_t k = 0; k < leaf.keys.size(); ++k) {
        size_t i = 0;
        XP_ASSIGN_OR_RETURN(
            size_t part,
            PartitionOfKey(t, p.columns, p.partitions(), [&](int) -> Value {
              return leaf.keys[k][at[i++]];
            }));
        (*keys)[part].push_back(static_cast<int>(k));
      }
      std::vector<size_t> out;
      for (size_t i = 0; i < keys->size(); ++i)
        if (!(*keys)[i].empty()) out.push_back(i);
      return out;
    }
  }
  // Equalities and IN lists on every partition column in the filters just
  // above the scan (no operator between that renumbers columns).
  std::vector<const plan::BoundExpr*> preds;
  for (const LogicalNode* n = &fragment; !n->children.empty();
       n = n->children[0].get()) {
    if (n->kind == NodeKind::kFilter && n->predicate) {
      preds.push_back(n->predicate.get());
    } else {
      // Above a Project or Aggregate the columns are others; above a
      // Limit or TopN a filter does not decide which rows it passes.
      preds.clear();
    }
  }
  std::vector<std::vector<Value>> choices;  // per partition column
  size_t combinations = 1;
  for (int c : p.columns) {
    std::optional<std::vector<Value>> values;
    for (size_t out = 0; out < leaf.columns.size() && !values; ++out) {
      if (leaf.columns[out] != c) continue;
      for (const plan::BoundExpr* pred : preds) {
        values = Restriction(*pred, static_cast<int>(out),
                             t.columns[static_cast<size_t>(c)]);
        if (values) break;
      }
    }
    if (!values || values->empty()) return all;
    combinations *= std::max<size_t>(values->size(), 1);
    if (combinations > 4 * p.partitions() + 64) return all;
    choices.push_back(std::move(*values));
  }
  std::set<size_t> parts;
  std::vector<size_t> pick(choices.size(), 0);  // one value per column
  for (size_t n = 0; n < combinations; ++n) {
    size_t rest = n;
    for (size_t i = 0; i < choices.size(); ++i) {
      pick[i] = rest % choices[i].size();
      rest /= choices[i].size();
    }
    size_t i = 0;
    XP_ASSIGN_OR_RETURN(
        size_t part,
        PartitionOfKey(t, p.columns, p.partitions(), [&](int) -> Value {
          const size_t k = i++;
          return choices[k][pick[k]];
        }));
    parts.insert(part);
  }
  return std::vector<size_t>(parts.begin(), parts.end());
}

}  // namespace xp::cn
