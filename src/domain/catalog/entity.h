// Catalog entities: AmiProduct@1.0 products and Offer@1.0 offers. An entity is its identity
// (ID, type, owner, revision) plus the DetailsDocument that DescribeEntity returns; the
// documents' shapes follow AWS's AmiProduct and Offer entity types. Value types.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace amiplace {

inline constexpr std::string_view kAmiProductType = "AmiProduct@1.0";
inline constexpr std::string_view kOfferType = "Offer@1.0";
inline constexpr std::string_view kCatalogName = "AWSMarketplace";
inline constexpr std::string_view kCatalogRegion = "us-east-1";

struct Entity {
  std::string id;
  std::string type;  // with version: "AmiProduct@1.0"
  std::string owner_account_id;
  int64_t revision = 1;
  TimePoint created_at;
  TimePoint last_modified;
  boost::json::object details;

  std::string Identifier() const { return id + "@" + std::to_string(revision); }
};

// "AmiProduct@1.0" → "AmiProduct".
std::string_view EntityTypeWithoutVersion(std::string_view type);
// Full type for a versionless name accepted by ListEntities ("AmiProduct" → "AmiProduct@1.0").
std::optional<std::string> EntityTypeFromName(std::string_view name);

std::string EntityArn(const Entity& e);
std::string EntityArn(std::string_view owner, std::string_view type, std::string_view id);

// Fields used for listing, filtering and sorting, derived from the document.
struct EntityIndex {
  std::string name;        // product title or offer name ("" when unset)
  std::string visibility;  // products: Draft|Limited|Public|Restricted; offers: ""
  std::string state;       // offers: Draft|Released; products: ""
  std::string product_id;  // offers: the product; products: their own ID
  std::string product_code;
};
EntityIndex IndexOf(const Entity& e);

// Splits "prod-abc@3" into ("prod-abc", 3); no revision → nullopt revision.
struct ParsedIdentifier {
  std::string id;
  std::optional<int64_t> revision;
};
std::optional<ParsedIdentifier> ParseIdentifier(std::string_view identifier);

}  // namespace amiplace
