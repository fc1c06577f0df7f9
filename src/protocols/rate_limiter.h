// Per-account request quotas (AWS's "requests per second per account"): a token bucket per
// (account, operation) that refills at the operation's rate and holds one second's worth.
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace amiplace::protocols {

class RateLimiter {
 public:
  // `rates`: operation → requests per second. Operations not listed are not limited.
  explicit RateLimiter(std::map<std::string, double, std::less<>> rates) : rates_(std::move(rates)) {}

  // AWS Marketplace Catalog API quotas per account (catalog-service-quotas).
  static std::map<std::string, double, std::less<>> CatalogQuotas();
  // AWS Marketplace Metering Service quotas per account (metering-service-quotas).
  static std::map<std::string, double, std::less<>> MeteringQuotas();

  // Takes a token; false when the caller is over its rate. `limit` receives the rate.
  bool Allow(std::string_view account_id, std::string_view operation, double* limit = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled;
  };
  const std::map<std::string, double, std::less<>> rates_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace amiplace::protocols
