// The Offer@1.0 change types UpdatePricingTerms, UpdateLegalTerms, UpdateSupportTerms,
// UpdateTargeting, UpdateAvailability and ReleaseOffer, driven through the engine as
// StartChangeSet and the worker drive them: synchronous checks (PlanChangeSet, the 422s) and
// applied outcomes (ProcessChangeSet, the ErrorDetailList codes).
#include <gtest/gtest.h>

#include <map>

#include "core/json_util.h"
#include "domain/changeset/engine.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

Change MakeChange(std::string type, std::string entity_type, std::string id,
                  std::string_view details, std::string name = "") {
  Change c;
  c.change_type = std::move(type);
  c.entity_type = std::move(entity_type);
  c.entity_identifier = std::move(id);
  c.details = bj::parse(details);
  c.change_name = std::move(name);
  return c;
}

TimePoint At(std::string_view iso) { return *ParseIso8601(iso); }

constexpr std::string_view kHourlyAndAnnual = R"({"PricingModel":"Usage","Terms":[
  {"Type":"UsageBasedPricingTerm","CurrencyCode":"USD","RateCards":[{"RateCard":[
    {"DimensionKey":"t2.micro","Price":"0.15"},{"DimensionKey":"m5.large","Price":"0.12345678"}]}]},
  {"Type":"ConfigurableUpfrontPricingTerm","CurrencyCode":"USD","RateCards":[{
    "Selector":{"Type":"Duration","Value":"P365D"},
    "RateCard":[{"DimensionKey":"t2.micro","Price":"220.00"},{"DimensionKey":"m5.large","Price":"150"}],
    "Constraints":{"MultipleDimensionSelection":"Allowed","QuantityConfiguration":"Allowed"}}]}]})";
constexpr std::string_view kStandardEula =
    R"({"Terms":[{"Type":"LegalTerm","Documents":[{"Type":"StandardEula","Version":"2022-07-14"}]}]})";
constexpr std::string_view kCustomEula =
    R"({"Terms":[{"Type":"LegalTerm","Documents":[{"Type":"CustomEula","Url":"https://example.com/eula.pdf"}]}]})";
constexpr std::string_view kSupport =
    R"({"Terms":[{"Type":"SupportTerm","RefundPolicy":"Absolutely no refund, period."}]})";
constexpr std::string_view kInfo = R"({"Name":"Public offer","Description":"Hourly and annual"})";
constexpr std::string_view kPrivate = R"({"PositiveTargeting":{"BuyerAccounts":["222222222222"]}})";

class OfferChangesTest : public ::testing::Test {
 protected:
  Account owner{"111111111111", "Seller", AccountType::kSeller, {}};
  TimePoint now = At("2026-01-15T12:00:00Z");
  std::map<std::string, Entity, std::less<>> db;
  EntityLoader load = [this](std::string_view id) -> std::optional<Entity> {
    auto it = db.find(id);
    if (it == db.end()) return std::nullopt;
    return it->second;
  };
  std::string product_id, offer_id;
  EntitySource Source() {
    EntitySource source(load);
    source.offers_of = [this](std::string_view product) {
      std::vector<Entity> out;
      for (const auto& [id, e] : db)
        if (e.type == kOfferType && IndexOf(e).product_id == product) out.push_back(e);
      return out;
    };
    return source;
  }

  void SetUp() override {
    ChangeSet cs = Set(
        {MakeChange("CreateProduct", "AmiProduct@1.0", "", "{}", "P"),
         MakeChange("CreateOffer", "Offer@1.0", "", R"({"ProductId":"$P.Entity.Identifier"})")});
    ProcessOutcome out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, now, Source());
    ASSERT_EQ(out.status, ChangeSetStatus::kSucceeded) << out.failure_description;
    Persist(out);
    product_id = cs.changes[0].resolved_entity_id;
    offer_id = cs.changes[1].resolved_entity_id;
    // Two hourly instance-type dimensions and one entitled dimension, as AddDimensions leaves them.
    db.at(product_id).details["Dimensions"] = bj::parse(R"([
      {"Key":"t2.micro","Name":"t2.micro","Description":"t2.micro","Unit":"Hrs","Types":["Metered"]},
      {"Key":"m5.large","Name":"m5.large","Description":"m5.large","Unit":"Hrs","Types":["Metered"]},
      {"Key":"Users","Name":"Users","Description":"Named users","Unit":"Users","Types":["Entitled"]}])");
  }

  ChangeSet Set(std::vector<Change> changes) {
    ChangeSet cs;
    cs.id = "cs";
    cs.owner_account_id = owner.account_id;
    cs.changes = std::move(changes);
    return cs;
  }
  void Persist(const ProcessOutcome& out) {
    for (const auto& e : out.changed_entities) db[e.id] = e;
  }
  const bj::object& Offer() { return db.at(offer_id).details; }

  // Applies one change to the offer; on success the new revision is stored.
  std::vector<ErrorDetail> Run(std::string type, std::string_view details) {
    ChangeSet cs = Set({MakeChange(std::move(type), "Offer@1.0", offer_id, details)});
    ProcessOutcome out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, now, Source());
    if (out.status == ChangeSetStatus::kSucceeded) {
      Persist(out);
    } else {
      EXPECT_EQ(out.failure_code, FailureCode::kClientError) << out.failure_description;
      EXPECT_TRUE(out.changed_entities.empty());
      EXPECT_FALSE(cs.changes[0].errors.empty()) << out.failure_description;
    }
    return cs.changes[0].errors;
  }
  void ExpectApplied(std::string type, std::string_view details) {
    auto errors = Run(type, details);
    ASSERT_TRUE(errors.empty()) << type << ": " << errors[0].code << " " << errors[0].message;
  }
  // The change fails with `code` (among its errors), whose message contains `needle`; the offer
  // is left as it was.
  void ExpectFails(std::string type, std::string_view details, std::string_view code,
                   std::string_view needle = "") {
    const std::string before = json::Serialize(Offer());
    auto errors = Run(type, details);
    auto it = std::find_if(errors.begin(), errors.end(), [&](const ErrorDetail& e) {
      return e.code == code && e.message.find(needle) != std::string::npos;
    });
    std::string all;
    for (const auto& e : errors) all += "\n  " + e.code + ": " + e.message;
    EXPECT_NE(it, errors.end()) << type << " did not fail with " << code << " '" << needle
                                << "'; errors:" << all;
    EXPECT_EQ(json::Serialize(Offer()), before);
  }
  // StartChangeSet refuses the change with a 422 whose message contains `needle`.
  void ExpectRejected(std::string type, std::string_view details, std::string_view needle) {
    std::vector<Change> changes{MakeChange(type, "Offer@1.0", offer_id, details)};
    auto plan = PlanChangeSet(changes, BuiltinChangeTypes());
    ASSERT_FALSE(plan.ok()) << type << " accepted " << details;
    EXPECT_EQ(plan.status().code(), ErrorCode::kValidation);
    EXPECT_NE(plan.status().message().find(needle), std::string::npos)
        << "wanted '" << needle << "' in: " << plan.status().message();
  }

  std::vector<std::string> TermTypes() {
    std::vector<std::string> out;
    for (const auto& t : Offer().at("Terms").get_array())
      out.emplace_back(t.at("Type").get_string());
    return out;
  }
  const bj::object* Rule(std::string_view type) {
    for (const auto& r : Offer().at("Rules").get_array()) {
      if (r.at("Type").get_string() == type) return &r.get_object();
    }
    return nullptr;
  }
  void MakeReleasable() {
    ExpectApplied("UpdateInformation", kInfo);
    ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
    ExpectApplied("UpdateLegalTerms", kStandardEula);
    ExpectApplied("UpdateSupportTerms", kSupport);
  }
};

