#include "codec/status.h"

namespace xp {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      name = "Invalid argument";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kNotFound:
      name = "Not found";
      break;
    case Code::kNotSupported:
      name = "Not supported";
      break;
    case Code::kResourceExhausted:
      name = "Resource exhausted";
      break;
    case Code::kIOError:
      name = "IO error";
      break;
    case Code::kAborted:
      name = "Aborted";
      break;
    case Code::kTimedOut:
      name = "Timed out";
      break;
    case Code::kInternal:
      name = "Internal";
      break;
    case Code::kSqlError:
      return "ERROR " + std::to_string(sql_code_) + " (" + sql_state_ +
             "): " + message_;
  }
  std::string out(name);
  out += ": ";
  out += message_;
  return out;
}

}  // namespace xp
