// One data node, opened and served: RocksDB storage (recovered), the SQL
// store over it, the X Protocol dispatcher and server. What xdn runs, and
// what the embedded placement (xcn --embedded_dns) runs N of inside one
// process, reached through in-memory connections instead of TCP.
#pragma once

#include <memory>
#include <string>

#include "codec/status.h"
#include "dn/sql_store.h"
#include "dn/storage/storage.h"
#include "dn/x_handler.h"
#include "xprotocol/auth.h"
#include "xprotocol/client.h"
#include "xprotocol/server.h"

namespace xp::dn {

struct DataNodeOptions {
  StorageOptions storage;
  // server.listen = false: in-memory connections only (ConnectInMemory).
  ServerOptions server;
  // Made at the first start when missing (empty: none).
  std::string default_database = "test";
};

class DataNode {
 public:
  // Opens the storage at options.storage.path (recovering the WAL and any
  // prepared XA transactions), loads its catalog, makes the default
  // database and starts serving with `users`' accounts.
  static Result<std::unique_ptr<DataNode>> Open(
      DataNodeOptions options, std::unique_ptr<UserStore> users);
  // Stops serving (open transactions roll back), then closes RocksDB.
  ~DataNode();
  DataNode(const DataNode&) = delete;
  DataNode& operator=(const DataNode&) = delete;

  Server& server() { return *server_; }
  // XA transactions found prepared at open, waiting for their CN.
  size_t prepared_at_open() const { return prepared_at_open_; }
  // A client of this node over an in-memory pipe (Server::ConnectInMemory).
  Result<std::unique_ptr<Client>> ConnectInMemory(
      const ClientOptions& options, ServerError* error = nullptr) {
    return server_->ConnectInMemory(options, error);
  }

 private:
  DataNode() = default;

  std::unique_ptr<UserStore> users_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<SqlDispatcher> dispatcher_;
  std::unique_ptr<Server> server_;
  size_t prepared_at_open_ = 0;
};

}  // namespace xp::dn
