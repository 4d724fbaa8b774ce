// Conformance scripts (docs/CONFORMANCE.md): a line-oriented text format of
// requests to send (protobuf text) and replies to expect, run against any
// XProtocol server by `xcli --script FILE`.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "xprotocol/client.h"

namespace xp::xcli {

struct ScriptOptions {
  // Where and as whom `connect` logs in (its options may change the
  // account, schema, auth, multiplexing and compression).
  ClientOptions client;
  bool verbose = false;  // print each step as it runs
  // How `connect` connects; unset: Client::Connect (TCP to client.host /
  // port). xcli --embedded_dn connects in memory to a data node it runs.
  std::function<Result<std::unique_ptr<Client>>(const ClientOptions&,
                                                ServerError*)>
      connect;
};

// Runs the script in `path`. Returns 0 when every step held; otherwise
// prints "FILE:LINE: what was expected, what came" to stderr and returns 1
// (2 when the script itself cannot be read or parsed).
int RunScript(const std::string& path, const ScriptOptions& options);

}  // namespace xp::xcli
