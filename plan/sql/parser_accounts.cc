// Accounts, roles, GRANT / REVOKE and SET PASSWORD (see parser_internal.h).
#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql::parser_internal {

// account := 'user'[@'host'] | CURRENT_USER[()] | USER()
Result<UserSpec> Parser::Account() {
  UserSpec u;
  if (PeekWord("USER") && Peek(1).IsOp("(")) {
    pos_ += 2;
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    u.current = true;
    return u;
  }
  if (AcceptWord("CURRENT_USER")) {
    if (AcceptOp("(")) XP_RETURN_IF_ERROR(ExpectOp(")"));
    u.current = true;
    return u;
  }
  XP_SET_OR_RETURN(u.user, NameOrString());
  if (Peek().Is(TokenKind::kUserVar)) {
    // 'u'@'host' lexes as a string followed by @'host' (a user var).
    u.host = Take().value;
  } else if (AcceptOp("@")) {
    XP_SET_OR_RETURN(u.host, NameOrString());
  }
  return u;
}

Result<std::vector<UserSpec>> Parser::AccountList() {
  std::vector<UserSpec> out;
  do {
    XP_ASSIGN_OR_RETURN(UserSpec u, Account());
    out.push_back(std::move(u));
  } while (AcceptOp(","));
  return out;
}

Result<bool> Parser::IfExistsClause(bool create) {
  if (!AcceptWord("IF")) return false;
  if (create) XP_RETURN_IF_ERROR(ExpectWord("NOT"));
  XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
  return true;
}

Result<StmtPtr> Parser::RoleStatement(StmtKind kind) {
  auto s = std::make_unique<AccountStatement>(kind);
  XP_SET_OR_RETURN(s->if_exists, IfExistsClause(kind == StmtKind::kCreateRole));
  XP_SET_OR_RETURN(s->users, AccountList());
  for (const UserSpec& u : s->users)
    if (u.current || u.user.empty()) return Error();
  return StmtPtr(std::move(s));
}

Status Parser::Roles(AccountStatement* s, bool allow_default) {
  using RS = AccountStatement::RoleSet;
  if (AcceptWord("NONE")) {
    s->role_set = RS::kNone;
  } else if (allow_default && AcceptWord("DEFAULT")) {
    s->role_set = RS::kDefault;
  } else if (AcceptWord("ALL")) {
    s->role_set = RS::kAll;
    if (allow_default && AcceptWord("EXCEPT")) {
      s->role_set = RS::kAllExcept;
      XP_SET_OR_RETURN(s->roles, AccountList());
    }
  } else {
    if (PeekWord("DEFAULT")) return Error();  // only SET ROLE DEFAULT
    s->role_set = RS::kList;
    XP_SET_OR_RETURN(s->roles, AccountList());
  }
  return Status::OK();
}

Result<StmtPtr> Parser::SetRole() {
  auto s = std::make_unique<AccountStatement>(StmtKind::kSetRole);
  XP_RETURN_IF_ERROR(Roles(s.get(), /*allow_default=*/true));
  return StmtPtr(std::move(s));
}

Result<StmtPtr> Parser::SetDefaultRole() {
  auto s = std::make_unique<AccountStatement>(StmtKind::kSetDefaultRole);
  XP_RETURN_IF_ERROR(Roles(s.get(), /*allow_default=*/false));
  XP_RETURN_IF_ERROR(ExpectWord("TO"));
  XP_SET_OR_RETURN(s->users, AccountList());
  return StmtPtr(std::move(s));
}

// [IDENTIFIED {BY 'pw' | WITH plugin [BY 'pw' | AS 'verifier']}]
Status Parser::AuthOption(UserSpec* u) {
  if (!AcceptWord("IDENTIFIED")) return Status::OK();
  u->identified = true;
  if (AcceptWord("WITH")) {
    XP_SET_OR_RETURN(u->plugin, NameOrString());
    u->plugin = AsciiLower(u->plugin);
    if (AcceptWord("AS")) {
      u->hashed = true;
      XP_SET_OR_RETURN(u->password, StringLit());
      return Status::OK();
    }
    if (!AcceptWord("BY")) return Status::OK();
  } else {
    XP_RETURN_IF_ERROR(ExpectWord("BY"));
  }
  if (AcceptWord("RANDOM")) return Error();
  XP_SET_OR_RETURN(u->password, StringLit());
  return Status::OK();
}

