#include "xprotocol/messages.h"

#include <gtest/gtest.h>

#include "codec/coding.h"
#include "codec/xrow.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/values.h"

namespace xp {
namespace {

TEST(MessagesTest, WriteMessageEncodesInPlace) {
  Buffer buf;
  FrameWriter w(&buf);
  Mysqlx::Sql::StmtExecute s;
  s.set_stmt("SELECT 1");
  WriteMessage(&w, ClientMsg::SQL_STMT_EXECUTE, s);
  // len 11 = type + 10 payload bytes; payload: field 1 "SELECT 1".
  EXPECT_EQ(ToHex(buf.view()),
            "0b0000000c"
            "0a0853454c4543542031");
}

TEST(MessagesTest, Names) {
  EXPECT_EQ(MessageTypeName(Direction::kClientToServer, 12),
            "SQL_STMT_EXECUTE");
  EXPECT_EQ(MessageTypeName(Direction::kServerToClient, 19), "COMPRESSION");
  EXPECT_EQ(MessageTypeName(Direction::kClientToServer, 100), "EXEC_PLAN_READ");
  EXPECT_EQ(MessageTypeName(Direction::kServerToClient, 100),
            "RESULTSET_CHUNK");
  EXPECT_EQ(MessageTypeName(Direction::kClientToServer, 99), "UNKNOWN(99)");
  EXPECT_NE(NewMessage(Direction::kServerToClient, ServerMsg::RESULTSET_ROW),
            nullptr);
  EXPECT_EQ(NewMessage(Direction::kClientToServer, 99), nullptr);
  EXPECT_EQ(
      MessageDescriptor(Direction::kClientToServer, ClientMsg::EXEC_PLAN_READ)
          ->full_name(),
      "Xp.Plan.ExecPlan");
  EXPECT_EQ(MessageDescriptor(Direction::kServerToClient, ServerMsg::TOKEN_DONE)
                ->full_name(),
            "Xp.Session.TokenDone");
  EXPECT_EQ(
      MessageDescriptor(Direction::kServerToClient, ServerMsg::RESULTSET_CHUNK),
      nullptr);
}

TEST(MessagesTest, ClientFieldExists) {
  EXPECT_TRUE(ClientFieldExists("6.1"));     // Session.Reset.keep_open
  EXPECT_TRUE(ClientFieldExists("12.2.1"));  // StmtExecute.args.type
  EXPECT_FALSE(ClientFieldExists("6.2"));
  EXPECT_FALSE(ClientFieldExists("6"));
  EXPECT_FALSE(ClientFieldExists("99.1"));
  EXPECT_FALSE(ClientFieldExists("6.x"));
  EXPECT_FALSE(ClientFieldExists("6.1.1"));  // keep_open is not a message
  EXPECT_FALSE(ClientFieldExists(""));
}

TEST(MessagesTest, RowWriterMatchesProtobuf) {
  Buffer buf;
  FrameWriter w(&buf);
  RowWriter row(&w);
  std::string v;
  xrow::PutSint(&v, -3);
  row.Begin();
  row.Field(v);
  row.Null();
  row.Field(std::string(300, 'x'));
  row.End();
  Frame f;
  FrameParser p;
  ASSERT_EQ(p.Parse(buf.data(), buf.size(), &f), FrameParser::Outcome::kFrame);
  EXPECT_EQ(f.type, ServerMsg::RESULTSET_ROW);
  Mysqlx::Resultset::Row parsed;
  ASSERT_TRUE(parsed.ParseFromArray(f.payload.data(), f.payload.size()));
  ASSERT_EQ(parsed.field_size(), 3);
  EXPECT_EQ(parsed.field(0), v);
  EXPECT_EQ(parsed.field(1), "");
  EXPECT_EQ(parsed.field(2).size(), 300u);

  RowReader reader(f.payload);
  std::string_view field;
  std::vector<std::string> got;
  while (reader.Next(&field)) got.emplace_back(field);
  EXPECT_TRUE(reader.ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], v);
  EXPECT_EQ(got[2].size(), 300u);
}

TEST(MessagesTest, RowReaderRejectsTruncated) {
  RowReader r(
      std::string_view("\x0a\x05"
                       "ab",
                       4));
  std::string_view f;
  EXPECT_FALSE(r.Next(&f));
  EXPECT_FALSE(r.ok());
  RowReader bad_wire(std::string_view("\x0b", 1));  // wire type 3
  EXPECT_FALSE(bad_wire.Next(&f));
  EXPECT_FALSE(bad_wire.ok());
}

TEST(MessagesTest, Values) {
  Any obj =
      AnyObject({{"algorithm", AnyString("lz4_message")}, {"n", AnyUint(3)}});
  ASSERT_NE(ObjectField(obj, "algorithm"), nullptr);
  EXPECT_EQ(AnyAsString(*ObjectField(obj, "algorithm")), "lz4_message");
  EXPECT_EQ(AnyAsUint(*ObjectField(obj, "n")), 3u);
  EXPECT_EQ(ObjectField(obj, "missing"), nullptr);
  EXPECT_EQ(AnyAsBool(AnyBool(true)), true);
  EXPECT_FALSE(AnyAsBool(AnyString("x")).has_value());
  EXPECT_EQ(AnyToString(obj), "{algorithm: 'lz4_message', n: 3}");
}

}  // namespace
}  // namespace xp
