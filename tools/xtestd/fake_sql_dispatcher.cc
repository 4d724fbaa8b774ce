#include "tools/xtestd/fake_sql_dispatcher.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include "codec/sql_errors.h"
#include "codec/xrow.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/values.h"

namespace xp::testing {
namespace {

using Col = Mysqlx::Resultset::ColumnMetaData;

constexpr uint64_t kUtf8mb4 = 255;  // utf8mb4_0900_ai_ci
constexpr uint64_t kBinary = 63;

Col MakeCol(Col::FieldType type, const char* name, uint32_t length,
            uint64_t collation = 0) {
  Col c;
  c.set_type(type);
  c.set_name(name);
  c.set_original_name(name);
  c.set_length(length);
  if (collation != 0) c.set_collation(collation);
  return c;
}

void AddTableInfo(Col* c, const std::string& schema, const char* table) {
  c->set_table(table);
  c->set_original_table(table);
  c->set_schema(schema);
  c->set_catalog("def");
}

std::string Normalize(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char ch : sql) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(
        static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  while (!out.empty() && out.back() == ';') out.pop_back();
  return out;
}

void SendRowsAffected(Reply& reply, uint64_t n) {
  Mysqlx::Notice::SessionStateChanged ch;
  ch.set_param(Mysqlx::Notice::SessionStateChanged::ROWS_AFFECTED);
  *ch.add_value() = ScalarUint(n);
  reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, ch);
}

void Done(Reply& reply, bool more = false) {
  if (more) {
    reply.Send(ServerMsg::RESULTSET_FETCH_DONE_MORE_RESULTSETS,
               Mysqlx::Resultset::FetchDoneMoreResultsets());
  } else {
    reply.Send(ServerMsg::RESULTSET_FETCH_DONE, Mysqlx::Resultset::FetchDone());
  }
}

void TypesTable(const Session& s, Reply& reply) {
  std::vector<Col> cols = {
      MakeCol(Col::SINT, "tiny_col", 4),
      MakeCol(Col::SINT, "int_col", 11),
      MakeCol(Col::SINT, "bigint_col", 20),
      MakeCol(Col::UINT, "ubigint_col", 20),
      MakeCol(Col::DOUBLE, "double_col", 22),
      MakeCol(Col::FLOAT, "float_col", 12),
      MakeCol(Col::DECIMAL, "decimal_col", 12),
      MakeCol(Col::BYTES, "varchar_col", 80, kUtf8mb4),
      MakeCol(Col::BYTES, "blob_col", 65535, kBinary),
      MakeCol(Col::DATETIME, "date_col", 10),
      MakeCol(Col::DATETIME, "datetime_col", 26),
      MakeCol(Col::TIME, "time_col", 17),
      MakeCol(Col::SET, "set_col", 5, kUtf8mb4),
      MakeCol(Col::ENUM, "enum_col", 6, kUtf8mb4),
      MakeCol(Col::BIT, "bit_col", 8),
  };
  // DOUBLE/FLOAT without a declared scale carry no fractional_digits.
  cols[6].set_fractional_digits(2);
  cols[9].set_content_type(Mysqlx::Resultset::DATE);
  cols[10].set_content_type(Mysqlx::Resultset::DATETIME);
  cols[10].set_fractional_digits(6);
  for (Col& c : cols) {
    AddTableInfo(&c, s.schema(), "types");
    reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, c);
  }
  RowWriter row(reply.writer(), reply.session_id());
  std::string v;
  auto field = [&](auto fn) {
    v.clear();
    fn(&v);
    row.Field(v);
  };
  // Row 1: typical values.
  row.Begin();
  field([](std::string* o) { xrow::PutSint(o, -128); });
  field([](std::string* o) { xrow::PutSint(o, 2147483647); });
  field([](std::string* o) { xrow::PutSint(o, -9007199254740991LL); });
  field([](std::string* o) { xrow::PutUint(o, 18446744073709551615ULL); });
  field([](std::string* o) { xrow::PutDouble(o, 2.5); });
  field([](std::string* o) { xrow::PutFloat(o, -1.25f); });
  field([](std::string* o) { (void)xrow::PutDecimal(o, "-12345.67"); });
  field([](std::string* o) { xrow::PutBytes(o, "héllo wörld"); });
  field([](std::string* o) {
    xrow::PutBytes(o, std::string_view("\x00\x01\xfe\xff", 4));
  });
  field([](std::string* o) {
    xrow::PutDateTime(o, {2026, 11, 22, 0, 0, 0, 0}, false);
  });
  field([](std::string* o) {
    xrow::PutDateTime(o, {1999, 12, 31, 23, 59, 58, 123456}, true);
  });
  field([](std::string* o) { xrow::PutTime(o, {true, 838, 59, 58, 0}); });
  field([](std::string* o) { xrow::PutSet(o, {"a", "c"}); });
  field([](std::string* o) { xrow::PutEnum(o, "medium"); });
  field([](std::string* o) { xrow::PutBit(o, 0xa5); });
  row.End();
  // Row 2: edges (zero, empty string, empty set).
  row.Begin();
  field([](std::string* o) { xrow::PutSint(o, 0); });
  field([](std::string* o) { xrow::PutSint(o, -2147483648LL); });
  field([](std::string* o) { xrow::PutSint(o, 9007199254740991LL); });
  field([](std::string* o) { xrow::PutUint(o, 0); });
  field([](std::string* o) { xrow::PutDouble(o, -0.5); });
  field([](std::string* o) { xrow::PutFloat(o, 0.0f); });
  field([](std::string* o) { (void)xrow::PutDecimal(o, "0.05"); });
  field([](std::string* o) { xrow::PutBytes(o, ""); });
  field([](std::string* o) { xrow::PutBytes(o, ""); });
  field([](std::string* o) {
    xrow::PutDateTime(o, {1970, 1, 1, 0, 0, 0, 0}, false);
  });
  field([](std::string* o) {
    xrow::PutDateTime(o, {2000, 2, 29, 12, 0, 0, 0}, true);
  });
  field([](std::string* o) { xrow::PutTime(o, {false, 1, 2, 3, 0}); });
  field([](std::string* o) { xrow::PutSet(o, {}); });
  field([](std::string* o) { xrow::PutEnum(o, "small"); });
  field([](std::string* o) { xrow::PutBit(o, 0); });
  row.End();
  // Row 3: all NULL.
  row.Begin();
  for (size_t i = 0; i < cols.size(); ++i) row.Null();
  row.End();
  Done(reply);
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

// Echoes bound arguments as one row, one typed column each.
void Echo(const Mysqlx::Sql::StmtExecute& stmt, Reply& reply) {
  std::vector<std::string> fields;
  int i = 0;
  for (const Any& a : stmt.args()) {
    std::string name = "?" + std::to_string(++i);
    Col c;
    std::string v;
    if (a.type() != Any::SCALAR) {
      reply.Error(ER_X_BAD_ARGUMENT, "Argument " + name + " must be a scalar");
      return;
    }
    const Scalar& s = a.scalar();
    switch (s.type()) {
      case Scalar::V_SINT:
        c = MakeCol(Col::SINT, name.c_str(), 20);
        xrow::PutSint(&v, s.v_signed_int());
        break;
      case Scalar::V_UINT:
        c = MakeCol(Col::UINT, name.c_str(), 20);
        xrow::PutUint(&v, s.v_unsigned_int());
        break;
      case Scalar::V_BOOL:
        c = MakeCol(Col::SINT, name.c_str(), 1);
        xrow::PutSint(&v, s.v_bool() ? 1 : 0);
        break;
      case Scalar::V_DOUBLE:
        c = MakeCol(Col::DOUBLE, name.c_str(), 22);
        xrow::PutDouble(&v, s.v_double());
        break;
      case Scalar::V_FLOAT:
        c = MakeCol(Col::FLOAT, name.c_str(), 12);
        xrow::PutFloat(&v, s.v_float());
        break;
      case Scalar::V_STRING:
        c = MakeCol(Col::BYTES, name.c_str(), 1024, kUtf8mb4);
        xrow::PutBytes(&v, s.v_string().value());
        break;
      case Scalar::V_OCTETS:
        c = MakeCol(Col::BYTES, name.c_str(), 1024, kBinary);
        xrow::PutBytes(&v, s.v_octets().value());
        break;
      case Scalar::V_NULL:
        c = MakeCol(Col::BYTES, name.c_str(), 0, kBinary);
        break;
    }
    reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, c);
    fields.push_back(std::move(v));
  }
  RowWriter row(reply.writer(), reply.session_id());
  row.Begin();
  for (const auto& f : fields) row.Field(f);
  row.End();
  Done(reply);
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

void People(const Session& s, std::optional<int64_t> only, Reply& reply) {
  Col id = MakeCol(Col::SINT, "id", 11);
  Col name = MakeCol(Col::BYTES, "name", 80, kUtf8mb4);
  AddTableInfo(&id, s.schema(), "people");
  AddTableInfo(&name, s.schema(), "people");
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, id);
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, name);
  static const char* kNames[] = {"ada", "grace", "edsger"};
  RowWriter row(reply.writer(), reply.session_id());
  std::string v;
  for (int64_t i = 1; i <= 3; ++i) {
    if (only && *only != i) continue;
    row.Begin();
    v.clear();
    xrow::PutSint(&v, i);
    row.Field(v);
    v.clear();
    xrow::PutBytes(&v, kNames[i - 1]);
    row.Field(v);
    row.End();
  }
  Done(reply);
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

