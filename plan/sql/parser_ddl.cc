// CREATE / DROP / ALTER of databases, tables, indexes, views and triggers;
// column types (see parser_internal.h).
#include "plan/sql/parser_internal.h"
#include "plan/sql/printer.h"

namespace xp::sql::parser_internal {

Result<StmtPtr> Parser::Create() {
  ++pos_;
  const bool or_replace =
      AcceptWord("OR") ? (AcceptWord("REPLACE"), true) : false;
  if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
    auto s = std::make_unique<DatabaseStatement>(StmtKind::kCreateDatabase);
    if (AcceptWord("IF")) {
      XP_RETURN_IF_ERROR(ExpectWord("NOT"));
      XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
      s->if_exists = true;
    }
    XP_SET_OR_RETURN(s->name, Ident());
    SkipTableOptions();
    return StmtPtr(std::move(s));
  }
  const bool temporary = AcceptWord("TEMPORARY");
  if (AcceptWord("TABLE")) return CreateTable(temporary);
  // CREATE [UNIQUE] [GLOBAL] INDEX (GLOBAL before UNIQUE too).
  bool global = AcceptWord("GLOBAL");
  const bool unique = AcceptWord("UNIQUE");
  global = AcceptWord("GLOBAL") || global;
  if (global && !PeekWord("INDEX")) return Error();
  AcceptWord("FULLTEXT");
  if (AcceptWord("INDEX")) {
    auto s = std::make_unique<CreateIndexStatement>();
    s->index.kind = unique ? IndexDef::Kind::kUnique : IndexDef::Kind::kIndex;
    s->index.global = global;
    XP_SET_OR_RETURN(s->index.name, Ident());
    if (AcceptWord("USING")) Take();
    XP_RETURN_IF_ERROR(ExpectWord("ON"));
    XP_SET_OR_RETURN(s->table, QualName());
    XP_SET_OR_RETURN(s->index.columns, IndexColumns());
    SkipTableOptions();
    return StmtPtr(std::move(s));
  }
  if (unique) return Error();
  // CREATE [OR REPLACE] [ALGORITHM=..] [DEFINER=..] [SQL SECURITY ..] VIEW
  while (!PeekWord("VIEW") && !AtEnd() &&
         (PeekWord("ALGORITHM") || PeekWord("DEFINER") || PeekWord("SQL"))) {
    Take();
    if (AcceptOp("=")) Take();
    if (Peek().IsOp("@")) {
      Take();
      Take();
    }
    if (PeekWord("SECURITY")) {
      Take();
      Take();
    }
  }
  if (AcceptWord("VIEW")) {
    auto s = std::make_unique<CreateViewStatement>();
    s->or_replace = or_replace;
    XP_SET_OR_RETURN(s->view, QualName());
    if (Peek().IsOp("(")) XP_SET_OR_RETURN(s->columns, ParenIdentList());
    XP_RETURN_IF_ERROR(ExpectWord("AS"));
    XP_SET_OR_RETURN(s->query, QueryExpr());
    if (AcceptWord("WITH")) {  // WITH [CASCADED|LOCAL] CHECK OPTION
      AcceptWord("CASCADED") || AcceptWord("LOCAL");
      XP_RETURN_IF_ERROR(ExpectWord("CHECK"));
      XP_RETURN_IF_ERROR(ExpectWord("OPTION"));
    }
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("TRIGGER")) return CreateTrigger();
  if (AcceptWord("USER")) return UserStatement(StmtKind::kCreateUser);
  if (AcceptWord("ROLE")) return RoleStatement(StmtKind::kCreateRole);
  return Error();
}

