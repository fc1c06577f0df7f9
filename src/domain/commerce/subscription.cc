#include "domain/commerce/subscription.h"

namespace amiplace {

std::string_view SubscriptionStatusName(SubscriptionStatus s) {
  return s == SubscriptionStatus::kActive ? "ACTIVE" : "CANCELLED";
}

}  // namespace amiplace
