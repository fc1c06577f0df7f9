#include "domain/catalog/entity.h"

#include <charconv>

namespace amiplace {

std::string_view EntityTypeWithoutVersion(std::string_view type) {
  auto at = type.find('@');
  return at == std::string_view::npos ? type : type.substr(0, at);
}

std::optional<std::string> EntityTypeFromName(std::string_view name) {
  if (name == "AmiProduct") return std::string(kAmiProductType);
  if (name == "Offer") return std::string(kOfferType);
  return std::nullopt;
}

std::string EntityArn(std::string_view owner, std::string_view type, std::string_view id) {
  return "arn:aws:aws-marketplace:" + std::string(kCatalogRegion) + ":" + std::string(owner) +
         ":AWSMarketplace/" + std::string(EntityTypeWithoutVersion(type)) + "/" + std::string(id);
}

std::string EntityArn(const Entity& e) { return EntityArn(e.owner_account_id, e.type, e.id); }

namespace {
std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

EntityIndex IndexOf(const Entity& e) {
  EntityIndex idx;
  if (e.type == kAmiProductType) {
    if (const auto* d = e.details.if_contains("Description"); d && d->is_object()) {
      idx.name = Str(d->get_object(), "ProductTitle");
      idx.visibility = Str(d->get_object(), "Visibility");
      idx.product_code = Str(d->get_object(), "ProductCode");
    }
    idx.product_id = e.id;
  } else if (e.type == kOfferType) {
    idx.name = Str(e.details, "Name");
    idx.state = Str(e.details, "State");
    idx.product_id = Str(e.details, "ProductId");
  }
  return idx;
}

std::optional<ParsedIdentifier> ParseIdentifier(std::string_view identifier) {
  ParsedIdentifier out;
  auto at = identifier.find('@');
  if (at == std::string_view::npos) {
    out.id = std::string(identifier);
  } else {
    out.id = std::string(identifier.substr(0, at));
    std::string_view rev = identifier.substr(at + 1);
    int64_t r = 0;
    auto [p, ec] = std::from_chars(rev.data(), rev.data() + rev.size(), r);
    if (ec != std::errc() || p != rev.data() + rev.size() || r < 1) return std::nullopt;
    out.revision = r;
  }
  if (out.id.empty()) return std::nullopt;
  return out;
}

}  // namespace amiplace
