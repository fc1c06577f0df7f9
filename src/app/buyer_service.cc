#include "app/buyer_service.h"

#include "core/ids.h"
#include "core/json_util.h"
#include "domain/commerce/bill.h"

namespace amiplace {

namespace bj = boost::json;

Result<BuyerRelation> BuyerService::RelationOf(const Caller& caller, std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto subs, store_.ListSubscriptionsOf(caller.account.account_id, product_id));
  BuyerRelation r;
  r.ever_subscribed = !subs.empty();
  for (const auto& s : subs) r.has_active_subscription |= s.status == SubscriptionStatus::kActive;
  return r;
}

Result<Entity> BuyerService::VisibleProduct(const Caller& caller, std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.GetEntity(product_id));
  if (product && product->type == kAmiProductType) {
    AMIPLACE_ASSIGN_OR_RETURN(BuyerRelation relation, RelationOf(caller, product_id));
    if (BuyerCanSee(caller.account, *product, relation)) return std::move(*product);
  }
  return NotFoundError(fmt::format("ProductId: product {} was not found", product_id));
}

Result<std::map<std::string, std::string>> BuyerService::ImagesOf(const Entity& product,
                                                                  const VersionView& version) {
  std::map<std::string, std::string> out;
  if (version.source_image_id.empty()) return out;
  // The version's image is the marketplace's copy in us-east-1; the copies in other regions
  // name it as their source.
  out["us-east-1"] = version.source_image_id;
  std::string code = IndexOf(product).product_code;
  for (const auto& region : StringsAt(product.details, "RegionAvailability", "Regions")) {
    if (region == "us-east-1") continue;
    AMIPLACE_ASSIGN_OR_RETURN(auto images, store_.ListImagesByProductCode(region, code));
    for (const Image& img : images) {
      if (img.IsAvailable() && img.source_image_id == version.source_image_id) {
        out[region] = img.image_id;
        break;
      }
    }
  }
  return out;
}

Result<std::vector<Entity>> BuyerService::Search(const Caller& caller, std::string_view text) {
  if (text.size() > 1000) return ValidationError("Query: must be at most 1000 characters");
  AMIPLACE_ASSIGN_OR_RETURN(auto ids, store_.SearchProducts(text));
  std::vector<Entity> out;
  for (const auto& id : ids) {
    AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.GetEntity(id));
    if (!product) continue;
    std::string visibility = IndexOf(*product).visibility;
    bool own = product->owner_account_id == caller.account.account_id;
    // Search is for discovery: Restricted products take no new buyers, so only their seller
    // finds them; Drafts likewise.
    if (!own && (visibility == "Restricted" || visibility == "Draft")) continue;
    if (!BuyerCanSee(caller.account, *product, {})) continue;
    out.push_back(std::move(*product));
  }
  return out;
}

Result<ProductView> BuyerService::DescribeProduct(const Caller& caller, std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Entity product, VisibleProduct(caller, product_id));
  ProductView view;
  view.regions = StringsAt(product.details, "RegionAvailability", "Regions");
  view.instance_types = StringsAt(product.details, "Compatibility", "AvailableInstanceTypes");
  for (const VersionView& v : VersionsOf(product)) {
    ProductVersionView pv{v.version_id, v.version_title, v.status, {}};
    AMIPLACE_ASSIGN_OR_RETURN(pv.images, ImagesOf(product, v));
    view.versions.push_back(std::move(pv));
  }
  // What buyers pay: the public offer's rates, named by the product's dimensions.
  AMIPLACE_ASSIGN_OR_RETURN(auto offers, store_.ListEntities(kOfferType, std::nullopt));
  for (const Entity& o : offers) {
    if (!IsPublicOfferOf(o.details, product.id)) continue;
    AMIPLACE_ASSIGN_OR_RETURN(OfferPricing pricing, PricingOf(o.details));
    view.pricing_model = pricing.byol ? "Byol" : pricing.rates.empty() ? "Free" : "Usage";
    if (pricing.free_trial) view.free_trial_days = pricing.free_trial->days;
    const bj::value* dims = product.details.if_contains("Dimensions");
    // Rates of restricted dimensions stay on the offer for existing agreements; buyers see the
    // active dimensions' prices.
    for (const auto& [key, rate] : pricing.rates) {
      if (dims == nullptr || !dims->is_array()) break;
      for (const auto& d : dims->get_array()) {
        if (!d.is_object() || json::GetString(d.get_object(), "Key").value_or("") != key) continue;
        view.prices.push_back({key, json::GetString(d.get_object(), "Name").value_or(key),
                               json::GetString(d.get_object(), "Unit").value_or(""),
                               rate.ToString()});
      }
    }
    break;
  }
  view.product = std::move(product);
  return view;
}

Result<Subscription> BuyerService::Subscribe(const Caller& caller, std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Entity product, VisibleProduct(caller, product_id));
  AMIPLACE_ASSIGN_OR_RETURN(BuyerRelation relation, RelationOf(caller, product_id));
  if (!relation.has_active_subscription && !CanSubscribe(caller.account, product)) {
    std::string visibility = IndexOf(product).visibility;
    if (visibility == "Restricted") {
      return AccessDeniedError(fmt::format(
          "ProductId: product {} is Restricted and takes no new subscriptions", product_id));
    }
    return AccessDeniedError(fmt::format(
        "ProductId: account {} cannot subscribe to product {} ({})", caller.account.account_id,
        product_id, visibility));
  }
  Subscription sub;
  sub.id = "sub-" + ids::RandomLowerAlnum(17);
  sub.buyer_account_id = caller.account.account_id;
  sub.product_id = std::string(product_id);
  sub.created_at = clock_.Now();
  return store_.Subscribe(sub);
}

Result<Subscription> BuyerService::CancelSubscription(const Caller& caller,
                                                      std::string_view product_id) {
  AMIPLACE_ASSIGN_OR_RETURN(auto cancelled,
                            store_.CancelSubscription(caller.account.account_id, product_id, clock_.Now()));
  if (!cancelled) {
    return NotFoundError(fmt::format("ProductId: account {} has no active subscription to {}",
                                     caller.account.account_id, product_id));
  }
  return *cancelled;
}

bool BuyerService::CanSeeMarketplaceImage(const Caller& caller, const Image& image) {
  for (const auto& code : image.product_codes) {
    auto product = store_.FindProductByCode(code.product_code_id);
    if (!product.ok() || !*product) continue;
    auto relation = RelationOf(caller, (*product)->id);
    return relation.ok() && BuyerCanSee(caller.account, **product, *relation);
  }
  return true;
}

Result<std::vector<Subscription>> BuyerService::ListSubscriptions(const Caller& caller) {
  return store_.ListSubscriptions(caller.account.account_id);
}

}  // namespace amiplace
