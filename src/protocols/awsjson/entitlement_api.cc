#include "protocols/awsjson/entitlement_api.h"

#include <spdlog/spdlog.h>

#include "core/json_util.h"
#include "core/service_error.h"
#include "protocols/awsjson/cbor.h"
#include "protocols/errors.h"

namespace amiplace::protocols {

namespace {

namespace bj = boost::json;

constexpr std::string_view kTargetPrefix = "AWSMPEntitlementService.";
constexpr std::string_view kCborPathPrefix = "/service/AWSMPEntitlementService/operation/";
constexpr std::string_view kNamespace = "com.amazonaws.marketplaceentitlementservice";
constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";
constexpr std::string_view kCborContentType = "application/cbor";

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The media type without parameters ("application/cbor; x=y" → "application/cbor").
std::string_view MediaType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

// ExpirationDate on the wire: epoch seconds, fractional only when the instant is.
bj::value EpochSeconds(TimePoint t) {
  const int64_t ms = ToEpochMillis(t);
  if (ms % 1000 == 0) return bj::value(ms / 1000);
  return bj::value(static_cast<double>(ms) / 1000.0);
}

bj::object EntitlementJson(const EntitlementRecord& e) {
  bj::object o{{"ProductCode", e.product_code},
               {"Dimension", e.dimension},
               {"CustomerIdentifier", e.customer_identifier},
               {"CustomerAWSAccountId", e.customer_aws_account_id},
               {"Value", bj::object{{"BooleanValue", e.boolean_value}}}};
  if (e.expiration_date) o["ExpirationDate"] = EpochSeconds(*e.expiration_date);
  if (!e.license_arn.empty()) o["LicenseArn"] = e.license_arn;
  return o;
}

Result<GetEntitlementsRequest> BindGetEntitlements(const bj::object& in) {
  GetEntitlementsRequest req;
  req.product_code = json::GetString(in, "ProductCode").value_or("");
  if (auto t = json::GetString(in, "NextToken")) req.next_token = *t;
  if (const auto* m = json::Find(in, "MaxResults"); m && !m->is_null()) {
    req.max_results = static_cast<int>(m->to_number<int64_t>());  // in 1..25 by the model
  }
  if (const auto* f = json::Find(in, "Filter"); f && f->is_object()) {
    for (const auto& kv : f->get_object()) {
      auto name = ParseEntitlementFilter(kv.key());
      if (!name) {  // the model's enum has already refused it
        return ServiceError(ErrorCode::kValidation, "InvalidParameterException",
                            fmt::format("Filter: unknown filter name '{}'", kv.key()));
      }
      std::vector<std::string> values;
      for (const auto& v : kv.value().get_array()) values.emplace_back(v.get_string());
      req.filters[*name] = std::move(values);
    }
  }
  return req;
}

}  // namespace

bool EntitlementApi::Matches(const http::Request& req) {
  return req.HeaderValue("X-Amz-Target").starts_with(kTargetPrefix) ||
         req.Path().starts_with(kCborPathPrefix);
}

bool EntitlementApi::IsCbor(const http::Request& req) {
  return req.Path().starts_with(kCborPathPrefix);
}

Result<http::Response> EntitlementApi::Handle(const http::Request& req, const Caller& caller,
                                              std::string_view request_id) {
  const bool cbor = IsCbor(req);
  std::string_view operation;
  if (cbor) {
    operation = req.Path().substr(kCborPathPrefix.size());
    if (!IEquals(req.HeaderValue("smithy-protocol"), "rpc-v2-cbor")) {
      return Status(ErrorCode::kMalformedRequest,
                    "rpc-v2-cbor requests must carry the header smithy-protocol: rpc-v2-cbor");
    }
    if (!req.body.empty() &&
        !IEquals(MediaType(req.HeaderValue("Content-Type")), kCborContentType)) {
      return Status(ErrorCode::kMalformedRequest,
                    fmt::format("Content-Type must be {} for rpc-v2-cbor", kCborContentType));
    }
  } else {
    operation = req.HeaderValue("X-Amz-Target").substr(kTargetPrefix.size());
  }
  if (req.method != "POST") {
    return Status(ErrorCode::kUnknownOperation,
                  fmt::format("{} requests are not supported; the Entitlement Service takes POST",
                              req.method));
  }
  const auto* op = model_.FindOperation(operation);
  if (op == nullptr) {
    return Status(ErrorCode::kUnknownOperation,
                  fmt::format("Operation {} is not an operation of the AWS Marketplace Entitlement "
                              "Service",
                              operation));
  }

  bj::value input = bj::object();
  if (!req.body.empty()) {
    if (cbor) {
      AMIPLACE_ASSIGN_OR_RETURN(input, cbor::Decode(req.body));
    } else {
      AMIPLACE_ASSIGN_OR_RETURN(input, json::Parse(req.body));
    }
  }
  if (!input.is_object()) {
    return Status(ErrorCode::kMalformedRequest, fmt::format("The {} input must be a {}", op->name,
                                                            cbor ? "CBOR map" : "JSON object"));
  }
  AMIPLACE_RETURN_IF_ERROR(model_.ValidateInput(*op, input));
  AMIPLACE_ASSIGN_OR_RETURN(GetEntitlementsRequest in, BindGetEntitlements(input.get_object()));
  AMIPLACE_ASSIGN_OR_RETURN(GetEntitlementsResult result, service_.GetEntitlements(caller, in));

  bj::array list;
  for (const auto& e : result.entitlements) list.push_back(EntitlementJson(e));
  bj::object out{{"Entitlements", std::move(list)}};
  if (!result.next_token.empty()) out["NextToken"] = result.next_token;

  http::Response r;
  r.status = 200;
  r.Set("x-amzn-RequestId", std::string(request_id));
  if (cbor) {
    r.Set("Content-Type", std::string(kCborContentType));
    r.Set("smithy-protocol", "rpc-v2-cbor");
    r.body = cbor::Encode(out, {.timestamp_members = {"ExpirationDate"}});
  } else {
    r.Set("Content-Type", std::string(kJsonContentType));
    r.body = bj::serialize(out);
  }
  return r;
}

http::Response EntitlementApi::ErrorResponse(const http::Request& req, const Status& status,
                                             std::string_view request_id) {
  WireError e = ErrorFor(status.code(), WireProtocol::kAwsJson);
  switch (status.code()) {
    case ErrorCode::kValidation:
    case ErrorCode::kNotFound:
    case ErrorCode::kAccessDenied:
      e = {400, "InvalidParameterException"};
      break;
    case ErrorCode::kThrottled:
      e = {400, "ThrottlingException"};
      break;
    case ErrorCode::kInternal:
      e = {500, "InternalServiceErrorException"};
      break;
    default:
      break;
  }
  std::string type(e.type);
  std::string message = status.message();
  if (auto coded = SplitServiceType(message)) {
    type = std::string(coded->type);
    message = std::string(coded->message);
  }
  if (status.code() == ErrorCode::kInternal) {
    spdlog::error("request {} failed: {}", request_id, status.message());
    message =
        fmt::format("An internal error occurred (request {}); it has been logged", request_id);
  }
  http::Response r;
  r.status = e.http_status;
  r.Set("x-amzn-RequestId", std::string(request_id));
  if (IsCbor(req)) {
    r.Set("Content-Type", std::string(kCborContentType));
    r.Set("smithy-protocol", "rpc-v2-cbor");
    r.body = cbor::Encode(
        bj::object{{"__type", fmt::format("{}#{}", kNamespace, type)}, {"message", message}});
  } else {
    r.Set("Content-Type", std::string(kJsonContentType));
    r.Set("x-amzn-ErrorType", type);
    r.body = bj::serialize(bj::object{{"__type", type}, {"message", message}});
  }
  return r;
}

}  // namespace amiplace::protocols
