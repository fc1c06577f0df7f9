// The Metering Service's use cases (AWS Marketplace Metering Service 2016-01-14; CONTRACT §8
// "Metering callers"; reference notes §3).
//
// MeterUsage is an instance's own call: it is accepted only when the request was signed with the
// temporary credentials of an instance that carries a marketplace product code, and the record
// belongs to that instance's owner (the buyer) and product. One record per (instance, dimension,
// hour): the Timestamp rounded down to the hour is the idempotency key, so the same usage again
// answers the same MeteringRecordId and another quantity DuplicateRequestException; the store's
// unique key makes the check race-free. BatchMeterUsage is the seller's call for its own product
// (AWS's SaaS path), one record per (customer, dimension, timestamp). Every record is durable
// before the call returns. The clock is the marketplace's (simulated under --simulated-clock).
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/account.h"
#include "domain/metering/usage.h"

namespace amiplace {

struct MeterUsageRequest {
  std::string product_code;
  TimePoint timestamp;
  std::string dimension;
  int64_t quantity = 0;
  bool dry_run = false;
  std::vector<metering::UsageAllocation> allocations;
  std::string client_token;  // "" when none
};

struct BatchUsageRecord {
  TimePoint timestamp;
  std::string dimension;
  int64_t quantity = 0;
  std::optional<std::string> customer_identifier;
  std::optional<std::string> customer_account_id;
  std::optional<std::string> license_arn;
  std::vector<metering::UsageAllocation> allocations;
};

struct BatchUsageResult {
  size_t index = 0;             // into the request's records
  std::string status;           // Success | CustomerNotSubscribed | DuplicateRecord
  std::string metering_record_id;  // "" for CustomerNotSubscribed
};

class MeteringService {
 public:
  MeteringService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The MeteringRecordId. A DryRun that would succeed answers the DryRunOperation error.
  Result<std::string> MeterUsage(const Caller& caller, const MeterUsageRequest& request);

  // One result per record, in order (amiplace processes every record or fails the batch, so
  // there are never UnprocessedRecords).
  Result<std::vector<BatchUsageResult>> BatchMeterUsage(const Caller& caller,
                                                        const std::string& product_code,
                                                        const std::vector<BatchUsageRecord>& records);

  // The hash that ties a ClientToken to its request: same product code, instant, dimension,
  // quantity and allocations.
  static std::string RequestHash(const MeterUsageRequest& request);

 private:
  // What MeterUsage needs of a product: its ID and its ExternallyMetered dimensions (key → unit).
  // Kept per product code for as long as the product's revision stands, so that the hot path reads
  // one index row instead of parsing the product's document (up to hundreds of dimensions).
  struct MeteredProduct {
    std::string id;
    int64_t revision = 0;
    std::unordered_map<std::string, std::string> dimensions;
  };
  Result<Entity> ProductForCode(std::string_view product_code);
  Result<std::shared_ptr<const MeteredProduct>> MeteredProductForCode(std::string_view code);

  Store& store_;
  const Clock& clock_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::shared_ptr<const MeteredProduct>> cache_;
};

}  // namespace amiplace
