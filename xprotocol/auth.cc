#include "xprotocol/auth.h"

#include <openssl/rand.h>

#include <cctype>

#include "codec/coding.h"
#include "codec/digest.h"
#include "codec/sql_errors.h"

namespace xp {
UserRecord MakeUserRecord(std::string_view password) {
  UserRecord r;
  r.mysql41_hash = Sha1(Sha1(password));
  r.sha256_hash = Sha256(Sha256(password));
  r.empty_password = password.empty();
  return r;
}

std::optional<UserRecord> InMemoryUserStore::Find(std::string_view user) const {
  auto it = users_.find(std::string(user));
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::string MakeNonce() {
  unsigned char buf[kAuthNonceBytes];
  RAND_bytes(buf, sizeof(buf));
  // Printable nonce bytes, as MySQL does, so no byte is \0.
  for (unsigned char& c : buf) c = static_cast<unsigned char>(0x21 + (c % 94));
  return std::string(reinterpret_cast<char*>(buf), sizeof(buf));
}

std::string Mysql41Response(std::string_view password, std::string_view nonce) {
  if (password.empty()) return "";
  const std::string h1 = Sha1(password);
  const std::string scramble = XorBytes(h1, Sha1(nonce, Sha1(h1)));
  std::string hex = ToHex(scramble);
  for (char& c : hex) c = static_cast<char>(std::toupper(c));
  return "*" + hex;
}

std::string Sha256MemoryResponse(std::string_view password,
                                 std::string_view nonce) {
  const std::string h1 = Sha256(password);
  return ToHex(XorBytes(Sha256(Sha256(h1), nonce), h1));
}

bool VerifyMysql41(const UserRecord& u, std::string_view nonce,
                   std::string_view response) {
  if (response.empty()) return u.empty_password;
  if (response[0] == '*') response.remove_prefix(1);
  std::string scramble;
  if (!FromHex(response, &scramble) || scramble.size() != 20) return false;
  if (u.mysql41_hash.size() != 20) return false;
  const std::string candidate = XorBytes(scramble, Sha1(nonce, u.mysql41_hash));
  return ConstantTimeEqual(Sha1(candidate), u.mysql41_hash);
}

bool VerifySha256Memory(const UserRecord& u, std::string_view nonce,
                        std::string_view response) {
  std::string scramble;
  if (!FromHex(response, &scramble) || scramble.size() != 32) return false;
  if (u.sha256_hash.size() != 32) return false;
  const std::string candidate =
      XorBytes(scramble, Sha256(u.sha256_hash, nonce));
  return ConstantTimeEqual(Sha256(candidate), u.sha256_hash);
}

bool VerifyPlain(const UserRecord& u, std::string_view password) {
  if (password.empty()) return u.empty_password;
  if (u.mysql41_hash.size() == 20)
    return ConstantTimeEqual(Sha1(Sha1(password)), u.mysql41_hash);
  if (u.sha256_hash.size() == 32)
    return ConstantTimeEqual(Sha256(Sha256(password)), u.sha256_hash);
  return false;
}

bool ParseAuthData(std::string_view data, AuthData* out) {
  size_t a = data.find('\0');
  if (a == std::string_view::npos) return false;
  size_t b = data.find('\0', a + 1);
  if (b == std::string_view::npos) return false;
  out->schema = std::string(data.substr(0, a));
  out->user = std::string(data.substr(a + 1, b - a - 1));
  std::string_view rest = data.substr(b + 1);
  if (!rest.empty() && rest.back() == '\0') rest.remove_suffix(1);
  if (rest.find('\0') != std::string_view::npos) return false;
  out->response = std::string(rest);
  return !out->user.empty();
}

Result<std::string> AuthExchange::Start(std::string_view mech) {
  if (mech != "MYSQL41" && mech != "SHA256_MEMORY") {
    return SqlError(ER_NOT_SUPPORTED_AUTH_MODE,
                    "Invalid authentication method " + std::string(mech) +
                        (mech == "PLAIN" ? " (PLAIN needs TLS)" : ""));
  }
  mech_ = std::string(mech);
  nonce_ = MakeNonce();
  return nonce_;
}

Result<AuthData> AuthExchange::Plain(std::string_view auth_data, bool secure,
                                     bool* fatal) {
  *fatal = false;
  if (!secure) {
    return SqlError(ER_NOT_SUPPORTED_AUTH_MODE,
                    "Invalid authentication method PLAIN (PLAIN needs TLS)");
  }
  AuthData data;
  bool ok = ParseAuthData(auth_data, &data);
  if (ok) {
    std::optional<UserRecord> rec = users_->Find(data.user);
    ok = rec && VerifyPlain(*rec, data.response);
  }
  return Outcome(std::move(data), ok, fatal);
}

Result<AuthData> AuthExchange::Continue(std::string_view auth_data,
                                        bool* fatal) {
  AuthData data;
  bool ok = ParseAuthData(auth_data, &data) && !nonce_.empty();
  std::optional<UserRecord> rec;
  if (ok) rec = users_->Find(data.user);
  if (ok && rec) {
    ok = mech_ == "MYSQL41" ? VerifyMysql41(*rec, nonce_, data.response)
                            : VerifySha256Memory(*rec, nonce_, data.response);
  } else {
    ok = false;
  }
  nonce_.clear();
  return Outcome(std::move(data), ok, fatal);
}

Result<AuthData> AuthExchange::Outcome(AuthData data, bool ok, bool* fatal) {
  *fatal = false;
  if (ok) return data;
  *fatal = ++failures_ >= max_failures_;
  return SqlError(ER_ACCESS_DENIED_ERROR,
                  "Access denied for user '" + data.user +
                      "'@'localhost' (using password: " +
                      (data.response.empty() ? "NO" : "YES") + ")");
}

}  // namespace xp
