// xcn: the compute node daemon. Serves SQL over the MySQL protocol and runs
// it over the data nodes given with --dn (cn/cluster_store.h).
#include <gflags/gflags.h>
#include <glog/logging.h>

#include <csignal>
#include <thread>

#include "cn/cluster_store.h"
#include "cn/mysql_server.h"

DEFINE_int32(port, 3306, "MySQL protocol TCP port (127.0.0.1); 0 picks one");
DEFINE_string(dn, "127.0.0.1:33060",
              "Data nodes, HOST:PORT[,HOST:PORT...]; partition i of a table "
              "lives on the (i mod N)-th");
DEFINE_string(dn_user, "root", "Account on the data nodes");
DEFINE_string(dn_password, "", "Password of --dn_user");
DEFINE_string(user, "root", "The first client account");
DEFINE_string(password, "", "Password of --user (empty: none)");
DEFINE_int32(embedded_dns, 0,
             "Run N data nodes inside this process (not available in this "
             "build: start xdn processes, e.g. with scripts/xcluster)");
DEFINE_string(data_dir, "", "Data directory of --embedded_dns");
DEFINE_int32(dn_timeout_ms, 10000,
             "A data node that does not answer within this fails the "
             "statement (error 1429); the CN reconnects on the next one");

namespace {
volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "XProtocol compute node: MySQL protocol in front of data nodes.\n"
      "Usage: xcn --dn=HOST:PORT[,HOST:PORT...] [--port=3306] [--user=root "
      "--password=PW]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  if (FLAGS_embedded_dns != 0) {
    LOG(ERROR) << "--embedded_dns is not available in this build; start the "
                  "data nodes as xdn processes (scripts/xcluster start)";
    return 2;
  }
  auto dns = xp::cn::ParseDnList(FLAGS_dn);
  if (!dns.ok()) {
    LOG(ERROR) << dns.status().message();
    return 2;
  }
  xp::cn::ClusterOptions co;
  co.dns = *dns;
  co.user = FLAGS_dn_user;
  co.password = FLAGS_dn_password;
  co.dn_timeout_ms = static_cast<uint32_t>(FLAGS_dn_timeout_ms);
  auto store = xp::cn::ClusterStore::Open(co);
  if (!store.ok()) {
    LOG(ERROR) << "cannot open the cluster: " << store.status().ToString();
    return 1;
  }
  {
    xp::Status st = (*store)->CreateDatabase("test", true);
    if (!st.ok()) LOG(WARNING) << "database test: " << st.ToString();
  }
  xp::InMemoryUserStore users;
  users.Add(FLAGS_user, FLAGS_password);
  xp::cn::MysqlServerOptions mo;
  mo.port = static_cast<uint16_t>(FLAGS_port);
  xp::cn::MysqlServer server(mo, store->get(), &users);
  xp::Status st = server.Start();
  if (!st.ok()) {
    LOG(ERROR) << st.ToString();
    return 1;
  }
  LOG(INFO) << "xcn serving MySQL protocol on 127.0.0.1:" << server.port()
            << " over " << co.dns.size() << " data node(s)";
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  LOG(INFO) << "shutting down";
  server.Stop();
  return 0;
}
