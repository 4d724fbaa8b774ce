#include "plan/schema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "codec/sql_errors.h"
#include "plan/sql/printer.h"
#include "plan/types/temporal.h"

namespace xp::plan {

namespace {}  // namespace

std::string QualifiedKey(std::string_view db, std::string_view table) {
  return std::string(db) + "." + std::string(table);
}

bool NameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

namespace {

std::string ValueText(const Value& v) {
  return v.index() == 5 ? std::get<std::string>(v) : ValueToString(v);
}

// Strict-mode number parsing of a string: optional spaces, a decimal
// literal, optional trailing spaces; anything else is 1366.
Result<Decimal> StrictNumber(const std::string& s, const DataType& type,
                             std::string_view column) {
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  auto d = b == std::string::npos
               ? Result<Decimal>(Status::InvalidArgument(""))
               : ParseDecimal(std::string_view(s).substr(b, e - b + 1));
  if (!d.ok()) {
    return SqlError(ER_TRUNCATED_WRONG_VALUE_FOR_FIELD,
                    "Incorrect " +
                        std::string(type.is_integer() ? "integer" : "decimal") +
                        " value: '" + s + "' for column '" +
                        std::string(column) + "' at row 1");
  }
  return d;
}

Status OutOfRangeFor(std::string_view column) {
  return SqlError(
      ER_WARN_DATA_OUT_OF_RANGE,
      "Out of range value for column '" + std::string(column) + "' at row 1");
}

// A non-NULL value as a DECIMAL; DOUBLEs are printed with
// `fraction_digits` digits (after rounding to an integer when 0).
Result<Decimal> AsDecimal(const Value& v, const DataType& type,
                          std::string_view column, int fraction_digits) {
  switch (v.index()) {
    case 1:
      return DecimalFromInt(std::get<int64_t>(v));
    case 2:
      return DecimalFromUInt(std::get<uint64_t>(v));
    case 3: {
      double x = std::get<double>(v);
      if (fraction_digits == 0) x = std::round(x);
      if (!(std::fabs(x) < 1e38)) return OutOfRangeFor(column);
      char buf[96];
      std::snprintf(buf, sizeof(buf), "%.*f", fraction_digits, x);
      auto p = ParseDecimal(buf);
      if (!p.ok()) return OutOfRangeFor(column);
      return *p;
    }
    case 4:
      return std::get<Decimal>(v);
    default:
      return StrictNumber(std::get<std::string>(v), type, column);
  }
}

}  // namespace

int TableSchema::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (NameEquals(columns[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

Result<DataType> ResolveColumnType(const sql::TypeName& t,
                                   std::string_view column) {
  const std::string& n = t.name;
  DataType out;
  auto integer = [&](uint8_t bytes) {
    out = t.is_unsigned ? DataType::UInt(bytes) : DataType::Int(bytes);
  };
  if (n == "TINYINT" || n == "BOOL" || n == "BOOLEAN") {
    integer(1);
  } else if (n == "SMALLINT") {
    integer(2);
  } else if (n == "MEDIUMINT") {
    integer(3);
  } else if (n == "INT" || n == "INTEGER") {
    integer(4);
  } else if (n == "BIGINT") {
    integer(8);
  } else if (n == "BIT") {
    out = DataType::UInt(8);
  } else if (n == "YEAR") {
    out = DataType::UInt(2);
  } else if (n == "FLOAT" || n == "DOUBLE" || n == "REAL") {
    out = DataType::Double();
    out.float_type = n == "FLOAT";
  } else if (n == "DECIMAL" || n == "DEC" || n == "NUMERIC" || n == "FIXED") {
    const int64_t p = t.length >= 0 ? t.length : 10;
    const int64_t s = t.scale >= 0 ? t.scale : 0;
    if (p > kMaxDecimalDigits) {
      return SqlError(ER_TOO_BIG_PRECISION,
                      "Too-big precision " + std::to_string(p) +
                          " specified for '" + std::string(column) +
                          "'. Maximum is " + std::to_string(kMaxDecimalDigits) +
                          ".");
    }
    if (s > kMaxDecimalScale) {
      return SqlError(ER_TOO_BIG_SCALE, "Too big scale " + std::to_string(s) +
                                            " specified for column '" +
                                            std::string(column) +
                                            "'. Maximum is 30.");
    }
    if (s > p) {
      return SqlError(
          ER_M_BIGGER_THAN_D,
          "For float(M,D), double(M,D) or decimal(M,D), M must be >= D "
          "(column '" +
              std::string(column) + "').");
    }
    out = DataType::Decimal(static_cast<int>(p == 0 ? 1 : p),
                            static_cast<int>(s));
  } else if (n == "CHAR" || n == "VARCHAR" || n == "BINARY" ||
             n == "VARBINARY") {
    if (n[0] == 'V' && t.length < 0)
      return SqlError(ER_PARSE_ERROR, "VARCHAR needs a length");
    const int64_t len = t.length >= 0 ? t.length : 1;
    const bool binary = n == "BINARY" || n == "VARBINARY";
    const int64_t max = binary ? 65535 : 16383;
    if (len > max) {
      return SqlError(ER_TOO_BIG_FIELDLENGTH,
                      "Column length too big for column '" +
                          std::string(column) + "' (max = " +
                          std::to_string(max) + "); use BLOB or TEXT instead");
    }
    out = DataType::String(static_cast<uint32_t>(len), binary);
  } else if (n == "TINYTEXT" || n == "TEXT" || n == "MEDIUMTEXT" ||
             n == "LONGTEXT" || n == "JSON" || n == "ENUM" || n == "SET") {
    out = DataType::String(n == "TINYTEXT" ? 255
                           : n == "TEXT"   ? 65535
                                           : 0xffffffffu);
  } else if (n == "TINYBLOB" || n == "BLOB" || n == "MEDIUMBLOB" ||
             n == "LONGBLOB") {
    out = DataType::String(n == "TINYBLOB" ? 255
                           : n == "BLOB"   ? 65535
                                           : 0xffffffffu,
                           true);
  } else if (n == "DATE") {
    out.id = TypeId::kDate;
  } else if (n == "DATETIME" || n == "TIMESTAMP" || n == "TIME") {
    out.id = n == "TIME" ? TypeId::kTime : TypeId::kDateTime;
    out.timestamp = n == "TIMESTAMP";
    out.scale = static_cast<uint8_t>(t.length > 0 ? t.length : 0);
    if (t.length > 6) {
      return SqlError(ER_TOO_BIG_PRECISION,
                      "Too-big precision " + std::to_string(t.length) +
                          " specified for '" + std::string(column) +
                          "'. Maximum is 6.");
    }
  } else {
    return SqlError(ER_PARSE_ERROR, "Unknown column type '" + n +
                                        "' for column '" + std::string(column) +
                                        "'");
  }
  if (out.id == TypeId::kString && !out.binary) {
    const std::string c = sql::AsciiLower(t.collation);
    out.binary = c == "binary" ||
                 (c.size() > 4 && c.compare(c.size() - 4, 4, "_bin") == 0);
  }
  return out;
}

Result<Value> ConvertValue(const Value& v, const DataType& type,
                           std::string_view column) {
  if (v.index() == 0) return v;
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kUInt: {
      // Through DECIMAL: exact for every source, rounds half away from zero.
      XP_ASSIGN_OR_RETURN(Decimal d, AsDecimal(v, type, column, 0));
      XP_ASSIGN_OR_RETURN(Decimal r, DecimalRound(d, 0));
      const int bits = type.int_bytes * 8;
      if (type.id == TypeId::kInt) {
        const int128 lo = -(static_cast<int128>(1) << (bits - 1));
        const int128 hi = (static_cast<int128>(1) << (bits - 1)) - 1;
        if (r.unscaled < lo || r.unscaled > hi) return OutOfRangeFor(column);
        return Value(static_cast<int64_t>(r.unscaled));
      }
      const int128 hi = (static_cast<int128>(1) << bits) - 1;
      if (r.unscaled < 0 || r.unscaled > hi) return OutOfRangeFor(column);
      return Value(static_cast<uint64_t>(r.unscaled));
    }
    case TypeId::kDouble:
      switch (v.index()) {
        case 1:
          return Value(static_cast<double>(std::get<int64_t>(v)));
        case 2:
          return Value(static_cast<double>(std::get<uint64_t>(v)));
        case 3:
          return v;
        case 4:
          return Value(DecimalToDouble(std::get<Decimal>(v)));
        default: {
          XP_ASSIGN_OR_RETURN(
              Decimal d, StrictNumber(std::get<std::string>(v), type, column));
          return Value(DecimalToDouble(d));
        }
      }
    case TypeId::kDecimal: {
      XP_ASSIGN_OR_RETURN(Decimal d,
                          AsDecimal(v, type, column, type.scale + 1));
      auto r = DecimalRescale(d, type.scale);
      if (!r.ok()) return OutOfRangeFor(column);
      // At most precision - scale integer digits.
      const int128 limit = Pow10(type.precision);
      if (r->unscaled >= limit || r->unscaled <= -limit)
        return OutOfRangeFor(column);
      return Value(*r);
    }
    case TypeId::kString: {
      std::string s = ValueText(v);
      if (v.index() == 4) s = DecimalToString(std::get<Decimal>(v));
      if (s.size() > type.length) {
        // Characters are counted as bytes here; exact for ASCII.
        return SqlError(
            ER_DATA_TOO_LONG,
            "Data too long for column '" + std::string(column) + "' at row 1");
      }
      return Value(std::move(s));
    }
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kTime: {
      const std::string s = ValueText(v);
      int64_t out = 0;
      const bool ok = type.id == TypeId::kTime
                          ? ParseTime(s, &out)
                          : ParseDateTime(s, type.id == TypeId::kDate, &out);
      if (!ok) {
        const char* what = type.id == TypeId::kDate   ? "date"
                           : type.id == TypeId::kTime ? "time"
                                                      : "datetime";
        return SqlError(ER_TRUNCATED_WRONG_VALUE,
                        std::string("Incorrect ") + what + " value: '" + s +
                            "' for column '" + std::string(column) +
                            "' at row 1");
      }
      // Stored at the column's precision, rounded as MySQL rounds.
      if (type.id != TypeId::kDate)
        out = RoundToFsp(out, type.scale, type.id == TypeId::kTime);
      return Value(out);
    }
    case TypeId::kNull:
      return Value();
  }
  return Status::Internal("unreachable");
}

namespace {

// The constant a DEFAULT clause gives, before conversion to the column type.
Result<Value> DefaultLiteral(const sql::Expr& e, bool* now) {
  *now = false;
  if (e.kind == sql::ExprKind::kFunction &&
      (e.text == "CURRENT_TIMESTAMP" || e.text == "NOW" ||
       e.text == "LOCALTIMESTAMP")) {
    *now = true;
    return Value();
  }
  if (e.kind != sql::ExprKind::kLiteral)
    return Status::InvalidArgument("not a constant");
  switch (e.lit) {
    case sql::LiteralKind::kNull:
      return Value();
    case sql::LiteralKind::kInteger: {
      auto d = ParseDecimal(e.text);
      if (!d.ok()) return d.status();
      if (d->unscaled >= INT64_MIN && d->unscaled <= INT64_MAX) {
        return Value(static_cast<int64_t>(d->unscaled));
      }
      if (d->unscaled >= 0 && d->unscaled <= static_cast<int128>(UINT64_MAX)) {
        return Value(static_cast<uint64_t>(d->unscaled));
      }
      return Value(*d);
    }
    case sql::LiteralKind::kDecimal: {
      XP_ASSIGN_OR_RETURN(Decimal d, ParseDecimal(e.text));
      return Value(d);
    }
    case sql::LiteralKind::kFloat:
      return Value(std::strtod(e.text.c_str(), nullptr));
    case sql::LiteralKind::kBool:
      return Value(static_cast<int64_t>(e.text == "1"));
    default:
      return Value(e.text);  // strings, hex, temporal literals
  }
}

}  // namespace

// MySQL names an unnamed key after its first column, adding _2, _3, ...
// when that name is taken.
std::string UniqueIndexName(const std::vector<IndexSchema>& indexes,
                            const std::string& base) {
  auto taken = [&indexes](const std::string& n) {
    for (const auto& idx : indexes) {
      if (NameEquals(idx.name, n)) return true;
    }
    return false;
  };
  if (!taken(base)) return base;
  for (int i = 2;; ++i) {
    std::string n = base + "_" + std::to_string(i);
    if (!taken(n)) return n;
  }
}

Result<TableSchema> BuildTableSchema(const sql::CreateTableStatement& stmt,
                                     std::string_view current_database) {
  TableSchema t;
  t.database = stmt.table.schema.empty() ? std::string(current_database)
                                         : stmt.table.schema;
  t.name = stmt.table.name;
  t.partition = stmt.partition;
  std::vector<IndexSchema> indexes;
  int auto_columns = 0;
  for (const sql::ColumnDef& def : stmt.columns) {
    if (t.FindColumn(def.name) >= 0) {
      return SqlError(ER_DUP_FIELDNAME,
                      "Duplicate column name '" + def.name + "'");
    }
    ColumnSchema c;
    c.name = def.name;
    XP_SET_OR_RETURN(c.type, ResolveColumnType(def.type, def.name));
    c.enum_values = def.type.values;
    c.nullable = !def.not_null && !def.primary_key;
    c.auto_increment = def.auto_increment;
    auto_columns += def.auto_increment;
    if (def.auto_increment && !c.type.is_integer() &&
        c.type.id != TypeId::kDouble) {
      return SqlError(
          ER_WRONG_FIELD_SPEC,
          "Incorrect column specifier for column '" + def.name + "'");
    }
    if (def.default_value) {
      bool now = false;
      auto lit = DefaultLiteral(*def.default_value, &now);
      if (!lit.ok())
        return SqlError(ER_INVALID_DEFAULT,
                        "Invalid default value for '" + def.name + "'");
      c.default_now = now;
      // CURRENT_TIMESTAMP is a default of DATETIME / TIMESTAMP columns only.
      if (now && c.type.id != TypeId::kDateTime)
        return SqlError(ER_INVALID_DEFAULT,
                        "Invalid default value for '" + def.name + "'");
      if (!now) {
        if (lit->index() == 0 && !c.nullable) {
          return SqlError(ER_INVALID_DEFAULT,
                          "Invalid default value for '" + def.name + "'");
        }
        auto conv = ConvertValue(*lit, c.type, def.name);
        if (!conv.ok())
          return SqlError(ER_INVALID_DEFAULT,
                          "Invalid default value for '" + def.name + "'");
        c.default_value = std::move(conv).value();
      }
    }
    if (def.on_update) {
      bool now = false;
      if (!DefaultLiteral(*def.on_update, &now).ok() || !now ||
          c.type.id != TypeId::kDateTime)
        return SqlError(ER_INVALID_ON_UPDATE, "Invalid ON UPDATE clause for '" +
                                                  def.name + "' column");
      c.on_update_now = true;
    }
    const int pos = static_cast<int>(t.columns.size());
    if (def.primary_key) {
      indexes.push_back(IndexSchema{"PRIMARY", true, true, {pos}, {false}});
    } else if (def.unique) {
      indexes.push_back(IndexSchema{
          UniqueIndexName(indexes, def.name), false, true, {pos}, {false}});
    }
    t.columns.push_back(std::move(c));
  }
  for (const sql::IndexDef& def : stmt.indexes) {
    IndexSchema idx;
    idx.primary = def.kind == sql::IndexDef::Kind::kPrimary;
    idx.unique = idx.primary || def.kind == sql::IndexDef::Kind::kUnique;
    idx.global = def.global && !idx.primary;
    for (const sql::OrderItem& col : def.columns) {
      const int pos = t.FindColumn(col.expr->text);
      if (pos < 0) {
        return SqlError(
            ER_KEY_COLUMN_DOES_NOT_EXIST,
            "Key column '" + col.expr->text + "' doesn't exist in table");
      }
      idx.columns.push_back(pos);
      idx.desc.push_back(col.desc);
      if (idx.primary) {
        if (stmt.columns[static_cast<size_t>(pos)].explicit_null) {
          return SqlError(
              ER_PRIMARY_CANT_HAVE_NULL,
              "All parts of a PRIMARY KEY must be NOT NULL; if you need "
              "NULL in a key, "
              "use UNIQUE instead");
        }
        t.columns[static_cast<size_t>(pos)].nullable = false;
      }
    }
    if (idx.primary) {
      idx.name = "PRIMARY";
    } else if (!def.name.empty()) {
      for (const auto& other : indexes) {
        if (NameEquals(other.name, def.name)) {
          return SqlError(ER_DUP_KEYNAME,
                          "Duplicate key name '" + def.name + "'");
        }
      }
      idx.name = def.name;
    } else {
      idx.name = UniqueIndexName(
          indexes, t.columns[static_cast<size_t>(idx.columns[0])].name);
    }
    indexes.push_back(std::move(idx));
  }
  int primaries = 0;
  for (const auto& idx : indexes) primaries += idx.primary;
  if (primaries > 1)
    return SqlError(ER_MULTIPLE_PRI_KEY, "Multiple primary key defined");
  if (auto_columns > 1) {
    return SqlError(
        ER_WRONG_AUTO_KEY,
        "Incorrect table definition; there can be only one auto column "
        "and it must be "
        "defined as a key");
  }
  if (auto_columns == 1) {
    bool keyed = false;
    for (const auto& idx : indexes) {
      keyed |= t.columns[static_cast<size_t>(idx.columns[0])].auto_increment;
    }
    if (!keyed) {
      return SqlError(ER_WRONG_AUTO_KEY,
                      "Incorrect table definition; there can be only one auto "
                      "column and it must be "
                      "defined as a key");
    }
  }
  // The primary key first.
  for (auto& idx : indexes) {
    if (idx.primary) t.indexes.push_back(idx);
  }
  for (auto& idx : indexes) {
    if (!idx.primary) t.indexes.push_back(idx);
  }
  uint32_t next_id = 1;
  for (auto& idx : t.indexes) idx.id = idx.primary ? 0 : next_id++;
  t.hidden_primary_key = primaries == 0;
  for (const sql::ForeignKeyDef& def : stmt.foreign_keys)
    XP_RETURN_IF_ERROR(AddForeignKey(def, &t));
  return t;
}

sql::ForeignKeyDef ForeignKeyDefOf(const TableSchema& t,
                                   const ForeignKeySchema& fk) {
  sql::ForeignKeyDef def;
  def.name = fk.name;
  for (int c : fk.columns)
    def.columns.push_back(t.columns[static_cast<size_t>(c)].name);
  if (fk.ref_database != t.database) def.ref_table.schema = fk.ref_database;
  def.ref_table.name = fk.ref_table;
  def.ref_columns = fk.ref_columns;
  def.on_delete = fk.on_delete;
  def.on_update = fk.on_update;
  return def;
}

const IndexSchema* IndexLeadingWith(const TableSchema& t,
                                    const std::vector<int>& columns) {
  for (const IndexSchema& idx : t.indexes) {
    if (idx.columns.size() < columns.size()) continue;
    if (std::equal(columns.begin(), columns.end(), idx.columns.begin()))
      return &idx;
  }
  return nullptr;
}

Status AddForeignKey(const sql::ForeignKeyDef& def, TableSchema* t) {
  ForeignKeySchema fk;
  if (!def.name.empty()) {
    fk.name = def.name;
  } else {
    // InnoDB's <table>_ibfk_<n>, n one past the highest taken.
    const std::string prefix = t->name + "_ibfk_";
    uint64_t n = 0;
    for (const ForeignKeySchema& other : t->foreign_keys) {
      if (other.name.size() <= prefix.size() ||
          !NameEquals(other.name.substr(0, prefix.size()), prefix))
        continue;
      const std::string digits = other.name.substr(prefix.size());
      if (digits.find_first_not_of("0123456789") == std::string::npos &&
          digits.size() < 10)
        n = std::max<uint64_t>(n, std::stoull(digits));
    }
    fk.name = prefix + std::to_string(n + 1);
  }
  for (const ForeignKeySchema& other : t->foreign_keys)
    if (NameEquals(other.name, fk.name))
      return SqlError(
          ER_FK_DUP_NAME,
          "Duplicate foreign key constraint name '" + fk.name + "'");
  if (def.columns.empty() || def.columns.size() != def.ref_columns.size())
    return SqlError(ER_WRONG_FK_DEF, "Incorrect foreign key definition for '" +
                                         fk.name +
                                         "': Key reference and table "
                                         "reference don't match");
  for (const std::string& c : def.columns) {
    const int at = t->FindColumn(c);
    if (at < 0)
      return SqlError(ER_KEY_COLUMN_DOES_NOT_EXIST,
                      "Key column '" + c + "' doesn't exist in table");
    fk.columns.push_back(at);
  }
  if (def.on_delete == sql::ForeignKeyAction::kSetDefault ||
      def.on_update == sql::ForeignKeyAction::kSetDefault)
    return SqlError(ER_CANNOT_ADD_FOREIGN, "Cannot add foreign key constraint");
  if (def.on_delete == sql::ForeignKeyAction::kSetNull ||
      def.on_update == sql::ForeignKeyAction::kSetNull) {
    for (int c : fk.columns) {
      const ColumnSchema& col = t->columns[static_cast<size_t>(c)];
      if (!col.nullable)
        return SqlError(ER_FK_COLUMN_NOT_NULL,
                        "Column '" + col.name +
                            "' cannot be NOT NULL: needed in a foreign key "
                            "constraint '" +
                            fk.name + "' SET NULL");
    }
  }
  fk.ref_database =
      def.ref_table.schema.empty() ? t->database : def.ref_table.schema;
  fk.ref_table = def.ref_table.name;
  fk.ref_columns = def.ref_columns;
  fk.on_delete = def.on_delete;
  fk.on_update = def.on_update;
  if (IndexLeadingWith(*t, fk.columns) == nullptr) {
    IndexSchema idx;
    const std::string& base =
        !def.index_name.empty() ? def.index_name
        : !def.name.empty()
            ? def.name
            : t->columns[static_cast<size_t>(fk.columns[0])].name;
    idx.name = UniqueIndexName(t->indexes, base);
    idx.columns = fk.columns;
    idx.desc.assign(fk.columns.size(), false);
    uint32_t id = 0;
    for (const IndexSchema& other : t->indexes) id = std::max(id, other.id);
    idx.id = id + 1;
    t->indexes.push_back(std::move(idx));
  }
  t->foreign_keys.push_back(std::move(fk));
  return Status::OK();
}

std::vector<std::string> InMemoryCatalog::Databases() const {
  std::vector<std::string> out;
  for (const auto& [name, tables] : databases_) out.push_back(name);
  return out;
}

std::vector<std::string> InMemoryCatalog::Tables(
    std::string_view database) const {
  std::vector<std::string> out;
  auto db = databases_.find(database);
  if (db == databases_.end()) return out;
  for (const auto& [name, table] : db->second) out.push_back(name);
  return out;
}

bool InMemoryCatalog::HasDatabase(std::string_view database) const {
  return databases_.find(database) != databases_.end();
}

Result<const TableSchema*> InMemoryCatalog::FindTable(
    std::string_view database, std::string_view table) const {
  auto db = databases_.find(database);
  if (db != databases_.end()) {
    auto t = db->second.find(std::string(table));
    if (t != db->second.end())
      return static_cast<const TableSchema*>(t->second.get());
  }
  return SqlError(ER_NO_SUCH_TABLE, "Table '" + std::string(database) + "." +
                                        std::string(table) + "' doesn't exist");
}

Result<TableSchema*> InMemoryCatalog::MutableTable(std::string_view database,
                                                   std::string_view table) {
  XP_RETURN_IF_ERROR(FindTable(database, table).status());
  return databases_.find(database)
      ->second.find(std::string(table))
      ->second.get();
}

Status InMemoryCatalog::CreateDatabase(std::string_view name,
                                       bool if_not_exists) {
  if (HasDatabase(name)) {
    if (if_not_exists) return Status::OK();
    return SqlError(
        ER_DB_CREATE_EXISTS,
        "Can't create database '" + std::string(name) + "'; database exists");
  }
  databases_.emplace(std::string(name),
                     std::map<std::string, std::unique_ptr<TableSchema>>());
  return Status::OK();
}

Status InMemoryCatalog::DropDatabase(std::string_view name, bool if_exists) {
  auto it = databases_.find(name);
  if (it == databases_.end()) {
    if (if_exists) return Status::OK();
    return SqlError(ER_DB_DROP_EXISTS, "Can't drop database '" +
                                           std::string(name) +
                                           "'; database doesn't exist");
  }
  databases_.erase(it);
  return Status::OK();
}

Status InMemoryCatalog::CreateTable(TableSchema schema, bool if_not_exists) {
  auto db = databases_.find(schema.database);
  if (db == databases_.end()) {
    return SqlError(ER_BAD_DB_ERROR,
                    "Unknown database '" + schema.database + "'");
  }
  if (db->second.count(schema.name)) {
    if (if_not_exists) return Status::OK();
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + schema.name + "' already exists");
  }
  const std::string name = schema.name;
  db->second.emplace(name, std::make_unique<TableSchema>(std::move(schema)));
  return Status::OK();
}

Status InMemoryCatalog::RenameTable(std::string_view database,
                                    std::string_view table,
                                    std::string_view to_database,
                                    std::string_view to_table) {
  XP_ASSIGN_OR_RETURN(TableSchema * t, MutableTable(database, table));
  auto to = databases_.find(to_database);
  if (to == databases_.end())
    return SqlError(ER_BAD_DB_ERROR,
                    "Unknown database '" + std::string(to_database) + "'");
  if (FindTable(to_database, to_table).ok())
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + std::string(to_table) + "' already exists");
  auto from = databases_.find(database);
  auto node = from->second.extract(t->name);
  t->database = std::string(to_database);
  t->name = std::string(to_table);
  ++t->version;
  node.key() = t->name;
  to->second.insert(std::move(node));
  return Status::OK();
}

Status InMemoryCatalog::DropTable(std::string_view database,
                                  std::string_view table, bool if_exists) {
  auto db = databases_.find(database);
  if (db != databases_.end()) {
    auto t = db->second.find(std::string(table));
    if (t != db->second.end()) {
      db->second.erase(t);
      return Status::OK();
    }
  }
  if (if_exists) return Status::OK();
  return SqlError(ER_BAD_TABLE_ERROR, "Unknown table '" +
                                          std::string(database) + "." +
                                          std::string(table) + "'");
}

}  // namespace xp::plan
