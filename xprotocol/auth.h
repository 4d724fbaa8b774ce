// Authentication: password hashes kept by the server, the MYSQL41 and
// SHA256_MEMORY challenge-response computations, and the user-store seam.
// docs/PROTOCOL.md §4.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "codec/status.h"

namespace xp {

inline constexpr size_t kAuthNonceBytes = 20;

// What a server keeps per account: hashes only, never the password.
struct UserRecord {
  std::string mysql41_hash;  // SHA1(SHA1(password)), 20 bytes
  std::string sha256_hash;   // SHA256(SHA256(password)), 32 bytes
  bool empty_password = false;
};

UserRecord MakeUserRecord(std::string_view password);

// Looks up accounts. Implementations must be thread-safe for Find().
class UserStore {
 public:
  virtual ~UserStore() = default;
  virtual std::optional<UserRecord> Find(std::string_view user) const = 0;
};

// A fixed set of accounts. Add() before the server starts; Find() is then
// safe from any thread.
class InMemoryUserStore : public UserStore {
 public:
  void Add(std::string_view user, std::string_view password) {
    users_[std::string(user)] = MakeUserRecord(password);
  }
  void AddRecord(std::string_view user, UserRecord r) {
    users_[std::string(user)] = std::move(r);
  }
  std::optional<UserRecord> Find(std::string_view user) const override;

 private:
  std::unordered_map<std::string, UserRecord> users_;
};

// A fresh random nonce of kAuthNonceBytes bytes (OpenSSL RAND_bytes).
std::string MakeNonce();

// Client side. Return the hex scramble for the AuthenticateContinue message
// (MYSQL41: "*" + 40 hex digits, or "" for an empty password).
std::string Mysql41Response(std::string_view password, std::string_view nonce);
std::string Sha256MemoryResponse(std::string_view password,
                                 std::string_view nonce);

// Server side. `response` is the third part of the client's auth data.
bool VerifyMysql41(const UserRecord& u, std::string_view nonce,
                   std::string_view response);
bool VerifySha256Memory(const UserRecord& u, std::string_view nonce,
                        std::string_view response);
// PLAIN: the password itself, checked against the kept hashes.
bool VerifyPlain(const UserRecord& u, std::string_view password);

// The client's AuthenticateContinue data: schema \0 user \0 response.
struct AuthData {
  std::string schema;
  std::string user;
  std::string response;
};
// Parses auth data; tolerates one trailing \0. False when malformed.
bool ParseAuthData(std::string_view data, AuthData* out);

// The server side of one authentication exchange (docs/PROTOCOL.md §4.2):
// AuthenticateStart names a mechanism and gets a nonce, AuthenticateContinue
// proves the password against it; or (PLAIN, over TLS only)
// AuthenticateStart carries the password itself. Counts failures: the last
// allowed one is fatal (the connection closes).
class AuthExchange {
 public:
  AuthExchange(const UserStore* users, int max_failures)
      : users_(users), max_failures_(max_failures) {}

  // The nonce to send in AuthenticateContinue, or 1251 for a mechanism
  // this server does not offer (PLAIN goes to Plain()).
  Result<std::string> Start(std::string_view mech);
  // PLAIN: AuthenticateStart's auth data (schema \0 user \0 password).
  // `secure`: the transport is encrypted (or in-process); else 1251.
  Result<AuthData> Plain(std::string_view auth_data, bool secure, bool* fatal);
  // Checks the client's answer to Start()'s nonce: the account (user and
  // schema) or 1045, with *fatal set when no attempt is left.
  Result<AuthData> Continue(std::string_view auth_data, bool* fatal);

 private:
  // The answer for `data` once its proof was checked (`ok`).
  Result<AuthData> Outcome(AuthData data, bool ok, bool* fatal);

  const UserStore* const users_;
  const int max_failures_;
  int failures_ = 0;
  std::string mech_;
  std::string nonce_;
};

}  // namespace xp
