#include "cn/cluster_store.h"

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"

namespace xp::cn {

Result<std::vector<DnEndpoint>> ParseDnList(std::string_view list) {
  std::vector<DnEndpoint> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(start, end - start);
    const size_t colon = item.rfind(':');
    if (item.empty() || colon == std::string_view::npos || colon == 0)
      return Status::InvalidArgument("--dn: expected HOST:PORT, got '" +
                                     std::string(item) + "'");
    DnEndpoint ep;
    ep.host = std::string(item.substr(0, colon));
    const std::string port(item.substr(colon + 1));
    char* e = nullptr;
    const long p = std::strtol(port.c_str(), &e, 10);
    if (port.empty() || *e != '\0' || p <= 0 || p > 65535)
      return Status::InvalidArgument("--dn: bad port in '" + std::string(item) +
                                     "'");
    ep.port = static_cast<uint16_t>(p);
    out.push_back(ep);
    start = end + 1;
  }
  if (out.empty()) return Status::InvalidArgument("--dn: no data node given");
  return out;
}

size_t PartitionOf(const std::vector<Value>& key,
                   const std::vector<DataType>& types, size_t partitions) {
  std::string bytes;
  for (size_t i = 0; i < key.size(); ++i) HashBytes(key[i], types[i], &bytes);
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  h ^= h >> 29;
  return partitions == 0 ? 0 : static_cast<size_t>(h % partitions);
}

// ------------------------------------------------------------------- store

namespace {
// The account and TLS settings of the links to the DNs.
ClientOptions DnClientOptions(const ClusterOptions& c) {
  ClientOptions o;
  o.user = c.user;
  o.password = c.password;
  o.ssl_mode = c.ssl_mode;
  o.ssl_ca = c.ssl_ca;
  return o;
}
}  // namespace

ClusterStore::ClusterStore(ClusterOptions options)
    : options_(std::move(options)),
      connector_(
          options_.connector
              ? options_.connector
              : ClientConnector(options_.dns, DnClientOptions(options_))),
      admin_(options_.dns.size()) {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "xcn-%08x-", rd());
  xid_prefix_ = buf;
  quiet_until_ms_ =
      std::make_unique<std::atomic<int64_t>[]>(options_.dns.size());
  for (size_t i = 0; i < options_.dns.size(); ++i) quiet_until_ms_[i] = 0;
}

namespace {
int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

bool ClusterStore::Quiet(size_t dn) const {
  const int64_t until = quiet_until_ms_[dn].load(std::memory_order_relaxed);
  return until != 0 && SteadyMs() < until;
}

void ClusterStore::SetQuiet(size_t dn, bool quiet) const {
  // Quiet for 5 s: long enough that a hung DN costs other transactions
  // nothing, short enough that one that answers again is used again soon.
  quiet_until_ms_[dn].store(quiet ? SteadyMs() + 5000 : 0,
                            std::memory_order_relaxed);
}

ClusterStore::~ClusterStore() {
  detector_.reset();  // its thread first: it uses the store's connector
  if (lease_thread_.joinable()) {
    {
      MutexLock lock(&lease_mu_);
      lease_stop_ = true;
    }
    lease_cv_.notify_all();
    lease_thread_.join();
  }
  // A clean stop hands the cluster over at once.
  if (lease_conn_) {
    std::vector<sql::ExprPtr> key;
    key.push_back(IntegerExpr(1));
    key.push_back(ValueExpr(Value(lease_owner_)));
    (void)lease_conn_->Execute(DeleteSql(
        kSystemDb, "cn_lease",
        KeyMatch({"id", "owner"}, std::move(key), sql::BinaryOp::kEq)));
  }
}

Result<std::unique_ptr<DnLink>> ClusterStore::Connect(
    size_t dn, uint32_t timeout_ms) const {
  const std::chrono::milliseconds timeout(
      timeout_ms != 0 ? std::min(timeout_ms, options_.dn_timeout_ms)
                      : options_.dn_timeout_ms);
  ServerError err;
  Result<std::unique_ptr<DnLink>> c = connector_(dn, timeout, &err);
  if (!c.ok()) {
    if (err.code != 0)
      return Status::SqlError(err.code, err.sql_state, err.msg);
    if (c.status().IsTimedOut()) SetQuiet(dn, true);
    return Unreachable(dn, options_.dns[dn], c.status());
  }
  SetQuiet(dn, false);  // it answered (authentication is a round trip)
  return c;
}

Result<StmtResult> ClusterStore::Admin(size_t dn, const std::string& sql) {
  MutexLock lock(&admin_mu_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!admin_[dn]) {
      XP_ASSIGN_OR_RETURN(admin_[dn], Connect(dn));
    }
    Result<StmtResult> r = admin_[dn]->Execute(sql);
    if (r.ok()) return r;
    const ServerError e = admin_[dn]->last_error();
    if (r.status().code() == Status::Code::kAborted && e.code != 0)
      return FromDn(e.code, e.sql_state, e.msg);
    admin_[dn].reset();  // broken: reconnect once
    if (attempt == 1) return Unreachable(dn, options_.dns[dn], r.status());
  }
  return Status::Internal("unreachable");
}

