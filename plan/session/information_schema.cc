// SqlSession: information_schema (MySQL 8's names and columns). Each table
// is made when a statement names it, from the catalog and the accounts,
// as rows the planner reads like any other table (a Values leaf: joins,
// filters, ORDER BY, aggregates work on it), listing only what the session
// may see: databases and tables it has a privilege in, columns it may
// use, and (without SELECT on `mysql`) its own account's grants.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

using exec::Account;
using plan::DataType;
using plan::Value;

namespace {

// One information_schema table being filled.
struct InfoTable {
  std::vector<std::string> names;
  std::vector<DataType> types;
  std::vector<std::vector<Value>> rows;

  void Text(const char* name) {
    names.push_back(name);
    types.push_back(DataType::String(512));
  }
  void Number(const char* name) {
    names.push_back(name);
    types.push_back(DataType::Int());
  }
};

Value Text(std::string s) { return Value(std::move(s)); }
Value Number(uint64_t n) { return Value(static_cast<int64_t>(n)); }

std::string Lower(std::string s) { return sql::AsciiLower(s); }

// 'user'@'host', information_schema's GRANTEE form.
std::string Grantee(const exec::AccountName& n) { return n.Quoted(); }

// The type as COLUMN_TYPE shows it ("varchar(20)", "int unsigned") and
// its first word (DATA_TYPE).
std::pair<std::string, std::string> TypeText(const DataType& t) {
  std::string full = Lower(t.ToString());
  size_t end = full.find_first_of("( ");
  return {full, full.substr(0, end)};
}

// The number(s) in COLUMN_TYPE's parentheses: "varchar(20)" -> 20,
// "decimal(10,2)" -> 10 and 2.
std::vector<uint64_t> TypeNumbers(const std::string& column_type) {
  std::vector<uint64_t> out;
  const size_t open = column_type.find('(');
  if (open == std::string::npos) return out;
  uint64_t v = 0;
  bool any = false;
  for (size_t i = open + 1; i < column_type.size(); ++i) {
    const char c = column_type[i];
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<uint64_t>(c - '0');
      any = true;
    } else {
      if (any) out.push_back(v);
      v = 0;
      any = false;
      if (c == ')') break;
    }
  }
  return out;
}

bool IsCharType(const std::string& data_type) {
  return data_type == "char" || data_type == "varchar" ||
         data_type.find("text") != std::string::npos || data_type == "enum" ||
         data_type == "set";
}

}  // namespace

