#include "cn/txn/deadlock.h"

#include <glog/logging.h>

#include <algorithm>
#include <map>
#include <utility>

#include "codec/xrow.h"
#include "xprotocol/messages.h"
#include "xprotocol/proto/mysqlx_sql.pb.h"
#include "xprotocol/values.h"

namespace xp::cn {

namespace {

// The wait-for graph: transactions by name, each with its waits.
struct Graph {
  std::vector<std::string> names;
  std::vector<int64_t> started;              // youngest start seen
  std::vector<std::vector<size_t>> out;      // edge indexes by waiter
  std::vector<std::vector<size_t>> targets;  // holder node per out edge
  std::map<std::string, size_t> index;

  size_t Node(const std::string& name) {
    auto [it, fresh] = index.emplace(name, names.size());
    if (fresh) {
      names.push_back(name);
      started.push_back(INT64_MIN);
      out.emplace_back();
      targets.emplace_back();
    }
    return it->second;
  }
};

// A cycle among the nodes not yet `removed` (node indexes), or empty.
// Iterative depth-first search: a wait chain may be as long as there are
// transactions.
std::vector<size_t> FindCycle(const Graph& g,
                              const std::vector<bool>& removed) {
  enum : uint8_t { kNew, kOnPath, kDone };
  std::vector<uint8_t> state(g.names.size(), kNew);
  std::vector<std::pair<size_t, size_t>> path;  // (node, next target slot)
  for (size_t root = 0; root < g.names.size(); ++root) {
    if (removed[root] || state[root] != kNew) continue;
    path.push_back({root, 0});
    state[root] = kOnPath;
    while (!path.empty()) {
      auto& [node, slot] = path.back();
      if (slot == g.targets[node].size()) {
        state[node] = kDone;
        path.pop_back();
        continue;
      }
      const size_t next = g.targets[node][slot++];
      if (removed[next] || state[next] == kDone) continue;
      if (state[next] == kOnPath) {
        std::vector<size_t> cycle;
        for (size_t i = path.size(); i-- > 0;) {
          cycle.push_back(path[i].first);
          if (path[i].first == next) break;
        }
        return cycle;
      }
      state[next] = kOnPath;
      path.push_back({next, 0});
    }
  }
  return {};
}

Mysqlx::Sql::StmtExecute AdminCommand(const char* name) {
  Mysqlx::Sql::StmtExecute cmd;
  cmd.set_namespace_("mysqlx");
  cmd.set_stmt(name);
  return cmd;
}

// A DN's answer to xp_list_lock_waits as WaitEdges.
Status ParseWaits(size_t dn, const StmtResult& r, std::vector<WaitEdge>* out) {
  if (r.sets.empty()) return Status::OK();
  auto local = [dn](uint64_t id, std::string_view label) {
    return label.empty() ? "dn" + std::to_string(dn) + "#" + std::to_string(id)
                         : std::string(label);
  };
  for (const std::vector<std::string>& row : r.sets[0].rows) {
    if (row.size() != 5)
      return Status::Corruption("xp_list_lock_waits: a row of " +
                                std::to_string(row.size()) + " fields");
    WaitEdge e;
    e.dn = dn;
    std::string_view waiter, holder;
    XP_RETURN_IF_ERROR(xrow::GetUint(row[0], &e.waiter_id));
    XP_RETURN_IF_ERROR(xrow::GetBytes(row[1], &waiter));
    XP_RETURN_IF_ERROR(xrow::GetSint(row[2], &e.waiter_started_us));
    XP_RETURN_IF_ERROR(xrow::GetUint(row[3], &e.holder_id));
    XP_RETURN_IF_ERROR(xrow::GetBytes(row[4], &holder));
    e.waiter = local(e.waiter_id, waiter);
    e.holder = local(e.holder_id, holder);
    out->push_back(std::move(e));
  }
  return Status::OK();
}

}  // namespace

std::vector<WaitEdge> DeadlockVictims(const std::vector<WaitEdge>& edges) {
  Graph g;
  for (size_t i = 0; i < edges.size(); ++i) {
    const size_t w = g.Node(edges[i].waiter);
    const size_t h = g.Node(edges[i].holder);
    g.out[w].push_back(i);
    g.targets[w].push_back(h);
    g.started[w] = std::max(g.started[w], edges[i].waiter_started_us);
  }
  std::vector<bool> removed(g.names.size(), false);
  std::vector<WaitEdge> aborts;
  for (;;) {
    const std::vector<size_t> cycle = FindCycle(g, removed);
    if (cycle.empty()) break;
    size_t victim = cycle[0];
    for (size_t n : cycle) {
      if (std::make_pair(g.started[n], g.names[n]) >
          std::make_pair(g.started[victim], g.names[victim]))
        victim = n;
    }
    removed[victim] = true;  // its waits end: no cycle goes through it
    std::vector<std::pair<size_t, uint64_t>> done;  // (dn, waiter id)
    for (size_t i : g.out[victim]) {
      const std::pair<size_t, uint64_t> at{edges[i].dn, edges[i].waiter_id};
      if (std::find(done.begin(), done.end(), at) != done.end()) continue;
      done.push_back(at);
      aborts.push_back(edges[i]);
    }
  }
  return aborts;
}

DeadlockDetector::DeadlockDetector(size_t dns, Connect connect,
                                   std::function<bool()> worth_a_round)
    : connect_(std::move(connect)),
      worth_a_round_(std::move(worth_a_round)),
      links_(dns) {}

DeadlockDetector::~DeadlockDetector() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadlockDetector::Start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] { Loop(period); });
}

