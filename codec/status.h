// Status and Result<T>: the one way expected failures travel in XProtocol.
// No exceptions cross module boundaries; programmer errors are assert()s.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace xp {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidArgument,  // caller passed something malformed
    kCorruption,       // bytes from the wire or disk do not parse
    kNotFound,
    kNotSupported,
    kResourceExhausted,  // a configured limit was hit
    kIOError,
    kAborted,
    kTimedOut,
    kInternal,
    kSqlError,  // a MySQL error: sql_code() and sql_state() are set
  };

  // Success. Cheap: no allocation.
  Status() = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view m) {
    return Status(Code::kInvalidArgument, m);
  }
  static Status Corruption(std::string_view m) {
    return Status(Code::kCorruption, m);
  }
  static Status NotFound(std::string_view m) {
    return Status(Code::kNotFound, m);
  }
  static Status NotSupported(std::string_view m) {
    return Status(Code::kNotSupported, m);
  }
  static Status ResourceExhausted(std::string_view m) {
    return Status(Code::kResourceExhausted, m);
  }
  static Status IOError(std::string_view m) {
    return Status(Code::kIOError, m);
  }
  static Status Aborted(std::string_view m) {
    return Status(Code::kAborted, m);
  }
  static Status TimedOut(std::string_view m) {
    return Status(Code::kTimedOut, m);
  }
  static Status Internal(std::string_view m) {
    return Status(Code::kInternal, m);
  }
  // A MySQL-compatible error: `code` as in MySQL (1064, 1146, ...) and its
  // five-character SQLSTATE ("42000").
  static Status SqlError(uint32_t code, std::string_view sql_state,
                         std::string_view m) {
    Status s(Code::kSqlError, m);
    s.sql_code_ = code;
    s.sql_state_ = std::string(sql_state);
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsResourceExhausted() const { return code_ == Code::kResourceExhausted; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsTimedOut() const { return code_ == Code::kTimedOut; }
  bool IsSqlError() const { return code_ == Code::kSqlError; }
  // For kSqlError: the MySQL error code and SQLSTATE; 0 / "" otherwise.
  uint32_t sql_code() const { return sql_code_; }
  const std::string& sql_state() const { return sql_state_; }

  // "Corruption: <message>", or "OK".
  std::string ToString() const;

 private:
  Status(Code code, std::string_view m) : code_(code), message_(m) {}

  Code code_ = Code::kOk;
  uint32_t sql_code_ = 0;
  std::string message_;
  std::string sql_state_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return v_.index() == 1; }
  // REQUIRES: !ok() for a meaningful status; returns OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<0>(v_); }

  // REQUIRES: ok().
  T& value() & { return std::get<1>(v_); }
  const T& value() const& { return std::get<1>(v_); }
  T&& value() && { return std::get<1>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace xp

// Returns the Status of `expr` from the enclosing function when it failed.
#define XP_RETURN_IF_ERROR(expr)     \
  do {                               \
    ::xp::Status _xp_st = (expr);    \
    if (!_xp_st.ok()) return _xp_st; \
  } while (0)

// Assigns a Result's value to an existing lvalue, or returns its Status. A
// single statement, so it may follow an unbraced `if`.
#define XP_SET_OR_RETURN(lvalue, expr)          \
  do {                                          \
    auto _xp_res = (expr);                      \
    if (!_xp_res.ok()) return _xp_res.status(); \
    lvalue = std::move(_xp_res).value();        \
  } while (0)

#define XP_CONCAT_INNER(a, b) a##b
#define XP_CONCAT(a, b) XP_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, returning its Status on failure.
#define XP_ASSIGN_OR_RETURN(lhs, expr)             \
  auto XP_CONCAT(_xp_res_, __LINE__) = (expr);     \
  if (!XP_CONCAT(_xp_res_, __LINE__).ok())         \
    return XP_CONCAT(_xp_res_, __LINE__).status(); \
  lhs = std::move(XP_CONCAT(_xp_res_, __LINE__)).value()