std::string UsageTerm(std::string_view rate_card_items, std::string_view model = "Usage") {
  return fmt::format(R"({{"PricingModel":"{}","Terms":[{{"Type":"UsageBasedPricingTerm",
    "CurrencyCode":"USD","RateCards":[{{"RateCard":[{}]}}]}}]}})",
                     model, rate_card_items);
}
constexpr std::string_view kBothPriced =
    R"({"DimensionKey":"t2.micro","Price":"0.15"},{"DimensionKey":"m5.large","Price":"0.2"})";

// ---- UpdatePricingTerms ----------------------------------------------------------------------

TEST_F(OfferChangesTest, PricingTermsStoreHourlyAndAnnualRatesAsSent) {
  ExpectApplied("UpdateLegalTerms", kStandardEula);
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  EXPECT_EQ(TermTypes(), (std::vector<std::string>{"UsageBasedPricingTerm",
                                                   "ConfigurableUpfrontPricingTerm", "LegalTerm"}));
  const auto& annual = Offer().at("Terms").get_array()[1].at("RateCards").get_array()[0];
  EXPECT_EQ(annual.at("RateCard").get_array()[0].at("Price"), "220.00");  // the seller's string
  EXPECT_EQ(db.at(offer_id).revision, 3);
}

TEST_F(OfferChangesTest, PricingTermsReplaceEveryPricingTermAndKeepTheOthers) {
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  ExpectApplied("UpdateSupportTerms", kSupport);
  ExpectApplied("UpdatePricingTerms",
                R"({"PricingModel":"Byol","Terms":[{"Type":"ByolPricingTerm"}]})");
  EXPECT_EQ(TermTypes(), (std::vector<std::string>{"ByolPricingTerm", "SupportTerm"}));
}

TEST_F(OfferChangesTest, PricingTermsTakeFreeTrialsFreeModelsAndContracts) {
  ExpectApplied("UpdatePricingTerms", R"({"PricingModel":"Usage","Terms":[
    {"Type":"UsageBasedPricingTerm","CurrencyCode":"USD","RateCards":[{"RateCard":[
      {"DimensionKey":"t2.micro","Price":"0.15"},{"DimensionKey":"m5.large","Price":"0.2"}]}]},
    {"Type":"FreeTrialPricingTerm","Duration":"P30D","Grants":[{"DimensionKey":"t2.micro"},
      {"DimensionKey":"m5.large","MaxQuantity":2}]}]})");
  EXPECT_EQ(TermTypes(),
            (std::vector<std::string>{"UsageBasedPricingTerm", "FreeTrialPricingTerm"}));
  ExpectApplied("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"t2.micro","Price":"0"},
                                                   {"DimensionKey":"m5.large","Price":"0.00"})",
                                                "Free"));
  ExpectApplied("UpdatePricingTerms", R"({"PricingModel":"Contract","Terms":[
    {"Type":"ConfigurableUpfrontPricingTerm","CurrencyCode":"USD","RateCards":[
      {"Selector":{"Type":"Duration","Value":"P12M"},"RateCard":[{"DimensionKey":"Users","Price":"100.5"}],
       "Constraints":{"MultipleDimensionSelection":"Disallowed","QuantityConfiguration":"Disallowed"}},
      {"Selector":{"Type":"Duration","Value":"P24M"},"RateCard":[{"DimensionKey":"Users","Price":"180"}],
       "Constraints":{"MultipleDimensionSelection":"Disallowed","QuantityConfiguration":"Disallowed"}}]}]})");
  ExpectApplied("UpdatePricingTerms", R"({"PricingModel":"Usage","Terms":[
    {"Type":"UsageBasedPricingTerm","CurrencyCode":"USD","RateCards":[{"RateCard":[
      {"DimensionKey":"t2.micro","Price":"0.15"},{"DimensionKey":"m5.large","Price":"0.2"}]}]},
    {"Type":"RecurringPaymentTerm","CurrencyCode":"USD","BillingPeriod":"Monthly","Price":"15.0"}]})");
}

