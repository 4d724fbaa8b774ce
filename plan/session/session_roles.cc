// SqlSession: roles (MySQL 8's, docs/SECURITY.md). A role is an account
// (CREATE ROLE makes a locked one without a password); GRANT role TO
// account records it in the account's `roles`, with ADMIN OPTION; the
// roles a session has active (SET ROLE, else the account's default roles)
// add their privileges — and those of the roles granted to them — to the
// account's own (exec::WithRoles, applied in Privileges()).

#include "codec/sql_errors.h"
#include "plan/session/session_internal.h"

namespace xp::session {

using exec::Account;
using exec::AccountName;
using exec::Accounts;

namespace {

Status UnknownAuthId(const AccountName& n) {
  return SqlError(ER_UNKNOWN_AUTHID,
                  "Unknown authorization ID " + Backticked(n));
}

Status NotGranted(const AccountName& role, const AccountName& to) {
  return SqlError(ER_ROLE_NOT_GRANTED,
                  Backticked(role) + " is not granted to " + Backticked(to));
}

// The pending new form of `current` in `changes` (added as a copy when it
// has none yet); null when the statement removes it.
Account* Pending(SqlSession::AccountChanges* changes, const Account& current) {
  const std::string key = Accounts::Key(current.name);
  for (auto& [name, a] : *changes) {
    if (Accounts::Key(name) != key) continue;
    return a ? &*a : nullptr;
  }
  changes->emplace_back(current.name, current);
  return &*changes->back().second;
}

}  // namespace

Status SqlSession::CreateRoles(const sql::AccountStatement& s,
                               AccountChanges* changes) {
  Accounts& accounts = store_->accounts();
  std::vector<AccountName> exist;
  for (const sql::UserSpec& u : s.users) {
    const AccountName name = AccountOf(u);
    if (accounts.Find(name)) {
      exist.push_back(name);
      continue;
    }
    Account role;
    role.name = name;
    role.plugin = exec::kCachingSha2Plugin;
    role.locked = true;  // nobody logs in as a role
    changes->emplace_back(name, std::move(role));
  }
  if (!exist.empty() && !s.if_exists)
    return AccountOperationFailed("CREATE ROLE", exist);
  return Status::OK();
}

Status SqlSession::DropAccounts(const sql::AccountStatement& s,
                                std::string_view op, AccountChanges* changes) {
  Accounts& accounts = store_->accounts();
  std::vector<AccountName> missing;
  std::vector<std::string> dropped;
  for (const sql::UserSpec& u : s.users) {
    const AccountName name = AccountOf(u);
    if (!accounts.Find(name)) {
      missing.push_back(name);
      continue;
    }
    changes->emplace_back(name, std::nullopt);
    dropped.push_back(Accounts::Key(name));
  }
  if (!missing.empty() && !s.if_exists)
    return AccountOperationFailed(op, missing);
  // No account keeps a grant of a dropped one as a role.
  for (const Accounts::Ptr& a : accounts.All()) {
    for (const std::string& key : dropped) {
      if (!a->roles.count(key) && !a->default_roles.count(key)) continue;
      if (Account* edit = Pending(changes, *a)) {
        edit->roles.erase(key);
        edit->default_roles.erase(key);
      }
    }
  }
  return Status::OK();
}

void SqlSession::RenameRoleReferences(const AccountName& from,
                                      const AccountName& to,
                                      AccountChanges* changes) {
  const std::string old_key = Accounts::Key(from), new_key = Accounts::Key(to);
  for (const Accounts::Ptr& a : store_->accounts().All()) {
    auto g = a->roles.find(old_key);
    if (g == a->roles.end()) continue;
    Account* edit = Pending(changes, *a);
    if (edit == nullptr) continue;
    edit->roles.erase(old_key);
    edit->roles[new_key] = Account::RoleGrant{to, g->second.admin};
    if (edit->default_roles.erase(old_key)) edit->default_roles[new_key] = to;
  }
}

Status SqlSession::GrantOrRevokeRoles(const sql::AccountStatement& s,
                                      AccountChanges* changes) {
  const bool grant = s.kind == sql::StmtKind::kGrant;
  Accounts& accounts = store_->accounts();
  const Account* me = Privileges();
  std::vector<AccountName> roles;
  for (const sql::UserSpec& r : s.roles) {
    const AccountName name = AccountOf(r);
    if (!accounts.Find(name)) return UnknownAuthId(name);
    // ROLE_ADMIN's part: SUPER or CREATE USER, or the role WITH ADMIN
    // OPTION (directly or through an active role).
    if (me != nullptr && !exec::HasGlobal(*me, exec::kPrivSuper) &&
        !exec::HasGlobal(*me, exec::kPrivCreateUser)) {
      auto g = me->roles.find(Accounts::Key(name));
      if (g == me->roles.end() || !g->second.admin)
        return SqlError(ER_SPECIFIC_ACCESS_DENIED_ERROR,
                        "Access denied; you need (at least one of) the WITH "
                        "ADMIN, ROLE_ADMIN, SUPER privilege(s) for this "
                        "operation");
    }
    roles.push_back(name);
  }
  for (const sql::UserSpec& u : s.users) {
    const AccountName to = AccountOf(u);
    Accounts::Ptr current = accounts.Find(to);
    if (!current) return UnknownAuthId(to);
    Account* edit = Pending(changes, *current);
    for (const AccountName& role : roles) {
      const std::string key = Accounts::Key(role);
      if (!grant) {
        edit->roles.erase(key);
        edit->default_roles.erase(key);
        continue;
      }
      // A role granted to itself, or to a role it reaches, would loop.
      if (exec::ReachesRole(accounts, role, to))
        return SqlError(ER_ROLE_GRANTED_TO_ITSELF,
                        "User account " + Backticked(to) +
                            " is directly or indirectly granted to the role " +
                            Backticked(role) +
                            ". The GRANT would create a loop in the role "
                            "graph.");
      Account::RoleGrant& g = edit->roles[key];
      g.role = role;
      g.admin = g.admin || s.admin_option;
    }
  }
  return Status::OK();
}

Result<std::vector<AccountName>> SqlSession::ChosenRoles(
    const sql::AccountStatement& s, const Account& a) {
  using RS = sql::AccountStatement::RoleSet;
  std::vector<AccountName> out;
  if (s.role_set == RS::kNone) return out;
  if (s.role_set == RS::kDefault) {
    for (const auto& [key, role] : a.default_roles) out.push_back(role);
    return out;
  }
  std::vector<AccountName> named;
  for (const sql::UserSpec& r : s.roles) {
    const AccountName name = AccountOf(r);
    if (!a.roles.count(Accounts::Key(name))) return NotGranted(name, a.name);
    named.push_back(name);
  }
  if (s.role_set == RS::kList) return named;
  for (const auto& entry : a.roles) {
    const std::string& key = entry.first;
    const bool excepted = std::any_of(
        named.begin(), named.end(),
        [&](const AccountName& n) { return Accounts::Key(n) == key; });
    if (!excepted) out.push_back(entry.second.role);
  }
  return out;
}

Status SqlSession::ChooseDefaultRoles(const sql::AccountStatement& s,
                                      Account* a) {
  XP_ASSIGN_OR_RETURN(std::vector<AccountName> roles, ChosenRoles(s, *a));
  a->default_roles.clear();
  for (AccountName& r : roles) {
    const std::string key = Accounts::Key(r);
    a->default_roles[key] = std::move(r);
  }
  return Status::OK();
}

Status SqlSession::SetDefaultRoles(const sql::AccountStatement& s,
                                   AccountChanges* changes) {
  Accounts& accounts = store_->accounts();
  for (const sql::UserSpec& u : s.users) {
    const AccountName name = AccountOf(u);
    Accounts::Ptr current = accounts.Find(name);
    if (!current) return UnknownAuthId(name);
    Account* edit = Pending(changes, *current);
    XP_RETURN_IF_ERROR(ChooseDefaultRoles(s, edit));
  }
  return Status::OK();
}

Result<QueryResult> SqlSession::SetRole(const sql::AccountStatement& s) {
  using RS = sql::AccountStatement::RoleSet;
  if (Privileges() == nullptr || !base_account_) {
    // No account (a session that checks nothing) or a dropped one: no role
    // is granted.
    const AccountName me =
        account_name_ ? *account_name_ : AccountName{user_, "localhost"};
    if (s.role_set == RS::kList) return NotGranted(AccountOf(s.roles[0]), me);
    active_roles_.reset();
    return QueryResult();
  }
  if (s.role_set == sql::AccountStatement::RoleSet::kDefault) {
    active_roles_.reset();
  } else {
    XP_ASSIGN_OR_RETURN(std::vector<AccountName> roles,
                        ChosenRoles(s, *base_account_));
    active_roles_ = std::move(roles);
  }
  account_version_ = 0;  // Privileges() works them in at the next check
  return QueryResult();
}

std::string SqlSession::CurrentRoleText() const {
  // base_account_ is current: every statement's checks read it first.
  if (!account_name_ || !base_account_) return "NONE";
  std::vector<std::string> names;
  const auto add = [&](const AccountName& r) {
    if (base_account_->roles.count(Accounts::Key(r)))
      names.push_back(Backticked(r));
  };
  if (active_roles_) {
    for (const AccountName& r : *active_roles_) add(r);
  } else {
    for (const auto& [key, r] : base_account_->default_roles) add(r);
  }
  if (names.empty()) return "NONE";
  std::sort(names.begin(), names.end());
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out;
}

}  // namespace xp::session
