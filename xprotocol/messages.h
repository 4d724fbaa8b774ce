// Message-level helpers over the frame codec: in-place protobuf frame
// encoding, the id <-> message registry, and zero-copy Row writing/reading.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/frame.h"
#include "xprotocol/proto/mysqlx.pb.h"

namespace xp {

using ClientMsg = Mysqlx::ClientMessages;
using ServerMsg = Mysqlx::ServerMessages;

enum class Direction { kClientToServer, kServerToClient };

// Parses `payload` into *msg; false when it is malformed or lacks a required
// field. Unlike MessageLite::ParseFromArray it never logs, so hostile input
// cannot flood the log.
bool ParseMessage(std::string_view payload, google::protobuf::MessageLite* msg);

// Serialises `msg` straight into the frame's payload space: one size
// computation, no intermediate string.
void WriteMessage(FrameWriter* w, uint8_t type,
                  const google::protobuf::MessageLite& msg,
                  uint64_t session_id = 0);

// The protobuf message type carried by id `type` in `dir`, or nullptr for an
// unknown id. Extension ids whose messages have not landed yet map to nullptr.
const google::protobuf::Descriptor* MessageDescriptor(Direction dir,
                                                      uint8_t type);
// "SQL_STMT_EXECUTE" etc.; "UNKNOWN(<n>)" for unknown ids.
std::string MessageTypeName(Direction dir, uint8_t type);
// A fresh message of the type carried by `type`, or nullptr.
std::unique_ptr<google::protobuf::Message> NewMessage(Direction dir,
                                                      uint8_t type);

// True when `path` ("<message id>.<field>[.<field>...]", as in the X
// Protocol's EXPECT_FIELD_EXIST condition) names a field this server knows.
bool ClientFieldExists(std::string_view path);

// Builds a Mysqlx.Error.
Mysqlx::Error MakeError(uint32_t code, std::string_view sql_state,
                        std::string_view msg, bool fatal = false);

// Writes a Mysqlx.Resultset.Row frame field by field, directly in wire form
// (field 1, length-delimited), with no per-row allocation.
class RowWriter {
 public:
  RowWriter(FrameWriter* w, uint64_t session_id = 0)
      : w_(w), session_id_(session_id) {}
  void Begin() { mark_ = w_->Begin(ServerMsg::RESULTSET_ROW, session_id_); }
  // `encoded` is a value encoded per codec/xrow.h; empty means NULL.
  void Field(std::string_view encoded);
  void Null() { Field({}); }
  void End() { w_->End(mark_); }

 private:
  FrameWriter* const w_;
  const uint64_t session_id_;
  size_t mark_ = 0;
};

// Iterates the fields of a Row payload without copying. Rejects malformed
// wire data and unknown field numbers with wire types it cannot skip.
class RowReader {
 public:
  explicit RowReader(std::string_view payload) : in_(payload) {}
  // Sets *field to the next value (pointing into the payload). Returns false
  // at the end; check ok() to tell the end from a malformed payload.
  bool Next(std::string_view* field);
  bool ok() const { return ok_; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace xp
