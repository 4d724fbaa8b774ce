// sqllogictest runner over the in-memory engine (plan/session/sql_session.h)
// or, with --xdn PORT, over X Protocol against a running data node (each
// file in a database of its own, dropped afterwards).
// Prints one line per file with pass counts; statements the engine does not
// support yet (MySQL 1235) are counted separately from wrong answers.
//   slt_runner [--require-all] [--verbose] [--reasons] [--known FILE]
//              [--set STATEMENT] [--xdn PORT [--user U] [--password P]
//              [--plans]] FILE...
// --chunks: as --plans, asking for columnar RESULTSET_CHUNK results.
// --plans: every SELECT that can be a plan is planned here (on an in-memory
//   mirror of the file's tables) and sent as EXEC_PLAN_READ instead of SQL
//   (the same results either way); repeated plans go by digest.
// --require-all: exit 1 unless every record passes or is a listed known
//   failure that still fails the listed way (for CI);
// --known FILE: known failures, one per line as
//   - `<path suffix>:<line>` error <code>: <why>
//   - `<path suffix>:<line>` unsupported: <why>
//   (tests/sql/KNOWN_FAILURES.md); a known record that passes is reported
//   as "fixed" and counts as a failure, so the list stays true.
#ifdef XP_HAVE_MARIADB
#include <mysql.h>
#endif
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/exec/chunk.h"
#include "plan/exec/operator.h"
#include "plan/serde.h"
#include "plan/session/sql_session.h"
#include "tests/sql/slt.h"
#include "tests/sql/slt_check.h"
#include "xprotocol/client.h"

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
  int xdn_port = 0;                // --xdn: run on this data node
  int mysql_port = 0;              // --mysql: run on this compute node
  bool plans = false;              // --plans
  bool chunks = false;             // --chunks
  std::string user = "root", password;
};

// One file's statements go to an in-memory engine or a data node.
struct Outcome {
  std::string types;  // I, R or T per column
  std::vector<std::vector<std::optional<std::string>>> rows;
};

char XLetter(const Mysqlx::Resultset::ColumnMetaData& c) {
  using Col = Mysqlx::Resultset::ColumnMetaData;
  switch (c.type()) {
    case Col::SINT:
    case Col::UINT:
      return 'I';
    case Col::DOUBLE:
    case Col::FLOAT:
    case Col::DECIMAL:
      return 'R';
    default:
      return 'T';
  }
}

// --plans: SELECTs sent as plans, and those that went as SQL (not
// expressible as a plan: subquery expressions).
size_t g_plans_sent = 0, g_selects_as_sql = 0, g_chunked = 0;

class Target {
 public:
  virtual ~Target() = default;
  virtual xp::Result<Outcome> Run(const std::string& sql) = 0;
};

class EngineTarget : public Target {
 public:
  xp::Result<Outcome> Run(const std::string& sql) override {
    XP_ASSIGN_OR_RETURN(xp::session::QueryResult r, engine_.Execute(sql));
    Outcome o;
    for (const auto& t : r.types) o.types.push_back(Letter(t));
    o.rows = std::move(r.rows);
    return o;
  }

 private:
  xp::session::SqlSession engine_;
};

