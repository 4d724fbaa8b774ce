#include "tests/sql/slt.h"

#include <zlib.h>

#include <fstream>
#include <sstream>

namespace xp::slt {

namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) return Status::IOError("cannot open " + path);
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof(buf))) > 0) out.append(buf, n);
    const bool bad = n < 0;
    gzclose(f);
    if (bad) return Status::Corruption("bad gzip data in " + path);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::vector<Record>> ParseRecords(const std::string& text,
                                         const std::string& engine,
                                         const std::string& target) {
  auto names = [&](const std::string& w) {
    return w == engine || (!target.empty() && w == target);
  };
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back(std::move(l));
    }
  }
  std::vector<Record> out;
  size_t i = 0;
  bool skip = false;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    std::vector<std::string> w = Words(line);
    if (w[0] == "skipif") {
      if (w.size() > 1 && names(w[1])) skip = true;
      ++i;
      continue;
    }
    if (w[0] == "onlyif") {
      if (w.size() > 1 && !names(w[1])) skip = true;
      ++i;
      continue;
    }
    if (w[0] == "halt") {
      if (!skip) break;
      skip = false;
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    if (w[0] == "hash-threshold") {
      r.kind = Record::Kind::kHashThreshold;
      r.threshold = w.size() > 1 ? std::stoull(w[1]) : 0;
      ++i;
      if (!skip) out.push_back(std::move(r));
      skip = false;
      continue;
    }
    if (w[0] == "statement") {
      r.kind = (w.size() > 1 && w[1] == "error") ? Record::Kind::kStatementError
                                                 : Record::Kind::kStatementOk;
      ++i;
      while (i < lines.size() && !lines[i].empty()) {
        if (!r.sql.empty()) r.sql += "\n";
        r.sql += lines[i++];
      }
    } else if (w[0] == "query") {
      r.kind = Record::Kind::kQuery;
      r.types = w.size() > 1 ? w[1] : "";
      r.sort = w.size() > 2 ? w[2] : "nosort";
      r.label = w.size() > 3 ? w[3] : "";
      ++i;
      while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
        if (!r.sql.empty()) r.sql += "\n";
        r.sql += lines[i++];
      }
      if (i < lines.size() && lines[i] == "----") {
        ++i;
        while (i < lines.size() && !lines[i].empty()) {
          const std::string& v = lines[i++];
          std::vector<std::string> vw = Words(v);
          if (vw.size() == 5 && vw[1] == "values" && vw[2] == "hashing" &&
              vw[3] == "to") {
            r.hashed = true;
            r.hash_count = std::stoull(vw[0]);
            r.hash = vw[4];
          } else {
            r.expected.push_back(v);
          }
        }
      }
    } else {
      return Status::Corruption("line " + std::to_string(i + 1) +
                                ": unknown record '" + line + "'");
    }
    if (!skip) out.push_back(std::move(r));
    skip = false;
  }
  return out;
}

}  // namespace xp::slt