Result<SqlSession::FromPlan> SqlSession::InformationSchemaTable(
    const std::string& name, const std::string& qualifier) {
  std::string table = sql::AsciiLower(name);
  for (char& c : table)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const plan::Catalog& catalog = store_->catalog();
  const Account* me = Privileges();
  InfoTable t;
  // The accounts whose grants this session may list: all with SELECT on
  // `mysql` (or no checks), else its own.
  const auto grantees = [&]() {
    std::vector<exec::Accounts::Ptr> out;
    const bool all =
        me == nullptr || exec::HasOnDatabase(*me, "mysql", exec::kPrivSelect);
    for (const exec::Accounts::Ptr& a : store_->accounts().All())
      if (all || (account_name_ && a->name == *account_name_)) out.push_back(a);
    return out;
  };
  // Databases and tables (views too) the session may see, sorted.
  const auto visible_tables = [&](const std::string& db) {
    std::vector<std::pair<std::string, bool>> out;  // name, is view
    for (const std::string& n : catalog.Tables(db)) out.emplace_back(n, false);
    for (const auto& [key, view] : store_->views())
      if (key.rfind(db + ".", 0) == 0)
        out.emplace_back(key.substr(db.size() + 1), true);
    std::sort(out.begin(), out.end());
    std::erase_if(out,
                  [&](const auto& e) { return !MaySeeTable(db, e.first); });
    return out;
  };
  std::vector<std::string> databases;
  for (const std::string& db : catalog.Databases())
    if (MaySeeDatabase(db)) databases.push_back(db);
  // Every base table the session may see, with its schema.
  const auto each_table =
      [&](const std::function<void(const std::string&,
                                   const plan::TableSchema&)>& fn) {
        for (const std::string& db : databases) {
          for (const auto& [n, view] : visible_tables(db)) {
            if (view) continue;
            auto schema = catalog.FindTable(db, n);
            if (schema.ok()) fn(db, **schema);
          }
        }
      };
  const std::string collation =
      std::get<std::string>(system_variables_.at("collation_server"));

  if (table == "SCHEMATA") {
    for (const char* c :
         {"CATALOG_NAME", "SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME",
          "DEFAULT_COLLATION_NAME", "SQL_PATH", "DEFAULT_ENCRYPTION"})
      t.Text(c);
    std::vector<std::string> all = databases;
    all.push_back("information_schema");
    std::sort(all.begin(), all.end());
    for (const std::string& db : all)
      t.rows.push_back({Text("def"), Text(db), Text("utf8mb4"), Text(collation),
                        Value(), Text("NO")});
  } else if (table == "TABLES") {
    for (const char* c : {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME",
                          "TABLE_TYPE", "ENGINE"})
      t.Text(c);
    t.Number("VERSION");
    t.Text("ROW_FORMAT");
    for (const char* c :
         {"TABLE_ROWS", "AVG_ROW_LENGTH", "DATA_LENGTH", "MAX_DATA_LENGTH",
          "INDEX_LENGTH", "DATA_FREE", "AUTO_INCREMENT"})
      t.Number(c);
    for (const char* c :
         {"CREATE_TIME", "UPDATE_TIME", "CHECK_TIME", "TABLE_COLLATION"})
      t.Text(c);
    t.Number("CHECKSUM");
    t.Text("CREATE_OPTIONS");
    t.Text("TABLE_COMMENT");
    for (const std::string& db : databases) {
      for (const auto& [n, view] : visible_tables(db)) {
        // Statistics are not kept: NULL, as MySQL shows for views.
        std::vector<Value> row{Text("def"),
                               Text(db),
                               Text(n),
                               Text(view ? "VIEW" : "BASE TABLE"),
                               view ? Value() : Text("RocksDB"),
                               view ? Value() : Number(10),
                               view ? Value() : Text("Dynamic")};
        row.resize(row.size() + 10);  // TABLE_ROWS .. CHECK_TIME
        row.push_back(view ? Value() : Text(collation));
        row.push_back(Value());  // CHECKSUM
        row.push_back(Text(""));
        row.push_back(Text(view ? "VIEW" : ""));
        t.rows.push_back(std::move(row));
      }
    }
  } else if (table == "COLUMNS") {
    for (const char* c :
         {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME"})
      t.Text(c);
    t.Number("ORDINAL_POSITION");
    for (const char* c : {"COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE"})
      t.Text(c);
    for (const char* c :
         {"CHARACTER_MAXIMUM_LENGTH", "CHARACTER_OCTET_LENGTH",
          "NUMERIC_PRECISION", "NUMERIC_SCALE", "DATETIME_PRECISION"})
      t.Number(c);
    for (const char* c :
         {"CHARACTER_SET_NAME", "COLLATION_NAME", "COLUMN_TYPE", "COLUMN_KEY",
          "EXTRA", "PRIVILEGES", "COLUMN_COMMENT", "GENERATION_EXPRESSION"})
      t.Text(c);
    t.Number("SRS_ID");
    for (const std::string& db : databases) {
      for (const auto& [n, view] : visible_tables(db)) {
        if (view) continue;  // a view's columns come from its query
        auto schema = catalog.FindTable(db, n);
        if (!schema.ok()) continue;
        const plan::TableSchema& ts = **schema;
        const bool whole = me == nullptr || exec::HasAnyOnTable(*me, db, n);
        for (size_t c = 0; c < ts.columns.size(); ++c) {
          const plan::ColumnSchema& col = ts.columns[c];
          if (!whole && exec::ColumnPrivileges(*me, db, n, col.name) == 0)
            continue;
          const std::string key = ColumnKey(ts, c);
          const auto [column_type, data_type] = TypeText(col.type);
          const std::vector<uint64_t> nums = TypeNumbers(column_type);
          const bool chars = IsCharType(data_type);
          Value def;
          if (col.default_now) {
            def = Text("CURRENT_TIMESTAMP");
          } else if (col.default_value && col.default_value->index() != 0) {
            std::string q = Quoted(*col.default_value, col.type);
            def = Text(q.size() >= 2 && q.front() == '\''
                           ? q.substr(1, q.size() - 2)
                           : q);
          }
          const bool decimal = data_type == "decimal";
          t.rows.push_back(
              {Text("def"),
               Text(db),
               Text(n),
               Text(col.name),
               Number(c + 1),
               def,
               Text(col.nullable ? "YES" : "NO"),
               Text(data_type),
               chars && !nums.empty() ? Number(nums[0]) : Value(),
               chars && !nums.empty() ? Number(nums[0] * 4) : Value(),
               decimal && !nums.empty() ? Number(nums[0]) : Value(),
               decimal && nums.size() > 1 ? Number(nums[1]) : Value(),
               Value(),
               chars ? Text("utf8mb4") : Value(),
               chars ? Text(collation) : Value(),
               Text(column_type),
               Text(key),
               Text(ColumnExtra(col)),
               Text("select,insert,update,references"),
               Text(""),
               Text(""),
               Value()});
        }
      }
    }
  } else if (table == "STATISTICS") {
    for (const char* c : {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME"})
      t.Text(c);
    t.Number("NON_UNIQUE");
    for (const char* c : {"INDEX_SCHEMA", "INDEX_NAME"}) t.Text(c);
    t.Number("SEQ_IN_INDEX");
    for (const char* c : {"COLUMN_NAME", "COLLATION"}) t.Text(c);
    t.Number("CARDINALITY");
    t.Number("SUB_PART");
    for (const char* c : {"PACKED", "NULLABLE", "INDEX_TYPE", "COMMENT",
                          "INDEX_COMMENT", "IS_VISIBLE", "EXPRESSION"})
      t.Text(c);
    each_table([&](const std::string& db, const plan::TableSchema& ts) {
      for (const plan::IndexSchema& idx : ts.indexes) {
        for (size_t k = 0; k < idx.columns.size(); ++k) {
          const plan::ColumnSchema& col =
              ts.columns[static_cast<size_t>(idx.columns[k])];
          const bool desc = k < idx.desc.size() && idx.desc[k];
          t.rows.push_back({Text("def"), Text(db), Text(ts.name),
                            Number(idx.unique ? 0 : 1), Text(db),
                            Text(idx.name), Number(k + 1), Text(col.name),
                            Text(desc ? "D" : "A"), Value(), Value(), Value(),
                            Text(col.nullable ? "YES" : ""), Text("BTREE"),
                            Text(""), Text(""), Text("YES"), Value()});
        }
      }
    });
  } else if (table == "KEY_COLUMN_USAGE" || table == "TABLE_CONSTRAINTS") {
    // Primary and unique keys, then foreign keys.
    const bool usage = table == "KEY_COLUMN_USAGE";
    for (const char* c :
         {"CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME"})
      t.Text(c);
    if (usage) {
      for (const char* c :
           {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME"})
        t.Text(c);
      t.Number("ORDINAL_POSITION");
      t.Number("POSITION_IN_UNIQUE_CONSTRAINT");
      for (const char* c : {"REFERENCED_TABLE_SCHEMA", "REFERENCED_TABLE_NAME",
                            "REFERENCED_COLUMN_NAME"})
        t.Text(c);
    } else {
      for (const char* c :
           {"TABLE_SCHEMA", "TABLE_NAME", "CONSTRAINT_TYPE", "ENFORCED"})
        t.Text(c);
    }
    each_table([&](const std::string& db, const plan::TableSchema& ts) {
      for (const plan::IndexSchema& idx : ts.indexes) {
        if (!idx.unique) continue;
        if (!usage) {
          t.rows.push_back(
              {Text("def"), Text(db), Text(idx.name), Text(db), Text(ts.name),
               Text(idx.primary ? "PRIMARY KEY" : "UNIQUE"), Text("YES")});
          continue;
        }
        for (size_t k = 0; k < idx.columns.size(); ++k) {
          t.rows.push_back(
              {Text("def"), Text(db), Text(idx.name), Text("def"), Text(db),
               Text(ts.name),
               Text(ts.columns[static_cast<size_t>(idx.columns[k])].name),
               Number(k + 1), Value(), Value(), Value(), Value()});
        }
      }
      for (const plan::ForeignKeySchema& fk : ts.foreign_keys) {
        if (!usage) {
          t.rows.push_back({Text("def"), Text(db), Text(fk.name), Text(db),
                            Text(ts.name), Text("FOREIGN KEY"), Text("YES")});
          continue;
        }
        for (size_t k = 0; k < fk.columns.size(); ++k) {
          t.rows.push_back(
              {Text("def"), Text(db), Text(fk.name), Text("def"), Text(db),
               Text(ts.name),
               Text(ts.columns[static_cast<size_t>(fk.columns[k])].name),
               Number(k + 1), Number(k + 1), Text(fk.ref_database),
               Text(fk.ref_table), Text(fk.ref_columns[k])});
        }
      }
    });
  } else if (table == "REFERENTIAL_CONSTRAINTS") {
    for (const char* c :
         {"CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME",
          "UNIQUE_CONSTRAINT_CATALOG", "UNIQUE_CONSTRAINT_SCHEMA",
          "UNIQUE_CONSTRAINT_NAME", "MATCH_OPTION", "UPDATE_RULE",
          "DELETE_RULE", "TABLE_NAME", "REFERENCED_TABLE_NAME"})
      t.Text(c);
    each_table([&](const std::string& db, const plan::TableSchema& ts) {
      for (const plan::ForeignKeySchema& fk : ts.foreign_keys) {
        // The referenced table's unique key the columns make, if any.
        Value unique;
        Result<const plan::TableSchema*> parent =
            store_->catalog().FindTable(fk.ref_database, fk.ref_table);
        if (parent.ok()) {
          std::vector<int> cols;
          for (const std::string& c : fk.ref_columns)
            cols.push_back((*parent)->FindColumn(c));
          for (const plan::IndexSchema& idx : (*parent)->indexes)
            if (idx.unique && idx.columns == cols) unique = Text(idx.name);
        }
        t.rows.push_back({Text("def"), Text(db), Text(fk.name), Text("def"),
                          Text(fk.ref_database), std::move(unique),
                          Text("NONE"),
                          Text(sql::ForeignKeyActionSql(fk.on_update)),
                          Text(sql::ForeignKeyActionSql(fk.on_delete)),
                          Text(ts.name), Text(fk.ref_table)});
      }
    });
  } else if (table == "VIEWS") {
    for (const char* c :
         {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "VIEW_DEFINITION",
          "CHECK_OPTION", "IS_UPDATABLE", "DEFINER", "SECURITY_TYPE",
          "CHARACTER_SET_CLIENT", "COLLATION_CONNECTION"})
      t.Text(c);
    for (const std::string& db : databases) {
      for (const auto& [n, view] : visible_tables(db)) {
        if (!view) continue;
        auto it = store_->views().find(db + "." + n);
        if (it == store_->views().end() || !it->second->query) continue;
        t.rows.push_back({Text("def"), Text(db), Text(n),
                          Text(sql::ToSql(*it->second->query)), Text("NONE"),
                          Text("NO"), Text(""), Text("DEFINER"),
                          Text("utf8mb4"), Text(collation)});
      }
    }
  } else if (table == "ROUTINES" || table == "TRIGGERS" || table == "EVENTS") {
    // None exist here: MySQL 8's leading columns of each, no rows.
    const std::vector<const char*> routines{
        "SPECIFIC_NAME", "ROUTINE_CATALOG",    "ROUTINE_SCHEMA",
        "ROUTINE_NAME",  "ROUTINE_TYPE",       "DATA_TYPE",
        "ROUTINE_BODY",  "ROUTINE_DEFINITION", "DEFINER"};
    const std::vector<const char*> triggers{
        "TRIGGER_CATALOG",      "TRIGGER_SCHEMA",
        "TRIGGER_NAME",         "EVENT_MANIPULATION",
        "EVENT_OBJECT_CATALOG", "EVENT_OBJECT_SCHEMA",
        "EVENT_OBJECT_TABLE",   "ACTION_STATEMENT",
        "ACTION_TIMING",        "DEFINER"};
    const std::vector<const char*> events{
        "EVENT_CATALOG", "EVENT_SCHEMA",     "EVENT_NAME", "DEFINER",
        "EVENT_BODY",    "EVENT_DEFINITION", "EVENT_TYPE", "STATUS"};
    for (const char* c : table == "ROUTINES"   ? routines
                         : table == "TRIGGERS" ? triggers
                                               : events)
      t.Text(c);
  } else if (table == "ENGINES") {
    for (const char* c :
         {"ENGINE", "SUPPORT", "COMMENT", "TRANSACTIONS", "XA", "SAVEPOINTS"})
      t.Text(c);
    t.rows.push_back({Text("RocksDB"), Text("DEFAULT"),
                      Text("RocksDB storage on the data nodes"), Text("YES"),
                      Text("YES"), Text("YES")});
  } else if (table == "CHARACTER_SETS" || table == "COLLATIONS") {
    const bool sets = table == "CHARACTER_SETS";
    if (sets) {
      for (const char* c :
           {"CHARACTER_SET_NAME", "DEFAULT_COLLATE_NAME", "DESCRIPTION"})
        t.Text(c);
      t.Number("MAXLEN");
      t.rows.push_back({Text("utf8mb4"), Text("utf8mb4_0900_ai_ci"),
                        Text("UTF-8 Unicode"), Number(4)});
      t.rows.push_back({Text("binary"), Text("binary"),
                        Text("Binary pseudo charset"), Number(1)});
    } else {
      for (const char* c : {"COLLATION_NAME", "CHARACTER_SET_NAME"}) t.Text(c);
      t.Number("ID");
      for (const char* c : {"IS_DEFAULT", "IS_COMPILED"}) t.Text(c);
      t.Number("SORTLEN");
      t.Text("PAD_ATTRIBUTE");
      t.rows.push_back({Text("utf8mb4_0900_ai_ci"), Text("utf8mb4"),
                        Number(255), Text("Yes"), Text("Yes"), Number(0),
                        Text("NO PAD")});
      t.rows.push_back({Text("utf8mb4_bin"), Text("utf8mb4"), Number(46),
                        Text(""), Text("Yes"), Number(1), Text("PAD SPACE")});
      t.rows.push_back({Text("binary"), Text("binary"), Number(63), Text("Yes"),
                        Text("Yes"), Number(1), Text("NO PAD")});
    }
  } else if (table == "USER_PRIVILEGES" || table == "SCHEMA_PRIVILEGES" ||
             table == "TABLE_PRIVILEGES" || table == "COLUMN_PRIVILEGES") {
    t.Text("GRANTEE");
    t.Text("TABLE_CATALOG");
    if (table != "USER_PRIVILEGES") t.Text("TABLE_SCHEMA");
    if (table == "TABLE_PRIVILEGES" || table == "COLUMN_PRIVILEGES")
      t.Text("TABLE_NAME");
    if (table == "COLUMN_PRIVILEGES") t.Text("COLUMN_NAME");
    t.Text("PRIVILEGE_TYPE");
    t.Text("IS_GRANTABLE");
    // One row per privilege; `where` is the level's own columns.
    const auto add = [&](const Account& a, uint64_t bits,
                         const std::vector<std::string>& where,
                         bool usage_row) {
      const Value grantable =
          Text((bits & exec::kPrivGrantOption) ? "YES" : "NO");
      std::vector<std::string> privs = exec::PrivilegeList(bits);
      if (privs.empty() && usage_row) privs.push_back("USAGE");
      for (const std::string& p : privs) {
        std::vector<Value> row{Text(Grantee(a.name)), Text("def")};
        for (const std::string& w : where) row.push_back(Text(w));
        row.push_back(Text(p));
        row.push_back(grantable);
        t.rows.push_back(std::move(row));
      }
    };
    for (const exec::Accounts::Ptr& a : grantees()) {
      if (table == "USER_PRIVILEGES") {
        add(*a, a->global, {}, /*usage_row=*/true);
      } else if (table == "SCHEMA_PRIVILEGES") {
        for (const auto& [db, bits] : a->databases) add(*a, bits, {db}, false);
      } else if (table == "TABLE_PRIVILEGES") {
        for (const auto& [key, bits] : a->tables) {
          const size_t cut = key.find('\0');
          add(*a, bits, {key.substr(0, cut), key.substr(cut + 1)}, false);
        }
      } else {
        for (const auto& [key, bits] : a->columns) {
          const size_t c1 = key.find('\0'), c2 = key.rfind('\0');
          add(*a, bits,
              {key.substr(0, c1), key.substr(c1 + 1, c2 - c1 - 1),
               key.substr(c2 + 1)},
              false);
        }
      }
    }
  } else {
    return SqlError(ER_UNKNOWN_TABLE,
                    "Unknown table '" + name + "' in information_schema");
  }
  FromPlan u;
  for (size_t i = 0; i < t.names.size(); ++i) {
    plan::ScopeColumn c;
    c.table = qualifier;
    c.name = t.names[i];
    c.type = t.types[i];
    u.columns.push_back(std::move(c));
  }
  u.node = plan::MakeValues(std::move(t.types), std::move(t.rows));
  return u;
}

}  // namespace xp::session
