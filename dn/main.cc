// xdn: the data node daemon. Serves X Protocol (SQL over RocksDB) on
// --port; see `xdn --help` and dn/README.md.
#include <gflags/gflags.h>
#include <glog/logging.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "codec/coding.h"
#include "dn/data_node.h"
#include "plan/exec/query_context.h"
#include "xprotocol/tls.h"

DEFINE_string(bind, "127.0.0.1", "Address to listen on");
DEFINE_int32(port, 33060, "X Protocol TCP port; 0 picks a free one");
DEFINE_string(port_file, "",
              "Write the bound port to this file once listening");
DEFINE_string(data_dir, "./data/dn0",
              "RocksDB data directory (created when missing)");
DEFINE_string(user, "root", "Account a CN or tool logs in with");
DEFINE_string(password_file, "",
              "File whose first line is the password of --user (else the "
              "environment variable XDN_PASSWORD, else --password); kept "
              "only as hashes");
DEFINE_string(password, "",
              "Password of --user; visible in ps, prefer --password_file or "
              "XDN_PASSWORD");
DEFINE_string(users_file, "",
              "More accounts, one per line: name:MYSQL41_HASH:SHA256_HASH "
              "(hex of SHA1(SHA1(pw)) and SHA256(SHA256(pw)); '#' comments). "
              "Print a line with --hash_user=NAME --password=PW");
DEFINE_string(hash_user, "",
              "Print the --users_file line of account NAME with --password, "
              "then exit");
DEFINE_int32(threads, 4, "Worker threads (each runs one statement at a time)");
DEFINE_uint32(
    max_frame_bytes, 64u << 20,
    "Largest frame accepted (type byte + payload); larger is FATAL 1153");
DEFINE_bool(sync_wal, true,
            "fsync the write-ahead log at every commit. false is faster but "
            "a machine crash or power loss (not a process crash) can lose "
            "the last commits acknowledged before it");
DEFINE_uint64(max_connections, 1024, "Connections beyond this get error 1040");
DEFINE_int32(idle_timeout_ms, 28800000,
             "Idle connections are closed after this");
DEFINE_int32(write_timeout_ms, 60000,
             "A connection whose client takes none of its output for this "
             "long (it stopped reading results) is closed and its running "
             "statements cancelled (MySQL's net_write_timeout)");
DEFINE_int64(statement_memory_limit_mb, 1024,
             "Memory one statement may hold (sorts, hash tables, join build "
             "sides, materialized results) before it fails with 7006; a "
             "session may change its own with SET xp_statement_memory_limit "
             "(bytes); 0: no per-statement limit");
DEFINE_int64(node_memory_limit_mb, -1,
             "Memory all running statements together may hold before the "
             "one that asks for more fails with 7006; -1: half the machine's "
             "memory or 60% of ulimit -v, whichever is lower; 0: no cap");
DEFINE_int64(lock_wait_timeout_ms, 50000,
             "A row lock wait longer than this fails with 1205");
DEFINE_string(ssl_dir, "",
              "TLS: DIR/server-cert.pem and DIR/server-key.pem, made first "
              "(with a CA, DIR/ca.pem, for clients to verify against) when "
              "DIR has none; clients then may start TLS (the \"tls\" "
              "capability) and log in with PLAIN");
DEFINE_string(ssl_cert, "",
              "TLS certificate chain (PEM), instead of --ssl_dir");
DEFINE_string(ssl_key, "", "The key of --ssl_cert (PEM)");
DEFINE_bool(require_secure_transport, false,
            "Refuse logins over TCP without TLS (3159); a compute node then "
            "starts TLS by itself");
DEFINE_string(default_database, "test",
              "Database created at first start (empty: none)");

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

