// Capabilities of an X Protocol connection (docs/PROTOCOL.md §4.1): what
// CapabilitiesGet lists, and what a CapabilitiesSet asks to change. Pure
// logic, no I/O: the connection applies the change after its Ok.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codec/status.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_datatypes.pb.h"

namespace xp {

// The framing/version this server speaks (capability "xprotocol.version").
inline constexpr uint64_t kProtocolVersion = 1;

struct CapabilityInfo {
  bool multiplexed = false;  // the connection's framing now
  uint32_t max_frame_bytes = 0;
  uint32_t max_sessions = 0;
  // TLS: the server has a certificate (and the transport is a socket); the
  // connection runs over TLS already; logins need TLS (the server then
  // lists "xprotocol.require_secure_transport": true, so a client knows to
  // start TLS before it authenticates).
  bool tls_available = false;
  bool tls_active = false;
  bool require_secure_transport = false;
  const std::vector<std::pair<std::string, Mysqlx::Datatypes::Any>>* extra =
      nullptr;
};

Mysqlx::Connection::Capabilities ServerCapabilities(const CapabilityInfo& info);

// What a valid CapabilitiesSet changes.
struct CapabilityChange {
  bool compression = false;         // lz4_message from now on
  std::optional<bool> multiplexed;  // the framing after the Ok
  bool start_tls = false;           // the TLS handshake follows the Ok
};

// Checks every capability of `set`; the first refused one is the error
// (5001 / 5002 / 5175, MySQL's codes). `authenticated`: framing can no
// longer change, nor TLS start.
Result<CapabilityChange> ParseCapabilitiesSet(
    const Mysqlx::Connection::CapabilitiesSet& set, const CapabilityInfo& info,
    bool authenticated);

}  // namespace xp
