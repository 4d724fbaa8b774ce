// xplan-dump: turns shipped plan bytes into something a person can read
// (docs/PROTOCOL.md §9, §10). Input: a serialized Xp.Plan.Node or
// Xp.Plan.ExecPlan as raw bytes, hex or base64 text (a file or stdin), or a
// capture file of frames (both directions, with times); or, with --listen,
// live traffic through a transparent proxy. Output: an indented operator
// tree (default), JSON, or protobuf text. Bad input gets an error naming
// the byte offset and what was expected.
//   xplan-dump [--format=tree|json|text] [--input=auto|raw|hex|base64|
//              capture] FILE
//   xplan-dump --listen=127.0.0.1:PORT --upstream=HOST:PORT [--capture=F]
#include <gflags/gflags.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "codec/coding.h"
#include "tools/xplan_dump/plan_text.h"
#include "tools/xplan_dump/stream.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

DEFINE_string(format, "tree", "tree | json | text");
DEFINE_string(input, "auto", "auto | raw | hex | base64 | capture");
DEFINE_string(listen, "",
              "Run as a proxy: accept clients on HOST:PORT (port 0: any "
              "free port) and print every message between them and "
              "--upstream");
DEFINE_string(upstream, "", "--listen: the server to forward to (HOST:PORT)");
DEFINE_string(capture, "",
              "--listen: also write the frames to this capture file "
              "(read it back with xplan-dump FILE)");
DEFINE_string(port_file, "", "--listen: write the bound port here");
DEFINE_int32(connections, 0,
             "--listen: exit after this many connections ended (0: never)");