Result<StmtResult> ClusterStore::AdminChunks(size_t dn,
                                             const std::string& sql) {
  MutexLock lock(&admin_mu_);
  if (!admin_[dn]) {
    XP_ASSIGN_OR_RETURN(admin_[dn], Connect(dn));
  }
  Xp::Plan::ExecSql req;
  req.set_stmt(sql);
  req.set_chunk_result(true);
  req.set_chunk_raw(options_.dns_in_process);
  Result<StmtResult> r = admin_[dn]->ExecuteSql(std::move(req));
  if (r.ok()) return r;
  const ServerError e = admin_[dn]->last_error();
  if (r.status().code() == Status::Code::kAborted && e.code != 0)
    return FromDn(e.code, e.sql_state, e.msg);
  admin_[dn].reset();
  return Unreachable(dn, options_.dns[dn], r.status());
}

std::string ClusterStore::NewXid() {
  return xid_prefix_ + std::to_string(++xid_counter_);
}

void ClusterStore::Unfinished(const std::string& xid,
                              const std::vector<size_t>& dns) {
  MutexLock lock(&unfinished_mu_);
  auto& left = unfinished_[xid];
  left.insert(dns.begin(), dns.end());
}

void ClusterStore::FinishUnfinished(size_t dn) {
  ResolveInDoubt();
  std::vector<std::string> xids;
  {
    MutexLock lock(&unfinished_mu_);
    for (const auto& [xid, dns] : unfinished_)
      if (dns.count(dn)) xids.push_back(xid);
  }
  for (const std::string& xid : xids) {
    Result<StmtResult> r = Admin(dn, XaSql(sql::XaStatement::Op::kCommit, xid));
    // 1397 (XAER_NOTA): that branch had committed after all.
    if (!r.ok() && r.status().sql_code() != 1397) continue;
    bool done = false;
    {
      MutexLock lock(&unfinished_mu_);
      auto it = unfinished_.find(xid);
      if (it == unfinished_.end()) continue;
      it->second.erase(dn);
      done = it->second.empty();
      if (done) unfinished_.erase(it);
    }
    LOG(INFO) << "xid " << xid << ": prepared branch on data node " << dn
              << " committed after its return";
    if (done) (void)ForgetCommit(xid);
  }
}

