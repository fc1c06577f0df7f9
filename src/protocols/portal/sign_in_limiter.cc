#include "protocols/portal/sign_in_limiter.h"

#include <algorithm>

namespace amiplace::portal {

namespace {
constexpr size_t kMaxKeyLength = 128;
}  // namespace

std::string SignInLimiter::AddressKey(std::string_view address) {
  return "a:" + std::string(address);
}

std::string SignInLimiter::AccessKeyKey(std::string_view access_key_id) {
  return "k:" + std::string(access_key_id.substr(0, kMaxKeyLength));
}

void SignInLimiter::PruneLocked(Bucket& b, TimePoint now) const {
  while (!b.empty() && b.front() + options_.window <= now) b.pop_front();
}

std::optional<Millis> SignInLimiter::BlockedLocked(const std::string& key, TimePoint now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return std::nullopt;
  PruneLocked(it->second, now);
  if (it->second.empty()) {
    buckets_.erase(it);
    return std::nullopt;
  }
  if (static_cast<int>(it->second.size()) < options_.max_failures) return std::nullopt;
  // Blocked until enough failures age out to leave room for one more.
  const TimePoint& frees_at =
      it->second[it->second.size() - static_cast<size_t>(options_.max_failures)];
  return std::chrono::ceil<Millis>(frees_at + options_.window - now);
}

std::optional<Millis> SignInLimiter::Blocked(std::string_view address,
                                             std::string_view access_key_id) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  auto a = BlockedLocked(AddressKey(address), now);
  auto k = access_key_id.empty() ? std::nullopt : BlockedLocked(AccessKeyKey(access_key_id), now);
  if (a && k) return std::max(*a, *k);
  return a ? a : k;
}

void SignInLimiter::MakeRoomLocked(TimePoint now) {
  if (buckets_.size() < options_.max_buckets) return;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    PruneLocked(it->second, now);
    it = it->second.empty() ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < options_.max_buckets) return;
  auto stalest = std::min_element(
      buckets_.begin(), buckets_.end(),
      [](const auto& x, const auto& y) { return x.second.back() < y.second.back(); });
  buckets_.erase(stalest);
}

void SignInLimiter::AddLocked(const std::string& key, TimePoint now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    MakeRoomLocked(now);
    it = buckets_.emplace(key, Bucket()).first;
  }
  Bucket& b = it->second;
  PruneLocked(b, now);
  b.push_back(now);
  while (static_cast<int>(b.size()) > options_.max_failures) b.pop_front();
}

void SignInLimiter::RecordFailure(std::string_view address, std::string_view access_key_id) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  AddLocked(AddressKey(address), now);
  if (!access_key_id.empty()) AddLocked(AccessKeyKey(access_key_id), now);
}

size_t SignInLimiter::bucket_count() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace amiplace::portal