// {CREATE | ALTER} USER [IF [NOT] EXISTS] account [auth] [, ...]
//   [REQUIRE NONE] [WITH resource options] [ACCOUNT {LOCK | UNLOCK}]
//   [PASSWORD EXPIRE [DEFAULT | NEVER | INTERVAL n DAY]]
Result<StmtPtr> Parser::UserStatement(StmtKind kind) {
  auto s = std::make_unique<AccountStatement>(kind);
  XP_SET_OR_RETURN(s->if_exists, IfExistsClause(kind == StmtKind::kCreateUser));
  do {
    XP_ASSIGN_OR_RETURN(UserSpec u, Account());
    XP_RETURN_IF_ERROR(AuthOption(&u));
    s->users.push_back(std::move(u));
  } while (AcceptOp(","));
  if (AcceptWord("DEFAULT")) {
    XP_RETURN_IF_ERROR(ExpectWord("ROLE"));
    if (kind != StmtKind::kAlterUser) return Error();
    s->default_role = true;
    XP_RETURN_IF_ERROR(Roles(s.get(), /*allow_default=*/false));
  }
  if (AcceptWord("REQUIRE")) {
    // REQUIRE X509 / ISSUER / SUBJECT / CIPHER (client certificates):
    // not offered, so a syntax error rather than a weaker account.
    if (AcceptWord("NONE")) {
      s->require_ssl = 0;
    } else {
      XP_RETURN_IF_ERROR(ExpectWord("SSL"));
      s->require_ssl = 1;
    }
  }
  if (AcceptWord("WITH")) {
    // MAX_QUERIES_PER_HOUR n ...: accepted, not enforced (as with 0).
    while (PeekWord("MAX_QUERIES_PER_HOUR") ||
           PeekWord("MAX_UPDATES_PER_HOUR") ||
           PeekWord("MAX_CONNECTIONS_PER_HOUR") ||
           PeekWord("MAX_USER_CONNECTIONS")) {
      ++pos_;
      XP_RETURN_IF_ERROR(IntLit().status());
    }
  }
  for (;;) {
    if (AcceptWord("ACCOUNT")) {
      if (AcceptWord("LOCK")) {
        s->lock = 1;
      } else {
        XP_RETURN_IF_ERROR(ExpectWord("UNLOCK"));
        s->lock = 0;
      }
    } else if (AcceptWord("PASSWORD")) {
      XP_RETURN_IF_ERROR(ExpectWord("EXPIRE"));
      if (AcceptWord("NEVER") || AcceptWord("DEFAULT")) {
        s->expire = 0;
      } else if (AcceptWord("INTERVAL")) {
        XP_RETURN_IF_ERROR(IntLit().status());
        XP_RETURN_IF_ERROR(ExpectWord("DAY"));
        s->expire = 0;
      } else {
        s->expire = 1;
      }
    } else {
      break;
    }
  }
  return StmtPtr(std::move(s));
}