Result<bool> ClusterStore::DecideInDoubt(const std::string& xid) {
  sql::InsertStatement mark =
      InsertInto(kSystemDb, "commit_log", {"xid", "aborted"});
  mark.rows.emplace_back();
  mark.rows.back().push_back(ValueExpr(Value(xid)));
  mark.rows.back().push_back(ValueExpr(Value(int64_t{1})));
  Result<StmtResult> r = Admin(0, sql::ToSql(mark));
  if (r.ok()) return false;
  if (r.status().sql_code() != ER_DUP_ENTRY) return r.status();
  XP_ASSIGN_OR_RETURN(
      StmtResult row,
      Admin(0, "SELECT aborted FROM `xp_system`.`commit_log` WHERE xid = " +
                   sql::QuoteString(xid)));
  if (row.sets.empty() || row.sets[0].rows.size() != 1)
    return Status::Internal("commit_log row of " + xid + " vanished");
  return Text(row.sets[0], row.sets[0].rows[0], 0) == "0";
}

void ClusterStore::InDoubt(const std::string& xid,
                           const std::vector<size_t>& dns) {
  MutexLock lock(&unfinished_mu_);
  in_doubt_[xid].insert(dns.begin(), dns.end());
}

void ClusterStore::ResolveInDoubt() {
  std::map<std::string, std::set<size_t>> todo;
  {
    MutexLock lock(&unfinished_mu_);
    if (in_doubt_.empty()) return;
    todo = in_doubt_;
  }
  for (const auto& [xid, dns] : todo) {
    Result<bool> committed = DecideInDoubt(xid);
    if (!committed.ok()) return;  // DN 0 still cannot be asked
    {
      MutexLock lock(&unfinished_mu_);
      in_doubt_.erase(xid);
    }
    LOG(INFO) << "xid " << xid << ": in doubt, decided "
              << (*committed ? "committed" : "rolled back");
    // The branches follow now where their DN answers. One that does not:
    // a commit waits as Unfinished (done on reconnection); a rollback for
    // the next CN start (recovery finds the marker). 1397: already gone.
    std::vector<size_t> left;
    for (size_t dn : dns) {
      Result<StmtResult> r =
          Admin(dn, XaSql(*committed ? sql::XaStatement::Op::kCommit
                                     : sql::XaStatement::Op::kRollback,
                          xid));
      if (!r.ok() && r.status().sql_code() != 1397) left.push_back(dn);
    }
    if (*committed && !left.empty()) {
      Unfinished(xid, left);
    } else {
      (void)ForgetCommit(xid);
    }
  }
}

Status ClusterStore::ForgetCommit(const std::string& xid) {
  // Finished transactions leave the log in batches (a record left behind
  // by a crash is removed at the next start).
  std::vector<std::string> batch;
  {
    MutexLock lock(&forget_mu_);
    forget_.push_back(xid);
    if (forget_.size() < 64) return Status::OK();
    batch.swap(forget_);
  }
  auto in = std::make_unique<sql::Expr>();
  in->kind = sql::ExprKind::kIn;
  in->args.push_back(ColumnExpr("xid"));
  for (const std::string& x : batch) in->args.push_back(ValueExpr(Value(x)));
  return Admin(0, DeleteSql(kSystemDb, "commit_log", std::move(in))).status();
}

Result<std::unique_ptr<ClusterStore>> ClusterStore::Open(ClusterOptions o) {
  if (o.dns.empty()) return Status::InvalidArgument("no data nodes given");
  std::unique_ptr<ClusterStore> s(new ClusterStore(std::move(o)));
  for (size_t dn = 0; dn < s->dn_count(); ++dn)
    XP_RETURN_IF_ERROR(s->Admin(dn, "SELECT 1").status());
  // The lease first: nothing is written (catalog, recovery of prepared
  // branches) while another CN owns the cluster.
  XP_RETURN_IF_ERROR(
      s->Admin(0, "CREATE DATABASE IF NOT EXISTS `xp_system`").status());
  XP_RETURN_IF_ERROR(
      s->Admin(0,
               "CREATE TABLE IF NOT EXISTS `xp_system`.`cn_lease` (id INT "
               "PRIMARY KEY, owner VARCHAR(200) NOT NULL, expires_ms BIGINT "
               "NOT NULL)")
          .status());
  XP_ASSIGN_OR_RETURN(s->lease_conn_, s->Connect(0));
  {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    std::random_device rd;
    s->lease_owner_ = std::string(host) + ":" + std::to_string(getpid()) + ":" +
                      std::to_string(rd());
  }
  XP_RETURN_IF_ERROR(s->TakeLease());
  s->lease_thread_ = std::thread([p = s.get()] { p->LeaseLoop(); });
  XP_RETURN_IF_ERROR(s->Bootstrap());
  XP_RETURN_IF_ERROR(s->Recover());
  if (s->options_.deadlock_check_ms > 0) {
    ClusterStore* p = s.get();
    s->detector_ = std::make_unique<DeadlockDetector>(
        s->dn_count(), [p](size_t dn) { return p->Connect(dn); },
        [p] { return p->open_txns_.load() >= 2; });
    s->detector_->Start(
        std::chrono::milliseconds(s->options_.deadlock_check_ms));
  }
  return s;
}