// CREATE [DEFINER=..] TRIGGER [IF NOT EXISTS] name {BEFORE|AFTER}
// {INSERT|UPDATE|DELETE} ON tbl FOR EACH ROW [{FOLLOWS|PRECEDES} other]
// body. The body is kept as source text (the rest of the statement).
Result<StmtPtr> Parser::CreateTrigger() {
  auto s = std::make_unique<TriggerStatement>(StmtKind::kCreateTrigger);
  if (AcceptWord("IF")) {
    XP_RETURN_IF_ERROR(ExpectWord("NOT"));
    XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    s->if_exists = true;
  }
  XP_SET_OR_RETURN(s->trigger, QualName());
  if (AcceptWord("BEFORE")) {
    s->before = true;
  } else {
    XP_RETURN_IF_ERROR(ExpectWord("AFTER"));
  }
  if (!PeekWord("INSERT") && !PeekWord("UPDATE") && !PeekWord("DELETE"))
    return Error();
  s->event = Upper(Take().text);
  XP_RETURN_IF_ERROR(ExpectWord("ON"));
  XP_SET_OR_RETURN(s->table, QualName());
  XP_RETURN_IF_ERROR(ExpectWord("FOR"));
  XP_RETURN_IF_ERROR(ExpectWord("EACH"));
  XP_RETURN_IF_ERROR(ExpectWord("ROW"));
  if (AcceptWord("FOLLOWS") || AcceptWord("PRECEDES"))
    XP_RETURN_IF_ERROR(Ident().status());
  const Token& first = Peek();
  if (first.Is(TokenKind::kEnd)) return Error();
  size_t last = pos_;
  while (!Peek(last - pos_ + 1).Is(TokenKind::kEnd)) ++last;
  if (toks_[last].IsOp(";") && last > pos_) --last;  // the statement's own ';'
  if (first.IsWord("BEGIN")) {
    if (!toks_[last].IsWord("END") || last == pos_) return Error();
    s->empty_body = last == pos_ + 1;
  }
  const Token& end = toks_[last];
  s->body = std::string(
      sql_.substr(first.offset, end.offset + end.text.size() - first.offset));
  pos_ = last + 1;
  return StmtPtr(std::move(s));
}

Result<std::vector<OrderItem>> Parser::IndexColumns() {
  XP_RETURN_IF_ERROR(ExpectOp("("));
  std::vector<OrderItem> cols;
  do {
    OrderItem item;
    const uint32_t off = Peek().offset;
    XP_ASSIGN_OR_RETURN(std::string name, Ident());
    item.expr = NewExpr(ExprKind::kColumn, off);
    item.expr->text = std::move(name);
    if (AcceptOp("(")) {  // prefix length
      XP_RETURN_IF_ERROR(IntLit().status());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    }
    if (AcceptWord("DESC")) {
      item.desc = true;
    } else {
      AcceptWord("ASC");
    }
    cols.push_back(std::move(item));
  } while (AcceptOp(","));
  XP_RETURN_IF_ERROR(ExpectOp(")"));
  return cols;
}

// Skips table/database options: ENGINE=x, DEFAULT CHARSET=y, COMMENT='..',
// AUTO_INCREMENT=5 ... (accepted and ignored). Stops at ';', end, or a word
// that starts something else.
void Parser::SkipTableOptions(PartitionSpec* partition) {
  for (;;) {
    const Token& t = Peek();
    if (t.Is(TokenKind::kEnd) || t.IsOp(";") || t.IsOp(")")) return;
    if (t.IsWord("AS") || t.IsWord("SELECT") || t.IsWord("WITH") ||
        t.IsWord("PARTITION") || t.IsOp("(") || t.IsWord("LIKE")) {
      return;
    }
    if (partition != nullptr && (t.IsWord("BROADCAST") || t.IsWord("SINGLE"))) {
      partition->kind = t.IsWord("BROADCAST") ? PartitionSpec::Kind::kBroadcast
                                              : PartitionSpec::Kind::kSingle;
      ++pos_;
      continue;
    }
    if (t.IsOp(",")) {
      ++pos_;
      continue;
    }
    if (!t.Is(TokenKind::kIdent)) return;
    ++pos_;  // option word (DEFAULT, ENGINE, CHARACTER, ...)
    if (t.IsWord("DEFAULT")) continue;
    if (t.IsWord("CHARACTER") && PeekWord("SET")) ++pos_;
    AcceptOp("=");
    const Token& v = Peek();
    if (v.Is(TokenKind::kIdent) || v.Is(TokenKind::kString) ||
        v.Is(TokenKind::kInteger) || v.Is(TokenKind::kQuotedIdent) ||
        v.Is(TokenKind::kDecimal)) {
      if (!(v.Is(TokenKind::kIdent) && IsReserved(Upper(v.text)))) ++pos_;
    }
  }
}

