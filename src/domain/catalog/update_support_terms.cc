// Offer@1.0 UpdateSupportTerms: sets the offer's refund policy, replacing its SupportTerm.
// Details: {"Terms"*: [exactly 1] {"Type"*: "SupportTerm", "RefundPolicy"*: 1..500 characters,
// without leading or trailing blanks, of U+0000–U+007E plus © ® ™ ¢ £ ¤ ¥}}. No async errors.
#include "core/json_util.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

bool IsSupportTerm(std::string_view s) { return s == "SupportTerm"; }

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// AWS's character set for refund policies: ASCII up to '~' and a few currency and legal signs.
bool IsRefundPolicyText(std::string_view s) {
  static constexpr std::string_view kExtra[] = {"\u00A9", "\u00AE", "\u2122", "\u00A2",
                                                "\u00A3", "\u00A4", "\u00A5"};
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) <= 0x7E) {
      ++i;
      continue;
    }
    bool matched = false;
    for (std::string_view extra : kExtra) {
      if (s.substr(i, extra.size()) == extra) {
        i += extra.size();
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

class UpdateSupportTerms final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdateSupportTerms"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"Terms"}, field));
    const bj::array* terms = nullptr;
    AMIPLACE_RETURN_IF_ERROR(
        validate::Array(o, "Terms", field, {.min = 1, .max = 1}, &terms, true));
    std::string tf = validate::Join(field, "Terms[0]");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*terms)[0], tf));
    const auto& term = (*terms)[0].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(term, {"Type", "RefundPolicy"}, tf));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        term, "Type", tf, {.pattern_name = "SupportTerm", .check = IsSupportTerm}, true));
    AMIPLACE_RETURN_IF_ERROR(
        validate::String(term, "RefundPolicy", tf, {.min = 1, .max = 500}, true));
    std::string_view policy = term.at("RefundPolicy").get_string();
    std::string pf = validate::Join(tf, "RefundPolicy");
    if (IsBlank(policy.front()) || IsBlank(policy.back())) {
      return ValidationError(fmt::format("{}: must not begin or end with blanks", pf));
    }
    if (!IsRefundPolicyText(policy)) {
      return ValidationError(
          fmt::format("{}: may hold only ASCII characters up to '~' and \u00A9 \u00AE \u2122 "
                      "\u00A2 \u00A3 \u00A4 \u00A5",
                      pf));
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& term = details.get_object().at("Terms").get_array()[0];
    bj::array updated;
    bool replaced = false;
    if (const bj::value* old = target->details.if_contains("Terms"); old && old->is_array()) {
      for (const auto& t : old->get_array()) {
        const bool support =
            t.is_object() && json::GetString(t.get_object(), "Type") == "SupportTerm";
        if (!support) {
          updated.push_back(t);
        } else if (!replaced) {
          updated.push_back(term);
          replaced = true;
        }
      }
    }
    if (!replaced) updated.push_back(term);
    target->details["Terms"] = std::move(updated);
    return {};
  }

  std::string Describe(const bj::value&) const override {
    return "Update support terms: RefundPolicy";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateSupportTerms() {
  return std::make_unique<UpdateSupportTerms>();
}

}  // namespace amiplace