namespace {
// A lease owner ("host:pid:nonce") that was a process on this host which no
// longer exists: its lease is free before it expires (a CN killed and
// started again need not wait). Another host's owner is never "gone".
bool OwnerGone(const std::string& owner) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const size_t a = owner.find(':');
  const size_t b = a == std::string::npos ? a : owner.find(':', a + 1);
  if (b == std::string::npos || owner.compare(0, a, host) != 0) return false;
  const long pid = std::strtol(owner.c_str() + a + 1, nullptr, 10);
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0) return errno == ESRCH;
  // A killed process nobody reaped yet is a zombie: it holds nothing.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)),
                   std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() &&
         (text[paren + 2] == 'Z' || text[paren + 2] == 'X');
}

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Status ClusterStore::TakeLease() {
  DnLink* c = lease_conn_.get();
  if (c == nullptr) {
    XP_ASSIGN_OR_RETURN(lease_conn_, Connect(0));
    c = lease_conn_.get();
  }
  auto fail = [&](const Status& st) {
    (void)c->Execute("ROLLBACK");
    if (st.code() == Status::Code::kAborted && c->last_error().code != 0)
      return FromDn(c->last_error().code, c->last_error().sql_state,
                    c->last_error().msg);
    lease_conn_.reset();  // reconnect next time
    return st;
  };
  Result<StmtResult> r = c->Execute("BEGIN");
  if (!r.ok()) return fail(r.status());
  r = c->Execute(
      "SELECT owner, expires_ms FROM `xp_system`.`cn_lease` WHERE id = 1 FOR "
      "UPDATE");
  if (!r.ok()) return fail(r.status());
  const int64_t now = WallMs();
  if (!r->sets.empty() && !r->sets[0].rows.empty()) {
    const ResultSet& set = r->sets[0];
    const std::string owner = Text(set, set.rows[0], 0);
    const int64_t expires = std::stoll(Text(set, set.rows[0], 1));
    if (owner != lease_owner_ && expires > now && !OwnerGone(owner)) {
      (void)c->Execute("ROLLBACK");
      return SqlError(
          ER_UNKNOWN_ERROR,
          "another compute node holds the cluster's catalog lease (owner '" +
              owner + "', " + std::to_string(expires - now) +
              " ms left): only one xcn may run on these data nodes; stop it, "
              "or wait until its lease expires after it died");
    }
  }
  r = c->Execute("REPLACE INTO `xp_system`.`cn_lease` VALUES (1, " +
                 QuoteString(lease_owner_) + ", " +
                 std::to_string(now + options_.lease_ms) + ")");
  if (!r.ok()) return fail(r.status());
  r = c->Execute("COMMIT");
  if (!r.ok()) return fail(r.status());
  return Status::OK();
}

