#include "dn/data_node.h"

#include <glog/logging.h>

#include <filesystem>
#include <system_error>

namespace xp::dn {

Result<std::unique_ptr<DataNode>> DataNode::Open(
    DataNodeOptions options, std::unique_ptr<UserStore> users) {
  std::unique_ptr<DataNode> node(new DataNode());
  node->users_ = std::move(users);
  const std::string path = options.storage.path;
  std::error_code ec;
  std::filesystem::create_directories(path, ec);  // RocksDB makes only the leaf
  if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
  auto storage = Storage::Open(options.storage);
  if (!storage.ok()) {
    return Status::IOError("cannot open data directory " + path + ": " +
                           storage.status().ToString());
  }
  node->storage_ = std::move(storage).value();
  auto store = SqlStore::Open(node->storage_.get());
  if (!store.ok()) {
    return Status::Corruption("cannot load the catalog of " + path + ": " +
                              store.status().ToString());
  }
  node->store_ = std::move(store).value();
  node->prepared_at_open_ = node->storage_->Prepared().size();
  if (!options.default_database.empty()) {
    Status st = node->store_->CreateDatabase(options.default_database, true);
    if (!st.ok()) LOG(WARNING) << "default database: " << st.ToString();
  }
  options.server.extra_capabilities.emplace_back("xprotocol.plan",
                                                 PlanCapability());
  node->dispatcher_ = std::make_unique<SqlDispatcher>(node->store_.get());
  node->server_ = std::make_unique<Server>(
      options.server, node->dispatcher_.get(), node->users_.get());
  XP_RETURN_IF_ERROR(node->server_->Start());
  return node;
}

DataNode::~DataNode() {
  if (server_) server_->Stop();  // joins the workers: statements end first
  server_.reset();
  dispatcher_.reset();
  store_.reset();
  storage_.reset();
}

}  // namespace xp::dn
