#include "codec/lz4.h"

#include <lz4.h>
#include <lz4frame.h>

#include <memory>

namespace xp::lz4 {

Status CompressFrame(std::string_view in, std::string* out) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = in.size();
  const size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
  const size_t old = out->size();
  out->resize(old + bound);
  const size_t n = LZ4F_compressFrame(out->data() + old, bound, in.data(),
                                      in.size(), &prefs);
  if (LZ4F_isError(n)) {
    out->resize(old);
    return Status::Internal(std::string("lz4 frame compression failed: ") +
                            LZ4F_getErrorName(n));
  }
  out->resize(old + n);
  return Status::OK();
}

namespace {
struct DctxDeleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};
}  // namespace

Status DecompressFrame(std::string_view in, size_t max_out, std::string* out) {
  out->clear();
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Status::Internal("lz4: cannot create decompression context");
  }
  std::unique_ptr<LZ4F_dctx, DctxDeleter> dctx(raw);
  const char* src = in.data();
  size_t src_left = in.size();
  char chunk[64 * 1024];
  for (;;) {
    size_t dst_size = sizeof(chunk);
    size_t src_size = src_left;
    const size_t hint =
        LZ4F_decompress(dctx.get(), chunk, &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) {
      return Status::Corruption(std::string("lz4 frame: ") +
                                LZ4F_getErrorName(hint));
    }
    src += src_size;
    src_left -= src_size;
    if (out->size() + dst_size > max_out) {
      return Status::ResourceExhausted("lz4 frame decompresses to more than " +
                                       std::to_string(max_out) + " bytes");
    }
    out->append(chunk, dst_size);
    if (hint == 0) {  // frame complete
      if (src_left != 0) {
        return Status::Corruption("lz4 frame: trailing bytes after the frame");
      }
      return Status::OK();
    }
    if (src_left == 0 && dst_size == 0) {
      return Status::Corruption("lz4 frame: truncated");
    }
  }
}

void CompressBlock(std::string_view in, std::string* out) {
  const int bound = LZ4_compressBound(static_cast<int>(in.size()));
  const size_t old = out->size();
  out->resize(old + bound);
  const int n = LZ4_compress_default(in.data(), out->data() + old,
                                     static_cast<int>(in.size()), bound);
  out->resize(old + (n > 0 ? n : 0));
}

Status DecompressBlockTo(std::string_view in, char* out, size_t size) {
  const int n = LZ4_decompress_safe(in.data(), out, static_cast<int>(in.size()),
                                    static_cast<int>(size));
  if (n < 0 || static_cast<size_t>(n) != size)
    return Status::Corruption("lz4 block: malformed or wrong size");
  return Status::OK();
}

Status DecompressBlock(std::string_view in, size_t decompressed_size,
                       std::string* out) {
  out->resize(decompressed_size);
  const int n =
      LZ4_decompress_safe(in.data(), out->data(), static_cast<int>(in.size()),
                          static_cast<int>(decompressed_size));
  if (n < 0 || static_cast<size_t>(n) != decompressed_size) {
    out->clear();
    return Status::Corruption("lz4 block: malformed or wrong size");
  }
  return Status::OK();
}

}  // namespace xp::lz4
