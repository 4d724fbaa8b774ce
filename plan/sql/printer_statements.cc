// Printing statements as canonical SQL (ToSql(const Statement&)): DML,
// DDL, SHOW, XA, accounts and roles. Expressions and queries are in
// printer.cc; the helpers both use are in printer_internal.h.
#include "plan/sql/printer_internal.h"

namespace xp::sql {

using namespace printer_internal;  // NOLINT: the shared helpers

namespace {

// `a`, `b`.`c`, ...
std::string NameList(const std::vector<QualifiedName>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? ", " : "") + Name(names[i]);
  return out;
}

// " FIRST" / " AFTER `col`" of an ALTER TABLE column action, or nothing.
std::string Place(const AlterAction& a) {
  if (a.first) return " FIRST";
  return a.after.empty() ? "" : " AFTER " + QuoteIdent(a.after);
}

std::string ColumnSql(const ColumnDef& c) {
  std::string out = QuoteIdent(c.name) + " " + ToSql(c.type);
  if (c.not_null) out += " NOT NULL";
  if (c.default_value) out += " DEFAULT " + ToSql(*c.default_value);
  if (c.on_update) out += " ON UPDATE " + ToSql(*c.on_update);
  if (c.auto_increment) out += " AUTO_INCREMENT";
  if (c.primary_key) out += " PRIMARY KEY";
  if (c.unique) out += " UNIQUE";
  if (!c.comment.empty()) out += " COMMENT " + QuoteString(c.comment);
  return out;
}

std::string IndexSql(const IndexDef& i) {
  std::string out = i.kind == IndexDef::Kind::kPrimary  ? "PRIMARY KEY"
                    : i.kind == IndexDef::Kind::kUnique ? "UNIQUE KEY"
                                                        : "KEY";
  if (i.global) out = "GLOBAL " + out;
  if (!i.name.empty() && i.kind != IndexDef::Kind::kPrimary)
    out += " " + QuoteIdent(i.name);
  return out + " (" + Order(i.columns) + ")";
}

}  // namespace

