// A buyer's subscription to a product. Subscribing is what entitles a buyer to launch the
// product's AMIs; a cancelled subscription is kept for the record (and for billing). Value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace amiplace {

enum class SubscriptionStatus { kActive, kCancelled };

std::string_view SubscriptionStatusName(SubscriptionStatus s);  // ACTIVE | CANCELLED

struct Subscription {
  std::string id;  // "sub-" + 17 lowercase alphanumerics
  std::string buyer_account_id;
  std::string product_id;
  SubscriptionStatus status = SubscriptionStatus::kActive;
  TimePoint created_at;
  std::optional<TimePoint> cancelled_at;
};

}  // namespace amiplace