TEST_F(OfferChangesTest, PricingTermsRejectBadShapesNamingTheField) {
  const std::string kPrefix = "ChangeSet[0].DetailsDocument.";
  ExpectRejected("UpdatePricingTerms",
                 UsageTerm(R"({"DimensionKey":"a","Price":"1"},{"DimensionKey":"b","Price":"1"},
                              {"DimensionKey":"c","Price":"1"},{"DimensionKey":"d","Price":"abc"})"),
                 kPrefix +
                     "Terms[0].RateCards[0].RateCard[3].Price: 'abc' is not a price with at most "
                     "8 decimal places");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"a","Price":"0.123456789"})"),
                 "RateCard[0].Price: '0.123456789' is not a price with at most 8 decimal places");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"a","Price":"1e3"})"),
                 "Price: '1e3'");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"a","Price":"-1"})"),
                 "Price: '-1' must not be negative");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"a","Price":0.15})"),
                 "RateCard[0].Price: must be a string");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"a"})"),
                 "RateCard[0].Price: is required");
  ExpectRejected("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"","Price":"1"})"),
                 "RateCard[0].DimensionKey: must not be empty");
  ExpectRejected(
      "UpdatePricingTerms",
      UsageTerm(fmt::format(R"({{"DimensionKey":"{}","Price":"1"}})", std::string(101, 'k'))),
      "RateCard[0].DimensionKey: must be at most 100 characters");
  ExpectRejected("UpdatePricingTerms", UsageTerm(""), "RateCard: must have at least 1 item");
  std::vector<std::string> items(801, R"({"DimensionKey":"k","Price":"1"})");
  ExpectRejected("UpdatePricingTerms", UsageTerm(fmt::format("{}", fmt::join(items, ","))),
                 "Terms[0].RateCards[0].RateCard: must have at most 800 items");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Usage","Terms":[{"Type":"UsageBasedPricingTerm",
    "CurrencyCode":"USD","RateCards":[{"RateCard":[{"DimensionKey":"a","Price":"1"}]},
    {"RateCard":[{"DimensionKey":"b","Price":"1"}]}]}]})",
                 "Terms[0].RateCards: must have at most 1 items");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Usage","Terms":[{"Type":"UsageBasedPricingTerm",
    "CurrencyCode":"EUR","RateCards":[{"RateCard":[{"DimensionKey":"a","Price":"1"}]}]}]})",
                 "Terms[0].CurrencyCode: 'EUR' must be USD");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Hourly","Terms":[{"Type":"ByolPricingTerm"}]})",
                 kPrefix + "PricingModel: 'Hourly' must be one of Usage, Contract, Free, Byol");
  ExpectRejected("UpdatePricingTerms", R"({"PricingModel":"Byol"})",
                 kPrefix + "Terms: is required");
  ExpectRejected("UpdatePricingTerms", R"({"Terms":[{"Type":"ByolPricingTerm"}]})",
                 kPrefix + "PricingModel: is required");
  ExpectRejected("UpdatePricingTerms", R"({"PricingModel":"Byol","Terms":[]})",
                 "Terms: must have at least 1 item");
  ExpectRejected("UpdatePricingTerms", R"({"PricingModel":"Byol","Terms":[{"Type":"LegalTerm"}]})",
                 kPrefix + "Terms[0].Type: 'LegalTerm' must be a pricing term");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Byol","Terms":[{"Type":"ByolPricingTerm","Price":"1"}]})",
                 "Terms[0]: unknown field 'Price'");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Byol","Terms":[{"Type":"ByolPricingTerm"}],"Bogus":1})",
                 "unknown field 'Bogus'");
  ExpectRejected("UpdatePricingTerms", R"({"PricingModel":"Byol","Terms":["ByolPricingTerm"]})",
                 "Terms[0]: must be a JSON object");
}

TEST_F(OfferChangesTest, PricingTermsRejectBadUpfrontTrialAndRecurringShapes) {
  auto upfront = [](std::string_view selector, std::string_view price,
                    std::string_view constraints) {
    return fmt::format(
        R"({{"PricingModel":"Contract","Terms":[{{"Type":"ConfigurableUpfrontPricingTerm",
      "CurrencyCode":"USD","RateCards":[{{{}"RateCard":[{{"DimensionKey":"Users","Price":"{}"}}]{}}}]}}]}})",
        selector, price, constraints);
  };
  constexpr std::string_view kSelector = R"("Selector":{"Type":"Duration","Value":"P365D"},)";
  constexpr std::string_view kConstraints =
      R"(,"Constraints":{"MultipleDimensionSelection":"Allowed","QuantityConfiguration":"Allowed"})";
  ExpectRejected("UpdatePricingTerms", upfront(kSelector, "150.1234", kConstraints),
                 "Terms[0].RateCards[0].RateCard[0].Price: '150.1234' is not a price with at most "
                 "3 decimal places");
  ExpectRejected("UpdatePricingTerms", upfront("", "150", kConstraints),
                 "Terms[0].RateCards[0].Selector: is required");
  ExpectRejected("UpdatePricingTerms",
                 upfront(R"("Selector":{"Type":"Quantity","Value":"P365D"},)", "150", kConstraints),
                 "RateCards[0].Selector.Type: 'Quantity' must be Duration");
  ExpectRejected(
      "UpdatePricingTerms",
      upfront(R"("Selector":{"Type":"Duration","Value":"365 days"},)", "150", kConstraints),
      "RateCards[0].Selector.Value: '365 days' must be an ISO-8601 duration");
  ExpectRejected("UpdatePricingTerms", upfront(kSelector, "150", ""),
                 "RateCards[0].Constraints: is required");
  ExpectRejected(
      "UpdatePricingTerms",
      upfront(
          kSelector, "150",
          R"(,"Constraints":{"MultipleDimensionSelection":"Allowed","QuantityConfiguration":"Disallowed"})"),
      "RateCards[0].Constraints: MultipleDimensionSelection and QuantityConfiguration must be "
      "both");
  ExpectRejected(
      "UpdatePricingTerms",
      upfront(
          kSelector, "150",
          R"(,"Constraints":{"MultipleDimensionSelection":"Yes","QuantityConfiguration":"Yes"})"),
      "Constraints.MultipleDimensionSelection: 'Yes' must be Allowed or Disallowed");
  std::string card =
      R"({"Selector":{"Type":"Duration","Value":"P1D"},"RateCard":[{"DimensionKey":"Users","Price":"1"}],
    "Constraints":{"MultipleDimensionSelection":"Allowed","QuantityConfiguration":"Allowed"}})";
  std::vector<std::string> six;
  for (int i = 1; i <= 6; ++i)
    six.push_back(std::string(card).replace(card.find("P1D"), 3, fmt::format("P{}D", i)));
  ExpectRejected(
      "UpdatePricingTerms",
      fmt::format(R"({{"PricingModel":"Contract","Terms":[{{"Type":"ConfigurableUpfrontPricingTerm",
                   "CurrencyCode":"USD","RateCards":[{}]}}]}})",
                  fmt::join(six, ",")),
      "Terms[0].RateCards: must have at most 5 items");
  ExpectRejected(
      "UpdatePricingTerms",
      fmt::format(R"({{"PricingModel":"Contract","Terms":[{{"Type":"ConfigurableUpfrontPricingTerm",
                   "CurrencyCode":"USD","RateCards":[{},{}]}}]}})",
                  card, card),
      "RateCards[1].Selector.Value: 'P1D' is the duration of another rate card");

  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"30 days","Grants":[{"DimensionKey":"t2.micro"}]}]})",
                 "Terms[0].Duration: '30 days' must be");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P1M","Grants":[{"DimensionKey":"t2.micro"}]}]})",
                 "Terms[0].Duration: 'P1M' must be");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[]}]})",
                 "Terms[0].Grants: must have at least 1 item");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D"}]})",
                 "Terms[0].Grants: is required");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[{"DimensionKey":"t2.micro","MaxQuantity":0}]}]})",
                 "Terms[0].Grants[0].MaxQuantity: must be a whole number of at least 1");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Usage","Terms":[{"Type":"RecurringPaymentTerm",
    "CurrencyCode":"USD","BillingPeriod":"Yearly","Price":"15"}]})",
                 "Terms[0].BillingPeriod: 'Yearly' must be Monthly");
  ExpectRejected("UpdatePricingTerms",
                 R"({"PricingModel":"Contract","Terms":[{"Type":"FixedUpfrontPricingTerm",
    "CurrencyCode":"USD","Price":"1.0001","Grants":[{"DimensionKey":"Users"}]}]})",
                 "Terms[0].Price: '1.0001' is not a price with at most 3 decimal places");
}

