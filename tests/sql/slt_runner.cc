// sqllogictest runner over the in-memory engine (plan/exec/local_engine.h).
// Prints one line per file with pass counts; statements the engine does not
// support yet (MySQL 1235) are counted separately from wrong answers.
//   slt_runner [--require-all] [--verbose] [--reasons] FILE...
// --require-all: exit 1 unless every record passes (for the project's own
// .test files); without it the exit code is 0 (corpus reports).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "plan/exec/local_engine.h"
#include "tests/sql/slt.h"
#include "tests/sql/slt_check.h"

namespace {

char Letter(const xp::plan::DataType& t) {
  switch (t.id) {
    case xp::plan::TypeId::kInt:
    case xp::plan::TypeId::kUInt:
      return 'I';
    case xp::plan::TypeId::kDecimal:
    case xp::plan::TypeId::kDouble:
      return 'R';
    default:
      return 'T';
  }
}

struct Counts {
  size_t passed = 0, failed = 0, unsupported = 0;
};

// --reasons: how often each "not supported" message (cut at 60 bytes) came.
std::map<std::string, size_t>* g_reasons = nullptr;

Counts RunFile(const std::string& path, bool verbose) {
  Counts n;
  auto text = xp::slt::ReadFile(path);
  if (!text.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 text.status().ToString().c_str());
    ++n.failed;
    return n;
  }
  auto records = xp::slt::ParseRecords(*text, "mysql");
  if (!records.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 records.status().ToString().c_str());
    ++n.failed;
    return n;
  }
  xp::exec::LocalEngine engine;
  uint64_t threshold = 0;
  for (const auto& r : *records) {
    if (r.kind == xp::slt::Record::Kind::kHashThreshold) {
      threshold = r.threshold;
      continue;
    }
    auto result = engine.Execute(r.sql);
    std::string why;
    if (!result.ok() && result.status().sql_code() == 1235 &&
        r.kind != xp::slt::Record::Kind::kStatementError) {
      ++n.unsupported;
      if (g_reasons != nullptr)
        ++(*g_reasons)[result.status().message().substr(0, 60)];
      continue;
    }
    if (r.kind == xp::slt::Record::Kind::kStatementOk) {
      if (!result.ok()) why = result.status().ToString();
    } else if (r.kind == xp::slt::Record::Kind::kStatementError) {
      if (result.ok()) why = "succeeded, expected an error";
    } else if (!result.ok()) {
      why = result.status().ToString();
    } else {
      xp::slt::ActualResult actual;
      for (const auto& t : result->types) actual.types.push_back(Letter(t));
      actual.rows = result->rows;
      why = xp::slt::CheckQuery(r, actual, threshold);
    }
    if (why.empty()) {
      ++n.passed;
    } else {
      ++n.failed;
      if (verbose)
        std::printf("  %s:%d: %s\n    %s\n", path.c_str(), r.line,
                    r.sql.c_str(), why.c_str());
    }
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  bool require_all = false, verbose = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--require-all") == 0) {
      require_all = true;
    } else if (std::strcmp(argv[i], "--verbose") == 0) {
      verbose = true;
    } else if (std::strcmp(argv[i], "--reasons") == 0) {
      g_reasons = new std::map<std::string, size_t>();
    } else if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(
          "usage: slt_runner [--require-all] [--verbose] [--reasons] FILE...\n"
          "  --require-all  exit 1 unless every record passes\n"
          "  --verbose      print each failing record and why\n"
          "  --reasons      count unsupported statements by message\n");
      return 0;
    } else {
      files.emplace_back(argv[i]);
    }
  }
  Counts total;
  for (const auto& f : files) {
    Counts c = RunFile(f, verbose || require_all);
    std::printf("%-60s %6zu passed %6zu failed %6zu unsupported\n", f.c_str(),
                c.passed, c.failed, c.unsupported);
    total.passed += c.passed;
    total.failed += c.failed;
    total.unsupported += c.unsupported;
  }
  std::printf("TOTAL %zu passed %zu failed %zu unsupported\n", total.passed,
              total.failed, total.unsupported);
  if (g_reasons != nullptr) {
    std::vector<std::pair<size_t, std::string>> by_count;
    for (const auto& [m, k] : *g_reasons) by_count.emplace_back(k, m);
    std::sort(by_count.rbegin(), by_count.rend());
    for (size_t i = 0; i < by_count.size() && i < 40; ++i)
      std::printf("%8zu  %s\n", by_count[i].first, by_count[i].second.c_str());
  }
  if (require_all && (total.failed > 0 || total.unsupported > 0)) return 1;
  return 0;
}
