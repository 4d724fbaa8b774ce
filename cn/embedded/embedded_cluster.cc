#include "cn/embedded/embedded_cluster.h"

#include "dn/data_node.h"
#include "xprotocol/client.h"

namespace xp::cn {

namespace {

// A client link to data node `dn` over an in-memory pipe.
DnConnector InMemoryConnector(std::vector<dn::DataNode*> nodes,
                              std::string user, std::string password) {
  return [nodes = std::move(nodes), user = std::move(user),
          password = std::move(password)](
             size_t dn, std::chrono::milliseconds timeout,
             ServerError* error) -> Result<std::unique_ptr<DnLink>> {
    ClientOptions o;
    o.user = user;
    o.password = password;
    o.timeout = timeout;
    XP_ASSIGN_OR_RETURN(std::unique_ptr<Client> c,
                        nodes.at(dn)->ConnectInMemory(o, error));
    return std::unique_ptr<DnLink>(std::make_unique<ClientLink>(std::move(c)));
  };
}

}  // namespace

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Open(
    EmbeddedOptions options) {
  if (options.data_nodes < 1 || options.data_nodes > 64)
    return Status::InvalidArgument("an embedded cluster has 1..64 data nodes");
  std::unique_ptr<EmbeddedCluster> c(new EmbeddedCluster());
  ClusterOptions& co = options.cluster;
  std::vector<dn::DataNode*> nodes;
  co.dns.clear();
  for (int i = 0; i < options.data_nodes; ++i) {
    dn::DataNodeOptions o;
    o.storage.path = options.data_dir + "/dn" + std::to_string(i);
    o.storage.sync_wal = options.sync_wal;
    o.storage.lock_timeout_ms = options.lock_wait_timeout_ms;
    o.server.listen = false;
    o.server.max_workers = options.dn_max_workers;
    auto users = std::make_unique<InMemoryUserStore>();
    users->Add(co.user, co.password);
    XP_ASSIGN_OR_RETURN(std::unique_ptr<dn::DataNode> node,
                        dn::DataNode::Open(std::move(o), std::move(users)));
    nodes.push_back(node.get());
    c->nodes_.push_back(std::move(node));
    co.dns.push_back(DnEndpoint{"in-process", static_cast<uint16_t>(i)});
  }
  co.connector = InMemoryConnector(nodes, co.user, co.password);
  co.dns_in_process = true;
  XP_ASSIGN_OR_RETURN(c->store_, ClusterStore::Open(co));
  return c;
}

EmbeddedCluster::~EmbeddedCluster() {
  store_.reset();
  nodes_.clear();
}

}  // namespace xp::cn
