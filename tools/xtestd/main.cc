// xp-testserver: an XProtocol server with the fake SQL dispatcher. Used by
// the real-client tests and by the README run command until xdn exists.
#include <gflags/gflags.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "tools/xtestd/fake_sql_dispatcher.h"
#include "xprotocol/server.h"

DEFINE_string(bind, "127.0.0.1", "Address to listen on");
DEFINE_int32(port, 33060, "TCP port; 0 picks a free one (see --port_file)");
DEFINE_string(port_file, "",
              "Write the bound port to this file once listening");
DEFINE_string(user, "root", "Account name clients log in with");
DEFINE_string(password, "", "Password of --user (kept only as hashes)");
DEFINE_int32(threads, 2, "I/O threads");
DEFINE_uint32(
    max_frame_bytes, 64u << 20,
    "Largest frame accepted (type byte + payload); larger is FATAL 1153");
DEFINE_uint64(max_connections, 1024, "Connections beyond this get error 1040");
DEFINE_int32(
    read_timeout_ms, 30000,
    "A frame begun but not finished within this time closes the connection");
DEFINE_int32(idle_timeout_ms, 28800000,
             "Idle connections are closed after this");
DEFINE_int32(connect_timeout_ms, 30000,
             "Authentication must finish within this");

static volatile sig_atomic_t g_stop = 0;
static void OnSignal(int) { g_stop = 1; }

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "XProtocol test server with canned tables (see "
      "tools/xtestd/fake_sql_dispatcher.h).\nUsage: xp-testserver [flags]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  xp::ServerOptions opts;
  opts.bind_address = FLAGS_bind;
  opts.port = static_cast<uint16_t>(FLAGS_port);
  opts.threads = FLAGS_threads;
  opts.max_frame_bytes = FLAGS_max_frame_bytes;
  opts.max_connections = FLAGS_max_connections;
  opts.read_timeout = std::chrono::milliseconds(FLAGS_read_timeout_ms);
  opts.idle_timeout = std::chrono::milliseconds(FLAGS_idle_timeout_ms);
  opts.connect_timeout = std::chrono::milliseconds(FLAGS_connect_timeout_ms);

  xp::InMemoryUserStore users;
  users.Add(FLAGS_user, FLAGS_password);
  xp::testing::FakeSqlDispatcher dispatcher;
  xp::Server server(opts, &dispatcher, &users);
  xp::Status st = server.Start();
  if (!st.ok()) {
    std::fprintf(stderr, "xp-testserver: %s\n", st.ToString().c_str());
    return 1;
  }
  if (!FLAGS_port_file.empty()) {
    std::ofstream(FLAGS_port_file) << server.port() << "\n";
  }
  std::printf("xp-testserver listening on %s:%u (user '%s')\n",
              FLAGS_bind.c_str(), server.port(), FLAGS_user.c_str());
  std::fflush(stdout);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  while (!g_stop) pause();
  server.Stop();
  std::printf("xp-testserver stopped\n");
  return 0;
}