Result<StmtPtr> Parser::CreateTable(bool temporary) {
  auto s = std::make_unique<CreateTableStatement>();
  s->temporary = temporary;
  if (AcceptWord("IF")) {
    XP_RETURN_IF_ERROR(ExpectWord("NOT"));
    XP_RETURN_IF_ERROR(ExpectWord("EXISTS"));
    s->if_not_exists = true;
  }
  XP_SET_OR_RETURN(s->table, QualName());
  if (AcceptWord("LIKE")) {
    XP_SET_OR_RETURN(s->like, QualName());
    return StmtPtr(std::move(s));
  }
  if (Peek().IsOp("(") && Peek(1).IsWord("LIKE")) {
    pos_ += 2;
    XP_SET_OR_RETURN(s->like, QualName());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    return StmtPtr(std::move(s));
  }
  if (Peek().IsOp("(") &&
      !(Peek(1).IsWord("SELECT") || Peek(1).IsWord("WITH"))) {
    ++pos_;
    do {
      XP_RETURN_IF_ERROR(TableElement(s.get()));
    } while (AcceptOp(","));
    XP_RETURN_IF_ERROR(ExpectOp(")"));
  }
  SkipTableOptions(&s->partition);
  if (AcceptWord("PARTITION")) {
    XP_RETURN_IF_ERROR(ExpectWord("BY"));
    AcceptWord("LINEAR");
    if (AcceptWord("HASH")) {
      s->partition.kind = PartitionSpec::Kind::kHash;
    } else if (AcceptWord("KEY")) {
      s->partition.kind = PartitionSpec::Kind::kKey;
    } else {
      return Error();
    }
    XP_RETURN_IF_ERROR(ExpectOp("("));
    if (!Peek().IsOp(")")) XP_SET_OR_RETURN(s->partition.columns, IdentList());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
    if (AcceptWord("PARTITIONS"))
      XP_SET_OR_RETURN(s->partition.partitions, IntLit());
    SkipTableOptions(&s->partition);
  }
  AcceptWord("IGNORE") || AcceptWord("REPLACE");
  if (AcceptWord("AS") || PeekWord("SELECT") || PeekWord("WITH") ||
      Peek().IsOp("(")) {
    XP_SET_OR_RETURN(s->as_select, QueryExpr());
  }
  if (s->columns.empty() && !s->as_select) return Error();
  return StmtPtr(std::move(s));
}

