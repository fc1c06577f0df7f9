// Rate limiting of failed portal sign-ins (docs/PORTAL.md): at most `max_failures` failures
// within a sliding `window` per client address and, separately, per access key ID. Once either
// is reached, every sign-in attempt of that address or for that key — even one with the right
// secret — is refused until the oldest failure in the window has aged out; refused attempts are
// not counted. Successful sign-ins do not clear earlier failures.
//
// Memory is bounded: each bucket keeps at most `max_failures` instants, and at most
// `max_buckets` buckets are kept; when full, buckets whose failures have all aged out are
// dropped, then the one whose last failure is oldest. Access key IDs longer than any real key
// are cut to 128 characters. Time is the real clock. Thread-safe: one mutex.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace amiplace::portal {

class SignInLimiter {
 public:
  struct Options {
    int max_failures = 5;
    Millis window = std::chrono::minutes(5);
    size_t max_buckets = 20'000;
  };

  explicit SignInLimiter(const Clock& clock) : SignInLimiter(clock, Options()) {}
  SignInLimiter(const Clock& clock, Options options) : clock_(clock), options_(options) {}

  // How long until an attempt from `address` for `access_key_id` may be tried, or nullopt when
  // it may be tried now.
  std::optional<Millis> Blocked(std::string_view address, std::string_view access_key_id);

  // Counts one failed attempt against the address and the key.
  void RecordFailure(std::string_view address, std::string_view access_key_id);

  size_t bucket_count() const;

 private:
  using Bucket = std::deque<TimePoint>;  // failure instants, oldest first
  static std::string AddressKey(std::string_view address);
  static std::string AccessKeyKey(std::string_view access_key_id);
  void PruneLocked(Bucket& b, TimePoint now) const;
  std::optional<Millis> BlockedLocked(const std::string& key, TimePoint now);
  void AddLocked(const std::string& key, TimePoint now);
  void MakeRoomLocked(TimePoint now);

  const Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace amiplace::portal
