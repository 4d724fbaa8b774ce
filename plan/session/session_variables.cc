// SqlSession: system and user variables — MySQL's defaults, reading
// @@var / @var and the session facts (DATABASE(), CURRENT_USER(), ...),
// SET, and the flags other stages derive from them (autocommit, sql_mode).

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

// MySQL 8's defaults for the variables a session reads most.
std::map<std::string, plan::Value> DefaultVariables() {
  return {
      {"sql_mode", plan::Value(std::string(
                       "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
                       "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                       "NO_ENGINE_SUBSTITUTION"))},
      {"autocommit", plan::Value(int64_t{1})},
      {"version", plan::Value(std::string("8.0.35-xprotocol"))},
      {"version_comment", plan::Value(std::string("XProtocol"))},
      {"transaction_isolation", plan::Value(std::string("REPEATABLE-READ"))},
      {"time_zone", plan::Value(std::string("SYSTEM"))},
      {"character_set_client", plan::Value(std::string("utf8mb4"))},
      {"character_set_results", plan::Value(std::string("utf8mb4"))},
      {"character_set_connection", plan::Value(std::string("utf8mb4"))},
      {"character_set_database", plan::Value(std::string("utf8mb4"))},
      {"character_set_server", plan::Value(std::string("utf8mb4"))},
      {"collation_database", plan::Value(std::string("utf8mb4_0900_ai_ci"))},
      {"collation_server", plan::Value(std::string("utf8mb4_0900_ai_ci"))},
      {"collation_connection", plan::Value(std::string("utf8mb4_0900_ai_ci"))},
      {"max_allowed_packet", plan::Value(int64_t{67108864})},
      {"max_execution_time", plan::Value(int64_t{0})},
      // Seconds a statement waits for a row lock before 1205 (1 to
      // 1073741824, as InnoDB's).
      {"innodb_lock_wait_timeout", plan::Value(int64_t{50})},
      // Seconds DDL waits for transactions that use its tables (metadata
      // locks) before 1205; MySQL's default and range (1 to 31536000).
      {"lock_wait_timeout", plan::Value(int64_t{31536000})},
      // Seconds (as MySQL): a packet exchange with the client may stall
      // this long reading / writing, a session may sit idle this long.
      {"net_read_timeout", plan::Value(int64_t{30})},
      {"net_write_timeout", plan::Value(int64_t{60})},
      {"wait_timeout", plan::Value(int64_t{28800})},
      {"interactive_timeout", plan::Value(int64_t{28800})},
      {"lower_case_table_names", plan::Value(int64_t{0})},
      // 0: foreign keys are neither checked nor acted on (MySQL's, for
      // loading dumps and for DDL in any order).
      {"foreign_key_checks", plan::Value(int64_t{1})},
      // Accepted as MySQL's hint; unique keys are always checked.
      {"unique_checks", plan::Value(int64_t{1})},
      // Read and set by tools (mariadb-dump, connectors, ORMs) with
      // MySQL 8's defaults; accepted, with no effect here (but
      // transaction_read_only, which refuses writes as START TRANSACTION
      // READ ONLY does).
      {"sql_quote_show_create", plan::Value(int64_t{1})},
      {"sql_notes", plan::Value(int64_t{1})},
      {"sql_warnings", plan::Value(int64_t{0})},
      {"sql_auto_is_null", plan::Value(int64_t{0})},
      {"sql_safe_updates", plan::Value(int64_t{0})},
      {"sql_big_selects", plan::Value(int64_t{1})},
      {"sql_log_bin", plan::Value(int64_t{1})},
      {"sql_select_limit", plan::Value(uint64_t{18446744073709551615ULL})},
      {"max_join_size", plan::Value(uint64_t{18446744073709551615ULL})},
      {"transaction_read_only", plan::Value(int64_t{0})},
      {"tx_read_only", plan::Value(int64_t{0})},
      {"tx_isolation", plan::Value(std::string("REPEATABLE-READ"))},
      {"optimizer_switch",
       plan::Value(std::string(
           "index_merge=on,index_merge_union=on,index_merge_sort_union=on,"
           "index_merge_intersection=on,engine_condition_pushdown=on,"
           "index_condition_pushdown=on,mrr=on,mrr_cost_based=on,"
           "block_nested_loop=on,batched_key_access=off,materialization=on,"
           "semijoin=on,loosescan=on,firstmatch=on,duplicateweedout=on,"
           "subquery_materialization_cost_based=on,use_index_extensions=on,"
           "condition_fanout_filter=on,derived_merge=on,"
           "use_invisible_indexes=off,skip_scan=on,hash_join=on,"
           "subquery_to_derived=off,prefer_ordering_index=on,"
           "hypergraph_optimizer=off,derived_condition_pushdown=on"))},
      {"div_precision_increment", plan::Value(int64_t{4})},
      {"group_concat_max_len", plan::Value(int64_t{1024})},
      {"sort_buffer_size", plan::Value(int64_t{262144})},
      {"max_sort_length", plan::Value(int64_t{1024})},
      {"net_buffer_length", plan::Value(int64_t{16384})},
      {"default_storage_engine", plan::Value(std::string("InnoDB"))},
      {"storage_engine", plan::Value(std::string("InnoDB"))},
      {"explicit_defaults_for_timestamp", plan::Value(int64_t{1})},
      {"system_time_zone", plan::Value(std::string("UTC"))},
      {"license", plan::Value(std::string("GPL"))},
      {"init_connect", plan::Value(std::string())},
      {"query_cache_size", plan::Value(int64_t{0})},
      {"query_cache_type", plan::Value(std::string("OFF"))},
      // Optimizer passes to skip (plan/optimizer.h), comma-separated.
      {"xp_disabled_passes", plan::Value(std::string())},
      // 1: every plan is serialized, validated and decoded before it runs
      // (plan/serde.h), as a data node receiving it would.
      {"xp_plan_roundtrip", plan::Value(int64_t{0})},
      // Bytes a statement may hold in sorts, hash tables, join build sides
      // and materialized results before it fails with 7006 (0: only the
      // node-wide cap); the daemon's --statement_memory_limit_mb.
      {"xp_statement_memory_limit",
       plan::Value(static_cast<int64_t>(DefaultStatementMemory()))},
      // Compute node: ship fragments as plans or SQL text (auto | plan |
      // sql); other stores ignore it.
      {"xplan_mode", plan::Value(std::string("auto"))},
  };
}

bool SqlSession::StrictDivisionByZero() const {
  const auto& m = system_variables_.at("sql_mode");
  if (m.index() != 5) return false;
  const std::string& mode = std::get<std::string>(m);
  return mode.find("ERROR_FOR_DIVISION_BY_ZERO") != std::string::npos &&
         (mode.find("STRICT_TRANS_TABLES") != std::string::npos ||
          mode.find("STRICT_ALL_TABLES") != std::string::npos);
}

bool SqlSession::Autocommit() const {
  const plan::Value& v = system_variables_.at("autocommit");
  if (v.index() == 1) return std::get<int64_t>(v) != 0;
  if (v.index() != 5) return true;
  std::string word = std::get<std::string>(v);
  for (auto& c : word)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word != "OFF" && word != "0" && word != "FALSE";
}

bool SqlSession::OnlyFullGroupBy() const {
  const auto& mode = system_variables_.at("sql_mode");
  return mode.index() == 5 && std::get<std::string>(mode).find(
                                  "ONLY_FULL_GROUP_BY") != std::string::npos;
}

Result<plan::Value> SqlSession::ReadVariable(const sql::Expr& e) const {
  if (e.kind == sql::ExprKind::kParam) {
    if (params_ == nullptr || e.param_index < 0 ||
        static_cast<size_t>(e.param_index) >= params_->size()) {
      return SqlError(ER_WRONG_ARGUMENTS, "Incorrect arguments to EXECUTE");
    }
    return (*params_)[static_cast<size_t>(e.param_index)];
  }
  if (e.kind == sql::ExprKind::kUserVar) {
    auto it = user_variables_.find(e.text);
    return it == user_variables_.end() ? plan::Value() : it->second;
  }
  if (e.kind == sql::ExprKind::kSysVar &&
      e.text.rfind("xp_function_", 0) == 0) {
    const std::string fn = e.text.substr(12);
    if (fn == "DATABASE" || fn == "SCHEMA")
      return database_.empty() ? plan::Value() : plan::Value(database_);
    if (fn == "VERSION") return system_variables_.at("version");
    if (fn == "CONNECTION_ID")
      return plan::Value(static_cast<int64_t>(connection_id_));
    if (fn == "ROW_COUNT") return plan::Value(row_count_);
    if (fn == "FOUND_ROWS") return plan::Value(found_rows_);
    if (fn == "LAST_INSERT_ID") return plan::Value(last_insert_id_);
    if (fn == "CURRENT_USER") return plan::Value(CurrentAccountText());
    if (fn == "CURRENT_ROLE") return plan::Value(CurrentRoleText());
    return plan::Value(user_ + "@" + client_host_);  // USER(), SESSION_USER()
  }
  std::string name = e.text;
  for (const char* prefix : {"session.", "global.", "local."}) {
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::strlen(prefix));
  }
  auto it = system_variables_.find(name);
  if (it == system_variables_.end()) {
    return SqlError(ER_UNKNOWN_SYSTEM_VARIABLE,
                    "Unknown system variable '" + name + "'");
  }
  return it->second;
}

namespace {
// An integer system variable's new value clamped to [lo, hi], as MySQL
// does; another type is ER_WRONG_TYPE_FOR_VAR.
Result<plan::Value> ClampInteger(const std::string& name, const plan::Value& v,
                                 int64_t lo, int64_t hi) {
  const int64_t* i = std::get_if<int64_t>(&v);
  const uint64_t* u = std::get_if<uint64_t>(&v);
  if (i == nullptr && u == nullptr) {
    return SqlError(ER_WRONG_TYPE_FOR_VAR,
                    "Incorrect argument type to variable '" + name + "'");
  }
  return plan::Value(i != nullptr ? std::clamp<int64_t>(*i, lo, hi)
                                  : static_cast<int64_t>(std::min<uint64_t>(
                                        *u, static_cast<uint64_t>(hi))));
}
}  // namespace

Result<QueryResult> SqlSession::Set(const sql::Statement& s) {
  const auto& set = static_cast<const sql::SetStatement&>(s);
  plan::Scope scope;
  PrepareScope(&scope, nullptr);
  for (const auto& item : set.items) {
    plan::Value v;
    const sql::Expr& e = *item.value;
    if (e.kind == sql::ExprKind::kColumn && e.table.empty()) {
      v = plan::Value(e.text);  // SET autocommit = ON: a bare word
    } else {
      XP_ASSIGN_OR_RETURN(plan::BoundExprPtr b, plan::BindExpr(e, scope));
      XP_SET_OR_RETURN(v, EvalBound(*b));
    }
    if (item.scope == sql::SetStatement::Item::Scope::kUser) {
      user_variables_[item.name] = std::move(v);
      continue;
    }
    auto it = system_variables_.find(item.name);
    if (it == system_variables_.end()) {
      return SqlError(ER_UNKNOWN_SYSTEM_VARIABLE,
                      "Unknown system variable '" + item.name + "'");
    }
    if (item.name == "sql_mode" && v.index() == 5) {
      // Upper case, no spaces, no empty entries: 'a,,b ' -> 'A,B'.
      std::string mode, part;
      for (char c : std::get<std::string>(v) + ",") {
        if (c == ',') {
          if (!part.empty()) mode += (mode.empty() ? "" : ",") + part;
          part.clear();
        } else if (c != ' ') {
          part +=
              static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
      }
      v = plan::Value(mode);
    }
    if (item.name == "foreign_key_checks" || item.name == "unique_checks" ||
        item.name == "sql_quote_show_create" || item.name == "sql_notes" ||
        item.name == "sql_warnings" || item.name == "sql_auto_is_null" ||
        item.name == "sql_safe_updates" || item.name == "sql_big_selects" ||
        item.name == "sql_log_bin" || item.name == "transaction_read_only" ||
        item.name == "tx_read_only") {
      // ON / OFF / TRUE / FALSE / 1 / 0, held as 1 / 0.
      std::string word;
      if (v.index() == 5) {
        for (char c : std::get<std::string>(v))
          word +=
              static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else if (v.index() == 1 || v.index() == 2) {
        word = std::get_if<int64_t>(&v) != nullptr
                   ? std::to_string(std::get<int64_t>(v))
                   : std::to_string(std::get<uint64_t>(v));
      }
      if (word == "ON" || word == "TRUE" || word == "1") {
        v = plan::Value(int64_t{1});
      } else if (word == "OFF" || word == "FALSE" || word == "0") {
        v = plan::Value(int64_t{0});
      } else {
        return SqlError(
            ER_WRONG_VALUE_FOR_VAR,
            "Variable '" + item.name + "' can't be set to the value of '" +
                (v.index() == 0 ? std::string("NULL") : word) + "'");
      }
    }
    if (item.name == "innodb_lock_wait_timeout") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 1, 1073741824));
    } else if (item.name == "net_read_timeout" ||
               item.name == "net_write_timeout" ||
               item.name == "wait_timeout" ||
               item.name == "interactive_timeout" ||
               item.name == "lock_wait_timeout") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 1, 31536000));
    } else if (item.name == "xp_statement_memory_limit") {
      XP_SET_OR_RETURN(v, ClampInteger(item.name, v, 0, int64_t{1} << 50));
    }
    XP_RETURN_IF_ERROR(session_->OnVariable(item.name, v));
    if (item.name == "foreign_key_checks")
      foreign_key_checks_ = std::get<int64_t>(v) != 0;
    if (item.name == "transaction_read_only" || item.name == "tx_read_only") {
      read_only_session_ = std::get<int64_t>(v) != 0;
      system_variables_["transaction_read_only"] = v;
      system_variables_["tx_read_only"] = v;
    }
    it->second = std::move(v);
    // SET autocommit = 1 commits the open transaction.
    if (item.name == "autocommit" && Autocommit() && session_->in_transaction())
      XP_RETURN_IF_ERROR(session_->Commit());
  }
  return QueryResult();
}

}  // namespace xp::session