Status Parser::TableElement(CreateTableStatement* s) {
  std::string name;
  if (AcceptWord("CONSTRAINT")) {
    if (PeekIdent()) XP_SET_OR_RETURN(name, Ident());
  }
  if (AcceptWord("PRIMARY")) {
    XP_RETURN_IF_ERROR(ExpectWord("KEY"));
    IndexDef idx;
    idx.kind = IndexDef::Kind::kPrimary;
    if (PeekIdent()) XP_SET_OR_RETURN(idx.name, Ident());
    if (AcceptWord("USING")) Take();
    XP_SET_OR_RETURN(idx.columns, IndexColumns());
    s->indexes.push_back(std::move(idx));
    return Status::OK();
  }
  // [GLOBAL] [UNIQUE] [GLOBAL] {KEY | INDEX}: a column may be named
  // `global`, so GLOBAL counts only before one of those words.
  const bool global_first =
      PeekWord("GLOBAL") &&
      (PeekWord("UNIQUE", 1) || PeekWord("KEY", 1) || PeekWord("INDEX", 1));
  if (global_first || PeekWord("UNIQUE") || PeekWord("KEY") ||
      PeekWord("INDEX")) {
    bool global = global_first && AcceptWord("GLOBAL");
    const bool unique = AcceptWord("UNIQUE");
    global = AcceptWord("GLOBAL") || global;
    AcceptWord("KEY") || AcceptWord("INDEX");
    IndexDef idx;
    idx.kind = unique ? IndexDef::Kind::kUnique : IndexDef::Kind::kIndex;
    idx.global = global;
    idx.name = name;
    if (PeekIdent()) XP_SET_OR_RETURN(idx.name, Ident());
    if (AcceptWord("USING")) Take();
    XP_SET_OR_RETURN(idx.columns, IndexColumns());
    s->indexes.push_back(std::move(idx));
    return Status::OK();
  }
  if (AcceptWord("FULLTEXT") || AcceptWord("SPATIAL")) {
    AcceptWord("KEY") || AcceptWord("INDEX");
    if (PeekIdent()) XP_RETURN_IF_ERROR(Ident().status());
    return IndexColumns().status();
  }
  if (AcceptWord("FOREIGN")) {
    XP_RETURN_IF_ERROR(ExpectWord("KEY"));
    ForeignKeyDef fk;
    fk.name = name;
    if (PeekIdent()) XP_SET_OR_RETURN(fk.index_name, Ident());
    XP_SET_OR_RETURN(fk.columns, ParenIdentList());
    XP_RETURN_IF_ERROR(References(&fk));
    s->foreign_keys.push_back(std::move(fk));
    return Status::OK();
  }
  if (AcceptWord("CHECK")) {
    XP_RETURN_IF_ERROR(ExpectOp("("));
    XP_RETURN_IF_ERROR(Expression().status());
    return ExpectOp(")");
  }
  ColumnDef col;
  XP_SET_OR_RETURN(col.name, Ident());
  XP_RETURN_IF_ERROR(ColumnDefinition(&col));
  s->columns.push_back(std::move(col));
  return Status::OK();
}

Status Parser::References(ForeignKeyDef* fk) {
  XP_RETURN_IF_ERROR(ExpectWord("REFERENCES"));
  XP_SET_OR_RETURN(fk->ref_table, QualName());
  if (Peek().IsOp("(")) XP_SET_OR_RETURN(fk->ref_columns, ParenIdentList());
  if (AcceptWord("MATCH")) {
    if (!AcceptWord("FULL") && !AcceptWord("PARTIAL"))
      XP_RETURN_IF_ERROR(ExpectWord("SIMPLE"));
  }
  while (AcceptWord("ON")) {
    const bool on_delete = AcceptWord("DELETE");
    if (!on_delete) XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
    ForeignKeyAction action;
    if (AcceptWord("SET")) {
      if (AcceptWord("NULL")) {
        action = ForeignKeyAction::kSetNull;
      } else {
        XP_RETURN_IF_ERROR(ExpectWord("DEFAULT"));
        action = ForeignKeyAction::kSetDefault;
      }
    } else if (AcceptWord("NO")) {
      XP_RETURN_IF_ERROR(ExpectWord("ACTION"));
      action = ForeignKeyAction::kNoAction;
    } else if (AcceptWord("CASCADE")) {
      action = ForeignKeyAction::kCascade;
    } else {
      XP_RETURN_IF_ERROR(ExpectWord("RESTRICT"));
      action = ForeignKeyAction::kRestrict;
    }
    (on_delete ? fk->on_delete : fk->on_update) = action;
  }
  return Status::OK();
}

