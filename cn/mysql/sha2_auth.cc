#include "cn/mysql/sha2_auth.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>

#include "codec/digest.h"
#include "plan/store/accounts.h"

namespace xp::cn {

namespace {

// Entries beyond this are all dropped (they come back by full
// authentications): memory stays bounded however many accounts log in.
constexpr size_t kMaxCacheEntries = 100000;

std::string PemOf(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (bio != nullptr && PEM_write_bio_PUBKEY(bio, key) == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<size_t>(n));
  }
  BIO_free(bio);
  ERR_clear_error();
  return out;
}

}  // namespace

Sha2Auth::Sha2Auth(std::string private_key_file)
    : key_file_(std::move(private_key_file)) {}

Sha2Auth::~Sha2Auth() {
  MutexLock lock(&mu_);
  EVP_PKEY_free(key_);
}

Status Sha2Auth::Init() {
  if (key_file_.empty()) return Status::OK();
  FILE* f = std::fopen(key_file_.c_str(), "r");
  if (f == nullptr)
    return Status::InvalidArgument("cannot read the RSA key " + key_file_);
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    ERR_clear_error();
    return Status::InvalidArgument(key_file_ +
                                   " does not hold an RSA private key (PEM)");
  }
  MutexLock lock(&mu_);
  EVP_PKEY_free(key_);
  key_ = key;
  public_pem_ = PemOf(key_);
  return Status::OK();
}

EVP_PKEY* Sha2Auth::Key() {
  if (key_ == nullptr) {
    key_ = EVP_RSA_gen(2048);
    ERR_clear_error();
    if (key_ != nullptr) public_pem_ = PemOf(key_);
  }
  return key_;
}

bool Sha2Auth::FastPath(const std::string& key, std::string_view verifier,
                        std::string_view scramble, std::string_view response) {
  std::string fast_key;
  {
    MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return false;
    if (it->second.verifier != verifier) {
      cache_.erase(it);
      return false;
    }
    fast_key = it->second.fast_key;
  }
  return exec::CheckSha2Scramble(fast_key, scramble, response);
}

void Sha2Auth::Remember(const std::string& key, std::string_view verifier,
                        std::string_view password) {
  Entry e{std::string(verifier), exec::Sha2FastPathKey(password)};
  MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCacheEntries && !cache_.count(key)) cache_.clear();
  cache_[key] = std::move(e);
}

std::string Sha2Auth::PublicKeyPem() {
  MutexLock lock(&mu_);
  return Key() != nullptr ? public_pem_ : std::string();
}

Result<std::string> Sha2Auth::DecryptPassword(std::string_view cipher,
                                              std::string_view scramble) {
  std::string plain;
  {
    MutexLock lock(&mu_);
    EVP_PKEY* key = Key();
    if (key == nullptr) return Status::Internal("no RSA key");
    if (cipher.empty() ||
        cipher.size() != static_cast<size_t>(EVP_PKEY_get_size(key)))
      return Status::InvalidArgument("not an RSA block of this key");
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    size_t n = cipher.size();
    plain.resize(n);
    const bool ok =
        ctx != nullptr && EVP_PKEY_decrypt_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
        EVP_PKEY_decrypt(ctx, reinterpret_cast<unsigned char*>(plain.data()),
                         &n,
                         reinterpret_cast<const unsigned char*>(cipher.data()),
                         cipher.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    if (!ok) return Status::InvalidArgument("RSA decryption failed");
    plain.resize(n);
  }
  if (scramble.empty()) return Status::InvalidArgument("no scramble");
  for (size_t i = 0; i < plain.size(); ++i)
    plain[i] = static_cast<char>(plain[i] ^ scramble[i % scramble.size()]);
  if (plain.empty() || plain.back() != '\0')
    return Status::InvalidArgument("the password does not end in NUL");
  plain.pop_back();
  return plain;
}

}  // namespace xp::cn
