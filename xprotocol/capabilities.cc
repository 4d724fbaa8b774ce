#include "xprotocol/capabilities.h"

#include "codec/sql_errors.h"
#include "xprotocol/values.h"

namespace xp {

using Mysqlx::Datatypes::Any;

Mysqlx::Connection::Capabilities ServerCapabilities(
    const CapabilityInfo& info) {
  Mysqlx::Connection::Capabilities caps;
  auto add = [&caps](const std::string& name, const Any& v) {
    auto* c = caps.add_capabilities();
    c->set_name(name);
    *c->mutable_value() = v;
  };
  add("authentication.mechanisms",
      AnyArray({AnyString("MYSQL41"), AnyString("SHA256_MEMORY")}));
  if (info.tls_available) add("tls", AnyBool(info.tls_active));
  add("doc.formats", AnyString("text"));
  add("node_type", AnyString("mysql"));
  add("client.pwd_expire_ok", AnyBool(false));
  add("compression",
      AnyObject({{"algorithm", AnyArray({AnyString("lz4_message")})}}));
  add("xprotocol.version", AnyUint(kProtocolVersion));
  add("xprotocol.multiplex", AnyBool(info.multiplexed));
  add("xprotocol.max_frame_bytes", AnyUint(info.max_frame_bytes));
  add("xprotocol.max_sessions", AnyUint(info.max_sessions));
  if (info.require_secure_transport)
    add("xprotocol.require_secure_transport", AnyBool(true));
  if (info.extra) {
    for (const auto& [name, value] : *info.extra) add(name, value);
  }
  return caps;
}

namespace {
Status PrepareFailed(const std::string& name, const std::string& why) {
  return SqlError(ER_X_CAPABILITIES_PREPARE_FAILED,
                  "Capability prepare failed for '" + name + "'" +
                      (why.empty() ? "" : ": " + why));
}
}  // namespace

Result<CapabilityChange> ParseCapabilitiesSet(
    const Mysqlx::Connection::CapabilitiesSet& set, const CapabilityInfo& info,
    bool authenticated) {
  CapabilityChange change;
  for (const auto& cap : set.capabilities().capabilities()) {
    const std::string& name = cap.name();
    const Any& v = cap.value();
    if (name == "tls") {
      std::optional<bool> on = AnyAsBool(v);
      if (!on) return PrepareFailed(name, "a boolean is expected");
      if (*on == info.tls_active) continue;  // no change
      if (!*on) return PrepareFailed(name, "TLS cannot be turned off");
      // Without a certificate: MySQL's exact text, which connectors
      // recognize as "this server has no TLS".
      if (!info.tls_available) return PrepareFailed(name, "");
      if (authenticated) {
        return PrepareFailed(name, "TLS can start only before authentication");
      }
      change.start_tls = true;
    } else if (name == "session_connect_attrs") {
      if (v.type() != Any::OBJECT) {
        return PrepareFailed(name, "an object of string values is expected");
      }
    } else if (name == "client.pwd_expire_ok" || name == "client.interactive") {
      if (!AnyAsBool(v)) return PrepareFailed(name, "a boolean is expected");
    } else if (name == "compression") {
      const Any* alg = ObjectField(v, "algorithm");
      std::optional<std::string> a =
          alg ? AnyAsString(*alg) : std::optional<std::string>();
      if (!a || (*a != "lz4_message" && *a != "LZ4_MESSAGE")) {
        return SqlError(
            ER_X_COMPRESSION_INVALID_ALGORITHM,
            "Invalid or unsupported value for 'compression.algorithm'"
            " (supported: lz4_message)");
      }
      change.compression = true;
    } else if (name == "xprotocol.version") {
      auto ver = AnyAsUint(v);
      if (!ver || *ver != kProtocolVersion) {
        return PrepareFailed(name, "this server speaks XProtocol version " +
                                       std::to_string(kProtocolVersion));
      }
    } else if (name == "xprotocol.multiplex") {
      change.multiplexed = AnyAsBool(v);
      if (!change.multiplexed) {
        return PrepareFailed(name, "a boolean is expected");
      }
      if (authenticated && *change.multiplexed != info.multiplexed) {
        return PrepareFailed(name,
                             "framing can change only before authentication");
      }
    } else {
      return SqlError(ER_X_CAPABILITY_NOT_FOUND,
                      "Capability '" + name + "' doesn't exist");
    }
  }
  return change;
}

}  // namespace xp
