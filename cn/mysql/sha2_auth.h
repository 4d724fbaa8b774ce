// caching_sha2_password's server side, beyond the stored verifier
// (plan/store/accounts.h): the cache that makes its fast path possible and
// the RSA key pair of its full path when the connection is not TLS.
//
// A client first answers the greeting's scramble with
// SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). The server can
// check that only for an account whose SHA256(SHA256(pw)) it remembers
// from an earlier full authentication in this process (the fast path);
// otherwise it asks for the password itself (the full path): in clear
// inside TLS, or, without TLS, encrypted (RSA-OAEP) with the public key it
// sends on request. The cache entry of an account is dropped when its
// verifier changes (ALTER USER, SET PASSWORD: a new verifier, with a new
// salt, even for the same password).
#pragma once

#include <openssl/evp.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "codec/status.h"
#include "codec/thread_annotations.h"

namespace xp::cn {

class Sha2Auth {
 public:
  // `private_key_file`: a PEM RSA private key; empty: one is generated
  // (2048 bits) when a client first needs it, kept in memory only.
  explicit Sha2Auth(std::string private_key_file = {});
  ~Sha2Auth();
  // Loads the key file, when one was given (an error naming it).
  Status Init();

  // The fast path: whether `response` to `scramble` proves the password of
  // the account `key`, whose stored verifier is `verifier` (an entry for
  // another verifier is stale: no).
  bool FastPath(const std::string& key, std::string_view verifier,
                std::string_view scramble, std::string_view response);
  // After a full authentication proved `password`.
  void Remember(const std::string& key, std::string_view verifier,
                std::string_view password);
  // The public key, PEM (SubjectPublicKeyInfo), as the full path sends it;
  // empty when there is no key.
  std::string PublicKeyPem();
  // The password from the full path's encrypted packet: RSA-OAEP
  // decrypted, XORed with `scramble` (repeated), without its trailing NUL.
  // An error for anything else.
  Result<std::string> DecryptPassword(std::string_view cipher,
                                      std::string_view scramble);

 private:
  struct Entry {
    std::string verifier;  // the account's when remembered
    std::string fast_key;  // Sha2FastPathKey(password)
  };
  EVP_PKEY* Key() XP_REQUIRES(mu_);

  const std::string key_file_;
  Mutex mu_;
  EVP_PKEY* key_ XP_GUARDED_BY(mu_) = nullptr;
  std::string public_pem_ XP_GUARDED_BY(mu_);
  std::map<std::string, Entry> cache_ XP_GUARDED_BY(mu_);
};

}  // namespace xp::cn