void DeadlockDetector::Loop(std::chrono::milliseconds period) {
  for (;;) {
    {
      MutexLock lock(&mu_);
      const auto until = std::chrono::steady_clock::now() + period;
      while (!stop_ && cv_.wait_until(mu_, until) != std::cv_status::timeout) {
      }
      if (stop_) return;
    }
    if (!worth_a_round_()) continue;
    Result<size_t> r = RunOnce();
    if (!r.ok()) LOG(WARNING) << "deadlock detector: " << r.status().ToString();
  }
}

DnLink* DeadlockDetector::Link(size_t dn) {
  if (!links_[dn]) {
    Result<std::unique_ptr<DnLink>> c = connect_(dn);
    if (!c.ok()) return nullptr;
    links_[dn] = std::move(*c);
  }
  return links_[dn].get();
}

Result<size_t> DeadlockDetector::RunOnce() {
  // Every DN asked first, then every answer read: the waits of all DNs
  // are of about one moment.
  const Mysqlx::Sql::StmtExecute list = AdminCommand("xp_list_lock_waits");
  std::vector<bool> asked(links_.size(), false);
  for (size_t dn = 0; dn < links_.size(); ++dn) {
    DnLink* l = Link(dn);
    if (l == nullptr) continue;
    if (l->Send(ClientMsg::SQL_STMT_EXECUTE, list).ok()) {
      asked[dn] = true;
    } else {
      links_[dn].reset();
    }
  }
  std::vector<WaitEdge> edges;
  Status first;
  for (size_t dn = 0; dn < links_.size(); ++dn) {
    if (!asked[dn]) continue;
    Result<StmtResult> r = links_[dn]->ReadResult();
    Status st = r.ok() ? ParseWaits(dn, *r, &edges) : r.status();
    if (!st.ok()) {
      if (first.ok()) first = st;
      links_[dn].reset();  // a new link next round
    }
  }
  size_t aborted = 0;
  for (const WaitEdge& e : DeadlockVictims(edges)) {
    DnLink* l = Link(e.dn);
    if (l == nullptr) continue;
    Mysqlx::Sql::StmtExecute abort = AdminCommand("xp_abort_lock_wait");
    *abort.add_args() = AnyObject(
        {{"waiter", AnyUint(e.waiter_id)}, {"holder", AnyUint(e.holder_id)}});
    Status st = l->Send(ClientMsg::SQL_STMT_EXECUTE, abort);
    Result<StmtResult> r =
        st.ok() ? l->ReadResult() : Result<StmtResult>(std::move(st));
    if (!r.ok()) {
      links_[e.dn].reset();
      if (first.ok()) first = r.status();
      continue;
    }
    if (r->rows_affected.value_or(0) == 0) continue;  // its wait was over
    ++aborted;
    LOG(INFO) << "deadlock through data nodes: transaction " << e.waiter
              << " (waiting on data node " << e.dn << " for " << e.holder
              << ") chosen as the victim";
  }
  if (aborted == 0 && !first.ok()) return first;
  return aborted;
}

}  // namespace xp::cn
