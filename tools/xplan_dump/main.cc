// xplan-dump: turns shipped plan bytes into something a person can read
// (issue 5 item 7; docs/PROTOCOL.md §9). Input: a serialized Xp.Plan.Node
// or Xp.Plan.ExecPlan as raw bytes, hex or base64 text (a file or stdin).
// Output: an indented operator tree (default), JSON, or protobuf text.
// Bad input gets an error naming the byte offset and what was expected.
//   xplan-dump [--format=tree|json|text] [--input=auto|raw|hex|base64] FILE
// (Captured frame streams and the --listen proxy are still to come.)
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
#include "plan/expr.h"
#include "plan/logical.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

DEFINE_string(format, "tree", "tree | json | text");
DEFINE_string(input, "auto", "auto | raw | hex | base64");

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
      *v |= uint64_t{b & 0x7f} << shift;
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

std::string ValueText(const P::Value& v) {
  if (v.has_param()) return "?" + std::to_string(v.param());
  if (v.has_i()) return std::to_string(v.i());
  if (v.has_u()) return std::to_string(v.u());
  if (v.has_d()) return std::to_string(v.d());
  if (v.has_s()) return "'" + v.s() + "'";
  if (v.has_decimal())
    return "DECIMAL(scale " + std::to_string(v.decimal_scale()) + ")";
  return "NULL";
}

std::string ExprText(const P::Expr& e) {
  if (e.op() == 0)
    return e.has_param() ? "?" + std::to_string(e.param())
                         : ValueText(e.value());
  if (e.op() == 1) return "#" + std::to_string(e.column());
  constexpr uint32_t kOps = static_cast<uint32_t>(xp::plan::ExprOp::kLike) + 1;
  constexpr uint32_t kFuncs = static_cast<uint32_t>(xp::plan::Func::kNow) + 1;
  const auto op = static_cast<xp::plan::ExprOp>(e.op());
  std::string name =
      e.op() < kOps ? xp::plan::ExprOpName(op) : "op" + std::to_string(e.op());
  if (op == xp::plan::ExprOp::kFunc) {
    name = e.func() < kFuncs
               ? xp::plan::FuncName(static_cast<xp::plan::Func>(e.func()))
               : "func" + std::to_string(e.func());
  }
  if (e.args_size() == 2 && op >= xp::plan::ExprOp::kAdd &&
      op <= xp::plan::ExprOp::kXor)
    return "(" + ExprText(e.args(0)) + " " + name + " " + ExprText(e.args(1)) +
           ")";
  std::string out = name + "(";
  for (int i = 0; i < e.args_size(); ++i)
    out += (i ? ", " : "") + ExprText(e.args(i));
  return out + ")";
}

std::string KeyText(const P::Key& k) {
  std::string out = "(";
  for (int i = 0; i < k.values_size(); ++i)
    out += (i ? ", " : "") + ValueText(k.values(i));
  return out + ")";
}

void Tree(const P::Node& n, int depth, std::string* out) {
  std::string line(static_cast<size_t>(depth) * 2, ' ');
  constexpr uint32_t kKinds =
      static_cast<uint32_t>(xp::plan::NodeKind::kUnionAll) + 1;
  line +=
      n.kind() < kKinds
          ? xp::plan::NodeKindName(static_cast<xp::plan::NodeKind>(n.kind()))
          : "kind" + std::to_string(n.kind());
  if (n.has_table()) {
    line += " " + n.table().database() + "." + n.table().name() + " [";
    for (int i = 0; i < n.columns_size(); ++i)
      line += (i ? ", #" : "#") + std::to_string(n.columns(i));
    line += "] v" + std::to_string(n.table().version());
  }
  if (n.has_index()) line += " index=" + std::to_string(n.index());
  if (n.keys_size()) {
    line += " keys=";
    for (int i = 0; i < n.keys_size(); ++i)
      line += (i ? ", " : "") + KeyText(n.keys(i));
  }
  if (n.has_lower() || n.has_upper()) {
    line +=
        std::string(" ") +
        (n.has_lower()
             ? (n.lower().inclusive() ? "[" : "(") + KeyText(n.lower().key())
             : "(-inf") +
        " .. " +
        (n.has_upper()
             ? KeyText(n.upper().key()) + (n.upper().inclusive() ? "]" : ")")
             : "+inf)");
  }
  if (n.reverse()) line += " reverse";
  if (n.has_predicate()) line += " " + ExprText(n.predicate());
  for (int i = 0; i < n.exprs_size(); ++i)
    line += (i ? ", " : " ") + ExprText(n.exprs(i));
  if (n.group_columns_size() || n.aggs_size()) {
    line += " group=[";
    for (int i = 0; i < n.group_columns_size(); ++i)
      line += (i ? ", #" : "#") + std::to_string(n.group_columns(i));
    line += "] aggs=" + std::to_string(n.aggs_size()) +
            " mode=" + std::to_string(n.agg_mode());
  }
  for (int i = 0; i < n.sort_keys_size(); ++i)
    line += (i ? ", #" : " #") + std::to_string(n.sort_keys(i).column()) +
            (n.sort_keys(i).desc() ? " DESC" : "");
  if (n.has_limit()) line += " limit=" + std::to_string(n.limit());
  if (n.offset()) line += " offset=" + std::to_string(n.offset());
  for (int i = 0; i < n.probe_keys_size(); ++i)
    line += " #" + std::to_string(n.probe_keys(i)) + " = build#" +
            std::to_string(n.build_keys(i));
  if (n.rows_size()) line += " rows=" + std::to_string(n.rows_size());
  *out += line + "\n";
  for (const auto& c : n.children()) Tree(c, depth + 1, out);
}

}  // namespace

int main(int argc, char** argv) {
  gflags::SetUsageMessage(
      "Prints a shipped plan (Xp.Plan.Node or Xp.Plan.ExecPlan; raw, hex or "
      "base64) as a tree, JSON or protobuf text.\n"
      "Usage: xplan-dump [--format=tree|json|text] [--input=auto|raw|hex|"
      "base64] FILE|-");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
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
    std::string out;
    if (plan != nullptr) Tree(*plan, shown == &exec ? 1 : 0, &out);
    std::printf("%s", out.c_str());
  } else {
    return Fail("--format must be tree, json or text");
  }
  return 0;
}
