#include "xprotocol/expect.h"

#include <string>

#include "codec/sql_errors.h"
#include "xprotocol/messages.h"

namespace xp {

bool ExpectStack::Blocked() const {
  return !blocks_.empty() && blocks_.back().no_error && blocks_.back().failed;
}

Status ExpectStack::BlockedError() {
  return SqlError(ER_X_EXPECT_NO_ERROR_FAILED, "Expectation failed: no_error");
}

Status ExpectStack::Open(const Mysqlx::Expect::Open& open) {
  if (blocks_.size() >= kMaxDepth) {
    return SqlError(ER_XP_EXPECT_TOO_DEEP, "Expect blocks nested deeper than " +
                                               std::to_string(kMaxDepth));
  }
  Block block;
  if (open.op() == Mysqlx::Expect::Open::EXPECT_CTX_COPY_PREV &&
      !blocks_.empty()) {
    block.no_error = blocks_.back().no_error;
  }
  for (const auto& c : open.cond()) {
    const bool set = c.op() == Mysqlx::Expect::Open::Condition::EXPECT_OP_SET;
    switch (c.condition_key()) {
      case Mysqlx::Expect::Open::Condition::EXPECT_NO_ERROR:
        block.no_error = set;
        break;
      case Mysqlx::Expect::Open::Condition::EXPECT_FIELD_EXIST:
        if (set && !ClientFieldExists(c.condition_value())) {
          return SqlError(ER_X_EXPECT_FIELD_EXISTS_FAILED,
                          "Expectation failed: field_exists = '" +
                              c.condition_value() + "'");
        }
        break;
      case Mysqlx::Expect::Open::Condition::EXPECT_DOCID_GENERATED:
        break;
      default:
        return SqlError(
            ER_X_EXPECT_BAD_CONDITION,
            "Unknown condition key " + std::to_string(c.condition_key()));
    }
  }
  blocks_.push_back(block);
  return Status::OK();
}

void ExpectStack::OpenFailed() { blocks_.push_back(Block{true, true}); }

Status ExpectStack::Close() {
  if (blocks_.empty()) {
    return SqlError(ER_X_EXPECT_NOT_OPEN, "Expect block currently not open");
  }
  const Block b = blocks_.back();
  blocks_.pop_back();
  if (b.no_error && b.failed) return BlockedError();
  return Status::OK();
}

void ExpectStack::RecordFailure() {
  if (!blocks_.empty()) blocks_.back().failed = true;
}

}  // namespace xp