Status Parser::ColumnDefinition(ColumnDef* col) {
  XP_SET_OR_RETURN(col->type, Type(/*cast=*/false));
  for (;;) {
    if (AcceptWord("NOT")) {
      XP_RETURN_IF_ERROR(ExpectWord("NULL"));
      col->not_null = true;
    } else if (AcceptWord("NULL")) {
      col->explicit_null = true;
    } else if (AcceptWord("DEFAULT")) {
      if (Peek().IsOp("(")) {
        ++pos_;
        XP_SET_OR_RETURN(col->default_value, Expression());
        XP_RETURN_IF_ERROR(ExpectOp(")"));
      } else {
        XP_SET_OR_RETURN(col->default_value, CheckedUnary());
      }
    } else if (AcceptWord("AUTO_INCREMENT")) {
      col->auto_increment = true;
    } else if (AcceptWord("PRIMARY")) {
      XP_RETURN_IF_ERROR(ExpectWord("KEY"));
      col->primary_key = true;
    } else if (AcceptWord("KEY")) {
      col->primary_key = true;
    } else if (AcceptWord("UNIQUE")) {
      AcceptWord("KEY");
      col->unique = true;
    } else if (AcceptWord("COMMENT")) {
      XP_SET_OR_RETURN(col->comment, StringLit());
    } else if (AcceptWord("COLLATE")) {
      XP_SET_OR_RETURN(col->type.collation, NameOrString());
    } else if (PeekWord("CHARACTER") || PeekWord("CHARSET")) {
      if (AcceptWord("CHARACTER"))
        XP_RETURN_IF_ERROR(ExpectWord("SET"));
      else
        ++pos_;
      XP_SET_OR_RETURN(col->type.charset, NameOrString());
    } else if (AcceptWord("ON")) {
      XP_RETURN_IF_ERROR(ExpectWord("UPDATE"));
      XP_SET_OR_RETURN(col->on_update, CheckedUnary());
    } else if (PeekWord("REFERENCES")) {
      // MySQL parses a column's own REFERENCES and ignores it (only the
      // table-level FOREIGN KEY makes a constraint).
      ForeignKeyDef ignored;
      XP_RETURN_IF_ERROR(References(&ignored));
    } else if (AcceptWord("CHECK")) {
      XP_RETURN_IF_ERROR(ExpectOp("("));
      XP_RETURN_IF_ERROR(Expression().status());
      XP_RETURN_IF_ERROR(ExpectOp(")"));
    } else if (AcceptWord("COLUMN_FORMAT") || AcceptWord("STORAGE")) {
      Take();
    } else if (AcceptWord("VISIBLE") || AcceptWord("INVISIBLE")) {
    } else {
      return Status::OK();
    }
  }
}

// Column and CAST types.
Result<TypeName> Parser::Type(bool cast) {
  TypeName t;
  const Token& w = Peek();
  if (!w.Is(TokenKind::kIdent)) return Error();
  t.name = Upper(w.text);
  ++pos_;
  if (t.name == "DOUBLE") AcceptWord("PRECISION");
  if (t.name == "NATIONAL") {
    if (!PeekWord("CHAR") && !PeekWord("VARCHAR") && !PeekWord("CHARACTER"))
      return Error();
    t.name = Upper(Take().text);
  }
  if (t.name == "CHARACTER") t.name = "CHAR";
  if ((t.name == "CHAR" || t.name == "NCHAR") && AcceptWord("VARYING"))
    t.name = "VARCHAR";
  if (t.name == "NCHAR") t.name = "CHAR";
  if (t.name == "NVARCHAR") t.name = "VARCHAR";
  if (t.name == "LONG") {  // LONG VARCHAR / LONG VARBINARY
    t.name = AcceptWord("VARBINARY") ? "MEDIUMBLOB"
                                     : (AcceptWord("VARCHAR"), "MEDIUMTEXT");
  }
  if (cast && (t.name == "SIGNED" || t.name == "UNSIGNED")) {
    t.is_unsigned = t.name == "UNSIGNED";
    AcceptWord("INTEGER") || AcceptWord("INT");
    t.name = "BIGINT";
    return t;
  }
  if (t.name == "ENUM" || t.name == "SET") {
    XP_RETURN_IF_ERROR(ExpectOp("("));
    do {
      XP_ASSIGN_OR_RETURN(std::string v, StringLit());
      t.values.push_back(std::move(v));
    } while (AcceptOp(","));
    XP_RETURN_IF_ERROR(ExpectOp(")"));
  } else if (AcceptOp("(")) {
    XP_SET_OR_RETURN(t.length, IntLit());
    if (AcceptOp(",")) XP_SET_OR_RETURN(t.scale, IntLit());
    XP_RETURN_IF_ERROR(ExpectOp(")"));
  }
  for (;;) {
    if (AcceptWord("UNSIGNED")) {
      t.is_unsigned = true;
    } else if (AcceptWord("SIGNED")) {
    } else if (AcceptWord("ZEROFILL")) {
      t.zerofill = true;
      t.is_unsigned = true;
    } else if (!cast && PeekWord("BINARY")) {
      ++pos_;
      t.collation = "binary";
    } else if (PeekWord("CHARACTER") || PeekWord("CHARSET")) {
      if (AcceptWord("CHARACTER"))
        XP_RETURN_IF_ERROR(ExpectWord("SET"));
      else
        ++pos_;
      XP_SET_OR_RETURN(t.charset, NameOrString());
    } else if (!cast && AcceptWord("COLLATE")) {
      XP_SET_OR_RETURN(t.collation, NameOrString());
    } else {
      break;
    }
  }
  return t;
}

