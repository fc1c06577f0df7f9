// The AWS Marketplace Entitlement Service 2017-01-11 (GetEntitlements) on both of the protocols
// its model lists, chosen per request:
//   * awsJson 1.1: `POST /` with `X-Amz-Target: AWSMPEntitlementService.GetEntitlements`, JSON
//     bodies, ExpirationDate as epoch seconds (what boto3 and the AWS CLI send, and the JS SDK v3
//     by default);
//   * Smithy rpc-v2-cbor: `POST /service/AWSMPEntitlementService/operation/GetEntitlements` with
//     `smithy-protocol: rpc-v2-cbor` and CBOR bodies (cbor.h), ExpirationDate as tag 1.
// Input is decoded, validated against AWS's model (every model violation is a 400
// InvalidParameterException naming the field), handed to EntitlementService, and the result is
// shaped for the wire. Errors in either protocol come from ErrorResponse, which the router also
// uses for authentication failures of these requests, so a CBOR client always gets CBOR:
//   kValidation, kNotFound, kAccessDenied → 400 InvalidParameterException
//   kThrottled                           → 400 ThrottlingException
//   kInternal                            → 500 InternalServiceErrorException (detail only logged)
//   anything else as protocols/errors.h maps it for awsJson (403 UnrecognizedClientException,
//   400 SerializationException, ...). A message "SomeException: text" (core/service_error.h)
//   names its own type.
// CBOR errors are {"__type": "com.amazonaws.marketplaceentitlementservice#<Name>", "message"}
// with `smithy-protocol: rpc-v2-cbor`; JSON errors {"__type": "<Name>", "message"} plus
// `x-amzn-ErrorType`. Thread-safe.
#pragma once

#include <string_view>

#include "app/entitlement_service.h"
#include "protocols/http/message.h"
#include "protocols/model/service_model.h"

namespace amiplace::protocols {

class EntitlementApi {
 public:
  EntitlementApi(EntitlementService& service, const model::ServiceModel& model)
      : service_(service), model_(model) {}

  // Whether the request is for the Entitlement Service, in either protocol.
  static bool Matches(const http::Request& req);
  // Whether it speaks rpc-v2-cbor (by its path), rather than awsJson 1.1.
  static bool IsCbor(const http::Request& req);

  // The successful answer, or the Status to answer with ErrorResponse.
  Result<http::Response> Handle(const http::Request& req, const Caller& caller,
                                std::string_view request_id);

  static http::Response ErrorResponse(const http::Request& req, const Status& status,
                                      std::string_view request_id);

 private:
  EntitlementService& service_;
  const model::ServiceModel& model_;
};

}  // namespace amiplace::protocols
