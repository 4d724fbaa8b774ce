// Frame codec: FrameParser (bytes -> frames) and FrameWriter (frames written
// in place into a Buffer). Formats in codec/frame_format.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/buffer.h"
#include "codec/frame_format.h"

namespace xp {

// One frame as seen inside a byte stream. `payload` points into the parsed
// bytes and lives only as long as they do.
struct Frame {
  uint64_t session_id = 0;  // always 0 with plain framing
  uint8_t type = 0;
  std::string_view payload;
  size_t wire_size = 0;  // header + payload: bytes to consume
};

// Splits a byte stream into frames. Stateless between calls apart from its
// configuration, so the caller owns the stream buffer. Not thread-safe.
class FrameParser {
 public:
  enum class Outcome { kNeedMore, kCorrupt, kFrame };

  explicit FrameParser(frame::Framing framing = frame::Framing::kPlain,
                       uint32_t max_frame_bytes = frame::kDefaultMaxFrameBytes)
      : framing_(framing), max_frame_bytes_(max_frame_bytes) {}

  void set_framing(frame::Framing f) { framing_ = f; }
  frame::Framing framing() const { return framing_; }
  void set_max_frame_bytes(uint32_t n) { max_frame_bytes_ = n; }
  uint32_t max_frame_bytes() const { return max_frame_bytes_; }

  // Examines the front of [data, data + size).
  //  kFrame:    *out is the first frame; consume out->wire_size bytes.
  //  kNeedMore: needed() is the total byte count required to make progress
  //             (the header size until the header is complete).
  //  kCorrupt:  error() says why (length 0, or over max_frame_bytes); the
  //             stream cannot be resynchronised. Detected from the header
  //             alone, so an oversized frame is never buffered.
  Outcome Parse(const uint8_t* data, size_t size, Frame* out);
  Outcome Parse(std::string_view bytes, Frame* out) {
    return Parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                 out);
  }

  size_t needed() const { return needed_; }
  const std::string& error() const { return error_; }
  // After kCorrupt: true when the cause was a length over max_frame_bytes.
  bool oversized() const { return oversized_; }

 private:
  frame::Framing framing_;
  uint32_t max_frame_bytes_;
  size_t needed_ = 0;
  bool oversized_ = false;
  std::string error_;
};

// Appends frames to a Buffer without copying payloads twice: Begin() reserves
// the header, the caller writes the payload straight after it, End()
// back-fills the length.
class FrameWriter {
 public:
  explicit FrameWriter(Buffer* out,
                       frame::Framing framing = frame::Framing::kPlain)
      : out_(out), framing_(framing) {}

  void set_framing(frame::Framing f) { framing_ = f; }
  frame::Framing framing() const { return framing_; }
  Buffer* buffer() const { return out_; }

  // Reserves a header for a frame of `type`; returns a mark for End().
  size_t Begin(uint8_t type, uint64_t session_id = 0);
  // Fills in the length of the frame begun at `mark` from the bytes appended
  // since. REQUIRES: nothing was removed from the buffer since Begin().
  void End(size_t mark);
  // Reserves `n` payload bytes of the open frame and returns them.
  uint8_t* Reserve(size_t n) { return out_->Extend(n); }
  // Writes a whole frame.
  void Append(uint8_t type, std::string_view payload, uint64_t session_id = 0);

 private:
  Buffer* const out_;
  frame::Framing framing_;
};

}  // namespace xp
