// The Marketplace Entitlement Service's one use case, GetEntitlements (2017-01-11): a seller asks
// which buyers are entitled to one of its products. Protocol-free: protocols/awsjson binds the
// wire (awsJson 1.1 and rpc-v2-cbor) to this.
//
// What amiplace answers (AWS documents the shapes, not these choices):
//   * Only the product's seller may ask. An unknown product code and another seller's product get
//     the same kValidation ("InvalidParameterException" on the wire, the one client error the
//     model declares), so a product's existence does not leak.
//   * One entitlement per ACTIVE subscription and per dimension: every "Entitled" dimension of the
//     product (its Key), or, for a product without one (hourly and free AMI products), a single
//     entitlement on the dimension kSubscriptionDimension. Value is {BooleanValue: true}: an AMI
//     subscription entitles, it does not count. No ExpirationDate (no contract).
//   * CustomerAWSAccountId is the buyer's account; CustomerIdentifier is opaque and stable, an HMAC
//     of the buyer and product under the server key (CustomerIdentifierFor, which the Metering
//     Service's ResolveCustomer must use too); LicenseArn is a stable License Manager-shaped ARN
//     derived from the subscription.
//   * Filters: values of one key are OR'ed, keys AND'ed; CUSTOMER_IDENTIFIER together with
//     CUSTOMER_AWS_ACCOUNT_ID is a kValidation. Filtering happens before paging, so a page with a
//     NextToken is never empty (clients must still accept one, as AWS may send it).
//   * Entitlements are ordered by buyer account, then dimension; NextToken is sealed (page_token.h)
//     and bound to the caller, product and filters. MaxResults defaults to 25.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.h"

namespace amiplace {

inline constexpr std::string_view kSubscriptionDimension = "subscription";
inline constexpr int kMaxEntitlementsPerPage = 25;

enum class EntitlementFilter {
  kCustomerIdentifier,
  kDimension,
  kCustomerAwsAccountId,
  kLicenseArn
};

// "CUSTOMER_IDENTIFIER" → kCustomerIdentifier; nullopt for any other name.
std::optional<EntitlementFilter> ParseEntitlementFilter(std::string_view name);

struct GetEntitlementsRequest {
  std::string product_code;
  std::map<EntitlementFilter, std::vector<std::string>> filters;
  std::string next_token;  // "" = first page
  std::optional<int> max_results;
};

struct EntitlementRecord {
  std::string product_code;
  std::string dimension;
  std::string customer_identifier;
  std::string customer_aws_account_id;
  bool boolean_value = true;
  std::optional<TimePoint> expiration_date;
  std::string license_arn;
};

struct GetEntitlementsResult {
  std::vector<EntitlementRecord> entitlements;
  std::string next_token;  // "" = last page
};

// The opaque, stable identifier of `buyer_account_id` as a customer of `product_id`: 13
// characters [A-Za-z0-9].
std::string CustomerIdentifierFor(std::string_view server_key, std::string_view buyer_account_id,
                                  std::string_view product_id);

class EntitlementService {
 public:
  explicit EntitlementService(Store& store) : store_(store) {}

  Result<GetEntitlementsResult> GetEntitlements(const Caller& caller,
                                                const GetEntitlementsRequest& req);

 private:
  Result<std::string> ServerKey();

  Store& store_;
  std::mutex key_mu_;
  std::string server_key_;
};

}  // namespace amiplace