void ClusterStore::LeaseLoop() {
  const std::chrono::milliseconds period(options_.lease_ms / 3);
  for (;;) {
    {
      MutexLock lock(&lease_mu_);
      const auto until = std::chrono::steady_clock::now() + period;
      while (!lease_stop_ && lease_cv_.wait_until(lease_mu_, until) !=
                                 std::cv_status::timeout) {
      }
      if (lease_stop_) return;
    }
    Status st = TakeLease();
    if (st.ok()) continue;
    if (st.sql_code() == 1105) {
      // Another CN took the cluster over (this one was stalled past its
      // lease): serving on would mean two CNs.
      LOG(ERROR) << "catalog lease lost: " << st.ToString() << "; stopping";
      raise(SIGTERM);
      return;
    }
    LOG(WARNING) << "catalog lease not renewed (retrying): " << st.ToString();
  }
}

Status ClusterStore::Bootstrap() {
  XP_RETURN_IF_ERROR(
      Admin(0, "CREATE DATABASE IF NOT EXISTS `xp_system`").status());
  XP_RETURN_IF_ERROR(
      Admin(0,
            "CREATE TABLE IF NOT EXISTS `xp_system`.`catalog` (seq BIGINT "
            "PRIMARY KEY, op VARCHAR(16) NOT NULL, name VARCHAR(512) NOT "
            "NULL, body TEXT)")
          .status());
  XP_RETURN_IF_ERROR(
      Admin(0,
            "CREATE TABLE IF NOT EXISTS `xp_system`.`commit_log` "
            "(xid VARCHAR(128) PRIMARY KEY, aborted TINYINT NOT NULL DEFAULT "
            "0)")
          .status());
  {
    // Clusters made before the in-doubt markers have no `aborted` column.
    Result<StmtResult> r =
        Admin(0,
              "ALTER TABLE `xp_system`.`commit_log` ADD COLUMN aborted "
              "TINYINT NOT NULL DEFAULT 0");
    if (!r.ok() && r.status().sql_code() != ER_DUP_FIELDNAME) return r.status();
  }
  XP_ASSIGN_OR_RETURN(
      StmtResult log,
      Admin(0,
            "SELECT seq, op, name, body FROM `xp_system`.`catalog` ORDER "
            "BY seq"));
  size_t entries = 0;
  // Catalogs from before physical names came from table ids name a table's
  // physical tables after the table (`t_p0`); tables logged before the
  // "format" entry keep those names (id 0), tables after it get ids.
  bool named_by_id = false;
  if (!log.sets.empty()) {
    const ResultSet& set = log.sets[0];
    for (const auto& row : set.rows) {
      log_seq_ = std::stoll(Text(set, row, 0));
      const std::string op = Text(set, row, 1);
      const std::string name = Text(set, row, 2);
      const std::string body = Text(set, row, 3);
      const size_t dot = name.find('.');
      ++entries;
      if (op == "db") {
        XP_RETURN_IF_ERROR(catalog_.CreateDatabase(name, true));
      } else if (op == "dropdb") {
        for (const std::string& t : catalog_.Tables(name))
          placements_.erase(plan::QualifiedKey(name, t));
        for (auto it = views().begin(); it != views().end();)
          it = it->first.rfind(name + ".", 0) == 0 ? views().erase(it)
                                                   : std::next(it);
        XP_RETURN_IF_ERROR(catalog_.DropDatabase(name, true));
      } else if (op == "table") {
        XP_ASSIGN_OR_RETURN(sql::StmtPtr st, sql::Parse(body));
        if (st->kind != sql::StmtKind::kCreateTable)
          return Status::Corruption("catalog entry " +
                                    std::to_string(log_seq_) +
                                    " is not CREATE TABLE");
        XP_ASSIGN_OR_RETURN(
            TableSchema schema,
            plan::BuildTableSchema(
                static_cast<const sql::CreateTableStatement&>(*st),
                name.substr(0, dot)));
        // A later entry for the same table (ALTER) keeps its id, unless it
        // names another (an ALTER that copied the table).
        auto known = placements_.find(name);
        uint64_t id = known != placements_.end() ? known->second.id
                      : named_by_id ? static_cast<uint64_t>(log_seq_)
                                    : 0;
        if (const size_t at = body.find(kIdMarker); at != std::string::npos)
          id = std::strtoull(body.c_str() + at + kIdMarker.size(), nullptr, 10);
        (void)catalog_.DropTable(schema.database, schema.name, true);
        XP_RETURN_IF_ERROR(ApplyCreateTable(std::move(schema), id));
        Placement& p = placements_[name];
        p.implicit = body.find(kImplicitMarker) != std::string::npos;
        p.global = GlobalMarkers(body);
        XP_ASSIGN_OR_RETURN(
            const TableSchema* t,
            catalog_.FindTable(name.substr(0, dot), name.substr(dot + 1)));
        for (GlobalIndex& g : p.global)
          XP_RETURN_IF_ERROR(ResolveGlobal(*t, p, &g));
        NameGlobal(*t, p);
      } else if (op == "view") {
        XP_ASSIGN_OR_RETURN(sql::StmtPtr st, sql::Parse(body));
        if (st->kind != sql::StmtKind::kCreateView)
          return Status::Corruption("catalog entry " +
                                    std::to_string(log_seq_) +
                                    " is not CREATE VIEW");
        views()[name] = std::shared_ptr<const sql::CreateViewStatement>(
            static_cast<sql::CreateViewStatement*>(st.release()));
      } else if (op == "dropview") {
        views().erase(name);
      } else if (op == "account") {
        XP_ASSIGN_OR_RETURN(exec::Account a, exec::Accounts::Decode(body));
        accounts().Put(std::move(a));
      } else if (op == "dropaccount") {
        accounts().RemoveKey(name);
      } else if (op == "format") {
        named_by_id = true;
      } else if (op == "renametable") {
        XP_RETURN_IF_ERROR(ApplyRename(name, body));
      } else if (op == "droptable") {
        placements_.erase(name);
        (void)catalog_.DropTable(name.substr(0, dot), name.substr(dot + 1),
                                 true);
      } else {
        return Status::Corruption("catalog entry " + std::to_string(log_seq_) +
                                  ": unknown op '" + op + "'");
      }
    }
  }
  if (!named_by_id)
    XP_RETURN_IF_ERROR(AppendLog("format", "physical_names", "table_id"));
  LOG(INFO) << "catalog: " << entries << " entries replayed, version "
            << log_seq_ << ", " << catalog_.Databases().size() << " databases, "
            << accounts().All().size() << " accounts";
  return Status::OK();
}

