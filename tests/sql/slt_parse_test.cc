// Parses every statement and query of the sqllogictest corpus that runs on
// MySQL (../shared/corpora/sqllogictest) with plan/sql, checks that the
// canonical print of each parses back to the same print, and prints
// per-file counts. Statements the corpus expects to fail are not required to
// parse. Corpus root: $XP_SLT_CORPUS, default ../shared/corpora/sqllogictest.
#include <gtest/gtest.h>

#include <filesystem>

#include "plan/sql/parser.h"
#include "plan/sql/printer.h"
#include "tests/sql/slt.h"

namespace xp {
namespace {

namespace fs = std::filesystem;

std::string CorpusRoot() {
  if (const char* env = std::getenv("XP_SLT_CORPUS")) return env;
  return XP_DEFAULT_SLT_CORPUS;
}

TEST(SltParse, EveryMysqlStatementParses) {
  const std::string root = CorpusRoot();
  if (!fs::exists(root)) GTEST_FAIL() << "corpus not found at " << root;
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() &&
        e.path().string().find(".test") != std::string::npos) {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  size_t total = 0, failed = 0;
  for (const auto& f : files) {
    auto text = slt::ReadFile(f);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    auto records = slt::ParseRecords(*text, "mysql");
    ASSERT_TRUE(records.ok()) << f << ": " << records.status().ToString();
    size_t n = 0, bad = 0;
    for (const auto& r : *records) {
      if (r.kind == slt::Record::Kind::kHashThreshold ||
          r.kind == slt::Record::Kind::kStatementError) {
        continue;
      }
      ++n;
      auto p = sql::Parse(r.sql);
      if (p.ok()) {
        // The canonical print must parse back to the same print.
        const std::string printed = sql::ToSql(**p);
        auto again = sql::Parse(printed);
        if (!again.ok() || sql::ToSql(**again) != printed) {
          ++bad;
          if (bad <= 3) {
            ADD_FAILURE() << fs::relative(f, root).string() << ":" << r.line
                          << ": round trip failed for " << r.sql
                          << "\n  printed: " << printed << "\n  "
                          << (again.ok() ? sql::ToSql(**again)
                                         : again.status().ToString());
          }
        }
        continue;
      }
      {
        ++bad;
        if (bad <= 3) {
          ADD_FAILURE() << fs::relative(f, root).string() << ":" << r.line
                        << ": " << r.sql << "\n  " << p.status().ToString();
        }
      }
    }
    total += n;
    failed += bad;
    std::printf("%-60s %7zu parsed %5zu failed\n",
                fs::relative(f, root).c_str(), n - bad, bad);
  }
  std::printf("TOTAL %zu statements, %zu failed to parse\n", total, failed);
  EXPECT_EQ(failed, 0u);
  EXPECT_GT(total, 10000u);
}

}  // namespace
}  // namespace xp
