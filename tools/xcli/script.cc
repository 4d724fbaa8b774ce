#include "tools/xcli/script.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "codec/buffer.h"
#include "codec/frame.h"
#include "plan/exec/chunk.h"
#include "plan/exec/operator.h"
#include "xprotocol/client.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx.pb.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/xprotocol_session.pb.h"

namespace xp::xcli {

namespace {

// One step: the directive, its session, its argument text (the rest of the
// line, with a protobuf text body joined in) and, for `result`, the lines
// up to `end`.
struct Step {
  int line = 0;
  std::string op;
  uint64_t session = 0;
  std::string args;
  std::vector<std::string> block;
};

std::string Trim(std::string s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// Brace depth change of a line of protobuf text, ignoring quoted strings
// and comments.
int BraceDelta(const std::string& line) {
  int d = 0;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      break;
    } else if (c == '{' || c == '<') {
      ++d;
    } else if (c == '}' || c == '>') {
      --d;
    }
  }
  return d;
}

bool ParseScript(std::istream& in, std::vector<Step>* steps,
                 std::string* error) {
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    Step s;
    s.line = n;
    const size_t sp = t.find_first_of(" \t");
    std::string word = t.substr(0, sp);
    s.args = sp == std::string::npos ? "" : Trim(t.substr(sp));
    const size_t at = word.find('@');
    if (at != std::string::npos) {
      s.session = std::strtoull(word.c_str() + at + 1, nullptr, 10);
      word = word.substr(0, at);
    }
    s.op = word;
    int depth = BraceDelta(s.args);
    while (depth > 0 && std::getline(in, line)) {
      ++n;
      s.args += "\n" + line;
      depth += BraceDelta(line);
    }
    if (depth != 0) {
      *error = "line " + std::to_string(s.line) + ": unbalanced braces";
      return false;
    }
    if (s.op == "result") {
      bool closed = false;
      while (std::getline(in, line)) {
        ++n;
        if (Trim(line) == "end") {
          closed = true;
          break;
        }
        s.block.push_back(Trim(line));
      }
      if (!closed) {
        *error = "line " + std::to_string(s.line) + ": result without end";
        return false;
      }
    }
    steps->push_back(std::move(s));
  }
  return true;
}

// "NAME" or a number -> message id.
bool MessageId(const std::string& name, bool client, uint8_t* id) {
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
    const unsigned long v = std::strtoul(name.c_str(), nullptr, 10);
    if (v > 255) return false;
    *id = static_cast<uint8_t>(v);
    return true;
  }
  if (client) {
    Mysqlx::ClientMessages::Type t;
    if (!Mysqlx::ClientMessages::Type_Parse(name, &t)) return false;
    *id = static_cast<uint8_t>(t);
  } else {
    Mysqlx::ServerMessages::Type t;
    if (!Mysqlx::ServerMessages::Type_Parse(name, &t)) return false;
    *id = static_cast<uint8_t>(t);
  }
  return true;
}

bool ParseText(const std::string& text, google::protobuf::Message* m,
               std::string* error) {
  google::protobuf::TextFormat::Parser p;
  p.AllowPartialMessage(true);
  struct Collector : google::protobuf::io::ErrorCollector {
    std::string* out;
    void AddError(int line, int col, const std::string& msg) override {
      *out = "protobuf text " + std::to_string(line + 1) + ":" +
             std::to_string(col + 1) + ": " + msg;
    }
  } collector;
  collector.out = error;
  p.RecordErrorsTo(&collector);
  return p.ParseFromString(text, m);
}

class Runner {
 public:
  Runner(const ScriptOptions& o, std::string file) : o_(o), file_(file) {}

  int Run(const std::vector<Step>& steps) {
    for (const Step& s : steps) {
      if (o_.verbose) {
        std::fprintf(stderr, "%s:%d: %s%s %s\n", file_.c_str(), s.line,
                     s.op.c_str(),
                     s.session ? ("@" + std::to_string(s.session)).c_str() : "",
                     s.args.substr(0, 60).c_str());
      }
      std::string why;
      if (!Do(s, &why)) {
        std::fprintf(stderr, "%s:%d: %s: %s\n", file_.c_str(), s.line,
                     s.op.c_str(), why.c_str());
        return 1;
      }
    }
    if (client_) (void)client_->Close();
    return 0;
  }

