#include "protocols/portal/session_store.h"

#include <gtest/gtest.h>

#include <set>

#include "core/crypto.h"

namespace amiplace::portal {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return now; }
  TimePoint now = *ParseIso8601("2026-03-01T10:00:00Z");
};

TEST(SessionStoreTest, CreatesRandomIdsAndTokens) {
  ManualClock clock;
  SessionStore store(clock);
  Session a = store.Create("111111111111", "AKIAA");
  Session b = store.Create("111111111111", "AKIAA");
  for (const Session* s : {&a, &b}) {
    EXPECT_EQ(s->id.size(), 43u);  // 32 bytes, base64url without padding
    EXPECT_EQ(crypto::Base64UrlDecode(s->id)->size(), 32u);
    EXPECT_EQ(crypto::Base64UrlDecode(s->csrf_token)->size(), 32u);
    EXPECT_NE(s->id, s->csrf_token);
    EXPECT_EQ(s->expires_at, clock.now + hours(8));
  }
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.csrf_token, b.csrf_token);
  auto found = store.Touch(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->account_id, "111111111111");
  EXPECT_EQ(found->access_key_id, "AKIAA");
  EXPECT_EQ(found->csrf_token, a.csrf_token);
  EXPECT_TRUE(found->id.empty()) << "the store keeps no session ID";
}

TEST(SessionStoreTest, UnknownAndEmptyIdsFindNothing) {
  ManualClock clock;
  SessionStore store(clock);
  Session a = store.Create("111111111111", "AKIAA");
  EXPECT_FALSE(store.Touch(""));
  EXPECT_FALSE(store.Touch("nope"));
  EXPECT_FALSE(store.Touch(a.csrf_token)) << "the CSRF token is not a session ID";
}

TEST(SessionStoreTest, IdleTimeoutEndsASessionWithoutRequests) {
  ManualClock clock;
  SessionStore store(clock);
  Session a = store.Create("111111111111", "AKIAA");
  clock.now += minutes(59);
  ASSERT_TRUE(store.Touch(a.id));  // restarts the idle timer
  clock.now += minutes(59);
  ASSERT_TRUE(store.Touch(a.id));
  clock.now += hours(1);
  EXPECT_FALSE(store.Touch(a.id));
  EXPECT_EQ(store.size(), 0u);
  clock.now -= hours(1);  // gone for good, even if the clock steps back
  EXPECT_FALSE(store.Touch(a.id));
}

TEST(SessionStoreTest, AbsoluteLifetimeEndsAnActiveSession) {
  ManualClock clock;
  SessionStore store(clock);
  Session a = store.Create("111111111111", "AKIAA");
  for (int i = 0; i < 15; ++i) {
    clock.now += minutes(30);
    ASSERT_TRUE(store.Touch(a.id)) << "after " << (i + 1) * 30 << " minutes";
  }
  clock.now += minutes(29);  // 7 h 59 min
  ASSERT_TRUE(store.Touch(a.id));
  clock.now += minutes(1);  // 8 h
  EXPECT_FALSE(store.Touch(a.id));
}

TEST(SessionStoreTest, RevokeEndsOnlyThatSession) {
  ManualClock clock;
  SessionStore store(clock);
  Session a = store.Create("111111111111", "AKIAA");
  Session b = store.Create("111111111111", "AKIAA");
  store.Revoke(a.id);
  store.Revoke("unknown");
  EXPECT_FALSE(store.Touch(a.id));
  EXPECT_TRUE(store.Touch(b.id));
  EXPECT_EQ(store.size(), 1u);
}

TEST(SessionStoreTest, WhenFullExpiredSessionsGoFirstThenTheOldest) {
  ManualClock clock;
  SessionStore store(clock, {.max_sessions = 3});
  Session expired = store.Create("1", "K1");
  clock.now += minutes(61);
  Session a = store.Create("2", "K2");
  clock.now += minutes(1);
  Session b = store.Create("3", "K3");
  clock.now += minutes(1);
  Session c = store.Create("4", "K4");  // full: the idle one goes, the live ones stay
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.Touch(expired.id));
  EXPECT_TRUE(store.Touch(a.id));
  clock.now += minutes(1);
  Session d = store.Create("5", "K5");  // full of live sessions: the oldest (a) goes
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.Touch(a.id));
  EXPECT_TRUE(store.Touch(b.id));
  EXPECT_TRUE(store.Touch(c.id));
  EXPECT_TRUE(store.Touch(d.id));
}

TEST(SessionStoreTest, NeverHoldsMoreThanTheLimit) {
  ManualClock clock;
  SessionStore store(clock, {.max_sessions = 10});
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(store.Create("1", "K").id);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(store.size(), 10u);
}

TEST(SessionStoreTest, OneAccountCannotPushOthersOut) {
  ManualClock clock;
  SessionStore store(clock, {.max_sessions = 10, .max_per_account = 3});
  Session other = store.Create("2", "K2");
  std::vector<Session> own;
  for (int i = 0; i < 50; ++i) {
    clock.now += std::chrono::seconds(1);
    own.push_back(store.Create("1", "K1"));
  }
  EXPECT_EQ(store.size(), 4u);
  EXPECT_TRUE(store.Touch(other.id));
  EXPECT_FALSE(store.Touch(own[46].id));  // only the account's newest three remain
  EXPECT_TRUE(store.Touch(own[47].id));
  EXPECT_TRUE(store.Touch(own[49].id));
}

}  // namespace
}  // namespace amiplace::portal
