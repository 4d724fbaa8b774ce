// xcli: a command-line XProtocol client. Runs SQL given with -e (or one
// statement per line on stdin) against any XProtocol server and prints the
// results as tables, with notices and errors as the server sent them;
// --plan FILE sends an ExecPlan written in protobuf text; --script FILE runs
// a conformance script (tools/xcli/script.h, docs/CONFORMANCE.md).
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "codec/coding.h"
#include "codec/xrow.h"
#include "dn/data_node.h"
#include "plan/exec/chunk.h"
#include "plan/exec/operator.h"
#include "tools/xcli/script.h"
#include "xprotocol/client.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

DEFINE_string(host, "127.0.0.1", "Server address");
DEFINE_int32(port, 33060, "Server port");
DEFINE_string(user, "root", "Account");
DEFINE_string(password, "", "Password");
DEFINE_string(schema, "", "Default schema (sent as the authzid)");
DEFINE_string(auth, "auto", "auto | MYSQL41 | SHA256_MEMORY");
DEFINE_bool(compression, false, "Negotiate lz4_message compression");
DEFINE_string(e, "",
              "Statement to run; without it, one statement per stdin line");
DEFINE_string(plan, "",
              "Send the Xp.Plan.ExecPlan in this file (protobuf text format, "
              "e.g. 'plan { kind: 1 ... } chunk_result: true') and print the "
              "result");
DEFINE_string(script, "",
              "Run this conformance script (docs/CONFORMANCE.md); exit 0 "
              "when every step holds");
DEFINE_int32(timeout_ms, 10000, "Socket timeout for replies");
DEFINE_string(embedded_dn, "",
              "Instead of connecting to --host/--port, run a data node in "
              "this process on this data directory (created when missing; "
              "account --user/--password) and talk to it over the in-memory "
              "transport (docs/PROTOCOL.md §2.1)");
DEFINE_bool(verbose, false, "--script: print each step as it runs");

namespace {

using Col = Mysqlx::Resultset::ColumnMetaData;

void PrintSet(const xp::ResultSet& rs) {
  std::vector<size_t> width(rs.columns.size());
  std::vector<std::vector<std::string>> text;
  for (size_t i = 0; i < rs.columns.size(); ++i)
    width[i] = rs.columns[i].name().size();
  for (const auto& row : rs.rows) {
    text.emplace_back();
    for (size_t i = 0; i < row.size(); ++i) {
      text.back().push_back(xp::FieldText(rs.columns[i], row[i]));
      width[i] = std::max(width[i], text.back().back().size());
    }
  }
  auto rule = [&] {
    std::string s = "+";
    for (size_t w : width) s += std::string(w + 2, '-') + "+";
    std::puts(s.c_str());
  };
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (size_t i = 0; i < cells.size(); ++i) {
      s += " " + cells[i] + std::string(width[i] - cells[i].size(), ' ') + " |";
    }
    std::puts(s.c_str());
  };
  // Columnar chunks: decoded into batches, one line per row.
  std::vector<xp::exec::Batch> batches;
  xp::Status st =
      xp::exec::DecodeChunks(rs.chunks, rs.columns.size(), &batches);
  if (!st.ok()) std::fprintf(stderr, "xcli: %s\n", st.ToString().c_str());
  for (const auto& b : batches) {
    for (size_t i = 0; i < b.num_rows(); ++i) {
      text.emplace_back();
      for (size_t c = 0; c < rs.columns.size(); ++c) {
        text.back().push_back(
            b.column(c).IsNull(i)
                ? "NULL"
                : xp::exec::CellText(b.column(c),
                                     xp::exec::ColumnType(rs.columns[c]), i));
        width[c] = std::max(width[c], text.back().back().size());
      }
    }
  }
  rule();
  std::vector<std::string> names;
  for (const auto& c : rs.columns) names.push_back(c.name());
  line(names);
  rule();
  for (const auto& r : text) line(r);
  rule();
  std::printf("%zu row%s in set\n", text.size(), text.size() == 1 ? "" : "s");
  if (rs.feedback) {
    std::printf("Feedback: %s\n", rs.feedback->ShortDebugString().c_str());
  }
}