TEST_F(OfferChangesTest, PricingTermsFailOnDimensionKeysTheProductDoesNotHave) {
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  ExpectFails(
      "UpdatePricingTerms",
      UsageTerm(fmt::format("{},{}", kBothPriced, R"({"DimensionKey":"m9.mega","Price":"1"})")),
      "INVALID_RATE_CARD",
      "Terms[0].RateCards[0].RateCard: product " + product_id +
          " has no dimensions with these keys (add them with AddDimensions first): m9.mega");
  ExpectFails("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"t2.micro","Price":"0.15"})"),
              "INVALID_RATE_CARD", "needs a usage price; missing: m5.large");
  ExpectFails(
      "UpdatePricingTerms",
      UsageTerm(fmt::format("{},{}", kBothPriced, R"({"DimensionKey":"Users","Price":"1"})")),
      "INVALID_RATE_CARD", "not metered: Users");
  ExpectFails("UpdatePricingTerms",
              R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[{"DimensionKey":"c5.xlarge"}]}]})",
              "INVALID_RATE_CARD", "Terms[0].Grants");
  // A product without dimensions yet: AWS wants AddDimensions first.
  db.at(product_id).details["Dimensions"] = bj::array();
  ExpectFails("UpdatePricingTerms", UsageTerm(R"({"DimensionKey":"t2.micro","Price":"0.15"})"),
              "INVALID_RATE_CARD", "t2.micro");
  EXPECT_EQ(TermTypes(),
            (std::vector<std::string>{"UsageBasedPricingTerm", "ConfigurableUpfrontPricingTerm"}));
}

// AWS's "add a dimension and price it" sample: the price sees the dimension added before it in
// the same change set, and a metered dimension left unpriced fails the set.
TEST_F(OfferChangesTest, PricingTermsSeeDimensionsAddedEarlierInTheSet) {
  constexpr std::string_view kAdd =
      R"([{"Key":"m7g.large","Name":"m7g.large","Description":"m7g.large","Unit":"Hrs","Types":["Metered"]}])";
  auto run = [&](std::string_view prices) {
    ChangeSet cs =
        Set({MakeChange("AddDimensions", "AmiProduct@1.0", product_id, kAdd),
             MakeChange("UpdatePricingTerms", "Offer@1.0", offer_id, UsageTerm(prices))});
    ProcessOutcome out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, now, Source());
    return std::make_pair(out.status, cs.changes[1].errors);
  };
  auto [failed, errors] = run(kBothPriced);
  EXPECT_EQ(failed, ChangeSetStatus::kFailed);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "INVALID_RATE_CARD");
  EXPECT_NE(errors[0].message.find("missing: m7g.large"), std::string::npos) << errors[0].message;
  auto [ok, none] =
      run(fmt::format("{},{}", kBothPriced, R"({"DimensionKey":"m7g.large","Price":"0.3"})"));
  EXPECT_EQ(ok, ChangeSetStatus::kSucceeded) << (none.empty() ? "" : none[0].message);
}

TEST_F(OfferChangesTest, PricingTermsFailOnDuplicateKeys) {
  ExpectFails(
      "UpdatePricingTerms",
      UsageTerm(fmt::format("{},{}", kBothPriced, R"({"DimensionKey":"t2.micro","Price":"1"})")),
      "DUPLICATE_DIMENSION_KEYS",
      "Terms[0].RateCards[0].RateCard: dimension keys appear more than once: t2.micro");
  ExpectFails("UpdatePricingTerms",
              R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[{"DimensionKey":"t2.micro"},{"DimensionKey":"t2.micro"}]}]})",
              "DUPLICATE_DIMENSION_KEYS", "Terms[0].Grants");
}

