// xcn: the compute node daemon. Serves SQL over the MySQL protocol and runs
// it over the data nodes given with --dn (cn/cluster_store.h).
#include <gflags/gflags.h>
#include <glog/logging.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <thread>

#include "cn/cluster_store.h"
#include "cn/embedded/embedded_cluster.h"
#include "cn/mysql/mysql_server.h"
#include "plan/exec/query_context.h"
#include "xprotocol/tls.h"

DEFINE_int32(port, 3306, "MySQL protocol TCP port (127.0.0.1); 0 picks one");
DEFINE_string(dn, "127.0.0.1:33060",
              "Data nodes, HOST:PORT[,HOST:PORT...]; partition i of a table "
              "lives on the (i mod N)-th");
DEFINE_string(dn_user, "root", "Account on the data nodes");
DEFINE_string(dn_password_file, "",
              "File whose first line is the password of --dn_user (else the "
              "environment variable XCN_DN_PASSWORD, else --dn_password)");
DEFINE_string(dn_password, "",
              "Password of --dn_user; visible in ps, prefer "
              "--dn_password_file or XCN_DN_PASSWORD");
DEFINE_string(dn_ssl_mode, "when_asked",
              "TLS to the data nodes: disabled, when_asked (when a DN runs "
              "with --require_secure_transport), required, verify_ca or "
              "verify_identity (the last two check the DN's certificate "
              "against --dn_ssl_ca)");
DEFINE_string(dn_ssl_ca, "",
              "CA certificate (PEM) the data nodes' certificates are checked "
              "against");
DEFINE_string(user, "root",
              "The first client account, made as 'USER'@'localhost' with "
              "every privilege when the cluster has no accounts yet (its "
              "first start); later starts use the accounts stored in the "
              "cluster's catalog");
DEFINE_string(password_file, "",
              "File whose first line is the password of the first account "
              "(else the environment variable XCN_PASSWORD, else "
              "--password; empty: none)");
DEFINE_string(password, "",
              "Password of the first account; visible to every user of the "
              "machine in ps, prefer --password_file or XCN_PASSWORD");
DEFINE_uint32(max_connections, 1000,
              "Client connections at once (those still in their handshake "
              "included); more get error 1040");
DEFINE_uint32(max_user_connections, 0,
              "Connections at once per account; more get 1203 (0: no limit)");
DEFINE_int32(connect_timeout, 10,
             "Seconds a client has to finish its handshake (login) before "
             "the connection closes");
DEFINE_int32(failed_login_delay_ms, 1000,
             "After 3 failed logins in a row of one user from one address, "
             "each further attempt waits this long times the excess (at most "
             "10 s), so passwords cannot be tried at line rate; 0: no delay");
DEFINE_string(ssl_dir, "",
              "TLS for clients: DIR/server-cert.pem and DIR/server-key.pem, "
              "made first (with a CA, DIR/ca.pem, for clients to verify "
              "against) when DIR has none");
DEFINE_string(ssl_cert, "",
              "TLS certificate chain (PEM) for clients, instead of --ssl_dir");
DEFINE_string(ssl_key, "", "The key of --ssl_cert (PEM)");
DEFINE_bool(require_secure_transport, false,
            "Refuse client connections without TLS (3159)");
DEFINE_string(caching_sha2_password_private_key_path, "",
              "RSA private key (PEM) with which caching_sha2_password clients "
              "without TLS encrypt their password on a full authentication; "
              "its public key is sent to clients that ask. Default: a key "
              "generated in memory when first needed (clients that pin the "
              "server's public key need a fixed one)");
DEFINE_int32(embedded_dns, 0,
             "Run N data nodes inside this process (the embedded placement, "
             "instead of --dn): each with its own RocksDB in --data_dir/dn<i>, "
             "reached over in-memory connections that carry the same frames "
             "as TCP; no data node port is opened");
DEFINE_string(data_dir, "./data", "Data directory of --embedded_dns");
DEFINE_bool(sync_wal, true,
            "--embedded_dns: fsync the data nodes' write-ahead logs at every "
            "commit (as xdn --sync_wal)");
DEFINE_int64(lock_wait_timeout_ms, 50000,
             "--embedded_dns: a row lock wait longer than this fails with "
             "1205 (as xdn --lock_wait_timeout_ms)");
DEFINE_int32(catalog_lease_ms, 10000,
             "The catalog lease on data node 0 (one compute node per "
             "cluster): held this long after each renewal; another xcn "
             "refuses to start while it holds");
