// A Dispatcher with a fake SQL engine over a few canned typed tables. It is
// what the real-client tests and the pre-DN run command talk to; the real SQL
// path arrives with the data node. Statements it knows (case-insensitive):
//
//   SELECT * FROM types                  every X Protocol column type, 3 rows
//   SELECT ?[, ?...]                     echoes the bound arguments
//   SELECT * FROM people [WHERE id = ?]  (id INT, name VARCHAR), ids 1..3
//   SELECT * FROM big                    20,000 rows, for compression/streaming
//   SELECT DATABASE()                    the session's schema
//   INSERT INTO people ...               rows affected 1, insert id 4
//   CALL two_results()                   two result sets
//   SELECT warning()                     a row plus a WARNING notice
//   BEGIN | START TRANSACTION | COMMIT | ROLLBACK   accepted
// Any other table is 1146; anything else 1064.
#pragma once

#include "xprotocol/server.h"

namespace xp::testing {

class FakeSqlDispatcher : public Dispatcher {
 public:
  void Dispatch(Session& session, uint8_t type, std::string_view payload,
                Reply& reply) override;
};

}  // namespace xp::testing
