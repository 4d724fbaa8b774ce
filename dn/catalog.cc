#include "dn/catalog.h"

#include <cstring>

#include "codec/coding.h"
#include "codec/key.h"
#include "codec/sql_errors.h"

namespace xp::dn {

namespace {

constexpr uint32_t kDatabases = 1, kTables = 2, kCounters = 3, kVersion = 4,
                   kAutoIncrement = 5;
constexpr char kFormat = 2;  // 2: index ids

std::string SysKey(uint32_t index) {
  std::string k;
  key::AppendPrefix(0, index, &k);
  return k;
}
std::string DatabaseKey(std::string_view db) {
  std::string k = SysKey(kDatabases);
  key::AppendBytes(db, false, &k);
  return k;
}
std::string TableKey(std::string_view db, std::string_view table) {
  std::string k = SysKey(kTables);
  key::AppendBytes(db, false, &k);
  key::AppendBytes(table, false, &k);
  return k;
}
std::string IdKey(std::string_view db, std::string_view table) {
  return std::string(db) + '\0' + std::string(table);
}

void PutString(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}
bool GetString(std::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  s->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}
bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

void PutValue(std::string* out, const plan::Value& v) {
  out->push_back(static_cast<char>(v.index()));
  switch (v.index()) {
    case 1:
      PutVarint64(out, static_cast<uint64_t>(std::get<int64_t>(v)));
      break;
    case 2:
      PutVarint64(out, std::get<uint64_t>(v));
      break;
    case 3: {
      char b[8];
      const double d = std::get<double>(v);
      std::memcpy(b, &d, 8);
      out->append(b, 8);
      break;
    }
    case 4: {
      const plan::Decimal& d = std::get<plan::Decimal>(v);
      char b[16];
      std::memcpy(b, &d.unscaled, 16);
      out->append(b, 16);
      out->push_back(static_cast<char>(d.scale));
      break;
    }
    case 5:
      PutString(out, std::get<std::string>(v));
      break;
    default:
      break;
  }
}

bool GetValue(std::string_view* in, plan::Value* v) {
  uint8_t tag;
  if (!GetByte(in, &tag)) return false;
  switch (tag) {
    case 0:
      v->emplace<std::monostate>();
      return true;
    case 1:
    case 2: {
      uint64_t u;
      if (!GetVarint64(in, &u)) return false;
      if (tag == 1) {
        v->emplace<int64_t>(static_cast<int64_t>(u));
      } else {
        v->emplace<uint64_t>(u);
      }
      return true;
    }
    case 3: {
      if (in->size() < 8) return false;
      double d;
      std::memcpy(&d, in->data(), 8);
      in->remove_prefix(8);
      *v = plan::Value(d);
      return true;
    }
    case 4: {
      if (in->size() < 17) return false;
      plan::Decimal d;
      std::memcpy(&d.unscaled, in->data(), 16);
      d.scale = static_cast<uint8_t>((*in)[16]);
      in->remove_prefix(17);
      *v = plan::Value(d);
      return true;
    }
    case 5: {
      std::string& s = v->emplace<std::string>();
      return GetString(in, &s);
    }
    default:
      return false;
  }
}

Status Bad(const char* what) {
  return Status::Corruption(std::string("catalog record: ") + what);
}

}  // namespace

std::string AutoIncrementKey(uint64_t table_id) {
  std::string k = SysKey(kAutoIncrement);
  key::AppendUInt64(table_id, false, &k);
  return k;
}

std::string EncodeTableSchema(const plan::TableSchema& t, uint64_t table_id) {
  std::string out(1, kFormat);
  PutString(&out, t.database);
  PutString(&out, t.name);
  PutVarint64(&out, t.version);
  PutVarint64(&out, table_id);
  out.push_back(static_cast<char>(t.hidden_primary_key));
  out.push_back(static_cast<char>(t.partition.kind));
  PutVarint64(&out, t.partition.columns.size());
  for (const auto& c : t.partition.columns) PutString(&out, c);
  PutVarint64(&out, static_cast<uint64_t>(t.partition.partitions));
  PutVarint64(&out, t.columns.size());
  for (const auto& c : t.columns) {
    PutString(&out, c.name);
    const plan::DataType& d = c.type;
    for (uint8_t b :
         {static_cast<uint8_t>(d.id), d.int_bytes,
          static_cast<uint8_t>(d.float_type), d.precision, d.scale,
          static_cast<uint8_t>(d.binary), static_cast<uint8_t>(d.timestamp),
          static_cast<uint8_t>(c.nullable),
          static_cast<uint8_t>(c.auto_increment),
          // bit 0: DEFAULT CURRENT_TIMESTAMP, bit 1: ON UPDATE
          static_cast<uint8_t>(c.default_now | (c.on_update_now << 1)),
          // bit 0: a default follows, bit 1: an added_value follows
          static_cast<uint8_t>(c.default_value.has_value() |
                               (c.added_value.has_value() << 1))})
      out.push_back(static_cast<char>(b));
    PutVarint64(&out, d.length);
    if (c.default_value) PutValue(&out, *c.default_value);
    if (c.added_value) PutValue(&out, *c.added_value);
    PutVarint64(&out, c.enum_values.size());
    for (const auto& e : c.enum_values) PutString(&out, e);
  }
  PutVarint64(&out, t.indexes.size());
  for (const auto& i : t.indexes) {
    PutString(&out, i.name);
    out.push_back(static_cast<char>(i.primary));
    out.push_back(static_cast<char>(i.unique));
    PutVarint64(&out, i.id);
    PutVarint64(&out, i.columns.size());
    for (size_t k = 0; k < i.columns.size(); ++k) {
      PutVarint64(&out, static_cast<uint64_t>(i.columns[k]));
      out.push_back(static_cast<char>(k < i.desc.size() && i.desc[k]));
    }
  }
  // Foreign keys follow (records written before them end here).
  if (t.foreign_keys.empty()) return out;
  PutVarint64(&out, t.foreign_keys.size());
  for (const plan::ForeignKeySchema& fk : t.foreign_keys) {
    PutString(&out, fk.name);
    PutVarint64(&out, fk.columns.size());
    for (int c : fk.columns) PutVarint64(&out, static_cast<uint64_t>(c));
    PutString(&out, fk.ref_database);
    PutString(&out, fk.ref_table);
    for (const std::string& c : fk.ref_columns) PutString(&out, c);
    out.push_back(static_cast<char>(fk.on_delete));
    out.push_back(static_cast<char>(fk.on_update));
  }
  return out;
}

Status DecodeTableSchema(std::string_view in, plan::TableSchema* t,
                         uint64_t* table_id) {
  uint8_t format, b;
  uint64_t n;
  if (!GetByte(&in, &format) || format != kFormat)
    return Bad("unknown format version");
  if (!GetString(&in, &t->database) || !GetString(&in, &t->name) ||
      !GetVarint64(&in, &t->version) || !GetVarint64(&in, table_id) ||
      !GetByte(&in, &b))
    return Bad("header");
  t->hidden_primary_key = b != 0;
  if (!GetByte(&in, &b) || b > 4 || !GetVarint64(&in, &n) || n > 4096)
    return Bad("partitioning");
  t->partition.kind = static_cast<sql::PartitionSpec::Kind>(b);
  t->partition.columns.resize(n);
  for (auto& c : t->partition.columns) {
    if (!GetString(&in, &c)) return Bad("partition column");
  }
  uint64_t parts;
  if (!GetVarint64(&in, &parts)) return Bad("partitions");
  t->partition.partitions = static_cast<int64_t>(parts);
  if (!GetVarint64(&in, &n) || n > 4096) return Bad("column count");
  t->columns.resize(n);
  for (auto& c : t->columns) {
    uint8_t f[11];
    if (!GetString(&in, &c.name)) return Bad("column name");
    for (uint8_t& x : f) {
      if (!GetByte(&in, &x)) return Bad("column type");
    }
    if (f[0] > static_cast<uint8_t>(plan::TypeId::kTime)) return Bad("type id");
    c.type.id = static_cast<plan::TypeId>(f[0]);
    c.type.int_bytes = f[1];
    c.type.float_type = f[2] != 0;
    c.type.precision = f[3];
    c.type.scale = f[4];
    c.type.binary = f[5] != 0;
    c.type.timestamp = f[6] != 0;
    c.nullable = f[7] != 0;
    c.auto_increment = f[8] != 0;
    c.default_now = (f[9] & 1) != 0;
    c.on_update_now = (f[9] & 2) != 0;
    uint64_t len;
    if (!GetVarint64(&in, &len)) return Bad("length");
    c.type.length = static_cast<uint32_t>(len);
    if (f[10] > 3) return Bad("default flags");
    if (f[10] & 1) {
      plan::Value v;
      if (!GetValue(&in, &v)) return Bad("default");
      c.default_value = std::move(v);
    }
    if (f[10] & 2) {
      plan::Value v;
      if (!GetValue(&in, &v)) return Bad("added value");
      c.added_value = std::move(v);
    }
    if (!GetVarint64(&in, &n) || n > 65535) return Bad("enum count");
    c.enum_values.resize(n);
    for (auto& e : c.enum_values) {
      if (!GetString(&in, &e)) return Bad("enum value");
    }
  }
  if (!GetVarint64(&in, &n) || n > 4096) return Bad("index count");
  t->indexes.resize(n);
  for (auto& i : t->indexes) {
    uint8_t primary, unique;
    uint64_t id;
    if (!GetString(&in, &i.name) || !GetByte(&in, &primary) ||
        !GetByte(&in, &unique) || !GetVarint64(&in, &id) || id > UINT32_MAX ||
        !GetVarint64(&in, &n) || n > 64)
      return Bad("index");
    i.id = static_cast<uint32_t>(id);
    i.primary = primary != 0;
    i.unique = unique != 0;
    i.columns.resize(n);
    i.desc.resize(n);
    for (size_t k = 0; k < n; ++k) {
      uint64_t col;
      uint8_t desc;
      if (!GetVarint64(&in, &col) || col >= t->columns.size() ||
          !GetByte(&in, &desc))
        return Bad("index column");
      i.columns[k] = static_cast<int>(col);
      i.desc[k] = desc != 0;
    }
  }
  if (in.empty()) return Status::OK();
  if (!GetVarint64(&in, &n) || n > 4096) return Bad("foreign key count");
  t->foreign_keys.resize(n);
  for (plan::ForeignKeySchema& fk : t->foreign_keys) {
    if (!GetString(&in, &fk.name) || !GetVarint64(&in, &n) || n == 0 || n > 64)
      return Bad("foreign key");
    fk.columns.resize(n);
    for (int& c : fk.columns) {
      uint64_t col;
      if (!GetVarint64(&in, &col) || col >= t->columns.size())
        return Bad("foreign key column");
      c = static_cast<int>(col);
    }
    fk.ref_columns.resize(n);
    if (!GetString(&in, &fk.ref_database) || !GetString(&in, &fk.ref_table))
      return Bad("referenced table");
    for (std::string& c : fk.ref_columns)
      if (!GetString(&in, &c)) return Bad("referenced column");
    uint8_t del, upd;
    const auto kLast = static_cast<uint8_t>(sql::ForeignKeyAction::kSetDefault);
    if (!GetByte(&in, &del) || !GetByte(&in, &upd) || del > kLast ||
        upd > kLast)
      return Bad("foreign key actions");
    fk.on_delete = static_cast<sql::ForeignKeyAction>(del);
    fk.on_update = static_cast<sql::ForeignKeyAction>(upd);
  }
  if (!in.empty()) return Bad("trailing bytes");
  return Status::OK();
}

Result<std::unique_ptr<LocalCatalog>> LocalCatalog::Open(Storage* storage) {
  std::unique_ptr<LocalCatalog> c(new LocalCatalog(storage));
  XP_RETURN_IF_ERROR(c->Load());
  return c;
}

Status LocalCatalog::Load() {
  auto txn = storage_->Begin();
  // The data directory's format version: written into a new directory,
  // checked on every later start.
  {
    XP_ASSIGN_OR_RETURN(std::optional<std::string> version,
                        txn->Get(SysKey(kVersion)));
    const std::string all = SysKey(0);
    auto any = txn->Scan(all, key::PrefixSuccessor(SysKey(kVersion)), false);
    if (!version && any->Valid()) {
      return Status::InvalidArgument(
          "the data directory was written by an older xdn (format 1); this "
          "xdn reads format " +
          std::to_string(kDataFormat) + " only");
    }
    if (version && *version != std::to_string(kDataFormat)) {
      return Status::InvalidArgument("the data directory has format " +
                                     *version +
                                     "; this xdn reads "
                                     "format " +
                                     std::to_string(kDataFormat) + " only");
    }
    if (!version) {
      auto w = storage_->Begin();
      XP_RETURN_IF_ERROR(w->Put(SysKey(kVersion), std::to_string(kDataFormat)));
      XP_RETURN_IF_ERROR(w->Commit());
    }
  }
  const std::string dbs = SysKey(kDatabases);
  for (auto it = txn->Scan(dbs, key::PrefixSuccessor(dbs), false); it->Valid();
       it->Next()) {
    key::Decoder d(it->key());
    uint64_t t;
    uint32_t i;
    bool null;
    std::string name;
    XP_RETURN_IF_ERROR(d.ReadPrefix(&t, &i));
    XP_RETURN_IF_ERROR(d.ReadBytes(false, &null, &name));
    XP_RETURN_IF_ERROR(cache_.CreateDatabase(name, true));
  }
  const std::string tables = SysKey(kTables);
  for (auto it = txn->Scan(tables, key::PrefixSuccessor(tables), false);
       it->Valid(); it->Next()) {
    plan::TableSchema schema;
    uint64_t id;
    XP_RETURN_IF_ERROR(DecodeTableSchema(it->value(), &schema, &id));
    ids_[IdKey(schema.database, schema.name)] = id;
    XP_RETURN_IF_ERROR(cache_.CreateTable(std::move(schema), false));
  }
  XP_ASSIGN_OR_RETURN(std::optional<std::string> next,
                      txn->Get(SysKey(kCounters)));
  if (next) {
    std::string_view v = *next;
    if (!GetVarint64(&v, &next_id_)) return Bad("table id counter");
  }
  return Status::OK();
}

bool LocalCatalog::HasDatabase(std::string_view database) const {
  return cache_.HasDatabase(database);
}

Result<const plan::TableSchema*> LocalCatalog::FindTable(
    std::string_view database, std::string_view table) const {
  return cache_.FindTable(database, table);
}

Result<uint64_t> LocalCatalog::TableId(std::string_view database,
                                       std::string_view table) const {
  XP_RETURN_IF_ERROR(cache_.FindTable(database, table).status());
  return ids_.at(IdKey(database, table));
}

Status LocalCatalog::CreateDatabase(std::string_view name, bool if_not_exists) {
  const bool existed = cache_.HasDatabase(name);
  XP_RETURN_IF_ERROR(cache_.CreateDatabase(name, if_not_exists));
  if (existed) return Status::OK();
  auto txn = storage_->Begin();
  Status st = txn->Put(DatabaseKey(name), "");
  if (st.ok()) st = txn->Commit();
  if (!st.ok()) (void)cache_.DropDatabase(name, true);
  return st;
}

Status LocalCatalog::DropDatabase(std::string_view name, bool if_exists) {
  if (!cache_.HasDatabase(name)) return cache_.DropDatabase(name, if_exists);
  auto txn = storage_->Begin();
  XP_RETURN_IF_ERROR(txn->Delete(DatabaseKey(name)));
  // The database's table records (its data ranges are the caller's).
  std::vector<std::string> doomed;
  {
    const std::string all = SysKey(kTables);
    for (auto it = txn->Scan(all, key::PrefixSuccessor(all), false);
         it->Valid(); it->Next()) {
      plan::TableSchema schema;
      uint64_t id;
      XP_RETURN_IF_ERROR(DecodeTableSchema(it->value(), &schema, &id));
      if (schema.database == name) doomed.emplace_back(it->key());
    }
  }
  for (const auto& k : doomed) XP_RETURN_IF_ERROR(txn->Delete(k));
  XP_RETURN_IF_ERROR(txn->Commit());
  for (auto it = ids_.begin(); it != ids_.end();) {
    it = it->first.rfind(std::string(name) + '\0', 0) == 0 ? ids_.erase(it)
                                                           : std::next(it);
  }
  return cache_.DropDatabase(name, if_exists);
}

Status LocalCatalog::CreateTable(plan::TableSchema schema, bool if_not_exists) {
  const std::string db = schema.database, name = schema.name;
  if (!cache_.HasDatabase(db) || cache_.FindTable(db, name).ok())
    return cache_.CreateTable(std::move(schema), if_not_exists);
  const uint64_t id = next_id_;
  auto txn = storage_->Begin();
  std::string counter;
  PutVarint64(&counter, id + 1);
  XP_RETURN_IF_ERROR(txn->Put(SysKey(kCounters), counter));
  XP_RETURN_IF_ERROR(
      txn->Put(TableKey(db, name), EncodeTableSchema(schema, id)));
  XP_RETURN_IF_ERROR(txn->Commit());
  next_id_ = id + 1;
  ids_[IdKey(db, name)] = id;
  return cache_.CreateTable(std::move(schema), if_not_exists);
}

Status LocalCatalog::DropTable(std::string_view database,
                               std::string_view table, bool if_exists) {
  if (!cache_.FindTable(database, table).ok())
    return cache_.DropTable(database, table, if_exists);
  auto txn = storage_->Begin();
  XP_RETURN_IF_ERROR(txn->Delete(TableKey(database, table)));
  XP_RETURN_IF_ERROR(txn->Commit());
  ids_.erase(IdKey(database, table));
  return cache_.DropTable(database, table, if_exists);
}

Status LocalCatalog::RenameTable(std::string_view database,
                                 std::string_view table,
                                 std::string_view to_database,
                                 std::string_view to_table) {
  XP_ASSIGN_OR_RETURN(const plan::TableSchema* current,
                      cache_.FindTable(database, table));
  if (!cache_.HasDatabase(to_database))
    return SqlError(ER_BAD_DB_ERROR,
                    "Unknown database '" + std::string(to_database) + "'");
  if (cache_.FindTable(to_database, to_table).ok())
    return SqlError(ER_TABLE_EXISTS_ERROR,
                    "Table '" + std::string(to_table) + "' already exists");
  const uint64_t id = ids_.at(IdKey(database, table));
  plan::TableSchema renamed = *current;
  renamed.database = std::string(to_database);
  renamed.name = std::string(to_table);
  ++renamed.version;
  auto txn = storage_->Begin();
  XP_RETURN_IF_ERROR(txn->Delete(TableKey(database, table)));
  XP_RETURN_IF_ERROR(txn->Put(TableKey(to_database, to_table),
                              EncodeTableSchema(renamed, id)));
  XP_RETURN_IF_ERROR(txn->Commit());
  ids_.erase(IdKey(database, table));
  ids_[IdKey(to_database, to_table)] = id;
  return cache_.RenameTable(database, table, to_database, to_table);
}

Status LocalCatalog::AlterTable(plan::TableSchema schema, Transaction* txn) {
  XP_ASSIGN_OR_RETURN(plan::TableSchema * current,
                      cache_.MutableTable(schema.database, schema.name));
  schema.version = current->version + 1;
  const uint64_t id = ids_.at(IdKey(schema.database, schema.name));
  std::unique_ptr<Transaction> own;
  if (txn == nullptr) {
    own = storage_->Begin();
    txn = own.get();
  }
  XP_RETURN_IF_ERROR(txn->Put(TableKey(schema.database, schema.name),
                              EncodeTableSchema(schema, id)));
  if (own) XP_RETURN_IF_ERROR(own->Commit());
  *current = std::move(schema);
  return Status::OK();
}

}  // namespace xp::dn
