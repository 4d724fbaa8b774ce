// SqlSession: accounts and privileges (plan/store/accounts.h,
// docs/SECURITY.md). CREATE / ALTER / DROP / RENAME USER, SET PASSWORD,
// GRANT, REVOKE, SHOW GRANTS, FLUSH, and the privilege checks every
// statement passes: statement-level ones here (CheckStatement, before the
// statement runs), table reads where the planner resolves a table
// (plan_from.cc), write targets in RunStatement.

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

using exec::Account;
using exec::AccountName;

namespace {

const Account& NoPrivileges() {
  static const Account none;
  return none;
}

AccountName NameOf(const sql::UserSpec& u) {
  return AccountName{u.user, u.host};
}

// The unqualified or `qualifier`-qualified column names `roots` read
// (subqueries aside: they are planned, and checked, on their own).
// Iterative.
std::vector<std::string> ColumnsRead(std::vector<const sql::Expr*> roots) {
  std::vector<std::string> out;
  while (!roots.empty()) {
    const sql::Expr* e = roots.back();
    roots.pop_back();
    if (e == nullptr) continue;
    if (e->kind == sql::ExprKind::kColumn) out.push_back(e->text);
    for (const auto& a : e->args) roots.push_back(a.get());
  }
  return out;
}

}  // namespace

std::string Backticked(const AccountName& n) {
  return "`" + n.user + "`@`" + n.host + "`";
}

Status AccountOperationFailed(std::string_view op,
                              const std::vector<AccountName>& who) {
  std::string list;
  for (size_t i = 0; i < who.size(); ++i)
    list += (i ? "," : "") + who[i].Quoted();
  return SqlError(ER_CANNOT_USER,
                  "Operation " + std::string(op) + " failed for " + list);
}

AccountName SqlSession::AccountOf(const sql::UserSpec& u) const {
  if (u.current && account_name_) return *account_name_;
  if (u.current) return AccountName{user_, "localhost"};
  return NameOf(u);
}

void SqlSession::set_account(exec::AccountName account,
                             std::string client_host) {
  account_name_ = std::move(account);
  client_host_ = std::move(client_host);
  account_.reset();
  base_account_.reset();
  account_version_ = 0;
  active_roles_.reset();  // a login starts with the default roles
}

const Account* SqlSession::Privileges() {
  if (!account_name_) return nullptr;
  exec::Accounts& accounts = store_->accounts();
  const uint64_t v = accounts.version();
  if (v != account_version_) {
    // Grants changed since this session last looked: the next statement
    // runs with the new ones (a dropped account has none), its active
    // roles' included.
    base_account_ = accounts.Find(*account_name_);
    account_ = base_account_;
    if (base_account_) {
      std::vector<AccountName> active;
      if (active_roles_) {
        active = *active_roles_;
      } else {
        for (const auto& [key, role] : base_account_->default_roles)
          active.push_back(role);
      }
      if (!active.empty())
        account_ = std::make_shared<const Account>(
            exec::WithRoles(accounts, *base_account_, active));
    }
    account_version_ = v;
  }
  return account_ ? account_.get() : &NoPrivileges();
}

bool SqlSession::HasGlobalPrivilege(uint64_t want) {
  const Account* a = Privileges();
  return a == nullptr || exec::HasGlobal(*a, want);
}

std::string SqlSession::CurrentAccountText() const {
  return account_name_ ? account_name_->user + "@" + account_name_->host
                       : user_ + "@localhost";
}

std::string SqlSession::DeniedUser() const {
  return "'" + user_ + "'@'" + client_host_ + "'";
}

Status SqlSession::CheckTable(uint64_t want, std::string_view command,
                              const std::string& db, const std::string& table) {
  const Account* a = Privileges();
  if (a == nullptr || definer_depth_ > 0) return Status::OK();
  if (exec::HasOnTable(*a, db, table, want)) return Status::OK();
  return SqlError(ER_TABLEACCESS_DENIED_ERROR,
                  std::string(command) + " command denied to user " +
                      DeniedUser() + " for table '" + table + "'");
}

Status SqlSession::CheckRename(const sql::QualifiedName& from,
                               const sql::QualifiedName& to) {
  const std::string from_db = from.schema.empty() ? database_ : from.schema;
  const std::string to_db = to.schema.empty() ? database_ : to.schema;
  XP_RETURN_IF_ERROR(CheckTable(exec::kPrivAlter | exec::kPrivDrop,
                                "ALTER, DROP", from_db, from.name));
  return CheckTable(exec::kPrivCreate | exec::kPrivInsert, "CREATE, INSERT",
                    to_db, to.name);
}

