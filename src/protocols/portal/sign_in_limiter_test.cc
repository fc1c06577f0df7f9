#include "protocols/portal/sign_in_limiter.h"

#include <gtest/gtest.h>

namespace amiplace::portal {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return now; }
  TimePoint now = *ParseIso8601("2026-03-01T10:00:00Z");
};

TEST(SignInLimiterTest, FiveFailuresBlockTheAddressUntilTheWindowPasses) {
  ManualClock clock;
  SignInLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(limiter.Blocked("10.0.0.1", "AKIA" + std::to_string(i))) << i;
    limiter.RecordFailure("10.0.0.1", "AKIA" + std::to_string(i));
    clock.now += seconds(10);
  }
  // The sixth attempt, with any key, from that address.
  auto wait = limiter.Blocked("10.0.0.1", "AKIAOTHER");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, minutes(5) - seconds(50));
  EXPECT_FALSE(limiter.Blocked("10.0.0.2", "AKIAOTHER")) << "another address is not blocked";
  clock.now += minutes(5) - seconds(50);  // the first failure ages out
  EXPECT_FALSE(limiter.Blocked("10.0.0.1", "AKIAOTHER"));
}

TEST(SignInLimiterTest, FiveFailuresBlockTheKeyFromEveryAddress) {
  ManualClock clock;
  SignInLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) limiter.RecordFailure("10.0.0." + std::to_string(i), "AKIAVICTIM");
  auto wait = limiter.Blocked("192.168.1.1", "AKIAVICTIM");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, minutes(5));
  EXPECT_FALSE(limiter.Blocked("192.168.1.1", "AKIAOTHER"));
}

TEST(SignInLimiterTest, FourFailuresDoNotBlock) {
  ManualClock clock;
  SignInLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) limiter.RecordFailure("10.0.0.1", "AKIAK");
  EXPECT_FALSE(limiter.Blocked("10.0.0.1", "AKIAK"));
}

TEST(SignInLimiterTest, TheWindowSlides) {
  ManualClock clock;
  SignInLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) limiter.RecordFailure("10.0.0.1", "AKIAK");
  clock.now += minutes(4);
  limiter.RecordFailure("10.0.0.1", "AKIAK");  // five within five minutes
  ASSERT_TRUE(limiter.Blocked("10.0.0.1", "AKIAK"));
  EXPECT_EQ(*limiter.Blocked("10.0.0.1", "AKIAK"), minutes(1));
  clock.now += minutes(1);  // the first four age out; one failure left
  EXPECT_FALSE(limiter.Blocked("10.0.0.1", "AKIAK"));
  for (int i = 0; i < 3; ++i) limiter.RecordFailure("10.0.0.1", "AKIAK");
  EXPECT_FALSE(limiter.Blocked("10.0.0.1", "AKIAK"));
  limiter.RecordFailure("10.0.0.1", "AKIAK");
  EXPECT_TRUE(limiter.Blocked("10.0.0.1", "AKIAK"));
}

TEST(SignInLimiterTest, MemoryIsBounded) {
  ManualClock clock;
  SignInLimiter limiter(clock, {.max_buckets = 100});
  for (int i = 0; i < 1000; ++i) {
    limiter.RecordFailure("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256),
                          "AKIA" + std::to_string(i) + std::string(1000, 'x'));
    clock.now += seconds(1);
  }
  EXPECT_LE(limiter.bucket_count(), 100u);
  // Expired buckets make room before live ones are dropped.
  clock.now += minutes(10);
  limiter.RecordFailure("10.9.9.9", "AKIANEW");
  EXPECT_EQ(limiter.bucket_count(), 2u);
}

}  // namespace
}  // namespace amiplace::portal
