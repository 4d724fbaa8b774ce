// A cluster session's connections to DNs, its branches, statement
// savepoints and two-phase commit (cluster_session.h).

#include "cn/cluster_session.h"
#include "codec/sql_errors.h"

namespace xp::cn {

std::chrono::milliseconds ClusterSession::DnTimeout() const {
  const uint32_t base = store_->options().dn_timeout_ms;
  return std::chrono::milliseconds(
      gate_timeout_ms_ != 0 ? int64_t{std::min(base, gate_timeout_ms_)}
      : MayWaitForLocks()   ? base + lock_wait_ms_
                            : int64_t{base});
}

Result<DnLink*> ClusterSession::Conn(size_t dn) {
  if (!link(dn)) {
    XP_ASSIGN_OR_RETURN(std::unique_ptr<DnLink> fresh,
                        store_->Connect(dn, gate_timeout_ms_));
    SetConn(dn, std::move(fresh));
    // The DN is reachable again: commits that could not finish there do.
    store_->FinishUnfinished(dn);
    if (lock_wait_set_) XP_RETURN_IF_ERROR(SendLockWait(dn));
  }
  // Whatever goes out next must not land behind a stream's unread replies.
  if (!streams_.empty()) XP_RETURN_IF_ERROR(Unblock(dn));
  link(dn)->set_timeout(DnTimeout());
  return link(dn);
}

void ClusterSession::SetLocking(Xp::Plan::TxnContext* txn) const {
  using Txn = Xp::Plan::TxnContext;
  txn->set_lock(read_lock_ == sql::LockMode::kUpdate ? Txn::UPDATE
                                                     : Txn::SHARE);
  if (read_wait_ == sql::LockWait::kNowait) txn->set_lock_wait(Txn::NOWAIT);
  if (read_wait_ == sql::LockWait::kSkipLocked)
    txn->set_lock_wait(Txn::SKIP_LOCKED);
}

Status ClusterSession::SendLockWait(size_t dn) {
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = link(dn)->Execute(SetSessionSql(
      "innodb_lock_wait_timeout", Value(int64_t{lock_wait_ms_ / 1000})));
  return r.ok() ? Status::OK() : DnError(dn, r.status());
}

Status ClusterSession::SetLockWait(const Value& v) {
  lock_wait_ms_ = std::get<int64_t>(v) * 1000;  // validated by the engine
  lock_wait_set_ = true;
  for (size_t dn = 0; dn < store_->dn_count(); ++dn)
    if (link(dn)) XP_RETURN_IF_ERROR(SendLockWait(dn));
  return Status::OK();
}

Status ClusterSession::Settle(size_t dn) {
  while (pending_[dn] > 0 && link(dn)) {
    --pending_[dn];
    Result<StmtResult> r = link(dn)->ReadResult();
    if (!r.ok() && link(dn)->last_error().code == 0)
      return DnError(dn, r.status());  // the connection, not the statement
  }
  pending_[dn] = 0;
  return Status::OK();
}

Status ClusterSession::DnError(size_t dn, const Status& st) {
  if (st.code() == Status::Code::kAborted && link(dn)) {
    const ServerError e = link(dn)->last_error();
    if (e.code != 0) {
      if (e.fatal) DropLink(dn);
      return store_->FromDn(e.code, e.sql_state, e.msg);
    }
  }
  if (st.sql_code() != 0) return st;
  if (st.IsTimedOut()) store_->SetQuiet(dn, true);
  DropLink(dn);
  return Unreachable(dn, store_->options().dns[dn], st);
}

void ClusterSession::DropLink(size_t dn) {
  SetConn(dn, nullptr);
  pending_[dn] = 0;
  StreamsLost(dn);
  if (branches_[dn].active()) {
    lost_branch_ = true;
    branches_[dn] = Branch();
  }
}

Result<StmtResult> ClusterSession::Run(size_t dn, const std::string& sql) {
  XP_ASSIGN_OR_RETURN(DnLink * c, Conn(dn));
  XP_RETURN_IF_ERROR(Settle(dn));
  Result<StmtResult> r = c->Execute(sql);
  if (!r.ok()) return DnError(dn, r.status());
  return r;
}

Status ClusterSession::Pipeline(
    const std::vector<std::pair<size_t, std::vector<std::string>>>& work,
    std::vector<std::vector<StmtResult>>* results) {
  if (results != nullptr) results->assign(work.size(), {});
  Status first;
  auto note = [&](const Status& st) {
    if (first.ok() && !st.ok()) first = st;
  };
  std::vector<size_t> sent(work.size(), 0);
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    Result<DnLink*> c = Conn(dn);
    if (c.ok()) {
      Status settled = Settle(dn);
      if (!settled.ok()) c = settled;
    }
    if (!c.ok()) {
      note(c.status());
      continue;
    }
    for (const std::string& sql : work[i].second) {
      Status st = (*c)->SendExecute(sql);
      if (!st.ok()) {
        note(DnError(dn, st));
        break;
      }
      ++sent[i];
    }
  }
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    for (size_t k = 0; k < sent[i] && link(dn); ++k) {
      Result<StmtResult> r = link(dn)->ReadResult();
      if (!r.ok()) {
        note(DnError(dn, r.status()));
      } else if (results != nullptr) {
        (*results)[i].push_back(std::move(*r));
      }
    }
  }
  return first;
}

