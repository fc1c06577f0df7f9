// AmiProduct@1.0 UpdateTargeting: {"PositiveTargeting": {"BuyerAccounts": [0..5000 account
// IDs]}}. Replaces the product's allowlist (Targeting.PositiveTargeting.BuyerAccounts): the
// buyer accounts that see a Limited product. The list's shape is checked synchronously; its
// contents asynchronously with AWS's codes: INVALID_AWS_ACCOUNT_IDS for an ID that is not 12
// digits, INVALID_INPUT when the list equals the current one (compared as sets; an ID listed
// twice is kept once), INVALID_PRODUCT_VISIBILITY unless the product is Draft, Limited or
// Public.
#include <algorithm>
#include <set>

#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class UpdateProductTargeting final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateTargeting"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"PositiveTargeting"}, field));
    std::string name = validate::Join(field, "PositiveTargeting");
    const bj::value* pt = o.if_contains("PositiveTargeting");
    if (pt == nullptr) return ValidationError(fmt::format("{}: is required", name));
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*pt, name));
    const auto& p = pt->get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(p, {"BuyerAccounts"}, name));
    return validate::StringList(p, "BuyerAccounts", name, {.max = 5000}, {.max = 64}, true);
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in =
        details.get_object().at("PositiveTargeting").get_object().at("BuyerAccounts").get_array();
    std::vector<ErrorDetail> errors;
    std::string visibility = IndexOf(*target).visibility;
    if (visibility != "Draft" && visibility != "Limited" && visibility != "Public") {
      errors.push_back({"INVALID_PRODUCT_VISIBILITY",
                        fmt::format("The allowlist of a {} product cannot be changed; the product "
                                    "must be Draft, Limited or Public",
                                    visibility)});
    }
    std::vector<std::string> invalid;
    bj::array accounts;
    std::set<std::string, std::less<>> wanted;
    for (const auto& id : product::Strings(in)) {
      if (!IsAccountId(id)) {
        invalid.push_back(fmt::format("'{}'", id));
      } else if (wanted.insert(id).second) {
        accounts.emplace_back(id);
      }
    }
    if (!invalid.empty()) {
      errors.push_back({"INVALID_AWS_ACCOUNT_IDS",
                        fmt::format("PositiveTargeting.BuyerAccounts: not an AWS account ID (12 "
                                    "digits): {}",
                                    fmt::join(invalid, ", "))});
    }
    if (!errors.empty()) return errors;

    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::object& positive =
        product::Section(product::Section(doc, "Targeting"), "PositiveTargeting");
    auto current = product::Strings(product::ArrayOf(positive, "BuyerAccounts"));
    if (std::set<std::string, std::less<>>(current.begin(), current.end()) == wanted) {
      return {{"INVALID_INPUT",
               "PositiveTargeting.BuyerAccounts: the list is the product's current allowlist; "
               "send a different list"}};
    }
    positive["BuyerAccounts"] = std::move(accounts);
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    size_t n = 0;
    if (details.is_object()) {
      if (const auto* pt = details.get_object().if_contains("PositiveTargeting");
          pt && pt->is_object()) {
        if (const auto* ba = pt->get_object().if_contains("BuyerAccounts"); ba && ba->is_array()) {
          n = ba->get_array().size();
        }
      }
    }
    return fmt::format("Update the product's allowlist: {} buyer account{}", n, n == 1 ? "" : "s");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateProductTargeting() {
  return std::make_unique<UpdateProductTargeting>();
}

}  // namespace amiplace
