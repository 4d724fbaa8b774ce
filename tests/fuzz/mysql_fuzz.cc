// libFuzzer target: the MySQL protocol packets a compute node parses from
// untrusted clients (codec/mysql_packet.h): HandshakeResponse41, an SSL
// request followed by the full response, the answer to an auth switch
// checked under both plugins (plan/store/accounts.h CheckScramble), and the
// parameters of COM_STMT_EXECUTE (every binary type), on arbitrary bytes.
// Also the account record a catalog entry holds (Accounts::Decode). The
// first byte picks the case: 0xf9 SSL request + response, 0xfb auth
// switch answer, 0xf7 caching_sha2_password's full-path packet (RSA
// decryption, cn/mysql/sha2_auth.h), 0xfd account record, other odd values
// a handshake response, even ones EXECUTE parameters (and their count).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cn/mysql/sha2_auth.h"
#include "codec/mysql_packet.h"
#include "plan/store/accounts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace xp::mysql;
  if (data[0] == 0xf9) {
    // SSL request, then (after TLS) the full response: split at rest[0].
    if (rest.empty()) return 0;
    const size_t cut =
        std::min<size_t>(static_cast<uint8_t>(rest[0]), rest.size() - 1);
    HandshakeResponse ssl, full;
    if (ParseHandshakeResponse(rest.substr(1, cut), &ssl) && ssl.ssl_request)
      (void)ParseHandshakeResponse(rest.substr(1 + cut), &full);
    return 0;
  }
  if (data[0] == 0xfb) {
    // An auth switch answer: any bytes, against accounts of both plugins.
    const std::string scramble(20, 'x');
    for (const char* plugin :
         {xp::exec::kNativePasswordPlugin, xp::exec::kCachingSha2Plugin}) {
      xp::exec::Account a;
      a.plugin = plugin;
      a.verifier = *xp::exec::MakeVerifier(plugin, "secret");
      if (xp::exec::CheckScramble(a, scramble, rest)) std::abort();
      if (xp::exec::CheckPassword(a, rest) != (rest == "secret")) std::abort();
      if (xp::exec::CheckSha2Scramble(xp::exec::Sha2FastPathKey("secret"),
                                      scramble, rest))
        std::abort();
      a.verifier.clear();
      if (xp::exec::CheckScramble(a, scramble, rest) != rest.empty())
        std::abort();
    }
    return 0;
  }
  if (data[0] == 0xf7) {
    // Whatever a client sends where the encrypted password belongs.
    static xp::cn::Sha2Auth auth;
    (void)auth.DecryptPassword(rest, std::string(20, 'x'));
    return 0;
  }
  if (data[0] == 0xfd) {
    (void)xp::exec::Accounts::Decode(rest);
    return 0;
  }
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
