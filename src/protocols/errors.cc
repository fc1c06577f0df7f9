#include "protocols/errors.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace amiplace::protocols {

WireError ErrorFor(ErrorCode code, WireProtocol protocol) {
  const bool rest = protocol == WireProtocol::kRestJson;
  switch (code) {
    case ErrorCode::kOk: return {200, ""};
    case ErrorCode::kValidation:
      return rest ? WireError{422, "ValidationException"} : WireError{400, "ValidationException"};
    case ErrorCode::kNotFound: return {404, "ResourceNotFoundException"};
    case ErrorCode::kAccessDenied: return {403, "AccessDeniedException"};
    case ErrorCode::kResourceInUse: return {423, "ResourceInUseException"};
    case ErrorCode::kQuotaExceeded: return {402, "ServiceQuotaExceededException"};
    case ErrorCode::kThrottled: return {429, "ThrottlingException"};
    case ErrorCode::kUnsupported: return {415, "ResourceNotSupportedException"};
    case ErrorCode::kUnrecognizedClient: return {403, "UnrecognizedClientException"};
    case ErrorCode::kInvalidSignature:
    case ErrorCode::kSignatureExpired: return {403, "InvalidSignatureException"};
    case ErrorCode::kIncompleteSignature: return {403, "IncompleteSignatureException"};
    case ErrorCode::kMissingAuth: return {403, "MissingAuthenticationTokenException"};
    case ErrorCode::kMalformedRequest: return {400, "SerializationException"};
    case ErrorCode::kPayloadTooLarge: return {413, "RequestEntityTooLargeException"};
    case ErrorCode::kUnknownOperation: return {404, "UnknownOperationException"};
    case ErrorCode::kInternal:
      return rest ? WireError{500, "InternalServiceException"}
                  : WireError{500, "InternalServiceErrorException"};
  }
  return {500, "InternalServiceException"};
}

http::Response ErrorResponse(const Status& status, WireProtocol protocol,
                             std::string_view request_id) {
  WireError e = ErrorFor(status.code(), protocol);
  std::string message = status.message();
  if (status.code() == ErrorCode::kInternal) {
    spdlog::error("request {} failed: {}", request_id, status.message());
    message = fmt::format("An internal error occurred (request {}); it has been logged", request_id);
  }
  http::Response r;
  r.status = e.http_status;
  r.Set("x-amzn-RequestId", std::string(request_id));
  r.Set("x-amzn-ErrorType", std::string(e.type));
  if (protocol == WireProtocol::kRestJson) {
    r.Set("Content-Type", "application/json");
    r.body = boost::json::serialize(boost::json::object{{"Message", message}});
  } else {
    r.Set("Content-Type", "application/x-amz-json-1.1");
    r.body = boost::json::serialize(boost::json::object{{"__type", e.type}, {"message", message}});
  }
  return r;
}

}  // namespace amiplace::protocols
