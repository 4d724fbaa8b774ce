// The real DnLink: an xp::Client (dn_link.h).

#include "cn/txn/dn_link.h"

#include "xprotocol/client.h"

namespace xp::cn {

ClientLink::ClientLink(std::unique_ptr<Client> client)
    : client_(std::move(client)) {}
ClientLink::~ClientLink() = default;

Status ClientLink::Send(uint8_t type,
                        const google::protobuf::MessageLite& msg) {
  return client_->Send(type, msg);
}
Result<Message> ClientLink::Read() { return client_->Read(); }
Status ClientLink::SendExecute(std::string_view sql) {
  return client_->SendExecute(sql);
}
Result<StmtResult> ClientLink::ReadResult() { return client_->ReadResult(); }
Result<StmtResult> ClientLink::Execute(std::string_view sql) {
  return client_->Execute(sql);
}
Result<StmtResult> ClientLink::ExecuteSql(Xp::Plan::ExecSql req) {
  return client_->ExecuteSql(std::move(req));
}
void ClientLink::KillRunningQuery() { client_->KillRunningQuery(); }
void ClientLink::set_timeout(std::chrono::milliseconds timeout) {
  client_->set_timeout(timeout);
}
const ServerError& ClientLink::last_error() const {
  return client_->last_error();
}

DnConnector ClientConnector(std::vector<DnEndpoint> dns, ClientOptions base) {
  return [dns = std::move(dns), base = std::move(base)](
             size_t dn, std::chrono::milliseconds timeout,
             ServerError* error) -> Result<std::unique_ptr<DnLink>> {
    ClientOptions o = base;
    o.host = dns[dn].host;
    o.port = dns[dn].port;
    o.timeout = timeout;
    XP_ASSIGN_OR_RETURN(std::unique_ptr<Client> c, Client::Connect(o, error));
    return std::unique_ptr<DnLink>(std::make_unique<ClientLink>(std::move(c)));
  };
}

}  // namespace xp::cn
