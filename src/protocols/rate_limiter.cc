#include "protocols/rate_limiter.h"

#include <algorithm>

namespace amiplace::protocols {

std::map<std::string, double, std::less<>> RateLimiter::CatalogQuotas() {
  return {{"ListEntities", 10},         {"DescribeEntity", 20},       {"StartChangeSet", 5},
          {"ListChangeSets", 5},        {"DescribeChangeSet", 10},    {"CancelChangeSet", 5},
          {"TagResource", 5},           {"UntagResource", 5},         {"ListTagsForResource", 5},
          {"GetResourcePolicy", 5},     {"PutResourcePolicy", 5},     {"DeleteResourcePolicy", 5},
          {"BatchDescribeEntities", 10}};
}

std::map<std::string, double, std::less<>> RateLimiter::MeteringQuotas() {
  return {{"MeterUsage", 10}, {"BatchMeterUsage", 10}, {"RegisterUsage", 5}};
}

bool RateLimiter::Allow(std::string_view account_id, std::string_view operation, double* limit) {
  auto rate = rates_.find(operation);
  if (rate == rates_.end()) return true;
  if (limit) *limit = rate->second;
  auto now = std::chrono::steady_clock::now();
  std::string key;
  key.reserve(account_id.size() + operation.size() + 1);
  key.append(account_id).push_back('/');
  key.append(operation);
  std::lock_guard lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(std::move(key));
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = rate->second;
    b.refilled = now;
  } else {
    double elapsed = std::chrono::duration<double>(now - b.refilled).count();
    b.tokens = std::min(rate->second, b.tokens + elapsed * rate->second);
    b.refilled = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace amiplace::protocols