Status ClusterStore::Recover() {
  // xid -> committed, from the log: decisions and in-doubt markers.
  std::map<std::string, bool> decided;
  XP_ASSIGN_OR_RETURN(
      StmtResult log,
      Admin(0, "SELECT xid, aborted FROM `xp_system`.`commit_log`"));
  if (!log.sets.empty())
    for (const auto& row : log.sets[0].rows)
      decided[Text(log.sets[0], row, 0)] = Text(log.sets[0], row, 1) == "0";
  size_t committed = 0, rolled_back = 0;
  for (size_t dn = 0; dn < dn_count(); ++dn) {
    XP_ASSIGN_OR_RETURN(StmtResult r, Admin(dn, "XA RECOVER"));
    if (r.sets.empty()) continue;
    for (const auto& row : r.sets[0].rows) {
      const std::string xid = Text(r.sets[0], row, 3);
      if (xid.rfind("xcn-", 0) != 0) continue;
      if (!decided.count(xid)) {
        // No row: the decision may be DN 0's commit still under way for
        // the CN that died. The marker settles it either way.
        XP_ASSIGN_OR_RETURN(decided[xid], DecideInDoubt(xid));
      }
      const bool commit = decided[xid];
      XP_RETURN_IF_ERROR(
          Admin(dn, XaSql(commit ? sql::XaStatement::Op::kCommit
                                 : sql::XaStatement::Op::kRollback,
                          xid))
              .status());
      ++(commit ? committed : rolled_back);
    }
  }
  for (const auto& [xid, _] : decided) XP_RETURN_IF_ERROR(ForgetCommit(xid));
  LOG(INFO) << "recovery: " << committed << " prepared branches committed, "
            << rolled_back << " rolled back";
  return Status::OK();
}

