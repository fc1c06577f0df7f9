#include "app/entitlement_service.h"

#include <algorithm>
#include <tuple>

#include "app/page_token.h"
#include "core/crypto.h"
#include "domain/catalog/dimensions.h"
#include "domain/commerce/image.h"

namespace amiplace {

namespace {

namespace bj = boost::json;

constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string_view FilterName(EntitlementFilter f) {
  switch (f) {
    case EntitlementFilter::kCustomerIdentifier:
      return "CUSTOMER_IDENTIFIER";
    case EntitlementFilter::kDimension:
      return "DIMENSION";
    case EntitlementFilter::kCustomerAwsAccountId:
      return "CUSTOMER_AWS_ACCOUNT_ID";
    case EntitlementFilter::kLicenseArn:
      return "LICENSE_ARN";
  }
  return "";
}

// The keys of the product's Entitled dimensions, in document order; {kSubscriptionDimension}
// when it has none.
std::vector<std::string> EntitledDimensions(const Entity& product) {
  std::vector<std::string> out;
  if (const auto* dims = product.details.if_contains("Dimensions"); dims && dims->is_array()) {
    for (const auto& d : dims->get_array()) {
      if (!d.is_object()) continue;
      if (dimensions::TypesOf(d.get_object()).contains(dimensions::kEntitled)) {
        out.push_back(dimensions::KeyOf(d.get_object()));
      }
    }
  }
  if (out.empty()) out.emplace_back(kSubscriptionDimension);
  return out;
}

std::string LicenseArnFor(std::string_view server_key, const Subscription& sub) {
  std::string mac = crypto::Hex(crypto::HmacSha256(server_key, "license|" + sub.id));
  return fmt::format("arn:aws:license-manager::{}:license:l-{}", kMarketplaceAccountId,
                     mac.substr(0, 32));
}

bool Matches(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

std::optional<EntitlementFilter> ParseEntitlementFilter(std::string_view name) {
  for (auto f : {EntitlementFilter::kCustomerIdentifier, EntitlementFilter::kDimension,
                 EntitlementFilter::kCustomerAwsAccountId, EntitlementFilter::kLicenseArn}) {
    if (FilterName(f) == name) return f;
  }
  return std::nullopt;
}

std::string CustomerIdentifierFor(std::string_view server_key, std::string_view buyer_account_id,
                                  std::string_view product_id) {
  crypto::Digest mac =
      crypto::HmacSha256(server_key, fmt::format("customer|{}|{}", buyer_account_id, product_id));
  std::string out;
  for (size_t i = 0; i < 13; ++i) out += kAlnum[mac[i] % kAlnum.size()];
  return out;
}

Result<std::string> EntitlementService::ServerKey() {
  std::lock_guard lock(key_mu_);
  if (server_key_.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(server_key_, store_.GetServerKey());
  }
  return server_key_;
}

Result<GetEntitlementsResult> EntitlementService::GetEntitlements(
    const Caller& caller, const GetEntitlementsRequest& req) {
  const int limit = req.max_results.value_or(kMaxEntitlementsPerPage);
  if (limit < 1 || limit > kMaxEntitlementsPerPage) {
    return ValidationError(
        fmt::format("MaxResults: {} is not between 1 and {}", limit, kMaxEntitlementsPerPage));
  }
  if (req.filters.contains(EntitlementFilter::kCustomerIdentifier) &&
      req.filters.contains(EntitlementFilter::kCustomerAwsAccountId)) {
    return ValidationError(
        "Filter: CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive; use one "
        "or the other, not both in the same request");
  }
  for (const auto& [name, values] : req.filters) {
    if (values.empty()) {
      return ValidationError(fmt::format("Filter: {} needs at least one value", FilterName(name)));
    }
  }

  AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.FindProductByCode(req.product_code));
  if (!product || product->owner_account_id != caller.account.account_id) {
    return ValidationError(
        fmt::format("ProductCode: {} is not the product code of a product of account {}",
                    req.product_code, caller.account.account_id));
  }

  AMIPLACE_ASSIGN_OR_RETURN(std::string key, ServerKey());
  std::string fingerprint =
      fmt::format("entitlements|{}|{}", caller.account.account_id, req.product_code);
  for (const auto& [name, values] : req.filters) {
    fingerprint += fmt::format("|{}={}", FilterName(name), fmt::join(values, "\x1f"));
  }
  std::optional<PagePosition> after;
  if (!req.next_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(PagePosition pos, ReadPageToken(key, fingerprint, req.next_token));
    after = std::move(pos);
  }

  // Every buyer's active subscription to the product. The SubscriptionStore is indexed by
  // buyer, so this asks once per account (a port listing a product's subscribers would do it in
  // one query).
  AMIPLACE_ASSIGN_OR_RETURN(auto accounts, store_.ListAccounts());
  std::vector<Subscription> subscriptions;
  for (const auto& account : accounts) {
    AMIPLACE_ASSIGN_OR_RETURN(auto subs,
                              store_.ListSubscriptionsOf(account.account_id, product->id));
    for (auto& s : subs) {
      if (s.status == SubscriptionStatus::kActive) subscriptions.push_back(std::move(s));
    }
  }

  const std::vector<std::string> dims = EntitledDimensions(*product);
  auto filter = [&](EntitlementFilter f) -> const std::vector<std::string>* {
    auto it = req.filters.find(f);
    return it == req.filters.end() ? nullptr : &it->second;
  };
  std::vector<std::pair<PagePosition, EntitlementRecord>> rows;
  for (const auto& sub : subscriptions) {
    std::string customer = CustomerIdentifierFor(key, sub.buyer_account_id, product->id);
    std::string license = LicenseArnFor(key, sub);
    if (const auto* v = filter(EntitlementFilter::kCustomerIdentifier); v && !Matches(*v, customer))
      continue;
    if (const auto* v = filter(EntitlementFilter::kCustomerAwsAccountId);
        v && !Matches(*v, sub.buyer_account_id))
      continue;
    if (const auto* v = filter(EntitlementFilter::kLicenseArn); v && !Matches(*v, license))
      continue;
    for (const auto& dim : dims) {
      if (const auto* v = filter(EntitlementFilter::kDimension); v && !Matches(*v, dim)) continue;
      EntitlementRecord e;
      e.product_code = req.product_code;
      e.dimension = dim;
      e.customer_identifier = customer;
      e.customer_aws_account_id = sub.buyer_account_id;
      e.license_arn = license;
      rows.emplace_back(PagePosition{sub.buyer_account_id + "\n" + dim, sub.id}, std::move(e));
    }
  }
  auto less = [](const PagePosition& a, const PagePosition& b) {
    return std::tie(a.sort_key, a.id) < std::tie(b.sort_key, b.id);
  };
  std::sort(rows.begin(), rows.end(),
            [&](const auto& a, const auto& b) { return less(a.first, b.first); });

  GetEntitlementsResult out;
  auto it = rows.begin();
  if (after) {
    it = std::upper_bound(
        rows.begin(), rows.end(), *after,
        [&](const PagePosition& p, const auto& row) { return less(p, row.first); });
  }
  for (; it != rows.end() && static_cast<int>(out.entitlements.size()) < limit; ++it) {
    out.entitlements.push_back(it->second);
  }
  if (it != rows.end()) out.next_token = MakePageToken(key, fingerprint, std::prev(it)->first);
  return out;
}

}  // namespace amiplace