TEST_F(OfferChangesTest, PricingTermsFailWhenTheModelDoesNotFitTheTerms) {
  constexpr std::string_view kAnnualOnly = R"({"PricingModel":"Usage","Terms":[
    {"Type":"ConfigurableUpfrontPricingTerm","CurrencyCode":"USD","RateCards":[{
      "Selector":{"Type":"Duration","Value":"P365D"},"RateCard":[{"DimensionKey":"t2.micro","Price":"220"}],
      "Constraints":{"MultipleDimensionSelection":"Allowed","QuantityConfiguration":"Allowed"}}]}]})";
  ExpectFails("UpdatePricingTerms", kAnnualOnly, "INCOMPATIBLE_PRICING_MODEL",
              "PricingModel Usage needs a UsageBasedPricingTerm");
  ExpectFails("UpdatePricingTerms", R"({"PricingModel":"Byol","Terms":[{"Type":"ByolPricingTerm"},
    {"Type":"UsageBasedPricingTerm","CurrencyCode":"USD","RateCards":[{"RateCard":[
      {"DimensionKey":"t2.micro","Price":"0.15"},{"DimensionKey":"m5.large","Price":"0.2"}]}]}]})",
              "INCOMPATIBLE_PRICING_MODEL",
              "PricingModel Byol does not take a UsageBasedPricingTerm");
  ExpectFails("UpdatePricingTerms", UsageTerm(kBothPriced, "Byol"), "INCOMPATIBLE_PRICING_MODEL",
              "PricingModel Byol needs a ByolPricingTerm");
  ExpectFails(
      "UpdatePricingTerms", UsageTerm(kBothPriced, "Free"), "INCOMPATIBLE_PRICING_MODEL",
      "PricingModel Free charges nothing, but dimension 't2.micro' has the usage price '0.15'");
  ExpectFails(
      "UpdatePricingTerms", R"({"PricingModel":"Contract","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[{"DimensionKey":"t2.micro"}]}]})",
      "INCOMPATIBLE_PRICING_MODEL", "PricingModel Contract does not take a FreeTrialPricingTerm");
  ExpectFails("UpdatePricingTerms", R"({"PricingModel":"Byol","Terms":[{"Type":"ByolPricingTerm"},
    {"Type":"ByolPricingTerm"}]})",
              "INCOMPATIBLE_TERMS", "Terms[1]: an offer takes one ByolPricingTerm");
}

// ---- UpdateLegalTerms ------------------------------------------------------------------------

TEST_F(OfferChangesTest, LegalTermsSetAndReplaceTheEula) {
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  ExpectApplied("UpdateLegalTerms", kCustomEula);
  ExpectApplied("UpdateLegalTerms", kStandardEula);
  EXPECT_EQ(TermTypes(), (std::vector<std::string>{"UsageBasedPricingTerm",
                                                   "ConfigurableUpfrontPricingTerm", "LegalTerm"}));
  const auto& doc = Offer().at("Terms").get_array()[2].at("Documents").get_array()[0];
  EXPECT_EQ(doc.at("Type"), "StandardEula");
  EXPECT_EQ(doc.at("Version"), "2022-07-14");
}

