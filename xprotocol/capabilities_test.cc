#include "xprotocol/capabilities.h"

#include <gtest/gtest.h>

#include "xprotocol/values.h"

namespace xp {
namespace {

using Mysqlx::Datatypes::Any;

Mysqlx::Connection::CapabilitiesSet SetOf(const std::string& name,
                                          const Any& v) {
  Mysqlx::Connection::CapabilitiesSet set;
  auto* c = set.mutable_capabilities()->add_capabilities();
  c->set_name(name);
  *c->mutable_value() = v;
  return set;
}

const Any* Find(const Mysqlx::Connection::Capabilities& caps,
                const std::string& name) {
  for (const auto& c : caps.capabilities()) {
    if (c.name() == name) return &c.value();
  }
  return nullptr;
}

TEST(CapabilitiesTest, ListsWhatTheConnectionOffers) {
  std::vector<std::pair<std::string, Any>> extra = {
      {"xprotocol.plan", AnyString("GET")}};
  CapabilityInfo info;
  info.multiplexed = true;
  info.max_frame_bytes = 1234;
  info.max_sessions = 9;
  info.extra = &extra;
  auto caps = ServerCapabilities(info);
  ASSERT_NE(Find(caps, "xprotocol.multiplex"), nullptr);
  EXPECT_EQ(AnyAsBool(*Find(caps, "xprotocol.multiplex")), true);
  EXPECT_EQ(AnyAsUint(*Find(caps, "xprotocol.max_frame_bytes")), 1234u);
  EXPECT_EQ(AnyAsUint(*Find(caps, "xprotocol.max_sessions")), 9u);
  EXPECT_EQ(AnyAsUint(*Find(caps, "xprotocol.version")), kProtocolVersion);
  ASSERT_NE(Find(caps, "xprotocol.plan"), nullptr);
  ASSERT_NE(Find(caps, "authentication.mechanisms"), nullptr);
  EXPECT_EQ(Find(caps, "tls"), nullptr);  // not offered
}

TEST(CapabilitiesTest, SetAcceptsCompressionAndFramingBeforeAuth) {
  CapabilityInfo info;
  auto comp = ParseCapabilitiesSet(
      SetOf("compression",
            AnyObject({{"algorithm", AnyString("lz4_message")}})),
      info, false);
  ASSERT_TRUE(comp.ok());
  EXPECT_TRUE(comp->compression);
  EXPECT_FALSE(comp->multiplexed.has_value());
  auto mux = ParseCapabilitiesSet(SetOf("xprotocol.multiplex", AnyBool(true)),
                                  info, false);
  ASSERT_TRUE(mux.ok());
  EXPECT_EQ(mux->multiplexed, true);
  // After authentication the framing cannot change (asking for the current
  // one is fine).
  auto late = ParseCapabilitiesSet(SetOf("xprotocol.multiplex", AnyBool(true)),
                                   info, true);
  EXPECT_EQ(late.status().sql_code(), 5001u);
  EXPECT_TRUE(ParseCapabilitiesSet(SetOf("xprotocol.multiplex", AnyBool(false)),
                                   info, true)
                  .ok());
}

TEST(CapabilitiesTest, SetRefusesWhatItCannotDo) {
  CapabilityInfo info;
  EXPECT_EQ(ParseCapabilitiesSet(SetOf("tls", AnyBool(true)), info, false)
                .status()
                .sql_code(),
            5001u);
  EXPECT_TRUE(
      ParseCapabilitiesSet(SetOf("tls", AnyBool(false)), info, false).ok());
  EXPECT_EQ(ParseCapabilitiesSet(SetOf("nope", AnyBool(true)), info, false)
                .status()
                .sql_code(),
            5002u);
  EXPECT_EQ(ParseCapabilitiesSet(
                SetOf("compression",
                      AnyObject({{"algorithm", AnyString("zstd_stream")}})),
                info, false)
                .status()
                .sql_code(),
            5175u);
  EXPECT_EQ(ParseCapabilitiesSet(SetOf("tls", AnyString("yes")), info, false)
                .status()
                .sql_code(),
            5001u);
  auto version =
      ParseCapabilitiesSet(SetOf("xprotocol.version", AnyUint(2)), info, false);
  EXPECT_EQ(version.status().sql_code(), 5001u);
  EXPECT_NE(version.status().message().find("version 1"), std::string::npos);
}

TEST(CapabilitiesTest, TlsIsListedAndStartsOnlyBeforeAuthentication) {
  CapabilityInfo info;
  info.tls_available = true;
  auto caps = ServerCapabilities(info);
  ASSERT_NE(Find(caps, "tls"), nullptr);
  EXPECT_EQ(AnyAsBool(*Find(caps, "tls")), false);
  EXPECT_EQ(Find(caps, "xprotocol.require_secure_transport"), nullptr);
  auto start = ParseCapabilitiesSet(SetOf("tls", AnyBool(true)), info, false);
  ASSERT_TRUE(start.ok());
  EXPECT_TRUE(start->start_tls);
  // Not after authentication, not twice, never off once on.
  EXPECT_EQ(ParseCapabilitiesSet(SetOf("tls", AnyBool(true)), info, true)
                .status()
                .sql_code(),
            5001u);
  info.tls_active = true;
  info.require_secure_transport = true;
  caps = ServerCapabilities(info);
  EXPECT_EQ(AnyAsBool(*Find(caps, "tls")), true);
  ASSERT_NE(Find(caps, "xprotocol.require_secure_transport"), nullptr);
  auto again = ParseCapabilitiesSet(SetOf("tls", AnyBool(true)), info, false);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->start_tls);
  EXPECT_EQ(ParseCapabilitiesSet(SetOf("tls", AnyBool(false)), info, false)
                .status()
                .sql_code(),
            5001u);
}

}  // namespace
}  // namespace xp
