#include "codec/frame.h"

#include <string>

#include "codec/coding.h"

namespace xp {

FrameParser::Outcome FrameParser::Parse(const uint8_t* data, size_t size,
                                        Frame* out) {
  const size_t header = frame::HeaderSize(framing_);
  if (size < header) {
    needed_ = header;
    return Outcome::kNeedMore;
  }
  uint64_t session_id = 0;
  const uint8_t* p = data;
  if (framing_ == frame::Framing::kMultiplexed) {
    session_id = DecodeFixed64(p);
    p += frame::kSessionIdSize;
  }
  const uint32_t length = DecodeFixed32(p);
  oversized_ = false;
  if (length == 0) {
    error_ = "frame length 0 at header: the length must count the type byte";
    return Outcome::kCorrupt;
  }
  if (length > max_frame_bytes_) {
    oversized_ = true;
    error_ = "frame of " + std::to_string(length) +
             " bytes exceeds the maximum of " +
             std::to_string(max_frame_bytes_) + " bytes";
    return Outcome::kCorrupt;
  }
  const size_t total = header - 1 + static_cast<size_t>(length);
  if (size < total) {
    needed_ = total;
    return Outcome::kNeedMore;
  }
  out->session_id = session_id;
  out->type = p[frame::kLengthFieldSize];
  out->payload = std::string_view(reinterpret_cast<const char*>(data + header),
                                  length - 1);
  out->wire_size = total;
  needed_ = 0;
  return Outcome::kFrame;
}

size_t FrameWriter::Begin(uint8_t type, uint64_t session_id) {
  const size_t mark = out_->size();
  uint8_t* h = out_->Extend(frame::HeaderSize(framing_));
  if (framing_ == frame::Framing::kMultiplexed) {
    EncodeFixed64(h, session_id);
    h += frame::kSessionIdSize;
  }
  h[frame::kLengthFieldSize] = type;
  return mark;
}

void FrameWriter::End(size_t mark) {
  const size_t header = frame::HeaderSize(framing_);
  const size_t length = out_->size() - mark - header + 1;
  uint8_t* h = out_->data() + mark;
  if (framing_ == frame::Framing::kMultiplexed) h += frame::kSessionIdSize;
  EncodeFixed32(h, static_cast<uint32_t>(length));
}

void FrameWriter::Append(uint8_t type, std::string_view payload,
                         uint64_t session_id) {
  const size_t mark = Begin(type, session_id);
  out_->Append(payload);
  End(mark);
}

}  // namespace xp
