// The AWS Marketplace Metering Service 2016-01-14 on awsJson 1.1: `POST /` with
// `X-Amz-Target: AWSMPMeteringService.<Operation>` (SigV4 service `aws-marketplace`), JSON bodies,
// timestamps as epoch seconds. Each request is validated against AWS's model (every model limit
// → 400 ValidationException naming the field; more than 25 UsageRecords included), handed to
// MeteringService, and the answer shaped as AWS's. Errors travel as Statuses, typed with AWS's
// error names where the Metering Service has its own (core/service_error.h), and are shaped by
// protocols/errors.cc; a DryRun that would succeed is HTTP 412 {"__type":"DryRunOperation"}.
// RegisterUsage answers PlatformNotSupportedException (amiplace runs no ECS/EKS tasks) and
// ResolveCustomer InvalidTokenException (amiplace issues no SaaS registration tokens).
// Thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "app/metering_service.h"
#include "protocols/http/message.h"
#include "protocols/model/service_model.h"

namespace amiplace::protocols {

class MeteringApi {
 public:
  static constexpr std::string_view kTargetPrefix = "AWSMPMeteringService.";

  MeteringApi(MeteringService& service, const model::ServiceModel& model)
      : service_(service), model_(model) {}

  // Whether the request names a Metering Service target.
  static bool Matches(const http::Request& req);
  // The operation named by the target ("MeterUsage"), "" when it is not one of the model's.
  std::string_view OperationOf(const http::Request& req) const;

  Result<boost::json::object> Handle(const http::Request& req, const Caller& caller);

 private:
  using Json = boost::json::object;
  Result<Json> MeterUsage(const Json& in, const Caller& caller);
  Result<Json> BatchMeterUsage(const Json& in, const Caller& caller, size_t body_size);

  MeteringService& service_;
  const model::ServiceModel& model_;
};

}  // namespace amiplace::protocols