Result<StmtPtr> Parser::Drop() {
  ++pos_;
  if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
    auto s = std::make_unique<DatabaseStatement>(StmtKind::kDropDatabase);
    XP_SET_OR_RETURN(s->if_exists, IfExists());
    XP_SET_OR_RETURN(s->name, Ident());
    return StmtPtr(std::move(s));
  }
  AcceptWord("TEMPORARY");
  if (AcceptWord("TABLE") || AcceptWord("TABLES")) {
    auto s = std::make_unique<DropTableStatement>();
    XP_SET_OR_RETURN(s->if_exists, IfExists());
    XP_SET_OR_RETURN(s->tables, DropNameList());
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("INDEX")) {
    auto s = std::make_unique<DropIndexStatement>();
    XP_SET_OR_RETURN(s->name, Ident());
    XP_RETURN_IF_ERROR(ExpectWord("ON"));
    XP_SET_OR_RETURN(s->table, QualName());
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("VIEW")) {
    auto s = std::make_unique<DropViewStatement>();
    XP_SET_OR_RETURN(s->if_exists, IfExists());
    XP_SET_OR_RETURN(s->views, DropNameList());
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("TRIGGER")) {
    auto s = std::make_unique<TriggerStatement>(StmtKind::kDropTrigger);
    XP_SET_OR_RETURN(s->if_exists, IfExists());
    XP_SET_OR_RETURN(s->trigger, QualName());
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("USER")) {
    auto s = std::make_unique<AccountStatement>(StmtKind::kDropUser);
    XP_SET_OR_RETURN(s->if_exists, IfExists());
    XP_SET_OR_RETURN(s->users, AccountList());
    return StmtPtr(std::move(s));
  }
  if (AcceptWord("ROLE")) return RoleStatement(StmtKind::kDropRole);
  return Error();
}

Status Parser::ColumnPlace(AlterAction* a) {
  if (AcceptWord("FIRST")) {
    a->first = true;
  } else if (AcceptWord("AFTER")) {
    XP_SET_OR_RETURN(a->after, Ident());
  }
  return Status::OK();
}