Status SqlSession::CheckTableOrColumns(uint64_t want, std::string_view command,
                                       const std::string& db,
                                       const std::string& table,
                                       bool* by_column) {
  *by_column = false;
  Status st = CheckTable(want, command, db, table);
  if (st.ok()) return st;
  const Account* a = Privileges();
  if (!exec::HasOnSomeColumn(*a, db, table, want)) return st;
  *by_column = true;
  return Status::OK();
}

std::shared_ptr<const std::string> SqlSession::ColumnDenied(
    uint64_t want, std::string_view command, const std::string& db,
    const std::string& table, const std::string& column) {
  const Account* a = Privileges();
  if (a == nullptr || definer_depth_ > 0 ||
      exec::HasOnColumn(*a, db, table, column, want))
    return nullptr;
  return std::make_shared<const std::string>(
      std::string(command) + " command denied to user " + DeniedUser() +
      " for column '" + column + "' in table '" + table + "'");
}

Status SqlSession::CheckColumns(uint64_t want, std::string_view command,
                                const std::string& db, const std::string& table,
                                const std::vector<std::string>& columns) {
  for (const std::string& c : columns)
    if (auto denied = ColumnDenied(want, command, db, table, c))
      return SqlError(ER_COLUMNACCESS_DENIED_ERROR, *denied);
  return Status::OK();
}

Status SqlSession::CheckReads(const std::string& db, const std::string& table,
                              const std::vector<std::string>& columns) {
  bool by_column = false;
  XP_RETURN_IF_ERROR(
      CheckTableOrColumns(exec::kPrivSelect, "SELECT", db, table, &by_column));
  return by_column
             ? CheckColumns(exec::kPrivSelect, "SELECT", db, table, columns)
             : Status::OK();
}

Status SqlSession::CheckDatabase(uint64_t want, const std::string& db) {
  const Account* a = Privileges();
  if (a == nullptr) return Status::OK();
  if (exec::HasOnDatabase(*a, db, want)) return Status::OK();
  return SqlError(
      ER_DBACCESS_DENIED_ERROR,
      "Access denied for user " + DeniedUser() + " to database '" + db + "'");
}

Status SqlSession::CheckGlobal(uint64_t want, std::string_view names) {
  const Account* a = Privileges();
  if (a == nullptr || exec::HasGlobal(*a, want)) return Status::OK();
  return SqlError(ER_SPECIFIC_ACCESS_DENIED_ERROR,
                  "Access denied; you need (at least one of) the " +
                      std::string(names) + " privilege(s) for this operation");
}

bool SqlSession::MaySeeDatabase(const std::string& db) {
  const Account* a = Privileges();
  return a == nullptr || exec::SeesDatabase(*a, db);
}

bool SqlSession::MaySeeTable(const std::string& db, const std::string& table) {
  const Account* a = Privileges();
  return a == nullptr || exec::SeesTable(*a, db, table);
}

