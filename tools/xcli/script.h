// Conformance scripts (docs/CONFORMANCE.md): a line-oriented text format of
// requests to send (protobuf text) and replies to expect, run against any
// XProtocol server by `xcli --script FILE`.
#pragma once

#include <cstdint>
#include <string>

namespace xp::xcli {

struct ScriptOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 33060;
  std::string user = "root";
  std::string password;
  int timeout_ms = 10000;
  bool verbose = false;  // print each step as it runs
};

// Runs the script in `path`. Returns 0 when every step held; otherwise
// prints "FILE:LINE: what was expected, what came" to stderr and returns 1
// (2 when the script itself cannot be read or parsed).
int RunScript(const std::string& path, const ScriptOptions& options);

}  // namespace xp::xcli
