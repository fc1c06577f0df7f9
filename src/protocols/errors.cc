#include "protocols/errors.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "app/ec2_error.h"
#include "core/service_error.h"
#include "protocols/ec2/xml_writer.h"

namespace amiplace::protocols {

namespace {

// EC2 answers authentication failures with 401 AuthFailure, and every other client error with
// 400 and a code of its own; these are the codes for Statuses that carry none.
WireError Ec2ErrorFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return {200, ""};
    case ErrorCode::kValidation: return {400, "InvalidParameterValue"};
    case ErrorCode::kNotFound: return {400, "InvalidParameterValue"};
    case ErrorCode::kAccessDenied: return {403, "UnauthorizedOperation"};
    case ErrorCode::kResourceInUse: return {400, "IncorrectState"};
    case ErrorCode::kQuotaExceeded: return {400, "ResourceLimitExceeded"};
    case ErrorCode::kThrottled: return {503, "RequestLimitExceeded"};
    case ErrorCode::kUnsupported: return {400, "UnsupportedOperation"};
    case ErrorCode::kUnrecognizedClient:
    case ErrorCode::kInvalidSignature: return {401, "AuthFailure"};
    case ErrorCode::kSignatureExpired: return {400, "RequestExpired"};
    case ErrorCode::kIncompleteSignature: return {400, "IncompleteSignature"};
    case ErrorCode::kMissingAuth: return {401, "MissingAuthenticationToken"};
    case ErrorCode::kMalformedRequest: return {400, "InvalidQueryParameter"};
    case ErrorCode::kPayloadTooLarge: return {413, "RequestEntityTooLarge"};
    case ErrorCode::kUnknownOperation: return {400, "InvalidAction"};
    case ErrorCode::kInternal: return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

// EC2's own words for the SigV4 failures (the detail is logged, not sent, as EC2 does).
std::string_view Ec2AuthMessage(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnrecognizedClient:
    case ErrorCode::kInvalidSignature:
      return "AWS was not able to validate the provided access credentials";
    case ErrorCode::kSignatureExpired: return "Request has expired.";
    case ErrorCode::kMissingAuth:
      return "The request must contain either a valid (registered) AWS access key ID or X.509 "
             "certificate.";
    default: return {};
  }
}

http::Response Ec2ErrorResponse(const Status& status, std::string_view request_id) {
  WireError e = Ec2ErrorFor(status.code());
  std::string code(e.type);
  std::string message = status.message();
  if (auto auth = Ec2AuthMessage(status.code()); !auth.empty()) {
    spdlog::debug("request {} refused: {}", request_id, status.message());
    message = std::string(auth);
  } else if (auto coded = SplitEc2Code(status.message())) {
    code = std::string(coded->code);
    message = std::string(coded->message);
    // A DryRun that would have succeeded: EC2's 412.
    if (code == "DryRunOperation") e.http_status = 412;
    if (code == "OptInRequired") e.http_status = 401;  // as EC2 answers a missing subscription
  }
  if (status.code() == ErrorCode::kInternal) {
    spdlog::error("request {} failed: {}", request_id, status.message());
    message = fmt::format("An internal error occurred (request {}); it has been logged", request_id);
  }
  ec2::XmlWriter xml;
  xml.Open("Response").Open("Errors").Open("Error");
  xml.Text("Code", code).Text("Message", message);
  xml.Close().Close();
  xml.Text("RequestID", request_id);
  http::Response r;
  r.status = e.http_status;
  r.Set("x-amzn-RequestId", std::string(request_id));
  r.Set("Content-Type", "text/xml;charset=UTF-8");
  r.body = xml.Finish();
  return r;
}

}  // namespace

WireError ErrorFor(ErrorCode code, WireProtocol protocol) {
  if (protocol == WireProtocol::kEc2Query) return Ec2ErrorFor(code);
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
  if (protocol == WireProtocol::kEc2Query) return Ec2ErrorResponse(status, request_id);
  WireError e = ErrorFor(status.code(), protocol);
  std::string message = status.message();
  if (protocol == WireProtocol::kAwsJson) {
    // A type of the service's own (core/service_error.h); awsJson services answer 400 for their
    // client errors, and a DryRun that would have succeeded with 412, as EC2 does.
    if (auto typed = SplitServiceType(status.message())) {
      e.type = typed->type;
      if (e.http_status != 403 && e.http_status < 500) e.http_status = 400;
      if (typed->type == "DryRunOperation") e.http_status = 412;
      message = std::string(typed->message);
    }
  }
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
