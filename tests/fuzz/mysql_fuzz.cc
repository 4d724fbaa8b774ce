// libFuzzer target: the MySQL protocol packets a compute node parses from
// untrusted clients (codec/mysql_packet.h): HandshakeResponse41 and the
// parameters of COM_STMT_EXECUTE (every binary type), on arbitrary bytes.
// The first byte picks the parser (and the parameter count).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/mysql_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace xp::mysql;
  if (data[0] & 1) {
    HandshakeResponse hr;
    if (ParseHandshakeResponse(rest, &hr)) {
      // Views must lie inside the packet.
      for (std::string_view v :
           {hr.user, hr.auth_response, hr.database, hr.auth_plugin}) {
        if (!v.empty() && (v.data() < rest.data() ||
                           v.data() + v.size() > rest.data() + rest.size()))
          std::abort();
      }
    }
    return 0;
  }
  const size_t count = data[0] >> 1;  // 0..127 parameters
  Reader r(rest);
  std::vector<uint16_t> types;
  std::vector<std::optional<std::string>> long_data(count);
  if (count > 2) long_data[1] = "long";
  std::vector<BinaryValue> out;
  if (!ReadExecuteParams(r, count, &types, long_data, &out)) {
    if (out.size() != count || types.size() != count) std::abort();
    // A second execution reuses the types.
    Reader again(rest.substr(r.pos()));
    (void)ReadExecuteParams(again, count, &types, long_data, &out);
  }
  return 0;
}