namespace {

namespace P = Xp::Plan;

int Fail(const std::string& msg) {
  std::fprintf(stderr, "xplan-dump: %s\n", msg.c_str());
  return 1;
}

bool DecodeBase64(const std::string& in, std::string* out) {
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    if (std::isspace(c) || c == '=') continue;
    int d = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (d < 0) return false;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out->push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return true;
}

// Walks the protobuf wire format of `in` (nested messages are not known
// here, so length-delimited fields are only bounds-checked) and reports the
// first malformed spot.
bool CheckWire(std::string_view in, size_t base, std::string* error) {
  size_t off = 0;
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (off >= in.size()) return false;
      const uint8_t b = static_cast<uint8_t>(in[off++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (off < in.size()) {
    const size_t at = base + off;
    uint64_t tag;
    if (!varint(&tag)) {
      *error = "offset " + std::to_string(at) + ": truncated field tag";
      return false;
    }
    const uint32_t wire = tag & 7;
    if ((tag >> 3) == 0) {
      *error = "offset " + std::to_string(at) + ": field number 0";
      return false;
    }
    uint64_t v;
    switch (wire) {
      case 0:
        if (!varint(&v)) {
          *error = "offset " + std::to_string(at) +
                   ": truncated varint of field " + std::to_string(tag >> 3);
          return false;
        }
        break;
      case 1:
      case 5: {
        const size_t n = wire == 1 ? 8 : 4;
        if (in.size() - off < n) {
          *error = "offset " + std::to_string(at) + ": field " +
                   std::to_string(tag >> 3) + " needs " + std::to_string(n) +
                   " bytes, " + std::to_string(in.size() - off) + " left";
          return false;
        }
        off += n;
        break;
      }
      case 2:
        if (!varint(&v)) {
          *error = "offset " + std::to_string(at) +
                   ": truncated length of field " + std::to_string(tag >> 3);
          return false;
        }
        if (v > in.size() - off) {
          *error = "offset " + std::to_string(at) + ": field " +
                   std::to_string(tag >> 3) + " declares " + std::to_string(v) +
                   " bytes, " + std::to_string(in.size() - off) + " left";
          return false;
        }
        off += v;
        break;
      default:
        *error = "offset " + std::to_string(at) + ": wire type " +
                 std::to_string(wire) + " is not a protobuf wire type";
        return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "Prints a shipped plan (Xp.Plan.Node or Xp.Plan.ExecPlan; raw, hex or "
      "base64) as a tree, JSON or protobuf text; prints a capture file of "
      "frames; or runs as a proxy printing live traffic.\n"
      "Usage: xplan-dump [--format=tree|json|text] [--input=auto|raw|hex|"
      "base64|capture] FILE|-\n"
      "       xplan-dump --listen=127.0.0.1:PORT --upstream=HOST:PORT "
      "[--capture=FILE]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  if (!FLAGS_listen.empty()) {
    if (FLAGS_upstream.empty() || argc != 1) {
      std::fprintf(stderr,
                   "xplan-dump: --listen needs --upstream and no "
                   "input file\n");
      return 2;
    }
    return xp::tools::RunProxy(FLAGS_listen, FLAGS_upstream, FLAGS_port_file,
                               FLAGS_capture, FLAGS_format, FLAGS_connections);
  }
  if (argc != 2) {
    std::fprintf(stderr, "xplan-dump: one input file (or -) expected\n");
    return 2;
  }
  std::string data;
  if (std::string(argv[1]) == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream f(argv[1], std::ios::binary);
    if (!f) return Fail(std::string("cannot read ") + argv[1]);
    data.assign(std::istreambuf_iterator<char>(f), {});
  }
  std::string mode = FLAGS_input;
  if (mode == "capture" ||
      (mode == "auto" && data.compare(0, xp::tools::kCaptureMagic.size(),
                                      xp::tools::kCaptureMagic) == 0)) {
    std::string error;
    if (!xp::tools::PrintCapture(data, stdout, FLAGS_format, &error))
      return Fail("capture: " + error);
    return 0;
  }
  if (mode == "auto") {
    bool hex = !data.empty(), b64 = !data.empty();
    for (unsigned char c : data) {
      hex &= std::isxdigit(c) || std::isspace(c);
      b64 &= std::isalnum(c) || c == '+' || c == '/' || c == '=' ||
             std::isspace(c);
    }
    mode = hex ? "hex" : b64 ? "base64" : "raw";
  }
  std::string bytes;
  if (mode == "hex") {
    std::string digits;
    for (char c : data) {
      if (!std::isspace(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    if (!xp::FromHex(digits, &bytes))
      return Fail("input is not hex (odd digit count or a non-hex digit)");
  } else if (mode == "base64") {
    if (!DecodeBase64(data, &bytes)) return Fail("input is not base64");
  } else if (mode == "raw") {
    bytes = std::move(data);
  } else {
    return Fail("--input must be auto, raw, hex or base64");
  }
  std::string error;
  if (!CheckWire(bytes, 0, &error))
    return Fail("not a protobuf message: " + error);
  // A bare Node starts with field 1 as a varint (its kind); an ExecPlan
  // with field 1 length-delimited (its plan) or another field.
  const bool is_node = !bytes.empty() && static_cast<uint8_t>(bytes[0]) == 0x08;
  P::ExecPlan exec;
  P::Node node;
  const P::Node* plan = nullptr;
  google::protobuf::Message* shown = nullptr;
  if (!is_node && exec.ParseFromString(bytes)) {
    if (!exec.has_plan() && !exec.has_plan_digest())
      return Fail(
          "offset 0: expected an Xp.Plan.Node (field 1, a varint) or "
          "an Xp.Plan.ExecPlan with a plan or a digest");
    plan = exec.has_plan() ? &exec.plan() : nullptr;
    shown = &exec;
  } else if (node.ParseFromString(bytes)) {
    plan = &node;
    shown = &node;
  } else {
    if (is_node) {
      node.ParsePartialFromString(bytes);
    } else {
      exec.ParsePartialFromString(bytes);
    }
    return Fail("offset " + std::to_string(bytes.size()) +
                ": the message ends without its required fields (" +
                (is_node ? node.InitializationErrorString()
                         : exec.InitializationErrorString()) +
                ")");
  }
  if (FLAGS_format == "json") {
    std::string out;
    google::protobuf::util::JsonPrintOptions o;
    o.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(*shown, &out, o);
    std::printf("%s", out.c_str());
  } else if (FLAGS_format == "text") {
    std::string out;
    google::protobuf::TextFormat::PrintToString(*shown, &out);
    std::printf("%s", out.c_str());
  } else if (FLAGS_format == "tree") {
    if (shown == &exec) {
      std::printf("ExecPlan digest=%s parameters=%d\n",
                  xp::ToHex(exec.plan_digest()).c_str(),
                  exec.parameters_size());
    }
    if (plan != nullptr) {
      std::printf("%s", xp::tools::PlanTree(*plan, shown == &exec ? 1 : 0,
                                            shown == &exec ? &exec : nullptr)
                            .c_str());
    }
  } else {
    return Fail("--format must be tree, json or text");
  }
  return 0;
}