void Big(Reply& reply) {
  Col id = MakeCol(Col::SINT, "id", 11);
  Col text = MakeCol(Col::BYTES, "payload", 400, kUtf8mb4);
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, id);
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA, text);
  RowWriter row(reply.writer(), reply.session_id());
  std::string v;
  char buf[128];
  for (int64_t i = 1; i <= 20000; ++i) {
    row.Begin();
    v.clear();
    xrow::PutSint(&v, i);
    row.Field(v);
    v.clear();
    int n = std::snprintf(buf, sizeof(buf),
                          "row %lld of the big table, padded for compression",
                          static_cast<long long>(i));
    xrow::PutBytes(&v, std::string_view(buf, n));
    row.Field(v);
    row.End();
    reply.MaybeFlush();
  }
  Done(reply);
  reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK, Mysqlx::Sql::StmtExecuteOk());
}

void SingleValue(Reply& reply, const char* name, std::string_view text,
                 bool more_follow = false) {
  reply.Send(ServerMsg::RESULTSET_COLUMN_META_DATA,
             MakeCol(Col::BYTES, name, 64, kUtf8mb4));
  RowWriter row(reply.writer(), reply.session_id());
  std::string v;
  row.Begin();
  xrow::PutBytes(&v, text);
  row.Field(v);
  row.End();
  Done(reply, more_follow);
}

}  // namespace