Status ClusterSession::StartBranches(const std::vector<size_t>& dns,
                                     Branch::Kind kind,
                                     std::optional<size_t> needed) {
  if (kind == Branch::Kind::kXa && xid_.empty()) SetXid(store_->NewXid());
  const std::string start = kind == Branch::Kind::kXa
                                ? XaSql(sql::XaStatement::Op::kStart, xid_)
                                : "START TRANSACTION WITH CONSISTENT SNAPSHOT";
  std::vector<std::pair<size_t, std::vector<std::string>>> work;
  for (size_t dn : dns)
    if (!branches_[dn].active()) work.push_back({dn, {start}});
  if (work.empty()) return Status::OK();
  if (needed && work.size() > 1) {
    // Connections first, outside the gate, each given the gate's bound: a
    // DN this statement does not need and that does not answer is left
    // out now.
    gate_timeout_ms_ = kGateWaitMs;
    for (auto it = work.begin(); it != work.end();) {
      Result<DnLink*> c = Conn(it->first);
      if (c.ok() || it->first == *needed) {
        ++it;
        continue;
      }
      unjoined_[it->first] = true;
      it = work.erase(it);
    }
    gate_timeout_ms_ = 0;
  }
  Status st;
  std::vector<std::vector<StmtResult>> results;
  {
    std::unique_lock<std::shared_mutex> gate(store_->commit_gate(),
                                             std::defer_lock);
    if (work.size() > 1) {
      gate.lock();
      gate_timeout_ms_ = kGateWaitMs;
    }
    st = Pipeline(work, &results);
    gate_timeout_ms_ = 0;
  }
  Status needed_st;
  for (size_t i = 0; i < work.size(); ++i) {
    const size_t dn = work[i].first;
    const bool started = results[i].size() == 1;
    if (started && link(dn)) {
      branches_[dn].kind = kind;
    } else if (needed && *needed != dn) {
      unjoined_[dn] = true;  // left out; the transaction goes on
    } else if (needed_st.ok()) {
      needed_st = st.ok() ? Status::IOError("no branch") : st;
    }
  }
  if (needed) st = needed_st;
  if (!st.ok()) {
    (void)EndBranches(false);
    return st;
  }
  return Status::OK();
}

Status ClusterSession::EnsureBranch(size_t dn, bool write, bool xa) {
  if (in_txn_) {
    if (!AnyBranch()) {
      std::vector<size_t> all;
      for (size_t d = 0; d < branches_.size(); ++d) {
        if (d != dn && store_->Quiet(d)) {
          unjoined_[d] = true;
        } else {
          all.push_back(d);
        }
      }
      XP_RETURN_IF_ERROR(StartBranches(all, Branch::Kind::kXa, dn));
    }
    if (!branches_[dn].active() && unjoined_[dn]) {
      return SqlError(
          ER_CONNECT_TO_FOREIGN_DATA_SOURCE,
          "Unable to connect to foreign data source: data node " +
              std::to_string(dn) +
              " did not answer when this transaction began, so it is not "
              "part of it; ROLLBACK and retry");
    }
    if (!branches_[dn].active())
      return SqlError(ER_XA_RBROLLBACK,
                      "XA_RBROLLBACK: Transaction branch was rolled "
                      "back (data node " +
                          std::to_string(dn) + " was lost)");
  } else if (xa && !branches_[dn].active()) {
    XP_RETURN_IF_ERROR(StartBranches({dn}, Branch::Kind::kXa));
  }
  if (write) branches_[dn].wrote = true;
  return Status::OK();
}