const char* ForeignKeyActionSql(ForeignKeyAction a) {
  switch (a) {
    case ForeignKeyAction::kNoAction:
      return "NO ACTION";
    case ForeignKeyAction::kRestrict:
      return "RESTRICT";
    case ForeignKeyAction::kCascade:
      return "CASCADE";
    case ForeignKeyAction::kSetNull:
      return "SET NULL";
    case ForeignKeyAction::kSetDefault:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

std::string ForeignKeySql(const ForeignKeyDef& fk) {
  std::string out;
  if (!fk.name.empty()) out += "CONSTRAINT " + QuoteIdent(fk.name) + " ";
  out += "FOREIGN KEY ";
  if (!fk.index_name.empty()) out += QuoteIdent(fk.index_name) + " ";
  out += "(" + IdentList(fk.columns) + ") REFERENCES " + Name(fk.ref_table);
  if (!fk.ref_columns.empty()) out += " (" + IdentList(fk.ref_columns) + ")";
  if (fk.on_delete != ForeignKeyAction::kNoAction)
    out += std::string(" ON DELETE ") + ForeignKeyActionSql(fk.on_delete);
  if (fk.on_update != ForeignKeyAction::kNoAction)
    out += std::string(" ON UPDATE ") + ForeignKeyActionSql(fk.on_update);
  return out;
}

namespace {

std::string UserSql(const UserSpec& u, bool auth);
std::string UserListSql(const std::vector<UserSpec>& users, bool auth);

std::string ShowSql(const ShowStatement& s) {
  using W = ShowStatement::What;
  std::string out = s.full ? "SHOW FULL " : "SHOW ";
  switch (s.what) {
    case W::kDatabases:
      out += "DATABASES";
      break;
    case W::kTables:
      out += "TABLES";
      if (!s.database.empty()) out += " FROM " + QuoteIdent(s.database);
      break;
    case W::kColumns:
      out += "COLUMNS FROM " + Name(s.table);
      break;
    case W::kCreateTable:
      return out + "CREATE TABLE " + Name(s.table);
    case W::kCreateView:
      return out + "CREATE VIEW " + Name(s.table);
    case W::kIndex:
      out += "INDEX FROM " + Name(s.table);
      break;
    case W::kVariables:
      out += "VARIABLES";
      break;
    case W::kStatus:
      out += "STATUS";
      break;
    case W::kWarnings:
      return out + "WARNINGS";
    case W::kRoutineStatus:
      out += s.routine + " STATUS";
      break;
    case W::kProcesslist:
      return out + "PROCESSLIST";
    case W::kGrants:
      out += "GRANTS";
      if (s.grants_for) out += " FOR " + UserSql(*s.grants_for, false);
      if (!s.grants_using.empty())
        out += " USING " + UserListSql(s.grants_using, false);
      return out;
  }
  if (!s.like.empty()) out += " LIKE " + QuoteString(s.like);
  if (s.where) out += " WHERE " + ToSql(*s.where);
  return out;
}

std::string XaSql(const XaStatement& x) {
  using Op = XaStatement::Op;
  static const char* kOps[] = {"START",  "END",      "PREPARE",
                               "COMMIT", "ROLLBACK", "RECOVER"};
  std::string out = std::string("XA ") + kOps[static_cast<int>(x.op)];
  if (x.op == Op::kRecover) return out;
  out += " " + QuoteString(x.gtrid);
  if (!x.bqual.empty() || x.format_id != 1) out += ", " + QuoteString(x.bqual);
  if (x.format_id != 1) out += ", " + std::to_string(x.format_id);
  if (x.one_phase) out += " ONE PHASE";
  return out;
}

std::string UserSql(const UserSpec& u, bool auth) {
  std::string out = u.current ? "CURRENT_USER()"
                              : QuoteString(u.user) + "@" + QuoteString(u.host);
  if (!auth || !u.identified) return out;
  out += " IDENTIFIED";
  if (!u.plugin.empty()) out += " WITH " + u.plugin;
  // Secrets never appear in printed statements (logs, SHOW PROCESSLIST).
  // (A string, so the print still parses.)
  return out + (u.hashed ? " AS '<secret>'" : " BY '<secret>'");
}

std::string UserListSql(const std::vector<UserSpec>& users, bool auth) {
  std::string out;
  for (size_t i = 0; i < users.size(); ++i)
    out += (i ? ", " : "") + UserSql(users[i], auth);
  return out;
}

// NONE / ALL [EXCEPT roles] / DEFAULT / roles.
std::string RoleSetSql(const AccountStatement& a) {
  using RS = AccountStatement::RoleSet;
  switch (a.role_set) {
    case RS::kNone:
      return "NONE";
    case RS::kDefault:
      return "DEFAULT";
    case RS::kAll:
      return "ALL";
    case RS::kAllExcept:
      return "ALL EXCEPT " + UserListSql(a.roles, false);
    case RS::kList:
      break;
  }
  return UserListSql(a.roles, false);
}

std::string AccountSql(const AccountStatement& a) {
  switch (a.kind) {
    case StmtKind::kCreateRole:
      return std::string("CREATE ROLE ") +
             (a.if_exists ? "IF NOT EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kDropRole:
      return std::string("DROP ROLE ") + (a.if_exists ? "IF EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kSetRole:
      return "SET ROLE " + RoleSetSql(a);
    case StmtKind::kSetDefaultRole:
      return "SET DEFAULT ROLE " + RoleSetSql(a) + " TO " +
             UserListSql(a.users, false);
    case StmtKind::kCreateUser:
    case StmtKind::kAlterUser: {
      const bool create = a.kind == StmtKind::kCreateUser;
      std::string out = create ? "CREATE USER " : "ALTER USER ";
      if (a.if_exists) out += create ? "IF NOT EXISTS " : "IF EXISTS ";
      out += UserListSql(a.users, true);
      if (a.default_role) out += " DEFAULT ROLE " + RoleSetSql(a);
      if (a.require_ssl >= 0)
        out += a.require_ssl ? " REQUIRE SSL" : " REQUIRE NONE";
      if (a.lock >= 0) out += a.lock ? " ACCOUNT LOCK" : " ACCOUNT UNLOCK";
      if (a.expire >= 0)
        out += a.expire ? " PASSWORD EXPIRE" : " PASSWORD EXPIRE NEVER";
      return out;
    }
    case StmtKind::kDropUser:
      return std::string("DROP USER ") + (a.if_exists ? "IF EXISTS " : "") +
             UserListSql(a.users, false);
    case StmtKind::kRenameUser: {
      std::string out = "RENAME USER ";
      for (size_t i = 0; i < a.users.size(); ++i)
        out += (i ? ", " : "") + UserSql(a.users[i], false) + " TO " +
               UserSql(a.rename_to[i], false);
      return out;
    }
    case StmtKind::kSetPassword:
      return "SET PASSWORD" +
             (a.users[0].current ? std::string()
                                 : " FOR " + UserSql(a.users[0], false)) +
             " = '<secret>'";
    default: {
      const bool grant = a.kind == StmtKind::kGrant;
      if (!a.roles.empty())
        return std::string(grant ? "GRANT " : "REVOKE ") +
               UserListSql(a.roles, false) + (grant ? " TO " : " FROM ") +
               UserListSql(a.users, false) +
               (a.admin_option ? " WITH ADMIN OPTION" : "");
      std::string privileges;
      for (size_t i = 0; i < a.privileges.size(); ++i) {
        privileges += (i ? ", " : "") + a.privileges[i].name;
        if (!a.privileges[i].columns.empty())
          privileges += " (" + IdentList(a.privileges[i].columns) + ")";
      }
      if (!grant && a.if_exists)
        return "REVOKE ALL PRIVILEGES, GRANT OPTION FROM " +
               UserListSql(a.users, false);
      const std::string on = a.on.schema == "*"    ? "*.*"
                             : a.on.schema.empty() ? QuoteIdent(a.on.name)
                             : a.on.name == "*" ? QuoteIdent(a.on.schema) + ".*"
                                                : Name(a.on);
      return std::string(grant ? "GRANT " : "REVOKE ") + privileges + " ON " +
             (a.on.schema.empty() && a.on.name == "*" ? "*" : on) +
             (grant ? " TO " : " FROM ") + UserListSql(a.users, grant) +
             (grant && a.grant_option ? " WITH GRANT OPTION" : "");
    }
  }
}

}  // namespace

std::string ToSql(const Statement& s) {
  switch (s.kind) {
    case StmtKind::kSelect:
      return ToSql(*static_cast<const SelectStatement&>(s).query);
    case StmtKind::kInsert: {
      const auto& i = static_cast<const InsertStatement&>(s);
      std::string out = i.replace ? "REPLACE " : "INSERT ";
      if (i.ignore) out += "IGNORE ";
      out += "INTO " + Name(i.table);
      if (!i.columns.empty()) out += " (" + IdentList(i.columns) + ")";
      if (i.select) {
        out += " " + ToSql(*i.select);
      } else {
        out += " VALUES ";
        for (size_t r = 0; r < i.rows.size(); ++r) {
          if (r) out += ", ";
          out += "(" + List(i.rows[r]) + ")";
        }
      }
      if (!i.on_duplicate.empty()) {
        out += " ON DUPLICATE KEY UPDATE ";
        for (size_t k = 0; k < i.on_duplicate.size(); ++k) {
          if (k) out += ", ";
          out += QuoteIdent(i.on_duplicate[k].first) + " = " +
                 ToSql(*i.on_duplicate[k].second);
        }
      }
      return out;
    }
    case StmtKind::kUpdate: {
      const auto& u = static_cast<const UpdateStatement&>(s);
      std::string out = "UPDATE " + ToSql(*u.table) + " SET ";
      for (size_t k = 0; k < u.set.size(); ++k) {
        if (k) out += ", ";
        if (!u.set[k].table.empty()) out += QuoteIdent(u.set[k].table) + ".";
        out += QuoteIdent(u.set[k].column) + " = " + ToSql(*u.set[k].value);
      }
      if (u.where) out += " WHERE " + ToSql(*u.where);
      if (!u.order_by.empty()) out += " ORDER BY " + Order(u.order_by);
      if (u.limit) out += " LIMIT " + ToSql(*u.limit);
      return out;
    }
    case StmtKind::kDelete: {
      const auto& d = static_cast<const DeleteStatement&>(s);
      std::string out = "DELETE FROM " + Name(d.table);
      if (!d.alias.empty()) out += " AS " + QuoteIdent(d.alias);
      if (d.where) out += " WHERE " + ToSql(*d.where);
      if (!d.order_by.empty()) out += " ORDER BY " + Order(d.order_by);
      if (d.limit) out += " LIMIT " + ToSql(*d.limit);
      return out;
    }
    case StmtKind::kCreateDatabase:
    case StmtKind::kDropDatabase: {
      const auto& d = static_cast<const DatabaseStatement&>(s);
      if (s.kind == StmtKind::kCreateDatabase) {
        return std::string("CREATE DATABASE ") +
               (d.if_exists ? "IF NOT EXISTS " : "") + QuoteIdent(d.name);
      }
      return std::string("DROP DATABASE ") + (d.if_exists ? "IF EXISTS " : "") +
             QuoteIdent(d.name);
    }
    case StmtKind::kCreateTable: {
      const auto& c = static_cast<const CreateTableStatement&>(s);
      std::string out =
          std::string("CREATE ") + (c.temporary ? "TEMPORARY " : "") +
          "TABLE " + (c.if_not_exists ? "IF NOT EXISTS " : "") + Name(c.table);
      if (!c.like.name.empty()) return out + " LIKE " + Name(c.like);
      if (!c.columns.empty()) {
        out += " (";
        bool first = true;
        for (const auto& col : c.columns) {
          out += (first ? "" : ", ") + ColumnSql(col);
          first = false;
        }
        for (const auto& idx : c.indexes) out += ", " + IndexSql(idx);
        for (const auto& fk : c.foreign_keys) out += ", " + ForeignKeySql(fk);
        out += ")";
      }
      switch (c.partition.kind) {
        case PartitionSpec::Kind::kNone:
          break;
        case PartitionSpec::Kind::kBroadcast:
          out += " BROADCAST";
          break;
        case PartitionSpec::Kind::kSingle:
          out += " SINGLE";
          break;
        case PartitionSpec::Kind::kHash:
        case PartitionSpec::Kind::kKey:
          out += c.partition.kind == PartitionSpec::Kind::kHash
                     ? " PARTITION BY HASH("
                     : " PARTITION BY KEY(";
          out += IdentList(c.partition.columns) + ")";
          if (c.partition.partitions > 0) {
            out += " PARTITIONS " + std::to_string(c.partition.partitions);
          }
          break;
      }
      if (c.as_select) out += " AS " + ToSql(*c.as_select);
      return out;
    }
    case StmtKind::kDropTable: {
      const auto& d = static_cast<const DropTableStatement&>(s);
      return std::string("DROP TABLE ") + (d.if_exists ? "IF EXISTS " : "") +
             NameList(d.tables);
    }
    case StmtKind::kRenameTable: {
      std::string out = "RENAME TABLE ";
      const auto& r = static_cast<const RenameTableStatement&>(s);
      for (size_t i = 0; i < r.renames.size(); ++i)
        out += (i ? ", " : "") + Name(r.renames[i].first) + " TO " +
               Name(r.renames[i].second);
      return out;
    }
    case StmtKind::kLockTables: {
      std::string out = "LOCK TABLES ";
      const auto& l = static_cast<const LockTablesStatement&>(s);
      for (size_t i = 0; i < l.items.size(); ++i) {
        out += (i ? ", " : "") + Name(l.items[i].table);
        if (!l.items[i].alias.empty())
          out += " AS " + QuoteIdent(l.items[i].alias);
        out += l.items[i].write ? " WRITE" : " READ";
      }
      return out;
    }
    case StmtKind::kUnlockTables:
      return "UNLOCK TABLES";
    case StmtKind::kTruncate:
      return "TRUNCATE TABLE " +
             Name(static_cast<const TruncateStatement&>(s).table);
    case StmtKind::kAlterTable: {
      const auto& a = static_cast<const AlterTableStatement&>(s);
      std::string out = "ALTER TABLE " + Name(a.table) + " ";
      for (size_t i = 0; i < a.actions.size(); ++i) {
        if (i) out += ", ";
        const AlterAction& act = a.actions[i];
        switch (act.kind) {
          case AlterAction::Kind::kAddColumn:
            out += "ADD COLUMN " + ColumnSql(act.column) + Place(act);
            break;
          case AlterAction::Kind::kModifyColumn:
            out += "MODIFY COLUMN " + ColumnSql(act.column) + Place(act);
            break;
          case AlterAction::Kind::kChangeColumn:
            out += "CHANGE COLUMN " + QuoteIdent(act.name) + " " +
                   ColumnSql(act.column) + Place(act);
            break;
          case AlterAction::Kind::kRenameColumn:
            out += "RENAME COLUMN " + QuoteIdent(act.name) + " TO " +
                   QuoteIdent(act.new_name);
            break;
          case AlterAction::Kind::kDropColumn:
            out += "DROP COLUMN " + QuoteIdent(act.name);
            break;
          case AlterAction::Kind::kAddIndex:
            out += "ADD " + IndexSql(act.index);
            break;
          case AlterAction::Kind::kDropIndex:
            out += "DROP INDEX " + QuoteIdent(act.name);
            break;
          case AlterAction::Kind::kRenameTable:
            out += "RENAME TO " + Name(act.to);
            break;
          case AlterAction::Kind::kAddForeignKey:
            out += "ADD " + ForeignKeySql(act.foreign_key);
            break;
          case AlterAction::Kind::kDropForeignKey:
            out += "DROP FOREIGN KEY " + QuoteIdent(act.name);
            break;
        }
      }
      return out;
    }
    case StmtKind::kCreateIndex: {
      const auto& c = static_cast<const CreateIndexStatement&>(s);
      return std::string("CREATE ") +
             (c.index.kind == IndexDef::Kind::kUnique ? "UNIQUE " : "") +
             (c.index.global ? "GLOBAL " : "") + "INDEX " +
             QuoteIdent(c.index.name) + " ON " + Name(c.table) + " (" +
             Order(c.index.columns) + ")";
    }
    case StmtKind::kDropIndex: {
      const auto& d = static_cast<const DropIndexStatement&>(s);
      return "DROP INDEX " + QuoteIdent(d.name) + " ON " + Name(d.table);
    }
    case StmtKind::kCreateView: {
      const auto& v = static_cast<const CreateViewStatement&>(s);
      std::string out = std::string("CREATE ") +
                        (v.or_replace ? "OR REPLACE " : "") + "VIEW " +
                        Name(v.view);
      if (!v.columns.empty()) out += " (" + IdentList(v.columns) + ")";
      return out + " AS " + ToSql(*v.query);
    }
    case StmtKind::kDropView: {
      const auto& d = static_cast<const DropViewStatement&>(s);
      return std::string("DROP VIEW ") + (d.if_exists ? "IF EXISTS " : "") +
             NameList(d.views);
    }
    case StmtKind::kUse:
      return "USE " + QuoteIdent(static_cast<const UseStatement&>(s).database);
    case StmtKind::kTransaction: {
      const auto& t = static_cast<const TransactionStatement&>(s);
      using Op = TransactionStatement::Op;
      switch (t.op) {
        case Op::kBegin:
          return "START TRANSACTION";
        case Op::kCommit:
          return "COMMIT";
        case Op::kRollback:
          return "ROLLBACK";
        case Op::kSavepoint:
          return "SAVEPOINT " + QuoteIdent(t.savepoint);
        case Op::kRollbackTo:
          return "ROLLBACK TO SAVEPOINT " + QuoteIdent(t.savepoint);
        case Op::kRelease:
          return "RELEASE SAVEPOINT " + QuoteIdent(t.savepoint);
      }
      return "ROLLBACK";
    }
    case StmtKind::kExplain: {
      const auto& e = static_cast<const ExplainStatement&>(s);
      return std::string("EXPLAIN ") + (e.analyze ? "ANALYZE " : "") +
             ToSql(*e.statement);
    }
    case StmtKind::kSet: {
      const auto& st = static_cast<const SetStatement&>(s);
      if (st.names) {
        return "SET NAMES " + st.charset +
               (st.collation.empty() ? "" : " COLLATE " + st.collation);
      }
      if (st.transaction) return "SET TRANSACTION " + st.transaction_text;
      std::string out = "SET ";
      for (size_t i = 0; i < st.items.size(); ++i) {
        if (i) out += ", ";
        const auto& it = st.items[i];
        out += it.scope == SetStatement::Item::Scope::kUser
                   ? "@" + QuoteIdent(it.name)
               : it.scope == SetStatement::Item::Scope::kGlobal
                   ? "@@global." + it.name
                   : "@@session." + it.name;
        out += " = " + ToSql(*it.value);
      }
      return out;
    }
    case StmtKind::kCreateTrigger: {
      const auto& t = static_cast<const TriggerStatement&>(s);
      return "CREATE TRIGGER " + Name(t.trigger) +
             (t.before ? " BEFORE " : " AFTER ") + t.event + " ON " +
             Name(t.table) + " FOR EACH ROW " + t.body;
    }
    case StmtKind::kDropTrigger: {
      const auto& t = static_cast<const TriggerStatement&>(s);
      return std::string("DROP TRIGGER ") + (t.if_exists ? "IF EXISTS " : "") +
             Name(t.trigger);
    }
    case StmtKind::kKill: {
      const auto& k = static_cast<const KillStatement&>(s);
      return std::string("KILL ") + (k.query_only ? "QUERY " : "") +
             std::to_string(k.id);
    }
    case StmtKind::kShow:
      return ShowSql(static_cast<const ShowStatement&>(s));
    case StmtKind::kXa:
      return XaSql(static_cast<const XaStatement&>(s));
    case StmtKind::kCreateUser:
    case StmtKind::kDropUser:
    case StmtKind::kAlterUser:
    case StmtKind::kRenameUser:
    case StmtKind::kSetPassword:
    case StmtKind::kGrant:
    case StmtKind::kRevoke:
    case StmtKind::kCreateRole:
    case StmtKind::kDropRole:
    case StmtKind::kSetRole:
    case StmtKind::kSetDefaultRole:
      return AccountSql(static_cast<const AccountStatement&>(s));
    case StmtKind::kFlush:
      return "FLUSH " + static_cast<const FlushStatement&>(s).what;
  }
  return "?";
}

}  // namespace xp::sql
