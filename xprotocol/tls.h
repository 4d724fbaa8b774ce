// TLS for both protocols (OpenSSL): server contexts from a certificate and
// key, and the self-signed pair a node makes for itself when none is given
// (MySQL's auto_generate_certs); and how the daemons take their secrets.
// docs/SECURITY.md.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "codec/status.h"

namespace xp {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The files of a node's TLS directory.
struct TlsFiles {
  std::string ca;    // ca.pem: the certificate clients verify against
  std::string cert;  // server-cert.pem: signed by ca.pem, for localhost,
                     // 127.0.0.1 and ::1
  std::string key;   // server-key.pem (mode 600)
};

// `dir`'s TLS files, made first when dir has no server-cert.pem: a new
// CA (ca.pem, ca-key.pem) and a server certificate it signed (P-256 keys,
// 10 years). Keys are written readable by the owner alone.
Result<TlsFiles> EnsureTlsFiles(const std::string& dir);

// What a daemon serves TLS with: `cert` and `key` when given, else `dir`'s
// files (EnsureTlsFiles) when a dir is given, else none (empty fields).
Result<TlsFiles> ResolveTlsFiles(const std::string& dir,
                                 const std::string& cert,
                                 const std::string& key);

// Where a daemon takes a secret from: the first line of `file` (flag
// --`file_flag`) when one is named, else the environment variable `env`
// when set, else `value` (flag --`value_flag`, which every user of the
// machine sees in ps).
struct SecretSource {
  std::string file;
  const char* file_flag;
  const char* env;
  std::string value;
  const char* value_flag;
};
// The secret; *warning says why not to use the command line when the
// value came from there (else it is left empty).
Result<std::string> ReadSecret(const SecretSource& src, std::string* warning);

// A TLS 1.2+ server context over `cert_file` (PEM chain) and `key_file`;
// an error naming the file that does not load.
Result<SslCtxPtr> MakeServerTlsContext(const std::string& cert_file,
                                       const std::string& key_file);

}  // namespace xp