bool LoadUsers(const std::string& path, xp::InMemoryUserStore* users) {
  std::ifstream in(path);
  if (!in) {
    LOG(ERROR) << "cannot read --users_file " << path;
    return false;
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::stringstream parts(line);
    std::string name, m41, s256;
    std::getline(parts, name, ':');
    std::getline(parts, m41, ':');
    std::getline(parts, s256, ':');
    xp::UserRecord r;
    std::string a, b;
    if (name.empty() || !xp::FromHex(m41, &a) || !xp::FromHex(s256, &b) ||
        a.size() != 20 || b.size() != 32) {
      LOG(ERROR) << path << ":" << n
                 << ": expected name:<40 hex digits>:<64 hex digits>";
      return false;
    }
    r.mysql41_hash = std::move(a);
    r.sha256_hash = std::move(b);
    users->AddRecord(name, std::move(r));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "XProtocol data node: SQL over RocksDB, served over X Protocol.\n"
      "Usage: xdn --data_dir=DIR [--port=33060] [--user=root "
      "--password_file=FILE] [--ssl_dir=DIR]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  const size_t node_memory = xp::exec::SetMemoryLimitsMb(
      FLAGS_statement_memory_limit_mb, FLAGS_node_memory_limit_mb);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  LOG(INFO) << "memory limits: " << FLAGS_statement_memory_limit_mb
            << " MiB per statement, " << (node_memory >> 20)
            << " MiB for all statements of this node";

  std::string warning;
  auto password = xp::ReadSecret({FLAGS_password_file, "password_file",
                                  "XDN_PASSWORD", FLAGS_password, "password"},
                                 &warning);
  if (!password.ok()) {
    LOG(ERROR) << password.status().message();
    return 2;
  }
  if (!FLAGS_hash_user.empty()) {
    const xp::UserRecord r = xp::MakeUserRecord(*password);
    std::printf("%s:%s:%s\n", FLAGS_hash_user.c_str(),
                xp::ToHex(r.mysql41_hash).c_str(),
                xp::ToHex(r.sha256_hash).c_str());
    return 0;
  }
  auto users = std::make_unique<xp::InMemoryUserStore>();
  if (!warning.empty()) LOG(WARNING) << warning;
  users->Add(FLAGS_user, *password);
  if (!FLAGS_users_file.empty() && !LoadUsers(FLAGS_users_file, users.get()))
    return 1;

  xp::dn::DataNodeOptions o;
  o.storage.path = FLAGS_data_dir;
  o.storage.sync_wal = FLAGS_sync_wal;
  o.storage.lock_timeout_ms = FLAGS_lock_wait_timeout_ms;
  o.default_database = FLAGS_default_database;
  o.server.bind_address = FLAGS_bind;
  o.server.port = static_cast<uint16_t>(FLAGS_port);
  o.server.threads = FLAGS_threads;
  o.server.max_frame_bytes = FLAGS_max_frame_bytes;
  o.server.max_connections = FLAGS_max_connections;
  o.server.idle_timeout = std::chrono::milliseconds(FLAGS_idle_timeout_ms);
  o.server.write_timeout = std::chrono::milliseconds(FLAGS_write_timeout_ms);
  auto tls = xp::ResolveTlsFiles(FLAGS_ssl_dir, FLAGS_ssl_cert, FLAGS_ssl_key);
  if (!tls.ok()) {
    LOG(ERROR) << "TLS: " << tls.status().ToString();
    return 1;
  }
  o.server.tls_cert_file = tls->cert;
  o.server.tls_key_file = tls->key;
  o.server.require_secure_transport = FLAGS_require_secure_transport;
  if (FLAGS_require_secure_transport && tls->cert.empty()) {
    LOG(ERROR) << "--require_secure_transport needs --ssl_dir or --ssl_cert";
    return 2;
  }
  if (!tls->cert.empty()) {
    LOG(INFO) << "TLS: certificate " << tls->cert
              << (tls->ca.empty() ? "" : ", clients verify against " + tls->ca)
              << (FLAGS_require_secure_transport ? " (required)" : "");
  }
  LOG(INFO) << "opening " << FLAGS_data_dir
            << " (recovering the WAL and prepared transactions if any)";
  auto node = xp::dn::DataNode::Open(o, std::move(users));
  if (!node.ok()) {
    LOG(ERROR) << node.status().ToString();
    return 1;
  }
  const size_t prepared = (*node)->prepared_at_open();
  if (prepared > 0) {
    LOG(WARNING) << prepared
                 << " XA transaction(s) are prepared and wait for XA COMMIT "
                    "or XA ROLLBACK (XA RECOVER lists them)";
  }
  const uint16_t port = (*node)->server().port();
  if (!FLAGS_port_file.empty()) {
    std::ofstream(FLAGS_port_file) << port << "\n";
  }
  LOG(INFO) << "xdn serving X Protocol on " << FLAGS_bind << ":" << port
            << " (user '" << FLAGS_user << "', data " << FLAGS_data_dir
            << ", sync_wal=" << FLAGS_sync_wal << ")";
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  while (!g_stop) pause();
  LOG(INFO) << "shutting down: closing connections (open transactions roll "
               "back), then RocksDB";
  node->reset();  // joins the workers: running statements finish first
  LOG(INFO) << "xdn stopped";
  return 0;
}
