#include "xprotocol/tls.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace xp {
namespace {

std::string OpenSslError() {
  char buf[256] = "";
  const unsigned long e = ERR_get_error();
  if (e != 0) ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext =
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, const_cast<char*>(value));
  if (ext == nullptr)
    return Status::Internal("X509 extension: " + OpenSslError());
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1 ? Status::OK() : Status::Internal("X509_add_ext");
}

// A certificate for `subject_key`, named `cn`, signed by `issuer_key`
// (issued by `issuer`, or self-signed when null).
Result<CertPtr> MakeCert(EVP_PKEY* subject_key, const char* cn, X509* issuer,
                         EVP_PKEY* issuer_key, bool ca) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
      name, "O", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("XProtocol"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1,
                             0);
  X509* from = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(from));
  if (ca) {
    XP_RETURN_IF_ERROR(AddExtension(cert.get(), from, NID_basic_constraints,
                                    "critical,CA:TRUE"));
    XP_RETURN_IF_ERROR(AddExtension(cert.get(), from, NID_key_usage,
                                    "critical,keyCertSign,cRLSign"));
  } else {
    XP_RETURN_IF_ERROR(
        AddExtension(cert.get(), from, NID_basic_constraints, "CA:FALSE"));
    XP_RETURN_IF_ERROR(AddExtension(cert.get(), from, NID_subject_alt_name,
                                    "DNS:localhost,IP:127.0.0.1,IP:::1"));
    XP_RETURN_IF_ERROR(
        AddExtension(cert.get(), from, NID_ext_key_usage, "serverAuth"));
  }
  XP_RETURN_IF_ERROR(
      AddExtension(cert.get(), from, NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0)
    return Status::Internal("X509_sign: " + OpenSslError());
  return cert;
}

Status WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  // Keys readable by the owner alone, from their first byte.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        key != nullptr ? 0600 : 0644);
  FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "w");
  if (f == nullptr) {
    if (fd >= 0) ::close(fd);
    return Status::IOError("cannot write " + path);
  }
  const int ok = key != nullptr ? PEM_write_PrivateKey(f, key, nullptr, nullptr,
                                                       0, nullptr, nullptr)
                                : PEM_write_X509(f, cert);
  const bool closed = std::fclose(f) == 0;
  if (ok != 1 || !closed) return Status::IOError("cannot write " + path);
  return Status::OK();
}

}  // namespace

Result<TlsFiles> EnsureTlsFiles(const std::string& dir) {
  TlsFiles files{dir + "/ca.pem", dir + "/server-cert.pem",
                 dir + "/server-key.pem"};
  std::error_code ec;
  if (std::filesystem::exists(files.cert, ec) &&
      std::filesystem::exists(files.key, ec))
    return files;
  // Made in a directory of its own, then renamed into place: nodes of one
  // cluster starting at once with the same dir end up with one set.
  namespace fs = std::filesystem;
  const fs::path target(dir);
  if (target.has_parent_path())
    fs::create_directories(target.parent_path(), ec);
  unsigned char r[8];
  RAND_bytes(r, sizeof(r));
  std::string tmp = dir + ".tmp-" + std::to_string(::getpid()) + "-";
  for (unsigned char c : r) tmp += "0123456789abcdef"[c & 15];
  fs::create_directory(tmp, ec);
  if (ec) return Status::IOError("cannot create " + tmp + ": " + ec.message());
  KeyPtr ca_key(EVP_EC_gen("P-256"));
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!ca_key || !key) return Status::Internal("EC key: " + OpenSslError());
  // A name of its own per CA: clients trusting several (clusters) tell
  // them apart.
  const std::string ca_name =
      "XProtocol local CA " + tmp.substr(tmp.size() - 16);
  XP_ASSIGN_OR_RETURN(CertPtr ca, MakeCert(ca_key.get(), ca_name.c_str(),
                                           nullptr, ca_key.get(), true));
  XP_ASSIGN_OR_RETURN(CertPtr cert, MakeCert(key.get(), "localhost", ca.get(),
                                             ca_key.get(), false));
  XP_RETURN_IF_ERROR(WritePem(tmp + "/ca-key.pem", nullptr, ca_key.get()));
  XP_RETURN_IF_ERROR(WritePem(tmp + "/ca.pem", ca.get(), nullptr));
  XP_RETURN_IF_ERROR(WritePem(tmp + "/server-key.pem", nullptr, key.get()));
  XP_RETURN_IF_ERROR(WritePem(tmp + "/server-cert.pem", cert.get(), nullptr));
  // Replaces `dir` only when it is missing or empty.
  if (::rename(tmp.c_str(), dir.c_str()) == 0) return files;
  if (fs::exists(files.cert, ec) && fs::exists(files.key, ec)) {
    fs::remove_all(tmp, ec);  // another process made the set first
    return files;
  }
  // `dir` holds other files: move ours in, the certificate last (its
  // presence says the set is whole).
  for (const char* name :
       {"ca-key.pem", "ca.pem", "server-key.pem", "server-cert.pem"}) {
    fs::rename(tmp + "/" + name, dir + "/" + name, ec);
    if (ec) return Status::IOError("cannot move TLS files into " + dir);
  }
  fs::remove_all(tmp, ec);
  return files;
}

Result<TlsFiles> ResolveTlsFiles(const std::string& dir,
                                 const std::string& cert,
                                 const std::string& key) {
  if (!cert.empty() || !key.empty()) {
    if (cert.empty() || key.empty())
      return Status::InvalidArgument(
          "a TLS certificate needs its key and a key its certificate");
    return TlsFiles{"", cert, key};
  }
  if (dir.empty()) return TlsFiles{};
  return EnsureTlsFiles(dir);
}

Result<std::string> ReadSecret(const SecretSource& src, std::string* warning) {
  warning->clear();
  if (!src.file.empty()) {
    std::ifstream in(src.file);
    if (!in)
      return Status::IOError("--" + std::string(src.file_flag) +
                             ": cannot read " + src.file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (const char* v = std::getenv(src.env)) return std::string(v);
  if (!src.value.empty())
    *warning = "--" + std::string(src.value_flag) +
               " on the command line is visible to every user of this "
               "machine; use --" +
               src.file_flag + " or " + src.env;
  return src.value;
}

Result<SslCtxPtr> MakeServerTlsContext(const std::string& cert_file,
                                       const std::string& key_file) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Status::Internal("SSL_CTX_new: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1)
    return Status::InvalidArgument("TLS certificate " + cert_file + ": " +
                                   OpenSslError());
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1)
    return Status::InvalidArgument("TLS key " + key_file + ": " +
                                   OpenSslError());
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return Status::InvalidArgument("TLS key " + key_file +
                                   " does not match certificate " + cert_file);
  return ctx;
}

}  // namespace xp
