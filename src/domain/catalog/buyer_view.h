// What buyers see of a product (CONTRACT §5): which products a buyer may see and subscribe to,
// and the buyer's view of a product's versions. Pure functions over the product document.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "domain/account.h"
#include "domain/catalog/entity.h"

namespace amiplace {

struct BuyerRelation {
  bool has_active_subscription = false;
  bool ever_subscribed = false;  // an active or cancelled subscription exists
};

// Public products to everyone, Limited ones to their seller and allowlisted buyers, Restricted
// ones to their seller and existing subscribers. Drafts only to their seller.
bool BuyerCanSee(const Account& viewer, const Entity& product, const BuyerRelation& relation);
// Whether `viewer` may take a new subscription now (Restricted products take none).
bool CanSubscribe(const Account& viewer, const Entity& product);
bool IsAllowlisted(const Entity& product, std::string_view account_id);

struct VersionView {
  std::string version_id;
  std::string version_title;
  std::string status;  // Available | Restricted
  std::string source_image_id;  // the marketplace AMI in us-east-1, if any
};
std::vector<VersionView> VersionsOf(const Entity& product);
std::vector<std::string> StringsAt(const boost::json::object& doc, std::string_view section,
                                   std::string_view member);

}  // namespace amiplace