class XTarget : public Target {
 public:
  static xp::Result<std::unique_ptr<XTarget>> Open(const Options& o,
                                                   const std::string& db) {
    xp::ClientOptions co;
    co.port = static_cast<uint16_t>(o.xdn_port);
    co.user = o.user;
    co.password = o.password;
    std::unique_ptr<XTarget> t(new XTarget);
    XP_ASSIGN_OR_RETURN(t->client_, xp::Client::Connect(co));
    t->db_ = db;
    XP_RETURN_IF_ERROR(t->Run("DROP DATABASE IF EXISTS " + db).status());
    XP_RETURN_IF_ERROR(t->Run("CREATE DATABASE " + db).status());
    XP_RETURN_IF_ERROR(t->Run("USE " + db).status());
    t->plans_ = o.plans;
    t->chunks_ = o.chunks;
    if (o.plans) {
      // The DN must announce the plan format it runs (docs/PROTOCOL.md
      // §9.5) before it is sent plans.
      XP_ASSIGN_OR_RETURN(auto caps, t->client_->GetCapabilities());
      bool announced = false;
      for (const auto& c : caps.capabilities()) {
        if (c.name() != "xprotocol.plan" || !c.value().has_obj()) continue;
        for (const auto& f : c.value().obj().fld()) {
          announced |= f.key() == "format_version" &&
                       f.value().scalar().v_unsigned_int() ==
                           xp::plan::kPlanFormatVersion;
        }
      }
      if (!announced)
        return xp::Status::NotSupported(
            "the data node does not announce xprotocol.plan format 1");
    }
    return t;
  }
  ~XTarget() override {
    if (client_) (void)Run("DROP DATABASE IF EXISTS " + db_);
  }
  xp::Result<Outcome> Run(const std::string& sql) override {
    xp::Result<xp::StmtResult> r = xp::Status::OK();
    auto plan = plans_ ? mirror_.PlanBytes(sql)
                       : xp::Result<std::string>(xp::Status::NotFound(""));
    if (plan.ok()) {
      ++g_plans_sent;
      r = RunPlan(*plan);
    } else {
      if (plans_ && plan.status().sql_code() == 1235) ++g_selects_as_sql;
      r = client_->Execute(sql);
      if (plans_) (void)mirror_.Execute(sql);  // keep the mirror's tables
    }
    if (!r.ok()) {
      const xp::ServerError& e = client_->last_error();
      if (e.code != 0 && !e.fatal)
        return xp::Status::SqlError(e.code, e.sql_state, e.msg);
      return r.status();
    }
    Outcome o;
    if (r->sets.empty()) return o;
    const xp::ResultSet& rs = r->sets[0];
    for (const auto& c : rs.columns) o.types.push_back(XLetter(c));
    for (const auto& row : rs.rows) {
      std::vector<std::optional<std::string>> out;
      for (size_t i = 0; i < row.size(); ++i) {
        if (row[i].empty()) {
          out.emplace_back();
        } else {
          out.emplace_back(xp::FieldText(rs.columns[i], row[i], false));
        }
      }
      o.rows.push_back(std::move(out));
    }
    // Columnar chunks (--chunks): decoded into batches, printed like the
    // engine prints them.
    std::vector<xp::plan::DataType> types;
    for (const auto& c : rs.columns) types.push_back(xp::exec::ColumnType(c));
    if (!rs.chunks.empty()) ++g_chunked;
    std::vector<xp::exec::Batch> batches;
    XP_RETURN_IF_ERROR(
        xp::exec::DecodeChunks(rs.chunks, types.size(), &batches));
    for (const xp::exec::Batch& b : batches) {
      for (size_t i = 0; i < b.num_rows(); ++i) {
        std::vector<std::optional<std::string>> out;
        for (size_t c = 0; c < types.size(); ++c) {
          if (b.column(c).IsNull(i)) {
            out.emplace_back();
          } else {
            out.emplace_back(xp::exec::CellText(b.column(c), types[c], i));
          }
        }
        o.rows.push_back(std::move(out));
      }
    }
    return o;
  }

 private:
  // EXEC_PLAN_READ of a serialized plan: the digest alone when this
  // connection sent the plan before, the whole plan after a cache miss.
  xp::Result<xp::StmtResult> RunPlan(const std::string& bytes) {
    Xp::Plan::ExecPlan req;
    req.set_format_version(xp::plan::kPlanFormatVersion);
    if (chunks_) req.set_chunk_result(true);
    const std::string digest = xp::plan::Digest(bytes);
    req.set_plan_digest(digest);
    const bool known = digests_.count(digest) > 0;
    if (!known && !req.mutable_plan()->ParseFromString(bytes))
      return xp::Status::Internal("unparsable plan bytes");
    XP_RETURN_IF_ERROR(client_->Send(xp::ClientMsg::EXEC_PLAN_READ, req));
    auto r = client_->ReadResult();
    if (!r.ok() && known &&
        client_->last_error().code == xp::ER_XP_PLAN_CACHE_MISS) {
      digests_.erase(digest);
      return RunPlan(bytes);
    }
    if (r.ok()) digests_.insert(digest);
    return r;
  }

  std::unique_ptr<xp::Client> client_;
  std::string db_;
  bool plans_ = false;
  bool chunks_ = false;
  xp::session::SqlSession mirror_;  // --plans: plans are made here
  std::set<std::string> digests_;
};

