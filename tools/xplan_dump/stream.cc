#include "tools/xplan_dump/stream.h"

#include <arpa/inet.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "codec/coding.h"
#include "codec/lz4.h"
#include "codec/thread_annotations.h"
#include "tools/xplan_dump/plan_text.h"
#include "xprotocol/client_codec.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/mysqlx_notice.pb.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"
#include "xprotocol/values.h"

namespace xp::tools {

namespace {

std::string Clock(uint64_t micros) {
  const time_t secs = static_cast<time_t>(micros / 1'000'000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<unsigned>(micros % 1'000'000));
  return buf;
}

std::string Short(const google::protobuf::Message& m, size_t max = 240) {
  std::string s = m.ShortDebugString();
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

uint64_t NowMicros() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

}  // namespace

StreamPrinter::StreamPrinter(std::FILE* out, std::string format,
                             std::string prefix)
    : out_(out), format_(std::move(format)), prefix_(std::move(prefix)) {}

void StreamPrinter::Line(uint64_t micros, bool to_client, uint64_t sid,
                         const std::string& text) {
  std::string head = prefix_ + Clock(micros) + (to_client ? " S>C" : " C>S");
  if (multiplexed_) head += " s" + std::to_string(sid);
  std::fprintf(out_, "%s %s\n", head.c_str(), text.c_str());
}

bool StreamPrinter::Feed(bool to_client, uint64_t micros,
                         std::string_view bytes, std::string* error) {
  const int d = to_client ? 1 : 0;
  in_[d].Append(bytes);
  size_t off = 0;
  for (;;) {
    xp::Frame f;
    const auto outcome =
        parser_[d].Parse(in_[d].data() + off, in_[d].size() - off, &f);
    if (outcome == FrameParser::Outcome::kNeedMore) break;
    if (outcome == FrameParser::Outcome::kCorrupt) {
      *error = std::string(to_client ? "server" : "client") +
               " stream: " + parser_[d].error();
      return false;
    }
    const bool mux = parser_[d].framing() == frame::Framing::kMultiplexed;
    if (on_frame) {
      on_frame(
          to_client, micros, mux,
          std::string_view(reinterpret_cast<const char*>(in_[d].data() + off),
                           f.wire_size));
    }
    off += f.wire_size;
    Frame(to_client, micros, f.type, f.session_id, f.payload);
  }
  in_[d].Consume(off);
  return true;
}

void StreamPrinter::Frame(bool to_client, uint64_t micros, uint8_t type,
                          uint64_t sid, std::string_view payload) {
  if (type == (to_client ? static_cast<uint8_t>(ServerMsg::COMPRESSION)
                         : static_cast<uint8_t>(ClientMsg::COMPRESSION))) {
    Mysqlx::Connection::Compression c;
    std::string plain;
    if (!ParseMessage(payload, &c) ||
        !lz4::DecompressFrame(c.payload(), 1u << 30, &plain).ok()) {
      Line(micros, to_client, sid, "COMPRESSION (undecodable)");
      return;
    }
    FrameParser inner(
        multiplexed_ ? frame::Framing::kMultiplexed : frame::Framing::kPlain,
        1u << 30);
    std::string_view rest = plain;
    while (!rest.empty()) {
      xp::Frame f;
      if (inner.Parse(rest, &f) != FrameParser::Outcome::kFrame) {
        Line(micros, to_client, sid, "COMPRESSION (partial frame inside)");
        return;
      }
      rest.remove_prefix(f.wire_size);
      Frame(to_client, micros, f.type, f.session_id, f.payload);
    }
    return;
  }
  if (to_client) {
    Reply(micros, type, sid, payload);
  } else {
    Request(micros, type, sid, payload);
  }
}

void StreamPrinter::Request(uint64_t micros, uint8_t type, uint64_t sid,
                            std::string_view payload) {
  const std::string name = MessageTypeName(Direction::kClientToServer, type) +
                           " (" + std::to_string(payload.size()) + " bytes)";
  if (type != ClientMsg::TOKEN_OFFER && type != ClientMsg::SESS_KILL) {
    Pending& p = pending_[sid];
    p = Pending();
    p.started = micros;
  }
  switch (type) {
    case ClientMsg::SQL_STMT_EXECUTE: {
      Mysqlx::Sql::StmtExecute m;
      if (!ParseMessage(payload, &m)) break;
      Line(
          micros, false, sid,
          name + ": " + m.stmt() +
              (m.args_size() ? "  args=" + std::to_string(m.args_size()) : ""));
      return;
    }
    case ClientMsg::EXEC_SQL: {
      Xp::Plan::ExecSql m;
      if (!ParseMessage(payload, &m)) break;
      Line(micros, false, sid,
           name + ": " +
               (m.has_stmt() ? m.stmt() : "digest " + ToHex(m.digest())) +
               (m.token() ? "  token=" + std::to_string(m.token()) : ""));
      return;
    }
    case ClientMsg::EXEC_PLAN_READ: {
      Xp::Plan::ExecPlan m;
      if (!ParseMessage(payload, &m)) break;
      std::string head = name;
      if (m.has_plan_digest()) head += " digest=" + ToHex(m.plan_digest());
      if (m.parameters_size()) {
        head += " parameters=(";
        for (int i = 0; i < m.parameters_size(); ++i)
          head += (i ? ", " : "") + ScalarText(m.parameters(i));
        head += ")";
      }
      if (m.chunk_result()) head += " chunks";
      if (m.token()) head += " token=" + std::to_string(m.token());
      if (m.feedback()) head += " feedback";
      Line(micros, false, sid, head);
      std::string body;
      if (!m.has_plan()) {
        body = "(digest only: the plan is in the node's cache)\n";
      } else if (format_ == "json") {
        google::protobuf::util::JsonPrintOptions o;
        o.add_whitespace = true;
        (void)google::protobuf::util::MessageToJsonString(m.plan(), &body, o);
      } else if (format_ == "text") {
        google::protobuf::TextFormat::PrintToString(m.plan(), &body);
      } else {
        body = PlanTree(m.plan(), 0, &m);
      }
      std::fprintf(out_, "%s", Indent(body, prefix_ + "    ").c_str());
      return;
    }
    default: {
      auto m = NewMessage(Direction::kClientToServer, type);
      if (m && ParseMessage(payload, m.get())) {
        // Never print credentials.
        if (type == ClientMsg::SESS_AUTHENTICATE_CONTINUE ||
            type == ClientMsg::SESS_AUTHENTICATE_START) {
          Line(micros, false, sid, name);
          return;
        }
        if (type == ClientMsg::CON_CAPABILITIES_SET) {
          const auto& set =
              static_cast<const Mysqlx::Connection::CapabilitiesSet&>(*m);
          for (const auto& c : set.capabilities().capabilities()) {
            if (c.name() == "xprotocol.multiplex" &&
                AnyAsBool(c.value()).value_or(false))
              multiplex_asked_ = true;
          }
        }
        const std::string text = Short(*m);
        Line(micros, false, sid, name + (text.empty() ? "" : ": " + text));
        return;
      }
      break;
    }
  }
  Line(
      micros, false, sid,
      name + (NewMessage(Direction::kClientToServer, type) ? " (does not parse)"
                                                           : ""));
}

void StreamPrinter::Reply(uint64_t micros, uint8_t type, uint64_t sid,
                          std::string_view payload) {
  Pending& p = pending_[sid];
  auto elapsed = [&] {
    const uint64_t us = micros >= p.started ? micros - p.started : 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(us) / 1000);
    return std::string(buf);
  };
  switch (type) {
    case ServerMsg::RESULTSET_COLUMN_META_DATA:
      ++p.columns;
      return;
    case ServerMsg::RESULTSET_ROW:
      ++p.rows;
      p.bytes += payload.size();
      return;
    case ServerMsg::RESULTSET_CHUNK: {
      ++p.chunks;
      p.bytes += payload.size();
      uint64_t rows = 0;
      std::string_view in = payload.substr(payload.empty() ? 0 : 1);
      if (GetVarint64(&in, &rows)) p.rows += rows;
      return;
    }
    case ServerMsg::TOKEN_DONE: {
      ++p.token_dones;
      Xp::Session::TokenDone m;
      (void)ParseMessage(payload, &m);
      Line(micros, true, sid,
           "TOKEN_DONE: paused after " + std::to_string(m.bytes_sent()) +
               " bytes (" + elapsed() + ")");
      return;
    }
    case ServerMsg::RESULTSET_FETCH_DONE: {
      Mysqlx::Resultset::FetchDone m;
      (void)ParseMessage(payload, &m);
      std::string text = "result: " + std::to_string(p.columns) + " columns, " +
                         std::to_string(p.rows) + " rows";
      if (p.chunks) text += " in " + std::to_string(p.chunks) + " chunks";
      text += ", " + std::to_string(p.bytes) + " bytes, " + elapsed();
      if (m.ByteSizeLong() > 0) text += "; feedback: " + Short(m);
      Line(micros, true, sid, text);
      p.columns = p.rows = p.chunks = p.bytes = 0;
      return;
    }
    case ServerMsg::NOTICE: {
      Mysqlx::Notice::Frame f;
      if (!ParseMessage(payload, &f)) break;
      std::string text = "NOTICE type " + std::to_string(f.type());
      if (f.type() == Mysqlx::Notice::Frame::SESSION_STATE_CHANGED) {
        Mysqlx::Notice::SessionStateChanged c;
        if (ParseMessage(f.payload(), &c)) text = "NOTICE " + Short(c);
      } else if (f.type() == Mysqlx::Notice::Frame::WARNING) {
        Mysqlx::Notice::Warning w;
        if (ParseMessage(f.payload(), &w)) text = "NOTICE " + Short(w);
      }
      Line(micros, true, sid, text);
      return;
    }
    case ServerMsg::ERROR: {
      ServerError e;
      (void)ParseServerError(payload, &e);
      Line(micros, true, sid,
           "ERROR " + std::to_string(e.code) + " (" + e.sql_state + "): " +
               e.msg + (e.fatal ? " [FATAL]" : "") + " (" + elapsed() + ")");
      return;
    }
    case ServerMsg::OK:
      if (multiplex_asked_) {
        // The Ok to CapabilitiesSet{xprotocol.multiplex}: 13-byte headers
        // from the next frame on, both ways.
        multiplex_asked_ = false;
        multiplexed_ = true;
        parser_[0].set_framing(frame::Framing::kMultiplexed);
        parser_[1].set_framing(frame::Framing::kMultiplexed);
      }
      Line(micros, true, sid, "OK (" + elapsed() + ")");
      return;
    case ServerMsg::SQL_STMT_EXECUTE_OK:
      Line(micros, true, sid, "STMT_EXECUTE_OK (" + elapsed() + ")");
      return;
    default:
      break;
  }
  auto m = NewMessage(Direction::kServerToClient, type);
  std::string text = MessageTypeName(Direction::kServerToClient, type);
  if (m && ParseMessage(payload, m.get())) {
    const std::string body = Short(*m);
    if (!body.empty()) text += ": " + body;
  }
  Line(micros, true, sid, text);
}

std::string CaptureRecord(bool to_client, bool multiplexed, uint32_t connection,
                          uint64_t micros, std::string_view frame) {
  std::string r;
  r.push_back(static_cast<char>((to_client ? 1 : 0) | (multiplexed ? 2 : 0)));
  for (int i = 0; i < 4; ++i)
    r.push_back(static_cast<char>((connection >> (8 * i)) & 0xff));
  for (int i = 0; i < 8; ++i)
    r.push_back(static_cast<char>((micros >> (8 * i)) & 0xff));
  const uint32_t n = static_cast<uint32_t>(frame.size());
  for (int i = 0; i < 4; ++i)
    r.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  r.append(frame);
  return r;
}

bool PrintCapture(std::string_view data, std::FILE* out,
                  const std::string& format, std::string* error) {
  std::map<uint32_t, std::unique_ptr<StreamPrinter>> printers;
  if (data.substr(0, kCaptureMagic.size()) != kCaptureMagic) {
    *error = "offset 0: expected the capture magic \"XPCAP\\x01\"";
    return false;
  }
  size_t off = kCaptureMagic.size();
  while (off < data.size()) {
    if (data.size() - off < 17) {
      *error = "offset " + std::to_string(off) +
               ": expected a 17-byte record header, " +
               std::to_string(data.size() - off) + " bytes left";
      return false;
    }
    const uint8_t flags = static_cast<uint8_t>(data[off]);
    if (flags > 3) {
      *error = "offset " + std::to_string(off) + ": unknown record flags " +
               std::to_string(flags);
      return false;
    }
    uint32_t conn = 0, n = 0;
    uint64_t micros = 0;
    for (int i = 0; i < 4; ++i)
      conn |= uint32_t{static_cast<uint8_t>(data[off + 1 + i])} << (8 * i);
    for (int i = 0; i < 8; ++i)
      micros |= uint64_t{static_cast<uint8_t>(data[off + 5 + i])} << (8 * i);
    for (int i = 0; i < 4; ++i)
      n |= uint32_t{static_cast<uint8_t>(data[off + 13 + i])} << (8 * i);
    off += 17;
    if (data.size() - off < n) {
      *error = "offset " + std::to_string(off) + ": record declares " +
               std::to_string(n) + " frame bytes, " +
               std::to_string(data.size() - off) + " left";
      return false;
    }
    FrameParser parser(
        (flags & 2) ? frame::Framing::kMultiplexed : frame::Framing::kPlain,
        UINT32_MAX);
    xp::Frame f;
    if (parser.Parse(data.substr(off, n), &f) != FrameParser::Outcome::kFrame ||
        f.wire_size != n) {
      *error = "offset " + std::to_string(off) +
               ": the record does not hold exactly one frame";
      return false;
    }
    auto& printer = printers[conn];
    if (!printer) {
      printer = std::make_unique<StreamPrinter>(
          out, format, "[" + std::to_string(conn) + "] ");
    }
    printer->set_multiplexed((flags & 2) != 0);
    printer->Frame((flags & 1) != 0, micros, f.type, f.session_id, f.payload);
    off += n;
  }
  return true;
}

// ------------------------------------------------------------------ proxy

namespace {

bool ParseAddr(const std::string& s, sockaddr_in* a) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_port = htons(static_cast<uint16_t>(std::atoi(s.c_str() + colon + 1)));
  return inet_pton(AF_INET, s.substr(0, colon).c_str(), &a->sin_addr) == 1;
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Lines of different connections do not mix: stdout is printed under it.
Mutex g_out_mu;

struct ProxyConnection {
  int client = -1, server = -1;
  Mutex mu;
  std::unique_ptr<StreamPrinter> printer XP_PT_GUARDED_BY(mu);
  bool broken XP_GUARDED_BY(mu) = false;  // stop decoding after a framing error
};

// Copies one direction until it closes, then shuts down both sockets.
void Pump(ProxyConnection* c, bool to_client) {
  const int from = to_client ? c->server : c->client;
  const int to = to_client ? c->client : c->server;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    const ssize_t n = ::recv(from, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    // Forwarded and printed under the connection's lock: a reply cannot be
    // printed before the request it answers.
    MutexLock lock(&c->mu);
    const uint64_t now = NowMicros();
    if (!WriteAll(to, buf.data(), static_cast<size_t>(n))) break;
    if (c->broken) continue;
    std::string error;
    MutexLock out(&g_out_mu);
    if (!c->printer->Feed(to_client, now,
                          std::string_view(buf.data(), static_cast<size_t>(n)),
                          &error)) {
      std::printf("(decoding stopped: %s; bytes still forwarded)\n",
                  error.c_str());
      c->broken = true;
    }
    std::fflush(stdout);
  }
  ::shutdown(c->client, SHUT_RDWR);
  ::shutdown(c->server, SHUT_RDWR);
}

}  // namespace

int RunProxy(const std::string& listen, const std::string& upstream,
             const std::string& port_file, const std::string& capture,
             const std::string& format, int max_connections) {
  sockaddr_in la, ua;
  if (!ParseAddr(listen, &la) || !ParseAddr(upstream, &ua)) {
    std::fprintf(stderr,
                 "xplan-dump: --listen and --upstream take IPv4 HOST:PORT\n");
    return 2;
  }
  const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&la), sizeof la) != 0 ||
      ::listen(lfd, 64) != 0) {
    std::fprintf(stderr, "xplan-dump: cannot listen on %s: %s\n",
                 listen.c_str(), std::strerror(errno));
    return 1;
  }
  socklen_t len = sizeof la;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&la), &len);
  const int port = ntohs(la.sin_port);
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  std::fprintf(stderr, "xplan-dump: listening on port %d, forwarding to %s\n",
               port, upstream.c_str());
  Mutex cap_mu;
  std::ofstream cap;  // written by the connections' threads under cap_mu
  if (!capture.empty()) {
    cap.open(capture, std::ios::binary | std::ios::trunc);
    if (!cap) {
      std::fprintf(stderr, "xplan-dump: cannot write %s\n", capture.c_str());
      return 1;
    }
    cap.write(kCaptureMagic.data(), kCaptureMagic.size());
    cap.flush();
  }
  std::atomic<int> ended{0};
  std::vector<std::thread> threads;
  for (int id = 1;; ++id) {
    if (max_connections > 0 && id > max_connections) break;
    const int cfd = ::accept(lfd, nullptr, nullptr);
    if (cfd < 0) break;
    auto c = std::make_shared<ProxyConnection>();
    c->client = cfd;
    c->server = ::socket(AF_INET, SOCK_STREAM, 0);
    ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(c->server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(c->server, reinterpret_cast<sockaddr*>(&ua), sizeof ua) !=
        0) {
      std::fprintf(stderr, "xplan-dump: cannot reach %s: %s\n",
                   upstream.c_str(), std::strerror(errno));
      ::close(cfd);
      ::close(c->server);
      ++ended;
      continue;
    }
    {
      MutexLock setup(&c->mu);  // no thread reads it yet
      c->printer = std::make_unique<StreamPrinter>(
          stdout, format, "[" + std::to_string(id) + "] ");
      if (cap.is_open()) {
        c->printer->on_frame = [&cap, &cap_mu, id](bool to_client,
                                                   uint64_t micros, bool mux,
                                                   std::string_view f) {
          const std::string r = CaptureRecord(
              to_client, mux, static_cast<uint32_t>(id), micros, f);
          MutexLock lock(&cap_mu);
          cap.write(r.data(), static_cast<std::streamsize>(r.size()));
          cap.flush();
        };
      }
    }
    {
      MutexLock out(&g_out_mu);
      std::printf("[%d] connection opened\n", id);
      std::fflush(stdout);
    }
    threads.emplace_back([c, id, &ended] {
      std::thread back([c] { Pump(c.get(), true); });
      Pump(c.get(), false);
      back.join();
      ::close(c->client);
      ::close(c->server);
      {
        MutexLock out(&g_out_mu);
        std::printf("[%d] connection closed\n", id);
        std::fflush(stdout);
      }
      ++ended;
    });
  }
  for (auto& t : threads) t.join();
  ::close(lfd);
  return 0;
}

}  // namespace xp::tools
