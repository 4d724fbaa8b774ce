// SqlSession: SHOW and EXPLAIN [ANALYZE].

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

std::string ColumnExtra(const plan::ColumnSchema& c) {
  if (c.auto_increment) return "auto_increment";
  std::string out = c.default_now ? "DEFAULT_GENERATED" : "";
  if (c.on_update_now)
    out += std::string(out.empty() ? "" : " ") + "on update CURRENT_TIMESTAMP";
  return out;
}

std::string ColumnKey(const plan::TableSchema& t, size_t c) {
  for (const auto& idx : t.indexes) {
    if (idx.columns.empty() || idx.columns[0] != static_cast<int>(c)) continue;
    return idx.primary ? "PRI" : idx.unique ? "UNI" : "MUL";
  }
  return "";
}

std::string Quoted(const plan::Value& v, const plan::DataType& t) {
  if (v.index() == 0) return "NULL";
  std::string text =
      v.index() == 5 ? std::get<std::string>(v) : plan::ValueToString(v);
  if (t.is_temporal()) {
    Vector one(t.phys(), 1);
    PutValue(v, 0, &one);
    one.Resize(1);
    text = CellText(one, t, 0);
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

namespace {}  // namespace

std::string CreateTableText(const plan::TableSchema& t, std::string_view name,
                            bool with_partition) {
  std::string out =
      "CREATE TABLE " + sql::QuoteIdent(name.empty() ? t.name : name) + " (\n";
  for (const auto& c : t.columns) {
    std::string type = c.type.ToString();
    // Lengths only TEXT / BLOB types have (CREATE TABLE refuses them for
    // VARCHAR).
    if (c.type.id == plan::TypeId::kString && !c.type.binary &&
        c.type.length > 16383)
      type = c.type.length > 65535 ? "LONGTEXT" : "TEXT";
    if (c.type.id == plan::TypeId::kString && c.type.binary &&
        c.type.length > 65535)
      type = "LONGBLOB";
    if (c.type.is_temporal() && c.type.scale > 0)
      type += "(" + std::to_string(c.type.scale) + ")";
    out += "  " + sql::QuoteIdent(c.name) + " " + sql::AsciiLower(type);
    if (!c.nullable) out += " NOT NULL";
    if (c.auto_increment) out += " AUTO_INCREMENT";
    if (c.default_now) {
      out += " DEFAULT CURRENT_TIMESTAMP";
    } else if (c.default_value) {
      out += " DEFAULT " + Quoted(*c.default_value, c.type);
    } else if (c.nullable) {
      out += " DEFAULT NULL";
    }
    if (c.on_update_now) out += " ON UPDATE CURRENT_TIMESTAMP";
    out += ",\n";
  }
  for (const auto& idx : t.indexes) {
    out += idx.primary  ? "  PRIMARY KEY ("
           : idx.unique ? std::string(idx.global ? "  GLOBAL" : " ") +
                              " UNIQUE KEY " + sql::QuoteIdent(idx.name) + " ("
                        : std::string(idx.global ? "  GLOBAL" : " ") + " KEY " +
                              sql::QuoteIdent(idx.name) + " (";
    for (size_t k = 0; k < idx.columns.size(); ++k) {
      if (k) out += ",";
      out +=
          sql::QuoteIdent(t.columns[static_cast<size_t>(idx.columns[k])].name);
      if (k < idx.desc.size() && idx.desc[k]) out += " DESC";
    }
    out += "),\n";
  }
  for (const plan::ForeignKeySchema& fk : t.foreign_keys)
    out += "  " + sql::ForeignKeySql(plan::ForeignKeyDefOf(t, fk)) + ",\n";
  out.resize(out.size() - 2);  // the last ",\n"
  out +=
      "\n) ENGINE=RocksDB DEFAULT CHARSET=utf8mb4 "
      "COLLATE=utf8mb4_0900_ai_ci";
  if (!with_partition) return out;
  using Kind = sql::PartitionSpec::Kind;
  const auto& p = t.partition;
  if (p.kind == Kind::kBroadcast) return out + " BROADCAST";
  if (p.kind == Kind::kSingle) return out + " SINGLE";
  if (p.kind == Kind::kHash || p.kind == Kind::kKey) {
    out +=
        p.kind == Kind::kHash ? "\nPARTITION BY HASH(" : "\nPARTITION BY KEY(";
    for (size_t i = 0; i < p.columns.size(); ++i)
      out += (i ? "," : "") + sql::QuoteIdent(p.columns[i]);
    out += ")";
    if (p.partitions > 0) out += " PARTITIONS " + std::to_string(p.partitions);
  }
  return out;
}

Result<QueryResult> SqlSession::Show(const sql::Statement& s) {
  const auto& show = static_cast<const sql::ShowStatement&>(s);
  using What = sql::ShowStatement::What;
  const plan::Catalog& catalog = store_->catalog();
  QueryResult r;
  auto text_row = [&](std::vector<std::optional<std::string>> row) {
    r.rows.push_back(std::move(row));
  };
  auto like = [&](const std::string& name) {
    return show.like.empty() || LikeMatch(name, show.like);
  };
  switch (show.what) {
    case What::kGrants:
      return ShowGrants(show);
    case What::kDatabases: {
      r.names = {"Database"};
      for (const std::string& db : catalog.Databases()) {
        if (like(db) && MaySeeDatabase(db)) text_row({db});
      }
      break;
    }
    case What::kTables: {
      const std::string db = show.database.empty() ? database_ : show.database;
      if (!catalog.HasDatabase(db))
        return SqlError(ER_BAD_DB_ERROR, "Unknown database '" + db + "'");
      r.names = {"Tables_in_" + db};
      if (show.full) r.names.push_back("Table_type");
      std::vector<std::pair<std::string, std::string>> all;
      for (const std::string& t : catalog.Tables(db))
        all.emplace_back(t, "BASE TABLE");
      for (const auto& [key, view] : store_->views()) {
        if (key.rfind(db + ".", 0) == 0)
          all.emplace_back(key.substr(db.size() + 1), "VIEW");
      }
      std::sort(all.begin(), all.end());
      for (const auto& [name, type] : all) {
        if (!like(name) || !MaySeeTable(db, name)) continue;
        if (show.full) {
          text_row({name, type});
        } else {
          text_row({name});
        }
      }
      break;
    }
    case What::kColumns:
    case What::kCreateTable:
    case What::kIndex: {
      sql::QualifiedName name = show.table;
      if (name.schema.empty() && !show.database.empty())
        name.schema = show.database;
      XP_ASSIGN_OR_RETURN(
          const plan::TableSchema* schema,
          catalog.FindTable(name.schema.empty() ? database_ : name.schema,
                            name.name));
      const plan::TableSchema& t = *schema;
      if (!MaySeeTable(t.database, t.name))
        return SqlError(ER_TABLEACCESS_DENIED_ERROR,
                        "SELECT command denied to user " + DeniedUser() +
                            " for table '" + t.name + "'");
      if (show.what == What::kCreateTable) {
        r.names = {"Table", "Create Table"};
        text_row({t.name, CreateTableText(t)});
        break;
      }
      if (show.what == What::kIndex) {
        r.names = {"Table", "Non_unique", "Key_name", "Seq_in_index",
                   "Column_name"};
        for (const auto& idx : t.indexes) {
          for (size_t k = 0; k < idx.columns.size(); ++k) {
            text_row({t.name, idx.unique ? "0" : "1", idx.name,
                      std::to_string(k + 1),
                      t.columns[static_cast<size_t>(idx.columns[k])].name});
          }
        }
        break;
      }
      r.names = {"Field", "Type", "Null", "Key", "Default", "Extra"};
      const exec::Account* me = Privileges();
      const bool whole = me == nullptr || definer_depth_ > 0 ||
                         exec::HasAnyOnTable(*me, t.database, t.name);
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const auto& col = t.columns[c];
        if (!like(col.name)) continue;
        // With column privileges only: the columns they name.
        if (!whole &&
            exec::ColumnPrivileges(*me, t.database, t.name, col.name) == 0)
          continue;
        const std::string key = ColumnKey(t, c);
        std::string type = col.type.ToString();
        for (auto& ch : type)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::optional<std::string> def;
        if (col.default_now) {
          def = "CURRENT_TIMESTAMP";
        } else if (col.default_value && col.default_value->index() != 0) {
          def = Quoted(*col.default_value, col.type);
          def = def->substr(1, def->size() - 2);
        }
        text_row({col.name, type, col.nullable ? "YES" : "NO", key, def,
                  ColumnExtra(col)});
      }
      break;
    }
    case What::kVariables: {
      r.names = {"Variable_name", "Value"};
      for (const auto& [name, v] : system_variables_) {
        if (like(name))
          text_row({name, v.index() == 0   ? std::string()
                          : v.index() == 5 ? std::get<std::string>(v)
                                           : plan::ValueToString(v)});
      }
      break;
    }
    case What::kWarnings:
      r.names = {"Level", "Code", "Message"};
      break;
    case What::kRoutineStatus:
      // No stored functions or procedures exist: none to list.
      r.names = {"Db",
                 "Name",
                 "Type",
                 "Definer",
                 "Modified",
                 "Created",
                 "Security_type",
                 "Comment",
                 "character_set_client",
                 "collation_connection",
                 "Database Collation"};
      break;
    case What::kStatus: {
      r.names = {"Variable_name", "Value"};
      // This session's point-get cache (sql_session.h, CachedPointGet).
      const std::pair<const char*, uint64_t> counters[] = {
          {"Xp_point_get_cache_entries", point_gets_.size()},
          {"Xp_point_get_cache_hits", point_get_hits_},
          {"Xp_point_get_cache_misses", point_get_misses_}};
      for (const auto& [name, n] : counters)
        if (like(name)) text_row({name, std::to_string(n)});
      break;
    }
    default:
      return NotSupported(sql::ToSql(s));
  }
  r.types.assign(r.names.size(), plan::DataType::String());
  return r;
}

namespace {

// An EXPLAIN result: one row per line of `text`.
QueryResult ExplainResult(const std::string& text) {
  QueryResult r;
  r.names.push_back("EXPLAIN");
  r.types.push_back(plan::DataType::String());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();  // no final newline
    r.rows.push_back({text.substr(start, end - start)});
    start = end + 1;
  }
  return r;
}

}  // namespace

