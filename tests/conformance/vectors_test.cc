// Golden byte vectors (tests/conformance/vectors/*.vec), checked in both
// directions: protobuf text -> frame bytes must equal `hex`, and `hex` ->
// frame -> message must equal the text. One test per vector file.
// XP_REGENERATE_VECTORS=1 fills in empty `hex:` lines (review the diff!).
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "codec/coding.h"
#include "codec/frame.h"
#include "codec/lz4.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_connection.pb.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp {
namespace {

namespace fs = std::filesystem;

struct Vector {
  std::string path;
  std::string description;
  std::map<std::string, std::string> fields;
};

Vector Load(const std::string& path) {
  Vector v;
  v.path = path;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      v.description = line.substr(2);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    v.fields[line.substr(0, colon)] = value;
  }
  return v;
}

std::vector<std::string> VectorFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(XP_VECTORS_DIR)) {
    if (e.path().extension() == ".vec") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VectorTest, BothDirections) {
  Vector v = Load(GetParam());
  ASSERT_FALSE(v.description.empty()) << "every vector needs a '# ' line";
  const Direction dir = v.fields["direction"] == "client"
                            ? Direction::kClientToServer
                            : Direction::kServerToClient;
  const auto framing = v.fields["framing"] == "mux"
                           ? frame::Framing::kMultiplexed
                           : frame::Framing::kPlain;
  const uint64_t session = std::stoull(v.fields["session"]);
  const auto* enum_desc = dir == Direction::kClientToServer
                              ? Mysqlx::ClientMessages::Type_descriptor()
                              : Mysqlx::ServerMessages::Type_descriptor();
  const auto* type_value = enum_desc->FindValueByName(v.fields["type"]);
  ASSERT_NE(type_value, nullptr) << v.fields["type"];
  const uint8_t type = static_cast<uint8_t>(type_value->number());
  auto msg = NewMessage(dir, type);
  ASSERT_NE(msg, nullptr);
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(v.fields["text"],
                                                            msg.get()))
      << v.fields["text"];

  Buffer buf;
  FrameWriter w(&buf, framing);
  WriteMessage(&w, type, *msg, session);
  const std::string encoded_hex = ToHex(buf.view());

  std::string hex = v.fields["hex"];
  if (hex.empty() && std::getenv("XP_REGENERATE_VECTORS") != nullptr) {
    std::ifstream in(v.path);
    std::stringstream all;
    all << in.rdbuf();
    std::string text = all.str();
    size_t at = text.find("\nhex:");
    size_t eol = text.find('\n', at + 1);
    text = text.substr(0, at) + "\nhex: " + encoded_hex +
           (eol == std::string::npos ? "\n" : text.substr(eol));
    std::ofstream(v.path) << text;
    hex = encoded_hex;
  }
  // Encode direction.
  EXPECT_EQ(encoded_hex, hex) << v.description;

  // Decode direction.
  std::string bytes;
  ASSERT_TRUE(FromHex(hex, &bytes));
  FrameParser parser(framing);
  Frame f;
  ASSERT_EQ(parser.Parse(bytes, &f), FrameParser::Outcome::kFrame);
  EXPECT_EQ(f.wire_size, bytes.size());
  EXPECT_EQ(f.type, type);
  EXPECT_EQ(f.session_id, session);
  auto decoded = NewMessage(dir, type);
  ASSERT_TRUE(decoded->ParseFromArray(f.payload.data(),
                                      static_cast<int>(f.payload.size())));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(*decoded, *msg))
      << decoded->ShortDebugString() << " vs " << msg->ShortDebugString();
}

INSTANTIATE_TEST_SUITE_P(Golden, VectorTest, ::testing::ValuesIn(VectorFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return fs::path(info.param).stem().string();
                         });

// Frame-level vectors that are not messages: what a parser must reject.
TEST(FrameVectors, CorruptFrames) {
  FrameParser p(frame::Framing::kPlain, 1024);
  Frame f;
  // Length 0 cannot be (it must count the type byte).
  EXPECT_EQ(p.Parse(std::string("\x00\x00\x00\x00\x01", 5), &f),
            FrameParser::Outcome::kCorrupt);
  // 4097 > 1024: rejected from the 5-byte header alone.
  EXPECT_EQ(p.Parse(std::string("\x01\x10\x00\x00\x0c", 5), &f),
            FrameParser::Outcome::kCorrupt);
  EXPECT_TRUE(p.oversized());
  // A truncated frame is simply incomplete.
  EXPECT_EQ(p.Parse(std::string("\x05\x00\x00\x00\x0c\x0a", 6), &f),
            FrameParser::Outcome::kNeedMore);
  EXPECT_EQ(p.needed(), 9u);
}

}  // namespace
}  // namespace xp

namespace xp {
namespace {

// Every byte example in docs/PROTOCOL.md ("# vector: NAME" blocks) must equal
// the golden vector of that name, so the spec cannot drift from the code.
TEST(ProtocolDoc, ByteExamplesMatchVectors) {
  std::ifstream doc(XP_PROTOCOL_DOC);
  ASSERT_TRUE(doc.good()) << XP_PROTOCOL_DOC;
  std::string line, name, hex;
  int checked = 0;
  auto finish = [&] {
    if (name.empty()) return;
    Vector v = Load(std::string(XP_VECTORS_DIR) + "/" + name + ".vec");
    EXPECT_EQ(hex, v.fields["hex"]) << "docs/PROTOCOL.md example " << name;
    ++checked;
    name.clear();
    hex.clear();
  };
  while (std::getline(doc, line)) {
    if (line.rfind("# vector: ", 0) == 0) {
      name = line.substr(10);
    } else if (!name.empty() && line.rfind("```", 0) == 0) {
      finish();
    } else if (!name.empty()) {
      for (char c : line) {
        if (c != ' ') hex.push_back(c);
      }
    }
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace xp

// The plan's enumerations (node kinds, expression operators, functions,
// aggregates, modes, joins) are wire numbers: this test fails when one is
// changed, renamed or removed, or a new one is not yet recorded in the
// golden file (append it there: numbers are never reused).
TEST(PlanEnums, WireNumbersNeverChange) {
  const auto* file = Xp::Plan::ExecPlan::descriptor()->file();
  std::string now;
  for (int e = 0; e < file->enum_type_count(); ++e) {
    const auto* en = file->enum_type(e);
    if (en->name() == "Format") continue;  // the version may move on
    for (int v = 0; v < en->value_count(); ++v) {
      now += en->name() + "." + en->value(v)->name() + " = " +
             std::to_string(en->value(v)->number()) + "\n";
    }
  }
  std::ifstream in(XP_PLAN_ENUMS_GOLDEN);
  ASSERT_TRUE(in) << XP_PLAN_ENUMS_GOLDEN;
  std::string golden, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') golden += line + "\n";
  }
  EXPECT_EQ(now, golden) << "the plan enums of xprotocol_plan.proto differ "
                            "from " XP_PLAN_ENUMS_GOLDEN;
}
