// The buyer's side of the catalog (CONTRACT §4–5): searching the products a buyer may see,
// describing one with its versions and marketplace AMIs, and subscribing. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.h"
#include "core/clock.h"
#include "domain/catalog/buyer_view.h"

namespace amiplace {

struct ProductVersionView {
  std::string version_id;
  std::string version_title;
  std::string status;                         // Available | Restricted
  std::map<std::string, std::string> images;  // region → marketplace AMI
};

// One price of the product's public offer, with its dimension's name and unit.
struct PriceView {
  std::string dimension_key, name, unit;
  std::string price;  // canonical decimal, USD
};

struct ProductView {
  Entity product;
  // The public offer's prices per dimension (empty when it has none: free or BYOL).
  std::vector<PriceView> prices;
  std::string pricing_model;  // Usage | Free | Byol | "" (no public offer yet)
  std::optional<int> free_trial_days;
  std::vector<std::string> regions;
  std::vector<std::string> instance_types;
  std::vector<ProductVersionView> versions;
};

class BuyerService {
 public:
  BuyerService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<std::vector<Entity>> Search(const Caller& caller, std::string_view text);
  Result<ProductView> DescribeProduct(const Caller& caller, std::string_view product_id);
  Result<Subscription> Subscribe(const Caller& caller, std::string_view product_id);
  Result<Subscription> CancelSubscription(const Caller& caller, std::string_view product_id);
  Result<std::vector<Subscription>> ListSubscriptions(const Caller& caller);
  // Whether `caller` may see a marketplace image: whoever may see the product whose code it
  // carries (a Limited product's AMIs are its seller's and allowlisted buyers', as AWS shares
  // them). An image of no known product is public.
  bool CanSeeMarketplaceImage(const Caller& caller, const Image& image);

 private:
  Result<BuyerRelation> RelationOf(const Caller& caller, std::string_view product_id);
  // The product if the caller may see it; NotFound otherwise.
  Result<Entity> VisibleProduct(const Caller& caller, std::string_view product_id);
  // A version's marketplace AMI in each region of the product.
  Result<std::map<std::string, std::string>> ImagesOf(const Entity& product,
                                                      const VersionView& version);

  Store& store_;
  const Clock& clock_;
};

}  // namespace amiplace
