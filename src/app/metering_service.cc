#include "app/metering_service.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/service_error.h"

namespace amiplace {

namespace {

Status Typed(std::string_view type, std::string message) {
  return ServiceError(ErrorCode::kValidation, type, message);
}

Status AccessDenied(std::string message) {
  return ServiceError(ErrorCode::kAccessDenied, "AccessDeniedException", message);
}

Result<bool> HasActiveSubscription(SubscriptionStore& store, std::string_view buyer,
                                   std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto subs, store.ListSubscriptionsOf(buyer, product_id));
  for (const auto& s : subs) {
    if (s.status == SubscriptionStatus::kActive) return true;
  }
  return false;
}

}  // namespace

std::string MeteringService::RequestHash(const MeterUsageRequest& r) {
  return crypto::Sha256Hex(fmt::format("{}\n{}\n{}\n{}\n{}", r.product_code,
                                       ToEpochMillis(r.timestamp), r.dimension, r.quantity,
                                       metering::CanonicalAllocations(r.allocations)));
}

Result<Entity> MeteringService::ProductForCode(std::string_view product_code) {
  AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.FindProductByCode(product_code));
  if (!product) {
    return Typed("InvalidProductCodeException",
                 fmt::format("ProductCode '{}' is not the code of any product", product_code));
  }
  return std::move(*product);
}

Result<std::shared_ptr<const MeteringService::MeteredProduct>>
MeteringService::MeteredProductForCode(std::string_view code) {
  AMIPLACE_ASSIGN_OR_RETURN(auto ref, store_.FindProductRevisionByCode(code));
  if (!ref) {
    return Typed("InvalidProductCodeException",
                 fmt::format("ProductCode '{}' is not the code of any product", code));
  }
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(std::string(code));
    if (it != cache_.end() && it->second->id == ref->id && it->second->revision == ref->revision) {
      return it->second;
    }
  }
  AMIPLACE_ASSIGN_OR_RETURN(Entity product, ProductForCode(code));
  auto metered = std::make_shared<MeteredProduct>();
  metered->id = product.id;
  metered->revision = product.revision;
  for (const auto& [key, unit] : metering::ExternallyMeteredDimensions(product.details)) {
    metered->dimensions.emplace(key, unit);
  }
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= 4096) cache_.clear();  // bounded; refilled on demand
  cache_[std::string(code)] = metered;
  return std::shared_ptr<const MeteredProduct>(std::move(metered));
}

Result<std::string> MeteringService::MeterUsage(const Caller& caller, const MeterUsageRequest& r) {
  if (caller.instance_id.empty()) {
    return AccessDenied(
        "MeterUsage must be signed with the temporary credentials of the EC2 instance that runs "
        "the product (from its instance metadata service); these credentials are not an "
        "instance's");
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto instance, store_.GetInstance(caller.instance_id));
  if (!instance) return AccessDenied(fmt::format("Instance {} does not exist", caller.instance_id));
  bool carries_code = false;
  bool any_code = false;
  for (const auto& pc : instance->product_codes) {
    if (pc.product_code_type != "marketplace") continue;
    any_code = true;
    if (pc.product_code_id == r.product_code) carries_code = true;
  }
  if (!any_code) {
    return AccessDenied(fmt::format(
        "Instance {} carries no marketplace product code; only instances of marketplace products "
        "may meter usage",
        instance->instance_id));
  }
  if (!carries_code) {
    return Typed("InvalidProductCodeException",
                 fmt::format("ProductCode '{}' is not a product code of instance {}",
                             r.product_code, instance->instance_id));
  }
  if (caller.region != instance->region) {
    return Typed("InvalidEndpointRegionException",
                 fmt::format("The request was sent to the {} endpoint, but instance {} runs in "
                             "{}; meter usage in the instance's Region",
                             caller.region, instance->instance_id, instance->region));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto product, MeteredProductForCode(r.product_code));
  if (!product->dimensions.contains(r.dimension)) {
    return Typed("InvalidUsageDimensionException",
                 fmt::format("UsageDimension '{}' is not an ExternallyMetered dimension of "
                             "product {}",
                             r.dimension, product->id));
  }
  AMIPLACE_ASSIGN_OR_RETURN(bool entitled, HasActiveSubscription(store_, instance->owner_account_id,
                                                                 product->id));
  if (!entitled) {
    return Typed("CustomerNotEntitledException",
                 fmt::format("Account {} has no active subscription to product {}",
                             instance->owner_account_id, product->id));
  }
  const TimePoint now = clock_.Now();
  AMIPLACE_RETURN_IF_ERROR(metering::CheckMeterUsageTime(r.timestamp, now, instance->launched_at));
  AMIPLACE_RETURN_IF_ERROR(metering::CheckAllocations(r.allocations, r.quantity, "UsageAllocations"));

  MeteringWrite w;
  MeteringRecord& rec = w.record;
  rec.metering_record_id = ids::NewUuid();
  rec.usage_hour = metering::HourOf(r.timestamp);
  rec.usage_key = fmt::format("instance|{}|{}|{}", instance->instance_id,
                              ToEpochMillis(rec.usage_hour), r.dimension);
  rec.source = "MeterUsage";
  rec.instance_id = instance->instance_id;
  rec.buyer_account_id = instance->owner_account_id;
  rec.product_id = product->id;
  rec.product_code = r.product_code;
  rec.dimension = r.dimension;
  rec.region = instance->region;
  rec.timestamp = r.timestamp;
  rec.quantity = r.quantity;
  rec.allocations = metering::CanonicalAllocations(r.allocations);
  rec.recorded_at = now;
  if (!r.client_token.empty()) {
    w.token_scope = "instance|" + instance->instance_id;
    w.client_token = r.client_token;
    w.request_hash = RequestHash(r);
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto outcomes, store_.PutMeteringRecords({w}, r.dry_run));
  const MeteringOutcome& o = outcomes.at(0);
  switch (o.kind) {
    case MeteringOutcome::Kind::kTokenConflict:
      return Typed("IdempotencyConflictException",
                   fmt::format("ClientToken '{}' was used before with other parameters",
                               r.client_token));
    case MeteringOutcome::Kind::kDuplicate:
      return Typed("DuplicateRequestException",
                   fmt::format("Usage of dimension '{}' for the hour {} was already metered for "
                               "instance {} with quantity {}; it cannot be changed",
                               r.dimension, FormatIso8601(rec.usage_hour), instance->instance_id,
                               o.record.quantity));
    case MeteringOutcome::Kind::kRecorded:
    case MeteringOutcome::Kind::kReplayed:
      break;
  }
  if (r.dry_run) {
    return ServiceError(ErrorCode::kValidation, "DryRunOperation",
                        "Request would have succeeded, but the DryRun flag is set");
  }
  return o.record.metering_record_id;
}

