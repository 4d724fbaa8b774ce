// Remote operators: fragments sent to DNs and streamed back, global index
// lookups (cluster_session.h).

#include "cn/cluster_session.h"

namespace xp::cn {

namespace {

// Yields the batches of finished DN results in turn.
class RemoteOperator : public exec::Operator {
 public:
  using Fetch = std::function<Result<std::vector<StmtResult>>()>;
  RemoteOperator(std::vector<DataType> types, Fetch fetch)
      : types_(std::move(types)), fetch_(std::move(fetch)) {}
  const std::vector<DataType>& types() const override { return types_; }
  Result<const exec::Batch*> Next() override {
    if (fetch_) {
      // The DN requests go out at the first Next(), not when the plan is
      // lowered (EXPLAIN ANALYZE times them here).
      Fetch fetch = std::move(fetch_);
      fetch_ = nullptr;
      XP_ASSIGN_OR_RETURN(results_, fetch());
      for (const StmtResult& r : results_) {
        for (const ResultSet& set : r.sets) {
          std::vector<exec::Batch> b;
          // Batches for operators: a chunk of more than kBatchSize rows
          // (valid on the wire, never sent by xdn) is refused, not overrun.
          XP_RETURN_IF_ERROR(exec::DecodeChunks(set.chunks, types_.size(), &b,
                                                exec::kBatchSize));
          for (auto& x : b) batches_.push_back(std::move(x));
        }
      }
    }
    while (next_ < batches_.size()) {
      const exec::Batch* b = &batches_[next_++];
      if (b->num_rows() > 0) return b;
    }
    return static_cast<const exec::Batch*>(nullptr);
  }

 private:
  std::vector<DataType> types_;
  Fetch fetch_;
  std::vector<StmtResult> results_;  // owns the chunks batches borrow from
  std::vector<exec::Batch> batches_;
  size_t next_ = 0;
};

}  // namespace

// One line of EXPLAIN ANALYZE for a partition: what its DN reported.
std::string FeedbackLine(size_t dn, const std::string& table,
                         const Mysqlx::Resultset::FetchDone* f) {
  std::string line = "dn" + std::to_string(dn) + " " + table + ":";
  if (f == nullptr) return line;
  char buf[128];
  std::snprintf(buf, sizeof(buf), " rows=%llu examined=%llu time=%.3f ms",
                static_cast<unsigned long long>(f->rows_sent()),
                static_cast<unsigned long long>(f->rows_examined()),
                static_cast<double>(f->exec_time_us()) / 1000.0);
  line += buf;
  for (const std::string& idx : f->index_used()) line += " index=" + idx;
  return line;
}

// Streams a Remote node's results: its requests go out (with a byte
// credit, so each DN pauses when the CN is not reading) at the first
// Next(), then the replies are read one request after another, a chunk per
// batch. Memory stays bounded by the credit, not by the result. Requests
// it does not read to the end (a LIMIT above it was satisfied, an error)
// are killed and drained when it goes away.
class StreamingRemote : public exec::Operator {
 public:
  StreamingRemote(ClusterSession* s, ClusterSession::RemoteCall call)
      : s_(s), call_(std::move(call)) {}
  ~StreamingRemote() override;
  const std::vector<DataType>& types() const override {
    return call_.remote->types;
  }
  Result<const exec::Batch*> Next() override;
  // New requests are about to go to `dn`: the replies this stream has not
  // read yet from it are read into memory first.
  Status Unblock(size_t dn);

 private:
  struct Request {
    size_t dn, part;
    // Its replies (credit answered as they are read): done() once every
    // one is read (or buffered), or the DN's link was lost.
    ResultStream<DnLink> stream;
    std::deque<Message> buffered;  // read ahead by Unblock
    bool consumed = false;         // ... and handed on
  };
  // The next reply of request `r`: buffered, or read from its DN.
  Result<Message> NextMessage(Request& r);
  Result<Message> ReadLive(Request& r);