TEST_F(OfferChangesTest, LegalTermsRejectBadShapesNamingTheField) {
  auto legal = [](std::string_view doc) {
    return fmt::format(R"({{"Terms":[{{"Type":"LegalTerm","Documents":[{}]}}]}})", doc);
  };
  ExpectRejected("UpdateLegalTerms", R"({"Terms":[]})",
                 "ChangeSet[0].DetailsDocument.Terms: must have at least 1 item");
  ExpectRejected(
      "UpdateLegalTerms",
      fmt::format(
          R"({{"Terms":[{},{}]}})",
          R"({"Type":"LegalTerm","Documents":[{"Type":"StandardEula","Version":"2022-07-14"}]})",
          R"({"Type":"LegalTerm","Documents":[{"Type":"StandardEula","Version":"2022-07-14"}]})"),
      "Terms: must have at most 1 items");
  ExpectRejected("UpdateLegalTerms", R"({"Terms":[{"Type":"SupportTerm","Documents":[]}]})",
                 "Terms[0].Type: 'SupportTerm' must be LegalTerm");
  ExpectRejected("UpdateLegalTerms", legal(""), "Terms[0].Documents: must have at least 1 item");
  ExpectRejected("UpdateLegalTerms", legal(R"({"Type":"StandardDsa","Version":"2022-07-14"})"),
                 "Terms[0].Documents[0].Type: 'StandardDsa' must be CustomEula or StandardEula");
  ExpectRejected("UpdateLegalTerms", legal(R"({"Type":"CustomEula"})"),
                 "Terms[0].Documents[0].Url: is required");
  ExpectRejected("UpdateLegalTerms",
                 legal(R"({"Type":"CustomEula","Url":"http://example.com/eula"})"),
                 "Terms[0].Documents[0].Url: must be an https:// URL");
  ExpectRejected("UpdateLegalTerms",
                 legal(fmt::format(R"({{"Type":"CustomEula","Url":"https://example.com/{}"}})",
                                   std::string(32000, 'a'))),
                 "Documents[0].Url: must be at most 32000 characters");
  ExpectRejected("UpdateLegalTerms",
                 legal(R"({"Type":"CustomEula","Url":"https://e.com/x","Version":"2022-07-14"})"),
                 "Documents[0].Version: a CustomEula takes a Url, not a Version");
  ExpectRejected("UpdateLegalTerms", legal(R"({"Type":"StandardEula"})"),
                 "Documents[0].Version: is required");
  ExpectRejected("UpdateLegalTerms", legal(R"({"Type":"StandardEula","Version":"latest"})"),
                 "Documents[0].Version: 'latest' must be a date YYYY-MM-DD");
  ExpectRejected("UpdateLegalTerms",
                 legal(R"({"Type":"StandardEula","Version":"2022-07-14","Url":"https://e.com"})"),
                 "Documents[0].Url: a StandardEula takes a Version, not a Url");
}

TEST_F(OfferChangesTest, LegalTermsFailOnStandardContractsAwsDoesNotPublish) {
  auto standard = [](std::string_view version) {
    return fmt::format(
        R"({{"Terms":[{{"Type":"LegalTerm","Documents":[{{"Type":"StandardEula","Version":"{}"}}]}}]}})",
        version);
  };
  ExpectFails("UpdateLegalTerms", standard("2021-01-01"), "INVALID_LEGAL_DOCUMENTS",
              "Terms[0].Documents[0].Version: '2021-01-01'");
  // The previous standard contract only on offers already released; new offers take the latest.
  ExpectFails("UpdateLegalTerms", standard("2019-04-24"), "INVALID_LEGAL_DOCUMENTS",
              "use 2022-07-14");
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectApplied("UpdateLegalTerms", standard("2019-04-24"));
}

// ---- UpdateSupportTerms ----------------------------------------------------------------------

TEST_F(OfferChangesTest, SupportTermsSetAndReplaceTheRefundPolicy) {
  ExpectApplied("UpdateSupportTerms", kSupport);
  ExpectApplied(
      "UpdateSupportTerms",
      R"({"Terms":[{"Type":"SupportTerm","RefundPolicy":"Refunds within 30 days \u00a9 ACME\u2122\nContact us."}]})");
  EXPECT_EQ(TermTypes(), std::vector<std::string>{"SupportTerm"});
  EXPECT_EQ(Offer().at("Terms").get_array()[0].at("RefundPolicy"),
            "Refunds within 30 days \u00a9 ACME\u2122\nContact us.");
}

TEST_F(OfferChangesTest, SupportTermsRejectBadShapesNamingTheField) {
  auto support = [](std::string_view policy) {
    return fmt::format(R"({{"Terms":[{{"Type":"SupportTerm","RefundPolicy":"{}"}}]}})", policy);
  };
  const std::string kField = "ChangeSet[0].DetailsDocument.Terms[0].RefundPolicy";
  ExpectRejected("UpdateSupportTerms", support(""), kField + ": must not be empty");
  ExpectRejected("UpdateSupportTerms", support(std::string(501, 'r')),
                 kField + ": must be at most 500 characters");
  ExpectRejected("UpdateSupportTerms", support(" padded"),
                 kField + ": must not begin or end with blanks");
  ExpectRejected("UpdateSupportTerms", support("padded\\n"),
                 kField + ": must not begin or end with blanks");
  ExpectRejected("UpdateSupportTerms", support("No refunds \u20ac"),
                 kField + ": may hold only ASCII characters");
  ExpectRejected("UpdateSupportTerms", R"({"Terms":[{"Type":"SupportTerm"}]})",
                 kField + ": is required");
  ExpectRejected("UpdateSupportTerms", R"({"Terms":[{"Type":"LegalTerm","RefundPolicy":"x"}]})",
                 "Terms[0].Type: 'LegalTerm' must be SupportTerm");
  ExpectRejected(
      "UpdateSupportTerms",
      R"({"Terms":[{"Type":"SupportTerm","RefundPolicy":"a"},{"Type":"SupportTerm","RefundPolicy":"b"}]})",
      "Terms: must have at most 1 items");
  ExpectRejected("UpdateSupportTerms",
                 R"({"Terms":[{"Type":"SupportTerm","RefundPolicy":"a","Extra":1}]})",
                 "Terms[0]: unknown field 'Extra'");
  ExpectRejected("UpdateSupportTerms", R"({"RefundPolicy":"a"})", "unknown field 'RefundPolicy'");
}

// UpdateSupportTerms has no asynchronous failure of its own; a failure elsewhere in its set
// leaves the offer untouched (all or nothing).
TEST_F(OfferChangesTest, SupportTermsApplyAllOrNothing) {
  ChangeSet cs = Set(
      {MakeChange("UpdateSupportTerms", "Offer@1.0", offer_id, kSupport),
       MakeChange(
           "UpdateLegalTerms", "Offer@1.0", offer_id,
           R"({"Terms":[{"Type":"LegalTerm","Documents":[{"Type":"StandardEula","Version":"2000-01-01"}]}]})")});
  ProcessOutcome out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, now, Source());
  EXPECT_EQ(out.status, ChangeSetStatus::kFailed);
  EXPECT_TRUE(out.changed_entities.empty());
  EXPECT_TRUE(cs.changes[0].errors.empty());
  EXPECT_EQ(cs.changes[1].errors.at(0).code, "INVALID_LEGAL_DOCUMENTS");
  EXPECT_TRUE(Offer().at("Terms").get_array().empty());
}

// ---- UpdateTargeting -------------------------------------------------------------------------

TEST_F(OfferChangesTest, TargetingIsStoredAsTheOneTargetingRule) {
  ExpectApplied("UpdateTargeting",
                R"({"PositiveTargeting":{"BuyerAccounts":["222222222222","333333333333"]}})");
  ExpectApplied("UpdateAvailability", R"({"AvailabilityEndDate":"2026-03-31"})");
  const bj::object* rule = Rule("TargetingRule");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->at("PositiveTargeting").at("BuyerAccounts").get_array().size(), 2u);
  EXPECT_FALSE(rule->contains("NegativeTargeting"));

  ExpectApplied("UpdateTargeting", R"({"NegativeTargeting":{"CountryCodes":["CU","IR"]}})");
  ASSERT_EQ(Offer().at("Rules").get_array().size(),
            2u);  // still one targeting rule, plus availability
  rule = Rule("TargetingRule");
  EXPECT_FALSE(rule->contains("PositiveTargeting"));
  EXPECT_EQ(rule->at("NegativeTargeting").at("CountryCodes").get_array()[1], "IR");
  EXPECT_NE(Rule("AvailabilityRule"), nullptr);
}

TEST_F(OfferChangesTest, TargetingRejectsBadShapesNamingTheField) {
  const std::string kPos = "ChangeSet[0].DetailsDocument.PositiveTargeting";
  ExpectRejected("UpdateTargeting", "{}",
                 "must set at least one of: PositiveTargeting, NegativeTargeting");
  ExpectRejected(
      "UpdateTargeting",
      R"({"PositiveTargeting":{"CountryCodes":["US"]},"NegativeTargeting":{"CountryCodes":["CU"]}})",
      "set PositiveTargeting or NegativeTargeting, not both");
  ExpectRejected("UpdateTargeting", R"({"PositiveTargeting":{}})",
                 kPos + ": must set at least one of: CountryCodes, BuyerAccounts");
  ExpectRejected(
      "UpdateTargeting", R"({"PositiveTargeting":{"CountryCodes":["us"]}})",
      kPos + ".CountryCodes[0]: 'us' must be an upper-case ISO 3166-1 alpha-2 country code");
  ExpectRejected("UpdateTargeting", R"({"PositiveTargeting":{"CountryCodes":["USA"]}})",
                 kPos + ".CountryCodes[0]");
  ExpectRejected("UpdateTargeting", R"({"PositiveTargeting":{"CountryCodes":[]}})",
                 kPos + ".CountryCodes: must have at least 1 item");
  ExpectRejected("UpdateTargeting", R"({"PositiveTargeting":{"CountryCodes":["US","DE","US"]}})",
                 kPos + ".CountryCodes[2]: 'US' appears more than once");
  ExpectRejected("UpdateTargeting", R"({"PositiveTargeting":{"BuyerAccounts":["12345"]}})",
                 kPos + ".BuyerAccounts[0]: '12345' must be a 12-digit AWS account ID");
  std::vector<std::string> accounts;
  for (int i = 0; i < 27; ++i) accounts.push_back(fmt::format("\"{:012d}\"", 100000000000LL + i));
  ExpectRejected(
      "UpdateTargeting",
      fmt::format(R"({{"PositiveTargeting":{{"BuyerAccounts":[{}]}}}})", fmt::join(accounts, ",")),
      kPos + ".BuyerAccounts: must have at most 26 items");
  ExpectRejected("UpdateTargeting", R"({"NegativeTargeting":{}})",
                 "ChangeSet[0].DetailsDocument.NegativeTargeting.CountryCodes: is required");
  ExpectRejected("UpdateTargeting", R"({"NegativeTargeting":{"BuyerAccounts":["222222222222"]}})",
                 "NegativeTargeting: unknown field 'BuyerAccounts'");
}

TEST_F(OfferChangesTest, TargetingFailsOnUnassignedCountriesAndBuyerChangesAfterRelease) {
  ExpectFails("UpdateTargeting", R"({"PositiveTargeting":{"CountryCodes":["US","ZZ","XK"]}})",
              "INVALID_COUNTRY_CODES",
              "PositiveTargeting.CountryCodes: not ISO 3166-1 country codes: ZZ, XK");
  ExpectApplied("UpdateTargeting", kPrivate);
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectFails("UpdateTargeting",
              R"({"PositiveTargeting":{"BuyerAccounts":["222222222222","333333333333"]}})",
              "INCOMPATIBLE_TARGETING", "buyer accounts of a released offer cannot change");
  ExpectFails("UpdateTargeting", R"({"NegativeTargeting":{"CountryCodes":["CU"]}})",
              "INCOMPATIBLE_TARGETING");
  // The same buyers with countries added is no change of buyers.
  ExpectApplied(
      "UpdateTargeting",
      R"({"PositiveTargeting":{"BuyerAccounts":["222222222222"],"CountryCodes":["US"]}})");
}

TEST_F(OfferChangesTest, TargetingOfAReleasedPublicOfferCannotAddBuyers) {
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectApplied("UpdateTargeting", R"({"NegativeTargeting":{"CountryCodes":["CU"]}})");
  ExpectFails("UpdateTargeting", kPrivate, "INCOMPATIBLE_TARGETING");
}

// ---- UpdateAvailability ----------------------------------------------------------------------

TEST_F(OfferChangesTest, AvailabilityIsStoredAsAFullTimestamp) {
  ExpectApplied("UpdateTargeting", kPrivate);
  ExpectApplied("UpdateAvailability", R"({"AvailabilityEndDate":"2026-08-30"})");
  ASSERT_NE(Rule("AvailabilityRule"), nullptr);
  EXPECT_EQ(Rule("AvailabilityRule")->at("AvailabilityEndDate"), "2026-08-30T00:00:00.000Z");
  ExpectApplied("UpdateAvailability", R"({"AvailabilityEndDate":"2026-01-15"})");  // today is fine
  EXPECT_EQ(Offer().at("Rules").get_array().size(), 2u);
  EXPECT_EQ(Rule("AvailabilityRule")->at("AvailabilityEndDate"), "2026-01-15T00:00:00.000Z");
}

TEST_F(OfferChangesTest, AvailabilityRejectsWhatIsNotADate) {
  const std::string kField = "ChangeSet[0].DetailsDocument.AvailabilityEndDate";
  for (std::string_view bad :
       {"2026-02-30", "2026/03/31", "31-03-2026", "2026-3-31", "2026-03-31T00:00:00Z", ""}) {
    ExpectRejected("UpdateAvailability", fmt::format(R"({{"AvailabilityEndDate":"{}"}})", bad),
                   kField);
  }
  ExpectRejected("UpdateAvailability", R"({"AvailabilityEndDate":"2026-13-01"})",
                 kField + ": '2026-13-01' must be a calendar date YYYY-MM-DD");
  ExpectRejected("UpdateAvailability", "{}", kField + ": is required");
  ExpectRejected("UpdateAvailability", R"({"AvailabilityEndDate":20260331})",
                 kField + ": must be a string");
  ExpectRejected("UpdateAvailability", R"({"AvailabilityEndDate":"2026-03-31","EndDate":"x"})",
                 "unknown field 'EndDate'");
}

TEST_F(OfferChangesTest, AvailabilityFailsForPublicOffersAndPastDates) {
  ExpectApplied("UpdateTargeting", kPrivate);
  ExpectFails("UpdateAvailability", R"({"AvailabilityEndDate":"2026-01-14"})",
              "INVALID_AVAILABILITY_END_DATE", "2026-01-14 is in the past");
  // A released private offer may take a past date: that expires it.
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectApplied("UpdateAvailability", R"({"AvailabilityEndDate":"2026-01-01"})");
}

TEST_F(OfferChangesTest, AvailabilityFailsOnAReleasedPublicOffer) {
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectFails("UpdateAvailability", R"({"AvailabilityEndDate":"2026-03-31"})",
              "INVALID_AVAILABILITY_END_DATE", "a public offer has no end date");
}

// ---- ReleaseOffer ----------------------------------------------------------------------------

TEST_F(OfferChangesTest, ReleaseMakesACompleteDraftReleased) {
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  EXPECT_EQ(Offer().at("State"), "Released");
  EXPECT_EQ(IndexOf(db.at(offer_id)).state, "Released");
}

TEST_F(OfferChangesTest, ReleaseAllowsOnePublicOfferPerProduct) {
  MakeReleasable();
  Entity second = db.at(offer_id);  // a complete Draft offer for the same product
  ExpectApplied("ReleaseOffer", "{}");
  second.id = "offer-secondoffer001";
  second.details["Id"] = second.id;
  db[second.id] = second;
  offer_id = second.id;
  ExpectFails("ReleaseOffer", "{}", "TOO_MANY_OFFERS");
}

TEST_F(OfferChangesTest, ReleaseTakesOnlyAnEmptyDocument) {
  ExpectRejected("ReleaseOffer", R"({"Force":true})",
                 "ChangeSet[0].DetailsDocument: ReleaseOffer takes an empty document {}; unknown "
                 "field 'Force'");
  ExpectRejected("ReleaseOffer", "[]", "ChangeSet[0].DetailsDocument: must be a JSON object");
}

TEST_F(OfferChangesTest, ReleaseReportsEverythingMissing) {
  auto errors = Run("ReleaseOffer", "{}");
  std::vector<std::string> codes;
  for (const auto& e : errors) codes.push_back(e.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"MISSING_NAME", "MISSING_DESCRIPTION",
                                             "MISSING_MANDATORY_TERMS"}));
  EXPECT_NE(errors.at(2).message.find(
                "pricing terms (UpdatePricingTerms), legal terms (UpdateLegalTerms)"),
            std::string::npos)
      << errors.at(2).message;
  EXPECT_EQ(Offer().at("State"), "Draft");
}

