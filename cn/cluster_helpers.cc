// Helpers shared by the cluster store's files (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"
#include "plan/exec/key_encoding.h"

namespace xp::cn {

std::string TableEntry(const TableSchema& t, const Placement& p) {
  std::string text = session::CreateTableText(t);
  if (p.implicit) text += kImplicitMarker;
  static const char kHex[] = "0123456789abcdef";
  for (const GlobalIndex& g : p.global) {
    text += std::string(kGlobalMarker) + std::to_string(g.number) + " ";
    for (unsigned char c : g.index) {
      text += kHex[c >> 4];
      text += kHex[c & 15];
    }
  }
  return text;
}

// The global indexes a catalog entry names (number and index name only).
std::vector<GlobalIndex> GlobalMarkers(const std::string& body) {
  std::vector<GlobalIndex> out;
  for (size_t at = body.find(kGlobalMarker); at != std::string::npos;
       at = body.find(kGlobalMarker, at + 1)) {
    size_t i = at + kGlobalMarker.size();
    GlobalIndex g;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
      g.number = g.number * 10 + static_cast<uint32_t>(body[i++] - '0');
    if (i < body.size() && body[i] == ' ') ++i;
    auto nibble = [](char c) { return c >= 'a' ? c - 'a' + 10 : c - '0'; };
    while (i + 1 < body.size() &&
           std::isxdigit(static_cast<unsigned char>(body[i])) &&
           std::isxdigit(static_cast<unsigned char>(body[i + 1]))) {
      g.index += static_cast<char>(nibble(body[i]) * 16 + nibble(body[i + 1]));
      i += 2;
    }
    out.push_back(std::move(g));
  }
  return out;
}

// A name in the physical namespace (cluster_store.h): no user table has it.
bool IsReservedName(std::string_view name) {
  if (name.size() < kPhysicalPrefix.size()) return false;
  for (size_t i = 0; i < kPhysicalPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kPhysicalPrefix[i])
      return false;
  }
  return true;
}

Status Unreachable(size_t dn, const DnEndpoint& ep, const Status& why) {
  return SqlError(ER_CONNECT_TO_FOREIGN_DATA_SOURCE,
                  "Unable to connect to foreign data source: data node " +
                      std::to_string(dn) + " (" + ep.host + ":" +
                      std::to_string(ep.port) + "): " + why.message());
}

// `st` with a note that the session's transaction was rolled back (`why`).
Status RolledBack(const Status& st, const std::string& why) {
  const std::string msg =
      st.message() + " (the transaction was rolled back: " + why + ")";
  if (st.sql_code() == 0) return SqlError(ER_ERROR_DURING_COMMIT, msg);
  return Status::SqlError(st.sql_code(), st.sql_state(), msg);
}

// A value as an SQL literal the DN parses back to the same value.
std::string Literal(const Value& v) {
  if (v.index() == 5) return QuoteString(std::get<std::string>(v));
  return plan::ValueToString(v);  // NULL, numbers (doubles to 17 digits)
}

// The canonical bytes of a key value for hashing: equal SQL values of the
// column's type give equal bytes.
void HashBytes(const Value& v, const DataType& t, std::string* out) {
  switch (v.index()) {
    case 0:
      out->push_back('\0');
      return;
    case 1:
    case 2: {
      // Integers hash by value whatever their signedness.
      const uint64_t x = v.index() == 1
                             ? static_cast<uint64_t>(std::get<int64_t>(v))
                             : std::get<uint64_t>(v);
      out->push_back('i');
      for (int i = 0; i < 8; ++i)
        out->push_back(static_cast<char>(x >> (8 * i)));
      return;
    }
    case 3: {
      double d = std::get<double>(v);
      if (d == 0) d = 0;  // -0 == 0
      out->push_back('d');
      out->append(reinterpret_cast<const char*>(&d), sizeof(d));
      return;
    }
    case 4:
      out->push_back('m');
      out->append(plan::DecimalToString(std::get<plan::Decimal>(v)));
      return;
    default: {
      const std::string& s = std::get<std::string>(v);
      out->push_back('s');
      if (t.id == plan::TypeId::kString && !t.binary) {
        exec::AppendFoldedString(s, out);
      } else {
        out->append(s);
      }
    }
  }
}

