// The SQL error table (codec/sql_errors.h): one entry per code, the docs'
// error table agrees with it, and no source file spells a code with its
// SQLSTATE outside it. Runs in the source tree (WORKING_DIRECTORY).

#include "codec/sql_errors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace xp {
namespace {

struct Listed {
  const char* name;
  uint32_t code;
  const char* state;
};
constexpr Listed kListed[] = {
#define XP_LISTED(name, code, state) {#name, code, state},
    XP_SQL_ERRORS(XP_LISTED)
#undef XP_LISTED
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SqlErrors, EachCodeAndNameOnce) {
  std::set<uint32_t> codes;
  std::set<std::string> names;
  for (const Listed& e : kListed) {
    EXPECT_TRUE(codes.insert(e.code).second) << e.code;
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
    EXPECT_EQ(std::string(e.state).size(), 5u) << e.name;
    EXPECT_STREQ(SqlStateOf(e.code), e.state);
  }
  EXPECT_FALSE(IsListedSqlError(9999));
  EXPECT_STREQ(SqlStateOf(9999), "HY000");
}

TEST(SqlErrors, MadeWithTheirState) {
  Status st = SqlError(ER_NO_SUCH_TABLE, "Table 'd.t' doesn't exist");
  EXPECT_EQ(st.sql_code(), 1146u);
  EXPECT_EQ(st.sql_state(), "42S02");
  st = NotSupportedYet("X");
  EXPECT_EQ(st.sql_code(), 1235u);
  EXPECT_EQ(st.sql_state(), "42000");
  EXPECT_EQ(st.message(), "This version of MySQL doesn't yet support 'X'");
}

// docs/PROTOCOL.md §8 lists the protocol's errors: each with the table's
// SQLSTATE.
TEST(SqlErrors, ProtocolDocAgrees) {
  const std::string doc = ReadFile("docs/PROTOCOL.md");
  ASSERT_FALSE(doc.empty()) << "run from the source tree";
  std::regex row(R"(\n\| (\d{4}) \| ([0-9A-Z]{5}) \|)");
  int rows = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row);
       it != std::sregex_iterator(); ++it) {
    const uint32_t code = static_cast<uint32_t>(std::stoul((*it)[1]));
    EXPECT_TRUE(IsListedSqlError(code)) << code;
    EXPECT_EQ(SqlStateOf(code), (*it)[2].str()) << code;
    ++rows;
  }
  EXPECT_GT(rows, 20);
}

// Outside tests, a code is written with its SQLSTATE only in the table:
// `1146, "42S02"` anywhere else is an error not raised through it.
TEST(SqlErrors, NoCodeSpelledWithItsStateOutsideTheTable) {
  std::regex pair(R"(\b\d{4},\s*"[0-9A-Z]{5}")");
  std::vector<std::string> found;
  for (const char* dir : {"codec", "xprotocol", "plan", "dn", "cn", "tools"}) {
    ASSERT_TRUE(std::filesystem::exists(dir)) << "run from the source tree";
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string p = f.path().string();
      if (!f.is_regular_file() || p.find("_test.cc") != std::string::npos ||
          p.find("sql_errors.h") != std::string::npos ||
          (f.path().extension() != ".cc" && f.path().extension() != ".h"))
        continue;
      const std::string text = ReadFile(f.path());
      if (std::regex_search(text, pair)) found.push_back(p);
    }
  }
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
}

}  // namespace
}  // namespace xp
