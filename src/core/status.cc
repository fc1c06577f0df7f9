#include "core/status.h"

namespace amiplace {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kValidation: return "Validation";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kAccessDenied: return "AccessDenied";
    case ErrorCode::kResourceInUse: return "ResourceInUse";
    case ErrorCode::kQuotaExceeded: return "QuotaExceeded";
    case ErrorCode::kThrottled: return "Throttled";
    case ErrorCode::kUnsupported: return "Unsupported";
    case ErrorCode::kUnrecognizedClient: return "UnrecognizedClient";
    case ErrorCode::kInvalidSignature: return "InvalidSignature";
    case ErrorCode::kMissingAuth: return "MissingAuth";
    case ErrorCode::kIncompleteSignature: return "IncompleteSignature";
    case ErrorCode::kSignatureExpired: return "SignatureExpired";
    case ErrorCode::kMalformedRequest: return "MalformedRequest";
    case ErrorCode::kPayloadTooLarge: return "PayloadTooLarge";
    case ErrorCode::kUnknownOperation: return "UnknownOperation";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace amiplace