TEST_F(OfferChangesTest, ReleaseNeedsSupportTermsOnlyForPaidPublicOffers) {
  ExpectApplied("UpdateInformation", kInfo);
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  ExpectApplied("UpdateLegalTerms", kStandardEula);
  ExpectFails("ReleaseOffer", "{}", "MISSING_MANDATORY_TERMS",
              "a released paid public offer needs support terms (UpdateSupportTerms)");
  // A free public offer needs none.
  ExpectApplied("UpdatePricingTerms",
                R"({"PricingModel":"Free","Terms":[{"Type":"FreeTrialPricingTerm",
    "Duration":"P30D","Grants":[{"DimensionKey":"t2.micro"}]}]})");
  ExpectApplied("ReleaseOffer", "{}");
}

TEST_F(OfferChangesTest, ReleaseOfAPrivateOfferNeedsNoSupportTerms) {
  ExpectApplied("UpdateInformation", kInfo);
  ExpectApplied("UpdateTargeting", kPrivate);
  ExpectApplied("UpdatePricingTerms", kHourlyAndAnnual);
  ExpectApplied("UpdateLegalTerms", kCustomEula);
  ExpectApplied("ReleaseOffer", "{}");
}

TEST_F(OfferChangesTest, ReleaseFailsOnceReleased) {
  MakeReleasable();
  ExpectApplied("ReleaseOffer", "{}");
  ExpectFails("ReleaseOffer", "{}", "INVALID_OFFER_STATE",
              "only a Draft offer can be released; this offer is Released");
}

