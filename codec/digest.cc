#include "codec/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace xp {
namespace {

std::string Digest(const EVP_MD* md, std::string_view a, std::string_view b) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestInit_ex(c, md, nullptr);
  EVP_DigestUpdate(c, a.data(), a.size());
  EVP_DigestUpdate(c, b.data(), b.size());
  EVP_DigestFinal_ex(c, out, &n);
  EVP_MD_CTX_free(c);
  return std::string(reinterpret_cast<char*>(out), n);
}

}  // namespace

std::string Sha1(std::string_view a, std::string_view b) {
  return Digest(EVP_sha1(), a, b);
}

std::string Sha256(std::string_view a, std::string_view b) {
  return Digest(EVP_sha256(), a, b);
}

std::string XorBytes(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] ^ b[i];
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace xp