Status SqlSession::CheckStatement(const sql::Statement& s) {
  const Account* a = Privileges();
  if (a == nullptr) return Status::OK();
  const auto db_of = [this](const sql::QualifiedName& n) {
    return n.schema.empty() ? database_ : n.schema;
  };
  const auto self = [&](const sql::UserSpec& u) {
    return u.current || (account_name_ && NameOf(u) == *account_name_);
  };
  using K = sql::StmtKind;
  if (a->expired) {
    // Only a new password gets an expired account anywhere.
    const bool sets_own =
        (s.kind == K::kSetPassword || s.kind == K::kAlterUser) &&
        static_cast<const sql::AccountStatement&>(s).users.size() == 1 &&
        self(static_cast<const sql::AccountStatement&>(s).users[0]);
    if (!sets_own)
      return SqlError(ER_MUST_CHANGE_PASSWORD,
                      "You must reset your password using ALTER USER "
                      "statement before executing this statement.");
  }
  switch (s.kind) {
    case K::kCreateDatabase:
      return CheckDatabase(exec::kPrivCreate,
                           static_cast<const sql::DatabaseStatement&>(s).name);
    case K::kDropDatabase:
      return CheckDatabase(exec::kPrivDrop,
                           static_cast<const sql::DatabaseStatement&>(s).name);
    case K::kUse: {
      const std::string& db = static_cast<const sql::UseStatement&>(s).database;
      if (exec::SeesDatabase(*a, db)) return Status::OK();
      return SqlError(ER_DBACCESS_DENIED_ERROR,
                      "Access denied for user " + DeniedUser() +
                          " to database '" + db + "'");
    }
    case K::kCreateTable: {
      const auto& c = static_cast<const sql::CreateTableStatement&>(s);
      return CheckTable(exec::kPrivCreate, "CREATE", db_of(c.table),
                        c.table.name);
    }
    case K::kDropTable: {
      for (const auto& t :
           static_cast<const sql::DropTableStatement&>(s).tables)
        XP_RETURN_IF_ERROR(
            CheckTable(exec::kPrivDrop, "DROP", db_of(t), t.name));
      return Status::OK();
    }
    case K::kTruncate: {
      const auto& t = static_cast<const sql::TruncateStatement&>(s).table;
      return CheckTable(exec::kPrivDrop, "DROP", db_of(t), t.name);
    }
    case K::kAlterTable: {
      const auto& a = static_cast<const sql::AlterTableStatement&>(s);
      XP_RETURN_IF_ERROR(
          CheckTable(exec::kPrivAlter, "ALTER", db_of(a.table), a.table.name));
      for (const sql::AlterAction& act : a.actions)
        if (act.kind == sql::AlterAction::Kind::kRenameTable)
          XP_RETURN_IF_ERROR(CheckRename(a.table, act.to));
      return Status::OK();
    }
    case K::kRenameTable: {
      for (const auto& [from, to] :
           static_cast<const sql::RenameTableStatement&>(s).renames)
        XP_RETURN_IF_ERROR(CheckRename(from, to));
      return Status::OK();
    }
    case K::kCreateIndex: {
      const auto& t = static_cast<const sql::CreateIndexStatement&>(s).table;
      return CheckTable(exec::kPrivIndex, "INDEX", db_of(t), t.name);
    }
    case K::kDropIndex: {
      const auto& t = static_cast<const sql::DropIndexStatement&>(s).table;
      return CheckTable(exec::kPrivIndex, "INDEX", db_of(t), t.name);
    }
    case K::kCreateView: {
      const auto& c = static_cast<const sql::CreateViewStatement&>(s);
      XP_RETURN_IF_ERROR(CheckTable(exec::kPrivCreateView, "CREATE VIEW",
                                    db_of(c.view), c.view.name));
      // OR REPLACE may drop the view there: DROP too, as MySQL asks.
      if (c.or_replace)
        return CheckTable(exec::kPrivDrop, "DROP", db_of(c.view), c.view.name);
      return Status::OK();
    }
    case K::kDropView: {
      for (const auto& v : static_cast<const sql::DropViewStatement&>(s).views)
        XP_RETURN_IF_ERROR(
            CheckTable(exec::kPrivDrop, "DROP", db_of(v), v.name));
      return Status::OK();
    }
    case K::kCreateTrigger:
    case K::kDropTrigger: {
      const auto& t = static_cast<const sql::TriggerStatement&>(s);
      if (s.kind == K::kDropTrigger)
        return CheckDatabase(exec::kPrivTrigger, db_of(t.trigger));
      return CheckTable(exec::kPrivTrigger, "TRIGGER", db_of(t.table),
                        t.table.name);
    }
    case K::kSet: {
      for (const auto& item : static_cast<const sql::SetStatement&>(s).items)
        if (item.scope == sql::SetStatement::Item::Scope::kGlobal)
          return CheckGlobal(exec::kPrivSuper,
                             "SUPER or SYSTEM_VARIABLES_ADMIN");
      return Status::OK();
    }
    case K::kFlush:
      return CheckGlobal(exec::kPrivReload, "RELOAD");
    case K::kCreateUser:
    case K::kDropUser:
    case K::kRenameUser:
      return CheckGlobal(exec::kPrivCreateUser, "CREATE USER");
    case K::kCreateRole:
    case K::kDropRole:
      return CheckGlobal(exec::kPrivCreateUser, "CREATE ROLE or CREATE USER");
    case K::kSetDefaultRole: {
      const auto& acc = static_cast<const sql::AccountStatement&>(s);
      if (acc.users.size() == 1 && self(acc.users[0])) return Status::OK();
      return CheckGlobal(exec::kPrivCreateUser, "CREATE USER");
    }
    case K::kAlterUser:
    case K::kSetPassword: {
      const auto& acc = static_cast<const sql::AccountStatement&>(s);
      // Anyone may change their own password; others' need CREATE USER.
      const bool own_password_only = acc.users.size() == 1 &&
                                     self(acc.users[0]) && acc.lock < 0 &&
                                     acc.expire < 0 && acc.require_ssl < 0;
      if (own_password_only) return Status::OK();
      return CheckGlobal(exec::kPrivCreateUser, "CREATE USER");
    }
    default:
      return Status::OK();  // reads and writes: checked on their tables
  }
}