 private:
  bool Do(const Step& s, std::string* why) {
    if (s.op == "connect") return Connect(s, why);
    if (s.op == "sleep") {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::atoi(s.args.c_str())));
      return true;
    }
    if (!client_) {
      *why = "not connected (use connect first)";
      return false;
    }
    if (s.op == "send") return Send(s, why);
    if (s.op == "raw") return Raw(s, why);
    if (s.op == "expect") return Expect(s, why);
    if (s.op == "ok") return ExpectOk(s, why);
    if (s.op == "error") return ExpectError(s, why);
    if (s.op == "sql") return Sql(s, why);
    if (s.op == "result") return Result(s, why);
    if (s.op == "feedback") return Feedback(s, why);
    if (s.op == "skip-until") return SkipUntil(s, why);
    if (s.op == "closed") return Closed(why);
    if (s.op == "drop") {  // the socket closes without Connection.Close
      client_.reset();
      return true;
    }
    if (s.op == "close") {
      Status st = client_->Close();
      client_.reset();
      if (!st.ok()) *why = st.ToString();
      return st.ok();
    }
    *why = "unknown directive";
    return false;
  }

  // connect [multiplex] [compression] [user=U] [password=P] [schema=S]
  //         [auth=MYSQL41|SHA256_MEMORY] [fails=CODE]
  bool Connect(const Step& s, std::string* why) {
    if (client_) (void)client_->Close();
    client_.reset();
    ClientOptions co = o_.client;
    uint32_t fails = 0;
    std::istringstream words(s.args);
    std::string w;
    while (words >> w) {
      const size_t eq = w.find('=');
      const std::string key = w.substr(0, eq);
      const std::string val = eq == std::string::npos ? "" : w.substr(eq + 1);
      if (key == "multiplex") {
        co.multiplex = true;
      } else if (key == "compression") {
        co.compression = true;
        co.compression_threshold = 64;
      } else if (key == "user") {
        co.user = val;
      } else if (key == "password") {
        co.password = val;
      } else if (key == "schema") {
        co.schema = val;
      } else if (key == "auth") {
        co.auth = val == "MYSQL41" ? ClientOptions::Auth::kMysql41
                                   : ClientOptions::Auth::kSha256Memory;
      } else if (key == "fails") {
        fails = static_cast<uint32_t>(std::atoi(val.c_str()));
      } else {
        *why = "unknown connect option " + w;
        return false;
      }
    }
    multiplex_ = co.multiplex;
    ServerError err;
    auto c = o_.connect ? o_.connect(co, &err) : Client::Connect(co, &err);
    if (fails != 0) {
      if (c.ok()) {
        *why = "connected, expected error " + std::to_string(fails);
        return false;
      }
      if (err.code != fails) {
        *why = "expected error " + std::to_string(fails) + ", got " +
               c.status().ToString();
        return false;
      }
      return true;
    }
    if (!c.ok()) {
      *why = c.status().ToString();
      return false;
    }
    client_ = std::move(c).value();
    return true;
  }

  // "TYPE [{ protobuf text }]" of send / expect: the message id and the
  // text between the braces. False (with *why) for an unknown TYPE.
  static bool TypeAndText(const std::string& args, bool client, uint8_t* type,
                          std::string* text, std::string* why) {
    const size_t sp = args.find_first_of(" \t\n");
    const std::string name = args.substr(0, sp);
    *text = sp == std::string::npos ? "" : Trim(args.substr(sp));
    if (!text->empty() && text->front() == '{' && text->back() == '}')
      *text = text->substr(1, text->size() - 2);
    if (MessageId(name, client, type)) return true;
    *why = std::string("unknown ") + (client ? "client" : "server") +
           " message " + name;
    return false;
  }

  // send[@S] TYPE [protobuf text]
  bool Send(const Step& s, std::string* why) {
    uint8_t type;
    std::string text;
    if (!TypeAndText(s.args, true, &type, &text, why)) return false;
    const std::string name = s.args.substr(0, s.args.find_first_of(" \t\n"));
    std::string payload;
    auto msg = NewMessage(Direction::kClientToServer, type);
    if (msg) {
      if (!ParseText(text, msg.get(), why)) return false;
      msg->SerializePartialToString(&payload);
    } else if (!Trim(text).empty()) {
      *why = "message " + name + " has no protobuf type for a body";
      return false;
    }
    Buffer out;
    FrameWriter w(&out, multiplex_ ? frame::Framing::kMultiplexed
                                   : frame::Framing::kPlain);
    w.Append(type, payload, s.session);
    return Check(client_->SendBytes(std::string_view(
                     reinterpret_cast<const char*>(out.data()), out.size())),
                 why);
  }

  // raw HEX
  bool Raw(const Step& s, std::string* why) {
    std::string bytes;
    std::string hex;
    for (char c : s.args) {
      if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
    }
    if (hex.size() % 2 != 0) {
      *why = "odd number of hex digits";
      return false;
    }
    for (size_t i = 0; i < hex.size(); i += 2)
      bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return Check(client_->SendBytes(bytes), why);
  }

  // The next message of the session (notices skipped unless wanted):
  // first those a skip-until read ahead.
  bool Next(uint64_t session, Message* m, std::string* why,
            bool keep_notices = false) {
    for (;;) {
      auto& ahead = pending_[session];
      if (!ahead.empty()) {
        Message p = std::move(ahead.front());
        ahead.pop_front();
        if (p.type == ServerMsg::NOTICE && !keep_notices) continue;
        *m = std::move(p);
        return true;
      }
      auto r = client_->Read(session);
      if (!r.ok()) {
        *why = "reading: " + r.status().ToString();
        return false;
      }
      if (r->type == ServerMsg::NOTICE && !keep_notices) continue;
      *m = std::move(*r);
      return true;
    }
  }

  static std::string Describe(const Message& m) {
    std::string s = MessageTypeName(Direction::kServerToClient, m.type);
    auto msg = NewMessage(Direction::kServerToClient, m.type);
    if (msg && ParseMessage(m.payload, msg.get())) {
      std::string text;
      google::protobuf::TextFormat::Printer p;
      p.SetSingleLineMode(true);
      p.PrintToString(*msg, &text);
      if (!text.empty()) s += " { " + Trim(text) + " }";
    }
    return s;
  }

  // expect[@S] TYPE [protobuf text]: the next message has that type and
  // every field the text sets.
  bool Expect(const Step& s, std::string* why) {
    uint8_t type;
    std::string text;
    if (!TypeAndText(s.args, false, &type, &text, why)) return false;
    const std::string name = s.args.substr(0, s.args.find_first_of(" \t\n"));
    Message m;
    if (!Next(s.session, &m, why, type == ServerMsg::NOTICE)) return false;
    if (m.type != type) {
      *why = "expected " + name + ", got " + Describe(m);
      return false;
    }
    if (Trim(text).empty()) return true;
    auto want = NewMessage(Direction::kServerToClient, type);
    auto got = NewMessage(Direction::kServerToClient, type);
    if (!want || !got) {
      *why = name + " has no protobuf body to compare";
      return false;
    }
    if (!ParseText(text, want.get(), why)) return false;
    if (!ParseMessage(m.payload, got.get())) {
      *why = "unparsable " + name;
      return false;
    }
    return Partial(*want, *got, why);
  }

  static bool Partial(const google::protobuf::Message& want,
                      const google::protobuf::Message& got, std::string* why) {
    google::protobuf::util::MessageDifferencer d;
    d.set_scope(google::protobuf::util::MessageDifferencer::PARTIAL);
    std::string report;
    d.ReportDifferencesToString(&report);
    if (d.Compare(want, got)) return true;
    *why = "got " + got.ShortDebugString() + "; differs: " + Trim(report);
    return false;
  }

  bool ExpectOk(const Step& s, std::string* why) {
    Message m;
    if (!Next(s.session, &m, why)) return false;
    if (m.type == ServerMsg::OK || m.type == ServerMsg::SQL_STMT_EXECUTE_OK)
      return true;
    *why = "expected Ok, got " + Describe(m);
    return false;
  }

  // error[@S] CODE [fatal]: the next reply is an Error with that code
  // (results before it are skipped: a statement may fail while streaming).
  bool ExpectError(const Step& s, std::string* why) {
    std::istringstream words(s.args);
    uint32_t code = 0;
    std::string fatal;
    words >> code >> fatal;
    for (;;) {
      Message m;
      if (!Next(s.session, &m, why)) return false;
      switch (m.type) {
        case ServerMsg::RESULTSET_COLUMN_META_DATA:
        case ServerMsg::RESULTSET_ROW:
        case ServerMsg::RESULTSET_CHUNK:
        case ServerMsg::TOKEN_DONE:
          continue;
        case ServerMsg::ERROR: {
          ServerError e;
          (void)ParseServerError(m.payload, &e);
          if (e.code != code || (fatal == "fatal") != e.fatal) {
            *why = "expected error " + s.args + ", got " +
                   FormatServerError(e) + (e.fatal ? " (fatal)" : "");
            return false;
          }
          return true;
        }
        default:
          *why = "expected error " + s.args + ", got " + Describe(m);
          return false;
      }
    }
  }

  // sql[@S] STATEMENT: runs it; it must succeed.
  bool Sql(const Step& s, std::string* why) {
    auto r = client_->Execute(s.args, {}, s.session);
    if (!r.ok()) *why = r.status().ToString();
    return r.ok();
  }

  // result[@S] [sorted] [chunks] [count=N], lines of space-separated
  // values (NULL for NULL), `end`: reads the reply of the request sent
  // before (credit offered on TOKEN_DONE) and compares its rows (count=N:
  // only their number).
  bool Result(const Step& s, std::string* why) {
    ResultAssembler assembler;
    for (bool done = false; !done;) {
      Message m;
      if (!Next(s.session, &m, why, true)) return false;
      if (m.type == ServerMsg::TOKEN_DONE) {
        Xp::Session::TokenOffer offer;
        offer.set_bytes(uint64_t{1} << 30);
        if (!Check(client_->Send(ClientMsg::TOKEN_OFFER, offer, s.session),
                   why))
          return false;
        continue;
      }
      switch (assembler.Add(m.type, m.payload)) {
        case ResultAssembler::Step::kMore:
          break;
        case ResultAssembler::Step::kDone:
          done = true;
          break;
        case ResultAssembler::Step::kFailed:
          *why = assembler.status().ToString();
          return false;
      }
    }
    const StmtResult* r = &assembler.result();
    if (r->sets.empty()) {
      *why = "expected a result set, got none";
      return false;
    }
    const ResultSet& rs = r->sets.back();
    last_feedback_ = rs.feedback;
    std::vector<std::string> got;
    if (s.args.find("chunks") != std::string::npos && rs.chunks.empty() &&
        !rs.columns.empty()) {
      *why = "expected RESULTSET_CHUNK messages, got rows";
      return false;
    }
    for (const auto& row : rs.rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) line += ' ';
        line += FieldText(rs.columns[i], row[i], false);
      }
      got.push_back(line);
    }
    std::vector<exec::Batch> batches;
    Status st = exec::DecodeChunks(rs.chunks, rs.columns.size(), &batches);
    if (!st.ok()) {
      *why = st.ToString();
      return false;
    }
    for (const exec::Batch& b : batches) {
      for (size_t i = 0; i < b.num_rows(); ++i) {
        std::string line;
        for (size_t c = 0; c < rs.columns.size(); ++c) {
          if (c) line += ' ';
          line += b.column(c).IsNull(i)
                      ? "NULL"
                      : exec::CellText(b.column(c),
                                       exec::ColumnType(rs.columns[c]), i);
        }
        got.push_back(line);
      }
    }
    const size_t count_at = s.args.find("count=");
    if (count_at != std::string::npos) {
      const size_t n =
          std::strtoull(s.args.c_str() + count_at + 6, nullptr, 10);
      if (got.size() == n) return true;
      *why = "expected " + std::to_string(n) + " rows, got " +
             std::to_string(got.size());
      return false;
    }
    std::vector<std::string> want = s.block;
    if (s.args.find("sorted") != std::string::npos) {
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    if (got == want) return true;
    *why = "expected " + std::to_string(want.size()) + " rows, got " +
           std::to_string(got.size()) + ":";
    for (size_t i = 0; i < std::min<size_t>(got.size(), 20); ++i)
      *why += "\n  " + got[i];
    return false;
  }

  // feedback TEXT: the last result's FetchDone feedback has these fields.
  bool Feedback(const Step& s, std::string* why) {
    if (!last_feedback_) {
      *why = "the last result had no execution feedback";
      return false;
    }
    std::string text = Trim(s.args);
    if (!text.empty() && text.front() == '{' && text.back() == '}')
      text = text.substr(1, text.size() - 2);
    Mysqlx::Resultset::FetchDone want;
    if (!ParseText(text, &want, why)) return false;
    return Partial(want, *last_feedback_, why);
  }

  // skip-until[@S] TYPE [max-bytes=N]: reads ahead until a message of TYPE
  // (consumed); those before it stay for the next directive. With
  // max-bytes, fails when more bytes came before it.
  bool SkipUntil(const Step& s, std::string* why) {
    std::istringstream words(s.args);
    std::string name, opt;
    words >> name >> opt;
    uint64_t max = UINT64_MAX;
    if (opt.rfind("max-bytes=", 0) == 0)
      max = std::strtoull(opt.c_str() + 10, nullptr, 10);
    uint8_t type;
    if (!MessageId(name, false, &type)) {
      *why = "unknown server message " + name;
      return false;
    }
    uint64_t bytes = 0;
    std::deque<Message> before;
    for (;;) {
      Message m;
      if (!Next(s.session, &m, why, true)) return false;
      if (m.type == type) break;
      if (m.type == ServerMsg::ERROR) {
        *why = "expected " + name + ", got " + Describe(m);
        return false;
      }
      bytes += 5 + m.payload.size();
      before.push_back(std::move(m));
    }
    // What came before stays for the next directive.
    for (auto& m : before) pending_[s.session].push_back(std::move(m));
    if (bytes > max) {
      *why = std::to_string(bytes) + " bytes came before " + name +
             ", more than " + std::to_string(max);
      return false;
    }
    return true;
  }

  // closed: the server closes the connection (after a FATAL error, say).
  bool Closed(std::string* why) {
    for (;;) {
      auto r = client_->Read(0);
      if (!r.ok()) break;  // EOF
      if (r->type != ServerMsg::NOTICE && r->type != ServerMsg::ERROR) {
        *why = "expected the connection to close, got " + Describe(*r);
        return false;
      }
    }
    client_.reset();
    return true;
  }

  static bool Check(const Status& st, std::string* why) {
    if (!st.ok()) *why = st.ToString();
    return st.ok();
  }

  const ScriptOptions o_;
  const std::string file_;
  std::unique_ptr<Client> client_;
  bool multiplex_ = false;
  std::optional<Mysqlx::Resultset::FetchDone> last_feedback_;
  std::map<uint64_t, std::deque<Message>> pending_;
};

}  // namespace

int RunScript(const std::string& path, const ScriptOptions& options) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "xcli: cannot read %s\n", path.c_str());
    return 2;
  }
  std::vector<Step> steps;
  std::string error;
  if (!ParseScript(in, &steps, &error)) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), error.c_str());
    return 2;
  }
  Runner r(options, path);
  return r.Run(steps);
}

}  // namespace xp::xcli