// Column c of a row of a text result.
std::string Text(const ResultSet& set, const std::vector<std::string>& row,
                 size_t c) {
  return FieldText(set.columns[c], row[c], /*binary_as_hex=*/false);
}

const LogicalNode* Leaf(const LogicalNode& n) {
  const LogicalNode* p = &n;
  while (!p->children.empty()) p = p->children[0].get();
  return p;
}

bool IsScan(NodeKind k) {
  return k == NodeKind::kTableScan || k == NodeKind::kGet ||
         k == NodeKind::kRangeScan;
}

void PatchTables(Xp::Plan::Node* n, const std::string& physical) {
  if (n->has_table()) {
    n->mutable_table()->set_name(physical);
    n->mutable_table()->clear_version();
  }
  for (auto& c : *n->mutable_children()) PatchTables(&c, physical);
}

Xp::Plan::Node* ProtoLeaf(Xp::Plan::Node* n) {
  while (n->children_size() > 0) n = n->mutable_children(0);
  return n;
}

// SQL text of a scan: SELECT columns FROM table WHERE <key condition>.
std::string ScanSql(const LogicalNode& scan, const std::string& physical,
                    const std::vector<int>* key_subset) {
  const TableSchema& t = *scan.table;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < scan.columns.size(); ++i)
    sql += (i ? "," : "") +
           QuoteIdent(t.columns[static_cast<size_t>(scan.columns[i])].name);
  if (scan.columns.empty()) sql += "1";
  sql += " FROM " + QuoteIdent(t.database) + "." + QuoteIdent(physical);
  if (scan.kind == NodeKind::kTableScan) return sql;
  const plan::IndexSchema& idx = t.indexes[static_cast<size_t>(scan.index)];
  auto col = [&](size_t k) {
    return QuoteIdent(t.columns[static_cast<size_t>(idx.columns[k])].name);
  };
  if (scan.kind == NodeKind::kGet) {
    std::string where;
    for (size_t i = 0; i < scan.keys.size(); ++i) {
      if (key_subset != nullptr &&
          std::find(key_subset->begin(), key_subset->end(), i) ==
              key_subset->end())
        continue;
      std::string conj;
      for (size_t k = 0; k < scan.keys[i].size(); ++k)
        conj +=
            (k ? " AND " : "") + col(k) + " <=> " + Literal(scan.keys[i][k]);
      where += (where.empty() ? "(" : " OR (") + conj + ")";
    }
    return sql + " WHERE " + (where.empty() ? "FALSE" : where);
  }
  // RangeScan: bounds on a key prefix, compared as rows.
  std::string where;
  auto bound = [&](const plan::ScanBound& b, bool lower) {
    std::string l = "(", r = "(";
    for (size_t k = 0; k < b.key.size(); ++k) {
      l += (k ? "," : "") + col(k);
      r += (k ? "," : "") + Literal(b.key[k]);
    }
    const char* op =
        lower ? (b.inclusive ? " >= " : " > ") : (b.inclusive ? " <= " : " < ");
    return l + ")" + op + r + ")";
  };
  if (scan.lower && !scan.lower->key.empty()) where = bound(*scan.lower, true);
  if (scan.upper && !scan.upper->key.empty())
    where += (where.empty() ? "" : " AND ") + bound(*scan.upper, false);
  return where.empty() ? sql : sql + " WHERE " + where;
}

// A constant INSERT value: a literal, a placeholder, or a signed number.
std::optional<Value> ConstantOf(const sql::Expr& e,
                                const std::vector<Value>& params) {
  using sql::ExprKind;
  using sql::LiteralKind;
  if (e.kind == ExprKind::kParam) {
    if (e.param_index < 0 ||
        static_cast<size_t>(e.param_index) >= params.size())
      return std::nullopt;
    return params[static_cast<size_t>(e.param_index)];
  }
  if (e.kind == ExprKind::kUnary && e.uop == sql::UnaryOp::kMinus &&
      e.args.size() == 1 && e.args[0]->kind == ExprKind::kLiteral &&
      e.args[0]->lit == LiteralKind::kInteger) {
    const std::string text = "-" + e.args[0]->text;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return Value(int64_t{v});
  }
  if (e.kind != ExprKind::kLiteral) return std::nullopt;
  switch (e.lit) {
    case LiteralKind::kNull:
      return Value();
    case LiteralKind::kInteger: {
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(e.text.c_str(), &end, 10);
      if (errno != 0 || *end != '\0') return std::nullopt;
      if (v <= static_cast<unsigned long long>(INT64_MAX))
        return Value(static_cast<int64_t>(v));
      return Value(static_cast<uint64_t>(v));
    }
    case LiteralKind::kDecimal: {
      Result<plan::Decimal> d = plan::ParseDecimal(e.text);
      if (!d.ok()) return std::nullopt;
      return Value(*d);
    }
    case LiteralKind::kString:
      return Value(e.text);
    default:
      return std::nullopt;
  }
}

