// Status and Result<T>: how expected failures travel through amiplace.
//
// A Status carries one code from a closed set and a message meant for the client (it names the
// field and the rule). Each wire protocol maps codes to its own error shape in exactly one place
// (protocols/errors.cc). Exceptions are reserved for bugs and faults that end a request.
// Value types; thread-compatible.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace amiplace {

enum class ErrorCode {
  kOk = 0,
  kValidation,          // malformed or out-of-range input (Catalog 422 ValidationException)
  kNotFound,            // the named resource does not exist or is not visible to the caller
  kAccessDenied,        // authenticated, but not allowed
  kResourceInUse,       // locked by another open change set (423)
  kQuotaExceeded,       // an account quota (402 ServiceQuotaExceededException)
  kThrottled,           // a request-rate quota (429)
  kUnsupported,         // the resource type is not supported by the operation (415)
  kUnrecognizedClient,  // unknown access key or bad security token
  kInvalidSignature,    // the signature does not match, or is expired or not yet current
  kMissingAuth,         // no credentials at all
  kIncompleteSignature, // an Authorization header or presigned query that cannot be parsed
  kSignatureExpired,    // X-Amz-Date outside the allowed skew (protocols map it like InvalidSignature)
  kMalformedRequest,    // cannot be parsed at all (bad JSON, bad HTTP)
  kPayloadTooLarge,     // the body is over the size limit (413)
  kUnknownOperation,    // no such operation for the protocol
  kInternal,            // a fault on our side (500)
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status ValidationError(std::string message) {
  return Status(ErrorCode::kValidation, std::move(message));
}
inline Status NotFoundError(std::string message) {
  return Status(ErrorCode::kNotFound, std::move(message));
}
inline Status AccessDeniedError(std::string message) {
  return Status(ErrorCode::kAccessDenied, std::move(message));
}
inline Status InternalError(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {       // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

#define AMIPLACE_RETURN_IF_ERROR(expr)       \
  do {                                       \
    ::amiplace::Status _st = (expr);         \
    if (!_st.ok()) return _st;               \
  } while (0)

#define AMIPLACE_CONCAT_INNER(a, b) a##b
#define AMIPLACE_CONCAT(a, b) AMIPLACE_CONCAT_INNER(a, b)
#define AMIPLACE_ASSIGN_OR_RETURN(lhs, expr) \
  AMIPLACE_ASSIGN_OR_RETURN_IMPL(AMIPLACE_CONCAT(_res_, __LINE__), lhs, expr)
#define AMIPLACE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

}  // namespace amiplace