Result<QueryResult> SqlSession::Explain(const sql::Statement& s) {
  const auto& e = static_cast<const sql::ExplainStatement&>(s);
  if (e.analyze) return ExplainAnalyze(e);
  if (!e.format.empty() && e.format != "TREE")
    return NotSupported("EXPLAIN FORMAT=" + e.format);
  if (e.statement->kind != sql::StmtKind::kSelect)
    return NotSupported("EXPLAIN of " + sql::ToSql(*e.statement));
  XP_ASSIGN_OR_RETURN(
      SelectPlan plan,
      PlanSelect(
          *static_cast<const sql::SelectStatement&>(*e.statement).query));
  XP_RETURN_IF_ERROR(Build(plan).status());  // optimizes plan.node
  return ExplainResult(plan::Explain(*plan.node));
}

Result<QueryResult> SqlSession::ExplainAnalyze(const sql::ExplainStatement& e) {
  if (e.statement->kind != sql::StmtKind::kSelect)
    return NotSupported("EXPLAIN ANALYZE of " + sql::ToSql(*e.statement));
  XP_ASSIGN_OR_RETURN(
      SelectPlan plan,
      PlanSelect(
          *static_cast<const sql::SelectStatement&>(*e.statement).query));
  OperatorProfile profile;
  exec::RemoteExecution* remote = session_->remote();
  if (remote != nullptr) remote->SetAnalyze(true);
  struct Off {
    exec::RemoteExecution* r;
    ~Off() {
      if (r != nullptr) r->SetAnalyze(false);
    }
  } off{remote};
  std::vector<plan::PassTiming> passes;
  profile_ = &profile;
  pass_timings_ = &passes;
  Result<OperatorPtr> built = Build(plan);
  profile_ = nullptr;
  pass_timings_ = nullptr;
  XP_RETURN_IF_ERROR(built.status());
  // Runs the query to its end; the rows are dropped.
  for (;;) {
    XP_ASSIGN_OR_RETURN(const Batch* b, (*built)->Next());
    if (b == nullptr) break;
  }
  const std::string text =
      plan::Explain(*plan.node, [&](const plan::LogicalNode& n) -> std::string {
        auto it = profile.nodes.find(&n);
        if (it == profile.nodes.end()) return "";  // inside a fragment
        char buf[96];
        std::snprintf(buf, sizeof(buf), "  (actual rows=%llu time=%.3f ms)",
                      static_cast<unsigned long long>(it->second.rows),
                      static_cast<double>(it->second.nanos) / 1e6);
        std::string out = buf;
        if (n.kind == plan::NodeKind::kRemote && remote != nullptr) {
          const std::string more = remote->Analysis(n);
          if (!more.empty()) out += "\n" + more;
        }
        return out;
      });
  // The optimizer's passes as they ran (plan/optimizer.h), last.
  std::string optimizer = "optimizer:";
  for (size_t k = 0; k < passes.size(); ++k) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "%s %s %.3f ms", k ? "," : "",
                  passes[k].name.c_str(),
                  static_cast<double>(passes[k].nanos) / 1e6);
    optimizer += buf;
  }
  const bool newline = text.empty() || text.back() == '\n';
  return ExplainResult(text + (newline ? "" : "\n") + optimizer);
}

}  // namespace xp::session