Result<StmtPtr> Parser::GrantRevoke() {
  const bool grant = Take().IsWord("GRANT");
  auto s = std::make_unique<AccountStatement>(grant ? StmtKind::kGrant
                                                    : StmtKind::kRevoke);
  // Roles (GRANT r1, r2 TO u) or privileges (GRANT p [(cols)], ... ON x TO
  // u): told apart by whether ON comes before TO / FROM.
  bool privileges = false;
  for (size_t k = 0; !Peek(k).Is(TokenKind::kEnd) && !Peek(k).IsOp(";"); ++k) {
    if (Peek(k).IsWord("ON")) privileges = true;
    if (Peek(k).IsWord("ON") || Peek(k).IsWord("TO") || Peek(k).IsWord("FROM"))
      break;
  }
  if (!privileges && !(PeekWord("ALL") && !grant)) {
    XP_SET_OR_RETURN(s->roles, AccountList());
    XP_RETURN_IF_ERROR(ExpectWord(grant ? "TO" : "FROM"));
    XP_SET_OR_RETURN(s->users, AccountList());
    if (grant && AcceptWord("WITH")) {
      XP_RETURN_IF_ERROR(ExpectWord("ADMIN"));
      XP_RETURN_IF_ERROR(ExpectWord("OPTION"));
      s->admin_option = true;
    }
    return StmtPtr(std::move(s));
  }
  do {
    PrivilegeSpec priv;
    while (Peek().Is(TokenKind::kIdent) && !PeekWord("ON") &&
           !(PeekWord("FROM") && !grant)) {
      if (!priv.name.empty()) priv.name += " ";
      priv.name += Upper(Take().text);
    }
    if (Peek().IsOp("(")) XP_SET_OR_RETURN(priv.columns, ParenIdentList());
    if (priv.name.empty()) return Error();
    if (priv.name == "ALL PRIVILEGES") priv.name = "ALL";
    s->privileges.push_back(std::move(priv));
  } while (AcceptOp(","));
  // REVOKE ALL [PRIVILEGES], GRANT OPTION FROM users: every level.
  if (!grant && AcceptWord("FROM")) {
    if (s->privileges.size() != 2 || s->privileges[0].name != "ALL" ||
        s->privileges[1].name != "GRANT OPTION")
      return Error();
    s->on.schema = "*";
    s->on.name = "*";
    s->grant_option = true;
    s->if_exists = true;  // marks "every level"
  } else {
    XP_RETURN_IF_ERROR(ExpectWord("ON"));
    AcceptWord("TABLE");
    if (AcceptOp("*")) {
      // ON * is the current database; ON *.* every database.
      s->on.name = "*";
      if (AcceptOp(".")) {
        XP_RETURN_IF_ERROR(ExpectOp("*"));
        s->on.schema = "*";
      }
    } else {
      XP_SET_OR_RETURN(s->on.name, Ident());
      if (AcceptOp(".")) {
        s->on.schema = std::move(s->on.name);
        if (AcceptOp("*")) {
          s->on.name = "*";
        } else {
          XP_SET_OR_RETURN(s->on.name, AnyIdent());
        }
      }
    }
    if (!AcceptWord(grant ? "TO" : "FROM")) return Error();
  }
  do {
    XP_ASSIGN_OR_RETURN(UserSpec u, Account());
    if (grant) XP_RETURN_IF_ERROR(AuthOption(&u));
    s->users.push_back(std::move(u));
  } while (AcceptOp(","));
  if (grant && AcceptWord("WITH")) {
    XP_RETURN_IF_ERROR(ExpectWord("GRANT"));
    XP_RETURN_IF_ERROR(ExpectWord("OPTION"));
    s->grant_option = true;
  }
  return StmtPtr(std::move(s));
}

// RENAME USER a TO b [, c TO d]
Result<StmtPtr> Parser::RenameUser() {
  auto s = std::make_unique<AccountStatement>(StmtKind::kRenameUser);
  do {
    XP_ASSIGN_OR_RETURN(UserSpec from, Account());
    XP_RETURN_IF_ERROR(ExpectWord("TO"));
    XP_ASSIGN_OR_RETURN(UserSpec to, Account());
    s->users.push_back(std::move(from));
    s->rename_to.push_back(std::move(to));
  } while (AcceptOp(","));
  return StmtPtr(std::move(s));
}

// SET PASSWORD [FOR account] = 'password'
Result<StmtPtr> Parser::SetPassword() {
  auto s = std::make_unique<AccountStatement>(StmtKind::kSetPassword);
  UserSpec u;
  u.current = true;
  if (AcceptWord("FOR")) XP_SET_OR_RETURN(u, Account());
  XP_RETURN_IF_ERROR(ExpectOp("="));
  if (AcceptWord("PASSWORD")) {  // the old PASSWORD('x') form
    XP_RETURN_IF_ERROR(ExpectOp("("));
    XP_SET_OR_RETURN(u.password, StringLit());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
  } else {
    XP_SET_OR_RETURN(u.password, StringLit());
  }
  u.identified = true;
  s->users.push_back(std::move(u));
  return StmtPtr(std::move(s));
}

}  // namespace xp::sql::parser_internal