Result<std::vector<BatchUsageResult>> MeteringService::BatchMeterUsage(
    const Caller& caller, const std::string& product_code,
    const std::vector<BatchUsageRecord>& records) {
  if (!caller.instance_id.empty()) {
    return AccessDenied(
        "BatchMeterUsage is the seller's call (SaaS metering); an instance meters its own usage "
        "with MeterUsage");
  }
  if (product_code.empty()) {
    return ValidationError("ProductCode: is required by amiplace (there are no SaaS licenses to "
                           "identify a product by)");
  }
  AMIPLACE_ASSIGN_OR_RETURN(Entity product, ProductForCode(product_code));
  if (product.owner_account_id != caller.account.account_id) {
    return Typed("InvalidProductCodeException",
                 fmt::format("ProductCode '{}' is not a product of account {}", product_code,
                             caller.account.account_id));
  }
  const TimePoint now = clock_.Now();
  std::vector<MeteringWrite> writes;
  std::vector<size_t> write_of(records.size(), SIZE_MAX);
  std::vector<BatchUsageResult> results(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const std::string field = fmt::format("UsageRecords[{}]", i);
    results[i].index = i;
    if (r.license_arn) {
      return Typed("InvalidLicenseException",
                   fmt::format("{}.LicenseArn: amiplace issues no licenses; identify the customer "
                               "by CustomerAWSAccountId",
                               field));
    }
    if (r.customer_identifier.has_value() == r.customer_account_id.has_value()) {
      return ValidationError(fmt::format(
          "{}: exactly one of CustomerIdentifier and CustomerAWSAccountId is required", field));
    }
    if (!metering::IsExternallyMetered(product.details, r.dimension)) {
      return Typed("InvalidUsageDimensionException",
                   fmt::format("{}.Dimension: '{}' is not an ExternallyMetered dimension of "
                               "product {}",
                               field, r.dimension, product.id));
    }
    AMIPLACE_RETURN_IF_ERROR(metering::CheckBatchTime(r.timestamp, now, field + ".Timestamp"));
    AMIPLACE_RETURN_IF_ERROR(
        metering::CheckAllocations(r.allocations, r.quantity, field + ".UsageAllocations"));
    // amiplace's customer identifiers are the buyers' account IDs.
    const std::string customer = r.customer_account_id ? *r.customer_account_id
                                                       : *r.customer_identifier;
    AMIPLACE_ASSIGN_OR_RETURN(bool entitled, HasActiveSubscription(store_, customer, product.id));
    if (!entitled) {
      results[i].status = "CustomerNotSubscribed";
      continue;
    }
    MeteringWrite w;
    MeteringRecord& rec = w.record;
    rec.metering_record_id = ids::NewUuid();
    rec.usage_hour = metering::HourOf(r.timestamp);
    rec.usage_key = fmt::format("customer|{}|{}|{}|{}", product.id, customer,
                                ToEpochMillis(r.timestamp), r.dimension);
    rec.source = "BatchMeterUsage";
    rec.buyer_account_id = customer;
    rec.product_id = product.id;
    rec.product_code = product_code;
    rec.dimension = r.dimension;
    rec.region = caller.region;
    rec.timestamp = r.timestamp;
    rec.quantity = r.quantity;
    rec.allocations = metering::CanonicalAllocations(r.allocations);
    rec.recorded_at = now;
    write_of[i] = writes.size();
    writes.push_back(std::move(w));
  }
  if (!writes.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(auto outcomes, store_.PutMeteringRecords(writes, false));
    for (size_t i = 0; i < records.size(); ++i) {
      if (write_of[i] == SIZE_MAX) continue;
      const MeteringOutcome& o = outcomes.at(write_of[i]);
      if (o.kind == MeteringOutcome::Kind::kDuplicate) {
        results[i].status = "DuplicateRecord";
      } else {
        results[i].status = "Success";
        results[i].metering_record_id = o.record.metering_record_id;
      }
    }
  }
  return results;
}

}  // namespace amiplace
