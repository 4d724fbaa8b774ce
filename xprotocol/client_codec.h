// Client-side protocol pieces without I/O, shared by the blocking and the
// async client: decoding the inbound byte stream into messages (unwrapping
// Compression), assembling a statement's replies into a StmtResult, parsing
// Error replies, and the handshake's capabilities and auth data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/buffer.h"
#include "codec/frame.h"
#include "codec/lz4.h"
#include "codec/status.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/values.h"

namespace xp {

struct ClientOptions;

struct Message {
  uint64_t session_id = 0;
  uint8_t type = 0;
  std::string payload;
};

// Splits inbound bytes into messages; Compression messages are decompressed
// (bounded by max_frame_bytes) and their inner frames delivered in order.
class InboundDecoder {
 public:
  explicit InboundDecoder(uint32_t max_frame_bytes)
      : parser_(frame::Framing::kPlain, max_frame_bytes) {}
  void set_framing(frame::Framing f) { parser_.set_framing(f); }

  // Consumes every complete frame at the front of *in, calling
  // sink(Message&&) for each message. Corruption when the stream is bad.
  template <class Sink>
  Status Drain(Buffer* in, Sink&& sink) {
    size_t off = 0;
    Status st;
    Frame f;
    while (st.ok()) {
      auto o = parser_.Parse(in->data() + off, in->size() - off, &f);
      if (o == FrameParser::Outcome::kNeedMore) break;
      if (o == FrameParser::Outcome::kCorrupt) {
        st = Status::Corruption("bad frame from server: " + parser_.error());
        break;
      }
      off += f.wire_size;
      if (f.type == ServerMsg::COMPRESSION) {
        st = Unwrap(f.payload, sink);
      } else {
        sink(Message{f.session_id, f.type, std::string(f.payload)});
      }
    }
    in->Consume(off);
    return st;
  }
  // Bytes the next frame needs in total (valid after Drain stopped short).
  size_t needed() const { return parser_.needed(); }
  uint64_t compressed_messages() const { return compressed_; }

 private:
  template <class Sink>
  Status Unwrap(std::string_view payload, Sink& sink) {
    Mysqlx::Connection::Compression c;
    if (!ParseMessage(payload, &c)) {
      return Status::Corruption("unparsable Compression message");
    }
    std::string plain;
    XP_RETURN_IF_ERROR(
        lz4::DecompressFrame(c.payload(), parser_.max_frame_bytes(), &plain));
    ++compressed_;
    FrameParser inner(parser_.framing(), parser_.max_frame_bytes());
    std::string_view rest = plain;
    Frame g;
    while (!rest.empty()) {
      if (inner.Parse(rest, &g) != FrameParser::Outcome::kFrame) {
        return Status::Corruption("Compression payload holds a partial frame");
      }
      sink(Message{g.session_id, g.type, std::string(g.payload)});
      rest.remove_prefix(g.wire_size);
    }
    return Status::OK();
  }

  FrameParser parser_;
  uint64_t compressed_ = 0;
};

// Encodes one request frame into *out (replacing its contents), wrapped in a
// Compression message when `compress` and it is at least `threshold` bytes.
Status EncodeRequest(Buffer* out, frame::Framing framing, uint8_t type,
                     const google::protobuf::MessageLite& msg,
                     uint64_t session_id, bool compress, size_t threshold);

// An error reply from the server.
struct ServerError {
  uint32_t code = 0;
  std::string sql_state;
  std::string msg;
  bool fatal = false;
};

// "ERROR 1146 (42S02): Table 't' doesn't exist".
std::string FormatServerError(const ServerError& e);

// Parses a Mysqlx.Error payload into *e; Aborted(FormatServerError) when it
// parses, Corruption when it does not.
Status ParseServerError(std::string_view payload, ServerError* e);

struct ResultSet {
  std::vector<Mysqlx::Resultset::ColumnMetaData> columns;
  // Raw field encodings (codec/xrow.h); an empty string is NULL.
  std::vector<std::vector<std::string>> rows;
  // RESULTSET_CHUNK payloads in order (columnar; docs/PROTOCOL.md §9.6),
  // when the request asked for chunks.
  std::vector<std::string> chunks;
  // Execution feedback (ExecPlan/ExecSql `feedback`) from the FetchDone.
  std::optional<Mysqlx::Resultset::FetchDone> feedback;
};

struct NoticeWarning {
  uint32_t level = 0;
  uint32_t code = 0;
  std::string msg;
};

struct StmtResult {
  std::vector<ResultSet> sets;
  std::optional<uint64_t> rows_affected;
  std::optional<uint64_t> last_insert_id;
  std::vector<NoticeWarning> warnings;
};

// Text of one field (codec/xrow.h encoding; empty is NULL, shown "NULL") as
// the mysql CLI prints it; binary strings (collation 63) as 0x... hex when
// binary_as_hex.
std::string FieldText(const Mysqlx::Resultset::ColumnMetaData& col,
                      std::string_view field, bool binary_as_hex = true);

// Feeds the replies of one StmtExecute, in order, until Add() says it is done.
class ResultAssembler {
 public:
  enum class Step { kMore, kDone, kFailed };
  // kDone: result() is complete. kFailed: status() says why (Aborted with
  // error() for a server Error, Corruption for a malformed reply).
  Step Add(uint8_t type, std::string_view payload);
  StmtResult& result() { return result_; }
  const Status& status() const { return status_; }
  const ServerError& error() const { return error_; }

 private:
  StmtResult result_;
  ResultSet current_;
  Status status_;
  ServerError error_;
};

// The CapabilitiesSet entries a client sends for `options`.
std::vector<std::pair<std::string, Any>> HandshakeCapabilities(
    const ClientOptions& options);

// AuthenticateContinue data for `mech` ("MYSQL41" / "SHA256_MEMORY"), or
// AuthenticateStart's for "PLAIN" (the password itself; `nonce` unused).
std::string ClientAuthData(const ClientOptions& options, std::string_view mech,
                           std::string_view nonce);

// The id in a CLIENT_ID_ASSIGNED notice payload (Notice.Frame), if it is one.
std::optional<uint64_t> ClientIdFromNotice(std::string_view frame_payload);

}  // namespace xp
