// The embedded placement (BRIEF §2): a compute node and N data nodes in one
// process. Each data node has its own RocksDB directory and X Protocol
// server (with no listener); the CN reaches them through in-memory
// connections (xprotocol/memory_pipe.h) that carry exactly the frames TCP
// would — the CN and DN code paths are the ones of the processes
// placement. Point reads run on the calling thread; statements that may
// wait for row locks and streamed scans on each DN's workers.
//
// This target (xp_cn_embedded) is the one place that links both cn and dn
// (BRIEF §2's rule "cn and dn never include each other" holds for every
// other target); xcn --embedded_dns=N and programs that embed a cluster
// use it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cn/cluster_store.h"
#include "codec/status.h"

namespace xp::dn {
class DataNode;
}

namespace xp::cn {

struct EmbeddedOptions {
  int data_nodes = 2;
  // Data node i keeps its RocksDB in `data_dir`/dn<i> (created as needed).
  std::string data_dir = "./data";
  // fsync the WAL at every commit (xdn --sync_wal).
  bool sync_wal = true;
  int64_t lock_wait_timeout_ms = 50000;
  // Worker threads each data node may make for background requests.
  size_t dn_max_workers = 256;
  // The CN's options; `dns` and `connector` are filled in by Open (the
  // account on the data nodes is `user` / `password`).
  ClusterOptions cluster;
};

class EmbeddedCluster {
 public:
  // Opens (recovering) every data node, then the compute node's store over
  // them.
  static Result<std::unique_ptr<EmbeddedCluster>> Open(EmbeddedOptions options);
  // The store first (its links close), then the data nodes.
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // What a MysqlServer (or a program calling it directly) runs SQL on.
  ClusterStore* store() { return store_.get(); }
  size_t data_nodes() const { return nodes_.size(); }

 private:
  EmbeddedCluster() = default;
  std::vector<std::unique_ptr<dn::DataNode>> nodes_;
  std::unique_ptr<ClusterStore> store_;
};

// The same, spelled as the library call the BRIEF names.
inline Result<std::unique_ptr<EmbeddedCluster>> OpenEmbedded(
    EmbeddedOptions options) {
  return EmbeddedCluster::Open(std::move(options));
}

}  // namespace xp::cn