Status SqlSession::CheckWriteTargets(const sql::Statement& s) {
  if (Privileges() == nullptr) return Status::OK();
  const auto db_of = [this](const std::string& schema) {
    return schema.empty() ? database_ : schema;
  };
  switch (s.kind) {
    case sql::StmtKind::kInsert: {
      const auto& i = static_cast<const sql::InsertStatement&>(s);
      const std::string db = db_of(i.table.schema);
      bool by_column = false;
      XP_RETURN_IF_ERROR(CheckTableOrColumns(exec::kPrivInsert, "INSERT", db,
                                             i.table.name, &by_column));
      if (by_column) {
        // INSERT on each column given a value (all of them without a list).
        std::vector<std::string> cols = i.columns;
        if (cols.empty()) {
          XP_ASSIGN_OR_RETURN(const plan::TableSchema* t, Schema(i.table));
          for (const auto& c : t->columns) cols.push_back(c.name);
        }
        XP_RETURN_IF_ERROR(
            CheckColumns(exec::kPrivInsert, "INSERT", db, i.table.name, cols));
      }
      if (i.replace)
        XP_RETURN_IF_ERROR(
            CheckTable(exec::kPrivDelete, "DELETE", db, i.table.name));
      if (!i.on_duplicate.empty()) {
        XP_RETURN_IF_ERROR(CheckTableOrColumns(exec::kPrivUpdate, "UPDATE", db,
                                               i.table.name, &by_column));
        std::vector<std::string> cols;
        for (const auto& [col, value] : i.on_duplicate) cols.push_back(col);
        if (by_column)
          XP_RETURN_IF_ERROR(CheckColumns(exec::kPrivUpdate, "UPDATE", db,
                                          i.table.name, cols));
      }
      return Status::OK();
    }
    case sql::StmtKind::kDelete: {
      const auto& d = static_cast<const sql::DeleteStatement&>(s);
      const std::string db = db_of(d.table.schema);
      XP_RETURN_IF_ERROR(
          CheckTable(exec::kPrivDelete, "DELETE", db, d.table.name));
      if (d.where)
        XP_RETURN_IF_ERROR(
            CheckReads(db, d.table.name, ColumnsRead({d.where.get()})));
      return Status::OK();
    }
    case sql::StmtKind::kUpdate: {
      const auto& u = static_cast<const sql::UpdateStatement&>(s);
      if (u.table && u.table->kind == sql::TableRef::Kind::kTable) {
        // One table: column privileges may do (UPDATE on each column set,
        // SELECT on each column read).
        const std::string db = db_of(u.table->schema);
        const std::string& table = u.table->name;
        bool by_column = false;
        XP_RETURN_IF_ERROR(CheckTableOrColumns(exec::kPrivUpdate, "UPDATE", db,
                                               table, &by_column));
        std::vector<std::string> set;
        std::vector<const sql::Expr*> read{u.where.get()};
        for (const sql::Assignment& a : u.set) {
          set.push_back(a.column);
          read.push_back(a.value.get());
        }
        if (by_column)
          XP_RETURN_IF_ERROR(
              CheckColumns(exec::kPrivUpdate, "UPDATE", db, table, set));
        std::vector<std::string> cols = ColumnsRead(std::move(read));
        if (u.where || !cols.empty())
          XP_RETURN_IF_ERROR(CheckReads(db, table, cols));
        return Status::OK();
      }
      std::vector<const sql::TableRef*> refs{u.table.get()};
      while (!refs.empty()) {
        const sql::TableRef* r = refs.back();
        refs.pop_back();
        if (r == nullptr) continue;
        if (r->kind == sql::TableRef::Kind::kTable) {
          const std::string db = db_of(r->schema);
          XP_RETURN_IF_ERROR(
              CheckTable(exec::kPrivUpdate, "UPDATE", db, r->name));
          if (u.where)
            XP_RETURN_IF_ERROR(
                CheckTable(exec::kPrivSelect, "SELECT", db, r->name));
        }
        refs.push_back(r->left.get());
        refs.push_back(r->right.get());
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

// ---------------------------------------------------------------- statements

Result<QueryResult> SqlSession::AccountStatement(const sql::Statement& stmt) {
  // Called under the store's exclusive DDL lock (Execute).
  const auto& s = static_cast<const sql::AccountStatement&>(stmt);
  exec::Accounts& accounts = store_->accounts();
  const auto resolve = [this](const sql::UserSpec& u) { return AccountOf(u); };
  const auto failed = AccountOperationFailed;
  // Every change is made whole or not at all: the new accounts are worked
  // out first, then saved, then published.
  AccountChanges changes;
  const auto set_auth = [](const sql::UserSpec& u, Account* a) -> Status {
    if (!u.identified) return Status::OK();
    if (!u.plugin.empty()) a->plugin = u.plugin;
    if (u.hashed) {
      if (!exec::ValidVerifier(a->plugin, u.password))
        return SqlError(ER_PLUGIN_IS_NOT_LOADED,
                        "The password hash doesn't have the expected format "
                        "for plugin '" +
                            a->plugin + "'");
      a->verifier = u.password;
    } else {
      XP_ASSIGN_OR_RETURN(a->verifier,
                          exec::MakeVerifier(a->plugin, u.password));
    }
    a->expired = false;
    return Status::OK();
  };
  QueryResult r;
  switch (s.kind) {
    case sql::StmtKind::kCreateUser: {
      std::vector<AccountName> exist;
      for (const sql::UserSpec& u : s.users) {
        AccountName name = resolve(u);
        if (accounts.Find(name)) {
          exist.push_back(name);
          continue;
        }
        Account a;
        a.name = name;
        a.plugin = exec::kCachingSha2Plugin;  // MySQL 8's default
        XP_RETURN_IF_ERROR(set_auth(u, &a));
        if (s.lock >= 0) a.locked = s.lock == 1;
        if (s.expire >= 0) a.expired = s.expire == 1;
        if (s.require_ssl >= 0) a.require_ssl = s.require_ssl == 1;
        changes.emplace_back(name, std::move(a));
      }
      if (!exist.empty() && !s.if_exists) return failed("CREATE USER", exist);
      break;
    }
    case sql::StmtKind::kAlterUser:
    case sql::StmtKind::kSetPassword: {
      std::vector<AccountName> missing;
      for (const sql::UserSpec& u : s.users) {
        AccountName name = resolve(u);
        exec::Accounts::Ptr old = accounts.Find(name);
        if (!old) {
          missing.push_back(name);
          continue;
        }
        Account a = *old;
        XP_RETURN_IF_ERROR(set_auth(u, &a));
        if (s.default_role) XP_RETURN_IF_ERROR(ChooseDefaultRoles(s, &a));
        if (s.lock >= 0) a.locked = s.lock == 1;
        if (s.expire >= 0) a.expired = s.expire == 1;
        if (s.require_ssl >= 0) a.require_ssl = s.require_ssl == 1;
        changes.emplace_back(name, std::move(a));
      }
      if (!missing.empty() && !s.if_exists)
        return failed(s.kind == sql::StmtKind::kSetPassword ? "SET PASSWORD"
                                                            : "ALTER USER",
                      missing);
      break;
    }
    case sql::StmtKind::kDropUser:
      XP_RETURN_IF_ERROR(DropAccounts(s, "DROP USER", &changes));
      break;
    case sql::StmtKind::kCreateRole:
      XP_RETURN_IF_ERROR(CreateRoles(s, &changes));
      break;
    case sql::StmtKind::kDropRole:
      XP_RETURN_IF_ERROR(DropAccounts(s, "DROP ROLE", &changes));
      break;
    case sql::StmtKind::kSetDefaultRole:
      XP_RETURN_IF_ERROR(SetDefaultRoles(s, &changes));
      break;
    case sql::StmtKind::kRenameUser: {
      std::vector<AccountName> bad;
      for (size_t i = 0; i < s.users.size(); ++i) {
        const AccountName from = resolve(s.users[i]);
        const AccountName to = resolve(s.rename_to[i]);
        exec::Accounts::Ptr old = accounts.Find(from);
        if (!old || accounts.Find(to)) {
          bad.push_back(from);
          continue;
        }
        Account a = *old;
        a.name = to;
        changes.emplace_back(from, std::nullopt);
        changes.emplace_back(to, std::move(a));
        RenameRoleReferences(from, to, &changes);
      }
      if (!bad.empty()) return failed("RENAME USER", bad);
      break;
    }
    case sql::StmtKind::kGrant:
    case sql::StmtKind::kRevoke:
      XP_RETURN_IF_ERROR(s.roles.empty() ? GrantOrRevoke(s, &changes)
                                         : GrantOrRevokeRoles(s, &changes));
      break;
    default:
      return NotSupported(sql::ToSql(s));
  }
  // Saved one entry at a time: accounts made or changed first, removals
  // last, so a data node failing in between can leave an extra account
  // (RENAME USER: both names) but never lose one.
  for (const bool removals : {false, true}) {
    for (const auto& [name, a] : changes) {
      if (a.has_value() == removals) continue;
      XP_RETURN_IF_ERROR(
          store_->SaveAccount(exec::Accounts::Key(name), a ? &*a : nullptr));
      if (a) {
        accounts.Put(*a);
      } else {
        accounts.Remove(name);
      }
    }
  }
  return r;
}

Status SqlSession::GrantOrRevoke(const sql::AccountStatement& s,
                                 AccountChanges* changes) {
  const bool grant = s.kind == sql::StmtKind::kGrant;
  exec::Accounts& accounts = store_->accounts();
  const Account* me = Privileges();
  // REVOKE ALL PRIVILEGES, GRANT OPTION FROM ...: every level.
  if (!grant && s.if_exists) {
    XP_RETURN_IF_ERROR(CheckGlobal(exec::kPrivCreateUser, "CREATE USER"));
    for (const sql::UserSpec& u : s.users) {
      exec::Accounts::Ptr old = accounts.Find(NameOf(u));
      if (!old)
        return SqlError(ER_NONEXISTING_GRANT,
                        "There is no such grant defined for user '" + u.user +
                            "' on host '" + u.host + "'");
      Account a = *old;
      a.global = 0;
      a.databases.clear();
      a.tables.clear();
      a.columns.clear();
      changes->emplace_back(a.name, std::move(a));
    }
    return Status::OK();
  }
  // The level and what it may hold.
  enum class Level { kGlobal, kDatabase, kTable } level;
  std::string db, table;
  if (s.on.schema == "*") {
    level = Level::kGlobal;
  } else if (s.on.name == "*") {
    level = Level::kDatabase;
    db = s.on.schema.empty() ? database_ : s.on.schema;
    if (db.empty()) return SqlError(ER_NO_DB_ERROR, "No database selected");
  } else {
    level = Level::kTable;
    db = s.on.schema.empty() ? database_ : s.on.schema;
    table = s.on.name;
    if (!store_->catalog().FindTable(db, table).ok() &&
        !store_->views().count(plan::QualifiedKey(db, table)))
      return SqlError(ER_NO_SUCH_TABLE,
                      "Table '" + db + "." + table + "' doesn't exist");
  }
  const uint64_t allowed = level == Level::kGlobal ? exec::kPrivGlobalLevel
                           : level == Level::kDatabase
                               ? exec::kPrivDatabaseLevel
                               : exec::kPrivTableLevel;
  uint64_t bits = 0;
  std::map<std::string, uint64_t> column_bits;  // column (lower) -> bits
  for (const sql::PrivilegeSpec& p : s.privileges) {
    if (!p.columns.empty()) {
      if (level != Level::kTable)
        return SqlError(ER_WRONG_USAGE,
                        "Incorrect usage of COLUMN GRANT and NON-COLUMN GRANT");
      const uint64_t bit = exec::PrivilegeBit(p.name);
      if ((bit & exec::kPrivColumnLevel) == 0)
        return SqlError(ER_ILLEGAL_GRANT_FOR_TABLE,
                        "Illegal GRANT/REVOKE command; please consult the "
                        "manual to see which privileges can be used");
      auto schema = store_->catalog().FindTable(db, table);
      for (const std::string& col : p.columns) {
        if (schema.ok() &&
            std::none_of((*schema)->columns.begin(), (*schema)->columns.end(),
                         [&](const plan::ColumnSchema& c) {
                           return sql::AsciiLower(c.name) ==
                                  sql::AsciiLower(col);
                         }))
          return SqlError(ER_BAD_FIELD_ERROR,
                          "Unknown column '" + col + "' in '" + table + "'");
        column_bits[sql::AsciiLower(col)] |= bit;
      }
      continue;
    }
    if (p.name == "ALL" || p.name == "ALL PRIVILEGES") {
      bits |= allowed;
      continue;
    }
    if (p.name == "USAGE") continue;
    const uint64_t bit = exec::PrivilegeBit(p.name);
    if (bit == 0)
      return SqlError(ER_PARSE_ERROR,
                      "You have an error in your SQL syntax; unknown "
                      "privilege '" +
                          p.name + "'");
    if (bit != exec::kPrivGrantOption && (bit & allowed) == 0) {
      if (level == Level::kDatabase)
        return SqlError(ER_WRONG_USAGE,
                        "Incorrect usage of DB GRANT and GLOBAL PRIVILEGES");
      return SqlError(ER_ILLEGAL_GRANT_FOR_TABLE,
                      "Illegal GRANT/REVOKE command; please consult the "
                      "manual to see which privileges can be used");
    }
    bits |= bit;
  }
  if (s.grant_option) bits |= exec::kPrivGrantOption;
  // The grantor needs GRANT OPTION and every privilege it hands on (or
  // takes away), at that level or above.
  if (me != nullptr) {
    const uint64_t need = bits | exec::kPrivGrantOption;
    bool ok = level == Level::kGlobal ? exec::HasGlobal(*me, need)
              : level == Level::kDatabase
                  ? exec::HasOnDatabase(*me, db, need)
                  : exec::HasOnTable(*me, db, table, need);
    for (const auto& [col, cb] : column_bits)
      ok = ok && exec::HasOnColumn(*me, db, table, col, cb);
    if (!ok) {
      if (level == Level::kTable)
        return SqlError(ER_TABLEACCESS_DENIED_ERROR,
                        std::string(grant ? "GRANT" : "REVOKE") +
                            " command denied to user " + DeniedUser() +
                            " for table '" + table + "'");
      if (level == Level::kDatabase) return CheckDatabase(need, db);
      return CheckGlobal(need, "GRANT OPTION");
    }
  }
  for (const sql::UserSpec& u : s.users) {
    const AccountName name =
        u.current && account_name_ ? *account_name_ : NameOf(u);
    exec::Accounts::Ptr old = accounts.Find(name);
    if (!old) {
      if (grant)
        return SqlError(ER_CANT_CREATE_USER_WITH_GRANT,
                        "You are not allowed to create a user with GRANT");
      return SqlError(ER_NONEXISTING_GRANT,
                      "There is no such grant defined for user '" + name.user +
                          "' on host '" + name.host + "'");
    }
    Account a = *old;
    XP_RETURN_IF_ERROR(
        ApplyColumnGrants(grant, db, table, column_bits, name, &a));
    if (bits == 0 && !column_bits.empty()) {
      changes->emplace_back(name, std::move(a));  // columns only
      continue;
    }
    uint64_t* slot = nullptr;
    const std::string key = level == Level::kTable
                                ? exec::TableGrantKey(db, table)
                                : sql::AsciiLower(db);
    if (level == Level::kGlobal) {
      slot = &a.global;
    } else if (grant) {
      slot = &(level == Level::kDatabase ? a.databases : a.tables)[key];
    } else {
      auto& map = level == Level::kDatabase ? a.databases : a.tables;
      auto it = map.find(key);
      if (it == map.end()) {
        if (level == Level::kTable)
          return SqlError(ER_NONEXISTING_TABLE_GRANT,
                          "There is no such grant defined for user '" +
                              name.user + "' on host '" + name.host +
                              "' on table '" + table + "'");
        return SqlError(ER_NONEXISTING_GRANT,
                        "There is no such grant defined for user '" +
                            name.user + "' on host '" + name.host + "'");
      }
      slot = &it->second;
    }
    if (grant) {
      *slot |= bits;
    } else {
      *slot &= ~bits;
      if (level != Level::kGlobal && *slot == 0)
        (level == Level::kDatabase ? a.databases : a.tables).erase(key);
    }
    changes->emplace_back(name, std::move(a));
  }
  return Status::OK();
}

Status SqlSession::ApplyColumnGrants(
    bool grant, const std::string& db, const std::string& table,
    const std::map<std::string, uint64_t>& columns, const AccountName& name,
    Account* a) {
  for (const auto& [col, cb] : columns) {
    const std::string key = exec::ColumnGrantKey(db, table, col);
    if (grant) {
      a->columns[key] |= cb;
      continue;
    }
    auto it = a->columns.find(key);
    if (it == a->columns.end() || (it->second & cb) == 0)
      return SqlError(ER_NONEXISTING_TABLE_GRANT,
                      "There is no such grant defined for user '" + name.user +
                          "' on host '" + name.host + "' on table '" + table +
                          "'");
    it->second &= ~cb;
    if (it->second == 0) a->columns.erase(it);
  }
  return Status::OK();
}

Result<QueryResult> SqlSession::ShowGrants(const sql::ShowStatement& show) {
  AccountName name;
  if (!show.grants_for || show.grants_for->current) {
    if (account_name_) {
      name = *account_name_;
    } else {
      name = AccountName{user_, "localhost"};
    }
  } else {
    name = NameOf(*show.grants_for);
    if (!account_name_ || !(name == *account_name_))
      XP_RETURN_IF_ERROR(CheckDatabase(exec::kPrivSelect, "mysql"));
  }
  exec::Accounts::Ptr a = store_->accounts().Find(name);
  if (!a) {
    if (!account_name_ && !show.grants_for) {
      // A session that checks nothing (tests, the data node): everything.
      Account all;
      all.name = name;
      all.global = exec::kPrivGlobalLevel | exec::kPrivGrantOption;
      a = std::make_shared<const Account>(std::move(all));
    } else {
      return SqlError(ER_NONEXISTING_GRANT,
                      "There is no such grant defined for user '" + name.user +
                          "' on host '" + name.host + "'");
    }
  }
  // USING roles: their privileges too (each must be granted).
  const exec::Accounts::Ptr base = a;
  if (!show.grants_using.empty()) {
    std::vector<AccountName> roles;
    for (const sql::UserSpec& u : show.grants_using) {
      const AccountName role = AccountOf(u);
      if (!base->roles.count(exec::Accounts::Key(role)))
        return SqlError(
            ER_ROLE_NOT_GRANTED,
            Backticked(role) + " is not granted to " + Backticked(base->name));
      roles.push_back(role);
    }
    a = std::make_shared<const Account>(
        exec::WithRoles(store_->accounts(), *base, roles));
  }
  QueryResult r;
  r.names = {"Grants for " + name.user + "@" + name.host};
  // `extra`: column privileges, "SELECT (`a`), UPDATE (`b`)".
  const auto line = [&](uint64_t bits, uint64_t level, const std::string& on,
                        const std::string& extra = {}) {
    std::string names;
    if ((bits & ~exec::kPrivGrantOption) != 0 || extra.empty())
      names = exec::PrivilegeNames(bits, level);
    if (!extra.empty()) names += (names.empty() ? "" : ", ") + extra;
    std::string out =
        "GRANT " + names + " ON " + on + " TO " + Backticked(a->name);
    if (bits & exec::kPrivGrantOption) out += " WITH GRANT OPTION";
    r.rows.push_back({out});
  };
  line(a->global, exec::kPrivGlobalLevel, "*.*");
  for (const auto& [db, bits] : a->databases)
    line(bits, exec::kPrivDatabaseLevel, sql::QuoteIdent(db) + ".*");
  // Table lines, with the table's column privileges in them.
  std::map<std::string, std::pair<uint64_t, std::string>> tables;
  for (const auto& [key, bits] : a->tables) tables[key].first = bits;
  for (const uint64_t bit : {exec::kPrivSelect, exec::kPrivInsert,
                             exec::kPrivUpdate, exec::kPrivReferences}) {
    std::map<std::string, std::string> cols;  // table key -> "`a`, `b`"
    for (const auto& [key, bits] : a->columns) {
      if ((bits & bit) == 0) continue;
      const size_t cut = key.rfind('\0');
      std::string& list = cols[key.substr(0, cut)];
      list += (list.empty() ? "" : ", ") + sql::QuoteIdent(key.substr(cut + 1));
    }
    for (const auto& [table_key, list] : cols) {
      std::string& extra = tables[table_key].second;
      extra += (extra.empty() ? "" : ", ") +
               exec::PrivilegeNames(bit, exec::kPrivTableLevel) + " (" + list +
               ")";
    }
  }
  for (const auto& [key, t] : tables) {
    const size_t dot = key.find('\0');
    line(t.first, exec::kPrivTableLevel,
         sql::QuoteIdent(key.substr(0, dot)) + "." +
             sql::QuoteIdent(key.substr(dot + 1)),
         t.second);
  }
  // The roles granted, as MySQL lists them: one line without and one with
  // ADMIN OPTION.
  for (const bool admin : {false, true}) {
    std::string list;
    for (const auto& [key, g] : base->roles)
      if (g.admin == admin)
        list += (list.empty() ? "" : ",") + Backticked(g.role);
    if (!list.empty())
      r.rows.push_back({"GRANT " + list + " TO " + Backticked(base->name) +
                        (admin ? " WITH ADMIN OPTION" : "")});
  }
  return r;
}

}  // namespace xp::session