DEFINE_uint32(deadlock_check_ms, 100,
              "How often to look for deadlocks through several data nodes "
              "(lock waits in a cycle no single node sees) while two or "
              "more transactions are open; one waiter of each cycle fails "
              "with 1213. 0: never (such cycles then last until "
              "innodb_lock_wait_timeout, 1205)");
DEFINE_int64(statement_memory_limit_mb, 1024,
             "Memory one statement may hold (sorts, hash tables, join build "
             "sides, materialized results) before it fails with 7006; a "
             "session may change its own with SET xp_statement_memory_limit "
             "(bytes); 0: no per-statement limit");
DEFINE_int64(node_memory_limit_mb, -1,
             "Memory all running statements together may hold before the "
             "one that asks for more fails with 7006; -1: half the machine's "
             "memory or 60% of ulimit -v, whichever is lower; 0: no cap");
DEFINE_int32(dn_timeout_ms, 10000,
             "A data node that does not answer within this fails the "
             "statement (error 1429); the CN reconnects on the next one");
DEFINE_string(failpoint, "",
              "Testing only: make the named two-phase-commit failpoint fail "
              "(before_commit_log / after_commit_log: xcn exits there as a "
              "crash would; lose_dn1_in_phase_two; cn/README.md)");

namespace {
volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

std::optional<xp::ClientOptions::SslMode> ParseSslMode(const std::string& s) {
  using Mode = xp::ClientOptions::SslMode;
  if (s == "disabled") return Mode::kDisabled;
  if (s == "when_asked") return Mode::kWhenAsked;
  if (s == "required") return Mode::kRequired;
  if (s == "verify_ca") return Mode::kVerifyCa;
  if (s == "verify_identity") return Mode::kVerifyIdentity;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "XProtocol compute node: MySQL protocol in front of data nodes.\n"
      "Usage: xcn --dn=HOST:PORT[,HOST:PORT...] [--port=3306] [--user=root "
      "--password_file=FILE]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  const size_t node_memory = xp::exec::SetMemoryLimitsMb(
      FLAGS_statement_memory_limit_mb, FLAGS_node_memory_limit_mb);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  LOG(INFO) << "memory limits: " << FLAGS_statement_memory_limit_mb
            << " MiB per statement, " << (node_memory >> 20)
            << " MiB for all statements of this node";
  if (FLAGS_embedded_dns < 0 || FLAGS_embedded_dns > 64) {
    LOG(ERROR) << "--embedded_dns: 1..64 data nodes";
    return 2;
  }
  xp::cn::ClusterOptions co;
  if (FLAGS_embedded_dns == 0) {
    auto dns = xp::cn::ParseDnList(FLAGS_dn);
    if (!dns.ok()) {
      LOG(ERROR) << dns.status().message();
      return 2;
    }
    co.dns = *dns;
  }
  co.user = FLAGS_dn_user;
  {
    std::string warning;
    auto pw =
        xp::ReadSecret({FLAGS_dn_password_file, "dn_password_file",
                        "XCN_DN_PASSWORD", FLAGS_dn_password, "dn_password"},
                       &warning);
    if (!pw.ok()) {
      LOG(ERROR) << pw.status().message();
      return 2;
    }
    if (!warning.empty()) LOG(WARNING) << warning;
    co.password = *pw;
    auto mode = ParseSslMode(FLAGS_dn_ssl_mode);
    if (!mode) {
      LOG(ERROR) << "--dn_ssl_mode: disabled, when_asked, required, "
                    "verify_ca or verify_identity";
      return 2;
    }
    co.ssl_mode = *mode;
    co.ssl_ca = FLAGS_dn_ssl_ca;
    if (*mode >= xp::ClientOptions::SslMode::kVerifyCa && co.ssl_ca.empty()) {
      LOG(ERROR) << "--dn_ssl_mode=" << FLAGS_dn_ssl_mode
                 << " needs --dn_ssl_ca";
      return 2;
    }
  }
  co.dn_timeout_ms = static_cast<uint32_t>(FLAGS_dn_timeout_ms);
  co.lease_ms = static_cast<uint32_t>(std::max(FLAGS_catalog_lease_ms, 300));
  co.deadlock_check_ms = static_cast<uint32_t>(FLAGS_deadlock_check_ms);
  if (!FLAGS_failpoint.empty()) {
    co.failpoint = [](std::string_view point) {
      if (point != FLAGS_failpoint) return xp::cn::FailAction::kNone;
      if (point == "before_commit_log" || point == "after_commit_log") {
        LOG(ERROR) << "failpoint " << point << ": exiting";
        google::FlushLogFiles(google::GLOG_INFO);
        std::_Exit(3);
      }
      return xp::cn::FailAction::kFail;
    };
  }
  std::unique_ptr<xp::cn::EmbeddedCluster> embedded;
  std::unique_ptr<xp::cn::ClusterStore> own_store;
  xp::cn::ClusterStore* store = nullptr;
  if (FLAGS_embedded_dns > 0) {
    xp::cn::EmbeddedOptions eo;
    eo.data_nodes = FLAGS_embedded_dns;
    eo.data_dir = FLAGS_data_dir;
    eo.sync_wal = FLAGS_sync_wal;
    eo.lock_wait_timeout_ms = FLAGS_lock_wait_timeout_ms;
    eo.cluster = co;
    LOG(INFO) << "embedded placement: " << eo.data_nodes
              << " data node(s) in this process, data in " << eo.data_dir
              << "/dn<i> (recovering their WALs and prepared transactions "
                 "if any)";
    auto c = xp::cn::OpenEmbedded(eo);
    if (!c.ok()) {
      LOG(ERROR) << "cannot open the embedded cluster: "
                 << c.status().ToString();
      return 1;
    }
    embedded = std::move(c).value();
    store = embedded->store();
  } else {
    auto s = xp::cn::ClusterStore::Open(co);
    if (!s.ok()) {
      LOG(ERROR) << "cannot open the cluster: " << s.status().ToString();
      return 1;
    }
    own_store = std::move(s).value();
    store = own_store.get();
  }
  {
    xp::Status st = store->CreateDatabase("test", true);
    if (!st.ok()) LOG(WARNING) << "database test: " << st.ToString();
  }
  {
    std::string warning;
    auto secret = xp::ReadSecret({FLAGS_password_file, "password_file",
                                  "XCN_PASSWORD", FLAGS_password, "password"},
                                 &warning);
    if (!secret.ok()) {
      LOG(ERROR) << secret.status().message();
      return 2;
    }
    if (!warning.empty()) LOG(WARNING) << warning;
    const std::string& password = *secret;
    bool created = false;
    const xp::exec::AccountName first{FLAGS_user, "localhost"};
    xp::Status st =
        xp::exec::CreateFirstAccount(store, first, password, &created);
    if (!st.ok()) {
      LOG(ERROR) << "cannot create the first account: " << st.ToString();
      return 1;
    }
    if (created) {
      LOG(INFO) << "accounts: created " << first.Quoted()
                << " with every privilege (first start)"
                << (password.empty() ? ", no password" : "");
    } else {
      LOG(INFO) << "accounts: " << store->accounts().All().size()
                << " in the catalog";
    }
  }
  xp::cn::MysqlServerOptions mo;
  mo.port = static_cast<uint16_t>(FLAGS_port);
  mo.max_connections = FLAGS_max_connections;
  mo.max_user_connections = FLAGS_max_user_connections;
  mo.connect_timeout_s = std::max(FLAGS_connect_timeout, 1);
  mo.failed_login_delay_ms = std::max(FLAGS_failed_login_delay_ms, 0);
  {
    auto files =
        xp::ResolveTlsFiles(FLAGS_ssl_dir, FLAGS_ssl_cert, FLAGS_ssl_key);
    if (!files.ok()) {
      LOG(ERROR) << "TLS: " << files.status().ToString();
      return 1;
    }
    mo.ssl_cert = files->cert;
    mo.ssl_key = files->key;
    if (!files->ca.empty()) {
      LOG(INFO) << "TLS: certificate " << files->cert << ", clients verify "
                << "against " << files->ca;
    }
  }
  mo.require_secure_transport = FLAGS_require_secure_transport;
  mo.rsa_private_key = FLAGS_caching_sha2_password_private_key_path;
  if (mo.require_secure_transport && mo.ssl_cert.empty()) {
    LOG(ERROR) << "--require_secure_transport needs --ssl_dir or --ssl_cert";
    return 2;
  }
  xp::cn::MysqlServer server(mo, store);
  xp::Status st = server.Start();
  if (!st.ok()) {
    LOG(ERROR) << st.ToString();
    return 1;
  }
  LOG(INFO) << "xcn serving MySQL protocol on 127.0.0.1:" << server.port()
            << " over " << (embedded ? embedded->data_nodes() : co.dns.size())
            << (embedded ? " in-process" : "") << " data node(s)";
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LOG(INFO) << "shutting down";
  server.Stop();
  own_store.reset();
  embedded.reset();  // the CN's store, then the data nodes
  return 0;
}
