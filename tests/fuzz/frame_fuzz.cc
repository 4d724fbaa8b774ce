// libFuzzer target: the frame decoder and every message parser a server runs
// on untrusted bytes (frames of both framings, each client and server
// message type, Row fields, row values, Compression payloads).
#include <cstddef>
#include <cstdint>
#include <string>

#include "codec/frame.h"
#include "codec/lz4.h"
#include "codec/xrow.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"

namespace {

void DecodeValues(std::string_view field) {
  int64_t s;
  uint64_t u;
  double d;
  float f;
  std::string_view b;
  xp::xrow::Time t;
  xp::xrow::DateTime dt;
  std::string dec;
  std::vector<std::string> set;
  (void)xp::xrow::GetSint(field, &s);
  (void)xp::xrow::GetUint(field, &u);
  (void)xp::xrow::GetDouble(field, &d);
  (void)xp::xrow::GetFloat(field, &f);
  (void)xp::xrow::GetBytes(field, &b);
  (void)xp::xrow::GetTime(field, &t);
  (void)xp::xrow::GetDateTime(field, &dt, nullptr);
  (void)xp::xrow::GetDecimal(field, &dec);
  (void)xp::xrow::GetSet(field, &set);
}

void DecodeStream(std::string_view data, xp::frame::Framing framing,
                  int depth) {
  xp::FrameParser parser(framing, 1 << 20);
  while (!data.empty()) {
    xp::Frame f;
    if (parser.Parse(data, &f) != xp::FrameParser::Outcome::kFrame) return;
    data.remove_prefix(f.wire_size);
    for (auto dir :
         {xp::Direction::kClientToServer, xp::Direction::kServerToClient}) {
      auto msg = xp::NewMessage(dir, f.type);
      if (msg) xp::ParseMessage(f.payload, msg.get());
    }
    if (f.type == xp::ServerMsg::RESULTSET_ROW) {
      xp::RowReader r(f.payload);
      std::string_view field;
      while (r.Next(&field)) DecodeValues(field);
    }
    if ((f.type == xp::ClientMsg::COMPRESSION ||
         f.type == xp::ServerMsg::COMPRESSION) &&
        depth == 0) {
      Mysqlx::Connection::Compression c;
      std::string plain;
      if (xp::ParseMessage(f.payload, &c) &&
          xp::lz4::DecompressFrame(c.payload(), 1 << 20, &plain).ok()) {
        DecodeStream(plain, framing, depth + 1);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  DecodeStream(in, xp::frame::Framing::kPlain, 0);
  DecodeStream(in, xp::frame::Framing::kMultiplexed, 0);
  DecodeValues(in);
  return 0;
}
