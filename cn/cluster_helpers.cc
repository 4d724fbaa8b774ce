// Helpers shared by the cluster store's files (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"
#include "plan/exec/key_encoding.h"

namespace xp::cn {

std::string TableEntry(const TableSchema& t, const Placement& p) {
  std::string text = session::CreateTableText(t);
  if (p.implicit) text += kImplicitMarker;
  if (p.id != 0) text += std::string(kIdMarker) + std::to_string(p.id);
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

}  // namespace xp::cn
