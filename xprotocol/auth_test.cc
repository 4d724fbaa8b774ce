#include "xprotocol/auth.h"

#include <gtest/gtest.h>

#include "codec/coding.h"

namespace xp {
namespace {

TEST(AuthTest, StoredHashesAreNotThePassword) {
  UserRecord r = MakeUserRecord("secret");
  EXPECT_EQ(r.mysql41_hash.size(), 20u);
  EXPECT_EQ(r.sha256_hash.size(), 32u);
  EXPECT_FALSE(r.empty_password);
  // MySQL's PASSWORD('secret') is *14E65567ABDB5135D0CFD9A70B3032C179A49EE7.
  EXPECT_EQ(ToHex(r.mysql41_hash), "14e65567abdb5135d0cfd9a70b3032c179a49ee7");
}

TEST(AuthTest, Mysql41RoundTrip) {
  UserRecord r = MakeUserRecord("pw");
  std::string nonce = MakeNonce();
  ASSERT_EQ(nonce.size(), kAuthNonceBytes);
  EXPECT_EQ(nonce.find('\0'), std::string::npos);
  std::string resp = Mysql41Response("pw", nonce);
  EXPECT_EQ(resp.size(), 41u);
  EXPECT_EQ(resp[0], '*');
  EXPECT_TRUE(VerifyMysql41(r, nonce, resp));
  // Lower-case hex without '*' (what @mysql/xdevapi sends) is accepted too.
  std::string lower = resp.substr(1);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_TRUE(VerifyMysql41(r, nonce, lower));
  EXPECT_FALSE(VerifyMysql41(r, nonce, Mysql41Response("wrong", nonce)));
  EXPECT_FALSE(VerifyMysql41(r, MakeNonce(), resp));
  EXPECT_FALSE(VerifyMysql41(r, nonce, ""));
  EXPECT_FALSE(VerifyMysql41(r, nonce, "*zz"));
}

TEST(AuthTest, Mysql41EmptyPassword) {
  UserRecord r = MakeUserRecord("");
  std::string nonce = MakeNonce();
  EXPECT_EQ(Mysql41Response("", nonce), "");
  EXPECT_TRUE(VerifyMysql41(r, nonce, ""));
  EXPECT_FALSE(VerifyMysql41(MakeUserRecord("x"), nonce, ""));
}

TEST(AuthTest, Sha256MemoryRoundTrip) {
  UserRecord r = MakeUserRecord("pässword");
  std::string nonce = MakeNonce();
  std::string resp = Sha256MemoryResponse("pässword", nonce);
  EXPECT_EQ(resp.size(), 64u);
  EXPECT_TRUE(VerifySha256Memory(r, nonce, resp));
  EXPECT_FALSE(VerifySha256Memory(r, nonce, Sha256MemoryResponse("x", nonce)));
  EXPECT_FALSE(VerifySha256Memory(r, nonce, resp.substr(2)));
  // Empty passwords still send a scramble with SHA256_MEMORY.
  UserRecord e = MakeUserRecord("");
  EXPECT_TRUE(VerifySha256Memory(e, nonce, Sha256MemoryResponse("", nonce)));
}

TEST(AuthTest, ParseAuthData) {
  AuthData d;
  ASSERT_TRUE(ParseAuthData(std::string("db\0root\0*ABC", 12), &d));
  EXPECT_EQ(d.schema, "db");
  EXPECT_EQ(d.user, "root");
  EXPECT_EQ(d.response, "*ABC");
  ASSERT_TRUE(ParseAuthData(std::string("\0u\0abcd\0", 8), &d));  // trailing \0
  EXPECT_EQ(d.schema, "");
  EXPECT_EQ(d.response, "abcd");
  ASSERT_TRUE(ParseAuthData(std::string("\0u\0", 3), &d));
  EXPECT_EQ(d.response, "");
  EXPECT_FALSE(ParseAuthData("no-separators", &d));
  EXPECT_FALSE(ParseAuthData(std::string("\0\0x", 3), &d));  // empty user
  EXPECT_FALSE(ParseAuthData(std::string("a\0u\0x\0y", 8), &d));
}

TEST(AuthTest, UserStore) {
  InMemoryUserStore s;
  s.Add("alice", "pw");
  EXPECT_TRUE(s.Find("alice").has_value());
  EXPECT_FALSE(s.Find("bob").has_value());
}

TEST(AuthExchangeTest, ProvesThePasswordAgainstItsOwnNonce) {
  InMemoryUserStore users;
  users.Add("alice", "pw");
  AuthExchange auth(&users, 3);
  Result<std::string> nonce = auth.Start("MYSQL41");
  ASSERT_TRUE(nonce.ok());
  std::string data =
      std::string("db") + '\0' + "alice" + '\0' + Mysql41Response("pw", *nonce);
  bool fatal = true;
  Result<AuthData> ok = auth.Continue(data, &fatal);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->user, "alice");
  EXPECT_EQ(ok->schema, "db");
  EXPECT_FALSE(fatal);
  // The nonce is used up: the same answer again is refused.
  Result<AuthData> replay = auth.Continue(data, &fatal);
  EXPECT_FALSE(replay.ok());
}

TEST(AuthExchangeTest, PlainOnlyOverASecureTransport) {
  InMemoryUserStore users;
  users.Add("alice", "pw");
  users.Add("anon", "");
  AuthExchange auth(&users, 5);
  const std::string good = std::string("db") + '\0' + "alice" + '\0' + "pw";
  bool fatal = true;
  Result<AuthData> clear = auth.Plain(good, /*secure=*/false, &fatal);
  ASSERT_FALSE(clear.ok());
  EXPECT_EQ(clear.status().sql_code(), 1251u);
  EXPECT_FALSE(fatal);
  Result<AuthData> ok = auth.Plain(good, /*secure=*/true, &fatal);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->user, "alice");
  EXPECT_EQ(ok->schema, "db");
  Result<AuthData> wrong = auth.Plain(
      std::string("db") + '\0' + "alice" + '\0' + "pW", true, &fatal);
  EXPECT_EQ(wrong.status().sql_code(), 1045u);
  EXPECT_FALSE(
      auth.Plain(std::string() + '\0' + "alice" + '\0', true, &fatal).ok());
  EXPECT_TRUE(
      auth.Plain(std::string() + '\0' + "anon" + '\0', true, &fatal).ok());
  // A Continue without a Start proves nothing.
  EXPECT_FALSE(auth.Continue(good, &fatal).ok());
}

TEST(AuthExchangeTest, RefusesOtherMechanismsAndCountsFailures) {
  InMemoryUserStore users;
  users.Add("alice", "pw");
  AuthExchange auth(&users, 2);
  Result<std::string> plain = auth.Start("PLAIN");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().sql_code(), 1251u);
  EXPECT_NE(plain.status().message().find("TLS"), std::string::npos);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    Result<std::string> nonce = auth.Start("SHA256_MEMORY");
    ASSERT_TRUE(nonce.ok());
    bool fatal = false;
    Result<AuthData> r =
        auth.Continue(std::string() + '\0' + "alice" + '\0' +
                          Sha256MemoryResponse("wrong", *nonce),
                      &fatal);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().sql_code(), 1045u);
    EXPECT_EQ(r.status().message(),
              "Access denied for user 'alice'@'localhost' (using password: "
              "YES)");
    EXPECT_EQ(fatal, attempt == 2);
  }
  bool fatal = false;
  EXPECT_FALSE(auth.Continue("no separators", &fatal).ok());
}

}  // namespace
}  // namespace xp
