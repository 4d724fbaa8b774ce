// xcn: the compute node daemon. Serves SQL over the MySQL protocol and runs
// it over the data nodes given with --dn (cn/cluster_store.h).
#include <gflags/gflags.h>
#include <glog/logging.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "cn/cluster_store.h"
#include "cn/mysql/mysql_server.h"
#include "plan/exec/query_context.h"

DEFINE_int32(port, 3306, "MySQL protocol TCP port (127.0.0.1); 0 picks one");
DEFINE_string(dn, "127.0.0.1:33060",
              "Data nodes, HOST:PORT[,HOST:PORT...]; partition i of a table "
              "lives on the (i mod N)-th");
DEFINE_string(dn_user, "root", "Account on the data nodes");
DEFINE_string(dn_password, "", "Password of --dn_user");
DEFINE_string(user, "root", "The first client account");
DEFINE_string(password, "", "Password of --user (empty: none)");
DEFINE_int32(embedded_dns, 0,
             "Start N data nodes with this CN (instead of --dn): xdn child "
             "processes next to this binary, on free loopback ports, data in "
             "--data_dir/dn<i>, stopped with the CN (not yet in-process)");
DEFINE_string(data_dir, "./data", "Data directory of --embedded_dns");
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

// --embedded_dns: xdn children, each on a free port it reports in a file.
std::vector<pid_t> g_children;

void StopChildren() {
  for (pid_t p : g_children) kill(p, SIGTERM);
  for (pid_t p : g_children) waitpid(p, nullptr, 0);
  g_children.clear();
}

bool StartEmbedded(int n, const std::string& dir, std::string* dn_list) {
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) return false;
  self[len] = '\0';
  std::string bin(self);
  bin = bin.substr(0, bin.rfind('/') + 1) + "xdn";
  mkdir(dir.c_str(), 0755);
  for (int i = 0; i < n; ++i) {
    const std::string data = dir + "/dn" + std::to_string(i);
    const std::string port_file = data + ".port";
    unlink(port_file.c_str());
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // a data node never outlives us
      const std::string a1 = "--data_dir=" + data,
                        a2 = "--port_file=" + port_file, a3 = "--port=0",
                        a4 = "--user=" + FLAGS_dn_user,
                        a5 = "--password=" + FLAGS_dn_password;
      execl(bin.c_str(), bin.c_str(), a1.c_str(), a2.c_str(), a3.c_str(),
            a4.c_str(), a5.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    g_children.push_back(pid);
    std::string port;
    for (int t = 0; t < 300 && port.empty(); ++t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::ifstream in(port_file);
      std::getline(in, port);
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        LOG(ERROR) << bin << " (data node " << i << ") exited";
        return false;
      }
    }
    if (port.empty()) return false;
    LOG(INFO) << "data node " << i << ": " << bin << " on 127.0.0.1:" << port
              << ", data in " << data;
    *dn_list +=
        (dn_list->empty() ? "" : ",") + std::string("127.0.0.1:") + port;
  }
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "XProtocol compute node: MySQL protocol in front of data nodes.\n"
      "Usage: xcn --dn=HOST:PORT[,HOST:PORT...] [--port=3306] [--user=root "
      "--password=PW]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  const size_t node_memory = xp::exec::SetMemoryLimitsMb(
      FLAGS_statement_memory_limit_mb, FLAGS_node_memory_limit_mb);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  LOG(INFO) << "memory limits: " << FLAGS_statement_memory_limit_mb
            << " MiB per statement, " << (node_memory >> 20)
            << " MiB for all statements of this node";
  std::string dn_list = FLAGS_dn;
  if (FLAGS_embedded_dns < 0 || FLAGS_embedded_dns > 64) {
    LOG(ERROR) << "--embedded_dns: 1..64 data nodes";
    return 2;
  }
  if (FLAGS_embedded_dns > 0) {
    dn_list.clear();
    if (!StartEmbedded(FLAGS_embedded_dns, FLAGS_data_dir, &dn_list)) {
      LOG(ERROR) << "--embedded_dns: the data nodes did not start";
      StopChildren();
      return 1;
    }
  }
  auto dns = xp::cn::ParseDnList(dn_list);
  if (!dns.ok()) {
    LOG(ERROR) << dns.status().message();
    return 2;
  }
  xp::cn::ClusterOptions co;
  co.dns = *dns;
  co.user = FLAGS_dn_user;
  co.password = FLAGS_dn_password;
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
  auto store = xp::cn::ClusterStore::Open(co);
  if (!store.ok()) {
    LOG(ERROR) << "cannot open the cluster: " << store.status().ToString();
    StopChildren();
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
    StopChildren();
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
  store->reset();
  StopChildren();
  return 0;
}
