// Both directions of an XProtocol conversation decoded frame by frame and
// printed for people (xplan-dump's capture files and --listen proxy):
// requests in full (SQL text, plans as trees with their parameters),
// results summarized (columns, rows, chunks, bytes, time since the
// request), errors and notices as sent.
//
// Capture file format (docs/PROTOCOL.md §10): the 6 bytes "XPCAP\x01", then
// one record per frame:
//   u8  flags: bit 0 = server to client, bit 1 = 13-byte multiplexed header
//   u32 little-endian connection number (1, 2, ... in accept order)
//   u64 little-endian time, microseconds since the Unix epoch
//   u32 little-endian size of the frame that follows
//   the frame, header included, as it crossed the wire
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "codec/buffer.h"
#include "codec/frame.h"

namespace xp::tools {

inline constexpr std::string_view kCaptureMagic{"XPCAP\x01", 6};

class StreamPrinter {
 public:
  // `format`: how plans print: tree, json or text. `prefix` starts every
  // line (e.g. a connection number).
  StreamPrinter(std::FILE* out, std::string format, std::string prefix = "");

  // Bytes of one direction as they arrived at `micros`. Prints every whole
  // frame; false with *error when the stream cannot be framed.
  bool Feed(bool to_client, uint64_t micros, std::string_view bytes,
            std::string* error);
  // Called with each whole frame Feed() finds (for writing captures).
  std::function<void(bool to_client, uint64_t micros, bool multiplexed,
                     std::string_view frame)>
      on_frame;

  // Whether frames carry session ids (a capture record says).
  void set_multiplexed(bool on) { multiplexed_ = on; }
  // One frame (as read from a capture).
  void Frame(bool to_client, uint64_t micros, uint8_t type, uint64_t session_id,
             std::string_view payload);

 private:
  struct Pending {  // a result being summarized, per session
    uint64_t started = 0;
    std::string request;
    size_t columns = 0, rows = 0, chunks = 0, bytes = 0, token_dones = 0;
  };
  void Line(uint64_t micros, bool to_client, uint64_t sid,
            const std::string& text);
  void Request(uint64_t micros, uint8_t type, uint64_t sid,
               std::string_view payload);
  void Reply(uint64_t micros, uint8_t type, uint64_t sid,
             std::string_view payload);

  std::FILE* const out_;
  const std::string format_;
  const std::string prefix_;
  Buffer in_[2];
  FrameParser parser_[2];
  bool multiplex_asked_ = false;
  bool multiplexed_ = false;
  std::map<uint64_t, Pending> pending_;
};

// A record of a capture file.
std::string CaptureRecord(bool to_client, bool multiplexed, uint32_t connection,
                          uint64_t micros, std::string_view frame);

// Prints a whole capture file as the proxy printed it live (lines of
// connection N start "[N] "); false with *error (naming the byte offset)
// when it is malformed.
bool PrintCapture(std::string_view data, std::FILE* out,
                  const std::string& format, std::string* error);

// The --listen proxy: accepts on `listen` (HOST:PORT; port 0 picks one,
// written to `port_file` when given), connects each client to `upstream`,
// forwards bytes both ways untouched and prints every message; with
// `capture`, writes a capture file too. Stops after `max_connections`
// connections have ended (0: never). Returns a process exit status.
int RunProxy(const std::string& listen, const std::string& upstream,
             const std::string& port_file, const std::string& capture,
             const std::string& format, int max_connections);

}  // namespace xp::tools