Status ClusterSession::EndBranches(bool commit) {
  // A branch lost before the end: the transaction can only roll back. (One
  // lost in phase two is not: the decision is logged and that branch is
  // finished when its DN is back.)
  const bool lost = lost_branch_;
  if (lost) commit = false;
  bool only_plain = true;
  for (const Branch& b : branches_)
    if (b.kind == Branch::Kind::kXa) only_plain = false;
  if (only_plain && !lost) {
    // Read-only snapshots: their COMMIT goes out now and its reply is read
    // before the connection's next request (Settle), not waited for.
    for (size_t d = 0; d < branches_.size(); ++d) {
      if (branches_[d].kind != Branch::Kind::kPlain) continue;
      branches_[d] = Branch();
      if (!link(d)) continue;
      Status st = link(d)->SendExecute(commit ? "COMMIT" : "ROLLBACK");
      if (st.ok()) {
        ++pending_[d];
      } else {
        (void)DnError(d, st);
      }
    }
    return Status::OK();
  }
  const std::string xid = xid_;
  using Op = sql::XaStatement::Op;
  std::vector<std::pair<size_t, std::vector<std::string>>> one_phase;
  std::vector<size_t> writers;
  for (size_t d = 0; d < branches_.size(); ++d) {
    if (branches_[d].kind == Branch::Kind::kXa && branches_[d].wrote)
      writers.push_back(d);
  }
  const bool two_phase = commit && writers.size() > 1;
  for (size_t d = 0; d < branches_.size(); ++d) {
    const Branch& b = branches_[d];
    if (b.kind == Branch::Kind::kPlain) {
      one_phase.push_back({d, {commit ? "COMMIT" : "ROLLBACK"}});
    } else if (b.kind == Branch::Kind::kXa && !(two_phase && b.wrote)) {
      one_phase.push_back(
          {d,
           {XaSql(Op::kEnd, xid), commit ? XaSql(Op::kCommit, xid, true)
                                         : XaSql(Op::kRollback, xid)}});
    }
  }
  Status out;
  if (!two_phase) {
    out = Pipeline(one_phase);
  } else {
    out = CommitTwoPhase(xid, writers, std::move(one_phase));
  }
  for (Branch& b : branches_) b = Branch();
  SetXid("");
  lost_branch_ = false;
  if (lost && out.ok())
    return SqlError(ER_XA_RBROLLBACK,
                    "XA_RBROLLBACK: Transaction branch was rolled back "
                    "(a data node was lost); the transaction was "
                    "rolled back");
  return out;
}