bool Print(const xp::Result<xp::StmtResult>& r);

bool Run(xp::Client& c, const std::string& sql) {
  return Print(c.Execute(sql));
}

// --plan FILE.
bool RunPlan(xp::Client& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "xcli: cannot read %s\n", path.c_str());
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  Xp::Plan::ExecPlan req;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &req)) {
    std::fprintf(stderr,
                 "xcli: %s is not an Xp.Plan.ExecPlan in protobuf "
                 "text format\n",
                 path.c_str());
    return false;
  }
  return Print(c.ExecutePlan(std::move(req)));
}

bool Print(const xp::Result<xp::StmtResult>& r) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().message().c_str());
    return false;
  }
  for (const auto& rs : r->sets) PrintSet(rs);
  if (r->rows_affected)
    std::printf("Query OK, %llu rows affected\n",
                static_cast<unsigned long long>(*r->rows_affected));
  if (r->last_insert_id)
    std::printf("Last insert id: %llu\n",
                static_cast<unsigned long long>(*r->last_insert_id));
  for (const auto& w : r->warnings)
    std::printf("Warning %u: %s\n", w.code, w.msg.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "Command-line XProtocol client.\n"
      "Usage: xcli [--host H --port P --user U --password W] -e 'SELECT ...'\n"
      "       echo 'SELECT 1' | xcli --port 33060\n"
      "       xcli --plan plan.txt      (an Xp.Plan.ExecPlan in protobuf "
      "text)\n"
      "       xcli --script case.xcs    (a conformance script)");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  xp::ClientOptions o;
  o.timeout = std::chrono::milliseconds(FLAGS_timeout_ms);
  o.host = FLAGS_host;
  o.port = static_cast<uint16_t>(FLAGS_port);
  o.user = FLAGS_user;
  o.password = FLAGS_password;
  o.schema = FLAGS_schema;
  o.compression = FLAGS_compression;
  if (FLAGS_auth == "MYSQL41")
    o.auth = xp::ClientOptions::Auth::kMysql41;
  else if (FLAGS_auth == "SHA256_MEMORY")
    o.auth = xp::ClientOptions::Auth::kSha256Memory;
  else if (FLAGS_auth != "auto") {
    std::fprintf(stderr,
                 "xcli: --auth must be auto, MYSQL41 or SHA256_MEMORY\n");
    return 2;
  }
  std::unique_ptr<xp::dn::DataNode> node;
  if (!FLAGS_embedded_dn.empty()) {
    xp::dn::DataNodeOptions no;
    no.storage.path = FLAGS_embedded_dn;
    no.server.listen = false;
    auto users = std::make_unique<xp::InMemoryUserStore>();
    users->Add(FLAGS_user, FLAGS_password);
    auto n = xp::dn::DataNode::Open(no, std::move(users));
    if (!n.ok()) {
      std::fprintf(stderr, "xcli: %s\n", n.status().ToString().c_str());
      return 1;
    }
    node = std::move(n).value();
  }
  auto connect = [&node](const xp::ClientOptions& co, xp::ServerError* err) {
    return node ? node->ConnectInMemory(co, err) : xp::Client::Connect(co, err);
  };
  if (!FLAGS_script.empty()) {
    xp::xcli::ScriptOptions so;
    so.client = o;
    so.verbose = FLAGS_verbose;
    so.connect = connect;
    return xp::xcli::RunScript(FLAGS_script, so);
  }
  auto c = connect(o, nullptr);
  if (!c.ok()) {
    std::fprintf(stderr, "xcli: %s\n", c.status().message().c_str());
    return 1;
  }
  bool ok = true;
  if (!FLAGS_plan.empty()) {
    ok = RunPlan(**c, FLAGS_plan);
  } else if (!FLAGS_e.empty()) {
    ok = Run(**c, FLAGS_e);
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      ok = Run(**c, line) && ok;
    }
  }
  (void)(*c)->Close();
  return ok ? 0 : 1;
}