#ifdef XP_HAVE_MARIADB
// A MySQL-protocol server (xcn) through libmariadb, text protocol.
class MysqlTarget : public Target {
 public:
  static xp::Result<std::unique_ptr<MysqlTarget>> Open(const Options& o,
                                                       const std::string& db) {
    std::unique_ptr<MysqlTarget> t(new MysqlTarget);
    t->db_ = db;
    t->mysql_ = mysql_init(nullptr);
    if (mysql_real_connect(
            t->mysql_, "127.0.0.1", o.user.c_str(), o.password.c_str(), nullptr,
            static_cast<unsigned>(o.mysql_port), nullptr, 0) == nullptr)
      return xp::Status::IOError(std::string("connect: ") +
                                 mysql_error(t->mysql_));
    XP_RETURN_IF_ERROR(t->Run("DROP DATABASE IF EXISTS " + db).status());
    XP_RETURN_IF_ERROR(t->Run("CREATE DATABASE " + db).status());
    XP_RETURN_IF_ERROR(t->Run("USE " + db).status());
    return t;
  }
  ~MysqlTarget() override {
    if (mysql_ != nullptr) {
      (void)Run("DROP DATABASE IF EXISTS " + db_);
      mysql_close(mysql_);
    }
  }
  xp::Result<Outcome> Run(const std::string& sql) override {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return Error();
    Outcome o;
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (res == nullptr) {
      // No result set, or one that ended in an error.
      if (mysql_errno(mysql_) == 0) return o;
      return Error();
    }
    const unsigned n = mysql_num_fields(res);
    MYSQL_FIELD* fields = mysql_fetch_fields(res);
    for (unsigned i = 0; i < n; ++i) {
      switch (fields[i].type) {
        case MYSQL_TYPE_TINY:
        case MYSQL_TYPE_SHORT:
        case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_INT24:
        case MYSQL_TYPE_LONGLONG:
          o.types.push_back('I');
          break;
        case MYSQL_TYPE_DECIMAL:
        case MYSQL_TYPE_NEWDECIMAL:
        case MYSQL_TYPE_FLOAT:
        case MYSQL_TYPE_DOUBLE:
          o.types.push_back('R');
          break;
        default:
          o.types.push_back('T');
      }
    }
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      unsigned long* lengths = mysql_fetch_lengths(res);
      std::vector<std::optional<std::string>> out;
      for (unsigned i = 0; i < n; ++i) {
        if (row[i] == nullptr) {
          out.emplace_back();
        } else {
          out.emplace_back(std::string(row[i], lengths[i]));
        }
      }
      o.rows.push_back(std::move(out));
    }
    mysql_free_result(res);
    return o;
  }

 private:
  // The connection's last error: the server's, or IOError for a client-side
  // one (2000 and up: the connection is gone).
  xp::Status Error() {
    const unsigned code = mysql_errno(mysql_);
    if (code >= 2000) return xp::Status::IOError(mysql_error(mysql_));
    return xp::Status::SqlError(code, mysql_sqlstate(mysql_),
                                mysql_error(mysql_));
  }

  MYSQL* mysql_ = nullptr;
  std::string db_;
};
#endif

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
  auto records = xp::slt::ParseRecords(*text, "mysql",
                                       o.mysql_port != 0 ? "xcn"
                                       : o.xdn_port != 0 ? "xdn"
                                                         : "memory");
  if (!records.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 records.status().ToString().c_str());
    ++n.failed;
    return n;
  }
  std::unique_ptr<Target> engine;
  // A server target: every file in a fresh database "test" (what the
  // in-memory engine starts in, so EXPLAIN output names the same tables).
  auto open = [&](auto opened) {
    if (!opened.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(),
                   opened.status().ToString().c_str());
      ++n.failed;
      return false;
    }
    engine = std::move(*opened);
    return true;
  };
#ifdef XP_HAVE_MARIADB
  if (o.mysql_port != 0) {
    if (!open(MysqlTarget::Open(o, "test"))) return n;
  } else
#endif
      if (o.xdn_port != 0) {
    if (!open(XTarget::Open(o, "test"))) return n;
  } else {
    engine = std::make_unique<EngineTarget>();
  }
  for (const auto& sql : o.setup) {
    auto r = engine->Run(sql);
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
    auto result = engine->Run(r.sql);
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
      actual.types = result->types;
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
    } else if (std::strcmp(argv[i], "--xdn") == 0 && i + 1 < argc) {
      o.xdn_port = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--mysql") == 0 && i + 1 < argc) {
      o.mysql_port = std::atoi(argv[++i]);
#ifndef XP_HAVE_MARIADB
      std::fprintf(stderr, "--mysql: built without libmariadb\n");
      return 2;
#endif
    } else if (std::strcmp(argv[i], "--plans") == 0) {
      o.plans = true;
    } else if (std::strcmp(argv[i], "--chunks") == 0) {
      o.plans = o.chunks = true;
    } else if (std::strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
      o.user = argv[++i];
    } else if (std::strcmp(argv[i], "--password") == 0 && i + 1 < argc) {
      o.password = argv[++i];
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
          "                 \"SET xp_disabled_passes = 'access_path'\"\n"
          "  --xdn PORT     run on the data node at 127.0.0.1:PORT over X\n"
          "                 Protocol (--user, default root; --password)\n"
          "  --mysql PORT   run on the MySQL-protocol server (xcn) at\n"
          "                 127.0.0.1:PORT through libmariadb\n"
          "  --plans        with --xdn: SELECTs go as plans "
          "(EXEC_PLAN_READ)\n"
          "  --chunks       as --plans, results as columnar chunks\n");
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
  if (o.plans) {
    std::printf(
        "plans: %zu SELECTs sent as EXEC_PLAN_READ, %zu as SQL "
        "(subquery expressions); %zu results came as chunks\n",
        g_plans_sent, g_selects_as_sql, g_chunked);
    // --chunks must really have been answered with chunks.
    if (o.chunks && g_plans_sent > 0 && g_chunked == 0) return 1;
  }
  if (o.reasons != nullptr) {
    std::vector<std::pair<size_t, std::string>> by_count;
    for (const auto& [m, k] : *o.reasons) by_count.emplace_back(k, m);
    std::sort(by_count.rbegin(), by_count.rend());
    for (size_t i = 0; i < by_count.size() && i < 40; ++i)
      std::printf("%8zu  %s\n", by_count[i].first, by_count[i].second.c_str());
  }
  if (require_all && (total.failed > 0 || total.unsupported > 0)) return 1;
  // A run that checked nothing (no files, or files without records) proves
  // nothing: it must not pass.
  if (total.passed + total.failed + total.unsupported + total.known == 0) {
    std::fprintf(stderr, "slt_runner: no records were run\n");
    return 1;
  }
  return 0;
}