Result<StmtPtr> Parser::Alter() {
  ++pos_;
  if (AcceptWord("USER")) return UserStatement(StmtKind::kAlterUser);
  XP_RETURN_IF_ERROR(ExpectWord("TABLE"));
  auto s = std::make_unique<AlterTableStatement>();
  XP_SET_OR_RETURN(s->table, QualName());
  do {
    AlterAction a;
    // DISABLE / ENABLE KEYS (dumps wrap their rows in them): nothing to do
    // for this engine, as for InnoDB.
    if ((PeekWord("DISABLE") || PeekWord("ENABLE")) && PeekWord("KEYS", 1)) {
      pos_ += 2;
      continue;
    }
    if (AcceptWord("ADD")) {
      if (PeekWord("INDEX") || PeekWord("KEY") || PeekWord("UNIQUE") ||
          PeekWord("PRIMARY") || PeekWord("CONSTRAINT") ||
          PeekWord("FOREIGN") ||
          (PeekWord("GLOBAL") && (PeekWord("INDEX", 1) || PeekWord("KEY", 1) ||
                                  PeekWord("UNIQUE", 1)))) {
        CreateTableStatement tmp;
        XP_RETURN_IF_ERROR(TableElement(&tmp));
        if (!tmp.foreign_keys.empty()) {
          a.kind = AlterAction::Kind::kAddForeignKey;
          a.foreign_key = std::move(tmp.foreign_keys[0]);
        } else {
          if (tmp.indexes.empty()) return Error();
          a.kind = AlterAction::Kind::kAddIndex;
          a.index = std::move(tmp.indexes[0]);
        }
      } else {
        AcceptWord("COLUMN");
        a.kind = AlterAction::Kind::kAddColumn;
        XP_SET_OR_RETURN(a.column.name, Ident());
        XP_RETURN_IF_ERROR(ColumnDefinition(&a.column));
        XP_RETURN_IF_ERROR(ColumnPlace(&a));
      }
    } else if (AcceptWord("MODIFY")) {
      AcceptWord("COLUMN");
      a.kind = AlterAction::Kind::kModifyColumn;
      XP_SET_OR_RETURN(a.column.name, Ident());
      a.name = a.column.name;
      XP_RETURN_IF_ERROR(ColumnDefinition(&a.column));
      XP_RETURN_IF_ERROR(ColumnPlace(&a));
    } else if (AcceptWord("CHANGE")) {
      AcceptWord("COLUMN");
      a.kind = AlterAction::Kind::kChangeColumn;
      XP_SET_OR_RETURN(a.name, Ident());
      XP_SET_OR_RETURN(a.column.name, Ident());
      XP_RETURN_IF_ERROR(ColumnDefinition(&a.column));
      XP_RETURN_IF_ERROR(ColumnPlace(&a));
    } else if (PeekWord("RENAME") && PeekWord("COLUMN", 1)) {
      pos_ += 2;
      a.kind = AlterAction::Kind::kRenameColumn;
      XP_SET_OR_RETURN(a.name, Ident());
      XP_RETURN_IF_ERROR(ExpectWord("TO"));
      XP_SET_OR_RETURN(a.new_name, Ident());
    } else if (PeekWord("RENAME") && !PeekWord("INDEX", 1) &&
               !PeekWord("KEY", 1)) {
      ++pos_;
      AcceptWord("TO") || AcceptWord("AS");
      a.kind = AlterAction::Kind::kRenameTable;
      XP_SET_OR_RETURN(a.to, QualName());
    } else if (AcceptWord("DROP")) {
      if (AcceptWord("INDEX") || AcceptWord("KEY")) {
        a.kind = AlterAction::Kind::kDropIndex;
        XP_SET_OR_RETURN(a.name, Ident());
      } else if (AcceptWord("PRIMARY")) {
        XP_RETURN_IF_ERROR(ExpectWord("KEY"));
        a.kind = AlterAction::Kind::kDropIndex;
        a.name = "PRIMARY";
      } else if (PeekWord("FOREIGN") && PeekWord("KEY", 1)) {
        pos_ += 2;
        a.kind = AlterAction::Kind::kDropForeignKey;
        XP_SET_OR_RETURN(a.name, Ident());
      } else {
        AcceptWord("COLUMN");
        a.kind = AlterAction::Kind::kDropColumn;
        XP_SET_OR_RETURN(a.name, Ident());
      }
    } else {
      return Error();
    }
    s->actions.push_back(std::move(a));
  } while (AcceptOp(","));
  return StmtPtr(std::move(s));
}

}  // namespace xp::sql::parser_internal