void FakeSqlDispatcher::Dispatch(Session& session, uint8_t type,
                                 std::string_view payload, Reply& reply) {
  Mysqlx::Sql::StmtExecute stmt;
  if (!ReadSqlStatement(type, payload, reply, &stmt)) return;
  const std::string sql = Normalize(stmt.stmt());
  const size_t placeholders = std::count(sql.begin(), sql.end(), '?');
  if (placeholders != static_cast<size_t>(stmt.args_size())) {
    reply.Error(ER_X_CMD_NUM_ARGUMENTS,
                "Statement has " + std::to_string(placeholders) +
                    " placeholders but " + std::to_string(stmt.args_size()) +
                    " arguments were bound");
    return;
  }
  if (sql == "select * from types") return TypesTable(session, reply);
  if (sql == "select * from people")
    return People(session, std::nullopt, reply);
  if (sql == "select * from people where id = ?") {
    auto id = AnyAsUint(stmt.args(0));
    return People(session, id ? std::optional<int64_t>(*id) : std::nullopt,
                  reply);
  }
  if (sql == "select * from big") return Big(reply);
  if (sql.rfind("select ?", 0) == 0 && placeholders > 0) {
    std::string expect = "select ?";
    for (size_t i = 1; i < placeholders; ++i) expect += ", ?";
    if (sql == expect) return Echo(stmt, reply);
  }
  if (sql == "select database()") {
    SingleValue(reply, "DATABASE()", session.schema());
    return reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK,
                       Mysqlx::Sql::StmtExecuteOk());
  }
  if (sql == "call two_results()") {
    SingleValue(reply, "first", "one", /*more_follow=*/true);
    SingleValue(reply, "second", "two");
    return reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK,
                       Mysqlx::Sql::StmtExecuteOk());
  }
  if (sql == "select warning()") {
    SingleValue(reply, "warning()", "ok");
    Mysqlx::Notice::Warning w;
    w.set_level(Mysqlx::Notice::Warning::WARNING);
    w.set_code(1292);
    w.set_msg("Truncated incorrect value");
    reply.Notice(Mysqlx::Notice::Frame::WARNING, w);
    return reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK,
                       Mysqlx::Sql::StmtExecuteOk());
  }
  if (sql.rfind("insert into people", 0) == 0) {
    SendRowsAffected(reply, 1);
    Mysqlx::Notice::SessionStateChanged id;
    id.set_param(Mysqlx::Notice::SessionStateChanged::GENERATED_INSERT_ID);
    *id.add_value() = ScalarUint(4);
    reply.Notice(Mysqlx::Notice::Frame::SESSION_STATE_CHANGED, id);
    return reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK,
                       Mysqlx::Sql::StmtExecuteOk());
  }
  if (sql == "begin" || sql == "start transaction" || sql == "commit" ||
      sql == "rollback") {
    SendRowsAffected(reply, 0);
    return reply.Final(ServerMsg::SQL_STMT_EXECUTE_OK,
                       Mysqlx::Sql::StmtExecuteOk());
  }
  if (sql.rfind("select * from ", 0) == 0) {
    std::string table = sql.substr(14);
    table = table.substr(0, table.find(' '));
    reply.Error(ER_NO_SUCH_TABLE,
                "Table '" +
                    (session.schema().empty() ? "test" : session.schema()) +
                    "." + table + "' doesn't exist");
    return;
  }
  std::string near(stmt.stmt().substr(0, 80));
  reply.Error(ER_PARSE_ERROR,
              "You have an error in your SQL syntax; check the manual that "
              "corresponds to your MySQL server version for the right syntax "
              "to use near '" +
                  near + "' at line 1");
}

}  // namespace xp::testing
