// MySQL client/server protocol primitives (bytes only, no I/O): the 4-byte
// packet header, length-encoded integers and strings, and a bounds-checked
// reader for untrusted payloads. Used by the compute node's front end
// (cn/mysql/mysql_server.h) and its fuzz target.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xp::mysql {

// Packet header: 3-byte little-endian payload length + 1-byte sequence id.
inline constexpr size_t kHeaderBytes = 4;
// A payload of exactly this many bytes continues in the next packet.
inline constexpr size_t kMaxPayload = 0xFFFFFF;

// Command bytes (first byte of a command packet).
enum Command : uint8_t {
  kComQuit = 0x01,
  kComInitDb = 0x02,
  kComQuery = 0x03,
  kComFieldList = 0x04,
  kComStatistics = 0x09,
  kComProcessKill = 0x0c,
  kComPing = 0x0e,
  kComStmtPrepare = 0x16,
  kComStmtExecute = 0x17,
  kComStmtSendLongData = 0x18,
  kComStmtClose = 0x19,
  kComStmtReset = 0x1a,
  kComSetOption = 0x1b,
  kComResetConnection = 0x1f,
};

// Capability flags.
enum : uint32_t {
  kClientLongPassword = 1u << 0,
  kClientFoundRows = 1u << 1,
  kClientLongFlag = 1u << 2,
  kClientConnectWithDb = 1u << 3,
  kClientNoSchema = 1u << 4,
  kClientProtocol41 = 1u << 9,
  kClientSsl = 1u << 11,
  kClientTransactions = 1u << 13,
  kClientSecureConnection = 1u << 15,
  kClientMultiStatements = 1u << 16,
  kClientMultiResults = 1u << 17,
  kClientPsMultiResults = 1u << 18,
  kClientPluginAuth = 1u << 19,
  kClientConnectAttrs = 1u << 20,
  kClientPluginAuthLenencData = 1u << 21,
  kClientCanHandleExpiredPasswords = 1u << 22,
  kClientSessionTrack = 1u << 23,
  kClientDeprecateEof = 1u << 24,
};

// Server status flags.
enum : uint16_t {
  kStatusInTrans = 0x0001,
  kStatusAutocommit = 0x0002,
  kStatusMoreResults = 0x0008,
};

// Column types (protocol field types).
enum FieldType : uint8_t {
  kTypeDecimal = 0x00,
  kTypeTiny = 0x01,
  kTypeShort = 0x02,
  kTypeLong = 0x03,
  kTypeFloat = 0x04,
  kTypeDouble = 0x05,
  kTypeNull = 0x06,
  kTypeTimestamp = 0x07,
  kTypeLongLong = 0x08,
  kTypeInt24 = 0x09,
  kTypeDate = 0x0a,
  kTypeTime = 0x0b,
  kTypeDateTime = 0x0c,
  kTypeYear = 0x0d,
  kTypeVarchar = 0x0f,
  kTypeBit = 0x10,
  kTypeJson = 0xf5,
  kTypeNewDecimal = 0xf6,
  kTypeEnum = 0xf7,
  kTypeSet = 0xf8,
  kTypeTinyBlob = 0xf9,
  kTypeMediumBlob = 0xfa,
  kTypeLongBlob = 0xfb,
  kTypeBlob = 0xfc,
  kTypeVarString = 0xfd,
  kTypeString = 0xfe,
};

// Column definition flags.
enum : uint16_t {
  kFlagNotNull = 1,
  kFlagPriKey = 2,
  kFlagBlob = 16,
  kFlagUnsigned = 32,
  kFlagBinary = 128,
};

inline void PutU8(std::string* out, uint8_t v) {
  out->push_back(static_cast<char>(v));
}
inline void PutU16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out->append(b, 2);
}
inline void PutU24(std::string* out, uint32_t v) {
  char b[3] = {static_cast<char>(v), static_cast<char>(v >> 8),
               static_cast<char>(v >> 16)};
  out->append(b, 3);
}
inline void PutU32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}
inline void PutU64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}
// Length-encoded integer.
void PutLenenc(std::string* out, uint64_t v);
// Length-encoded string.
inline void PutLenencStr(std::string* out, std::string_view s) {
  PutLenenc(out, s.size());
  out->append(s);
}
inline void PutNulStr(std::string* out, std::string_view s) {
  out->append(s);
  out->push_back('\0');
}

// Reads a payload; every accessor fails (returns false) instead of reading
// past the end, and then ok() stays false.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ >= data_.size(); }
  size_t pos() const { return pos_; }

  bool U8(uint8_t* v);
  bool U16(uint16_t* v);
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  // Fixed number of bytes.
  bool Bytes(size_t n, std::string_view* v);
  bool Skip(size_t n);
  // Length-encoded integer; *is_null for the 0xFB marker (when given).
  bool Lenenc(uint64_t* v, bool* is_null = nullptr);
  bool LenencStr(std::string_view* v);
  // Up to the next NUL (consumed); fails when there is none.
  bool NulStr(std::string_view* v);
  // Everything left.
  std::string_view Rest();

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// HandshakeResponse41 (client -> server after the greeting).
struct HandshakeResponse {
  uint32_t capabilities = 0;
  uint32_t max_packet = 0;
  uint8_t charset = 0;
  std::string_view user, auth_response, database, auth_plugin;
  bool ssl_request = false;  // the short SSLRequest packet
};
// False for a packet that is not one (truncated, no PROTOCOL_41 fields).
bool ParseHandshakeResponse(std::string_view payload, HandshakeResponse* out);

// One binary-protocol value (COM_STMT_EXECUTE parameters).
struct BinaryValue {
  enum class Kind : uint8_t { kNull, kInt, kUInt, kDouble, kDecimal, kBytes };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string s;  // kDecimal (its text), kBytes; dates and times as text
};
// Reads one value of type `type_and_flags` (low byte: FieldType; 0x8000:
// unsigned). False when the bytes do not hold one.
bool ReadBinaryValue(Reader& r, uint16_t type_and_flags, BinaryValue* out);

// The parameters of a COM_STMT_EXECUTE after its statement id, flags and
// iteration count: NULL bitmap, new-params-bound flag, types (kept in
// *types for later executions that do not resend them), values. Parameters
// with `long_data` (COM_STMT_SEND_LONG_DATA) take that. Error text on
// failure.
std::optional<std::string> ReadExecuteParams(
    Reader& r, size_t count, std::vector<uint16_t>* types,
    const std::vector<std::optional<std::string>>& long_data,
    std::vector<BinaryValue>* out);

}  // namespace xp::mysql
