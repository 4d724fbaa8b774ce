// Message digests for password verifiers and challenge-response
// authentication (OpenSSL's EVP), a salted key derivation, random bytes,
// and a comparison that takes the same time
// whatever the bytes. Bytes in, bytes out: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xp {

// SHA1(a + b) / SHA256(a + b), raw bytes (20 / 32).
std::string Sha1(std::string_view a, std::string_view b = {});
std::string Sha256(std::string_view a, std::string_view b = {});
// MD5 / SHA-224 / SHA-384 / SHA-512 of `a`, raw bytes (SQL's MD5(), SHA2()).
std::string Md5(std::string_view a);
std::string Sha224(std::string_view a);
std::string Sha384(std::string_view a);
std::string Sha512(std::string_view a);
// CRC-32 (ISO-HDLC, as zlib and SQL's CRC32()).
uint32_t Crc32(std::string_view a);
// a XOR b, over the length of a (b at least as long).
std::string XorBytes(std::string_view a, std::string_view b);
// Equal in length and bytes, in time independent of where they differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);
// PBKDF2-HMAC-SHA256 of `password` with `salt`, `iterations` rounds: 32
// raw bytes (a salted, slow verifier).
std::string Pbkdf2Sha256(std::string_view password, std::string_view salt,
                         int iterations);
// `n` bytes from OpenSSL's CSPRNG.
std::string RandomBytes(size_t n);

}  // namespace xp