 public:
  // `dn`'s link was dropped: its requests' replies will never come.
  void Lost(size_t dn) {
    for (size_t i = cur_; i < reqs_.size(); ++i)
      if (reqs_[i].dn == dn) reqs_[i].stream.Abandon();
  }

 private:
  Status Fail(Request& r, std::string_view payload);

  ClusterSession* s_;
  ClusterSession::RemoteCall call_;
  bool started_ = false;
  std::vector<Request> reqs_;
  size_t cur_ = 0;
  std::string payload_;  // the chunk the batch borrows from
  exec::Batch batch_;
};

StreamingRemote::~StreamingRemote() {
  auto& streams = s_->streams_;
  streams.erase(std::remove(streams.begin(), streams.end(), this),
                streams.end());
  // Unread replies are killed where a request still runs, then drained, so
  // the connection is in step for the next request.
  std::vector<size_t> killed;
  for (size_t i = cur_; i < reqs_.size(); ++i) {
    Request& r = reqs_[i];
    if (r.stream.done()) continue;
    if (std::find(killed.begin(), killed.end(), r.dn) == killed.end()) {
      if (!r.stream.SendKill().ok()) continue;
      killed.push_back(r.dn);
    }
    Status drained = r.stream.Drain();
    if (!drained.ok()) (void)s_->DnError(r.dn, drained);  // out of step
  }
}

Result<Message> StreamingRemote::ReadLive(Request& r) {
  if (r.stream.done())
    return Status::IOError("the data node connection is gone");
  Result<Message> m = r.stream.Next();
  if (!m.ok()) return s_->DnError(r.dn, m.status());
  return m;
}

Result<Message> StreamingRemote::NextMessage(Request& r) {
  if (r.buffered.empty()) return ReadLive(r);
  Message m = std::move(r.buffered.front());
  r.buffered.pop_front();
  return m;
}

Status StreamingRemote::Unblock(size_t dn) {
  for (size_t i = cur_; i < reqs_.size(); ++i) {
    Request& r = reqs_[i];
    if (r.dn != dn) continue;
    // The rest of this request's replies, into memory.
    while (!r.stream.done()) {
      XP_ASSIGN_OR_RETURN(Message m, ReadLive(r));
      r.buffered.push_back(std::move(m));
    }
  }
  return Status::OK();
}

Result<const exec::Batch*> StreamingRemote::Next() {
  if (!started_) {
    started_ = true;
    s_->streams_.push_back(this);
    XP_ASSIGN_OR_RETURN(auto order, s_->StartRemote(call_));
    for (auto [dn, part] : order) {
      reqs_.push_back(Request{
          dn, part, ResultStream<DnLink>(s_->link(dn), call_.token), {}});
      if (s_->link(dn) == nullptr) reqs_.back().stream.Abandon();
    }
  }
  while (cur_ < reqs_.size()) {
    Request& r = reqs_[cur_];
    XP_ASSIGN_OR_RETURN(Message m, NextMessage(r));
    switch (m.type) {
      case ServerMsg::RESULTSET_CHUNK: {
        payload_ = std::move(m.payload);
        XP_RETURN_IF_ERROR(
            exec::DecodeChunk(payload_, &batch_, true, exec::kBatchSize));
        if (batch_.num_columns() != types().size())
          return Status::Corruption("a chunk of another width");
        if (batch_.num_rows() > 0) return &batch_;
        break;
      }
      case ServerMsg::RESULTSET_FETCH_DONE:
        if (s_->analyze_) {
          Mysqlx::Resultset::FetchDone f;
          const bool parsed = f.ParseFromString(m.payload);
          std::string& lines = s_->analysis_[call_.remote];
          lines +=
              (lines.empty() ? "" : "\n") +
              FeedbackLine(r.dn, call_.p->name[r.part], parsed ? &f : nullptr);
        }
        break;
      case ServerMsg::SQL_STMT_EXECUTE_OK:
        r.consumed = true;
        ++cur_;
        break;
      case ServerMsg::ERROR: {
        r.consumed = true;
        ++cur_;
        // The DN's error reaches the client unchanged (ParseServerError
        // answers Aborted for an error it read, Corruption otherwise).
        ServerError e;
        Status parsed = ParseServerError(m.payload, &e);
        if (parsed.IsCorruption())
          return Status::Corruption("unparsable error from a data node");
        return s_->store_->FromDn(e.code, e.sql_state, e.msg);
      }
      case ServerMsg::RESULTSET_ROW:
        return Status::Internal(
            "a data node sent rows where chunks were asked");
      default:
        break;  // notices, column metadata
    }
  }
  return static_cast<const exec::Batch*>(nullptr);
}

void ClusterSession::StreamsLost(size_t dn) {
  for (StreamingRemote* s : streams_) s->Lost(dn);
}

Status ClusterSession::Unblock(size_t dn) {
  // (a copy: Unblock never adds or removes streams)
  for (StreamingRemote* s : std::vector<StreamingRemote*>(streams_))
    XP_RETURN_IF_ERROR(s->Unblock(dn));
  return Status::OK();
}

Result<std::vector<std::pair<size_t, size_t>>> ClusterSession::StartRemote(
    const RemoteCall& call) {
  const Placement* p = call.p;
  // An autocommit statement reading several DNs reads them at one moment:
  // a read-only one starts a snapshot on each of them in the same round
  // trip as its requests (the commit gate is held until every START is
  // answered), a writing one takes XA branches first.
  std::unique_lock<std::shared_mutex> gate(store_->commit_gate(),
                                           std::defer_lock);
  std::vector<size_t> snapshot_dns;
  if (!in_txn_ && !AnyBranch() && stmt_dns_.size() > 1) {
    if (stmt_write_) {
      XP_RETURN_IF_ERROR(StartBranches(stmt_dns_, Branch::Kind::kXa));
    } else {
      gate.lock();
      gate_timeout_ms_ = kGateWaitMs;
      for (size_t dn : stmt_dns_) {
        XP_ASSIGN_OR_RETURN(DnLink * c, Conn(dn));
        XP_RETURN_IF_ERROR(Settle(dn));
        Status st =
            c->SendExecute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        if (!st.ok()) return DnError(dn, st);
        branches_[dn].kind = Branch::Kind::kPlain;
        snapshot_dns.push_back(dn);
      }
    }
  }
  // Branches first; then every request goes out before any answer is read:
  // the DNs work in parallel, one round trip in all.
  for (size_t dn : call.dns) XP_RETURN_IF_ERROR(EnsureBranch(dn, false));
  Status first;
  auto note = [&](const Status& st) {
    if (first.ok() && !st.ok()) first = st;
  };
  std::vector<std::pair<size_t, size_t>> order;
  for (size_t dn : call.dns) {
    Result<DnLink*> c = Conn(dn);
    if (c.ok() && !gate.owns_lock()) {
      Status settled = Settle(dn);
      if (!settled.ok()) c = settled;
    }
    if (!c.ok()) {
      note(c.status());
      continue;
    }
    Status st;
    size_t sent = 0;
    for (size_t part : call.by_dn.at(dn)) {
      const std::vector<int>* subset =
          call.keys.empty() ? nullptr : &call.keys[part];
      if (call.as_sql) {
        Xp::Plan::ExecSql req;
        req.set_stmt(ScanSql(*call.leaf, p->name[part], subset));
        req.set_chunk_result(true);
        req.set_chunk_raw(store_->options().dns_in_process);
        req.set_feedback(analyze_);
        req.set_token(call.token);
        if (read_lock_ != sql::LockMode::kNone) SetLocking(req.mutable_txn());
        st = (*c)->Send(ClientMsg::EXEC_SQL, req);
      } else {
        Xp::Plan::ExecPlan req;
        *req.mutable_plan() = call.proto;
        PatchTables(req.mutable_plan(), p->name[part]);
        if (subset != nullptr) {
          Xp::Plan::Node* l = ProtoLeaf(req.mutable_plan());
          auto all_keys = l->keys();
          l->clear_keys();
          for (int k : *subset) *l->add_keys() = all_keys.Get(k);
        }
        req.set_chunk_result(true);
        req.set_chunk_raw(store_->options().dns_in_process);
        req.set_feedback(analyze_);
        req.set_token(call.token);
        if (read_lock_ != sql::LockMode::kNone) SetLocking(req.mutable_txn());
        st = (*c)->Send(ClientMsg::EXEC_PLAN_READ, req);
      }
      if (!st.ok()) break;
      order.push_back({dn, part});
      ++sent;
    }
    if (!st.ok()) note(DnError(dn, st));
  }
  // The snapshots' STARTs come back first; only then may a commit's phase
  // two go on.
  for (size_t dn : snapshot_dns) {
    if (!link(dn)) continue;
    Result<StmtResult> r = link(dn)->ReadResult();
    if (!r.ok()) {
      note(DnError(dn, r.status()));
      branches_[dn] = Branch();
    }
  }
  if (gate.owns_lock()) {
    gate.unlock();
    gate_timeout_ms_ = 0;
    // The requests' own replies wait as long as usual.
    for (size_t dn : call.dns)
      if (link(dn)) link(dn)->set_timeout(DnTimeout());
  }
  if (!first.ok()) {
    // What did go out is answered later; read before the next request
    // (not on a link dropped since: its replies went with it).
    for (auto [dn, part] : order)
      if (link(dn) != nullptr) ++pending_[dn];
    return first;
  }
  return order;
}

Result<exec::OperatorPtr> ClusterSession::RemoteScan(
    const LogicalNode& remote) {
  const LogicalNode& fragment = *remote.children[0];
  Targets targets;
  auto known = targets_.find(&remote);
  if (known != targets_.end()) {
    targets = std::move(known->second);
    targets_.erase(known);
  } else {
    XP_ASSIGN_OR_RETURN(targets, TargetsOf(fragment));
  }
  RemoteCall call;
  call.remote = &remote;
  call.leaf = targets.leaf;
  call.p = targets.placement;
  call.parts = std::move(targets.parts);
  call.keys = std::move(targets.keys);
  call.via = targets.via;
  // A fragment that is only a scan may go as SQL text.
  call.as_sql = ship_sql_ && fragment.children.empty();
  if (!call.as_sql) XP_RETURN_IF_ERROR(plan::ToProto(fragment, &call.proto));
  // Partitions grouped by DN: one request per partition (a Get via a
  // global index: once the index has said which).
  auto group = [](RemoteCall* c) {
    c->by_dn.clear();
    c->dns.clear();
    for (size_t part : c->parts) c->by_dn[c->p->dn[part]].push_back(part);
    for (auto& [dn, _] : c->by_dn) c->dns.push_back(dn);
  };
  group(&call);
  if (call.leaf->kind != NodeKind::kGet) {
    // Scans can be big: streamed under a byte credit.
    call.token = kStreamCredit;
    return exec::OperatorPtr(
        std::make_unique<StreamingRemote>(this, std::move(call)));
  }
  // Point reads: small, answered on the DN's I/O thread; read whole.
  auto fetch =
      [this, group,
       call = std::move(call)]() mutable -> Result<std::vector<StmtResult>> {
    if (call.via != nullptr) {
      XP_RETURN_IF_ERROR(LookUpGlobal(&call));
      group(&call);
    }
    XP_ASSIGN_OR_RETURN(auto order, StartRemote(call));
    std::vector<StmtResult> results;
    Status first;
    for (auto [dn, part] : order) {
      results.emplace_back();
      if (!link(dn)) continue;
      Result<StmtResult> r = link(dn)->ReadResult();
      if (!r.ok()) {
        if (first.ok()) first = DnError(dn, r.status());
        continue;
      }
      if (analyze_) {
        const Mysqlx::Resultset::FetchDone* f = nullptr;
        for (const ResultSet& set : r->sets)
          if (set.feedback) f = &*set.feedback;
        std::string& lines = analysis_[call.remote];
        lines += (lines.empty() ? "" : "\n") +
                 FeedbackLine(dn, call.p->name[part], f);
      }
      results.back() = std::move(*r);
    }
    XP_RETURN_IF_ERROR(first);
    return results;
  };
  return exec::OperatorPtr(
      std::make_unique<RemoteOperator>(remote.types, std::move(fetch)));
}

Status ClusterSession::LookUpGlobal(RemoteCall* call) {
  const GlobalIndex& g = *call->via;
  const LogicalNode& leaf = *call->leaf;
  const TableSchema& t = *leaf.table;
  const Placement& p = *call->p;
  // The index and the rows are read at one moment: outside a transaction
  // the statement's DNs (the index's among them) start snapshots first.
  if (!in_txn_ && !AnyBranch())
    XP_RETURN_IF_ERROR(StartBranches(
        stmt_dns_, stmt_write_ ? Branch::Kind::kXa : Branch::Kind::kPlain));
  std::map<size_t, std::vector<std::string>> by_dn;
  std::map<size_t, std::vector<int>> asked;  // DN -> key of each statement
  for (size_t k = 0; k < leaf.keys.size(); ++k) {
    // The primary key of the rows with index key k, read (and locked as
    // the statement's read locks) from the index partition of the key.
    std::optional<plan::InsertRow> key = IndexKeyImage(t, g, leaf.keys[k]);
    if (!key) continue;  // matches no entry
    const plan::InsertRow& image = *key;
    XP_ASSIGN_OR_RETURN(size_t part,
                        PartitionOfImage(t, g.columns, image, g.partitions()));
    const size_t dn = g.dn[part];
    XP_RETURN_IF_ERROR(EnsureBranch(dn, false));
    std::vector<sql::ExprPtr> items;
    for (int c : p.columns)
      items.push_back(ColumnExpr(t.columns[static_cast<size_t>(c)].name));
    sql::SelectStmt q = SelectFrom(t.database, g.name[part], std::move(items),
                                   KeyWhere(t, g.columns, image));
    q.lock = read_lock_;
    by_dn[dn].push_back(sql::ToSql(q));
    asked[dn].push_back(static_cast<int>(k));
  }
  std::vector<std::pair<size_t, std::vector<std::string>>> work(by_dn.begin(),
                                                                by_dn.end());
  std::vector<std::vector<StmtResult>> results;
  XP_RETURN_IF_ERROR(Pipeline(work, &results));
  call->keys.assign(p.partitions(), {});
  for (size_t i = 0; i < work.size(); ++i) {
    const std::vector<int>& keys = asked[work[i].first];
    for (size_t s = 0; s < results[i].size() && s < keys.size(); ++s) {
      const StmtResult& r = results[i][s];
      if (r.sets.empty()) continue;
      const ResultSet& set = r.sets[0];
      // One entry for a unique key; a GLOBAL one may name rows anywhere.
      // Its columns are the partition key (the SELECT above), in order.
      for (const auto& row : set.rows) {
        XP_ASSIGN_OR_RETURN(
            size_t part,
            PartitionOfReadKey(t, p.columns, p.partitions(), [&](size_t at) {
              return Value(Text(set, row, at));
            }));
        std::vector<int>& at = call->keys[part];
        if (at.empty() || at.back() != keys[s]) at.push_back(keys[s]);
      }
    }
  }
  call->parts.clear();
  for (size_t i = 0; i < call->keys.size(); ++i)
    if (!call->keys[i].empty()) call->parts.push_back(i);
  return Status::OK();
}

}  // namespace xp::cn
