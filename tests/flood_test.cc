// Acceptance check of the foundation issue: 10,000 random, truncated and
// oversized frames thrown at a real xp-testserver process leave it alive,
// serving other clients, with bounded memory. XP_TESTSERVER names the binary.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "codec/coding.h"
#include "codec/frame.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_session.pb.h"

namespace xp {
namespace {

namespace asio = boost::asio;

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class ServerProcess {
 public:
  ServerProcess() {
    const char* bin = std::getenv("XP_TESTSERVER");
    EXPECT_NE(bin, nullptr) << "XP_TESTSERVER must name xp-testserver";
    port_file_ =
        ::testing::TempDir() + "/flood_port_" + std::to_string(getpid());
    std::remove(port_file_.c_str());
    pid_ = fork();
    if (pid_ == 0) {
      std::string pf = "--port_file=" + port_file_;
      execl(bin, bin, "--port=0", pf.c_str(), "--user=alice",
            "--password=secret", "--max_frame_bytes=65536",
            "--read_timeout_ms=300", "--connect_timeout_ms=1000", "--threads=2",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      std::ifstream in(port_file_);
      in >> port_;
    }
  }
  ~ServerProcess() {
    kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
    std::remove(port_file_.c_str());
  }
  bool Alive() const {
    return kill(pid_, 0) == 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
  }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string port_file_;
};

std::string Frame5(uint8_t type, std::string_view payload) {
  Buffer b;
  FrameWriter w(&b);
  w.Append(type, payload);
  return std::string(b.view());
}

// One hostile input. Kinds: random bytes, random frame of a random type,
// truncated frame, oversized header, zero length, garbage after a valid
// auth start, multiplexed frame on a plain connection, compression unasked.
std::string MakeBadInput(std::mt19937& rng, int kind) {
  auto random_bytes = [&rng](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  switch (kind) {
    case 0:
      return random_bytes(1 + rng() % 200);
    case 1:
      return Frame5(static_cast<uint8_t>(rng()), random_bytes(rng() % 300));
    case 2: {
      std::string f = Frame5(12, random_bytes(100 + rng() % 100));
      return f.substr(0, 1 + rng() % (f.size() - 1));
    }
    case 3: {
      std::string h(5, '\0');
      EncodeFixed32(reinterpret_cast<uint8_t*>(h.data()),
                    65537 + static_cast<uint32_t>(rng() % 1000000000));
      h[4] = 12;
      return h + random_bytes(rng() % 64);
    }
    case 4:
      return std::string("\0\0\0\0\x0c", 5);
    case 5: {
      Mysqlx::Session::AuthenticateStart s;
      s.set_mech_name("MYSQL41");
      return Frame5(ClientMsg::SESS_AUTHENTICATE_START, s.SerializeAsString()) +
             Frame5(ClientMsg::SESS_AUTHENTICATE_CONTINUE,
                    random_bytes(rng() % 80));
    }
    case 6: {
      std::string mux(8, '\0');
      EncodeFixed64(reinterpret_cast<uint8_t*>(mux.data()), rng());
      return mux + Frame5(1, "");
    }
    default:
      return Frame5(ClientMsg::COMPRESSION, random_bytes(rng() % 100));
  }
}

bool GoodClientWorks(uint16_t port) {
  ClientOptions o;
  o.port = port;
  o.user = "alice";
  o.password = "secret";
  o.timeout = std::chrono::milliseconds(5000);
  auto c = Client::Connect(o);
  if (!c.ok()) return false;
  auto r = (*c)->Execute("SELECT * FROM people WHERE id = ?", {AnyUint(2)});
  return r.ok() && r->sets.size() == 1 && r->sets[0].rows.size() == 1;
}

TEST(FloodTest, TenThousandBadFramesLeaveServerHealthy) {
  ServerProcess server;
  ASSERT_NE(server.port(), 0) << "server did not start";
  ASSERT_TRUE(GoodClientWorks(server.port()));
  const long rss_start = RssKb(server.pid());

  constexpr int kInputs = 10000;
  constexpr int kThreads = 8;
  std::atomic<int> sent{0};
  auto worker = [&](int seed) {
    std::mt19937 rng(seed);
    asio::io_context io;
    for (int i = seed; i < kInputs; i += kThreads) {
      asio::ip::tcp::socket s(io);
      boost::system::error_code ec;
      s.connect({asio::ip::make_address("127.0.0.1"), server.port()}, ec);
      if (ec) continue;
      std::string bad = MakeBadInput(rng, i % 8);
      asio::write(s, asio::buffer(bad), ec);
      // Half the time read what the server says (until it closes), half the
      // time hang up at once mid-conversation.
      if (rng() % 2 == 0) {
        // Raw recv with SO_RCVTIMEO: asio's blocking read would poll forever.
        timeval tv{0, 30000};
        setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        char buf[4096];
        while (::recv(s.native_handle(), buf, sizeof(buf), 0) > 0) {
        }
      }
      s.close(ec);
      sent++;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  // Meanwhile a well-behaved client keeps being served.
  int good = 0;
  while (sent.load() < kInputs * 9 / 10) {
    EXPECT_TRUE(GoodClientWorks(server.port()));
    ++good;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sent.load(), kInputs);
  EXPECT_GT(good, 0);
  ASSERT_TRUE(server.Alive());
  EXPECT_TRUE(GoodClientWorks(server.port()));
  // Truncated frames and unauthenticated connections wait for their
  // timeouts; give them time to close.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const long rss_end = RssKb(server.pid());
  std::printf("xp-testserver RSS: %ld kB before, %ld kB after %d bad inputs\n",
              rss_start, rss_end, kInputs);
  EXPECT_LT(rss_end - rss_start, 64 * 1024)
      << "memory grew by more than 64 MiB";
}

}  // namespace
}  // namespace xp