TEST_F(OfferChangesTest, ReleaseChecksTheAvailabilityEndDate) {
  MakeReleasable();
  // Accepted on a draft without buyers yet (targeting may follow), refused when releasing it
  // public.
  ExpectApplied("UpdateAvailability", R"({"AvailabilityEndDate":"2026-03-31"})");
  ExpectFails("ReleaseOffer", "{}", "INVALID_AVAILABILITY_END_DATE",
              "a public offer has no end date");
  ExpectApplied("UpdateTargeting", kPrivate);
  now = At("2026-04-01T00:00:00Z");  // the date has passed by the time the seller releases
  ExpectFails("ReleaseOffer", "{}", "INVALID_AVAILABILITY_END_DATE", "2026-03-31 has passed");
  now = At("2026-03-31T23:59:59Z");  // still the last day
  ExpectApplied("ReleaseOffer", "{}");
}

// ---- All together, as AWS's sample change set creates a public offer --------------------------

TEST_F(OfferChangesTest, OneChangeSetCreatesAndReleasesACompleteOffer) {
  const std::string offer = "$CreateOfferChange.Entity.Identifier";
  ChangeSet cs =
      Set({MakeChange("CreateOffer", "Offer@1.0", "",
                      fmt::format(R"({{"ProductId":"{}"}})", product_id), "CreateOfferChange"),
           MakeChange("UpdateInformation", "Offer@1.0", offer, kInfo),
           MakeChange("UpdatePricingTerms", "Offer@1.0", offer, kHourlyAndAnnual),
           MakeChange("UpdateLegalTerms", "Offer@1.0", offer, kStandardEula),
           MakeChange("UpdateSupportTerms", "Offer@1.0", offer, kSupport),
           MakeChange("ReleaseOffer", "Offer@1.0", offer, "{}")});
  ProcessOutcome out = ProcessChangeSet(cs, BuiltinChangeTypes(), owner, now, Source());
  ASSERT_EQ(out.status, ChangeSetStatus::kSucceeded)
      << out.failure_description << " "
      << (cs.changes[5].errors.empty() ? "" : cs.changes[5].errors[0].message);
  Persist(out);
  const Entity& created = db.at(cs.changes[0].resolved_entity_id);
  EXPECT_EQ(created.revision, 1);
  EXPECT_EQ(created.details.at("State"), "Released");
  EXPECT_EQ(created.details.at("Terms").get_array().size(), 4u);
  EXPECT_EQ(created.details.at("ProductId").get_string(), product_id);
}

}  // namespace
}  // namespace amiplace