Status ClusterStore::AppendLog(const std::string& op, const std::string& name,
                               const std::string& body) {
  const int64_t seq = log_seq_ + 1;
  sql::InsertStatement entry =
      InsertInto(kSystemDb, "catalog", {"seq", "op", "name", "body"});
  entry.rows.emplace_back();
  entry.rows.back().push_back(IntegerExpr(seq));
  for (const std::string* text : {&op, &name, &body})
    entry.rows.back().push_back(ValueExpr(Value(*text)));
  XP_RETURN_IF_ERROR(Admin(0, sql::ToSql(entry)).status());
  log_seq_ = seq;
  return Status::OK();
}

std::string GlobalIndexName(uint64_t table_id, uint32_t number, int partition) {
  return PhysicalName(table_id, -1) + "_g" + std::to_string(number) + "_p" +
         std::to_string(partition);
}

const GlobalIndex* Placement::Global(std::string_view index) const {
  for (const GlobalIndex& g : global)
    if (plan::NameEquals(g.index, index)) return &g;
  return nullptr;
}

std::string PhysicalName(uint64_t table_id, int partition) {
  DCHECK_NE(table_id, 0u);
  std::string out(kPhysicalPrefix);
  out += std::to_string(table_id);
  if (partition >= 0) out += "_p" + std::to_string(partition);
  return out;
}

Status ClusterStore::FromDn(uint32_t code, const std::string& sql_state,
                            const std::string& msg) const {
  std::string out;
  size_t at = 0;
  for (;;) {
    const size_t hit = msg.find(kPhysicalPrefix, at);
    if (hit == std::string::npos) break;
    size_t end = hit + kPhysicalPrefix.size();
    uint64_t id = 0;
    const size_t digits = end;
    while (end < msg.size() &&
           std::isdigit(static_cast<unsigned char>(msg[end])))
      id = id * 10 + static_cast<uint64_t>(msg[end++] - '0');
    std::string logical;
    if (end > digits) {
      MutexLock lock(&names_mu_);
      auto it = logical_names_.find(id);
      if (it != logical_names_.end()) logical = it->second;
    }
    if (logical.empty()) {  // not one of ours: left as it is
      out.append(msg, at, end - at);
      at = end;
      continue;
    }
    if (end + 2 < msg.size() && msg.compare(end, 2, "_g") == 0 &&
        std::isdigit(static_cast<unsigned char>(msg[end + 2]))) {
      // A global index's table: its key is the index ('t.email').
      size_t e = end + 2;
      uint32_t number = 0;
      while (e < msg.size() && std::isdigit(static_cast<unsigned char>(msg[e])))
        number = number * 10 + static_cast<uint32_t>(msg[e++] - '0');
      std::string index;
      {
        MutexLock lock(&names_mu_);
        auto it = global_names_.find({id, number});
        if (it != global_names_.end()) index = it->second;
      }
      if (!index.empty()) {
        if (e + 2 < msg.size() && msg.compare(e, 2, "_p") == 0) {
          e += 2;
          while (e < msg.size() &&
                 std::isdigit(static_cast<unsigned char>(msg[e])))
            ++e;
        }
        constexpr std::string_view kPrimary = ".PRIMARY";
        if (msg.compare(e, kPrimary.size(), kPrimary) == 0)
          e += kPrimary.size();
        out.append(msg, at, hit - at);
        out += index;
        at = e;
        continue;
      }
    }
    if (end + 2 < msg.size() && msg.compare(end, 2, "_p") == 0 &&
        std::isdigit(static_cast<unsigned char>(msg[end + 2]))) {
      end += 2;
      while (end < msg.size() &&
             std::isdigit(static_cast<unsigned char>(msg[end])))
        ++end;
    }
    out.append(msg, at, hit - at);
    out += logical;
    at = end;
  }
  out.append(msg, at, std::string::npos);
  return Status::SqlError(code, sql_state, out);
}

}  // namespace xp::cn
