// Temporary credentials for instances, as an instance profile gives them on EC2: the metadata
// service hands out the instance's current ones (iam/security-credentials/<role>), valid for six
// hours and replaced by new ones when less than 15 minutes are left; requests signed with them
// are accepted as the instance's own (its owner's account, and the instance). Times are real
// (wall-clock) time: the clients that use them check expiry against theirs. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/ports.h"
#include "core/clock.h"

namespace amiplace {

inline constexpr std::string_view kInstanceRoleName = "amiplace-marketplace-instance";

class InstanceCredentials {
 public:
  InstanceCredentials(Store& store, const Clock& real_clock) : store_(store), real_clock_(real_clock) {}

  // The instance's current credentials, issuing new ones when needed.
  Result<InstanceCredential> Current(const Instance& instance);

  struct Resolved {
    InstanceCredential credential;
    Instance instance;
    Account owner;
  };
  // The credential behind an "ASIA…" access key, with its instance and owner; nullopt when
  // unknown, expired, or its instance is gone (terminated).
  Result<std::optional<Resolved>> Resolve(std::string_view access_key_id);

 private:
  Result<std::optional<Resolved>> Lookup(std::string_view access_key_id);

  Store& store_;
  const Clock& real_clock_;
  std::mutex issue_mu_;  // one issuer at a time, so concurrent GETs share one credential
  // Resolutions are kept a few seconds: every request an instance signs needs one, and an
  // instance's state (terminated → refused) is then at most that stale.
  struct Cached {
    Resolved resolved;
    TimePoint at;
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace amiplace
