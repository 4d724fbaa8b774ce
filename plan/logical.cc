#include "plan/logical.h"

namespace xp::plan {

namespace {

bool IsExactInput(const DataType& t) {
  return t.id == TypeId::kInt || t.id == TypeId::kUInt ||
         t.id == TypeId::kDecimal || t.id == TypeId::kNull;
}

LogicalNodePtr Node(NodeKind kind) {
  auto n = std::make_unique<LogicalNode>();
  n->kind = kind;
  return n;
}

LogicalNodePtr WithChild(NodeKind kind, LogicalNodePtr child) {
  auto n = Node(kind);
  n->children.push_back(std::move(child));
  return n;
}

std::string ValueList(const std::vector<Value>& v) {
  std::string out = "(";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += ValueToString(v[i]);
  }
  return out + ")";
}

std::string ColumnNames(const LogicalNode& n) {
  std::string out;
  for (size_t i = 0; i < n.columns.size(); ++i) {
    if (i) out += ", ";
    out += n.table->columns[static_cast<size_t>(n.columns[i])].name;
  }
  return out;
}

void ExplainInto(const LogicalNode& n, int depth, std::string* out,
                 const ExplainAnnotator* annotate) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  *out += indent;
  *out += Describe(n);
  if (annotate != nullptr && *annotate) {
    // More lines of the annotation sit under the node's line.
    for (char c : (*annotate)(n)) {
      *out += c;
      if (c == '\n') *out += indent + "    ";
    }
  }
  *out += '\n';
  for (const auto& c : n.children) ExplainInto(*c, depth + 1, out, annotate);
}

}  // namespace

bool HashJoinable(const DataType& a, const DataType& b) {
  if (a.id != b.id || a.id == TypeId::kNull) return false;
  if (a.id == TypeId::kDecimal) return a.scale == b.scale;
  if (a.id == TypeId::kString) return a.binary == b.binary;
  return true;
}

DataType AggResultType(const AggSpec& spec, const DataType& input) {
  switch (spec.func) {
    case AggFunc::kCountStar:
    case AggFunc::kCount:
      return DataType::Int();
    case AggFunc::kMin:
    case AggFunc::kMax:
    case AggFunc::kAnyValue:
      return input;
    case AggFunc::kGroupConcat:
      return DataType::String(kGroupConcatMaxLen);
    case AggFunc::kSum:
      if (!IsExactInput(input)) return DataType::Double();
      return DataType::Decimal(38,
                               input.id == TypeId::kDecimal ? input.scale : 0);
    case AggFunc::kAvg: {
      if (!IsExactInput(input)) return DataType::Double();
      int s = (input.id == TypeId::kDecimal ? input.scale : 0) +
              kDivPrecisionIncrement;
      if (s > kMaxDecimalScale) s = kMaxDecimalScale;
      return DataType::Decimal(38, s);
    }
  }
  return DataType::Null();
}

std::vector<DataType> AggOutputTypes(const AggSpec& spec, AggMode mode,
                                     const DataType& input) {
  if (mode == AggMode::kPartial && spec.func == AggFunc::kAvg) {
    AggSpec sum = spec;
    sum.func = AggFunc::kSum;
    return {AggResultType(sum, input), DataType::Int()};
  }
  if (mode == AggMode::kFinal &&
      (spec.func == AggFunc::kCount || spec.func == AggFunc::kCountStar))
    return {DataType::Int()};
  // Partial COUNT is an Int; partial SUM / MIN / MAX / GROUP_CONCAT have
  // their final type; final AVG over a SUM state of scale s gives s + 4.
  return {AggResultType(spec, input)};
}

void DeriveTypes(LogicalNode* n) {
  n->types.clear();
  switch (n->kind) {
    case NodeKind::kValues:
      break;  // given at construction
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      if (n->columns.empty()) {
        for (size_t c = 0; c < n->table->columns.size(); ++c)
          n->columns.push_back(static_cast<int>(c));
      }
      for (int c : n->columns)
        n->types.push_back(n->table->columns[static_cast<size_t>(c)].type);
      break;
    case NodeKind::kFilter:
    case NodeKind::kSort:
    case NodeKind::kLimit:
      n->types = n->children[0]->types;
      break;
    case NodeKind::kProject:
      for (const auto& e : n->exprs) n->types.push_back(e->type);
      break;
    case NodeKind::kAggregate: {
      const auto& in = n->children[0]->types;
      for (int g : n->group_columns)
        n->types.push_back(in[static_cast<size_t>(g)]);
      for (const auto& a : n->aggs) {
        // Partial AVG is two columns (its SUM and COUNT states).
        for (const DataType& t :
             AggOutputTypes(a, n->agg_mode,
                            a.column < 0 ? DataType::Null()
                                         : in[static_cast<size_t>(a.column)]))
          n->types.push_back(t);
      }
      break;
    }
    case NodeKind::kJoin:
      n->types = n->children[0]->types;
      if (n->join == JoinKind::kInner || n->join == JoinKind::kLeft) {
        for (const auto& t : n->children[1]->types) n->types.push_back(t);
      }
      break;
    case NodeKind::kUnionAll:
    case NodeKind::kRemote:
      n->types = n->children[0]->types;
      break;
  }
}

