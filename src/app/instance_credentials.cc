#include "app/instance_credentials.h"

#include "core/crypto.h"
#include "core/ids.h"

namespace amiplace {

namespace {
constexpr auto kLifetime = std::chrono::hours(6);
constexpr auto kRenewBefore = std::chrono::minutes(15);
}  // namespace

Result<InstanceCredential> InstanceCredentials::Current(const Instance& instance) {
  std::lock_guard lock(issue_mu_);
  TimePoint now = real_clock_.Now();
  AMIPLACE_ASSIGN_OR_RETURN(auto latest, store_.LatestInstanceCredential(instance.instance_id));
  if (latest && latest->expires_at - now > kRenewBefore) return *latest;
  InstanceCredential c;
  c.access_key_id = "ASIA" + ids::RandomUpperAlnum(16);
  c.instance_id = instance.instance_id;
  c.secret_access_key = ids::NewSecretAccessKey();
  c.session_token = crypto::Base64(crypto::RandomBytes(144));
  c.issued_at = now;
  c.expires_at = now + kLifetime;
  AMIPLACE_RETURN_IF_ERROR(store_.PutInstanceCredential(c));
  return c;
}

Result<std::optional<InstanceCredentials::Resolved>> InstanceCredentials::Resolve(
    std::string_view access_key_id) {
  using Out = std::optional<Resolved>;
  constexpr auto kCacheFor = std::chrono::seconds(5);
  const TimePoint now = real_clock_.Now();
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(std::string(access_key_id));
    if (it != cache_.end() && now - it->second.at < kCacheFor &&
        it->second.resolved.credential.expires_at > now) {
      return Out(it->second.resolved);
    }
  }
  AMIPLACE_ASSIGN_OR_RETURN(Out fresh, Lookup(access_key_id));
  if (fresh) {
    std::lock_guard lock(cache_mu_);
    if (cache_.size() > 100000) cache_.clear();
    cache_[std::string(access_key_id)] = Cached{*fresh, now};
  }
  return fresh;
}

Result<std::optional<InstanceCredentials::Resolved>> InstanceCredentials::Lookup(
    std::string_view access_key_id) {
  using Out = std::optional<Resolved>;
  AMIPLACE_ASSIGN_OR_RETURN(auto cred, store_.FindInstanceCredential(access_key_id));
  if (!cred || cred->expires_at <= real_clock_.Now()) return Out();
  AMIPLACE_ASSIGN_OR_RETURN(auto instance, store_.GetInstance(cred->instance_id));
  if (!instance || instance->state == InstanceState::kTerminated) return Out();
  AMIPLACE_ASSIGN_OR_RETURN(auto owner, store_.GetAccount(instance->owner_account_id));
  if (!owner) return Out();
  return Out(Resolved{std::move(*cred), std::move(*instance), std::move(*owner)});
}

}  // namespace amiplace
