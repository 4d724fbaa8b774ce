// Accounts and privileges (MySQL's access control, docs/SECURITY.md): who
// may connect as 'user'@'host', with which password verifier, and what each
// account may do at the global, database and table levels. One registry per
// store (Store::accounts()), shared by every session; a store that persists
// its catalog keeps every change there (Store::SaveAccount) and replays it
// on start.
//
// Matching a login is MySQL's: of the accounts whose user name equals the
// client's and whose host pattern matches the client's host, the most
// specific host wins (literal names before patterns, '%' last). 'localhost'
// matches loopback clients.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "codec/status.h"

namespace xp::exec {

// Privilege bits. kPrivAll* are the sets each level can hold.
enum Privilege : uint64_t {
  kPrivSelect = 1ull << 0,
  kPrivInsert = 1ull << 1,
  kPrivUpdate = 1ull << 2,
  kPrivDelete = 1ull << 3,
  kPrivCreate = 1ull << 4,
  kPrivDrop = 1ull << 5,
  kPrivReload = 1ull << 6,
  kPrivShutdown = 1ull << 7,
  kPrivProcess = 1ull << 8,
  kPrivFile = 1ull << 9,
  kPrivReferences = 1ull << 10,
  kPrivIndex = 1ull << 11,
  kPrivAlter = 1ull << 12,
  kPrivShowDatabases = 1ull << 13,
  kPrivSuper = 1ull << 14,
  kPrivCreateTemporaryTables = 1ull << 15,
  kPrivLockTables = 1ull << 16,
  kPrivExecute = 1ull << 17,
  kPrivReplicationSlave = 1ull << 18,
  kPrivReplicationClient = 1ull << 19,
  kPrivCreateView = 1ull << 20,
  kPrivShowView = 1ull << 21,
  kPrivCreateRoutine = 1ull << 22,
  kPrivAlterRoutine = 1ull << 23,
  kPrivCreateUser = 1ull << 24,
  kPrivEvent = 1ull << 25,
  kPrivTrigger = 1ull << 26,
  kPrivConnectionAdmin = 1ull << 27,
  kPrivGrantOption = 1ull << 40,
};
inline constexpr uint64_t kPrivTableLevel =
    kPrivSelect | kPrivInsert | kPrivUpdate | kPrivDelete | kPrivCreate |
    kPrivDrop | kPrivReferences | kPrivIndex | kPrivAlter | kPrivCreateView |
    kPrivShowView | kPrivTrigger;
inline constexpr uint64_t kPrivDatabaseLevel =
    kPrivTableLevel | kPrivCreateTemporaryTables | kPrivLockTables |
    kPrivExecute | kPrivCreateRoutine | kPrivAlterRoutine | kPrivEvent;
inline constexpr uint64_t kPrivGlobalLevel = (1ull << 28) - 1;
inline constexpr uint64_t kPrivColumnLevel =
    kPrivSelect | kPrivInsert | kPrivUpdate | kPrivReferences;

// "SELECT", "CREATE VIEW", ... -> its bit; 0 for a name that is none.
uint64_t PrivilegeBit(std::string_view upper_name);
// The names of `bits` in MySQL's order, comma separated; "ALL PRIVILEGES"
// when `bits` holds the whole of `level`; "USAGE" when empty.
std::string PrivilegeNames(uint64_t bits, uint64_t level);
// Each privilege of `bits` by name, in MySQL's order (GRANT OPTION not).
std::vector<std::string> PrivilegeList(uint64_t bits);

inline constexpr char kNativePasswordPlugin[] = "mysql_native_password";
// The default for new accounts, as in MySQL 8.
inline constexpr char kCachingSha2Plugin[] = "caching_sha2_password";

struct AccountName {
  std::string user;
  std::string host = "%";
  // 'user'@'host', as MySQL's messages show accounts.
  std::string Quoted() const { return "'" + user + "'@'" + host + "'"; }
  bool operator==(const AccountName&) const = default;
};

struct Account {
  AccountName name;
  std::string plugin = kNativePasswordPlugin;
  // The plugin's stored form of the password (never the password): for
  // mysql_native_password "*" + 40 upper-case hex digits of
  // SHA1(SHA1(password)), for caching_sha2_password "$XS$" + 32 hex digits
  // of a random salt + 64 of PBKDF2-HMAC-SHA256(password, salt, 5000)
  // (accounts of earlier versions: "$XP$" + 64 of SHA256(SHA256(password)));
  // empty for an account without a password.
  std::string verifier;
  bool locked = false;       // ACCOUNT LOCK
  bool expired = false;      // PASSWORD EXPIRE: must set one before anything
  bool require_ssl = false;  // REQUIRE SSL: logs in over TLS only
  uint64_t global = 0;       // privilege bits, kPrivGrantOption included
  std::map<std::string, uint64_t> databases;  // database (lower case)
  std::map<std::string, uint64_t> tables;     // TableGrantKey(db, table)
  // Column privileges (kPrivColumnLevel bits): ColumnGrantKey(db, table,
  // column) -> bits.
  std::map<std::string, uint64_t> columns;
  // Roles granted to this account (GRANT role TO it), by Accounts::Key of
  // the role: its name, and whether this account may grant it on (WITH
  // ADMIN OPTION). A role is an account like any other (CREATE ROLE makes a
  // locked one without a password).
  struct RoleGrant {
    AccountName role;
    bool admin = false;
  };
  std::map<std::string, RoleGrant> roles;
  // The roles a session of this account starts with (SET DEFAULT ROLE), by
  // Accounts::Key; each is in `roles`.
  std::map<std::string, AccountName> default_roles;
};

// The verifier of `password` for `plugin`; 1524 for a plugin this server
// does not have.
Result<std::string> MakeVerifier(std::string_view plugin,
                                 std::string_view password);
// Whether a client's answer to `scramble` (20 bytes) proves the account's
// password without more exchanges: mysql_native_password's SHA1 scramble;
// for caching_sha2_password only an account without a password (its
// scramble is checked against the server's cache, CheckSha2Scramble, or
// the password itself is sent, CheckPassword). Any bytes are safe.
bool CheckScramble(const Account& a, std::string_view scramble,
                   std::string_view response);
// Whether `password` itself (caching_sha2_password's full path: over TLS or
// RSA-encrypted) is the account's, under either plugin.
bool CheckPassword(const Account& a, std::string_view password);
// caching_sha2_password's fast path. What a server remembers of a password
// once a full authentication proved it: SHA256(SHA256(password)), 32 bytes
// (never stored); and whether a client's 32-byte answer to `scramble`,
// SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble), proves it.
std::string Sha2FastPathKey(std::string_view password);
bool CheckSha2Scramble(std::string_view fast_key, std::string_view scramble,
                       std::string_view response);
// Whether `verifier` has the plugin's stored form (for IDENTIFIED ... AS).
bool ValidVerifier(std::string_view plugin, std::string_view verifier);

// Whether client host `client` matches account host `pattern` (% and _
// wildcards, case-insensitive; 'localhost' is the loopback addresses).
bool HostMatches(std::string_view pattern, std::string_view client);

// The privilege questions the engine asks (every level considered).
bool HasGlobal(const Account& a, uint64_t want);
bool HasOnDatabase(const Account& a, std::string_view db, uint64_t want);
bool HasOnTable(const Account& a, std::string_view db, std::string_view table,
                uint64_t want);
// Any privilege at all that reaches into `db` (USE, SHOW DATABASES).
bool SeesDatabase(const Account& a, std::string_view db);
// Any privilege on `db`.`table` (SHOW TABLES, SHOW COLUMNS), a column's
// included.
bool SeesTable(const Account& a, std::string_view db, std::string_view table);
// Any privilege on the table itself (not only on some of its columns).
bool HasAnyOnTable(const Account& a, std::string_view db,
                   std::string_view table);
// Column level: whether `want` is held on `column` (at any level), and
// whether any column of the table has a grant of `want` at all (then the
// table can be used with those columns).
bool HasOnColumn(const Account& a, std::string_view db, std::string_view table,
                 std::string_view column, uint64_t want);
bool HasOnSomeColumn(const Account& a, std::string_view db,
                     std::string_view table, uint64_t want);
// The column-level privileges granted on `column` itself.
uint64_t ColumnPrivileges(const Account& a, std::string_view db,
                          std::string_view table, std::string_view column);

// The key of a table in Account::tables: db \0 table, lower case.
std::string TableGrantKey(std::string_view db, std::string_view table);
// The key of a column in Account::columns: db \0 table \0 column, lower
// case; its first part is TableGrantKey(db, table) + '\0'.
std::string ColumnGrantKey(std::string_view db, std::string_view table,
                           std::string_view column);

class Accounts;
// `a` with the privileges of `active` roles added — each one granted to `a`
// (others are skipped), and the roles granted to those, transitively (a
// role graph has no cycles; GRANT refuses them). What a session with those
// roles active may do.
Account WithRoles(const Accounts& accounts, const Account& a,
                  const std::vector<AccountName>& active);
// Whether `from` is `to`, or `to` is granted to `from` through roles,
// transitively: granting role R to account U closes a cycle exactly when
// ReachesRole(R, U).
bool ReachesRole(const Accounts& accounts, const AccountName& from,
                 const AccountName& to);

class Accounts {
 public:
  using Ptr = std::shared_ptr<const Account>;

  // The account a client `user` connecting from `client_host` logs in as
  // (MySQL's match order), or null.
  Ptr Match(std::string_view user, std::string_view client_host) const;
  Ptr Find(const AccountName& name) const;
  std::vector<Ptr> All() const;
  bool empty() const;
  // Moves on at every change: sessions re-read their account when it has.
  uint64_t version() const { return version_.load(); }

  // Adds or replaces an account / removes one (false: there was none).
  // Callers serialize changes (Store::accounts_mutex()).
  void Put(Account a);
  bool Remove(const AccountName& name) { return RemoveKey(Key(name)); }
  bool RemoveKey(const std::string& key);

  // The persisted form of one account (a line-oriented text) and back.
  static std::string Encode(const Account& a);
  static Result<Account> Decode(std::string_view text);
  // The key accounts are stored under: user '@' host (host lower case).
  static std::string Key(const AccountName& name);

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Ptr> accounts_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace xp::exec