LogicalNodePtr MakeValues(std::vector<DataType> types,
                          std::vector<std::vector<Value>> rows) {
  auto n = Node(NodeKind::kValues);
  n->types = std::move(types);
  n->rows = std::move(rows);
  return n;
}

LogicalNodePtr MakeTableScan(const TableSchema* table,
                             std::vector<int> columns) {
  auto n = Node(NodeKind::kTableScan);
  n->table = table;
  n->columns = std::move(columns);
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeFilter(LogicalNodePtr child, BoundExprPtr predicate) {
  auto n = WithChild(NodeKind::kFilter, std::move(child));
  n->predicate = std::move(predicate);
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeProject(LogicalNodePtr child,
                           std::vector<BoundExprPtr> exprs) {
  auto n = WithChild(NodeKind::kProject, std::move(child));
  n->exprs = std::move(exprs);
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeAggregate(LogicalNodePtr child,
                             std::vector<int> group_columns,
                             std::vector<AggSpec> aggs, AggMode mode) {
  auto n = WithChild(NodeKind::kAggregate, std::move(child));
  n->group_columns = std::move(group_columns);
  n->aggs = std::move(aggs);
  n->agg_mode = mode;
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeSort(LogicalNodePtr child, std::vector<SortKey> keys,
                        std::optional<uint64_t> limit, uint64_t offset) {
  auto n = WithChild(NodeKind::kSort, std::move(child));
  n->sort_keys = std::move(keys);
  n->limit = limit;
  n->offset = offset;
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeLimit(LogicalNodePtr child, uint64_t limit,
                         uint64_t offset) {
  auto n = WithChild(NodeKind::kLimit, std::move(child));
  n->limit = limit;
  n->offset = offset;
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeJoin(LogicalNodePtr probe, LogicalNodePtr build,
                        JoinKind kind, std::vector<int> probe_keys,
                        std::vector<int> build_keys, BoundExprPtr predicate) {
  auto n = WithChild(NodeKind::kJoin, std::move(probe));
  n->children.push_back(std::move(build));
  n->join = kind;
  n->probe_keys = std::move(probe_keys);
  n->build_keys = std::move(build_keys);
  n->predicate = std::move(predicate);
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr MakeUnionAll(std::vector<LogicalNodePtr> children) {
  auto n = Node(NodeKind::kUnionAll);
  n->children = std::move(children);
  DeriveTypes(n.get());
  return n;
}

LogicalNodePtr CopyNodeAlone(const LogicalNode& n) {
  auto c = std::make_unique<LogicalNode>();
  c->kind = n.kind;
  c->types = n.types;
  c->rows = n.rows;
  c->table = n.table;
  c->columns = n.columns;
  c->index = n.index;
  c->keys = n.keys;
  c->lower = n.lower;
  c->upper = n.upper;
  c->reverse = n.reverse;
  if (n.predicate) c->predicate = Clone(*n.predicate);
  for (const auto& e : n.exprs) c->exprs.push_back(Clone(*e));
  c->group_columns = n.group_columns;
  c->aggs = n.aggs;
  c->agg_mode = n.agg_mode;
  c->sort_keys = n.sort_keys;
  c->limit = n.limit;
  c->offset = n.offset;
  c->join = n.join;
  c->probe_keys = n.probe_keys;
  c->build_keys = n.build_keys;
  c->fragment = n.fragment;
  return c;
}

std::string Describe(const LogicalNode& n) {
  switch (n.kind) {
    case NodeKind::kValues:
      return "Values rows=" + std::to_string(n.rows.size());
    case NodeKind::kTableScan:
      return "TableScan " + n.table->database + "." + n.table->name + " [" +
             ColumnNames(n) + "]";
    case NodeKind::kGet: {
      std::string keys;
      for (size_t i = 0; i < n.keys.size(); ++i)
        keys += (i ? ", " : "") + ValueList(n.keys[i]);
      return "Get " + n.table->database + "." + n.table->name + " [" +
             ColumnNames(n) +
             "] index=" + n.table->indexes[static_cast<size_t>(n.index)].name +
             " keys=" + keys;
    }
    case NodeKind::kRangeScan: {
      std::string r = "RangeScan " + n.table->database + "." + n.table->name +
                      " [" + ColumnNames(n) + "] index=" +
                      n.table->indexes[static_cast<size_t>(n.index)].name + " ";
      r += n.lower ? (n.lower->inclusive ? "[" : "(") + ValueList(n.lower->key)
                   : "(-inf";
      r += " .. ";
      r += n.upper ? ValueList(n.upper->key) + (n.upper->inclusive ? "]" : ")")
                   : "+inf)";
      if (n.reverse) r += " reverse";
      return r;
    }
    case NodeKind::kFilter:
      return "Filter " + ToString(*n.predicate);
    case NodeKind::kProject: {
      std::string r = "Project ";
      for (size_t i = 0; i < n.exprs.size(); ++i)
        r += (i ? ", " : "") + ToString(*n.exprs[i]);
      return r;
    }
    case NodeKind::kAggregate: {
      static const char* kNames[] = {"COUNT(*)",  "COUNT",       "SUM",
                                     "AVG",       "MIN",         "MAX",
                                     "ANY_VALUE", "GROUP_CONCAT"};
      static_assert(sizeof(kNames) / sizeof(kNames[0]) ==
                    static_cast<size_t>(AggFunc::kGroupConcat) + 1);
      std::string r = "Aggregate group=[";
      for (size_t i = 0; i < n.group_columns.size(); ++i)
        r += (i ? ", #" : "#") + std::to_string(n.group_columns[i]);
      r += "] aggs=[";
      for (size_t i = 0; i < n.aggs.size(); ++i) {
        const AggSpec& a = n.aggs[i];
        r += i ? ", " : "";
        r += kNames[static_cast<int>(a.func)];
        if (a.func != AggFunc::kCountStar) {
          r += std::string("(") + (a.distinct ? "DISTINCT " : "") + "#" +
               std::to_string(a.column) + ")";
        }
      }
      r += "]";
      if (n.agg_mode == AggMode::kPartial) r += " mode=partial";
      if (n.agg_mode == AggMode::kFinal) r += " mode=final";
      return r;
    }
    case NodeKind::kSort: {
      std::string r = n.limit ? "TopN " : "Sort ";
      for (size_t i = 0; i < n.sort_keys.size(); ++i) {
        r += (i ? ", #" : "#") + std::to_string(n.sort_keys[i].column) +
             (n.sort_keys[i].desc ? " DESC" : "");
      }
      if (n.limit) r += " limit=" + std::to_string(*n.limit);
      if (n.offset) r += " offset=" + std::to_string(n.offset);
      return r;
    }
    case NodeKind::kLimit:
      return "Limit " + std::to_string(*n.limit) +
             (n.offset ? " offset=" + std::to_string(n.offset) : "");
    case NodeKind::kJoin: {
      static const char* kKinds[] = {"inner", "left", "semi", "anti"};
      std::string r =
          std::string(n.probe_keys.empty() ? "NestedLoopJoin " : "HashJoin ") +
          kKinds[static_cast<int>(n.join)];
      for (size_t i = 0; i < n.probe_keys.size(); ++i) {
        r += (i ? " AND #" : " #") + std::to_string(n.probe_keys[i]) +
             " = build#" + std::to_string(n.build_keys[i]);
      }
      if (n.predicate) r += " on " + ToString(*n.predicate);
      return r;
    }
    case NodeKind::kUnionAll:
      return "UnionAll";
    case NodeKind::kRemote: {
      const std::string d = n.fragment ? n.fragment->Describe() : "";
      return d.empty() ? "Remote" : "Remote " + d;
    }
  }
  return "?";
}

const char* NodeKindName(NodeKind kind) {
  static const char* kNames[] = {
      "Values",    "TableScan", "Get",   "RangeScan", "Filter",   "Project",
      "Aggregate", "Sort",      "Limit", "Join",      "UnionAll", "Remote"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) ==
                static_cast<size_t>(NodeKind::kRemote) + 1);
  return kNames[static_cast<int>(kind)];
}

std::string Explain(const LogicalNode& node) {
  std::string out;
  ExplainInto(node, 0, &out, nullptr);
  return out;
}

std::string Explain(const LogicalNode& node, const ExplainAnnotator& annotate) {
  std::string out;
  ExplainInto(node, 0, &out, &annotate);
  return out;
}

}  // namespace xp::plan
