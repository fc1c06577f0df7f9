// AmiProduct@1.0 UpdateInformation: the product's description, promotional resources and
// support information. All fields optional, at least one. Once filled, a product must hold
// every field buyers see (AWS's MISSING_DATA rule).
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
using validate::ListRule;
using validate::StringRule;

bool IsHttpUrl(std::string_view s) {
  return validate::IsHttpsUrl(s) || (s.starts_with("http://") && s.size() > 7);
}

class UpdateProductInformation final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateInformation"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    static const std::vector<std::string_view> kFields = {
        "ProductTitle", "ShortDescription", "LongDescription", "Sku",
        "LogoUrl", "VideoUrls", "Highlights", "AdditionalResources",
        "SupportDescription", "Categories", "SearchKeywords", "AssociatedProducts"};
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, kFields, field));
    AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(o, kFields, field));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "ProductTitle", field, {.min = 1, .max = 72}));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "ShortDescription", field, {.min = 1, .max = 1000}));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "LongDescription", field, {.min = 1, .max = 5000}));
    AMIPLACE_RETURN_IF_ERROR(
        validate::String(o, "Sku", field, {.min = 1, .max = 100, .nullable = true}));
    AMIPLACE_RETURN_IF_ERROR(
        validate::String(o, "LogoUrl", field, {.min = 1, .max = 2048, .https_url = true}));
    AMIPLACE_RETURN_IF_ERROR(validate::StringList(o, "VideoUrls", field, {.max = 1},
                                                  {.min = 1, .max = 2048, .https_url = true}));
    AMIPLACE_RETURN_IF_ERROR(
        validate::StringList(o, "Highlights", field, {.min = 1, .max = 3}, {.min = 1, .max = 500}));
    AMIPLACE_RETURN_IF_ERROR(
        validate::String(o, "SupportDescription", field, {.min = 1, .max = 2000}));
    AMIPLACE_RETURN_IF_ERROR(validate::StringList(o, "Categories", field,
                                                  {.min = 1, .max = 3, .unique = true},
                                                  {.min = 1, .max = 100}));
    AMIPLACE_RETURN_IF_ERROR(validate::StringList(o, "SearchKeywords", field,
                                                  {.min = 1, .max = 15}, {.min = 1, .max = 50}));
    AMIPLACE_RETURN_IF_ERROR(validate::StringList(o, "AssociatedProducts", field,
                                                  {.min = 1, .max = 10}, {.min = 1, .max = 255}));
    const bj::array* resources = nullptr;
    AMIPLACE_RETURN_IF_ERROR(
        validate::Array(o, "AdditionalResources", field, {.max = 3}, &resources));
    if (resources != nullptr) {
      for (size_t i = 0; i < resources->size(); ++i) {
        std::string item = fmt::format("{}.AdditionalResources[{}]", field, i);
        AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*resources)[i], item));
        const auto& r = (*resources)[i].get_object();
        AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(r, {"Text", "Url"}, item));
        AMIPLACE_RETURN_IF_ERROR(validate::String(r, "Text", item, {.min = 1, .max = 500}, true));
        AMIPLACE_RETURN_IF_ERROR(validate::String(
            r, "Url", item,
            {.min = 1, .max = 2048, .pattern_name = "an http:// or https:// URL", .check = IsHttpUrl},
            true));
      }
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    std::vector<ErrorDetail> errors;
    if (const auto* cats = in.if_contains("Categories")) {
      for (const auto& c : cats->get_array()) {
        if (!product::IsKnownCategory(c.get_string())) {
          errors.push_back({"INVALID_CATEGORY_NAMES",
                            fmt::format("Categories: '{}' is not an AWS Marketplace category",
                                        std::string_view(c.get_string()))});
        }
      }
    }
    if (const auto* kws = in.if_contains("SearchKeywords")) {
      size_t total = 0;
      for (const auto& k : kws->get_array()) total += validate::CodePoints(k.get_string());
      if (total > 250) {
        errors.push_back({"INVALID_INPUT",
                          fmt::format("SearchKeywords: the keywords total {} characters; at most 250 "
                                      "are allowed",
                                      total)});
      }
    }
    if (!errors.empty()) return errors;

    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::object& d = product::Description(doc);
    bj::object& promo = product::Section(doc, "PromotionalResources");
    bj::object& support = product::Section(doc, "SupportInformation");
    for (const auto& kv : in) {
      std::string_view k = kv.key();
      const bj::value& v = kv.value();
      if (k == "LogoUrl") {
        promo["LogoUrl"] = v;
      } else if (k == "VideoUrls") {
        bj::array videos;
        for (const auto& url : v.get_array()) {
          videos.push_back({{"Type", "Link"}, {"Title", "Product video"}, {"Url", url}});
        }
        promo["Videos"] = std::move(videos);
      } else if (k == "AdditionalResources") {
        bj::array res;
        for (const auto& r : v.get_array()) {
          res.push_back({{"Type", "Link"},
                         {"Text", r.get_object().at("Text")},
                         {"Url", r.get_object().at("Url")}});
        }
        promo["AdditionalResources"] = std::move(res);
      } else if (k == "SupportDescription") {
        support["Description"] = v;
      } else {
        d[k] = v;
      }
    }
    auto missing = product::MissingInformation(doc);
    if (!missing.empty()) {
      return {{"MISSING_DATA",
               fmt::format("Product information is incomplete; provide: {}", fmt::join(missing, ", "))}};
    }
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    std::vector<std::string> keys;
    if (details.is_object()) {
      for (const auto& kv : details.get_object()) keys.emplace_back(kv.key());
    }
    return fmt::format("Update product information: {}", fmt::join(keys, ", "));
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateProductInformation() {
  return std::make_unique<UpdateProductInformation>();
}

}  // namespace amiplace
