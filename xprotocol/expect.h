// Expect blocks of one session (Mysqlx.Expect, docs/PROTOCOL.md §4.4): a
// stack of open blocks; inside a no_error block that saw a failure every
// request fails with 5159 until the block closes. Pure logic, no I/O.
#pragma once

#include <cstddef>
#include <vector>

#include "codec/status.h"
#include "xprotocol/proto/mysqlx_expect.pb.h"

namespace xp {

class ExpectStack {
 public:
  static constexpr size_t kMaxDepth = 64;

  // An open no_error block has failed: requests other than Expect.Close
  // must fail with BlockedError().
  bool Blocked() const;
  static Status BlockedError();

  // Opens a block (Expect.Open). On error nothing is pushed; when
  // Blocked() the caller answers BlockedError() and calls OpenFailed().
  Status Open(const Mysqlx::Expect::Open& open);
  // A block opened while blocked: it is itself failed.
  void OpenFailed();
  // Closes the innermost block (Expect.Close): 5158 when none is open,
  // 5159 when it was a failed no_error block.
  Status Close();
  // The request just answered failed: the innermost block records it.
  void RecordFailure();
  void Clear() { blocks_.clear(); }
  size_t depth() const { return blocks_.size(); }

 private:
  struct Block {
    bool no_error = false;
    bool failed = false;
  };
  std::vector<Block> blocks_;
};

}  // namespace xp