// Two-phase commit of `writers` (more than one DN wrote); `one_phase`
// ends the other branches. The decision is made durable by DN 0's own
// branch when DN 0 has an XA branch: the others prepare, DN 0 inserts the
// commit_log row inside its branch and commits in one phase — the row and
// DN 0's writes are durable together, so that commit is the decision (one
// fsync round fewer than preparing DN 0 and logging apart, and no prepare
// on DN 0). Without a branch on DN 0 the decision is logged there on its
// own after every writer prepared. Either way, phase two then commits the
// prepared branches; a commit on DN 0 whose answer was lost is settled by
// ClusterStore::DecideInDoubt.
Status ClusterSession::CommitTwoPhase(
    const std::string& xid, const std::vector<size_t>& writers,
    std::vector<std::pair<size_t, std::vector<std::string>>> one_phase) {
  using Op = sql::XaStatement::Op;
  const bool dn0_decides = branches_[0].kind == Branch::Kind::kXa;
  sql::InsertStatement log = InsertInto(kSystemDb, "commit_log", {"xid"});
  log.rows.emplace_back();
  log.rows.back().push_back(ValueExpr(Value(xid)));
  const std::string log_sql = sql::ToSql(log);
  // Phase one: the writers prepare (but DN 0 when it decides: it records
  // the decision in its branch); read-only branches just end.
  std::vector<size_t> prepared;
  std::vector<std::pair<size_t, std::vector<std::string>>> prepare;
  for (auto& w : one_phase)
    if (!(dn0_decides && w.first == 0)) prepare.push_back(std::move(w));
  for (size_t d : writers) {
    if (dn0_decides && d == 0) continue;
    prepare.push_back({d, {XaSql(Op::kEnd, xid), XaSql(Op::kPrepare, xid)}});
    prepared.push_back(d);
  }
  // DN 0's branch ends here too: a COMMIT that failed with its END could
  // not be told from one that never ran.
  if (dn0_decides) prepare.push_back({0, {log_sql, XaSql(Op::kEnd, xid)}});
  Status out = Pipeline(prepare);
  if (store_->Failing("before_commit_log")) return Halt("before_commit_log");
  // Commits never overlap a consistent snapshot being taken (the store's
  // commit gate): from DN 0's commit to the end of phase two, so no
  // snapshot sees DN 0's writes without the others'.
  std::shared_lock<std::shared_mutex> gate(store_->commit_gate(),
                                           std::defer_lock);
  if (out.ok()) {
    if (dn0_decides) {
      // The decision: DN 0's branch, with the row, commits in one phase.
      gate.lock();
      gate_timeout_ms_ = kGateWaitMs;  // a hung DN 0 is in doubt, below
      out = Pipeline({{0, {XaSql(Op::kCommit, xid, true)}}});
      gate_timeout_ms_ = 0;
      if (!out.ok() && !link(0)) {
        // No answer: DN 0 may or may not have committed.
        Result<bool> committed = store_->DecideInDoubt(xid);
        if (!committed.ok()) {
          // Not even that: the prepared branches wait for DN 0 (finished
          // when it is reached again, or by the next CN's recovery).
          store_->InDoubt(xid, prepared);
          return SqlError(
              ER_ERROR_DURING_COMMIT,
              "the outcome of this COMMIT is not known: data node 0 did not "
              "answer (" +
                  out.message() +
                  "); the transaction is committed "
                  "or rolled back everywhere once it is reached again");
        }
        LOG(WARNING) << "xid " << xid << ": data node 0 did not answer its "
                     << "commit; it had " << (*committed ? "" : "not ")
                     << "committed";
        out = *committed ? Status::OK() : out;
      }
    } else {
      // The decision is durable before any branch commits: a CN that dies
      // from here on has its prepared branches committed at its restart.
      out = Run(0, log_sql).status();
    }
  }
  if (!out.ok() && dn0_decides && link(0) && branches_[0].active()) {
    // DN 0's branch did not commit (nor is it prepared): undo it. Its
    // answers do not matter (the branch may be ended, or gone with the
    // error).
    (void)Pipeline({{0, {XaSql(Op::kEnd, xid), XaSql(Op::kRollback, xid)}}});
  }
  if (store_->Failing("after_commit_log")) return Halt("after_commit_log");
  std::vector<std::pair<size_t, std::vector<std::string>>> finish;
  for (size_t d : dn0_decides ? prepared : writers)
    finish.push_back({d, {XaSql(out.ok() ? Op::kCommit : Op::kRollback, xid)}});
  Status lost_dn1;
  if (out.ok() && store_->dn_count() > 1 &&
      store_->Failing("lose_dn1_in_phase_two")) {
    // As if DN 1 went away just before its XA COMMIT.
    finish.erase(std::remove_if(finish.begin(), finish.end(),
                                [](const auto& w) { return w.first == 1; }),
                 finish.end());
    SetConn(1, nullptr);
    pending_[1] = 0;
    lost_dn1 = Status::IOError("failpoint: data node 1 lost in phase two");
  }
  if (!gate.owns_lock()) gate.lock();
  gate_timeout_ms_ = kGateWaitMs;
  Status st = Pipeline(finish);
  gate_timeout_ms_ = 0;
  gate.unlock();
  if (st.ok()) st = lost_dn1;
  if (out.ok() && !st.ok()) {
    // Committed, but not everywhere yet: the branches left prepared are
    // committed when their DN is reconnected (or at the next CN start).
    LOG(WARNING) << "xid " << xid << ": phase two failed (" << st.ToString()
                 << "); finished when the data node is back";
    store_->Unfinished(xid, dn0_decides ? prepared : writers);
  } else if (out.ok()) {
    (void)store_->ForgetCommit(xid);
  }
  return out;
}

Status ClusterSession::Halt(std::string_view point) {
  for (size_t d = 0; d < store_->dn_count(); ++d) SetConn(d, nullptr);
  pending_.assign(pending_.size(), 0);
  branches_.assign(branches_.size(), Branch());
  SetXid("");
  lost_branch_ = false;
  return Status::IOError("failpoint " + std::string(point) +
                         ": the session stopped as a crashed compute node");
}

Status ClusterSession::Commit() {
  Status st = EndBranches(true);
  in_txn_ = false;
  unjoined_.assign(unjoined_.size(), false);
  return st;
}

Status ClusterSession::Rollback() {
  Status st = EndBranches(false);
  in_txn_ = false;
  unjoined_.assign(unjoined_.size(), false);
  return st;
}

}  // namespace xp::cn
