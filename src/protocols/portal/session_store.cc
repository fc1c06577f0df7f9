#include "protocols/portal/session_store.h"

#include "core/crypto.h"

namespace amiplace::portal {

namespace {

constexpr size_t kRandomBytes = 32;

std::string KeyOf(std::string_view id) { return std::string(crypto::AsView(crypto::Sha256(id))); }

}  // namespace

bool SessionStore::Live(const Session& s, TimePoint now) const {
  return now < s.expires_at && now < s.last_seen + options_.idle_timeout;
}

void SessionStore::EraseLocked(const std::string& key) {
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  order_.erase({it->second.created_at, key});
  sessions_.erase(it);
}

void SessionStore::DropExpiredLocked(TimePoint now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (Live(it->second, now)) {
      ++it;
      continue;
    }
    order_.erase({it->second.created_at, it->first});
    it = sessions_.erase(it);
  }
}

Session SessionStore::Create(std::string_view account_id, std::string_view access_key_id) {
  const TimePoint now = clock_.Now();
  Session s;
  s.id = crypto::Base64Url(crypto::RandomBytes(kRandomBytes));
  s.csrf_token = crypto::Base64Url(crypto::RandomBytes(kRandomBytes));
  s.account_id = std::string(account_id);
  s.access_key_id = std::string(access_key_id);
  s.created_at = now;
  s.last_seen = now;
  s.expires_at = now + options_.absolute_lifetime;

  std::string key = KeyOf(s.id);
  std::lock_guard lock(mu_);
  if (sessions_.size() >= options_.max_sessions) DropExpiredLocked(now);
  // The account's own sessions, oldest first: past its share, its oldest goes.
  std::vector<std::string> own;
  for (const auto& [created, k] : order_) {
    if (sessions_.at(k).account_id == account_id) own.push_back(k);
  }
  for (size_t i = 0; i + options_.max_per_account <= own.size(); ++i) EraseLocked(own[i]);
  while (!order_.empty() && sessions_.size() >= options_.max_sessions) {
    std::string oldest = order_.begin()->second;
    EraseLocked(oldest);
  }
  Session stored = s;
  stored.id.clear();
  order_.insert({stored.created_at, key});
  sessions_.emplace(std::move(key), std::move(stored));
  return s;
}

std::optional<Session> SessionStore::Touch(std::string_view id) {
  if (id.empty()) return std::nullopt;
  const TimePoint now = clock_.Now();
  std::string key = KeyOf(id);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (!Live(it->second, now)) {
    EraseLocked(key);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionStore::Revoke(std::string_view id) {
  std::string key = KeyOf(id);
  std::lock_guard lock(mu_);
  EraseLocked(key);
}

size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace amiplace::portal
