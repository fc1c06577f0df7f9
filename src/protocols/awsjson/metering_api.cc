#include "protocols/awsjson/metering_api.h"

#include "core/json_util.h"
#include "core/service_error.h"

namespace amiplace::protocols {

namespace bj = boost::json;

namespace {

std::string Str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::string> OptStr(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

int64_t Int(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<int64_t>() : 0;
}

TimePoint Time(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return metering::FromEpochSeconds(v && v->is_number() ? v->to_number<double>() : 0);
}

double EpochSeconds(TimePoint t) { return static_cast<double>(ToEpochMillis(t)) / 1000.0; }

}  // namespace

bool MeteringApi::Matches(const http::Request& req) {
  return req.HeaderValue("X-Amz-Target").starts_with(kTargetPrefix);
}

std::string_view MeteringApi::OperationOf(const http::Request& req) const {
  std::string_view target = req.HeaderValue("X-Amz-Target");
  if (!target.starts_with(kTargetPrefix)) return {};
  std::string_view name = target.substr(kTargetPrefix.size());
  const auto* op = model_.FindOperation(name);
  return op ? std::string_view(op->name) : std::string_view();
}

Result<bj::object> MeteringApi::Handle(const http::Request& req, const Caller& caller) {
  std::string_view name = OperationOf(req);
  if (name.empty()) {
    return Status(ErrorCode::kUnknownOperation,
                  fmt::format("Operation {} is not an operation of the Metering Service",
                              req.HeaderValue("X-Amz-Target")));
  }
  if (req.method != "POST") {
    return Status(ErrorCode::kMalformedRequest, "awsJson requests are POST /");
  }
  const auto* op = model_.FindOperation(name);
  if (name == "BatchMeterUsage" && req.body.size() >= metering::kMaxBatchBytes) {
    return ValidationError("BatchMeterUsage requests must be smaller than 1 MB");
  }
  AMIPLACE_ASSIGN_OR_RETURN(bj::value body, json::Parse(req.body.empty() ? "{}" : req.body));
  if (!body.is_object()) {
    return Status(ErrorCode::kMalformedRequest, "The request body must be a JSON object");
  }
  AMIPLACE_RETURN_IF_ERROR(model_.ValidateInput(*op, body));
  const auto& in = body.get_object();
  if (name == "MeterUsage") return MeterUsage(in, caller);
  if (name == "BatchMeterUsage") return BatchMeterUsage(in, caller, req.body.size());
  if (name == "RegisterUsage") {
    return ServiceError(ErrorCode::kValidation, "PlatformNotSupportedException",
                        "RegisterUsage is for paid container products on Amazon ECS, Amazon EKS "
                        "and AWS Fargate; amiplace runs EC2 instances only, which meter with "
                        "MeterUsage");
  }
  if (name == "ResolveCustomer") {
    return ServiceError(ErrorCode::kValidation, "InvalidTokenException",
                        "RegistrationToken: amiplace issues no SaaS registration tokens; this "
                        "token is not one of its own");
  }
  return Status(ErrorCode::kUnknownOperation,
                fmt::format("Operation {} is not supported by amiplace", name));
}

Result<bj::object> MeteringApi::MeterUsage(const Json& in, const Caller& caller) {
  MeterUsageRequest r;
  r.product_code = Str(in, "ProductCode");
  r.timestamp = Time(in, "Timestamp");
  r.dimension = Str(in, "UsageDimension");
  r.quantity = Int(in, "UsageQuantity");
  if (const auto* d = in.if_contains("DryRun"); d && d->is_bool()) r.dry_run = d->get_bool();
  r.allocations = metering::ParseAllocations(in.if_contains("UsageAllocations"));
  r.client_token = Str(in, "ClientToken");
  AMIPLACE_ASSIGN_OR_RETURN(std::string id, service_.MeterUsage(caller, r));
  return bj::object{{"MeteringRecordId", id}};
}

Result<bj::object> MeteringApi::BatchMeterUsage(const Json& in, const Caller& caller, size_t) {
  std::vector<BatchUsageRecord> records;
  const auto& list = in.at("UsageRecords").get_array();
  for (const auto& v : list) {
    const auto& o = v.get_object();
    BatchUsageRecord r;
    r.timestamp = Time(o, "Timestamp");
    r.dimension = Str(o, "Dimension");
    r.quantity = Int(o, "Quantity");
    r.customer_identifier = OptStr(o, "CustomerIdentifier");
    r.customer_account_id = OptStr(o, "CustomerAWSAccountId");
    r.license_arn = OptStr(o, "LicenseArn");
    r.allocations = metering::ParseAllocations(o.if_contains("UsageAllocations"));
    records.push_back(std::move(r));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto results,
                            service_.BatchMeterUsage(caller, Str(in, "ProductCode"), records));
  bj::array out;
  for (const auto& res : results) {
    const auto& rec = list.at(res.index).get_object();
    // The record as AWS echoes it: the request's members, the timestamp as sent.
    bj::object echo = rec;
    echo["Timestamp"] = EpochSeconds(records[res.index].timestamp);
    bj::object item{{"UsageRecord", std::move(echo)}, {"Status", res.status}};
    if (!res.metering_record_id.empty()) item["MeteringRecordId"] = res.metering_record_id;
    out.push_back(std::move(item));
  }
  return bj::object{{"Results", std::move(out)}, {"UnprocessedRecords", bj::array()}};
}

}  // namespace amiplace::protocols
