#include "plf/form_diff.h"

#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace amiplace::plf {

namespace bj = boost::json;

namespace {

bj::array StringArray(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

bj::array StringArray(const std::set<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// The UpdateInformation document that sets everything the Product sheet holds.
bj::object InformationOf(const ProductInfo& p) {
  bj::array resources;
  for (const auto& [text, url] : p.resources) resources.push_back({{"Text", text}, {"Url", url}});
  bj::object o{{"ProductTitle", p.title},
               {"ShortDescription", p.short_description},
               {"LongDescription", p.long_description},
               {"LogoUrl", p.logo_url},
               {"Highlights", StringArray(p.highlights)},
               {"AdditionalResources", std::move(resources)},
               {"SupportDescription", p.support_description},
               {"Categories", StringArray(p.categories)},
               {"SearchKeywords", StringArray(p.keywords)}};
  if (!p.sku.empty()) o["Sku"] = p.sku;
  o["VideoUrls"] = p.video_url.empty() ? bj::array() : bj::array{bj::value(p.video_url)};
  return o;
}

class Planner {
 public:
  Planner(const ProductForm* current, const Entity* current_offer, const ProductForm& desired,
          const ErrorAt& error)
      : c_(current), offer_doc_(current_offer), d_(desired), error_(error) {
    product_ref_ = c_ ? d_.info.product_id
                      : fmt::format("${}.Entity.Identifier", kCreateProductChangeName);
  }

  PlannedChanges Plan() {
    Product();
    Regions();
    InstanceTypes();
    Versions();
    Dimensions();
    Allowlist();
    Restrictions();
    Offer();
    return std::move(out_);
  }

 private:
  void Add(std::string_view type, std::string_view entity_type, std::string identifier,
           bj::value details, Origin origin, std::string name = "") {
    Change c;
    c.change_type = std::string(type);
    c.entity_type = std::string(entity_type);
    c.entity_identifier = std::move(identifier);
    c.details = std::move(details);
    c.change_name = std::move(name);
    out_.changes.push_back(std::move(c));
    out_.origins.push_back(origin);
  }
  void AddProduct(std::string_view type, bj::value details, Origin origin) {
    Add(type, kAmiProductType, product_ref_, std::move(details), origin);
  }

  void Product() {
    const Origin row{kProductSheet, 1};
    if (c_ == nullptr) {
      Add("CreateProduct", kAmiProductType, "", bj::object{{"ProductTitle", d_.info.title}}, row,
          std::string(kCreateProductChangeName));
      AddProduct("UpdateInformation", InformationOf(d_.info), row);
    } else {
      bj::object want = InformationOf(d_.info), have = InformationOf(c_->info);
      if (d_.info.sku.empty() && !c_->info.sku.empty()) want["Sku"] = nullptr;
      bj::object changed;
      for (const auto& kv : want) {
        const bj::value* old = have.if_contains(kv.key());
        if (old == nullptr || *old != kv.value()) changed[kv.key()] = kv.value();
      }
      if (!changed.empty()) AddProduct("UpdateInformation", std::move(changed), row);
    }
    const std::string& future = d_.info.future_region_support;
    if (!future.empty() && (c_ == nullptr || c_->info.future_region_support != future)) {
      AddProduct("UpdateFutureRegionSupport",
                 bj::object{{"FutureRegionSupport",
                             bj::object{{"SupportedRegions", bj::array{bj::value(future)}}}}},
                 row);
    }
  }

  template <typename Row, typename Key>
  static std::set<std::string> Available(const std::vector<Row>& rows, Key key) {
    std::set<std::string> out;
    for (const auto& r : rows) {
      if (!r.restricted) out.insert(key(r));
    }
    return out;
  }

  void Regions() {
    auto key = [](const RegionForm& r) { return r.code; };
    std::set<std::string> want = Available(d_.regions, key);
    std::set<std::string> have = c_ ? Available(c_->regions, key) : std::set<std::string>{};
    std::set<std::string> add;
    for (const auto& r : want) {
      if (!have.contains(r)) add.insert(r);
    }
    for (const auto& r : have) {
      if (!want.contains(r)) restrict_regions_.insert(r);
    }
    if (!add.empty()) AddProduct("AddRegions", bj::object{{"Regions", StringArray(add)}}, {kRegionsSheet, -1});
  }

  void InstanceTypes() {
    auto key = [](const InstanceTypeForm& t) { return t.type; };
    std::set<std::string> want = Available(d_.instance_types, key);
    std::set<std::string> have = c_ ? Available(c_->instance_types, key) : std::set<std::string>{};
    std::set<std::string> add;
    for (const auto& t : want) {
      if (!have.contains(t)) add.insert(t);
    }
    for (const auto& t : have) {
      if (!want.contains(t)) restrict_types_.insert(t);
    }
    if (!add.empty()) {
      AddProduct("AddInstanceTypes", bj::object{{"InstanceTypes", StringArray(add)}},
                 {kInstanceTypesSheet, -1});
    }
    // Hourly (Metered) dimensions follow the types that have an hourly price.
    std::set<std::string> hourly_have;
    if (c_) {
      for (const auto& t : c_->instance_types) {
        if (!t.restricted && !t.hourly_price.empty()) hourly_have.insert(t.type);
      }
    }
    for (const auto& t : d_.instance_types) {
      if (t.restricted || t.hourly_price.empty()) continue;
      hourly_want_.insert(t.type);
      if (!hourly_have.contains(t.type)) {
        add_dimensions_.push_back({{"Key", t.type},
                                   {"Name", fmt::format("{} hours", t.type)},
                                   {"Description", fmt::format("Hours of {} instance usage", t.type)},
                                   {"Unit", "Hrs"},
                                   {"Types", bj::array{"Metered"}}});
      }
    }
    for (const auto& t : hourly_have) {
      if (!hourly_want_.contains(t)) {
        restrict_dimensions_.push_back({{"Key", t}, {"Types", bj::array{"Metered"}}});
      }
    }
  }

  static bj::object AmiDetails(const VersionForm& v, bool for_update, const VersionForm* old) {
    bj::object details;
    std::string error;
    if (!for_update) {
      bj::object source{{"AmiId", v.ami_id},
                        {"AccessRoleArn", v.access_role_arn},
                        {"UserName", v.os_user},
                        {"OperatingSystemName", v.os_name},
                        {"OperatingSystemVersion", v.os_version}};
      if (v.scanning_port != "22") source["ScanningPort"] = std::stoi(v.scanning_port);
      details["AmiSource"] = std::move(source);
    }
    if (!old || old->usage_instructions != v.usage_instructions) {
      details["UsageInstructions"] = v.usage_instructions;
    }
    if (!old || old->recommended_instance_type != v.recommended_instance_type) {
      details["RecommendedInstanceType"] = v.recommended_instance_type;
    }
    if (!old || old->security_groups != v.security_groups) {
      details["SecurityGroups"] = *ParseSecurityGroups(v.security_groups, &error);
    }
    if (!old || old->access_endpoint != v.access_endpoint) {
      if (!v.access_endpoint.empty()) {
        details["AccessEndpointUrl"] = *ParseAccessEndpoint(v.access_endpoint, &error);
      } else if (old) {
        details["AccessEndpointUrl"] = nullptr;
      }
    }
    return details;
  }

  void Versions() {
    std::map<std::string, const VersionForm*> existing;
    if (c_) {
      for (const auto& v : c_->versions) existing[v.version_id] = &v;
    }
    std::set<std::string> listed;
    for (const auto& v : d_.versions) {
      if (v.version_id.empty()) {
        for (const auto& [id, old] : existing) {
          if (old->title == v.title) {
            error_(v.origin, "VersionTitle",
                   fmt::format("'{}' is the title of an existing version ({}); titles are unique",
                               v.title, id));
          }
        }
        if (v.status == "Restricted") {
          error_(v.origin, "Status", "a new version is added Public; restrict it in a later upload");
        }
        AddProduct("AddDeliveryOptions",
                   bj::object{{"Version", {{"VersionTitle", v.title}, {"ReleaseNotes", v.release_notes}}},
                              {"DeliveryOptions",
                               bj::array{bj::object{{"Details",
                                                     {{"AmiDeliveryOptionDetails", AmiDetails(v, false, nullptr)}}}}}}},
                   v.origin);
        continue;
      }
      auto it = existing.find(v.version_id);
      if (it == existing.end()) {
        error_(v.origin, "VersionId",
               fmt::format("{} is not a version of this product; leave VersionId empty to add a "
                           "new version",
                           v.version_id));
        continue;
      }
      listed.insert(v.version_id);
      const VersionForm& old = *it->second;
      auto immutable = [&](std::string_view header, const std::string& was, const std::string& now) {
        if (was != now) {
          error_(v.origin, header,
                 fmt::format("an existing version's {} cannot change (it is '{}'); add a new "
                             "version instead",
                             header, was));
        }
      };
      immutable("VersionTitle", old.title, v.title);
      immutable("AmiId", old.ami_id, v.ami_id);
      immutable("OsName", old.os_name, v.os_name);
      immutable("OsVersion", old.os_version, v.os_version);
      immutable("OsUserName", old.os_user, v.os_user);
      immutable("ScanningPort", old.scanning_port, v.scanning_port);
      if (old.status == "Restricted" && v.status == "Public") {
        error_(v.origin, "Status", "a restricted version cannot be made public again; add a new version");
      }
      bj::object details = AmiDetails(v, true, &old);
      if (!details.empty() || old.release_notes != v.release_notes) {
        bj::object update;
        if (old.release_notes != v.release_notes) update["Version"] = {{"ReleaseNotes", v.release_notes}};
        bj::object option{{"Id", old.delivery_option_id}};
        if (!details.empty()) option["Details"] = {{"AmiDeliveryOptionDetails", std::move(details)}};
        update["DeliveryOptions"] = bj::array{std::move(option)};
        AddProduct("UpdateDeliveryOptions", std::move(update), v.origin);
      }
      if (old.status != "Restricted" && v.status == "Restricted") {
        restrict_options_.emplace_back(old.delivery_option_id);
        restrict_option_origin_ = v.origin;
      }
    }
    int after_last = 1;  // the row after the sheet's last version row
    for (const auto& v : d_.versions) after_last = std::max(after_last, v.origin.row + 1);
    for (const auto& [id, old] : existing) {
      if (!listed.contains(id)) {
        error_({kVersionsSheet, after_last}, "VersionId",
               fmt::format("version '{}' ({}) is missing; versions cannot be deleted — keep its "
                           "row and set Status to Restricted to restrict it",
                           old->title, id));
      }
    }
  }

  // The Types that name an existing dimension: exactly the product's.
  static bj::array TypesOf(const DimensionForm& d) {
    if (d.types.empty()) return bj::array{bj::value(d.type)};
    bj::array a;
    for (const auto& t : d.types) a.emplace_back(t);
    return a;
  }

  void Dimensions() {
    std::map<std::string, const DimensionForm*> have;
    if (c_) {
      for (const auto& x : c_->dimensions) have[x.key] = &x;
    }
    bj::array updates;
    std::set<std::string> listed;
    for (const auto& x : d_.dimensions) {
      listed.insert(x.key);
      auto it = have.find(x.key);
      if (it == have.end()) {
        add_dimensions_.push_back({{"Key", x.key},
                                   {"Name", x.name},
                                   {"Description", x.description},
                                   {"Unit", x.unit},
                                   {"Types", bj::array{bj::value(x.type)}}});
        continue;
      }
      const DimensionForm& old = *it->second;
      if (old.unit != x.unit) {
        error_(x.origin, "Unit", fmt::format("an existing dimension's unit cannot change (it is '{}')", old.unit));
      }
      if (old.type != x.type) {
        error_(x.origin, "Type", fmt::format("an existing dimension's type cannot change (it is '{}')", old.type));
      }
      if (old.name != x.name || old.description != x.description) {
        bj::object u{{"Key", x.key}, {"Types", TypesOf(old)}};
        if (old.name != x.name) u["Name"] = x.name;
        if (old.description != x.description) u["Description"] = x.description;
        updates.push_back(std::move(u));
      }
    }
    for (const auto& [key, old] : have) {
      if (!listed.contains(key)) {
        restrict_dimensions_.push_back({{"Key", key}, {"Types", TypesOf(*old)}});
      }
    }
    if (!add_dimensions_.empty()) {
      AddProduct("AddDimensions", bj::array(add_dimensions_.begin(), add_dimensions_.end()),
                 {kDimensionsSheet, -1});
    }
    if (!updates.empty()) AddProduct("UpdateDimensions", std::move(updates), {kDimensionsSheet, -1});
  }

  void Allowlist() {
    std::set<std::string> want, have;
    for (const auto& a : d_.allowlist) want.insert(a.account_id);
    if (c_) {
      for (const auto& a : c_->allowlist) have.insert(a.account_id);
    }
    if (want == have) return;
    AddProduct("UpdateTargeting",
               bj::object{{"PositiveTargeting", {{"BuyerAccounts", StringArray(want)}}}},
               {kAllowlistSheet, -1});
  }

  void Restrictions() {
    if (!restrict_options_.empty()) {
      bj::array ids;
      for (const auto& id : restrict_options_) ids.emplace_back(id);
      AddProduct("RestrictDeliveryOptions", bj::object{{"DeliveryOptionIds", std::move(ids)}},
                 restrict_option_origin_);
    }
    if (!restrict_types_.empty()) {
      AddProduct("RestrictInstanceTypes", bj::object{{"InstanceTypes", StringArray(restrict_types_)}},
                 {kInstanceTypesSheet, -1});
    }
    if (!restrict_dimensions_.empty()) {
      AddProduct("RestrictDimensions",
                 bj::array(restrict_dimensions_.begin(), restrict_dimensions_.end()),
                 {kDimensionsSheet, -1});
    }
    if (!restrict_regions_.empty()) {
      AddProduct("RestrictRegions", bj::object{{"Regions", StringArray(restrict_regions_)}},
                 {kRegionsSheet, -1});
    }
  }

  // The rate card the form asks for: hourly prices and metered dimensions' prices.
  inline static const std::string kZero = "0";

  std::map<std::string, std::string> WantedRates() const {
    std::map<std::string, std::string> rates;
    if (c_) rates = c_->hidden_rates;
    for (const auto& t : d_.instance_types) {
      if (!t.restricted && !t.hourly_price.empty()) rates[t.type] = t.hourly_price;
    }
    for (const auto& x : d_.dimensions) {
      if (x.type != "ExternallyMetered") continue;
      // A Free offer's rate card names every metered dimension, at 0.
      if (!x.price.empty()) {
        rates[x.key] = x.price;
      } else if (d_.offer.pricing_model == "Free") {
        rates.insert_or_assign(x.key, kZero);
      }
    }
    return rates;
  }
  std::map<std::string, std::string> CurrentRates() const {
    std::map<std::string, std::string> rates;
    if (!c_) return rates;
    rates = c_->hidden_rates;
    for (const auto& t : c_->instance_types) {
      if (!t.restricted && !t.hourly_price.empty()) rates[t.type] = t.hourly_price;
    }
    for (const auto& x : c_->dimensions) {
      if (x.type == "ExternallyMetered" && !x.price.empty()) rates[x.key] = x.price;
    }
    return rates;
  }

  // UpdatePricingTerms for `model` and `rates`, keeping the current offer's other pricing terms
  // (annual, free trial, recurring) where the model takes them.
  bj::object PricingTerms(const std::string& model, const std::map<std::string, std::string>& rates) {
    bj::array terms;
    if (model == "Byol") {
      terms.push_back(bj::object{{"Type", "ByolPricingTerm"}});
    } else if (!rates.empty()) {
      bj::array card;
      for (const auto& [key, price] : rates) card.push_back({{"DimensionKey", key}, {"Price", price}});
      terms.push_back({{"Type", "UsageBasedPricingTerm"},
                       {"CurrencyCode", "USD"},
                       {"RateCards", bj::array{bj::object{{"RateCard", std::move(card)}}}}});
    }
    // The offer's other pricing terms stay, where the model takes them (the engine's rules), with
    // their items for dimensions the product keeps.
    static const std::map<std::string, std::set<std::string, std::less<>>, std::less<>> kKept = {
        {"Usage", {"ConfigurableUpfrontPricingTerm", "FreeTrialPricingTerm", "RecurringPaymentTerm"}},
        {"Contract", {"ConfigurableUpfrontPricingTerm", "FixedUpfrontPricingTerm"}},
        {"Free", {"FreeTrialPricingTerm"}},
    };
    const bj::value* current = offer_doc_ ? offer_doc_->details.if_contains("Terms") : nullptr;
    auto kept = kKept.find(model);
    if (current && current->is_array() && kept != kKept.end()) {
      const std::set<std::string> keys = DimensionKeysAfter();
      for (const auto& t : current->get_array()) {
        const bj::value* type = t.is_object() ? t.get_object().if_contains("Type") : nullptr;
        if (!type || !type->is_string() || !kept->second.contains(std::string_view(type->get_string()))) {
          continue;
        }
        if (auto term = WithKnownKeys(t.get_object(), keys)) terms.push_back(std::move(*term));
      }
    }
    return bj::object{{"PricingModel", model}, {"Terms", std::move(terms)}};
  }

  // The product's dimension keys once the change set has applied.
  std::set<std::string> DimensionKeysAfter() const {
    std::set<std::string> keys = hourly_want_;
    for (const auto& x : d_.dimensions) keys.insert(x.key);
    if (c_) {
      for (const auto& [key, price] : c_->hidden_rates) keys.insert(key);
    }
    return keys;
  }

  // A kept term without the rate-card and grant items of dimensions the product no longer has;
  // nullopt when a list it needs ends up empty.
  static std::optional<bj::object> WithKnownKeys(bj::object term, const std::set<std::string>& keys) {
    auto filter = [&](bj::object& holder, std::string_view list) -> bool {
      bj::value* items = holder.if_contains(list);
      if (items == nullptr || !items->is_array()) return true;
      bj::array kept;
      for (const auto& item : items->get_array()) {
        const bj::value* key = item.is_object() ? item.get_object().if_contains("DimensionKey") : nullptr;
        if (key == nullptr || !key->is_string() || keys.contains(std::string(key->get_string()))) {
          kept.push_back(item);
        }
      }
      *items = std::move(kept);
      return !items->get_array().empty();
    };
    if (!filter(term, "Grants")) return std::nullopt;
    if (bj::value* cards = term.if_contains("RateCards"); cards && cards->is_array()) {
      for (auto& card : cards->get_array()) {
        if (card.is_object() && !filter(card.get_object(), "RateCard")) return std::nullopt;
      }
    }
    return term;
  }

  // Whether the current offer has pricing terms at all.
  bool HasPricingTerms() const {
    const bj::value* terms = offer_doc_ ? offer_doc_->details.if_contains("Terms") : nullptr;
    if (!terms || !terms->is_array()) return false;
    for (const auto& t : terms->get_array()) {
      const bj::value* type = t.is_object() ? t.get_object().if_contains("Type") : nullptr;
      if (type && type->is_string()) {
        std::string_view name = type->get_string();
        if (name != "LegalTerm" && name != "SupportTerm") return true;
      }
    }
    return false;
  }

  void Offer() {
    const Origin row{kOfferSheet, 1};
    const OfferForm& want = d_.offer;
    const bool has_offer = c_ != nullptr && !c_->offer.offer_id.empty();
    std::string ref;
    OfferForm have;
    if (has_offer) {
      ref = c_->offer.offer_id;
      have = c_->offer;
    } else {
      ref = fmt::format("${}.Entity.Identifier", kCreateOfferChangeName);
      Add("CreateOffer", kOfferType, "", bj::object{{"ProductId", product_ref_}}, row,
          std::string(kCreateOfferChangeName));
    }
    auto add = [&](std::string_view type, bj::value details) {
      Add(type, kOfferType, ref, std::move(details), row);
    };
    bj::object info;
    if (want.name != have.name) info["Name"] = want.name;
    if (!want.description.empty() && want.description != have.description) {
      info["Description"] = want.description;
    }
    if (!info.empty()) add("UpdateInformation", std::move(info));

    const auto rates = WantedRates();
    if (have.pricing_model == "Contract" && want.pricing_model != "Contract") {
      error_(row, "PricingModel", "a Contract offer's pricing model cannot change through the form");
    } else if (want.pricing_model == "Contract" && have.pricing_model != "Contract") {
      error_(row, "PricingModel", "Contract offers are made with the Catalog API; choose Usage, Free or Byol");
    } else if (want.pricing_model == "Free" && rates.empty()) {
      // Nothing to price: fine for an offer that has no pricing yet; otherwise its terms cannot
      // be replaced by none.
      if (!has_offer || HasPricingTerms()) {
        error_(row, "PricingModel",
               "a Free offer still needs a price of 0: give its instance types HourlyPrice 0");
      }
    } else if (want.pricing_model != have.pricing_model || rates != CurrentRates()) {
      add("UpdatePricingTerms", PricingTerms(want.pricing_model, rates));
    }
    if (want.eula_type != have.eula_type || want.eula_url != have.eula_url) {
      bj::object doc{{"Type", want.eula_type}};
      if (want.eula_type == "CustomEula") {
        doc["Url"] = want.eula_url;
      } else {
        doc["Version"] = "2022-07-14";
      }
      add("UpdateLegalTerms",
          bj::object{{"Terms", bj::array{bj::object{{"Type", "LegalTerm"},
                                                    {"Documents", bj::array{std::move(doc)}}}}}});
    }
    if (want.refund_policy != have.refund_policy) {
      add("UpdateSupportTerms",
          bj::object{{"Terms", bj::array{bj::object{{"Type", "SupportTerm"},
                                                    {"RefundPolicy", want.refund_policy}}}}});
    }
  }

  const ProductForm* c_;
  const Entity* offer_doc_;
  const ProductForm& d_;
  const ErrorAt& error_;
  std::string product_ref_;
  PlannedChanges out_;
  std::vector<bj::object> add_dimensions_, restrict_dimensions_;
  std::set<std::string> hourly_want_, restrict_types_, restrict_regions_;
  std::vector<std::string> restrict_options_;
  Origin restrict_option_origin_{kVersionsSheet, -1};
};

}  // namespace

PlannedChanges PlanChanges(const ProductForm* current, const Entity* current_offer,
                           const ProductForm& desired, const ErrorAt& error) {
  return Planner(current, current_offer, desired, error).Plan();
}

}  // namespace amiplace::plf
