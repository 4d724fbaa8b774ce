#include "plan/store/accounts.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "codec/coding.h"
#include "codec/digest.h"
#include "codec/sql_errors.h"
#include "plan/store/store.h"

namespace xp::exec {
namespace {

struct PrivName {
  const char* name;
  uint64_t bit;
};
// MySQL's order (SHOW GRANTS lists them so).
constexpr PrivName kPrivNames[] = {
    {"SELECT", kPrivSelect},
    {"INSERT", kPrivInsert},
    {"UPDATE", kPrivUpdate},
    {"DELETE", kPrivDelete},
    {"CREATE", kPrivCreate},
    {"DROP", kPrivDrop},
    {"RELOAD", kPrivReload},
    {"SHUTDOWN", kPrivShutdown},
    {"PROCESS", kPrivProcess},
    {"FILE", kPrivFile},
    {"REFERENCES", kPrivReferences},
    {"INDEX", kPrivIndex},
    {"ALTER", kPrivAlter},
    {"SHOW DATABASES", kPrivShowDatabases},
    {"SUPER", kPrivSuper},
    {"CREATE TEMPORARY TABLES", kPrivCreateTemporaryTables},
    {"LOCK TABLES", kPrivLockTables},
    {"EXECUTE", kPrivExecute},
    {"REPLICATION SLAVE", kPrivReplicationSlave},
    {"REPLICATION CLIENT", kPrivReplicationClient},
    {"CREATE VIEW", kPrivCreateView},
    {"SHOW VIEW", kPrivShowView},
    {"CREATE ROUTINE", kPrivCreateRoutine},
    {"ALTER ROUTINE", kPrivAlterRoutine},
    {"CREATE USER", kPrivCreateUser},
    {"EVENT", kPrivEvent},
    {"TRIGGER", kPrivTrigger},
    {"CONNECTION_ADMIN", kPrivConnectionAdmin},
};

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// SQL LIKE over bytes, case-insensitive: % any run, _ one byte. Iterative
// (one backtrack point), so a long pattern cannot run deep.
bool Like(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() &&
               (p[pi] == '_' || Lower(p[pi]) == Lower(s[si]))) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

bool IsLoopback(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" ||
         host == "::ffff:127.0.0.1";
}

// Lower sorts first: literal hosts, then patterns, then '%' alone; a named
// user before the anonymous one.
int HostRank(std::string_view host) {
  if (host == "%") return 2;
  return host.find_first_of("%_") == std::string_view::npos ? 0 : 1;
}

// mysql_native_password: response = SHA1(pw) XOR SHA1(scramble +
// SHA1(SHA1(pw))); the account keeps "*" + hex(SHA1(SHA1(pw))).
bool VerifyNative(const Account& a, std::string_view scramble,
                  std::string_view response) {
  if (a.plugin != kNativePasswordPlugin) return false;
  if (a.verifier.empty()) return response.empty();
  std::string stored;
  if (response.size() != 20 || a.verifier.size() != 41 ||
      !FromHex(std::string_view(a.verifier).substr(1), &stored))
    return false;
  const std::string key = XorBytes(response, Sha1(scramble, stored));
  return ConstantTimeEqual(Sha1(key), stored);
}

// caching_sha2_password's stored form: "$XS$" + hex(16-byte salt) +
// hex(PBKDF2-HMAC-SHA256(pw, salt, kSha2Rounds)) — salted and slow, checked
// against a password only (the full path). Accounts written by earlier
// versions keep "$XP$" + hex(SHA256(SHA256(pw))), checked the same way.
constexpr int kSha2Rounds = 5000;
constexpr size_t kSha2SaltBytes = 16;
constexpr size_t kSha2VerifierSize = 4 + 2 * kSha2SaltBytes + 64;
constexpr size_t kLegacySha2VerifierSize = 4 + 64;

std::string UpperHex(std::string_view raw) {
  std::string hex = ToHex(raw);
  for (char& c : hex)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return hex;
}

}  // namespace

bool CheckScramble(const Account& a, std::string_view scramble,
                   std::string_view response) {
  if (a.plugin == kCachingSha2Plugin)  // no password: only the empty answer
    return a.verifier.empty() && response.empty();
  return VerifyNative(a, scramble, response);
}

std::string Sha2FastPathKey(std::string_view password) {
  return Sha256(Sha256(password));
}

// response = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble).
bool CheckSha2Scramble(std::string_view fast_key, std::string_view scramble,
                       std::string_view response) {
  if (response.size() != 32 || fast_key.size() != 32) return false;
  const std::string stage1 = XorBytes(response, Sha256(fast_key, scramble));
  return ConstantTimeEqual(Sha256(stage1), fast_key);
}

bool CheckPassword(const Account& a, std::string_view password) {
  if (a.verifier.empty()) return password.empty();
  if (!ValidVerifier(a.plugin, a.verifier)) return false;
  std::string stored;
  if (a.plugin == kNativePasswordPlugin) {
    return FromHex(std::string_view(a.verifier).substr(1), &stored) &&
           ConstantTimeEqual(Sha1(Sha1(password)), stored);
  }
  if (a.verifier.size() == kLegacySha2VerifierSize) {
    return FromHex(std::string_view(a.verifier).substr(4), &stored) &&
           ConstantTimeEqual(Sha2FastPathKey(password), stored);
  }
  std::string salt;
  return FromHex(std::string_view(a.verifier).substr(4, 2 * kSha2SaltBytes),
                 &salt) &&
         FromHex(std::string_view(a.verifier).substr(4 + 2 * kSha2SaltBytes),
                 &stored) &&
         ConstantTimeEqual(Pbkdf2Sha256(password, salt, kSha2Rounds), stored);
}

uint64_t PrivilegeBit(std::string_view upper_name) {
  for (const PrivName& p : kPrivNames)
    if (upper_name == p.name) return p.bit;
  if (upper_name == "GRANT OPTION") return kPrivGrantOption;
  return 0;
}

std::string PrivilegeNames(uint64_t bits, uint64_t level) {
  bits &= ~kPrivGrantOption;
  if (bits == 0) return "USAGE";
  if ((bits & level) == level) return "ALL PRIVILEGES";
  std::string out;
  for (const PrivName& p : kPrivNames) {
    if ((bits & p.bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

std::vector<std::string> PrivilegeList(uint64_t bits) {
  std::vector<std::string> out;
  for (const PrivName& p : kPrivNames)
    if ((bits & p.bit) != 0 && p.bit != kPrivGrantOption) out.push_back(p.name);
  return out;
}

Result<std::string> MakeVerifier(std::string_view plugin,
                                 std::string_view password) {
  const bool native = plugin == kNativePasswordPlugin;
  if (!native && plugin != kCachingSha2Plugin) {
    return SqlError(ER_PLUGIN_IS_NOT_LOADED,
                    "Plugin '" + std::string(plugin) + "' is not loaded");
  }
  if (password.empty()) return std::string();
  if (native) return "*" + UpperHex(Sha1(Sha1(password)));
  const std::string salt = RandomBytes(kSha2SaltBytes);
  return "$XS$" + UpperHex(salt) +
         UpperHex(Pbkdf2Sha256(password, salt, kSha2Rounds));
}

bool ValidVerifier(std::string_view plugin, std::string_view verifier) {
  if (verifier.empty())
    return plugin == kNativePasswordPlugin || plugin == kCachingSha2Plugin;
  std::string raw;
  if (plugin == kNativePasswordPlugin)
    return verifier.size() == 41 && verifier[0] == '*' &&
           FromHex(verifier.substr(1), &raw);
  if (plugin == kCachingSha2Plugin)
    return ((verifier.size() == kSha2VerifierSize &&
             verifier.substr(0, 4) == "$XS$") ||
            (verifier.size() == kLegacySha2VerifierSize &&
             verifier.substr(0, 4) == "$XP$")) &&
           FromHex(verifier.substr(4), &raw);
  return false;
}

bool HostMatches(std::string_view pattern, std::string_view client) {
  if (pattern == "localhost" || pattern == "127.0.0.1" || pattern == "::1")
    return IsLoopback(client) &&
           (pattern == "localhost" || pattern == client ||
            (pattern == "127.0.0.1" && client == "::ffff:127.0.0.1"));
  return Like(pattern, client);
}

std::string TableGrantKey(std::string_view db, std::string_view table) {
  std::string key = LowerCopy(db);
  key += '\0';  // no name holds it
  return key + LowerCopy(table);
}

bool HasGlobal(const Account& a, uint64_t want) {
  return (a.global & want) == want;
}

bool HasOnDatabase(const Account& a, std::string_view db, uint64_t want) {
  uint64_t have = a.global;
  if ((have & want) == want) return true;  // the common case: no lookup
  auto it = a.databases.find(LowerCopy(db));
  if (it != a.databases.end()) have |= it->second;
  return (have & want) == want;
}

bool HasOnTable(const Account& a, std::string_view db, std::string_view table,
                uint64_t want) {
  uint64_t have = a.global;
  if ((have & want) == want) return true;  // the common case: no lookup
  auto d = a.databases.find(LowerCopy(db));
  if (d != a.databases.end()) have |= d->second;
  if ((have & want) == want) return true;
  auto t = a.tables.find(TableGrantKey(db, table));
  if (t != a.tables.end()) have |= t->second;
  return (have & want) == want;
}

std::string ColumnGrantKey(std::string_view db, std::string_view table,
                           std::string_view column) {
  std::string key = TableGrantKey(db, table);
  key += '\0';
  return key + LowerCopy(column);
}

bool HasAnyOnTable(const Account& a, std::string_view db,
                   std::string_view table) {
  uint64_t have = a.global;
  auto d = a.databases.find(LowerCopy(db));
  if (d != a.databases.end()) have |= d->second;
  auto t = a.tables.find(TableGrantKey(db, table));
  if (t != a.tables.end()) have |= t->second;
  return (have & kPrivTableLevel) != 0;
}

bool HasOnColumn(const Account& a, std::string_view db, std::string_view table,
                 std::string_view column, uint64_t want) {
  if (HasOnTable(a, db, table, want)) return true;
  auto c = a.columns.find(ColumnGrantKey(db, table, column));
  return c != a.columns.end() && (c->second & want) == want;
}

uint64_t ColumnPrivileges(const Account& a, std::string_view db,
                          std::string_view table, std::string_view column) {
  auto c = a.columns.find(ColumnGrantKey(db, table, column));
  return c == a.columns.end() ? 0 : c->second;
}

bool HasOnSomeColumn(const Account& a, std::string_view db,
                     std::string_view table, uint64_t want) {
  const std::string prefix = TableGrantKey(db, table) + '\0';
  for (auto c = a.columns.lower_bound(prefix);
       c != a.columns.end() && c->first.compare(0, prefix.size(), prefix) == 0;
       ++c)
    if ((c->second & want) == want) return true;
  return false;
}

bool SeesDatabase(const Account& a, std::string_view db) {
  if (a.global & (kPrivDatabaseLevel | kPrivShowDatabases)) return true;
  auto d = a.databases.find(LowerCopy(db));
  if (d != a.databases.end() && (d->second & ~kPrivGrantOption) != 0)
    return true;
  const std::string prefix = TableGrantKey(db, "");
  for (auto t = a.tables.lower_bound(prefix);
       t != a.tables.end() && t->first.compare(0, prefix.size(), prefix) == 0;
       ++t)
    if (t->second & ~kPrivGrantOption) return true;
  auto c = a.columns.lower_bound(prefix);
  return c != a.columns.end() &&
         c->first.compare(0, prefix.size(), prefix) == 0;
}

bool SeesTable(const Account& a, std::string_view db, std::string_view table) {
  return HasAnyOnTable(a, db, table) || HasOnSomeColumn(a, db, table, 0);
}

namespace {
// Visits `start` and the roles granted to it, transitively, each once
// (iterative; a damaged catalog with a cycle still ends).
template <class Visit>
void ForEachReachable(const Accounts& accounts,
                      const std::vector<AccountName>& start, Visit visit) {
  std::vector<AccountName> todo(start.rbegin(), start.rend());
  std::set<std::string> seen;
  while (!todo.empty()) {
    AccountName n = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(Accounts::Key(n)).second) continue;
    Accounts::Ptr r = accounts.Find(n);
    if (!r) continue;  // dropped since
    if (!visit(*r)) return;
    for (const auto& [key, g] : r->roles) todo.push_back(g.role);
  }
}
}  // namespace

Account WithRoles(const Accounts& accounts, const Account& a,
                  const std::vector<AccountName>& active) {
  Account out = a;
  std::vector<AccountName> granted;
  for (const AccountName& r : active)
    if (a.roles.count(Accounts::Key(r))) granted.push_back(r);
  ForEachReachable(accounts, granted, [&out](const Account& r) {
    out.global |= r.global;
    for (const auto& [db, bits] : r.databases) out.databases[db] |= bits;
    for (const auto& [t, bits] : r.tables) out.tables[t] |= bits;
    for (const auto& [c, bits] : r.columns) out.columns[c] |= bits;
    // What the role may grant on (its ADMIN OPTIONs) counts too.
    for (const auto& [key, g] : r.roles) {
      if (!g.admin) continue;
      out.roles[key].role = g.role;
      out.roles[key].admin = true;
    }
    return true;
  });
  return out;
}

bool ReachesRole(const Accounts& accounts, const AccountName& from,
                 const AccountName& to) {
  bool found = false;
  const std::string want = Accounts::Key(to);
  ForEachReachable(accounts, {from}, [&](const Account& r) {
    found = Accounts::Key(r.name) == want;
    return !found;
  });
  return found;
}

std::string Accounts::Key(const AccountName& name) {
  return name.user + "@" + LowerCopy(name.host);
}

Accounts::Ptr Accounts::Match(std::string_view user,
                              std::string_view client_host) const {
  std::shared_lock lock(mu_);
  Ptr best;
  auto better = [](const Account& a, const Account& b) {
    const int ra = HostRank(a.name.host), rb = HostRank(b.name.host);
    if (ra != rb) return ra < rb;
    if (a.name.host.size() != b.name.host.size())
      return a.name.host.size() > b.name.host.size();
    return !a.name.user.empty() && b.name.user.empty();
  };
  for (const auto& [key, a] : accounts_) {
    if (!a->name.user.empty() && a->name.user != user) continue;
    if (!HostMatches(a->name.host, client_host)) continue;
    if (!best || better(*a, *best)) best = a;
  }
  return best;
}

Accounts::Ptr Accounts::Find(const AccountName& name) const {
  std::shared_lock lock(mu_);
  auto it = accounts_.find(Key(name));
  return it == accounts_.end() ? nullptr : it->second;
}

std::vector<Accounts::Ptr> Accounts::All() const {
  std::shared_lock lock(mu_);
  std::vector<Ptr> out;
  for (const auto& [key, a] : accounts_) out.push_back(a);
  return out;
}

bool Accounts::empty() const {
  std::shared_lock lock(mu_);
  return accounts_.empty();
}

void Accounts::Put(Account a) {
  std::unique_lock lock(mu_);
  const std::string key = Key(a.name);
  accounts_[key] = std::make_shared<const Account>(std::move(a));
  ++version_;
}

bool Accounts::RemoveKey(const std::string& key) {
  std::unique_lock lock(mu_);
  const bool removed = accounts_.erase(key) > 0;
  if (removed) ++version_;
  return removed;
}

// One field a line: "tag value..." with names and the verifier in hex, so
// no byte of theirs can end a line.
std::string Accounts::Encode(const Account& a) {
  std::string out = "account v1\n";
  out += "user " + ToHex(a.name.user) + "\n";
  out += "host " + ToHex(a.name.host) + "\n";
  out += "plugin " + ToHex(a.plugin) + "\n";
  out += "verifier " + ToHex(a.verifier) + "\n";
  out += "locked " + std::to_string(a.locked) + "\n";
  out += "expired " + std::to_string(a.expired) + "\n";
  if (a.require_ssl) out += "requiressl 1\n";
  out += "global " + std::to_string(a.global) + "\n";
  for (const auto& [db, bits] : a.databases)
    out += "db " + ToHex(db) + " " + std::to_string(bits) + "\n";
  for (const auto& [t, bits] : a.tables)
    out += "table " + ToHex(t) + " " + std::to_string(bits) + "\n";
  for (const auto& [c, bits] : a.columns)
    out += "column " + ToHex(c) + " " + std::to_string(bits) + "\n";
  for (const auto& [key, g] : a.roles)
    out += "role " + ToHex(g.role.user) + " " + ToHex(g.role.host) + " " +
           std::to_string(g.admin) + "\n";
  for (const auto& [key, r] : a.default_roles)
    out += "defaultrole " + ToHex(r.user) + " " + ToHex(r.host) + "\n";
  return out;
}

Result<Account> Accounts::Decode(std::string_view text) {
  Account a;
  auto bad = [&](std::string_view why) {
    return Status::Corruption("account record: " + std::string(why));
  };
  size_t at = 0;
  bool header = false;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return bad("line without a value");
    const std::string_view tag = line.substr(0, sp);
    std::string_view rest = line.substr(sp + 1);
    if (tag == "account") {
      if (rest != "v1") return bad("unknown version");
      header = true;
      continue;
    }
    std::string value;
    auto number = [&](std::string_view digits, uint64_t* out) {
      if (digits.empty()) return false;
      uint64_t v = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      *out = v;
      return true;
    };
    if (tag == "db" || tag == "table" || tag == "column") {
      const size_t sp2 = rest.find(' ');
      uint64_t bits = 0;
      if (sp2 == std::string_view::npos ||
          !FromHex(rest.substr(0, sp2), &value) ||
          !number(rest.substr(sp2 + 1), &bits))
        return bad("bad grant line");
      (tag == "db"      ? a.databases
       : tag == "table" ? a.tables
                        : a.columns)[value] = bits;
      continue;
    }
    if (tag == "role" || tag == "defaultrole") {
      // user host [admin]
      AccountName role;
      const size_t sp1 = rest.find(' ');
      if (sp1 == std::string_view::npos ||
          !FromHex(rest.substr(0, sp1), &role.user))
        return bad("bad role line");
      std::string_view after = rest.substr(sp1 + 1);
      const size_t b = after.find(' ');
      if (!FromHex(after.substr(0, b), &role.host)) return bad("bad role line");
      const std::string key = Key(role);
      if (tag == "defaultrole") {
        if (b != std::string_view::npos) return bad("bad role line");
        a.default_roles[key] = role;
        continue;
      }
      uint64_t admin = 0;
      if (b == std::string_view::npos || !number(after.substr(b + 1), &admin))
        return bad("bad role line");
      a.roles[key] = Account::RoleGrant{role, admin != 0};
      continue;
    }
    uint64_t n = 0;
    if (tag == "locked" || tag == "expired" || tag == "global" ||
        tag == "requiressl") {
      if (!number(rest, &n)) return bad("bad number");
      if (tag == "requiressl") a.require_ssl = n != 0;
      if (tag == "locked") a.locked = n != 0;
      if (tag == "expired") a.expired = n != 0;
      if (tag == "global") a.global = n;
      continue;
    }
    if (!FromHex(rest, &value)) return bad("bad hex");
    if (tag == "user") {
      a.name.user = value;
    } else if (tag == "host") {
      a.name.host = value;
    } else if (tag == "plugin") {
      a.plugin = value;
    } else if (tag == "verifier") {
      a.verifier = value;
    } else {
      return bad("unknown field");
    }
  }
  if (!header) return bad("no header");
  return a;
}

Status CreateFirstAccount(Store* store, const AccountName& name,
                          std::string_view password, bool* created) {
  std::unique_lock<std::shared_mutex> lock(store->ddl_mutex());
  *created = false;
  if (!store->accounts().empty()) return Status::OK();
  Account a;
  a.name = name;
  // mysql_native_password: every client logs in with it. (libmariadb loads
  // its caching_sha2_password plugin on first use, and threads connecting
  // at once then fail with "it is already loaded": sysbench does.)
  a.plugin = kNativePasswordPlugin;
  XP_ASSIGN_OR_RETURN(a.verifier, MakeVerifier(a.plugin, password));
  a.global = kPrivGlobalLevel | kPrivGrantOption;
  XP_RETURN_IF_ERROR(store->SaveAccount(Accounts::Key(name), &a));
  store->accounts().Put(std::move(a));
  *created = true;
  return Status::OK();
}

}  // namespace xp::exec
