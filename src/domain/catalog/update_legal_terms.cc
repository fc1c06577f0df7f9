// Offer@1.0 UpdateLegalTerms: sets the offer's end-user licence agreement, replacing its LegalTerm.
// Details: {"Terms"*: [exactly 1] {"Type"*: "LegalTerm", "Documents"*: [exactly 1]
//   {"Type"*: CustomEula | StandardEula, "Url": https, ≤32000 (CustomEula only, required),
//    "Version": "YYYY-MM-DD" (StandardEula only, required)}}}.
// Async: INVALID_LEGAL_DOCUMENTS when a StandardEula names a version AWS does not publish
// (2022-07-14 is the current Standard Contract for AWS Marketplace; 2019-04-24 is accepted only
// on offers already released, since new offers take the latest).
#include "core/json_util.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr std::string_view kLatestStandardEula = "2022-07-14";
constexpr std::string_view kPreviousStandardEula = "2019-04-24";

bool IsEulaType(std::string_view s) { return s == "CustomEula" || s == "StandardEula"; }
bool IsLegalTerm(std::string_view s) { return s == "LegalTerm"; }
bool IsDateShape(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

class UpdateLegalTerms final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdateLegalTerms"; }

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
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(term, {"Type", "Documents"}, tf));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        term, "Type", tf, {.pattern_name = "LegalTerm", .check = IsLegalTerm}, true));
    const bj::array* docs = nullptr;
    AMIPLACE_RETURN_IF_ERROR(
        validate::Array(term, "Documents", tf, {.min = 1, .max = 1}, &docs, true));
    std::string df = validate::Join(tf, "Documents[0]");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*docs)[0], df));
    const auto& doc = (*docs)[0].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(doc, {"Type", "Url", "Version"}, df));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        doc, "Type", df, {.pattern_name = "CustomEula or StandardEula", .check = IsEulaType},
        true));
    if (doc.at("Type") == "CustomEula") {
      if (doc.contains("Version")) {
        return ValidationError(
            fmt::format("{}.Version: a CustomEula takes a Url, not a Version", df));
      }
      return validate::String(doc, "Url", df, {.min = 1, .max = 32000, .https_url = true}, true);
    }
    if (doc.contains("Url")) {
      return ValidationError(fmt::format("{}.Url: a StandardEula takes a Version, not a Url", df));
    }
    return validate::String(
        doc, "Version", df,
        {.pattern_name = "a date YYYY-MM-DD such as 2022-07-14", .check = IsDateShape}, true);
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& term = details.get_object().at("Terms").get_array()[0];
    const auto& doc = term.get_object().at("Documents").get_array()[0].get_object();
    if (doc.at("Type") == "StandardEula") {
      std::string_view version = doc.at("Version").get_string();
      const bool released = json::GetString(target->details, "State") == "Released";
      if (version != kLatestStandardEula && !(released && version == kPreviousStandardEula)) {
        return {
            {"INVALID_LEGAL_DOCUMENTS",
             fmt::format("Terms[0].Documents[0].Version: '{}' is not a Standard Contract for AWS "
                         "Marketplace version this offer can take; use {}",
                         version, kLatestStandardEula)}};
      }
    }
    bj::array updated;
    bool replaced = false;
    if (const bj::value* old = target->details.if_contains("Terms"); old && old->is_array()) {
      for (const auto& t : old->get_array()) {
        const bool legal = t.is_object() && json::GetString(t.get_object(), "Type") == "LegalTerm";
        if (!legal) {
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

  std::string Describe(const bj::value& details) const override {
    std::string type;
    if (details.is_object()) {
      const auto* terms = details.get_object().if_contains("Terms");
      if (terms && terms->is_array() && !terms->get_array().empty() &&
          terms->get_array()[0].is_object()) {
        const auto* docs = terms->get_array()[0].get_object().if_contains("Documents");
        if (docs && docs->is_array() && !docs->get_array().empty() &&
            docs->get_array()[0].is_object()) {
          type = json::GetString(docs->get_array()[0].get_object(), "Type").value_or("");
        }
      }
    }
    return type.empty() ? "Update legal terms" : fmt::format("Update legal terms: {}", type);
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateLegalTerms() {
  return std::make_unique<UpdateLegalTerms>();
}

}  // namespace amiplace
