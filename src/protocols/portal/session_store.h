// The portal's sign-in sessions (docs/PORTAL.md), kept in memory: a session ID (the cookie
// value) and a separate CSRF token, both 32 random bytes in base64url, for one access key of one
// account. A session ends 8 hours after sign-in (absolute lifetime), after 1 hour without a
// request (idle timeout), at sign-out (Revoke), or when the store is full and it is the oldest.
// Sessions do not survive a restart: people sign in again.
//
// Sessions are kept under the SHA-256 of their ID, so that neither a lookup's timing nor a dump
// of the map gives away a usable cookie. Time is the real clock (not the simulated marketplace
// clock). Thread-safe: one mutex guards the map.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/clock.h"

namespace amiplace::portal {

struct Session {
  std::string id;  // the cookie value; only in what Create returns (the store keeps its hash)
  std::string csrf_token;
  std::string account_id;
  std::string access_key_id;  // the key that signed in; each request re-resolves it
  TimePoint created_at;
  TimePoint last_seen;
  TimePoint expires_at;  // created_at + the absolute lifetime
};

class SessionStore {
 public:
  struct Options {
    Millis absolute_lifetime = std::chrono::hours(8);
    Millis idle_timeout = std::chrono::hours(1);
    size_t max_sessions = 10'000;
    // Per account: signing in again past this ends the account's oldest session, so that one
    // account cannot push everyone else's sessions out.
    size_t max_per_account = 20;
  };

  explicit SessionStore(const Clock& clock) : SessionStore(clock, Options()) {}
  SessionStore(const Clock& clock, Options options) : clock_(clock), options_(options) {}

  // A new session for the account's access key; when the store is full, expired sessions are
  // dropped and then the oldest ones.
  Session Create(std::string_view account_id, std::string_view access_key_id);

  // The live session with this ID, its idle timer restarted; nullopt when there is none (never
  // was, expired, idle too long, revoked, evicted). The returned `id` is empty.
  std::optional<Session> Touch(std::string_view id);

  // Ends the session with this ID (nothing when there is none).
  void Revoke(std::string_view id);

  size_t size() const;
  const Options& options() const { return options_; }

 private:
  bool Live(const Session& s, TimePoint now) const;
  void EraseLocked(const std::string& key);
  void DropExpiredLocked(TimePoint now);

  const Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;  // by SHA-256 of the ID
  std::set<std::pair<TimePoint, std::string>> order_;  // (created_at, key): oldest first
};

}  // namespace amiplace::portal