// Replaces placeholders with literals (the statement then travels as text).
void Inline(sql::Expr* e, const std::vector<Value>& params) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kParam && e->param_index >= 0 &&
      static_cast<size_t>(e->param_index) < params.size()) {
    const Value& v = params[static_cast<size_t>(e->param_index)];
    e->kind = sql::ExprKind::kLiteral;
    switch (v.index()) {
      case 0:
        e->lit = sql::LiteralKind::kNull;
        break;
      case 1:
      case 2:
        e->lit = sql::LiteralKind::kInteger;
        e->text = plan::ValueToString(v);
        if (e->text[0] == '-') {
          // Integer literals hold digits only.
          auto inner = std::make_unique<sql::Expr>();
          inner->kind = sql::ExprKind::kLiteral;
          inner->lit = sql::LiteralKind::kInteger;
          inner->text = e->text.substr(1);
          e->kind = sql::ExprKind::kUnary;
          e->uop = sql::UnaryOp::kMinus;
          e->args.clear();
          e->args.push_back(std::move(inner));
        }
        break;
      case 3:
        e->lit = sql::LiteralKind::kFloat;
        e->text = Literal(v);
        break;
      case 4:
        e->lit = sql::LiteralKind::kDecimal;
        e->text = plan::ValueToString(v);
        break;
      default:
        e->lit = sql::LiteralKind::kString;
        e->text = std::get<std::string>(v);
    }
    return;
  }
  for (auto& a : e->args) Inline(a.get(), params);
}

// Conjuncts `col = constant` of a WHERE clause, by lower-case column name.
void EqualityConjuncts(const sql::Expr* e, const std::vector<Value>& params,
                       std::map<std::string, Value>* out) {
  if (e == nullptr) return;
  if (e->kind == sql::ExprKind::kBinary && e->bop == sql::BinaryOp::kAnd) {
    for (const auto& a : e->args) EqualityConjuncts(a.get(), params, out);
    return;
  }
  if (e->kind != sql::ExprKind::kBinary || e->bop != sql::BinaryOp::kEq) return;
  const sql::Expr* col = e->args[0].get();
  const sql::Expr* val = e->args[1].get();
  if (col->kind != sql::ExprKind::kColumn) std::swap(col, val);
  if (col->kind != sql::ExprKind::kColumn) return;
  std::optional<Value> v = ConstantOf(*val, params);
  if (!v) return;
  out->emplace(sql::AsciiLower(col->text), std::move(*v));
}

// DEFAULT, or DEFAULT(col) of the column it is given for.
bool IsDefaultOf(const sql::Expr& e, const std::string& column) {
  if (e.kind == sql::ExprKind::kDefault) return true;
  return e.kind == sql::ExprKind::kFunction && e.text == "DEFAULT" &&
         e.args.size() == 1 && e.args[0]->kind == sql::ExprKind::kColumn &&
         plan::NameEquals(e.args[0]->text, column);
}

// Row i of `v` as an SQL literal that reads back as the same value.
std::string LiteralAt(const exec::Vector& v, const DataType& t, size_t i) {
  if (v.IsNull(i)) return "NULL";
  if (t.is_temporal()) return QuoteString(exec::CellText(v, t, i));
  if (t.id == plan::TypeId::kString) {
    const std::string_view s = v.data<std::string_view>()[i];
    static const char kHex[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : s) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out + "'";
  }
  return Literal(exec::ValueAt(v, t, i));
}

}  // namespace xp::cn
