// sqllogictest runner over the in-memory engine (plan/exec/local_engine.h).
// Prints one line per file with pass counts; statements the engine does not
// support yet (MySQL 1235) are counted separately from wrong answers.
//   slt_runner [--require-all] [--verbose] [--reasons] [--known FILE]
//              [--set STATEMENT] FILE...
// --require-all: exit 1 unless every record passes or is a listed known
//   failure that still fails the listed way (for CI);
// --known FILE: known failures, one per line as
//   - `<path suffix>:<line>` error <code>: <why>
//   - `<path suffix>:<line>` unsupported: <why>
//   (tests/sql/KNOWN_FAILURES.md); a known record that passes is reported
//   as "fixed" and counts as a failure, so the list stays true.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

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
  size_t passed = 0, failed = 0, unsupported = 0, known = 0;
};

struct Known {
  std::string path_suffix;
  int line = 0;
  uint32_t code = 0;  // 1235 for "unsupported"
};

struct Options {
  bool verbose = false;
  std::map<std::string, size_t>* reasons = nullptr;  // --reasons
  std::vector<Known> known;
  std::vector<std::string> setup;  // --set: run first on every engine
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses the list lines of KNOWN_FAILURES.md; other lines are prose.
bool LoadKnown(const char* file, std::vector<Known>* out) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("- `", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    if (end == std::string::npos) continue;
    const std::string where = line.substr(3, end - 3);
    const size_t colon = where.rfind(':');
    if (colon == std::string::npos) continue;
    Known k;
    k.path_suffix = where.substr(0, colon);
    k.line = std::atoi(where.c_str() + colon + 1);
    const std::string rest = line.substr(end + 1);
    if (rest.find(" unsupported") == 0) {
      k.code = 1235;
    } else if (rest.find(" error ") == 0) {
      k.code = static_cast<uint32_t>(std::atoi(rest.c_str() + 7));
    } else {
      continue;
    }
    out->push_back(k);
  }
  return true;
}

const Known* FindKnown(const Options& o, const std::string& path, int line) {
  for (const Known& k : o.known) {
    if (k.line == line && EndsWith(path, k.path_suffix)) return &k;
  }
  return nullptr;
}

Counts RunFile(const std::string& path, const Options& o) {
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
  for (const auto& sql : o.setup) {
    auto r = engine.Execute(sql);
    if (!r.ok()) {
      std::fprintf(stderr, "--set %s: %s\n", sql.c_str(),
                   r.status().ToString().c_str());
      ++n.failed;
      return n;
    }
  }
  uint64_t threshold = 0;
  for (const auto& r : *records) {
    if (r.kind == xp::slt::Record::Kind::kHashThreshold) {
      threshold = r.threshold;
      continue;
    }
    auto result = engine.Execute(r.sql);
    const uint32_t code = result.ok() ? 0 : result.status().sql_code();
    std::string why;
    const bool unsupported =
        code == 1235 && r.kind != xp::slt::Record::Kind::kStatementError;
    if (unsupported) {
      why = result.status().ToString();
      if (o.reasons != nullptr)
        ++(*o.reasons)[result.status().message().substr(0, 60)];
    } else if (r.kind == xp::slt::Record::Kind::kStatementOk) {
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
    const Known* known = FindKnown(o, path, r.line);
    if (known != nullptr) {
      if (!why.empty() && code == known->code) {
        ++n.known;
        continue;
      }
      why = why.empty()
                ? "fixed: passes but is listed as a known failure"
                : "fails differently from its known-failure entry: " + why;
    } else if (why.empty()) {
      ++n.passed;
      continue;
    }
    if (unsupported && known == nullptr) {
      ++n.unsupported;
    } else {
      ++n.failed;
    }
    if (o.verbose) {
      std::printf("  %s:%d: %s\n    %s\n", path.c_str(), r.line, r.sql.c_str(),
                  why.c_str());
    }
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  bool require_all = false;
  Options o;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--require-all") == 0) {
      require_all = true;
    } else if (std::strcmp(argv[i], "--verbose") == 0) {
      o.verbose = true;
    } else if (std::strcmp(argv[i], "--reasons") == 0) {
      o.reasons = new std::map<std::string, size_t>();
    } else if (std::strcmp(argv[i], "--known") == 0 && i + 1 < argc) {
      if (!LoadKnown(argv[++i], &o.known)) {
        std::fprintf(stderr, "cannot read %s\n", argv[i]);
        return 2;
      }
    } else if (std::strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
      o.setup.emplace_back(argv[++i]);
    } else if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(
          "usage: slt_runner [--require-all] [--verbose] [--reasons] "
          "[--known FILE] [--set STATEMENT] FILE...\n"
          "  --require-all  exit 1 unless every record passes or fails as\n"
          "                 its --known entry says\n"
          "  --verbose      print each failing record and why\n"
          "  --reasons      count unsupported statements by message\n"
          "  --known FILE   known failures (tests/sql/KNOWN_FAILURES.md)\n"
          "  --set STMT     run STMT first on every file's engine, e.g.\n"
          "                 \"SET xp_disabled_passes = 'access_path'\"\n");
      return 0;
    } else {
      files.emplace_back(argv[i]);
    }
  }
  Counts total;
  for (const auto& f : files) {
    Counts c = RunFile(f, o);
    std::printf("%-60s %6zu passed %6zu failed %6zu unsupported %4zu known\n",
                f.c_str(), c.passed, c.failed, c.unsupported, c.known);
    total.passed += c.passed;
    total.failed += c.failed;
    total.unsupported += c.unsupported;
    total.known += c.known;
  }
  std::printf("TOTAL %zu passed %zu failed %zu unsupported %zu known\n",
              total.passed, total.failed, total.unsupported, total.known);
  if (o.reasons != nullptr) {
    std::vector<std::pair<size_t, std::string>> by_count;
    for (const auto& [m, k] : *o.reasons) by_count.emplace_back(k, m);
    std::sort(by_count.rbegin(), by_count.rend());
    for (size_t i = 0; i < by_count.size() && i < 40; ++i)
      std::printf("%8zu  %s\n", by_count[i].first, by_count[i].second.c_str());
  }
  if (require_all && (total.failed > 0 || total.unsupported > 0)) return 1;
  return 0;
}
