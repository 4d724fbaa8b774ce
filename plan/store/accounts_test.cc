#include "plan/store/accounts.h"

#include <gtest/gtest.h>

#include "codec/coding.h"
#include "codec/digest.h"

namespace xp::exec {
namespace {

Account Make(std::string user, std::string host) {
  Account a;
  a.name = AccountName{std::move(user), std::move(host)};
  return a;
}

TEST(AccountsTest, HostPatterns) {
  EXPECT_TRUE(HostMatches("%", "10.1.2.3"));
  EXPECT_TRUE(HostMatches("localhost", "127.0.0.1"));
  EXPECT_TRUE(HostMatches("localhost", "::1"));
  EXPECT_FALSE(HostMatches("localhost", "10.0.0.1"));
  EXPECT_TRUE(HostMatches("10.0.%", "10.0.7.1"));
  EXPECT_FALSE(HostMatches("10.0.%", "10.1.7.1"));
  EXPECT_TRUE(HostMatches("10.0.0._", "10.0.0.7"));
  EXPECT_FALSE(HostMatches("10.0.0._", "10.0.0.17"));
  EXPECT_TRUE(HostMatches("DB.Example.COM", "db.example.com"));
  // A pathological pattern is linear, not exponential.
  EXPECT_FALSE(
      HostMatches(std::string(5000, '%') + "x", std::string(5000, 'a')));
}

TEST(AccountsTest, MostSpecificHostWins) {
  Accounts accounts;
  accounts.Put(Make("u", "%"));
  accounts.Put(Make("u", "10.0.%"));
  accounts.Put(Make("u", "localhost"));
  accounts.Put(Make("", "%"));  // anonymous
  EXPECT_EQ(accounts.Match("u", "127.0.0.1")->name.host, "localhost");
  EXPECT_EQ(accounts.Match("u", "10.0.3.4")->name.host, "10.0.%");
  EXPECT_EQ(accounts.Match("u", "192.168.1.1")->name.host, "%");
  EXPECT_EQ(accounts.Match("other", "192.168.1.1")->name.user, "");
  accounts.Remove(AccountName{"", "%"});
  EXPECT_EQ(accounts.Match("other", "192.168.1.1"), nullptr);
  // User names are case-sensitive.
  EXPECT_EQ(accounts.Match("U", "127.0.0.1"), nullptr);
}

TEST(AccountsTest, VersionMovesOnEveryChange) {
  Accounts accounts;
  const uint64_t v0 = accounts.version();
  accounts.Put(Make("u", "%"));
  EXPECT_GT(accounts.version(), v0);
  const uint64_t v1 = accounts.version();
  EXPECT_FALSE(accounts.Remove(AccountName{"nobody", "%"}));
  EXPECT_EQ(accounts.version(), v1);
  EXPECT_TRUE(accounts.Remove(AccountName{"u", "%"}));
  EXPECT_GT(accounts.version(), v1);
}

TEST(AccountsTest, EncodeDecodeRoundTrip) {
  Account a = Make(std::string("we\nird\0 user", 12), "h%");
  a.verifier = *MakeVerifier(kNativePasswordPlugin, "secret");
  a.locked = true;
  a.global = kPrivProcess | kPrivGrantOption;
  a.databases["d b"] = kPrivSelect | kPrivInsert;
  a.tables[TableGrantKey("d", "t.x")] = kPrivUpdate;
  const AccountName r1{"r 1", "%"}, r2{"r2", "h"};
  a.roles[Accounts::Key(r1)] = Account::RoleGrant{r1, true};
  a.roles[Accounts::Key(r2)] = Account::RoleGrant{r2, false};
  a.default_roles[Accounts::Key(r2)] = r2;
  Result<Account> back = Accounts::Decode(Accounts::Encode(a));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, a.name);
  EXPECT_EQ(back->verifier, a.verifier);
  EXPECT_TRUE(back->locked);
  EXPECT_FALSE(back->expired);
  EXPECT_EQ(back->global, a.global);
  EXPECT_EQ(back->databases, a.databases);
  EXPECT_EQ(back->tables, a.tables);
  ASSERT_EQ(back->roles.size(), 2u);
  EXPECT_EQ(back->roles.at(Accounts::Key(r1)).role, r1);
  EXPECT_TRUE(back->roles.at(Accounts::Key(r1)).admin);
  EXPECT_FALSE(back->roles.at(Accounts::Key(r2)).admin);
  ASSERT_EQ(back->default_roles.size(), 1u);
  EXPECT_EQ(back->default_roles.begin()->second, r2);
  EXPECT_FALSE(Accounts::Decode("account v1\nrole 41\n").ok());
  // The record never holds the password.
  EXPECT_EQ(Accounts::Encode(a).find("secret"), std::string::npos);
  EXPECT_FALSE(Accounts::Decode("account v2\n").ok());
  EXPECT_FALSE(Accounts::Decode("account v1\nglobal x\n").ok());
  EXPECT_FALSE(Accounts::Decode("user 41\n").ok());
}

TEST(AccountsTest, RolesAddTheirPrivilegesTransitively) {
  Accounts accounts;
  Account top = Make("top", "%"), mid = Make("mid", "%"),
          low = Make("low", "%");
  low.databases["d"] = kPrivSelect;
  mid.tables[TableGrantKey("d", "t")] = kPrivInsert;
  mid.roles[Accounts::Key(low.name)] = Account::RoleGrant{low.name, false};
  top.global = kPrivProcess;
  top.roles[Accounts::Key(mid.name)] = Account::RoleGrant{mid.name, false};
  accounts.Put(low);
  accounts.Put(mid);
  accounts.Put(top);
  Account eff = WithRoles(accounts, top, {mid.name});
  EXPECT_TRUE(HasGlobal(eff, kPrivProcess));
  EXPECT_TRUE(HasOnTable(eff, "d", "t", kPrivInsert | kPrivSelect));
  EXPECT_FALSE(HasOnTable(eff, "d", "u", kPrivInsert));
  // A role not granted to the account adds nothing.
  Account plain = WithRoles(accounts, top, {low.name});
  EXPECT_FALSE(HasOnDatabase(plain, "d", kPrivSelect));
  EXPECT_TRUE(ReachesRole(accounts, top.name, low.name));
  EXPECT_TRUE(ReachesRole(accounts, low.name, low.name));
  EXPECT_FALSE(ReachesRole(accounts, low.name, top.name));
}

TEST(AccountsTest, VerifierIsMysqlNativeForm) {
  // mysql_native_password's stored form of "password" (MySQL's
  // authentication_string for it).
  EXPECT_EQ(*MakeVerifier(kNativePasswordPlugin, "password"),
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
  EXPECT_EQ(*MakeVerifier(kNativePasswordPlugin, ""), "");
  EXPECT_EQ(MakeVerifier("no_such_plugin", "x").status().sql_code(), 1524u);
  EXPECT_TRUE(ValidVerifier(kNativePasswordPlugin,
                            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"));
  EXPECT_FALSE(ValidVerifier(kNativePasswordPlugin, "*2470"));
  // caching_sha2_password: a salted PBKDF2-HMAC-SHA256, never the
  // password; a new salt every time.
  const std::string sha2 = *MakeVerifier(kCachingSha2Plugin, "password");
  EXPECT_EQ(sha2.substr(0, 4), "$XS$");
  EXPECT_EQ(sha2.size(), 100u);
  EXPECT_TRUE(ValidVerifier(kCachingSha2Plugin, sha2));
  EXPECT_NE(sha2, *MakeVerifier(kCachingSha2Plugin, "password"));
  EXPECT_FALSE(ValidVerifier(kCachingSha2Plugin,
                             "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"));
  EXPECT_FALSE(ValidVerifier(kCachingSha2Plugin, sha2.substr(0, 99)));
  // Earlier versions' form stays valid (accounts already stored).
  EXPECT_TRUE(ValidVerifier(kCachingSha2Plugin, "$XP$" + std::string(64, 'A')));
}

TEST(AccountsTest, PasswordsCheckAgainstEitherVerifier) {
  Account native = Make("n", "%");
  native.verifier = *MakeVerifier(kNativePasswordPlugin, "pw");
  EXPECT_TRUE(CheckPassword(native, "pw"));
  EXPECT_FALSE(CheckPassword(native, "pW"));
  EXPECT_FALSE(CheckPassword(native, ""));
  Account sha2 = Make("s", "%");
  sha2.plugin = kCachingSha2Plugin;
  sha2.verifier = *MakeVerifier(kCachingSha2Plugin, "pw");
  EXPECT_TRUE(CheckPassword(sha2, "pw"));
  EXPECT_FALSE(CheckPassword(sha2, "pw "));
  EXPECT_FALSE(CheckPassword(sha2, ""));
  Account legacy = sha2;
  legacy.verifier = "$XP$" + ToHex(Sha256(Sha256("pw")));
  EXPECT_TRUE(CheckPassword(legacy, "pw"));
  EXPECT_FALSE(CheckPassword(legacy, "px"));
  Account empty = Make("e", "%");
  empty.plugin = kCachingSha2Plugin;
  EXPECT_TRUE(CheckPassword(empty, ""));
  EXPECT_FALSE(CheckPassword(empty, "x"));
  Account broken = sha2;
  broken.verifier = "$XS$zz";
  EXPECT_FALSE(CheckPassword(broken, "pw"));
}

// The clients' side of both plugins, as MySQL's clients compute it.
TEST(AccountsTest, ScramblesProveThePassword) {
  const std::string scramble(20, 'n');
  Account native = Make("n", "%");
  native.verifier = *MakeVerifier(kNativePasswordPlugin, "pw");
  const std::string h1 = Sha1("pw");
  const std::string native_answer = XorBytes(h1, Sha1(scramble, Sha1(h1)));
  EXPECT_TRUE(CheckScramble(native, scramble, native_answer));
  EXPECT_FALSE(CheckScramble(native, std::string(20, 'm'), native_answer));
  EXPECT_FALSE(CheckScramble(native, scramble, ""));
  EXPECT_FALSE(CheckScramble(native, scramble, native_answer + "x"));
  // caching_sha2_password's fast path: against what a server remembers
  // of the password after a full authentication.
  const std::string fast_key = Sha2FastPathKey("pw");
  const std::string s1 = Sha256("pw");
  const std::string sha2_answer = XorBytes(s1, Sha256(Sha256(s1), scramble));
  EXPECT_TRUE(CheckSha2Scramble(fast_key, scramble, sha2_answer));
  EXPECT_FALSE(CheckSha2Scramble(fast_key, std::string(20, 'm'), sha2_answer));
  EXPECT_FALSE(CheckSha2Scramble(Sha2FastPathKey("px"), scramble, sha2_answer));
  EXPECT_FALSE(CheckSha2Scramble(fast_key, scramble, native_answer));
  EXPECT_FALSE(CheckSha2Scramble(fast_key, scramble, ""));
  // Never from the stored verifier alone: a sha2 account with a password
  // needs the cache or the password itself.
  Account sha2 = Make("s", "%");
  sha2.plugin = kCachingSha2Plugin;
  sha2.verifier = *MakeVerifier(kCachingSha2Plugin, "pw");
  EXPECT_FALSE(CheckScramble(sha2, scramble, sha2_answer));
  EXPECT_FALSE(CheckScramble(sha2, scramble, ""));
  // The plugin decides: a native answer does not open a sha2 account.
  native.plugin = kCachingSha2Plugin;
  EXPECT_FALSE(CheckScramble(native, scramble, native_answer));
  // No password: only the empty answer.
  Account empty = Make("e", "%");
  EXPECT_TRUE(CheckScramble(empty, scramble, ""));
  EXPECT_FALSE(CheckScramble(empty, scramble, native_answer));
}

TEST(AccountsTest, PrivilegeLevels) {
  Account a = Make("u", "%");
  a.databases["shop"] = kPrivSelect;
  a.tables[TableGrantKey("shop", "orders")] = kPrivInsert;
  EXPECT_TRUE(HasOnTable(a, "shop", "orders", kPrivSelect | kPrivInsert));
  EXPECT_TRUE(HasOnTable(a, "SHOP", "Orders", kPrivInsert));
  EXPECT_FALSE(HasOnTable(a, "shop", "items", kPrivInsert));
  EXPECT_TRUE(HasOnTable(a, "shop", "items", kPrivSelect));
  EXPECT_FALSE(HasOnTable(a, "other", "orders", kPrivSelect));
  EXPECT_TRUE(SeesDatabase(a, "shop"));
  EXPECT_FALSE(SeesDatabase(a, "other"));
  EXPECT_FALSE(HasGlobal(a, kPrivProcess));
  Account t = Make("t", "%");
  t.tables[TableGrantKey("other", "x")] = kPrivSelect;
  EXPECT_TRUE(SeesDatabase(t, "other"));
  EXPECT_TRUE(SeesTable(t, "other", "x"));
  EXPECT_FALSE(SeesTable(t, "other", "y"));
  a.global = kPrivSelect;
  EXPECT_TRUE(SeesDatabase(a, "other"));
  EXPECT_EQ(PrivilegeNames(kPrivSelect | kPrivInsert, kPrivTableLevel),
            "SELECT, INSERT");
  EXPECT_EQ(PrivilegeNames(kPrivTableLevel | kPrivGrantOption, kPrivTableLevel),
            "ALL PRIVILEGES");
  EXPECT_EQ(PrivilegeNames(0, kPrivGlobalLevel), "USAGE");
  EXPECT_EQ(PrivilegeBit("CREATE VIEW"), kPrivCreateView);
  EXPECT_EQ(PrivilegeBit("NOPE"), 0u);
}

}  // namespace
}  // namespace xp::exec
